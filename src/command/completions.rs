//! `defuse completions SHELL`: a shell completion script, generated from the
//! clap types (clap_complete), so it offers exactly the flags the CLI parses.

use clap::CommandFactory;

use super::Io;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

pub fn run(args: &CompletionsArgs, io: &mut Io) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "defuse", &mut script);
    io.print(&String::from_utf8_lossy(&script))
}
