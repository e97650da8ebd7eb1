//! `defuse commitments` (alias `followups`): what the calls promised — the
//! remedies chosen and the follow-ups — across all cases, by due time;
//! filtered by when and by owner; as a table, JSON, CSV or an iCalendar;
//! and `done N`, which records when and by whom.
//!
//! Actions and owner roles are shown in the reader's language: a case
//! stored in another language is replayed in the reader's (see
//! `in_reader_lang`); CSV, for machines, and JSON's `action` and `owner`
//! keep the stored wording (JSON adds `display_action`, `display_owner`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::cases::{open_for_reading, start_of};
use super::test::whatif::replay_call;
use super::{Io, Layout, json, rep_name, table};
use crate::archive::{
    self, Access, Act, ActKind, Archive, CommitmentRow, Commitments, DoneRefused, Location,
    Refusal, Wording,
};
use crate::catalog;
use crate::cli::{CommitmentFormat, CommitmentsAction, CommitmentsArgs};
use crate::config::Settings;
use crate::error::Error;
use crate::i18n::{Labels, Lang};
use crate::plan::markdown::human_time;

pub fn run(
    args: &CommitmentsArgs,
    db: &Location,
    down: Option<&str>,
    lang: Lang,
    settings: &Settings,
    io: &mut Io,
) -> Result<(), Error> {
    let l = lang.labels();
    let now = chrono::Local::now().fixed_offset();
    if let Some(CommitmentsAction::Done { number }) = &args.action {
        let by = rep_name(settings, &io.env);
        let at = crate::plan::rfc3339(now);
        let outcome = match db.file() {
            Some(_) => Archive::open(db, Access::Update)?.commitment_done(*number, &at, &by)?,
            None => {
                let act = Act {
                    kind: ActKind::Done,
                    target: number.to_string(),
                    at,
                    by,
                    reason: String::new(),
                };
                let queued = |why: &str, outbox: &std::path::Path| {
                    format!(
                        "Marked commitment #{number} done; the server {db} is unreachable ({why}), \
                         so it waits in the outbox {} with this time; `defuse sync` sends it",
                        outbox.display()
                    )
                };
                match super::sync::act(db, &act, down, io, queued)? {
                    None => return Ok(()),
                    Some(Ok(_)) => Ok(()),
                    Some(Err(Refusal::Done(refused))) => Err(refused),
                    Some(Err(other)) => return Err(Error::Usage(other.to_string())),
                }
            }
        };
        return match outcome {
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
    let archive = open_for_reading(db, down, &io.env)?;
    let rows = archive.commitments(&filter)?;
    // CSV is for machines: the stored wording, no replay.
    let shown = match args.format {
        CommitmentFormat::Csv => Cow::Borrowed(&rows[..]),
        _ => in_reader_lang(&rows, &archive, lang, &settings.playbook_dirs.value),
    };
    let text = match args.format {
        CommitmentFormat::Json => json(
            &rows
                .iter()
                .zip(shown.iter())
                .map(|(row, shown)| Listed {
                    row,
                    display_action: &shown.action,
                    display_owner: &shown.owner,
                })
                .collect::<Vec<_>>(),
        ),
        CommitmentFormat::Csv => archive::commitments_csv(&rows),
        CommitmentFormat::Ics => archive::ics(&shown, now.to_utc(), l),
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
            listing(&rows, &shown, now, Layout::of(false, io), l) + l.mark_commitment_done + "\n"
        }
        CommitmentFormat::Tsv => listing(&rows, &shown, now, Layout::Tsv, l),
    };
    io.print(&text)
}

/// A commitment in `--format json`: its stored row, and its text as shown.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    row: &'a CommitmentRow,
    /// `action` in the reader's language (`action` keeps the stored wording).
    display_action: &'a str,
    /// `owner` (the role) in the reader's language, likewise.
    display_owner: &'a str,
}

/// Each row as shown to a reader of `lang`, in row order: its action and
/// owner role in `lang`, the rest as stored. A case stored in
/// `lang` keeps its stored wording, and costs one light query for the whole
/// listing (plans in `lang` are not read); every other case whose playbook
/// still resolves at the same id and version has its stored answers
/// replayed in `lang` at its own call time (as `test --against-archive`
/// does), once per case, and each commitment takes its text by kind and
/// item id from that plan, so `when:` variants and times are as they were.
/// Anything that cannot be replayed keeps the stored wording: a reader is
/// never refused a listing for it. The rows themselves when none is
/// replayed (the usual listing: no copy of thousands of rows).
fn in_reader_lang<'a>(
    rows: &'a [CommitmentRow],
    archive: &Archive,
    lang: Lang,
    playbook_dirs: &[PathBuf],
) -> Cow<'a, [CommitmentRow]> {
    let cases: Vec<i64> = rows
        .iter()
        .map(|r| r.case_number)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let calls = match cases.is_empty() {
        true => Vec::new(),
        false => archive.calls_not_in(&cases, lang).unwrap_or_default(),
    };
    let mut playbooks = BTreeMap::new();
    // By case number, then by (kind, item id).
    let mut texts: BTreeMap<i64, BTreeMap<(&str, String), Wording>> = BTreeMap::new();
    for call in &calls {
        let loaded = playbooks
            .entry(call.playbook_id.clone())
            .or_insert_with(|| catalog::resolve(&call.playbook_id, playbook_dirs).ok());
        let Some(pb) = loaded
            .as_ref()
            .map(|l| &l.playbook)
            .filter(|pb| pb.version == call.playbook_version)
        else {
            continue;
        };
        let Ok(replayed) = replay_call(call, pb, archive, lang) else {
            continue;
        };
        let plan = crate::plan::compose(pb, &replayed.outcome, replayed.now, &replayed.call);
        let wording = archive::wording_of_plan(&plan.to_json());
        texts.insert(
            call.number,
            wording
                .into_iter()
                .map(|w| ((w.kind, w.item.clone()), w))
                .collect(),
        );
    }
    if texts.is_empty() {
        return Cow::Borrowed(rows);
    }
    let shown = rows
        .iter()
        .map(|r| {
            let shown = texts
                .get(&r.case_number)
                .and_then(|t| t.get(&(r.kind.as_str(), r.item.clone())));
            match shown {
                Some(w) => CommitmentRow {
                    action: w.action.clone(),
                    owner: w.owner.clone(),
                    ..r.clone()
                },
                None => r.clone(),
            }
        })
        .collect();
    Cow::Owned(shown)
}

fn listing(
    rows: &[CommitmentRow],
    shown: &[CommitmentRow],
    now: chrono::DateTime<chrono::FixedOffset>,
    layout: Layout,
    l: &Labels,
) -> String {
    // For scripts (tsv) the due time stays RFC 3339 and the state is a
    // column of its own; for people, the state follows the time.
    let tsv = layout == Layout::Tsv;
    let rows = rows.iter().zip(shown).map(|(c, shown)| {
        let late = chrono::DateTime::parse_from_rfc3339(&c.due).is_ok_and(|d| d < now);
        let (state, mark) = match (&c.done_at, late) {
            (Some(_), _) => ("done", Some(l.done)),
            (None, true) => ("overdue", Some(l.overdue)),
            (None, false) => ("open", None),
        };
        let due = match (tsv, mark) {
            (true, _) => vec![c.due.clone(), state.to_owned()],
            (false, Some(mark)) => vec![format!("{} {mark}", human_time(&c.due))],
            (false, None) => vec![human_time(&c.due)],
        };
        [
            c.number.to_string(),
            archive::kind_label(&c.kind, l).to_owned(),
        ]
        .into_iter()
        .chain(due)
        .chain([
            c.customer.clone(),
            shown.action.clone(),
            shown.owner_shown(),
            format!("#{}", c.case_number),
        ])
        .collect::<Vec<_>>()
    });
    let header: &[&str] = match tsv {
        true => &[
            "#", l.kind, l.due, l.state, l.customer, l.action, l.owner, l.case,
        ],
        false => &["#", l.kind, l.due, l.customer, l.action, l.owner, l.case],
    };
    table(layout, header, rows)
}
