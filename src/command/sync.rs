//! `defuse sync`: the outbox's cases and acts onto the server archive, the
//! quiet sync every later command that uses a server runs first, and the
//! note a failed command on an unreachable server adds about what waits.

use std::io::Write;

use super::Io;
use crate::archive::{self, Act, Location, Outbox, Synced};
use crate::cli::{SyncArgs, SyncFormat};
use crate::error::Error;
use crate::text::count;

/// A done or a void on a server archive, done now (`Some`: what the server
/// said) or, when the server cannot be reached, queued in the outbox with
/// the line `queued(why, outbox)` told (`None`).
pub fn act(
    db: &Location,
    act: &Act,
    down: Option<&str>,
    io: &mut Io,
    queued: impl FnOnce(&str, &std::path::Path) -> String,
) -> Result<Option<Result<i64, archive::Refusal>>, Error> {
    let outbox = outbox(io)?;
    match archive::act_or_queue(db, &outbox, act, down)? {
        archive::Acted::Queued { reason } => {
            let _ = writeln!(io.err, "{}", queued(&reason, outbox.path()));
            Ok(None)
        }
        archive::Acted::Applied(outcome) => Ok(Some(outcome)),
    }
}

/// The outbox this process uses (see [`Outbox::default_path`]).
pub fn outbox(io: &Io) -> Result<Outbox, Error> {
    Outbox::default_path(|name| io.env.var_os(name)).map(Outbox::at)
}

pub fn run(args: &SyncArgs, db: &Location, io: &mut Io) -> Result<(), Error> {
    let outbox = outbox(io)?;
    let synced = archive::sync(db, &outbox)?;
    let left = outbox.count(db)?;
    let acts_left = outbox.acts_count(db)?;
    match args.format {
        SyncFormat::Json => {
            #[derive(serde::Serialize)]
            struct Summary<'a> {
                archive: String,
                outbox: String,
                #[serde(flatten)]
                synced: &'a Synced,
                waiting: usize,
                acts_waiting: usize,
            }
            io.print(&super::json(&Summary {
                archive: db.to_string(),
                outbox: outbox.path().display().to_string(),
                synced: &synced,
                waiting: left,
                acts_waiting: acts_left,
            }))?;
            warnings(&synced, db, &mut io.err);
        }
        SyncFormat::Text => tell(&synced, db, &outbox, &mut io.err),
    }
    match synced.failed.first() {
        Some((_, why)) => Err(Error::Archive {
            path: outbox.path().to_owned(),
            message: format!(
                "{} still waiting for {db}: {why}; safe in the outbox, run `defuse sync` again later",
                waiting(left, acts_left)
            ),
        }),
        // The rest went; these need the rep (see the warnings).
        None if !synced.held.is_empty() => Err(Error::Findings(format!(
            "{} refused by {db}: store the answers written out as new calls",
            count(synced.held.len(), "case", "cases")
        ))),
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
    if !synced.applied.is_empty() {
        let _ = writeln!(
            err,
            "Applied {} from the outbox in {db}: {}",
            count(synced.applied.len(), "act", "acts"),
            labels(&synced.applied)
        );
    }
    if !synced.applied_already.is_empty() {
        let _ = writeln!(
            err,
            "{} from the outbox already in {db} ({}); removed from the outbox",
            count(synced.applied_already.len(), "act", "acts"),
            labels(&synced.applied_already)
        );
    }
    warnings(synced, db, err);
    for (archive, n) in &synced.waiting_elsewhere {
        // `user@host:port/db` as a URL, but for a socket's path (not a
        // host) or an IPv6 address, which a URL writes otherwise.
        let host = archive.split_once('@').map_or("", |(_, rest)| rest);
        let command = match host.starts_with('/') || host.matches(':').count() > 1 {
            false => format!("`defuse sync --db postgres://{archive}` (with its sslmode)"),
            true => "`defuse sync --db URL` with that archive's URL".to_owned(),
        };
        let _ = writeln!(
            err,
            "note: {} in the outbox {} {} for {archive}; run {command} when it can be reached",
            count(*n, "case", "cases"),
            outbox.path().display(),
            if *n == 1 { "waits" } else { "wait" },
        );
    }
}

/// The cases and acts the server refused for good, a warning each,
/// whatever the format: they leave the queue, so this is the one time they
/// are said.
fn warnings(synced: &Synced, db: &Location, err: &mut dyn Write) {
    for held in &synced.held {
        let _ = writeln!(
            err,
            "warning: {db} refused case {}: {}; it left the queue (kept in the outbox's `held` \
             table), its answers are in {}; store them as a new call with `{}`",
            held.case_id,
            held.why,
            held.answers.display(),
            store_anew(held, db),
        );
    }
    for refused in &synced.refused {
        let _ = writeln!(
            err,
            "warning: {db} refused {} (by {} at {}): {}; removed from the outbox and kept in its `refused` table",
            refused.act.label(),
            refused.act.by,
            refused.act.at,
            refused.why
        );
    }
}

/// The command that stores a held case as a new call on `db`, as it was
/// (a rehearsal stays one, its language kept), a second later: another
/// call time, so another fingerprint and case id.
fn store_anew(held: &archive::Held, db: &Location) -> String {
    let later = chrono::DateTime::parse_from_rfc3339(&held.call_time)
        .map(|t| crate::plan::rfc3339(t + chrono::Duration::seconds(1)))
        .unwrap_or_else(|_| "TIME".into());
    let mut words = vec![
        "defuse".to_owned(),
        "--db".into(),
        shell_word(&db.to_string()),
    ];
    if let Some(lang) = &held.lang {
        words.extend(["--lang".into(), shell_word(lang)]);
    }
    words.extend([
        "triage".into(),
        "--answers".into(),
        shell_word(&held.answers.display().to_string()),
        "--now".into(),
        shell_word(&later),
    ]);
    if held.rehearsal {
        words.push("--rehearse".into());
    }
    words.join(" ")
}

/// `text` as one word for a POSIX shell: as it is when plain, else in
/// single quotes (a quote inside as `'\''`).
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c);
    match !text.is_empty() && text.chars().all(plain) {
        true => text.to_owned(),
        false => format!("'{}'", text.replace('\'', "'\\''")),
    }
}

/// Acts as messages name them: `commitment #12 done, case #3 void`.
fn labels(acts: &[Act]) -> String {
    acts.iter().map(Act::label).collect::<Vec<_>>().join(", ")
}

/// `2 cases and 1 act`, `1 act`.
fn waiting(cases: usize, acts: usize) -> String {
    match (cases, acts) {
        (c, 0) => count(c, "case", "cases"),
        (0, a) => count(a, "act", "acts"),
        (c, a) => format!(
            "{} and {}",
            count(c, "case", "cases"),
            count(a, "act", "acts")
        ),
    }
}

/// Before a command reads or writes a server archive: pushes what waits
/// in the outbox, saying what it stored or applied, and any act the server
/// refused for good (said once: it leaves the queue). A failure says
/// nothing here: the command that follows meets the same server and
/// reports it, and everything stays safe in the outbox. Returns why the
/// server could not be reached, if so, so the command does not wait the
/// connect limit a second time.
pub fn quietly(db: &Location, io: &mut Io) -> Option<String> {
    if db.file().is_some() {
        return None;
    }
    let outbox = outbox(io).ok()?;
    quietly_to(db, &outbox, &mut io.err)
}

/// [`quietly`] with `outbox`, telling `err`; also what a live call does
/// once the server has taken its own case.
pub fn quietly_to(db: &Location, outbox: &Outbox, err: &mut dyn Write) -> Option<String> {
    // Nothing waiting: no connection at all.
    if outbox.count(db).unwrap_or(0) + outbox.acts_count(db).unwrap_or(0) == 0 {
        return None;
    }
    let synced = archive::sync(db, outbox).ok()?;
    let unreachable = synced.unreachable.clone();
    let quiet = Synced {
        failed: Vec::new(),
        other_archives: 0,
        waiting_elsewhere: Default::default(),
        ..synced
    };
    tell(&quiet, db, outbox, err);
    unreachable
}

/// A command on a server archive that failed at the server: says what
/// waits in the outbox (not in any listing until `defuse sync` sends it).
pub fn noting_outbox(db: &Location, io: &Io, result: Result<(), Error>) -> Result<(), Error> {
    let Err(Error::Archive { path, message }) = result else {
        return result;
    };
    let waits = outbox(io)
        .ok()
        .filter(|_| db.file().is_none())
        .map(|outbox| {
            let cases = outbox.count(db).unwrap_or(0);
            let acts = outbox.acts_count(db).unwrap_or(0);
            (cases, acts, outbox)
        });
    let message = match waits {
        Some((cases, acts, outbox)) if cases + acts > 0 => format!(
            "{message}; {} {} in the outbox {} (in no listing until `defuse sync` sends {})",
            waiting(cases, acts),
            if cases + acts == 1 { "waits" } else { "wait" },
            outbox.path().display(),
            if cases + acts == 1 { "it" } else { "them" },
        ),
        _ => message,
    };
    Err(Error::Archive { path, message })
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn a_word_is_quoted_for_the_shell_only_when_it_must_be() {
        assert_eq!(
            shell_word("/home/li/held/a-1.answers.yaml"),
            "/home/li/held/a-1.answers.yaml"
        );
        assert_eq!(shell_word("/tmp/my dir/a.yaml"), "'/tmp/my dir/a.yaml'");
        assert_eq!(
            shell_word("postgres://li@db/team?sslmode=require&connect_timeout=5"),
            "'postgres://li@db/team?sslmode=require&connect_timeout=5'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
