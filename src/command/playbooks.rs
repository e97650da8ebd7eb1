//! `defuse playbooks`: what can be passed to `--playbook`, and from where.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::{Io, json, table};
use crate::cli::{ListFormat, PlaybooksArgs};
use crate::error::Error;
use crate::playbook::catalog;

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
    let text = match args.format {
        ListFormat::Json => json(&rows),
        ListFormat::Table => table(
            &["ID", "Title", "Version", "Source"],
            rows.iter().map(|row| {
                let source = if row.active {
                    row.source.clone()
                } else {
                    format!("{} (shadowed)", row.source)
                };
                vec![
                    row.id.clone(),
                    row.title.clone(),
                    row.version.clone(),
                    source,
                ]
            }),
        ),
    };
    io.print(&text)?;
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
