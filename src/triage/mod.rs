//! The triage engine: pure functions and a state machine over a playbook.
//! Nothing here prints, reads the terminal or looks at the clock.

pub mod answers;
pub mod assess;
pub mod briefing;
pub mod history;
pub mod session;

use crate::prompt::{PromptError, Prompter, Reply};
use session::{Outcome, Session};

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
