//! `defuse test`: run playbook scenario files; a diff per failing case.

use std::path::{Path, PathBuf};

use super::Io;
use crate::catalog::{self, MAX_PLAYBOOK_BYTES};
use crate::cli::TestArgs;
use crate::error::Error;
use crate::read::read_text;
use crate::scenario::{self, ScenarioFile};

const SUFFIX: &str = ".tests.yaml";

pub fn run(args: &TestArgs, playbook_dirs: &[PathBuf], io: &mut Io) -> Result<(), Error> {
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
    for file in &files {
        let name = file.display().to_string();
        match run_file(file, &name, playbook_dirs) {
            Ok(results) => {
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
    io.print(&out)?;
    if failed + broken > 0 {
        let files = if broken > 0 {
            format!("; {broken} scenario file(s) could not run")
        } else {
            String::new()
        };
        Err(Error::Findings(format!(
            "{failed} scenario(s) failed{files}"
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

fn run_file(
    file: &Path,
    name: &str,
    playbook_dirs: &[PathBuf],
) -> Result<Vec<scenario::CaseResult>, Error> {
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
    scenario::run(&loaded.playbook, scenarios, name, &source).map_err(Error::Scenario)
}
