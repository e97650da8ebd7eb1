//! Where the archive is: a file or a server, chosen by what `--db` (or
//! `$DEFUSE_DB`) names. A `postgres://`/`postgresql://` URL is a server;
//! `sqlite:PATH` or any other text is a file path. Another `scheme://` is
//! refused rather than taken as a path (it once made a folder named
//! `postgres:` and a SQLite file in it), and so is a mistyped server URL
//! (`postgres:/rep@host/db`): a rep would believe the team had the case.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

use super::postgres::Server;
use crate::error::Error;

#[derive(Clone)]
pub enum Location {
    File(PathBuf),
    Server(Box<Server>),
}

impl Location {
    /// `text` as a location; `env` gives what a server connection reads
    /// from the environment (`PGPASSWORD`, `PGPASSFILE`, `HOME`, the user).
    pub fn parse(text: &OsStr, env: impl Fn(&str) -> Option<OsString>) -> Result<Self, Error> {
        let Some(utf8) = text.to_str() else {
            return Ok(Location::File(PathBuf::from(text)));
        };
        let lower = utf8.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Server::parse(utf8, &env).map(|server| Location::Server(Box::new(server)));
        }
        // The messages below repeat the text: never with a password in it.
        if holds_password(utf8) {
            return Err(Error::Usage(super::postgres::password_refused()));
        }
        if let Some(scheme) = ["postgresql:", "postgres:"]
            .into_iter()
            .find(|scheme| lower.starts_with(scheme))
        {
            let rest = utf8[scheme.len()..].trim_start_matches(['/', '\\']);
            return Err(Error::Usage(format!(
                "--db {utf8}: not a PostgreSQL URL (one starts `postgres://`); did you mean \
                 `postgres://{rest}`? A file of that name is `sqlite:{utf8}`"
            )));
        }
        if let Some(path) = utf8.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Error::Usage(
                    "`sqlite:` names no file; write sqlite:PATH, e.g. sqlite:cases.db".into(),
                ));
            }
            return Ok(Location::File(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = utf8.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            let hint = crate::diagnostic::did_you_mean(
                &scheme.to_ascii_lowercase(),
                ["postgres", "postgresql", "sqlite"],
            )
            .map(|help| format!(" ({help})"))
            .unwrap_or_default();
            return Err(Error::Usage(format!(
                "--db {utf8}: unknown archive kind `{scheme}://`{hint}; name a file (PATH or \
                 sqlite:PATH) or a PostgreSQL server (postgres://user@host:port/dbname)"
            )));
        }
        Ok(Location::File(PathBuf::from(text)))
    }

    /// The file, if the archive is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Server(_) => None,
        }
    }

    /// Refuses, before anything is asked or written, an archive that cannot
    /// be: a file path under a regular file, or a directory. A server is
    /// only known to be reachable by connecting.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Location::File(path) => super::sqlite::check_location(path),
            Location::Server(_) => Ok(()),
        }
    }

    /// As the rep wrote it (a URL never holds a password: those are refused).
    pub fn display(&self) -> impl fmt::Display + '_ {
        self
    }
}

/// Whether a URL-like text (`scheme:[//]user:password@host…`) holds a
/// password; a plain path never matches (it has no `@` after a `:`).
fn holds_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once(':') else {
        return false;
    };
    let authority = rest
        .trim_start_matches(['/', '\\'])
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => path.display().fmt(f),
            Location::Server(server) => server.fmt(f),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Location, Error> {
        Location::parse(OsStr::new(text), |name| match name {
            "USER" => Some("rep".into()),
            _ => None,
        })
    }

    #[test]
    fn paths_and_sqlite_urls_are_files_and_postgres_urls_servers() {
        for (text, file) in [
            ("cases.db", "cases.db"),
            ("/tmp/a b/cases.db", "/tmp/a b/cases.db"),
            ("sqlite:team.db", "team.db"),
            ("sqlite:///tmp/team.db", "/tmp/team.db"),
            ("sqlite:postgres:db", "postgres:db"),
        ] {
            assert_eq!(parse(text).unwrap().file(), Some(Path::new(file)), "{text}");
        }
        for url in [
            "postgres://rep@db.example:5433/team",
            "postgresql://rep@db.example/team?sslmode=require",
            "POSTGRES://rep@localhost/team",
        ] {
            let location = parse(url).unwrap();
            assert!(location.file().is_none(), "{url}");
            assert_eq!(location.to_string(), url);
        }
    }

    #[test]
    fn another_scheme_is_refused_not_made_a_folder() {
        let err = parse("mysql://rep@host/db").unwrap_err().to_string();
        assert!(err.contains("unknown archive kind `mysql://`"), "{err}");
        assert!(parse("sqlite:").is_err());
        let err = parse("postgress://rep@host/db").unwrap_err().to_string();
        assert!(err.contains("did you mean `postgres`"), "{err}");
    }

    #[test]
    fn a_refused_url_never_repeats_its_password() {
        for text in [
            "postgres:/alice:s3cret@host/db",
            "mysql://alice:s3cret@host/db",
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(!err.contains("s3cret"), "{err}");
            assert!(err.contains("PGPASSWORD"), "{err}");
        }
        assert!(parse("/tmp/a:b@c/cases.db").is_ok(), "a path is a path");
    }

    #[test]
    fn a_mistyped_server_url_is_refused_not_made_a_file() {
        for typo in [
            "postgres:/alice@localhost:55432/team",
            "postgres:alice@localhost/team",
            "PostgreSQL:\\\\alice@localhost/team",
            "postgres:db",
        ] {
            let err = parse(typo).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{typo}");
            let message = err.to_string();
            assert!(message.contains("did you mean `postgres://"), "{message}");
            assert!(message.contains(&format!("sqlite:{typo}")), "{message}");
        }
    }
}
