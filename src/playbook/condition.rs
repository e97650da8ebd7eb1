//! `when:` conditions: a small structured language (`all`/`any`/`not` over
//! predicates) that is checked when the playbook loads, so a typo in a flag or
//! grievance id is a positioned error, never a silently false rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use super::answer::AnswerValue;
use super::model::Playbook;
use super::vocab::Vocabulary;
use super::vocab::{AtStake, ComplaintKind, CrisisType};

/// A condition: `all`/`any`/`not` over predicates, written as a one-key map,
/// e.g. `{flag: real_loss}` or `{all: [{level_at_least: fire}, {grievance: lost_face}]}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Flag(#[schemars(with = "String")] Spanned<String>),
    Grievance(#[schemars(with = "String")] Spanned<String>),
    Level(#[schemars(with = "String")] Spanned<String>),
    LevelAtLeast(#[schemars(with = "String")] Spanned<String>),
    LevelAtMost(#[schemars(with = "String")] Spanned<String>),
    Authority(#[schemars(with = "String")] Spanned<String>),
    AuthorityAtLeast(#[schemars(with = "String")] Spanned<String>),
    AuthorityAtMost(#[schemars(with = "String")] Spanned<String>),
    Score(ScoreTest),
    Answer(AnswerTest),
    ComplaintKind(#[schemars(with = "ComplaintKind")] Spanned<ComplaintKind>),
    Crisis(#[schemars(with = "CrisisType")] Spanned<CrisisType>),
    AtStake(#[schemars(with = "AtStake")] Spanned<AtStake>),
}

/// `score: {id: severity, at_least: 4, at_most: 8}`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreTest {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub at_least: Option<i64>,
    pub at_most: Option<i64>,
}

/// `answer: {question: our_failure, is: yes}` — or `in: [a, b]`, or `at_least: 4` for scales.
/// For multi-choice questions, `is` means "includes".
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerTest {
    #[schemars(with = "String")]
    pub question: Spanned<String>,
    #[schemars(with = "Option<Key>")]
    pub is: Option<Spanned<Key>>,
    #[serde(rename = "in")]
    #[schemars(with = "Option<Vec<Key>>")]
    pub any_of: Option<Vec<Spanned<Key>>>,
    pub at_least: Option<i64>,
}

/// An answer key as written in a condition: `yes`, `partly`, `4`.
/// Numbers and booleans are accepted and compared by their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(pub String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an answer key (text or number)")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(if v { "yes" } else { "no" }.to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

impl JsonSchema for Key {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Key".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An answer key: text such as `\"yes\"` or `partly`, or a number for scales.",
            "type": ["string", "integer", "boolean"]
        })
    }
}

/// Everything a condition can look at. Parts not yet known (the level during
/// step 1, grievances before step 2) are `None`/empty and make their
/// predicates false.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub playbook: &'a Playbook,
    pub answers: &'a BTreeMap<String, AnswerValue>,
    pub scores: &'a BTreeMap<String, i64>,
    pub flags: &'a BTreeSet<String>,
    pub level: Option<usize>,
    pub authority: Option<usize>,
    pub grievances: &'a [String],
    /// The complaint kinds picked (several may hold: an old bug that is also a broken promise).
    pub complaint_kinds: &'a [ComplaintKind],
    pub crisis: Option<CrisisType>,
    pub at_stake: Option<AtStake>,
}

/// What a reference in a condition points at; used by validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Flag,
    Grievance,
    Level,
    Authority,
    Score,
    Question,
}

impl RefKind {
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::Flag => "flag",
            RefKind::Grievance => "grievance",
            RefKind::Level => "level",
            RefKind::Authority => "authority judgement",
            RefKind::Score => "score",
            RefKind::Question => "question",
        }
    }
}

impl Condition {
    pub fn eval(&self, facts: &Facts) -> bool {
        let level_at = |id: &Spanned<String>| facts.playbook.level_index(&id.value);
        let authority_at = |id: &Spanned<String>| facts.playbook.authority_index(&id.value);
        let cmp = |actual: Option<usize>, wanted: Option<usize>, f: fn(usize, usize) -> bool| matches!((actual, wanted), (Some(a), Some(w)) if f(a, w));
        match self {
            Condition::All(items) => items.iter().all(|c| c.eval(facts)),
            Condition::Any(items) => items.iter().any(|c| c.eval(facts)),
            Condition::Not(inner) => !inner.eval(facts),
            Condition::Flag(id) => facts.flags.contains(&id.value),
            Condition::Grievance(id) => facts.grievances.contains(&id.value),
            Condition::Level(id) => cmp(facts.level, level_at(id), |a, w| a == w),
            Condition::LevelAtLeast(id) => cmp(facts.level, level_at(id), |a, w| a >= w),
            Condition::LevelAtMost(id) => cmp(facts.level, level_at(id), |a, w| a <= w),
            Condition::Authority(id) => cmp(facts.authority, authority_at(id), |a, w| a == w),
            Condition::AuthorityAtLeast(id) => {
                cmp(facts.authority, authority_at(id), |a, w| a >= w)
            }
            Condition::AuthorityAtMost(id) => cmp(facts.authority, authority_at(id), |a, w| a <= w),
            Condition::Score(test) => {
                let value = facts.scores.get(&test.id.value).copied().unwrap_or(0);
                test.at_least.is_none_or(|min| value >= min)
                    && test.at_most.is_none_or(|max| value <= max)
            }
            Condition::Answer(test) => test.eval(facts.answers.get(&test.question.value)),
            Condition::ComplaintKind(kind) => facts.complaint_kinds.contains(&kind.value),
            Condition::Crisis(crisis) => facts.crisis == Some(crisis.value),
            Condition::AtStake(stake) => facts.at_stake == Some(stake.value),
        }
    }

    /// Describes why the condition holds: like `Display`, but an `any` shows
    /// only the branches that are true for these facts.
    pub fn explain(&self, facts: &Facts) -> String {
        let wrap = |c: &Condition| match c {
            Condition::All(_) | Condition::Any(_) => format!("({})", c.explain(facts)),
            _ => c.explain(facts),
        };
        match self {
            Condition::All(items) => items.iter().map(wrap).collect::<Vec<_>>().join(" and "),
            Condition::Any(items) => {
                let held: Vec<String> = items.iter().filter(|c| c.eval(facts)).map(wrap).collect();
                if held.is_empty() {
                    self.to_string()
                } else {
                    held.join(" or ")
                }
            }
            other => other.to_string(),
        }
    }

    /// Calls `visit` for every id this condition refers to, with its position.
    pub fn visit_refs<'a>(&'a self, visit: &mut impl FnMut(RefKind, &'a Spanned<String>)) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.visit_refs(visit))
            }
            Condition::Not(inner) => inner.visit_refs(visit),
            Condition::Flag(id) => visit(RefKind::Flag, id),
            Condition::Grievance(id) => visit(RefKind::Grievance, id),
            Condition::Level(id) | Condition::LevelAtLeast(id) | Condition::LevelAtMost(id) => {
                visit(RefKind::Level, id)
            }
            Condition::Authority(id)
            | Condition::AuthorityAtLeast(id)
            | Condition::AuthorityAtMost(id) => visit(RefKind::Authority, id),
            Condition::Score(test) => visit(RefKind::Score, &test.id),
            Condition::Answer(test) => visit(RefKind::Question, &test.question),
            Condition::ComplaintKind(_) | Condition::Crisis(_) | Condition::AtStake(_) => {}
        }
    }

    /// Calls `visit` for every complaint kind tested, so validation can check
    /// that the playbook's own kinds offer it.
    pub fn visit_complaint_kinds<'a>(&'a self, visit: &mut impl FnMut(&'a Spanned<ComplaintKind>)) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.visit_complaint_kinds(visit))
            }
            Condition::Not(inner) => inner.visit_complaint_kinds(visit),
            Condition::ComplaintKind(kind) => visit(kind),
            _ => {}
        }
    }

    /// Calls `visit` for every answer test, so validation can check its keys.
    pub fn visit_answer_tests<'a>(&'a self, visit: &mut impl FnMut(&'a AnswerTest)) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.visit_answer_tests(visit))
            }
            Condition::Not(inner) => inner.visit_answer_tests(visit),
            Condition::Answer(test) => visit(test),
            _ => {}
        }
    }
}

impl AnswerTest {
    fn eval(&self, answer: Option<&AnswerValue>) -> bool {
        let Some(answer) = answer else { return false };
        let matches_key = |key: &Key| match answer {
            AnswerValue::Keys(keys) => keys.contains(&key.0),
            other => other.as_key().as_deref() == Some(key.0.as_str()),
        };
        let is_ok = self.is.as_ref().is_none_or(|k| matches_key(&k.value));
        let in_ok = self
            .any_of
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|k| matches_key(&k.value)));
        let at_least_ok = self.at_least.is_none_or(|min| match answer {
            AnswerValue::Number(n) => *n >= min,
            _ => false,
        });
        is_ok && in_ok && at_least_ok
    }

    /// The keys this test compares against, for validation.
    pub fn keys(&self) -> impl Iterator<Item = &Spanned<Key>> {
        self.is.iter().chain(self.any_of.iter().flatten())
    }
}

/// Human-readable form used in reasons: "flag `real_loss` and level ≥ `fire`".
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, items: &[Condition], sep: &str| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {sep} ")?;
                }
                if matches!(item, Condition::All(_) | Condition::Any(_)) {
                    write!(f, "({item})")?;
                } else {
                    write!(f, "{item}")?;
                }
            }
            Ok(())
        };
        match self {
            Condition::All(items) => join(f, items, "and"),
            Condition::Any(items) => join(f, items, "or"),
            Condition::Not(inner) => match inner.as_ref() {
                Condition::All(_) | Condition::Any(_) => write!(f, "not ({inner})"),
                _ => write!(f, "not {inner}"),
            },
            Condition::Flag(id) => write!(f, "flag `{}`", id.value),
            Condition::Grievance(id) => write!(f, "grievance `{}`", id.value),
            Condition::Level(id) => write!(f, "level is `{}`", id.value),
            Condition::LevelAtLeast(id) => write!(f, "level ≥ `{}`", id.value),
            Condition::LevelAtMost(id) => write!(f, "level ≤ `{}`", id.value),
            Condition::Authority(id) => write!(f, "authority is `{}`", id.value),
            Condition::AuthorityAtLeast(id) => write!(f, "authority ≥ `{}`", id.value),
            Condition::AuthorityAtMost(id) => write!(f, "authority ≤ `{}`", id.value),
            Condition::Score(test) => {
                write!(f, "score `{}`", test.id.value)?;
                match (test.at_least, test.at_most) {
                    (Some(min), Some(max)) => write!(f, " in {min}..={max}"),
                    (Some(min), None) => write!(f, " ≥ {min}"),
                    (None, Some(max)) => write!(f, " ≤ {max}"),
                    (None, None) => Ok(()),
                }
            }
            Condition::Answer(test) => {
                write!(f, "answer `{}`", test.question.value)?;
                if let Some(key) = &test.is {
                    write!(f, " is `{}`", key.value.0)?;
                }
                if let Some(keys) = &test.any_of {
                    let keys: Vec<_> = keys.iter().map(|k| format!("`{}`", k.value.0)).collect();
                    write!(f, " in [{}]", keys.join(", "))?;
                }
                if let Some(min) = test.at_least {
                    write!(f, " ≥ {min}")?;
                }
                Ok(())
            }
            Condition::ComplaintKind(kind) => write!(f, "complaint is `{}`", kind.value.key()),
            Condition::Crisis(crisis) => write!(f, "crisis is `{}`", crisis.value.key()),
            Condition::AtStake(stake) => write!(f, "at stake: `{}`", stake.value.key()),
        }
    }
}
