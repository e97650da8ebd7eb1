//! `defuse man`: the manual page (roff, clap_mangen), generated from the clap
//! types: `defuse.1` on stdout, or one page per command into `--out DIR`.

use std::path::Path;

use clap::CommandFactory;

use super::Io;
use crate::cli::{Cli, ManArgs};
use crate::error::Error;

pub fn run(args: &ManArgs, io: &mut Io) -> Result<(), Error> {
    // Built, so subcommands carry their full names (`defuse-cases-list`).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = &args.out else {
        return io.print(&page(&cmd)?.1);
    };
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    let mut written = 0;
    write_pages(&cmd, dir, args.force, &mut written)?;
    let _ = writeln!(
        io.err,
        "{written} manual pages written to {}",
        dir.display()
    );
    Ok(())
}

/// The page of `cmd` and of each of its subcommands, depth first.
fn write_pages(
    cmd: &clap::Command,
    dir: &Path,
    force: bool,
    written: &mut usize,
) -> Result<(), Error> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, force, written)?;
    }
    let (name, roff) = page(cmd)?;
    crate::output::write_file(&dir.join(name), roff.as_bytes(), force)?;
    *written += 1;
    Ok(())
}

/// The file name and roff text of `cmd`'s page.
fn page(cmd: &clap::Command) -> Result<(String, String), Error> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut roff = Vec::new();
    man.render(&mut roff).map_err(|source| Error::Write {
        path: man.get_filename().into(),
        source,
    })?;
    Ok((
        man.get_filename(),
        String::from_utf8_lossy(&roff).into_owned(),
    ))
}
