//! `defuse sync`'s work: everything waiting in the outbox for a server
//! archive pushed over one connection — the queued cases first, oldest
//! first, then the queued acts in the order the rep did them (so an act on
//! a case that itself waited in the outbox finds it).
//!
//! Each case is its own transaction (the server's ordinary store), so a
//! failure midway keeps the rest queued; the first failure stops the sync
//! (the server is then most likely away for all of them). A case the
//! server refuses for good (its case id taken by a different call) is
//! held (`Outbox::hold`: out of the queue, its answers written out, said
//! once) and the sync goes on past it. The connection lives on a worker thread and every step has the store's client-side
//! deadline, so a server that goes silent mid-sync cannot hold cron or the
//! rep. A row leaves the outbox only once the server has it.

use std::collections::BTreeMap;
use std::sync::mpsc;

use serde::Serialize;

use super::acts::{self, Act, ActKind, Applied, RefusedAct};
use super::history::reason;
use super::outbox::Outbox;
use super::postgres::Pg;
use super::{Access, Location, Stored};
use crate::error::Error;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Synced {
    /// Cases the server did not have and now does: (case id, number).
    pub stored: Vec<(String, i64)>,
    /// Cases the server had already (another sync, or the store that timed
    /// out did commit): (case id, number); removed from the outbox too.
    pub already: Vec<(String, i64)>,
    /// What is still waiting, with why (the first failure stops the sync):
    /// (a case id, or an act such as `commitment #12 done`, why).
    pub failed: Vec<(String, String)>,
    /// Cases the server refuses for good: moved to the outbox's `held`
    /// table, their answers written out to store as a new call; they do
    /// not stop the rest. Reported by this sync only.
    pub held: Vec<Held>,
    /// Cases waiting for another archive than this one.
    pub other_archives: usize,
    /// Those cases by the archive they wait for (`user@host:port/db`).
    pub waiting_elsewhere: BTreeMap<String, usize>,
    /// Queued acts the server took now.
    pub applied: Vec<Act>,
    /// Queued acts the archive had already (this act by an earlier or
    /// concurrent sync, or the same done or void by anyone).
    pub applied_already: Vec<Act>,
    /// Queued acts the server refused for good: removed from the queue,
    /// kept in the outbox's `refused` table, reported by this sync only.
    pub refused: Vec<RefusedAct>,
    /// Why the server could not be reached at all, if so: the command that
    /// follows need not try again (and wait the connect limit twice).
    #[serde(skip)]
    pub unreachable: Option<String>,
}

/// A queued case the server refused for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub case_id: String,
    /// The call time, RFC 3339.
    pub call_time: String,
    pub why: String,
    /// Its answers file, beside the outbox (an absolute path).
    pub answers: std::path::PathBuf,
    /// A rehearsal, to be stored as one again.
    pub rehearsal: bool,
    /// The language its plan was composed in, when known.
    pub lang: Option<String>,
}

/// One step of the worker, in the order of the queue.
enum Step {
    /// Connected: the steps of the queue follow.
    Open,
    /// Stored, or refused for good (why).
    Case(Result<Stored, String>),
    Act(Applied),
}

/// Pushes every case, then every act, waiting for `location` to it.
pub fn sync(location: &Location, outbox: &Outbox) -> Result<Synced, Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!(
            "{location} is a file; `defuse sync` pushes the outbox to a server archive \
             (--db postgres://user@host/dbname)"
        )));
    };
    let archive = server.identity();
    let (cases, waiting_elsewhere) = outbox.waiting(&archive)?;
    let queued_acts = acts::waiting(outbox, &archive)?;
    let mut synced = Synced {
        other_archives: waiting_elsewhere.values().sum(),
        waiting_elsewhere,
        ..Synced::default()
    };
    if cases.is_empty() && queued_acts.is_empty() {
        return Ok(synced);
    }
    // Something waits, so the file exists; the acts' tables are made too.
    let mut kept = acts::open(outbox, false)?.ok_or_else(|| outbox.error("vanished"))?;
    let (sender, receiver) = mpsc::channel::<Result<Step, Error>>();
    let held_before = outbox.held_ids(&archive)?;
    let (owned, work, work_acts) = (
        server.clone(),
        cases.clone(),
        queued_acts
            .iter()
            .map(|(_, act)| act.clone())
            .collect::<Vec<_>>(),
    );
    std::thread::Builder::new()
        .name("defuse-sync".into())
        .spawn(move || {
            // Only a case to store may create the archive's schema; acts
            // alone need one that exists.
            let access = match work.is_empty() {
                true => Access::Update,
                false => Access::Store,
            };
            let mut pg = match Pg::open(&owned, access) {
                Ok(pg) => pg,
                Err(e) => {
                    let _ = sender.send(Err(e));
                    return;
                }
            };
            if sender.send(Ok(Step::Open)).is_err() {
                return;
            }
            // A failed step ends the work; so does a sync that stopped
            // waiting (the send fails): at most one more step is done, and
            // every step is idempotent.
            let send = |step: Result<Step, Error>| {
                let failed = step.is_err();
                sender.send(step).is_ok() && !failed
            };
            let mut held = held_before;
            for values in &work {
                let stored = pg.store_unless_clash(values, &mut || {});
                if matches!(stored, Ok(Err(_))) {
                    held.insert(values.case_id.clone());
                }
                if !send(stored.map(Step::Case)) {
                    return;
                }
            }
            for act in &work_acts {
                // A void queued for a case that was held names, on the
                // server, the other call that has its id: never applied.
                let applied = match act.kind == ActKind::Void && held.contains(&act.target) {
                    true => Ok(Applied::Refused(format!(
                        "case {} was held (its id belongs to another call there), so the void \
                         would hit that call; store the held case anew, then void it",
                        act.target
                    ))),
                    false => acts::apply(&mut pg, act),
                };
                if !send(applied.map(Step::Act)) {
                    return;
                }
            }
        })
        .map_err(|e| server.error(format!("cannot start syncing: {e}")))?;
    let limit = server.store_limit();
    let next = || {
        receiver
            .recv_timeout(limit)
            .unwrap_or_else(|_| Err(server.error(super::postgres::no_answer_within(limit))))
    };
    let first = cases
        .first()
        .map(|values| values.case_id.clone())
        .or_else(|| queued_acts.first().map(|(_, act)| act.label()))
        .unwrap_or_default();
    match next() {
        Ok(Step::Open) => {}
        Ok(_) => return Ok(out_of_order(synced, &first)),
        Err(e) => {
            let why = reason(&e);
            synced.failed.push((first, why.clone()));
            synced.unreachable = Some(why);
            return Ok(synced);
        }
    }
    for values in &cases {
        match next() {
            Ok(Step::Case(Ok(Stored::New(number)))) => {
                synced.stored.push((values.case_id.clone(), number))
            }
            Ok(Step::Case(Ok(Stored::Already(number)))) => {
                synced.already.push((values.case_id.clone(), number))
            }
            Ok(Step::Case(Err(why))) => {
                if let Some(answers) = outbox.hold(&mut kept, values, &why)? {
                    synced.held.push(Held {
                        case_id: values.case_id.clone(),
                        call_time: values.created_at.clone(),
                        why,
                        answers,
                        rehearsal: values.rehearsal,
                        lang: values.plan_lang.clone(),
                    });
                }
                continue;
            }
            Ok(_) => return Ok(out_of_order(synced, &values.case_id)),
            Err(e) => {
                synced.failed.push((values.case_id.clone(), reason(&e)));
                return Ok(synced);
            }
        }
        outbox.remove(&kept, &values.fingerprint)?;
    }
    for (row, act) in &queued_acts {
        match next() {
            Ok(Step::Act(Applied::Now)) => {
                acts::remove(outbox, &kept, *row)?;
                synced.applied.push(act.clone());
            }
            Ok(Step::Act(Applied::Already)) => {
                acts::remove(outbox, &kept, *row)?;
                synced.applied_already.push(act.clone());
            }
            Ok(Step::Act(Applied::Refused(why))) => {
                if acts::refuse(outbox, &mut kept, &archive, *row, act, &why)? {
                    synced.refused.push(RefusedAct {
                        act: act.clone(),
                        why,
                    });
                }
            }
            Ok(_) => return Ok(out_of_order(synced, &act.label())),
            Err(e) => {
                synced.failed.push((act.label(), reason(&e)));
                return Ok(synced);
            }
        }
    }
    Ok(synced)
}

/// The worker answers in queue order; a step of the wrong kind would be a
/// bug here, said as a failure (the item stays queued) rather than a panic.
fn out_of_order(mut synced: Synced, item: &str) -> Synced {
    synced
        .failed
        .push((item.to_owned(), "internal error: steps out of order".into()));
    synced
}
