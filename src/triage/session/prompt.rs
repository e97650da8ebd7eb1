//! What a front end is asked: the stage, the prompt and the kinds of answer
//! it takes, and how an answer is read (`parse`, from an answers file) and
//! checked (`validate`, for every front end).

use crate::duration::Due;
use crate::i18n::Lang;
use crate::playbook::field::FieldError;
use crate::playbook::vocab::NONE_CLEAR;
use crate::playbook::{FieldRule, Step};
use crate::triage::PromptId;
use crate::triage::answers::{AnswerValue, RawAnswer};
use crate::triage::prompt_id::{GrievanceField, RecordField};

/// The stages a rep walks through: the case, then the three SOP steps, then
/// the complaint record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Case,
    Assess,
    Grievance,
    Remedies,
    Record,
}

impl Stage {
    pub fn title(self, lang: Lang) -> &'static str {
        let l = lang.labels();
        match self {
            Stage::Case => l.stage_case,
            Stage::Assess => l.stage_assess,
            Stage::Grievance => l.stage_grievance,
            Stage::Remedies => l.stage_remedies,
            Stage::Record => l.stage_record,
        }
    }
    pub fn step(self) -> Option<Step> {
        match self {
            Stage::Assess => Some(Step::Assess),
            Stage::Grievance => Some(Step::Grievance),
            Stage::Remedies => Some(Step::Remedies),
            Stage::Case | Stage::Record => None,
        }
    }
}

/// One option of a list: its key (what answers hold), its label, and the
/// facts a front end must keep if it has to cut the label (owner, due).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub key: String,
    pub label: String,
    pub detail: String,
}

impl Opt {
    pub fn new(key: String, label: String) -> Self {
        Opt {
            key,
            label,
            detail: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Text,
    YesNo,
    Choice(Vec<Opt>),
    Multi(Vec<Opt>),
    Scale {
        min: i64,
        max: i64,
        low: String,
        high: String,
    },
    /// Text that must read as a duration (`4h`).
    Duration,
    /// Typed text for one of the playbook's own fields, checked by its rule.
    Field(FieldRule),
}

/// One question to put to the rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub id: PromptId,
    pub stage: Stage,
    pub title: String,
    pub help: String,
    pub kind: PromptKind,
    /// Pre-filled answer (Enter accepts it): an earlier answer after `back`,
    /// the suggested grievances, the proposed remedies.
    pub default: Option<AnswerValue>,
    /// Whether an empty text / empty selection is refused.
    pub required: bool,
}

/// Why an answer does not fit its prompt: told to the rep on a live call (in
/// their language), or in an error about an answers file (in English, its
/// `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe(Lang::En))]
pub enum InvalidAnswer {
    NonePicked,
    /// "None clear yet" picked together with a grievance.
    NoneClearAlone,
    Required,
    /// A name over [`MAX_NAME_CHARS`]: how many characters it has.
    TooLong(usize),
    /// A playbook field's value that does not fit its rule.
    Field(FieldError),
    /// What only an answers file can get wrong (unknown keys, wrong types).
    Other(String),
}

impl InvalidAnswer {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            InvalidAnswer::NonePicked => lang.labels().pick_at_least_one.into(),
            InvalidAnswer::NoneClearAlone => lang.labels().none_clear_alone.into(),
            InvalidAnswer::Required => lang.labels().answer_required.into(),
            InvalidAnswer::TooLong(got) => (lang.labels().too_long)(MAX_NAME_CHARS, *got),
            InvalidAnswer::Field(why) => {
                let l = lang.labels();
                match why {
                    FieldError::NotANumber => l.field_not_number.into(),
                    FieldError::NotADate => l.field_not_date.into(),
                    FieldError::TooLong(max, got) => (l.field_too_long)(*max, *got),
                    FieldError::NotMask(mask) => (l.field_mask)(mask),
                }
            }
            InvalidAnswer::Other(why) => why.clone(),
        }
    }
}

/// The longest name (customer, contact, role, owner) accepted. Names become
/// case ids, file names, table cells and archive keys; a pasted page of text
/// in one is a mistake, and would swamp every table it appears in.
pub const MAX_NAME_CHARS: usize = 200;

impl Prompt {
    /// Whether this prompt asks for a name, which is capped.
    fn is_name(&self) -> bool {
        matches!(
            self.id,
            PromptId::Case(_) | PromptId::Owner(_) | PromptId::Record(RecordField::OurOwner)
        )
    }

    /// Reads an answer as written in an answers file.
    pub fn parse(&self, raw: &RawAnswer) -> Result<AnswerValue, InvalidAnswer> {
        let value = match (&self.kind, raw) {
            (PromptKind::Multi(_), RawAnswer::List(keys)) => AnswerValue::Keys(keys.clone()),
            (PromptKind::Multi(_), RawAnswer::Text(key)) => AnswerValue::Keys(vec![key.clone()]),
            (PromptKind::Scale { .. }, RawAnswer::Number(n)) => AnswerValue::Number(*n),
            (PromptKind::Scale { .. }, RawAnswer::Text(t)) => t
                .trim()
                .parse()
                .map(AnswerValue::Number)
                .map_err(|_| InvalidAnswer::Other(format!("`{t}` is not a number")))?,
            (PromptKind::YesNo | PromptKind::Choice(_), RawAnswer::Text(t)) => {
                AnswerValue::Key(t.clone())
            }
            (PromptKind::YesNo | PromptKind::Choice(_), RawAnswer::Number(n)) => {
                AnswerValue::Key(n.to_string())
            }
            (
                PromptKind::Text | PromptKind::Duration | PromptKind::Field(_),
                RawAnswer::Text(t),
            ) => AnswerValue::Text(t.clone()),
            (
                PromptKind::Text | PromptKind::Duration | PromptKind::Field(_),
                RawAnswer::Number(n),
            ) => AnswerValue::Text(n.to_string()),
            (_, RawAnswer::List(_)) => {
                return Err(InvalidAnswer::Other(
                    "expected one answer, not a list".into(),
                ));
            }
            (PromptKind::Multi(_), RawAnswer::Number(n)) => AnswerValue::Keys(vec![n.to_string()]),
        };
        self.validate(&value)?;
        Ok(value)
    }

    /// Checks an answer against what this prompt accepts.
    pub fn validate(&self, value: &AnswerValue) -> Result<(), InvalidAnswer> {
        let keys_of = |opts: &[Opt]| opts.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        let unknown = |key: &str, keys: Vec<String>| {
            let hint = crate::playbook::load::did_you_mean(key, keys.iter().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            InvalidAnswer::Other(format!("`{key}` is not one of: {}{hint}", keys.join(", ")))
        };
        match (&self.kind, value) {
            (PromptKind::YesNo, AnswerValue::Key(k)) if k == "yes" || k == "no" => Ok(()),
            (PromptKind::YesNo, AnswerValue::Key(k)) => {
                Err(unknown(k, vec!["yes".into(), "no".into()]))
            }
            (PromptKind::Choice(opts), AnswerValue::Key(k)) => {
                if opts.iter().any(|o| &o.key == k) {
                    Ok(())
                } else {
                    Err(unknown(k, keys_of(opts)))
                }
            }
            (PromptKind::Multi(opts), AnswerValue::Keys(keys)) => {
                if let Some(bad) = keys.iter().find(|k| !opts.iter().any(|o| &o.key == *k)) {
                    return Err(unknown(bad, keys_of(opts)));
                }
                if self.required && keys.is_empty() {
                    return Err(InvalidAnswer::NonePicked);
                }
                if self.id == PromptId::Grievance(GrievanceField::Picked)
                    && keys.len() > 1
                    && keys.iter().any(|k| k == NONE_CLEAR)
                {
                    return Err(InvalidAnswer::NoneClearAlone);
                }
                Ok(())
            }
            (PromptKind::Scale { min, max, .. }, AnswerValue::Number(n)) => {
                if (min..=max).contains(&n) {
                    Ok(())
                } else {
                    Err(InvalidAnswer::Other(format!("{n} is outside {min}..{max}")))
                }
            }
            (PromptKind::Text, AnswerValue::Text(t)) => {
                let chars = t.chars().count();
                if self.required && t.trim().is_empty() {
                    Err(InvalidAnswer::Required)
                } else if chars > MAX_NAME_CHARS
                    && self.is_name()
                    // The pre-filled owner comes from the playbook, not the rep.
                    && self.default.as_ref() != Some(value)
                {
                    Err(InvalidAnswer::TooLong(chars))
                } else {
                    Ok(())
                }
            }
            // Checked as it will be filed: trimmed, as every text answer is.
            (PromptKind::Field(rule), AnswerValue::Text(t)) => match t.trim() {
                "" if self.required => Err(InvalidAnswer::Required),
                "" => Ok(()),
                value => rule.check(value).map_err(InvalidAnswer::Field),
            },
            (PromptKind::Duration, AnswerValue::Text(t)) => t
                .parse::<Due>()
                .map(|_| ())
                .map_err(|e| InvalidAnswer::Other(e.to_string())),
            _ => Err(InvalidAnswer::Other(
                "this kind of answer does not fit the question".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::prompt_id::CaseField;

    fn text_prompt(id: PromptId, default: Option<&str>) -> Prompt {
        Prompt {
            id,
            stage: Stage::Case,
            title: "Name".into(),
            help: String::new(),
            kind: PromptKind::Text,
            default: default.map(|d| AnswerValue::Text(d.into())),
            required: true,
        }
    }

    #[test]
    fn names_are_capped_and_the_rep_is_told_in_their_language() {
        let at_cap = AnswerValue::Text("名".repeat(MAX_NAME_CHARS));
        let over = AnswerValue::Text("x".repeat(MAX_NAME_CHARS + 1));
        for id in [
            PromptId::Case(CaseField::Customer),
            PromptId::Case(CaseField::Contact),
            PromptId::Owner(0),
            PromptId::Record(RecordField::OurOwner),
        ] {
            let prompt = text_prompt(id.clone(), None);
            assert_eq!(prompt.validate(&at_cap), Ok(()), "{id}");
            let why = prompt.validate(&over).unwrap_err();
            assert_eq!(why, InvalidAnswer::TooLong(MAX_NAME_CHARS + 1), "{id}");
            assert!(why.to_string().contains("at most 200 characters"), "{why}");
            assert!(why.describe(Lang::ZhTw).contains("200"));
        }
        // Free text (what the customer said, the impact) is not a name.
        let words = text_prompt(PromptId::Record(RecordField::Impact), None);
        assert_eq!(words.validate(&over), Ok(()));
        // The playbook's own pre-filled owner is not the rep's to shorten.
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        let owner = text_prompt(PromptId::Owner(0), Some(&long));
        assert_eq!(owner.validate(&over), Ok(()));
    }
}
