//! The PostgreSQL archive: one archive a whole team shares on a server.
//!
//! This file owns the connection: the server (`Server`, its URL read by
//! `url`), the password (never
//! on the command line: `$PGPASSWORD`, else `~/.pgpass`/`$PGPASSFILE`, as
//! libpq), TLS by `sslmode` with libpq's meanings, the time limits
//! (connecting, the first query included, 2 s unless the URL's `connect_timeout` says otherwise, each
//! statement 2 s, an end-of-call store 2.3 s in all), and opening for each
//! [`Access`].
//! The rest: `url` (the URL, as libpq reads it), `pgpass` (the password file), `schema` (migrations, the same
//! version numbers as SQLite's), `store` (writes), `query` (reads, stats),
//! `commitments` (stored, listed, done),
//! `roles` (the GRANTs of `defuse archive init`).

mod commitments;
mod copy;
mod pgpass;
mod query;
mod roles;
mod schema;
pub(super) use schema::schema_at;
mod store;
mod url;

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use super::{Access, archive_error};
use crate::error::Error;

pub use roles::Roles;
pub(super) use schema::CURRENT;
pub(in crate::archive) use url::password_refused;

/// What a deadline that passed says, in the same words wherever it is
/// kept ("within 2 s", "within 2.3 s").
pub(crate) fn no_answer_within(limit: Duration) -> String {
    let seconds = format!("{:.1}", limit.as_secs_f32());
    let seconds = seconds.strip_suffix(".0").unwrap_or(&seconds);
    format!("the server did not answer within {seconds} s")
}

/// How long connecting (TCP, TLS and the login) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the connecting thread is awaited beyond the library's own
/// limit, so the library's error (which says why) is the one shown.
const CONNECT_SLACK: Duration = Duration::from_millis(200);
/// How long a whole end-of-call store may take with the default connect
/// limit: connect, TLS, login, migration check and every statement, so a
/// rep waits at most about 2.5 s from the last answer to the outbox line
/// whatever the server does (the rest goes to writing the plan and the
/// outbox). A longer `connect_timeout` lengthens it by as much.
const STORE_DEADLINE: Duration = Duration::from_millis(2300);
/// How long one statement may run on the server.
const STATEMENT_TIMEOUT_MS: u32 = 2000;

/// How long the server keeps a session idle inside a transaction.
const IDLE_IN_TRANSACTION_MS: u32 = 5000;

/// `sslmode`, as libpq means it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    /// Plain TCP.
    Disable,
    /// TLS if the server offers it, certificate unchecked (libpq's default).
    Prefer,
    /// TLS or no connection, certificate unchecked.
    Require,
    /// TLS with a certificate signed by a trusted CA, any host name.
    VerifyCa,
    /// TLS with a trusted certificate for this very host name.
    VerifyFull,
}

/// A PostgreSQL archive as `--db` names it: the URL's settings (never a
/// password) and where the password comes from.
#[derive(Clone)]
pub struct Server {
    /// The URL as written: what messages show.
    shown: String,
    config: Config,
    tls: Tls,
    /// `sslrootcert`: the CA certificates (PEM) the server's must chain to.
    root_cert: Option<PathBuf>,
    /// `$PGPASSWORD`.
    password: Option<String>,
    /// `$PGPASSFILE`, else `~/.pgpass`.
    passfile: Option<PathBuf>,
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Server {
    /// Which archive this is, whatever the URL's other settings:
    /// `user@host:port/dbname`. The outbox keeps a case for this archive.
    pub fn identity(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            Some(Host::Unix(path)) => path.display().to_string(),
            None => String::new(),
        };
        format!(
            "{}@{host}:{}/{}",
            self.config.get_user().unwrap_or_default(),
            self.config.get_ports().first().copied().unwrap_or(5432),
            self.config.get_dbname().unwrap_or_default()
        )
    }

    /// How long one store may take in all, client-side, from its start:
    /// ONE deadline over connecting, TLS, the login and every statement.
    /// The server enforces its statement timeout only while it is alive
    /// and reachable; a connection that went silent after the login, or
    /// in a statement, would otherwise hang. [`STORE_DEADLINE`] with the
    /// default connect limit; a URL's `connect_timeout` above 2 s raises
    /// it by the difference (a slow link's user chose to wait longer), one
    /// below 2 s lowers only the connect part (the statements keep the
    /// rest): `STORE_DEADLINE + max(0, connect_timeout - 2 s)`.
    pub fn store_limit(&self) -> Duration {
        STORE_DEADLINE + self.connect_limit().saturating_sub(CONNECT_TIMEOUT)
    }

    fn connect_limit(&self) -> Duration {
        *self
            .config
            .get_connect_timeout()
            .unwrap_or(&CONNECT_TIMEOUT)
    }

    pub(super) fn error(&self, message: impl fmt::Display) -> Error {
        archive_error(Path::new(&self.shown), message)
    }

    /// The password: `$PGPASSWORD`, else the first matching `.pgpass` line.
    fn password(&self) -> Result<Option<String>, Error> {
        if let Some(password) = &self.password {
            return Ok(Some(password.clone()));
        }
        let Some(passfile) = &self.passfile else {
            return Ok(None);
        };
        // libpq matches a socket connection as `localhost`.
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            _ => "localhost".to_owned(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        pgpass::lookup(
            passfile,
            &host,
            port,
            self.config.get_dbname().unwrap_or_default(),
            self.config.get_user().unwrap_or_default(),
        )
        // The rep's own file to fix, not a server failure (exit 2).
        .map_err(|e| Error::Usage(format!("{}: {e}", self.shown)))
    }

    /// A connection and the archive's schema version, or why there is
    /// none, within [`CONNECT_TIMEOUT`] in all: the library's own timeout
    /// covers only the TCP connect, so a server that accepts and never
    /// answers would hang the login, and one silent after the login would
    /// hang the first query (the version's, read here for that reason).
    fn connect(&self) -> Result<(Client, usize), Error> {
        let mut config = self.config.clone();
        if let Some(password) = self.password()? {
            config.password(password);
        }
        let shown = self.shown.clone();
        let connect = match self.tls {
            Tls::Disable => {
                config.ssl_mode(SslMode::Disable);
                Box::new(move || config.connect(NoTls)) as Box<dyn FnOnce() -> _ + Send>
            }
            mode => {
                config.ssl_mode(match mode {
                    Tls::Prefer => SslMode::Prefer,
                    _ => SslMode::Require,
                });
                let tls = self.tls_connector(mode)?;
                Box::new(move || config.connect(tls))
            }
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("defuse-pg-connect".into())
            .spawn(move || {
                let _ = sender.send(connect().and_then(|mut client| {
                    let version = schema::version_at_login(&mut client)?;
                    Ok((client, version))
                }));
            })
            .map_err(|e| self.error(format!("cannot start connecting: {e}")))?;
        let limit = self.connect_limit();
        match receiver.recv_timeout(limit + CONNECT_SLACK) {
            Ok(Ok(connected)) => Ok(connected),
            Ok(Err(e)) => Err(self.error(self.login_failure(&e))),
            Err(_) => Err(archive_error(Path::new(&shown), no_answer_within(limit))),
        }
    }

    /// Why a login failed, with what to fix when the cause is ours to fix
    /// (retrying never cures a missing password or a misspelt database).
    fn login_failure(&self, e: &postgres::Error) -> String {
        use postgres::error::SqlState;
        let what = describe(e);
        let whom = self.identity();
        let hint = match e.code() {
            Some(code) if *code == SqlState::INVALID_PASSWORD => {
                format!("; check the password for {whom} in $PGPASSWORD or ~/.pgpass")
            }
            Some(code) if *code == SqlState::INVALID_CATALOG_NAME => format!(
                "; check the database name in the URL ({whom}), or create it: createdb {}",
                self.config.get_dbname().unwrap_or_default()
            ),
            Some(code) if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => format!(
                "; check the user name in the URL ({whom}); the server's pg_hba.conf decides who may log in"
            ),
            _ if what.contains("password missing") => {
                return format!(
                    "the server asks a password for {whom} and none was found: set $PGPASSWORD, \
                     or add the line `HOST:PORT:DBNAME:USER:PASSWORD` to ~/.pgpass (mode 0600); \
                     a misspelt user or database name finds no line there either"
                );
            }
            _ => String::new(),
        };
        what + &hint
    }

    fn tls_connector(&self, mode: Tls) -> Result<postgres_native_tls::MakeTlsConnector, Error> {
        let mut builder = native_tls::TlsConnector::builder();
        match mode {
            // libpq checks nothing here (without a root certificate file).
            Tls::Prefer | Tls::Require => {
                builder
                    .danger_accept_invalid_certs(true)
                    .danger_accept_invalid_hostnames(true);
            }
            Tls::VerifyCa => {
                builder.danger_accept_invalid_hostnames(true);
            }
            Tls::VerifyFull | Tls::Disable => {}
        }
        if let Some(path) = &self.root_cert {
            let pem = crate::read::read_bytes(path, 1 << 20)
                .map_err(|e| self.error(format!("sslrootcert: {e}")))?;
            let cert = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| self.error(format!("sslrootcert {}: {e}", path.display())))?;
            builder.add_root_certificate(cert);
        }
        let connector = builder
            .build()
            .map_err(|e| self.error(format!("TLS: {e}")))?;
        Ok(postgres_native_tls::MakeTlsConnector::new(connector))
    }
}

/// A client error with its cause: the library's top line alone is often
/// only "error connecting to server".
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_owned();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text = format!("{text}: {line}");
        }
        source = cause.source();
    }
    text
}

/// An open server archive. The client sits in a `RefCell` because reads
/// take `&self` (as a SQLite connection allows) and the client needs `&mut`.
pub(super) struct Pg {
    client: RefCell<Client>,
    server: Server,
    created: bool,
}

impl Pg {
    pub fn open(server: &Server, access: Access) -> Result<Self, Error> {
        let (client, version) = server.connect()?;
        let mut pg = Pg {
            client: RefCell::new(client),
            server: server.clone(),
            created: false,
        };
        schema::refuse_newer(server, version)?;
        match access {
            Access::Read | Access::Update if version == 0 => Err(Error::Usage(format!(
                "no case archive at {server}; create it with `defuse archive init {server}`"
            ))),
            _ if version == CURRENT => Ok(pg),
            _ => {
                pg.created = version == 0;
                pg.migrate()?;
                Ok(pg)
            }
        }
    }

    pub fn created(&self) -> bool {
        self.created
    }

    fn fail(&self, e: postgres::Error) -> Error {
        self.server.error(describe(&e))
    }

    /// A server keeps its own pages whole; what can be checked here is that
    /// every case and commitment reads back.
    pub fn integrity_check(&self) -> Result<String, Error> {
        self.client
            .borrow_mut()
            .query(
                "SELECT count(*) FROM cases c LEFT JOIN commitments m ON m.case_row = c.id",
                &[],
            )
            .map_err(|e| self.fail(e))?;
        Ok("ok".into())
    }
}

#[cfg(test)]
mod tests {
    use super::url::tests::env;
    use super::*;

    /// The end-of-call store has one deadline, and a black hole's connect
    /// gives up inside it (so its reason, not the deadline, is shown).
    #[test]
    fn a_store_has_one_deadline_which_only_a_longer_connect_timeout_raises() {
        let limits = |url: &str| {
            let server = Server::parse(url, &env).unwrap();
            (server.connect_limit(), server.store_limit())
        };
        let ms = Duration::from_millis;
        // Default: connect 2 s, the whole store 2.3 s, so the rep waits
        // about 2.5 s at most from the last answer to the outbox line.
        assert_eq!(limits("postgres://h/db"), (ms(2000), ms(2300)));
        // libpq's "0 = forever" is not ours: the default stays.
        assert_eq!(
            limits("postgres://h/db?connect_timeout=0"),
            (ms(2000), ms(2300))
        );
        // Shorter: only the connect part; the statements keep the rest.
        assert_eq!(
            limits("postgres://h/db?connect_timeout=1"),
            (ms(1000), ms(2300))
        );
        // Longer (a slow link): the whole store by as much.
        assert_eq!(
            limits("postgres://h/db?connect_timeout=10"),
            (ms(10_000), ms(10_300))
        );
        for url in [
            "postgres://h/db",
            "postgres://h/db?connect_timeout=1",
            "postgres://h/db?connect_timeout=7",
        ] {
            let (connect, store) = limits(url);
            assert!(connect + CONNECT_SLACK < store, "{url}");
        }
    }
}
