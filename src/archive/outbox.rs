//! The outbox: where a case waits when the team's server cannot take it at
//! the end of a call (unreachable, silent, refusing the login), so a call
//! never fails on the network and nothing is lost. `defuse sync` (and every
//! later run that uses the server) pushes it (`push.rs`); a commitment
//! done or a case voided offline waits beside it (`acts.rs`).
//!
//! A small SQLite file of the rep's own (`$DEFUSE_OUTBOX`, else
//! `outbox.db` beside the default local archive), one row per call keyed by
//! its fingerprint, holding the case's row values exactly as they would
//! have been stored ([`CaseValues`]) and the server they are for. A case is
//! never stored twice: queueing the same call again changes nothing, and
//! pushing it is the server's ordinary store, which finds an already-stored
//! call under the case's advisory lock (two syncs at once, or a sync racing
//! a live store of the same call, store it once). A row leaves the outbox
//! only after the server has the call.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::history::reason;
use super::postgres::{Pg, Server};
use super::{Access, CaseValues, Location, NewCase, Stored, archive_error};
use crate::error::Error;

/// How long a second writer of the outbox file waits for the first.
const BUSY: Duration = Duration::from_secs(5);

/// What became of a finished call's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// In the archive (`created`: the store created the archive).
    Stored { stored: Stored, created: bool },
    /// The server could not take it (why); it waits in the outbox.
    Queued { reason: String },
}

/// The outbox file.
#[derive(Debug, Clone)]
pub struct Outbox {
    path: PathBuf,
}

impl Outbox {
    pub fn at(path: PathBuf) -> Self {
        Outbox { path }
    }

    /// `$DEFUSE_OUTBOX`, else `$XDG_DATA_HOME/defuse/outbox.db`, else
    /// `~/.local/share/defuse/outbox.db`.
    pub fn default_path(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, Error> {
        crate::output::user_path(
            env,
            "DEFUSE_OUTBOX",
            crate::output::BaseDir::Data,
            "outbox.db",
        )
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn error(&self, e: impl std::fmt::Display) -> Error {
        archive_error(&self.path, e)
    }

    /// The open outbox; `None` when there is none and `create` is false.
    pub(super) fn open(&self, create: bool) -> Result<Option<Connection>, Error> {
        if !create && !self.path.exists() {
            return Ok(None);
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let conn = Connection::open(&self.path).map_err(|e| self.error(e))?;
        conn.busy_timeout(BUSY).map_err(|e| self.error(e))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS outbox (
                 fingerprint TEXT PRIMARY KEY,
                 case_id TEXT NOT NULL,
                 archive TEXT NOT NULL,
                 queued_at TEXT NOT NULL,
                 reason TEXT NOT NULL,
                 case_values TEXT NOT NULL
             )",
        )
        .map_err(|e| self.error(e))?;
        Ok(Some(conn))
    }

    /// Keeps a case for `archive`; the same call twice is kept once.
    fn put(&self, archive: &str, values: &CaseValues, why: &str) -> Result<(), Error> {
        let json = serde_json::to_string(values).map_err(|e| self.error(e))?;
        let conn = self.open(true)?.ok_or_else(|| self.error("not created"))?;
        conn.execute(
            "INSERT OR IGNORE INTO outbox
                 (fingerprint, case_id, archive, queued_at, reason, case_values)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                values.fingerprint,
                values.case_id,
                archive,
                super::acts::now(),
                why,
                json
            ],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// The cases waiting for `archive`, oldest first, and how many wait for
    /// each other archive.
    pub(super) fn waiting(
        &self,
        archive: &str,
    ) -> Result<(Vec<CaseValues>, BTreeMap<String, usize>), Error> {
        let Some(conn) = self.open(false)? else {
            return Ok((Vec::new(), BTreeMap::new()));
        };
        let mut statement = conn
            .prepare("SELECT archive, case_values FROM outbox ORDER BY queued_at, rowid")
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.error(e))?;
        let (mut mine, mut others) = (Vec::new(), BTreeMap::new());
        for row in rows {
            let (for_archive, json) = row.map_err(|e| self.error(e))?;
            if for_archive != archive {
                *others.entry(for_archive).or_default() += 1;
                continue;
            }
            let values = serde_json::from_str(&json)
                .map_err(|e| self.error(format!("a damaged outbox row: {e}")))?;
            mine.push(values);
        }
        Ok((mine, others))
    }

    /// Takes a case the server has out of the outbox, on `conn` (one
    /// connection for a whole sync: opening one per case costs more than
    /// the case's store).
    pub(super) fn remove(&self, conn: &Connection, fingerprint: &str) -> Result<(), Error> {
        conn.execute("DELETE FROM outbox WHERE fingerprint = ?1", [fingerprint])
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Moves a case the server refuses for good (see `push.rs`) from the
    /// queue to the outbox's `held` table, and writes its answers beside
    /// the outbox (`held/CASE_ID.answers.yaml`) for the rep to store as a
    /// new call. The row leaves the queue only once the file is written;
    /// `None` when another sync held it first (so it is said once).
    pub(super) fn hold(
        &self,
        conn: &mut Connection,
        values: &CaseValues,
        why: &str,
    ) -> Result<Option<PathBuf>, Error> {
        let tx = conn.transaction().map_err(|e| self.error(e))?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS held (
                 fingerprint TEXT NOT NULL,
                 case_id TEXT NOT NULL,
                 archive TEXT NOT NULL,
                 queued_at TEXT NOT NULL,
                 reason TEXT NOT NULL,
                 case_values TEXT NOT NULL,
                 held_at TEXT NOT NULL,
                 why TEXT NOT NULL
             )",
        )
        .map_err(|e| self.error(e))?;
        let now = super::acts::now();
        let moved = tx
            .execute(
                "INSERT INTO held SELECT fingerprint, case_id, archive, queued_at, reason,
                     case_values, ?2, ?3 FROM outbox WHERE fingerprint = ?1",
                params![values.fingerprint, now, why],
            )
            .and_then(|_| {
                tx.execute(
                    "DELETE FROM outbox WHERE fingerprint = ?1",
                    [&values.fingerprint],
                )
            })
            .map_err(|e| self.error(e))?;
        if moved == 0 {
            return Ok(None);
        }
        // The case id is a slug (letters, digits, dashes): a safe name.
        let dir = self.path.parent().unwrap_or(Path::new(".")).join("held");
        let file = crate::output::write_new(
            &dir,
            &values.case_id,
            "answers.yaml",
            values.answers_yaml.as_bytes(),
        )?;
        tx.commit().map_err(|e| self.error(e))?;
        // Named absolute: the command told may run in another directory.
        Ok(Some(std::path::absolute(&file).unwrap_or(file)))
    }

    /// The case ids held for `archive` (see [`Self::hold`]).
    pub(super) fn held_ids(&self, archive: &str) -> Result<BTreeSet<String>, Error> {
        let Some(conn) = self.open(false)? else {
            return Ok(BTreeSet::new());
        };
        let held = (|| {
            let exists = conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'held'",
                [],
                |row| row.get::<_, i64>(0),
            )? > 0;
            if !exists {
                return Ok(BTreeSet::new());
            }
            let mut statement = conn.prepare("SELECT case_id FROM held WHERE archive = ?1")?;
            let ids = statement.query_map([archive], |row| row.get(0))?;
            ids.collect::<rusqlite::Result<BTreeSet<String>>>()
        })();
        held.map_err(|e| self.error(e))
    }

    /// How many cases wait for `location` (0 for a file archive, and when
    /// there is no outbox).
    pub fn count(&self, location: &Location) -> Result<usize, Error> {
        let Location::Server(server) = location else {
            return Ok(0);
        };
        let Some(conn) = self.open(false)? else {
            return Ok(0);
        };
        conn.query_row(
            "SELECT count(*) FROM outbox WHERE archive = ?1",
            [server.identity()],
            |row| row.get::<_, i64>(0),
        )
        .optional()
        .map(|n| n.unwrap_or(0) as usize)
        .map_err(|e| self.error(e))
    }
}

/// What the store thread reports.
enum Report {
    Waiting,
    Done(Result<(Stored, bool), Error>),
}

/// Stores `values` on `server` on a thread, waiting at most the server's
/// store limit; `waiting` as in [`super::Archive::store`].
fn store_within(
    server: &Server,
    values: CaseValues,
    waiting: &mut dyn FnMut(),
) -> Result<(Stored, bool), Error> {
    let (sender, receiver) = mpsc::channel();
    let owned = server.clone();
    std::thread::Builder::new()
        .name("defuse-store".into())
        .spawn(move || {
            let stored = (|| {
                let mut pg = Pg::open(&owned, Access::Store)?;
                let created = pg.created();
                let waits = sender.clone();
                let stored = pg.store_values(&values, &mut || {
                    let _ = waits.send(Report::Waiting);
                })?;
                Ok((stored, created))
            })();
            let _ = sender.send(Report::Done(stored));
        })
        .map_err(|e| server.error(format!("cannot start storing: {e}")))?;
    let deadline = Instant::now() + server.store_limit();
    loop {
        match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Report::Waiting) => waiting(),
            Ok(Report::Done(result)) => return result,
            // The thread may still finish; if it does, the case is on the
            // server and the outbox copy is recognised there by its call.
            Err(_) => {
                return Err(server.error(super::postgres::no_answer_within(server.store_limit())));
            }
        }
    }
}

/// Stores a finished call's case in a server archive, or, when the server
/// cannot take it, in the outbox. An error only when neither could.
pub fn deliver(
    location: &Location,
    outbox: &Outbox,
    case: &NewCase,
    waiting: &mut dyn FnMut(),
) -> Result<Delivered, Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!("{location} is not a server archive")));
    };
    let values = case.values();
    match store_within(server, values.clone(), waiting) {
        Ok((stored, created)) => Ok(Delivered::Stored { stored, created }),
        Err(e) => {
            let why = reason(&e);
            outbox
                .put(&server.identity(), &values, &why)
                .map_err(|kept| {
                    archive_error(
                        outbox.path(),
                        format!(
                            "{why}; and the outbox could not keep the case: {}",
                            reason(&kept)
                        ),
                    )
                })?;
            Ok(Delivered::Queued { reason: why })
        }
    }
}
