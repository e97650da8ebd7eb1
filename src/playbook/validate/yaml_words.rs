//! Words other YAML tools read as booleans: an unquoted `yes` key or
//! answer is `true` to YAML 1.1 tools and many editors. The one check that
//! reads the source (for the quotes), so lint's fast path, which keeps no
//! positions and refuses every unquoted such word, skips it.

use serde_saphyr::Spanned;

use super::Checker;
use crate::diagnostic::{Problem, RuleId};
use crate::playbook::condition::Condition;
use crate::playbook::model::Playbook;

/// Words YAML 1.1 tools (and many editors) read as booleans when unquoted.
pub(crate) const YAML11_BOOLEANS: &[&str] = &["y", "yes", "n", "no", "on", "off", "true", "false"];

/// Whether the scalar at this position is written in quotes.
fn quoted<T>(source: &str, node: &Spanned<T>) -> bool {
    let line = source
        .lines()
        .nth(node.referenced.line().saturating_sub(1) as usize)
        .unwrap_or_default();
    let at = line
        .chars()
        .nth(node.referenced.column().saturating_sub(1) as usize);
    matches!(at, Some('"' | '\''))
}

/// Keys and answers that other YAML tools would read as booleans.
pub fn yaml_boolean_words<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    let mut c = Checker::new(source, pb);
    for q in &pb.assess.questions {
        c.node(&q.allow);
        for option in &q.options {
            boolean_word(&mut c, &option.key.value, &option.key);
        }
        if let Some(default) = &q.default {
            boolean_word(&mut c, &default.value.0, default);
        }
    }
    // The same words as keys anywhere (`yes:` on a yes/no question): read
    // from the YAML events, so every key of every node, new fields included.
    c.node(&[]);
    for (key, line, column) in crate::playbook::recover::plain_keys(source) {
        if YAML11_BOOLEANS.contains(&key.to_lowercase().as_str()) {
            c.at_line_col(
                RuleId::YamlBooleanKey,
                (line, column),
                format!("`{key}:` is a boolean key to YAML 1.1 tools and many editors"),
                Some(format!("quote it: `\"{key}\":`")),
            );
        }
    }
    // The same words as answers in conditions: `is: yes` is `is: true` elsewhere.
    for when in all_conditions(pb) {
        when.visit_answer_tests(&mut |test| {
            for key in test.keys() {
                boolean_word(&mut c, &key.value.0, key);
            }
        });
    }
    c.problems
}

/// One check for keys (`String`) and answers in conditions (`Key`): both
/// are words at a position.
fn boolean_word<T>(c: &mut Checker, word: &str, node: &Spanned<T>) {
    if YAML11_BOOLEANS.contains(&word.to_lowercase().as_str()) && !quoted(c.source, node) {
        c.at(
            RuleId::YamlBooleanKey,
            node,
            format!("`{word}` is a boolean to YAML 1.1 tools and many editors"),
            Some(format!("quote it: `\"{word}\"`")),
        );
    }
}

/// Every `when:` in the playbook, wherever it is.
fn all_conditions(pb: &Playbook) -> impl Iterator<Item = &Condition> {
    let questions = pb.assess.questions.iter().filter_map(|q| q.when.as_ref());
    let levels = pb.levels.iter().filter_map(|l| l.when.as_ref());
    let authority = pb.authority.iter().filter_map(|r| r.when.as_ref());
    let grievances = pb
        .grievance
        .catalogue
        .iter()
        .filter_map(|g| g.suggest_when.as_ref());
    let suggestions = pb.grievance.classify.conditions();
    let remedies = pb.remedies.catalogue.iter().filter_map(|r| r.when.as_ref());
    let followups = pb.followups.iter().filter_map(|f| f.when.as_ref());
    let donts = pb.donts.iter().filter_map(|d| d.when.as_ref());
    questions
        .chain(levels)
        .chain(authority)
        .chain(grievances)
        .chain(suggestions)
        .chain(remedies)
        .chain(followups)
        .chain(donts)
}
