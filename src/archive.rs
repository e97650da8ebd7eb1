//! The case archive: every completed triage, stored in SQLite with its plan,
//! its answers and the complaint record, so the tool remembers customers.
//!
//! Location: `--db`, else `$DEFUSE_DB`, else `$XDG_DATA_HOME/defuse/cases.db`,
//! else `~/.local/share/defuse/cases.db`. WAL mode and a busy timeout let
//! several processes store cases at once; each case is one transaction, so a
//! process killed mid-write leaves the database consistent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::Error;
use crate::triage::history::{History, PastCase};

/// The schema each migration brings the database to, in order. Never edit a
/// released step; add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: cases and their follow-ups.
    "CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_epoch INTEGER NOT NULL,
        customer TEXT NOT NULL,
        customer_key TEXT NOT NULL,
        contact TEXT NOT NULL,
        role TEXT NOT NULL,
        playbook_id TEXT NOT NULL,
        playbook_version TEXT NOT NULL,
        level TEXT NOT NULL,
        level_rank INTEGER NOT NULL,
        authority TEXT NOT NULL,
        grievances TEXT NOT NULL,
        remedies TEXT NOT NULL,
        complaint_kind TEXT NOT NULL,
        crisis TEXT NOT NULL,
        at_stake TEXT NOT NULL,
        remedy_sought TEXT NOT NULL,
        impact TEXT NOT NULL,
        our_owner TEXT NOT NULL,
        customer_loss TEXT NOT NULL,
        rehearsal INTEGER NOT NULL DEFAULT 0,
        plan_markdown TEXT NOT NULL,
        plan_json TEXT NOT NULL,
        answers_yaml TEXT NOT NULL
    );
    CREATE INDEX cases_by_customer ON cases(customer_key, created_epoch);
    CREATE INDEX cases_by_time ON cases(created_epoch);
    CREATE TABLE followups (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        followup_id TEXT NOT NULL,
        due TEXT NOT NULL,
        due_epoch INTEGER NOT NULL,
        action TEXT NOT NULL,
        owner TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX followups_open_by_due ON followups(due_epoch) WHERE done_at IS NULL;",
];

/// The default archive path (see the module docs).
pub fn default_path(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> PathBuf {
    crate::output::xdg_path(
        env,
        "DEFUSE_DB",
        "XDG_DATA_HOME",
        ".local/share",
        "cases.db",
        "defuse-cases.db",
    )
}

/// The customer as a lookup key: case and spacing do not make a new customer.
pub fn customer_key(customer: &str) -> String {
    customer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A case to store: the plan's facts plus the rendered plan and the answers.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub plan: &'a crate::plan::Plan,
    pub level_rank: usize,
    pub plan_markdown: &'a str,
    pub answers_yaml: &'a str,
    pub rehearsal: bool,
}

/// A stored case as listed and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub number: i64,
    pub case_id: String,
    pub created_at: String,
    pub customer: String,
    pub contact: String,
    pub role: String,
    pub playbook: String,
    pub level: String,
    pub authority: String,
    pub grievances: Vec<String>,
    pub remedies: Vec<String>,
    pub complaint_kind: String,
    pub crisis: String,
    pub at_stake: String,
    pub remedy_sought: String,
    pub impact: String,
    pub our_owner: String,
    pub customer_loss: String,
    pub rehearsal: bool,
}

/// An open (or done) follow-up across all cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowupRow {
    pub number: i64,
    pub case_number: i64,
    pub case_id: String,
    pub customer: String,
    pub followup: String,
    pub due: String,
    pub action: String,
    pub owner: String,
    pub done_at: Option<String>,
}

/// What the archive says in aggregate (rehearsals left out).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub cases: i64,
    /// (grievance, cases)
    pub grievances: Vec<(String, i64)>,
    /// (month `YYYY-MM`, level, cases)
    pub levels_by_month: Vec<(String, String, i64)>,
    /// (remedy, times chosen)
    pub remedies: Vec<(String, i64)>,
    /// (customer, cases, latest case time), customers with two or more cases
    pub repeat_customers: Vec<(String, i64, String)>,
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub customer: Option<String>,
    pub since_epoch: Option<i64>,
    pub level: Option<String>,
    pub include_rehearsals: bool,
    pub limit: Option<usize>,
}

fn archive_error(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Archive {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

pub struct Archive {
    conn: Connection,
    path: PathBuf,
}

impl Archive {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let fail = |e: rusqlite::Error| archive_error(path, e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail)?;
        let mut archive = Archive {
            conn,
            path: path.to_owned(),
        };
        archive.migrate()?;
        Ok(archive)
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        archive_error(&self.path, e)
    }

    /// The schema version of this database.
    pub fn version(&self) -> Result<usize, Error> {
        let v: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        Ok(v as usize)
    }

    /// Brings the database to the latest schema in one transaction.
    fn migrate(&mut self) -> Result<(), Error> {
        // Already current (the usual case): no write lock needed.
        if self.version()? == MIGRATIONS.len() {
            return Ok(());
        }
        let path = self.path.clone();
        let fail = |message: String| archive_error(&path, message);
        // Taking the write lock first keeps two processes from migrating at once.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| fail(e.to_string()))?;
        let current: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| fail(e.to_string()))?;
        let current = current as usize;
        if current > MIGRATIONS.len() {
            return Err(fail(format!(
                "the database is at schema version {current}, newer than this defuse knows ({}); upgrade defuse",
                MIGRATIONS.len()
            )));
        }
        for (step, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.execute_batch(sql)
                .map_err(|e| fail(format!("migration {}: {e}", step + 1)))?;
            tx.pragma_update(None, "user_version", (step + 1) as i64)
                .map_err(|e| fail(e.to_string()))?;
        }
        tx.commit().map_err(|e| fail(e.to_string()))
    }

    /// Stores a completed triage and its follow-ups; returns its number.
    pub fn store(&mut self, case: &NewCase) -> Result<i64, Error> {
        let plan = case.plan;
        let epoch = |rfc3339: &str| {
            chrono::DateTime::parse_from_rfc3339(rfc3339)
                .map(|t| t.timestamp())
                .unwrap_or(0)
        };
        let json = |v: Vec<&str>| serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
        let grievances = json(plan.grievances.iter().map(|g| g.id.as_str()).collect());
        let remedies = json(plan.remedies.iter().map(|r| r.id.as_str()).collect());
        let plan_json = plan.to_json();
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| archive_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        let r = &plan.record;
        tx.execute(
            "INSERT INTO cases (case_id, created_at, created_epoch, customer, customer_key, contact, role,
                playbook_id, playbook_version, level, level_rank, authority, grievances, remedies,
                complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner, customer_loss,
                rehearsal, plan_markdown, plan_json, answers_yaml)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            params![
                plan.case.id,
                plan.case.time,
                epoch(&plan.case.time),
                plan.case.customer,
                customer_key(&plan.case.customer),
                plan.case.contact,
                plan.case.role,
                plan.case.playbook.id,
                plan.case.playbook.version,
                plan.assessment.level.id,
                case.level_rank as i64,
                plan.assessment.authority.id,
                grievances,
                remedies,
                r.complaint_kind.id,
                r.crisis.id,
                r.at_stake.id,
                r.remedy_sought,
                r.impact,
                r.our_owner,
                r.customer_loss,
                case.rehearsal,
                case.plan_markdown,
                plan_json,
                case.answers_yaml,
            ],
        )
        .map_err(fail)?;
        let number = tx.last_insert_rowid();
        for f in &plan.followups {
            tx.execute(
                "INSERT INTO followups (case_row, followup_id, due, due_epoch, action, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![number, f.id, f.due, epoch(&f.due), f.action, f.owner],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(number)
    }

    pub fn list(&self, filter: &Filter) -> Result<Vec<CaseRow>, Error> {
        let mut sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE 1=1");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(customer) = &filter.customer {
            sql.push_str(" AND customer_key = ?");
            args.push(Box::new(customer_key(customer)));
        }
        if let Some(since) = filter.since_epoch {
            sql.push_str(" AND created_epoch >= ?");
            args.push(Box::new(since));
        }
        if let Some(level) = &filter.level {
            sql.push_str(" AND level = ?");
            args.push(Box::new(level.clone()));
        }
        if !filter.include_rehearsals {
            sql.push_str(" AND rehearsal = 0");
        }
        sql.push_str(" ORDER BY created_epoch DESC, id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), case_row)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// A case by its number (`12`, `#12`) or its case id (the latest with it).
    pub fn find(&self, id: &str) -> Result<Option<(CaseRow, String, String)>, Error> {
        let number = id.trim_start_matches('#').parse::<i64>().ok();
        let sql = format!(
            "SELECT {CASE_COLUMNS}, plan_markdown, plan_json FROM cases WHERE id = ?1 OR case_id = ?2 ORDER BY id = ?1 DESC, id DESC LIMIT 1"
        );
        self.conn
            .query_row(&sql, params![number.unwrap_or(-1), id], |row| {
                Ok((case_row(row)?, row.get(19)?, row.get(20)?))
            })
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Open follow-ups (or all, with `include_done`) due before `due_before`.
    pub fn followups(
        &self,
        due_before: Option<i64>,
        include_done: bool,
    ) -> Result<Vec<FollowupRow>, Error> {
        let mut sql = String::from(
            "SELECT f.id, c.id, c.case_id, c.customer, f.followup_id, f.due, f.action, f.owner, f.done_at
             FROM followups f JOIN cases c ON c.id = f.case_row WHERE c.rehearsal = 0",
        );
        if !include_done {
            sql.push_str(" AND f.done_at IS NULL");
        }
        if due_before.is_some() {
            sql.push_str(" AND f.due_epoch < ?1");
        }
        sql.push_str(" ORDER BY f.due_epoch, f.id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let map = |row: &rusqlite::Row| {
            Ok(FollowupRow {
                number: row.get(0)?,
                case_number: row.get(1)?,
                case_id: row.get(2)?,
                customer: row.get(3)?,
                followup: row.get(4)?,
                due: row.get(5)?,
                action: row.get(6)?,
                owner: row.get(7)?,
                done_at: row.get(8)?,
            })
        };
        let rows = match due_before {
            Some(before) => stmt.query_map(params![before], map),
            None => stmt.query_map([], map),
        }
        .map_err(|e| self.fail(e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// Marks a follow-up done; false if there is no open one with that number.
    pub fn followup_done(&mut self, number: i64, at: &str) -> Result<bool, Error> {
        let changed = self
            .conn
            .execute(
                "UPDATE followups SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
                params![number, at],
            )
            .map_err(|e| self.fail(e))?;
        Ok(changed == 1)
    }

    pub fn stats(&self) -> Result<Stats, Error> {
        let pairs = |sql: &str| -> rusqlite::Result<Vec<(String, i64)>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        let run = || -> rusqlite::Result<Stats> {
            let cases =
                self.conn
                    .query_row("SELECT count(*) FROM cases WHERE rehearsal = 0", [], |r| {
                        r.get(0)
                    })?;
            let grievances = pairs(
                "SELECT j.value, count(*) FROM cases, json_each(cases.grievances) j
                 WHERE rehearsal = 0 GROUP BY j.value ORDER BY 2 DESC, 1",
            )?;
            let remedies = pairs(
                "SELECT j.value, count(*) FROM cases, json_each(cases.remedies) j
                 WHERE rehearsal = 0 GROUP BY j.value ORDER BY 2 DESC, 1",
            )?;
            let mut stmt = self.conn.prepare(
                "SELECT substr(created_at, 1, 7) AS month, level, count(*) FROM cases
                 WHERE rehearsal = 0 GROUP BY month, level ORDER BY month, max(level_rank), level",
            )?;
            let levels_by_month = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            let mut stmt = self.conn.prepare(
                "SELECT max(customer), count(*), max(created_at) FROM cases WHERE rehearsal = 0
                 GROUP BY customer_key HAVING count(*) >= 2 ORDER BY 2 DESC, 1 LIMIT 20",
            )?;
            let repeat_customers = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            Ok(Stats {
                cases,
                grievances,
                levels_by_month,
                remedies,
                repeat_customers,
            })
        };
        run().map_err(|e| self.fail(e))
    }

    /// `PRAGMA integrity_check`: "ok", or what is wrong.
    pub fn integrity_check(&self) -> Result<String, Error> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }

    pub fn count(&self) -> Result<i64, Error> {
        self.conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }
}

impl History for Archive {
    /// A failed lookup must never stop a live call: it means no history.
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        let lookup = || -> rusqlite::Result<Vec<PastCase>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT case_id, created_at, created_epoch, level, grievances, crisis FROM cases
                 WHERE customer_key = ?1 AND created_epoch < ?2 AND rehearsal = 0
                 ORDER BY created_epoch DESC LIMIT 500",
            )?;
            let rows = stmt.query_map(params![customer_key(customer), before_epoch], |row| {
                let grievances: String = row.get(4)?;
                Ok(PastCase {
                    case_id: row.get(0)?,
                    time: row.get(1)?,
                    epoch: row.get(2)?,
                    level: row.get(3)?,
                    grievances: serde_json::from_str(&grievances).unwrap_or_default(),
                    crisis: row.get(5)?,
                })
            })?;
            rows.collect()
        };
        lookup().unwrap_or_default()
    }
}

/// The archive opened on the first history lookup, not before: a live
/// session's first prompt never waits for the database.
pub struct LazyHistory {
    path: PathBuf,
    archive: std::cell::OnceCell<Option<Archive>>,
}

impl LazyHistory {
    pub fn new(path: &Path) -> Self {
        LazyHistory {
            path: path.to_owned(),
            archive: std::cell::OnceCell::new(),
        }
    }
}

impl History for LazyHistory {
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        // An archive that cannot be opened means no history; storing the case
        // at the end reports the problem.
        let archive = self.archive.get_or_init(|| Archive::open(&self.path).ok());
        archive
            .as_ref()
            .map(|a| a.earlier_cases(customer, before_epoch))
            .unwrap_or_default()
    }
}

const CASE_COLUMNS: &str = "id, case_id, created_at, customer, contact, role, playbook_id || ' v' || playbook_version,
    level, authority, grievances, remedies, complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner,
    customer_loss, rehearsal";

fn case_row(row: &rusqlite::Row) -> rusqlite::Result<CaseRow> {
    let list = |text: String| serde_json::from_str::<Vec<String>>(&text).unwrap_or_default();
    Ok(CaseRow {
        number: row.get(0)?,
        case_id: row.get(1)?,
        created_at: row.get(2)?,
        customer: row.get(3)?,
        contact: row.get(4)?,
        role: row.get(5)?,
        playbook: row.get(6)?,
        level: row.get(7)?,
        authority: row.get(8)?,
        grievances: list(row.get(9)?),
        remedies: list(row.get(10)?),
        complaint_kind: row.get(11)?,
        crisis: row.get(12)?,
        at_stake: row.get(13)?,
        remedy_sought: row.get(14)?,
        impact: row.get(15)?,
        our_owner: row.get(16)?,
        customer_loss: row.get(17)?,
        rehearsal: row.get(18)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_version_database_is_opened_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            // A database exactly as the first version left it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch("INSERT INTO cases VALUES (1, 'c1', '2026-01-01T00:00:00Z', 1767225600, 'Acme', 'acme', '', '', 'general', '1', 'fire', 3, 'decision_maker', '[]', '[]', 'old_bug', 'boss', 'trust', '', '', '', '', 0, '# plan', '{}', '');").unwrap();
        }
        let archive = Archive::open(&path).unwrap();
        assert_eq!(archive.version().unwrap(), MIGRATIONS.len());
        assert_eq!(archive.count().unwrap(), 1);
        assert_eq!(archive.find("1").unwrap().unwrap().0.customer, "Acme");
    }

    #[test]
    fn a_newer_database_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Archive::open(&path).err().expect("refused");
        assert!(
            err.to_string().contains("newer than this defuse knows"),
            "{err}"
        );
    }

    #[test]
    fn customers_match_regardless_of_case_and_spacing() {
        assert_eq!(
            customer_key("  Acme   Trading "),
            customer_key("acme trading")
        );
    }
}
