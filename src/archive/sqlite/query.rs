//! Reading cases back: listings, one case with its plan, and a
//! customer's history for the engine (`LazyHistory` opens the archive only
//! when a call first needs it).

use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use crate::archive::rows::{CaseRow, StoredCall};
use crate::archive::{CasePlan, Filter, customer_key, customer_pattern};
use crate::error::Error;
use crate::triage::history::{History, PastCase};

impl Sqlite {
    pub fn list(&self, filter: &Filter) -> Result<Vec<CaseRow>, Error> {
        let mut sql = format!("SELECT {} FROM cases WHERE 1=1", CaseRow::select_list());
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(customer) = &filter.customer {
            // A substring, case aside: the key and the pattern are
            // lowercased by Rust (all of Unicode; LIKE's own ASCII folding
            // then changes nothing), the user's `%` and `_` escaped. The
            // same pattern as on a server, so both match alike.
            sql.push_str(r" AND customer_key LIKE ? ESCAPE '\'");
            args.push(Box::new(customer_pattern(customer)));
        }
        if let Some(since) = filter.since_epoch {
            sql.push_str(" AND created_epoch >= ?");
            args.push(Box::new(since));
        }
        if let Some(level) = &filter.level {
            sql.push_str(" AND level = ? COLLATE NOCASE");
            args.push(Box::new(level.clone()));
        }
        if let Some(rep) = &filter.rep {
            sql.push_str(" AND stored_by = ? COLLATE NOCASE");
            args.push(Box::new(rep.trim().to_owned()));
        }
        if !filter.include_rehearsals {
            sql.push_str(" AND rehearsal = 0");
        }
        if !filter.include_void {
            sql.push_str(" AND void_at IS NULL");
        }
        sql.push_str(" ORDER BY created_epoch DESC, id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), CaseRow::read)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// A case by its number (`12`, `#12`) or its case id (the latest with it).
    pub fn find(&self, id: &str) -> Result<Option<CasePlan>, Error> {
        let number = id.trim_start_matches('#').parse::<i64>().ok();
        let sql = format!(
            "SELECT {}, plan_markdown, plan_json FROM cases
             WHERE id = ?1 OR case_id = ?2 ORDER BY id = ?1 DESC, id DESC LIMIT 1",
            CaseRow::select_list()
        );
        self.conn
            .query_row(&sql, params![number.unwrap_or(-1), id], |row| {
                Ok(CasePlan {
                    case: CaseRow::read(row)?,
                    markdown: row.get("plan_markdown")?,
                    json: row.get("plan_json")?,
                })
            })
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Counting cases that repeat an earlier counting case's call:
    /// (duplicate, original) by number, oldest duplicate first.
    pub fn duplicates(&self) -> Result<Vec<(i64, i64)>, Error> {
        super::store::duplicates_in(&self.conn).map_err(|e| self.fail(e))
    }

    /// The calls that count (neither void nor rehearsals) on or after
    /// `since_epoch`, oldest first, with their answers and plans.
    pub fn stored_calls(&self, since_epoch: Option<i64>) -> Result<Vec<StoredCall>, Error> {
        let sql = format!(
            "SELECT {} FROM cases WHERE rehearsal = 0 AND void_at IS NULL AND created_epoch >= ?1
             ORDER BY created_epoch, id",
            StoredCall::select_list()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params![since_epoch.unwrap_or(i64::MIN)], StoredCall::read)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    pub fn count(&self) -> Result<i64, Error> {
        self.conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }
}

impl History for Sqlite {
    /// A failed lookup must never stop a live call: it means no history.
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        let lookup = || -> rusqlite::Result<Vec<PastCase>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT case_id, created_at, created_epoch, level, grievances, crisis, stored_by FROM cases
                 WHERE customer_key = ?1 AND created_epoch < ?2 AND rehearsal = 0
                   AND void_at IS NULL
                 ORDER BY created_epoch DESC LIMIT 500",
            )?;
            let rows = stmt.query_map(params![customer_key(customer), before_epoch], |row| {
                let grievances: String = row.get("grievances")?;
                Ok(PastCase {
                    case_id: row.get("case_id")?,
                    time: row.get("created_at")?,
                    epoch: row.get("created_epoch")?,
                    level: row.get("level")?,
                    grievances: serde_json::from_str(&grievances).unwrap_or_default(),
                    crisis: row.get("crisis")?,
                    stored_by: row.get("stored_by")?,
                })
            })?;
            rows.collect()
        };
        lookup().unwrap_or_default()
    }
}
