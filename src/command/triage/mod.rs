//! `defuse triage`: resolve the playbook, pick the front end (terminal or
//! answers file), drive the session, compose and write the plan.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

use super::Io;
use crate::archive::{
    self, Access, Archive, Delivered, LazyHistory, Location, NewCase, Outbox, Stored,
};
use crate::catalog::{self, DEFAULT_ID, Loaded, Source};
use crate::cli::{PlanFormat, TriageArgs};
use crate::diagnostic::RuleId;
use crate::drafts::{Draft, DraftStore};
use crate::duration::Due;
use crate::error::Error;
use crate::i18n::Lang;
use crate::output::{default_plan_dir, is_stdout, refuse_input_as_output, write_file, write_new};
use crate::plan::{self, Plan, Team, markdown};
use crate::prompt::PromptError;
use crate::prompt::script::ScriptPrompter;
use crate::prompt::terminal::{self, TerminalPrompter};
use crate::triage::answers::AnswersFile;
use crate::triage::fingerprint::CanonicalAnswers;
use crate::triage::history::History;
use crate::triage::session::{Outcome, Session, Snapshot};
use crate::triage::{self, Fingerprint, PromptId};

/// Answers files larger than this are refused before parsing.
mod live;
mod paths;
mod store;

use live::*;
use paths::*;
use store::*;

const MAX_ANSWERS_BYTES: u64 = 1024 * 1024;

pub fn run(
    args: &TriageArgs,
    playbook_dirs: &[PathBuf],
    drafts_dir: &Path,
    db: &Location,
    lang: Lang,
    team: &Team,
    io: &mut Io,
) -> Result<(), Error> {
    let now_arg = args
        .now
        .as_deref()
        .map(parse_now)
        .transpose()
        .map_err(Error::Usage)?;
    if args.out.is_none() && args.force {
        return Err(Error::Usage("--force only applies with --out PATH".into()));
    }
    // A case is stored at the end: refuse an impossible archive path now,
    // not after the call. With --no-store the archive is never looked at.
    // A server's outbox too: a case that cannot reach the server goes there.
    let outbox = match args.no_store {
        true => Outbox::at(PathBuf::new()),
        false => {
            db.check()?;
            super::sync::outbox(io)?
        }
    };
    match &args.answers {
        Some(path) => replay(
            args,
            path,
            now_arg,
            playbook_dirs,
            (db, &outbox),
            lang,
            team,
            io,
        ),
        None => live(
            args,
            now_arg,
            playbook_dirs,
            &DraftStore::new(drafts_dir.to_owned()),
            (db, &outbox),
            lang,
            team,
            io,
        ),
    }
}

/// Reads a call time. Every time a plan holds (due times, follow-ups) must
/// be writable in RFC 3339, which has four-digit years: so the call time
/// must leave room for the longest due time before the end of the year 9999.
fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    let trimmed = text.trim();
    let year = trimmed.split('-').next().unwrap_or_default();
    let too_late = || {
        let last = (NaiveDate::from_ymd_opt(9999, 12, 30).unwrap_or(NaiveDate::MAX)
            - Due::MAX.as_chrono())
        .format("%Y-%m-%d");
        format!(
            "`{text}` is too late: a plan's due times reach up to ten years past the call, \
             and times past the year 9999 cannot be written; give a time no later than {last}"
        )
    };
    // chrono reads a fifth digit as "invalid characters", which says nothing useful.
    if year.starts_with('+') || (year.len() > 4 && year.bytes().all(|b| b.is_ascii_digit())) {
        return Err(too_late());
    }
    let time = DateTime::parse_from_rfc3339(trimmed)
        .map(|t| t.with_nanosecond(0).unwrap_or(t))
        .map_err(|e| {
            format!("invalid time `{text}` ({e}); write RFC 3339, e.g. 2026-11-23T10:00:00+08:00")
        })?;
    let latest = time.checked_add_signed(Due::MAX.as_chrono());
    match latest {
        Some(t) if t.year() <= 9999 && t.naive_utc().year() <= 9999 => Ok(time),
        _ => Err(too_late()),
    }
}

fn clock() -> DateTime<FixedOffset> {
    let now = chrono::Local::now().fixed_offset();
    now.with_nanosecond(0).unwrap_or(now)
}

// One argument per setting the command resolved; `team` came last with
// the config file (a context struct is the next step if more arrive).
#[allow(clippy::too_many_arguments)]
fn replay(
    args: &TriageArgs,
    path: &Path,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    (db, outbox): (&Location, &Outbox),
    lang: Lang,
    team: &Team,
    io: &mut Io,
) -> Result<(), Error> {
    let source = crate::read::read_text(path, MAX_ANSWERS_BYTES)?;
    let name = path.display().to_string();
    let mut file = AnswersFile::parse(&name, &source).map_err(Error::Answers)?;
    // The answers file may name its playbook; --playbook wins.
    let named = match (&args.playbook, &file.playbook) {
        (Some(named), _) => Some(named.clone()),
        (None, Some(named)) => {
            match playbook_path_in_answers(&named.value, path, playbook_dirs)? {
                Some(found) => {
                    // A path, found where it may be: the playbook it names
                    // is the one meant, so the id check is not for it.
                    file.playbook = None;
                    Some(found)
                }
                None => Some(named.value.clone()),
            }
        }
        (None, None) => None,
    };
    let Loaded {
        playbook,
        source: from,
    } = catalog::resolve(named.as_deref().unwrap_or(DEFAULT_ID), playbook_dirs)?;
    refuse_inputs_as_out(args, &[Some(path), source_path(&from)])?;
    note_untranslated(&playbook, lang, &mut io.err);
    // What names the call, taken before the prompter consumes the file.
    let answers = CanonicalAnswers::of_file(&file);
    let mut prompter =
        ScriptPrompter::from_file(&name, &source, file, &playbook).map_err(Error::Answers)?;
    if let Some(recorded) = prompter
        .recorded_version()
        .filter(|v| *v != playbook.version)
    {
        // Still replayable, but the plan may differ from the one written live.
        let _ = writeln!(
            io.err,
            "warning: {name} was recorded with playbook `{}` v{recorded}; replaying with v{}",
            playbook.id.value, playbook.version
        );
    }
    let now = match (now_arg, prompter.now()) {
        (Some(now), _) => now,
        (None, Some(written)) => parse_now(&written.value).map_err(|why| {
            Error::Answers(prompter.error(
                Some(written),
                RuleId::InvalidTime,
                format!("invalid `now`: {why}"),
                None,
            ))
        })?,
        (None, None) => clock(),
    };
    let history = LazyHistory::new(db);
    let mut session = Session::new(&playbook).in_lang(lang);
    if !args.no_store {
        archive::check_ahead(db);
        session = session.with_history(&history, now.timestamp());
    }
    let outcome =
        triage::drive(&mut session, &mut prompter, |_| {}).map_err(|e| prompt_error(e, None))?;
    let call = Fingerprint::new(
        &answers,
        &playbook.id.value,
        &playbook.version,
        now.timestamp(),
    );
    let mut plan = plan::compose_for(&playbook, &outcome, now, &call, team);
    plan.team_history_unavailable = history.unavailable();
    let written = write_plan(args, &plan, io)?;
    let l = lang.labels();
    if let Some(path) = written {
        let _ = writeln!(io.err, "{}", (l.plan_written)(&path.display().to_string()));
    }
    if args.no_store {
        return Ok(());
    }
    let stored_by = team
        .rep
        .clone()
        .unwrap_or_else(|| crate::command::os_user(&io.env));
    let case = Case {
        outcome: &outcome,
        plan: &plan,
        answers_yaml: &source,
        call: &call,
        rehearsal: args.rehearse,
        stored_by: &stored_by,
    };
    let kept = archive_case(db, &case, "", outbox, &mut io.err)?;
    let _ = writeln!(io.err, "{}", stored_line(&kept, db, lang));
    Ok(())
}

/// A playbook not written in the rep's language still works; say which
/// language its text shows in instead. (Plain-text playbooks name none.)
fn note_untranslated(playbook: &crate::playbook::Playbook, lang: Lang, err: &mut dyn Write) {
    let written_in = playbook.languages();
    if written_in.contains(&lang) {
        return;
    }
    let Some(shown) = lang
        .fallbacks()
        .into_iter()
        .find(|l| written_in.contains(l))
    else {
        return;
    };
    let _ = writeln!(
        err,
        "note: playbook `{}` has no {lang} text; it shows in {shown}",
        playbook.id.value
    );
}

/// What a failed session means for the exit code; `draft` is where the
/// answers are kept, if anywhere.
fn prompt_error(e: PromptError, draft: Option<String>) -> Error {
    match e {
        PromptError::Interrupted => Error::Interrupted { draft },
        PromptError::Io(io) => Error::Terminal(io),
        PromptError::Answers(load) => Error::Answers(load),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Env;

    fn version_of(text: &str) -> String {
        crate::playbook::load::load_str("general.yaml", text)
            .unwrap()
            .version
    }

    /// A draft of the `general` playbook loaded from `source`, saved in `store`.
    fn save_draft(store: &DraftStore, id: &str, source: &Path) {
        let text = catalog::EMBEDDED[0].1;
        store
            .save(&Draft {
                id: id.into(),
                playbook: "general".into(),
                playbook_version: version_of(text),
                playbook_source: source.display().to_string(),
                now: "2026-11-23T10:00:00+08:00".into(),
                customer: "Acme".into(),
                stage: "The case".into(),
                session: Snapshot::default(),
            })
            .unwrap();
    }

    /// `resume` with what it printed on stderr.
    fn resume_with(
        which: Option<&str>,
        playbook: Option<&str>,
        store: &DraftStore,
    ) -> (Result<Start, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = {
            let mut io = Io::new(&mut out, &mut err, false, Env::Vars(Default::default()));
            resume(which, playbook, &[], store, &mut io)
        };
        (result, String::from_utf8(err).unwrap())
    }

    #[test]
    fn a_draft_whose_playbook_file_moved_resumes_with_playbook_path() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::new(tmp.path().join("drafts"));
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        let (old, new) = (old.join("general.yaml"), new.join("general.yaml"));
        std::fs::write(&old, catalog::EMBEDDED[0].1).unwrap();
        save_draft(&store, "d1", &old);
        std::fs::rename(&old, &new).unwrap();

        let (result, _) = resume_with(None, None, &store);
        let err = result.err().expect("the recorded file is gone");
        let said = err.to_string();
        assert_eq!(err.code(), 2, "{said}");
        for part in [
            old.display().to_string().as_str(),
            "no longer there",
            "defuse triage --resume d1 --playbook PATH",
        ] {
            assert!(said.contains(part), "{part:?} missing from {said}");
        }

        let new_path = new.display().to_string();
        let (result, err) = resume_with(None, Some(&new_path), &store);
        let start = result.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.loaded.source, Source::File(new.clone()));
        assert_eq!(start.id, "d1");
        assert!(err.contains("Resuming draft d1"), "{err}");

        // Another playbook is not the one the answers were given to.
        let (result, _) = resume_with(None, Some("outage"), &store);
        let said = result.err().expect("another playbook").to_string();
        assert!(
            said.contains("started with playbook `general`") && said.contains("`outage`"),
            "{said}"
        );
    }

    #[test]
    fn resuming_the_newest_of_several_drafts_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::new(tmp.path().join("drafts"));
        let embedded = Path::new("embedded:general.yaml");
        save_draft(&store, "only", embedded);
        let (result, err) = resume_with(None, None, &store);
        assert_eq!(result.unwrap().id, "only");
        assert!(
            !err.contains("newest"),
            "one draft, nothing to choose: {err}"
        );

        let older = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(store.dir().join("only.draft.yaml"))
            .unwrap()
            .set_modified(older)
            .unwrap();
        save_draft(&store, "second", embedded);
        let (result, err) = resume_with(None, None, &store);
        assert_eq!(result.unwrap().id, "second");
        assert!(
            err.contains("the newest of 2 drafts") && err.contains("--resume ID"),
            "{err}"
        );
        let (result, err) = resume_with(Some("only"), None, &store);
        assert_eq!(result.unwrap().id, "only");
        assert!(!err.contains("newest"), "{err}");
    }

    #[test]
    fn call_times_past_the_year_9999_are_refused() {
        for late in [
            "9999-12-31T23:00:00-05:00",
            "9999-06-01T00:00:00Z",
            "9995-01-01T00:00:00+08:00",
            "+10000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
        ] {
            let why = parse_now(late).expect_err(late);
            assert!(
                why.contains("too late") && why.contains("year 9999"),
                "{late}: {why}"
            );
        }
        // The message's last date is itself accepted.
        let why = parse_now("9999-12-31T23:00:00Z").unwrap_err();
        let last = why.rsplit(' ').next().unwrap();
        assert!(
            parse_now(&format!("{last}T23:59:59+00:00")).is_ok(),
            "{why}"
        );
        assert!(
            parse_now(&format!("{last}T23:59:59-23:59")).is_ok(),
            "{why}"
        );
        assert!(parse_now("2026-11-23T10:00:00+08:00").is_ok());
    }
}
