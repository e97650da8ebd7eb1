//! `archive copy` on a file: a page of cases read with their commitments,
//! and a page written or reconciled in one transaction (see
//! `crate::archive::copy`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ToSql};

use super::Sqlite;
use super::store::{insert, write_transaction};
use crate::archive::archive_error;
use crate::archive::copy::{Copied, Held, Record, SHADOWED, clash, to_mark_done};
use crate::archive::rows::{CaseRecord, CommitmentRecord};
use crate::error::Error;

impl Sqlite {
    pub fn case_count(&self) -> Result<usize, Error> {
        self.conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.fail(e))
    }

    /// Up to `limit` cases numbered after `after`, with their commitments.
    pub fn records_after(&self, after: i64, limit: usize) -> Result<Vec<Record>, Error> {
        let read = || -> rusqlite::Result<Vec<Record>> {
            let sql = format!(
                "SELECT id, {}, {SHADOWED} FROM cases WHERE id > ?1 ORDER BY id LIMIT ?2",
                CaseRecord::select_list()
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params![after, limit as i64])?;
            let mut records = Vec::new();
            while let Some(row) = rows.next()? {
                records.push(Record {
                    number: row.get("id")?,
                    case: CaseRecord::read(row)?,
                    commitments: Vec::new(),
                    shadowed: row.get("shadowed")?,
                });
            }
            let (Some(first), Some(last)) = (records.first(), records.last()) else {
                return Ok(records);
            };
            let mut commitments: HashMap<i64, Vec<CommitmentRecord>> = HashMap::new();
            let sql = format!(
                "SELECT case_row, {} FROM commitments WHERE case_row BETWEEN ?1 AND ?2 ORDER BY id",
                CommitmentRecord::select_list()
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query([first.number, last.number])?;
            while let Some(row) = rows.next()? {
                commitments
                    .entry(row.get("case_row")?)
                    .or_default()
                    .push(CommitmentRecord::read(row)?);
            }
            for record in &mut records {
                record.commitments = commitments.remove(&record.number).unwrap_or_default();
            }
            Ok(records)
        };
        read().map_err(|e| self.fail(e))
    }

    /// Writes a page of copied cases, reconciling those whose call is here.
    /// On a case-id clash the cases before it are kept and the copy stops.
    pub fn copy_in(&mut self, page: &[Record]) -> Result<Copied, Error> {
        let outcome = write_transaction(&self.conn, &mut || {}, |tx| {
            let mut copied = Copied::default();
            for record in page {
                if let Some(number) = holding(tx, &record.case)? {
                    copied.already += 1;
                    if !record.shadowed {
                        reconcile(tx, number, record, &mut copied)?;
                    }
                    continue;
                }
                if let Some(other) = tx
                    .prepare_cached("SELECT id FROM cases WHERE case_id = ?1 LIMIT 1")?
                    .query_row([&record.case.case_id], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    return Ok((copied, Some(clash(record, other))));
                }
                insert(tx, "cases", &record.case.columns_sqlite())?;
                let number = tx.last_insert_rowid();
                for commitment in &record.commitments {
                    let mut columns = commitment.columns_sqlite();
                    columns.push(("case_row", &number as &dyn ToSql));
                    insert(tx, "commitments", &columns)?;
                }
                copied.copied += 1;
                copied.commitments += record.commitments.len();
            }
            Ok::<_, rusqlite::Error>((copied, None))
        });
        match outcome.and_then(|page| page) {
            Ok((copied, None)) => Ok(copied),
            Ok((_, Some(message))) => Err(archive_error(&self.path, message)),
            Err(e) => Err(self.fail(e)),
        }
    }
}

/// Carries the source's void and done marks to case `number` here, where
/// it has none (see `crate::archive::copy`).
fn reconcile(
    tx: &Connection,
    number: i64,
    record: &Record,
    copied: &mut Copied,
) -> rusqlite::Result<()> {
    let mut changed = false;
    let case = &record.case;
    if case.void_at.is_some() {
        let voided = tx
            .prepare_cached(
                "UPDATE cases SET void_at = ?2, void_by = ?3, void_reason = ?4
                 WHERE id = ?1 AND void_at IS NULL",
            )?
            .execute(rusqlite::params![
                number,
                case.void_at,
                case.void_by,
                case.void_reason
            ])?;
        copied.voids += voided;
        changed |= voided > 0;
    }
    if record.commitments.iter().any(|c| c.done_at.is_some()) {
        let held = tx
            .prepare_cached(
                "SELECT id, kind, item_id, done_at IS NOT NULL FROM commitments
                 WHERE case_row = ?1 ORDER BY id",
            )?
            .query_map([number], |r| {
                Ok(Held {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    item_id: r.get(2)?,
                    done: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = tx.prepare_cached(
            "UPDATE commitments SET done_at = ?2, done_by = ?3 WHERE id = ?1 AND done_at IS NULL",
        )?;
        for (id, commitment) in to_mark_done(&record.commitments, &held) {
            let marked = stmt.execute(rusqlite::params![
                id,
                commitment.done_at,
                commitment.done_by
            ])?;
            copied.done += marked;
            changed |= marked > 0;
        }
    }
    copied.updated += usize::from(changed);
    Ok(())
}

/// The case here that stored the same call: by fingerprint, else (a case
/// from before fingerprints) by case id and call time.
fn holding(conn: &Connection, case: &CaseRecord) -> rusqlite::Result<Option<i64>> {
    match &case.fingerprint {
        Some(call) => conn
            .prepare_cached(
                "SELECT id FROM cases WHERE fingerprint = ?1 ORDER BY void_at IS NOT NULL, id LIMIT 1",
            )?
            .query_row([call], |r| r.get(0))
            .optional(),
        None => conn
            .prepare_cached(
                "SELECT id FROM cases WHERE case_id = ?1 AND created_epoch = ?2 ORDER BY id LIMIT 1",
            )?
            .query_row(rusqlite::params![case.case_id, case.created_epoch], |r| {
                r.get(0)
            })
            .optional(),
    }
}
