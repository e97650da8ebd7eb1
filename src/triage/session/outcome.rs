//! The end of a session: the `Outcome` that `plan::compose` turns into a
//! plan, and the answers file that replays the session.

use std::collections::BTreeMap;

use super::flow::MAX_ADJUST_ROUNDS;
use super::{Grievances, Proposal, Session};
use crate::duration::Due;
use crate::i18n::Lang;
use crate::playbook::{Facts, Playbook, Step};
use crate::triage::answers::{Adjustment, AnswersOut};
use crate::triage::assess::Assessment;
use crate::triage::prompt_id::{CaseField, Field, PromptId, RecordField};

/// `finish` was called while this prompt is still open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("question `{0}` is still open")]
pub struct Unfinished(pub PromptId);

/// A remedy in the final plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub remedy: String,
    pub owner: String,
    pub due: Due,
    /// `None` when the rep added it by hand.
    pub proposed_by: Option<String>,
}

/// Everything a finished session decided; `plan::compose` turns it into a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The language the session was worded in (the plan follows it).
    pub lang: Lang,
    pub customer: String,
    pub contact: String,
    pub role: String,
    pub assessment: Assessment,
    pub grievances: Grievances,
    pub proposals: Vec<Proposal>,
    pub remedies: Vec<Chosen>,
    pub followups: Vec<String>,
    pub donts: Vec<(Step, String)>,
    pub record: BTreeMap<&'static str, String>,
    /// The playbook's own fields (`fields:`), by id in the playbook's order,
    /// trimmed; "" when left empty.
    pub fields: Vec<(String, String)>,
}

impl Outcome {
    /// What the plan's wordings are chosen by: everything the session decided.
    pub fn facts<'a>(&'a self, pb: &'a Playbook) -> Facts<'a> {
        let (a, g) = (&self.assessment, &self.grievances);
        Facts {
            playbook: pb,
            answers: &a.answers,
            scores: &a.scores,
            flags: &a.flags,
            level: Some(a.level),
            authority: Some(a.authority),
            grievances: &g.picked,
            complaint_kinds: &g.complaint_kinds,
            crisis: Some(g.crisis),
            at_stake: Some(g.at_stake),
        }
    }
}

impl<'p> Session<'p> {
    /// Ends the session. Fails while a question is still open.
    pub fn finish(&self) -> Result<Outcome, Unfinished> {
        if let Some(open) = self.next_prompt() {
            return Err(Unfinished(open.id));
        }
        // Both exist once no prompt is open.
        let assessment = self.assessment().expect("step 1 complete");
        let grievances = self.grievances().expect("step 2 complete");
        let proposals = self.proposals_for(&assessment, &grievances);
        let facts = self.facts(&assessment, Some(&grievances));
        let adjusted = self.adjusted(MAX_ADJUST_ROUNDS);
        // A remedy a shown don't forbids stays out even if ticked by hand (an
        // answers file from before the don't named it replays the same way).
        let forbidden = super::views::forbidden(&facts);
        let remedies = self
            .selected_remedies()
            .unwrap_or_default()
            .into_iter()
            .filter(|id| !forbidden.contains(id.as_str()))
            .filter_map(|id| {
                let (owner, due) = adjusted.get(&id)?.clone();
                let proposed_by = proposals
                    .iter()
                    .find(|p| p.remedy == id)
                    .map(|p| p.rule.clone());
                Some(Chosen {
                    remedy: id,
                    owner,
                    due,
                    proposed_by,
                })
            })
            .collect();
        let followups = self
            .playbook
            .followups
            .iter()
            .filter(|f| f.when.as_ref().is_none_or(|w| w.eval(&facts)))
            .map(|f| f.id.value.clone())
            .collect();
        let donts = self
            .playbook
            .donts
            .iter()
            .filter(|d| d.when.as_ref().is_none_or(|w| w.eval(&facts)))
            .map(|d| (d.step, d.text.text(self.lang)))
            .collect();
        let record = RecordField::ALL
            .iter()
            .map(|&field| (field.key(), self.text(&PromptId::Record(field))))
            .collect();
        let fields = self
            .playbook
            .fields
            .iter()
            .map(|f| {
                let id = f.id.value.clone();
                let value = self.text(&PromptId::Field(id.clone()));
                (id, value)
            })
            .collect();
        Ok(Outcome {
            lang: self.lang,
            fields,
            customer: self.text(&PromptId::Case(CaseField::Customer)),
            contact: self.text(&PromptId::Case(CaseField::Contact)),
            role: self.text(&PromptId::Case(CaseField::Role)),
            assessment,
            grievances,
            proposals,
            remedies,
            followups,
            donts,
            record,
        })
    }

    /// The answers given so far, as an answers file that replays this session.
    pub fn answers_out(&self, now: &str) -> AnswersOut {
        let (asked, _) = self.prompts_until_open();
        let mut out = AnswersOut {
            playbook: self.playbook.id.value.clone(),
            playbook_version: self.playbook.version.clone(),
            now: now.to_owned(),
            ..Default::default()
        };
        for prompt in asked {
            out.push(&prompt.id, self.values[&prompt.id].clone());
        }
        // Adjustments are written as their net effect per remedy.
        let selected = self.selected_remedies().unwrap_or_default();
        for (id, (owner, due)) in self.adjusted(MAX_ADJUST_ROUNDS) {
            let Some(r) = self.playbook.remedy(&id).filter(|_| selected.contains(&id)) else {
                continue;
            };
            let adjustment = Adjustment {
                owner: (owner != r.owner.get(self.lang)).then_some(owner),
                due: (due != r.due.value).then(|| due.to_string()),
            };
            if adjustment != Adjustment::default() {
                out.remedies.adjust.insert(id, adjustment);
            }
        }
        out
    }
}
