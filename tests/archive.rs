//! The case archive through the CLI: every triage stored, read back, safe
//! under concurrent writers and kills.

//!
//! The tests about the archive's behaviour run on each backend
//! (`each_backend!`): one suite, SQLite and PostgreSQL.

use crate::backends::Db;
use crate::common::example;
use crate::test::Test;

pub(crate) fn defuse(db: &Db) -> Test {
    Test::new().env("DEFUSE_DB", db.url())
}

/// Replays an example into `db`, at `now` or as a rehearsal if asked; the plan.
pub(crate) fn store(db: &Db, name: &str, now: Option<&str>, rehearse: bool) -> String {
    let mut test = defuse(db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(example(name));
    if let Some(now) = now {
        test = test.args(["--now", now]);
    }
    if rehearse {
        test = test.arg("--rehearse");
    }
    test.run()
        .success()
        .stderr_contains("Stored as case #")
        .stdout
}

crate::each_backend! {
    fn every_triage_is_stored_and_read_back(db) {
    for name in ["general-fire", "general-leverage"] {
            store(db, name, None, false);
        }
        store(db, "general-public", None, true);

        defuse(db)
            .args(["cases", "list"])
            .run()
            .success()
            .stdout_contains("Acme Trading")
            .stdout_contains("Leading Industries")
            .stdout_lacks("Bright Retail");
        defuse(db)
            .args(["cases", "list", "--rehearsals"])
            .run()
            .success()
            .stdout_contains("Bright Retail (rehearsal)");
        defuse(db)
            .args([
                "cases",
                "list",
                "--customer",
                "ACME trading",
                "--level",
                "fire",
                "--since",
                "2026-11-01",
            ])
            .run()
            .success()
            .stdout_contains("20261123-1000-acme-trading");
        defuse(db)
            .args(["cases", "list", "--since", "2027-01-01"])
            .run()
            .success()
            .stdout_contains("No cases");

        let listed = defuse(db)
            .args([
                "cases",
                "list",
                "--customer",
                "acme trading",
                "--format",
                "json",
            ])
            .run()
            .success()
            .stdout;
        let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
        let case_id = listed[0]["case_id"].as_str().unwrap().to_owned();
        let shown = defuse(db)
            .args(["cases", "show", &case_id])
            .run()
            .success()
            .stdout;
        let dir = tempfile::tempdir().unwrap();
        let replayed = crate::common::replay(&example("general-fire"), dir.path());
        assert_eq!(shown, replayed, "the stored plan is the plan");
        defuse(db).args(["cases", "show", "99"]).run().status(2);

        let csv = defuse(db)
            .args(["cases", "export", "--format", "csv", "--redact"])
            .run()
            .success()
            .stdout;
        assert!(csv.starts_with("number,case_id,"), "{csv}");
        assert!(
            !csv.contains("Jane Li") && !csv.contains("Mr. Chen"),
            "contact details redacted: {csv}"
        );
        let json = defuse(db).args(["cases", "export"]).run().success().stdout;
        let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            rows.as_array().unwrap().len(),
            2,
            "rehearsals are not exported by default"
        );
        assert_eq!(rows[1]["contact"], "Jane Li");
    }
}

crate::each_backend! {
    fn followups_are_listed_by_due_date_and_can_be_done(db) {
        store(db, "general-fire", Some("2020-01-01T10:00:00Z"), false);
        let out = defuse(db)
            .args(["followups", "--overdue", "--format", "json"])
            .run()
            .success()
            .stdout;
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        let rows: Vec<_> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "followup")
            .collect();
        assert_eq!(
            rows.len(),
            6,
            "all six follow-ups of a fire case are long overdue"
        );
        assert_eq!(rows[0]["item"], "thank_you");
        let first = rows[0]["number"].as_i64().unwrap().to_string();
        defuse(db)
            .args(["followups", "done", &first])
            .run()
            .success();
        defuse(db)
            .args(["followups", "done", &first])
            .run()
            .status(2)
            .stderr_contains("is already done");
        defuse(db)
            .args(["followups", "--overdue"])
            .run()
            .success()
            .stdout_contains("(overdue)")
            .stdout_lacks("A short thank-you");
    }
}

/// The case numbers `stderr` says were stored ("Stored as case #N").
fn stored_numbers(stderr: &str) -> Vec<i64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("Stored as case #"))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

crate::each_backend! {
    /// Real processes fighting over the SQLite lock: each opens the archive
    /// (the first creates it, every one migrates and checks it) and stores
    /// under contention. No case is lost, no error or lock message is shown,
    /// and every case gets a number of its own. The volume is in-process, in
    /// `eight_writers_storing_two_hundred_cases_each_lose_none`.
    fn eight_processes_storing_at_once_lose_no_case_and_number_each_once(db) {
    let fire = example("general-fire");
        let numbers: Vec<i64> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..8)
                .map(|process| {
                    let (db, fire) = (db, &fire);
                    scope.spawn(move || {
                        let mut numbers = Vec::new();
                        for i in 0..25 {
                            // A call time of its own for each, so each is a new call.
                            let now = format!("2026-11-10T10:{process:02}:{i:02}+08:00");
                            let out = std::process::Command::new(env!("CARGO_BIN_EXE_defuse"))
                                .env("DEFUSE_DB", db.url())
                                .args(["triage", "--now", &now, "--out", "-", "--answers"])
                                .arg(fire)
                                .output()
                                .unwrap();
                            let stderr = String::from_utf8_lossy(&out.stderr);
                            assert!(
                                out.status.success()
                                    && !stderr.contains("locked")
                                    && !stderr.contains("error"),
                                "{stderr}"
                            );
                            numbers.extend(stored_numbers(&stderr));
                        }
                        numbers
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        assert_each_numbered_once(db, numbers, 200);
    }
}

/// Every case got one number, 1 to `count`, and the archive checks clean.
fn assert_each_numbered_once(db: &Db, mut numbers: Vec<i64>, count: i64) {
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=count).collect::<Vec<i64>>(),
        "one number each"
    );
    defuse(db)
        .args(["cases", "check"])
        .run()
        .success()
        .stdout(&format!("ok: {count} cases, schema version 8\n"));
}

crate::each_backend! {
    /// The volume: eight writers, each with a connection of its own, store two
    /// hundred cases each through the archive API (threads, not processes: a
    /// process per case costs ~75 ms of CPU in a debug build, mostly loading
    /// the playbook). Each store is its own `BEGIN IMMEDIATE` transaction
    /// contending for the one write lock; none fails, none is lost, numbers
    /// are unique and the archive checks clean.
    fn eight_writers_storing_two_hundred_cases_each_lose_none(db) {
    use defuse::archive::{Access, Archive, NewCase, Stored};
        use defuse::triage::fingerprint::Fingerprint;
        let text = std::fs::read_to_string(example("general-fire")).unwrap();
        let pb = crate::common::playbook("general");
        let outcome = crate::common::triage(&pb, &text);
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00").unwrap();
        // One call per store: each its own call time, plan and fingerprint.
        let call = |n: i64| {
            let now = now + chrono::Duration::minutes(n);
            let fingerprint = Fingerprint::of(&text, &pb.id.value, &pb.version, now.timestamp());
            let plan = defuse::plan::compose(&pb, &outcome, now, &fingerprint);
            let plan_markdown = defuse::plan::markdown::render(&plan);
            (plan, plan_markdown, fingerprint)
        };
        // Created first, so the writers race on the lock, not on creation (the
        // processes above race on both).
        let location = db.location();
        drop(Archive::open(&location, Access::Store).unwrap());
        let numbers: Vec<i64> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..8)
                .map(|writer| {
                    let (location, call, text, outcome) = (&location, &call, &text, &outcome);
                    scope.spawn(move || {
                        let mut archive = Archive::open(location, Access::Store).unwrap();
                        (0..200)
                            .map(|i| {
                                let (plan, plan_markdown, fingerprint) = call(writer * 200 + i);
                                let case = NewCase {
                                    plan: &plan,
                                    level_rank: outcome.assessment.level,
                                    plan_markdown: &plan_markdown,
                                    answers_yaml: text,
                                    call: &fingerprint,
                                    rehearsal: false,
                                    stored_by: "writer",
                                };
                                // A wait over a second is allowed (2 busy cores);
                                // a failure is not.
                                match archive.store(&case, &mut || {}) {
                                    Ok(Stored::New(number)) => number,
                                    other => panic!("{other:?}"),
                                }
                            })
                            .collect::<Vec<i64>>()
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        assert_each_numbered_once(db, numbers, 1600);
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_the_database_consistent() {
    let db = Db::sqlite();
    let fire = example("general-fire");
    // The archive exists before the kills, so the check below always has
    // something to check (a read never creates one).
    store(&db, "general-fire", None, false);
    for delay_ms in [5, 20, 60] {
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while true; do '{}' triage --out - --answers '{}' >/dev/null 2>&1; done",
                env!("CARGO_BIN_EXE_defuse"),
                fire.display()
            ))
            .env("DEFUSE_DB", db.url())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200 + delay_ms));
        // Kill the whole loop, including a defuse in the middle of a write.
        let _ = std::process::Command::new("pkill")
            .args(["-KILL", "-P", &child.id().to_string()])
            .status();
        let _ = child.kill();
        let _ = child.wait();
    }
    defuse(&db)
        .args(["cases", "check"])
        .run()
        .success()
        .stdout_matches("^ok: ");
}

crate::each_backend! {
    fn a_third_complaint_in_90_days_is_raised_and_cites_the_earlier_ones(db) {
    // Two reps share the archive: each one's cases count, and are cited with
    // who stored them.
    let replay = |now: &str, rehearse: bool, rep: &str| {
        defuse(db)
            .env("USER", rep)
            .args(["triage", "--out", "-", "--now", now, "--answers"])
            .arg(example("general-venting"))
            .args(if rehearse { &["--rehearse"][..] } else { &[][..] })
            .run()
            .success()
            .stderr_contains("Stored as case #")
            .stdout
    };
        let first = replay("2026-09-01T09:00:00+01:00", false, "li");
        assert!(
            first.contains("**Level: Concern**") && !first.contains("history `"),
            "{first}"
        );
        replay("2026-10-01T09:00:00+01:00", true, "li"); // a rehearsal never counts
        replay("2026-10-15T09:00:00+01:00", false, "bob");
        let third = replay("2026-11-24T09:15:00+01:00", false, "chen");
        assert!(
            third.contains("**Level: Serious**"),
            "raised one level:\n{third}"
        );
        assert!(third.contains("history `repeat_customer`: 2 earlier cases: 20261015-0900-nordlicht-gmbh-22c22080 (2026-10-15, concern: perfunctory, venting) stored by bob; 20260901-0900-nordlicht-gmbh-831c9f44 (2026-09-01, concern: perfunctory, venting) stored by li → level +1"), "{third}");
        // Replaying the same answers again gives the same plan (only earlier
        // cases count), and stores no second case.
        let again = defuse(db)
            .env("USER", "chen")
            .args([
                "triage",
                "--out",
                "-",
                "--now",
                "2026-11-24T09:15:00+01:00",
                "--answers",
            ])
            .arg(example("general-venting"))
            .run()
            .success()
            .stderr_contains("Already stored as case #4 in ")
            .stdout;
        assert_eq!(again, third);
        // The plan's JSON names them too, in the order of `cases`.
        let json = defuse(db).args(["cases", "show", "4", "--format", "json"]).run().success().stdout;
        let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
        let history = plan["assessment"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "history")
            .unwrap();
        assert_eq!(history["stored_by"], serde_json::json!(["bob", "li"]), "{history}");
        assert_eq!(history["cases"].as_array().unwrap().len(), 2);
    }
}

crate::each_backend! {
    fn stats_show_the_grievance_mix_levels_by_month_remedies_and_repeat_customers(db) {
    for (name, now) in [
            ("general-venting", "2026-10-01T10:00:00Z"),
            ("general-venting", "2026-11-02T10:00:00Z"),
            ("general-fire", "2026-11-03T10:00:00Z"),
        ] {
            store(db, name, Some(now), false);
        }
        store(db, "general-leverage", None, true);
        let out = defuse(db)
            .args(["cases", "stats", "--format", "json"])
            .run()
            .success()
            .stdout;
        let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(stats["cases"], 3, "the rehearsal is not counted");
        assert_eq!(
            stats["grievances"][0],
            serde_json::json!(["perfunctory", 2])
        );
        assert_eq!(
            stats["levels_by_month"][0],
            serde_json::json!(["2026-10", "concern", 1])
        );
        assert_eq!(stats["repeat_customers"][0][0], "Nordlicht GmbH");
        assert_eq!(stats["repeat_customers"][0][1], 2);
        assert!(
            stats["remedies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r[0] == "boss_apology")
        );
    }
}

/// `--db postgres://…` once made a folder named `postgres:` with a SQLite
/// file in it and reported success. Now it is a server: unreachable here
/// (port 1 refuses), so the case goes to the outbox with the reason and
/// nothing lands in the current directory.
#[test]
fn a_postgres_url_is_a_server_never_a_folder_named_postgres() {
    let dir = tempfile::tempdir().unwrap();
    Test::new()
        .current_dir(dir.path())
        .args(["--db", "postgres://rep@127.0.0.1:1/team", "triage"])
        .args(["--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .success()
        .stderr_contains("Not stored on the server (")
        .stderr_contains("refused")
        .stderr_contains("the case is safe in the outbox");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
}

/// A password never goes on the command line (shell history, `ps`): the
/// URL is refused with the ways that keep it private, and not echoed.
#[test]
fn a_password_in_the_url_is_refused_and_never_echoed() {
    Test::new()
        .args([
            "--db",
            "postgres://rep:s3cret@db.example/team",
            "cases",
            "list",
        ])
        .run()
        .status(2)
        .stderr_contains("PGPASSWORD")
        .stderr_contains(".pgpass")
        .stderr_lacks("s3cret");
}

/// `archive init` creates the schema and the least-privilege roles, and
/// the server enforces them: a rep stores cases and marks follow-ups done
/// but cannot void; a lead can. Passwords come from PGPASSWORD or a
/// private .pgpass, never the URL; a wrong one is told as such.
#[test]
fn archive_init_grants_a_rep_no_void_and_a_lead_void() {
    let Some(db) = Db::postgres() else {
        return;
    };
    let url = db.url().to_str().unwrap().to_owned();
    // Role names are cluster-wide: each run's own.
    let suffix = url
        .rsplit_once('/')
        .unwrap()
        .1
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (rep_role, lead_role) = (format!("rep_{suffix}"), format!("lead_{suffix}"));
    let (alice, lena) = (format!("alice_{suffix}"), format!("lena_{suffix}"));
    let bob = format!("bob_{suffix}");
    let init = |apply: bool| {
        let mut test = Test::new().args([
            "archive",
            "init",
            &url,
            "--rep-role",
            &rep_role,
            "--lead-role",
            &lead_role,
        ]);
        if apply {
            test = test.arg("--apply");
        }
        test.run().success()
    };
    init(false)
        .stdout_contains(&format!(
            "GRANT INSERT ON \"public\".cases, \"public\".commitments TO \"{rep_role}\";"
        ))
        .stdout_contains(&format!(
            "GRANT UPDATE (done_at, done_by) ON \"public\".commitments TO \"{rep_role}\";"
        ))
        .stdout_contains(&format!(
            "GRANT UPDATE (void_at, void_by, void_reason) ON \"public\".cases TO \"{lead_role}\";"
        ))
        .stdout_contains("ENABLE ROW LEVEL SECURITY")
        .stdout_contains("CREATE POLICY defuse_done_own ON \"public\".commitments FOR UPDATE")
        .stderr_contains("schema version 8")
        .stderr_lacks("No trigram index");
    init(true).stderr_contains("Applied the GRANTs");
    init(true); // twice changes nothing
    db.admin()
        .batch_execute(&format!(
            "CREATE ROLE {alice} LOGIN PASSWORD 'alice-pw' IN ROLE {rep_role};
             CREATE ROLE {bob} LOGIN PASSWORD 'bob-pw' IN ROLE {rep_role};
             CREATE ROLE {lena} LOGIN PASSWORD 'lena-pw' IN ROLE {lead_role};"
        ))
        .unwrap();
    let as_alice = || {
        Test::new()
            .env("DEFUSE_DB", db.as_user(&alice))
            .env("PGPASSWORD", "alice-pw")
    };
    as_alice()
        .args([
            "triage",
            "--out",
            "-",
            "--now",
            "2020-01-01T10:00:00Z",
            "--answers",
        ])
        .arg(example("general-fire"))
        .run()
        .success()
        .stderr_contains("Stored as case #1 in ");
    as_alice().args(["followups", "done", "1"]).run().success();
    as_alice()
        .args(["commitments", "done", "7"])
        .env("USER", "alice")
        .run()
        .success();
    as_alice()
        .args(["commitments", "done", "7"])
        .run()
        .status(2)
        .stderr_contains("is already done (by alice at ");
    // Row-level security: bob reads alice's case but cannot mark its
    // commitments done; he marks his own.
    let as_bob = || {
        Test::new()
            .env("DEFUSE_DB", db.as_user(&bob))
            .env("PGPASSWORD", "bob-pw")
            .env("USER", "bob")
    };
    let open_of = |test: Test, case: i64| -> Vec<i64> {
        let out = test
            .args(["commitments", "--format", "json"])
            .run()
            .success()
            .stdout;
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["case_number"] == case)
            .map(|r| r["number"].as_i64().unwrap())
            .collect()
    };
    let alices = open_of(as_bob(), 1);
    assert!(!alices.is_empty(), "bob reads the team's commitments");
    as_bob()
        .args(["commitments", "done", &alices[0].to_string()])
        .run()
        .status(2)
        .stderr_contains(&format!(
            "commitment #{} belongs to case #1, stored by ",
            alices[0]
        ))
        .stderr_contains("Nothing was changed");
    assert_eq!(open_of(as_bob(), 1), alices, "nothing changed");
    as_bob()
        .args([
            "triage",
            "--out",
            "-",
            "--now",
            "2020-01-02T10:00:00Z",
            "--answers",
        ])
        .arg(example("general-fire"))
        .run()
        .success()
        .stderr_contains("Stored as case #2 in ");
    let bobs = open_of(as_bob(), 2);
    as_bob()
        .args(["commitments", "done", &bobs[0].to_string()])
        .run()
        .success();
    assert_eq!(open_of(as_bob(), 2), bobs[1..], "his own is done");
    // A rep cannot claim another role as the one that stored a case.
    let forged = db
        .admin()
        .query_one(
            &format!("SELECT count(*) FROM cases WHERE stored_role = '{bob}'"),
            &[],
        )
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(forged, 1, "bob's one case is recorded as his role's");
    as_alice()
        .args(["cases", "void", "1", "--reason", "test"])
        .run()
        .status(2)
        .stderr_contains("your database role may not void cases")
        .stderr_contains("Nothing was changed");
    Test::new()
        .env("DEFUSE_DB", db.as_user(&alice))
        .env("PGPASSWORD", "wrong")
        .args(["cases", "list"])
        .run()
        .status(3)
        .stderr_contains("password authentication failed")
        .stderr_contains("check the password for");
    // No password anywhere, or a misspelt database (no .pgpass line
    // matches it): what to set, not the library's "password missing".
    let nowhere = tempfile::tempdir().unwrap();
    for url in [
        db.as_user(&alice),
        db.as_user(&alice).replace("/defuse_", "/defuse-misspelt_"),
    ] {
        Test::new()
            .env("DEFUSE_DB", &url)
            .env("PGPASSFILE", nowhere.path().join("none"))
            .args(["cases", "list"])
            .run()
            .status(3)
            .stderr_contains("asks a password")
            .stderr_contains("$PGPASSWORD")
            .stderr_lacks("invalid configuration");
    }
    // A rep running the owner's step is told whose step it is.
    as_alice()
        .args(["archive", "init", &db.as_user(&alice), "--apply"])
        .args(["--rep-role", &rep_role, "--lead-role", &lead_role])
        .run()
        .status(3)
        .stderr_contains("as the role that owns")
        .stderr_contains("nothing was applied");
    Test::new()
        .env(
            "DEFUSE_DB",
            db.as_user(&alice).replace("/defuse_", "/defuse-misspelt_"),
        )
        .env("PGPASSWORD", "alice-pw")
        .args(["cases", "list"])
        .run()
        .status(3)
        .stderr_contains("does not exist")
        .stderr_contains("check the database name");
    // The lead, with the password in a private .pgpass.
    let dir = tempfile::tempdir().unwrap();
    let pgpass = dir.path().join("pgpass");
    std::fs::write(&pgpass, format!("# team\n127.0.0.1:*:*:{lena}:lena-pw\n")).unwrap();
    let as_lena = || {
        Test::new()
            .env("DEFUSE_DB", db.as_user(&lena))
            .env("PGPASSFILE", &pgpass)
    };
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    as_lena()
        .args(["cases", "list"])
        .run()
        .status(2)
        .stderr_contains("chmod 600");
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    as_lena()
        .args(["cases", "void", "1", "--reason", "a test call"])
        .run()
        .success();
    // A lead marks any rep's commitment done.
    as_lena()
        .args(["commitments", "done", &bobs[1].to_string()])
        .run()
        .success();
    as_alice()
        .args(["cases", "list", "--include-void"])
        .run()
        .success()
        .stdout_contains("(void)");
}

crate::each_backend! {
    /// Each case says which rep stored it: the configured name, else the OS
    /// user (a team's shared archive mixes everyone's cases).
    fn each_case_records_who_stored_it(db) {
        defuse(db)
            .env("USER", "bob")
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-fire"))
            .run()
            .success();
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("defuse")).unwrap();
        std::fs::write(home.path().join("defuse/config.toml"), "name = \"Li Wei\"\n").unwrap();
        defuse(db)
            .env("USER", "bob")
            .env("XDG_CONFIG_HOME", home.path())
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-leverage"))
            .run()
            .success();
        let out = defuse(db).args(["cases", "export"]).run().success().stdout;
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut by: Vec<_> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["stored_by"].as_str().unwrap_or("?").to_owned())
            .collect();
        by.sort();
        assert_eq!(by, ["Li Wei", "bob"], "{out}");
        // `--rep` lists one rep's cases, case aside; the table shows who.
        let listed = |rep: &str| {
            let out = defuse(db).args(["cases", "list", "--format", "json", "--rep", rep]).run().success().stdout;
            let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
            rows.as_array().unwrap().iter().map(|r| r["case_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        };
        let li = listed("li wei");
        assert_eq!(li.len(), 1);
        assert_eq!(listed("BOB").len(), 1);
        assert_ne!(listed("BOB"), li);
        assert!(listed("bo").is_empty(), "a whole name, not a part");
        defuse(db)
            .args(["cases", "list", "--rep", "nobody"])
            .run()
            .success()
            .stdout_contains("match");
        defuse(db)
            .args(["cases", "list", "--format", "tsv"])
            .run()
            .success()
            .stdout_contains("\tRep\t")
            .stdout_contains("\tLi Wei\t")
            .stdout_contains("\tbob\t");
    }
}

/// Cases stored before schema 8 have no `plan_lang`: `archive init` (the
/// owner's step) fills it in batches and says how many, once; a rep's
/// init fills nothing and still succeeds.
#[test]
fn archive_init_notes_the_plan_language_of_older_cases() {
    let Some(db) = Db::postgres() else {
        return;
    };
    for now in [
        "2020-01-01T09:00:00Z",
        "2020-01-02T09:00:00Z",
        "2020-01-03T09:00:00Z",
    ] {
        Test::new()
            .env("DEFUSE_DB", db.url())
            .args(["triage", "--out", "-", "--now", now, "--answers"])
            .arg(example("general-fire"))
            .run()
            .success();
    }
    let (rep_role, _) = db.team_roles();
    db.execute("UPDATE cases SET plan_lang = NULL WHERE id <= 2");
    let alice = db.login("alice", "alice-pw", &rep_role);
    Test::new()
        .env("PGPASSWORD", "alice-pw")
        .args(["archive", "init", &db.as_user(&alice)])
        .run()
        .success()
        .stderr_lacks("Noted the plan language");
    let init = || Test::new().args(["archive", "init"]).arg(db.url()).run();
    init()
        .success()
        .stderr_contains("Noted the plan language of 2 cases stored before schema version 8");
    let langs: Vec<Option<String>> = db
        .admin()
        .query("SELECT plan_lang FROM cases ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(langs, vec![Some("en".to_owned()); 3]);
    init().success().stderr_lacks("Noted the plan language");
    db.execute(&format!("DROP OWNED BY {alice}; DROP ROLE {alice};"));
}

crate::each_backend! {
    fn a_playbooks_own_fields_are_stored_listed_and_exported(db) {
        let dir = tempfile::tempdir().unwrap();
        let answers = dir.path().join("scope.answers.yaml");
        std::fs::write(
            &answers,
            "playbook: scope-dispute\nnow: 2026-11-23T10:00:00+08:00\n\
             case: {customer: Meridian}\nfield: {contract_ref: \"=CR-2026-014\"}\n\
             assess: {in_contract: \"no\", phase: negotiating, pressure: \"no\", role: staff, deadline: \"no\", walkout: \"no\"}\n\
             grievance: {picked: [scope_misunderstanding]}\n",
        )
        .unwrap();
        let plan = defuse(db)
            .args(["triage", "--out", "-", "--answers"])
            .arg(&answers)
            .run()
            .success()
            .stderr_contains("Stored as case #")
            .stdout;
        assert!(plan.contains("| Contract or change-request number |"), "{plan}");
        assert!(plan.contains("Ref.: =CR-2026-014"), "{plan}");
        // A case of a playbook without fields has none.
        store(db, "general-fire", None, false);

        let rows: serde_json::Value = serde_json::from_str(
            &defuse(db).args(["cases", "export"]).run().success().stdout,
        )
        .unwrap();
        let by_customer = |name: &str| {
            rows.as_array()
                .unwrap()
                .iter()
                .find(|r| r["customer"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(
            by_customer("Meridian")["fields"],
            serde_json::json!({"contract_ref": "=CR-2026-014"})
        );
        assert_eq!(by_customer("Acme Trading")["fields"], serde_json::json!({}));

        let csv = defuse(db)
            .args(["cases", "export", "--format", "csv"])
            .run()
            .success()
            .stdout;
        let header = csv.lines().next().unwrap();
        assert!(header.ends_with(",stored_by,fields"), "{header}");
        // One JSON cell: it starts with `{`, so no value can make it a formula.
        assert!(
            csv.contains(r#","{""contract_ref"":""=CR-2026-014""}""#),
            "{csv}"
        );
        let shown = defuse(db)
            .args(["cases", "show", "--format", "json", "1"])
            .run()
            .success()
            .stdout;
        let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(
            shown["case"]["fields"],
            serde_json::json!([{"id": "contract_ref", "label": "Contract or change-request number", "value": "=CR-2026-014"}])
        );
    }
}

crate::each_backend! {
    /// `--customer` is a substring, case and spacing aside: `%` and `_` in it
    /// are the characters, not LIKE's wildcards, on both backends.
    fn a_customer_filter_is_a_literal_substring(db) {
        store(db, "general-fire", None, false);
        let dir = tempfile::tempdir().unwrap();
        let answers = dir.path().join("percent.answers.yaml");
        let original = std::fs::read_to_string(example("general-fire")).unwrap();
        assert!(original.contains("customer: Acme Trading,"));
        std::fs::write(
            &answers,
            original.replace("customer: Acme Trading,", "customer: Acme 100%_Trading,"),
        )
        .unwrap();
        defuse(db)
            .args(["triage", "--out", "-", "--answers"])
            .arg(&answers)
            .run()
            .success()
            .stderr_contains("Stored as case #2");
        let customers = |filter: &str| -> Vec<String> {
            let out = defuse(db)
                .args(["cases", "list", "--format", "json", "--customer", filter])
                .run()
                .success()
                .stdout;
            let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
            rows.as_array()
                .unwrap()
                .iter()
                .map(|row| row["customer"].as_str().unwrap().to_owned())
                .collect()
        };
        let percent = vec!["Acme 100%_Trading".to_owned()];
        assert_eq!(customers("100%_"), percent);
        assert_eq!(customers("%"), percent);
        assert_eq!(customers("_"), percent);
        assert_eq!(customers("  ACME   trading"), vec!["Acme Trading".to_owned()]);
        // As wildcards these would match both customers.
        assert_eq!(customers("acme%trading"), Vec::<String>::new());
        assert_eq!(customers("acme_trading"), Vec::<String>::new());
        assert_eq!(customers("acme\\"), Vec::<String>::new());
        assert_eq!(customers("ACME").len(), 2);
    }
}

/// A role that may create tables but not extensions (no CREATE on the
/// database) still gets the whole schema: `cases list --customer` works
/// without its index and `archive init` says so once; the owner's `archive
/// init` adds the index later.
#[test]
fn a_server_without_pg_trgm_rights_gets_the_schema_without_the_index() {
    let Some(db) = Db::postgres() else {
        return;
    };
    let url = db.url().to_str().unwrap().to_owned();
    let database = url.rsplit_once('/').unwrap().1.split('?').next().unwrap();
    let role = format!("nocreate_{database}");
    db.admin()
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'nocreate-pw';
             GRANT CREATE ON SCHEMA public TO {role};"
        ))
        .unwrap();
    let as_role = || {
        Test::new()
            .env("DEFUSE_DB", db.as_user(&role))
            .env("PGPASSWORD", "nocreate-pw")
    };
    as_role()
        .args(["archive", "init", &db.as_user(&role)])
        .run()
        .success()
        .stderr_contains(&format!(
            "schema version {}",
            defuse::archive::SCHEMA_VERSION
        ))
        .stderr_contains("No trigram index for `cases list --customer` (permission denied to create extension \"pg_trgm\")");
    as_role()
        .args(["triage", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .success()
        .stderr_contains("Stored as case #1");
    as_role()
        .args(["cases", "list", "--customer", "acme"])
        .run()
        .success()
        .stdout_contains("Acme Trading");
    let index = || -> bool {
        db.admin()
            .query_one(
                "SELECT to_regclass('cases_by_customer_trigrams') IS NOT NULL",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert!(!index());
    // The database's owner (here the test superuser) may: run again, it is made.
    Test::new()
        .args(["archive", "init", &url])
        .run()
        .success()
        .stderr_lacks("No trigram index");
    assert!(index());
    as_role()
        .args(["cases", "list", "--customer", "ACME"])
        .run()
        .success()
        .stdout_contains("Acme Trading");
}
