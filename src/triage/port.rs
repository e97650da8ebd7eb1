//! The port a front end implements ([`Prompter`]) and the loop that drives a
//! session through it ([`drive`]). The engine owns both, so it never depends
//! on a front end; the `prompt` module holds the implementations (terminal,
//! script).

use super::answers::AnswerValue;
use super::briefing::{self, Briefing};
use super::session::{InvalidAnswer, Outcome, Prompt, Session};
use crate::playbook::load::LoadError;

/// What the rep did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Answer(AnswerValue),
    /// Go back to the previous question.
    Back,
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// Ctrl-C or Esc at the first prompt with nothing to go back to.
    #[error("interrupted")]
    Interrupted,
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
    /// The answers file misses an answer or has a wrong one.
    #[error("{0}")]
    Answers(#[from] LoadError),
}

pub trait Prompter {
    /// A new stage begins: show its header, guidance and advice.
    fn stage(&mut self, briefing: &Briefing) -> Result<(), PromptError>;
    /// Asks one question.
    fn ask(&mut self, prompt: &Prompt) -> Result<Reply, PromptError>;
    /// The session refused the answer; show why (the prompt is asked again),
    /// or fail when there is nobody to ask again.
    fn rejected(&mut self, prompt: &Prompt, why: &InvalidAnswer) -> Result<(), PromptError>;
}

/// Runs a session to the end through a front end. `after_answer` runs after
/// every accepted answer (and every step back), e.g. to save a draft.
pub fn drive(
    session: &mut Session,
    prompter: &mut dyn Prompter,
    mut after_answer: impl FnMut(&Session),
) -> Result<Outcome, PromptError> {
    let mut shown = None;
    while let Some(prompt) = session.next_prompt() {
        if shown != Some(prompt.stage) {
            prompter.stage(&briefing::brief(session, prompt.stage))?;
            shown = Some(prompt.stage);
        }
        match prompter.ask(&prompt)? {
            Reply::Answer(value) => match session.answer(value) {
                Ok(()) => after_answer(session),
                Err(why) => prompter.rejected(&prompt, &why)?,
            },
            // At the first question there is nothing to go back to: ask again.
            Reply::Back => {
                if session.back() {
                    after_answer(session);
                }
            }
        }
    }
    // The loop ends only when no prompt is open, so finish cannot fail.
    session
        .finish()
        .map_err(|open| PromptError::Io(std::io::Error::other(open)))
}
