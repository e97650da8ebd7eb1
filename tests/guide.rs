//! docs/playbook-guide.md is true: each marked block is a complete file that
//! lints (clean, or with the one finding it names) and whose scenarios pass;
//! the first is what `defuse new playbook` writes; every built-in remedy kind
//! and every template placeholder is documented.

use std::path::Path;

use crate::common::scratch;
use crate::test::Test;

fn guide() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/playbook-guide.md"))
        .unwrap()
}

/// Each `<!-- guide-test: MARKER -->` and the fenced block after it, in order.
fn blocks() -> Vec<(String, String)> {
    let text = guide();
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(marker) = line
            .strip_prefix("<!-- guide-test: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
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
        found.push((marker.to_owned(), body.join("\n") + "\n"));
    }
    found
}

const PLAYBOOK: &str = "late-delivery.yaml";
const SCENARIOS: &str = "late-delivery.tests.yaml";

#[test]
fn guide_examples_lint_and_test() {
    let blocks = blocks();
    assert!(blocks.len() >= 4, "the guide lost its examples: {blocks:?}");
    let dir = scratch();
    let (mut playbooks, mut scenarios) = (0, 0);
    for (marker, body) in &blocks {
        match marker.split_once(' ').unwrap_or((marker, "")) {
            ("new-playbook", "") => {
                let new = scratch();
                Test::new()
                    .current_dir(&new)
                    .args(["new", "playbook", "late-delivery"])
                    .run()
                    .success();
                let written =
                    std::fs::read_to_string(new.join("playbooks").join(PLAYBOOK)).unwrap();
                assert_eq!(
                    *body, written,
                    "the guide's first playbook is not what `defuse new playbook` writes"
                );
                std::fs::write(dir.join(PLAYBOOK), body).unwrap();
                playbooks += 1;
            }
            ("playbook", expect) => {
                std::fs::write(dir.join(PLAYBOOK), body).unwrap();
                let lint = Test::new()
                    .args(["lint", "--deny-warnings"])
                    .arg(dir.join(PLAYBOOK))
                    .run();
                match expect.strip_prefix("finding=") {
                    None => {
                        lint.success();
                    }
                    Some(rule) => {
                        let out = lint.status(1);
                        let err = out.stdout + &out.stderr;
                        let rules: Vec<&str> = err
                            .lines()
                            .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
                            .filter_map(|l| l.rsplit_once(" [")?.1.strip_suffix(']'))
                            .collect();
                        assert!(!rules.is_empty(), "expected [{rule}], got:\n{err}");
                        assert!(
                            rules.iter().all(|r| *r == rule),
                            "expected only [{rule}], got:\n{err}"
                        );
                    }
                }
                playbooks += 1;
            }
            ("scenarios", "") => {
                std::fs::write(dir.join(SCENARIOS), body).unwrap();
                scenarios += 1;
            }
            _ => panic!("unknown guide-test marker `{marker}`"),
        }
        // The scenarios written so far hold for the playbook as it now stands,
        // whenever that playbook lints clean.
        if dir.join(SCENARIOS).exists() && !marker.contains("finding=") {
            Test::new()
                .arg("test")
                .arg(&dir)
                .run()
                .success()
                .stdout_contains(" passed, 0 failed");
        }
    }
    assert!(playbooks >= 3 && scenarios >= 1);
}

#[test]
fn guide_lists_every_remedy_kind_and_placeholder() {
    let text = guide();
    for kind in defuse::playbook::BUILTIN_REMEDY_KINDS {
        assert!(
            text.contains(&format!("| `{kind}` |")),
            "remedy kind `{kind}` missing from the guide's table"
        );
    }
    for name in defuse::playbook::template::PLACEHOLDERS {
        assert!(
            text.contains(&format!("`{{{{{name}}}}}`")),
            "placeholder {{{{{name}}}}} missing from the guide"
        );
    }
}

#[test]
fn readme_points_to_the_guide() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("docs/playbook-guide.md"));
}
