//! docs/lint-rules.md is true: every rule has a section, `--explain` prints
//! it, and each example gives exactly the output shown.

use std::path::Path;

use crate::common::bin;

fn docs() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint-rules.md"))
        .unwrap()
}

/// `\xNN` in examples stands for a byte that cannot be shown as text.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text.as_bytes();
    while let Some(i) = rest.windows(2).position(|w| w == b"\\x") {
        out.extend_from_slice(&rest[..i]);
        let hex = std::str::from_utf8(&rest[i + 2..i + 4]).unwrap();
        out.push(u8::from_str_radix(hex, 16).unwrap());
        rest = &rest[i + 4..];
    }
    out.extend_from_slice(rest);
    out
}

fn block_after<'a>(section: &'a str, fence: &str) -> Option<&'a str> {
    let start = section.find(fence)? + fence.len() + 1;
    let end = section[start..].find("```\n")? + start;
    Some(&section[start..end])
}

#[test]
fn every_rule_is_documented_and_explained() {
    let docs = docs();
    for rule in defuse::lint::rules::RULES {
        assert!(
            docs.contains(&format!("\n## {}\n", rule.id)),
            "no section for {}",
            rule.id
        );
        bin()
            .args(["lint", "--explain", rule.id])
            .assert()
            .success()
            .stdout(predicates::str::starts_with(format!("## {}\n", rule.id)));
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
        let out = bin()
            .current_dir(dir.path())
            .args(["lint", "playbook.yaml"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            expected,
            "docs/lint-rules.md section {rule} is stale: run python3 docs/gen-lint-rules.py"
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} examples checked");
}
