//! Storing a finished call in the archive, and what the rep is told.

use super::*;

/// Where a finished call's case is now: either is safe.
pub(super) enum Kept {
    Stored(Stored),
    /// The server could not take it (why); it waits in the outbox.
    Queued(String, PathBuf),
}

/// "Stored as case #N in DB", "Already stored as case #N in DB; …", or
/// that the case waits in the outbox and why: one line.
pub(super) fn stored_line(kept: &Kept, db: &Location, lang: Lang) -> String {
    let l = lang.labels();
    let db = db.display().to_string();
    match kept {
        Kept::Stored(Stored::New(number)) => (l.stored_as_case)(*number, &db),
        Kept::Stored(Stored::Already(number)) => (l.already_stored)(*number, &db),
        Kept::Queued(why, outbox) => (l.queued_in_outbox)(why, &outbox.display().to_string()),
    }
}

/// A finished call, ready to be stored.
pub(super) struct Case<'a> {
    pub(super) outcome: &'a Outcome,
    pub(super) plan: &'a Plan,
    pub(super) answers_yaml: &'a str,
    pub(super) call: &'a Fingerprint,
    pub(super) rehearsal: bool,
    /// Who stores it (see [`crate::command::rep_name`]).
    pub(super) stored_by: &'a str,
}

/// Stores a finished case in the archive (unless that call is stored
/// already); a server that cannot take it leaves it in the `outbox`. Says on
/// `err`, in one line each, when it creates the archive and when it has to
/// wait for another writer (adding `waiting_note`), so the rep is never left
/// guessing. After a server store, pushes what the outbox holds for it.
pub(super) fn archive_case(
    db: &Location,
    case: &Case,
    waiting_note: &str,
    outbox: &Outbox,
    err: &mut dyn Write,
) -> Result<Kept, Error> {
    // A replay of a stored call is found read-only first: a write open
    // checks the whole file for damage (seconds on a big archive) and needs
    // write access, and this call writes nothing. A read that fails for any
    // reason leaves the answer to the write path, which reports it; the
    // lookup inside the write transaction still settles racing replays.
    // A server has no such check, and its store looks the call up first
    // under the case's lock: a second connection would only add a round trip.
    if db.file().is_some_and(Path::exists)
        && let Ok(Some(number)) =
            Archive::open(db, Access::Read).and_then(|archive| archive.find_call(case.call))
    {
        return Ok(Kept::Stored(Stored::Already(number)));
    }
    let plan_markdown = markdown::render(case.plan);
    let new = NewCase {
        plan: case.plan,
        level_rank: case.outcome.assessment.level,
        plan_markdown: &plan_markdown,
        answers_yaml: case.answers_yaml,
        call: case.call,
        rehearsal: case.rehearsal,
        stored_by: case.stored_by,
    };
    let waiting = |err: &mut dyn Write| {
        let _ = writeln!(
            err,
            "Waiting for the case archive {}: another program is writing to it.{waiting_note}",
            db.display()
        );
    };
    if db.file().is_some() {
        let mut archive = Archive::open(db, Access::Store)?;
        if archive.created() {
            let _ = writeln!(err, "Created the case archive {}", db.display());
        }
        return archive.store(&new, &mut || waiting(err)).map(Kept::Stored);
    }
    // A server may be away, silent or refusing: the case then waits in the
    // outbox, within the server's time limits, and the call ends as usual.
    let delivered = archive::deliver(db, outbox, &new, &mut || waiting(err))?;
    match delivered {
        Delivered::Stored { stored, created } => {
            if created {
                let _ = writeln!(err, "Created the case archive {}", db.display());
            }
            // The server answers now: what waited for it goes too (after
            // the call, so it never delays one), said as `sync` says it.
            crate::command::sync::quietly_to(db, outbox, err);
            Ok(Kept::Stored(stored))
        }
        Delivered::Queued { reason } => Ok(Kept::Queued(reason, outbox.path().to_owned())),
    }
}
