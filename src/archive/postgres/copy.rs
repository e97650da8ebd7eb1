//! `archive copy` on a server: a page of cases read with their commitments,
//! and a page written or reconciled in one transaction, each case under the
//! same per-case-id advisory lock as a store (see `crate::archive::copy`).
//! A copied case's `stored_role` is the role that copies it (the column's
//! default), so a rep who moves their own archive in owns its commitments
//! there. What the role may not change (a rep may not void; a rep marks
//! done only its own cases' commitments) is counted as refused, not failed.

use std::collections::HashMap;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Statement, Transaction};

use super::Pg;
use super::store::{STORE_LOCK, insert};
use crate::archive::copy::{Copied, Held, Record, SHADOWED, clash, to_mark_done};
use crate::archive::rows::{CaseRecord, CommitmentRecord};
use crate::error::Error;

impl Pg {
    pub fn case_count(&self) -> Result<usize, Error> {
        let row = self
            .client
            .borrow_mut()
            .query_one("SELECT count(*) FROM cases", &[]);
        row.map(|row| usize::try_from(row.get::<_, i64>(0)).unwrap_or(0))
            .map_err(|e| self.fail(e))
    }

    /// Up to `limit` cases numbered after `after`, with their commitments.
    pub fn records_after(&self, after: i64, limit: usize) -> Result<Vec<Record>, Error> {
        let mut client = self.client.borrow_mut();
        let mut read = || -> Result<Vec<Record>, postgres::Error> {
            let sql = format!(
                "SELECT id, {}, {SHADOWED} FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
                CaseRecord::select_list()
            );
            let mut records = Vec::new();
            for row in client.query(&sql, &[&after, &(limit as i64)])? {
                records.push(Record {
                    number: row.try_get("id")?,
                    case: CaseRecord::read_pg(&row)?,
                    commitments: Vec::new(),
                    shadowed: row.try_get("shadowed")?,
                });
            }
            let (Some(first), Some(last)) = (records.first(), records.last()) else {
                return Ok(records);
            };
            let sql = format!(
                "SELECT case_row, {} FROM commitments WHERE case_row BETWEEN $1 AND $2 ORDER BY id",
                CommitmentRecord::select_list()
            );
            let mut commitments: HashMap<i64, Vec<CommitmentRecord>> = HashMap::new();
            for row in client.query(&sql, &[&first.number, &last.number])? {
                commitments
                    .entry(row.try_get("case_row")?)
                    .or_default()
                    .push(CommitmentRecord::read_pg(&row)?);
            }
            for record in &mut records {
                record.commitments = commitments.remove(&record.number).unwrap_or_default();
            }
            Ok(records)
        };
        let records = read();
        drop(client);
        records.map_err(|e| self.fail(e))
    }

    /// Writes a page of copied cases, reconciling those whose call is here.
    /// On a case-id clash the cases before it are kept and the copy stops.
    pub fn copy_in(&mut self, page: &[Record]) -> Result<Copied, Error> {
        let client = self.client.get_mut();
        let outcome = (|| -> Result<(Copied, Option<String>), postgres::Error> {
            let mut tx = client.transaction()?;
            // Every case id of the page locked at once, in the order of the
            // lock keys (as a store locks its one case id): two copies whose
            // pages share cases in another order (two reps' archives holding
            // some of the same calls) then wait for each other instead of
            // deadlocking.
            // Waiting for another copy's page may take longer than a
            // statement's usual limit: that wait alone gets a longer one.
            let ids: Vec<&str> = page.iter().map(|r| r.case.case_id.as_str()).collect();
            let limit: String = tx
                .query_one(
                    "SELECT current_setting('statement_timeout'),
                            set_config('statement_timeout', $1, true)",
                    &[&LOCK_WAIT],
                )?
                .get(0);
            tx.execute(
                "SELECT pg_advisory_xact_lock($1, key) FROM (
                     SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY key
                 ) AS keys",
                &[&STORE_LOCK, &ids],
            )?;
            tx.execute(
                "SELECT set_config('statement_timeout', $1, true)",
                &[&limit],
            )?;
            let statements = Statements::prepare(&mut tx)?;
            let mut copied = Copied::default();
            for record in page {
                let case = &record.case;
                let held = match &case.fingerprint {
                    Some(call) => tx.query_opt(&statements.by_call, &[call])?,
                    None => tx.query_opt(
                        &statements.by_id_time,
                        &[&case.case_id, &case.created_epoch],
                    )?,
                };
                if let Some(held) = held {
                    copied.already += 1;
                    if !record.shadowed {
                        let here = Here {
                            number: held.get(0),
                            void: held.get(1),
                        };
                        reconcile(&mut tx, &statements, here, record, &mut copied)?;
                    }
                    continue;
                }
                if let Some(other) = tx.query_opt(&statements.by_id, &[&case.case_id])? {
                    tx.commit()?;
                    return Ok((copied, Some(clash(record, other.get(0)))));
                }
                // Inserted as not void, then voided as a void is: only a
                // role that may void carries it (a rep's insert policy
                // admits no void case).
                let columns: Vec<_> = case
                    .columns_pg()
                    .into_iter()
                    .filter(|(name, _)| !name.starts_with("void_"))
                    .collect();
                let number = insert(&mut tx, "cases", &columns)?;
                for commitment in &record.commitments {
                    let mut columns = commitment.columns_pg();
                    columns.push(("case_row", &number as &(dyn ToSql + Sync)));
                    insert(&mut tx, "commitments", &columns)?;
                }
                copied.copied += 1;
                copied.commitments += record.commitments.len();
                carry_void(&mut tx, &statements, number, case, &mut copied)?;
            }
            tx.commit()?;
            Ok((copied, None))
        })();
        match outcome {
            Ok((copied, None)) => Ok(copied),
            Ok((_, Some(message))) => Err(self.server.error(message)),
            Err(e) => Err(self.fail(e)),
        }
    }
}

/// How long a page waits for the case ids another copy's page holds.
const LOCK_WAIT: &str = "60s";

/// A page's statements, prepared once (one round trip each then, not two).
struct Statements {
    by_call: Statement,
    by_id_time: Statement,
    by_id: Statement,
    held: Statement,
    void: Statement,
    done: Statement,
}

impl Statements {
    fn prepare(tx: &mut Transaction) -> Result<Self, postgres::Error> {
        Ok(Statements {
            // The case here that stored the same call (see the SQLite twin).
            by_call: tx.prepare(
                "SELECT id, void_at IS NOT NULL FROM cases WHERE fingerprint = $1
                 ORDER BY void_at IS NOT NULL, id LIMIT 1",
            )?,
            by_id_time: tx.prepare(
                "SELECT id, void_at IS NOT NULL FROM cases WHERE case_id = $1 AND created_epoch = $2
                 ORDER BY id LIMIT 1",
            )?,
            by_id: tx.prepare("SELECT id FROM cases WHERE case_id = $1 LIMIT 1")?,
            held: tx.prepare(
                "SELECT id, kind, item_id, done_at IS NOT NULL FROM commitments
                 WHERE case_row = $1 ORDER BY id",
            )?,
            void: tx.prepare(
                "UPDATE cases SET void_at = $2, void_by = $3, void_reason = $4
                 WHERE id = $1 AND void_at IS NULL",
            )?,
            done: tx.prepare(
                "UPDATE commitments SET done_at = $2, done_by = $3 WHERE id = $1 AND done_at IS NULL",
            )?,
        })
    }
}

/// Carries a source case's void to case `number` here, if it has none;
/// whether it did (a case copied in is voided this way too). A rep's role may not void: that refusal is counted, and
/// must not end the page's transaction, so the update runs in a savepoint.
fn carry_void(
    tx: &mut Transaction,
    statements: &Statements,
    number: i64,
    case: &CaseRecord,
    copied: &mut Copied,
) -> Result<bool, postgres::Error> {
    if case.void_at.is_none() {
        return Ok(false);
    }
    let mut savepoint = tx.savepoint("void")?;
    let voided = savepoint.execute(
        &statements.void,
        &[&number, &case.void_at, &case.void_by, &case.void_reason],
    );
    match voided {
        Ok(n) => {
            savepoint.commit()?;
            Ok(n > 0)
        }
        Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
            savepoint.rollback()?;
            copied.voids_refused += 1;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Carries the source's void and done marks to case `number` here, where
/// it has none (see `crate::archive::copy`).
/// The case here that a copied one matched: its number, and whether it is
/// void already (then no void is carried, nor refused).
struct Here {
    number: i64,
    void: bool,
}

fn reconcile(
    tx: &mut Transaction,
    statements: &Statements,
    here: Here,
    record: &Record,
    copied: &mut Copied,
) -> Result<(), postgres::Error> {
    let number = here.number;
    let mut changed = !here.void && carry_void(tx, statements, number, &record.case, copied)?;
    copied.voids += usize::from(changed);
    if record.commitments.iter().any(|c| c.done_at.is_some()) {
        let held: Vec<Held> = tx
            .query(&statements.held, &[&number])?
            .iter()
            .map(|r| Held {
                id: r.get(0),
                kind: r.get(1),
                item_id: r.get(2),
                done: r.get(3),
            })
            .collect();
        for (id, commitment) in to_mark_done(&record.commitments, &held) {
            // Row-level security hides another role's commitments from a
            // rep's update: no row changes, and that is a refusal.
            let marked = tx.execute(
                &statements.done,
                &[&id, &commitment.done_at, &commitment.done_by],
            )?;
            if marked == 0 {
                copied.done_refused += 1;
            }
            copied.done += marked as usize;
            changed |= marked > 0;
        }
    }
    copied.updated += usize::from(changed);
    Ok(())
}
