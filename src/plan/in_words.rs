//! The why, in words: one plain sentence per judgement ("Serious: They
//! threaten to cancel; the person on the line: Decision-maker."), built from
//! the reasons the engine recorded and the playbook's own labels, so it
//! follows any playbook without per-playbook wording. The rule-level
//! reasons stay below it for whoever needs the detail.

use crate::i18n::Lang;
use crate::playbook::answer::AnswerValue;
use crate::playbook::vocab::Vocabulary;
use crate::playbook::{Choice, Condition, Facts, Playbook, QuestionKind};
use crate::triage::assess::Reason;
use crate::triage::session::Outcome;

/// The level's sentence, then the authority's.
pub fn sentences(pb: &Playbook, outcome: &Outcome, lang: Lang) -> Vec<String> {
    let l = lang.labels();
    let a = &outcome.assessment;
    let facts = outcome.facts(pb);
    let words = Words {
        pb,
        outcome,
        lang,
        facts,
    };

    let mut level_causes = Vec::new();
    let mut authority_causes = Vec::new();
    for reason in &a.reasons {
        match reason {
            Reason::Level {
                level,
                rule: Some(_),
            } => {
                let when = pb
                    .level_index(level)
                    .and_then(|i| pb.levels[i].when.as_ref());
                level_causes.extend(when.map(|w| words.causes(w)).unwrap_or_default());
            }
            Reason::Authority {
                authority,
                rule: Some(_),
            } => {
                let when = pb
                    .authority_index(authority)
                    .and_then(|i| pb.authority[i].when.as_ref());
                authority_causes.extend(when.map(|w| words.causes(w)).unwrap_or_default());
            }
            Reason::Unsure {
                question, assumed, ..
            } => {
                if let Some(q) = pb.question(question) {
                    let option = q
                        .option(assumed)
                        .map_or(assumed.clone(), |o| o.label.text(lang));
                    level_causes.push((l.plain_unsure)(q.prompt.get(lang), &option));
                }
            }
            Reason::History {
                raise_level, cases, ..
            } if *raise_level > 0 => {
                level_causes.push((l.plain_history)(cases.len()));
            }
            _ => {}
        }
    }
    let sentence = |label: String, mut causes: Vec<String>| {
        dedup(&mut causes);
        if causes.is_empty() {
            (l.judged_baseline)(&label)
        } else {
            (l.judged)(&label, &causes.join(l.clause_sep))
        }
    };
    vec![
        sentence(pb.levels[a.level].label.text(lang), level_causes),
        sentence(pb.authority[a.authority].label.text(lang), authority_causes),
    ]
}

/// Keeps the first of each cause, in order.
fn dedup(causes: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    causes.retain(|c| seen.insert(c.clone()));
}

/// Which of an answer's options to name.
#[derive(Clone, Copy)]
enum Pick<'s> {
    All,
    /// Those that raised this score.
    Score(&'s str),
    /// Those that raised this flag.
    Flag(&'s str),
}

struct Words<'a> {
    pb: &'a Playbook,
    outcome: &'a Outcome,
    lang: Lang,
    facts: Facts<'a>,
}

impl Words<'_> {
    /// What made a rule hold, in the playbook's words: every predicate on a
    /// branch that held; negations ("not a leverage play") are conditions,
    /// not causes, and are left out.
    fn causes(&self, when: &Condition) -> Vec<String> {
        let (pb, lang) = (self.pb, self.lang);
        let a = &self.outcome.assessment;
        let g = &self.outcome.grievances;
        match when {
            Condition::All(items) => items.iter().flat_map(|c| self.causes(c)).collect(),
            Condition::Any(items) => items
                .iter()
                .filter(|c| c.eval(&self.facts))
                .flat_map(|c| self.causes(c))
                .collect(),
            Condition::Not(_) => Vec::new(),
            Condition::Flag(id) => self.raised(&id.value),
            Condition::Grievance(id) => pb
                .grievance(&id.value)
                .map(|g| g.label.text(lang))
                .into_iter()
                .collect(),
            Condition::Level(_) | Condition::LevelAtLeast(_) | Condition::LevelAtMost(_) => {
                vec![pb.levels[a.level].label.text(lang)]
            }
            Condition::Authority(_)
            | Condition::AuthorityAtLeast(_)
            | Condition::AuthorityAtMost(_) => {
                let label = pb.authority[a.authority].label.text(lang);
                vec![(lang.labels().plain_on_line)(&label)]
            }
            Condition::Score(test) => self.score(&test.id.value),
            Condition::Answer(test) => self.answer(&test.question.value, Pick::All),
            Condition::ComplaintKind(_) => g
                .kind_keys
                .iter()
                .map(|key| pb.grievance.kind_label(key, lang))
                .collect(),
            Condition::Crisis(_) => vec![g.crisis.label(lang).to_owned()],
            Condition::AtStake(_) => vec![g.at_stake.label(lang).to_owned()],
        }
    }

    /// A flag as the answers that raised it read ("They threaten to cancel"
    /// rather than "Threat to cancel"); its own label when history raised it.
    fn raised(&self, flag: &str) -> Vec<String> {
        let by_answers: Vec<String> = self
            .outcome
            .assessment
            .reasons
            .iter()
            .filter_map(|r| match r {
                Reason::Answer {
                    question, flags, ..
                } if flags.iter().any(|f| f == flag) => Some(question),
                _ => None,
            })
            .flat_map(|q| self.answer(q, Pick::Flag(flag)))
            .collect();
        if by_answers.is_empty() {
            self.flag(flag).into_iter().collect()
        } else {
            by_answers
        }
    }

    fn flag(&self, id: &str) -> Option<String> {
        let flag = self.pb.flags.iter().find(|f| f.id.value == id)?;
        Some(flag.label.text(self.lang))
    }

    /// The answers that pushed a score up, in the words the rep picked.
    fn score(&self, score: &str) -> Vec<String> {
        let moved = self
            .outcome
            .assessment
            .reasons
            .iter()
            .filter_map(|r| match r {
                Reason::Answer {
                    question, scores, ..
                } if scores.get(score).is_some_and(|d| *d > 0) => Some(question),
                _ => None,
            });
        moved
            .flat_map(|q| self.answer(q, Pick::Score(score)))
            .collect()
    }

    /// The answer given to a question as the rep saw it: the options' labels
    /// (only those that did what `pick` asks; an unsure option is said by the
    /// unsure sentence instead), or the flags a yes/no raised, or the prompt
    /// with the answer.
    fn answer(&self, question: &str, pick: Pick) -> Vec<String> {
        let (pb, lang) = (self.pb, self.lang);
        let l = lang.labels();
        let (Some(q), Some(value)) = (
            pb.question(question),
            self.outcome.assessment.answers.get(question),
        ) else {
            return Vec::new();
        };
        let moves = |o: &&Choice| {
            !o.unsure
                && match pick {
                    Pick::All => true,
                    Pick::Score(s) => o.scores.get(s).is_some_and(|d| d.value > 0),
                    Pick::Flag(f) => o.flags.iter().any(|x| x.value == f),
                }
        };
        // A yes or no among other options (a yes/no question that gained
        // "not sure") is said as a yes/no question's answer is: a bare "Yes"
        // means nothing out of its question.
        let said = |o: &Choice| -> Vec<String> {
            if !matches!(o.key.value.as_str(), "yes" | "no") {
                return vec![o.label.text(lang)];
            }
            let flags: Vec<String> = o.flags.iter().filter_map(|f| self.flag(&f.value)).collect();
            if flags.is_empty() {
                vec![(l.plain_answer)(q.prompt.get(lang), &o.label.text(lang))]
            } else {
                flags
            }
        };
        match (q.kind.value, value) {
            (QuestionKind::Choice, AnswerValue::Key(key)) => {
                q.option(key).filter(moves).map(said).unwrap_or_default()
            }
            (QuestionKind::Multi, AnswerValue::Keys(keys)) => keys
                .iter()
                .filter_map(|k| q.option(k))
                .filter(moves)
                .flat_map(said)
                .collect(),
            (QuestionKind::YesNo, AnswerValue::Key(key)) => {
                let effects = if key == "yes" { &q.yes } else { &q.no };
                let flags: Vec<String> = effects
                    .iter()
                    .flat_map(|e| &e.flags)
                    .filter_map(|f| self.flag(&f.value))
                    .collect();
                if flags.is_empty() {
                    let answer = if key == "yes" { l.yes } else { l.no };
                    vec![(l.plain_answer)(q.prompt.get(lang), answer)]
                } else {
                    flags
                }
            }
            (_, value) => vec![(l.plain_answer)(q.prompt.get(lang), &value.to_string())],
        }
    }
}
