//! The triage engine: pure functions and a state machine over a playbook.
//! Nothing here prints, reads the terminal or looks at the clock, and
//! nothing here knows a front end: they implement [`Prompter`].

pub mod answers;
pub mod assess;
pub mod briefing;
pub mod fingerprint;
pub mod history;
pub mod port;
pub mod prompt_id;
pub mod session;

pub use fingerprint::Fingerprint;
pub use port::{PromptError, Prompter, Reply, drive};
pub use prompt_id::PromptId;
