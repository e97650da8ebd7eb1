//! `defuse lint`: every problem in every playbook file, fast.
//!
//! Files are checked in parallel by a fixed number of workers that each hold
//! one file at a time, so memory does not grow with the number of files;
//! reports come out in path order, so output is deterministic.

pub mod fast;
pub mod format;
pub mod rules;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::catalog::MAX_PLAYBOOK_BYTES;
use crate::diagnostic::{Problem, RuleId, Severity, position};
use crate::playbook::load::check_str;
use crate::playbook::validate::{lint_checks, yaml_boolean_words};
use crate::read::{self, ReadFailure};
use crate::walk::Found;

/// The diagnostics of one file. It borrows the path, so a clean file's
/// report allocates nothing that outlives its check.
#[derive(Debug)]
pub struct FileReport<'a> {
    pub path: &'a Path,
    pub problems: Vec<Problem>,
}

impl FileReport<'_> {
    /// The path as the output shows it.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// Checks every file with up to `jobs` workers; reports in the order given.
/// A path the walk could not read gets its `unreadable-file` finding here,
/// in its place in the order. If the system refuses a worker thread (a
/// process limit), the workers already running share the files; with none,
/// the files are checked on this thread.
pub fn lint_files(files: &[Found], jobs: usize) -> Vec<FileReport<'_>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<FileReport>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(found) = files.get(i) else { break };
            let report = match &found.error {
                None => lint_file(&found.path),
                Some(e) => FileReport {
                    path: &found.path,
                    problems: vec![unreadable(e)],
                },
            };
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(report);
            }
        }
    };
    std::thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            match std::thread::Builder::new().spawn_scoped(scope, work) {
                Ok(_) => started += 1,
                Err(_) => break,
            }
        }
        if started == 0 {
            work();
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

pub fn lint_file(path: &Path) -> FileReport<'_> {
    let problems = match read_bounded(path) {
        Ok(bytes) => check_bytes(&bytes),
        Err(problem) => vec![problem],
    };
    FileReport { path, problems }
}

/// The finding for a path that could not be read at all.
fn unreadable(e: &std::io::Error) -> Problem {
    Problem::new(
        "",
        1,
        1,
        RuleId::UnreadableFile,
        format!("cannot read: {e}"),
        None,
    )
}

/// The file's bytes, or the diagnostic that says why there are none.
fn read_bounded(path: &Path) -> Result<Vec<u8>, Problem> {
    let problem = |rule, message: String, help: Option<&str>| {
        Problem::new("", 1, 1, rule, message, help.map(Into::into))
    };
    read::read_bounded(path, MAX_PLAYBOOK_BYTES).map_err(|failure| match failure {
        ReadFailure::Io(e) => unreadable(&e),
        ReadFailure::NotRegular => problem(
            RuleId::UnreadableFile,
            "not a regular file".into(),
            Some("lint playbook files, not pipes or devices"),
        ),
        ReadFailure::TooLarge(limit) => problem(
            RuleId::FileTooLarge,
            format!(
                "file is over {} MiB; playbooks are refused beyond that",
                limit / (1024 * 1024)
            ),
            Some("is this really a playbook? split it, or lint the right file"),
        ),
    })
}

/// All problems in a playbook given as raw bytes: encoding and shape first,
/// then YAML, types and semantics.
pub fn check_bytes(bytes: &[u8]) -> Vec<Problem> {
    if let Some(nul) = memchr::memchr(0, bytes) {
        let (line, column) = position(bytes, nul);
        return vec![Problem::new(
            "",
            line,
            column,
            RuleId::BinaryFile,
            "NUL byte: this is not a text file".into(),
            None,
        )];
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = position(bytes, e.valid_up_to());
            return vec![Problem::new(
                "",
                line,
                column,
                RuleId::InvalidUtf8,
                "invalid UTF-8: playbooks must be UTF-8 text".into(),
                Some("re-save the file as UTF-8".into()),
            )];
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Most files are clean; those need no positions (see `fast`). The fast
    // path refuses empty files and document markers, so a clean file needs
    // none of the checks below either.
    if fast::is_clean(text) {
        return Vec::new();
    }
    let has_content = text.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with('#') && l != "---"
    });
    if !has_content {
        return vec![Problem::new(
            text,
            1,
            1,
            RuleId::EmptyFile,
            "the file has no playbook in it".into(),
            None,
        )];
    }
    if let Some(line) = second_document(text) {
        return vec![Problem::new(
            text,
            line,
            1,
            RuleId::MultipleDocuments,
            "a second YAML document starts here; a playbook file holds one".into(),
            Some("put each playbook in its own file".into()),
        )];
    }
    full_check(text)
}

/// Every problem in a playbook's text, read by the full parser (serde-saphyr)
/// with positions: what lint reports for any file the fast path does not
/// call clean.
pub fn full_check(text: &str) -> Vec<Problem> {
    let (playbook, mut report) = check_str("", text);
    if let Some(playbook) = &playbook {
        report.problems.extend(yaml_boolean_words(playbook, text));
        report.problems.extend(lint_checks(playbook, text));
    }
    report.problems.sort_by_key(|p| (p.line, p.column));
    report.problems
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(bytes: &[u8]) -> Vec<(&'static str, u64, u64)> {
        check_bytes(bytes)
            .into_iter()
            .map(|p| (p.rule.id(), p.line, p.column))
            .collect()
    }

    #[test]
    fn hostile_bytes_get_positioned_diagnostics() {
        assert_eq!(rules(b""), [("empty-file", 1, 1)]);
        assert_eq!(rules(b"# only a comment\n\n"), [("empty-file", 1, 1)]);
        assert_eq!(rules(b"id: a\ntitle: \xff\n"), [("invalid-utf8", 2, 8)]);
        assert_eq!(rules(b"id: a\nti\x00tle: b\n"), [("binary-file", 2, 3)]);
        assert_eq!(
            rules(b"id: a\n---\nid: b\n"),
            [("multiple-documents", 2, 1)]
        );
        assert_eq!(rules(b"id: a\n\t- x\n")[0].0, "yaml-syntax");
    }

    #[test]
    fn a_leading_document_marker_and_a_bom_are_fine() {
        let general = include_str!("../../playbooks/general.yaml");
        assert!(
            check_bytes(format!("---\n{general}").as_bytes())
                .iter()
                .all(|p| p.severity == Severity::Warning)
        );
        assert!(
            check_bytes(format!("\u{feff}{general}").as_bytes())
                .iter()
                .all(|p| p.severity == Severity::Warning)
        );
        assert!(
            check_bytes(general.replace('\n', "\r\n").as_bytes())
                .iter()
                .all(|p| p.severity == Severity::Warning)
        );
    }
}
