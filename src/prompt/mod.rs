//! Front ends for a triage session: implementations of the engine's
//! [`Prompter`] port. `terminal` is the only module that touches the
//! terminal (dialoguer), and `script` replays an answers file.

pub mod fit;
pub mod script;
pub mod terminal;

pub use crate::triage::port::{PromptError, Prompter, Reply};
