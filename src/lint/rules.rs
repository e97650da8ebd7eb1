//! The documentation of every rule, built from the Rust rule table
//! (`diagnostic::RuleId`) and an example playbook per lint rule, with the
//! exact output `defuse lint playbook.yaml` gives on it, computed by linting
//! the example here. `defuse lint --explain RULE` prints one section;
//! `docs/lint-rules.md` is all of them (`defuse lint --rules-markdown`), and
//! `tests/lint_docs.rs` fails when the committed file differs.

use std::path::Path;

use super::{FileReport, check_bytes, format};
use crate::diagnostic::RuleId;
use crate::diagnostic::rule::Scope;

/// The playbook every example is made from.
const BASE: &str = include_str!("examples/base.yaml");
/// `BASE` with every text in English and Traditional Chinese, for the translation rules.
const BILINGUAL: &str = include_str!("examples/base.bilingual.yaml");

/// `base` with the first `old` replaced by `new`. (A missing `old` leaves the
/// clean base, which `every_example_shows_its_own_rule` catches.)
fn sub(base: &str, old: &str, new: &str) -> String {
    base.replacen(old, new, 1)
}

/// The example playbook of a lint rule as the docs show it (`\xNN` stands
/// for a byte that cannot be shown), or `None` for the rules no file in a
/// document can show.
pub fn example(rule: RuleId) -> Option<String> {
    use RuleId::*;
    let base = BASE;
    Some(match rule {
        YamlSyntax => sub(
            base,
            "      kind: yes_no\n",
            "      kind: yes_no\n\t  extra: x\n",
        ),
        YamlLimit => "[".repeat(260) + "\n",
        DuplicateKey => sub(base, "version: \"1\"\n", "version: \"1\"\nversion: \"2\"\n"),
        UnknownField => sub(
            base,
            "      due: 30m\n",
            "      due: 30m\n      owner_role: Team lead\n",
        ),
        MissingField => sub(base, "title: Minimal\n", ""),
        WrongType => sub(base, "title: Minimal\n", "title: [Minimal]\n"),
        BadEnumValue => sub(base, "      kind: yes_no\n", "      kind: yesno\n"),
        InvalidDuration => sub(base, "      due: 24h\n", "      due: tomorrow\n"),
        InvalidWorkingHours => sub(
            base,
            "version: \"1\"\n",
            "version: \"1\"\nworking_hours: {days: Mon-Fri, hours: \"18:00-09:00\"}\n",
        ),
        EmptyFile => String::new(),
        BinaryFile => "id: mini\\x00\n".into(),
        InvalidUtf8 => "id: mini\ntitle: \\xc1\\xfa\n".into(),
        MultipleDocuments => format!("{base}---\nid: second\n"),
        FileTooLarge | UnreadableFile => return None,
        DuplicateId => sub(
            base,
            "    - {id: lost_face, label: Lost face}\n",
            "    - {id: lost_face, label: Lost face}\n    - {id: lost_face, label: Face lost}\n",
        ),
        MissingScore => sub(base, "  - {id: authority, label: Authority}\n", ""),
        EmptyCatalogue => sub(
            base,
            "  catalogue:\n    - {id: lost_face, label: Lost face}\n",
            "  catalogue: []\n",
        ),
        UnknownReference => sub(
            base,
            "    when: {flag: real_loss}\n",
            "    when: {flag: real_los}\n",
        ),
        ReferenceOutOfScope => sub(
            base,
            "      \"yes\": {flags: [real_loss]}\n",
            "      \"yes\": {flags: [real_loss]}\n      when: {level_at_least: fire}\n",
        ),
        UnknownAnswer => sub(
            base,
            "      when: {flag: real_loss}\n",
            "      when: {answer: {question: loss, is: maybe}}\n",
        ),
        UntestableQuestion => sub(
            base,
            "      \"yes\": {flags: [real_loss]}\n",
            "      \"yes\": {flags: [real_loss]}\n    - {id: notes, kind: text, prompt: Notes}\n",
        )
        .replace(
            "      when: {flag: real_loss}\n",
            "      when: {answer: {question: notes, is: angry}}\n",
        ),
        QuestionShape => sub(base, "      kind: yes_no\n", "      kind: choice\n"),
        BaselineCondition => sub(
            base,
            "  - {id: calm, label: Calm, definition: Nothing lost., response_force: Listen.}\n",
            "  - {id: calm, label: Calm, definition: Nothing lost., response_force: Listen., when: {flag: real_loss}}\n",
        ),
        UnreachableLevel => sub(
            base,
            "    when: {flag: real_loss}\n",
            "    when: {all: [{flag: real_loss}, {not: {flag: real_loss}}]}\n",
        ),
        UnknownRemedyKind => sub(
            base,
            "      kind: compensation\n",
            "      kind: compensaton\n",
        ),
        TemplateError => sub(
            base,
            "      due: 24h\n",
            "      due: 24h\n      template: \"Dear {{custmer}},\"\n",
        ),
        InvalidField => sub(
            base,
            "version: \"1\"\n",
            "version: \"1\"\nfields:\n  - {id: date, label: Order date, kind: date}\n",
        ),
        UnknownRule => sub(
            base,
            "version: \"1\"\n",
            "version: \"1\"\nallow: [unused-flags]\n",
        ),
        NeverHolds => sub(
            base,
            "      when: {flag: real_loss}\n",
            "      when: {all: [{level: calm}, {level: fire}]}\n",
        ),
        UnknownLocale => sub(
            BILINGUAL,
            "{en: Money lost., zh-TW: 有金錢損失。}",
            "{en: Money lost., zh_TW: 有金錢損失。}",
        ),
        YamlBooleanKey => sub(
            base,
            "      kind: yes_no\n      prompt: Did they lose money?\n      \"yes\": {flags: [real_loss]}\n",
            "      kind: choice\n      prompt: Did they lose money?\n      options:\n        - {key: yes, label: Yes, flags: [real_loss]}\n        - {key: \"no\", label: No}\n",
        ),
        UnusedFlag => sub(
            base,
            "  - {id: real_loss, label: Real loss}\n",
            "  - {id: real_loss, label: Real loss}\n  - {id: public, label: Public}\n",
        ),
        LevelOutOfOrder => sub(
            base,
            "    when: {flag: real_loss}\n",
            "    when: {flag: real_loss}\n  - id: inferno\n    label: Inferno\n    definition: Money lost.\n    response_force: Everyone.\n    when: {flag: real_loss}\n",
        ),
        LevelWithoutRemedy => sub(
            base,
            "      when: {level_at_least: calm}\n",
            "      when: {level: fire}\n",
        )
        .replace(
            "      when: {flag: real_loss}\n",
            "      when: {all: [{flag: real_loss}, {level: fire}]}\n",
        ),
        ForbiddenRemedy => format!(
            "{base}donts:\n  - step: remedies\n    text: Don't refund a loss before the facts are known.\n    forbids: [refund]\n"
        ),
        MissingTranslation => sub(
            BILINGUAL,
            "action: {en: Refund the loss., zh-TW: 退還損失。}",
            "action: {en: Refund the loss.}",
        )
        .replace(
            "owner: {en: Account director, zh-TW: 業務總監}",
            "owner: Account director",
        ),
        RemedyNeverProposed => sub(base, "      when: {flag: real_loss}\n", ""),
        NotAPlaybook => {
            "cases:\n  - name: refund\n    answers: {}\n    expect: {level: fire}\n".into()
        }
        UnknownAnswerKey | WrongPlaybook | InvalidAnswer | MissingAnswer | InvalidTime => {
            return None;
        }
    })
}

/// The bytes an example stands for: `\xNN` is the byte NN.
pub fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text.as_bytes();
    while let Some(i) = rest.windows(2).position(|w| w == b"\\x") {
        out.extend_from_slice(&rest[..i]);
        match rest
            .get(i + 2..i + 4)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            Some(byte) => {
                out.push(byte);
                rest = &rest[i + 4..];
            }
            None => {
                out.extend_from_slice(b"\\x");
                rest = &rest[i + 2..];
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

/// What `defuse lint playbook.yaml` prints on stdout for a file with these bytes.
pub fn lint_output(bytes: &[u8]) -> String {
    let report = FileReport {
        path: Path::new("playbook.yaml"),
        problems: check_bytes(bytes),
    };
    format::human(&[report])
}

/// The documentation of one rule: `## id`, why, fix, and for lint rules with
/// an example, the example and its exact output. No trailing blank line.
pub fn explain(rule: RuleId) -> String {
    let mut section = format!("## {rule}\n\n{}\n\nFix: {}\n", rule.why(), rule.fix());
    if let Some(example) = example(rule) {
        let output = lint_output(&unescape(&example));
        section.push_str(&format!(
            "\n```yaml\n{example}```\n\n```console\n$ defuse lint playbook.yaml\n{output}```\n"
        ));
    }
    section
}

/// `docs/lint-rules.md`: every rule's section, lint rules first.
pub fn markdown() -> String {
    let mut doc = String::from(
        "# Lint rules\n\n\
         `defuse lint` checks playbooks for every rule below. Each section has an example\n\
         playbook and the exact output of `defuse lint playbook.yaml` on it. This file is\n\
         generated from the rule table in `src/diagnostic/rule.rs` by\n\
         `defuse lint --rules-markdown > docs/lint-rules.md` (`tests/lint_docs.rs` fails\n\
         when it is stale).\n\n\
         Suppress a rule everywhere with `--allow RULE`, or for one node with an `allow:`\n\
         list on the playbook, a question, level, authority, grievance, remedy or follow-up:\n\n\
         ```yaml\nlevels:\n  - id: calm\n    allow: [level-without-remedy]\n```\n",
    );
    for rule in RuleId::lint() {
        doc.push('\n');
        doc.push_str(&explain(rule));
    }
    doc.push_str(
        "\n# Answers-file rules\n\n\
         These are not lint rules (`--allow` cannot name them): they are the problems\n\
         `defuse triage --answers FILE` and `defuse test` report in answers and scenario\n\
         files, which also share the YAML rules above.\n",
    );
    for rule in RuleId::ALL.iter().filter(|r| r.scope() == Scope::Answers) {
        doc.push('\n');
        doc.push_str(&explain(*rule));
    }
    doc
}

/// Lint rule ids, for "did you mean" and the list in an unknown-rule error.
pub fn ids() -> Vec<&'static str> {
    RuleId::lint().map(RuleId::id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_shows_its_own_rule() {
        for rule in RuleId::lint() {
            if let Some(example) = example(rule) {
                let output = lint_output(&unescape(&example));
                assert!(
                    output.contains(&format!("[{rule}]")),
                    "the example of {rule} does not trigger it:\n{output}"
                );
            }
        }
    }

    #[test]
    fn unescape_reads_bytes_and_leaves_the_rest() {
        assert_eq!(unescape("a\\x00b"), b"a\0b");
        assert_eq!(unescape("\\xzz\\x"), b"\\xzz\\x");
    }
}
