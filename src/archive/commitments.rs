//! Commitments: what a call promised — the remedies the rep chose and the
//! follow-ups — each with an owner, a due time and, once done, when and by
//! whom. Read from a plan's JSON (the one reader for new cases and for the
//! migration of old ones), listed with filters, and marked done.

use rusqlite::{Connection, ToSql, params_from_iter};
use serde_json::Value;

use super::Archive;
use super::rows::CommitmentRow;
use crate::error::Error;

/// The two kinds of commitment, as stored in `commitments.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Remedy,
    Followup,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Remedy => "remedy",
            Kind::Followup => "followup",
        }
    }
}

/// One commitment of a plan, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Commitment {
    pub kind: Kind,
    pub item_id: String,
    pub action: String,
    pub owner: String,
    /// The person behind the role, when the plan names one (`owner_name`).
    pub owner_name: Option<String>,
    pub due: String,
}

impl Commitment {
    /// The remedies, then the follow-ups, of a plan in its JSON contract.
    /// Read from the JSON rather than from `Plan` so that a plan stored by
    /// any version (and optional fields such as `owner_name`) reads the same
    /// way; an entry without an id or a due time is no commitment.
    pub fn of_plan(plan_json: &str) -> Vec<Commitment> {
        let Ok(plan) = serde_json::from_str::<Value>(plan_json) else {
            return Vec::new();
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut out = Vec::new();
        for (kind, key) in [(Kind::Remedy, "remedies"), (Kind::Followup, "followups")] {
            let items = plan.get(key).and_then(Value::as_array);
            for item in items.into_iter().flatten() {
                let (Some(item_id), Some(due)) = (text(item, "id"), text(item, "due")) else {
                    continue;
                };
                let action = text(item, "action")
                    .filter(|a| !a.trim().is_empty())
                    .or_else(|| text(item, "label"))
                    .unwrap_or_default();
                out.push(Commitment {
                    kind,
                    item_id,
                    action,
                    owner: text(item, "owner").unwrap_or_default(),
                    owner_name: text(item, "owner_name").filter(|n| !n.trim().is_empty()),
                    due,
                });
            }
        }
        out
    }

    pub fn insert(&self, conn: &Connection, case_row: i64) -> rusqlite::Result<()> {
        let due_epoch = chrono::DateTime::parse_from_rfc3339(&self.due)
            .map(|t| t.timestamp())
            .unwrap_or(0);
        conn.prepare_cached(
            "INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch)
             VALUES (:case_row, :kind, :item_id, :action, :owner, :owner_name, :due, :due_epoch)",
        )?
        .execute(rusqlite::named_params! {
            ":case_row": case_row,
            ":kind": self.kind.as_str(),
            ":item_id": self.item_id,
            ":action": self.action,
            ":owner": self.owner,
            ":owner_name": self.owner_name,
            ":due": self.due,
            ":due_epoch": due_epoch,
        })?;
        Ok(())
    }
}

/// Which commitments a listing shows. Void cases and rehearsals never.
#[derive(Debug, Clone, Default)]
pub struct Commitments {
    /// Only those due before this instant (epoch seconds).
    pub due_before: Option<i64>,
    /// Only those whose role or person is this (case-insensitive).
    pub owner: Option<String>,
    /// Only those whose person is this (case-insensitive).
    pub owner_name: Option<String>,
    /// Done ones too.
    pub include_done: bool,
}

impl CommitmentRow {
    /// The owner as a plan shows it: `Team lead (Chen Mei)`, or the role alone.
    pub fn owner_shown(&self) -> String {
        match &self.owner_name {
            Some(name) => format!("{} ({name})", self.owner),
            None => self.owner.clone(),
        }
    }
}

impl Commitments {
    /// The SELECT for this filter and its arguments.
    pub(super) fn query(&self) -> (String, Vec<&dyn ToSql>) {
        let mut sql = format!(
            "SELECT {} FROM commitments m JOIN cases c ON c.id = m.case_row
             WHERE c.rehearsal = 0 AND c.void_at IS NULL",
            CommitmentRow::select_list()
        );
        let mut args: Vec<&dyn ToSql> = Vec::new();
        if !self.include_done {
            // Spelt as in the partial indexes' WHERE, so they apply.
            sql.push_str(" AND m.done_at IS NULL");
        }
        if let Some(before) = &self.due_before {
            sql.push_str(" AND m.due_epoch < ?");
            args.push(before);
        }
        if let Some(owner) = &self.owner {
            // Role or person. Written as two lookups, not `OR`: SQLite
            // does not use partial indexes for the two sides of an OR.
            let open = if self.include_done {
                ""
            } else {
                " AND done_at IS NULL"
            };
            sql.push_str(&format!(
                " AND m.id IN (SELECT id FROM commitments WHERE owner = ? COLLATE NOCASE{open}
                    UNION ALL SELECT id FROM commitments WHERE owner_name = ? COLLATE NOCASE{open})"
            ));
            args.push(owner);
            args.push(owner);
        }
        if let Some(name) = &self.owner_name {
            sql.push_str(" AND m.owner_name = ? COLLATE NOCASE");
            args.push(name);
        }
        sql.push_str(" ORDER BY m.due_epoch, m.id");
        (sql, args)
    }
}

/// Why `done N` changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoneRefused {
    Unknown,
    /// Already done: when and by whom.
    AlreadyDone(String, String),
}

impl Archive {
    /// Commitments across all counting cases, by due time.
    pub fn commitments(&self, filter: &Commitments) -> Result<Vec<CommitmentRow>, Error> {
        let (sql, args) = filter.query();
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params_from_iter(args), CommitmentRow::read)
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(rows)
    }

    /// Marks a commitment done, with when and by whom.
    pub fn commitment_done(
        &mut self,
        number: i64,
        at: &str,
        by: &str,
    ) -> Result<Result<(), DoneRefused>, Error> {
        let changed = self
            .conn
            .execute(
                "UPDATE commitments SET done_at = ?2, done_by = ?3 WHERE id = ?1 AND done_at IS NULL",
                rusqlite::params![number, at, by],
            )
            .map_err(|e| self.fail(e))?;
        if changed == 1 {
            return Ok(Ok(()));
        }
        let done = self
            .conn
            .query_row(
                "SELECT done_at, coalesce(done_by, '') FROM commitments WHERE id = ?1",
                [number],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(|e| self.fail(e));
        Ok(Err(match done {
            Ok((at, by)) => DoneRefused::AlreadyDone(at, by),
            Err(_) => DoneRefused::Unknown,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_gives_its_remedies_then_its_followups() {
        let plan = r#"{"remedies": [
                {"id": "call_back", "label": "Call back", "action": "", "owner": "Account rep", "due": "2026-11-23T10:30:00+08:00"},
                {"id": "credit", "label": "Credit", "action": "Credit one month", "owner": "Team lead", "owner_name": "Chen Mei", "due": "2026-11-24T10:00:00+08:00"},
                {"id": "no_due", "owner": "x"}],
            "followups": [{"id": "review", "action": "Review", "owner": "Account rep", "owner_name": " ", "due": "2026-12-23T10:00:00+08:00"}]}"#;
        let got = Commitment::of_plan(plan);
        let summary: Vec<_> = got
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.item_id.as_str(),
                    c.action.as_str(),
                    c.owner_name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Kind::Remedy, "call_back", "Call back", None),
                (Kind::Remedy, "credit", "Credit one month", Some("Chen Mei")),
                (Kind::Followup, "review", "Review", None),
            ]
        );
        assert_eq!(Commitment::of_plan("{not json"), vec![]);
    }
}
