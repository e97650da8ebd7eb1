//! The two ladders, levels and authority: the first rung is the baseline
//! (no `when`), every higher rung has a rule, and each rule refers only to
//! what is decided before it.

use serde_saphyr::Spanned;

use super::Checker;
use super::references::{Refs, Scope};
use crate::diagnostic::RuleId;
use crate::playbook::condition::{Condition, RefKind, RefKind::*};
use crate::playbook::model::Playbook;

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
