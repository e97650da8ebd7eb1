//! Every rule a diagnostic can name: its stable kebab-case id, severity,
//! one-line summary and explanation. A rule is a `RuleId` variant, so a
//! misspelt rule is a compile error; text (`--allow`, `allow:` lists,
//! `--explain`) is parsed into one by `RuleId::from_id`, the only place ids
//! are read. `docs/lint-rules.md` is generated from this table
//! (`defuse lint --rules-markdown`; see `lint::rules`).

use std::fmt;

use super::Severity::{self, Error, Warning};

/// Which files a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Playbooks: `defuse lint` checks them, and `--allow`/`allow:` may name them.
    Lint,
    /// Answers and scenario files, read by `triage --answers` and `defuse test`.
    Answers,
}

macro_rules! rules {
    ($(
        $variant:ident $id:literal $scope:ident $severity:ident
            summary: $summary:literal
            why: $why:literal
            fix: $fix:literal;
    )+) => {
        /// A rule, by its id. Variants are listed in documentation order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant),+
        }

        impl RuleId {
            /// Every rule, lint rules first, in documentation order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),+];

            /// The stable kebab-case id, e.g. `unknown-reference`.
            pub const fn id(self) -> &'static str {
                match self { $(RuleId::$variant => $id),+ }
            }

            /// The severity a problem under this rule has.
            pub const fn severity(self) -> Severity {
                match self { $(RuleId::$variant => $severity),+ }
            }

            /// Which files the rule is about.
            pub const fn scope(self) -> Scope {
                match self { $(RuleId::$variant => Scope::$scope),+ }
            }

            /// One line: what the rule finds.
            pub const fn summary(self) -> &'static str {
                match self { $(RuleId::$variant => $summary),+ }
            }

            /// Why it matters.
            pub const fn why(self) -> &'static str {
                match self { $(RuleId::$variant => $why),+ }
            }

            /// How to fix it.
            pub const fn fix(self) -> &'static str {
                match self { $(RuleId::$variant => $fix),+ }
            }
        }
    };
}

rules! {
    YamlSyntax "yaml-syntax" Lint Error
        summary: "The file is not valid YAML."
        why: "The file must be YAML before anything else can be checked; tabs for indentation are the usual cause."
        fix: "Indent with spaces; check quotes and colons.";
    YamlLimit "yaml-limit" Lint Error
        summary: "The file exceeds the parser's safety limits (too many nodes, alias bombs, deep nesting)."
        why: "The parser refuses a file with more than 100,000 YAML nodes (values, lists and maps; the largest shipped playbook has under 3,000), more than 10,000 aliases or more than 64 levels of nesting (here 260) as soon as it passes the limit, before it costs memory or time. The message names the limit that was hit. The limits are fixed: no option raises them."
        fix: "Split a playbook that big into several playbooks (one per kind of complaint); write values out instead of building them from aliases; flatten the nesting.";
    DuplicateKey "duplicate-key" Lint Error
        summary: "A mapping has the same key twice."
        why: "YAML would silently keep one of the two values; defuse refuses to guess."
        fix: "Keep one.";
    UnknownField "unknown-field" Lint Error
        summary: "A field the playbook format does not have."
        why: "A misspelt field would otherwise be ignored, and its meaning lost."
        fix: "Use a field the format has (see `playbook.schema.json`).";
    MissingField "missing-field" Lint Error
        summary: "A required field is missing."
        why: "Every playbook needs its id, title, version and steps."
        fix: "Add the field.";
    WrongType "wrong-type" Lint Error
        summary: "A value has the wrong type."
        why: "A list where text is expected (or the reverse) cannot mean what was intended."
        fix: "Write the value with the expected type.";
    BadEnumValue "bad-enum-value" Lint Error
        summary: "A value outside its fixed set (question kind, step, condition name…)."
        why: "Question kinds, steps and condition names are a fixed set."
        fix: "Use one of the values listed in the message.";
    InvalidDuration "invalid-duration" Lint Error
        summary: "A due time or delay that is not like `30m`, `2h`, `3d`, `1w`."
        why: "Due times become absolute times in the plan; they must be exact."
        fix: "Write a number and a unit: `30m`, `2h`, `24h`, `3d`, `1w`.";
    InvalidWorkingHours "invalid-working-hours" Lint Error
        summary: "A `working_hours:` block with days, hours or a time zone that cannot be read."
        why: "Due times count working time in these hours; a wrong day, hour or zone would move every due time."
        fix: "Write days like `Mon-Fri`, hours like `09:00-18:00` (opening before closing) and an IANA zone like `Asia/Taipei`.";
    EmptyFile "empty-file" Lint Error
        summary: "The file has no playbook in it."
        why: "An empty file in `playbooks/` is almost always a mistake."
        fix: "Remove it, or write the playbook.";
    BinaryFile "binary-file" Lint Error
        summary: "The file contains NUL bytes: it is not text."
        why: "A NUL byte means the file is not text (an image, an archive, a mis-saved file)."
        fix: "Lint the right file.";
    InvalidUtf8 "invalid-utf8" Lint Error
        summary: "The file is not UTF-8 text."
        why: "Playbooks are UTF-8; other encodings garble Chinese and other non-Latin text."
        fix: "Re-save the file as UTF-8.";
    MultipleDocuments "multiple-documents" Lint Error
        summary: "The file holds more than one YAML document."
        why: "A playbook file holds one playbook; a second `---` document would be ignored."
        fix: "Put each playbook in its own file.";
    FileTooLarge "file-too-large" Lint Error
        summary: "The file is over the size limit for playbooks (8 MiB)."
        why: "Playbooks are small; a file over 8 MiB is refused before parsing."
        fix: "Lint the right file. (Example: any file over 8 MiB.)";
    UnreadableFile "unreadable-file" Lint Error
        summary: "The file could not be read."
        why: "The path cannot be read as a regular file (missing, a FIFO, a broken or looping link, an unreadable directory, no permission); lint reports it, checks every other file, and exits 2."
        fix: "Lint regular files. (Example: a FIFO named `playbook.yaml`.)";
    DuplicateId "duplicate-id" Lint Error
        summary: "Two items of the same list share an id."
        why: "Ids are how conditions, answers and plans refer to things; they must be unique."
        fix: "Rename one.";
    MissingScore "missing-score" Lint Error
        summary: "The `severity` or `authority` score is not declared."
        why: "The SOP's first step judges severity and authority; both scores must exist."
        fix: "Declare the score under `scores:`.";
    EmptyCatalogue "empty-catalogue" Lint Error
        summary: "A list the triage needs is empty."
        why: "A triage needs at least one question, level, authority, grievance and remedy."
        fix: "Fill the list.";
    UnknownReference "unknown-reference" Lint Error
        summary: "A condition or effect names a flag, score, question, level, authority or grievance that does not exist."
        why: "A condition naming something that does not exist would silently never hold."
        fix: "Fix the name; the message suggests the nearest one.";
    ReferenceOutOfScope "reference-out-of-scope" Lint Error
        summary: "A condition uses something not known yet where it is evaluated."
        why: "Step 1's questions are asked before the level is known, so they cannot depend on it."
        fix: "Depend only on what is known at that point.";
    UnknownAnswer "unknown-answer" Lint Error
        summary: "A condition or default names an answer the question does not have."
        why: "Testing for an answer the question cannot give would never hold."
        fix: "Use one of the question's answers.";
    UntestableQuestion "untestable-question" Lint Error
        summary: "A condition tests a free-text question."
        why: "Free text cannot be compared in a condition."
        fix: "Ask a choice question instead.";
    QuestionShape "question-shape" Lint Error
        summary: "A question lacks the fields its kind needs, or has fields of another kind."
        why: "Each kind has its own fields: `yes`/`no`, `options`, or `scale`."
        fix: "Give the question the fields of its kind.";
    BaselineCondition "baseline-condition" Lint Error
        summary: "The first (baseline) level or authority has a `when`."
        why: "The first level is where every case starts; it is chosen when nothing higher holds."
        fix: "Remove its `when`.";
    UnreachableLevel "unreachable-level" Lint Error
        summary: "A level or authority can never be chosen."
        why: "A level above the baseline without a rule that can hold is never chosen."
        fix: "Give it a rule that can hold.";
    UnknownRemedyKind "unknown-remedy-kind" Lint Error
        summary: "A remedy kind that is neither built in nor declared."
        why: "Kinds group remedies in the plan; new ones must be declared."
        fix: "Use a built-in kind or declare it under `remedies.kinds`.";
    TemplateError "template-error" Lint Error
        summary: "A template does not parse or uses an unknown placeholder."
        why: "A template with an unknown placeholder would print it unfilled in a customer letter."
        fix: "Use a known placeholder; the help lists them.";
    InvalidField "invalid-field" Lint Error
        summary: "A playbook field (`fields:`) whose id, mask or limits cannot work."
        why: "A field's id is an answers-file key and a template placeholder (`{{field.ID}}` and `{{ID}}`): it must be a plain name that no built-in placeholder has. A mask or length that no value can meet, or a mask on a number or date, would refuse every answer mid-call."
        fix: "Use lowercase letters, digits and `_` for the id, not a built-in placeholder's name; give `mask` and `max_len` only to `text` fields, with a `max_len` no shorter than the mask.";
    UnknownRule "unknown-rule" Lint Error
        summary: "An `allow:` list names a rule that does not exist."
        why: "An `allow:` for a rule that does not exist suppresses nothing."
        fix: "Use a rule id from this page.";
    NeverHolds "never-holds" Lint Error
        summary: "A remedy or follow-up condition can never hold."
        why: "A remedy whose condition contradicts itself is never proposed."
        fix: "Remove the contradiction.";
    UnknownLocale "unknown-locale" Lint Error
        summary: "A localized text uses a language code defuse does not speak (`en`, `zh-TW`, `zh-CN`)."
        why: "Text under a language code defuse does not speak would never be shown; `zh_TW` (underscore) is the usual slip."
        fix: "Use `en`, `zh-TW` or `zh-CN`.";
    YamlBooleanKey "yaml-boolean-key" Lint Warning
        summary: "An unquoted `yes`/`no`/`on`/`off` key that YAML 1.1 tools read as a boolean."
        why: "YAML 1.1 tools and many editors read an unquoted `yes` as `true`, so the key changes meaning outside defuse."
        fix: "Quote it: `\"yes\"`.";
    UnusedFlag "unused-flag" Lint Warning
        summary: "A declared flag that no answer raises."
        why: "A flag no answer raises makes every condition on it dead."
        fix: "Raise it from a question, or remove it.";
    LevelOutOfOrder "level-out-of-order" Lint Warning
        summary: "A level or authority that a higher one always beats."
        why: "The highest level whose rule holds wins, so a lower level whose rule implies a higher one's is never chosen."
        fix: "Reorder the levels, or narrow the higher rule.";
    LevelWithoutRemedy "level-without-remedy" Lint Warning
        summary: "A level at which no remedy is ever proposed."
        why: "A level at which nothing is ever proposed leaves the rep without a plan."
        fix: "Give some remedy a `when` that holds at that level, or `allow:` it on the level.";
    ForbiddenRemedy "forbidden-remedy" Lint Warning
        summary: "A remedy can be proposed in a case where a don't that forbids it is shown."
        why: "The plan must never advise a remedy and a don't against it; the engine leaves the remedy out there, so its own `when` says something the playbook does not do."
        fix: "Narrow the remedy's `when` (add a `not:` of the don't's condition), or narrow the don't.";
    RemedyNeverProposed "remedy-never-proposed" Lint Warning
        summary: "A remedy with no `when:`: offered in step 3's list, never proposed."
        why: "Only a remedy whose `when:` holds is proposed (pre-ticked, with its reason); one without `when:` is listed for the rep to pick by hand and never proposed, which is easy to miss when it was meant to be proposed."
        fix: "Add a `when:` saying when to propose it; if it is meant to be picked by hand only, say so with `allow: [remedy-never-proposed]` on the remedy.";
    NotAPlaybook "not-a-playbook" Lint Error
        summary: "A scenario file (`cases:`) given to lint, which checks playbooks."
        why: "A scenario file's top-level keys (`playbook`, `cases`) are not a playbook's, so lint would report every one of them as unknown and every playbook field as missing."
        fix: "Run scenario files with `defuse test FILE`; lint the playbook they test.";
    MissingTranslation "missing-translation" Lint Warning
        summary: "A text lacks a language the rest of the playbook is written in."
        why: "Once a playbook is written in several languages, a text in fewer of them shows a rep working in another language the wrong one mid-call (the fallback order is zh-TW ↔ zh-CN, then en)."
        fix: "Add the missing languages; for text that reads the same in every language (a product name), allow the rule on that node.";
    UnknownAnswerKey "unknown-answer-key" Answers Error
        summary: "An answers file answers a question or field the playbook does not have."
        why: "A misspelt key would otherwise be ignored, and the question asked again or answered by its default."
        fix: "Use a key the playbook has; the help suggests the nearest one or lists them.";
    WrongPlaybook "wrong-playbook" Answers Error
        summary: "An answers file was recorded for another playbook."
        why: "Answers only mean something for the playbook they were given to."
        fix: "Pass the matching `--playbook`, or drop the `playbook:` line.";
    InvalidAnswer "invalid-answer" Answers Error
        summary: "An answer its question cannot take."
        why: "A replay must reach the plan the live session reached; an answer the rep could not have given is refused, not guessed at."
        fix: "Give one of the answers the question takes; the help repeats the question.";
    MissingAnswer "missing-answer" Answers Error
        summary: "A question with no default has no answer in the answers file."
        why: "A replay never asks, so a question without an answer or a default cannot be decided."
        fix: "Add the answer under its section, as the help shows.";
    InvalidTime "invalid-time" Answers Error
        summary: "The `now:` of an answers file is not a time."
        why: "The call time fixes every due time in the plan, so a replay needs it exactly."
        fix: "Write an RFC 3339 time such as `2026-11-23T10:00:00+08:00`, or pass `--now`.";
}

impl RuleId {
    /// The rule with this id, if there is one: the one place ids are parsed.
    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The playbook rules `defuse lint` checks, in documentation order.
    pub fn lint() -> impl Iterator<Item = RuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .filter(|r| r.scope() == Scope::Lint)
    }

    /// A playbook rule (one `--allow` and `allow:` may name), by id.
    pub fn lint_rule(id: &str) -> Option<RuleId> {
        RuleId::from_id(id).filter(|r| r.scope() == Scope::Lint)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in RuleId::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "{id} twice");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{id}"
            );
            assert_eq!(RuleId::from_id(id), Some(*rule));
        }
        assert_eq!(RuleId::from_id("unknown-referenc"), None);
    }

    #[test]
    fn answers_rules_are_not_lint_rules() {
        assert_eq!(RuleId::lint_rule("invalid-answer"), None);
        assert_eq!(RuleId::lint_rule("unused-flag"), Some(RuleId::UnusedFlag));
        // Lint rules come first, so lint output and SARIF indices are stable.
        let first_answers = RuleId::ALL
            .iter()
            .position(|r| r.scope() == Scope::Answers)
            .unwrap();
        assert!(
            RuleId::ALL[first_answers..]
                .iter()
                .all(|r| r.scope() == Scope::Answers)
        );
    }
}
