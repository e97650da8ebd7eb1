//! Answer values: what a rep's answer to one question is, as conditions
//! test it and sessions hold it. The answers file is `triage::answers`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A normalized answer. Yes/no answers are the keys `yes` and `no`.
///
/// Serialized tagged (`{key: yes}`) in drafts, which must restore the exact
/// value; answers files write it plain through [`Plain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    Key(String),
    Keys(Vec<String>),
    Number(i64),
    Text(String),
}

impl AnswerValue {
    /// The answer as a single key, for comparisons in conditions.
    pub fn as_key(&self) -> Option<String> {
        match self {
            AnswerValue::Key(k) => Some(k.clone()),
            AnswerValue::Number(n) => Some(n.to_string()),
            AnswerValue::Keys(_) | AnswerValue::Text(_) => None,
        }
    }

    pub fn as_text(&self) -> &str {
        match self {
            AnswerValue::Key(t) | AnswerValue::Text(t) => t,
            _ => "",
        }
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerValue::Key(k) | AnswerValue::Text(k) => f.write_str(k),
            AnswerValue::Keys(keys) => f.write_str(&keys.join(", ")),
            AnswerValue::Number(n) => write!(f, "{n}"),
        }
    }
}
