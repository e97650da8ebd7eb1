//! `defuse lint`: every problem in every playbook file, fast.
//!
//! Files are checked in parallel by a fixed number of workers that each hold
//! one playbook-sized file at a time; files over `LIGHT_BYTES` are checked
//! afterwards, one at a time on the calling thread. So memory grows neither
//! with the number of files nor, for big files, with `--jobs`; reports come
//! out in path order, so output is deterministic.

pub mod fast;
pub mod format;
pub mod rules;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::catalog::MAX_PLAYBOOK_BYTES;
use crate::diagnostic::{Problem, RuleId, Severity};
use crate::playbook::load::{decode, shape_problem};
use crate::playbook::recover;
use crate::playbook::validate::{lint_checks, validate, yaml_boolean_words};
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

/// Checks every file with up to `jobs` workers (at most `MAX_WORKERS`), then
/// the files over `LIGHT_BYTES` one at a time; reports in the order given.
/// A path the walk could not read gets its `unreadable-file` finding here,
/// in its place in the order. If the system refuses a worker thread (a
/// process limit), the workers already running share the files; with none,
/// the files are checked on this thread.
pub fn lint_files(files: &[Found], jobs: usize) -> Vec<FileReport<'_>> {
    let next = AtomicUsize::new(0);
    let heavy = Mutex::new(Vec::new());
    let slots: Vec<Mutex<Option<FileReport>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(found) = files.get(i) else { break };
            let report = match &found.error {
                None if is_heavy(&found.path) => {
                    heavy.lock().unwrap_or_else(PoisonError::into_inner).push(i);
                    continue;
                }
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
        for _ in 0..jobs.clamp(1, files.len().clamp(1, MAX_WORKERS)) {
            match std::thread::Builder::new().spawn_scoped(scope, work) {
                Ok(_) => started += 1,
                Err(_) => break,
            }
        }
        if started == 0 {
            work();
        }
    });
    for i in heavy.into_inner().unwrap_or_else(PoisonError::into_inner) {
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(lint_file(&files[i].path));
        }
    }
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

/// The most worker threads, whatever `--jobs` says. Each thread keeps what
/// it freed (see `LIGHT_BYTES`), ~2 MB for a worst-case playbook-sized
/// file, so this bounds memory too; playbooks are small and 16 workers
/// already outrun the disk.
const MAX_WORKERS: usize = 16;

/// Files bigger than this (the largest shipped playbook is 51 KB) are
/// checked one at a time on one thread. A file costs up to the parser's node
/// limit in memory (~20 MB for a 6 MB node flood), and glibc keeps what each
/// thread freed in that thread's arena: eight floods under `--jobs 8` cost
/// 2.5 GB before the node limit and ~90 MB after it, with this 19 MB
/// (#12 item 5).
const LIGHT_BYTES: u64 = 64 * 1024;

/// Whether `path` is over `LIGHT_BYTES` (a path that cannot be read is not:
/// its check fails at once).
fn is_heavy(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > LIGHT_BYTES)
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
/// then YAML, types and semantics. The encoding and shape checks are
/// `playbook::load`'s, which every command loads files through.
pub fn check_bytes(bytes: &[u8]) -> Vec<Problem> {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(problem) => return vec![problem],
    };
    // Most files are clean; those need no positions (see `fast`). The fast
    // path refuses empty files and document markers, so a clean file needs
    // no shape check either.
    if fast::is_clean(text) {
        return Vec::new();
    }
    if let Some(problem) = shape_problem(text) {
        return vec![problem];
    }
    full_check(text)
}

/// Every problem in a playbook's text, read by the full parser (serde-saphyr)
/// with positions: what lint reports for any file the fast path does not
/// call clean.
pub fn full_check(text: &str) -> Vec<Problem> {
    let read = recover::read(text);
    if !read.exact
        && let Some(problem) = scenario_file(text)
    {
        return vec![problem];
    }
    let mut problems = read.problems.clone();
    if let Some(playbook) = &read.playbook {
        let mut found = validate(playbook, &read.text);
        found.extend(yaml_boolean_words(playbook, &read.text));
        found.extend(lint_checks(playbook, &read.text));
        problems.extend(read.restore(text, found));
    }
    problems.sort_by_key(|p| (p.line, p.column));
    problems
}

/// The top-level keys of a scenario file (`scenario::ScenarioFile`, a layer
/// beside this one; `tests/lint.rs` holds the two lists together).
pub const SCENARIO_KEYS: &[&str] = &["playbook", "cases"];

/// One finding for a scenario file given to lint: told apart by content, a
/// top level with `cases:` and nothing else but scenario keys.
fn scenario_file(text: &str) -> Option<Problem> {
    // Looked for first, so a file without it (a node flood) is never read twice.
    let line = text.lines().position(|l| l.starts_with("cases:"))?;
    let keys = recover::top_level_keys(text);
    let is_scenario = keys.iter().any(|k| k == "cases")
        && keys.iter().all(|k| SCENARIO_KEYS.contains(&k.as_str()));
    is_scenario.then(|| {
        Problem::new(
            text,
            line as u64 + 1,
            1,
            RuleId::NotAPlaybook,
            "this is a scenario file (`cases:`), not a playbook".into(),
            Some("run it with `defuse test FILE`; lint the playbook it tests".into()),
        )
    })
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
