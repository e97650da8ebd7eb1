//! A bad playbook or answers file gives every problem with file:line:col and
//! a hint — never a panic.

use defuse::prompt::script::ScriptPrompter;

use crate::common::{playbook, problems};

/// A minimal valid playbook; tests break one thing at a time.
const MINIMAL: &str = "\
id: mini
title: Minimal
version: '1'
scores: [{id: severity, label: S}, {id: authority, label: A}]
flags: [{id: real_loss, label: Loss}]
assess:
  questions:
    - {id: q1, kind: yes_no, prompt: P, 'yes': {flags: [real_loss]}}
levels:
  - {id: low, label: L, definition: D, response_force: R}
  - {id: high, label: H, definition: D, response_force: R, when: {flag: real_loss}}
authority:
  - {id: venting, label: V, definition: D, stance: S}
grievance:
  guidance: G
  catalogue: [{id: lost_face, label: Lost face}]
remedies:
  catalogue:
    - {id: r1, kind: compensation, label: L, action: A, owner: O, due: 24h, when: {flag: real_loss}}
";

#[test]
fn the_minimal_playbook_is_valid() {
    assert_eq!(problems(MINIMAL), "");
}

#[test]
fn unknown_reference_points_at_it_and_suggests_the_near_miss() {
    let text = MINIMAL.replace(
        "due: 24h, when: {flag: real_loss}",
        "due: 24h, when: {grievance: lost_fac}",
    );
    let out = problems(&text);
    assert!(out.starts_with("pb.yaml:19:"), "{out}");
    assert!(out.contains("error: unknown grievance `lost_fac`"), "{out}");
    assert!(out.contains("did you mean `lost_face`?"), "{out}");
    assert!(out.contains("^"), "a caret under the column: {out}");
}

#[test]
fn all_semantic_problems_are_reported_not_just_the_first() {
    let text = MINIMAL
        .replace("kind: compensation", "kind: compensaton")
        .replace("flags: [real_loss]}}", "flags: [rael_loss]}}")
        .replace("{id: venting, label: V, definition: D, stance: S}", "{id: venting, label: V, definition: D, stance: S}\n  - {id: venting, label: V, definition: D, stance: S}");
    let out = problems(&text);
    for expected in [
        "unknown remedy kind `compensaton`",
        "unknown flag `rael_loss`",
        "duplicate authority id `venting`",
        "could never be chosen",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn syntax_type_and_unknown_field_errors_carry_positions() {
    for (broken, expected) in [
        (
            MINIMAL.replace("title: Minimal", "title: Minimal\ntitel: typo"),
            "pb.yaml:3:1: error: unknown field `titel`",
        ),
        (
            MINIMAL.replace("due: 24h", "due: soon"),
            "invalid duration `soon`",
        ),
        (
            MINIMAL.replace("kind: yes_no", "kind: yesno"),
            "unknown variant `yesno`",
        ),
        (
            MINIMAL.replace("version: '1'", "version: '1'\nid: again"),
            "duplicate mapping key",
        ),
        (
            MINIMAL.replace("assess:", "assess: [").to_string(),
            "pb.yaml:",
        ),
        (String::new(), "pb.yaml:1:1"),
        (
            MINIMAL.replace("title: Minimal\n", ""),
            "pb.yaml:1:1: error: missing field `title` [missing-field]",
        ),
        ("\u{feff}\x00\x01binary".to_owned(), "pb.yaml:"),
    ] {
        let out = problems(&broken);
        assert!(out.contains(expected), "expected {expected:?} in:\n{out}");
    }
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    assert!(problems(&bomb).starts_with("pb.yaml:"));
    let deep = "[".repeat(100_000);
    assert!(problems(&deep).starts_with("pb.yaml:"));
}

#[test]
fn a_question_may_not_depend_on_a_later_one_and_templates_are_checked() {
    let text = MINIMAL.replace(
        "    - {id: q1, kind: yes_no, prompt: P, 'yes': {flags: [real_loss]}}\n",
        "    - {id: q1, kind: yes_no, prompt: P, 'yes': {flags: [real_loss]}, when: {answer: {question: q2, is: 'yes'}}}\n    - {id: q2, kind: yes_no, prompt: P}\n",
    ).replace("due: 24h,", "due: 24h, template: 'Dear {{custmer}}',");
    let out = problems(&text);
    assert!(out.contains("question `q2` is asked later"), "{out}");
    assert!(out.contains("unknown placeholder `{{custmer}}`"), "{out}");
}

#[test]
fn answers_file_errors_name_the_question_and_the_position() {
    let pb = playbook("general");
    let err = |text: &str| match ScriptPrompter::new("a.yaml", text, &pb) {
        Err(e) => e.to_string(),
        Ok(_) => String::new(),
    };
    let out = err("case: {customer: X}\nassess:\n  our_falure: yes\n");
    assert!(out.starts_with("a.yaml:3:"), "{out}");
    assert!(
        out.contains("no question `our_falure`") && out.contains("did you mean `our_failure`?"),
        "{out}"
    );
    let out = err("playbook: outage\n");
    assert!(
        out.contains("for playbook `outage`, not `general`"),
        "{out}"
    );
}

/// An edit of a remedy is written as `remedies.adjust.<remedy>.{owner,due}`;
/// an error about it names that key and points at the value, not at the
/// session's internal `remedies.due.0`.
#[test]
fn a_bad_adjusted_due_time_names_the_key_the_file_has() {
    let pb = playbook("general");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/general-public.answers.yaml"
    );
    let good = std::fs::read_to_string(path).unwrap();
    let replay = |text: &str| {
        let mut prompter = ScriptPrompter::new("a.yaml", text, &pb).unwrap();
        let mut session = defuse::triage::session::Session::new(&pb);
        match defuse::triage::drive(&mut session, &mut prompter, |_| {}) {
            Err(e) => e.to_string(),
            Ok(_) => String::new(),
        }
    };
    assert_eq!(replay(&good), "", "the example replays");
    let line = good.lines().position(|l| l.contains("due: 2h")).unwrap() + 1;

    let out = replay(&good.replace("due: 2h", "due: soon"));
    assert!(
        out.contains("invalid answer to `remedies.adjust.pr_statement.due`"),
        "{out}"
    );
    assert!(!out.contains("remedies.due."), "{out}");
    let column = good.lines().nth(line - 1).unwrap().find("2h").unwrap() + 1;
    assert!(
        out.starts_with(&format!("a.yaml:{line}:{column}:")),
        "{out}"
    );

    let out = replay(&good.replace("owner: Head of Communications", "owner: ''"));
    assert!(
        out.contains("invalid answer to `remedies.adjust.pr_statement.owner`"),
        "{out}"
    );

    let out = replay(&good.replace("pr_statement: {", "pr_statment: {"));
    assert!(out.contains("invalid answer to `remedies.adjust`"), "{out}");
    assert!(out.contains("`pr_statment` is not one of"), "{out}");
    assert!(out.starts_with(&format!("a.yaml:{line}:")), "{out}");
}
