//! The rows the archive hands out, each defined once: a field, its type and
//! the SQL that fills it sit on one line, and the struct, its SELECT list
//! (every expression named after its field), its reader (by column name,
//! never by position) and its CSV cells all come from that line. Adding a
//! column to a listing is one line here, plus the migration and the insert.

use std::collections::BTreeMap;
use std::fmt;

use postgres::row::RowIndex;

use serde::{Deserialize, Serialize};

/// Declares a row type: `field: Type = "SQL expression",` per column.
/// `insertable` first: every field is also a column to insert, by its name
/// (only types both drivers bind: no lists).
macro_rules! row {
    (
        insertable
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$field_attr:meta])* $field:ident: $ty:ty = $sql:literal, )*
        }
    ) => {
        row! {
            $(#[$attr])*
            pub struct $name {
                $( $(#[$field_attr])* $field: $ty = $sql, )*
            }
        }

        impl $name {
            /// (column, value) pairs for a SQLite insert.
            pub(crate) fn columns_sqlite(&self) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
                vec![$( (stringify!($field), &self.$field as &dyn rusqlite::ToSql) ),*]
            }

            /// (column, value) pairs for a PostgreSQL insert.
            pub(crate) fn columns_pg(
                &self,
            ) -> Vec<(&'static str, &(dyn postgres::types::ToSql + Sync))> {
                vec![$( (stringify!($field), &self.$field as &(dyn postgres::types::ToSql + Sync)) ),*]
            }
        }
    };
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$field_attr:meta])* $field:ident: $ty:ty = $sql:literal, )*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $( $(#[$field_attr])* pub $field: $ty, )*
        }

        // Not every row is listed as CSV (`archive copy`'s records are not).
        #[allow(dead_code)]
        impl $name {
            /// Field names, in order: the CSV header and the JSON keys.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// `expr AS field, …`: what a SELECT lists to fill this row.
            pub fn select_list() -> String {
                [$(concat!($sql, " AS ", stringify!($field))),*].join(", ")
            }

            /// Reads the row by column name (see [`Self::select_list`]).
            pub fn read(row: &rusqlite::Row) -> rusqlite::Result<Self> {
                Ok($name { $( $field: Column::read(row, stringify!($field))?, )* })
            }

            /// The same, from a PostgreSQL row.
            pub fn read_pg(row: &postgres::Row) -> Result<Self, postgres::Error> {
                Ok(Self::read_all_pg(std::slice::from_ref(row))?.remove(0))
            }

            /// Every row of a PostgreSQL result, each field's column found
            /// by name once, not once per row (a listing of thousands of
            /// rows would otherwise spend more on names than on values).
            pub fn read_all_pg(rows: &[postgres::Row]) -> Result<Vec<Self>, postgres::Error> {
                let Some(first) = rows.first() else {
                    return Ok(Vec::new());
                };
                let at = |name: &str| first.columns().iter().position(|c| c.name() == name);
                $( let $field = at(stringify!($field)); )*
                rows.iter()
                    .map(|row| {
                        Ok($name { $(
                            // Not in the result: read by name, which says so.
                            $field: match $field {
                                Some(i) => Column::read_pg(row, i)?,
                                None => Column::read_pg(row, stringify!($field))?,
                            },
                        )* })
                    })
                    .collect()
            }

            /// The row as text cells, in [`Self::FIELDS`] order.
            pub fn cells(&self) -> Vec<String> {
                vec![$( Column::cell(&self.$field) ),*]
            }
        }
    };
}

row! {
    /// A stored case as listed and exported.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CaseRow {
        number: i64 = "id",
        case_id: String = "case_id",
        created_at: String = "created_at",
        customer: String = "customer",
        contact: String = "contact",
        role: String = "role",
        playbook: String = "playbook_id || ' v' || playbook_version",
        level: String = "level",
        authority: String = "authority",
        grievances: Vec<String> = "grievances",
        remedies: Vec<String> = "remedies",
        complaint_kind: String = "complaint_kind",
        crisis: String = "crisis",
        at_stake: String = "at_stake",
        remedy_sought: String = "remedy_sought",
        impact: String = "impact",
        our_owner: String = "our_owner",
        customer_loss: String = "customer_loss",
        rehearsal: bool = "rehearsal",
        /// When the case was voided (RFC 3339); none while it counts.
        void_at: Option<String> = "void_at",
        /// Who voided it (the OS user).
        void_by: Option<String> = "void_by",
        void_reason: Option<String> = "void_reason",
        /// Who stored it (the configured name, else the OS user); none for
        /// cases stored before schema version 4.
        stored_by: Option<String> = "stored_by",
        /// The playbook's own fields (`fields:`) by id; empty when it has none.
        fields: BTreeMap<String, String> = "case_fields",
    }
}

row! {
    /// A commitment (a chosen remedy or a follow-up) across all cases;
    /// selected from `commitments m JOIN cases c`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CommitmentRow {
        number: i64 = "m.id",
        /// `remedy` or `followup`.
        kind: String = "m.kind",
        case_number: i64 = "c.id",
        case_id: String = "c.case_id",
        customer: String = "c.customer",
        /// The remedy's or follow-up's id in the playbook.
        item: String = "m.item_id",
        due: String = "m.due",
        action: String = "m.action",
        /// The role, as the plan shows it.
        owner: String = "m.owner",
        /// The person behind the role, when the plan names one.
        owner_name: Option<String> = "m.owner_name",
        done_at: Option<String> = "m.done_at",
        done_by: Option<String> = "m.done_by",
    }
}

row! {
    /// What a stored call replays from (`defuse test --against-archive`):
    /// its answers as written, and what the plan decided then.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StoredCall {
        number: i64 = "id",
        case_id: String = "case_id",
        created_at: String = "created_at",
        customer: String = "customer",
        playbook_id: String = "playbook_id",
        playbook_version: String = "playbook_version",
        level: String = "level",
        authority: String = "authority",
        plan_json: String = "plan_json",
        answers_yaml: String = "answers_yaml",
    }
}

row! {
    insertable
    /// A new case as the values of its row: computed once from the plan
    /// (`NewCase::values`), owned (so a store can run on a thread with a
    /// deadline) and serialisable (so a case the server could not take
    /// waits in the outbox, as JSON, exactly as it would have been stored).
    ///
    /// Not folded into [`CaseRecord`]: a new case always has a fingerprint
    /// and a storer (the outbox's key and the store's one-case-per-call
    /// lookup rely on it) and is never void, while a stored case from before
    /// schema versions 2 and 4 has neither. One type would make both
    /// optional here. The test below keeps the two column lists in step.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct CaseValues {
        case_id: String = "case_id",
        created_at: String = "created_at",
        created_epoch: i64 = "created_epoch",
        customer: String = "customer",
        customer_key: String = "customer_key",
        contact: String = "contact",
        role: String = "role",
        playbook_id: String = "playbook_id",
        playbook_version: String = "playbook_version",
        level: String = "level",
        level_rank: i64 = "level_rank",
        authority: String = "authority",
        grievances: String = "grievances",
        remedies: String = "remedies",
        complaint_kind: String = "complaint_kind",
        crisis: String = "crisis",
        at_stake: String = "at_stake",
        remedy_sought: String = "remedy_sought",
        impact: String = "impact",
        our_owner: String = "our_owner",
        customer_loss: String = "customer_loss",
        rehearsal: bool = "rehearsal",
        plan_markdown: String = "plan_markdown",
        plan_json: String = "plan_json",
        answers_yaml: String = "answers_yaml",
        /// The call's fingerprint: what makes a store idempotent.
        fingerprint: String = "fingerprint",
        stored_by: String = "stored_by",
        /// The playbook's own fields, as [`fields_json`] writes them.
        /// (Absent from cases queued before fields existed.)
        #[serde(default)]
        case_fields: String = "case_fields",
        /// The plan's language code. (Absent from cases queued before
        /// schema 8: then read from the plan, as for older stored cases.)
        #[serde(default)]
        plan_lang: Option<String> = "plan_lang",
    }
}

row! {
    insertable
    /// Every stored column of a case but its number and (on a server) the
    /// database role that stored it: what `archive copy` carries over.
    #[derive(Debug, Clone)]
    pub struct CaseRecord {
        case_id: String = "case_id",
        created_at: String = "created_at",
        created_epoch: i64 = "created_epoch",
        customer: String = "customer",
        customer_key: String = "customer_key",
        contact: String = "contact",
        role: String = "role",
        playbook_id: String = "playbook_id",
        playbook_version: String = "playbook_version",
        level: String = "level",
        level_rank: i64 = "level_rank",
        authority: String = "authority",
        /// JSON text, kept as stored.
        grievances: String = "grievances",
        remedies: String = "remedies",
        complaint_kind: String = "complaint_kind",
        crisis: String = "crisis",
        at_stake: String = "at_stake",
        remedy_sought: String = "remedy_sought",
        impact: String = "impact",
        our_owner: String = "our_owner",
        customer_loss: String = "customer_loss",
        rehearsal: bool = "rehearsal",
        plan_markdown: String = "plan_markdown",
        plan_json: String = "plan_json",
        answers_yaml: String = "answers_yaml",
        fingerprint: Option<String> = "fingerprint",
        void_at: Option<String> = "void_at",
        void_by: Option<String> = "void_by",
        void_reason: Option<String> = "void_reason",
        stored_by: Option<String> = "stored_by",
        /// The playbook's own fields: JSON text, kept as stored.
        case_fields: String = "case_fields",
        /// NULL for cases stored before schema 8.
        plan_lang: Option<String> = "plan_lang",
    }
}

row! {
    insertable
    /// Every stored column of a commitment but its number and its case's.
    #[derive(Debug, Clone)]
    pub struct CommitmentRecord {
        kind: String = "kind",
        item_id: String = "item_id",
        action: String = "action",
        owner: String = "owner",
        owner_name: Option<String> = "owner_name",
        due: String = "due",
        due_epoch: i64 = "due_epoch",
        done_at: Option<String> = "done_at",
        done_by: Option<String> = "done_by",
    }
}

/// A column's Rust type: how it is read from SQL and shown as a CSV cell.
pub(super) trait Column: Sized {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self>;
    /// By name or by position.
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error>;
    fn cell(&self) -> String;
}

impl Column for i64 {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        row.get(name)
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        row.try_get(at)
    }
    fn cell(&self) -> String {
        self.to_string()
    }
}

impl Column for bool {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        row.get(name)
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        row.try_get(at)
    }
    fn cell(&self) -> String {
        self.to_string()
    }
}

impl Column for String {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        row.get(name)
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        row.try_get(at)
    }
    fn cell(&self) -> String {
        self.clone()
    }
}

impl Column for Option<String> {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        row.get(name)
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        row.try_get(at)
    }
    fn cell(&self) -> String {
        self.clone().unwrap_or_default()
    }
}

/// Id lists are stored as JSON arrays (so SQL can `json_each` or
/// `jsonb_array_elements_text` them) and
/// shown in one CSV cell, `;`-separated. Unreadable JSON reads as empty: a
/// damaged list must not hide the rest of the case.
impl Column for Vec<String> {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        let text: String = row.get(name)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        let text: String = row.try_get(at)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }
    fn cell(&self) -> String {
        self.join(";")
    }
}

/// A case's own fields are stored as one JSON object (`{"order_id":"A-1"}`,
/// "" for none) and exported as one CSV cell holding that object: the
/// columns of an export stay the same whatever playbooks its cases used.
/// Unreadable JSON reads as empty, as id lists do.
impl Column for BTreeMap<String, String> {
    fn read(row: &rusqlite::Row, name: &str) -> rusqlite::Result<Self> {
        let text: String = row.get(name)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }
    fn read_pg<I: RowIndex + fmt::Display>(
        row: &postgres::Row,
        at: I,
    ) -> Result<Self, postgres::Error> {
        let text: String = row.try_get(at)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }
    fn cell(&self) -> String {
        fields_json(self)
    }
}

/// The stored and exported form of a case's fields: "" for none.
pub(crate) fn fields_json(fields: &BTreeMap<String, String>) -> String {
    if fields.is_empty() {
        String::new()
    } else {
        serde_json::to_string(fields).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_selected_under_its_own_name() {
        let list = CaseRow::select_list();
        assert!(
            list.starts_with("id AS number, case_id AS case_id"),
            "{list}"
        );
        assert!(list.contains("playbook_id || ' v' || playbook_version AS playbook"));
        assert_eq!(CaseRow::FIELDS.len(), list.matches(" AS ").count());
        assert_eq!(CommitmentRow::FIELDS[2], "case_number");
    }

    /// A column added to new cases and not to what `archive copy` carries
    /// would be lost in a copy: the lists differ only by the void columns.
    #[test]
    fn a_copy_carries_every_column_a_store_writes() {
        let carried: Vec<&str> = CaseRecord::FIELDS
            .iter()
            .copied()
            .filter(|f| !f.starts_with("void_"))
            .collect();
        let mut stored = CaseValues::FIELDS.to_vec();
        let mut carried_sorted = carried.clone();
        stored.sort_unstable();
        carried_sorted.sort_unstable();
        assert_eq!(stored, carried_sorted);
    }
}
