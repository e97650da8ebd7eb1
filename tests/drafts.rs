//! `defuse drafts` and corrupt drafts, run in-process (#12 item 18).

use std::path::Path;

use crate::test::Test;

/// A `Test` whose drafts directory is `dir`.
fn in_dir(dir: &Path) -> Test {
    Test::new().env("DEFUSE_DRAFTS_DIR", dir)
}

#[test]
fn drafts_never_says_no_drafts_beside_an_unreadable_one_and_discard_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("20261123-100000-1.draft.yaml"),
        "garbage: [\n",
    )
    .unwrap();
    let out = in_dir(tmp.path())
        .arg("drafts")
        .run()
        .status(1)
        .stdout("")
        .stderr_contains("draft 20261123-100000-1 is corrupt: defuse cannot read it back")
        .stderr_contains("20261123-100000-1.draft.yaml:1:")
        .stderr_contains("defuse drafts --discard 20261123-100000-1")
        .stderr_contains("1 draft could not be read");
    assert!(!out.stderr.contains("answers file"), "{out}");

    in_dir(tmp.path())
        .args(["drafts", "--discard", "20261123-100000-1"])
        .run()
        .success();
    in_dir(tmp.path())
        .arg("drafts")
        .run()
        .success()
        .stdout_contains("No drafts in");
}

#[test]
fn resume_and_playbook_may_be_given_together() {
    // Without a terminal the session cannot start, but the arguments are accepted.
    let out = Test::new()
        .args(["triage", "--resume", "--playbook", "moved/general.yaml"])
        .run()
        .status(2)
        .stderr_contains("no terminal");
    assert!(!out.stderr.contains("cannot be used with"), "{out}");
}
