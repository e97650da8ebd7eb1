//! Commitments in the SQLite file: inserted with their case, listed by a
//! filter (one SQL shaped for the partial indexes), marked done.

use rusqlite::{Connection, ToSql, params_from_iter};

use super::Sqlite;
use crate::archive::commitments::{Commitment, Commitments, DoneRefused};
use crate::archive::rows::{CommitmentRow, StoredCall};
use crate::error::Error;

impl Commitment {
    pub(super) fn insert(&self, conn: &Connection, case_row: i64) -> rusqlite::Result<()> {
        let due_epoch = chrono::DateTime::parse_from_rfc3339(&self.due)
            .map(|t| t.timestamp())
            .unwrap_or(0);
        conn.prepare_cached(
            "INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
             VALUES (:case_row, :kind, :item_id, :action, :owner, :owner_name, :due, :due_epoch)",
        )?
        .execute(rusqlite::named_params! {
            ":case_row": case_row,
            ":kind": self.kind.as_str(),
            ":item_id": self.item_id,
            ":action": self.action,
            ":owner": self.owner,
            ":owner_name": self.owner_name,
            ":due": self.due,
            ":due_epoch": due_epoch,
        })?;
        Ok(())
    }
}

impl Commitments {
    /// The SELECT for this filter and its arguments.
    pub(super) fn query(&self) -> (String, Vec<&dyn ToSql>) {
        let mut sql = format!(
            "SELECT {} FROM commitments m JOIN cases c ON c.id = m.case_row
             WHERE c.rehearsal = 0 AND c.void_at IS NULL",
            CommitmentRow::select_list()
        );
        let mut args: Vec<&dyn ToSql> = Vec::new();
        if !self.include_done {
            // Spelt as in the partial indexes' WHERE, so they apply.
            sql.push_str(" AND m.done_at IS NULL");
        }
        if let Some(before) = &self.due_before {
            sql.push_str(" AND m.due_epoch < ?");
            args.push(before);
        }
        if let Some(owner) = &self.owner {
            // Role or person. Written as two lookups, not `OR`: SQLite
            // does not use partial indexes for the two sides of an OR.
            let open = if self.include_done {
                ""
            } else {
                " AND done_at IS NULL"
            };
            sql.push_str(&format!(
                " AND m.id IN (SELECT id FROM commitments WHERE owner = ? COLLATE NOCASE{open}
                    UNION ALL SELECT id FROM commitments WHERE owner_name = ? COLLATE NOCASE{open})"
            ));
            args.push(owner);
            args.push(owner);
        }
        if let Some(name) = &self.owner_name {
            sql.push_str(" AND m.owner_name = ? COLLATE NOCASE");
            args.push(name);
        }
        sql.push_str(" ORDER BY m.due_epoch, m.id");
        (sql, args)
    }
}

impl Sqlite {
    /// Commitments across all counting cases, by due time.
    pub fn commitments(&self, filter: &Commitments) -> Result<Vec<CommitmentRow>, Error> {
        let (sql, args) = filter.query();
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params_from_iter(args), CommitmentRow::read)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// See [`crate::archive::Archive::calls_not_in`].
    pub fn calls_not_in(&self, numbers: &[i64], lang: &str) -> Result<Vec<StoredCall>, Error> {
        // The numbers as one JSON array, so a listing of thousands of cases
        // is one statement under any bound-parameter limit.
        let ids = serde_json::to_string(numbers).unwrap_or_else(|_| "[]".into());
        // The candidates come from the index (id, plan_lang): read from the
        // row, plan_lang (its last column) sits past the stored plan's
        // overflow pages. Whole rows are read only for those (normally none).
        let sql = format!(
            "SELECT {} FROM cases WHERE id IN (
                 SELECT id FROM cases INDEXED BY cases_by_lang
                 WHERE id IN (SELECT value FROM json_each(?1))
                   AND (plan_lang IS NULL OR plan_lang <> ?2))
               AND coalesce(plan_lang, json_extract(plan_json, '$.lang'), 'en') <> ?2
             ORDER BY id",
            StoredCall::select_list()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(rusqlite::params![ids, lang], StoredCall::read)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// Marks a commitment done, with when and by whom.
    pub fn commitment_done(
        &mut self,
        number: i64,
        at: &str,
        by: &str,
    ) -> Result<Result<(), DoneRefused>, Error> {
        let changed = self
            .conn
            .execute(
                "UPDATE commitments SET done_at = ?2, done_by = ?3 WHERE id = ?1 AND done_at IS NULL",
                rusqlite::params![number, at, by],
            )
            .map_err(|e| self.fail(e))?;
        if changed == 1 {
            return Ok(Ok(()));
        }
        let done = self
            .conn
            .query_row(
                "SELECT done_at, coalesce(done_by, '') FROM commitments WHERE id = ?1",
                [number],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(|e| self.fail(e));
        Ok(Err(match done {
            Ok((at, by)) => DoneRefused::AlreadyDone(at, by),
            Err(_) => DoneRefused::Unknown,
        }))
    }
}
