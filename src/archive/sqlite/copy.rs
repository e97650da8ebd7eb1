//! `archive copy` on a file: every case read with its commitments, and a
//! copied case written (see `crate::archive::copy`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ToSql};

use super::Sqlite;
use super::store::{insert, write_transaction};
use crate::archive::copy::{Record, clash};
use crate::archive::rows::{CaseRecord, CommitmentRecord};
use crate::archive::{Stored, archive_error};
use crate::error::Error;

impl Sqlite {
    /// Every case, oldest number first, with its commitments.
    pub fn records(&self) -> Result<Vec<Record>, Error> {
        let read = || -> rusqlite::Result<Vec<Record>> {
            let mut commitments: HashMap<i64, Vec<CommitmentRecord>> = HashMap::new();
            let sql = format!(
                "SELECT case_row, {} FROM commitments ORDER BY id",
                CommitmentRecord::select_list()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                commitments
                    .entry(row.get("case_row")?)
                    .or_default()
                    .push(CommitmentRecord::read(row)?);
            }
            let sql = format!(
                "SELECT id, {} FROM cases ORDER BY id",
                CaseRecord::select_list()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            let mut records = Vec::new();
            while let Some(row) = rows.next()? {
                let number: i64 = row.get("id")?;
                records.push(Record {
                    number,
                    case: CaseRecord::read(row)?,
                    commitments: commitments.remove(&number).unwrap_or_default(),
                });
            }
            Ok(records)
        };
        read().map_err(|e| self.fail(e))
    }

    /// Writes a copied case and its commitments, unless its call is here.
    pub fn copy_in(&mut self, record: &Record) -> Result<Stored, Error> {
        let outcome = write_transaction(&self.conn, &mut || {}, |tx| {
            if let Some(number) = holding(tx, &record.case)? {
                return Ok(Ok(Stored::Already(number)));
            }
            if let Some(other) = tx
                .query_row(
                    "SELECT id FROM cases WHERE case_id = ?1 LIMIT 1",
                    [&record.case.case_id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
            {
                return Ok(Err(clash(record, other)));
            }
            insert(tx, "cases", &record.case.columns_sqlite())?;
            let number = tx.last_insert_rowid();
            for commitment in &record.commitments {
                let mut columns = commitment.columns_sqlite();
                columns.push(("case_row", &number as &dyn ToSql));
                insert(tx, "commitments", &columns)?;
            }
            Ok(Ok(Stored::New(number)))
        });
        match outcome.and_then(|copied| copied) {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(message)) => Err(archive_error(&self.path, message)),
            Err(e) => Err(self.fail(e)),
        }
    }
}

/// The case here that stored the same call: by fingerprint, else (a case
/// from before fingerprints) by case id and call time.
fn holding(conn: &Connection, case: &CaseRecord) -> rusqlite::Result<Option<i64>> {
    match &case.fingerprint {
        Some(call) => conn
            .query_row(
                "SELECT id FROM cases WHERE fingerprint = ?1 ORDER BY void_at IS NOT NULL, id LIMIT 1",
                [call],
                |r| r.get(0),
            )
            .optional(),
        None => conn
            .query_row(
                "SELECT id FROM cases WHERE case_id = ?1 AND created_epoch = ?2 ORDER BY id LIMIT 1",
                rusqlite::params![case.case_id, case.created_epoch],
                |r| r.get(0),
            )
            .optional(),
    }
}
