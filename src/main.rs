use std::io::IsTerminal;
use std::process::ExitCode;

use defuse::command::{self, Env, Io};

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let mut io = Io::new(
        &mut stdout,
        &mut stderr,
        std::io::stdin().is_terminal(),
        Env::Process,
    );
    io.stdout_terminal = std::io::stdout().is_terminal();
    io.stdout_cols = defuse::prompt::terminal::stdout_columns();
    io.err_terminal = std::io::stderr().is_terminal();
    ExitCode::from(command::main(std::env::args_os(), &mut io))
}
