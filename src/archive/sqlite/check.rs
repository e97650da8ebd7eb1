//! Damage: the full `cases check`, and the cheap check every write does
//! first, so a damaged archive is not written further. That check reads
//! every page (~1.7 s at 1,000,000 cases), so a call that will store starts
//! it ahead, in the background ([`check_ahead`]), and the store at the end
//! takes its verdict instead of reading the file again.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::Sqlite;
use crate::archive::archive_error;
use crate::error::Error;

/// A damage check running ahead of a store: which file (by path and
/// device/inode, so a file replaced meanwhile is checked again) and the
/// thread that returns its verdict (none if it could not run).
struct Ahead {
    path: PathBuf,
    file: (u64, u64),
    verdict: JoinHandle<Option<String>>,
}

/// Checks started ahead, taken by the write open of the same file. A list,
/// not one slot: in-process tests run several calls at once.
static AHEAD: Mutex<Vec<Ahead>> = Mutex::new(Vec::new());

fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Starts `PRAGMA quick_check` of an existing archive file on its own
/// read-only connection, in the background; the next write open of that
/// file in this process waits for it and uses its verdict. A missing file
/// needs no check (the store creates it). Costs nothing to the caller.
pub fn check_ahead(path: &Path) {
    let Some(file) = identity(path) else {
        return;
    };
    let owned = path.to_owned();
    let verdict = std::thread::spawn(move || {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&owned, flags).ok()?;
        conn.busy_timeout(super::BUSY_TIMEOUT).ok()?;
        verdict(&conn, "PRAGMA quick_check").ok()
    });
    if let Ok(mut ahead) = AHEAD.lock() {
        ahead.push(Ahead {
            path: path.to_owned(),
            file,
            verdict,
        });
    }
}

/// The verdict of a check started ahead for this very file, waiting for
/// it if it still runs; none if there was none (or it could not run).
fn take_ahead(path: &Path) -> Option<String> {
    let found = {
        let mut ahead = AHEAD.lock().ok()?;
        let at = ahead.iter().position(|a| a.path == path)?;
        ahead.swap_remove(at)
    };
    let verdict = found.verdict.join().ok()??;
    (identity(path) == Some(found.file)).then_some(verdict)
}

/// Every line a check pragma returns, joined; damage reported as a
/// database error (e.g. "malformed") counts as a verdict, not a failure.
fn verdict(conn: &Connection, pragma: &str) -> rusqlite::Result<String> {
    let lines = conn.prepare(pragma).and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match lines {
        Ok(lines) => Ok(lines.join("\n")),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            Ok(e.to_string())
        }
        Err(e) => Err(e),
    }
}

impl Sqlite {
    /// `PRAGMA integrity_check`: "ok", or what is wrong.
    pub fn integrity_check(&self) -> Result<String, Error> {
        self.verdict("PRAGMA integrity_check")
    }

    /// Refuses to write into a damaged archive. `quick_check` reads every
    /// page but skips the index-content comparison of `integrity_check`;
    /// measured at ~0.2 s warm for 10,000 real cases (see the notes). A
    /// check started ahead for this file ([`check_ahead`]) gives the
    /// verdict instead, found before this process writes anything.
    pub(super) fn refuse_damaged(&self) -> Result<(), Error> {
        let verdict = match take_ahead(&self.path) {
            Some(verdict) => verdict,
            None => self.verdict("PRAGMA quick_check")?,
        };
        if verdict == "ok" {
            return Ok(());
        }
        let first = verdict
            .lines()
            .find(|l| !l.starts_with("***"))
            .unwrap_or(&verdict);
        let path = self.path.display();
        Err(archive_error(
            &self.path,
            format!(
                "the archive is damaged ({first}); nothing was written to it.\n  \
                 See the damage with `defuse --db {path} cases check`; then restore the archive from a backup, \
                 or recover what is readable with `sqlite3 {path} .recover | sqlite3 recovered.db` and use --db recovered.db"
            ),
        ))
    }

    /// Every line a check pragma returns, joined; damage reported as a
    /// database error (e.g. "malformed") counts as a verdict, not a failure.
    fn verdict(&self, pragma: &str) -> Result<String, Error> {
        verdict(&self.conn, pragma).map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Access;

    /// An archive whose cases are 40 padded rows, and a copy of it with
    /// noise over its middle pages (the rows' own pages).
    fn intact_and_damaged(dir: &Path) -> (PathBuf, PathBuf) {
        let intact = dir.join("intact.db");
        drop(Sqlite::open(&intact, Access::Store).unwrap());
        let conn = Connection::open(&intact).unwrap();
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
             INSERT INTO cases (case_id, created_at, created_epoch, customer, customer_key, contact,
                 role, playbook_id, playbook_version, level, level_rank, authority, grievances,
                 remedies, complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner,
                 customer_loss, plan_markdown, plan_json, answers_yaml)
             SELECT 'c' || i, '', 0, '', '', '', '', '', '', '', 0, '', '[]', '[]', '', '', '', '',
                 '', '', '', printf('%.*c', 8000, 'x'), '{}', '' FROM n;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        drop(conn);
        let mut bytes = std::fs::read(&intact).unwrap();
        let middle = bytes.len() / 2 / 4096 * 4096;
        for (i, b) in bytes[middle..middle + 16384].iter_mut().enumerate() {
            *b = (i * 7 + 13) as u8;
        }
        let damaged = dir.join("damaged.db");
        std::fs::write(&damaged, bytes).unwrap();
        (intact, damaged)
    }

    fn pending(path: &Path) -> bool {
        AHEAD.lock().unwrap().iter().any(|a| a.path == path)
    }

    #[test]
    fn a_check_started_ahead_gives_the_store_its_verdict() {
        let dir = tempfile::tempdir().unwrap();
        let (intact, damaged) = intact_and_damaged(dir.path());
        check_ahead(&intact);
        check_ahead(&damaged);
        assert!(pending(&intact) && pending(&damaged));
        assert!(Sqlite::open(&intact, Access::Store).is_ok());
        let refused = Sqlite::open(&damaged, Access::Store)
            .err()
            .expect("refused");
        assert!(
            refused.to_string().contains("the archive is damaged"),
            "{refused}"
        );
        assert!(
            !pending(&intact) && !pending(&damaged),
            "each verdict is used once"
        );
    }

    /// A file replaced after its check started is not the file checked: the
    /// store checks it again, so damage in the new one is still refused.
    #[test]
    fn a_file_replaced_after_the_check_is_checked_again() {
        let dir = tempfile::tempdir().unwrap();
        let (intact, damaged) = intact_and_damaged(dir.path());
        check_ahead(&intact);
        // Wait for the verdict on the intact file before replacing it.
        while AHEAD
            .lock()
            .unwrap()
            .iter()
            .any(|a| a.path == intact && !a.verdict.is_finished())
        {
            std::thread::yield_now();
        }
        std::fs::rename(&damaged, &intact).unwrap();
        let refused = Sqlite::open(&intact, Access::Store).err().expect("refused");
        assert!(
            refused.to_string().contains("the archive is damaged"),
            "{refused}"
        );
    }
}
