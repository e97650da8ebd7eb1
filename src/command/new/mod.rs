//! `defuse new playbook NAME`: a team starts from files that already pass
//! `lint --deny-warnings` and `test`, and from the CI job that keeps them so.

use std::path::Path;

use super::Io;
use crate::cli::{NewCommand, NewPlaybookArgs};
use crate::error::Error;
use crate::output::write_file;

/// The starting playbook, written for the id `my-playbook`; its own scenario
/// tests. Both are real files so the suite lints and tests them as they are.
const PLAYBOOK: &str = include_str!("playbook.yaml");
const SCENARIOS: &str = include_str!("playbook.tests.yaml");
const TEMPLATE_ID: &str = "my-playbook";

pub fn run(command: &NewCommand, io: &mut Io) -> Result<(), Error> {
    match command {
        NewCommand::Playbook(args) => playbook(args, io),
    }
}

/// A playbook id: lowercase ASCII letters and digits in dash-separated words
/// (`late-delivery`), so it is also a safe file name on every system.
pub fn valid_id(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn playbook(args: &NewPlaybookArgs, io: &mut Io) -> Result<(), Error> {
    let name = args.name.as_str();
    if !valid_id(name) {
        return Err(Error::Usage(format!(
            "`{name}` is not a playbook id: use lowercase letters, digits and dashes, e.g. `late-delivery`"
        )));
    }
    let dir = &args.dir;
    let playbook_path = dir.join(format!("{name}.yaml"));
    let scenario_path = dir.join(format!("{name}.tests.yaml"));
    // Both are checked before either is written, so a refusal leaves nothing half-made.
    for path in [&playbook_path, &scenario_path] {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::Usage(format!(
                "{} already exists; pick another NAME or --dir, or remove it",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    let title = title_of(name);
    let playbook = PLAYBOOK
        .replacen(&format!("id: {TEMPLATE_ID}"), &format!("id: {name}"), 1)
        .replacen("title: My playbook", &format!("title: {title}"), 1);
    let scenarios = SCENARIOS.replacen(&format!("{TEMPLATE_ID}.yaml"), &format!("{name}.yaml"), 1);
    write_file(&playbook_path, playbook.as_bytes(), false)?;
    write_file(&scenario_path, scenarios.as_bytes(), false)?;
    let _ = writeln!(io.err, "wrote {}", playbook_path.display());
    let _ = writeln!(io.err, "wrote {}", scenario_path.display());
    io.print(&ci_snippets(dir))
}

/// `late-delivery` → `Late delivery`.
fn title_of(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// The two checks CI and a pre-commit hook run, for the directory written.
fn ci_snippets(dir: &Path) -> String {
    let dir = dir.display().to_string();
    let dir = if dir.contains(char::is_whitespace) {
        format!("'{dir}'")
    } else {
        dir
    };
    format!(
        "\
Check them now:
  defuse lint --deny-warnings {dir} && defuse test {dir}

A CI job (GitHub Actions: .github/workflows/playbooks.yml):

name: playbooks
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # Install defuse the way your team does, e.g. from its source:
      - run: cargo install --locked --git https://example.com/your/defuse.git defuse
      - run: defuse lint --deny-warnings --format github {dir}
      - run: defuse test {dir}

A pre-commit hook (.git/hooks/pre-commit, made executable):

#!/bin/sh
set -e
defuse lint --deny-warnings {dir}
defuse test {dir}
"
    )
}
