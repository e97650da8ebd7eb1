//! Loading a playbook: bounded YAML parsing, then semantic validation.
//!
//! Never panics on any input; every problem carries a line and column. All
//! semantic problems are collected, not just the first.

// Re-exported where answers files, scenarios and front ends have always found them.
use super::model::Playbook;
use super::recover;
use super::validate::validate;
pub use crate::diagnostic::{
    LoadError, Problem, RuleId, Severity, did_you_mean, limits, position, snippet,
};

/// Parser limits (`limits`) sized for real playbooks while refusing alias
/// bombs, node floods and pathological nesting quickly: a 6 MB
/// `tags: [a,a,…]` is refused after 100,000 nodes, in milliseconds, instead
/// of costing seconds and hundreds of MB (#12 item 5). Events are every node
/// plus one end per collection, so `max_events` never trips before
/// `max_nodes` does, and the finding names the node limit.
pub fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_nodes: limits::NODES,
            max_events: 2 * limits::NODES + limits::ALIASES + 16,
            max_depth: limits::DEPTH,
            max_aliases: limits::ALIASES,
            max_total_scalar_bytes: 32 * 1024 * 1024,
        },
    }
}

/// Parses and validates a playbook; every problem found, warnings included:
/// every structural problem (see `recover`), and the semantic problems of
/// what could be read. `Playbook` is `None` unless the file deserialized
/// exactly as written.
pub fn check_str(source_name: &str, source: &str) -> (Option<Playbook>, LoadError) {
    let read = recover::read(source);
    let mut problems = read.problems.clone();
    if let Some(playbook) = &read.playbook {
        problems.extend(read.restore(source, validate(playbook, &read.text)));
    }
    problems.sort_by_key(|p| (p.line, p.column));
    let report = LoadError {
        source_name: source_name.to_owned(),
        problems,
    };
    let exact = read.exact;
    (read.playbook.filter(|_| exact), report)
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

/// Loads a playbook file's raw bytes: the byte checks `defuse lint` makes
/// (`decode`, `shape_problem`), then parsing and validation. `triage`,
/// `test` and `playbooks` load files through here, so the same bad file
/// gets the same diagnostics from every command (#12 item 17).
pub fn load_bytes(source_name: &str, bytes: &[u8]) -> Result<Playbook, LoadError> {
    let one = |problem| LoadError {
        source_name: source_name.to_owned(),
        problems: vec![problem],
    };
    let text = decode(bytes).map_err(one)?;
    if let Some(problem) = shape_problem(text) {
        return Err(one(problem));
    }
    load_str(source_name, text)
}

/// A playbook file's bytes as text (without a leading BOM), or the problem
/// that says why they are not text: a NUL byte or invalid UTF-8, at its
/// line and column.
pub fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    if let Some(nul) = memchr::memchr(0, bytes) {
        let (line, column) = position(bytes, nul);
        return Err(Problem::new(
            "",
            line,
            column,
            RuleId::BinaryFile,
            "NUL byte: this is not a text file".into(),
            None,
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(bytes, e.valid_up_to());
        Problem::new(
            "",
            line,
            column,
            RuleId::InvalidUtf8,
            "invalid UTF-8: playbooks must be UTF-8 text".into(),
            Some("re-save the file as UTF-8".into()),
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// A file with nothing but comments and blank lines, or with a second YAML
/// document: problems the parser would report obscurely, or not at all.
pub fn shape_problem(text: &str) -> Option<Problem> {
    let has_content = text.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with('#') && l != "---"
    });
    if !has_content {
        return Some(Problem::new(
            text,
            1,
            1,
            RuleId::EmptyFile,
            "the file has no playbook in it".into(),
            None,
        ));
    }
    second_document(text).map(|line| {
        Problem::new(
            text,
            line,
            1,
            RuleId::MultipleDocuments,
            "a second YAML document starts here; a playbook file holds one".into(),
            Some("put each playbook in its own file".into()),
        )
    })
}

/// The line of a second `---` document marker, if any.
fn second_document(text: &str) -> Option<u64> {
    let mut seen_content = false;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ");
        if is_marker && seen_content {
            return Some(i as u64 + 1);
        }
        let trimmed = line.trim();
        if !is_marker && !trimmed.is_empty() && !trimmed.starts_with('#') {
            seen_content = true;
        }
    }
    None
}
