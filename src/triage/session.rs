//! The triage state machine the front ends drive: `next_prompt`, `answer`,
//! `back`, `finish`. Pure: no I/O, no clock.
//!
//! The session stores answers by prompt id plus the order they were given.
//! The sequence of prompts is recomputed from those answers every time, so
//! conditional questions, the level and the proposed remedies always agree
//! with the current answers — including after `back`.

use std::collections::BTreeMap;

use super::answers::{Adjustment, AnswerValue, AnswersOut, RawAnswer, RemedyOut};
use super::assess::{Assessment, Walk, assess};
use super::history::{self, History, PastCase};
use crate::duration::Due;
use crate::i18n::{Labels, Lang};
use crate::playbook::vocab::{AtStake, ComplaintKind, CrisisType, Vocabulary};
use crate::playbook::{Facts, Playbook, QuestionKind, Step, Suggest};
use std::cell::RefCell;

/// The stages a rep walks through: the case, then the three SOP steps, then
/// the complaint record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Case,
    Assess,
    Grievance,
    Remedies,
    Record,
}

impl Stage {
    pub fn title(self, lang: Lang) -> &'static str {
        let l = lang.labels();
        match self {
            Stage::Case => l.stage_case,
            Stage::Assess => l.stage_assess,
            Stage::Grievance => l.stage_grievance,
            Stage::Remedies => l.stage_remedies,
            Stage::Record => l.stage_record,
        }
    }
    pub fn step(self) -> Option<Step> {
        match self {
            Stage::Assess => Some(Step::Assess),
            Stage::Grievance => Some(Step::Grievance),
            Stage::Remedies => Some(Step::Remedies),
            Stage::Case | Stage::Record => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Text,
    YesNo,
    Choice(Vec<Opt>),
    Multi(Vec<Opt>),
    Scale {
        min: i64,
        max: i64,
        low: String,
        high: String,
    },
    /// Text that must read as a duration (`4h`).
    Duration,
}

/// One question to put to the rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub id: String,
    pub stage: Stage,
    pub title: String,
    pub help: String,
    pub kind: PromptKind,
    /// Pre-filled answer (Enter accepts it): an earlier answer after `back`,
    /// the suggested grievances, the proposed remedies.
    pub default: Option<AnswerValue>,
    /// Whether an empty text / empty selection is refused.
    pub required: bool,
}

/// Why an answer does not fit its prompt: told to the rep on a live call (in
/// their language), or in an error about an answers file (in English, its
/// `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe(Lang::En))]
pub enum InvalidAnswer {
    NonePicked,
    Required,
    /// What only an answers file can get wrong (unknown keys, wrong types).
    Other(String),
}

impl InvalidAnswer {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            InvalidAnswer::NonePicked => lang.labels().pick_at_least_one.into(),
            InvalidAnswer::Required => lang.labels().answer_required.into(),
            InvalidAnswer::Other(why) => why.clone(),
        }
    }
}

impl Prompt {
    /// Reads an answer as written in an answers file.
    pub fn parse(&self, raw: &RawAnswer) -> Result<AnswerValue, InvalidAnswer> {
        let value = match (&self.kind, raw) {
            (PromptKind::Multi(_), RawAnswer::List(keys)) => AnswerValue::Keys(keys.clone()),
            (PromptKind::Multi(_), RawAnswer::Text(key)) => AnswerValue::Keys(vec![key.clone()]),
            (PromptKind::Scale { .. }, RawAnswer::Number(n)) => AnswerValue::Number(*n),
            (PromptKind::Scale { .. }, RawAnswer::Text(t)) => t
                .trim()
                .parse()
                .map(AnswerValue::Number)
                .map_err(|_| InvalidAnswer::Other(format!("`{t}` is not a number")))?,
            (PromptKind::YesNo | PromptKind::Choice(_), RawAnswer::Text(t)) => {
                AnswerValue::Key(t.clone())
            }
            (PromptKind::YesNo | PromptKind::Choice(_), RawAnswer::Number(n)) => {
                AnswerValue::Key(n.to_string())
            }
            (PromptKind::Text | PromptKind::Duration, RawAnswer::Text(t)) => {
                AnswerValue::Text(t.clone())
            }
            (PromptKind::Text | PromptKind::Duration, RawAnswer::Number(n)) => {
                AnswerValue::Text(n.to_string())
            }
            (_, RawAnswer::List(_)) => {
                return Err(InvalidAnswer::Other(
                    "expected one answer, not a list".into(),
                ));
            }
            (PromptKind::Multi(_), RawAnswer::Number(n)) => AnswerValue::Keys(vec![n.to_string()]),
        };
        self.validate(&value)?;
        Ok(value)
    }

    /// Checks an answer against what this prompt accepts.
    pub fn validate(&self, value: &AnswerValue) -> Result<(), InvalidAnswer> {
        let keys_of = |opts: &[Opt]| opts.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        let unknown = |key: &str, keys: Vec<String>| {
            let hint = crate::playbook::load::did_you_mean(key, keys.iter().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            InvalidAnswer::Other(format!("`{key}` is not one of: {}{hint}", keys.join(", ")))
        };
        match (&self.kind, value) {
            (PromptKind::YesNo, AnswerValue::Key(k)) if k == "yes" || k == "no" => Ok(()),
            (PromptKind::YesNo, AnswerValue::Key(k)) => {
                Err(unknown(k, vec!["yes".into(), "no".into()]))
            }
            (PromptKind::Choice(opts), AnswerValue::Key(k)) => {
                if opts.iter().any(|o| &o.key == k) {
                    Ok(())
                } else {
                    Err(unknown(k, keys_of(opts)))
                }
            }
            (PromptKind::Multi(opts), AnswerValue::Keys(keys)) => {
                if let Some(bad) = keys.iter().find(|k| !opts.iter().any(|o| &o.key == *k)) {
                    return Err(unknown(bad, keys_of(opts)));
                }
                if self.required && keys.is_empty() {
                    return Err(InvalidAnswer::NonePicked);
                }
                Ok(())
            }
            (PromptKind::Scale { min, max, .. }, AnswerValue::Number(n)) => {
                if (min..=max).contains(&n) {
                    Ok(())
                } else {
                    Err(InvalidAnswer::Other(format!("{n} is outside {min}..{max}")))
                }
            }
            (PromptKind::Text, AnswerValue::Text(t)) => {
                if self.required && t.trim().is_empty() {
                    Err(InvalidAnswer::Required)
                } else {
                    Ok(())
                }
            }
            (PromptKind::Duration, AnswerValue::Text(t)) => t
                .parse::<Due>()
                .map(|_| ())
                .map_err(|e| InvalidAnswer::Other(e.to_string())),
            _ => Err(InvalidAnswer::Other(
                "this kind of answer does not fit the question".into(),
            )),
        }
    }
}

/// `finish` was called while this prompt is still open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("question `{0}` is still open")]
pub struct Unfinished(pub String);

/// The proposal of one remedy, with the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub remedy: String,
    pub rule: String,
}

/// A remedy in the final plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub remedy: String,
    pub owner: String,
    pub due: Due,
    /// `None` when the rep added it by hand.
    pub proposed_by: Option<String>,
}

/// What step 2 established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grievances {
    pub picked: Vec<String>,
    pub words: String,
    pub complaint_kind: ComplaintKind,
    pub crisis: CrisisType,
    pub at_stake: AtStake,
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
}

/// The case fields: key, title, required.
type CaseField = (&'static str, fn(&Labels) -> &'static str, bool);
const CASE_FIELDS: &[CaseField] = &[
    ("customer", |l| l.case_customer, true),
    ("contact", |l| l.case_contact, false),
    ("role", |l| l.case_role, false),
];

/// The complaint-record fields (seed 004): key, title.
type RecordField = (&'static str, fn(&Labels) -> &'static str);
pub const RECORD_FIELDS: &[RecordField] = &[
    ("remedy_sought", |l| l.record_remedy_sought),
    ("impact", |l| l.record_impact),
    ("customer_loss", |l| l.record_customer_loss),
    ("our_owner", |l| l.record_our_owner),
];

/// Edit rounds are bounded so a scripted or stuck front end cannot loop forever.
const MAX_ADJUST_ROUNDS: usize = 50;
const DONE: &str = "done";

pub struct Session<'p> {
    playbook: &'p Playbook,
    /// The language prompts and the outcome are worded in; answers never depend on it.
    lang: Lang,
    values: BTreeMap<String, AnswerValue>,
    history: Vec<String>,
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
    pub history: Vec<(String, AnswerValue)>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub undone: BTreeMap<String, AnswerValue>,
}

/// A snapshot that does not fit the playbook (it changed since the draft).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("answer {position} (`{id}`) no longer fits the playbook: {why}")]
pub struct StaleSnapshot {
    pub position: usize,
    pub id: String,
    pub why: String,
}

impl<'p> Session<'p> {
    pub fn new(playbook: &'p Playbook) -> Self {
        Session {
            playbook,
            lang: Lang::default(),
            values: BTreeMap::new(),
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

    /// The customer's earlier cases (empty without a history source).
    fn earlier_cases(&self) -> Vec<PastCase> {
        let Some((source, now)) = self.earlier else {
            return Vec::new();
        };
        let customer = self.text("case.customer");
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

    /// Rebuilds a session by replaying a snapshot's answers in order, so a
    /// snapshot that no longer fits the playbook is refused, not half-applied.
    pub fn restore(playbook: &'p Playbook, snapshot: &Snapshot) -> Result<Self, StaleSnapshot> {
        let mut session = Session::new(playbook);
        for (position, (id, value)) in snapshot.history.iter().enumerate() {
            let stale = |why: String| StaleSnapshot {
                position: position + 1,
                id: id.clone(),
                why,
            };
            let expected = session.next_prompt().map(|p| p.id);
            if expected.as_deref() != Some(id.as_str()) {
                let why = match expected {
                    Some(e) => format!("the playbook now asks `{e}` here"),
                    None => "the playbook asks nothing more".into(),
                };
                return Err(stale(why));
            }
            session
                .answer(value.clone())
                .map_err(|e| stale(e.to_string()))?;
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
    pub fn answered(&self, id: &str) -> Option<&AnswerValue> {
        self.history
            .iter()
            .any(|h| h == id)
            .then(|| &self.values[id])
    }

    fn text(&self, id: &str) -> String {
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

    /// Step 1's outcome, once every visible step-1 question is answered.
    pub fn assessment(&self) -> Option<Assessment> {
        let earlier = self.earlier_cases();
        let now = self.earlier.map_or(0, |(_, now)| now);
        let matched = history::matches(self.playbook, &earlier, now);
        assess(
            self.playbook,
            |id| self.answered(&format!("assess.{id}")).cloned(),
            &matched,
        )
    }

    /// The answer to a choice prompt as its key ("" when not answered).
    fn answered_key(&self, id: &str) -> String {
        self.answered(id)
            .and_then(AnswerValue::as_key)
            .unwrap_or_default()
    }

    fn grievances(&self) -> Option<Grievances> {
        let picked = match self.answered("grievance.picked")? {
            AnswerValue::Keys(keys) => keys.clone(),
            _ => return None,
        };
        let key = |id: &str| self.answered_key(id);
        Some(Grievances {
            picked,
            words: self.text("grievance.words"),
            complaint_kind: ComplaintKind::from_key(&key("grievance.kind"))?,
            crisis: CrisisType::from_key(&key("grievance.crisis"))?,
            at_stake: AtStake::from_key(&key("grievance.at_stake"))?,
        })
    }

    fn facts<'a>(&'a self, a: &'a Assessment, g: Option<&'a Grievances>) -> Facts<'a> {
        Facts {
            playbook: self.playbook,
            answers: &a.answers,
            scores: &a.scores,
            flags: &a.flags,
            level: Some(a.level),
            authority: Some(a.authority),
            grievances: g.map_or(&[], |g| g.picked.as_slice()),
            complaint_kind: g.map(|g| g.complaint_kind),
            crisis: g.map(|g| g.crisis),
            at_stake: g.map(|g| g.at_stake),
        }
    }

    /// Remedies the playbook proposes for the current answers (after step 2).
    pub fn proposals(&self) -> Option<Vec<Proposal>> {
        Some(self.proposals_for(&self.assessment()?, &self.grievances()?))
    }

    fn proposals_for(&self, a: &Assessment, g: &Grievances) -> Vec<Proposal> {
        let facts = self.facts(a, Some(g));
        self.playbook
            .remedies
            .catalogue
            .iter()
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
    fn suggested_grievances(&self, a: &Assessment) -> Vec<String> {
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
                    self.answered(&format!("assess.{id}")).cloned()
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

    fn selected_remedies(&self) -> Option<Vec<String>> {
        match self.answered("remedies.selected")? {
            AnswerValue::Keys(keys) => Some(keys.clone()),
            _ => None,
        }
    }

    /// Owner and due of each selected remedy after the rep's first `rounds`
    /// adjustments.
    fn adjusted(&self, rounds: usize) -> BTreeMap<String, (String, Due)> {
        let mut current: BTreeMap<String, (String, Due)> = BTreeMap::new();
        for id in self.selected_remedies().unwrap_or_default() {
            if let Some(r) = self.playbook.remedy(&id) {
                current.insert(id, (r.owner.text(self.lang), r.due.value));
            }
        }
        for round in 0..rounds.min(MAX_ADJUST_ROUNDS) {
            let Some(target) = self.answered(&format!("remedies.adjust.{round}")) else {
                break;
            };
            let target = target.as_text();
            if target == DONE {
                break;
            }
            let owner = self.text(&format!("remedies.owner.{round}"));
            let due = self
                .text(&format!("remedies.due.{round}"))
                .parse::<Due>()
                .ok();
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

    /// Walks every prompt in order; returns the answered ones and the first
    /// open one. All the dynamic parts (conditional questions, defaults,
    /// the edit loop) are decided here.
    fn prompts_until_open(&self) -> (Vec<Prompt>, Option<Prompt>) {
        let mut done = Vec::new();
        macro_rules! offer {
            ($prompt:expr) => {{
                let prompt: Prompt = $prompt;
                if self.answered(&prompt.id).is_none() {
                    return (done, Some(prompt));
                }
                done.push(prompt);
            }};
        }
        let pb = self.playbook;
        let (lang, l) = (self.lang, self.lang.labels());

        for (key, title, required) in CASE_FIELDS {
            offer!(self.prompt(
                format!("case.{key}"),
                Stage::Case,
                title(l),
                "",
                PromptKind::Text,
                None,
                *required
            ));
        }

        let walk = Walk::new(pb, |id| self.answered(&format!("assess.{id}")).cloned());
        for question in &pb.assess.questions {
            let is_pending = walk.pending.is_some_and(|p| std::ptr::eq(p, question));
            if is_pending || walk.answers.contains_key(&question.id.value) {
                offer!(self.question_prompt(question));
            }
        }

        let options = pb
            .grievance
            .catalogue
            .iter()
            .map(|g| Opt {
                key: g.id.value.clone(),
                label: g.label.text(lang),
            })
            .collect();
        // Step 1 is complete here (an open question returned above): judge it once
        // for every suggestion and proposal below.
        let Some(assessment) = self.assessment() else {
            return (done, None);
        };
        let suggested = self.suggested_grievances(&assessment);
        let suggested = (!suggested.is_empty()).then_some(AnswerValue::Keys(suggested));
        offer!(self.prompt(
            "grievance.picked".into(),
            Stage::Grievance,
            l.grievance_picked,
            "",
            PromptKind::Multi(options),
            suggested,
            true,
        ));
        offer!(self.prompt(
            "grievance.words".into(),
            Stage::Grievance,
            l.grievance_words,
            l.grievance_words_help,
            PromptKind::Text,
            None,
            false,
        ));
        let classify = &pb.grievance.classify;
        offer!(
            self.vocab_prompt(
                "grievance.kind",
                l.grievance_kind,
                l.grievance_kind_help,
                self.suggested(&assessment, &classify.kind)
                    .unwrap_or(ComplaintKind::Unclear),
            )
        );
        offer!(
            self.vocab_prompt(
                "grievance.crisis",
                l.grievance_crisis,
                l.grievance_crisis_help,
                self.suggested(&assessment, &classify.crisis)
                    .unwrap_or(CrisisType::None),
            )
        );
        offer!(
            self.vocab_prompt(
                "grievance.at_stake",
                l.grievance_at_stake,
                l.grievance_at_stake_help,
                self.suggested(&assessment, &classify.at_stake)
                    .unwrap_or(AtStake::Neither),
            )
        );

        let proposals = self
            .grievances()
            .map(|g| self.proposals_for(&assessment, &g))
            .unwrap_or_default();
        let options = pb
            .remedies
            .catalogue
            .iter()
            .map(|r| {
                let mark = if proposals.iter().any(|p| p.remedy == r.id.value) {
                    l.proposed
                } else {
                    l.optional
                };
                Opt {
                    key: r.id.value.clone(),
                    label: (l.remedy_option)(
                        r.label.get(lang),
                        &r.kind.value,
                        mark,
                        r.owner.get(lang),
                        &r.due.value.to_string(),
                    ),
                }
            })
            .collect();
        let proposed = AnswerValue::Keys(proposals.iter().map(|p| p.remedy.clone()).collect());
        offer!(self.prompt(
            "remedies.selected".into(),
            Stage::Remedies,
            l.remedies_selected,
            "",
            PromptKind::Multi(options),
            Some(proposed),
            false,
        ));

        let selected = self.selected_remedies().unwrap_or_default();
        for round in 0..MAX_ADJUST_ROUNDS {
            let adjusted = self.adjusted(round);
            let mut options = vec![Opt {
                key: DONE.into(),
                label: l.adjust_done.into(),
            }];
            options.extend(selected.iter().filter_map(|id| {
                let (owner, due) = adjusted.get(id)?;
                Some(Opt {
                    key: id.clone(),
                    label: (l.adjust_change)(id, owner, &due.to_string()),
                })
            }));
            let id = format!("remedies.adjust.{round}");
            offer!(self.prompt(
                id.clone(),
                Stage::Remedies,
                l.adjust,
                "",
                PromptKind::Choice(options),
                Some(AnswerValue::Key(DONE.into())),
                false
            ));
            let target = self.text(&id);
            if target == DONE {
                break;
            }
            let (owner, due) = adjusted.get(&target).cloned().unwrap_or_default();
            offer!(self.prompt(
                format!("remedies.owner.{round}"),
                Stage::Remedies,
                &(l.owner_of)(&target),
                l.owner_help,
                PromptKind::Text,
                Some(AnswerValue::Text(owner)),
                true
            ));
            offer!(self.prompt(
                format!("remedies.due.{round}"),
                Stage::Remedies,
                &(l.due_for)(&target),
                l.due_help,
                PromptKind::Duration,
                Some(AnswerValue::Text(due.to_string())),
                true
            ));
        }

        for (key, title) in RECORD_FIELDS {
            offer!(self.prompt(
                format!("record.{key}"),
                Stage::Record,
                title(l),
                l.record_help,
                PromptKind::Text,
                None,
                false
            ));
        }
        (done, None)
    }

    /// The playbook's suggestion for a classification, from step 1 and the
    /// grievances picked.
    fn suggested<V: Vocabulary>(&self, assessment: &Assessment, rules: &[Suggest<V>]) -> Option<V> {
        let picked = match self.answered("grievance.picked") {
            Some(AnswerValue::Keys(keys)) => keys.clone(),
            _ => Vec::new(),
        };
        let mut facts = self.facts(assessment, None);
        facts.grievances = &picked;
        // Classifications answered just before count (crisis informs what is at stake).
        facts.complaint_kind = ComplaintKind::from_key(&self.answered_key("grievance.kind"));
        facts.crisis = CrisisType::from_key(&self.answered_key("grievance.crisis"));
        rules
            .iter()
            .find(|r| r.when.eval(&facts))
            .map(|r| r.suggest)
    }

    /// A step-2 classification from the shared vocabulary, `default` pre-selected.
    fn vocab_prompt<V: Vocabulary>(&self, id: &str, title: &str, help: &str, default: V) -> Prompt {
        let options = V::ALL
            .iter()
            .map(|v| Opt {
                key: v.key().into(),
                label: v.label(self.lang).into(),
            })
            .collect();
        let default = Some(AnswerValue::Key(default.key().into()));
        self.prompt(
            id.into(),
            Stage::Grievance,
            title,
            help,
            PromptKind::Choice(options),
            default,
            false,
        )
    }

    fn question_prompt(&self, question: &crate::playbook::Question) -> Prompt {
        let kind = match question.kind.value {
            QuestionKind::YesNo => PromptKind::YesNo,
            QuestionKind::Choice => PromptKind::Choice(question_options(question, self.lang)),
            QuestionKind::Multi => PromptKind::Multi(question_options(question, self.lang)),
            QuestionKind::Scale => {
                let (min, max) = question.scale_range();
                let s = question.scale.as_ref();
                PromptKind::Scale {
                    min,
                    max,
                    low: s.map(|s| s.low_label.text(self.lang)).unwrap_or_default(),
                    high: s.map(|s| s.high_label.text(self.lang)).unwrap_or_default(),
                }
            }
            QuestionKind::Text => PromptKind::Text,
        };
        let id = format!("assess.{}", question.id.value);
        let default = question.default.as_ref().map(|d| {
            let key = d.value.0.clone();
            match question.kind.value {
                QuestionKind::Scale => key
                    .parse()
                    .map_or(AnswerValue::Key(key), AnswerValue::Number),
                QuestionKind::Multi => AnswerValue::Keys(vec![key]),
                QuestionKind::Text => AnswerValue::Text(key),
                QuestionKind::YesNo | QuestionKind::Choice => AnswerValue::Key(key),
            }
        });
        self.prompt(
            id,
            Stage::Assess,
            question.prompt.get(self.lang),
            question.help.get(self.lang),
            kind,
            default,
            false,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn prompt(
        &self,
        id: String,
        stage: Stage,
        title: &str,
        help: &str,
        kind: PromptKind,
        default: Option<AnswerValue>,
        required: bool,
    ) -> Prompt {
        // An answer undone by `back` is the best default: the rep only
        // changes what was wrong.
        let default = self.values.get(&id).cloned().or(default);
        Prompt {
            id,
            stage,
            title: title.to_owned(),
            help: help.to_owned(),
            kind,
            default,
            required,
        }
    }

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
        let remedies = self
            .selected_remedies()
            .unwrap_or_default()
            .into_iter()
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
        let record = RECORD_FIELDS
            .iter()
            .map(|(k, _)| (*k, self.text(&format!("record.{k}"))))
            .collect();
        Ok(Outcome {
            lang: self.lang,
            customer: self.text("case.customer"),
            contact: self.text("case.contact"),
            role: self.text("case.role"),
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
            let value = self.values[&prompt.id].clone();
            let (section, key) = prompt.id.split_once('.').unwrap_or(("", &prompt.id));
            let key = key.to_owned();
            match section {
                "case" => out.case.0.push((key, value)),
                "assess" => out.assess.0.push((key, value)),
                "grievance" => out.grievance.0.push((key, value)),
                "record" => out.record.0.push((key, value)),
                _ if prompt.id == "remedies.selected" => {
                    if let AnswerValue::Keys(keys) = value {
                        out.remedies = RemedyOut {
                            selected: Some(keys),
                            adjust: BTreeMap::new(),
                        };
                    }
                }
                _ => {}
            }
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

fn question_options(question: &crate::playbook::Question, lang: Lang) -> Vec<Opt> {
    question
        .options
        .iter()
        .map(|o| Opt {
            key: o.key.value.clone(),
            label: o.label.text(lang),
        })
        .collect()
}
