//! Replays an answers file: the scripted front end, used by
//! `defuse triage --answers FILE` and by tests. Needs no terminal.

use serde_saphyr::Spanned;

use super::{PromptError, Prompter, Reply};
use crate::playbook::Playbook;
use crate::playbook::load::{LoadError, RuleId, did_you_mean};
use crate::triage::answers::{AnswerValue, AnswersFile, RawAnswer, Section, answer_error};
use crate::triage::briefing::Briefing;
use crate::triage::session::{InvalidAnswer, Prompt, PromptKind, RECORD_FIELDS};

pub struct ScriptPrompter {
    name: String,
    source: String,
    file: AnswersFile,
    /// Remedies whose adjustment has been replayed, in file order.
    adjust_queue: Vec<String>,
    /// The remedy being adjusted in the current round.
    adjusting: Option<String>,
    /// Position of the answer just given, for error messages.
    last_position: Option<Spanned<()>>,
}

const GRIEVANCE_KEYS: &[&str] = &["picked", "words", "kind", "crisis", "at_stake"];
const CASE_KEYS: &[&str] = &["customer", "contact", "role"];

impl ScriptPrompter {
    /// Parses an answers file and checks every key names a real question.
    pub fn new(name: &str, source: &str, playbook: &Playbook) -> Result<Self, LoadError> {
        Self::from_file(name, source, AnswersFile::parse(name, source)?, playbook)
    }

    /// Replays answers already parsed (e.g. a case inside a scenario file);
    /// `source` is the text they came from, for error snippets.
    pub fn from_file(
        name: &str,
        source: &str,
        file: AnswersFile,
        playbook: &Playbook,
    ) -> Result<Self, LoadError> {
        let questions: Vec<&str> = playbook
            .assess
            .questions
            .iter()
            .map(|q| q.id.value.as_str())
            .collect();
        let record: Vec<&str> = RECORD_FIELDS.iter().map(|(k, _)| *k).collect();
        for (section, entries, known) in [
            ("case", &file.case, CASE_KEYS),
            ("assess", &file.assess, questions.as_slice()),
            ("grievance", &file.grievance, GRIEVANCE_KEYS),
            ("record", &file.record, record.as_slice()),
        ] {
            for (key, value) in entries {
                if !known.contains(&key.as_str()) {
                    let help = did_you_mean(key, known.iter().copied()).or_else(|| {
                        Some(format!("known keys of `{section}`: {}", known.join(", ")))
                    });
                    let message = match section {
                        "assess" => {
                            format!("playbook `{}` has no question `{key}`", playbook.id.value)
                        }
                        _ => format!("unknown answer `{section}.{key}`"),
                    };
                    return Err(answer_error(
                        name,
                        source,
                        Some(value),
                        RuleId::UnknownAnswerKey,
                        message,
                        help,
                    ));
                }
            }
        }
        if let Some(id) = &file.playbook
            && id.value != playbook.id.value
        {
            return Err(answer_error(
                name,
                source,
                Some(id),
                RuleId::WrongPlaybook,
                format!(
                    "these answers are for playbook `{}`, not `{}`",
                    id.value, playbook.id.value
                ),
                Some("pass the matching `--playbook`, or drop the `playbook:` line".into()),
            ));
        }
        let adjust_queue = file.remedies.adjust.keys().rev().cloned().collect();
        Ok(ScriptPrompter {
            name: name.to_owned(),
            source: source.to_owned(),
            file,
            adjust_queue,
            adjusting: None,
            last_position: None,
        })
    }

    /// The playbook version the answers were recorded with, if written.
    pub fn recorded_version(&self) -> Option<&str> {
        self.file.playbook_version.as_deref()
    }

    /// The call time recorded in the file, if any, with its position.
    pub fn now(&self) -> Option<&Spanned<String>> {
        self.file.now.as_ref()
    }

    pub fn error<T>(
        &self,
        at: Option<&Spanned<T>>,
        rule: RuleId,
        message: String,
        help: Option<String>,
    ) -> LoadError {
        answer_error(&self.name, &self.source, at, rule, message, help)
    }

    fn raw(&self, prompt_id: &str) -> Option<&Spanned<RawAnswer>> {
        let (section, key) = prompt_id.split_once('.')?;
        let entries: &Section = match section {
            "case" => &self.file.case,
            "assess" => &self.file.assess,
            "grievance" => &self.file.grievance,
            "record" => &self.file.record,
            "remedies" if key == "selected" => return self.file.remedies.selected.as_ref(),
            _ => return None,
        };
        entries.get(key)
    }

    /// The adjustment rounds: one per remedy in `remedies.adjust`, then done.
    fn adjust_reply(&mut self, prompt: &Prompt) -> Reply {
        if prompt.id.starts_with("remedies.adjust.") {
            self.adjusting = self.adjust_queue.pop();
            let target = self.adjusting.clone().unwrap_or_else(|| "done".into());
            self.last_position = self
                .adjusting
                .as_ref()
                .and_then(|id| self.file.remedies.adjust.get(id))
                .map(|a| Spanned {
                    value: (),
                    referenced: a.referenced,
                    defined: a.defined,
                });
            return Reply::Answer(AnswerValue::Key(target));
        }
        let adjustment = self
            .adjusting
            .as_ref()
            .and_then(|id| self.file.remedies.adjust.get(id));
        let given = adjustment.and_then(|a| {
            if prompt.id.starts_with("remedies.owner.") {
                a.value.owner.clone()
            } else {
                a.value.due.clone()
            }
        });
        let value = given
            .map(AnswerValue::Text)
            .or_else(|| prompt.default.clone())
            .unwrap_or(AnswerValue::Text(String::new()));
        Reply::Answer(value)
    }
}

impl Prompter for ScriptPrompter {
    fn stage(&mut self, _briefing: &Briefing) -> Result<(), PromptError> {
        Ok(())
    }

    fn ask(&mut self, prompt: &Prompt) -> Result<Reply, PromptError> {
        if prompt.id.starts_with("remedies.") && prompt.id != "remedies.selected" {
            return Ok(self.adjust_reply(prompt));
        }
        match self.raw(&prompt.id).cloned() {
            Some(raw) => {
                self.last_position = Some(Spanned {
                    value: (),
                    referenced: raw.referenced,
                    defined: raw.defined,
                });
                prompt.parse(&raw.value).map(Reply::Answer).map_err(|why| {
                    self.error(
                        Some(&raw),
                        RuleId::InvalidAnswer,
                        format!("invalid answer to `{}`: {why}", prompt.id),
                        Some(prompt.title.clone()),
                    )
                    .into()
                })
            }
            None => {
                self.last_position = None;
                if let Some(default) = &prompt.default {
                    return Ok(Reply::Answer(default.clone()));
                }
                if prompt.kind == PromptKind::Text && !prompt.required {
                    return Ok(Reply::Answer(AnswerValue::Text(String::new())));
                }
                let (section, key) = prompt.id.split_once('.').unwrap_or(("", &prompt.id));
                Err(self
                    .error::<()>(
                        None,
                        RuleId::MissingAnswer,
                        format!("missing answer `{}`: {}", prompt.id, prompt.title),
                        Some(format!("add `{key}: …` under `{section}:`")),
                    )
                    .into())
            }
        }
    }

    fn rejected(&mut self, prompt: &Prompt, why: &InvalidAnswer) -> Result<(), PromptError> {
        Err(self
            .error(
                self.last_position.as_ref(),
                RuleId::InvalidAnswer,
                format!("invalid answer to `{}`: {why}", prompt.id),
                Some(prompt.title.clone()),
            )
            .into())
    }
}
