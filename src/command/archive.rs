//! `defuse archive init`: a team archive on a PostgreSQL server — the
//! schema created by the role that owns it, and the least-privilege roles
//! reps and leads log in through, printed as GRANTs or applied.

use super::Io;
use crate::archive::{self, Location};
use crate::cli::ArchiveCommand;
use crate::error::Error;

pub fn run(command: &ArchiveCommand, io: &mut Io) -> Result<(), Error> {
    let ArchiveCommand::Init(args) = command;
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
