//! One module per subcommand. Commands write through [`Io`], so the whole CLI
//! can run in-process with captured output.

pub mod cases;
pub mod drafts;
pub mod lint;
pub mod playbooks;
pub mod schema;
pub mod test;
pub mod triage;

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::i18n::Lang;

pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Whether a live session may be started (stdin is a terminal).
    pub interactive: bool,
}

impl Io<'_> {
    /// Writes a command's output to stdout.
    pub fn print(&mut self, text: &str) -> Result<(), Error> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|source| Error::Write {
                path: "<stdout>".into(),
                source,
            })
    }
}

/// A listing table with every cell made safe for the terminal, and a final newline.
pub fn table<R: IntoIterator<Item = String>>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(
            row.into_iter()
                .map(|cell| crate::text::for_terminal(&cell))
                .collect::<Vec<_>>(),
        );
    }
    format!("{table}\n")
}

/// Pretty JSON with a final newline, for `--format json`.
pub fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

pub fn run(cli: &Cli, io: &mut Io) -> Result<(), Error> {
    // Resolved only by the commands that use them: with no home directory,
    // `lint` still works and `triage` says what to set.
    let drafts_dir = || {
        cli.drafts_dir
            .clone()
            .map_or_else(crate::drafts::default_dir, Ok)
    };
    let db = || cli.db.clone().map_or_else(crate::archive::default_path, Ok);
    let lang = || {
        Lang::resolve(cli.lang, |var| std::env::var(var).ok())
            .map_err(|e| Error::Usage(format!("{e} (from $DEFUSE_LANG)")))
    };
    match &cli.command {
        Command::Triage(args) => {
            // A replay keeps no draft, so it needs no drafts directory.
            let drafts_dir = match &args.answers {
                Some(_) => PathBuf::new(),
                None => drafts_dir()?,
            };
            triage::run(args, &cli.playbook_dir, &drafts_dir, &db()?, lang()?, io)
        }
        Command::Playbooks(args) => playbooks::run(args, &cli.playbook_dir, lang()?, io),
        Command::Drafts(args) => drafts::run(args, &drafts_dir()?, lang()?, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Test(args) => test::run(args, &cli.playbook_dir, io),
        Command::Schema(args) => schema::run(args, io),
        Command::Cases(command) => cases::run(command, &db()?, lang()?, io),
        Command::Followups(args) => cases::followups(args, &db()?, lang()?, io),
    }
}
