//! Commitments on the server: inserted with their case, listed by a filter
//! (the SQLite shape, with `lower(… COLLATE "C")` for SQLite's
//! ASCII-only `NOCASE`, matching the partial indexes), marked done.

use postgres::GenericClient;
use postgres::types::{ToSql, Type};

use super::Pg;
use crate::archive::commitments::{Commitment, Commitments, DoneRefused, Kind};
use crate::archive::rows::{CommitmentRow, StoredCall};
use crate::error::Error;

/// `text` compared as SQLite's `COLLATE NOCASE`: ASCII letters folded only
/// (the C collation's `lower`), whatever the database's locale.
const NOCASE: &str = "lower(? COLLATE \"C\")";

fn nocase(expr: &str) -> String {
    NOCASE.replace('?', expr)
}

/// Inserts a case's commitments in one statement (one round trip, not one
/// per commitment: a store over a network pays per round trip), in order,
/// so their numbers follow the plan's order as on SQLite.
pub(super) fn insert_all_pg(
    client: &mut impl GenericClient,
    case_row: i64,
    commitments: &[Commitment],
) -> Result<(), postgres::Error> {
    if commitments.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Commitment) -> &str| commitments.iter().map(f).collect::<Vec<_>>();
    let names: Vec<Option<&str>> = commitments
        .iter()
        .map(|c| c.owner_name.as_deref())
        .collect();
    let due_epochs: Vec<i64> = commitments.iter().map(Commitment::due_epoch).collect();
    client.execute(
        "INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
         SELECT $1, kind, item_id, action, owner, owner_name, due, due_epoch
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
             WITH ORDINALITY AS c(kind, item_id, action, owner, owner_name, due, due_epoch, n)
         ORDER BY n",
        &[
            &case_row,
            &column(|c| c.kind.as_str()),
            &column(|c| &c.item_id),
            &column(|c| &c.action),
            &column(|c| &c.owner),
            &names,
            &column(|c| &c.due),
            &due_epochs,
        ],
    )?;
    Ok(())
}

impl Commitment {
    /// The due time as epoch seconds (0 if unreadable, as on SQLite).
    fn due_epoch(&self) -> i64 {
        chrono::DateTime::parse_from_rfc3339(&self.due)
            .map(|t| t.timestamp())
            .unwrap_or(0)
    }

    pub(super) fn insert_pg(
        &self,
        client: &mut impl GenericClient,
        case_row: i64,
    ) -> Result<(), postgres::Error> {
        let due_epoch = self.due_epoch();
        client.execute(
            "INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &case_row,
                &self.kind.as_str(),
                &self.item_id,
                &self.action,
                &self.owner,
                &self.owner_name,
                &self.due,
                &due_epoch,
            ],
        )?;
        Ok(())
    }
}

impl Commitments {
    /// The SELECT for this filter and its typed arguments, in PostgreSQL's
    /// dialect.
    pub(super) fn query_pg(&self) -> (String, Vec<(&(dyn ToSql + Sync), Type)>) {
        let mut sql = format!(
            "SELECT {} FROM commitments m JOIN cases c ON c.id = m.case_row
             WHERE NOT c.rehearsal AND c.void_at IS NULL",
            CommitmentRow::select_list()
        );
        let mut args: Vec<(&(dyn ToSql + Sync), Type)> = Vec::new();
        fn arg<'a>(
            args: &mut Vec<(&'a (dyn ToSql + Sync), Type)>,
            value: &'a (dyn ToSql + Sync),
            of: Type,
        ) -> String {
            args.push((value, of));
            format!("${}", args.len())
        }
        if !self.include_done {
            sql.push_str(" AND m.done_at IS NULL");
        }
        if let Some(before) = &self.due_before {
            sql.push_str(&format!(
                " AND m.due_epoch < {}",
                arg(&mut args, before, Type::INT8)
            ));
        }
        if let Some(owner) = &self.owner {
            let open = if self.include_done {
                ""
            } else {
                " AND done_at IS NULL"
            };
            let who = arg(&mut args, owner, Type::TEXT);
            sql.push_str(&format!(
                " AND m.id IN (SELECT id FROM commitments WHERE {} = {}{open}
                    UNION ALL SELECT id FROM commitments WHERE {} = {}{open})",
                nocase("owner"),
                nocase(&format!("{who}::text")),
                nocase("owner_name"),
                nocase(&format!("{who}::text")),
            ));
        }
        if let Some(name) = &self.owner_name {
            let who = arg(&mut args, name, Type::TEXT);
            sql.push_str(&format!(
                " AND {} = {}",
                nocase("m.owner_name"),
                nocase(&format!("{who}::text"))
            ));
        }
        sql.push_str(" ORDER BY m.due_epoch, m.id");
        (sql, args)
    }
}

/// Adds the remedies of every case stored before version 3, read from its
/// stored plan, and the people behind the follow-ups it names (SQLite's
/// step 3 fill, the same reader).
pub(super) fn fill_commitments(tx: &mut postgres::Transaction) -> Result<(), postgres::Error> {
    let rows = tx.query("SELECT id, plan_json FROM cases ORDER BY id", &[])?;
    let name = tx.prepare(
        "UPDATE commitments SET owner_name = $3
         WHERE case_row = $1 AND kind = 'followup' AND item_id = $2",
    )?;
    for row in rows {
        let case_row: i64 = row.get("id");
        for c in Commitment::of_plan(row.get("plan_json")) {
            match c.kind {
                Kind::Remedy => c.insert_pg(tx, case_row)?,
                Kind::Followup => {
                    if let Some(person) = &c.owner_name {
                        tx.execute(&name, &[&case_row, &c.item_id, person])?;
                    }
                }
            }
        }
    }
    Ok(())
}

impl Pg {
    /// See [`crate::archive::Archive::commitments`].
    pub fn commitments(&self, filter: &Commitments) -> Result<Vec<CommitmentRow>, Error> {
        let (sql, args) = filter.query_pg();
        let rows = self
            .client
            .borrow_mut()
            .query_typed(&sql, &args)
            .map_err(|e| self.fail(e))?;
        CommitmentRow::read_all_pg(&rows).map_err(|e| self.fail(e))
    }

    /// See [`crate::archive::Archive::calls_not_in`].
    pub fn calls_not_in(&self, numbers: &[i64], lang: &str) -> Result<Vec<StoredCall>, Error> {
        let sql = format!(
            "SELECT {} FROM cases WHERE id = ANY($1)
               AND coalesce(plan_lang, plan_json::json ->> 'lang', 'en') <> $2
             ORDER BY id",
            StoredCall::select_list()
        );
        let rows = self
            .client
            .borrow_mut()
            .query_typed(&sql, &[(&numbers, Type::INT8_ARRAY), (&lang, Type::TEXT)])
            .map_err(|e| self.fail(e))?;
        StoredCall::read_all_pg(&rows).map_err(|e| self.fail(e))
    }

    /// See [`crate::archive::Archive::commitment_done`].
    pub fn commitment_done(
        &mut self,
        number: i64,
        at: &str,
        by: &str,
    ) -> Result<Result<(), DoneRefused>, Error> {
        let client = self.client.get_mut();
        let outcome = (|| -> Result<Result<(), DoneRefused>, postgres::Error> {
            let changed = client.execute(
                "UPDATE commitments SET done_at = $2, done_by = $3
                 WHERE id = $1 AND done_at IS NULL",
                &[&number, &at, &by],
            )?;
            if changed == 1 {
                return Ok(Ok(()));
            }
            // Seen but not changed, and not done: row-level security kept
            // this role from another's commitment (the update policy).
            let found = client.query_opt(
                "SELECT m.done_at, coalesce(m.done_by, '') AS by, c.id AS case_number, c.stored_by
                 FROM commitments m JOIN cases c ON c.id = m.case_row WHERE m.id = $1",
                &[&number],
            )?;
            Ok(Err(match found {
                None => DoneRefused::Unknown,
                Some(row) => match row.get::<_, Option<String>>("done_at") {
                    Some(at) => DoneRefused::AlreadyDone(at, row.get("by")),
                    None => DoneRefused::NotYours(row.get("case_number"), row.get("stored_by")),
                },
            }))
        })();
        outcome.map_err(|e| {
            // A role without the GRANT at all: a refusal of the request
            // (said now, never queued to fail every later sync).
            if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                return Error::Usage(
                    "your database role may not mark commitments done (it is not a member of \
                     the rep or lead role of `defuse archive init`); ask the archive's owner. \
                     Nothing was changed"
                        .into(),
                );
            }
            self.fail(e)
        })
    }
}
