//! Where playbooks come from: the ones embedded in the binary, `./playbooks`,
//! and `--playbook-dir`. A later source shadows an earlier one with the same
//! id, so a team's edited `general.yaml` wins over the embedded one.
//!
//! Finding one playbook by id parses only the files that may be it (named
//! after the id, or declaring it in their `id:` line), so one bad file in a
//! directory never delays a triage that does not use it; listing keeps a
//! `Summary` per file, not the whole playbook, so it stays flat in memory.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::i18n::Lang;
use crate::playbook::Playbook;
use crate::playbook::load::{LoadError, Problem, RuleId, load_bytes, load_str};
use crate::playbook::localized::Localized;

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

/// What a listing shows of a playbook: a few fields, not the whole model,
/// so listing 10,000 files holds 10,000 small rows.
pub struct Summary {
    pub id: String,
    pub title: Localized,
    pub version: String,
    pub languages: BTreeSet<Lang>,
    /// Each level's id and its label, as `cases list --level` matches them.
    pub levels: Vec<(String, Localized)>,
}

impl Summary {
    fn of(playbook: &Playbook) -> Summary {
        Summary {
            id: playbook.id.value.clone(),
            title: playbook.title.clone(),
            version: playbook.version.clone(),
            languages: playbook.languages(),
            levels: playbook
                .levels
                .iter()
                .map(|l| (l.id.value.clone(), l.label.clone()))
                .collect(),
        }
    }
}

/// A playbook found while listing: its summary, or why it could not be loaded.
pub struct Entry {
    pub source: Source,
    pub result: Result<Summary, LoadError>,
}

use crate::read::read_bytes;

/// Loads a playbook file through the same byte checks as `defuse lint`
/// (`load_bytes`), so both report a bad file the same way.
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
    let bytes = read_bytes(path, MAX_PLAYBOOK_BYTES)?;
    let name = path.display().to_string();
    let playbook = load_bytes(&name, &bytes).map_err(Error::Playbook)?;
    Ok(Loaded {
        playbook,
        source: Source::File(path.to_owned()),
    })
}

fn embedded_entry(name: &'static str, text: &'static str) -> Entry {
    Entry {
        source: Source::Embedded(name),
        result: load_str(&format!("embedded:{name}.yaml"), text).map(|pb| Summary::of(&pb)),
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
            // One file at a time, dropped once summarised.
            let result = match read_bytes(&path, MAX_PLAYBOOK_BYTES) {
                Ok(bytes) => {
                    load_bytes(&path.display().to_string(), &bytes).map(|pb| Summary::of(&pb))
                }
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
///
/// By id, each directory (highest precedence first) is searched without
/// parsing files that cannot be the one: first the file named after the
/// id, then the files whose `id:` line (`header_id`) names it, and only
/// files whose id cannot be read that cheaply are parsed to learn it.
pub fn resolve(name: &str, extra_dirs: &[PathBuf]) -> Result<Loaded, Error> {
    let looks_like_path = name.contains(std::path::MAIN_SEPARATOR)
        || name.ends_with(".yaml")
        || name.ends_with(".yml");
    if looks_like_path || Path::new(name).is_file() {
        return load_file(Path::new(name));
    }
    // Highest precedence first: the last directory, then ./playbooks, then embedded.
    for dir in search_dirs(extra_dirs).iter().rev() {
        let files = yaml_files(dir)?;
        let stem_is_name = |path: &PathBuf| path.file_stem().and_then(|s| s.to_str()) == Some(name);
        let (named, others): (Vec<&PathBuf>, Vec<&PathBuf>) =
            files.iter().partition(|p| stem_is_name(p));
        for path in named {
            match load_file(path) {
                Ok(loaded) if loaded.playbook.id.value == name => return Ok(loaded),
                // A broken file named after the id is surely the one meant:
                // report it rather than silently falling back.
                Err(e) => return Err(e),
                Ok(_) => {}
            }
        }
        for path in others {
            match header_id(path) {
                // Declares another id: not parsed at all.
                Some(id) if id != name => {}
                // Declares this id: it is the one meant, broken or not.
                Some(_) => match load_file(path) {
                    Ok(loaded) if loaded.playbook.id.value != name => {}
                    result => return result,
                },
                // No plain `id:` line near the top: parse it to know (the
                // parser's node limit caps what that costs).
                None => {
                    if let Ok(loaded) = load_file(path)
                        && loaded.playbook.id.value == name
                    {
                        return Ok(loaded);
                    }
                }
            }
        }
    }
    if EMBEDDED.iter().any(|(n, _)| *n == name) {
        return embedded(name);
    }
    // An id in several sources (embedded and ./playbooks) is named once.
    let known: Vec<String> = list(extra_dirs)?
        .into_iter()
        .filter_map(|e| e.result.ok().map(|p| p.id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let hint = crate::diagnostic::did_you_mean(name, known.iter().map(String::as_str))
        .map(|h| format!(" {h}"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no playbook `{name}`.{hint} Known: {} (see `defuse playbooks`)",
        known.join(", ")
    )))
}

/// How much of a file `header_id` reads: playbooks start with their id.
const HEADER_BYTES: u64 = 16 * 1024;

/// The id a playbook file declares in a top-level `id: value` line within
/// its first `HEADER_BYTES`, read without parsing the file. `None` when
/// there is no such line or its value is anything but a plain word or a
/// simply quoted one (anchors, tags, flow, escapes): then only the parser
/// can say.
fn header_id(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(HEADER_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    id_line(&String::from_utf8_lossy(&head))
}

/// The value of the first top-level `id:` line of `text`; see `header_id`.
fn id_line(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The last line may be cut short by the read limit.
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    let line = complete.lines().find_map(|l| l.strip_prefix("id:"))?;
    // A value, then only an optional comment.
    let value = match line.find(" #") {
        Some(at) => &line[..at],
        None => line,
    }
    .trim_matches([' ', '\r']);
    let unquoted = match value.as_bytes().first()? {
        b'"' | b'\'' => {
            let quote = &value[..1];
            let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
            // Escapes and doubled quotes: the parser's business.
            if inner.contains(['\\', '"', '\'']) {
                return None;
            }
            inner
        }
        _ => value,
    };
    let plain = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    (!unquoted.is_empty() && unquoted.chars().all(plain)).then(|| unquoted.to_owned())
}

#[cfg(test)]
mod tests {
    use super::id_line;

    #[test]
    fn the_id_line_is_read_only_when_plain() {
        let id = |text: &str| id_line(text);
        assert_eq!(
            id("# c\nid: general\ntitle: x\n").as_deref(),
            Some("general")
        );
        assert_eq!(id("\u{feff}id: \"a-b\" # c\n").as_deref(), Some("a-b"));
        assert_eq!(id("id: 'x_1'\r\n").as_deref(), Some("x_1"));
        for unsure in [
            "id: &a x\n",         // an anchor
            "id: !t x\n",         // a tag
            "id: \"a\\u0041\"\n", // an escape
            "id:\n  x\n",         // the value on the next line
            "  id: x\n",          // not top level
            "title: x\n",         // no id at all
            "id: general",        // cut short by the read limit
            "id: [x]\n",          // flow
        ] {
            assert_eq!(id(unsure), None, "{unsure:?}");
        }
    }
}
