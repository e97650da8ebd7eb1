//! defuse: a complaint-triage assistant. See ARCHITECTURE.md for the map.
//!
//! Modules form layers with no cycles (the table is in
//! `tests/architecture.rs`): leaves (`text`, `duration`, `i18n`,
//! `diagnostic`) → the pure model (`playbook`) → the engine (`triage`) →
//! `plan` → front ends and the I/O edge (`prompt`, `catalog`, `archive`, …)
//! → `command`. The model and engine never read files or the clock;
//! `prompt::terminal` is the only module that draws on the terminal.

pub mod archive;
pub mod catalog;
pub mod cli;
pub mod command;
pub mod config;
pub mod diagnostic;
pub mod drafts;
pub mod duration;
pub mod error;
pub mod hours;
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
