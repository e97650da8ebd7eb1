//! The case archive when something is wrong with it: locked by another
//! program, damaged, read-only, missing or mistyped, or holding text a
//! spreadsheet would run. In-process (`Test`), except a store waiting on
//! another process's lock.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::test::{Output, Test};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fire() -> PathBuf {
    Path::new(ROOT).join("examples/general-fire.answers.yaml")
}

fn defuse(db: &Path) -> Test {
    Test::new().env("DEFUSE_DB", db)
}

fn store(db: &Path, answers: &Path) -> Output {
    defuse(db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(answers)
        .run()
}

/// A read-only bind mount of `dir` at `dir/../ro`, unmounted on drop; `None`
/// where mounting is not allowed (then the test says it is skipped).
pub(crate) struct ReadOnlyMount(pub(crate) PathBuf);

impl ReadOnlyMount {
    pub(crate) fn of(dir: &Path) -> Option<ReadOnlyMount> {
        let at = dir.parent()?.join("ro");
        std::fs::create_dir(&at).ok()?;
        let run = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let (from, to) = (dir.to_str()?, at.to_str()?.to_owned());
        if !run(&["--bind", from, &to]) {
            return None;
        }
        let mount = ReadOnlyMount(at);
        run(&["-o", "remount,ro,bind", &to]).then_some(mount)
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[allow(clippy::print_stderr)] // the skip notice is for whoever reads the test log
fn a_read_only_archive_can_be_read_but_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    std::fs::create_dir(&dir).unwrap();
    store(&dir.join("cases.db"), &fire()).success();
    let Some(ro) = ReadOnlyMount::of(&dir) else {
        eprintln!("skipped: cannot mount read-only here (needs root)");
        return;
    };
    let db = ro.0.join("cases.db");
    for args in [
        &["cases", "list"][..],
        &["cases", "show", "1"],
        &["cases", "export", "--format", "csv"],
        &["cases", "stats"],
        &["cases", "check"],
        &["followups"],
    ] {
        let out = defuse(&db).args(args).run().success();
        assert!(!out.stdout.is_empty(), "{out}");
    }
    defuse(&db)
        .args(["followups", "done", "1"])
        .run()
        .status(3)
        .stderr_contains("writable");
    // The call already stored is found without writing; a new call cannot be stored.
    store(&db, &fire())
        .success()
        .stderr_contains("Already stored as case #1");
    defuse(&db)
        .args([
            "triage",
            "--out",
            "-",
            "--now",
            "2026-11-24T10:00:00+08:00",
            "--answers",
        ])
        .arg(fire())
        .run()
        .status(3);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing beside the archive (no -wal, no -shm)"
    );
}

#[test]
fn a_mistyped_archive_is_an_error_for_reads_and_created_once_by_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("typo/cases.db");
    for args in [
        &["cases", "list"][..],
        &["followups"],
        &["followups", "done", "1"],
    ] {
        defuse(&db).args(args).run().status(2).stderr(&format!(
            "error: no case archive at {}; check --db or $DEFUSE_DB (an archive is created when the first case is stored)\n",
            db.display()
        ));
    }
    assert!(!tmp.path().join("typo").exists(), "a read created nothing");
    let created = format!("Created the case archive {}\n", db.display());
    let first = store(&db, &fire()).success();
    assert!(first.stderr.starts_with(&created), "{first}");
    let second = store(&db, &fire()).success();
    assert!(!second.stderr.contains("Created"), "{second}");
}

#[test]
fn an_archive_under_a_regular_file_is_refused_before_the_triage() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "").unwrap();
    let db = file.join("cases.db");
    let message = format!(
        "error: case archive {}: {} is not a directory\n",
        db.display(),
        file.display()
    );
    defuse(&db)
        .args(["cases", "list"])
        .run()
        .status(2)
        .stderr(&message);
    // Refused before the plan is written, not after the call.
    store(&db, &fire()).status(2).stdout("").stderr(&message);
}

/// Overwrites 8 KiB halfway into `path` with fixed noise: there, in a file of
/// thirty cases, lie the cases' own pages, not the tree's inner pages a listing
/// needs (a third of the way in hit one once plans grew by a few lines).
fn damage(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(path).unwrap().len();
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start(len / 2 / 4096 * 4096)).unwrap();
    let mut x: u32 = 0x2545_f491;
    let noise: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    file.write_all(&noise).unwrap();
}

#[test]
fn a_damaged_archive_refuses_new_cases_and_its_intact_cases_can_still_be_read() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    store(&db, &fire()).success();
    {
        // Thirty copies of the case, each plan padded to 64 KiB, make a file
        // that is mostly the plans' overflow pages, in one write: the damage
        // lands in a plan, which the listing does not read, whatever the
        // schema's other tables and indexes grow to.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
             INSERT INTO cases (id, case_id, created_at, created_epoch, customer, customer_key,
                 contact, role, playbook_id, playbook_version, level, level_rank, authority, grievances,
                 remedies, complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner,
                 customer_loss, rehearsal, plan_markdown, plan_json, answers_yaml)
             SELECT i, case_id, created_at, created_epoch, customer, customer_key,
                 contact, role, playbook_id, playbook_version, level, level_rank, authority, grievances,
                 remedies, complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner,
                 customer_loss, rehearsal, plan_markdown || printf('%.*c', 65536, ' '),
                 plan_json, answers_yaml
             FROM cases, n WHERE cases.id = 1;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    }
    damage(&db);
    // A new call (a replay of the stored one writes nothing, see tests/cases.rs).
    defuse(&db)
        .args([
            "triage",
            "--out",
            "-",
            "--now",
            "2026-11-24T10:00:00+08:00",
            "--answers",
        ])
        .arg(fire())
        .run()
        .status(3)
        .stderr_contains("the archive is damaged")
        .stderr_contains("nothing was written")
        .stderr_contains("cases check")
        .stderr_contains(".recover");
    defuse(&db)
        .args(["followups", "done", "1"])
        .run()
        .status(3)
        .stderr_contains("the archive is damaged");
    defuse(&db)
        .args(["cases", "list", "--limit", "100"])
        .run()
        .success()
        .stdout_contains("\n30 ");
    defuse(&db).args(["cases", "check"]).run().status(3);
    // Moving a damaged archive in is refused before the target is touched.
    let team = tmp.path().join("team.db");
    Test::new()
        .args(["archive", "copy", "--from"])
        .arg(&db)
        .arg("--to")
        .arg(&team)
        .run()
        .status(3)
        .stderr_contains("the archive is damaged")
        .stderr_contains("nothing was copied");
    assert!(!team.exists());
}

#[test]
fn a_store_that_waits_on_a_locked_archive_says_so_and_stores_when_it_is_free() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    store(&db, &fire()).success();
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_defuse"))
        .env("DEFUSE_DB", &db)
        // Another call (a later time), so it is stored, not found stored.
        .args([
            "triage",
            "--now",
            "2026-11-23T11:00:00+08:00",
            "--out",
            "-",
            "--answers",
        ])
        .arg(fire())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let started = Instant::now();
    let mut seen = Vec::new();
    let waiting = format!(
        "Waiting for the case archive {}: another program is writing to it.\n",
        db.display()
    );
    while !String::from_utf8_lossy(&seen).contains(&waiting) {
        let mut byte = [0u8];
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "ended early: {seen:?}");
        seen.push(byte[0]);
    }
    let said_after = started.elapsed();
    assert!(
        said_after < Duration::from_secs(10),
        "said only after {said_after:?}"
    );
    lock.execute_batch("ROLLBACK").unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert_eq!(rest, format!("Stored as case #2 in {}\n", db.display()));
}

#[test]
fn an_exported_formula_is_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    let answers = tmp.path().join("formula.answers.yaml");
    let text = std::fs::read_to_string(fire()).unwrap().replace(
        "customer: Acme Trading",
        r#"customer: "=HYPERLINK(\"http://evil\",\"x\")""#,
    );
    std::fs::write(&answers, text).unwrap();
    store(&db, &answers).success();
    let csv = defuse(&db)
        .args(["cases", "export", "--format", "csv"])
        .run()
        .success()
        .stdout;
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://evil"",""x"")","#),
        "{csv}"
    );
}
