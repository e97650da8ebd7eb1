//! `archive copy` on a server: every case read with its commitments, and a
//! copied case written under the same per-case-id advisory lock as a store
//! (see `crate::archive::copy`). A copied case's `stored_role` is the role
//! that copies it (the column's default), so a rep who moves their own
//! archive in owns its commitments there.

use std::collections::HashMap;

use postgres::GenericClient;
use postgres::types::ToSql;

use super::Pg;
use super::store::{STORE_LOCK, insert};
use crate::archive::Stored;
use crate::archive::copy::{Record, clash};
use crate::archive::rows::{CaseRecord, CommitmentRecord};
use crate::error::Error;

impl Pg {
    /// Every case, oldest number first, with its commitments.
    pub fn records(&self) -> Result<Vec<Record>, Error> {
        let mut client = self.client.borrow_mut();
        let mut read = || -> Result<Vec<Record>, postgres::Error> {
            let mut commitments: HashMap<i64, Vec<CommitmentRecord>> = HashMap::new();
            let sql = format!(
                "SELECT case_row, {} FROM commitments ORDER BY id",
                CommitmentRecord::select_list()
            );
            for row in client.query(&sql, &[])? {
                commitments
                    .entry(row.try_get("case_row")?)
                    .or_default()
                    .push(CommitmentRecord::read_pg(&row)?);
            }
            let sql = format!(
                "SELECT id, {} FROM cases ORDER BY id",
                CaseRecord::select_list()
            );
            let mut records = Vec::new();
            for row in client.query(&sql, &[])? {
                let number: i64 = row.try_get("id")?;
                records.push(Record {
                    number,
                    case: CaseRecord::read_pg(&row)?,
                    commitments: commitments.remove(&number).unwrap_or_default(),
                });
            }
            Ok(records)
        };
        let records = read();
        drop(client);
        records.map_err(|e| self.fail(e))
    }

    /// Writes a copied case and its commitments, unless its call is here.
    pub fn copy_in(&mut self, record: &Record) -> Result<Stored, Error> {
        let client = self.client.get_mut();
        let outcome = (|| -> Result<Result<Stored, String>, postgres::Error> {
            let mut tx = client.transaction()?;
            tx.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                &[&STORE_LOCK, &record.case.case_id],
            )?;
            if let Some(number) = holding(&mut tx, &record.case)? {
                return Ok(Ok(Stored::Already(number)));
            }
            if let Some(other) = tx.query_opt(
                "SELECT id FROM cases WHERE case_id = $1 LIMIT 1",
                &[&record.case.case_id],
            )? {
                return Ok(Err(clash(record, other.get(0))));
            }
            let number = insert(&mut tx, "cases", &record.case.columns_pg())?;
            for commitment in &record.commitments {
                let mut columns = commitment.columns_pg();
                columns.push(("case_row", &number as &(dyn ToSql + Sync)));
                insert(&mut tx, "commitments", &columns)?;
            }
            tx.commit()?;
            Ok(Ok(Stored::New(number)))
        })();
        match outcome {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(message)) => Err(self.server.error(message)),
            Err(e) => Err(self.fail(e)),
        }
    }
}

/// The case here that stored the same call (see the SQLite twin).
fn holding(
    client: &mut impl GenericClient,
    case: &CaseRecord,
) -> Result<Option<i64>, postgres::Error> {
    let row = match &case.fingerprint {
        Some(call) => client.query_opt(
            "SELECT id FROM cases WHERE fingerprint = $1 ORDER BY void_at IS NOT NULL, id LIMIT 1",
            &[call],
        )?,
        None => client.query_opt(
            "SELECT id FROM cases WHERE case_id = $1 AND created_epoch = $2 ORDER BY id LIMIT 1",
            &[&case.case_id, &case.created_epoch],
        )?,
    };
    Ok(row.map(|row| row.get(0)))
}
