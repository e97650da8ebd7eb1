//! The playbook as written by a team lead: plain data, deserialized from YAML.
//!
//! Every identifier that other parts of the playbook refer to is wrapped in
//! [`Spanned`] so that validation (and later `defuse lint`) can point at the
//! exact line and column. Unknown fields are rejected everywhere.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::condition::{Condition, Key};
use super::field::FieldDef;
use super::localized::Localized;
use super::vocab::{AtStake, ComplaintKind, CrisisType, Vocabulary};
use super::wording::Wording;
use crate::duration::Due;
use crate::hours::WorkingHours;
use crate::i18n::Lang;

/// A complete playbook: metadata and the three steps of the SOP.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// The playbook's id: lowercase letters, digits and dashes, e.g.
    /// `scope-dispute`; `defuse triage --playbook ID` picks it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The name the rep sees when picking a playbook.
    pub title: Localized,
    /// Your own version, e.g. `"1.2"`; stored with every case, so raise it
    /// when the advice changes.
    pub version: String,
    /// When to use this playbook, in a sentence or two.
    #[serde(default)]
    pub description: Localized,
    /// Words to find the playbook by, e.g. `[outage, sla]`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Your own fields of a case, asked in every call and kept with it: an
    /// order id, an invoice number. Templates fill them (`{{field.order_id}}`).
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Named numeric scores that answers move (at least `severity` and `authority`).
    pub scores: Vec<Named>,
    /// Named flags that answers raise (e.g. `breach_risk`).
    pub flags: Vec<Named>,
    /// Step 1: the questions that judge severity and authority.
    pub assess: Assess,
    /// Severity levels, lowest first. The first is the baseline and has no `when`.
    pub levels: Vec<Level>,
    /// Authority judgements, lowest first (venting … decision-maker).
    pub authority: Vec<Rung>,
    /// Step 2: the real grievances behind the anger.
    pub grievance: GrievanceStep,
    /// Step 3: the remedies that give both sides a way to step down.
    pub remedies: RemedyStep,
    /// Contacts after the call: a thank-you within a day, a value-adding
    /// call after a few days, re-confirming what was promised in the heat.
    #[serde(default)]
    pub followups: Vec<Followup>,
    /// Short warnings shown at a step ("don't explain yet").
    #[serde(default)]
    pub donts: Vec<Dont>,
    /// Accumulated risk: rules over this customer's earlier cases.
    #[serde(default)]
    pub history: Vec<HistoryRule>,
    /// The team's working hours: due times then count working time (a rep's
    /// config file may set its own). Without them, due times are wall-clock.
    pub working_hours: Option<WorkingHours>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// An identifier with a human label, used for scores and flags.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Named {
    /// What conditions and answers call it, e.g. `severity`, `real_loss`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rep and the plan call it.
    pub label: Localized,
    #[serde(default)]
    pub description: Localized,
}

/// Step 1: judge severity and authority.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assess {
    /// Shown under the step header, e.g. "the more urgent they are, the slower you go".
    #[serde(default)]
    pub guidance: Localized,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    YesNo,
    Choice,
    Multi,
    Scale,
    Text,
}

/// One step-1 question. Which fields apply depends on `kind`:
/// `yes`/`no` for yes_no, `options` for choice and multi, `scale` for scale.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The key the answers file uses, and conditions test (`{answer: {question: ID, is: KEY}}`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// `yes_no`, `choice` (one option), `multi` (several), `scale` (a number) or `text`.
    #[schemars(with = "QuestionKind")]
    pub kind: Spanned<QuestionKind>,
    /// The question as the rep reads it.
    pub prompt: Localized,
    /// A hint shown under the question.
    #[serde(default)]
    pub help: Localized,
    /// Ask only when this holds over the answers given so far.
    pub when: Option<Condition>,
    /// The answer pre-selected (Enter accepts it): a key, or a number for scales.
    #[schemars(with = "Option<Key>")]
    pub default: Option<Spanned<Key>>,
    /// For `yes_no`: what "yes" does to scores and flags.
    pub yes: Option<Effects>,
    /// For `yes_no`: what "no" does to scores and flags.
    pub no: Option<Effects>,
    /// For `choice` and `multi`: the options, in the order shown.
    #[serde(default)]
    pub options: Vec<Choice>,
    /// For `scale`: the range, its end labels and what each point does.
    pub scale: Option<Scale>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// What an answer does to the assessment.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Effects {
    /// Score deltas, e.g. `{severity: 2}`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, i64>")]
    pub scores: BTreeMap<String, Spanned<i64>>,
    /// Flags raised.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The answer key, e.g. `partly`; what the answers file and conditions use.
    #[schemars(with = "String")]
    pub key: Spanned<String>,
    /// The option as the rep reads it.
    pub label: Localized,
    /// "Not sure": the level and the authority are then each judged as if
    /// the worst concrete option had been picked ("if unsure, take the
    /// higher"). On a multi question, the concrete options are each tried
    /// beside the other picks.
    #[serde(default)]
    pub unsure: bool,
    /// For an `unsure` option: the concrete answers the guard may assume
    /// (all of them when empty), e.g. "not sure it is public" assumes
    /// "public", not "it reached their customers".
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub assume: Vec<Spanned<String>>,
    /// Score deltas when this option is picked, e.g. `{severity: 2}`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, i64>")]
    pub scores: BTreeMap<String, Spanned<i64>>,
    /// Flags raised when this option is picked.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The lowest answer (1 if not given).
    #[serde(default = "Scale::default_min")]
    pub min: i64,
    /// The highest answer (5 if not given).
    #[serde(default = "Scale::default_max")]
    pub max: i64,
    /// What the lowest answer means, e.g. "calm".
    #[serde(default)]
    pub low_label: Localized,
    /// What the highest answer means, e.g. "shouting".
    #[serde(default)]
    pub high_label: Localized,
    /// Each point of the answer adds this much to the named score.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, i64>")]
    pub per_point: BTreeMap<String, Spanned<i64>>,
    /// Flags raised when the answer reaches a threshold.
    #[serde(default)]
    pub flags_at: Vec<Threshold>,
}

impl Scale {
    fn default_min() -> i64 {
        1
    }
    fn default_max() -> i64 {
        5
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// The answer from which the flags are raised.
    pub at_least: i64,
    /// The flags raised.
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
}

/// A severity level with the response force it calls for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The level's id, e.g. `fire`; conditions test it with `level_at_least`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rep and the plan call it.
    pub label: Localized,
    /// What this level means; variants with `when:` so it holds for every
    /// path that reaches the level.
    pub definition: Wording,
    /// How hard to respond at this level ("fully armoured", or not).
    pub response_force: Wording,
    /// The level applies when this holds; the highest level that holds wins.
    pub when: Option<Condition>,
    /// Remedies this level's response force rules out, by remedy id or kind
    /// (`[compensation, escalation]` for "no concessions, no escalation"):
    /// never proposed at this level, whatever their `when` says; the rep may
    /// still add one by hand.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub forbids: Vec<Spanned<String>>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// An authority judgement ("decision-maker", "venting", …).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// The judgement's id, e.g. `decision_maker`; conditions test it with `authority_at_least`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rep and the plan call it.
    pub label: Localized,
    /// What this judgement means.
    pub definition: Wording,
    /// What this judgement means for how the rep responds.
    pub stance: Wording,
    /// The judgement applies when this holds; the highest that holds wins.
    pub when: Option<Condition>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// Step 2: the real grievance.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrievanceStep {
    /// Shown first at step 2, e.g. "let them finish — don't explain yet".
    pub guidance: Localized,
    /// The grievances the rep may pick, most common first.
    pub catalogue: Vec<Grievance>,
    /// The complaint kinds offered at step 2, in this playbook's words
    /// (an invoice dispute has no "old bug"). Each `means` one of the shared
    /// kinds, which conditions, suggestions and the archive use, so cases stay
    /// comparable across playbooks. Empty: the shared list.
    #[serde(default)]
    pub kinds: Vec<KindOption>,
    /// Suggested answers for the complaint-record classification.
    #[serde(default)]
    pub classify: Classify,
}

/// One complaint kind of a playbook's own vocabulary.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindOption {
    /// The answer key, e.g. `billing_error`.
    #[schemars(with = "String")]
    pub key: Spanned<String>,
    /// The kind as the rep reads it.
    pub label: Localized,
    /// The shared kind it stands for.
    #[schemars(with = "ComplaintKind")]
    pub means: Spanned<ComplaintKind>,
}

impl GrievanceStep {
    /// The complaint kind an answer key stands for: the playbook's own
    /// option's meaning, else the shared kind of that key.
    pub fn kind_of(&self, key: &str) -> Option<ComplaintKind> {
        match self.kinds.iter().find(|k| k.key.value == key) {
            Some(option) => Some(option.means.value),
            None if self.kinds.is_empty() => ComplaintKind::from_key(key),
            None => None,
        }
    }

    /// A picked kind's label: the playbook's own word, else the shared one.
    pub fn kind_label(&self, key: &str, lang: Lang) -> String {
        match self.kinds.iter().find(|k| k.key.value == key) {
            Some(own) => own.label.text(lang),
            None => ComplaintKind::from_key(key)
                .map_or_else(|| key.to_owned(), |k| k.label(lang).to_owned()),
        }
    }

    /// The key offered for a shared kind: the first own option meaning it.
    pub fn kind_key(&self, kind: ComplaintKind) -> Option<&str> {
        if self.kinds.is_empty() {
            return Some(kind.key());
        }
        let option = self.kinds.iter().find(|k| k.means.value == kind)?;
        Some(&option.key.value)
    }
}

/// Rules that pre-select the step-2 classification; the first rule whose
/// `when` holds wins, otherwise "unclear" / "none" / "neither".
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Classify {
    /// Rules suggesting the complaint kind.
    #[serde(default)]
    pub kind: Vec<Suggest<ComplaintKind>>,
    /// Rules suggesting the crisis type.
    #[serde(default)]
    pub crisis: Vec<Suggest<CrisisType>>,
    /// Rules suggesting what is at stake (confidence or trust).
    #[serde(default)]
    pub at_stake: Vec<Suggest<AtStake>>,
}

impl Classify {
    /// Every rule's condition, for validation.
    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        let kind = self.kind.iter().map(|s| &s.when);
        kind.chain(self.crisis.iter().map(|s| &s.when))
            .chain(self.at_stake.iter().map(|s| &s.when))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suggest<T> {
    /// The rule applies when this holds.
    pub when: Condition,
    /// The answer pre-selected.
    #[schemars(with = "T")]
    pub suggest: Spanned<T>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grievance {
    /// The grievance's id, e.g. `not_valued`; conditions test it with `grievance`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rep and the plan call it.
    pub label: Localized,
    /// What lies behind it.
    #[serde(default)]
    pub description: Localized,
    /// What the customer says when this is the real grievance.
    #[serde(default)]
    pub cues: Vec<Localized>,
    /// Questions the rep can ask to confirm it.
    #[serde(default)]
    pub probes: Vec<Localized>,
    /// What to do when it is the real grievance.
    #[serde(default)]
    pub guidance: Localized,
    /// Pre-select this grievance when the assessment suggests it.
    pub suggest_when: Option<Condition>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// Step 3: the remedy catalogue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedyStep {
    /// Shown first at step 3.
    #[serde(default)]
    pub guidance: Localized,
    /// Remedy kinds beyond the built-in ones (fact_explanation, escalation,
    /// compensation, pr_statement, de_escalation, fix).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kinds: Vec<Spanned<String>>,
    /// The remedies the playbook may propose.
    pub catalogue: Vec<Remedy>,
}

/// The remedy kinds every playbook may use without declaring them.
pub const BUILTIN_REMEDY_KINDS: &[&str] = &[
    "fact_explanation",
    "escalation",
    "compensation",
    "pr_statement",
    "de_escalation",
    "fix",
];

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remedy {
    /// The remedy's id, e.g. `boss_apology`; `forbids:` and scenario tests name it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What sort of remedy it is: a built-in kind (fact_explanation, escalation,
    /// compensation, pr_statement, de_escalation, fix) or one listed in `remedies.kinds`.
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    /// What the rep and the plan call it.
    pub label: Localized,
    /// What to do, as the plan states it.
    pub action: Wording,
    /// The role that owns the action, e.g. "Account director".
    pub owner: Localized,
    /// Due after the call, e.g. `2h`, `24h`, `3d`.
    #[schemars(with = "Due")]
    pub due: Spanned<Due>,
    /// Count `due` in clock time even when working hours apply (e.g. a
    /// public statement within 4 hours, whatever the hour).
    #[serde(default)]
    pub clock: bool,
    /// Why the playbook proposes it; printed in the plan next to the rule.
    #[serde(default)]
    pub why: Wording,
    /// Each point is shown when its `when:` (if any) holds.
    #[serde(default)]
    pub talking_points: Vec<Wording>,
    /// A draft (a letter, a statement) with `{{placeholder}}`s filled from
    /// the case, e.g. `{{customer}}`, `{{owner}}`, `{{due}}`; see
    /// docs/playbook-guide.md for the full list.
    pub template: Option<Wording>,
    /// Propose this remedy when the condition holds; never proposed without one.
    pub when: Option<Condition>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Followup {
    /// The follow-up's id, e.g. `thank_you`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// How long after the call, e.g. `24h`, `4d`, `90d`.
    #[schemars(with = "Due")]
    pub after: Spanned<Due>,
    /// Count `after` in clock time even when working hours apply.
    #[serde(default)]
    pub clock: bool,
    /// What to do.
    pub action: Wording,
    /// The role that owns it.
    pub owner: Localized,
    /// Why the playbook schedules it.
    #[serde(default)]
    pub why: Wording,
    /// Schedule it only when this holds; always when absent.
    pub when: Option<Condition>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Assess,
    Grievance,
    Remedies,
}

impl Step {
    pub fn number(self) -> u8 {
        match self {
            Step::Assess => 1,
            Step::Grievance => 2,
            Step::Remedies => 3,
        }
    }
}

/// A short warning shown at a step ("don't promise a time").
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dont {
    /// The step it is shown at: `assess`, `grievance` or `remedies`.
    pub step: Step,
    /// The warning, e.g. "Don't promise a fix date yet".
    pub text: Localized,
    /// Show it only when this holds; always when absent.
    pub when: Option<Condition>,
    /// Remedies this don't rules out: while it is shown, they are never
    /// proposed, pre-ticked or put in the plan (`forbids: [manager_call]`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub forbids: Vec<Spanned<String>>,
}

impl Question {
    /// The answer keys this question accepts, in order (for choices and yes/no).
    pub fn keys(&self) -> Vec<&str> {
        match self.kind.value {
            QuestionKind::YesNo => vec!["yes", "no"],
            QuestionKind::Choice | QuestionKind::Multi => {
                self.options.iter().map(|o| o.key.value.as_str()).collect()
            }
            QuestionKind::Scale | QuestionKind::Text => Vec::new(),
        }
    }

    pub fn option(&self, key: &str) -> Option<&Choice> {
        self.options.iter().find(|o| o.key.value == key)
    }

    pub fn scale_range(&self) -> (i64, i64) {
        self.scale.as_ref().map_or((1, 5), |s| (s.min, s.max))
    }
}

impl Playbook {
    /// A field of the playbook's own, by id.
    pub fn field(&self, id: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.id.value == id)
    }
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.assess.questions.iter().find(|q| q.id.value == id)
    }
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id.value == id)
    }
    pub fn authority_index(&self, id: &str) -> Option<usize> {
        self.authority.iter().position(|l| l.id.value == id)
    }
    pub fn grievance(&self, id: &str) -> Option<&Grievance> {
        self.grievance.catalogue.iter().find(|g| g.id.value == id)
    }
    pub fn remedy(&self, id: &str) -> Option<&Remedy> {
        self.remedies.catalogue.iter().find(|r| r.id.value == id)
    }
    /// Whether the level at `level` rules out this remedy (by id or kind).
    pub fn level_forbids(&self, level: usize, remedy: &Remedy) -> bool {
        self.levels.get(level).is_some_and(|l| {
            l.forbids
                .iter()
                .any(|f| f.value == remedy.id.value || f.value == remedy.kind.value)
        })
    }
}

/// "2 or more cases in 90 days raise the level by one": a rule over the
/// customer's earlier cases in the archive (rehearsals never count).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryRule {
    /// The rule's id, e.g. `repeat_customer`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Earlier cases within this long before the call count, e.g. `90d`.
    #[schemars(with = "Due")]
    pub within: Spanned<Due>,
    /// How many such cases it takes.
    #[serde(default = "HistoryRule::one")]
    pub at_least: usize,
    /// Count only earlier cases of this crisis type.
    pub crisis: Option<CrisisType>,
    /// Count only earlier cases with this grievance.
    #[schemars(with = "Option<String>")]
    pub grievance: Option<Spanned<String>>,
    /// Levels to raise the judged level by (never past the top).
    #[serde(default)]
    pub raise_level: usize,
    /// Flags to raise, for conditions anywhere in the playbook.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
    /// Why it matters, printed with the level's reasons.
    #[serde(default)]
    pub why: Localized,
}

impl HistoryRule {
    fn one() -> usize {
        1
    }
}
