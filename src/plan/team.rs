//! `Team`: who the plan names behind each owner role, and the working hours
//! its due times count in — what the rep's config file says (`config`), handed
//! to `plan::compose_for`. Pure: matching a role to a person is a lookup.

use crate::hours::WorkingHours;
use crate::i18n::Lang;
use crate::playbook::Localized;
use crate::triage::session::Outcome;

/// The role the rep holds when the config names none: the shipped
/// playbooks' English label for the person who takes the call.
pub const DEFAULT_REP_ROLE: &str = "Account rep";

/// The rep's team as the config file describes it. `Team::default()` names
/// nobody and sets no hours: the plan shows roles only, as without a config.
#[derive(Debug, Clone, Default)]
pub struct Team {
    /// Whether a config file was read: only then does the rep's role fall
    /// back to the session's "our responsible person" answer.
    pub configured: bool,
    /// The rep's own name.
    pub rep: Option<String>,
    /// The rep's role as a playbook labels it, in any of its languages
    /// ([`DEFAULT_REP_ROLE`] when `None`).
    pub rep_role: Option<String>,
    /// Role label → person. A label matches an owner written in any of the
    /// playbook's languages (`Team lead` also names the zh-TW `業務主管`).
    pub roster: Vec<(String, String)>,
    /// The rep's working hours; they replace the playbook's.
    pub working_hours: Option<WorkingHours>,
}

/// Labels compare without case or surrounding space: `team lead ` is `Team lead`.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

impl Team {
    /// The person behind `owner` as the plan shows it in `lang`. `role` is
    /// the playbook's owner of that item: while the rep left the owner as
    /// the playbook wrote it, every language's label of that role matches;
    /// an owner the rep typed matches only as typed.
    pub fn name_of(
        &self,
        owner: &str,
        role: &Localized,
        lang: Lang,
        outcome: &Outcome,
    ) -> Option<String> {
        let labels: Vec<&str> = if same(owner, role.get(lang)) {
            let mut all: Vec<&str> = role.versions().into_iter().map(|(_, t)| t).collect();
            all.push(owner);
            all
        } else {
            vec![owner]
        };
        let is = |label: &str| labels.iter().any(|l| same(l, label));
        if let Some((_, person)) = self.roster.iter().find(|(label, _)| is(label)) {
            return Some(person.trim().to_owned()).filter(|p| !p.is_empty());
        }
        if !self.configured || !is(self.rep_role.as_deref().unwrap_or(DEFAULT_REP_ROLE)) {
            return None;
        }
        self.rep
            .clone()
            .or_else(|| outcome.record.get("our_owner").cloned())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
    }
}
