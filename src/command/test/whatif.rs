//! `defuse test --against-archive`: what an edited playbook would have
//! decided for the calls already stored. Each counting case's answers (as
//! written then) replay through the current playbook of the same id, with
//! the archive as history at the case's own call time; a case is listed
//! when its level, authority or proposed remedies would change, or when its
//! answers no longer replay. The archive is opened read-only.
//!
//! History is the archive as it is (earlier cases keep the levels they were
//! stored with), so a replay sees what the live call saw.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::super::Layout;
use super::super::cases::{open_for_reading, parse_since};
use super::super::{Io, json, table};
use crate::archive::Location;
use crate::archive::{Archive, StoredCall};
use crate::catalog::{self, Loaded};
use crate::cli::{ListFormat, TestArgs};
use crate::error::Error;
use crate::i18n::Lang;
use crate::playbook::Playbook;
use crate::prompt::script::ScriptPrompter;
use crate::triage::answers::AnswersFile;
use crate::triage::fingerprint::CanonicalAnswers;
use crate::triage::history::History;
use crate::triage::session::{Outcome, Session};
use crate::triage::{Fingerprint, drive};

/// What a plan decided, as compared: level, authority, proposed remedies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Decision {
    level: String,
    authority: String,
    /// Proposed remedies, sorted. Before: the stored plan's remedies the
    /// playbook proposed (the plan keeps only those the rep kept, so one
    /// unticked then shows as `+id`); after: every remedy proposed now.
    remedies: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Changed {
    number: i64,
    case_id: String,
    customer: String,
    playbook: String,
    before: Decision,
    /// `None` when the answers no longer replay (see `error`).
    after: Option<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    replayed: usize,
    changed: usize,
    failed: usize,
    cases: Vec<Changed>,
}

/// The proposed remedies of a stored plan (its JSON contract).
fn proposed_in(plan_json: &str) -> Vec<String> {
    let plan: serde_json::Value = serde_json::from_str(plan_json).unwrap_or_default();
    let mut ids: Vec<String> = plan["remedies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["proposed"].as_bool() == Some(true))
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

/// A stored call replayed: what the session decided, at the call's own time.
pub(in crate::command) struct Replayed {
    pub outcome: Outcome,
    /// The call time as stored.
    pub now: DateTime<FixedOffset>,
    /// What names the call (it ends the case id).
    pub call: Fingerprint,
}

/// Replays one stored call's answers (as written) through `pb`, worded in
/// `lang`, with `history` as it is at the call's own time. The one replay
/// of the archive: what-if compares its decisions, `commitments` words its
/// plan in the reader's language. Errors are one line (a table cell).
pub(in crate::command) fn replay_call(
    call: &StoredCall,
    pb: &Playbook,
    history: &dyn History,
    lang: Lang,
) -> Result<Replayed, String> {
    let name = "answers".to_owned();
    // A table cell: the first line of the error (`case ID:19:11: error: …`).
    fn first(e: impl std::fmt::Display) -> String {
        e.to_string().lines().next().unwrap_or_default().to_owned()
    }
    let mut file = AnswersFile::parse(&name, &call.answers_yaml).map_err(first)?;
    // The playbook is the one of the stored id, found as `test` finds it.
    file.playbook = None;
    let answers = CanonicalAnswers::of_file(&file);
    let mut prompter =
        ScriptPrompter::from_file(&name, &call.answers_yaml, file, pb).map_err(first)?;
    let now = DateTime::parse_from_rfc3339(&call.created_at)
        .map_err(|e| format!("stored call time `{}`: {e}", call.created_at))?;
    let mut session = Session::new(pb)
        .in_lang(lang)
        .with_history(history, now.timestamp());
    let outcome = drive(&mut session, &mut prompter, |_| {}).map_err(first)?;
    let call = Fingerprint::new(
        &answers,
        &call.playbook_id,
        &call.playbook_version,
        now.timestamp(),
    );
    Ok(Replayed { outcome, now, call })
}

/// Replays one stored call through `pb`, with the archive as its history.
fn replay(call: &StoredCall, pb: &Playbook, archive: &Archive) -> Result<Decision, String> {
    // Decisions never depend on the language.
    let outcome = replay_call(call, pb, archive, Lang::default())?.outcome;
    // What the playbook proposes now, whatever the rep ticked then: a
    // remedy newly proposed must show even though the recorded selection
    // (replayed as written) lacks it.
    let mut remedies: Vec<String> = outcome.proposals.iter().map(|p| p.remedy.clone()).collect();
    remedies.sort();
    Ok(Decision {
        level: pb.levels[outcome.assessment.level].id.value.clone(),
        authority: pb.authority[outcome.assessment.authority].id.value.clone(),
        remedies,
    })
}

/// `before → after` in words, only what changed.
fn describe(before: &Decision, after: &Decision) -> String {
    let mut parts = Vec::new();
    if before.level != after.level {
        parts.push(format!("level {} → {}", before.level, after.level));
    }
    if before.authority != after.authority {
        parts.push(format!(
            "authority {} → {}",
            before.authority, after.authority
        ));
    }
    let gone: Vec<String> = before
        .remedies
        .iter()
        .filter(|r| !after.remedies.contains(r))
        .map(|r| format!("-{r}"))
        .collect();
    let new: Vec<String> = after
        .remedies
        .iter()
        .filter(|r| !before.remedies.contains(r))
        .map(|r| format!("+{r}"))
        .collect();
    if !gone.is_empty() || !new.is_empty() {
        parts.push(format!("remedies {}", [gone, new].concat().join(" ")));
    }
    parts.join("; ")
}

pub fn run(
    args: &TestArgs,
    playbook_dirs: &[PathBuf],
    db: &Location,
    io: &mut Io,
) -> Result<(), Error> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    // As `cases list`: no archive yet at the default place is no cases; a
    // path given that does not exist is an error.
    let archive = open_for_reading(db, None, &io.env)?;
    let calls = archive.stored_calls(since)?;
    // Each playbook is resolved once; one that no longer resolves fails its cases.
    let mut playbooks: BTreeMap<String, Result<Loaded, String>> = BTreeMap::new();
    let mut report = Report {
        replayed: calls.len(),
        changed: 0,
        failed: 0,
        cases: Vec::new(),
    };
    for call in &calls {
        let loaded = playbooks
            .entry(call.playbook_id.clone())
            .or_insert_with(|| {
                catalog::resolve(&call.playbook_id, playbook_dirs)
                    .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
            });
        let before = Decision {
            level: call.level.clone(),
            authority: call.authority.clone(),
            remedies: proposed_in(&call.plan_json),
        };
        let after = match loaded {
            Ok(loaded) => replay(call, &loaded.playbook, &archive),
            Err(e) => Err(e.clone()),
        };
        let (after, error) = match after {
            Ok(after) if after == before => continue,
            Ok(after) => (Some(after), None),
            Err(e) => (None, Some(e)),
        };
        match error {
            Some(_) => report.failed += 1,
            None => report.changed += 1,
        }
        report.cases.push(Changed {
            number: call.number,
            case_id: call.case_id.clone(),
            customer: call.customer.clone(),
            playbook: format!("{} v{}", call.playbook_id, call.playbook_version),
            before,
            after,
            error,
        });
    }
    let text = match args.format {
        ListFormat::Json => json(&report),
        ListFormat::Table | ListFormat::Tsv => {
            let mut text = String::new();
            if !report.cases.is_empty() {
                text = table(
                    Layout::of(args.format == ListFormat::Tsv, io),
                    &["#", "case", "customer", "before → after"],
                    report.cases.iter().map(|c| {
                        let change = match (&c.after, &c.error) {
                            (Some(after), _) => describe(&c.before, after),
                            (None, e) => {
                                format!("no longer replays: {}", e.as_deref().unwrap_or_default())
                            }
                        };
                        [
                            c.number.to_string(),
                            c.case_id.clone(),
                            c.customer.clone(),
                            change,
                        ]
                    }),
                );
            }
            text.push_str(&format!(
                "{} replayed: {} would change, {} no longer {}\n",
                crate::text::count(report.replayed, "case", "cases"),
                report.changed,
                report.failed,
                if report.failed == 1 {
                    "replays"
                } else {
                    "replay"
                }
            ));
            text
        }
    };
    io.print(&text)?;
    if args.fail_on_change && report.changed + report.failed > 0 {
        return Err(Error::Findings(format!(
            "{} would change, {} no longer {}",
            crate::text::count(report.changed, "stored case", "stored cases"),
            report.failed,
            if report.failed == 1 {
                "replays"
            } else {
                "replay"
            }
        )));
    }
    Ok(())
}
