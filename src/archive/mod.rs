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

mod acts;
mod commitments;
mod copy;
mod export;
mod history;
mod ics;
mod location;
mod outbox;
mod postgres;
mod push;
mod rows;
mod sqlite;
mod values;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::i18n::Lang;
use crate::triage::Fingerprint;
use crate::triage::history::{History, PastCase};

pub use acts::{Act, ActKind, Acted, Refusal, RefusedAct, act_or_queue};
pub use commitments::{Commitments, DoneRefused, Wording, wording_of_plan};
pub use copy::{Copied, copy};
pub use export::{commitments_csv, csv};
pub use history::{HISTORY_BUDGET, LazyHistory};
pub use ics::{ics, kind_label};
pub use location::Location;
pub use outbox::{Delivered, Outbox, deliver};
pub use postgres::Roles;
pub use push::{Held, Synced, sync};
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

pub(crate) use rows::CaseValues;

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
    /// Only cases this rep stored (`--rep`), case aside as `--owner`
    /// (ASCII letters folded only, SQLite's NOCASE, on both backends).
    pub rep: Option<String>,
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
    /// The playbooks the counted cases were triaged with, by id: where the
    /// labels of the ids above come from.
    pub playbooks: Vec<String>,
    /// (owner: the person the plan names, else the role; open commitments
    /// past their due time)
    pub overdue_by_owner: Vec<(String, i64)>,
    /// The counts broken down, when asked (`--by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Breakdown>,
}

/// What `cases stats --by` breaks the counts down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// Who stored the case (`stored_by`; cases stored before schema
    /// version 4 have no one).
    Rep,
    /// Who owns the commitment: the person the plan names, else the role.
    Owner,
    /// The month the call was taken (`YYYY-MM`).
    Month,
}

/// The counts per rep, owner or month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub by: By,
    pub rows: Vec<BreakdownRow>,
}

/// One rep's, owner's or month's counts. Commitments are those of the
/// counted cases (for `owner`: the owner's own); `open` includes `overdue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    /// `None`: a case stored before the archive recorded who stored it.
    pub key: Option<String>,
    pub cases: i64,
    pub open: i64,
    pub overdue: i64,
    pub done: i64,
}

impl By {
    /// The SQL that yields `key, cases, open, overdue, done`, the same on
    /// both backends: only `CASE`, `sum`, `count(DISTINCT)` and `coalesce`.
    /// `counted` filters `c` (the cases); `order_text` is what makes the
    /// backend order text byte-wise (PostgreSQL needs ` COLLATE "C"`).
    pub(crate) fn sql(self, counted: &str, now_epoch: i64, order_text: &str) -> String {
        let (key, join, order) = match self {
            By::Rep => (
                "c.stored_by",
                "LEFT JOIN",
                format!("cases DESC, c.stored_by{order_text}"),
            ),
            By::Owner => (
                "coalesce(m.owner_name, m.owner)",
                "JOIN",
                format!("overdue DESC, open DESC, coalesce(m.owner_name, m.owner){order_text}"),
            ),
            By::Month => (
                "substr(c.created_at, 1, 7)",
                "LEFT JOIN",
                format!("substr(c.created_at, 1, 7){order_text}"),
            ),
        };
        // Nulls last on both (SQLite sorts them first, PostgreSQL last).
        format!(
            "SELECT {key} AS key, count(DISTINCT c.id) AS cases,
                    sum(CASE WHEN m.id IS NOT NULL AND m.done_at IS NULL THEN 1 ELSE 0 END) AS open,
                    sum(CASE WHEN m.done_at IS NULL AND m.due_epoch < {now_epoch} THEN 1 ELSE 0 END) AS overdue,
                    sum(CASE WHEN m.done_at IS NOT NULL THEN 1 ELSE 0 END) AS done
             FROM cases c {join} commitments m ON m.case_row = c.id
             WHERE {counted} GROUP BY {key} ORDER BY ({key}) IS NULL, {order}"
        )
    }
}

/// The shared SQL of the overdue commitments per owner (see `By::sql`).
pub(crate) fn overdue_sql(counted: &str, now_epoch: i64, order_text: &str) -> String {
    format!(
        "SELECT coalesce(m.owner_name, m.owner) AS id, count(*) AS n
         FROM commitments m JOIN cases c ON c.id = m.case_row
         WHERE {counted} AND m.done_at IS NULL AND m.due_epoch < {now_epoch}
         GROUP BY coalesce(m.owner_name, m.owner)
         ORDER BY 2 DESC, coalesce(m.owner_name, m.owner){order_text}"
    )
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

/// What `cases list --customer TEXT` matches, as a `LIKE` pattern on
/// `customer_key` (escaped with a backslash): the key of `TEXT` anywhere in
/// it. `%`, `_` and a backslash in the text are literal, as a substring search
/// promises. Both backends match with it, so they agree, and PostgreSQL's
/// trigram index can serve it (`strpos`/`instr` cannot use an index).
pub(crate) fn customer_pattern(text: &str) -> String {
    let key = customer_key(text);
    let mut pattern = String::with_capacity(key.len() + 2);
    pattern.push('%');
    for c in key.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
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
    /// Why `cases list --customer` has no index here (it then reads every
    /// case), if it has none: pg_trgm missing or not ours to create.
    pub no_customer_index: Option<String>,
    /// Cases stored before schema 8 given their plan's language now.
    pub plan_lang_filled: u64,
}

/// Creates (or upgrades) a server archive's schema, as the role connected,
/// and makes the GRANTs for `roles`, running them if `apply`.
pub fn init_server(location: &Location, roles: &Roles, apply: bool) -> Result<ServerSetup, Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!("{location} is not a server archive")));
    };
    let mut pg = postgres::Pg::open(server, Access::Store)?;
    let no_customer_index = pg.customer_index()?.err();
    let plan_lang_filled = pg.fill_plan_lang()?;
    let grants = pg.grants(roles)?;
    if apply {
        pg.apply(&grants)?;
    }
    Ok(ServerSetup {
        version: pg.version()?,
        grants,
        no_customer_index,
        plan_lang_filled,
    })
}

/// For migration tests: makes a server database exactly as the defuse of
/// schema `version` left it (its own migrations, in order, fills included),
/// so every earlier version is upgraded from what it really was.
#[doc(hidden)]
pub fn server_schema_at(location: &Location, version: usize) -> Result<(), Error> {
    let Location::Server(server) = location else {
        return Err(Error::Usage(format!("{location} is not a server archive")));
    };
    postgres::schema_at(server, version)
}

/// The schema version this defuse writes (the same on both backends).
#[doc(hidden)]
pub const SCHEMA_VERSION: usize = sqlite::CURRENT;

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

    /// How many cases there are, void or not (`archive copy`'s progress).
    pub(crate) fn case_count(&self) -> Result<usize, Error> {
        each!(self, a => a.case_count())
    }

    /// Up to `limit` cases numbered after `after`, oldest first, each with
    /// its commitments: one page of an `archive copy`.
    pub(crate) fn records_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<copy::Record>, Error> {
        each!(self, a => a.records_after(after, limit))
    }

    /// Writes a page of cases copied from another archive in one
    /// transaction: a case whose call is here is reconciled, not copied
    /// (see `copy`). `created` is left false.
    pub(crate) fn copy_in(&mut self, page: &[copy::Record]) -> Result<copy::Copied, Error> {
        each!(mut self, a => a.copy_in(page))
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

    /// The archive in aggregate; overdue means due before `now_epoch`.
    pub fn stats(
        &self,
        include_void: bool,
        now_epoch: i64,
        by: Option<By>,
    ) -> Result<Stats, Error> {
        each!(self, a => a.stats(include_void, now_epoch, by))
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

/// Starts, in the background, the damage check the store of a file archive
/// does first (`PRAGMA quick_check` reads the whole file: ~1.7 s at
/// 1,000,000 cases), so the store at the end of a call takes its verdict
/// instead of waiting for it. A server has no such check.
pub fn check_ahead(location: &Location) {
    if let Location::File(path) = location {
        sqlite::check_ahead(path);
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

    #[test]
    fn a_customer_filter_is_a_literal_substring_pattern() {
        assert_eq!(customer_pattern("  ACME   Trading "), "%acme trading%");
        assert_eq!(customer_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(customer_pattern(""), "%%");
    }
}
