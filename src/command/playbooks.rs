//! `defuse playbooks`: what can be passed to `--playbook`, and from where.

use std::collections::BTreeSet;
use std::path::PathBuf;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use super::Io;
use crate::cli::{ListFormat, PlaybooksArgs};
use crate::error::Error;
use crate::playbook::catalog;
use crate::text::for_terminal as safe;

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    version: String,
    source: String,
    /// False when a later source has a playbook with the same id.
    active: bool,
}

pub fn run(args: &PlaybooksArgs, dirs: &[PathBuf], io: &mut Io) -> Result<(), Error> {
    let entries = catalog::list(dirs)?;
    let mut rows = Vec::new();
    let mut broken = Vec::new();
    for entry in entries {
        match entry.result {
            Ok(pb) => rows.push(Row {
                id: pb.id.value,
                title: pb.title,
                version: pb.version,
                source: entry.source.to_string(),
                active: true,
            }),
            Err(e) => broken.push(e),
        }
    }
    // Later sources shadow earlier ones with the same id.
    let mut seen = BTreeSet::new();
    for row in rows.iter_mut().rev() {
        row.active = seen.insert(row.id.clone());
    }
    let write = |io: &mut Io, text: String| {
        io.out
            .write_all(text.as_bytes())
            .map_err(|source| Error::Write {
                path: "<stdout>".into(),
                source,
            })
    };
    match args.format {
        ListFormat::Json => {
            let json = serde_json::to_string_pretty(&rows).unwrap_or_default();
            write(io, json + "\n")?;
        }
        ListFormat::Table => {
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_header(vec!["ID", "Title", "Version", "Source"]);
            for row in &rows {
                let source = if row.active {
                    row.source.clone()
                } else {
                    format!("{} (shadowed)", row.source)
                };
                table.add_row(vec![
                    safe(&row.id),
                    safe(&row.title),
                    safe(&row.version),
                    safe(&source),
                ]);
            }
            write(io, format!("{table}\n"))?;
        }
    }
    for problem in &broken {
        let _ = writeln!(io.err, "error: invalid playbook\n{problem}");
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(Error::Findings(format!(
            "{} playbook(s) could not be loaded",
            broken.len()
        )))
    }
}
