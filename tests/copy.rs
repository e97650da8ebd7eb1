//! `defuse archive copy`: a rep's archive moved into the team's (or back)
//! once, reconciled on a re-run, in pages that a kill or a clash leaves
//! resumable, and safe beside other copies; on both backends where the
//! target's behaviour is the archive's.

use std::ffi::OsStr;

use crate::archive::{defuse, store};
use crate::backends::Db;
use crate::common::example;
use crate::test::Test;

/// Li's three calls, a day apart.
const LIS_CALLS: [(&str, &str); 3] = [
    ("general-fire", "2026-11-01T10:00:00+08:00"),
    ("general-venting", "2026-11-02T10:00:00+08:00"),
    ("general-leverage", "2026-11-03T10:00:00+08:00"),
];

/// A rep's own archive, `li`'s, holding `calls` (example, call time).
fn lis_archive(calls: &[(&str, &str)]) -> Db {
    let local = Db::sqlite();
    for (name, now) in calls {
        as_li(&local)
            .args(["triage", "--out", "-", "--now", now, "--answers"])
            .arg(example(name))
            .run()
            .success();
    }
    local
}

fn as_li(local: &Db) -> Test {
    Test::new().env("DEFUSE_DB", local.url()).env("USER", "li")
}

/// An archive of `count` cases: a fire call, grown by SQL (see [`grow`]).
fn archive_of(count: i64) -> Db {
    let local = Db::sqlite();
    Test::new()
        .env("DEFUSE_DB", local.url())
        .args(["triage", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .success();
    grow(&local, count);
    local
}

/// `defuse archive copy --from FROM --to TO`, in process.
fn copy_archive(from: &(impl AsRef<OsStr> + ?Sized), to: &(impl AsRef<OsStr> + ?Sized)) -> Test {
    Test::new()
        .args(["archive", "copy", "--from"])
        .arg(from)
        .arg("--to")
        .arg(to)
}

crate::each_backend! {
    /// Moving in: a rep's file copied into the team archive (a server, or
    /// another file) keeps every case id, void state and done commitment;
    /// numbers are the target's next ones; a second run copies nothing.
    fn a_reps_archive_moves_in_once_with_its_void_cases_and_done_commitments(db) {
        let local = lis_archive(&LIS_CALLS);
        let as_li = || as_li(&local);
        as_li().args(["cases", "void", "2", "--reason", "test call"]).run().success();
        as_li().args(["commitments", "done", "1"]).run().success();
        // The team archive has a case of its own already: #1 there.
        defuse(db)
            .env("USER", "bob")
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-public"))
            .run()
            .success();
        let export = |archive: &std::ffi::OsStr| -> Vec<serde_json::Value> {
            let out = Test::new()
                .env("DEFUSE_DB", archive)
                .args(["cases", "list", "--include-void", "--format", "json"])
                .run()
                .success()
                .stdout;
            serde_json::from_str::<serde_json::Value>(&out).unwrap().as_array().unwrap().clone()
        };
        let commitments = |archive: &std::ffi::OsStr| -> Vec<serde_json::Value> {
            let out = Test::new()
                .env("DEFUSE_DB", archive)
                .args(["commitments", "--all", "--format", "json"])
                .run()
                .success()
                .stdout;
            serde_json::from_str::<serde_json::Value>(&out).unwrap().as_array().unwrap().clone()
        };
        let copy = || copy_archive(local.url(), db.url()).run().success();
        let open_local = commitments(local.url()).len();
        let copied = copy().stdout;
        assert!(copied.starts_with("Copied 3 cases with "), "{copied}");
        assert!(copied.ends_with("; 0 already there.\n"), "{copied}");
        copy().stdout_contains("Copied 0 cases with 0 commitments from ").stdout_contains("; 3 already there.");
        let (mine, team) = (export(local.url()), export(db.url()));
        assert_eq!(team.len(), 4, "no duplicates: {team:?}");
        for case in &mine {
            let there = team
                .iter()
                .find(|t| t["case_id"] == case["case_id"])
                .unwrap_or_else(|| panic!("{} copied", case["case_id"]));
            for field in ["created_at", "customer", "level", "void_at", "void_by", "void_reason", "stored_by"] {
                assert_eq!(there[field], case[field], "{field}");
            }
            // Numbers continue after the team's own case.
            assert_eq!(there["number"], case["number"].as_i64().unwrap() + 1);
        }
        assert!(team.iter().any(|t| t["void_reason"] == "test call"));
        // Commitments: those of counting cases, the done one still done by li.
        let team_commitments = commitments(db.url());
        let copied_ones: Vec<_> = team_commitments.iter().filter(|c| c["case_number"] != 1).collect();
        assert_eq!(copied_ones.len(), open_local, "{team_commitments:?}");
        let done: Vec<_> = copied_ones.iter().filter(|c| !c["done_at"].is_null()).collect();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0]["done_by"], "li");
        let local_first = &commitments(local.url())[..];
        assert!(local_first.iter().any(|c| c["item"] == done[0]["item"] && !c["done_at"].is_null()));
        // And back: the team archive into a new file keeps the same cases.
        let back = tempfile::tempdir().unwrap();
        let back = back.path().join("back.db");
        copy_archive(db.url(), &back)
            .run()
            .success()
            .stderr_contains("Created the case archive")
            .stdout_contains("Copied 4 cases");
        let ids = |rows: Vec<serde_json::Value>| {
            let mut ids: Vec<String> = rows.iter().map(|r| r["case_id"].as_str().unwrap().to_owned()).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(export(back.as_os_str())), ids(team));
    }
}

crate::each_backend! {
    /// A call stored twice in the source, its duplicate voided there: that
    /// void is about the duplicate, so a copy never carries it onto the
    /// one case the target keeps for the call.
    fn a_voided_duplicate_never_voids_the_case_it_duplicates(db) {
        let local = Db::sqlite();
        Test::new().env("DEFUSE_DB", local.url())
            .args(["triage", "--out", "-", "--now", "2026-11-01T10:00:00+08:00", "--answers"])
            .arg(example("general-fire")).run().success();
        let copy = || copy_archive(local.url(), db.url()).run().success();
        copy().stdout_contains("Copied 1 case with ");
        // The same call stored again (as an archive from before one case
        // per call could hold it), then voided as a duplicate.
        let conn = rusqlite::Connection::open(local.url()).unwrap();
        conn.execute_batch(
            "CREATE TEMP TABLE one AS SELECT * FROM cases WHERE id = 1;
             UPDATE one SET id = 2, case_id = case_id || '-again';
             INSERT INTO cases SELECT * FROM one;",
        ).unwrap();
        drop(conn);
        Test::new().env("DEFUSE_DB", local.url()).args(["cases", "void", "--duplicates"]).run().success()
            .stderr_contains("#2");
        copy().stdout_contains("Copied 0 cases").stdout_lacks("updated");
        let out = Test::new().env("DEFUSE_DB", db.url())
            .args(["cases", "list", "--include-void", "--format", "json"]).run().success().stdout;
        let team: serde_json::Value = serde_json::from_str(&out).unwrap();
        let team = team.as_array().unwrap();
        assert_eq!(team.len(), 1, "{team:?}");
        assert_eq!(team[0]["void_at"], serde_json::Value::Null, "{team:?}");
    }
}

crate::each_backend! {
    /// Copied on Monday, worked on offline, copied again on Friday: the
    /// second run carries the voids and dones made since to the cases
    /// already there, and never undoes or overwrites the target's own.
    fn a_second_copy_carries_later_voids_and_dones_and_keeps_the_targets_own(db) {
        let local = lis_archive(&LIS_CALLS);
        let as_li = || as_li(&local);
        let copy = || copy_archive(local.url(), db.url()).run().success();
        copy().stdout_contains("Copied 3 cases with ");
        let commitments = |archive: &std::ffi::OsStr| -> Vec<serde_json::Value> {
            let out = Test::new().env("DEFUSE_DB", archive)
                .args(["commitments", "--all", "--format", "json"]).run().success().stdout;
            serde_json::from_str::<serde_json::Value>(&out).unwrap().as_array().unwrap().clone()
        };
        let cases = |archive: &std::ffi::OsStr| -> Vec<serde_json::Value> {
            let out = Test::new().env("DEFUSE_DB", archive)
                .args(["cases", "list", "--include-void", "--format", "json"]).run().success().stdout;
            serde_json::from_str::<serde_json::Value>(&out).unwrap().as_array().unwrap().clone()
        };
        let numbers = |rows: &[serde_json::Value], case: i64| -> Vec<i64> {
            let mut numbers: Vec<i64> = rows.iter().filter(|c| c["case_number"] == case)
                .map(|c| c["number"].as_i64().unwrap()).collect();
            numbers.sort();
            numbers
        };
        // The team, meanwhile: bob marks case #1's first commitment done and voids #3.
        let team = commitments(db.url());
        let bobs = numbers(&team, 1)[0];
        defuse(db).env("USER", "bob").args(["commitments", "done", &bobs.to_string()]).run().success();
        defuse(db).env("USER", "bob").args(["cases", "void", "3", "--reason", "bob's"]).run().success();
        // Li, offline: the same commitment done later, #1's second too, #2
        // voided, #3 voided with another reason.
        let mine = commitments(local.url());
        for number in &numbers(&mine, 1)[..2] {
            as_li().args(["commitments", "done", &number.to_string()]).run().success();
        }
        as_li().args(["cases", "void", "2", "--reason", "test call"]).run().success();
        as_li().args(["cases", "void", "3", "--reason", "li's"]).run().success();
        copy().stdout_contains("Copied 0 cases with 0 commitments from ")
            .stdout_contains("; 3 already there, 2 updated (1 void, 1 done).\n");
        copy().stdout_contains("; 3 already there.\n");
        let team = cases(db.url());
        assert_eq!(team.len(), 3, "no duplicates: {team:?}");
        let by_number = |n: i64| team.iter().find(|c| c["number"] == n).unwrap();
        assert_eq!(by_number(1)["void_at"], serde_json::Value::Null);
        assert_eq!(by_number(2)["void_reason"], "test call");
        assert_eq!(by_number(2)["void_by"], "li");
        assert_eq!(by_number(3)["void_reason"], "bob's", "the target's own void stays");
        let mut done: Vec<_> = commitments(db.url()).into_iter()
            .filter(|c| c["case_number"] == 1 && !c["done_at"].is_null())
            .map(|c| c["done_by"].as_str().unwrap().to_owned())
            .collect();
        done.sort();
        assert_eq!(done, ["bob", "li"], "bob's done stays bob's; li's second is carried");
    }
}

/// On a team archive a re-run carries only what the copying role may
/// change: a rep may not void, nor mark done the commitments of cases
/// another role stored. Each refusal is told, the rest of the copy goes
/// on, and a lead's run carries them.
#[test]
fn a_reps_second_copy_tells_what_its_role_may_not_carry() {
    let Some(db) = Db::postgres() else {
        return;
    };
    let url = db.url().to_str().unwrap().to_owned();
    let (rep_role, lead_role) = db.team_roles();
    let alice = db.login("alice", "alice-pw", &rep_role);
    let lena = db.login("lena", "lena-pw", &lead_role);
    let local = lis_archive(&LIS_CALLS[..2]);
    let as_li = || as_li(&local);
    let copy = |as_user: &str, password: &str| {
        let to = if as_user.is_empty() {
            url.clone()
        } else {
            db.as_user(as_user)
        };
        Test::new()
            .env("PGPASSWORD", password)
            .args(["archive", "copy", "--from"])
            .arg(local.url())
            .args(["--to", &to])
            .run()
            .success()
    };
    // The owner moved li's archive in (so the cases are not alice's).
    copy("", "").stdout_contains("Copied 2 cases");
    as_li()
        .args(["cases", "void", "2", "--reason", "test call"])
        .run()
        .success();
    as_li().args(["commitments", "done", "1"]).run().success();
    copy(&alice, "alice-pw")
        .stdout_contains("; 2 already there.\n")
        .stderr_contains("1 void was not carried: your role on ")
        .stderr_contains("1 done mark was not carried: ");
    copy(&lena, "lena-pw")
        .stdout_contains("; 2 already there, 2 updated (1 void, 1 done).\n")
        .stderr_lacks("not carried");
    // A case voided before it was ever copied: a rep's copy brings the
    // case but not its void (the rep's insert policy admits no void case);
    // a lead's carries it.
    as_li()
        .args([
            "triage",
            "--out",
            "-",
            "--now",
            "2026-11-03T10:00:00+08:00",
            "--answers",
        ])
        .arg(example("general-public"))
        .run()
        .success();
    as_li()
        .args(["cases", "void", "3", "--reason", "test call"])
        .run()
        .success();
    copy(&alice, "alice-pw")
        .stdout_contains("Copied 1 case")
        .stderr_contains("1 void was not carried: your role on ")
        .stderr_lacks("  ");
    let void_cases = |db: &Db| {
        db.admin()
            .query_one("SELECT count(*) FROM cases WHERE void_at IS NOT NULL", &[])
            .unwrap()
            .get::<_, i64>(0)
    };
    assert_eq!(void_cases(&db), 1, "only the lead's carried void");
    let forged = db.admin().batch_execute(&format!(
        "SET ROLE {alice}; INSERT INTO cases (case_id, created_at, created_epoch, customer, customer_key,
            contact, role, playbook_id, playbook_version, level, level_rank, authority, grievances,
            remedies, complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner, customer_loss,
            rehearsal, plan_markdown, plan_json, answers_yaml, void_at)
         SELECT 'forged', created_at, created_epoch, customer, customer_key, contact, role, playbook_id,
            playbook_version, level, level_rank, authority, grievances, remedies, complaint_kind,
            crisis, at_stake, remedy_sought, impact, our_owner, customer_loss, rehearsal,
            plan_markdown, plan_json, answers_yaml, 'now' FROM cases WHERE id = 1"
    ));
    assert!(forged.is_err(), "a rep inserted a void case");
    copy(&lena, "lena-pw")
        .stdout_contains("1 updated (1 void)")
        .stderr_lacks("not carried");
    assert_eq!(void_cases(&db), 2);
}

/// `count` cases in the SQLite archive `db` (which holds case #1), made by
/// SQL from #1 with their own case ids and calls: a source large enough to
/// copy in several pages.
fn grow(db: &Db, count: i64) {
    let mut conn = rusqlite::Connection::open(db.url()).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch("CREATE TEMP TABLE one AS SELECT * FROM cases WHERE id = 1")
        .unwrap();
    for number in 2..=count {
        tx.execute(
            "UPDATE one SET id = ?1, case_id = (SELECT case_id FROM cases WHERE id = 1) || '-' || ?1,
             fingerprint = (SELECT fingerprint FROM cases WHERE id = 1) || ?1",
            [number],
        )
        .unwrap();
        tx.execute_batch("INSERT INTO cases SELECT * FROM one")
            .unwrap();
        tx.execute(
            "INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
             SELECT ?1, kind, item_id, action, owner, owner_name, due, due_epoch FROM commitments WHERE case_row = 1",
            [number],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

crate::each_backend! {
    /// A copy that stops midway (here: a case id taken in the target by
    /// another call, found in the third page) keeps the pages it wrote; run
    /// again once that is resolved, it copies the rest and doubles nothing.
    fn an_interrupted_copy_resumes_where_it_stopped(db) {
        let local = archive_of(700);
        store(db, "general-public", None, false);
        let taken = defuse(db).args(["cases", "list", "--format", "tsv"]).run().success().stdout;
        let taken = taken.lines().nth(1).unwrap().split('\t').nth(1).unwrap().to_owned();
        local.execute(&format!("UPDATE cases SET case_id = '{taken}' WHERE id = 600"));
        let copy = || copy_archive(local.url(), db.url()).run();
        copy()
            .status(3)
            .stderr_contains("case #600 (")
            .stderr_contains("the cases before it were copied");
        let count = || defuse(db).args(["cases", "list", "--limit", "10000", "--format", "json"]).run().success().stdout
            .matches("\"case_id\"").count();
        assert_eq!(count(), 1 + 599, "every page before the clash, and the clash's page up to it");
        local.execute("UPDATE cases SET case_id = case_id || '-moved' WHERE id = 600");
        copy().success().stdout_contains("Copied 101 cases with ").stdout_contains("; 599 already there.");
        assert_eq!(count(), 1 + 700);
        copy().success().stdout_contains("Copied 0 cases").stdout_contains("; 700 already there.");
    }
}

/// A copy killed midway (SIGKILL: no clean-up at all) and run again ends
/// with every case once.
#[test]
fn a_killed_copy_run_again_doubles_nothing() {
    use std::io::{BufRead, BufReader};
    let local = archive_of(3000);
    let team = Db::sqlite();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_defuse"))
        .args(["archive", "copy", "--from"])
        .arg(local.url())
        .arg("--to")
        .arg(team.url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Killed once it has said how far it got (it may finish first on a
    // fast machine: the re-run must then find everything there).
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let again = copy_archive(local.url(), team.url()).run().success().stdout;
    let conn = rusqlite::Connection::open(team.url()).unwrap();
    let (cases, ids): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT case_id) FROM cases",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((cases, ids), (3000, 3000), "{first}{again}");
    let commitments: i64 = conn
        .query_row("SELECT count(*) FROM commitments", [], |r| r.get(0))
        .unwrap();
    let per_case: i64 = rusqlite::Connection::open(local.url())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM commitments WHERE case_row = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(commitments, 3000 * per_case);
}

/// Two reps copy archives that hold the same calls, numbered in opposite
/// orders, into the team's at once: both copies finish (they wait for each
/// other, never deadlock) and every call is there once.
#[test]
fn copies_of_shared_calls_in_opposite_orders_at_once_both_finish() {
    let Some(team) = Db::postgres() else {
        return;
    };
    let forward = archive_of(600);
    let backward = Db::sqlite();
    std::fs::copy(forward.url(), backward.url()).unwrap();
    backward.execute(
        "PRAGMA foreign_keys = OFF;
         UPDATE cases SET id = 100000 - id;
         UPDATE commitments SET case_row = 100000 - case_row;",
    );
    let running: Vec<_> = [&forward, &backward]
        .iter()
        .map(|source| {
            std::process::Command::new(env!("CARGO_BIN_EXE_defuse"))
                .args(["archive", "copy", "--from"])
                .arg(source.url())
                .arg("--to")
                .arg(team.url())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let copies: Vec<_> = running
        .into_iter()
        .map(|copy| copy.wait_with_output().unwrap())
        .collect();
    for copy in &copies {
        assert!(
            copy.status.success(),
            "{}",
            String::from_utf8_lossy(&copy.stderr)
        );
    }
    let (cases, calls): (i64, i64) = team
        .admin()
        .query_one(
            "SELECT count(*), count(DISTINCT fingerprint) FROM cases",
            &[],
        )
        .map(|row| (row.get(0), row.get(1)))
        .unwrap();
    assert_eq!((cases, calls), (600, 600));
}

/// Copying needs an archive to copy from, and two different ones.
#[test]
fn archive_copy_refuses_a_missing_source_and_itself() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    copy_archive(&missing, "team.db")
        .run()
        .status(2)
        .stderr_contains("--from: no archive at ");
    let db = dir.path().join("cases.db");
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .success();
    copy_archive(&db, &db)
        .run()
        .status(2)
        .stderr_contains("the same archive");
}
