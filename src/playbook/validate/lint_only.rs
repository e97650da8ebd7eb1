//! Lint-only checks that need the satisfiability search: flags no answer
//! raises, rungs that can never hold or are always beaten by a higher one,
//! remedies and follow-ups that can never hold, levels that propose nothing.

use std::collections::BTreeSet;

use super::Checker;
use super::levels::{Rung, authority_rungs, level_rungs};
use crate::diagnostic::RuleId;
use crate::playbook::condition::Condition;
use crate::playbook::model::Playbook;
use crate::playbook::satisfy::{ANY, Fixed, satisfiable};

pub(super) fn check<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    // Remedies that are only ever offered: without `when:`, never proposed.
    for r in pb.remedies.catalogue.iter().filter(|r| r.when.is_none()) {
        c.node(&r.allow);
        c.at(
            RuleId::RemedyNeverProposed,
            &r.id,
            format!(
                "remedy `{}` has no `when:`, so it is never proposed",
                r.id.value
            ),
            Some(
                "add `when:` saying when to propose it, or `allow: [remedy-never-proposed]` \
                 if the rep is to pick it by hand only"
                    .into(),
            ),
        );
    }
    // Flags that no answer can raise.
    c.node(&[]);
    let raised: BTreeSet<&str> = pb
        .assess
        .questions
        .iter()
        .flat_map(|q| {
            let yes_no = [&q.yes, &q.no].into_iter().flatten().flat_map(|e| &e.flags);
            let options = q.options.iter().flat_map(|o| &o.flags);
            let scale = q
                .scale
                .iter()
                .flat_map(|s| s.flags_at.iter().flat_map(|t| &t.flags));
            yes_no.chain(options).chain(scale)
        })
        .chain(pb.history.iter().flat_map(|h| &h.flags))
        .map(|f| f.value.as_str())
        .collect();
    for flag in &pb.flags {
        if !raised.contains(flag.id.value.as_str()) {
            c.at(
                RuleId::UnusedFlag,
                &flag.id,
                format!("no answer raises flag `{}`", flag.id.value),
                Some("raise it from a question, or remove it".into()),
            );
        }
    }

    // Ladders: a rung that can never hold, or that a higher rung always beats.
    let ladders: [(&str, Vec<Rung<'a>>); 2] = [
        ("level", level_rungs(pb)),
        ("authority", authority_rungs(pb)),
    ];
    for (name, rungs) in &ladders {
        for (i, (id, when, allow)) in rungs.iter().enumerate() {
            c.node(allow);
            let Some(when) = when else { continue };
            if satisfiable(pb, &[when], &[], ANY) == Some(false) {
                c.at(
                    RuleId::UnreachableLevel,
                    id,
                    format!("the rule of {name} `{}` can never hold", id.value),
                    None,
                );
                continue;
            }
            for (higher, higher_when, _) in &rungs[i + 1..] {
                let Some(higher_when) = higher_when else {
                    continue;
                };
                if satisfiable(pb, &[when], &[higher_when], ANY) == Some(false) {
                    c.at(
                        RuleId::LevelOutOfOrder,
                        id,
                        format!("{name} `{}` is never chosen: whenever its rule holds, so does the rule of `{}` above it", id.value, higher.value),
                        Some("rungs are listed lowest first and the highest that holds wins; reorder them or narrow the higher rule".into()),
                    );
                    break;
                }
            }
        }
    }

    // Remedies that can never be proposed, and levels that propose nothing.
    for r in &pb.remedies.catalogue {
        c.node(&r.allow);
        if let Some(when) = &r.when
            && satisfiable(pb, &[when], &[], ANY) == Some(false)
        {
            c.at(RuleId::NeverHolds, &r.id, format!("the condition of remedy `{}` can never hold", r.id.value), Some("it would never be proposed; check for contradictions such as `flag x` and `not: {flag: x}`".into()));
        }
    }
    // A remedy proposed where a don't that forbids it is shown: the engine
    // leaves it out, so the remedy's rule promises what never happens.
    for d in &pb.donts {
        c.node(&[]);
        for forbidden in &d.forbids {
            let Some(r) = pb.remedy(&forbidden.value) else {
                continue;
            };
            let Some(when) = &r.when else { continue };
            let dont: Vec<&Condition> = d.when.iter().collect();
            let together: Vec<&Condition> =
                std::iter::once(when).chain(dont.iter().copied()).collect();
            if satisfiable(pb, &together, &[], ANY) != Some(true) {
                continue;
            }
            c.node(&r.allow);
            let never = match d.when.as_ref() {
                Some(dont_when) => satisfiable(pb, &[when], &[dont_when], ANY) == Some(false),
                None => true,
            };
            let message = if never {
                format!(
                    "remedy `{}` is never proposed: whenever its rule holds, a don't that forbids it is shown",
                    r.id.value
                )
            } else {
                format!(
                    "remedy `{}` can be proposed where a don't that forbids it is shown; it is left out there",
                    r.id.value
                )
            };
            let help = match &d.when {
                Some(dont_when) => format!(
                    "the don't is shown when {dont_when}: add a `not:` of that to the remedy's `when`, or narrow the don't"
                ),
                None => "the don't is always shown; remove the remedy or give the don't a `when`"
                    .to_owned(),
            };
            c.at(RuleId::ForbiddenRemedy, forbidden, message, Some(help));
        }
    }
    for f in &pb.followups {
        c.node(&f.allow);
        if let Some(when) = &f.when
            && satisfiable(pb, &[when], &[], ANY) == Some(false)
        {
            c.at(
                RuleId::NeverHolds,
                &f.id,
                format!("the condition of follow-up `{}` can never hold", f.id.value),
                None,
            );
        }
    }
    for (index, level) in pb.levels.iter().enumerate() {
        c.node(&level.allow);
        let fixed = Fixed {
            level: Some(index),
            authority: None,
        };
        let proposes = pb
            .remedies
            .catalogue
            .iter()
            .filter_map(|r| r.when.as_ref())
            .any(|when| satisfiable(pb, &[when], &[], fixed) != Some(false));
        if !proposes {
            c.at(
                RuleId::LevelWithoutRemedy,
                &level.id,
                format!("no remedy is ever proposed at level `{}`", level.id.value),
                Some("give some remedy a `when` that can hold at this level".into()),
            );
        }
    }
}
