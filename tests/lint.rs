//! `defuse lint` and `defuse test`, in-process: exit codes, formats, suppression, the shipped
//! playbooks, and a corpus of hostile files with their expected diagnostics.

use std::path::Path;

use predicates::prelude::*;

use crate::common::bin;
use crate::test::Test;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn base() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("src/lint/examples/base.yaml")).unwrap()
}

/// Writes `playbook.yaml` into a fresh directory.
fn playbook(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("playbook.yaml"), text).unwrap();
    dir
}

#[test]
fn shipped_playbooks_lint_clean_even_with_deny_warnings() {
    Test::new()
        .current_dir(ROOT)
        .args(["lint", "--deny-warnings"])
        .run()
        .success()
        .stdout("")
        .stderr("0 errors, 0 warnings in 3 files\n");
}

#[test]
fn exit_codes_follow_the_severity_of_the_findings() {
    let clean = playbook(&base());
    Test::new()
        .current_dir(clean.path())
        .args(["lint", "playbook.yaml"])
        .run()
        .status(0);

    let warning = playbook(&base().replace(
        "  - {id: real_loss, label: Real loss}\n",
        "  - {id: real_loss, label: Real loss}\n  - {id: spare, label: Spare}\n",
    ));
    Test::new()
        .current_dir(warning.path())
        .args(["lint", "playbook.yaml"])
        .run()
        .status(0)
        .stdout_contains("[unused-flag]");
    Test::new()
        .current_dir(warning.path())
        .args(["lint", "--deny-warnings", "playbook.yaml"])
        .run()
        .status(1);
    Test::new()
        .current_dir(warning.path())
        .args([
            "lint",
            "--deny-warnings",
            "--allow",
            "unused-flag",
            "playbook.yaml",
        ])
        .run()
        .status(0)
        .stdout("");

    let error = playbook(&base().replace("kind: compensation", "kind: compensaton"));
    Test::new()
        .current_dir(error.path())
        .args(["lint", "playbook.yaml"])
        .run()
        .status(1)
        .stderr_contains("1 error, 0 warnings in 1 file");

    Test::new()
        .args(["lint", "/nonexistent/playbooks"])
        .run()
        .status(2)
        .stdout_contains("/nonexistent/playbooks:1:1: error: cannot read");
    Test::new()
        .args(["lint", "--allow", "unused-flags", "playbooks"])
        .current_dir(ROOT)
        .run()
        .status(2)
        .stderr_contains("did you mean `unused-flag`?");
}

#[test]
fn an_allow_list_on_a_node_suppresses_only_that_node() {
    // Every remedy needs level `fire`, so level `calm` proposes nothing.
    let calm_without_remedy = base()
        .replace(
            "      when: {level_at_least: calm}\n",
            "      when: {level: fire}\n",
        )
        .replace(
            "      when: {flag: real_loss}\n",
            "      when: {all: [{flag: real_loss}, {level: fire}]}\n",
        );
    let allow_on = |level: &str| {
        calm_without_remedy
            .replace(
                &format!("  - {{id: {level}, "),
                &format!("  - {{id: {level}, allow: [level-without-remedy], "),
            )
            .replace(
                &format!("  - id: {level}\n"),
                &format!("  - id: {level}\n    allow: [level-without-remedy]\n"),
            )
    };
    let lint = |text: &str| {
        let dir = playbook(text);
        Test::new()
            .current_dir(dir.path())
            .args(["lint", "playbook.yaml"])
            .run()
            .status(0)
            .stdout
    };
    assert!(
        lint(&calm_without_remedy)
            .contains("no remedy is ever proposed at level `calm` [level-without-remedy]")
    );
    assert_eq!(lint(&allow_on("calm")), "", "allowed on the node itself");
    assert!(
        lint(&allow_on("fire")).contains("level `calm` [level-without-remedy]"),
        "an allow on another node must not hide it"
    );
}

#[test]
fn directories_are_searched_recursively_skipping_answers_and_tests() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("team/outage")).unwrap();
    std::fs::write(dir.path().join("team/a.yaml"), base()).unwrap();
    std::fs::write(
        dir.path().join("team/outage/b.yml"),
        base().replace("kind: compensation", "kind: nope"),
    )
    .unwrap();
    std::fs::write(dir.path().join("team/x.answers.yaml"), "not: a playbook").unwrap();
    std::fs::write(dir.path().join("team/a.tests.yaml"), "not: a playbook").unwrap();
    Test::new()
        .current_dir(dir.path())
        .args(["lint", "team"])
        .run()
        .status(1)
        .stdout_contains("team/outage/b.yml:")
        .stderr_contains("in 2 files");
}

#[test]
fn the_walk_follows_symlinks_skips_hidden_entries_and_reports_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let broken = base().replace("kind: compensation", "kind: nope");
    let root = dir.path().join("root");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(root.join("b-dir")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    for path in [
        root.join("c.yaml"),
        root.join("a.yaml"),
        root.join("b-dir/inner.yaml"),
        root.join(".hidden/skipped.yaml"),
        root.join(".skipped.yaml"),
        elsewhere.join("linked.yaml"),
    ] {
        std::fs::write(path, &broken).unwrap();
    }
    std::os::unix::fs::symlink(&elsewhere, root.join("d-link")).unwrap();
    std::os::unix::fs::symlink(root.join("a.yaml"), root.join("e.yaml")).unwrap();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["lint", "root"])
        .run()
        .status(1)
        .stderr_contains("in 5 files")
        .stdout;
    let order: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split(':').next().filter(|f| f.ends_with(".yaml")))
        .collect();
    assert_eq!(
        order,
        [
            "root/a.yaml",
            "root/b-dir/inner.yaml",
            "root/c.yaml",
            "root/d-link/linked.yaml",
            "root/e.yaml"
        ]
    );
}

fn findings() -> tempfile::TempDir {
    playbook(
        &base()
            .replace("kind: compensation", "kind: compensaton")
            .replace(
                "  - {id: real_loss, label: Real loss}\n",
                "  - {id: real_loss, label: Real loss}\n  - {id: spare, label: Spare}\n",
            ),
    )
}

#[test]
fn json_output() {
    let dir = findings();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["lint", "--format", "json", "playbook.yaml"])
        .run()
        .status(1)
        .stdout;
    insta::assert_snapshot!("lint-json", out);
}

#[test]
fn github_annotations() {
    let dir = findings();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["lint", "--format", "github", "playbook.yaml"])
        .run()
        .status(1)
        .stdout;
    insta::assert_snapshot!("lint-github", out);
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let dir = findings();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["lint", "--format", "sarif", "playbook.yaml"])
        .run()
        .status(1)
        .stdout;
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), defuse::diagnostic::RuleId::lint().count());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() > 0
                && region["startColumn"].as_u64().unwrap() > 0
        );
    }
}

/// Hostile files in `tests/hostile/` and the exact diagnostics each must get.
/// Set `DEFUSE_BLESS=1` to rewrite the expected `.out` files.
#[test]
fn hostile_corpus_gets_exact_diagnostics() {
    let dir = Path::new(ROOT).join("tests/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    for file in files {
        let relative = file.strip_prefix(ROOT).unwrap();
        let out = Test::new()
            .current_dir(ROOT)
            .arg("lint")
            .arg(relative)
            .run();
        assert!(matches!(out.status, 0 | 1), "{}: {out}", relative.display(),);
        let stdout = out.stdout;
        let expected_path = file.with_extension("out");
        if std::env::var_os("DEFUSE_BLESS").is_some() {
            std::fs::write(&expected_path, &stdout).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(stdout, expected, "{}", relative.display());
    }
}

#[test]
fn a_huge_file_and_a_fifo_are_refused_without_reading_them_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(60 * 1024 * 1024).unwrap();
    Test::new()
        .arg("lint")
        .arg(&big)
        .run()
        .status(1)
        .stdout_contains("[file-too-large]");
    let fifo = dir.path().join("fifo.yaml");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        // Unreadable, like a missing file or directory: one exit code (#12).
        Test::new()
            .arg("lint")
            .arg(&fifo)
            .run()
            .status(2)
            .stdout_contains("not a regular file [unreadable-file]");
    }
}

#[test]
fn shipped_scenarios_pass() {
    Test::new()
        .current_dir(ROOT)
        .arg("test")
        .run()
        .success()
        .stdout_matches(" passed, 0 failed\n$");
}

#[test]
fn a_failing_scenario_shows_a_diff_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.yaml"), base()).unwrap();
    std::fs::write(
        dir.path().join("mini.tests.yaml"),
        "cases:\n  - name: loss means fire\n    answers: {case: {customer: X}, assess: {loss: \"yes\"}, grievance: {picked: [lost_face]}}\n    expect:\n      level: calm\n      exclude: {remedies: [refund]}\n",
    )
    .unwrap();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["test", "."])
        .run()
        .status(1)
        .stdout;
    insta::assert_snapshot!("scenario-failure", out);
}

#[test]
fn a_scenario_naming_an_unknown_remedy_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.yaml"), base()).unwrap();
    std::fs::write(dir.path().join("mini.tests.yaml"), "cases:\n  - name: x\n    answers: {case: {customer: X}, assess: {loss: \"no\"}}\n    expect:\n      include: {remedies: [refnd]}\n").unwrap();
    Test::new()
        .current_dir(dir.path())
        .args(["test", "mini.tests.yaml"])
        .run()
        .status(1)
        .stdout_contains("mini.tests.yaml:5:28: error: playbook `mini` has no remedies entry `refnd` [unknown-reference]")
        .stdout_contains("did you mean `refund`?");
}

/// Lint's fast path may only ever say "clean", and only when the full
/// parser agrees: same playbook, no finding. Checked on every playbook-like
/// file in the repository, hostile ones included.
#[test]
fn the_fast_path_reads_what_the_full_parser_reads_or_steps_aside() {
    use defuse::lint::fast;
    use defuse::playbook::load::check_str;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["playbooks", "tests/hostile", "examples", "docs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    let mut fast_read = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let (slow, _) = check_str("", &text);
        if let Some(fast) = fast::load(&text) {
            let slow = slow.as_ref().unwrap_or_else(|| {
                panic!(
                    "{}: fast path read a file the full parser refuses",
                    path.display()
                )
            });
            assert!(
                fast::same_apart_from_positions(&fast, slow),
                "{}: the two paths read different playbooks",
                path.display()
            );
            fast_read.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
        if fast::is_clean(&text) {
            assert_eq!(
                defuse::lint::full_check(&text),
                [],
                "{}: fast path says clean",
                path.display()
            );
        }
    }
    // The shipped playbooks are what CI lints most: they take the fast path.
    for shipped in ["general.yaml", "outage.yaml", "scope-dispute.yaml"] {
        assert!(
            fast_read.iter().any(|f| f == shipped),
            "{shipped}: {fast_read:?}"
        );
    }
}

/// `cmd` as an unprivileged user: root reads any directory and ignores
/// process limits, so tests of those run as `nobody` when run as root.
fn unprivileged(script: &str, dir: &Path) -> std::process::Command {
    use std::os::unix::fs::PermissionsExt;
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut cmd = if is_root {
        // `nobody` must be able to enter the test's directory.
        let mut up = Some(dir);
        while let Some(d) = up.filter(|d| d.starts_with(std::env::temp_dir())) {
            let _ = std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755));
            up = d.parent();
        }
        let mut cmd = std::process::Command::new("runuser");
        cmd.args(["-u", "nobody", "--", "bash", "-c", script]);
        cmd
    } else {
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-c", script]);
        cmd
    };
    cmd.current_dir(dir)
        .env("DEFUSE", env!("CARGO_BIN_EXE_defuse"));
    cmd
}

#[test]
fn a_symlink_loop_reports_each_file_once() {
    let dir = playbook(&base().replace("kind: compensation", "kind: nope"));
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.yaml"), base()).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("loop")).unwrap();
    Test::new()
        .current_dir(dir.path())
        .args(["lint", "."])
        .run()
        .status(1)
        .stderr_contains("1 error, 0 warnings in 2 files");
}

#[test]
fn an_unreadable_directory_is_a_finding_and_the_rest_is_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = playbook(&base().replace("kind: compensation", "kind: nope"));
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("c.yaml"), base()).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = unprivileged(r#""$DEFUSE" lint ."#, dir.path())
        .output()
        .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("./locked:1:1: error: cannot read: Permission denied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("./playbook.yaml:"),
        "the rest is linted: {stdout}"
    );
    assert!(
        stderr.contains("in 1 file; 1 path could not be read"),
        "{stderr}"
    );
}

#[test]
fn every_kind_of_unreadable_path_exits_2_and_the_rest_is_linted() {
    let dir = playbook(&base());
    let p = dir.path();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(p.join("fifo.yaml"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("nowhere", p.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink("self.yaml", p.join("self.yaml")).unwrap();
    for path in ["missing.yaml", "dangling.yaml", "self.yaml", "missing-dir"] {
        let out = Test::new()
            .current_dir(p)
            .args(["lint", path, "playbook.yaml"])
            .run()
            .status(2)
            .stderr_contains("in 1 file; 1 path could not be read");
        assert!(
            out.stdout.starts_with(&format!("{path}:1:1: error: ")),
            "{out}"
        );
    }
    // A FIFO, named and walked, as a process with a timeout: a regression
    // would block on open() forever, which in-process would hang the suite.
    bin()
        .current_dir(p)
        .args(["lint", "fifo.yaml", "playbook.yaml"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with("fifo.yaml:1:1: error: "))
        .stderr(predicate::str::contains(
            "in 1 file; 1 path could not be read",
        ));
    // Inside a walked directory too: each broken entry once, in path order.
    let out = bin()
        .current_dir(p)
        .args(["lint", "."])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let names: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .filter_map(|l| l.split(':').next().map(str::to_owned))
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    assert_eq!(
        names,
        ["./dangling.yaml", "./fifo.yaml", "./self.yaml"],
        "the clean playbook has no finding"
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_linted_and_printed_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.yaml");
    std::fs::write(
        dir.path().join(name),
        base().replace("kind: compensation", "kind: nope"),
    )
    .unwrap();
    Test::new()
        .current_dir(dir.path())
        .args(["lint", "."])
        .run()
        .status(1)
        .stdout_contains("./bad\u{fffd}name.yaml:")
        .stderr_contains("in 1 file");
}

#[test]
fn lint_goes_on_with_fewer_workers_when_threads_are_refused() {
    let dir = playbook(&base());
    std::fs::write(dir.path().join("b.yaml"), base()).unwrap();
    // One process allowed: every worker thread is refused (exit 101 before).
    let out = unprivileged(
        r#"ulimit -u 1 && exec "$DEFUSE" lint --jobs 8 ."#,
        dir.path(),
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("0 errors, 0 warnings in 2 files"),
        "{stderr}"
    );
}

/// #12 item 17: `triage`, `test` and `playbooks` report each hostile file
/// with exactly the diagnostics `lint` gives it (`file:line:col: error: …
/// [rule]`, snippet and help), not a byte offset or other wording.
#[test]
fn every_command_reports_a_hostile_playbook_as_lint_does() {
    let dir = Path::new(ROOT).join("tests/hostile");
    let answers = Path::new(ROOT).join("examples/general-fire.answers.yaml");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        let golden = std::fs::read_to_string(file.with_extension("out")).unwrap_or_default();
        if file.extension().is_none_or(|e| e != "yaml") || !golden.contains(": error: ") {
            continue;
        }
        // Under a name of its own, in a directory of its own, so every
        // command names the file the same way.
        let tmp = tempfile::tempdir().unwrap();
        let pb = tmp.path().join("pb");
        std::fs::create_dir(&pb).unwrap();
        std::fs::copy(&file, pb.join("bad.yaml")).unwrap();
        std::fs::write(
            pb.join("bad.tests.yaml"),
            "playbook: bad.yaml\ncases:\n  - name: any\n    answers: {case: {customer: A}}\n    expect: {level: calm}\n",
        )
        .unwrap();
        let run = |args: &[&str]| {
            Test::new()
                .current_dir(tmp.path())
                .args(args.iter().copied())
                .run()
        };
        let lint = run(&["lint", "pb/bad.yaml"]).status(1).stdout;
        let name = file.file_name().unwrap().to_string_lossy();
        let expected = format!("error: invalid playbook\n{lint}");
        let triage = run(&[
            "triage",
            "--playbook",
            "pb/bad.yaml",
            "--answers",
            answers.to_str().unwrap(),
        ]);
        assert_eq!(triage.stderr, expected, "triage, {name}");
        assert_eq!(triage.status, 1, "triage, {name}");
        let test = run(&["test", "pb/bad.tests.yaml"]);
        assert!(
            test.stdout.contains(&expected),
            "test, {name}: {}",
            test.stdout
        );
        let playbooks = run(&["playbooks", "--playbook-dir", "pb"]);
        assert!(
            playbooks.stderr.contains(&expected),
            "playbooks, {name}: {}",
            playbooks.stderr
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} hostile files checked");
}

/// #12 item 5: eight 6 MB node floods (`tags: [a,a,…]`, 3 million items,
/// under the size limit) are refused at the node limit, in bounded memory
/// whatever `--jobs` says. Before: 2.5 GB and 25 s.
#[test]
fn node_floods_are_refused_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let flood = format!(
        "id: flood\ntitle: Flood\nversion: \"1\"\ntags: [{}a]\n",
        "a,".repeat(3_000_000)
    );
    let first = tmp.path().join("flood-0.yaml");
    std::fs::write(&first, flood).unwrap();
    for i in 1..8 {
        std::fs::hard_link(&first, tmp.path().join(format!("flood-{i}.yaml"))).unwrap();
    }
    // Python's `resource` reads the peak RSS of lint alone (its only child),
    // not the largest child this test binary ever waited for.
    let measure = "import resource, subprocess, sys\n\
        r = subprocess.run(sys.argv[1:], capture_output=True)\n\
        sys.stdout.buffer.write(r.stdout)\n\
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
        sys.exit(r.returncode)";
    let out = std::process::Command::new("python3")
        .args(["-c", measure])
        .arg(assert_cmd::cargo::cargo_bin("defuse"))
        .args(["lint", "--jobs", "8"])
        .arg(tmp.path())
        .output()
        .expect("python3 (it measures lint's peak memory)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (stdout, max_rss) = stdout
        .trim_end()
        .rsplit_once('\n')
        .expect("lint's output, then its peak RSS");
    let max_rss_kb: u64 = max_rss.parse().expect("peak RSS in KB");
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout
            .matches("more than 100,000 YAML nodes (values, lists and maps) [yaml-limit]")
            .count(),
        8,
        "{stdout}"
    );
    assert!(
        stdout.contains("split it into several playbooks"),
        "{stdout}"
    );
    assert!(max_rss_kb < 150_000, "lint used {max_rss_kb} KB");
}

/// Ten independent mistakes of different kinds, structural and semantic:
/// one run reports all ten, each at its own line and column (#16 §2).
#[test]
fn one_run_reports_every_independent_mistake() {
    let text = base()
        // 1. unknown field (top level) and 2. a missing top-level field
        .replacen("version: \"1\"\n", "colour: red\n", 1)
        // 3. a bad enum value (with a "did you mean")
        .replacen("      kind: yes_no\n", "      kind: yesno\n", 1)
        // 4. an unquoted YAML 1.1 boolean key
        .replacen(
            "      \"yes\": {flags: [real_loss]}\n",
            "      yes: {flags: [real_loss]}\n",
            1,
        )
        // 5. an unknown reference
        .replacen(
            "    when: {flag: real_loss}\n",
            "    when: {flag: real_los}\n",
            1,
        )
        // 6. an unknown field in a flow mapping
        .replacen(
            "{id: lost_face, label: Lost face}",
            "{id: lost_face, label: Lost face, colour: red}",
            1,
        )
        // 7. a bad duration
        .replacen("      due: 30m\n", "      due: 30 minutes\n", 1)
        // 8. an unknown remedy kind
        .replacen("      kind: compensation\n", "      kind: compensaton\n", 1)
        // 9. a remedy with no `when:`
        .replacen("      when: {flag: real_loss}\n", "", 1)
        // 10. a template with an unknown placeholder
        .replacen(
            "      due: 24h\n",
            "      due: 24h\n      template: \"Dear {{custmer}},\"\n",
            1,
        );
    let dir = playbook(&text);
    let out = Test::new()
        .args(["lint", "playbook.yaml"])
        .current_dir(dir.path())
        .run()
        .status(1)
        .stdout;
    let findings = out
        .lines()
        .filter(|l| l.starts_with("playbook.yaml:"))
        .count();
    assert_eq!(findings, 10, "{out}");
    insta::assert_snapshot!("lint-ten-mistakes", out);
}

/// The fast path never sees these files (they are not clean), so the full
/// path alone must agree with itself: the first structural finding is the
/// one serde-saphyr reports on its own, as before.
#[test]
fn the_first_structural_finding_is_the_parsers_own() {
    let text = base()
        .replacen("      kind: yes_no\n", "      kind: yesno\n", 1)
        .replacen("      due: 30m\n", "      due: 30 minutes\n", 1);
    let alone = serde_saphyr::from_str_with_options::<defuse::playbook::Playbook>(
        &text,
        defuse::playbook::load::yaml_options(),
    )
    .unwrap_err();
    let first = defuse::playbook::load::LoadError::from_yaml("", &text, &alone).problems;
    let all = defuse::lint::full_check(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(all[0], first[0]);
}

/// A scenario file given to lint gets one finding naming `defuse test`, and
/// the key list lint tells it by is the scenario file's own.
#[test]
fn a_scenario_file_given_to_lint_is_named_as_such() {
    let schema = schemars::schema_for!(defuse::scenario::ScenarioFile);
    let props = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .unwrap();
    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut ours = defuse::lint::SCENARIO_KEYS.to_vec();
    ours.sort_unstable();
    assert_eq!(keys, ours);
    let scenario = std::fs::read(Path::new(ROOT).join("playbooks/outage.tests.yaml")).unwrap();
    let problems = defuse::lint::check_bytes(&scenario);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].rule.id(), "not-a-playbook");
}

#[test]
fn a_playbook_given_to_test_names_lint_and_the_scenario_file() {
    Test::new()
        .args(["test", &format!("{ROOT}/playbooks/outage.yaml")])
        .run()
        .status(1)
        .stdout_contains("is a playbook, not a scenario file")
        .stdout_contains("playbooks/outage.tests.yaml")
        .stdout_contains("defuse lint");
}
