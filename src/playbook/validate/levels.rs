//! The two ladders, levels and authority: the first rung is the baseline
//! (no `when`), every higher rung has a rule, and each rule refers only to
//! what is decided before it.

use serde_saphyr::Spanned;

use super::Checker;
use super::references::{Refs, Scope};
use crate::diagnostic::{RuleId, did_you_mean};
use crate::playbook::condition::{Condition, RefKind, RefKind::*};
use crate::playbook::model::{BUILTIN_REMEDY_KINDS, Playbook};

/// A level or authority judgement as the ladder checks see it: id, rule, allow-list.
pub(super) type Rung<'a> = (
    &'a Spanned<String>,
    Option<&'a Condition>,
    &'a [Spanned<String>],
);

pub(super) fn level_rungs(pb: &Playbook) -> Vec<Rung<'_>> {
    pb.levels
        .iter()
        .map(|l| (&l.id, l.when.as_ref(), l.allow.as_slice()))
        .collect()
}

pub(super) fn authority_rungs(pb: &Playbook) -> Vec<Rung<'_>> {
    pb.authority
        .iter()
        .map(|r| (&r.id, r.when.as_ref(), r.allow.as_slice()))
        .collect()
}

pub(super) fn check<'a>(c: &mut Checker<'a>, pb: &'a Playbook, refs: &Refs) {
    ladder(
        c,
        refs,
        "authority",
        authority_rungs(pb),
        &[Flag, Score, Question],
    );
    ladder(
        c,
        refs,
        "level",
        level_rungs(pb),
        &[Flag, Score, Question, Authority],
    );
    // What a level forbids must name a remedy or a remedy kind.
    let kinds: Vec<&str> = BUILTIN_REMEDY_KINDS
        .iter()
        .copied()
        .chain(pb.remedies.kinds.iter().map(|k| k.value.as_str()))
        .collect();
    let ids: Vec<&str> = pb
        .remedies
        .catalogue
        .iter()
        .map(|r| r.id.value.as_str())
        .collect();
    for level in &pb.levels {
        c.node(&level.allow);
        for forbid in &level.forbids {
            let name = forbid.value.as_str();
            if !ids.contains(&name) && !kinds.contains(&name) {
                let help = did_you_mean(name, ids.iter().chain(kinds.iter()).copied())
                    .or_else(|| Some("name a remedy id or a remedy kind".into()));
                c.at(
                    RuleId::UnknownReference,
                    forbid,
                    format!(
                        "level `{}` forbids `{name}`, which is neither a remedy nor a remedy kind",
                        level.id.value
                    ),
                    help,
                );
            }
        }
    }
}

fn ladder<'a>(
    c: &mut Checker<'a>,
    refs: &Refs,
    name: &str,
    rungs: Vec<Rung<'a>>,
    allowed: &[RefKind],
) {
    for (i, (id, when, allow)) in rungs.into_iter().enumerate() {
        c.node(allow);
        match (i, when) {
            (0, Some(_)) => c.at(
                RuleId::BaselineCondition,
                id,
                format!("the first {name} is the baseline and takes no `when`"),
                Some("list them lowest first; the highest one whose `when` holds is chosen".into()),
            ),
            (i, None) if i > 0 => c.at(
                RuleId::UnreachableLevel,
                id,
                format!(
                    "{name} `{}` has no `when`, so it could never be chosen",
                    id.value
                ),
                None,
            ),
            _ => {}
        }
        if let Some(when) = when {
            let place = format!("a {name} rule");
            refs.condition(c, when, &Scope::anywhere(&place, allowed));
        }
    }
}
