//! Writing to the archive: a case and its follow-ups in one transaction, a
//! follow-up marked done, and how a write waits for another writer.

use std::time::{Duration, Instant};

use rusqlite::{Connection, ToSql};

use super::{Archive, BUSY_TIMEOUT, customer_key};
use crate::error::Error;

/// How long a write waits for another writer before it says so: long enough
/// that ordinary contention (concurrent stores take milliseconds) stays quiet.
const QUIET_WAIT: Duration = Duration::from_secs(1);

/// A case to store: the plan's facts plus the rendered plan and the answers.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub plan: &'a crate::plan::Plan,
    pub level_rank: usize,
    pub plan_markdown: &'a str,
    pub answers_yaml: &'a str,
    pub rehearsal: bool,
}

impl Archive {
    /// Stores a completed triage and its follow-ups; returns its number.
    /// `waiting` is called once if the archive is busy for more than a
    /// second, so the caller can tell the rep why nothing happens yet.
    pub fn store(&mut self, case: &NewCase, waiting: &mut dyn FnMut()) -> Result<i64, Error> {
        let plan = case.plan;
        let epoch = |rfc3339: &str| {
            chrono::DateTime::parse_from_rfc3339(rfc3339)
                .map(|t| t.timestamp())
                .unwrap_or(0)
        };
        let json = |v: Vec<&str>| serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
        let r = &plan.record;
        let case_columns: &[(&str, &dyn ToSql)] = &[
            ("case_id", &plan.case.id),
            ("created_at", &plan.case.time),
            ("created_epoch", &epoch(&plan.case.time)),
            ("customer", &plan.case.customer),
            ("customer_key", &customer_key(&plan.case.customer)),
            ("contact", &plan.case.contact),
            ("role", &plan.case.role),
            ("playbook_id", &plan.case.playbook.id),
            ("playbook_version", &plan.case.playbook.version),
            ("level", &plan.assessment.level.id),
            ("level_rank", &(case.level_rank as i64)),
            ("authority", &plan.assessment.authority.id),
            (
                "grievances",
                &json(plan.grievances.iter().map(|g| g.id.as_str()).collect()),
            ),
            (
                "remedies",
                &json(plan.remedies.iter().map(|r| r.id.as_str()).collect()),
            ),
            ("complaint_kind", &r.complaint_kind.id),
            ("crisis", &r.crisis.id),
            ("at_stake", &r.at_stake.id),
            ("remedy_sought", &r.remedy_sought),
            ("impact", &r.impact),
            ("our_owner", &r.our_owner),
            ("customer_loss", &r.customer_loss),
            ("rehearsal", &case.rehearsal),
            ("plan_markdown", &case.plan_markdown),
            ("plan_json", &plan.to_json()),
            ("answers_yaml", &case.answers_yaml),
        ];
        let outcome = write_transaction(&self.conn, waiting, |tx| {
            insert(tx, "cases", case_columns)?;
            let number = tx.last_insert_rowid();
            for f in &plan.followups {
                insert(
                    tx,
                    "followups",
                    &[
                        ("case_row", &number),
                        ("followup_id", &f.id),
                        ("due", &f.due),
                        ("due_epoch", &epoch(&f.due)),
                        ("action", &f.action),
                        ("owner", &f.owner),
                    ],
                )?;
            }
            Ok(number)
        });
        outcome.and_then(|stored| stored).map_err(|e| self.fail(e))
    }

    /// Marks a follow-up done; false if there is no open one with that number.
    pub fn followup_done(&mut self, number: i64, at: &str) -> Result<bool, Error> {
        let changed = self
            .conn
            .execute(
                "UPDATE followups SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
                rusqlite::params![number, at],
            )
            .map_err(|e| self.fail(e))?;
        Ok(changed == 1)
    }
}

/// `INSERT INTO table (a, b) VALUES (:a, :b)`: each column is named once,
/// beside its value.
fn insert(conn: &Connection, table: &str, columns: &[(&str, &dyn ToSql)]) -> rusqlite::Result<()> {
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
