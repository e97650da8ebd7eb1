//! The case archive: every completed triage, stored with its plan, its
//! answers and the complaint record, so the tool remembers customers.
//!
//! Two backends, one behaviour: a SQLite file (the embedded default, zero
//! setup: `sqlite/`) or a PostgreSQL server a team shares (`postgres/`).
//! Where: `--db`, else `$DEFUSE_DB`, else `$XDG_DATA_HOME/defuse/cases.db`,
//! else `~/.local/share/defuse/cases.db`; a `postgres://` or
//! `postgresql://` URL names a server, anything else (or `sqlite:PATH`) a
//! file ([`Location`]).
//!
//! This file owns the seam: [`Archive`] is what commands talk to, without
//! knowing the backend, and the types they exchange with it. Shared by
//! both: `rows` (row types and their column lists, defined once),
//! `commitments` (a plan's remedies and follow-ups, and the listing filter),
//! `export` (CSV) and `ics` (commitments as an iCalendar). Only this folder
//! speaks SQL.

mod commitments;
mod export;
mod ics;
mod location;
mod postgres;
mod rows;
mod sqlite;

use std::cell::OnceCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::i18n::Lang;
use crate::triage::Fingerprint;
use crate::triage::history::{History, PastCase};

pub use commitments::{Commitments, DoneRefused, Wording, wording_of_plan};
pub use export::{commitments_csv, csv};
pub use ics::{ics, kind_label};
pub use location::Location;
pub use postgres::Roles;
pub use rows::{CaseRow, CommitmentRow, StoredCall};

/// What a command needs from the archive; it decides how it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading only: a file is opened read-only, never created, never
    /// switched to WAL or migrated, so a read-only file, folder or mount can
    /// be read; a server archive must exist (`defuse archive init`).
    Read,
    /// Changing an existing archive (a commitment done, a case voided): refused when
    /// missing or damaged.
    Update,
    /// Storing cases: created when missing (see [`Archive::created`]),
    /// refused when damaged.
    Store,
}

/// A case to store: the plan's facts plus the rendered plan and the answers.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub plan: &'a crate::plan::Plan,
    pub level_rank: usize,
    pub plan_markdown: &'a str,
    pub answers_yaml: &'a str,
    /// The call (see [`Fingerprint`]); the plan's case id ends with it.
    pub call: &'a Fingerprint,
    pub rehearsal: bool,
    /// Who stored it: the rep's configured name, else the OS user.
    pub stored_by: &'a str,
}

/// The values a case row stores that are derived from its plan, computed
/// once for either backend; [`case_columns!`] lists them with the rest.
pub(crate) struct Derived {
    pub created_epoch: i64,
    pub customer_key: String,
    pub level_rank: i64,
    pub grievances: String,
    pub remedies: String,
    pub plan_json: String,
}

impl NewCase<'_> {
    pub(crate) fn derived(&self) -> Derived {
        let plan = self.plan;
        let ids = |v: Vec<&str>| serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
        Derived {
            created_epoch: chrono::DateTime::parse_from_rfc3339(&plan.case.time)
                .map(|t| t.timestamp())
                .unwrap_or(0),
            customer_key: customer_key(&plan.case.customer),
            level_rank: self.level_rank as i64,
            grievances: ids(plan.grievances.iter().map(|g| g.id.as_str()).collect()),
            remedies: ids(plan.remedies.iter().map(|r| r.id.as_str()).collect()),
            plan_json: plan.to_json(),
        }
    }
}

/// Every column of a new case row, named, as `&dyn $param` for the backend's
/// parameter trait: one list for SQLite and PostgreSQL.
macro_rules! case_columns {
    ($case:expr, $derived:expr, $fingerprint:expr, $param:ty) => {{
        let (c, d) = ($case, $derived);
        let (plan, r) = (c.plan, &c.plan.record);
        [
            ("case_id", &plan.case.id as &$param),
            ("created_at", &plan.case.time),
            ("created_epoch", &d.created_epoch),
            ("customer", &plan.case.customer),
            ("customer_key", &d.customer_key),
            ("contact", &plan.case.contact),
            ("role", &plan.case.role),
            ("playbook_id", &plan.case.playbook.id),
            ("playbook_version", &plan.case.playbook.version),
            ("level", &plan.assessment.level.id),
            ("level_rank", &d.level_rank),
            ("authority", &plan.assessment.authority.id),
            ("grievances", &d.grievances),
            ("remedies", &d.remedies),
            ("complaint_kind", &r.complaint_kind.id),
            ("crisis", &r.crisis.id),
            ("at_stake", &r.at_stake.id),
            ("remedy_sought", &r.remedy_sought),
            ("impact", &r.impact),
            ("our_owner", &r.our_owner),
            ("customer_loss", &r.customer_loss),
            ("rehearsal", &c.rehearsal),
            ("plan_markdown", &c.plan_markdown),
            ("plan_json", &d.plan_json),
            ("answers_yaml", &c.answers_yaml),
            ("fingerprint", $fingerprint),
            ("stored_by", &c.stored_by),
        ]
    }};
}
pub(crate) use case_columns;

/// What storing a case did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored as this case number.
    New(i64),
    /// The same call is already stored, as this case number: nothing written.
    Already(i64),
}

/// Why a case cannot be voided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidRefused {
    Unknown,
    /// A case id that several cases share (only archives from before
    /// schema version 2 hold such): their numbers.
    Ambiguous(Vec<i64>),
    /// Already void: when, by whom, why.
    AlreadyVoid(i64, String, String, String),
}

/// Who voids a case, when and why.
#[derive(Debug, Clone)]
pub struct Voiding<'a> {
    pub at: &'a str,
    pub by: &'a str,
    pub reason: &'a str,
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub customer: Option<String>,
    pub since_epoch: Option<i64>,
    pub level: Option<String>,
    pub include_rehearsals: bool,
    /// Void cases too (`--include-void`).
    pub include_void: bool,
    pub limit: Option<usize>,
}

/// A case with its stored plan, as `cases show` prints it.
#[derive(Debug, Clone)]
pub struct CasePlan {
    pub case: CaseRow,
    pub markdown: String,
    pub json: String,
}

/// What the archive says in aggregate (rehearsals left out).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub cases: i64,
    /// (grievance, cases)
    pub grievances: Vec<(String, i64)>,
    /// (month `YYYY-MM`, level, cases)
    pub levels_by_month: Vec<(String, String, i64)>,
    /// (remedy, times chosen)
    pub remedies: Vec<(String, i64)>,
    /// (customer, cases, latest case time), customers with two or more cases
    pub repeat_customers: Vec<(String, i64, String)>,
}

/// The default archive path (see the module docs).
pub fn default_path(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, Error> {
    crate::output::user_path(env, "DEFUSE_DB", crate::output::BaseDir::Data, "cases.db")
}

/// Whether `location` is the archive nobody named: no `--db`, no `$DEFUSE_DB`.
/// A missing default archive only means nothing was stored yet; a missing
/// named one is most likely a typo.
pub fn is_default(location: &Location, env: impl Fn(&str) -> Option<OsString>) -> bool {
    let Some(path) = location.file() else {
        return false;
    };
    env("DEFUSE_DB").is_none_or(|v| v.is_empty())
        && default_path(env).is_ok_and(|default| default == path)
}

/// The customer as a lookup key: case and spacing do not make a new customer.
pub fn customer_key(customer: &str) -> String {
    customer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn archive_error(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Archive {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// What `defuse archive init` did on a server.
#[derive(Debug, Clone)]
pub struct ServerSetup {
    /// The schema version now.
    pub version: usize,
    /// The GRANTs for the two roles (applied, if asked).
    pub grants: String,
}

/// Creates (or upgrades) a server archive's schema, as the role connected,
/// and makes the GRANTs for `roles`, running them if `apply`.
pub fn init_server(location: &Location, roles: &Roles, apply: bool) -> Result<ServerSetup, Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!("{location} is not a server archive")));
    };
    let mut pg = postgres::Pg::open(server, Access::Store)?;
    let grants = pg.grants(roles)?;
    if apply {
        pg.apply(&grants)?;
    }
    Ok(ServerSetup {
        version: pg.version()?,
        grants,
    })
}

/// An open archive, whichever the backend.
pub struct Archive {
    backend: Backend,
}

enum Backend {
    File(sqlite::Sqlite),
    Server(Box<postgres::Pg>),
}

/// Calls the same method on whichever backend is open.
macro_rules! each {
    ($self:ident, $archive:ident => $body:expr) => {
        match &$self.backend {
            Backend::File($archive) => $body,
            Backend::Server($archive) => $body,
        }
    };
    (mut $self:ident, $archive:ident => $body:expr) => {
        match &mut $self.backend {
            Backend::File($archive) => $body,
            Backend::Server($archive) => $body,
        }
    };
}

impl Archive {
    pub fn open(location: &Location, access: Access) -> Result<Self, Error> {
        let backend = match location {
            Location::File(path) => Backend::File(sqlite::Sqlite::open(path, access)?),
            Location::Server(server) => {
                Backend::Server(Box::new(postgres::Pg::open(server, access)?))
            }
        };
        Ok(Archive { backend })
    }

    /// An empty archive in memory, labelled `path`: what the default archive
    /// reads as before anything is stored in it (nothing is created).
    pub fn empty(path: &Path) -> Result<Self, Error> {
        Ok(Archive {
            backend: Backend::File(sqlite::Sqlite::empty(path)?),
        })
    }

    /// Whether opening created the archive, so the caller can say so once.
    pub fn created(&self) -> bool {
        each!(self, a => a.created())
    }

    /// The schema version of this archive.
    pub fn version(&self) -> Result<usize, Error> {
        each!(self, a => a.version())
    }

    /// Stores a completed triage and its commitments, unless the same call
    /// is already stored (looked up by fingerprint under the same lock that
    /// guards the insert, so two racing replays store one case). `waiting`
    /// is called once if another writer holds the archive for more than a
    /// moment, so the caller can tell the rep why nothing happens yet.
    pub fn store(&mut self, case: &NewCase, waiting: &mut dyn FnMut()) -> Result<Stored, Error> {
        each!(mut self, a => a.store(case, waiting))
    }

    /// The case that stored this call, if any (a case that counts before a
    /// void one).
    pub fn find_call(&self, call: &Fingerprint) -> Result<Option<i64>, Error> {
        each!(self, a => a.find_call(call))
    }

    /// Marks a case void: kept, but left out of history, follow-ups, stats
    /// and exports. `id` is a number (`12`, `#12`) or a case id.
    pub fn void(&mut self, id: &str, voiding: &Voiding) -> Result<Result<i64, VoidRefused>, Error> {
        each!(mut self, a => a.void(id, voiding))
    }

    /// Voids every case that repeats an earlier counting case's call (same
    /// fingerprint), each with "duplicate of #N" and `voiding`'s reason, if
    /// any, after it. Returns (voided, original) pairs.
    pub fn void_duplicates(&mut self, voiding: &Voiding) -> Result<Vec<(i64, i64)>, Error> {
        each!(mut self, a => a.void_duplicates(voiding))
    }

    /// Marks a commitment (a remedy or a follow-up) done, with when and by
    /// whom; refused if unknown or already done.
    pub fn commitment_done(
        &mut self,
        number: i64,
        at: &str,
        by: &str,
    ) -> Result<Result<(), DoneRefused>, Error> {
        each!(mut self, a => a.commitment_done(number, at, by))
    }

    pub fn list(&self, filter: &Filter) -> Result<Vec<CaseRow>, Error> {
        each!(self, a => a.list(filter))
    }

    /// A case by its number (`12`, `#12`) or its case id (the latest with it).
    pub fn find(&self, id: &str) -> Result<Option<CasePlan>, Error> {
        each!(self, a => a.find(id))
    }

    /// Commitments across all counting cases, by due time.
    pub fn commitments(&self, filter: &Commitments) -> Result<Vec<CommitmentRow>, Error> {
        each!(self, a => a.commitments(filter))
    }

    /// The stored calls among the case `numbers` whose plan is not worded in
    /// `lang`, to word their commitments for a reader of `lang`; the calls
    /// of plans in `lang` are not read. A plan naming no language was
    /// stored before there were languages: English. A damaged plan fails
    /// the whole query (the caller then shows the stored wording).
    pub fn calls_not_in(&self, numbers: &[i64], lang: Lang) -> Result<Vec<StoredCall>, Error> {
        each!(self, a => a.calls_not_in(numbers, lang.code()))
    }

    /// Counting cases that repeat an earlier counting case's call:
    /// (duplicate, original) by number, oldest duplicate first.
    pub fn duplicates(&self) -> Result<Vec<(i64, i64)>, Error> {
        each!(self, a => a.duplicates())
    }

    pub fn count(&self) -> Result<i64, Error> {
        each!(self, a => a.count())
    }

    /// The calls that count (neither void nor rehearsals) on or after
    /// `since_epoch`, oldest first, with their answers and plans.
    pub fn stored_calls(&self, since_epoch: Option<i64>) -> Result<Vec<StoredCall>, Error> {
        each!(self, a => a.stored_calls(since_epoch))
    }

    pub fn stats(&self, include_void: bool) -> Result<Stats, Error> {
        each!(self, a => a.stats(include_void))
    }

    /// "ok", or what is damaged (SQLite's `integrity_check`; a server
    /// keeps its own integrity, so there it is the schema and a full read).
    pub fn integrity_check(&self) -> Result<String, Error> {
        each!(self, a => a.integrity_check())
    }
}

impl History for Archive {
    /// A failed lookup must never stop a live call: it means no history.
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        each!(self, a => a.earlier_cases(customer, before_epoch))
    }
}

/// The archive opened (read-only) on the first history lookup, not before:
/// a live session's first prompt never waits for the database.
pub struct LazyHistory {
    location: Location,
    archive: OnceCell<Option<Archive>>,
}

impl LazyHistory {
    pub fn new(location: &Location) -> Self {
        LazyHistory {
            location: location.clone(),
            archive: OnceCell::new(),
        }
    }
}

impl History for LazyHistory {
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        // A missing archive has no history, and one that cannot be opened
        // means none either; storing the case at the end reports the problem.
        let archive = self
            .archive
            .get_or_init(|| Archive::open(&self.location, Access::Read).ok());
        archive
            .as_ref()
            .map(|a| a.earlier_cases(customer, before_epoch))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version number means the same tables on both backends.
    #[test]
    fn both_backends_are_at_the_same_schema_version() {
        assert_eq!(sqlite::CURRENT, postgres::CURRENT);
    }

    #[test]
    fn customers_match_regardless_of_case_and_spacing() {
        assert_eq!(
            customer_key("  Acme   Trading "),
            customer_key("acme trading")
        );
    }
}
