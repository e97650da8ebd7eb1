//! Reading the server archive back: listings, one case with its plan,
//! follow-ups, a customer's history, and stats. Text is ordered byte-wise
//! (`COLLATE "C"`), as SQLite orders it, whatever the database's locale.

use postgres::types::{ToSql, Type};

use super::Pg;
use crate::archive::rows::{CaseRow, StoredCall};
use crate::archive::{
    Breakdown, BreakdownRow, By, CasePlan, Filter, Stats, customer_key, customer_pattern,
    overdue_sql,
};
use crate::error::Error;
use crate::triage::history::PastCase;

impl Pg {
    pub fn list(&self, filter: &Filter) -> Result<Vec<CaseRow>, Error> {
        let mut sql = format!("SELECT {} FROM cases WHERE true", CaseRow::select_list());
        let customer = filter.customer.as_deref().map(customer_pattern);
        let rep = filter.rep.as_deref().map(str::trim);
        let limit = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut args: Vec<(&(dyn ToSql + Sync), Type)> = Vec::new();
        if let Some(customer) = &customer {
            args.push((customer, Type::TEXT));
            // A substring, case aside, as on SQLite: the key is lowercased
            // by Rust, the pattern escaped. A LIKE, which the trigram index
            // (schema 7) serves; `strpos` read every case.
            sql.push_str(&format!(
                r" AND customer_key LIKE ${} ESCAPE '\'",
                args.len()
            ));
        }
        if let Some(since) = &filter.since_epoch {
            args.push((since, Type::INT8));
            sql.push_str(&format!(" AND created_epoch >= ${}", args.len()));
        }
        if let Some(level) = &filter.level {
            args.push((level, Type::TEXT));
            sql.push_str(&format!(" AND lower(level) = lower(${})", args.len()));
        }
        if let Some(rep) = &rep {
            args.push((rep, Type::TEXT));
            sql.push_str(&format!(
                " AND lower(stored_by COLLATE \"C\") = lower(${}::text COLLATE \"C\")",
                args.len()
            ));
        }
        if !filter.include_rehearsals {
            sql.push_str(" AND NOT rehearsal");
        }
        if !filter.include_void {
            sql.push_str(" AND void_at IS NULL");
        }
        sql.push_str(" ORDER BY created_epoch DESC, id DESC");
        if let Some(limit) = &limit {
            args.push((limit, Type::INT8));
            sql.push_str(&format!(" LIMIT ${}", args.len()));
        }
        let rows = self
            .client
            .borrow_mut()
            .query_typed(&sql, &args)
            .map_err(|e| self.fail(e))?;
        CaseRow::read_all_pg(&rows).map_err(|e| self.fail(e))
    }

    /// See [`crate::archive::Archive::stored_calls`].
    pub fn stored_calls(&self, since_epoch: Option<i64>) -> Result<Vec<StoredCall>, Error> {
        let sql = format!(
            "SELECT {} FROM cases WHERE NOT rehearsal AND void_at IS NULL AND created_epoch >= $1
             ORDER BY created_epoch, id",
            StoredCall::select_list()
        );
        let since = since_epoch.unwrap_or(i64::MIN);
        let rows = self
            .client
            .borrow_mut()
            .query(&sql, &[&since])
            .map_err(|e| self.fail(e))?;
        StoredCall::read_all_pg(&rows).map_err(|e| self.fail(e))
    }

    pub fn find(&self, id: &str) -> Result<Option<CasePlan>, Error> {
        let number = id.trim_start_matches('#').parse::<i64>().unwrap_or(-1);
        let sql = format!(
            "SELECT {}, plan_markdown, plan_json FROM cases
             WHERE id = $1 OR case_id = $2 ORDER BY id = $1 DESC, id DESC LIMIT 1",
            CaseRow::select_list()
        );
        let row = self
            .client
            .borrow_mut()
            .query_opt(&sql, &[&number, &id])
            .map_err(|e| self.fail(e))?;
        row.map(|row| {
            Ok(CasePlan {
                case: CaseRow::read_pg(&row)?,
                markdown: row.try_get("plan_markdown")?,
                json: row.try_get("plan_json")?,
            })
        })
        .transpose()
        .map_err(|e| self.fail(e))
    }

    pub fn duplicates(&self) -> Result<Vec<(i64, i64)>, Error> {
        super::store::duplicates_in(&mut *self.client.borrow_mut()).map_err(|e| self.fail(e))
    }

    pub fn count(&self) -> Result<i64, Error> {
        self.client
            .borrow_mut()
            .query_one("SELECT count(*) FROM cases", &[])
            .map(|row| row.get(0))
            .map_err(|e| self.fail(e))
    }

    /// A failed lookup must never stop a live call: it means no history.
    pub fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        self.history(customer, before_epoch).unwrap_or_default()
    }

    /// The customer's earlier cases, or why they could not be read.
    pub fn history(&self, customer: &str, before_epoch: i64) -> Result<Vec<PastCase>, Error> {
        let rows = self
            .client
            .borrow_mut()
            .query_typed(
                "SELECT case_id, created_at, created_epoch, level, grievances, crisis, stored_by FROM cases
                 WHERE customer_key = $1 AND created_epoch < $2 AND NOT rehearsal
                   AND void_at IS NULL
                 ORDER BY created_epoch DESC LIMIT 500",
                &[
                    (&customer_key(customer), Type::TEXT),
                    (&before_epoch, Type::INT8),
                ],
            )
            .map_err(|e| self.fail(e))?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let grievances: String = row.try_get("grievances").ok()?;
                Some(PastCase {
                    case_id: row.try_get("case_id").ok()?,
                    time: row.try_get("created_at").ok()?,
                    epoch: row.try_get("created_epoch").ok()?,
                    level: row.try_get("level").ok()?,
                    grievances: serde_json::from_str(&grievances).unwrap_or_default(),
                    crisis: row.try_get("crisis").ok()?,
                    stored_by: row.try_get("stored_by").ok()?,
                })
            })
            .collect())
    }

    pub fn stats(
        &self,
        include_void: bool,
        now_epoch: i64,
        by: Option<By>,
    ) -> Result<Stats, Error> {
        // Which cases count, in every query below.
        let counted = if include_void {
            "NOT c.rehearsal"
        } else {
            "NOT c.rehearsal AND c.void_at IS NULL"
        };
        const BYTEWISE: &str = " COLLATE \"C\"";
        let mut client = self.client.borrow_mut();
        let mut run = || -> Result<Stats, postgres::Error> {
            let cases = client
                .query_one(
                    &format!("SELECT count(*) FROM cases c WHERE {counted}"),
                    &[],
                )?
                .get(0);
            let mut counts = |sql: &str| -> Result<Vec<(String, i64)>, postgres::Error> {
                let rows = client.query(sql, &[])?;
                Ok(rows.iter().map(|r| (r.get("id"), r.get("n"))).collect())
            };
            let list_counts = |list: &str| {
                format!(
                    "SELECT j AS id, count(*) AS n
                     FROM cases c, jsonb_array_elements_text(c.{list}::jsonb) AS j
                     WHERE {counted} GROUP BY j ORDER BY 2 DESC, j COLLATE \"C\""
                )
            };
            let grievances = counts(&list_counts("grievances"))?;
            let remedies = counts(&list_counts("remedies"))?;
            let overdue_by_owner = counts(&overdue_sql(counted, now_epoch, BYTEWISE))?;
            let levels_by_month = client
                .query(
                    &format!(
                        "SELECT substr(created_at, 1, 7) AS month, level AS id, count(*) AS n FROM cases c
                         WHERE {counted} GROUP BY month, level
                         ORDER BY substr(created_at, 1, 7) COLLATE \"C\", max(level_rank), level COLLATE \"C\""
                    ),
                    &[],
                )?
                .iter()
                .map(|r| (r.get("month"), r.get("id"), r.get("n")))
                .collect();
            let repeat_customers = client
                .query(
                    &format!(
                        "SELECT max(customer COLLATE \"C\") AS id, count(*) AS n,
                                max(created_at COLLATE \"C\") AS latest FROM cases c
                         WHERE {counted} GROUP BY customer_key HAVING count(*) >= 2
                         ORDER BY 2 DESC, 1 LIMIT 20"
                    ),
                    &[],
                )?
                .iter()
                .map(|r| (r.get("id"), r.get("n"), r.get("latest")))
                .collect();
            let playbooks = client
                .query(
                    &format!(
                        "SELECT DISTINCT playbook_id COLLATE \"C\" AS id FROM cases c
                         WHERE {counted} ORDER BY 1"
                    ),
                    &[],
                )?
                .iter()
                .map(|r| r.get("id"))
                .collect();
            let by = match by {
                None => None,
                Some(by) => {
                    let rows = client
                        .query(&by.sql(counted, now_epoch, BYTEWISE), &[])?
                        .iter()
                        .map(|r| BreakdownRow {
                            key: r.get("key"),
                            cases: r.get("cases"),
                            open: r.get("open"),
                            overdue: r.get("overdue"),
                            done: r.get("done"),
                        })
                        .collect();
                    Some(Breakdown { by, rows })
                }
            };
            Ok(Stats {
                cases,
                grievances,
                levels_by_month,
                remedies,
                repeat_customers,
                playbooks,
                overdue_by_owner,
                by,
            })
        };
        run().map_err(|e| self.fail(e))
    }
}
