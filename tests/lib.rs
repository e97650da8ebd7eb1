//! The integration suite, one binary. Engine tests run the library without a
//! terminal; CLI tests run the CLI in-process (`test::Test`), and as a
//! process only where the process matters; the PTY test drives a real
//! pseudo-terminal.

mod architecture;
mod archive;
mod archive_faults;
mod backends;
mod cases;
mod cli;
mod commitments;
mod common;
mod compat;
mod completions;
mod config;
mod conventions;
mod copy;
mod drafts;
mod engine;
mod fields;
mod fuzz_replay;
mod gate;
mod guide;
mod languages;
mod lint;
mod lint_docs;
mod load_errors;
mod new_playbook;
mod outbox;
mod plans;
mod playbook_tools;
mod pty;
mod readme;
mod scale;
mod scenario_coverage;
mod schema;
mod server_migrations;
mod stats;
mod storm;
mod test;
mod tls;
mod unsure;
mod wording;
