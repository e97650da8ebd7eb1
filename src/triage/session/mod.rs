//! The triage state machine the front ends drive: `next_prompt`, `answer`,
//! `back`, `finish`. Pure: no I/O, no clock.
//!
//! The session stores answers by prompt id plus the order they were given.
//! The sequence of prompts is recomputed from those answers every time, so
//! conditional questions, the level and the proposed remedies always agree
//! with the current answers — including after `back`.

mod flow;
mod outcome;
mod prompt;
mod views;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use super::answers::AnswerValue;
use super::history::{History, PastCase};
use super::prompt_id::PromptId;
use crate::i18n::Lang;
use crate::playbook::Playbook;

pub use flow::{ADJUST_DONE, MAX_ADJUST_ROUNDS};
pub use outcome::{Chosen, Outcome, Unfinished};
pub use prompt::{InvalidAnswer, Opt, Prompt, PromptKind, Stage};
pub use views::{Grievances, Proposal};

/// The state of one triage: the answers by prompt id and the order they were
/// given. Everything else is derived from them (`flow`, `views`, `outcome`).
pub struct Session<'p> {
    playbook: &'p Playbook,
    /// The language prompts and the outcome are worded in; answers never depend on it.
    lang: Lang,
    /// Every answer given, including those undone by `back` (kept as defaults).
    values: HashMap<PromptId, AnswerValue>,
    /// The ids still answered, in the order given.
    history: Vec<PromptId>,
    /// The customer's earlier cases and the call time they are judged from.
    earlier: Option<(&'p dyn History, i64)>,
    /// Earlier cases already looked up, by customer (the lookup may hit a database).
    earlier_cache: RefCell<Option<(String, Vec<PastCase>)>>,
    /// The open prompt once computed: a front end asks for it, `answer`
    /// checks against it and a draft names its stage, all for one answer.
    /// Cleared by everything that changes the answers or the history.
    open: RefCell<Option<Option<Prompt>>>,
}

/// A session's exact state, for drafts: the answers in the order given, and
/// the answers undone by `back` (kept as defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub history: Vec<(PromptId, AnswerValue)>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub undone: BTreeMap<PromptId, AnswerValue>,
}

/// A snapshot that does not fit the playbook (it changed since the draft).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("answer {position} (`{id}`) no longer fits the playbook: {why}")]
pub struct StaleSnapshot {
    pub position: usize,
    pub id: PromptId,
    pub why: String,
}

impl<'p> Session<'p> {
    pub fn new(playbook: &'p Playbook) -> Self {
        Session {
            playbook,
            lang: Lang::default(),
            values: HashMap::new(),
            history: Vec::new(),
            earlier: None,
            earlier_cache: RefCell::new(None),
            open: RefCell::new(None),
        }
    }

    /// Words prompts and the outcome in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self.open = RefCell::new(None);
        self
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Lets the playbook's history rules see the customer's earlier cases,
    /// those before `now_epoch` (the call time).
    pub fn with_history(mut self, source: &'p dyn History, now_epoch: i64) -> Self {
        self.earlier = Some((source, now_epoch));
        self.open = RefCell::new(None);
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            history: self
                .history
                .iter()
                .map(|id| (id.clone(), self.values[id].clone()))
                .collect(),
            undone: self
                .values
                .iter()
                .filter(|(id, _)| !self.history.contains(id))
                .map(|(id, v)| (id.clone(), v.clone()))
                .collect(),
        }
    }

    /// Rebuilds a session by replaying a snapshot's answers, so a snapshot
    /// that no longer fits the playbook is refused, not half-applied. Each
    /// question asked takes the snapshot's next answer, or its answer from
    /// later in the snapshot: a draft saved when the same questions came in
    /// another order (`record.our_owner` moved before the owner changes)
    /// still resumes.
    pub fn restore(playbook: &'p Playbook, snapshot: &Snapshot) -> Result<Self, StaleSnapshot> {
        let mut session = Session::new(playbook);
        let mut pending: Vec<(usize, &PromptId, &AnswerValue)> = snapshot
            .history
            .iter()
            .enumerate()
            .map(|(i, (id, value))| (i + 1, id, value))
            .collect();
        while let Some(&(position, id, _)) = pending.first() {
            let stale = |position: usize, id: &PromptId, why: String| StaleSnapshot {
                position,
                id: id.clone(),
                why,
            };
            let prompt = session.next_prompt();
            let expected = prompt.as_ref().map(|p| p.id.clone());
            let found = expected
                .as_ref()
                .and_then(|e| pending.iter().position(|(_, id, _)| *id == e));
            let Some(index) = found else {
                let why = match expected {
                    Some(e) => format!("the playbook now asks `{e}` here"),
                    None => "the playbook asks nothing more".into(),
                };
                return Err(stale(position, id, why));
            };
            let (position, id, value) = pending.remove(index);
            // A draft saved when this prompt took one answer (the complaint
            // kind before it became multi-select) reads as a list of one.
            let value = match (prompt.map(|p| p.kind), value) {
                (Some(PromptKind::Multi(_)), AnswerValue::Key(key)) => {
                    AnswerValue::Keys(vec![key.clone()])
                }
                _ => value.clone(),
            };
            session
                .answer(value)
                .map_err(|e| stale(position, id, e.to_string()))?;
        }
        for (id, value) in &snapshot.undone {
            session
                .values
                .entry(id.clone())
                .or_insert_with(|| value.clone());
        }
        // Undone answers are defaults of prompts still to come.
        session.open.take();
        Ok(session)
    }

    pub fn playbook(&self) -> &'p Playbook {
        self.playbook
    }

    /// The answer given to a prompt, if it is still answered (not undone by `back`).
    pub fn answered(&self, id: &PromptId) -> Option<&AnswerValue> {
        self.history
            .iter()
            .any(|h| h == id)
            .then(|| &self.values[id])
    }

    /// A text answer, trimmed ("" when not answered).
    fn text(&self, id: &PromptId) -> String {
        self.answered(id)
            .map(|v| v.as_text().trim().to_owned())
            .unwrap_or_default()
    }

    /// The next question, or `None` when the session can finish.
    pub fn next_prompt(&self) -> Option<Prompt> {
        if let Some(open) = self.open.borrow().as_ref() {
            return open.clone();
        }
        let open = self.prompts_until_open().1;
        *self.open.borrow_mut() = Some(open.clone());
        open
    }

    /// Answers the current prompt. The value is validated first.
    pub fn answer(&mut self, value: AnswerValue) -> Result<(), InvalidAnswer> {
        let prompt = self
            .next_prompt()
            .ok_or_else(|| InvalidAnswer::Other("nothing is being asked".into()))?;
        prompt.validate(&value)?;
        self.values.insert(prompt.id.clone(), value);
        self.history.push(prompt.id);
        self.open.take();
        Ok(())
    }

    /// Undoes the last answer; it stays as the default when asked again.
    /// Returns false at the first question.
    pub fn back(&mut self) -> bool {
        self.open.take();
        self.history.pop().is_some()
    }
}
