//! The one error type commands return, and the exit code each variant means.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | bad input: an invalid playbook or answers file |
//! | 2 | usage: bad arguments, unreadable file, no terminal without `--answers` |
//! | 3 | runtime failure: a write, the case archive or the terminal failed |
//! | 130 | interrupted; the answers given so far are kept in a draft |

use std::path::PathBuf;

use crate::diagnostic::LoadError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid playbook\n{0}")]
    Playbook(LoadError),
    #[error("invalid answers file\n{0}")]
    Answers(LoadError),
    #[error("invalid scenario file\n{0}")]
    Scenario(LoadError),
    /// Problems already reported in full; this is the summary line.
    #[error("{0}")]
    Findings(String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A draft that cannot be read back: damaged, edited by hand, or not one
    /// defuse wrote. `detail` names the file (and the line, for bad YAML).
    #[error(
        "draft {id} is corrupt: defuse cannot read it back\n{detail}\n  \
         delete it with `defuse drafts --discard {id}` (or delete the file), \
         or resume another draft with `defuse triage --resume ID` (`defuse drafts` lists them)"
    )]
    CorruptDraft { id: String, detail: String },
    #[error("case archive {}: {message}", path.display())]
    Archive { path: PathBuf, message: String },
    #[error("terminal error: {0}")]
    Terminal(std::io::Error),
    #[error("interrupted{}", match draft {
        Some(id) => format!("; your answers are saved in draft {id}\n  resume with `defuse triage --resume {id}`"),
        None => String::new(),
    })]
    Interrupted { draft: Option<String> },
}

impl Error {
    pub fn code(&self) -> i32 {
        match self {
            Error::Playbook(_)
            | Error::Answers(_)
            | Error::Scenario(_)
            | Error::Findings(_)
            | Error::CorruptDraft { .. } => 1,
            Error::Usage(_) | Error::Read { .. } => 2,
            Error::Write { .. } | Error::Archive { .. } | Error::Terminal(_) => 3,
            Error::Interrupted { .. } => 130,
        }
    }
}
