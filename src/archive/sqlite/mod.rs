//! The SQLite archive: one file, the embedded default with zero setup.
//! WAL mode and a busy timeout let several processes store cases at once;
//! each case is one transaction, so a process killed mid-write leaves the
//! database consistent.
//!
//! This file owns opening: how the file is opened for each [`Access`]. The
//! rest, one concern per file: `schema` (migrations), `store` (writes),
//! `query` (lists, a case, history), `commitments` (stored, listed, done),
//! `stats`, `check` (damage).

mod check;
mod commitments;
mod copy;
mod query;
mod schema;
mod stats;
mod store;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Access, archive_error};
use crate::error::Error;

pub(super) use check::check_ahead;
pub(super) use schema::CURRENT;

/// How long any statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// Whether this open created the file (it did not exist before).
    created: bool,
}

/// Whether an archive can live at `path`: refuses, before anything is asked
/// or written, a path under a regular file. A missing file is fine.
pub(super) fn check_location(path: &Path) -> Result<(), Error> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::Usage(format!(
            "case archive {} is a directory; name a file, e.g. {}",
            path.display(),
            path.join("cases.db").display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotADirectory => {
            // The nearest existing ancestor is a file: name it.
            let file = path
                .ancestors()
                .skip(1)
                .find(|a| a.is_file())
                .unwrap_or(path);
            Err(Error::Usage(format!(
                "case archive {}: {} is not a directory",
                path.display(),
                file.display()
            )))
        }
        Err(_) => Ok(()),
    }
}

/// What a read of a missing archive says: most likely a mistyped path.
fn no_archive(path: &Path) -> Error {
    Error::Usage(format!(
        "no case archive at {}; check --db or $DEFUSE_DB (an archive is created when the first case is stored)",
        path.display()
    ))
}

impl Sqlite {
    pub fn open(path: &Path, access: Access) -> Result<Self, Error> {
        check_location(path)?;
        let exists = path.try_exists().unwrap_or(true);
        match access {
            Access::Read if !exists => Err(no_archive(path)),
            Access::Read => Self::open_read(path),
            Access::Update if !exists => Err(no_archive(path)),
            Access::Update | Access::Store => Self::open_write(path),
        }
    }

    /// An empty archive in memory, labelled `path`: what the default archive
    /// reads as before anything is stored in it (nothing is created).
    pub fn empty(path: &Path) -> Result<Self, Error> {
        let fail = |e: rusqlite::Error| archive_error(path, e);
        let mut archive = Sqlite {
            conn: Connection::open_in_memory().map_err(fail)?,
            path: path.to_owned(),
            created: false,
        };
        archive.migrate()?;
        Ok(archive)
    }

    fn open_read(path: &Path) -> Result<Self, Error> {
        let fail = |e: rusqlite::Error| archive_error(path, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut archive = Sqlite {
            conn: Connection::open_with_flags(path, flags).map_err(fail)?,
            path: path.to_owned(),
            created: false,
        };
        archive.conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        let version = match archive.version_raw() {
            // A WAL archive in a folder we cannot write, with no `-shm` file
            // beside it, cannot be opened read-only the usual way. Nobody can
            // be writing it then (a writer leaves `-wal` and `-shm` behind),
            // so it is read as an immutable file.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) => {
                archive.conn = Connection::open_with_flags(
                    immutable_uri(path),
                    flags | OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(fail)?;
                archive.version_raw().map_err(fail)?
            }
            other => other.map_err(fail)?,
        };
        schema::refuse_newer(path, version)?;
        if version < schema::CURRENT {
            // Upgrading is a write; done once, by whoever can write.
            drop(archive);
            return Self::open_write(path).map_err(|e| {
                archive_error(
                    path,
                    format!(
                        "schema version {version} is older than this defuse's ({}), and upgrading it failed ({e}). \
                         Upgrading needs write access once: make the file and its folder writable and run \
                         `defuse cases check`, or read it with the defuse that wrote it",
                        schema::CURRENT
                    ),
                )
            });
        }
        Ok(archive)
    }

    fn open_write(path: &Path) -> Result<Self, Error> {
        let fail = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) => archive_error(
                path,
                format!("{e}; writing needs the file and its folder writable"),
            ),
            _ => archive_error(path, e),
        };
        let created = create_new(path)?;
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail)?;
        let mut archive = Sqlite {
            conn,
            path: path.to_owned(),
            created,
        };
        schema::refuse_newer(path, archive.version()?)?;
        if !created {
            archive.refuse_damaged()?;
        }
        archive.migrate()?;
        Ok(archive)
    }

    /// Whether opening created the archive file, so the caller can say so once.
    pub fn created(&self) -> bool {
        self.created
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        archive_error(&self.path, e)
    }
}

/// Creates the archive file if it is missing; true if this call created it.
/// `create_new` makes that true for exactly one of several racing processes.
fn create_new(path: &Path) -> Result<bool, Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_owned(),
            source,
        })?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        // An empty file is an empty SQLite database.
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(source) => Err(Error::Write {
            path: path.to_owned(),
            source,
        }),
    }
}

/// `file:` URI for `path` with `immutable=1`; every byte outside a safe set
/// is percent-encoded, so any file name survives.
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from(if path.is_absolute() {
        "file://"
    } else {
        "file:"
    });
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri + "?immutable=1"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_file_names_survive_the_uri() {
        assert_eq!(
            immutable_uri(Path::new("/a b/c?d#e%.db")),
            "file:///a%20b/c%3Fd%23e%25.db?immutable=1"
        );
        assert_eq!(immutable_uri(Path::new("x.db")), "file:x.db?immutable=1");
    }
}
