//! A `postgres://` URL read as libpq reads it: the user, database and
//! host defaults, `sslmode`/`sslrootcert` (ours: the library knows fewer
//! modes), the other parameters the library takes, the time limits added,
//! and a password anywhere in it refused.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use postgres::Config;

use super::{CONNECT_TIMEOUT, IDLE_IN_TRANSACTION_MS, STATEMENT_TIMEOUT_MS, Server, Tls};
use crate::error::Error;

/// The URL parameters the client library takes (libpq's names).
const LIBRARY_PARAMETERS: &[&str] = &[
    "user",
    "dbname",
    "host",
    "hostaddr",
    "port",
    "options",
    "application_name",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

impl Server {
    /// Parses `postgres://user@host:port/dbname?sslmode=…`; `env` gives the
    /// password's sources and the default user (`$PGUSER`, else the OS user).
    /// sslmode and sslrootcert are read here; the other parameters of
    /// [`LIBRARY_PARAMETERS`] go to the client library; any other is refused.
    pub fn parse(url: &str, env: &dyn Fn(&str) -> Option<OsString>) -> Result<Self, Error> {
        let bad = |why: String| Error::Usage(format!("--db {url}: {why}"));
        let var = |name: &str| {
            env(name)
                .and_then(|v| v.into_string().ok())
                .filter(|v| !v.is_empty())
        };
        // Checked first, so no message below ever repeats a password.
        let authority = url
            .split_once("://")
            .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
        if authority
            .rsplit_once('@')
            .is_some_and(|(userinfo, _)| userinfo.contains(':'))
        {
            return Err(Error::Usage(password_refused()));
        }
        // sslmode and sslrootcert are ours (the client library knows only
        // disable/prefer/require); every other parameter is the library's.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut tls = Tls::Prefer;
        let mut root_cert = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    tls = match value {
                        "disable" => Tls::Disable,
                        "prefer" => Tls::Prefer,
                        "require" => Tls::Require,
                        "verify-ca" => Tls::VerifyCa,
                        "verify-full" => Tls::VerifyFull,
                        other => {
                            return Err(bad(format!(
                                "sslmode `{other}` is not supported; use disable, prefer, require, verify-ca or verify-full"
                            )));
                        }
                    }
                }
                "sslrootcert" => root_cert = Some(PathBuf::from(percent_decode(value))),
                "password" => return Err(Error::Usage(password_refused())),
                key if LIBRARY_PARAMETERS.contains(&key) => rest.push(pair),
                key => {
                    let known = LIBRARY_PARAMETERS
                        .iter()
                        .copied()
                        .chain(["sslmode", "sslrootcert"]);
                    let hint = crate::diagnostic::did_you_mean(key, known)
                        .map(|help| format!(" ({help})"))
                        .unwrap_or_default();
                    return Err(bad(format!(
                        "unknown URL parameter `{key}`{hint}; known: sslmode, sslrootcert, {}",
                        LIBRARY_PARAMETERS.join(", ")
                    )));
                }
            }
        }
        // URL schemes are case-insensitive; the library knows lower case only.
        let base = match base.split_once("://") {
            Some((scheme, after)) => format!("{}://{after}", scheme.to_ascii_lowercase()),
            None => base.to_owned(),
        };
        let library_url = match rest.is_empty() {
            true => base,
            false => format!("{base}?{}", rest.join("&")),
        };
        let mut config: Config = library_url
            .parse()
            .map_err(|e| bad(format!("not a PostgreSQL URL ({e})")))?;
        if config.get_password().is_some() {
            // Not `bad`: the message must not repeat the URL, password and all.
            return Err(Error::Usage(password_refused()));
        }
        if config.get_user().is_none() {
            let user = ["PGUSER", "USER", "LOGNAME"]
                .iter()
                .find_map(|name| var(name))
                .ok_or_else(|| bad("no user: write postgres://USER@host/dbname".into()))?;
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            // libpq's default on Debian: the local server's socket.
            config.host_path("/var/run/postgresql");
        }
        if config.get_dbname().is_none() {
            let user = config.get_user().unwrap_or_default().to_owned();
            config.dbname(&user);
        }
        // The URL's `connect_timeout` (libpq's parameter) wins.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A client that vanished mid-transaction (a cut network) would
        // otherwise hold its case's lock until the server's TCP keepalive
        // notices; a store's transaction is never idle that long.
        let options = format!(
            "{} -c statement_timeout={STATEMENT_TIMEOUT_MS} -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}",
            config.get_options().unwrap_or_default()
        );
        config.options(options.trim_start());
        config.application_name("defuse");
        let passfile = env("PGPASSFILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| Path::new(&home).join(".pgpass")));
        Ok(Server {
            shown: url.to_owned(),
            config,
            tls,
            root_cert,
            password: var("PGPASSWORD"),
            passfile,
        })
    }
}

pub(in crate::archive) fn password_refused() -> String {
    "--db: the URL holds a password, which would show in the shell history and process list; \
     remove it and set PGPASSWORD, or put it in ~/.pgpass (hostname:port:database:username:password, chmod 600)"
        .into()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A rep's environment with no password anywhere.
    pub(in crate::archive::postgres) fn env(name: &str) -> Option<OsString> {
        match name {
            "USER" => Some("rep".into()),
            "HOME" => Some("/home/rep".into()),
            _ => None,
        }
    }

    #[test]
    fn a_url_is_read_with_libpq_defaults_and_our_time_limits() {
        let server = Server::parse("postgres://db.example/team?sslmode=verify-full", &env).unwrap();
        assert_eq!(server.config.get_user(), Some("rep"));
        assert_eq!(server.config.get_dbname(), Some("team"));
        assert_eq!(server.tls, Tls::VerifyFull);
        assert_eq!(server.config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(
            server.config.get_options(),
            Some("-c statement_timeout=2000 -c idle_in_transaction_session_timeout=5000")
        );
        assert_eq!(server.passfile, Some(PathBuf::from("/home/rep/.pgpass")));
        let server = Server::parse("postgresql://lead@db.example:5433", &env).unwrap();
        assert_eq!(server.tls, Tls::Prefer);
        assert_eq!(server.config.get_dbname(), Some("lead"));
        assert_eq!(server.config.get_ports(), &[5433]);
    }

    #[test]
    fn a_password_in_the_url_or_an_unknown_sslmode_is_refused() {
        for url in [
            "postgres://rep:s3cret@db.example/team",
            "postgres://rep@db.example/team?password=s3cret",
        ] {
            let err = Server::parse(url, &env).err().expect("refused").to_string();
            assert!(err.contains("PGPASSWORD"), "{err}");
        }
        let err = Server::parse("postgres://rep@h/db?sslmode=allow", &env)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("sslmode `allow` is not supported"), "{err}");
        let err = Server::parse("postgres://rep@h/db?sslmod=disable", &env)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("unknown URL parameter `sslmod` (did you mean `sslmode`?)"),
            "{err}"
        );
        let server = Server::parse(
            "postgres://rep@h/db?connect_timeout=5&application_name=x",
            &env,
        );
        assert!(server.is_ok(), "library parameters pass");
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("%2Fetc%2Fca.pem"), "/etc/ca.pem");
        assert_eq!(percent_decode("a%zz%"), "a%zz%");
    }
}
