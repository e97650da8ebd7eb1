//! `defuse test`: run playbook scenario files; a diff per failing case.
//! `--coverage` adds what the scenarios exercise, per playbook;
//! `--against-archive` replays stored calls instead (`whatif`).

pub(in crate::command) mod whatif;

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Io, json};
use crate::archive::Location;
use crate::catalog::{self, MAX_PLAYBOOK_BYTES};
use crate::cli::{ListFormat, TestArgs};
use crate::coverage::Coverage;
use crate::error::Error;
use crate::playbook::Playbook;
use crate::read::read_text;
use crate::scenario::{self, ScenarioFile};

const SUFFIX: &str = ".tests.yaml";

pub fn run(
    args: &TestArgs,
    playbook_dirs: &[PathBuf],
    db: Option<&Location>,
    io: &mut Io,
) -> Result<(), Error> {
    // `command::run` resolves the archive only for --against-archive.
    if let Some(db) = db {
        return whatif::run(args, playbook_dirs, db, io);
    }
    if args.format == ListFormat::Json && !args.coverage {
        return Err(Error::Usage(
            "--format applies to --coverage and --against-archive".into(),
        ));
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("playbooks")]
    } else {
        args.paths.clone()
    };
    let files = catalog::find_files(&paths, |name| name.ends_with(SUFFIX))?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "no `*{SUFFIX}` scenario files under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    let mut out = String::new();
    // Per playbook id, in the order first met (several files may test one).
    let mut coverage: Vec<Coverage> = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        match run_file(file, &name, playbook_dirs) {
            Ok((pb, results)) => {
                if args.coverage {
                    record(&mut coverage, &pb, &results);
                }
                for case in results {
                    if case.diff.is_empty() {
                        passed += 1;
                        out.push_str(&format!("ok   {name}:{} {}\n", case.line, case.name));
                    } else {
                        failed += 1;
                        out.push_str(&format!("FAIL {name}:{} {}\n", case.line, case.name));
                        for line in case.diff {
                            out.push_str(&format!("  {line}\n"));
                        }
                    }
                }
            }
            Err(e) => {
                broken += 1;
                out.push_str(&format!("error: {e}\n"));
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    if !args.coverage {
        io.print(&out)?;
    } else if args.format == ListFormat::Json {
        // The case lines go to stderr so stdout is one JSON document.
        let _ = io.err.write_all(out.as_bytes());
        io.print(&json(&coverage))?;
    } else {
        for c in &coverage {
            out.push('\n');
            out.push_str(&c.render());
        }
        io.print(&out)?;
    }
    // A remedy no scenario proposes is one a team lead has never seen the
    // playbook reach: said with --coverage only (a plain run stays as it was).
    for c in &coverage {
        for remedy in c.never_proposed() {
            let _ = writeln!(
                io.err,
                "warning: playbook `{}`: no scenario proposes remedy `{remedy}`",
                c.playbook
            );
        }
    }
    if failed + broken > 0 {
        let files = if broken > 0 {
            format!(
                "; {} could not run",
                crate::text::count(broken, "scenario file", "scenario files")
            )
        } else {
            String::new()
        };
        Err(Error::Findings(format!(
            "{} failed{files}",
            crate::text::count(failed, "scenario", "scenarios")
        )))
    } else {
        Ok(())
    }
}

/// For a playbook given where a scenario file was expected: what to run
/// instead. Told by content (a playbook's own top-level keys), not by name.
fn playbook_hint(name: &str, source: &str) -> Option<String> {
    let keys = crate::playbook::recover::top_level_keys(source);
    if !keys.iter().any(|k| k == "assess" || k == "levels") {
        return None;
    }
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name);
    Some(format!(
        "{name} is a playbook, not a scenario file: `defuse test` runs `*{SUFFIX}` files \
         (its scenarios go in `{stem}{SUFFIX}`); check the playbook with `defuse lint {name}`"
    ))
}

/// Adds a scenario file's outcomes to its playbook's coverage.
fn record(coverage: &mut Vec<Coverage>, pb: &Playbook, results: &[scenario::CaseResult]) {
    let at = match coverage.iter().position(|c| c.playbook == pb.id.value) {
        Some(at) => at,
        None => {
            coverage.push(Coverage::new(pb));
            coverage.len() - 1
        }
    };
    for outcome in results.iter().filter_map(|r| r.outcome.as_ref()) {
        coverage[at].record(pb, outcome);
    }
}

fn run_file(
    file: &Path,
    name: &str,
    playbook_dirs: &[PathBuf],
) -> Result<(Playbook, Vec<scenario::CaseResult>), Error> {
    let source = read_text(file, MAX_PLAYBOOK_BYTES)?;
    let scenarios = ScenarioFile::parse(name, &source)
        .map_err(|e| playbook_hint(name, &source).map_or(Error::Scenario(e), Error::Usage))?;
    let loaded = match &scenarios.playbook {
        // A path is relative to the scenario file; otherwise an id.
        Some(named) if named.value.ends_with(".yaml") || named.value.ends_with(".yml") => {
            catalog::load_file(&file.parent().unwrap_or(Path::new(".")).join(&named.value))?
        }
        Some(named) => catalog::resolve(&named.value, playbook_dirs)?,
        None => {
            let base = name.strip_suffix(SUFFIX).ok_or_else(|| {
                Error::Usage(format!(
                    "{name}: name it `PLAYBOOK{SUFFIX}` or add `playbook:`"
                ))
            })?;
            catalog::load_file(Path::new(&format!("{base}.yaml")))?
        }
    };
    let results =
        scenario::run(&loaded.playbook, scenarios, name, &source).map_err(Error::Scenario)?;
    Ok((loaded.playbook, results))
}
