//! Storing a finished call in the archive, and what the rep is told.

use super::*;

/// "Stored as case #N in DB", or "Already stored as case #N in DB; …".
pub(super) fn stored_line(stored: Stored, db: &Location, lang: Lang) -> String {
    let l = lang.labels();
    let db = db.display().to_string();
    match stored {
        Stored::New(number) => (l.stored_as_case)(number, &db),
        Stored::Already(number) => (l.already_stored)(number, &db),
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
/// already). Says on `err`, in one line each, when it creates the archive
/// and when it has to wait for another writer (adding `waiting_note`), so
/// the rep is never left guessing.
pub(super) fn archive_case(
    db: &Location,
    case: &Case,
    waiting_note: &str,
    err: &mut dyn Write,
) -> Result<Stored, Error> {
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
        return Ok(Stored::Already(number));
    }
    let plan_markdown = markdown::render(case.plan);
    let mut archive = Archive::open(db, Access::Store)?;
    if archive.created() {
        let _ = writeln!(err, "Created the case archive {}", db.display());
    }
    let new = NewCase {
        plan: case.plan,
        level_rank: case.outcome.assessment.level,
        plan_markdown: &plan_markdown,
        answers_yaml: case.answers_yaml,
        call: case.call,
        rehearsal: case.rehearsal,
        stored_by: case.stored_by,
    };
    archive.store(&new, &mut || {
        let _ = writeln!(
            err,
            "Waiting for the case archive {}: another program is writing to it.{waiting_note}",
            db.display()
        );
    })
}
