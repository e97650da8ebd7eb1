//! The customer's earlier cases, and the playbook's rules over them
//! ("crises never come from one event, but from small risks nobody tracked").

use crate::playbook::Playbook;
use crate::playbook::model::HistoryRule;
use crate::playbook::vocab::Vocabulary;

/// An earlier case, as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastCase {
    pub case_id: String,
    /// RFC 3339 call time.
    pub time: String,
    pub epoch: i64,
    pub level: String,
    pub grievances: Vec<String>,
    pub crisis: String,
    /// The rep who stored it (their configured name, else the OS user);
    /// none for cases stored before the archive recorded it.
    pub stored_by: Option<String>,
}

impl PastCase {
    /// "20261101-0900-acme (2026-11-01, concern: not_valued)".
    pub fn cite(&self) -> String {
        let date = self.time.get(..10).unwrap_or(&self.time);
        let grievances = if self.grievances.is_empty() {
            "no grievance".to_owned()
        } else {
            self.grievances.join(", ")
        };
        format!("{} ({date}, {}: {grievances})", self.case_id, self.level)
    }
}

/// Where earlier cases come from: the archive in the CLI, a list in tests.
pub trait History {
    /// This customer's cases before `before_epoch`, newest first, without
    /// rehearsals or void cases.
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase>;

    /// Why earlier cases could not be looked up, if they could not (the
    /// plan says so: a level without the team's history may be too low).
    fn unavailable(&self) -> Option<String> {
        None
    }
}

impl History for Vec<PastCase> {
    fn earlier_cases(&self, _customer: &str, before_epoch: i64) -> Vec<PastCase> {
        self.iter()
            .filter(|c| c.epoch < before_epoch)
            .cloned()
            .collect()
    }
}

/// The rules that hold for these earlier cases, each with the cases it counted.
pub fn matches<'p, 'c>(
    pb: &'p Playbook,
    earlier: &'c [PastCase],
    now_epoch: i64,
) -> Vec<(&'p HistoryRule, Vec<&'c PastCase>)> {
    pb.history
        .iter()
        .filter_map(|rule| {
            let since = now_epoch.saturating_sub(rule.within.value.minutes().saturating_mul(60));
            let counted: Vec<&PastCase> = earlier
                .iter()
                .filter(|c| c.epoch >= since && c.epoch < now_epoch)
                .filter(|c| rule.crisis.is_none_or(|crisis| crisis.key() == c.crisis))
                .filter(|c| {
                    rule.grievance
                        .as_ref()
                        .is_none_or(|g| c.grievances.contains(&g.value))
                })
                .collect();
            (counted.len() >= rule.at_least).then_some((rule, counted))
        })
        .collect()
}
