//! One case per call, and void instead of delete (#13 items 1 and 2): a
//! replay of a stored call stores nothing, `--no-store` never opens the
//! archive, and a void case is kept but counts nowhere.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use defuse::archive::{Access, Archive, NewCase, Stored};
use defuse::plan;
use defuse::triage::Fingerprint;

use crate::common::example;
use crate::test::{Output, Test};

fn defuse(db: impl AsRef<OsStr>) -> Test {
    Test::new()
        .env("DEFUSE_DB", db.as_ref())
        .env("USER", "alice")
}

/// Replays `answers` into `db` (at `now`, if given).
fn replay(db: impl AsRef<OsStr>, answers: &Path, now: Option<&str>) -> Output {
    replay_with(db, answers, now, &[])
}

fn replay_with(
    db: impl AsRef<OsStr>,
    answers: &Path,
    now: Option<&str>,
    options: &[&str],
) -> Output {
    let mut test = defuse(db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(answers)
        .args(options);
    if let Some(now) = now {
        test = test.args(["--now", now]);
    }
    test.run().success()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The example's answers written another way: keys reordered, a comment,
/// quotes and a `now` in UTC. The same call.
fn reworded_fire(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example("general-fire")).unwrap();
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.strip_prefix("now: ") {
            Some(now) => {
                let utc = chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc();
                format!("now: {}", utc.format("%Y-%m-%dT%H:%M:%SZ"))
            }
            None => l.to_owned(),
        })
        .collect();
    lines.insert(0, "# replayed from the shared drive".into());
    let path = dir.join("fire-again.answers.yaml");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

crate::each_backend! {
    fn a_replay_of_a_stored_call_stores_no_second_case(db) {
        let tmp = tempfile::tempdir().unwrap();
        let first = replay(db, &example("general-fire"), None)
            .stderr_contains("Stored as case #1 in ")
            .stdout;
        let again = replay(db, &reworded_fire(tmp.path()), None).stderr(&format!(
            "Already stored as case #1 in {}; not stored again\n",
            std::path::Path::new(db.url()).display()
        ));
        // The same call: the same fingerprint ends the case id (whose time, like
        // the plan's, is now shown in UTC).
        let id_end = |plan: &str| {
            let id = plan.lines().nth(2).unwrap().split('|').nth(2).unwrap();
            id.trim().rsplit_once('-').unwrap().1.to_owned()
        };
        assert_eq!(id_end(&again.stdout), id_end(&first), "{}", again.stdout);
        assert_eq!(id_end(&first), "2cdd86e6");
        assert!(
            again
                .stdout
                .contains("| Time     | 2026-11-23 02:00 +00:00")
        );

        let cases = json(
            &defuse(db)
                .args(["cases", "list", "--format", "json"])
                .run()
                .success(),
        );
        assert_eq!(cases.as_array().unwrap().len(), 1, "{cases}");
        let followups = json(
            &defuse(db)
                .args(["followups", "--format", "json"])
                .run()
                .success(),
        );
        let kinds = |kind: &str| {
            followups
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["kind"] == kind)
                .count()
        };
        assert_eq!(kinds("remedy"), 6, "one case's remedies, once: {followups}");
        assert_eq!(kinds("followup"), 6, "one case's follow-ups, once");
        defuse(db)
            .args(["cases", "check"])
            .run()
            .stdout("ok: 1 case, schema version 8\n");

        // Another call time is another call.
        replay(
            db,
            &example("general-fire"),
            Some("2026-11-23T10:00:01+08:00"),
        )
        .stderr_contains("Stored as case #2 in ");
    }
}

crate::each_backend! {
    fn case_ids_keep_a_readable_prefix_and_differ_between_calls_in_the_same_minute(db) {
        let tmp = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(example("general-fire")).unwrap();
        let other = tmp.path().join("other-rep.answers.yaml");
        std::fs::write(&other, text.replace("Jane Li", "Wang Wei")).unwrap();
        replay(db, &example("general-fire"), None);
        replay(db, &other, None).stderr_contains("Stored as case #2");
        let cases = json(
            &defuse(db)
                .args(["cases", "list", "--format", "json"])
                .run()
                .success(),
        );
        let ids: Vec<&str> = cases
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["case_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1], "two calls, two ids");
        for id in &ids {
            let (prefix, tail) = id.rsplit_once('-').unwrap();
            assert_eq!(prefix, "20261123-1000-acme-trading", "{id}");
            assert!(
                tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_hexdigit()),
                "{id}"
            );
        }
        // Each is found by its own id.
        for id in ids {
            defuse(db)
                .args(["cases", "show", id])
                .run()
                .success()
                .stdout_contains(id);
        }
    }
}

crate::each_backend! {
    fn concurrent_replays_of_one_call_store_one_case(db) {
        let fire = example("general-fire");
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..3 {
                        let out = std::process::Command::new(env!("CARGO_BIN_EXE_defuse"))
                            .env("DEFUSE_DB", db.url())
                            .args(["triage", "--out", "-", "--answers"])
                            .arg(&fire)
                            .output()
                            .unwrap();
                        let stderr = String::from_utf8_lossy(&out.stderr);
                        assert!(
                            out.status.success() && stderr.contains("as case #1 in "),
                            "{stderr}"
                        );
                    }
                });
            }
        });
        defuse(db)
            .args(["cases", "check"])
            .run()
            .stdout("ok: 1 case, schema version 8\n");
    }
}

#[test]
fn no_store_writes_the_plan_and_never_opens_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    // A path no archive could be at, and one in a folder that does not exist.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    for db in [file.join("cases.db"), tmp.path().join("missing/cases.db")] {
        let out = defuse(&db)
            .args(["triage", "--no-store", "--out", "-", "--answers"])
            .arg(example("general-fire"))
            .run()
            .success()
            .stderr("");
        assert!(
            out.stdout.starts_with("# Action plan: Acme Trading"),
            "{out}"
        );
    }
    assert!(!tmp.path().join("missing").exists(), "nothing created");
    // No archive location at all (no $HOME, no $DEFUSE_DB) is fine too.
    Test::new()
        .env_remove("DEFUSE_DB")
        .args(["triage", "--no-store", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .success();
    Test::new()
        .args(["triage", "--no-store", "--rehearse", "--answers"])
        .arg(example("general-fire"))
        .run()
        .status(2)
        .stderr_contains("cannot be used with");
}

crate::each_backend! {
    fn a_void_case_is_kept_shown_as_void_and_counted_nowhere(db) {
        replay(db, &example("general-fire"), Some("2020-01-01T10:00:00Z"));
        replay(db, &example("general-leverage"), None);
        defuse(db)
            .args(["cases", "void", "1", "--reason", "wrong customer"])
            .run()
            .success()
            .stderr("Case #1 is now void\n");

        defuse(db)
            .args(["cases", "list"])
            .run()
            .success()
            .stdout_lacks("Acme Trading")
            .stdout_contains("Leading Industries");
        defuse(db)
            .args(["cases", "list", "--include-void"])
            .run()
            .success()
            .stdout_contains("Acme Trading (void)");
        defuse(db)
            .args(["cases", "show", "1"])
            .run()
            .success()
            .stdout_matches(r"^> \*\*Case \\#1 is void: voided by alice at 20\d\d-\d\d-\d\d \d\d:\d\d.*: wrong customer\*\*\n\n# Action plan: Acme Trading");
        defuse(db)
            .args(["cases", "show", "1", "--format", "json"])
            .run()
            .success()
            .stderr_contains("note: Case #1 is void: voided by alice")
            .stdout_contains("\"schema\": \"defuse.plan/v1\"");
        // The fire case's six follow-ups were all overdue; none is listed now.
        let followups = json(
            &defuse(db)
                .args(["followups", "--format", "json"])
                .run()
                .success(),
        );
        assert!(
            followups
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["case_number"] == 2),
            "{followups}"
        );
        let stats = json(
            &defuse(db)
                .args(["cases", "stats", "--format", "json"])
                .run()
                .success(),
        );
        assert_eq!(stats["cases"], 1);
        let stats = json(
            &defuse(db)
                .args(["cases", "stats", "--format", "json", "--include-void"])
                .run()
                .success(),
        );
        assert_eq!(stats["cases"], 2);
        let exported = json(&defuse(db).args(["cases", "export"]).run().success());
        assert_eq!(exported.as_array().unwrap().len(), 1);
        let exported = json(
            &defuse(db)
                .args(["cases", "export", "--include-void"])
                .run()
                .success(),
        );
        let void = &exported.as_array().unwrap()[1];
        assert_eq!(void["number"], 1);
        assert_eq!(void["void_by"], "alice");
        assert_eq!(void["void_reason"], "wrong customer");
        let csv = defuse(db)
            .args(["cases", "export", "--format", "csv", "--include-void"])
            .run()
            .success()
            .stdout;
        assert!(
            csv.lines()
                .next()
                .unwrap()
                .ends_with(",void_at,void_by,void_reason,stored_by,fields"),
            "{csv}"
        );
    }
}

crate::each_backend! {
    fn voiding_twice_an_unknown_case_or_without_a_reason_is_refused(db) {
        defuse(db)
            .args(["cases", "void", "1", "--reason", "test"])
            .run()
            .status(2)
            .stderr_contains("no case archive at");
        replay(db, &example("general-fire"), None);
        // Who: $USER, else $LOGNAME.
        Test::new()
            .env("DEFUSE_DB", db.url())
            .env("LOGNAME", "bob")
            .args(["cases", "void", "#1", "--reason", "a test call"])
            .run()
            .success();
        defuse(db)
            .args(["cases", "void", "1", "--reason", "again"])
            .run()
            .status(2)
            .stderr_matches(r"error: case #1 is already void \(voided by bob at .*: a test call\)\n$");
        defuse(db)
            .args(["cases", "void", "42", "--reason", "x"])
            .run()
            .status(2)
            .stderr_contains("error: no case `42` in ");
        defuse(db)
            .args([
                "cases",
                "void",
                "20261123-1000-nobody-00000000",
                "--reason",
                "x",
            ])
            .run()
            .status(2)
            .stderr_contains("no case `20261123-1000-nobody-00000000`");
        defuse(db)
            .args(["cases", "void", "1"])
            .run()
            .status(2)
            .stderr_contains("--reason");
        defuse(db)
            .args(["cases", "void", "1", "--reason", "  "])
            .run()
            .status(2)
            .stderr_contains("say why the case is void");
    }
}

/// Stores `case_number`'s row again, follow-ups and all, as an archive
/// from before schema version 2 could hold it: the duplicate the issue found.
fn store_old_duplicate(db: &Path, case_number: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO cases (case_id, created_at, created_epoch, customer, customer_key, contact, role,
             playbook_id, playbook_version, level, level_rank, authority, grievances, remedies,
             complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner, customer_loss,
             rehearsal, plan_markdown, plan_json, answers_yaml, fingerprint)
         SELECT case_id, created_at, created_epoch, customer, customer_key, contact, role,
             playbook_id, playbook_version, level, level_rank, authority, grievances, remedies,
             complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner, customer_loss,
             rehearsal, plan_markdown, plan_json, answers_yaml, fingerprint
         FROM cases WHERE id = {case_number};
         INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
         SELECT last_insert_rowid(), kind, item_id, action, owner, owner_name, due, due_epoch
         FROM commitments WHERE case_row = {case_number};"
    ))
    .unwrap();
}

#[test]
fn a_voided_duplicate_no_longer_raises_a_later_calls_level() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    let venting = example("general-venting");
    replay(&db, &venting, Some("2026-10-01T09:00:00+01:00"));
    store_old_duplicate(&db, 1);

    // Two "earlier cases" in 90 days: the duplicate raises the level. (The
    // later calls are rehearsals: judged with history, never counted in it.)
    let rehearse = ["--rehearse"];
    let at = |now| replay_with(&db, &venting, Some(now), &rehearse).stdout;
    let raised = at("2026-11-01T09:00:00+01:00");
    assert!(raised.contains("**Level: Serious**"), "{raised}");

    let check = defuse(&db).args(["cases", "check"]).run().status(1);
    assert!(
        check
            .stdout
            .starts_with("ok: 3 cases, schema version 8\n1 duplicate case"),
        "{check}"
    );
    let check = check
        .stdout_contains("#2 repeats #1: defuse --db ")
        .stdout_contains(" cases void 2 --reason \"duplicate of #1\"")
        .stdout_contains("cases void --duplicates");
    assert!(
        check.stderr.contains("error: 1 duplicate case in "),
        "{check}"
    );

    defuse(&db)
        .args(["cases", "void", "--duplicates"])
        .run()
        .success()
        .stderr("Case #2 is now void (duplicate of #1)\n");
    defuse(&db).args(["cases", "check"]).run().success();
    let shown = defuse(&db)
        .args(["cases", "show", "2"])
        .run()
        .success()
        .stdout;
    assert!(shown.contains(": duplicate of \\#1**"), "{shown}");

    let later = at("2026-11-02T09:00:00+01:00");
    assert!(
        later.contains("**Level: Concern**"),
        "void cases leave history:\n{later}"
    );
    defuse(&db)
        .args(["cases", "void", "--duplicates"])
        .run()
        .success()
        .stderr_contains("No duplicate cases in ");
}

crate::each_backend! {
    fn a_case_id_used_by_another_call_is_refused_not_shared(db) {
        let pb = crate::common::playbook("general");
        let answers = "case: {customer: Acme}\nassess: {our_failure: \"no\", role: staff, stakes: [nothing], pressure: \"no\", public: \"no\", audience: \"no\", history: first}\ngrievance: {picked: [venting]}\n";
        let outcome = crate::common::triage(&pb, answers);
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00").unwrap();
        let markdown = "# plan";
        let mut archive = Archive::open(&db.location(), Access::Store).unwrap();
        let mut store = |plan: &plan::Plan, call: &Fingerprint| {
            let case = NewCase {
                plan,
                level_rank: outcome.assessment.level,
                plan_markdown: markdown,
                answers_yaml: answers,
                call,
                rehearsal: false,
                stored_by: "writer",
            };
            archive.store(&case, &mut || {})
        };
        let first = Fingerprint::of(answers, "general", &pb.version, now.timestamp());
        let plan = plan::compose(&pb, &outcome, now, &first);
        assert_eq!(store(&plan, &first).unwrap(), Stored::New(1));
        assert_eq!(store(&plan, &first).unwrap(), Stored::Already(1));
        // Another call whose id would be the same (a 1 in 4 billion clash).
        let second = Fingerprint::of(answers, "general", &pb.version, now.timestamp() + 1);
        let err = store(&plan, &second).unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "case id {} is already used by case #1, a different call",
                plan.case.id
            )),
            "{err}"
        );
        assert_eq!(err.code(), 3);
        drop(archive);
        assert_eq!(
            Archive::open(&db.location(), Access::Read)
                .unwrap()
                .count()
                .unwrap(),
            1
        );
    }
}

#[test]
#[allow(clippy::print_stderr)] // the skip notice is for whoever reads the test log
fn a_read_only_archive_refuses_void() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    std::fs::create_dir(&dir).unwrap();
    replay(dir.join("cases.db"), &example("general-fire"), None);
    let Some(ro) = crate::archive_faults::ReadOnlyMount::of(&dir) else {
        eprintln!("skipped: cannot mount read-only here (needs root)");
        return;
    };
    let db = ro.0.join("cases.db");
    defuse(&db)
        .args(["cases", "void", "1", "--reason", "test"])
        .run()
        .status(3)
        .stderr_contains("writing needs the file and its folder writable");
    defuse(&db)
        .args(["cases", "list"])
        .run()
        .success()
        .stdout_contains("Acme Trading")
        .stdout_lacks("(void)");
}

/// A live session with `--no-store`: the plan and its answers are written,
/// the draft is removed, and the archive is never created.
#[test]
fn a_live_session_with_no_store_writes_the_plan_and_keeps_no_case() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = crate::pty::Rep::spawn(crate::pty::command(
        tmp.path(),
        &["triage", "--now", crate::pty::NOW, "--no-store"],
    ));
    crate::pty::full_triage(&mut rep);
    rep.see("Not stored (--no-store)");
    rep.rest();
    assert!(!tmp.path().join("cases.db").exists(), "no archive created");
    let plans: Vec<_> = std::fs::read_dir(tmp.path().join("plans"))
        .unwrap()
        .collect();
    assert_eq!(plans.len(), 2, "the plan and its answers");
    let drafts = std::fs::read_dir(tmp.path().join("drafts")).map_or(0, |d| d.count());
    assert_eq!(drafts, 0, "no draft left behind");
}

/// A replay of a stored call is found read-only: it neither takes the
/// write lock nor waits for one (before, it queued behind any writer and
/// checked the whole file for damage first, seconds on a big archive).
#[test]
fn a_replay_of_a_stored_call_does_not_wait_for_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let fire = example("general-fire");
    replay(&db, &fire, None);
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE; UPDATE cases SET contact = contact;")
        .unwrap();
    replay(&db, &fire, None)
        .stderr_contains("Already stored as case #1")
        .stderr_lacks("Waiting for the case archive");
    lock.execute_batch("COMMIT").unwrap();
}
