//! One archive suite, two backends: `each_backend!` turns a test body into a
//! test per backend (`name::sqlite`, `name::postgres`), each with an
//! archive of its own: a fresh SQLite file, or a fresh database on the
//! server `$DEFUSE_TEST_PG` names (`.ci/with-postgres.sh` starts one).
//! Without that server a PostgreSQL test says it is skipped and passes,
//! except under `CI=true`, where it fails: CI never skips silently.

use std::ffi::{OsStr, OsString};

use defuse::archive::Location;

/// A fresh archive for one test; a server database is dropped at the end.
pub struct Db {
    url: OsString,
    /// (the test server's URL, this database's name), to drop it.
    server: Option<(String, String)>,
    /// Keeps a SQLite archive's folder until the test ends.
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        Db {
            url: dir.path().join("cases.db").into(),
            server: None,
            _dir: Some(dir),
        }
    }

    /// A new database on the test server; `None` (said on stderr) when
    /// there is no server and this is not CI.
    #[allow(clippy::print_stderr)] // a skipped test must say so where cargo shows it
    pub fn postgres() -> Option<Db> {
        let Some(server) = std::env::var("DEFUSE_TEST_PG")
            .ok()
            .filter(|v| !v.is_empty())
        else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "no PostgreSQL: DEFUSE_TEST_PG is not set (CI=true never skips; run .ci/run)"
            );
            eprintln!("skipped: no PostgreSQL (set DEFUSE_TEST_PG or run .ci/run)");
            return None;
        };
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "defuse_t{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        admin(&server)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Db {
            url: with_dbname(&server, &name).into(),
            server: Some((server, name)),
            _dir: None,
        })
    }

    /// What `--db`/`$DEFUSE_DB` says.
    pub fn url(&self) -> &OsStr {
        &self.url
    }

    /// The same archive as another role (a server's only).
    pub fn as_user(&self, user: &str) -> String {
        let url = self.url.to_str().expect("a URL");
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (_, host) = rest.split_once('@').expect("user@host");
        format!("{scheme}://{user}@{host}")
    }

    /// This archive's database name: role names are cluster-wide, so a
    /// test's roles carry it to be its own.
    pub fn name(&self) -> String {
        let url = self.url.to_str().expect("a URL");
        let (_, path) = url.rsplit_once('/').expect("a URL with a database");
        path.split('?').next().unwrap_or_default().to_owned()
    }

    /// `archive init --apply` with a rep role and a lead role of this
    /// archive's own: their names (rep, lead).
    pub fn team_roles(&self) -> (String, String) {
        let (rep, lead) = (
            format!("rep_{}", self.name()),
            format!("lead_{}", self.name()),
        );
        crate::test::Test::new()
            .args(["archive", "init"])
            .arg(self.url())
            .args(["--rep-role", &rep, "--lead-role", &lead, "--apply"])
            .run()
            .success();
        (rep, lead)
    }

    /// A login `person_<archive>` with `password`, a member of `role`: its name.
    pub fn login(&self, person: &str, password: &str, role: &str) -> String {
        let name = format!("{person}_{}", self.name());
        self.execute(&format!(
            "CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE {role};"
        ));
        name
    }

    /// The test server's superuser, connected to this archive's database.
    pub fn admin(&self) -> postgres::Client {
        admin(self.url.to_str().expect("a URL"))
    }

    /// Runs `sql` on this archive directly (as the test server's superuser
    /// on PostgreSQL), to set up what no command writes.
    pub fn execute(&self, sql: &str) {
        match &self.server {
            Some(_) => self.admin().batch_execute(sql).unwrap(),
            None => rusqlite::Connection::open(&self.url)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
        }
    }

    pub fn location(&self) -> Location {
        Location::parse(&self.url, |name| std::env::var_os(name)).unwrap()
    }
}

impl AsRef<OsStr> for Db {
    fn as_ref(&self) -> &OsStr {
        &self.url
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.server {
            let _ = admin(server)
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The test server's own database, as its superuser.
pub fn admin(server: &str) -> postgres::Client {
    postgres::Client::connect(server, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to DEFUSE_TEST_PG={server}: {e}"))
}

/// `url` with another database name.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (host, _) = base
        .rsplit_once('/')
        .expect("postgres://user@host:port/dbname");
    match query {
        "" => format!("{host}/{name}"),
        query => format!("{host}/{name}?{query}"),
    }
}

/// `each_backend! { fn name(db) { … } }`: the body runs once per backend,
/// as `name::sqlite` and `name::postgres`, with `db: &Db`.
#[macro_export]
macro_rules! each_backend {
    ($(#[doc = $doc:literal])* fn $name:ident($db:ident) $body:block) => {
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::backends::Db;

            fn body($db: &Db) $body

            #[test]
            fn sqlite() {
                body(&Db::sqlite());
            }

            #[test]
            fn postgres() {
                if let Some(db) = Db::postgres() {
                    body(&db);
                }
            }
        }
    };
}
