//! Every lint rule: its stable id, default severity and one-line summary.
//! The full documentation of each, with an example and its exact output, is
//! `docs/lint-rules.md` (printed by `defuse lint --explain RULE`, checked by
//! `tests/lint_docs.rs`).

use crate::playbook::diagnostic::Severity::{self, Error, Warning};

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($id:literal $severity:ident $summary:literal;)+) => {
        pub const RULES: &[Rule] = &[$(Rule { id: $id, severity: $severity, summary: $summary }),+];
    };
}

rules! {
    "yaml-syntax" Error "The file is not valid YAML.";
    "yaml-limit" Error "The file exceeds the parser's safety limits (alias bombs, deep nesting).";
    "duplicate-key" Error "A mapping has the same key twice.";
    "unknown-field" Error "A field the playbook format does not have.";
    "missing-field" Error "A required field is missing.";
    "wrong-type" Error "A value has the wrong type.";
    "bad-enum-value" Error "A value outside its fixed set (question kind, step, condition name…).";
    "invalid-duration" Error "A due time or delay that is not like `30m`, `2h`, `3d`, `1w`.";
    "empty-file" Error "The file has no playbook in it.";
    "binary-file" Error "The file contains NUL bytes: it is not text.";
    "invalid-utf8" Error "The file is not UTF-8 text.";
    "multiple-documents" Error "The file holds more than one YAML document.";
    "file-too-large" Error "The file is over the size limit for playbooks (8 MiB).";
    "unreadable-file" Error "The file could not be read.";
    "duplicate-id" Error "Two items of the same list share an id.";
    "missing-score" Error "The `severity` or `authority` score is not declared.";
    "empty-catalogue" Error "A list the triage needs is empty.";
    "unknown-reference" Error "A condition or effect names a flag, score, question, level, authority or grievance that does not exist.";
    "reference-out-of-scope" Error "A condition uses something not known yet where it is evaluated.";
    "unknown-answer" Error "A condition or default names an answer the question does not have.";
    "untestable-question" Error "A condition tests a free-text question.";
    "question-shape" Error "A question lacks the fields its kind needs, or has fields of another kind.";
    "baseline-condition" Error "The first (baseline) level or authority has a `when`.";
    "unreachable-level" Error "A level or authority can never be chosen.";
    "unknown-remedy-kind" Error "A remedy kind that is neither built in nor declared.";
    "template-error" Error "A template does not parse or uses an unknown placeholder.";
    "unknown-rule" Error "An `allow:` list names a rule that does not exist.";
    "never-holds" Error "A remedy or follow-up condition can never hold.";
    "unknown-locale" Error "A localized text uses a language code defuse does not speak (`en`, `zh-TW`, `zh-CN`).";
    "yaml-boolean-key" Warning "An unquoted `yes`/`no`/`on`/`off` key that YAML 1.1 tools read as a boolean.";
    "unused-flag" Warning "A declared flag that no answer raises.";
    "level-out-of-order" Warning "A level or authority that a higher one always beats.";
    "level-without-remedy" Warning "A level at which no remedy is ever proposed.";
    "missing-translation" Warning "A text lacks a language the rest of the playbook is written in.";
}

pub fn ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The documentation of all rules (one `## id` section each).
pub const DOCS: &str = include_str!("../../docs/lint-rules.md");

/// The `## id` section of the documentation.
pub fn explain(id: &str) -> Option<&'static str> {
    let start = DOCS.find(&format!("\n## {id}\n"))? + 1;
    let end = DOCS[start + 3..]
        .find("\n## ")
        .map_or(DOCS.len(), |e| start + 3 + e + 1);
    Some(DOCS[start..end].trim_end())
}
