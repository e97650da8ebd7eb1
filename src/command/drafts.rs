//! `defuse drafts`: unfinished sessions, newest first.

use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use super::{Io, json, table};
use crate::cli::{DraftsArgs, ListFormat};
use crate::drafts::{DraftStore, age};
use crate::error::Error;
use crate::i18n::Lang;

#[derive(Serialize)]
struct Row {
    id: String,
    customer: String,
    playbook: String,
    stage: String,
    answers: usize,
    age: String,
}

pub fn run(args: &DraftsArgs, dir: &Path, lang: Lang, io: &mut Io) -> Result<(), Error> {
    let l = lang.labels();
    let store = DraftStore::new(dir.to_owned());
    if let Some(id) = &args.discard {
        store.discard(id)?;
        let _ = writeln!(io.err, "{}", (l.draft_discarded)(id));
        return Ok(());
    }
    let now = SystemTime::now();
    let mut rows = Vec::new();
    let mut unreadable = 0;
    for entry in store.list()? {
        let saved = entry.saved;
        match entry.draft {
            Ok(draft) => rows.push(Row {
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
        // "No drafts" beside errors about unreadable ones would contradict
        // them: the errors and their summary say it all.
        ListFormat::Table if rows.is_empty() && unreadable > 0 => String::new(),
        ListFormat::Table if rows.is_empty() => (l.no_drafts)(&dir.display().to_string()) + "\n",
        ListFormat::Table | ListFormat::Tsv => {
            let rows = rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.customer.clone(),
                    r.playbook.clone(),
                    r.stage.clone(),
                    r.answers.to_string(),
                    (l.ago)(&r.age),
                ]
            });
            let layout = super::Layout::of(args.format == ListFormat::Tsv, io);
            let listing = table(
                layout,
                &[
                    l.id,
                    l.customer,
                    l.playbook,
                    l.stopped_at,
                    l.answers,
                    l.saved,
                ],
                rows,
            );
            match layout {
                super::Layout::Tsv => listing,
                _ => listing + l.resume_hint + "\n",
            }
        }
    };
    io.print(&text)?;
    if unreadable > 0 {
        return Err(Error::Findings(format!(
            "{} could not be read",
            crate::text::count(unreadable, "draft", "drafts")
        )));
    }
    Ok(())
}
