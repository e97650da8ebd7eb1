//! `defuse cases`: the archive, read back, and a case voided.

use crate::config::Settings;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use super::{Env, Io, Layout, json, table};
use crate::archive::{
    self, Access, Act, ActKind, Archive, Filter, Location, Refusal, VoidRefused, Voiding,
};
use crate::cli::{CasesCommand, CasesVoidArgs, ExportFormat, ListFormat, PlanFormat};
use crate::error::Error;
use crate::i18n::Lang;
use crate::plan::markdown::human_time;

pub fn run(
    command: &CasesCommand,
    db: &Location,
    down: Option<&str>,
    lang: Lang,
    settings: &Settings,
    io: &mut Io,
) -> Result<(), Error> {
    // `check` is about the file itself: a missing one is an error even at
    // the default location.
    let archive = match command {
        CasesCommand::Void(args) => return void(args, db, down, lang, settings, io),
        CasesCommand::Check => open_unless_down(db, down, Access::Read)?,
        _ => open_for_reading(db, down, &io.env)?,
    };
    let l = lang.labels();
    let layout = |format: ListFormat| Layout::of(format == ListFormat::Tsv, io);
    let text = match command {
        CasesCommand::List(args) => {
            let filter = Filter {
                customer: args.customer.clone(),
                since_epoch: args.since.as_deref().map(parse_since).transpose()?,
                level: args
                    .level
                    .as_deref()
                    .map(|level| level_id(level, &settings.playbook_dirs.value, lang))
                    .transpose()?,
                rep: args.rep.clone(),
                include_rehearsals: args.rehearsals,
                include_void: args.include_void,
                limit: Some(args.limit),
            };
            let rows = archive.list(&filter)?;
            match args.format {
                ListFormat::Json => json(&rows),
                ListFormat::Table if rows.is_empty() => {
                    let filtered = filter.customer.is_some()
                        || filter.since_epoch.is_some()
                        || filter.level.is_some()
                        || filter.rep.is_some();
                    match archive.count()? {
                        n if filtered && n > 0 => (l.no_cases_match)(n) + "\n",
                        _ => (l.no_cases)(&db.display().to_string()) + "\n",
                    }
                }
                ListFormat::Table | ListFormat::Tsv => table(
                    layout(args.format),
                    &[
                        "#",
                        l.case,
                        l.time,
                        l.customer,
                        l.level,
                        l.grievances,
                        l.rep,
                        l.playbook,
                    ],
                    rows.iter().map(|r| {
                        let mut customer = r.customer.clone();
                        for (is, mark) in [
                            (r.rehearsal, l.rehearsal),
                            (r.void_at.is_some(), l.void_mark),
                        ] {
                            if is {
                                customer = format!("{customer} {mark}");
                            }
                        }
                        vec![
                            r.number.to_string(),
                            r.case_id.clone(),
                            human_time(&r.created_at),
                            customer,
                            r.level.clone(),
                            r.grievances.join(l.list_sep),
                            r.stored_by.clone().unwrap_or_default(),
                            r.playbook.clone(),
                        ]
                    }),
                ),
            }
        }
        CasesCommand::Show(args) => {
            let found = archive.find(&args.id)?.ok_or_else(|| {
                Error::Usage(format!(
                    "no case `{}` in {} (see `defuse cases list`)",
                    args.id,
                    db.display()
                ))
            })?;
            let c = &found.case;
            let banner = c.void_at.as_ref().map(|at| {
                let by = c.void_by.as_deref().unwrap_or_default();
                let why = c.void_reason.as_deref().unwrap_or_default();
                (l.void_banner)(c.number, by, &human_time(at), why)
            });
            match args.format {
                // A void case says so above its plan, where a reader starts.
                PlanFormat::Md => match banner {
                    Some(banner) => format!(
                        "> **{}**\n\n{}",
                        crate::text::markdown_inline(&banner),
                        found.markdown
                    ),
                    None => found.markdown,
                },
                // The JSON is the stored plan, unchanged: the note goes to stderr.
                PlanFormat::Json => {
                    if let Some(banner) = banner {
                        let _ = writeln!(io.err, "note: {banner}");
                    }
                    // Stored by an older version, it may hold raw C1 or bidi controls.
                    crate::text::escape_json(&found.json)
                }
            }
        }
        CasesCommand::Export(args) => {
            let filter = Filter {
                include_rehearsals: args.rehearsals,
                include_void: args.include_void,
                ..Filter::default()
            };
            let mut rows = archive.list(&filter)?;
            if args.redact {
                for r in &mut rows {
                    r.contact = String::new();
                    r.role = String::new();
                }
            }
            match args.format {
                ExportFormat::Json => json(&rows),
                ExportFormat::Csv => archive::csv(&rows),
            }
        }
        CasesCommand::Stats(args) => {
            let dirs = &settings.playbook_dirs.value;
            return super::stats::run(args, &archive, dirs, lang, io);
        }
        CasesCommand::Check => {
            let verdict = archive.integrity_check()?;
            if verdict != "ok" {
                return Err(Error::Archive {
                    path: db.to_string().into(),
                    message: format!("integrity check failed: {verdict}"),
                });
            }
            let ok = format!(
                "ok: {}, schema version {}\n",
                crate::text::count(archive.count()? as usize, "case", "cases"),
                archive.version()?
            );
            let duplicates = archive.duplicates()?;
            if duplicates.is_empty() {
                ok
            } else {
                io.print(&ok)?;
                io.print(&duplicates_report(&duplicates, db))?;
                return Err(Error::Findings(format!(
                    "{} in {}",
                    crate::text::count(duplicates.len(), "duplicate case", "duplicate cases"),
                    db.display()
                )));
            }
        }
        // Done above, before the archive was opened for reading.
        CasesCommand::Void(_) => String::new(),
    };
    io.print(&text)
}

/// Each duplicate with the case it repeats, and the commands that void them.
fn duplicates_report(duplicates: &[(i64, i64)], db: &Location) -> String {
    let mut out = format!(
        "{}: the same answers, playbook and call time as an earlier case\n",
        crate::text::count(duplicates.len(), "duplicate case", "duplicate cases")
    );
    for (duplicate, original) in duplicates {
        out += &format!(
            "  #{duplicate} repeats #{original}: defuse --db {} cases void {duplicate} --reason \"duplicate of #{original}\"\n",
            db.display()
        );
    }
    out + &format!(
        "Void them all (the earliest case of each call is kept): defuse --db {} cases void --duplicates\n",
        db.display()
    )
}

/// `cases void`: one case, or every duplicate. Needs write access. On a
/// server that cannot be reached, one case's void waits in the outbox
/// with the rep's time (see [`archive::act_or_queue`]); voiding the
/// duplicates needs the server to see them.
fn void(
    args: &CasesVoidArgs,
    db: &Location,
    down: Option<&str>,
    lang: Lang,
    settings: &Settings,
    io: &mut Io,
) -> Result<(), Error> {
    let l = lang.labels();
    let at = crate::plan::rfc3339(chrono::Local::now().fixed_offset());
    let by = super::rep_name(settings, &io.env);
    let reason = args.reason.as_deref().unwrap_or_default().trim();
    let voiding = Voiding {
        at: &at,
        by: &by,
        reason,
    };
    if args.duplicates {
        let mut archive = open_unless_down(db, down, Access::Update)?;
        let voided = archive.void_duplicates(&voiding)?;
        if voided.is_empty() {
            let _ = writeln!(io.err, "No duplicate cases in {}", db.display());
        }
        for (duplicate, original) in voided {
            let _ = writeln!(
                io.err,
                "{} (duplicate of #{original})",
                (l.case_voided)(duplicate)
            );
        }
        return Ok(());
    }
    let id = args.id.as_deref().unwrap_or_default();
    if reason.is_empty() {
        return Err(Error::Usage(
            "say why the case is void: --reason TEXT (it is kept with the case)".into(),
        ));
    }
    let outcome = match db.file() {
        Some(_) => Archive::open(db, Access::Update)?.void(id, &voiding)?,
        None => {
            let act = Act {
                kind: ActKind::Void,
                target: id.to_owned(),
                at: at.clone(),
                by: by.clone(),
                reason: reason.to_owned(),
            };
            // Whether this role may void is the server's to say: a lead's
            // void offline is as good as online.
            let queued = |why: &str, outbox: &std::path::Path| {
                format!(
                    "The void of case {id} waits in the outbox {}: the server {db} is unreachable \
                     ({why}); `defuse sync` sends it (the server refuses it then if your role may \
                     not void)",
                    outbox.display()
                )
            };
            match super::sync::act(db, &act, down, io, queued)? {
                None => return Ok(()),
                Some(Ok(number)) => Ok(number),
                Some(Err(Refusal::Void(refused))) => Err(refused),
                Some(Err(other)) => return Err(Error::Usage(other.to_string())),
            }
        }
    };
    match outcome {
        Ok(number) => {
            let _ = writeln!(io.err, "{}", (l.case_voided)(number));
            Ok(())
        }
        Err(VoidRefused::Unknown) => Err(Error::Usage(format!(
            "no case `{id}` in {} (see `defuse cases list`)",
            db.display()
        ))),
        Err(VoidRefused::Ambiguous(numbers)) => {
            let numbers: Vec<String> = numbers.iter().map(|n| format!("#{n}")).collect();
            Err(Error::Usage(format!(
                "case id `{id}` names {} cases ({}); void one by its number",
                numbers.len(),
                numbers.join(", ")
            )))
        }
        Err(VoidRefused::AlreadyVoid(number, at, by, why)) => Err(Error::Usage(format!(
            "case #{number} is already void (voided by {by} at {}: {why})",
            human_time(&at)
        ))),
    }
}

/// `--level` by a level's id or its label in any of the playbook's
/// languages, case aside, as the id the archive stores. Levels come from
/// the catalog; a name none of its playbooks knows is refused with the
/// levels that exist, rather than listing nothing.
fn level_id(name: &str, dirs: &[std::path::PathBuf], lang: Lang) -> Result<String, Error> {
    let wanted = name.trim().to_lowercase();
    let mut known: Vec<(String, String)> = Vec::new();
    let mut matched: Vec<String> = Vec::new();
    for entry in crate::catalog::list(dirs)? {
        let Ok(summary) = entry.result else { continue };
        for (id, label) in &summary.levels {
            let names = std::iter::once(id.clone()).chain(Lang::ALL.map(|l| label.text(l)));
            if names.into_iter().any(|n| n.to_lowercase() == wanted) && !matched.contains(id) {
                matched.push(id.clone());
            }
            let shown = (id.clone(), label.text(lang));
            if !known.contains(&shown) {
                known.push(shown);
            }
        }
    }
    match matched.as_slice() {
        [id] => Ok(id.clone()),
        [] => {
            let known: Vec<String> = known
                .iter()
                .map(|(id, label)| format!("{id} ({label})"))
                .collect();
            Err(Error::Usage(format!(
                "no level `{name}` in any playbook; give a level's id or label: {}",
                known.join(", ")
            )))
        }
        ids => Err(Error::Usage(format!(
            "`{name}` names several levels ({}); give the id",
            ids.join(", ")
        ))),
    }
}

/// The archive opened read-only. The default archive before anything is
/// stored in it reads as empty (nothing is created); a named one that is
/// missing is an error (most likely a typo).
pub(super) fn open_for_reading(
    db: &Location,
    down: Option<&str>,
    env: &Env,
) -> Result<Archive, Error> {
    if let Some(path) = db.file()
        && archive::is_default(db, |name| env.var_os(name))
        && !path.exists()
    {
        return Archive::empty(path);
    }
    open_unless_down(db, down, Access::Read)
}

/// The archive, unless this run already found its server unreachable
/// (`down`, the quiet sync's finding): then that, at once, rather than a
/// second wait for the connect limit.
fn open_unless_down(db: &Location, down: Option<&str>, access: Access) -> Result<Archive, Error> {
    match down {
        Some(why) if db.file().is_none() => Err(Error::Archive {
            path: db.to_string().into(),
            message: why.to_owned(),
        }),
        _ => Archive::open(db, access),
    }
}

pub(super) fn start_of(date: NaiveDate, offset: FixedOffset) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    offset
        .from_local_datetime(&midnight)
        .single()
        .map_or(0, |t| t.timestamp())
}

/// `2026-11-01` (midnight, local offset) or a full RFC 3339 time.
pub(super) fn parse_since(text: &str) -> Result<i64, Error> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "invalid date `{text}`: write YYYY-MM-DD or RFC 3339"
        ))
    })?;
    Ok(start_of(
        date,
        *chrono::Local::now().fixed_offset().offset(),
    ))
}
