//! Replays an answers file: the scripted front end, used by
//! `defuse triage --answers FILE` and by tests. Needs no terminal.
//!
//! Which answer in the file belongs to which prompt is the answers file's
//! business (`AnswersFile::answer`, `AnswersFile::adjustment`); this module
//! only hands them over and words the errors.

use serde_saphyr::Spanned;

use super::{PromptError, Prompter, Reply};
use crate::playbook::Playbook;
use crate::playbook::field::unknown_field_help;
use crate::playbook::load::{LoadError, RuleId, did_you_mean};
use crate::triage::PromptId;
use crate::triage::answers::{AdjustmentIn, AnswerValue, AnswersFile, answer_error};
use crate::triage::briefing::Briefing;
use crate::triage::prompt_id::{CaseField, Field, GrievanceField, RecordField};
use crate::triage::session::{ADJUST_DONE, InvalidAnswer, Prompt, PromptKind};

pub struct ScriptPrompter {
    name: String,
    source: String,
    file: AnswersFile,
    /// Position of the answer just given, for error messages.
    last_position: Option<Spanned<()>>,
    /// Where a missing answer is reported: the answers' owner (a scenario
    /// in a scenario file); the file's start when there is none.
    anchor: Option<Spanned<()>>,
}

/// Where a value was written, without the value.
fn position<T>(at: &Spanned<T>) -> Spanned<()> {
    Spanned {
        value: (),
        referenced: at.referenced,
        defined: at.defined,
    }
}

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
        let fields: Vec<&str> = playbook
            .fields
            .iter()
            .map(|f| f.id.value.as_str())
            .collect();
        for (section, entries, known) in [
            ("case", &file.case, CaseField::keys()),
            ("assess", &file.assess, questions),
            ("grievance", &file.grievance, GrievanceField::keys()),
            ("record", &file.record, RecordField::keys()),
            ("field", &file.field, fields),
        ] {
            for (key, value) in entries {
                if !known.contains(&key.as_str()) {
                    let help = if section == "field" {
                        Some(unknown_field_help(&playbook.fields, key))
                    } else {
                        did_you_mean(key, known.iter().copied()).or_else(|| {
                            Some(format!("known keys of `{section}`: {}", known.join(", ")))
                        })
                    };
                    let message = match section {
                        "assess" => {
                            format!("playbook `{}` has no question `{key}`", playbook.id.value)
                        }
                        "field" => {
                            format!("playbook `{}` has no field `{key}`", playbook.id.value)
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
        Ok(ScriptPrompter {
            name: name.to_owned(),
            source: source.to_owned(),
            file,
            last_position: None,
            anchor: None,
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

    /// Missing answers are reported at `at` (e.g. the scenario they belong
    /// to) instead of the start of the file.
    pub fn anchored<T>(mut self, at: &Spanned<T>) -> Self {
        self.anchor = Some(position(at));
        self
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

    /// An edit round: the remedy it changes (or done), as the file lists them.
    fn adjust_target(&mut self, round: usize) -> Reply {
        let entry = self.file.adjustment(round);
        self.last_position = entry.map(|(_, change)| position(change));
        let target = entry.map_or(ADJUST_DONE, |(remedy, _)| remedy.as_str());
        Reply::Answer(AnswerValue::Key(target.to_owned()))
    }

    /// The owner or due time of an edit round: as written, else unchanged.
    fn adjust_change(
        &mut self,
        prompt: &Prompt,
        round: usize,
        pick: fn(&AdjustmentIn) -> Option<&Spanned<String>>,
    ) -> Reply {
        let given = self
            .file
            .adjustment(round)
            .and_then(|(_, change)| pick(&change.value));
        if let Some(given) = given {
            self.last_position = Some(position(given));
        }
        let value = given
            .map(|g| AnswerValue::Text(g.value.clone()))
            .or_else(|| prompt.default.clone())
            .unwrap_or(AnswerValue::Text(String::new()));
        Reply::Answer(value)
    }

    fn invalid(&self, at: Option<&Spanned<()>>, prompt: &Prompt, why: &InvalidAnswer) -> LoadError {
        self.error(
            at,
            RuleId::InvalidAnswer,
            format!(
                "invalid answer to `{}`: {why}",
                self.file.path_of(&prompt.id)
            ),
            Some(prompt.title.clone()),
        )
    }
}

impl Prompter for ScriptPrompter {
    fn stage(&mut self, _briefing: &Briefing) -> Result<(), PromptError> {
        Ok(())
    }

    fn ask(&mut self, prompt: &Prompt) -> Result<Reply, PromptError> {
        match prompt.id {
            PromptId::Adjust(round) => return Ok(self.adjust_target(round)),
            PromptId::Owner(round) => {
                return Ok(self.adjust_change(prompt, round, |c| c.owner.as_ref()));
            }
            PromptId::Due(round) => {
                return Ok(self.adjust_change(prompt, round, |c| c.due.as_ref()));
            }
            _ => {}
        }
        match self
            .file
            .answer(&prompt.id)
            .map(|raw| (position(raw), raw.value.clone()))
        {
            Some((at, raw)) => {
                self.last_position = Some(at.clone());
                prompt
                    .parse(&raw)
                    .map(Reply::Answer)
                    .map_err(|why| self.invalid(Some(&at), prompt, &why).into())
            }
            None => {
                self.last_position = None;
                if let Some(default) = &prompt.default {
                    return Ok(Reply::Answer(default.clone()));
                }
                let typed = matches!(prompt.kind, PromptKind::Text | PromptKind::Field(_));
                if typed && !prompt.required {
                    return Ok(Reply::Answer(AnswerValue::Text(String::new())));
                }
                Err(self
                    .error(
                        self.anchor.as_ref(),
                        RuleId::MissingAnswer,
                        format!("missing answer `{}`: {}", prompt.id, prompt.title),
                        Some(format!(
                            "add `{}: …` under `{}:`",
                            prompt.id.key(),
                            prompt.id.section().name()
                        )),
                    )
                    .into())
            }
        }
    }

    fn rejected(&mut self, prompt: &Prompt, why: &InvalidAnswer) -> Result<(), PromptError> {
        Err(self
            .invalid(self.last_position.as_ref(), prompt, why)
            .into())
    }
}
