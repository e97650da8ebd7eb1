//! Steps 2 and 3 and what follows: grievance suggestions and classification
//! rules, remedies (declared kinds, conditions, templates that parse and use
//! known placeholders), follow-ups, history rules and don'ts.

use std::collections::BTreeSet;

use super::Checker;
use super::references::{Refs, Scope, known};
use crate::diagnostic::{RuleId, did_you_mean};
use crate::playbook::condition::RefKind::{self, *};
use crate::playbook::model::{BUILTIN_REMEDY_KINDS, Playbook};
use crate::playbook::template;
use crate::playbook::vocab::Vocabulary;

/// Conditions late in the triage may refer to everything.
const EVERYTHING: &[RefKind] = &[Flag, Score, Question, Authority, Level, Grievance];

pub(super) fn check<'a>(c: &mut Checker<'a>, pb: &'a Playbook, refs: &Refs) {
    for g in &pb.grievance.catalogue {
        c.node(&g.allow);
        if g.id.value == crate::playbook::vocab::NONE_CLEAR {
            c.at(
                RuleId::DuplicateId,
                &g.id,
                format!(
                    "grievance id `{}` is step 2's own \"none clear yet\" answer",
                    g.id.value
                ),
                Some("rename the grievance".into()),
            );
        }
        if let Some(when) = &g.suggest_when {
            let scope = Scope::anywhere(
                "a grievance suggestion",
                &[Flag, Score, Question, Authority, Level],
            );
            refs.condition(c, when, &scope);
        }
    }
    // Checked under the `allow:` of the last node above, as it always was.
    for when in pb.grievance.classify.conditions() {
        refs.condition(
            c,
            when,
            &Scope::anywhere("a classification rule", EVERYTHING),
        );
    }
    // A suggested kind must be one the playbook's own kinds can offer.
    for rule in &pb.grievance.classify.kind {
        let own = &pb.grievance.kinds;
        if !own.is_empty() && !own.iter().any(|k| k.means.value == rule.suggest.value) {
            c.at(
                RuleId::UnknownReference,
                &rule.suggest,
                format!(
                    "this rule suggests `{}`, but no complaint kind of this playbook means it",
                    rule.suggest.value.key()
                ),
                Some(format!(
                    "add one under `grievance.kinds` with `means: {}`",
                    rule.suggest.value.key()
                )),
            );
        }
    }
    check_remedies(c, pb, refs);
    for f in &pb.followups {
        c.node(&f.allow);
        if let Some(when) = &f.when {
            refs.condition(
                c,
                when,
                &Scope::anywhere("a follow-up condition", EVERYTHING),
            );
        }
        for when in f.action.conditions().chain(f.why.conditions()) {
            refs.condition(c, when, &Scope::anywhere("a wording condition", EVERYTHING));
        }
    }
    // Level and authority descriptions are shown in the plan, when all is known.
    for level in &pb.levels {
        c.node(&level.allow);
        for when in level
            .definition
            .conditions()
            .chain(level.response_force.conditions())
        {
            refs.condition(c, when, &Scope::anywhere("a wording condition", EVERYTHING));
        }
    }
    for rung in &pb.authority {
        c.node(&rung.allow);
        for when in rung.definition.conditions().chain(rung.stance.conditions()) {
            refs.condition(c, when, &Scope::anywhere("a wording condition", EVERYTHING));
        }
    }
    c.node(&[]);
    for rule in &pb.history {
        for flag in &rule.flags {
            known(c, RefKind::Flag, flag, &refs.flags);
        }
        if let Some(grievance) = &rule.grievance {
            known(c, RefKind::Grievance, grievance, &refs.grievances);
        }
        if rule.at_least == 0 {
            c.at(
                RuleId::QuestionShape,
                &rule.id,
                format!(
                    "history rule `{}` needs `at_least` of 1 or more",
                    rule.id.value
                ),
                None,
            );
        }
    }
    let remedies: BTreeSet<&str> = pb
        .remedies
        .catalogue
        .iter()
        .map(|r| r.id.value.as_str())
        .collect();
    for d in &pb.donts {
        if let Some(when) = &d.when {
            refs.condition(c, when, &Scope::anywhere("a don't condition", EVERYTHING));
        }
        for remedy in &d.forbids {
            if !remedies.contains(remedy.value.as_str()) {
                c.at(
                    RuleId::UnknownReference,
                    remedy,
                    format!("a don't forbids unknown remedy `{}`", remedy.value),
                    did_you_mean(&remedy.value, remedies.iter().copied()),
                );
            }
        }
    }
}

fn check_remedies<'a>(c: &mut Checker<'a>, pb: &'a Playbook, refs: &Refs) {
    let fields: Vec<&str> = pb.fields.iter().map(|f| f.id.value.as_str()).collect();
    let kinds: BTreeSet<&str> = BUILTIN_REMEDY_KINDS
        .iter()
        .copied()
        .chain(pb.remedies.kinds.iter().map(|k| k.value.as_str()))
        .collect();
    for r in &pb.remedies.catalogue {
        c.node(&r.allow);
        if !kinds.contains(r.kind.value.as_str()) {
            let help = did_you_mean(&r.kind.value, kinds.iter().copied())
                .or_else(|| Some("declare new kinds under `remedies.kinds`".into()));
            c.at(
                RuleId::UnknownRemedyKind,
                &r.kind,
                format!("unknown remedy kind `{}`", r.kind.value),
                help,
            );
        }
        if let Some(when) = &r.when {
            refs.condition(c, when, &Scope::anywhere("a remedy condition", EVERYTHING));
        }
        let wordings = std::iter::once(&r.action)
            .chain(std::iter::once(&r.why))
            .chain(&r.talking_points)
            .chain(&r.template);
        for when in wordings.flat_map(|w| w.conditions()) {
            refs.condition(c, when, &Scope::anywhere("a wording condition", EVERYTHING));
        }
        let templates = r.template.iter().flat_map(|t| t.variants());
        for t in templates.map(|v| &v.text) {
            let Some(at) = t.spanned() else { continue };
            for (locale, text) in t.versions() {
                if let Err(e) = template::check(text, &fields) {
                    let which = locale.map(|l| format!(" ({l})")).unwrap_or_default();
                    c.at(
                        RuleId::TemplateError,
                        at,
                        format!("template{which} of remedy `{}`: {e}", r.id.value),
                        Some(template_help(&e, &fields)),
                    );
                }
            }
        }
    }
}

/// The placeholders a template of this playbook may use, for help texts.
fn template_help(e: &template::TemplateError, fields: &[&str]) -> String {
    match e {
        template::TemplateError::Unknown(name) => {
            let own = fields
                .iter()
                .map(|f| format!("{}{f}", template::FIELD_PREFIX));
            let all: Vec<String> = template::PLACEHOLDERS
                .iter()
                .map(|p| (*p).to_owned())
                .chain(own)
                .collect();
            let hint = did_you_mean(name, all.iter().map(String::as_str))
                .map(|h| format!("{h} "))
                .unwrap_or_default();
            format!("{hint}allowed placeholders: {}", all.join(", "))
        }
        template::TemplateError::Unclosed(_) => "close it with `}}`".to_owned(),
    }
}
