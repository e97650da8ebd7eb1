//! `defuse triage`: resolve the playbook, pick the front end (terminal or
//! answers file), drive the session, compose and write the plan.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

use super::Io;
use crate::archive::{self, Access, Archive, LazyHistory, NewCase, Stored};
use crate::catalog::{self, DEFAULT_ID, Loaded, Source};
use crate::cli::{PlanFormat, TriageArgs};
use crate::diagnostic::RuleId;
use crate::drafts::{Draft, DraftStore};
use crate::duration::Due;
use crate::error::Error;
use crate::i18n::Lang;
use crate::output::{default_plan_dir, is_stdout, refuse_input_as_output, write_file, write_new};
use crate::plan::{self, Plan, markdown};
use crate::prompt::PromptError;
use crate::prompt::script::ScriptPrompter;
use crate::prompt::terminal::{self, TerminalPrompter};
use crate::triage::answers::AnswersFile;
use crate::triage::fingerprint::CanonicalAnswers;
use crate::triage::session::{Outcome, Session, Snapshot};
use crate::triage::{self, Fingerprint, PromptId};

/// Answers files larger than this are refused before parsing.
const MAX_ANSWERS_BYTES: u64 = 1024 * 1024;

pub fn run(
    args: &TriageArgs,
    playbook_dirs: &[PathBuf],
    drafts_dir: &Path,
    db: &Path,
    lang: Lang,
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
    if !args.no_store {
        archive::check_location(db)?;
    }
    match &args.answers {
        Some(path) => replay(args, path, now_arg, playbook_dirs, db, lang, io),
        None => live(
            args,
            now_arg,
            playbook_dirs,
            &DraftStore::new(drafts_dir.to_owned()),
            db,
            lang,
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

fn replay(
    args: &TriageArgs,
    path: &Path,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    db: &Path,
    lang: Lang,
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
    let plan = plan::compose(&playbook, &outcome, now, &call);
    let written = write_plan(args, &plan, io)?;
    let l = lang.labels();
    if let Some(path) = written {
        let _ = writeln!(io.err, "{}", (l.plan_written)(&path.display().to_string()));
    }
    if args.no_store {
        return Ok(());
    }
    let case = Case {
        outcome: &outcome,
        plan: &plan,
        answers_yaml: &source,
        call: &call,
        rehearsal: args.rehearse,
    };
    let stored = archive_case(db, &case, "", &mut io.err)?;
    let _ = writeln!(io.err, "{}", stored_line(stored, db, lang));
    Ok(())
}

fn live(
    args: &TriageArgs,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    drafts: &DraftStore,
    db: &Path,
    lang: Lang,
    io: &mut Io,
) -> Result<(), Error> {
    if !io.interactive {
        return Err(Error::Usage(
            "no terminal to ask questions on (stdin is not a terminal).\n  \
             To run without one, pass `--answers FILE` (see examples/*.answers.yaml)"
                .into(),
        ));
    }
    if !TerminalPrompter::available() {
        return Err(Error::Usage(
            "stderr is not a terminal: the questions are drawn on stderr, so don't redirect it (2>…).\n  \
             To keep a log, redirect stdout with `--out -`; to run without a terminal, pass `--answers FILE`"
                .into(),
        ));
    }
    let start = match &args.resume {
        None => {
            let loaded = catalog::resolve(
                args.playbook.as_deref().unwrap_or(DEFAULT_ID),
                playbook_dirs,
            )?;
            let now = now_arg.unwrap_or_else(clock);
            let id = format!("{}-{}", now.format("%Y%m%d-%H%M%S"), std::process::id());
            Start {
                loaded,
                now,
                id,
                snapshot: Snapshot::default(),
            }
        }
        Some(which) => resume(
            which.as_deref(),
            args.playbook.as_deref(),
            playbook_dirs,
            drafts,
            io,
        )?,
    };
    let Start {
        loaded,
        now,
        id,
        snapshot,
    } = start;
    refuse_inputs_as_out(args, &[source_path(&loaded.source)])?;
    let playbook = &loaded.playbook;
    note_untranslated(playbook, lang, &mut io.err);
    let history = LazyHistory::new(db);
    let mut session = Session::restore(playbook, &snapshot)
        .map_err(|stale| Error::Findings(format!("draft {id} cannot be resumed: {stale}")))?
        .in_lang(lang)
        .with_history(&history, now.timestamp());

    let now_text = plan::rfc3339(now);
    let source = match &loaded.source {
        Source::Embedded(name) => format!("embedded:{name}.yaml"),
        Source::File(path) => std::fs::canonicalize(path)
            .unwrap_or(path.clone())
            .display()
            .to_string(),
    };
    let draft_of = |session: &Session| Draft {
        id: id.clone(),
        playbook: playbook.id.value.clone(),
        playbook_version: playbook.version.clone(),
        playbook_source: source.clone(),
        now: now_text.clone(),
        customer: session
            .answered(&PromptId::CUSTOMER)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        stage: session
            .next_prompt()
            .map_or("finished".into(), |p| p.stage.title(lang).to_owned()),
        session: session.snapshot(),
    };
    let resume_hint = format!("resume with `defuse triage --resume {id}`");
    terminal::set_exit_message(format!(
        "interrupted; your answers are saved in draft {id}\n  {resume_hint}"
    ));

    let mut prompter = TerminalPrompter::new(lang);
    // Saved after every answer, so nothing typed is lost whatever happens next.
    let mut draft_saved = true;
    let mut save = |session: &Session, err: &mut dyn Write| match drafts.save(&draft_of(session)) {
        Ok(()) => draft_saved = true,
        Err(e) => {
            if draft_saved {
                let _ = writeln!(
                    err,
                    "warning: the draft could not be saved ({e}); the session goes on"
                );
            }
            draft_saved = false;
        }
    };
    let result = triage::drive(&mut session, &mut prompter, |s| save(s, &mut io.err));
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            terminal::exiting();
            save(&session, &mut io.err);
            drop(prompter);
            if !draft_saved {
                // Last resort: the answers go to the screen rather than nowhere.
                let _ = writeln!(io.err, "{}", session.answers_out(&now_text).to_yaml());
            }
            return Err(prompt_error(e, draft_saved.then(|| id.clone())));
        }
    };
    save(&session, &mut io.err);
    let answers_yaml = session.answers_out(&now_text).to_yaml();
    let call = Fingerprint::of(
        &answers_yaml,
        &playbook.id.value,
        &playbook.version,
        now.timestamp(),
    );
    let plan = plan::compose(playbook, &outcome, now, &call);
    let plan_path = write_plan(args, &plan, io).inspect_err(|_| {
        if draft_saved {
            let _ = writeln!(
                io.err,
                "Your answers are kept in draft {id}: {resume_hint} --out PATH"
            );
        } else {
            // Neither the plan nor the draft could be written: show the answers.
            let _ = writeln!(
                io.err,
                "Your answers (replay them with --answers):\n{answers_yaml}"
            );
        }
    })?;
    // The answers file goes beside the plan, so the session can be replayed.
    // A plan sent to a device or pipe has no "beside": use the plans directory.
    let answers_path = match plan_path.as_ref().filter(|p| p.is_file()) {
        Some(p) => {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("plan");
            let dir = p.parent().unwrap_or(Path::new("."));
            write_new(dir, stem, "answers.yaml", answers_yaml.as_bytes())?
        }
        None => write_new(
            &default_plan_dir(|name| io.env.var_os(name)),
            &plan.case.id,
            "answers.yaml",
            answers_yaml.as_bytes(),
        )?,
    };
    let l = lang.labels();
    if args.no_store {
        // Nothing is left to do with the answers: they are written.
        let _ = drafts.remove(&id);
        return finished(
            prompter,
            &plan,
            plan_path.as_ref(),
            &answers_path,
            l.not_stored,
        );
    }
    // The draft is removed only once the case is stored: until then it is
    // what `--resume` stores the case from, whatever stops this process.
    let (kept, waiting_note) = if draft_saved {
        (
            format!("your answers are kept in draft {id}\n  {resume_hint} to store the case"),
            format!(" Your answers are safe in draft {id}."),
        )
    } else {
        let replay = format!(
            "replay the answers to store the case: `defuse triage --answers {}`",
            answers_path.display()
        );
        (replay, String::new())
    };
    terminal::set_exit_message(format!(
        "interrupted before the case was stored; the plan is written and {kept}"
    ));
    let case = Case {
        outcome: &outcome,
        plan: &plan,
        answers_yaml: &answers_yaml,
        call: &call,
        rehearsal: args.rehearse,
    };
    let stored = archive_case(db, &case, &waiting_note, &mut io.err).inspect_err(|_| {
        let _ = writeln!(io.err, "The plan and its answers are written; {kept}");
    })?;
    let (Stored::New(number) | Stored::Already(number)) = stored;
    terminal::set_exit_message(format!("interrupted; the case is stored as #{number}"));
    let _ = drafts.remove(&id);
    finished(
        prompter,
        &plan,
        plan_path.as_ref(),
        &answers_path,
        &stored_line(stored, db, lang),
    )
}

/// The live session's last screen: the plan, the files written, and what
/// became of the case.
fn finished(
    mut prompter: TerminalPrompter,
    plan: &Plan,
    plan_path: Option<&PathBuf>,
    answers_path: &Path,
    stored: &str,
) -> Result<(), Error> {
    let written: Vec<String> = plan_path
        .into_iter()
        .map(|p| p.as_path())
        .chain([answers_path])
        .map(|p| p.display().to_string())
        .collect();
    prompter
        .finished(plan, &written, stored)
        .map_err(|e| prompt_error(e, None))
}

/// "Stored as case #N in DB", or "Already stored as case #N in DB; …".
fn stored_line(stored: Stored, db: &Path, lang: Lang) -> String {
    let l = lang.labels();
    let db = db.display().to_string();
    match stored {
        Stored::New(number) => (l.stored_as_case)(number, &db),
        Stored::Already(number) => (l.already_stored)(number, &db),
    }
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

/// A finished call, ready to be stored.
struct Case<'a> {
    outcome: &'a Outcome,
    plan: &'a Plan,
    answers_yaml: &'a str,
    call: &'a Fingerprint,
    rehearsal: bool,
}

/// Stores a finished case in the archive (unless that call is stored
/// already). Says on `err`, in one line each, when it creates the archive
/// and when it has to wait for another writer (adding `waiting_note`), so
/// the rep is never left guessing.
fn archive_case(
    db: &Path,
    case: &Case,
    waiting_note: &str,
    err: &mut dyn Write,
) -> Result<Stored, Error> {
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
    };
    archive.store(&new, &mut || {
        let _ = writeln!(
            err,
            "Waiting for the case archive {}: another program is writing to it.{waiting_note}",
            db.display()
        );
    })
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

/// Where a live session starts: a fresh one, or a draft being resumed.
struct Start {
    loaded: Loaded,
    now: DateTime<FixedOffset>,
    id: String,
    snapshot: Snapshot,
}

/// The draft `--resume` continues, with its playbook: where the draft says it
/// was, or `--playbook` for a playbook file that has moved since.
fn resume(
    which: Option<&str>,
    playbook_arg: Option<&str>,
    playbook_dirs: &[PathBuf],
    drafts: &DraftStore,
    io: &mut Io,
) -> Result<Start, Error> {
    let picked = drafts.pick(which)?;
    let draft = picked.draft;
    let id = draft.id.clone();
    let loaded = match (
        playbook_arg,
        draft.playbook_source.strip_prefix("embedded:"),
    ) {
        (Some(name), _) => {
            let loaded = catalog::resolve(name, playbook_dirs)?;
            if loaded.playbook.id.value != draft.playbook {
                return Err(Error::Usage(format!(
                    "draft {id} was started with playbook `{}`; {name} is playbook `{}`",
                    draft.playbook, loaded.playbook.id.value
                )));
            }
            loaded
        }
        (None, Some(_)) => catalog::embedded(&draft.playbook)?,
        (None, None) => {
            let path = Path::new(&draft.playbook_source);
            catalog::load_file(path).map_err(|e| match e {
                Error::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::Usage(format!(
                        "draft {id} was started with the playbook file {}, which is no longer \
                         there (moved or deleted)\n  resume it with the file where it is now: \
                         `defuse triage --resume {id} --playbook PATH`",
                        path.display()
                    ))
                }
                other => other,
            })?
        }
    };
    if loaded.playbook.version != draft.playbook_version {
        let _ = writeln!(
            io.err,
            "warning: draft {id} was started with playbook `{}` v{}; it is now v{}",
            draft.playbook, draft.playbook_version, loaded.playbook.version
        );
    }
    let now = parse_now(&draft.now).map_err(|why| Error::CorruptDraft {
        id: id.clone(),
        detail: format!("invalid `now`: {why}"),
    })?;
    let _ = writeln!(
        io.err,
        "Resuming draft {id} ({}) at: {}",
        draft.customer, draft.stage
    );
    if picked.others > 0 {
        // Without an id the newest is resumed; say so, so a rep who meant
        // another call is not left finishing the wrong one.
        let _ = writeln!(
            io.err,
            "  the newest of {} drafts; to resume another: `defuse triage --resume ID` \
             (`defuse drafts` lists them)",
            picked.others + 1
        );
    }
    Ok(Start {
        loaded,
        now,
        id,
        snapshot: draft.session,
    })
}

/// The path `playbook:` in an answers file names, or `None` for an id. A
/// path must lead to a file inside the answers file's directory or a
/// playbook search directory (tried relative to the answers file, then to
/// the current directory). An
/// answers file comes from anywhere; it must not make defuse read, and
/// quote in an error, any other file (#12 item 12).
fn playbook_path_in_answers(
    name: &str,
    answers: &Path,
    playbook_dirs: &[PathBuf],
) -> Result<Option<String>, Error> {
    let looks_like_path =
        name.contains(['/', '\\']) || name.ends_with(".yaml") || name.ends_with(".yml");
    if !looks_like_path {
        return Ok(None);
    }
    let name = name.strip_prefix("./").unwrap_or(name);
    let answers_dir = answers
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let allowed: Vec<PathBuf> = std::iter::once(answers_dir.to_owned())
        .chain(catalog::search_dirs(playbook_dirs))
        .filter_map(|dir| std::fs::canonicalize(dir).ok())
        .collect();
    let inside = |candidate: &PathBuf| {
        std::fs::canonicalize(candidate)
            .is_ok_and(|real| allowed.iter().any(|dir| real.starts_with(dir)))
    };
    [answers_dir.join(name), PathBuf::from(name)]
        .into_iter()
        .find(inside)
        .map(|path| Some(path.display().to_string()))
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: `playbook: {name}` is not a playbook file in the answers file's \
                 directory or a playbook directory; name a playbook id, or pass --playbook PATH",
                answers.display()
            ))
        })
}

fn source_path(source: &Source) -> Option<&Path> {
    match source {
        Source::File(path) => Some(path),
        Source::Embedded(_) => None,
    }
}

/// `--out` must never name a file being read: with `--force` the plan
/// would replace the answers or the playbook (#12 item 2).
fn refuse_inputs_as_out(args: &TriageArgs, inputs: &[Option<&Path>]) -> Result<(), Error> {
    match &args.out {
        Some(out) if !is_stdout(out) => {
            let inputs: Vec<&Path> = inputs.iter().flatten().copied().collect();
            refuse_input_as_output(out, &inputs)
        }
        _ => Ok(()),
    }
}

/// Writes the plan where asked; returns the file path (None for stdout).
fn write_plan(args: &TriageArgs, plan: &Plan, io: &mut Io) -> Result<Option<PathBuf>, Error> {
    let (text, ext) = match args.format {
        PlanFormat::Md => (markdown::render(plan), "md"),
        PlanFormat::Json => (plan.to_json(), "json"),
    };
    match &args.out {
        Some(path) if is_stdout(path) => {
            io.print(&text)?;
            Ok(None)
        }
        Some(path) => {
            write_file(path, text.as_bytes(), args.force)?;
            Ok(Some(path.clone()))
        }
        None => {
            let dir = default_plan_dir(|name| io.env.var_os(name));
            write_new(&dir, &plan.case.id, ext, text.as_bytes()).map(Some)
        }
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
