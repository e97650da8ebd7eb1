//! What the answers so far imply, derived afresh on every call: step 1's
//! assessment, step 2's grievances, the proposed remedies, the don'ts that
//! apply, each remedy's owner and due time after the rep's edits, and the
//! prompts answered so far.

use std::collections::{BTreeMap, BTreeSet};

use super::flow::{ADJUST_DONE, MAX_ADJUST_ROUNDS};
use super::{Prompt, Session};
use crate::duration::Due;
use crate::playbook::vocab::{AtStake, ComplaintKind, CrisisType, NONE_CLEAR, Vocabulary};
use crate::playbook::{Facts, Step};
use crate::triage::answers::AnswerValue;
use crate::triage::assess::{Assessment, Walk, assess};
use crate::triage::history::{self, PastCase};
use crate::triage::prompt_id::{GrievanceField, PromptId};

/// The proposal of one remedy, with the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub remedy: String,
    pub rule: String,
}

/// What step 2 established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grievances {
    pub picked: Vec<String>,
    pub words: String,
    /// The shared meanings picked (at least one; `unclear` only alone):
    /// what conditions test.
    pub complaint_kinds: Vec<ComplaintKind>,
    /// The keys the rep picked (the playbook's own, when it has its own kinds).
    pub kind_keys: Vec<String>,
    pub crisis: CrisisType,
    pub at_stake: AtStake,
}

impl<'p> Session<'p> {
    /// The prompts answered so far, in the order asked, with their answers:
    /// what a resumed session shows before its next question.
    pub fn answered_prompts(&self) -> Vec<(Prompt, AnswerValue)> {
        self.prompts_until_open()
            .0
            .into_iter()
            .map(|p| {
                let value = self.values[&p.id].clone();
                (p, value)
            })
            .collect()
    }

    /// The customer's earlier cases (empty without a history source).
    fn earlier_cases(&self) -> Vec<PastCase> {
        let Some((source, now)) = self.earlier else {
            return Vec::new();
        };
        let customer = self.text(&PromptId::CUSTOMER);
        let mut cache = self.earlier_cache.borrow_mut();
        match cache.as_ref() {
            Some((cached, cases)) if *cached == customer => cases.clone(),
            _ => {
                let cases = source.earlier_cases(&customer, now);
                *cache = Some((customer, cases.clone()));
                cases
            }
        }
    }

    /// Step 1's outcome, once every visible step-1 question is answered.
    pub fn assessment(&self) -> Option<Assessment> {
        let earlier = self.earlier_cases();
        let now = self.earlier.map_or(0, |(_, now)| now);
        let matched = history::matches(self.playbook, &earlier, now);
        assess(
            self.playbook,
            |id| self.answered(&PromptId::Assess(id.to_owned())).cloned(),
            &matched,
        )
    }

    /// The answer to a choice prompt as its key ("" when not answered).
    pub(super) fn answered_key(&self, id: &PromptId) -> String {
        self.answered(id)
            .and_then(AnswerValue::as_key)
            .unwrap_or_default()
    }

    /// What step 2 established, once it is complete.
    pub fn grievances(&self) -> Option<Grievances> {
        let picked = self.picked_grievances()?;
        let key = |field| self.answered_key(&PromptId::Grievance(field));
        let (kinds, keys) = self.complaint_kinds()?;
        Some(Grievances {
            picked,
            words: self.text(&PromptId::Grievance(GrievanceField::Words)),
            complaint_kinds: kinds,
            kind_keys: keys,
            crisis: CrisisType::from_key(&key(GrievanceField::Crisis))?,
            at_stake: AtStake::from_key(&key(GrievanceField::AtStake))?,
        })
    }

    /// The grievances picked in step 2, once answered ("none clear yet"
    /// is none).
    pub(super) fn picked_grievances(&self) -> Option<Vec<String>> {
        match self.answered(&PromptId::Grievance(GrievanceField::Picked))? {
            AnswerValue::Keys(keys) => Some(
                keys.iter()
                    .filter(|k| k.as_str() != NONE_CLEAR)
                    .cloned()
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The complaint kinds picked in step 2, once answered: the keys as
    /// picked and their shared meanings. An answers file from before kinds
    /// were multi-select holds one key, read the same; "not clear yet"
    /// beside a real kind gives way to it.
    pub(super) fn complaint_kinds(&self) -> Option<(Vec<ComplaintKind>, Vec<String>)> {
        let grievance = &self.playbook.grievance;
        let picked = match self.answered(&PromptId::Grievance(GrievanceField::Kind))? {
            AnswerValue::Keys(keys) => keys.clone(),
            AnswerValue::Key(key) => vec![key.clone()],
            _ => return None,
        };
        let mut keys: Vec<(String, ComplaintKind)> = Vec::new();
        for key in picked {
            let kind = grievance.kind_of(&key)?;
            if !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, kind));
            }
        }
        if keys.iter().any(|(_, kind)| *kind != ComplaintKind::Unclear) {
            keys.retain(|(_, kind)| *kind != ComplaintKind::Unclear);
        }
        if keys.is_empty() {
            let unclear = ComplaintKind::Unclear;
            let key = grievance.kind_key(unclear).unwrap_or(unclear.key());
            keys.push((key.to_owned(), unclear));
        }
        let mut kinds: Vec<ComplaintKind> = Vec::new();
        for (_, kind) in &keys {
            if !kinds.contains(kind) {
                kinds.push(*kind);
            }
        }
        Some((kinds, keys.into_iter().map(|(key, _)| key).collect()))
    }

    /// What conditions see: step 1's assessment and, once known, step 2's grievances.
    pub fn facts<'a>(&'a self, a: &'a Assessment, g: Option<&'a Grievances>) -> Facts<'a> {
        Facts {
            playbook: self.playbook,
            answers: &a.answers,
            scores: &a.scores,
            flags: &a.flags,
            level: Some(a.level),
            authority: Some(a.authority),
            grievances: g.map_or(&[], |g| g.picked.as_slice()),
            complaint_kinds: g.map_or(&[], |g| g.complaint_kinds.as_slice()),
            crisis: g.map(|g| g.crisis),
            at_stake: g.map(|g| g.at_stake),
        }
    }

    /// Remedies the playbook proposes for the current answers (after step 2).
    pub fn proposals(&self) -> Option<Vec<Proposal>> {
        Some(self.proposals_for(&self.assessment()?, &self.grievances()?))
    }

    pub(super) fn proposals_for(&self, a: &Assessment, g: &Grievances) -> Vec<Proposal> {
        let facts = self.facts(a, Some(g));
        let forbidden = forbidden(&facts);
        self.playbook
            .remedies
            .catalogue
            .iter()
            // The level's response force wins over a remedy's own rule
            // ("no concessions" at a smoke alarm), and so does a shown don't.
            .filter(|r| !self.playbook.level_forbids(a.level, r))
            .filter(|r| !forbidden.contains(r.id.value.as_str()))
            .filter_map(|r| {
                let when = r.when.as_ref().filter(|w| w.eval(&facts))?;
                Some(Proposal {
                    remedy: r.id.value.clone(),
                    rule: when.explain(&facts),
                })
            })
            .collect()
    }

    /// Grievances the playbook suggests from the assessment.
    pub(super) fn suggested_grievances(&self, a: &Assessment) -> Vec<String> {
        let facts = self.facts(a, None);
        self.playbook
            .grievance
            .catalogue
            .iter()
            .filter(|g| g.suggest_when.as_ref().is_some_and(|w| w.eval(&facts)))
            .map(|g| g.id.value.clone())
            .collect()
    }

    /// The don'ts that apply at a step, given what is known so far.
    pub fn donts(&self, step: Step) -> Vec<String> {
        let assessment = self.assessment();
        let grievances = self.grievances();
        let walk;
        let facts = match &assessment {
            Some(a) => self.facts(a, grievances.as_ref()),
            // During step 1, only the flags and scores raised so far are known.
            None => {
                walk = Walk::new(self.playbook, |id| {
                    self.answered(&PromptId::Assess(id.to_owned())).cloned()
                });
                walk.facts(self.playbook)
            }
        };
        self.playbook
            .donts
            .iter()
            .filter(|d| d.step == step && d.when.as_ref().is_none_or(|w| w.eval(&facts)))
            .map(|d| d.text.text(self.lang))
            .collect()
    }

    pub(super) fn selected_remedies(&self) -> Option<Vec<String>> {
        match self.answered(&PromptId::RemediesSelected)? {
            AnswerValue::Keys(keys) => Some(keys.clone()),
            _ => None,
        }
    }

    /// Owner and due of each selected remedy after the rep's first `rounds`
    /// adjustments.
    pub(super) fn adjusted(&self, rounds: usize) -> BTreeMap<String, (String, Due)> {
        let mut current: BTreeMap<String, (String, Due)> = BTreeMap::new();
        for id in self.selected_remedies().unwrap_or_default() {
            if let Some(r) = self.playbook.remedy(&id) {
                current.insert(id, (r.owner.text(self.lang), r.due.value));
            }
        }
        for round in 0..rounds.min(MAX_ADJUST_ROUNDS) {
            let Some(target) = self.answered(&PromptId::Adjust(round)) else {
                break;
            };
            let target = target.as_text();
            if target == ADJUST_DONE {
                break;
            }
            let owner = self.text(&PromptId::Owner(round));
            let due = self.text(&PromptId::Due(round)).parse::<Due>().ok();
            if let Some(entry) = current.get_mut(target) {
                if !owner.is_empty() {
                    entry.0 = owner;
                }
                if let Some(due) = due {
                    entry.1 = due;
                }
            }
        }
        current
    }
}

/// The remedies that a don't shown for these facts forbids: never proposed,
/// never pre-ticked, never in the plan beside the don't.
pub(super) fn forbidden<'p>(facts: &Facts<'p>) -> BTreeSet<&'p str> {
    facts
        .playbook
        .donts
        .iter()
        .filter(|d| d.when.as_ref().is_none_or(|w| w.eval(facts)))
        .flat_map(|d| d.forbids.iter().map(|r| r.value.as_str()))
        .collect()
}
