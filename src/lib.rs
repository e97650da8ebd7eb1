//! defuse: a complaint-triage assistant. See ARCHITECTURE.md for the map.
//!
//! The engine (`playbook`, `triage`, `plan`) is pure; `prompt::terminal` is
//! the only module that draws on the terminal, and `command` the only one
//! that reads files or the clock.

pub mod archive;
pub mod cli;
pub mod command;
pub mod drafts;
pub mod duration;
pub mod error;
pub mod i18n;
pub mod lint;
pub mod output;
pub mod plan;
pub mod playbook;
pub mod prompt;
pub mod read;
pub mod scenario;
pub mod text;
pub mod triage;
pub mod walk;
