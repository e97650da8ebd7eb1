//! The live session: a fresh call or a resumed draft, saved after every
//! answer, and its last screen.

use super::*;

// One argument per setting the command resolved; `team` came last with
// the config file (a context struct is the next step if more arrive).
#[allow(clippy::too_many_arguments)]
pub(super) fn live(
    args: &TriageArgs,
    now_arg: Option<DateTime<FixedOffset>>,
    playbook_dirs: &[PathBuf],
    drafts: &DraftStore,
    (db, outbox): (&Location, &Outbox),
    lang: Lang,
    team: &Team,
    io: &mut Io,
) -> Result<(), Error> {
    if !io.interactive {
        return Err(Error::Usage(
            "no terminal to ask questions on (stdin is not a terminal).\n  \
             To run without one, pass `--answers FILE`: `defuse triage --help` shows how, and \
             `defuse schema answers` describes the file"
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
    if !args.no_store {
        // Done while the rep talks, not after the last answer.
        archive::check_ahead(db);
    }
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

    terminal::use_colour(io.colour);
    let mut prompter = TerminalPrompter::new(lang);
    // A resumed rep sees what the draft already holds before the next question.
    // Only the screen is at stake: a failing terminal fails the first prompt too.
    let _ = prompter.recap(&session.answered_prompts());
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
    let mut plan = plan::compose_for(playbook, &outcome, now, &call, team);
    plan.team_history_unavailable = history.unavailable();
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
    let stored_by = team
        .rep
        .clone()
        .unwrap_or_else(|| crate::command::os_user(&io.env));
    let case = Case {
        outcome: &outcome,
        plan: &plan,
        answers_yaml: &answers_yaml,
        call: &call,
        rehearsal: args.rehearse,
        stored_by: &stored_by,
    };
    let stored = archive_case(db, &case, &waiting_note, outbox, &mut io.err).inspect_err(|_| {
        let _ = writeln!(io.err, "The plan and its answers are written; {kept}");
    })?;
    terminal::set_exit_message(match &stored {
        Kept::Stored(Stored::New(number) | Stored::Already(number)) => {
            format!("interrupted; the case is stored as #{number}")
        }
        Kept::Queued(_, outbox) => format!(
            "interrupted; the case is safe in the outbox {} (`defuse sync` stores it)",
            outbox.display()
        ),
    });
    // Safe on the server or in the outbox: the draft has done its job.
    let _ = drafts.remove(&id);
    finished(
        prompter,
        &plan,
        plan_path.as_ref(),
        &answers_path,
        &stored_line(&stored, db, lang),
    )
}

/// The live session's last screen: the plan, the files written, and what
/// became of the case.
pub(super) fn finished(
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

/// Where a live session starts: a fresh one, or a draft being resumed.
pub(super) struct Start {
    pub(super) loaded: Loaded,
    pub(super) now: DateTime<FixedOffset>,
    pub(super) id: String,
    pub(super) snapshot: Snapshot,
}

/// The draft `--resume` continues, with its playbook: where the draft says it
/// was, or `--playbook` for a playbook file that has moved since.
pub(super) fn resume(
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
