//! `defuse sync`: the outbox's cases onto the server archive, and the quiet
//! sync every later command that uses a server runs first.

use std::io::Write;

use super::Io;
use crate::archive::{self, Location, Outbox, Synced};
use crate::cli::{SyncArgs, SyncFormat};
use crate::error::Error;
use crate::text::count;

/// The outbox this process uses (see [`Outbox::default_path`]).
pub fn outbox(io: &Io) -> Result<Outbox, Error> {
    Outbox::default_path(|name| io.env.var_os(name)).map(Outbox::at)
}

pub fn run(args: &SyncArgs, db: &Location, io: &mut Io) -> Result<(), Error> {
    let outbox = outbox(io)?;
    let synced = archive::sync(db, &outbox)?;
    let left = outbox.count(db)?;
    match args.format {
        SyncFormat::Json => {
            #[derive(serde::Serialize)]
            struct Summary<'a> {
                archive: String,
                outbox: String,
                #[serde(flatten)]
                synced: &'a Synced,
                waiting: usize,
            }
            io.print(&super::json(&Summary {
                archive: db.to_string(),
                outbox: outbox.path().display().to_string(),
                synced: &synced,
                waiting: left,
            }))?;
        }
        SyncFormat::Text => tell(&synced, db, &outbox, &mut io.err),
    }
    match synced.failed.first() {
        Some((_, why)) => Err(Error::Archive {
            path: outbox.path().to_owned(),
            message: format!(
                "{} still waiting for {db}: {why}; safe in the outbox, run `defuse sync` again later",
                count(left, "case", "cases")
            ),
        }),
        None => Ok(()),
    }
}

/// What a sync did, a line each; nothing when nothing happened.
fn tell(synced: &Synced, db: &Location, outbox: &Outbox, err: &mut dyn Write) {
    let numbers = |cases: &[(String, i64)]| {
        cases
            .iter()
            .map(|(_, n)| format!("#{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !synced.stored.is_empty() {
        let _ = writeln!(
            err,
            "Stored {} from the outbox {} in {db}: {}",
            count(synced.stored.len(), "case", "cases"),
            outbox.path().display(),
            numbers(&synced.stored)
        );
    }
    if !synced.already.is_empty() {
        let _ = writeln!(
            err,
            "{} from the outbox already in {db} ({}); removed from the outbox",
            count(synced.already.len(), "case", "cases"),
            numbers(&synced.already)
        );
    }
    if synced.other_archives > 0 {
        let _ = writeln!(
            err,
            "note: {} in the outbox {} wait for another archive; run `defuse sync --db URL` with that archive's URL",
            count(synced.other_archives, "case", "cases"),
            outbox.path().display()
        );
    }
}

/// Before a command reads or writes a server archive: pushes what waits
/// in the outbox, saying only what it stored. A failure says nothing here:
/// the command that follows meets the same server and reports it, and the
/// cases stay safe in the outbox.
pub fn quietly(db: &Location, io: &mut Io) {
    if db.file().is_some() {
        return;
    }
    let Ok(outbox) = outbox(io) else {
        return;
    };
    // Nothing waiting: no connection at all.
    if outbox.count(db).unwrap_or(0) == 0 {
        return;
    }
    if let Ok(synced) = archive::sync(db, &outbox) {
        let quiet = Synced {
            failed: Vec::new(),
            other_archives: 0,
            ..synced
        };
        tell(&quiet, db, &outbox, &mut io.err);
    }
}
