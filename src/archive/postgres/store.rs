//! Writing to the server archive: a case and its commitments in one
//! transaction (unless the call is already stored), a case voided
//! (`commitments.rs` marks a commitment done).
//!
//! One case per call across processes and machines: the fingerprint lookup
//! and the insert run under a transaction-scoped advisory lock keyed by the
//! case id. The same call always has the same case id (it ends with the
//! fingerprint), and so has a different call that would take that id, so
//! every store that could conflict waits for the other, and no other store
//! waits at all.

use postgres::GenericClient;
use postgres::types::ToSql;

use super::Pg;
use crate::archive::commitments::Commitment;
use crate::archive::{CaseValues, NewCase, Stored, VoidRefused, Voiding};
use crate::error::Error;
use crate::triage::Fingerprint;

/// The advisory lock class for stores (the key is the case id's hash).
pub(super) const STORE_LOCK: i32 = 0x6465_6675;

impl Pg {
    /// See [`crate::archive::Archive::store`].
    pub fn store(&mut self, case: &NewCase, waiting: &mut dyn FnMut()) -> Result<Stored, Error> {
        self.store_values(&case.values(), waiting)
    }

    /// Stores a case from its row's values (a live call's, or one waiting
    /// in the outbox), unless its call is already stored.
    pub fn store_values(
        &mut self,
        values: &CaseValues,
        waiting: &mut dyn FnMut(),
    ) -> Result<Stored, Error> {
        self.store_unless_clash(values, waiting)?.map_err(|clash| {
            self.server.error(format!(
                "{clash}; replay the answers with a call time one second later (--now)"
            ))
        })
    }

    /// [`Self::store_values`], with a case id taken by a different call
    /// (why) told apart from a failure: a sync holds such a case and goes
    /// on with the rest.
    pub fn store_unless_clash(
        &mut self,
        values: &CaseValues,
        waiting: &mut dyn FnMut(),
    ) -> Result<Result<Stored, String>, Error> {
        // Read back from the JSON the archive keeps: one reader of a plan's
        // commitments, for new cases and the v3 migration, on both backends.
        let commitments = Commitment::of_plan(&values.plan_json);
        let columns = values.columns_pg();
        let client = self.client.get_mut();
        let outcome = (|| -> Result<Result<Stored, String>, postgres::Error> {
            let mut tx = client.transaction()?;
            let lock_args: [&(dyn ToSql + Sync); 2] = [&STORE_LOCK, &values.case_id];
            let locked: bool = tx
                .query_one(
                    "SELECT pg_try_advisory_xact_lock($1, hashtext($2))",
                    &lock_args,
                )?
                .get(0);
            if !locked {
                waiting();
                tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &lock_args)?;
            }
            if let Some(number) = stored_call(&mut tx, &values.fingerprint)? {
                return Ok(Ok(Stored::Already(number)));
            }
            // A different call with the same id: see the SQLite store.
            if let Some(other) = tx.query_opt(
                "SELECT id FROM cases WHERE case_id = $1 LIMIT 1",
                &[&values.case_id],
            )? {
                return Ok(Err(format!(
                    "case id {} is already used by case #{}, a different call",
                    values.case_id,
                    other.get::<_, i64>(0)
                )));
            }
            let number = insert(&mut tx, "cases", &columns)?;
            super::commitments::insert_all_pg(&mut tx, number, &commitments)?;
            tx.commit()?;
            Ok(Ok(Stored::New(number)))
        })();
        outcome.map_err(|e| self.fail(e))
    }

    pub fn find_call(&self, call: &Fingerprint) -> Result<Option<i64>, Error> {
        stored_call(&mut *self.client.borrow_mut(), call.as_str()).map_err(|e| self.fail(e))
    }

    pub fn void(&mut self, id: &str, voiding: &Voiding) -> Result<Result<i64, VoidRefused>, Error> {
        let client = self.client.get_mut();
        let outcome = (|| -> Result<Result<i64, VoidRefused>, postgres::Error> {
            let mut tx = client.transaction()?;
            let number = match resolve(&mut tx, id)? {
                Ok(number) => number,
                Err(refused) => return Ok(Err(refused)),
            };
            let changed = tx.execute(
                "UPDATE cases SET void_at = $2, void_by = $3, void_reason = $4
                 WHERE id = $1 AND void_at IS NULL",
                &[&number, &voiding.at, &voiding.by, &voiding.reason],
            )?;
            if changed == 1 {
                tx.commit()?;
                return Ok(Ok(number));
            }
            let row = tx.query_one(
                "SELECT void_at, coalesce(void_by, '') AS by, coalesce(void_reason, '') AS why
                 FROM cases WHERE id = $1",
                &[&number],
            )?;
            Ok(Err(VoidRefused::AlreadyVoid(
                number,
                row.get("void_at"),
                row.get("by"),
                row.get("why"),
            )))
        })();
        outcome.map_err(|e| self.void_failed(e))
    }

    /// A rep's role may not void (`archive init`'s GRANTs): that is a
    /// refusal of the request, said as one, not a server failure.
    fn void_failed(&self, e: postgres::Error) -> Error {
        if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            return Error::Usage(
                "your database role may not void cases: voiding is a team lead's \
                 (the lead role of `defuse archive init`); ask a team lead. Nothing was changed"
                    .into(),
            );
        }
        self.fail(e)
    }

    pub fn void_duplicates(&mut self, voiding: &Voiding) -> Result<Vec<(i64, i64)>, Error> {
        let client = self.client.get_mut();
        let outcome = (|| -> Result<Vec<(i64, i64)>, postgres::Error> {
            let mut tx = client.transaction()?;
            let pairs = duplicates_in(&mut tx)?;
            let update = tx.prepare(
                "UPDATE cases SET void_at = $2, void_by = $3, void_reason = $4
                 WHERE id = $1 AND void_at IS NULL",
            )?;
            for (duplicate, original) in &pairs {
                let reason = match voiding.reason {
                    "" => format!("duplicate of #{original}"),
                    why => format!("duplicate of #{original}: {why}"),
                };
                tx.execute(&update, &[duplicate, &voiding.at, &voiding.by, &reason])?;
            }
            tx.commit()?;
            Ok(pairs)
        })();
        outcome.map_err(|e| self.void_failed(e))
    }
}

/// The counting case with this fingerprint, else a void one.
fn stored_call(
    client: &mut impl GenericClient,
    fingerprint: &str,
) -> Result<Option<i64>, postgres::Error> {
    Ok(client
        .query_opt(
            "SELECT id FROM cases WHERE fingerprint = $1 ORDER BY void_at IS NOT NULL, id LIMIT 1",
            &[&fingerprint],
        )?
        .map(|row| row.get(0)))
}

/// A case number from `12`, `#12` or a case id.
fn resolve(
    client: &mut impl GenericClient,
    id: &str,
) -> Result<Result<i64, VoidRefused>, postgres::Error> {
    if let Ok(number) = id.trim_start_matches('#').parse::<i64>() {
        let found = client.query_opt("SELECT id FROM cases WHERE id = $1", &[&number])?;
        return Ok(found.map(|row| row.get(0)).ok_or(VoidRefused::Unknown));
    }
    let numbers: Vec<i64> = client
        .query(
            "SELECT id FROM cases WHERE case_id = $1 ORDER BY id",
            &[&id],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    Ok(match numbers.as_slice() {
        [] => Err(VoidRefused::Unknown),
        [one] => Ok(*one),
        _ => Err(VoidRefused::Ambiguous(numbers)),
    })
}

/// Counting cases that repeat an earlier counting case's call:
/// (duplicate, the earliest case of that call), by number.
pub(super) fn duplicates_in(
    client: &mut impl GenericClient,
) -> Result<Vec<(i64, i64)>, postgres::Error> {
    let rows = client.query(
        "SELECT d.id AS duplicate, (SELECT min(o.id) FROM cases o
             WHERE o.fingerprint = d.fingerprint AND o.void_at IS NULL) AS original
         FROM cases d
         WHERE d.void_at IS NULL AND d.fingerprint IN (
             SELECT fingerprint FROM cases WHERE void_at IS NULL AND fingerprint IS NOT NULL
             GROUP BY fingerprint HAVING count(*) > 1)
         ORDER BY d.id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|row| (row.get("duplicate"), row.get("original")))
        .filter(|(duplicate, original): &(i64, i64)| duplicate != original)
        .collect())
}

/// `INSERT INTO table (a, b) VALUES ($1, $2) RETURNING id`: each column is
/// named once, beside its value.
pub(super) fn insert(
    client: &mut impl GenericClient,
    table: &str,
    columns: &[(&str, &(dyn ToSql + Sync))],
) -> Result<i64, postgres::Error> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let slots: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING id",
        names.join(", "),
        slots.join(", ")
    );
    let values: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|(_, value)| *value).collect();
    Ok(client.query_one(&sql, &values)?.get(0))
}
