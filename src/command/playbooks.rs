//! `defuse playbooks`: what can be passed to `--playbook`, and from where.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::{Io, json, table};
use crate::catalog;
use crate::cli::{ListFormat, PlaybooksArgs};
use crate::error::Error;
use crate::i18n::Lang;

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    version: String,
    /// The locales the playbook's text is written in (empty: plain text only).
    languages: Vec<&'static str>,
    source: String,
    /// False when a later source has a playbook with the same id.
    active: bool,
}

pub fn run(args: &PlaybooksArgs, dirs: &[PathBuf], lang: Lang, io: &mut Io) -> Result<(), Error> {
    let entries = catalog::list(dirs)?;
    let mut rows = Vec::new();
    let mut broken = Vec::new();
    for entry in entries {
        match entry.result {
            Ok(pb) => rows.push(Row {
                title: pb.title.text(lang),
                languages: pb.languages.iter().map(|l| l.code()).collect(),
                id: pb.id,
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
    let l = lang.labels();
    let text = match args.format {
        ListFormat::Json => json(&rows),
        ListFormat::Table | ListFormat::Tsv => table(
            super::Layout::of(args.format == ListFormat::Tsv, io),
            &[l.id, l.title, l.version, l.languages, l.source],
            rows.iter().map(|row| {
                let source = if row.active {
                    row.source.clone()
                } else {
                    format!("{} {}", row.source, l.shadowed)
                };
                vec![
                    row.id.clone(),
                    row.title.clone(),
                    row.version.clone(),
                    row.languages.join(", "),
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
            "{} could not be loaded",
            crate::text::count(broken.len(), "playbook", "playbooks")
        )))
    }
}
