//! Step 1's questions: conditions over earlier questions only, defaults that
//! are answers of their question, the fields each kind needs (and no others),
//! and effects that name declared scores and flags.

use std::collections::BTreeSet;

use super::Checker;
use super::references::{Refs, Scope, unique};
use crate::diagnostic::{RuleId, did_you_mean};
use crate::playbook::condition::RefKind::{Flag, Question, Score};
use crate::playbook::model::{Playbook, QuestionKind};

pub(super) fn check<'a>(c: &mut Checker<'a>, pb: &'a Playbook, refs: &Refs) {
    let mut asked_before: BTreeSet<&str> = BTreeSet::new();
    for q in &pb.assess.questions {
        c.node(&q.allow);
        if let Some(when) = &q.when {
            let scope = Scope {
                place: "a question condition",
                allowed: &[Flag, Score, Question],
                questions: Some(&asked_before),
            };
            refs.condition(c, when, &scope);
        }
        asked_before.insert(q.id.value.as_str());
        if let Some(default) = &q.default {
            let fits = match q.kind.value {
                QuestionKind::Scale => default.value.0.parse::<i64>().is_ok_and(|n| {
                    let (min, max) = q.scale_range();
                    (min..=max).contains(&n)
                }),
                QuestionKind::Text => true,
                _ => q.keys().contains(&default.value.0.as_str()),
            };
            if !fits {
                let help = did_you_mean(&default.value.0, q.keys())
                    .or_else(|| Some(format!("answers: {}", q.keys().join(", "))));
                c.at(
                    RuleId::UnknownAnswer,
                    default,
                    format!(
                        "default `{}` is not an answer of `{}`",
                        default.value.0, q.id.value
                    ),
                    help,
                );
            }
        }
        let kind = q.kind.value;
        let has_yes_no = q.yes.is_some() || q.no.is_some();
        match kind {
            QuestionKind::YesNo => {
                for effects in [&q.yes, &q.no].into_iter().flatten() {
                    refs.effects(c, &effects.scores, &effects.flags);
                }
            }
            QuestionKind::Choice | QuestionKind::Multi => {
                if q.options.len() < 2 {
                    c.at(
                        RuleId::QuestionShape,
                        &q.kind,
                        format!("question `{}` needs at least two `options`", q.id.value),
                        None,
                    );
                }
                unique(c, "option", q.options.iter().map(|o| &o.key));
                for option in &q.options {
                    refs.effects(c, &option.scores, &option.flags);
                }
                let concrete: Vec<&str> = q
                    .options
                    .iter()
                    .filter(|o| !o.unsure)
                    .map(|o| o.key.value.as_str())
                    .collect();
                for option in &q.options {
                    for assumed in &option.assume {
                        if !option.unsure {
                            c.at(
                                RuleId::QuestionShape,
                                assumed,
                                format!(
                                    "option `{}` has `assume` but is not `unsure`",
                                    option.key.value
                                ),
                                Some("add `unsure: true`, or drop `assume`".into()),
                            );
                        } else if !concrete.contains(&assumed.value.as_str()) {
                            let help = did_you_mean(&assumed.value, concrete.iter().copied())
                                .or_else(|| {
                                    Some(format!("concrete answers: {}", concrete.join(", ")))
                                });
                            c.at(
                                RuleId::UnknownAnswer,
                                assumed,
                                format!(
                                    "`{}` is not a concrete answer of `{}`",
                                    assumed.value, q.id.value
                                ),
                                help,
                            );
                        }
                    }
                }
            }
            QuestionKind::Scale => match &q.scale {
                None => c.at(
                    RuleId::QuestionShape,
                    &q.kind,
                    format!("scale question `{}` needs `scale:`", q.id.value),
                    None,
                ),
                Some(scale) => {
                    if scale.min >= scale.max {
                        c.at(
                            RuleId::QuestionShape,
                            &q.kind,
                            format!("scale of `{}` must have min < max", q.id.value),
                            None,
                        );
                    }
                    refs.effects(c, &scale.per_point, &[]);
                    for t in &scale.flags_at {
                        refs.effects(c, &Default::default(), &t.flags);
                    }
                }
            },
            QuestionKind::Text => {}
        }
        let misplaced = match kind {
            QuestionKind::YesNo => !q.options.is_empty() || q.scale.is_some(),
            QuestionKind::Choice | QuestionKind::Multi => has_yes_no || q.scale.is_some(),
            QuestionKind::Scale => has_yes_no || !q.options.is_empty(),
            QuestionKind::Text => has_yes_no || !q.options.is_empty() || q.scale.is_some(),
        };
        if misplaced {
            c.at(
                RuleId::QuestionShape,
                &q.kind,
                format!(
                    "question `{}` has fields that do not belong to its kind",
                    q.id.value
                ),
                Some(
                    "yes_no takes `yes`/`no`; choice and multi take `options`; scale takes `scale`"
                        .into(),
                ),
            );
        }
    }
}
