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
use super::localized::Localized;
use super::vocab::{AtStake, ComplaintKind, CrisisType};
use crate::duration::Due;
use crate::i18n::Lang;

/// A complete playbook: metadata and the three steps of the SOP.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: Localized,
    pub version: String,
    #[serde(default)]
    pub description: Localized,
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
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "QuestionKind")]
    pub kind: Spanned<QuestionKind>,
    pub prompt: Localized,
    #[serde(default)]
    pub help: Localized,
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
    pub label: Localized,
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
    pub low_label: Localized,
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
    pub label: Localized,
    pub definition: Localized,
    pub response_force: Localized,
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
    pub label: Localized,
    pub definition: Localized,
    /// What this judgement means for how the rep responds.
    pub stance: Localized,
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
    pub label: Localized,
    #[serde(default)]
    pub description: Localized,
    /// What the customer says when this is the real grievance.
    #[serde(default)]
    pub cues: Vec<Localized>,
    /// Questions the rep can ask to confirm it.
    #[serde(default)]
    pub probes: Vec<Localized>,
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
    #[serde(default)]
    pub guidance: Localized,
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
    pub label: Localized,
    pub action: Localized,
    /// The role that owns the action, e.g. "Account director".
    pub owner: Localized,
    /// Due after the call, e.g. `2h`, `24h`, `3d`.
    #[schemars(with = "Due")]
    pub due: Spanned<Due>,
    /// Why the playbook proposes it; printed in the plan next to the rule.
    #[serde(default)]
    pub why: Localized,
    #[serde(default)]
    pub talking_points: Vec<Localized>,
    /// A draft with `{{placeholder}}`s filled from the case (see `plan::template`).
    pub template: Option<Localized>,
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
    pub action: Localized,
    pub owner: Localized,
    #[serde(default)]
    pub why: Localized,
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
    pub text: Localized,
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
    pub why: Localized,
}

impl HistoryRule {
    fn one() -> usize {
        1
    }
}

/// One piece of text in a playbook, for checks over every text (translations).
pub struct TextField<'a> {
    /// Where it is, by ids: `levels.fire.label`.
    pub path: String,
    pub text: &'a Localized,
    /// The `allow:` list of the node it belongs to.
    pub allow: &'a [Spanned<String>],
}

impl Playbook {
    /// Every text field that is present, in file order.
    pub fn texts(&self) -> Vec<TextField<'_>> {
        fn add<'a>(
            out: &mut Vec<TextField<'a>>,
            path: String,
            text: &'a Localized,
            allow: &'a [Spanned<String>],
        ) {
            if text.spanned().is_some() {
                out.push(TextField { path, text, allow });
            }
        }
        let mut out = Vec::new();
        let top = self.allow.as_slice();
        let o = &mut out;
        add(o, "title".into(), &self.title, top);
        add(o, "description".into(), &self.description, top);
        for (list, items) in [("scores", &self.scores), ("flags", &self.flags)] {
            for n in items {
                let at = format!("{list}.{}", n.id.value);
                add(o, format!("{at}.label"), &n.label, top);
                add(o, format!("{at}.description"), &n.description, top);
            }
        }
        add(o, "assess.guidance".into(), &self.assess.guidance, top);
        for q in &self.assess.questions {
            let at = format!("assess.questions.{}", q.id.value);
            add(o, format!("{at}.prompt"), &q.prompt, &q.allow);
            add(o, format!("{at}.help"), &q.help, &q.allow);
            for c in &q.options {
                add(
                    o,
                    format!("{at}.options.{}.label", c.key.value),
                    &c.label,
                    &q.allow,
                );
            }
            if let Some(scale) = &q.scale {
                add(
                    o,
                    format!("{at}.scale.low_label"),
                    &scale.low_label,
                    &q.allow,
                );
                add(
                    o,
                    format!("{at}.scale.high_label"),
                    &scale.high_label,
                    &q.allow,
                );
            }
        }
        for l in &self.levels {
            let at = format!("levels.{}", l.id.value);
            add(o, format!("{at}.label"), &l.label, &l.allow);
            add(o, format!("{at}.definition"), &l.definition, &l.allow);
            add(
                o,
                format!("{at}.response_force"),
                &l.response_force,
                &l.allow,
            );
        }
        for r in &self.authority {
            let at = format!("authority.{}", r.id.value);
            add(o, format!("{at}.label"), &r.label, &r.allow);
            add(o, format!("{at}.definition"), &r.definition, &r.allow);
            add(o, format!("{at}.stance"), &r.stance, &r.allow);
        }
        add(
            o,
            "grievance.guidance".into(),
            &self.grievance.guidance,
            top,
        );
        for g in &self.grievance.catalogue {
            let at = format!("grievance.catalogue.{}", g.id.value);
            add(o, format!("{at}.label"), &g.label, &g.allow);
            add(o, format!("{at}.description"), &g.description, &g.allow);
            for (i, cue) in g.cues.iter().enumerate() {
                add(o, format!("{at}.cues[{i}]"), cue, &g.allow);
            }
            for (i, probe) in g.probes.iter().enumerate() {
                add(o, format!("{at}.probes[{i}]"), probe, &g.allow);
            }
            add(o, format!("{at}.guidance"), &g.guidance, &g.allow);
        }
        add(o, "remedies.guidance".into(), &self.remedies.guidance, top);
        for r in &self.remedies.catalogue {
            let at = format!("remedies.catalogue.{}", r.id.value);
            add(o, format!("{at}.label"), &r.label, &r.allow);
            add(o, format!("{at}.action"), &r.action, &r.allow);
            add(o, format!("{at}.owner"), &r.owner, &r.allow);
            add(o, format!("{at}.why"), &r.why, &r.allow);
            for (i, point) in r.talking_points.iter().enumerate() {
                add(o, format!("{at}.talking_points[{i}]"), point, &r.allow);
            }
            if let Some(template) = &r.template {
                add(o, format!("{at}.template"), template, &r.allow);
            }
        }
        for f in &self.followups {
            let at = format!("followups.{}", f.id.value);
            add(o, format!("{at}.action"), &f.action, &f.allow);
            add(o, format!("{at}.owner"), &f.owner, &f.allow);
            add(o, format!("{at}.why"), &f.why, &f.allow);
        }
        for (i, d) in self.donts.iter().enumerate() {
            add(o, format!("donts[{i}].text"), &d.text, top);
        }
        for h in &self.history {
            add(o, format!("history.{}.why", h.id.value), &h.why, top);
        }
        out
    }

    /// The locales the playbook's text is written in: every locale used as a
    /// key anywhere (plain text alone names none).
    pub fn languages(&self) -> std::collections::BTreeSet<Lang> {
        self.texts()
            .iter()
            .filter(|t| !t.text.is_plain())
            .flat_map(|t| t.text.locales())
            .collect()
    }
}
