//! `defuse drafts`: unfinished sessions, newest first.

use std::path::Path;
use std::time::SystemTime;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use super::Io;
use crate::cli::{DraftsArgs, ListFormat};
use crate::drafts::{DraftStore, age};
use crate::error::Error;
use crate::text::for_terminal as safe;

#[derive(Serialize)]
struct Row {
    id: String,
    customer: String,
    playbook: String,
    stage: String,
    answers: usize,
    age: String,
}

pub fn run(args: &DraftsArgs, dir: &Path, io: &mut Io) -> Result<(), Error> {
    let store = DraftStore::new(dir.to_owned());
    if let Some(id) = &args.discard {
        store.load(id)?;
        store.remove(id)?;
        let _ = writeln!(io.err, "Draft {id} discarded.");
        return Ok(());
    }
    let now = SystemTime::now();
    let mut rows = Vec::new();
    let mut unreadable = 0;
    for entry in store.list()? {
        match entry {
            Ok((draft, saved)) => rows.push(Row {
                id: draft.id,
                customer: draft.customer,
                playbook: draft.playbook,
                stage: draft.stage,
                answers: draft.session.history.len(),
                age: age(saved, now),
            }),
            Err(e) => {
                unreadable += 1;
                let _ = writeln!(io.err, "error: {e}");
            }
        }
    }
    let text = match args.format {
        ListFormat::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
        ListFormat::Table if rows.is_empty() => format!("No drafts in {}.\n", dir.display()),
        ListFormat::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
                "ID",
                "Customer",
                "Playbook",
                "Stopped at",
                "Answers",
                "Saved",
            ]);
            for r in &rows {
                table.add_row(vec![
                    safe(&r.id),
                    safe(&r.customer),
                    safe(&r.playbook),
                    safe(&r.stage),
                    r.answers.to_string(),
                    format!("{} ago", r.age),
                ]);
            }
            format!("{table}\nResume one with `defuse triage --resume ID`.\n")
        }
    };
    io.out
        .write_all(text.as_bytes())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })?;
    if unreadable > 0 {
        return Err(Error::Findings(format!(
            "{unreadable} draft(s) could not be read"
        )));
    }
    Ok(())
}
