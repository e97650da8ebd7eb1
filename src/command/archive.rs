//! `defuse archive init`: a team archive on a PostgreSQL server — the
//! schema created by the role that owns it, and the least-privilege roles
//! reps and leads log in through, printed as GRANTs or applied.
//! `defuse archive copy`: one archive's cases into another (moving in).

use super::Io;
use crate::archive::{self, Location};
use crate::cli::{ArchiveCommand, ArchiveCopyArgs};
use crate::error::Error;
use crate::text::count;

/// Progress is told every this many cases (a rep's archive copies in seconds).
const PROGRESS_EVERY: usize = 500;

pub fn run(command: &ArchiveCommand, io: &mut Io) -> Result<(), Error> {
    let args = match command {
        ArchiveCommand::Init(args) => args,
        ArchiveCommand::Copy(args) => return copy(args, io),
    };
    let location = Location::parse(args.url.as_ref(), |name| io.env.var_os(name))?;
    if location.file().is_some() {
        return Err(Error::Usage(format!(
            "`archive init` sets up a server archive: name one as postgres://user@host:port/dbname, not {}",
            args.url
        )));
    }
    let roles = archive::Roles {
        rep: &args.rep_role,
        lead: &args.lead_role,
    };
    let setup = archive::init_server(&location, &roles, args.apply)?;
    let _ = writeln!(
        io.err,
        "The case archive {location} is at schema version {}.",
        setup.version
    );
    if setup.plan_lang_filled > 0 {
        let _ = writeln!(
            io.err,
            "Noted the plan language of {} stored before schema version 8 (listings no longer read their plans for it).",
            count(setup.plan_lang_filled as usize, "case", "cases")
        );
    }
    if let Some(why) = &setup.no_customer_index {
        let _ = writeln!(
            io.err,
            "No trigram index for `cases list --customer` ({why}): it will read every case. \
             Install PostgreSQL's contrib (pg_trgm) or let the database owner create it, then run this again."
        );
    }
    if args.apply {
        let _ = writeln!(
            io.err,
            "Applied the GRANTs below; give each rep `GRANT {} TO name;` and each lead `GRANT {} TO name;`.",
            args.rep_role, args.lead_role
        );
    } else {
        let _ = writeln!(
            io.err,
            "Run these as the archive's owner (e.g. psql -f), or run this again with --apply:"
        );
    }
    io.print(&setup.grants)
}

fn copy(args: &ArchiveCopyArgs, io: &mut Io) -> Result<(), Error> {
    let parse = |flag: &str, text: &str| {
        Location::parse(text.as_ref(), |name| io.env.var_os(name))
            .map_err(|e| Error::Usage(format!("--{flag}: {e}")))
    };
    let (from, to) = (parse("from", &args.from)?, parse("to", &args.to)?);
    if from.file().is_some_and(|path| !path.exists()) {
        return Err(Error::Usage(format!("--from: no archive at {from}")));
    }
    let err = &mut io.err;
    let copied = archive::copy(&from, &to, &mut |done, total| {
        if done % PROGRESS_EVERY == 0 && done < total {
            let _ = writeln!(err, "{done} of {total} cases…");
        }
    })?;
    if copied.created {
        let _ = writeln!(io.err, "Created the case archive {to}");
    }
    io.print(&format!(
        "Copied {} with {} from {from} to {to}; {} already there{}.\n",
        count(copied.copied, "case", "cases"),
        count(copied.commitments, "commitment", "commitments"),
        copied.already,
        updated(&copied)
    ))?;
    refused(&copied, &to, io);
    Ok(())
}

/// ", K updated (2 voids, 5 done)": what a re-run carried to cases already
/// there; nothing when it carried nothing.
fn updated(copied: &archive::Copied) -> String {
    if copied.updated == 0 {
        return String::new();
    }
    let mut what = Vec::new();
    if copied.voids > 0 {
        what.push(count(copied.voids, "void", "voids"));
    }
    if copied.done > 0 {
        what.push(format!("{} done", copied.done));
    }
    format!(", {} updated ({})", copied.updated, what.join(", "))
}

/// What the target refused to carry, and what to do about it.
fn refused(copied: &archive::Copied, to: &Location, io: &mut Io) {
    if copied.voids_refused > 0 {
        let _ = writeln!(
            io.err,
            "{} not carried: your role on {to} may not void cases; ask a lead to run this copy, or to void them with `defuse cases void`.",
            count(copied.voids_refused, "void was", "voids were"),
        );
    }
    if copied.done_refused > 0 {
        let _ = writeln!(
            io.err,
            "{} not carried: on {to} your role marks done only the commitments of cases it stored; ask a lead to run this copy, or to mark them with `defuse commitments done`.",
            count(copied.done_refused, "done mark was", "done marks were"),
        );
    }
}
