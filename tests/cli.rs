//! The CLI: replay of every example, exit codes, output locations, and the
//! README's claims. In-process (`Test`), except where the process itself is
//! what is tested: the binary's exit status for each code, a terminal check
//! on stdin, a FIFO that must not hang the suite.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{bin, replay};
use crate::test::Test;

fn examples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".answers.yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "examples/ lost its answers files");
    files
}

#[test]
fn every_example_replays_to_a_plan_identically_twice() {
    let tmp = tempfile::tempdir().unwrap();
    for example in examples() {
        let run = || replay(&example, tmp.path());
        let first = run();
        assert!(
            first.starts_with("# Action plan: "),
            "{}",
            example.display()
        );
        assert_eq!(first, run(), "{} is not deterministic", example.display());
    }
}

#[test]
fn plans_go_to_a_default_directory_and_never_replace_an_earlier_one() {
    let tmp = tempfile::tempdir().unwrap();
    let example = examples()
        .into_iter()
        .find(|p| p.ends_with("general-fire.answers.yaml"))
        .unwrap();
    for _ in 0..2 {
        Test::new()
            .current_dir(tmp.path())
            .arg("triage")
            .arg("--answers")
            .arg(&example)
            .run()
            .success()
            .stderr_contains("Plan written to defuse-plans/");
    }
    let dir = tmp.path().join("defuse-plans");
    let first = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("20261123-1000-acme-trading-") && !name.ends_with("-2.md"))
        .expect("the first plan, named after its case id");
    let second = first.replace(".md", "-2.md");
    assert!(dir.join(&second).is_file(), "{second}");
    let plans = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(plans, 2, "no temporary files are left behind");
}

#[test]
fn out_path_refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan.json");
    std::fs::write(&out, "earlier plan").unwrap();
    let example = &examples()[0];
    let run = |force: bool| {
        let test = Test::new()
            .arg("triage")
            .arg("--answers")
            .arg(example)
            .args(["--format", "json", "--out"])
            .arg(&out);
        if force { test.arg("--force") } else { test }.run()
    };
    run(false)
        .status(2)
        .stderr_contains("already exists; pass --force");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier plan");
    run(true).success();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"schema\": \"defuse.plan/v1\"")
    );
}

#[test]
fn a_failed_write_exits_3() {
    let example = &examples()[0];
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(example)
        .args(["--out", "/proc/version"])
        .arg("--force")
        .run()
        .status(3)
        .stderr_contains("cannot write /proc/version");
}

#[test]
fn now_overrides_the_answers_file_time() {
    let example = &examples()[0];
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(example)
        .args(["--now", "2030-01-02T03:04:05Z", "--out", "-"])
        .run()
        .success()
        .stdout_contains("| Time     | 2030-01-02 03:04 +00:00 ");
    Test::new()
        .args(["triage", "--now", "yesterday", "--answers"])
        .arg(example)
        .run()
        .status(2)
        .stderr_contains("write RFC 3339");
}

#[test]
fn without_a_terminal_and_without_answers_it_says_to_pass_answers() {
    // The process: `main` asks whether stdin is a terminal.
    bin()
        .arg("triage")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass `--answers FILE`"));
}

#[test]
fn a_missing_answer_names_the_question() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("a.answers.yaml");
    std::fs::write(
        &answers,
        "case: {customer: X}\nassess:\n  our_failure: \"yes\"\n",
    )
    .unwrap();
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .run()
        .status(1)
        .stderr_contains("missing answer `assess.real_loss`")
        .stderr_contains("add `real_loss: …` under `assess:`");
}

#[test]
fn an_invalid_answer_points_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("a.answers.yaml");
    std::fs::write(
        &answers,
        "case: {customer: X}\nassess:\n  our_failure: maybe\n",
    )
    .unwrap();
    // Through the binary: exit code 1 as the process reports it.
    bin().arg("triage").arg("--answers").arg(&answers).assert().code(1).stderr(
        predicate::str::contains("a.answers.yaml:3:16: error: invalid answer to `assess.our_failure`: `maybe` is not one of: yes, partly, promise, conduct, neglect, no, unsure"),
    );
}

#[test]
fn an_unreadable_answers_file_is_a_usage_error() {
    Test::new()
        .args(["triage", "--answers", "/nonexistent/a.yaml"])
        .run()
        .status(2)
        .stderr_contains("cannot read /nonexistent/a.yaml");
}

#[test]
fn a_bad_playbook_exits_1_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let pb = tmp.path().join("broken.yaml");
    let general = include_str!("../playbooks/general.yaml")
        .replace("flag: leverage_suspected}", "flag: leverage_suspectd}");
    std::fs::write(&pb, general).unwrap();
    Test::new()
        .arg("triage")
        .arg("--playbook")
        .arg(&pb)
        .arg("--answers")
        .arg(&examples()[0])
        .run()
        .status(1)
        .stderr_matches(r"broken\.yaml:\d+:\d+: error: unknown flag `leverage_suspectd`")
        .stderr_contains("did you mean `leverage_suspected`?");
}

#[test]
fn playbooks_lists_embedded_and_local_ones_and_marks_shadowing() {
    let tmp = tempfile::tempdir().unwrap();
    Test::new()
        .current_dir(tmp.path())
        .arg("playbooks")
        .run()
        .success()
        .stdout_contains("general")
        .stdout_contains("embedded:outage.yaml")
        .stdout_contains("scope-dispute");
    let dir = tmp.path().join("team");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("mine.yaml"),
        include_str!("../playbooks/general.yaml").replace("id: general", "id: team-general"),
    )
    .unwrap();
    std::fs::write(
        dir.join("general.yaml"),
        include_str!("../playbooks/general.yaml"),
    )
    .unwrap();
    let out = Test::new()
        .current_dir(tmp.path())
        .args(["playbooks", "--format", "json", "--playbook-dir", "team"])
        .run()
        .success()
        .stdout;
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().unwrap();
    let find = |id: &str, source: &str| {
        rows.iter()
            .find(|r| r["id"] == id && r["source"].as_str().unwrap().contains(source))
            .cloned()
            .unwrap()
    };
    assert_eq!(find("general", "embedded")["active"], false);
    assert_eq!(find("general", "team")["active"], true);
    assert_eq!(find("team-general", "team")["active"], true);
}

#[test]
fn an_unknown_playbook_id_suggests_the_near_miss() {
    Test::new()
        .args(["triage", "--playbook", "outgae", "--answers"])
        .arg(&examples()[0])
        .run()
        .status(2)
        .stderr_contains("did you mean `outage`?");
}

#[test]
fn help_documents_the_exit_codes() {
    Test::new()
        .args(["triage", "--help"])
        .run()
        .success()
        .stdout_contains("130  interrupted");
}

#[test]
fn replaying_answers_recorded_with_another_playbook_version_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("a.answers.yaml");
    let text = std::fs::read_to_string(&examples()[0]).unwrap();
    std::fs::write(&answers, format!("playbook_version: \"0.9\"\n{text}")).unwrap();
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .args(["--out", "-"])
        .run()
        .success()
        .stderr_contains("recorded with playbook `general` v0.9; replaying with v1.0.0");
}

/// Regression: `--out /dev/null --force` once renamed a temporary file over
/// the device, replacing /dev/null with a regular file. A FIFO stands in for
/// the device here, so the test is safe to run anywhere.
#[test]
fn force_writes_through_a_device_or_fifo_instead_of_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("pipe");
    if !std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&examples()[0])
        .arg("--out")
        .arg(&fifo)
        .arg("--force")
        .run()
        .success();
    assert!(reader.join().unwrap().starts_with("# Action plan: "));
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced by a file"
    );
    // Writing to /dev/null replaces nothing: no --force needed.
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&examples()[0])
        .args(["--out", "/dev/null"])
        .run()
        .success();
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // A symlink is followed: the file it points to is replaced, the link stays.
    let real = tmp.path().join("real.md");
    std::fs::write(&real, "old").unwrap();
    let link = tmp.path().join("link.md");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&examples()[0])
        .arg("--out")
        .arg(&link)
        .arg("--force")
        .run()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .starts_with("# Action plan: ")
    );
}

/// Regression: only lint refused pipes; `--playbook` on a FIFO blocked forever.
#[test]
fn a_playbook_that_is_a_fifo_is_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("playbook.yaml");
    if !std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        return;
    }
    bin()
        .arg("triage")
        .arg("--playbook")
        .arg(&fifo)
        .arg("--answers")
        .arg(&examples()[0])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a regular file"));
}

/// The fire example copied into `dir`, with its `playbook:` line replaced.
fn answers_naming(dir: &Path, playbook: &str) -> std::path::PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/general-fire.answers.yaml");
    let text = std::fs::read_to_string(example).unwrap();
    assert!(text.contains("\nplaybook: general\n"));
    let path = dir.join("x.answers.yaml");
    std::fs::write(
        &path,
        text.replace(
            "\nplaybook: general\n",
            &format!("\nplaybook: {playbook}\n"),
        ),
    )
    .unwrap();
    path
}

#[test]
fn out_never_replaces_an_input_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = answers_naming(tmp.path(), "general");
    let before = std::fs::read(&answers).unwrap();
    // The same file by another name: compared by identity, not by string.
    Test::new()
        .current_dir(tmp.path())
        .args(["triage", "--answers", "x.answers.yaml", "--force", "--out"])
        .arg(tmp.path().join(".").join("x.answers.yaml"))
        .run()
        .status(2)
        .stderr_contains("is the same file as the input");
    assert_eq!(std::fs::read(&answers).unwrap(), before);

    let playbook = tmp.path().join("pb.yaml");
    std::fs::write(&playbook, playbook_text("general")).unwrap();
    let before = std::fs::read(&playbook).unwrap();
    Test::new()
        .current_dir(tmp.path())
        .args([
            "triage",
            "--answers",
            "x.answers.yaml",
            "--playbook",
            "./pb.yaml",
            "--force",
            "--out",
            "pb.yaml",
        ])
        .run()
        .status(2)
        .stderr_contains("is the same file as the input");
    assert_eq!(std::fs::read(&playbook).unwrap(), before);
}

fn playbook_text(id: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("playbooks/{id}.yaml")),
    )
    .unwrap()
}

#[test]
fn out_dev_stdout_works_like_out_dash() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = answers_naming(tmp.path(), "general");
    // The process: /dev/stdout is its own stdout (in-process it would be the
    // test harness's). Also the real-process check of exit code 0.
    let dash = bin()
        .args(["triage", "--answers"])
        .arg(&answers)
        .args(["--out", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    bin()
        .args(["triage", "--answers"])
        .arg(&answers)
        .args(["--out", "/dev/stdout"])
        .assert()
        .success()
        .stdout(String::from_utf8(dash).unwrap());
}

#[test]
fn an_answers_file_cannot_make_defuse_read_or_quote_another_file() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret");
    std::fs::write(&secret, "root:SECRET-HASH:0:0\n").unwrap();
    std::fs::write(tmp.path().join("secret.yaml"), "root:SECRET-HASH:0:0\n").unwrap();
    let inner = tmp.path().join("answers");
    std::fs::create_dir(&inner).unwrap();
    for named in [
        secret.display().to_string(),
        "../secret".into(),
        "../secret.yaml".into(),
    ] {
        let answers = answers_naming(&inner, &named);
        let out = Test::new()
            .current_dir(tmp.path())
            .args(["triage", "--answers"])
            .arg(&answers)
            .args(["--out", "-"])
            .run()
            .status(2)
            .stdout("")
            .stderr_contains("name a playbook id");
        assert!(!out.stderr.contains("SECRET"), "{out}");
    }
    // A file that is not a playbook is refused unread wherever it is.
    std::fs::write(inner.join("notes"), "root:SECRET-HASH:0:0\n").unwrap();
    let answers = answers_naming(&inner, "./notes");
    let out = Test::new()
        .args(["triage", "--answers"])
        .arg(&answers)
        .args(["--out", "-"])
        .run()
        .status(2)
        .stderr_contains("is not a playbook file");
    assert!(!out.stderr.contains("SECRET"), "{out}");
    // A playbook beside the answers file is found from any directory.
    std::fs::write(inner.join("pb.yaml"), playbook_text("general")).unwrap();
    let answers = answers_naming(&inner, "pb.yaml");
    Test::new()
        .current_dir(tmp.path())
        .args(["triage", "--answers"])
        .arg(&answers)
        .args(["--out", "-"])
        .run()
        .success()
        .stdout_matches("^# Action plan: ");
}

#[test]
fn with_home_unset_nothing_lands_in_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let answers = answers_naming(tmp.path(), "general");
    // The process: with HOME unset, the home comes from the passwd entry
    // through std, which reads the process environment, not `command::Env`.
    let no_home = |home: Option<&str>| {
        let mut cmd = bin();
        cmd.current_dir(&cwd)
            .env_remove("DEFUSE_DB")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_STATE_HOME")
            .env_remove("HOME");
        if let Some(home) = home {
            cmd.env("HOME", home);
        }
        cmd
    };
    // No usable home: a clear error that says what to set, not `./defuse-cases.db`.
    // (An empty HOME counts as unset, as in std's `home_dir`.)
    let home = "relative/home";
    no_home(Some(home))
        .args(["triage", "--answers"])
        .arg(&answers)
        .args(["--out", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "set HOME, XDG_DATA_HOME or DEFUSE_DB",
        ));
    no_home(Some(home))
        .arg("drafts")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "set HOME, XDG_STATE_HOME or DEFUSE_DRAFTS_DIR",
        ));
    // HOME unset: the passwd entry's home (documented), never the current directory.
    let out = no_home(None).arg("drafts").output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains(".defuse-drafts"), "{said}");
    // Commands that keep nothing need no home at all.
    no_home(Some("relative/home"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["lint", "playbooks"])
        .assert()
        .success();
    assert_eq!(std::fs::read_dir(&cwd).unwrap().count(), 0, "cwd untouched");
}

#[test]
fn a_failed_write_leaves_no_temp_file_and_no_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = answers_naming(tmp.path(), "general");
    let plans = tmp.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    // A 1 KiB file-size limit makes the plan's write fail (EFBIG, with
    // SIGXFSZ ignored) after its first bytes are on disk.
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            r#"trap '' XFSZ; ulimit -f 1 && exec "$0" triage --answers "$1" --out "$2""#,
            env!("CARGO_BIN_EXE_defuse"),
        ])
        .arg(&answers)
        .arg(plans.join("plan.md"))
        .env("DEFUSE_DB", tmp.path().join("cases.db"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&plans).unwrap().count(),
        0,
        "nothing left"
    );
}

/// Every variable the CLI reads comes from the environment it is given
/// (`command::Env`), so in-process tests can set their own: the archive's
/// XDG location, the playbook directories, the plans directory.
#[test]
fn environment_variables_come_from_the_given_environment() {
    let tmp = tempfile::tempdir().unwrap();
    Test::new()
        .env_remove("DEFUSE_DB")
        .env("XDG_DATA_HOME", tmp.path())
        .args(["cases", "check"])
        .run()
        .status(2)
        .stderr_contains(&format!(
            "no case archive at {}",
            tmp.path().join("defuse/cases.db").display()
        ));

    let team = tmp.path().join("team");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&team).unwrap();
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(
        team.join("mine.yaml"),
        include_str!("../playbooks/general.yaml").replace("id: general", "id: team-general"),
    )
    .unwrap();
    let listed = |test: Test| test.args(["playbooks", "--format", "json"]).run().success();
    listed(Test::new().env(
        "DEFUSE_PLAYBOOK_DIR",
        format!("{}:{}", empty.display(), team.display()),
    ))
    .stdout_contains("team-general");
    // The flag replaces the variable.
    listed(
        Test::new()
            .env("DEFUSE_PLAYBOOK_DIR", &team)
            .arg("--playbook-dir")
            .arg(&empty),
    )
    .stdout_lacks("team-general");

    let plans = tmp.path().join("plans");
    Test::new()
        .env("DEFUSE_PLAN_DIR", &plans)
        .arg("triage")
        .arg("--answers")
        .arg(&examples()[0])
        .run()
        .success();
    assert_eq!(
        std::fs::read_dir(&plans).unwrap().count(),
        1,
        "the plan goes to $DEFUSE_PLAN_DIR"
    );
}

/// `examples/general-public.answers.yaml` with each `(from, to)` replaced.
fn public_answers(dir: &Path, replace: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/general-public.answers.yaml"),
    )
    .unwrap();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let path = dir.join("a.answers.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

const CUSTOMER: &str = "customer: Bright Retail";
const OWNER: &str = "owner: Head of Communications";

#[test]
fn a_call_time_past_the_year_9999_is_a_usage_error() {
    let example = &examples()[0];
    for late in ["9999-12-31T23:00:00-05:00", "+10000-01-01T00:00:00Z"] {
        Test::new()
            .args(["triage", "--out", "-", "--now", late, "--answers"])
            .arg(example)
            .run()
            .status(2)
            .stdout("")
            .stderr_contains("times past the year 9999 cannot be written");
    }
}

#[test]
fn names_over_200_characters_are_refused_at_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "N".repeat(201);
    let answers = public_answers(tmp.path(), &[(CUSTOMER, &format!("customer: {long}"))]);
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .run()
        .status(1)
        .stderr_contains("a.answers.yaml:7:13: error: invalid answer to `case.customer`")
        .stderr_contains("at most 200 characters; this one has 201")
        .stderr_contains("[invalid-answer]");

    let answers = public_answers(tmp.path(), &[(OWNER, &format!("owner: {long}"))]);
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .run()
        .status(1)
        .stderr_contains("invalid answer to `remedies.adjust.pr_statement.owner`")
        .stderr_contains("at most 200 characters");

    let at_cap = format!("customer: {}", "N".repeat(200));
    let answers = public_answers(tmp.path(), &[(CUSTOMER, &at_cap)]);
    Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .args(["--out", "-", "--rehearse"])
        .run()
        .success();
}

#[test]
fn urls_and_entities_in_the_customers_words_stay_text_in_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = public_answers(
        tmp.path(),
        &[
            (CUSTOMER, "customer: 'https://evil.example/pay &lt;b&gt;'"),
            ("contact: Sara Okafor", "contact: www.evil.example"),
        ],
    );
    let out = Test::new()
        .arg("triage")
        .arg("--answers")
        .arg(&answers)
        .args(["--out", "-", "--rehearse"])
        .run()
        .success()
        .stdout_contains("https\\://evil.example/pay \\&lt;b\\&gt;")
        .stdout_contains("www\\.evil.example");
    // A fenced draft (the PR statement) shows its text verbatim: no link
    // or entity is made there, so only the text outside fences is checked.
    let mut fenced = false;
    for line in out.stdout.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            assert!(
                !line.contains("https://evil") && !line.contains(" &lt;"),
                "{line}"
            );
        }
    }
}

/// #12 item 6: triage never parses playbooks it will not use. Eight big
/// files in `--playbook-dir` (within every limit, so each costs a full
/// parse) declare other ids in their `id:` line: triage reads only that
/// line, so nothing about them reaches the rep. Before, it parsed all eight.
#[test]
fn triage_does_not_parse_playbooks_it_does_not_use() {
    let tmp = tempfile::tempdir().unwrap();
    let big = |i: usize| {
        format!(
            "id: unrelated-{i}\ntitle: Big\nversion: \"1\"\ntags: [{}a]\n",
            "a,".repeat(99_000)
        )
    };
    for i in 0..8 {
        std::fs::write(tmp.path().join(format!("big-{i}.yaml")), big(i)).unwrap();
    }
    let example = examples()
        .into_iter()
        .find(|p| p.ends_with("general-fire.answers.yaml"))
        .unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        Test::new()
            .args(args.iter().copied())
            .arg("--playbook-dir")
            .arg(tmp.path())
            .run()
    };
    // `playbooks` parses them all (and says what is wrong with them) ...
    run(&["playbooks".as_ref()])
        .status(1)
        .stderr_contains("big-7.yaml:1:1: error: missing field `scores`");
    // ... triage, reading only their `id:` lines, neither parses nor
    // mentions them. (The time this saves is measured by
    // bench/first-prompt.py, not asserted here.)
    run(&[
        "triage".as_ref(),
        "--out".as_ref(),
        "-".as_ref(),
        "--answers".as_ref(),
        example.as_os_str(),
    ])
    .success()
    .stderr_lacks("big-");
}
