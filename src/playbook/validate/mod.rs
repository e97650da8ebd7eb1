//! Semantic checks of a playbook: every reference resolves, ids are unique,
//! each question has the fields its kind needs, ladders can be climbed,
//! templates parse. All problems are collected, each with its rule, and a
//! node's `allow:` list (or the playbook's) silences a rule there.
//!
//! `validate` runs when any playbook loads; `lint_checks` and
//! `yaml_boolean_words` only under `defuse lint`. Each file owns one concern;
//! they all report through `Checker`, which applies the `allow:` lists.

mod fields;
mod languages;
mod levels;
mod lint_only;
mod questions;
mod references;
mod remedies;
mod yaml_words;

use serde_saphyr::Spanned;

use super::model::Playbook;
use crate::diagnostic::{Problem, RuleId, did_you_mean};
use references::Refs;

pub(crate) use yaml_words::YAML11_BOOLEANS;
pub use yaml_words::yaml_boolean_words;

/// Where problems are collected, with the `allow:` lists in force.
struct Checker<'a> {
    source: &'a str,
    problems: Vec<Problem>,
    /// Rules the playbook allows everywhere (`allow:` at the top level).
    root_allow: Vec<RuleId>,
    /// Rules the node being checked allows (its own `allow:`).
    node_allow: Vec<RuleId>,
}

/// The rules an `allow:` list names; names that are no rule are reported by
/// `check_allow_lists` and silence nothing.
fn allowed(allow: &[Spanned<String>]) -> Vec<RuleId> {
    allow
        .iter()
        .filter_map(|a| RuleId::lint_rule(&a.value))
        .collect()
}

impl<'a> Checker<'a> {
    fn new(source: &'a str, pb: &'a Playbook) -> Self {
        Checker {
            source,
            problems: Vec::new(),
            root_allow: allowed(&pb.allow),
            node_allow: Vec::new(),
        }
    }

    /// From now on, problems are about the node with this `allow:` list.
    fn node(&mut self, allow: &[Spanned<String>]) {
        self.node_allow = allowed(allow);
    }

    fn at<T>(&mut self, rule: RuleId, spanned: &Spanned<T>, message: String, help: Option<String>) {
        let at = &spanned.referenced;
        self.at_line_col(rule, (at.line(), at.column()), message, help);
    }

    fn at_line_col(
        &mut self,
        rule: RuleId,
        (line, column): (u64, u64),
        message: String,
        help: Option<String>,
    ) {
        if self.root_allow.contains(&rule) || self.node_allow.contains(&rule) {
            return;
        }
        self.problems
            .push(Problem::new(self.source, line, column, rule, message, help));
    }
}

/// Every problem that stops a playbook from loading, and the cheap warnings,
/// in source order.
pub fn validate<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    let mut c = Checker::new(source, pb);
    check_allow_lists(&mut c, pb);
    languages::check_locale_codes(&mut c, pb);
    let refs = Refs::of(pb);
    references::check_unique_ids(&mut c, pb);
    references::check_catalogues(&mut c, pb, &refs);
    questions::check(&mut c, pb, &refs);
    levels::check(&mut c, pb, &refs);
    remedies::check(&mut c, pb, &refs);
    fields::check(&mut c, pb);
    c.problems.sort_by_key(|p| (p.line, p.column));
    c.problems
}

/// Checks only `defuse lint` runs: they cost more than loading for a live
/// call should, and none of them stops a playbook from working. (With
/// `yaml_boolean_words`.)
pub fn lint_checks<'a>(pb: &'a Playbook, source: &'a str) -> Vec<Problem> {
    let mut c = Checker::new(source, pb);
    languages::check_translations(&mut c, pb);
    lint_only::check(&mut c, pb);
    c.problems
}

/// Every `allow:` list names real rules.
fn check_allow_lists<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    let lists = std::iter::once(&pb.allow)
        .chain(pb.assess.questions.iter().map(|q| &q.allow))
        .chain(pb.levels.iter().map(|l| &l.allow))
        .chain(pb.authority.iter().map(|r| &r.allow))
        .chain(pb.grievance.catalogue.iter().map(|g| &g.allow))
        .chain(pb.remedies.catalogue.iter().map(|r| &r.allow))
        .chain(pb.followups.iter().map(|f| &f.allow));
    for rule in lists.flatten() {
        if RuleId::lint_rule(&rule.value).is_none() {
            let help = did_you_mean(&rule.value, RuleId::lint().map(RuleId::id))
                .or_else(|| Some("see `defuse lint --explain` for the rules".into()));
            c.at(
                RuleId::UnknownRule,
                rule,
                format!("unknown lint rule `{}`", rule.value),
                help,
            );
        }
    }
}
