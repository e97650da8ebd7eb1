//! Where playbooks come from: the ones embedded in the binary, `./playbooks`,
//! and `--playbook-dir`. A later source shadows an earlier one with the same
//! id, so a team's edited `general.yaml` wins over the embedded one.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::playbook::Playbook;
use crate::playbook::load::{LoadError, Problem, RuleId, load_str};

/// Shipped playbooks, compiled in so `defuse triage` works with no files.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("general", include_str!("../playbooks/general.yaml")),
    ("outage", include_str!("../playbooks/outage.yaml")),
    (
        "scope-dispute",
        include_str!("../playbooks/scope-dispute.yaml"),
    ),
];

/// The playbook `defuse triage` uses when none is named.
pub const DEFAULT_ID: &str = "general";

/// Playbook files larger than this are refused before parsing.
pub const MAX_PLAYBOOK_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Embedded(&'static str),
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Embedded(name) => write!(f, "embedded:{name}.yaml"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

pub struct Loaded {
    pub playbook: Playbook,
    pub source: Source,
}

/// A playbook found while listing: loaded, or the reason it could not be.
pub struct Entry {
    pub source: Source,
    pub result: Result<Playbook, LoadError>,
}

use crate::read::read_text;

pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    // Refused unread: an error about `/etc/shadow` must not quote its first line.
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
        return Err(Error::Usage(format!(
            "{} is not a playbook file: playbooks end in .yaml or .yml",
            path.display()
        )));
    }
    let text = read_text(path, MAX_PLAYBOOK_BYTES)?;
    let name = path.display().to_string();
    let playbook = load_str(&name, &text).map_err(Error::Playbook)?;
    Ok(Loaded {
        playbook,
        source: Source::File(path.to_owned()),
    })
}

fn embedded_entry(name: &'static str, text: &'static str) -> Entry {
    Entry {
        source: Source::Embedded(name),
        result: load_str(&format!("embedded:{name}.yaml"), text),
    }
}

/// `*.yaml` / `*.yml`, except answers, scenario tests and drafts.
pub fn is_playbook_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && ![".answers.yaml", ".tests.yaml", ".draft.yaml"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// The playbook files directly in `dir`, sorted.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_playbook_name)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Files named on the command line as they are, and under directories the
/// files whose name passes `keep` (see `crate::walk`); the first path that
/// cannot be read is the error.
pub fn find_files(paths: &[PathBuf], keep: fn(&str) -> bool) -> Result<Vec<PathBuf>, Error> {
    crate::walk::files(paths, keep)
        .into_iter()
        .map(|found| match found.error {
            None => Ok(found.path),
            Some(source) => Err(Error::Read {
                path: found.path,
                source,
            }),
        })
        .collect()
}

/// The directories searched, lowest precedence first.
pub fn search_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let local = PathBuf::from("playbooks");
    if local.is_dir() {
        dirs.push(local);
    }
    dirs.extend(extra.iter().cloned());
    dirs
}

/// Every playbook, embedded first, then each directory in order.
pub fn list(extra_dirs: &[PathBuf]) -> Result<Vec<Entry>, Error> {
    let mut entries: Vec<Entry> = EMBEDDED.iter().map(|(n, t)| embedded_entry(n, t)).collect();
    for dir in search_dirs(extra_dirs) {
        for path in yaml_files(&dir)? {
            let result = match read_text(&path, MAX_PLAYBOOK_BYTES) {
                Ok(text) => load_str(&path.display().to_string(), &text),
                Err(e) => Err(LoadError {
                    source_name: path.display().to_string(),
                    problems: vec![Problem::new(
                        "",
                        1,
                        1,
                        RuleId::UnreadableFile,
                        e.to_string(),
                        None,
                    )],
                }),
            };
            entries.push(Entry {
                source: Source::File(path),
                result,
            });
        }
    }
    Ok(entries)
}

/// An embedded playbook by id.
pub fn embedded(id: &str) -> Result<Loaded, Error> {
    let (name, text) = EMBEDDED
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| Error::Usage(format!("no embedded playbook `{id}`")))?;
    let playbook = load_str(&format!("embedded:{name}.yaml"), text).map_err(Error::Playbook)?;
    Ok(Loaded {
        playbook,
        source: Source::Embedded(name),
    })
}

/// Finds a playbook by path (anything with a `/` or a `.yaml` ending) or by id.
pub fn resolve(name: &str, extra_dirs: &[PathBuf]) -> Result<Loaded, Error> {
    let looks_like_path = name.contains(std::path::MAIN_SEPARATOR)
        || name.ends_with(".yaml")
        || name.ends_with(".yml");
    if looks_like_path || Path::new(name).is_file() {
        return load_file(Path::new(name));
    }
    // Highest precedence first: the last directory, then ./playbooks, then embedded.
    for dir in search_dirs(extra_dirs).iter().rev() {
        for path in yaml_files(dir)? {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            match load_file(&path) {
                Ok(loaded) if loaded.playbook.id.value == name => return Ok(loaded),
                // A broken file named after the id is surely the one meant:
                // report it rather than silently falling back.
                Err(e) if stem == name => return Err(e),
                _ => {}
            }
        }
    }
    if EMBEDDED.iter().any(|(n, _)| *n == name) {
        return embedded(name);
    }
    let known: Vec<String> = list(extra_dirs)?
        .into_iter()
        .filter_map(|e| e.result.ok().map(|p| p.id.value))
        .collect();
    let hint = crate::diagnostic::did_you_mean(name, known.iter().map(String::as_str))
        .map(|h| format!(" {h}"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no playbook `{name}`.{hint} Known: {} (see `defuse playbooks`)",
        known.join(", ")
    )))
}
