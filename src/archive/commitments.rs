//! Commitments: what a call promised — the remedies the rep chose and the
//! follow-ups — each with an owner, a due time and, once done, when and by
//! whom. Read from a plan's JSON (the one reader for new cases and for the
//! migration of old ones) and the filter a listing applies; each backend
//! stores, lists and marks them done (`sqlite/commitments.rs`,
//! `postgres/query.rs`, `postgres/store.rs`).

use serde_json::Value;

use super::rows::CommitmentRow;

/// The two kinds of commitment, as stored in `commitments.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Remedy,
    Followup,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
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
}

/// A commitment's wording in a plan, keyed as stored (kind, item id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// `remedy` or `followup`.
    pub kind: &'static str,
    pub item: String,
    pub action: String,
    /// The role.
    pub owner: String,
}

/// A plan's commitments as they would be stored, wording only: what
/// `defuse commitments` shows for a plan composed in another language.
pub fn wording_of_plan(plan_json: &str) -> Vec<Wording> {
    Commitment::of_plan(plan_json)
        .into_iter()
        .map(|c| Wording {
            kind: c.kind.as_str(),
            item: c.item_id,
            action: c.action,
            owner: c.owner,
        })
        .collect()
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

/// Why `done N` changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoneRefused {
    Unknown,
    /// Already done: when and by whom.
    AlreadyDone(String, String),
    /// On a server with row-level security: the commitment belongs to a case
    /// another role stored (its number, and who stored it, if known).
    NotYours(i64, Option<String>),
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
