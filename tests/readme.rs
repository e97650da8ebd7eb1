//! The README's examples are true: every `readme-test: run` command succeeds,
//! the example plan is the real output, and the exit codes match `--help`.

use std::path::Path;

use crate::common::{bin, replay};
use crate::test::Test;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The fenced block after each marker line starting with `marker`.
fn blocks_after(marker: &str) -> Vec<(String, String)> {
    let text = readme();
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line
            .strip_prefix("<!-- readme-test: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        let Some(arg) = rest.strip_prefix(marker) else {
            continue;
        };
        let fence = lines.next().expect("a fenced block follows the marker");
        assert!(
            fence.starts_with("```"),
            "marker not followed by a fence: {fence}"
        );
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        found.push((arg.trim().to_owned(), body.join("\n") + "\n"));
    }
    assert!(!found.is_empty(), "no `{marker}` markers in README.md");
    found
}

#[test]
fn readme_example_plan_is_real_output() {
    for (answers, shown) in blocks_after("plan-of") {
        let out = replay(Path::new(&answers), Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(
            out.starts_with(&shown),
            "README plan excerpt is stale; real output starts:\n{}",
            &out[..shown.len().min(out.len())]
        );
    }
}

#[test]
fn readme_commands_run() {
    // In README order, against one archive, as a reader trying them would:
    // the cases listed are the ones the triage examples stored.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    for (_, block) in blocks_after("run") {
        for line in block.lines() {
            let Some(command) = line.strip_prefix("$ defuse ") else {
                continue;
            };
            // A page the README writes lands in the temp dir, not the repo.
            let args = command
                .split_whitespace()
                .map(|arg| match arg.ends_with(".html") {
                    true => tmp.path().join(arg).into_os_string(),
                    false => arg.into(),
                });
            Test::new()
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("DEFUSE_DB", &db)
                .args(args)
                .run()
                .success();
        }
    }
}

#[test]
fn readme_exit_codes_match_help() {
    // Through the binary: `--help` exits 0 as the process reports it.
    let help = bin()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(help).unwrap();
    let text = readme();
    for code in ["0", "1", "2", "3", "130"] {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| {code} |")))
            .unwrap_or_else(|| panic!("README has no exit code {code}"));
        let meaning = row.split('|').nth(2).unwrap().trim().replace('`', "");
        assert!(
            help.contains(&format!("{code:<4} {meaning}")),
            "README's exit code {code} ({meaning}) differs from --help:\n{help}"
        );
    }
}

#[test]
fn readme_names_the_test_command_that_ci_runs() {
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(readme().contains("cargo test --locked"));
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test --locked"),
        ".ci/run must run the README's test command"
    );
}

#[test]
fn readme_playbook_error_is_real_output() {
    for (args, shown) in blocks_after("typo-in-general") {
        let (right, wrong) = args.split_once(' ').unwrap();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("playbooks")).unwrap();
        let general = include_str!("../playbooks/general.yaml").replacen(
            &format!("not: {{flag: {right}}}"),
            &format!("not: {{flag: {wrong}}}"),
            1,
        );
        std::fs::write(tmp.path().join("playbooks/general.yaml"), general).unwrap();
        let examples =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/general-fire.answers.yaml");
        let out = Test::new()
            .current_dir(tmp.path())
            .args([
                "triage",
                "--playbook",
                "playbooks/general.yaml",
                "--answers",
            ])
            .arg(examples)
            .run()
            .status(1)
            .stderr;
        assert!(
            out.contains(&shown),
            "README error sample is stale; real output:\n{out}"
        );
    }
}

#[test]
fn readme_config_example_is_real_output() {
    let [(_, file)] = &blocks_after("config-file")[..] else {
        panic!("one config-file example")
    };
    let [(_, shown)] = &blocks_after("config-output")[..] else {
        panic!("one config-output example")
    };
    let xdg = crate::common::scratch();
    std::fs::create_dir_all(xdg.join("defuse")).unwrap();
    std::fs::write(xdg.join("defuse/config.toml"), file).unwrap();
    let out = Test::new()
        .env("XDG_CONFIG_HOME", &xdg)
        .env("HOME", "/home/li")
        .env_remove("DEFUSE_DB")
        .args(["config"])
        .run()
        .success()
        .stdout;
    // The README shows the usual place: ~/.config.
    let out = out.replace(&xdg.display().to_string(), "/home/li/.config");
    assert_eq!(
        format!("$ defuse config\n{out}"),
        *shown,
        "README's `defuse config` is stale"
    );
}
