//! `defuse schema`: JSON Schemas (draft 2020-12) generated from the Rust
//! types, so editors complete and check playbooks, answers and scenarios.

use super::Io;
use crate::cli::{SchemaArgs, SchemaKind};
use crate::error::Error;

/// The schema of one kind of file, as pretty JSON with a final newline.
pub fn generate(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Playbook => schemars::schema_for!(crate::playbook::Playbook),
        SchemaKind::Answers => schemars::schema_for!(crate::triage::answers::AnswersFile),
        SchemaKind::Scenarios => schemars::schema_for!(crate::scenario::ScenarioFile),
    };
    crate::text::json(&schema).unwrap_or_else(|_| "\n".into())
}

pub fn run(args: &SchemaArgs, io: &mut Io) -> Result<(), Error> {
    io.print(&generate(args.kind))
}
