//! Answers files recorded before issue #15 changed the default playbook's
//! questions (new options, `real_loss`/`negotiation`/`public` from yes/no to
//! choices, a multi-select complaint kind, a new conditional question) still
//! replay, and decide what they decided then. `tests/answers-before-15/` holds
//! the shipped examples as they were at that change, frozen: the examples
//! themselves may move on, these may not.

use std::path::Path;

use crate::test::Test;

/// Each frozen file, with the level and authority its plan had when recorded.
const RECORDED: &[(&str, &str, &str)] = &[
    ("general-fire", "fire", "decision_maker"),
    ("general-leverage", "concern", "venting"),
    ("general-public", "fire", "decision_maker"),
    ("general-venting", "concern", "venting"),
    ("outage-memory", "major", "influencer"),
    ("scope-leverage", "standoff", "venting"),
    ("scope-lost-face", "breakdown", "influencer"),
];

#[test]
fn every_answers_file_shipped_before_issue_15_replays_to_the_same_judgement() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/answers-before-15");
    let mut frozen: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    frozen.sort();
    let listed: Vec<String> = RECORDED
        .iter()
        .map(|(name, ..)| format!("{name}.answers.yaml"))
        .collect();
    assert_eq!(frozen, listed, "every frozen file has a recorded judgement");

    for (name, level, authority) in RECORDED {
        let out = Test::new()
            .args([
                "triage",
                "--format",
                "json",
                "--out",
                "-",
                "--no-store",
                "--answers",
            ])
            .arg(dir.join(format!("{name}.answers.yaml")))
            .run()
            .status(0)
            .stdout;
        let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
        let judged = (
            plan["assessment"]["level"]["id"]
                .as_str()
                .unwrap_or_default(),
            plan["assessment"]["authority"]["id"]
                .as_str()
                .unwrap_or_default(),
        );
        assert_eq!(judged, (*level, *authority), "{name}");
        // Nothing was answered "not sure" then, so nothing is said about it.
        assert!(plan["assessment"].get("unsure").is_none(), "{name}");
    }
}
