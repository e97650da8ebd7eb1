//! One module per subcommand. Commands write through [`Io`], so the whole CLI
//! can run in-process with captured output.

pub mod archive;
pub mod cases;
pub mod commitments;
pub mod completions;
pub mod config;
pub mod drafts;
pub mod lint;
pub mod man;
pub mod new;
pub mod playbooks;
pub mod schema;
pub mod stats;
pub mod sync;
pub mod test;
pub mod triage;

mod io;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

pub use io::{Env, Gate, Io};

use unicode_width::UnicodeWidthStr;

use crate::archive::Location;
use crate::cli::{Cli, Command};
use crate::config::{Flags, Origin, Settings};
use crate::error::Error;

/// How a listing is laid out: what `--format table|tsv` asks for, and
/// whether stdout is a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Box-drawn columns, for a terminal this many columns wide: long
    /// cells wrap inside their column rather than the terminal wrapping
    /// every row.
    Boxed { width: u16 },
    /// Space-aligned columns and no box drawing, for a pipe or a file
    /// (`grep`, `less`, a mail).
    Plain,
    /// Tab-separated values with a header line, for `cut` and spreadsheets.
    Tsv,
}

impl Layout {
    pub fn of(tsv: bool, io: &Io) -> Layout {
        match (tsv, io.stdout_terminal) {
            (true, _) => Layout::Tsv,
            (false, true) => Layout::Boxed {
                width: u16::try_from(io.stdout_width()).unwrap_or(u16::MAX),
            },
            (false, false) => Layout::Plain,
        }
    }
}

/// A listing and a final newline. Cells are escaped before the layout
/// (not only by the gate after it), so the columns are measured as shown.
pub fn table<R: IntoIterator<Item = String>>(
    layout: Layout,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> String {
    let cells = |row: R| {
        row.into_iter()
            .map(|cell| crate::text::for_terminal(&cell))
            .collect::<Vec<_>>()
    };
    if layout == Layout::Tsv {
        // A tab or a line break inside a cell would start a new column or row.
        let line = |cells: Vec<String>| {
            cells
                .iter()
                .map(|c| c.replace(['\t', '\n', '\r'], " "))
                .collect::<Vec<_>>()
                .join("\t")
                + "\n"
        };
        let head = line(header.iter().map(|h| (*h).to_owned()).collect());
        return rows
            .into_iter()
            .map(cells)
            .map(line)
            .fold(head, |a, b| a + &b);
    }
    let mut table = comfy_table::Table::new();
    table
        .load_preset(match layout {
            Layout::Boxed { .. } => comfy_table::presets::UTF8_FULL_CONDENSED,
            _ => comfy_table::presets::NOTHING,
        })
        .set_header(header.to_vec());
    let rows: Vec<Vec<String>> = rows.into_iter().map(cells).collect();
    if let Layout::Boxed { width } = layout {
        let widths = (0..header.len()).map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| UnicodeWidthStr::width(cell.as_str()))
                .chain([UnicodeWidthStr::width(header[i])])
                .max()
                .unwrap_or(0)
        });
        table
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(width);
        for (i, keep) in unwrapped_columns(widths.collect(), width.into())
            .into_iter()
            .enumerate()
        {
            if let (true, Some(column)) = (keep, table.column_mut(i)) {
                column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
        table.add_rows(rows);
        return format!("{table}\n");
    }
    table.add_rows(rows);
    // NOTHING keeps each cell's one-space padding: drop it at both ends of a line.
    let text = table.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect();
    lines.join("\n") + "\n"
}

/// Which columns of a boxed table keep their content's width when the
/// table must fit `width`: the short ones (a number, a date, a name),
/// narrowest first, as long as every column left to wrap keeps a share.
/// Left to itself the table gives every column an equal share and breaks
/// short words ("Nordlich-t") while a long text could have wrapped.
fn unwrapped_columns(widths: Vec<usize>, width: usize) -> Vec<bool> {
    /// At most this wide to be kept whole.
    const SHORT: usize = 16;
    /// The least a wrapped column is left.
    const SHARE: usize = 8;
    // Each column's padding and border: "│ x ┆ y │".
    let mut used = 3 * widths.len() + 1;
    let mut order: Vec<usize> = (0..widths.len()).filter(|&i| widths[i] <= SHORT).collect();
    order.sort_by_key(|&i| widths[i]);
    let mut keep = vec![false; widths.len()];
    for i in order {
        let others: usize = (0..widths.len())
            .filter(|&j| j != i && !keep[j])
            .map(|j| widths[j].min(SHARE))
            .sum();
        if used + widths[i] + others > width {
            break;
        }
        used += widths[i];
        keep[i] = true;
    }
    keep
}

/// Who is at the keyboard, as the shell knows it: `$USER`, else
/// `$LOGNAME`, else `unknown`. Recorded as who voided a case.
pub fn os_user(env: &Env) -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|name| env.var(name).filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// The rep's own name: what `commitments --mine` matches owners' names
/// against and what `done` and `void` record. The configured name, else the
/// OS user ([`os_user`]).
pub fn rep_name(settings: &Settings, env: &Env) -> String {
    match settings.rep_name() {
        Some(name) => name.to_owned(),
        None => os_user(env),
    }
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
    io.colour = io.env.colour(cli.color, io.err_terminal);
    // Generated from the clap types alone: a broken config file must not
    // stop a shell's completion setup or a packager's build.
    match &cli.command {
        Command::Completions(args) => return completions::run(args, io),
        Command::Man(args) => return man::run(args, io),
        _ => {}
    }
    let var = |name: &str| io.env.var_os(name);
    // The config file is read first, whatever the command: a broken one is
    // reported before anything else happens (exit 2).
    let settings = Settings::resolve(
        &Flags {
            config: cli.config.as_deref(),
            lang: cli.lang,
            playbook_dirs: &cli.playbook_dir,
            db: cli.db.as_deref(),
        },
        var,
    )?;
    // Resolved only by the commands that use them: with no home directory,
    // `lint` still works and `triage` says what to set.
    let drafts_dir = || {
        cli.drafts_dir
            .clone()
            .map_or_else(|| crate::drafts::default_dir(var), Ok)
    };
    // A URL names a server; a path (or `sqlite:PATH`) a file. The same
    // rules wherever it was set; a refusal names where that was.
    let db = || match &settings.archive {
        Some(archive) => Location::parse(archive.value.as_os_str(), var).map_err(|e| match e {
            Error::Usage(message) => Error::Usage(match &archive.from {
                Origin::Flag(_) | Origin::Default => message,
                Origin::Env(name) => message.replacen("--db", &format!("${name}"), 1),
                Origin::File => {
                    let file = settings
                        .file
                        .as_ref()
                        .map(|f| f.value.display().to_string());
                    let place = format!("`archive` in {}", file.unwrap_or_default());
                    message.replacen("--db", &place, 1)
                }
            }),
            other => other,
        }),
        None => crate::archive::default_path(var).map(Location::File),
    };
    let playbook_dirs = &settings.playbook_dirs.value;
    let lang = || match &settings.lang {
        Ok(lang) => Ok(lang.value),
        Err(e) => Err(Error::Usage(format!("{e} (from $DEFUSE_LANG)"))),
    };
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
            let team = settings.team();
            triage::run(args, playbook_dirs, &drafts_dir, &db, lang()?, &team, io)
        }
        Command::Playbooks(args) => playbooks::run(args, playbook_dirs, lang()?, io),
        Command::Drafts(args) => drafts::run(args, &drafts_dir()?, lang()?, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Test(args) => {
            // Only --against-archive reads the archive.
            let db = match args.against_archive {
                true => Some(db()?),
                false => None,
            };
            test::run(args, playbook_dirs, db.as_ref(), io)
        }
        Command::Schema(args) => schema::run(args, io),
        Command::New(command) => new::run(command, io),
        Command::Cases(command) => {
            let db = db()?;
            let down = sync::quietly(&db, io);
            let done = cases::run(command, &db, down.as_deref(), lang()?, &settings, io);
            sync::noting_outbox(&db, io, done)
        }
        Command::Commitments(args) => {
            let db = db()?;
            let down = sync::quietly(&db, io);
            let done = commitments::run(args, &db, down.as_deref(), lang()?, &settings, io);
            sync::noting_outbox(&db, io, done)
        }
        Command::Sync(args) => sync::run(args, &db()?, io),
        Command::Config(args) => {
            let archive = db().map_err(|e| e.to_string());
            config::run(args, &settings, archive, io)
        }
        Command::Archive(command) => archive::run(command, io),
        Command::Completions(_) | Command::Man(_) => Ok(()),
    }
}
