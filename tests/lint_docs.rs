//! docs/lint-rules.md is true: it is what the binary generates from the rule
//! table, every rule has a section, `--explain` prints it, and each example
//! gives exactly the output shown, on a real file (in-process: `Test`).

use std::path::Path;

use defuse::diagnostic::RuleId;

use crate::test::Test;

fn docs() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint-rules.md"))
        .unwrap()
}

/// `\xNN` in examples stands for a byte that cannot be shown as text.
use defuse::lint::rules::unescape;

fn block_after<'a>(section: &'a str, fence: &str) -> Option<&'a str> {
    let start = section.find(fence)? + fence.len() + 1;
    let end = section[start..].find("```\n")? + start;
    Some(&section[start..end])
}

#[test]
fn the_committed_docs_are_the_generated_ones() {
    let generated = Test::new()
        .args(["lint", "--rules-markdown"])
        .run()
        .success()
        .stdout;
    assert!(
        generated == docs(),
        "docs/lint-rules.md is stale: run \
         `cargo run --quiet -- lint --rules-markdown > docs/lint-rules.md`"
    );
}

#[test]
fn every_rule_is_documented_and_explained() {
    let docs = docs();
    for rule in RuleId::ALL {
        let id = rule.id();
        let start = docs
            .find(&format!("\n## {id}\n"))
            .unwrap_or_else(|| panic!("no section for {id}"))
            + 1;
        let section = docs[start..].split("\n## ").next().unwrap();
        let section = section.split("\n# ").next().unwrap().trim_end();
        Test::new()
            .args(["lint", "--explain", id])
            .run()
            .success()
            .stdout(&format!("{section}\n"));
    }
}

#[test]
fn every_documented_example_gives_the_documented_output() {
    let docs = docs();
    let mut checked = 0;
    for section in docs.split("\n## ").skip(1) {
        let rule = section.lines().next().unwrap();
        let (Some(example), Some(console)) = (
            block_after(section, "```yaml"),
            block_after(section, "```console"),
        ) else {
            continue;
        };
        let expected = console
            .strip_prefix("$ defuse lint playbook.yaml\n")
            .expect("the documented command");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("playbook.yaml"), unescape(example)).unwrap();
        let out = Test::new()
            .current_dir(dir.path())
            .args(["lint", "playbook.yaml"])
            .run();
        assert_eq!(
            out.stdout, expected,
            "docs/lint-rules.md section {rule} is stale: regenerate it (see the_committed_docs_are_the_generated_ones)"
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} examples checked");
}
