//! Loading a playbook: bounded YAML parsing, then semantic validation.
//!
//! Never panics on any input; every problem carries a line and column. All
//! semantic problems are collected, not just the first.

// Re-exported where answers files, scenarios and front ends have always found them.
use super::model::Playbook;
use super::validate::validate;
pub use crate::diagnostic::{LoadError, Problem, RuleId, Severity, did_you_mean, snippet};

/// Parser limits sized for real playbooks (the largest shipped one is a few
/// hundred nodes; a 10,000-question playbook still fits) while refusing alias
/// bombs and pathological nesting quickly.
pub fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_nodes: 2_000_000,
            max_events: 4_000_000,
            max_depth: 64,
            max_aliases: 10_000,
            max_total_scalar_bytes: 32 * 1024 * 1024,
        },
    }
}

/// Parses and validates a playbook; every problem found, warnings included.
/// `Playbook` is `None` when it could not even be deserialized.
pub fn check_str(source_name: &str, source: &str) -> (Option<Playbook>, LoadError) {
    let mut report = LoadError {
        source_name: source_name.to_owned(),
        problems: Vec::new(),
    };
    match serde_saphyr::from_str_with_options::<Playbook>(source, yaml_options()) {
        Ok(playbook) => {
            report.problems = validate(&playbook, source);
            (Some(playbook), report)
        }
        Err(e) => (None, LoadError::from_yaml(source_name, source, &e)),
    }
}

/// Parses and validates a playbook; fails on any error (warnings are dropped).
pub fn load_str(source_name: &str, source: &str) -> Result<Playbook, LoadError> {
    match check_str(source_name, source) {
        (Some(playbook), report) if !report.has_errors() => Ok(playbook),
        (_, mut report) => {
            report.problems.retain(|p| p.severity == Severity::Error);
            Err(report)
        }
    }
}
