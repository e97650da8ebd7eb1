//! The archive's schema: versioned migrations (`PRAGMA user_version`), each
//! applied once, in order, in one transaction.

use std::path::Path;

use rusqlite::Connection;

use super::{Sqlite, store::write_transaction};
use crate::archive::archive_error;
use crate::archive::commitments::{Commitment, Kind};
use crate::error::Error;
use crate::triage::Fingerprint;

/// One step: SQL, then (if any) Rust that fills what SQL cannot compute.
pub(super) struct Migration {
    pub sql: &'static str,
    pub fill: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

/// The schema each migration brings the database to, in order. Never edit a
/// released step; add a new one (and a test that opens the previous version).
pub(super) const MIGRATIONS: &[Migration] = &[
    // 1: cases and their follow-ups.
    Migration {
        sql: "CREATE TABLE cases (
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
        fill: None,
    },
    // 2: one case per call, and void instead of delete. `fingerprint` names
    // the call (see `Fingerprint`); earlier cases get theirs from what they
    // stored, so duplicates stored before are found. A void case keeps its
    // row: `void_at` (RFC 3339), `void_by` (the OS user) and `void_reason`.
    Migration {
        sql: "ALTER TABLE cases ADD COLUMN fingerprint TEXT;
    ALTER TABLE cases ADD COLUMN void_at TEXT;
    ALTER TABLE cases ADD COLUMN void_by TEXT;
    ALTER TABLE cases ADD COLUMN void_reason TEXT;
    CREATE INDEX cases_by_fingerprint ON cases(fingerprint);
    CREATE INDEX cases_by_case_id ON cases(case_id);",
        fill: Some(fill_fingerprints),
    },
    // 3: every commitment tracked. The remedies a call chose and its
    // follow-ups are both commitments (`kind`), with a role (`owner`, as the
    // plan shows it), a person when the plan names one (`owner_name`), a
    // due time, and who marked it done when. Follow-ups move over keeping
    // their numbers (`followups done N` stays valid); remedies of earlier
    // cases are read from their stored plans. The partial indexes make open
    // commitments by due time, by person and by role index lookups.
    Migration {
        sql: "CREATE TABLE commitments (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('remedy', 'followup')),
        item_id TEXT NOT NULL,
        action TEXT NOT NULL,
        owner TEXT NOT NULL,
        owner_name TEXT,
        due TEXT NOT NULL,
        due_epoch INTEGER NOT NULL,
        done_at TEXT,
        done_by TEXT
    );
    INSERT INTO commitments (id, case_row, kind, item_id, action, owner, due, due_epoch, done_at)
        SELECT id, case_row, 'followup', followup_id, action, owner, due, due_epoch, done_at
        FROM followups;
    DROP TABLE followups;
    CREATE INDEX commitments_by_case ON commitments(case_row);
    CREATE INDEX commitments_open_by_due ON commitments(due_epoch) WHERE done_at IS NULL;
    CREATE INDEX commitments_open_by_name
        ON commitments(owner_name COLLATE NOCASE, due_epoch) WHERE done_at IS NULL;
    CREATE INDEX commitments_open_by_role
        ON commitments(owner COLLATE NOCASE, due_epoch) WHERE done_at IS NULL;",
        fill: Some(fill_commitments),
    },
    // 4: who stored each case (the rep's configured name, else the OS
    // user), for a team's shared archive. Earlier cases: unknown (NULL).
    Migration {
        sql: "ALTER TABLE cases ADD COLUMN stored_by TEXT;",
        fill: None,
    },
    // 5: the database role that stored each case, which row-level security
    // on a server checks ("a rep marks done the commitments of the cases it
    // stored"). A file has no roles: always NULL here.
    Migration {
        sql: "ALTER TABLE cases ADD COLUMN stored_role TEXT;",
        fill: None,
    },
    // 6: the playbook's own fields of each case (`fields:`), one JSON
    // object; "" for cases whose playbook has none, as every earlier one.
    Migration {
        sql: "ALTER TABLE cases ADD COLUMN case_fields TEXT NOT NULL DEFAULT '';",
        fill: None,
    },
    // 7: a server's trigram index for `cases list --customer` (a substring
    // LIKE). SQLite has no such index and scans its file fast enough; the
    // step exists so a version means the same on both backends.
    Migration {
        sql: "",
        fill: None,
    },
    // 8: the language each case's plan is in, so a listing in another
    // language finds the cases to re-word without parsing their plans
    // (12 KB of JSON each). Earlier cases: NULL, read from the plan. The
    // index holds it apart from the row (see `calls_not_in`); building it
    // reads only each row's header, as every value is NULL then.
    Migration {
        sql: "ALTER TABLE cases ADD COLUMN plan_lang TEXT;
    CREATE INDEX cases_by_lang ON cases(id, plan_lang);",
        fill: None,
    },
];

/// Adds the remedies of every case stored before version 3, read from its
/// stored plan, and the people behind the follow-ups the plan names. A plan
/// that cannot be read adds nothing: its follow-ups are already there.
fn fill_commitments(conn: &Connection) -> rusqlite::Result<()> {
    let mut read = conn.prepare("SELECT id, plan_json FROM cases ORDER BY id")?;
    let mut name = conn.prepare(
        "UPDATE commitments SET owner_name = ?3
         WHERE case_row = ?1 AND kind = 'followup' AND item_id = ?2",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let case_row: i64 = row.get("id")?;
        let plan: String = row.get("plan_json")?;
        for c in Commitment::of_plan(&plan) {
            match c.kind {
                Kind::Remedy => c.insert(conn, case_row)?,
                Kind::Followup => {
                    if let Some(person) = &c.owner_name {
                        name.execute(rusqlite::params![case_row, c.item_id, person])?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Fingerprints every case stored before version 2, from its own answers,
/// playbook and call time: the same function a new case gets its from.
fn fill_fingerprints(conn: &Connection) -> rusqlite::Result<()> {
    let mut read = conn.prepare(
        "SELECT id, answers_yaml, playbook_id, playbook_version, created_epoch FROM cases
         WHERE fingerprint IS NULL",
    )?;
    let mut write = conn.prepare("UPDATE cases SET fingerprint = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let call = Fingerprint::of(
            &row.get::<_, String>("answers_yaml")?,
            &row.get::<_, String>("playbook_id")?,
            &row.get::<_, String>("playbook_version")?,
            row.get("created_epoch")?,
        );
        write.execute(rusqlite::params![row.get::<_, i64>("id")?, call.as_str()])?;
    }
    Ok(())
}

/// The schema version this defuse writes and reads.
pub(in crate::archive) const CURRENT: usize = MIGRATIONS.len();

pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(usize::try_from(v).unwrap_or(usize::MAX))
}

/// A database from a later defuse is never touched: its meaning is unknown.
pub(super) fn refuse_newer(path: &Path, version: usize) -> Result<(), Error> {
    if version > CURRENT {
        return Err(archive_error(
            path,
            format!(
                "the database is at schema version {version}, newer than this defuse knows ({CURRENT}); upgrade defuse"
            ),
        ));
    }
    Ok(())
}

impl Sqlite {
    /// The schema version of this database.
    pub fn version(&self) -> Result<usize, Error> {
        self.version_raw().map_err(|e| self.fail(e))
    }

    pub(super) fn version_raw(&self) -> rusqlite::Result<usize> {
        user_version(&self.conn)
    }

    /// Brings the database to the latest schema in one transaction.
    pub(super) fn migrate(&mut self) -> Result<(), Error> {
        // Already current (the usual case): no write lock needed.
        if self.version()? == CURRENT {
            return Ok(());
        }
        let path = self.path.clone();
        // Taking the write lock first keeps two processes from migrating at
        // once; the second finds the work done.
        let outcome = write_transaction(&self.conn, &mut || {}, |tx| {
            let current = user_version(tx).map_err(|e| e.to_string())?;
            refuse_newer(&path, current).map_err(|e| e.to_string())?;
            for (step, migration) in MIGRATIONS.iter().enumerate().skip(current) {
                let failed = |e: rusqlite::Error| format!("migration {}: {e}", step + 1);
                tx.execute_batch(migration.sql).map_err(failed)?;
                if let Some(fill) = migration.fill {
                    fill(tx).map_err(failed)?;
                }
                tx.pragma_update(None, "user_version", (step + 1) as i64)
                    .map_err(|e| e.to_string())?;
            }
            Ok::<_, String>(())
        });
        match outcome {
            Ok(done) => done.map_err(|message| archive_error(&path, message)),
            Err(e) => Err(archive_error(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Access;

    #[test]
    fn a_first_version_database_is_opened_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            // A database exactly as the first version left it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch("INSERT INTO cases VALUES (1, 'c1', '2026-01-01T00:00:00Z', 1767225600, 'Acme', 'acme', '', '', 'general', '1', 'fire', 3, 'decision_maker', '[]', '[]', 'old_bug', 'boss', 'trust', '', '', '', '', 0, '# plan', '{}', '');").unwrap();
        }
        for access in [Access::Read, Access::Store] {
            let archive = Sqlite::open(&path, access).unwrap();
            assert_eq!(archive.version().unwrap(), CURRENT);
            assert_eq!(archive.count().unwrap(), 1);
            assert_eq!(archive.find("1").unwrap().unwrap().case.customer, "Acme");
        }
    }

    /// Every earlier version, built by its own migrations, opens as the
    /// current one for every kind of access.
    #[test]
    fn every_earlier_version_is_brought_to_the_current_one() {
        for version in 0..CURRENT {
            for access in [Access::Read, Access::Update, Access::Store] {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join(format!("v{version}.db"));
                {
                    let conn = Connection::open(&path).unwrap();
                    for migration in &MIGRATIONS[..version] {
                        conn.execute_batch(migration.sql).unwrap();
                        if let Some(fill) = migration.fill {
                            fill(&conn).unwrap();
                        }
                    }
                    conn.pragma_update(None, "user_version", version as i64)
                        .unwrap();
                }
                let archive = Sqlite::open(&path, access).unwrap();
                assert_eq!(archive.version().unwrap(), CURRENT, "from v{version}");
                assert_eq!(archive.duplicates().unwrap(), vec![]);
            }
        }
    }

    /// Version 1 stored a replay twice; version 2 fingerprints both from
    /// what they stored, so the duplicate is found (and the other call not).
    #[test]
    fn duplicates_stored_by_version_1_are_found_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let answers = "now: 2026-11-23T10:00:00+08:00\ncase: {customer: Acme}\n";
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            let mut insert = conn.prepare("INSERT INTO cases VALUES (?1, 'c1', '2026-11-23T10:00:00+08:00', 1795399200, 'Acme', 'acme', '', '', 'general', '1.0.0', 'fire', 3, 'decision_maker', '[]', '[]', 'old_bug', 'boss', 'trust', '', '', '', '', 0, '# plan', '{}', ?2)").unwrap();
            insert.execute(rusqlite::params![1, answers]).unwrap();
            // The same call, replayed from a file with a comment.
            insert
                .execute(rusqlite::params![2, format!("# again\n{answers}")])
                .unwrap();
            // Another call with the same (old-style) case id.
            insert
                .execute(rusqlite::params![3, answers.replace("Acme", "ACME Ltd")])
                .unwrap();
        }
        let archive = Sqlite::open(&path, Access::Store).unwrap();
        assert_eq!(archive.duplicates().unwrap(), vec![(2, 1)]);
        let stored: String = archive
            .conn
            .query_row("SELECT fingerprint FROM cases WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        let expected = Fingerprint::of(answers, "general", "1.0.0", 1_795_399_200);
        assert_eq!(
            stored,
            expected.as_str(),
            "the same fingerprint a new store gives"
        );
        let call = archive.find_call(&expected).unwrap();
        assert_eq!(call, Some(1), "a replay of it finds the first case");
    }

    /// A database at `version` (built by its own migrations) holding one
    /// case whose stored plan has two remedies and two follow-ups, the
    /// follow-ups stored as rows numbered 5 and 9, the second done.
    fn with_one_case(path: &Path, version: usize) {
        let conn = Connection::open(path).unwrap();
        for migration in &MIGRATIONS[..version] {
            conn.execute_batch(migration.sql).unwrap();
            if let Some(fill) = migration.fill {
                fill(&conn).unwrap();
            }
        }
        conn.pragma_update(None, "user_version", version as i64)
            .unwrap();
        let plan = r#"{"schema": "defuse.plan/v1",
            "remedies": [
              {"id": "call_back", "label": "Call back", "action": "Call back within 30 minutes", "owner": "Account rep", "due": "2026-11-23T10:30:00+08:00", "due_in": "30m"},
              {"id": "credit", "label": "Credit", "action": "Offer a credit", "owner": "Team lead", "owner_name": "Chen Mei", "due": "2026-11-24T10:00:00+08:00", "due_in": "1d"}],
            "followups": [
              {"id": "thank_you", "due": "2026-11-24T10:00:00+08:00", "after": "1d", "action": "Thank them", "owner": "Account rep", "why": ""},
              {"id": "review_30d", "due": "2026-12-23T10:00:00+08:00", "after": "30d", "action": "Review", "owner": "Account director", "owner_name": "Lin", "why": ""}]}"#;
        conn.execute(
            "INSERT INTO cases (id, case_id, created_at, created_epoch, customer, customer_key,
                contact, role, playbook_id, playbook_version, level, level_rank, authority,
                grievances, remedies, complaint_kind, crisis, at_stake, remedy_sought, impact,
                our_owner, customer_loss, plan_markdown, plan_json, answers_yaml)
             VALUES (1, 'c1', '2026-11-23T10:00:00+08:00', 1795399200, 'Acme', 'acme', '', '',
                'general', '1.0.0', 'fire', 3, 'decision_maker', '[]', '[\"call_back\",\"credit\"]',
                'old_bug', 'boss', 'trust', '', '', '', '', '# plan', ?1, '')",
            [plan],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO followups VALUES (5, 1, 'thank_you', '2026-11-24T10:00:00+08:00', 1795485600, 'Thank them', 'Account rep', NULL);
             INSERT INTO followups VALUES (9, 1, 'review_30d', '2026-12-23T10:00:00+08:00', 1797991200, 'Review', 'Account director', '2026-12-01T09:00:00+08:00');",
        )
        .unwrap();
    }

    /// Versions 1 and 2 kept follow-ups in their own table; version 3 moves
    /// them into `commitments` under the same numbers (done ones stay done)
    /// and adds each case's remedies from its stored plan, with the people
    /// the plan names.
    #[test]
    fn followups_keep_their_numbers_and_remedies_are_added_from_the_plan() {
        for version in 1..3 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("v{version}.db"));
            with_one_case(&path, version);
            let archive = Sqlite::open(&path, Access::Read).unwrap();
            assert_eq!(archive.version().unwrap(), CURRENT);
            let all = archive
                .commitments(&crate::archive::Commitments {
                    include_done: true,
                    ..Default::default()
                })
                .unwrap();
            let seen: Vec<_> = all
                .iter()
                .map(|c| {
                    (
                        c.number,
                        c.kind.as_str(),
                        c.item.as_str(),
                        c.owner_name.as_deref(),
                        c.done_at.is_some(),
                    )
                })
                .collect();
            assert_eq!(
                seen,
                vec![
                    (10, "remedy", "call_back", None, false),
                    (5, "followup", "thank_you", None, false),
                    (11, "remedy", "credit", Some("Chen Mei"), false),
                    (9, "followup", "review_30d", Some("Lin"), true),
                ],
                "from v{version}"
            );
            let mine = archive
                .commitments(&crate::archive::Commitments {
                    owner_name: Some("chen mei".into()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(mine.len(), 1, "from v{version}");
        }
    }

    /// Open commitments by due time, by person and by role are index
    /// lookups, not scans of every commitment ever made: the very queries
    /// `commitments --due`, `--mine` and `--owner` run.
    #[test]
    fn open_commitments_are_found_through_indexes() {
        use crate::archive::Commitments;
        let archive = Sqlite::empty(Path::new("plan.db")).unwrap();
        let by_due = Commitments {
            due_before: Some(5),
            ..Default::default()
        };
        let mine = Commitments {
            owner_name: Some("Chen Mei".into()),
            ..Default::default()
        };
        let mine_due = Commitments {
            due_before: Some(5),
            ..mine.clone()
        };
        let owner = Commitments {
            owner: Some("team lead".into()),
            ..Default::default()
        };
        for (filter, indexes) in [
            (by_due, &["commitments_open_by_due"][..]),
            (mine, &["commitments_open_by_name"]),
            (mine_due, &["commitments_open_by_name"]),
            (
                owner,
                &["commitments_open_by_role", "commitments_open_by_name"],
            ),
        ] {
            let (sql, args) = filter.query();
            let mut stmt = archive
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let detail = stmt
                .query_map(rusqlite::params_from_iter(args), |r| {
                    r.get::<_, String>("detail")
                })
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
                .join("\n");
            for index in indexes {
                assert!(detail.contains(index), "{filter:?}:\n{detail}");
            }
            assert!(
                !detail.contains("SCAN m") && !detail.contains("SCAN commitments"),
                "{filter:?}:\n{detail}"
            );
        }
    }

    #[test]
    fn an_unversioned_database_is_upgraded_even_by_a_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        std::fs::write(&path, b"").unwrap();
        let archive = Sqlite::open(&path, Access::Read).unwrap();
        assert_eq!(archive.version().unwrap(), CURRENT);
        assert_eq!(archive.count().unwrap(), 0);
    }

    #[test]
    fn a_newer_database_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        for access in [Access::Read, Access::Update, Access::Store] {
            let err = Sqlite::open(&path, access).err().expect("refused");
            assert!(
                err.to_string().contains("newer than this defuse knows"),
                "{err}"
            );
        }
        let version: i64 = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 99);
    }
}
