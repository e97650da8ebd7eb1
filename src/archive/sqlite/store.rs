//! Writing to the archive: a case and its commitments (remedies and
//! follow-ups) in one transaction (unless the call is already stored), a case
//! voided, and how a write waits for another writer.

use std::time::{Duration, Instant};

use rusqlite::{Connection, ToSql};

use rusqlite::OptionalExtension;

use super::{BUSY_TIMEOUT, Sqlite};
use crate::archive::commitments::Commitment;
use crate::archive::{NewCase, Stored, VoidRefused, Voiding, archive_error};
use crate::error::Error;
use crate::triage::Fingerprint;

/// How long a write waits for another writer before it says so: long enough
/// that ordinary contention (concurrent stores take milliseconds) stays quiet.
const QUIET_WAIT: Duration = Duration::from_secs(1);

impl Sqlite {
    /// Stores a completed triage and its commitments, unless the same call
    /// is already stored (looked up by fingerprint inside the write
    /// transaction, so two racing replays store one case). `waiting` is
    /// called once if the archive is busy for more than a second, so the
    /// caller can tell the rep why nothing happens yet.
    pub fn store(&mut self, case: &NewCase, waiting: &mut dyn FnMut()) -> Result<Stored, Error> {
        let plan = case.plan;
        let values = case.values();
        let plan_json = &values.plan_json;
        let case_columns = values.columns_sqlite();
        // Read back from the JSON the archive keeps, as the migration reads
        // old cases: one reader of a plan's commitments.
        let commitments = Commitment::of_plan(plan_json);
        let outcome = write_transaction(&self.conn, waiting, |tx| {
            if let Some(number) = stored_call(tx, case.call)? {
                return Ok(Ok(Stored::Already(number)));
            }
            // A different call with the same id: 1 in ~4 billion for two
            // calls for one customer in one minute, but ids must stay unique.
            if let Some(other) = tx
                .prepare_cached("SELECT id FROM cases WHERE case_id = ?1 LIMIT 1")?
                .query_row([&plan.case.id], |r| r.get::<_, i64>(0))
                .optional()?
            {
                return Ok(Err(format!(
                    "case id {} is already used by case #{other}, a different call; \
                     replay the answers with a call time one second later (--now)",
                    plan.case.id
                )));
            }
            insert(tx, "cases", &case_columns)?;
            let number = tx.last_insert_rowid();
            for commitment in &commitments {
                commitment.insert(tx, number)?;
            }
            Ok(Ok(Stored::New(number)))
        });
        match outcome.and_then(|stored| stored) {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(message)) => Err(archive_error(&self.path, message)),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// The case that stored this call, if any (a case that counts before a
    /// void one). One indexed lookup.
    pub fn find_call(&self, call: &Fingerprint) -> Result<Option<i64>, Error> {
        stored_call(&self.conn, call).map_err(|e| self.fail(e))
    }

    /// Marks a case void: kept, but left out of history, follow-ups, stats
    /// and exports. `id` is a number (`12`, `#12`) or a case id.
    pub fn void(&mut self, id: &str, voiding: &Voiding) -> Result<Result<i64, VoidRefused>, Error> {
        let path = self.path.clone();
        let outcome = write_transaction(&self.conn, &mut || {}, |tx| {
            let number = match resolve(tx, id)? {
                Ok(number) => number,
                Err(refused) => return Ok(Err(refused)),
            };
            let changed = tx.execute(
                "UPDATE cases SET void_at = ?2, void_by = ?3, void_reason = ?4
                 WHERE id = ?1 AND void_at IS NULL",
                rusqlite::params![number, voiding.at, voiding.by, voiding.reason],
            )?;
            if changed == 1 {
                return Ok(Ok(number));
            }
            let (at, by, reason) = tx.query_row(
                "SELECT void_at, coalesce(void_by, ''), coalesce(void_reason, '') FROM cases WHERE id = ?1",
                [number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok(Err(VoidRefused::AlreadyVoid(number, at, by, reason)))
        });
        outcome.and_then(|r| r).map_err(|e| archive_error(&path, e))
    }

    /// Voids every case that repeats an earlier counting case's call (same
    /// fingerprint), each with "duplicate of #N" and `voiding`'s reason, if
    /// any, after it. Returns (voided, original) pairs.
    pub fn void_duplicates(&mut self, voiding: &Voiding) -> Result<Vec<(i64, i64)>, Error> {
        let path = self.path.clone();
        let outcome = write_transaction(&self.conn, &mut || {}, |tx| {
            let pairs = duplicates_in(tx)?;
            let mut stmt = tx.prepare(
                "UPDATE cases SET void_at = ?2, void_by = ?3, void_reason = ?4
                 WHERE id = ?1 AND void_at IS NULL",
            )?;
            for (duplicate, original) in &pairs {
                let reason = match voiding.reason {
                    "" => format!("duplicate of #{original}"),
                    why => format!("duplicate of #{original}: {why}"),
                };
                stmt.execute(rusqlite::params![duplicate, voiding.at, voiding.by, reason])?;
            }
            Ok::<_, rusqlite::Error>(pairs)
        });
        outcome.and_then(|r| r).map_err(|e| archive_error(&path, e))
    }
}

/// The counting case with this fingerprint, else a void one.
fn stored_call(conn: &Connection, call: &Fingerprint) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT id FROM cases WHERE fingerprint = ?1 ORDER BY void_at IS NOT NULL, id LIMIT 1",
    )?
    .query_row([call.as_str()], |r| r.get(0))
    .optional()
}

/// A case number from `12`, `#12` or a case id.
fn resolve(conn: &Connection, id: &str) -> rusqlite::Result<Result<i64, VoidRefused>> {
    if let Ok(number) = id.trim_start_matches('#').parse::<i64>() {
        let found = conn
            .query_row("SELECT id FROM cases WHERE id = ?1", [number], |r| r.get(0))
            .optional()?;
        return Ok(found.ok_or(VoidRefused::Unknown));
    }
    let mut stmt = conn.prepare("SELECT id FROM cases WHERE case_id = ?1 ORDER BY id")?;
    let numbers = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(match numbers.as_slice() {
        [] => Err(VoidRefused::Unknown),
        [one] => Ok(*one),
        _ => Err(VoidRefused::Ambiguous(numbers)),
    })
}

/// Counting cases that repeat an earlier counting case's call:
/// (duplicate, the earliest case of that call), by number.
pub(super) fn duplicates_in(conn: &Connection) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT d.id AS duplicate, (SELECT min(o.id) FROM cases o
             WHERE o.fingerprint = d.fingerprint AND o.void_at IS NULL) AS original
         FROM cases d
         WHERE d.void_at IS NULL AND d.fingerprint IN (
             SELECT fingerprint FROM cases WHERE void_at IS NULL AND fingerprint IS NOT NULL
             GROUP BY fingerprint HAVING count(*) > 1)
         ORDER BY d.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get("duplicate")?, r.get("original")?)))?;
    Ok(rows
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?
        .into_iter()
        .filter(|(duplicate, original)| duplicate != original)
        .collect())
}

/// `INSERT INTO table (a, b) VALUES (:a, :b)`: each column is named once,
/// beside its value.
pub(super) fn insert(
    conn: &Connection,
    table: &str,
    columns: &[(&str, &dyn ToSql)],
) -> rusqlite::Result<()> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let keys: Vec<String> = names.iter().map(|name| format!(":{name}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        keys.join(", ")
    );
    let params: Vec<(&str, &dyn ToSql)> = keys
        .iter()
        .zip(columns)
        .map(|(key, (_, value))| (key.as_str(), *value))
        .collect();
    conn.prepare_cached(&sql)?.execute(params.as_slice())?;
    Ok(())
}

/// Runs `body` in a write transaction (`BEGIN IMMEDIATE`, so the lock is
/// taken before anything is read). When another process holds the lock for
/// more than [`QUIET_WAIT`], `waiting` is called once and the wait goes on,
/// up to [`BUSY_TIMEOUT`] in all. A `body` error rolls back and is returned
/// inside `Ok`; the outer error is the database's own.
pub(super) fn write_transaction<T, E>(
    conn: &Connection,
    waiting: &mut dyn FnMut(),
    body: impl FnOnce(&Connection) -> Result<T, E>,
) -> rusqlite::Result<Result<T, E>> {
    let start = Instant::now();
    conn.busy_timeout(QUIET_WAIT)?;
    let first = conn.execute_batch("BEGIN IMMEDIATE");
    let begun = match first {
        Err(e) if is_busy(&e) => {
            waiting();
            conn.busy_timeout(BUSY_TIMEOUT.saturating_sub(start.elapsed()))?;
            conn.execute_batch("BEGIN IMMEDIATE")
        }
        other => other,
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    begun?;
    match body(conn) {
        Ok(value) => match conn.execute_batch("COMMIT") {
            Ok(()) => Ok(Ok(value)),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        },
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Ok(Err(e))
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
