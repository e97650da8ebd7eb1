//! The rep's config file (`$XDG_CONFIG_HOME/defuse/config.toml`, else
//! `~/.config/defuse/config.toml`, or `--config PATH`) and the settings
//! resolved from it: each setting's value and where it came from (a flag, an
//! environment variable, the file, or the default), in that order of
//! precedence. Without a file, every setting is what it was before config
//! files existed. Environment variables come in through `var` (the
//! command's `Env`), never from the process directly.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostic::{did_you_mean, near_miss, position, snippet};
use crate::error::Error;
use crate::hours::{WorkingHours, Zone};
use crate::i18n::{Lang, LangFrom, UnknownLang};
use crate::plan::Team;
use crate::plan::team::DEFAULT_REP_ROLE;

/// Config files larger than this are refused before parsing.
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The file as written. Unknown keys are errors, with "did you mean".
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    role: Option<String>,
    lang: Option<Spanned<String>>,
    playbook_dirs: Option<Vec<Spanned<String>>>,
    archive: Option<Spanned<String>>,
    working_hours: Option<WorkingHours>,
    #[serde(default)]
    roster: BTreeMap<String, String>,
}

/// The keys a config file may have, for the error that names a wrong one.
const KEYS: &str = "name, role, lang, playbook_dirs, archive, [working_hours], [roster]";

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, e.g. `--lang`.
    Flag(&'static str),
    /// An environment variable, e.g. `DEFUSE_DB`.
    Env(&'static str),
    /// The config file.
    File,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::Env(var) => write!(f, "${var}"),
            Origin::File => f.write_str("config file"),
            Origin::Default => f.write_str("default"),
        }
    }
}

impl Origin {
    /// `flag`, `env`, `file` or `default`, for `--format json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Flag(_) => "flag",
            Origin::Env(_) => "env",
            Origin::File => "file",
            Origin::Default => "default",
        }
    }
}

/// A setting's value and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub from: Origin,
}

fn set<T>(value: T, from: Origin) -> Setting<T> {
    Setting { value, from }
}

/// What a command gets from the command line, the environment and the file.
#[derive(Debug)]
pub struct Settings {
    /// The config file read, and whether `--config` named it; `None`: no file.
    pub file: Option<Setting<PathBuf>>,
    /// The rep's own name (for the rep's items in a plan, and `--mine`).
    pub name: Option<Setting<String>>,
    /// The rep's role as playbooks label it.
    pub role: Setting<String>,
    /// Role → person, from the file.
    pub roster: Vec<(String, String)>,
    /// The rep's working hours; without them the playbook's apply, if any.
    pub working_hours: Option<Setting<WorkingHours>>,
    /// An unknown `$DEFUSE_LANG` is an error only for commands that use the
    /// language (`lint` still runs).
    pub lang: Result<Setting<Lang>, UnknownLang>,
    pub playbook_dirs: Setting<Vec<PathBuf>>,
    /// The archive, unless it is the default one (resolved by the command
    /// that needs it: without a home directory `lint` still works).
    pub archive: Option<Setting<PathBuf>>,
}

/// What the command line says about settings.
pub struct Flags<'a> {
    pub config: Option<&'a Path>,
    pub lang: Option<Lang>,
    pub playbook_dirs: &'a [PathBuf],
    pub db: Option<&'a Path>,
}

/// Where the config file is looked for when `--config` is not given:
/// `$XDG_CONFIG_HOME/defuse/config.toml` (an absolute one), else
/// `$HOME/.config/defuse/config.toml`. With neither set there is none: the
/// passwd entry is not consulted, so a service or a test without a home
/// never picks up somebody's file.
pub fn default_path(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let dir = |name: &str| {
        var(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    dir("XDG_CONFIG_HOME")
        .or_else(|| dir("HOME").map(|home| home.join(".config")))
        .map(|base| base.join("defuse").join("config.toml"))
}

impl Settings {
    /// Reads the config file (the one `--config` names, or the default one
    /// if it exists) and resolves every setting. A bad file is an error
    /// naming `file:line:col` (exit 2).
    pub fn resolve(
        flags: &Flags,
        var: impl Fn(&str) -> Option<OsString> + Copy,
    ) -> Result<Settings, Error> {
        let (file, path) = match flags.config {
            Some(path) => (
                Some(read(path)?),
                Some(set(path.to_owned(), Origin::Flag("--config"))),
            ),
            None => match default_path(var) {
                // Only a file that is not there means "no config"; one that
                // is there but unreadable is an error, not silently skipped.
                Some(path) if std::fs::symlink_metadata(&path).is_ok() => {
                    (Some(read(&path)?), Some(set(path, Origin::Default)))
                }
                _ => (None, None),
            },
        };
        let (file, text) = file.unwrap_or_default();
        let file_path = path.as_ref().map(|p| p.value.clone()).unwrap_or_default();
        let dir = file_path.parent().unwrap_or(Path::new(""));
        let home = var("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        let in_file = |value: &Spanned<String>| -> Result<PathBuf, Error> {
            file_relative(value, dir, home.as_deref()).map_err(|(message, help)| {
                located(&file_path, &text, value.span().start, &message, Some(&help))
            })
        };

        let configured_lang = match &file.lang {
            Some(code) => Some(Lang::from_locale(code.get_ref()).ok_or_else(|| {
                located(
                    &file_path,
                    &text,
                    code.span().start,
                    &format!("unknown language `{}`", code.get_ref()),
                    Some("write one of `en`, `zh-TW`, `zh-CN`"),
                )
            })?),
            None => None,
        };
        let env_text = |name: &str| var(name).and_then(|v| v.into_string().ok());
        let lang = match Lang::resolve(flags.lang, env_text, configured_lang) {
            Ok((lang, from)) => Ok(set(
                lang,
                match from {
                    LangFrom::Flag => Origin::Flag("--lang"),
                    LangFrom::Var(name) => Origin::Env(name),
                    LangFrom::Config => Origin::File,
                    LangFrom::Default => Origin::Default,
                },
            )),
            Err(e) => Err(e),
        };

        // `--playbook-dir` replaces `$DEFUSE_PLAYBOOK_DIR` (a `:`-separated
        // list), which replaces the file's list.
        let playbook_dirs = if !flags.playbook_dirs.is_empty() {
            set(flags.playbook_dirs.to_vec(), Origin::Flag("--playbook-dir"))
        } else if let Some(list) = var("DEFUSE_PLAYBOOK_DIR").filter(|v| !v.is_empty()) {
            let dirs = std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            set(dirs, Origin::Env("DEFUSE_PLAYBOOK_DIR"))
        } else if let Some(dirs) = &file.playbook_dirs {
            let dirs = dirs.iter().map(in_file).collect::<Result<_, _>>()?;
            set(dirs, Origin::File)
        } else {
            set(Vec::new(), Origin::Default)
        };

        let archive = match (
            flags.db,
            var("DEFUSE_DB").filter(|v| !v.is_empty()),
            &file.archive,
        ) {
            (Some(db), _, _) => Some(set(db.to_owned(), Origin::Flag("--db"))),
            (None, Some(db), _) => Some(set(PathBuf::from(db), Origin::Env("DEFUSE_DB"))),
            (None, None, Some(value)) => {
                // A URL (`postgres://…`) is kept as written, for the same
                // rules as `--db`; `sqlite:PATH` and a plain path are
                // relative to this file.
                let text = value.get_ref().trim();
                let location = match text.strip_prefix("sqlite:") {
                    _ if is_url(text) => PathBuf::from(text),
                    Some(path) => {
                        let path = path.strip_prefix("//").unwrap_or(path);
                        let inner = Spanned::new(value.span(), path.to_owned());
                        in_file(&inner)?
                    }
                    None => in_file(value)?,
                };
                Some(set(location, Origin::File))
            }
            (None, None, None) => None,
        };

        let nonempty = |text: &Option<String>| {
            text.as_ref()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        Ok(Settings {
            name: nonempty(&file.name).map(|name| set(name, Origin::File)),
            role: match nonempty(&file.role) {
                Some(role) => set(role, Origin::File),
                None => set(DEFAULT_REP_ROLE.to_owned(), Origin::Default),
            },
            roster: file.roster.into_iter().collect(),
            working_hours: file.working_hours.map(|hours| set(hours, Origin::File)),
            file: path,
            lang,
            playbook_dirs,
            archive,
        })
    }

    /// The rep's name as configured: what `--mine` should match before
    /// falling back to the login name.
    pub fn rep_name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }

    /// The team a plan names: nobody without a config file, so plans are
    /// what they were before config files existed.
    pub fn team(&self) -> Team {
        Team {
            configured: self.file.is_some(),
            rep: self.name.as_ref().map(|n| n.value.clone()),
            rep_role: Some(self.role.value.clone()),
            roster: self.roster.clone(),
            working_hours: self.working_hours.as_ref().map(|h| h.value.clone()),
        }
    }
}

/// Whether `text` is a URL (`scheme://…`), not a path: for the archive, a
/// server (or an unknown kind, which `--db`'s rules then refuse).
fn is_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// A path the file writes: `~/…` is under `$HOME`, a relative one is
/// relative to the config file's directory (not to wherever defuse runs).
fn file_relative(
    value: &Spanned<String>,
    dir: &Path,
    home: Option<&Path>,
) -> Result<PathBuf, (String, String)> {
    let text = value.get_ref();
    if text.trim().is_empty() {
        return Err((
            "empty path".into(),
            "write a directory or file path, or leave the key out".into(),
        ));
    }
    if let Some(rest) = text
        .strip_prefix("~/")
        .or(if text == "~" { Some("") } else { None })
    {
        return home.map(|h| h.join(rest)).ok_or_else(|| {
            (
                format!("cannot expand `~` in `{text}`: HOME is not set"),
                "write an absolute path".into(),
            )
        });
    }
    Ok(dir.join(text))
}

/// Reads and parses the file; errors name `file:line:col`.
fn read(path: &Path) -> Result<(File, String), Error> {
    let text = crate::read::read_text(path, MAX_CONFIG_BYTES)?;
    match toml::from_str::<File>(&text) {
        Ok(file) => Ok((file, text)),
        Err(e) => {
            let message = e.message().trim().to_owned();
            let zone = message
                .strip_prefix("unknown time zone `")
                .and_then(|rest| rest.split('`').next());
            let help = near_miss(&message)
                .or_else(|| zone.and_then(|wrong| did_you_mean(wrong, Zone::names())))
                .or_else(|| {
                    message
                        .starts_with("unknown field")
                        .then(|| format!("a config file has these keys: {KEYS}"))
                });
            let at = e.span().map_or(0, |s| s.start);
            Err(located(path, &text, at, &message, help.as_deref()))
        }
    }
}

/// A config problem at byte offset `at` of `text`: `file:line:col: what`,
/// the line with a caret, and how to fix it. Exit 2, like any bad setting.
fn located(path: &Path, text: &str, at: usize, message: &str, help: Option<&str>) -> Error {
    let (line, column) = position(text.as_bytes(), at);
    let mut out = format!(
        "invalid config file\n{}:{line}:{column}: {}",
        path.display(),
        message.lines().next().unwrap_or_default()
    );
    let shown = snippet(text, line, column);
    if !shown.is_empty() {
        out += &format!("\n{shown}");
    }
    if let Some(help) = help {
        out += &format!("\n  = help: {help}");
    }
    Error::Usage(out)
}

/// `defuse config --format json`: each setting's value and origin.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub file: Option<Shown>,
    pub settings: BTreeMap<&'static str, Shown>,
    pub roster: Vec<Role>,
}

#[derive(Debug, Serialize)]
pub struct Shown {
    pub value: serde_json::Value,
    /// `flag`, `env`, `file` or `default`.
    pub from: &'static str,
    /// The flag or variable (`--lang`, `DEFUSE_LANG`) or the file's path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Role {
    pub role: String,
    pub person: String,
}
