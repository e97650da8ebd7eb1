//! Answers: the typed values a session holds, and the answers file that
//! replays a session without a terminal.
//!
//! The file is keyed by prompt id (`assess.our_failure`, `grievance.picked`, …)
//! grouped by section, so it is language-independent and readable:
//!
//! ```yaml
//! playbook: general
//! now: 2026-11-23T10:00:00+08:00
//! case: {customer: Acme, contact: Jane Li, role: Head of Ops}
//! assess: {our_failure: yes, decision_maker: no}
//! grievance: {picked: [lost_face], words: "You made me look foolish"}
//! remedies: {adjust: {private_talk: {owner: Team lead, due: 4h}}}
//! field: {order_id: A-1042}
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;

// The value type lives in the model (conditions test it); re-exported here
// where the engine and front ends have always found it.
pub use crate::playbook::answer::AnswerValue;

use super::prompt_id::{Field, PromptId};
use crate::playbook::load::{LoadError, Problem, RuleId, yaml_options};

/// An answer written the way a person writes it: `yes`, `[a, b]`, `4`, text.
struct Plain<'a>(&'a AnswerValue);

impl Serialize for Plain<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            AnswerValue::Key(text) | AnswerValue::Text(text) => serializer.serialize_str(text),
            AnswerValue::Keys(keys) => keys.serialize(serializer),
            AnswerValue::Number(n) => serializer.serialize_i64(*n),
        }
    }
}

/// An answer as written in a file, before the prompt it belongs to says how
/// to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawAnswer {
    Text(String),
    Number(i64),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for RawAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> serde::de::Visitor<'de> for RawVisitor {
            type Value = RawAnswer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an answer: text, a number, or a list of keys")
            }
            fn visit_str<E>(self, v: &str) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Text(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Text(if v { "yes" } else { "no" }.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawAnswer, E> {
                i64::try_from(v).map(RawAnswer::Number).map_err(E::custom)
            }
            fn visit_unit<E>(self) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Text(String::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawAnswer, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<KeyText>()? {
                    items.push(item.0);
                }
                Ok(RawAnswer::List(items))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

impl schemars::JsonSchema for RawAnswer {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Answer".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An answer: a key (`\"yes\"`, `decision_maker`), free text, a number for scales, or a list of keys for multi-choice questions.",
            "anyOf": [
                {"type": ["string", "integer", "boolean", "null"]},
                {"type": "array", "items": {"type": ["string", "integer"]}}
            ]
        })
    }
}

/// A list item in an answer: text or a number, read as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = crate::playbook::condition::Key::deserialize(deserializer)?;
        Ok(KeyText(key.0))
    }
}

pub type Section = BTreeMap<String, Spanned<RawAnswer>>;

/// The schema of a [`Section`]: answers by key.
type SectionSchema = BTreeMap<String, RawAnswer>;

/// Owner and due-time changes the rep made to one remedy.
#[derive(Debug, Default, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// An [`Adjustment`] as read from a file, with the position of each change
/// for error messages. Read under the same name, so a parse error reads the
/// same as before the positions were kept. (`Serialize` only lets the
/// schema show the section's empty default.)
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Adjustment")]
pub struct AdjustmentIn {
    #[serde(default)]
    pub owner: Option<Spanned<String>>,
    #[serde(default)]
    pub due: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedySection {
    #[schemars(with = "Option<RawAnswer>")]
    pub selected: Option<Spanned<RawAnswer>>,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Adjustment>")]
    pub adjust: BTreeMap<String, Spanned<AdjustmentIn>>,
}

/// An answers file: the answers a rep gave during one call, replayed with
/// `defuse triage --answers FILE` to reproduce the plan.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    #[schemars(with = "Option<String>")]
    pub playbook: Option<Spanned<String>>,
    pub playbook_version: Option<String>,
    #[schemars(with = "Option<String>")]
    pub now: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "SectionSchema")]
    pub case: Section,
    #[serde(default)]
    #[schemars(with = "SectionSchema")]
    pub assess: Section,
    #[serde(default)]
    #[schemars(with = "SectionSchema")]
    pub grievance: Section,
    #[serde(default)]
    pub remedies: RemedySection,
    #[serde(default)]
    #[schemars(with = "SectionSchema")]
    pub record: Section,
    /// The playbook's own fields (`fields:`), by id: `{order_id: A-1042}`.
    #[serde(default)]
    #[schemars(with = "SectionSchema")]
    pub field: Section,
}

impl AnswersFile {
    pub fn parse(source_name: &str, source: &str) -> Result<Self, LoadError> {
        serde_saphyr::from_str_with_options(source, yaml_options())
            .map_err(|e| LoadError::from_yaml(source_name, source, &e))
    }

    /// The answer written for a prompt, if any. The prompts of the remedy
    /// edit loop have none of their own: see [`AnswersFile::adjustment`].
    pub fn answer(&self, id: &PromptId) -> Option<&Spanned<RawAnswer>> {
        match id {
            PromptId::Case(field) => self.case.get(field.key()),
            PromptId::Assess(question) => self.assess.get(question),
            PromptId::Grievance(field) => self.grievance.get(field.key()),
            PromptId::Record(field) => self.record.get(field.key()),
            PromptId::Field(id) => self.field.get(id),
            PromptId::RemediesSelected => self.remedies.selected.as_ref(),
            PromptId::Adjust(_) | PromptId::Owner(_) | PromptId::Due(_) => None,
        }
    }

    /// The remedy that edit round `round` changes, with its changes: the
    /// inverse of [`AnswersOut`], which writes each remedy's net change once,
    /// so replaying takes one round per remedy, in key order, then `done`.
    pub fn adjustment(&self, round: usize) -> Option<(&String, &Spanned<AdjustmentIn>)> {
        self.remedies.adjust.iter().nth(round)
    }

    /// Where this file holds the answer to `id`, as the dotted path a person
    /// reads in it (`assess.our_failure`, `remedies.adjust.private_talk.due`),
    /// for error messages: the edit loop's ids are internal.
    pub fn path_of(&self, id: &PromptId) -> String {
        let change = match id {
            PromptId::Adjust(_) => return "remedies.adjust".into(),
            PromptId::Owner(round) => self.adjustment(*round).map(|(r, _)| (r, "owner")),
            PromptId::Due(round) => self.adjustment(*round).map(|(r, _)| (r, "due")),
            _ => None,
        };
        match change {
            Some((remedy, field)) => format!("remedies.adjust.{remedy}.{field}"),
            None => id.to_string(),
        }
    }
}

/// Builds a positioned error for an answers file.
pub fn answer_error<T>(
    source_name: &str,
    source: &str,
    at: Option<&Spanned<T>>,
    rule: RuleId,
    message: String,
    help: Option<String>,
) -> LoadError {
    LoadError {
        source_name: source_name.to_owned(),
        problems: vec![Problem::at(source, at, rule, message, help)],
    }
}

/// The answers of a finished (or interrupted) session, in the order asked,
/// ready to be written as an answers file.
#[derive(Debug, Default, Serialize)]
pub struct AnswersOut {
    pub playbook: String,
    pub playbook_version: String,
    pub now: String,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub case: Ordered,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub assess: Ordered,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub grievance: Ordered,
    pub remedies: RemedyOut,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub record: Ordered,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub field: Ordered,
}

#[derive(Debug, Default, Serialize)]
pub struct RemedyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub adjust: BTreeMap<String, Adjustment>,
}

/// A map that keeps insertion order (the order questions were asked).
#[derive(Debug, Default)]
pub struct Ordered(pub Vec<(String, AnswerValue)>);

impl Ordered {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, &Plain(v))?;
        }
        map.end()
    }
}

impl AnswersOut {
    /// Files an answer under its section, in the order pushed. The edit
    /// loop's prompts are skipped: their net effect goes in `remedies.adjust`.
    pub fn push(&mut self, id: &PromptId, value: AnswerValue) {
        let (section, key) = match id {
            PromptId::Case(field) => (&mut self.case, field.key().to_owned()),
            PromptId::Assess(question) => (&mut self.assess, question.clone()),
            PromptId::Grievance(field) => (&mut self.grievance, field.key().to_owned()),
            PromptId::Record(field) => (&mut self.record, field.key().to_owned()),
            PromptId::Field(id) => (&mut self.field, id.clone()),
            PromptId::RemediesSelected => {
                if let AnswerValue::Keys(keys) = value {
                    self.remedies.selected = Some(keys);
                }
                return;
            }
            PromptId::Adjust(_) | PromptId::Owner(_) | PromptId::Due(_) => return,
        };
        section.0.push((key, value));
    }

    pub fn to_yaml(&self) -> String {
        let body = serde_saphyr::to_string(self)
            .unwrap_or_else(|e| format!("# could not serialize answers: {e}\n"));
        format!("# defuse answers file: replay with `defuse triage --answers FILE`\n{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the rep types must come back identical from the answers file:
    /// text that looks like YAML booleans, numbers, nulls, comments, quotes,
    /// multi-line text and non-Latin scripts.
    #[test]
    fn typed_text_survives_the_answers_file_round_trip() {
        let tricky = [
            "yes",
            "no",
            "on",
            "off",
            "null",
            "~",
            "123",
            "0x1F",
            "1e3",
            "true",
            "",
            " leading space",
            "trailing space ",
            "# not a comment",
            "key: value",
            "- dash",
            "\"quoted\"",
            "it's",
            "line one\nline two\n",
            "tab\there",
            "台北銀行客訴",
            "&anchor *alias",
            "[flow]",
            "{flow}",
            "%percent",
            "@at",
            "`tick`",
            "!tag",
            "|pipe",
            ">fold",
        ];
        let mut out = AnswersOut {
            playbook: "general".into(),
            playbook_version: "1".into(),
            now: "2026-11-23T10:00:00+08:00".into(),
            ..Default::default()
        };
        for (i, text) in tricky.iter().enumerate() {
            out.record
                .0
                .push((format!("f{i}"), AnswerValue::Text((*text).into())));
        }
        out.assess.0.push((
            "multi".into(),
            AnswerValue::Keys(vec!["yes".into(), "no".into()]),
        ));
        out.assess.0.push(("scale".into(), AnswerValue::Number(4)));
        let yaml = out.to_yaml();
        let back = AnswersFile::parse("a.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        for (i, text) in tricky.iter().enumerate() {
            let raw = &back.record[&format!("f{i}")].value;
            assert_eq!(raw, &RawAnswer::Text((*text).into()), "{text:?} in\n{yaml}");
        }
        assert_eq!(
            back.assess["multi"].value,
            RawAnswer::List(vec!["yes".into(), "no".into()])
        );
        assert_eq!(back.assess["scale"].value, RawAnswer::Number(4));
    }
}
