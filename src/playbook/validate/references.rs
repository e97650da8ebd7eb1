//! The ids a playbook declares (unique, the required scores present, the
//! lists a triage needs not empty) and every reference to them: in effects
//! (`scores:`, `flags:`) and in conditions, which may only use what is known
//! where they are evaluated.

use std::collections::{BTreeMap, BTreeSet};

use serde_saphyr::Spanned;

use super::Checker;
use crate::diagnostic::{RuleId, did_you_mean};
use crate::playbook::condition::{Condition, RefKind};
use crate::playbook::model::{Playbook, QuestionKind};
use crate::playbook::vocab::{ComplaintKind, Vocabulary};

/// The ids a playbook declares, by kind: what a reference may name.
pub(super) struct Refs<'a> {
    pb: &'a Playbook,
    pub(super) scores: BTreeSet<&'a str>,
    pub(super) flags: BTreeSet<&'a str>,
    levels: BTreeSet<&'a str>,
    authority: BTreeSet<&'a str>,
    pub(super) grievances: BTreeSet<&'a str>,
    all_questions: BTreeSet<&'a str>,
}

/// Which references a condition in a given place may use: a question's
/// condition cannot look at the level (not decided yet), and so on.
pub(super) struct Scope<'s> {
    pub(super) place: &'s str,
    pub(super) allowed: &'s [RefKind],
    /// For question conditions: only questions asked before this one.
    pub(super) questions: Option<&'s BTreeSet<&'s str>>,
}

impl<'s> Scope<'s> {
    /// A place that may refer to `allowed`, and to any question.
    pub(super) fn anywhere(place: &'s str, allowed: &'s [RefKind]) -> Self {
        Scope {
            place,
            allowed,
            questions: None,
        }
    }
}

impl<'a> Refs<'a> {
    pub(super) fn of(pb: &'a Playbook) -> Self {
        Refs {
            pb,
            scores: pb.scores.iter().map(|n| n.id.value.as_str()).collect(),
            flags: pb.flags.iter().map(|n| n.id.value.as_str()).collect(),
            levels: pb.levels.iter().map(|l| l.id.value.as_str()).collect(),
            authority: pb.authority.iter().map(|l| l.id.value.as_str()).collect(),
            grievances: pb
                .grievance
                .catalogue
                .iter()
                .map(|g| g.id.value.as_str())
                .collect(),
            all_questions: pb
                .assess
                .questions
                .iter()
                .map(|q| q.id.value.as_str())
                .collect(),
        }
    }

    /// Score moves and raised flags name declared scores and flags.
    pub(super) fn effects(
        &self,
        c: &mut Checker,
        scores_moved: &BTreeMap<String, Spanned<i64>>,
        raised: &[Spanned<String>],
    ) {
        for (score, delta) in scores_moved {
            if !self.scores.contains(score.as_str()) {
                let help = did_you_mean(score, self.scores.iter().copied());
                c.at(
                    RuleId::UnknownReference,
                    delta,
                    format!("unknown score `{score}`"),
                    help,
                );
            }
        }
        for flag in raised {
            known(c, RefKind::Flag, flag, &self.flags);
        }
    }

    /// Every reference in a condition resolves and is in scope; every answer
    /// it tests is one its question can give.
    pub(super) fn condition(&self, c: &mut Checker, cond: &Condition, scope: &Scope) {
        cond.visit_refs(&mut |kind, id| self.reference(c, scope, kind, id));
        cond.visit_complaint_kinds(&mut |kind| self.complaint_kind(c, kind));
        cond.visit_answer_tests(&mut |test| {
            let Some(question) = self.pb.question(&test.question.value) else {
                return;
            };
            let keys = question.keys();
            if matches!(question.kind.value, QuestionKind::Text) {
                c.at(
                    RuleId::UntestableQuestion,
                    &test.question,
                    format!(
                        "question `{}` is free text; conditions cannot test it",
                        test.question.value
                    ),
                    None,
                );
                return;
            }
            if matches!(question.kind.value, QuestionKind::Scale) {
                return;
            }
            for key in test.keys() {
                if !keys.contains(&key.value.0.as_str()) {
                    let help = did_you_mean(&key.value.0, keys.iter().copied()).or_else(|| {
                        Some(format!(
                            "answers of `{}`: {}",
                            test.question.value,
                            keys.join(", ")
                        ))
                    });
                    c.at(
                        RuleId::UnknownAnswer,
                        key,
                        format!(
                            "question `{}` has no answer `{}`",
                            test.question.value, key.value.0
                        ),
                        help,
                    );
                }
            }
        });
    }

    /// With its own kinds, a playbook can only classify a complaint as a
    /// shared kind one of them means; a test of any other could never hold.
    pub(super) fn complaint_kind(&self, c: &mut Checker, kind: &Spanned<ComplaintKind>) {
        let own = &self.pb.grievance.kinds;
        if own.is_empty() || own.iter().any(|k| k.means.value == kind.value) {
            return;
        }
        c.at(
            RuleId::UnknownReference,
            kind,
            format!(
                "no complaint kind of this playbook means `{}`",
                kind.value.key()
            ),
            Some(format!(
                "add one under `grievance.kinds` with `means: {}`, or test a kind it has",
                kind.value.key()
            )),
        );
    }

    fn reference(&self, c: &mut Checker, scope: &Scope, kind: RefKind, id: &Spanned<String>) {
        if !scope.allowed.contains(&kind) {
            c.at(
                RuleId::ReferenceOutOfScope,
                id,
                format!("{} cannot refer to a {} here", scope.place, kind.noun()),
                Some(match kind {
                    RefKind::Level | RefKind::Authority => {
                        "the level is decided after the questions, and authority before the level"
                            .into()
                    }
                    _ => "grievances are only known from step 2 on".into(),
                }),
            );
            return;
        }
        let declared = match kind {
            RefKind::Flag => &self.flags,
            RefKind::Grievance => &self.grievances,
            RefKind::Level => &self.levels,
            RefKind::Authority => &self.authority,
            RefKind::Score => &self.scores,
            RefKind::Question => scope.questions.unwrap_or(&self.all_questions),
        };
        if kind == RefKind::Question
            && scope.questions.is_some()
            && self.all_questions.contains(id.value.as_str())
            && !declared.contains(id.value.as_str())
        {
            c.at(
                RuleId::ReferenceOutOfScope,
                id,
                format!(
                    "question `{}` is asked later, so this condition cannot use it",
                    id.value
                ),
                Some("a question may depend only on questions listed before it".into()),
            );
            return;
        }
        known(c, kind, id, declared);
    }
}

/// `id` is one of `declared`, or an unknown reference with a suggestion.
pub(super) fn known(
    c: &mut Checker,
    kind: RefKind,
    id: &Spanned<String>,
    declared: &BTreeSet<&str>,
) {
    if !declared.contains(id.value.as_str()) {
        let help = did_you_mean(&id.value, declared.iter().copied()).or_else(|| {
            let list: Vec<_> = declared.iter().map(|k| format!("`{k}`")).collect();
            Some(if list.is_empty() {
                format!("no {} is declared here", kind.noun())
            } else {
                format!("known: {}", list.join(", "))
            })
        });
        c.at(
            RuleId::UnknownReference,
            id,
            format!("unknown {} `{}`", kind.noun(), id.value),
            help,
        );
    }
}

/// No two items of one list share an id.
pub(super) fn unique<'s>(
    c: &mut Checker,
    what: &str,
    ids: impl IntoIterator<Item = &'s Spanned<String>>,
) {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id.value.as_str()) {
            c.at(
                RuleId::DuplicateId,
                id,
                format!("duplicate {what} id `{}`", id.value),
                None,
            );
        }
    }
}

pub(super) fn check_unique_ids(c: &mut Checker, pb: &Playbook) {
    unique(c, "score", pb.scores.iter().map(|n| &n.id));
    unique(c, "flag", pb.flags.iter().map(|n| &n.id));
    unique(c, "question", pb.assess.questions.iter().map(|q| &q.id));
    unique(c, "level", pb.levels.iter().map(|l| &l.id));
    unique(c, "authority", pb.authority.iter().map(|l| &l.id));
    unique(c, "grievance", pb.grievance.catalogue.iter().map(|g| &g.id));
    unique(c, "remedy", pb.remedies.catalogue.iter().map(|r| &r.id));
    unique(c, "follow-up", pb.followups.iter().map(|f| &f.id));
    unique(c, "history rule", pb.history.iter().map(|h| &h.id));
    unique(c, "field", pb.fields.iter().map(|f| &f.id));
    unique(
        c,
        "complaint kind",
        pb.grievance.kinds.iter().map(|k| &k.key),
    );
}

/// The two scores the SOP judges by exist, and no list a triage needs is empty.
pub(super) fn check_catalogues(c: &mut Checker, pb: &Playbook, refs: &Refs) {
    for required in ["severity", "authority"] {
        if !refs.scores.contains(required) {
            c.at(
                RuleId::MissingScore,
                &pb.id,
                format!("playbook declares no `{required}` score"),
                Some(format!(
                    "add `- {{id: {required}, label: …}}` under `scores:`"
                )),
            );
        }
    }
    for (what, empty) in [
        ("assess.questions", pb.assess.questions.is_empty()),
        ("levels", pb.levels.is_empty()),
        ("authority", pb.authority.is_empty()),
        ("grievance.catalogue", pb.grievance.catalogue.is_empty()),
        ("remedies.catalogue", pb.remedies.catalogue.is_empty()),
    ] {
        if empty {
            c.at(
                RuleId::EmptyCatalogue,
                &pb.id,
                format!("`{what}` is empty"),
                None,
            );
        }
    }
}
