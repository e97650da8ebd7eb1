//! A server archive at every earlier schema version (none, 1, 2, 3, …),
//! built by that version's own migrations and holding a case, opens as the
//! current version with the case, its follow-ups and commitments intact,
//! and takes new cases: as `src/archive/sqlite/schema.rs` tests the file.

use defuse::archive::{SCHEMA_VERSION, server_schema_at};

use crate::backends::Db;
use crate::common::example;
use crate::test::Test;

/// One case as version 1 stored it (every later column is added by a
/// migration), with two follow-ups while they had their own table (v1, v2).
fn with_one_case(db: &Db, version: usize) {
    db.execute(
        "INSERT INTO cases (id, case_id, created_at, created_epoch, customer, customer_key,
            contact, role, playbook_id, playbook_version, level, level_rank, authority,
            grievances, remedies, complaint_kind, crisis, at_stake, remedy_sought, impact,
            our_owner, customer_loss, plan_markdown, plan_json, answers_yaml)
         VALUES (1, '20261123-1000-acme', '2026-11-23T10:00:00+08:00', 1795399200, 'Acme', 'acme',
            '', '', 'general', '1.0.0', 'fire', 3, 'decision_maker', '[]', '[]', 'old_bug', 'boss',
            'trust', '', '', '', '', '# plan', '{}',
            'now: 2026-11-23T10:00:00+08:00\ncase: {customer: Acme}\n');
         SELECT setval(pg_get_serial_sequence('cases', 'id'), 2, false);",
    );
    let table = if version < 3 {
        "followups"
    } else {
        "commitments"
    };
    let (columns, values) = if version < 3 {
        ("followup_id", "")
    } else {
        ("kind, item_id", "'followup', ")
    };
    db.execute(&format!(
        "INSERT INTO {table} (case_row, {columns}, due, due_epoch, action, owner, done_at) VALUES
            (1, {values}'thank_you', '2026-11-24T10:00:00+08:00', 1795485600, 'Thank them', 'Account rep', NULL),
            (1, {values}'review_30d', '2026-12-23T10:00:00+08:00', 1797991200, 'Review', 'Account director',
             '2026-12-01T09:00:00+08:00')"
    ));
}

fn json(test: Test) -> serde_json::Value {
    let out = test.run().success();
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn every_earlier_server_version_is_brought_to_the_current_one() {
    for version in 0..SCHEMA_VERSION {
        let Some(db) = Db::postgres() else {
            return;
        };
        server_schema_at(&db.location(), version).unwrap();
        let cases = if version == 0 {
            // No archive yet: reads say so, `archive init` creates it.
            Test::new()
                .args(["--db"])
                .arg(db.url())
                .args(["cases", "list"])
                .run()
                .status(2)
                .stderr_contains("no case archive");
            Test::new()
                .args(["archive", "init"])
                .arg(db.url())
                .run()
                .success();
            0
        } else {
            with_one_case(&db, version);
            // A read upgrades it (the test role owns the database).
            Test::new()
                .args(["--db"])
                .arg(db.url())
                .args(["cases", "check"])
                .run()
                .success()
                .stdout_contains(&format!("ok: 1 case, schema version {SCHEMA_VERSION}"));
            let listed = json(
                Test::new()
                    .args(["--db"])
                    .arg(db.url())
                    .args(["cases", "list", "--format", "json"]),
            );
            assert_eq!(listed[0]["customer"], "Acme", "from v{version}");
            let all = json(Test::new().args(["--db"]).arg(db.url()).args([
                "commitments",
                "--all",
                "--format",
                "json",
            ]));
            let done: Vec<_> = all
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["item"].as_str().unwrap(), c["done_at"].is_string()))
                .collect();
            assert_eq!(
                done,
                vec![("thank_you", false), ("review_30d", true)],
                "from v{version}"
            );
            1
        };
        // And it takes a new case, numbered after the old one.
        Test::new()
            .args(["--db"])
            .arg(db.url())
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-fire"))
            .run()
            .success()
            .stderr_contains(&format!("Stored as case #{}", cases + 1));
        let version_now: i32 = db
            .admin()
            .query_one("SELECT max(version) FROM defuse_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(version_now as usize, SCHEMA_VERSION, "from v{version}");
        // Step 7: `--customer` has its trigram index (the test role may
        // create pg_trgm) and finds the old case and the new one.
        let indexed: bool = db
            .admin()
            .query_one(
                "SELECT to_regclass('cases_by_customer_trigrams') IS NOT NULL",
                &[],
            )
            .unwrap()
            .get(0);
        assert!(indexed, "from v{version}");
        let listed = json(Test::new().args(["--db"]).arg(db.url()).args([
            "cases",
            "list",
            "--customer",
            "ACME",
            "--format",
            "json",
        ]));
        assert_eq!(
            listed.as_array().unwrap().len(),
            cases + 1,
            "from v{version}"
        );
    }
}
