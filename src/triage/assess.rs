//! Step 1: from answers to scores, flags, an authority judgement and a
//! severity level — keeping the reasons for each.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_saphyr::Spanned;

use super::answers::AnswerValue;
use super::history::PastCase;
use crate::i18n::Lang;
use crate::playbook::model::HistoryRule;
use crate::playbook::{Condition, Facts, Playbook, Question, QuestionKind};

/// Why the assessment came out as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// An answer moved scores or raised flags.
    Answer {
        question: String,
        answer: String,
        scores: BTreeMap<String, i64>,
        flags: Vec<String>,
    },
    /// The rule that chose the authority judgement (`rule: None` = baseline).
    Authority {
        authority: String,
        rule: Option<String>,
    },
    /// The rule that chose the level (`rule: None` = baseline).
    Level { level: String, rule: Option<String> },
    /// A history rule held over the customer's earlier cases.
    History {
        rule: String,
        raise_level: usize,
        flags: Vec<String>,
        /// The earlier cases it counted, cited.
        cases: Vec<String>,
        /// Who stored each of `cases` (same order; null where unknown). Left
        /// out when no case says, so plans without a team archive keep
        /// their shape (still `defuse.plan/v1`: an optional field).
        #[serde(skip_serializing_if = "no_rep_known")]
        stored_by: Vec<Option<String>>,
    },
    /// "If unsure, take the higher": an unsure answer raised the level or
    /// the authority (one of the two is set).
    Unsure {
        question: String,
        assumed: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        authority: Option<String>,
    },
}

fn no_rep_known(stored_by: &[Option<String>]) -> bool {
    stored_by.iter().all(Option::is_none)
}

/// An answer the rep was not sure of, and what the judgement assumed instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsure {
    pub question: String,
    /// The unsure key given (`unsure`, `not_stated`).
    pub answer: String,
    /// The concrete answer whose level was taken, if it was higher, and that level.
    pub level_as_if: Option<(String, String)>,
    /// The concrete answer whose authority was taken, if it was higher, and that authority.
    pub authority_as_if: Option<(String, String)>,
}

impl Reason {
    /// The reason in words, in `lang` (ids and rules stay as the playbook writes them).
    pub fn describe(&self, lang: Lang) -> String {
        let l = lang.labels();
        match self {
            Reason::Answer {
                question,
                answer,
                scores,
                flags,
            } => {
                let mut parts: Vec<String> =
                    scores.iter().map(|(s, d)| format!("{s} {d:+}")).collect();
                parts.extend(flags.iter().map(|fl| (l.raises)(fl)));
                let mut text = format!("`{question}` = {answer} →");
                if !parts.is_empty() {
                    text = format!("{text} {}", parts.join(l.list_sep));
                }
                text
            }
            Reason::Authority {
                authority,
                rule: Some(rule),
            } => (l.authority_because)(authority, rule),
            Reason::Authority {
                authority,
                rule: None,
            } => (l.authority_baseline)(authority),
            Reason::Level {
                level,
                rule: Some(rule),
            } => (l.level_because)(level, rule),
            Reason::Level { level, rule: None } => (l.level_baseline)(level),
            Reason::History {
                rule,
                raise_level,
                flags,
                cases,
                stored_by,
            } => {
                let cited: Vec<String> = cases
                    .iter()
                    .enumerate()
                    .map(|(i, case)| match stored_by.get(i) {
                        Some(Some(rep)) => (l.case_stored_by)(case, rep),
                        _ => case.clone(),
                    })
                    .collect();
                let mut text = (l.history_held)(rule, cases.len(), &cited.join("; "));
                if *raise_level > 0 {
                    text += &format!(" → {}", (l.level_raised)(*raise_level));
                }
                for flag in flags {
                    text += &format!("{}{}", l.list_sep, (l.raises)(flag));
                }
                text
            }
            Reason::Unsure {
                question,
                assumed,
                level,
                authority,
            } => match (level, authority) {
                (Some(level), _) => (l.unsure)(question, level, assumed),
                (None, Some(authority)) => (l.unsure_authority)(question, authority, assumed),
                (None, None) => format!("`{question}`"),
            },
        }
    }
}

/// The outcome of step 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The answers to the questions that were asked (conditional ones skipped).
    pub answers: BTreeMap<String, AnswerValue>,
    pub scores: BTreeMap<String, i64>,
    pub flags: BTreeSet<String>,
    pub authority: usize,
    pub level: usize,
    pub reasons: Vec<Reason>,
    /// The answers given as "not sure", in question order.
    pub unsure: Vec<Unsure>,
}

/// Walking step 1 in order: what has been answered, what it added up to, and
/// the first visible question still open.
pub struct Walk<'p> {
    pub answers: BTreeMap<String, AnswerValue>,
    pub scores: BTreeMap<String, i64>,
    pub flags: BTreeSet<String>,
    pub reasons: Vec<Reason>,
    pub pending: Option<&'p Question>,
}

impl<'p> Walk<'p> {
    /// Walks the questions in order. `answer_of` returns the rep's answer to a
    /// question, if given. Stops at the first visible unanswered question.
    pub fn new(pb: &'p Playbook, answer_of: impl Fn(&str) -> Option<AnswerValue>) -> Self {
        Self::run(pb, answer_of, true)
    }

    /// Like [`Walk::new`], but steps over unanswered questions instead of
    /// stopping: used to judge "what if" alternatives.
    fn skipping_unanswered(
        pb: &'p Playbook,
        answer_of: impl Fn(&str) -> Option<AnswerValue>,
    ) -> Self {
        Self::run(pb, answer_of, false)
    }

    fn run(
        pb: &'p Playbook,
        answer_of: impl Fn(&str) -> Option<AnswerValue>,
        stop_at_pending: bool,
    ) -> Self {
        let mut walk = Walk {
            answers: BTreeMap::new(),
            scores: pb.scores.iter().map(|s| (s.id.value.clone(), 0)).collect(),
            flags: BTreeSet::new(),
            reasons: Vec::new(),
            pending: None,
        };
        for question in &pb.assess.questions {
            let visible = question
                .when
                .as_ref()
                .is_none_or(|c| c.eval(&walk.facts(pb)));
            if !visible {
                continue;
            }
            match answer_of(&question.id.value) {
                Some(value) => walk.apply(question, value),
                None if stop_at_pending => {
                    walk.pending = Some(question);
                    break;
                }
                None => {}
            }
        }
        walk
    }

    pub fn facts(&self, pb: &'p Playbook) -> Facts<'_> {
        Facts {
            playbook: pb,
            answers: &self.answers,
            scores: &self.scores,
            flags: &self.flags,
            level: None,
            authority: None,
            grievances: &[],
            complaint_kinds: &[],
            crisis: None,
            at_stake: None,
        }
    }

    fn apply(&mut self, question: &Question, value: AnswerValue) {
        let mut moved: BTreeMap<String, i64> = BTreeMap::new();
        let mut raised: Vec<String> = Vec::new();
        let mut add =
            |scores: &BTreeMap<String, Spanned<i64>>, factor: i64, flags: &[Spanned<String>]| {
                for (score, delta) in scores {
                    *moved.entry(score.clone()).or_default() += delta.value.saturating_mul(factor);
                }
                raised.extend(flags.iter().map(|f| f.value.clone()));
            };
        match (question.kind.value, &value) {
            (QuestionKind::YesNo, AnswerValue::Key(key)) => {
                let effects = if key == "yes" {
                    &question.yes
                } else {
                    &question.no
                };
                if let Some(e) = effects {
                    add(&e.scores, 1, &e.flags);
                }
            }
            (QuestionKind::Choice, AnswerValue::Key(key)) => {
                if let Some(option) = question.option(key) {
                    add(&option.scores, 1, &option.flags);
                }
            }
            (QuestionKind::Multi, AnswerValue::Keys(keys)) => {
                for key in keys {
                    if let Some(option) = question.option(key) {
                        add(&option.scores, 1, &option.flags);
                    }
                }
            }
            (QuestionKind::Scale, AnswerValue::Number(n)) => {
                if let Some(scale) = &question.scale {
                    add(&scale.per_point, *n, &[]);
                    for threshold in scale.flags_at.iter().filter(|t| *n >= t.at_least) {
                        add(&BTreeMap::new(), 0, &threshold.flags);
                    }
                }
            }
            _ => {}
        }
        moved.retain(|_, d| *d != 0);
        for (score, delta) in &moved {
            let total = self.scores.entry(score.clone()).or_default();
            *total = total.saturating_add(*delta);
        }
        raised.dedup();
        self.flags.extend(raised.iter().cloned());
        if !moved.is_empty() || !raised.is_empty() {
            self.reasons.push(Reason::Answer {
                question: question.id.value.clone(),
                answer: value.to_string(),
                scores: moved,
                flags: raised,
            });
        }
        self.answers.insert(question.id.value.clone(), value);
    }
}

/// Picks the highest rung whose `when` holds; the first rung is the baseline.
fn climb<'c>(
    rungs: impl Iterator<Item = Option<&'c Condition>>,
    facts: &Facts,
) -> (usize, Option<&'c Condition>) {
    let mut chosen = (0, None);
    for (i, when) in rungs.enumerate() {
        if let Some(when) = when.filter(|w| w.eval(facts)) {
            chosen = (i, Some(when));
        }
    }
    chosen
}

/// Authority, then level (level rules may look at authority).
fn judge(pb: &Playbook, walk: &Walk) -> (usize, Option<String>, usize, Option<String>) {
    let mut facts = walk.facts(pb);
    let (authority, authority_rule) = climb(pb.authority.iter().map(|r| r.when.as_ref()), &facts);
    let authority_rule = authority_rule.map(|rule| rule.explain(&facts));
    facts.authority = Some(authority);
    let (level, level_rule) = climb(pb.levels.iter().map(|l| l.when.as_ref()), &facts);
    (
        authority,
        authority_rule,
        level,
        level_rule.map(|rule| rule.explain(&facts)),
    )
}

/// Completes step 1. Returns `None` while a visible question is unanswered.
pub fn assess(
    pb: &Playbook,
    answer_of: impl Fn(&str) -> Option<AnswerValue>,
    history: &[(&HistoryRule, Vec<&PastCase>)],
) -> Option<Assessment> {
    let mut walk = Walk::new(pb, &answer_of);
    if walk.pending.is_some() {
        return None;
    }
    // Flags from earlier cases count like flags from answers.
    let history_flags: Vec<String> = history
        .iter()
        .flat_map(|(rule, _)| rule.flags.iter().map(|f| f.value.clone()))
        .collect();
    walk.flags.extend(history_flags.iter().cloned());
    let (authority, authority_rule, mut level, level_rule) = judge(pb, &walk);
    let mut reasons = walk.reasons.clone();
    reasons.push(Reason::Authority {
        authority: pb.authority[authority].id.value.clone(),
        rule: authority_rule,
    });
    reasons.push(Reason::Level {
        level: pb.levels[level].id.value.clone(),
        rule: level_rule,
    });

    // If unsure, take the higher: re-judge with each concrete answer in
    // place of an unsure one and keep the highest authority and the highest
    // level any of them reaches (each on its own: the authority the plan acts
    // on must not wait for the level to move).
    let mut authority = authority;
    let mut unsure = Vec::new();
    for question in &pb.assess.questions {
        let question_id = &question.id.value;
        let Some(value) = walk.answers.get(question_id) else {
            continue;
        };
        let Some((given, alternatives)) = unsure_alternatives(question, value) else {
            continue;
        };
        let mut entry = Unsure {
            question: question_id.clone(),
            answer: given,
            level_as_if: None,
            authority_as_if: None,
        };
        for (key, assumed) in alternatives {
            // Questions the concrete answer would open were never answered:
            // judge without them rather than guess.
            let mut alternative = Walk::skipping_unanswered(pb, |id| {
                if id == question_id.as_str() {
                    Some(assumed.clone())
                } else {
                    answer_of(id)
                }
            });
            alternative.flags.extend(history_flags.iter().cloned());
            let (alt_authority, _, alt_level, _) = judge(pb, &alternative);
            if alt_authority > authority {
                authority = alt_authority;
                let id = pb.authority[authority].id.value.clone();
                entry.authority_as_if = Some((key.clone(), id.clone()));
                reasons.push(Reason::Unsure {
                    question: question_id.clone(),
                    assumed: key.clone(),
                    level: None,
                    authority: Some(id),
                });
            }
            if alt_level > level {
                level = alt_level;
                let id = pb.levels[level].id.value.clone();
                entry.level_as_if = Some((key.clone(), id.clone()));
                reasons.push(Reason::Unsure {
                    question: question_id.clone(),
                    assumed: key,
                    level: Some(id),
                    authority: None,
                });
            }
        }
        unsure.push(entry);
    }

    // Accumulated risk raises the level last, by the largest raise that held.
    let raise = history
        .iter()
        .map(|(rule, _)| rule.raise_level)
        .max()
        .unwrap_or(0);
    level = (level + raise).min(pb.levels.len().saturating_sub(1));
    for (rule, cases) in history {
        reasons.push(Reason::History {
            rule: rule.id.value.clone(),
            raise_level: rule.raise_level,
            flags: rule.flags.iter().map(|f| f.value.clone()).collect(),
            cases: cases.iter().map(|c| c.cite()).collect(),
            stored_by: cases.iter().map(|c| c.stored_by.clone()).collect(),
        });
    }

    Some(Assessment {
        answers: walk.answers,
        scores: walk.scores,
        flags: walk.flags,
        authority,
        level,
        reasons,
        unsure,
    })
}

/// For an answer that is (or includes) an unsure option: that option's key
/// and the concrete answers to try in its place, each with its key. A multi
/// answer keeps its other picks beside each concrete option.
fn unsure_alternatives(
    question: &Question,
    value: &AnswerValue,
) -> Option<(String, Vec<(String, AnswerValue)>)> {
    let unsure_option = |key: &str| question.option(key).filter(|o| o.unsure);
    let candidates = |option: &crate::playbook::Choice| -> Vec<String> {
        let concrete = question.options.iter().filter(|o| !o.unsure);
        if option.assume.is_empty() {
            concrete.map(|o| o.key.value.clone()).collect()
        } else {
            concrete
                .filter(|o| option.assume.iter().any(|a| a.value == o.key.value))
                .map(|o| o.key.value.clone())
                .collect()
        }
    };
    match value {
        AnswerValue::Key(key) => {
            let option = unsure_option(key)?;
            let alternatives = candidates(option)
                .into_iter()
                .map(|k| (k.clone(), AnswerValue::Key(k)))
                .collect();
            Some((key.clone(), alternatives))
        }
        AnswerValue::Keys(keys) => {
            let (key, option) = keys
                .iter()
                .find_map(|k| unsure_option(k).map(|o| (k.clone(), o)))?;
            let rest: Vec<String> = keys
                .iter()
                .filter(|k| unsure_option(k).is_none())
                .cloned()
                .collect();
            let alternatives = candidates(option)
                .into_iter()
                .filter(|k| !rest.contains(k))
                .map(|k| {
                    let mut picked = rest.clone();
                    picked.push(k.clone());
                    (k, AnswerValue::Keys(picked))
                })
                .collect();
            Some((key, alternatives))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A team archive's history cites whose case it was, in every language;
    /// a case from before the archive recorded it is cited as before.
    #[test]
    fn history_cites_who_stored_each_case() {
        let reason = Reason::History {
            rule: "repeat_customer".into(),
            raise_level: 0,
            flags: Vec::new(),
            cases: vec!["c2 (2026-10-15, concern: venting)".into(), "c1".into()],
            stored_by: vec![Some("Li Wei".into()), None],
        };
        for (lang, cited) in [
            (
                Lang::En,
                "c2 (2026-10-15, concern: venting) stored by Li Wei; c1",
            ),
            (
                Lang::ZhTw,
                "c2 (2026-10-15, concern: venting)，由 Li Wei 建檔; c1",
            ),
            (
                Lang::ZhCn,
                "c2 (2026-10-15, concern: venting)，由 Li Wei 建档; c1",
            ),
        ] {
            let text = reason.describe(lang);
            assert!(text.ends_with(cited), "{lang:?}: {text}");
        }
        let json = serde_json::to_value(&reason).unwrap();
        assert_eq!(json["stored_by"], serde_json::json!(["Li Wei", null]));
        let unknown = Reason::History {
            rule: "r".into(),
            raise_level: 0,
            flags: Vec::new(),
            cases: vec!["c1".into()],
            stored_by: vec![None],
        };
        let json = serde_json::to_value(&unknown).unwrap();
        assert!(json.get("stored_by").is_none(), "{json}");
    }
}
