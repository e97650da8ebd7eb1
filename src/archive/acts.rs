//! Acts that wait in the outbox: a commitment marked done or a case voided
//! on a server archive the rep cannot reach (on a train), kept with the
//! rep's own time and name, and applied by `defuse sync` after the queued
//! cases (so a void of a case that itself still waits there works).
//!
//! Applying is idempotent: a done or a void the archive already has (by
//! this act, a concurrent sync's, or anyone's) is fine and leaves the
//! outbox; the server's `WHERE done_at IS NULL` / `void_at IS NULL` means
//! re-running never applies one twice. An act the server refuses for good
//! (not this role's to do, an unknown number) is said once, moved out of
//! the queue into the outbox's `refused` table (a record the rep can read),
//! never retried.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::outbox::Outbox;
use super::postgres::{Pg, Server};
use super::{Access, DoneRefused, Location, VoidRefused, Voiding, archive_error};
use crate::error::Error;

/// What a queued act does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActKind {
    /// `commitments done NUMBER`.
    Done,
    /// `cases void ID --reason TEXT`.
    Void,
}

impl ActKind {
    fn as_str(self) -> &'static str {
        match self {
            ActKind::Done => "done",
            ActKind::Void => "void",
        }
    }
}

/// An act on a server archive, as the rep did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Act {
    pub kind: ActKind,
    /// The commitment's number, or the case's number or case id.
    pub target: String,
    /// When the rep did it (RFC 3339): the time the archive records.
    pub at: String,
    /// Who did it (the rep's name).
    pub by: String,
    /// A void's reason ("" for a done).
    pub reason: String,
}

impl Act {
    /// `commitment #12 done` / `case #12 void`, for messages.
    pub fn label(&self) -> String {
        let target = match self.target.parse::<i64>() {
            Ok(n) => format!("#{n}"),
            Err(_) => self.target.clone(),
        };
        match self.kind {
            ActKind::Done => format!("commitment {target} done"),
            ActKind::Void => format!("case {target} void"),
        }
    }
}

/// An act the server refused for good, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedAct {
    #[serde(flatten)]
    pub act: Act,
    pub why: String,
}

/// What applying an act on the server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Done now.
    Now,
    /// The archive had it already (this act, or the same by anyone).
    Already,
    /// Refused for good: why.
    Refused(String),
}

/// What an act on a server archive became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acted {
    /// The server took it now: the commitment's or the case's number.
    Applied(Result<i64, Refusal>),
    /// The server could not be reached (why); it waits in the outbox.
    Queued { reason: String },
}

/// Why the server refused an act at once (the rep is there to hear it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Done(DoneRefused),
    Void(VoidRefused),
    /// The role may not do it (a rep's void): the server's words.
    NotAllowed(String),
}

/// The outbox's acts tables, opened (created if `create`).
pub(super) fn open(outbox: &Outbox, create: bool) -> Result<Option<Connection>, Error> {
    let Some(conn) = outbox.open(create)? else {
        return Ok(None);
    };
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS acts (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             archive TEXT NOT NULL,
             kind TEXT NOT NULL,
             target TEXT NOT NULL,
             at TEXT NOT NULL,
             by TEXT NOT NULL,
             reason TEXT NOT NULL,
             queued_at TEXT NOT NULL,
             why_queued TEXT NOT NULL,
             UNIQUE (archive, kind, target)
         );
         CREATE TABLE IF NOT EXISTS refused (
             archive TEXT NOT NULL,
             kind TEXT NOT NULL,
             target TEXT NOT NULL,
             at TEXT NOT NULL,
             by TEXT NOT NULL,
             reason TEXT NOT NULL,
             refused_at TEXT NOT NULL,
             why TEXT NOT NULL
         )",
    )
    .map_err(|e| outbox.error(e))?;
    Ok(Some(conn))
}

/// Now, as the outbox's tables record it (UTC, RFC 3339, whole seconds).
pub(super) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Keeps `act` for `archive`; the same act again keeps the first (its time).
pub(super) fn put(outbox: &Outbox, archive: &str, act: &Act, why: &str) -> Result<(), Error> {
    let conn = open(outbox, true)?.ok_or_else(|| outbox.error("not created"))?;
    record(
        &conn,
        "INSERT OR IGNORE INTO acts",
        "queued_at, why_queued",
        archive,
        act,
        why,
    )
    .map_err(|e| outbox.error(e))?;
    Ok(())
}

/// `act` as a row of the acts or the refused table (`insert` names which;
/// `when_why` its two last columns), stamped now with `why`.
fn record(
    conn: &Connection,
    insert: &str,
    when_why: &str,
    archive: &str,
    act: &Act,
    why: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        &format!(
            "{insert} (archive, kind, target, at, by, reason, {when_why})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ),
        params![
            archive,
            act.kind.as_str(),
            act.target,
            act.at,
            act.by,
            act.reason,
            now(),
            why
        ],
    )
}

/// The acts waiting for `archive`, in the order they were done: (row, act).
pub(super) fn waiting(outbox: &Outbox, archive: &str) -> Result<Vec<(i64, Act)>, Error> {
    let Some(conn) = open(outbox, false)? else {
        return Ok(Vec::new());
    };
    let mut statement = conn
        .prepare("SELECT id, kind, target, at, by, reason FROM acts WHERE archive = ?1 ORDER BY id")
        .map_err(|e| outbox.error(e))?;
    let rows = statement
        .query_map([archive], |row| {
            // A kind this defuse does not know (written by a newer one) is
            // never guessed at: the outbox is refused as damaged.
            let kind = match row.get::<_, String>(1)?.as_str() {
                "void" => ActKind::Void,
                "done" => ActKind::Done,
                other => {
                    return Err(rusqlite::Error::InvalidColumnType(
                        1,
                        format!("kind `{other}`"),
                        rusqlite::types::Type::Text,
                    ));
                }
            };
            Ok((
                row.get(0)?,
                Act {
                    kind,
                    target: row.get(2)?,
                    at: row.get(3)?,
                    by: row.get(4)?,
                    reason: row.get(5)?,
                },
            ))
        })
        .map_err(|e| outbox.error(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| outbox.error(e))
}

/// Takes an applied act out of the queue.
pub(super) fn remove(outbox: &Outbox, conn: &Connection, row: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM acts WHERE id = ?1", [row])
        .map_err(|e| outbox.error(e))?;
    Ok(())
}

/// Moves a refused act from the queue to `refused`; false when another
/// sync moved it first (so it is reported once).
pub(super) fn refuse(
    outbox: &Outbox,
    conn: &mut Connection,
    archive: &str,
    row: i64,
    act: &Act,
    why: &str,
) -> Result<bool, Error> {
    let tx = conn.transaction().map_err(|e| outbox.error(e))?;
    let taken = tx
        .execute("DELETE FROM acts WHERE id = ?1", [row])
        .map_err(|e| outbox.error(e))?;
    if taken == 1 {
        record(
            &tx,
            "INSERT INTO refused",
            "refused_at, why",
            archive,
            act,
            why,
        )
        .map_err(|e| outbox.error(e))?;
    }
    tx.commit().map_err(|e| outbox.error(e))?;
    Ok(taken == 1)
}

impl Outbox {
    /// How many acts wait for `location` (0 for a file archive).
    pub fn acts_count(&self, location: &Location) -> Result<usize, Error> {
        let Location::Server(server) = location else {
            return Ok(0);
        };
        let Some(conn) = open(self, false)? else {
            return Ok(0);
        };
        conn.query_row(
            "SELECT count(*) FROM acts WHERE archive = ?1",
            [server.identity()],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| n as usize)
        .map_err(|e| self.error(e))
    }
}

/// Applies `act` on an open server archive: [`Applied`], or an error when
/// the server failed (the act then stays queued).
pub(super) fn apply(pg: &mut Pg, act: &Act) -> Result<Applied, Error> {
    Ok(match run(pg, act)? {
        Ok(_) => Applied::Now,
        Err(Refusal::Done(DoneRefused::AlreadyDone(..)))
        | Err(Refusal::Void(VoidRefused::AlreadyVoid(..))) => Applied::Already,
        Err(refusal) => Applied::Refused(refusal.to_string()),
    })
}

/// `act` on the server, as the command would do it now.
fn run(pg: &mut Pg, act: &Act) -> Result<Result<i64, Refusal>, Error> {
    match act.kind {
        ActKind::Done => {
            let number = act.target.trim_start_matches('#').parse::<i64>().ok();
            let Some(number) = number else {
                return Ok(Err(Refusal::Done(DoneRefused::Unknown)));
            };
            match pg.commitment_done(number, &act.at, &act.by) {
                Ok(outcome) => Ok(outcome.map(|()| number).map_err(Refusal::Done)),
                // The role may not mark done at all: refused for good.
                Err(Error::Usage(why)) => Ok(Err(Refusal::NotAllowed(why))),
                Err(e) => Err(e),
            }
        }
        ActKind::Void => {
            let voiding = Voiding {
                at: &act.at,
                by: &act.by,
                reason: &act.reason,
            };
            match pg.void(&act.target, &voiding) {
                Ok(outcome) => Ok(outcome.map_err(Refusal::Void)),
                // The role may not void (a rep's): refused for good.
                Err(Error::Usage(why)) => Ok(Err(Refusal::NotAllowed(why))),
                Err(e) => Err(e),
            }
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Done(DoneRefused::Unknown) => f.write_str("no such commitment"),
            Refusal::Done(DoneRefused::AlreadyDone(at, by)) => {
                write!(f, "already done (by {by} at {at})")
            }
            Refusal::Done(DoneRefused::NotYours(case, stored_by)) => write!(
                f,
                "it belongs to case #{case}, stored by {}: a rep marks done only the \
                 commitments of the cases they stored; ask them or a team lead",
                stored_by.as_deref().unwrap_or("another rep")
            ),
            Refusal::Void(VoidRefused::Unknown) => f.write_str("no such case"),
            Refusal::Void(VoidRefused::Ambiguous(numbers)) => {
                let numbers: Vec<String> = numbers.iter().map(|n| format!("#{n}")).collect();
                write!(
                    f,
                    "the case id names {} cases ({}); void one by its number",
                    numbers.len(),
                    numbers.join(", ")
                )
            }
            Refusal::Void(VoidRefused::AlreadyVoid(number, at, by, why)) => {
                write!(f, "case #{number} is already void (by {by} at {at}: {why})")
            }
            Refusal::NotAllowed(why) => f.write_str(why),
        }
    }
}

/// Does `act` on a server archive within its limits, or, when the server
/// cannot be reached (unreachable, silent, refusing the login, or already
/// found unreachable this run: `down`), queues it in the outbox. A refusal
/// the server gives now is the rep's to hear (not queued); an error only
/// when the act could be neither done nor queued.
pub fn act_or_queue(
    location: &Location,
    outbox: &Outbox,
    act: &Act,
    down: Option<&str>,
) -> Result<Acted, Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!("{location} is not a server archive")));
    };
    let why = match down {
        Some(why) => why.to_owned(),
        None => match within(server, act.clone()) {
            Ok(outcome) => return Ok(Acted::Applied(outcome)),
            // A refusal of the request (no archive there, a role that may
            // not void) is said now, while the rep is there.
            Err(e @ Error::Usage(_)) => return Err(e),
            Err(e) => super::history::reason(&e),
        },
    };
    put(outbox, &server.identity(), act, &why).map_err(|kept| {
        archive_error(
            outbox.path(),
            format!(
                "{why}; and the outbox could not keep it: {}",
                super::history::reason(&kept)
            ),
        )
    })?;
    Ok(Acted::Queued { reason: why })
}

/// `act` on `server` on a thread, waiting at most the server's store limit
/// (a connection gone silent must not hold the rep). If the thread finishes
/// later, the queued copy finds the act done and leaves the outbox.
fn within(server: &Server, act: Act) -> Result<Result<i64, Refusal>, Error> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let owned = server.clone();
    std::thread::Builder::new()
        .name("defuse-act".into())
        .spawn(move || {
            let outcome = Pg::open(&owned, Access::Update).and_then(|mut pg| run(&mut pg, &act));
            let _ = sender.send(outcome);
        })
        .map_err(|e| server.error(format!("cannot start: {e}")))?;
    receiver
        .recv_timeout(server.store_limit())
        .unwrap_or_else(|_| {
            Err(server.error(super::postgres::no_answer_within(server.store_limit())))
        })
}
