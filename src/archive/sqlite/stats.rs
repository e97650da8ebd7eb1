//! `cases stats`: the archive in aggregate, rehearsals and (unless asked)
//! void cases left out.

use super::Sqlite;
use crate::archive::{Breakdown, By, Stats, overdue_sql};
use crate::error::Error;

impl Sqlite {
    pub fn stats(
        &self,
        include_void: bool,
        now_epoch: i64,
        by: Option<By>,
    ) -> Result<Stats, Error> {
        let conn = &self.conn;
        // Which cases count, in every query below.
        let counted = if include_void {
            "c.rehearsal = 0"
        } else {
            "c.rehearsal = 0 AND c.void_at IS NULL"
        };
        // Every query names its columns `id` and `n` (and `month`, `latest`).
        let counts = |sql: &str| -> rusqlite::Result<Vec<(String, i64)>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get("id")?, r.get("n")?)))?;
            rows.collect()
        };
        let run = || -> rusqlite::Result<Stats> {
            let cases = conn.query_row(
                &format!("SELECT count(*) AS n FROM cases c WHERE {counted}"),
                [],
                |r| r.get("n"),
            )?;
            let grievances = counts(&format!(
                "SELECT j.value AS id, count(*) AS n FROM cases c, json_each(c.grievances) j
                 WHERE {counted} GROUP BY j.value ORDER BY 2 DESC, 1"
            ))?;
            let remedies = counts(&format!(
                "SELECT j.value AS id, count(*) AS n FROM cases c, json_each(c.remedies) j
                 WHERE {counted} GROUP BY j.value ORDER BY 2 DESC, 1"
            ))?;
            let mut stmt = conn.prepare(&format!(
                "SELECT substr(created_at, 1, 7) AS month, level AS id, count(*) AS n FROM cases c
                 WHERE {counted} GROUP BY month, level ORDER BY month, max(level_rank), level"
            ))?;
            let levels_by_month = stmt
                .query_map([], |r| Ok((r.get("month")?, r.get("id")?, r.get("n")?)))?
                .collect::<Result<_, _>>()?;
            let mut stmt = conn.prepare(&format!(
                "SELECT max(customer) AS id, count(*) AS n, max(created_at) AS latest FROM cases c
                 WHERE {counted} GROUP BY customer_key HAVING count(*) >= 2 ORDER BY 2 DESC, 1 LIMIT 20"
            ))?;
            let repeat_customers = stmt
                .query_map([], |r| Ok((r.get("id")?, r.get("n")?, r.get("latest")?)))?
                .collect::<Result<_, _>>()?;
            let mut stmt = conn.prepare(&format!(
                "SELECT DISTINCT playbook_id FROM cases c WHERE {counted} ORDER BY 1"
            ))?;
            let playbooks = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let overdue_by_owner = counts(&overdue_sql(counted, now_epoch, ""))?;
            let by = match by {
                None => None,
                Some(by) => {
                    let mut stmt = conn.prepare(&by.sql(counted, now_epoch, ""))?;
                    let rows = stmt
                        .query_map([], |r| {
                            Ok(crate::archive::BreakdownRow {
                                key: r.get("key")?,
                                cases: r.get("cases")?,
                                open: r.get("open")?,
                                overdue: r.get("overdue")?,
                                done: r.get("done")?,
                            })
                        })?
                        .collect::<Result<_, _>>()?;
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
