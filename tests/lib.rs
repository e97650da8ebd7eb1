//! The integration suite, one binary. Engine tests run the library without a
//! terminal; CLI tests run the binary as a process; the PTY test drives a
//! real pseudo-terminal.

mod architecture;
mod archive;
mod archive_faults;
mod cli;
mod common;
mod engine;
mod languages;
mod lint;
mod lint_docs;
mod load_errors;
mod plans;
mod pty;
mod readme;
mod schema;
