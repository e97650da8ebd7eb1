//! One module per subcommand. Commands write through [`Io`], so the whole CLI
//! can run in-process with captured output.

pub mod archive;
pub mod cases;
pub mod drafts;
pub mod lint;
pub mod playbooks;
pub mod schema;
pub mod test;
pub mod triage;

mod io;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

pub use io::{Env, Gate, Io};

use crate::archive::Location;
use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::i18n::Lang;

/// A listing table and a final newline. Cells are escaped before the layout
/// (not only by the gate after it), so the columns are measured as shown.
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

/// Pretty JSON with a final newline, for `--format json` (see `text::json`).
pub fn json(value: &impl serde::Serialize) -> String {
    crate::text::json(value).unwrap_or_else(|_| "\n".into())
}

/// The whole CLI: parses `args` (the program name first), runs the command
/// and returns the exit code. Help, usage errors and the final `error: …`
/// line are printed through `io` like everything else, so they pass the gate
/// too (clap's colours are lost: its styling cannot be told from the text a
/// user typed). The binary and the in-process tests both call this.
pub fn main<T: Into<OsString> + Clone>(args: impl IntoIterator<Item = T>, io: &mut Io) -> u8 {
    let code = match Cli::try_parse_from(args) {
        Ok(cli) => match run(&cli, io) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(io.err, "error: {e}");
                u8::try_from(e.code()).unwrap_or(1)
            }
        },
        Err(e) => {
            let text = e.render().to_string();
            let stream = if e.use_stderr() {
                &mut io.err
            } else {
                &mut io.out
            };
            let _ = stream.write_all(text.as_bytes());
            u8::try_from(e.exit_code()).unwrap_or(2)
        }
    };
    let _ = io.out.flush();
    let _ = io.err.flush();
    code
}

pub fn run(cli: &Cli, io: &mut Io) -> Result<(), Error> {
    let var = |name: &str| io.env.var_os(name);
    // Resolved only by the commands that use them: with no home directory,
    // `lint` still works and `triage` says what to set.
    let drafts_dir = || {
        cli.drafts_dir
            .clone()
            .map_or_else(|| crate::drafts::default_dir(var), Ok)
    };
    // A URL names a server; a path (or `sqlite:PATH`) a file.
    let db = || match (&cli.db, var("DEFUSE_DB").filter(|v| !v.is_empty())) {
        (Some(named), _) => Location::parse(named.as_os_str(), var),
        (None, Some(named)) => Location::parse(&named, var),
        (None, None) => crate::archive::default_path(var).map(Location::File),
    };
    // `--playbook-dir` replaces `$DEFUSE_PLAYBOOK_DIR` (a `:`-separated list).
    let playbook_dirs: Vec<PathBuf> = match io.env.var_os("DEFUSE_PLAYBOOK_DIR") {
        Some(list) if cli.playbook_dir.is_empty() => std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        _ => cli.playbook_dir.clone(),
    };
    let lang = Lang::resolve(cli.lang, |name| io.env.var(name))
        .map_err(|e| Error::Usage(format!("{e} (from $DEFUSE_LANG)")));
    match &cli.command {
        Command::Triage(args) => {
            // A replay keeps no draft, so it needs no drafts directory.
            let drafts_dir = match &args.answers {
                Some(_) => PathBuf::new(),
                None => drafts_dir()?,
            };
            // --no-store never looks at the archive, so needs no path for it.
            let db = match args.no_store {
                true => Location::File(PathBuf::new()),
                false => db()?,
            };
            triage::run(args, &playbook_dirs, &drafts_dir, &db, lang?, io)
        }
        Command::Playbooks(args) => playbooks::run(args, &playbook_dirs, lang?, io),
        Command::Drafts(args) => drafts::run(args, &drafts_dir()?, lang?, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Test(args) => test::run(args, &playbook_dirs, io),
        Command::Schema(args) => schema::run(args, io),
        Command::Cases(command) => cases::run(command, &db()?, lang?, io),
        Command::Followups(args) => cases::followups(args, &db()?, lang?, io),
        Command::Archive(command) => archive::run(command, io),
    }
}
