//! Tools for the team lead who owns the playbook (#15 section 4):
//! `defuse test --coverage` (what the scenarios exercise) and
//! `defuse test --against-archive` (what an edited playbook would change
//! for the calls already stored).

use std::path::{Path, PathBuf};

use crate::common::example;
use crate::test::Test;

/// A small playbook with one of each thing coverage counts: two levels,
/// two authorities, two remedies (one with wording variants), a
/// conditional follow-up and a conditional don't.
const MINI: &str = r#"id: mini
title: Minimal
version: "1"
scores:
  - {id: severity, label: Severity}
  - {id: authority, label: Authority}
flags:
  - {id: real_loss, label: Real loss}
  - {id: boss, label: Boss}
assess:
  questions:
    - id: loss
      kind: yes_no
      prompt: Did they lose money?
      "yes": {flags: [real_loss]}
    - id: boss
      kind: yes_no
      prompt: Is it the boss?
      "yes": {flags: [boss]}
levels:
  - {id: calm, label: Calm, definition: Nothing lost., response_force: Listen.}
  - id: fire
    label: Fire
    definition: Money lost.
    response_force: Escalate.
    when: {flag: real_loss}
authority:
  - {id: venting, label: Venting, definition: No power., stance: Listen.}
  - {id: boss, label: Boss, definition: Can sign., stance: Act., when: {flag: boss}}
grievance:
  guidance: Let them finish.
  catalogue:
    - {id: lost_face, label: Lost face}
remedies:
  catalogue:
    - id: listen
      kind: de_escalation
      label: Listen
      action:
        - {text: Hear the loss out., when: {flag: real_loss}}
        - text: Let them finish.
      owner: Account rep
      due: 30m
      when: {level_at_least: calm}
    - id: refund
      kind: compensation
      label: Refund
      action: Refund the loss.
      owner: Account director
      due: 24h
      when: {flag: real_loss}
followups:
  - {id: check_in, after: 3d, action: Call back., owner: Account rep, when: {flag: real_loss}}
donts:
  - {step: remedies, text: Don't offer money for nothing lost., when: {not: {flag: real_loss}}}
"#;

const CALM: &str = "  - name: calm\n    answers: {case: {customer: X}, assess: {loss: \"no\", boss: \"no\"}, grievance: {picked: [lost_face]}}\n    expect: {level: calm}\n";
const FIRE: &str = "  - name: fire\n    answers: {case: {customer: Y}, assess: {loss: \"yes\", boss: \"yes\"}, grievance: {picked: [lost_face]}}\n    expect: {level: fire, authority: boss}\n";

fn mini_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.yaml"), MINI).unwrap();
    std::fs::write(
        dir.path().join("full.tests.yaml"),
        format!("playbook: mini.yaml\ncases:\n{CALM}{FIRE}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("partial.tests.yaml"),
        format!("playbook: mini.yaml\ncases:\n{CALM}"),
    )
    .unwrap();
    dir
}

#[test]
fn coverage_of_scenarios_that_exercise_everything() {
    let dir = mini_dir();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["test", "--coverage", "full.tests.yaml"])
        .run()
        .success()
        .stderr("");
    insta::assert_snapshot!("coverage-full", out.stdout);
}

#[test]
fn coverage_lists_what_is_never_exercised_and_warns_about_remedies() {
    let dir = mini_dir();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["test", "--coverage", "partial.tests.yaml"])
        .run()
        // A remedy never proposed is a warning, not a failure.
        .success()
        .stderr("warning: playbook `mini`: no scenario proposes remedy `refund`\n");
    insta::assert_snapshot!("coverage-partial", out.stdout);
}

#[test]
fn coverage_as_json_for_ci_keeps_stdout_one_document() {
    let dir = mini_dir();
    let out = Test::new()
        .current_dir(dir.path())
        .args([
            "test",
            "--coverage",
            "--format",
            "json",
            "partial.tests.yaml",
        ])
        .run()
        .success()
        .stderr_contains("ok   partial.tests.yaml:3 calm\n1 passed, 0 failed\n")
        .stderr_contains("warning: playbook `mini`: no scenario proposes remedy `refund`");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let mini = &json[0];
    assert_eq!(mini["playbook"], "mini");
    assert_eq!(mini["scenarios"], 1);
    let group = |name: &str| {
        mini["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["category"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let remedies = group("remedies");
    assert_eq!(
        (remedies["exercised"].as_u64(), remedies["total"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        remedies["items"][1],
        serde_json::json!({"id": "refund", "count": 0})
    );
    let wordings = group("wordings");
    assert_eq!(
        wordings["items"],
        serde_json::json!([
            {"id": "remedies.listen.action[0]", "count": 0},
            {"id": "remedies.listen.action[1]", "count": 1},
        ])
    );
    assert_eq!(group("donts")["items"][0]["count"], 1);
}

#[test]
fn a_plain_test_run_computes_no_coverage_and_format_needs_a_report() {
    let dir = mini_dir();
    Test::new()
        .current_dir(dir.path())
        .args(["test", "partial.tests.yaml"])
        .run()
        .success()
        .stdout("ok   partial.tests.yaml:3 calm\n1 passed, 0 failed\n")
        .stderr("");
    Test::new()
        .current_dir(dir.path())
        .args(["test", "--format", "json", "partial.tests.yaml"])
        .run()
        .status(2)
        .stderr_contains("--format applies to --coverage and --against-archive");
}

/// An archive holding the shipped examples, stored by replaying them.
fn archive_of_examples(db: &Path) {
    for name in [
        "general-fire",
        "general-leverage",
        "general-public",
        "general-venting",
        "scope-lost-face",
    ] {
        Test::new()
            .env("DEFUSE_DB", db)
            .args(["triage", "--out", "-", "--answers"])
            .arg(example(name))
            .run()
            .success();
    }
}

/// A copy of the general playbook where a severity score of 6 no longer
/// makes a fire: the public outage (Bright Retail) drops to serious.
fn edited_general(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("playbooks/general.yaml")).unwrap();
    let from = "- all: [{score: {id: severity, at_least: 6}}, {authority_at_least: influencer}]";
    assert!(text.contains(from), "the fire rule moved: update this test");
    let edited = text.replace(
        from,
        "- all: [{score: {id: severity, at_least: 99}}, {authority_at_least: influencer}]",
    );
    let pb = dir.join("edited");
    std::fs::create_dir_all(&pb).unwrap();
    std::fs::write(pb.join("general.yaml"), edited).unwrap();
    pb
}

/// Every file of the archive (the database and any journal), by content.
fn snapshot_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn what_if_lists_the_stored_cases_an_edit_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let db = store.join("cases.db");
    archive_of_examples(&db);
    let edited = edited_general(dir.path());
    let before = snapshot_files(&store);

    // The playbooks as shipped: nothing changes.
    Test::new()
        .args(["test", "--against-archive", "--fail-on-change", "--db"])
        .arg(&db)
        .run()
        .success()
        .stdout("5 cases replayed: 0 would change, 0 no longer replay\n");

    let out = Test::new()
        .args(["test", "--against-archive", "--db"])
        .arg(&db)
        .arg("--playbook-dir")
        .arg(&edited)
        .run()
        .success();
    insta::assert_snapshot!("what-if-table", out.stdout);

    Test::new()
        .args(["test", "--against-archive", "--fail-on-change", "--db"])
        .arg(&db)
        .arg("--playbook-dir")
        .arg(&edited)
        .run()
        .status(1)
        .stderr_contains("error: 1 stored case would change, 0 no longer replay");

    let out = Test::new()
        .args(["test", "--against-archive", "-f", "json", "--db"])
        .arg(&db)
        .arg("--playbook-dir")
        .arg(&edited)
        .run()
        .success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        (json["replayed"].as_u64(), json["changed"].as_u64()),
        (Some(5), Some(1))
    );
    let case = &json["cases"][0];
    assert_eq!(case["customer"], "Bright Retail");
    assert_eq!(
        (&case["before"]["level"], &case["after"]["level"]),
        (&"fire".into(), &"serious".into())
    );

    // --since leaves out the earlier calls (Bright Retail is the latest).
    Test::new()
        .args(["test", "--against-archive", "--since", "2026-11-26", "--db"])
        .arg(&db)
        .arg("--playbook-dir")
        .arg(&edited)
        .run()
        .success()
        .stdout("0 cases replayed: 0 would change, 0 no longer replay\n");

    // Read-only: not a byte of the database or its journal changed (the
    // `-shm` file is SQLite's shared-memory index, which readers update).
    let after = snapshot_files(&store);
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after));
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert!(name.ends_with("-shm") || old == new, "{name} was written");
    }
}

#[test]
fn what_if_leaves_out_void_and_rehearsal_cases_and_reports_answers_that_no_longer_load() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    archive_of_examples(&db);
    Test::new()
        .env("DEFUSE_DB", &db)
        .args([
            "triage",
            "--rehearse",
            "--out",
            "-",
            "--now",
            "2026-11-27T10:00:00+08:00",
            "--answers",
        ])
        .arg(example("general-fire"))
        .run()
        .success();
    // The Bright Retail case (the only one the edit changes) is void.
    let listed = Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "list", "--customer", "Bright Retail", "-f", "json"])
        .run()
        .success()
        .stdout;
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let number = listed[0]["number"].to_string();
    Test::new()
        .env("DEFUSE_DB", &db)
        .env("USER", "lead")
        .args(["cases", "void", &number, "--reason", "test call"])
        .run()
        .success();
    // The scope-dispute playbook renames a grievance the stored answers pick.
    let edited = edited_general(dir.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scope = std::fs::read_to_string(root.join("playbooks/scope-dispute.yaml")).unwrap();
    std::fs::write(
        edited.join("scope-dispute.yaml"),
        scope.replace("lost_face", "face_lost"),
    )
    .unwrap();
    let out = Test::new()
        .args(["test", "--against-archive", "--fail-on-change", "--db"])
        .arg(&db)
        .arg("--playbook-dir")
        .arg(&edited)
        .run()
        .status(1)
        .stderr_contains("error: 0 stored cases would change, 1 no longer replays");
    assert!(!out.stdout.contains("Bright Retail"), "{}", out.stdout);
    assert!(
        out.stdout.contains("no longer replays: answers:19:11: error: invalid answer to `grievance.picked`: `lost_face` is not one of"),
        "{}",
        out.stdout
    );
    // Four counting cases: the void one and the rehearsal are not replayed.
    assert!(
        out.stdout
            .ends_with("4 cases replayed: 0 would change, 1 no longer replays\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn what_if_without_an_archive_replays_nothing_at_the_default_place_and_fails_on_a_named_one() {
    let dir = tempfile::tempdir().unwrap();
    Test::new()
        .env_remove("DEFUSE_DB")
        .env("XDG_DATA_HOME", dir.path())
        .args(["test", "--against-archive", "--fail-on-change"])
        .run()
        .success()
        .stdout("0 cases replayed: 0 would change, 0 no longer replay\n");
    Test::new()
        .args(["test", "--against-archive", "--db"])
        .arg(dir.path().join("none.db"))
        .run()
        .status(2)
        .stderr_contains("no case archive at");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing created"
    );
}
