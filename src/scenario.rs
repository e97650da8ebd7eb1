//! Playbook scenario tests: a `NAME.tests.yaml` beside `NAME.yaml` holds
//! cases — answers in, expected level, authority, flags, remedies and
//! follow-ups out — so a team lead's edit cannot silently change what a rep
//! is told.
//!
//! ```yaml
//! cases:
//!   - name: a leverage play gets no concessions
//!     answers: {case: {customer: X}, assess: {our_failure: "no", …}}
//!     expect:
//!       level: concern
//!       include: {remedies: [hold_the_line]}
//!       exclude: {remedy_kinds: [compensation, escalation, pr_statement], text: [before they demand]}
//! ```
//!
//! `text:` lists are about the plan as a manager reads it (its Markdown, in
//! the session's language): a sentence the answers contradict is caught by
//! naming it under `exclude`.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::plan::{compose, markdown};
use crate::playbook::Playbook;
use crate::playbook::load::{LoadError, Problem, RuleId, did_you_mean, yaml_options};
use crate::playbook::model::BUILTIN_REMEDY_KINDS;
use crate::prompt::script::ScriptPrompter;
use crate::triage::Fingerprint;
use crate::triage::answers::AnswersFile;
use crate::triage::drive;
use crate::triage::fingerprint::CanonicalAnswers;
use crate::triage::session::{Outcome, Session};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The playbook id or path; by default the `NAME.yaml` beside `NAME.tests.yaml`.
    #[schemars(with = "Option<String>")]
    pub playbook: Option<Spanned<String>>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub answers: AnswersFile,
    pub expect: Expect,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[schemars(with = "Option<String>")]
    pub level: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub authority: Option<Spanned<String>>,
    /// Ids that must be in the outcome.
    #[serde(default)]
    pub include: Lists,
    /// Ids that must not be in the outcome.
    #[serde(default)]
    pub exclude: Lists,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub grievances: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub remedies: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub remedy_kinds: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub followups: Vec<Spanned<String>>,
    /// Text the plan (its Markdown) must contain, or must not, as written
    /// (case and spacing count).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub text: Vec<Spanned<String>>,
}

/// The call time a scenario's plan is composed at when its answers name none.
const SCENARIO_NOW: &str = "2026-11-23T10:00:00+08:00";

/// One case's result: the lines of its diff, empty when it passed.
#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub line: u64,
    pub diff: Vec<String>,
    /// What the engine decided (none when the answers did not complete a
    /// triage): `defuse test --coverage` counts it.
    pub outcome: Option<Outcome>,
}

impl ScenarioFile {
    pub fn parse(name: &str, source: &str) -> Result<Self, LoadError> {
        serde_saphyr::from_str_with_options(source, yaml_options())
            .map_err(|e| LoadError::from_yaml(name, source, &e))
    }
}

/// What the outcome holds, per list, for comparison.
struct Actual {
    flags: Vec<String>,
    grievances: Vec<String>,
    remedies: Vec<String>,
    remedy_kinds: Vec<String>,
    followups: Vec<String>,
}

impl Actual {
    fn of(pb: &Playbook, outcome: &Outcome) -> Self {
        let remedies: Vec<String> = outcome.remedies.iter().map(|r| r.remedy.clone()).collect();
        Actual {
            flags: outcome.assessment.flags.iter().cloned().collect(),
            grievances: outcome.grievances.picked.clone(),
            remedy_kinds: remedies
                .iter()
                .filter_map(|r| pb.remedy(r))
                .map(|r| r.kind.value.clone())
                .collect(),
            remedies,
            followups: outcome.followups.clone(),
        }
    }
}

type Pick = for<'a> fn(&'a Lists) -> &'a [Spanned<String>];
type PickActual = for<'a> fn(&'a Actual) -> &'a [String];

const LISTS: &[(&str, Pick, PickActual)] = &[
    ("flags", |l| &l.flags, |a| &a.flags),
    ("grievances", |l| &l.grievances, |a| &a.grievances),
    ("remedies", |l| &l.remedies, |a| &a.remedies),
    ("remedy_kinds", |l| &l.remedy_kinds, |a| &a.remedy_kinds),
    ("followups", |l| &l.followups, |a| &a.followups),
];

/// Checks that every id an expectation names exists in the playbook.
fn check_ids(
    pb: &Playbook,
    file: &ScenarioFile,
    name: &str,
    source: &str,
) -> Result<(), LoadError> {
    let known = |list: &str| -> BTreeSet<String> {
        match list {
            "flags" => pb.flags.iter().map(|f| f.id.value.clone()).collect(),
            "grievances" => pb
                .grievance
                .catalogue
                .iter()
                .map(|g| g.id.value.clone())
                .collect(),
            "remedies" => pb
                .remedies
                .catalogue
                .iter()
                .map(|r| r.id.value.clone())
                .collect(),
            "remedy_kinds" => BUILTIN_REMEDY_KINDS
                .iter()
                .map(|k| k.to_string())
                .chain(pb.remedies.kinds.iter().map(|k| k.value.clone()))
                .collect(),
            "followups" => pb.followups.iter().map(|f| f.id.value.clone()).collect(),
            "level" => pb.levels.iter().map(|l| l.id.value.clone()).collect(),
            _ => pb.authority.iter().map(|a| a.id.value.clone()).collect(),
        }
    };
    let mut problems = Vec::new();
    let mut check = |list: &str, id: &Spanned<String>| {
        let known = known(list);
        if !known.contains(&id.value) {
            let help = did_you_mean(&id.value, known.iter().map(String::as_str));
            problems.push(Problem::at(
                source,
                Some(id),
                RuleId::UnknownReference,
                format!(
                    "playbook `{}` has no {list} entry `{}`",
                    pb.id.value, id.value
                ),
                help,
            ));
        }
    };
    for case in &file.cases {
        let e = &case.expect;
        e.level.iter().for_each(|id| check("level", id));
        e.authority.iter().for_each(|id| check("authority", id));
        for (list, pick, _) in LISTS {
            for id in pick(&e.include).iter().chain(pick(&e.exclude)) {
                check(list, id);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(LoadError {
            source_name: name.to_owned(),
            problems,
        })
    }
}

/// The plan text expectations that failed, each with where it was looked for.
fn text_diff(plan: &str, include: &[Spanned<String>], exclude: &[Spanned<String>]) -> Vec<String> {
    let mut diff = Vec::new();
    for text in include.iter().filter(|t| !plan.contains(&t.value)) {
        diff.push(format!(
            "the plan must contain {:?} (line {})\n    + it does not",
            text.value,
            text.referenced.line()
        ));
    }
    for text in exclude.iter().filter(|t| plan.contains(&t.value)) {
        let line = plan
            .lines()
            .find(|l| l.contains(&text.value))
            .unwrap_or_default()
            .trim();
        diff.push(format!(
            "the plan must not contain {:?} (line {})\n    + found in: {line}",
            text.value,
            text.referenced.line()
        ));
    }
    diff
}

/// Runs every case of a scenario file against a playbook.
pub fn run(
    pb: &Playbook,
    file: ScenarioFile,
    name: &str,
    source: &str,
) -> Result<Vec<CaseResult>, LoadError> {
    check_ids(pb, &file, name, source)?;
    let mut results = Vec::new();
    for case in file.cases {
        let mut diff = Vec::new();
        let line = case.name.referenced.line();
        let expect = case.expect;
        let canonical = CanonicalAnswers::of_file(&case.answers);
        let mut prompter =
            ScriptPrompter::from_file(name, source, case.answers, pb)?.anchored(&case.name);
        let mut session = Session::new(pb);
        let outcome = match drive(&mut session, &mut prompter, |_| {}) {
            Ok(outcome) => outcome,
            Err(e) => {
                results.push(CaseResult {
                    name: case.name.value,
                    line,
                    diff: vec![format!("the answers do not complete a triage: {e}")],
                    outcome: None,
                });
                continue;
            }
        };
        let exact = |what: &str,
                     expected: &Option<Spanned<String>>,
                     actual: &str,
                     diff: &mut Vec<String>| {
            if let Some(expected) = expected.as_ref().filter(|e| e.value != actual) {
                diff.push(format!(
                    "{what}\n    - expected: {}\n    + actual:   {actual}",
                    expected.value
                ));
            }
        };
        exact(
            "level",
            &expect.level,
            &pb.levels[outcome.assessment.level].id.value,
            &mut diff,
        );
        exact(
            "authority",
            &expect.authority,
            &pb.authority[outcome.assessment.authority].id.value,
            &mut diff,
        );
        let actual = Actual::of(pb, &outcome);
        if !expect.include.text.is_empty() || !expect.exclude.text.is_empty() {
            let written = prompter.now().map(|n| n.value.as_str());
            let now = written
                .and_then(|n| chrono::DateTime::parse_from_rfc3339(n).ok())
                .or_else(|| chrono::DateTime::parse_from_rfc3339(SCENARIO_NOW).ok());
            if let Some(now) = now {
                let call = Fingerprint::new(&canonical, &pb.id.value, &pb.version, now.timestamp());
                let plan = markdown::render(&compose(pb, &outcome, now, &call));
                diff.extend(text_diff(&plan, &expect.include.text, &expect.exclude.text));
            }
        }
        for (list, pick, pick_actual) in LISTS {
            let got = pick_actual(&actual);
            for id in pick(&expect.include)
                .iter()
                .filter(|id| !got.contains(&id.value))
            {
                diff.push(format!(
                    "{list} must include `{}`\n    + actual: [{}]",
                    id.value,
                    got.join(", ")
                ));
            }
            for id in pick(&expect.exclude)
                .iter()
                .filter(|id| got.contains(&id.value))
            {
                let why = outcome
                    .remedies
                    .iter()
                    .filter(|r| *list == "remedies" && r.remedy == id.value)
                    .find_map(|r| r.proposed_by.as_ref())
                    .map(|rule| format!(" (proposed because {rule})"))
                    .unwrap_or_default();
                diff.push(format!(
                    "{list} must not include `{}`{why}\n    + actual: [{}]",
                    id.value,
                    got.join(", ")
                ));
            }
        }
        results.push(CaseResult {
            name: case.name.value,
            line,
            diff,
            outcome: Some(outcome),
        });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(yaml: &str) -> Vec<Spanned<String>> {
        serde_saphyr::from_str(yaml).expect("parses")
    }

    #[test]
    fn plan_text_expectations_name_the_text_and_where_it_was_found() {
        let plan = "# Plan\n\n- **Level: Serious** — A real failure with consequences.\n";
        let diff = text_diff(
            plan,
            &texts("[The contract is at risk]"),
            &texts("[A real failure, Fire]"),
        );
        assert_eq!(
            diff,
            [
                "the plan must contain \"The contract is at risk\" (line 1)\n    + it does not",
                "the plan must not contain \"A real failure\" (line 1)\n    + found in: - **Level: Serious** — A real failure with consequences.",
            ]
        );
        assert!(text_diff(plan, &texts("[Serious]"), &texts("[Fire]")).is_empty());
    }
}
