//! `defuse triage`: resolve the playbook, pick the front end (terminal or
//! answers file), drive the session, compose and write the plan.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Timelike};

use super::Io;
use crate::cli::{PlanFormat, TriageArgs};
use crate::error::Error;
use crate::output::{default_plan_dir, write_file, write_new};
use crate::plan::{self, Plan, markdown};
use crate::playbook::catalog::{self, DEFAULT_ID, Loaded};
use crate::prompt::PromptError;
use crate::prompt::script::ScriptPrompter;
use crate::prompt::terminal::TerminalPrompter;
use crate::triage::{self, session::Session};

/// Answers files larger than this are refused before parsing.
const MAX_ANSWERS_BYTES: u64 = 1024 * 1024;

pub fn run(args: &TriageArgs, playbook_dirs: &[PathBuf], io: &mut Io) -> Result<(), Error> {
    let now_arg = args
        .now
        .as_deref()
        .map(parse_now)
        .transpose()
        .map_err(Error::Usage)?;
    if args.out.is_none() && args.force {
        return Err(Error::Usage("--force only applies with --out PATH".into()));
    }
    match &args.answers {
        Some(path) => replay(args, path, now_arg, playbook_dirs, io),
        None => live(args, now_arg, playbook_dirs, io),
    }
}

fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_nanosecond(0).unwrap_or(t))
        .map_err(|e| {
            format!("invalid time `{text}` ({e}); write RFC 3339, e.g. 2026-11-23T10:00:00+08:00")
        })
}

fn clock() -> DateTime<FixedOffset> {
    let now = chrono::Local::now().fixed_offset();
    now.with_nanosecond(0).unwrap_or(now)
}

fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn replay(
    args: &TriageArgs,
    path: &Path,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    io: &mut Io,
) -> Result<(), Error> {
    let source = catalog::read_text(path, MAX_ANSWERS_BYTES)?;
    let name = path.display().to_string();
    // The answers file may name its playbook; --playbook wins.
    let named = args.playbook.clone().or_else(|| {
        crate::triage::answers::AnswersFile::parse(&name, &source)
            .ok()
            .and_then(|f| f.playbook.map(|p| p.value))
    });
    let Loaded { playbook, .. } =
        catalog::resolve(named.as_deref().unwrap_or(DEFAULT_ID), playbook_dirs)?;
    let mut prompter = ScriptPrompter::new(&name, &source, &playbook).map_err(Error::Answers)?;
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
            Error::Answers(prompter.error(Some(written), format!("invalid `now`: {why}"), None))
        })?,
        (None, None) => clock(),
    };
    let mut session = Session::new(&playbook);
    let outcome = triage::drive(&mut session, &mut prompter, |_| {}).map_err(|e| match e {
        PromptError::Answers(load) => Error::Answers(load),
        PromptError::Interrupted => Error::Interrupted { saved: None },
        PromptError::Io(io) => Error::Terminal(io),
    })?;
    let plan = plan::compose(&playbook, &outcome, now);
    let written = write_plan(args, &plan, io)?;
    if let Some(path) = written {
        let _ = writeln!(io.err, "Plan written to {}", path.display());
    }
    Ok(())
}

fn live(
    args: &TriageArgs,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    io: &mut Io,
) -> Result<(), Error> {
    if !io.interactive || !TerminalPrompter::available() {
        return Err(Error::Usage(
            "no terminal to ask questions on (stdin and stderr must be a terminal).\n  \
             To run without one, pass `--answers FILE` (see examples/*.answers.yaml)"
                .into(),
        ));
    }
    let Loaded { playbook, .. } = catalog::resolve(
        args.playbook.as_deref().unwrap_or(DEFAULT_ID),
        playbook_dirs,
    )?;
    let now = now_arg.unwrap_or_else(clock);
    let now_text = rfc3339(&now);
    let mut prompter = TerminalPrompter::new();
    let mut session = Session::new(&playbook);
    let result = triage::drive(&mut session, &mut prompter, |_| {});
    let answers_yaml = session.answers_out(&now_text).to_yaml();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            // Whatever happened, what the rep typed is kept.
            let customer = session
                .answered("case.customer")
                .map(|v| v.to_string())
                .unwrap_or_default();
            let stem = format!("{}.partial", plan::case_id(&now, &customer));
            let saved = write_new(
                &default_plan_dir(),
                &stem,
                "answers.yaml",
                answers_yaml.as_bytes(),
            )
            .ok();
            return Err(match e {
                PromptError::Interrupted => Error::Interrupted { saved },
                PromptError::Io(io) => Error::Terminal(io),
                PromptError::Answers(load) => Error::Answers(load),
            });
        }
    };
    let plan = plan::compose(&playbook, &outcome, now);
    let plan_path = match write_plan(args, &plan, io) {
        Ok(path) => path,
        Err(e) => {
            // The plan could not be written: keep the answers so it can be replayed.
            let stem = format!("{}.unwritten", plan.case.id);
            if let Ok(saved) = write_new(
                &default_plan_dir(),
                &stem,
                "answers.yaml",
                answers_yaml.as_bytes(),
            ) {
                let _ = writeln!(io.err, "Answers kept in {}", saved.display());
            }
            return Err(e);
        }
    };
    // The answers file goes beside the plan, so the session can be replayed.
    let answers_path = match &plan_path {
        Some(p) => {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("plan");
            let dir = p.parent().unwrap_or(Path::new("."));
            write_new(dir, stem, "answers.yaml", answers_yaml.as_bytes())?
        }
        None => write_new(
            &default_plan_dir(),
            &plan.case.id,
            "answers.yaml",
            answers_yaml.as_bytes(),
        )?,
    };
    let written: Vec<String> = plan_path
        .iter()
        .chain([&answers_path])
        .map(|p| p.display().to_string())
        .collect();
    prompter.finished(&plan, &written).map_err(|e| match e {
        PromptError::Io(io) => Error::Terminal(io),
        other => Error::Terminal(std::io::Error::other(other.to_string())),
    })
}

/// Writes the plan where asked; returns the file path (None for stdout).
fn write_plan(args: &TriageArgs, plan: &Plan, io: &mut Io) -> Result<Option<PathBuf>, Error> {
    let (text, ext) = match args.format {
        PlanFormat::Md => (markdown::render(plan), "md"),
        PlanFormat::Json => (plan.to_json(), "json"),
    };
    match &args.out {
        Some(path) if path.as_os_str() == "-" => {
            io.out
                .write_all(text.as_bytes())
                .and_then(|()| io.out.flush())
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })?;
            Ok(None)
        }
        Some(path) => {
            write_file(path, text.as_bytes(), args.force)?;
            Ok(Some(path.clone()))
        }
        None => write_new(&default_plan_dir(), &plan.case.id, ext, text.as_bytes()).map(Some),
    }
}
