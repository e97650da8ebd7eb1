//! `defuse drafts`: unfinished sessions, newest first.

use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use super::{Io, json, table};
use crate::cli::{DraftsArgs, ListFormat};
use crate::drafts::{DraftStore, age};
use crate::error::Error;

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
        ListFormat::Json => json(&rows),
        ListFormat::Table if rows.is_empty() => format!("No drafts in {}.\n", dir.display()),
        ListFormat::Table => {
            let rows = rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.customer.clone(),
                    r.playbook.clone(),
                    r.stage.clone(),
                    r.answers.to_string(),
                    format!("{} ago", r.age),
                ]
            });
            table(
                &[
                    "ID",
                    "Customer",
                    "Playbook",
                    "Stopped at",
                    "Answers",
                    "Saved",
                ],
                rows,
            ) + "Resume one with `defuse triage --resume ID`.\n"
        }
    };
    io.print(&text)?;
    if unreadable > 0 {
        return Err(Error::Findings(format!(
            "{unreadable} draft(s) could not be read"
        )));
    }
    Ok(())
}
