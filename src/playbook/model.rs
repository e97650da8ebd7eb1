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
use super::vocab::{AtStake, ComplaintKind, CrisisType};
use crate::duration::Due;

/// A complete playbook: metadata and the three steps of the SOP.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Named numeric scores that answers move (at least `severity` and `authority`).
    pub scores: Vec<Named>,
    /// Named flags that answers raise (e.g. `breach_risk`).
    pub flags: Vec<Named>,
    pub assess: Assess,
    /// Severity levels, lowest first. The first is the baseline and has no `when`.
    pub levels: Vec<Level>,
    /// Authority judgements, lowest first (venting … decision-maker).
    pub authority: Vec<Rung>,
    pub grievance: GrievanceStep,
    pub remedies: RemedyStep,
    #[serde(default)]
    pub followups: Vec<Followup>,
    #[serde(default)]
    pub donts: Vec<Dont>,
    /// Accumulated risk: rules over this customer's earlier cases.
    #[serde(default)]
    pub history: Vec<HistoryRule>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// An identifier with a human label, used for scores and flags.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Named {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// Step 1: judge severity and authority.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assess {
    /// Shown under the step header, e.g. "the more urgent they are, the slower you go".
    #[serde(default)]
    pub guidance: String,
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
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "QuestionKind")]
    pub kind: Spanned<QuestionKind>,
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    /// Ask only when this holds over the answers given so far.
    pub when: Option<Condition>,
    /// The answer pre-selected (Enter accepts it): a key, or a number for scales.
    #[schemars(with = "Option<Key>")]
    pub default: Option<Spanned<Key>>,
    pub yes: Option<Effects>,
    pub no: Option<Effects>,
    #[serde(default)]
    pub options: Vec<Choice>,
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
    #[schemars(with = "String")]
    pub key: Spanned<String>,
    pub label: String,
    /// "Not sure": the level is then judged as if the worst concrete option
    /// had been picked ("if unsure, take the higher level").
    #[serde(default)]
    pub unsure: bool,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, i64>")]
    pub scores: BTreeMap<String, Spanned<i64>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    #[serde(default = "Scale::default_min")]
    pub min: i64,
    #[serde(default = "Scale::default_max")]
    pub max: i64,
    #[serde(default)]
    pub low_label: String,
    #[serde(default)]
    pub high_label: String,
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
    pub at_least: i64,
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
}

/// A severity level with the response force it calls for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub label: String,
    pub definition: String,
    pub response_force: String,
    pub when: Option<Condition>,
    /// Lint rules not to report for this node, e.g. `[level-without-remedy]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub allow: Vec<Spanned<String>>,
}

/// An authority judgement ("decision-maker", "venting", …).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub label: String,
    pub definition: String,
    /// What this judgement means for how the rep responds.
    pub stance: String,
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
    pub guidance: String,
    pub catalogue: Vec<Grievance>,
    /// Suggested answers for the complaint-record classification.
    #[serde(default)]
    pub classify: Classify,
}

/// Rules that pre-select the step-2 classification; the first rule whose
/// `when` holds wins, otherwise "unclear" / "none" / "neither".
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Classify {
    #[serde(default)]
    pub kind: Vec<Suggest<ComplaintKind>>,
    #[serde(default)]
    pub crisis: Vec<Suggest<CrisisType>>,
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
    pub when: Condition,
    pub suggest: T,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grievance {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// What the customer says when this is the real grievance.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Questions the rep can ask to confirm it.
    #[serde(default)]
    pub probes: Vec<String>,
    #[serde(default)]
    pub guidance: String,
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
    #[serde(default)]
    pub guidance: String,
    /// Remedy kinds beyond the built-in ones (see [`BUILTIN_REMEDY_KINDS`]).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kinds: Vec<Spanned<String>>,
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
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    pub label: String,
    pub action: String,
    /// The role that owns the action, e.g. "Account director".
    pub owner: String,
    /// Due after the call, e.g. `2h`, `24h`, `3d`.
    #[schemars(with = "Due")]
    pub due: Spanned<Due>,
    /// Why the playbook proposes it; printed in the plan next to the rule.
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub talking_points: Vec<String>,
    /// A draft with `{{placeholder}}`s filled from the case (see `plan::template`).
    #[schemars(with = "Option<String>")]
    pub template: Option<Spanned<String>>,
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
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "Due")]
    pub after: Spanned<Due>,
    pub action: String,
    pub owner: String,
    #[serde(default)]
    pub why: String,
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
    pub step: Step,
    pub text: String,
    pub when: Option<Condition>,
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
}

/// "2 or more cases in 90 days raise the level by one": a rule over the
/// customer's earlier cases in the archive (rehearsals never count).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryRule {
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
    #[serde(default)]
    pub why: String,
}

impl HistoryRule {
    fn one() -> usize {
        1
    }
}
