//! Snapshots of the plans the examples produce (Markdown and JSON), and the
//! JSON contract.

use defuse::i18n::Lang;
use defuse::plan::{self, markdown};
use defuse::prompt::script::ScriptPrompter;
use defuse::triage::{Fingerprint, drive, session::Session};

use crate::common::{assert_tables_line_up, decisions, playbook, triage};

fn plan_for(example: &str) -> plan::Plan {
    plan_in(example, Lang::En)
}

fn plan_in(example: &str, lang: Lang) -> plan::Plan {
    let path = format!(
        "{}/examples/{example}.answers.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("playbook: "))
        .unwrap();
    let pb = playbook(id);
    let mut prompter = ScriptPrompter::new(&path, &text, &pb).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(&prompter.now().unwrap().value).unwrap();
    let mut session = Session::new(&pb).in_lang(lang);
    let outcome = drive(&mut session, &mut prompter, |_| {}).unwrap();
    let call = Fingerprint::of(&text, &pb.id.value, &pb.version, now.timestamp());
    plan::compose(&pb, &outcome, now, &call)
}

#[test]
fn markdown_plans() {
    for example in [
        "general-fire",
        "general-public",
        "outage-memory",
        "scope-lost-face",
    ] {
        insta::assert_snapshot!(
            format!("{example}.md"),
            markdown::render(&plan_for(example))
        );
    }
}

#[test]
fn chinese_plans() {
    for (example, lang) in [
        ("general-fire", Lang::ZhTw),
        ("general-fire", Lang::ZhCn),
        ("outage-memory", Lang::ZhCn),
        ("scope-lost-face", Lang::ZhTw),
    ] {
        let md = markdown::render(&plan_in(example, lang));
        assert_tables_line_up(&md);
        insta::assert_snapshot!(format!("{example}.{lang}.md"), md);
    }
}

/// Answers are keys, never wording: every example decides the same in
/// every language.
#[test]
fn every_example_decides_the_same_in_every_language() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut examples: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            name.strip_suffix(".answers.yaml").map(str::to_owned)
        })
        .collect();
    examples.sort();
    assert!(examples.len() >= 7, "{examples:?}");
    for example in &examples {
        let english = decisions(&plan_in(example, Lang::En).to_json());
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            let plan = plan_in(example, lang);
            assert_eq!(decisions(&plan.to_json()), english, "{example} in {lang}");
            assert_tables_line_up(&markdown::render(&plan));
        }
    }
}

#[test]
fn json_plan() {
    insta::assert_snapshot!("general-public.json", plan_for("general-public").to_json());
}

/// The JSON shape machines rely on: every key, with its type. A change here
/// is a breaking change and needs a new `schema` value.
#[test]
fn json_contract() {
    fn shape(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        use serde_json::Value::*;
        let kind = match value {
            Null => "null",
            Bool(_) => "bool",
            Number(_) => "number",
            String(_) => "string",
            Array(_) => "array",
            Object(_) => "object",
        };
        out.push(format!("{path}: {kind}"));
        match value {
            // Score names are playbook data, not shape.
            Object(_) if path.ends_with(".scores") => {}
            Object(map) => map
                .iter()
                .for_each(|(k, v)| shape(v, &format!("{path}.{k}"), out)),
            // The union over all items: a nullable field shows both types.
            Array(items) => items
                .iter()
                .for_each(|item| shape(item, &format!("{path}[]"), out)),
            _ => {}
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&plan_for("general-public").to_json()).unwrap();
    assert_eq!(json["schema"], "defuse.plan/v1");
    let mut lines = Vec::new();
    shape(&json, "", &mut lines);
    lines.sort();
    lines.dedup();
    insta::assert_snapshot!("plan-json-contract", lines.join("\n"));
}

/// The Markdown plan for `answers`, composed at a fixed time.
fn markdown_for(pb: &defuse::playbook::Playbook, answers: &str) -> String {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let call = Fingerprint::of(answers, &pb.id.value, &pb.version, now.timestamp());
    markdown::render(&plan::compose(pb, &triage(pb, answers), now, &call))
}

#[test]
fn customer_text_cannot_inject_markdown_or_terminal_escapes() {
    let pb = playbook("general");
    let answers = "case: {customer: \"# Evil\\e]0;x\\a <script>\", contact: \"[click](http://x)\"}\nassess: {our_failure: \"no\", role: staff, stakes: [nothing], pressure: \"no\", public: \"no\", audience: \"no\", history: first}\ngrievance: {picked: [venting], words: \"line1\\n## injected\"}\n";
    let md = markdown_for(&pb, answers);
    assert!(!md.contains('\x1b') && !md.contains('\x07'));
    assert!(md.contains("# Action plan: \\# Evil"), "{md}");
    // Drafts are fenced verbatim for copy-paste; everything else is escaped.
    let mut in_fence = false;
    let outside: String = md
        .lines()
        .filter(|line| {
            if line.starts_with("```") {
                in_fence = !in_fence;
            }
            !in_fence
        })
        .collect::<Vec<_>>()
        .join("\n");
    for bad in ["<script>", "[click](", "\n## injected"] {
        assert!(!outside.contains(bad), "{bad:?} in:\n{md}");
    }
}

/// A `|` the rep typed is escaped once: `\|` keeps the table's columns,
/// `\\|` would print a backslash and split the cell.
#[test]
fn a_pipe_in_a_table_cell_is_escaped_once() {
    let pb = playbook("general");
    let answers = "case: {customer: Acme, contact: \"Li | Wang\"}\nassess: {our_failure: \"no\", role: staff, stakes: [nothing], pressure: \"no\", public: \"no\", audience: \"no\", history: first}\ngrievance: {picked: [venting]}\n";
    let md = markdown_for(&pb, answers);
    let row = md.lines().find(|l| l.starts_with("| Contact")).unwrap();
    assert!(
        row.contains("Li \\| Wang") && !row.contains("\\\\|"),
        "{row}"
    );
}
