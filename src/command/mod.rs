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

use crate::cli::{Cli, Command};
use crate::error::Error;

pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Whether a live session may be started (stdin is a terminal).
    pub interactive: bool,
}

pub fn run(cli: &Cli, io: &mut Io) -> Result<(), Error> {
    let drafts_dir = cli
        .drafts_dir
        .clone()
        .unwrap_or_else(crate::drafts::default_dir);
    let db = cli.db.clone().unwrap_or_else(crate::archive::default_path);
    match &cli.command {
        Command::Triage(args) => triage::run(args, &cli.playbook_dir, &drafts_dir, &db, io),
        Command::Playbooks(args) => playbooks::run(args, &cli.playbook_dir, io),
        Command::Drafts(args) => drafts::run(args, &drafts_dir, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Test(args) => test::run(args, &cli.playbook_dir, io),
        Command::Schema(args) => schema::run(args, io),
        Command::Cases(command) => cases::run(command, &db, io),
        Command::Followups(args) => cases::followups(args, &db, io),
    }
}
