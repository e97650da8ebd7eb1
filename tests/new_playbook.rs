//! `defuse new playbook`: what it writes passes `lint --deny-warnings` and
//! `test`, it never replaces a file, and its NAME is a playbook id.

use crate::common::scratch;
use crate::test::Test;

#[test]
fn new_playbook_lints_and_tests_clean() {
    let dir = scratch();
    Test::new()
        .current_dir(&dir)
        .args(["new", "playbook", "late-delivery"])
        .run()
        .success()
        .stderr_contains("wrote playbooks/late-delivery.yaml")
        .stderr_contains("wrote playbooks/late-delivery.tests.yaml")
        // The CI job and the hook run the very checks below.
        .stdout_contains("defuse lint --deny-warnings --format github playbooks")
        .stdout_contains(
            "#!/bin/sh\nset -e\ndefuse lint --deny-warnings playbooks\ndefuse test playbooks\n",
        );
    let playbook = std::fs::read_to_string(dir.join("playbooks/late-delivery.yaml")).unwrap();
    assert!(playbook.contains("\nid: late-delivery\ntitle: Late delivery\n"));
    Test::new()
        .current_dir(&dir)
        .args(["lint", "--deny-warnings", "playbooks"])
        .run()
        .success()
        .stderr_contains("0 errors, 0 warnings in 1 file");
    Test::new()
        .current_dir(&dir)
        .args(["test", "playbooks"])
        .run()
        .success()
        .stdout_contains("2 passed, 0 failed");
    // The new id is the one triage picks it by.
    Test::new()
        .current_dir(&dir)
        .args(["playbooks"])
        .run()
        .success()
        .stdout_contains("late-delivery");
}

#[test]
fn new_playbook_writes_into_dir_and_never_replaces() {
    let dir = scratch();
    let target = dir.join("team/books");
    Test::new()
        .args(["new", "playbook", "billing2", "--dir"])
        .arg(&target)
        .run()
        .success();
    let scenario = target.join("billing2.tests.yaml");
    std::fs::write(&scenario, "# ours\n").unwrap();
    std::fs::remove_file(target.join("billing2.yaml")).unwrap();
    Test::new()
        .args(["new", "playbook", "billing2", "--dir"])
        .arg(&target)
        .run()
        .status(2)
        .stderr_contains(&format!("{} already exists", scenario.display()));
    // Refused before anything was written: the playbook is not recreated.
    assert!(!target.join("billing2.yaml").exists());
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), "# ours\n");
}

#[test]
fn new_playbook_name_is_a_playbook_id() {
    for bad in [
        "Late",
        "late_delivery",
        "-late",
        "late-",
        "a--b",
        "",
        "../x",
        "late delivery",
    ] {
        Test::new()
            .current_dir(scratch())
            .args(["new", "playbook", "--", bad])
            .run()
            .status(2)
            .stderr_contains("is not a playbook id");
    }
}
