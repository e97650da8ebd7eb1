use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use defuse::cli::Cli;
use defuse::command::{self, Io};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let mut io = Io {
        out: &mut stdout,
        err: &mut stderr,
        interactive: std::io::stdin().is_terminal(),
    };
    match command::run(&cli, &mut io) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(u8::try_from(e.code()).unwrap_or(1))
        }
    }
}
