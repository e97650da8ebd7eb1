//! Front ends for a triage session. The engine asks through [`Prompter`];
//! `terminal` is the only module that touches the terminal (dialoguer), and
//! `script` replays an answers file.

pub mod script;
pub mod terminal;

use crate::playbook::load::LoadError;
use crate::triage::answers::AnswerValue;
use crate::triage::briefing::Briefing;
use crate::triage::session::{InvalidAnswer, Prompt};

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
