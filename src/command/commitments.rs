//! `defuse commitments` (alias `followups`): what the calls promised — the
//! remedies chosen and the follow-ups — across all cases, by due time;
//! filtered by when and by owner; as a table, JSON, CSV or an iCalendar;
//! and `done N`, which records when and by whom.

use super::cases::{open_for_reading, start_of};
use super::{Io, Layout, json, rep_name, table};
use crate::archive::{self, Access, Archive, CommitmentRow, Commitments, DoneRefused, Location};
use crate::cli::{CommitmentFormat, CommitmentsAction, CommitmentsArgs};
use crate::config::Settings;
use crate::error::Error;
use crate::i18n::{Labels, Lang};
use crate::plan::markdown::human_time;

pub fn run(
    args: &CommitmentsArgs,
    db: &Location,
    lang: Lang,
    settings: &Settings,
    io: &mut Io,
) -> Result<(), Error> {
    let l = lang.labels();
    let now = chrono::Local::now().fixed_offset();
    if let Some(CommitmentsAction::Done { number }) = &args.action {
        let mut archive = Archive::open(db, Access::Update)?;
        let by = rep_name(settings, &io.env);
        return match archive.commitment_done(*number, &crate::plan::rfc3339(now), &by)? {
            Ok(()) => {
                let _ = writeln!(io.err, "{}", (l.commitment_done)(*number));
                Ok(())
            }
            Err(DoneRefused::Unknown) => Err(Error::Usage(format!(
                "no commitment #{number} in {} (see `defuse commitments`)",
                db.display()
            ))),
            Err(DoneRefused::AlreadyDone(at, by)) => Err(Error::Usage(format!(
                "commitment #{number} is already done (by {by} at {})",
                human_time(&at)
            ))),
            // The same exit status as the other refusals: the request, not the tool, failed.
            Err(DoneRefused::NotYours(case, stored_by)) => Err(Error::Usage(format!(
                "commitment #{number} belongs to case #{case}, stored by {}: a rep marks done \
                 only the commitments of the cases they stored; ask them or a team lead. Nothing was changed",
                stored_by.as_deref().unwrap_or("another rep")
            ))),
        };
    }
    // As of another time: its own offset says where its day ends.
    let now = match &args.now {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
            Error::Usage(format!(
                "invalid time `{text}` ({e}); write RFC 3339, e.g. 2026-11-24T18:00:00+08:00"
            ))
        })?,
        None => now,
    };
    let mine = args.mine.then(|| rep_name(settings, &io.env));
    let filter = Commitments {
        due_before: if args.overdue {
            Some(now.timestamp())
        } else if args.due || args.today {
            // The end of the rep's local day: what is left to do today.
            let tomorrow = now.date_naive().succ_opt().unwrap_or(now.date_naive());
            Some(start_of(tomorrow, *now.offset()))
        } else {
            None
        },
        owner: args.owner.clone(),
        owner_name: mine.clone(),
        // A calendar needs the done ones to mark them completed.
        include_done: args.all || args.format == CommitmentFormat::Ics,
    };
    let archive = open_for_reading(db, &io.env)?;
    let rows = archive.commitments(&filter)?;
    let text = match args.format {
        CommitmentFormat::Json => json(&rows),
        CommitmentFormat::Csv => archive::commitments_csv(&rows),
        CommitmentFormat::Ics => archive::ics(&rows, now.to_utc(), l),
        CommitmentFormat::Table if rows.is_empty() => match &mine {
            Some(name) => (l.no_commitments_for)(name) + "\n",
            // A filter that matched nothing says how many it looked at.
            None if filter.due_before.is_some() || filter.owner.is_some() => {
                match archive.commitments(&Commitments::default())?.len() {
                    0 => format!("{}\n", l.no_open_commitments),
                    n => (l.no_commitments_match)(n) + "\n",
                }
            }
            None => format!("{}\n", l.no_open_commitments),
        },
        CommitmentFormat::Table => {
            listing(&rows, now, Layout::of(false, io), l) + l.mark_commitment_done + "\n"
        }
        CommitmentFormat::Tsv => listing(&rows, now, Layout::Tsv, l),
    };
    io.print(&text)
}

fn listing(
    rows: &[CommitmentRow],
    now: chrono::DateTime<chrono::FixedOffset>,
    layout: Layout,
    l: &Labels,
) -> String {
    let rows = rows.iter().map(|c| {
        let late = chrono::DateTime::parse_from_rfc3339(&c.due).is_ok_and(|d| d < now);
        let due = match (&c.done_at, late) {
            (Some(_), _) => format!("{} {}", human_time(&c.due), l.done),
            (None, true) => format!("{} {}", human_time(&c.due), l.overdue),
            (None, false) => human_time(&c.due),
        };
        vec![
            c.number.to_string(),
            archive::kind_label(&c.kind, l).to_owned(),
            due,
            c.customer.clone(),
            c.action.clone(),
            c.owner_shown(),
            format!("#{}", c.case_number),
        ]
    });
    table(
        layout,
        &["#", l.kind, l.due, l.customer, l.action, l.owner, l.case],
        rows,
    )
}
