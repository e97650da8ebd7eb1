//! `defuse lint`: findings on stdout, a summary on stderr, exit 1 on errors,
//! exit 2 when a path could not be read (after linting every other file).

use std::path::PathBuf;

use super::Io;
use crate::catalog;
use crate::cli::{LintArgs, LintFormat};
use crate::diagnostic::{RuleId, Severity, did_you_mean};
use crate::error::Error;
use crate::lint::{self, format, rules};
use crate::walk;

pub fn run(args: &LintArgs, io: &mut Io) -> Result<(), Error> {
    if args.rules_markdown {
        return io.print(&rules::markdown());
    }
    if let Some(rule) = &args.explain {
        // Any rule a diagnostic can name, answers-file rules too.
        let rule = RuleId::from_id(rule).ok_or_else(|| unknown_rule(rule))?;
        return io.print(&format!("{}\n", rules::explain(rule).trim_end()));
    }
    let mut allowed = Vec::new();
    for rule in &args.allow {
        allowed.push(RuleId::lint_rule(rule).ok_or_else(|| unknown_rule(rule))?);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("playbooks")]
    } else {
        args.paths.clone()
    };
    let files = walk::files(&paths, catalog::is_playbook_name);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut reports = lint::lint_files(&files, jobs);
    // Counted before `--allow`: a path that could not be read is never
    // allowed away, whatever its kind (file, FIFO, broken link, directory).
    let unreadable = reports
        .iter()
        .filter(|r| r.problems.iter().any(|p| p.rule == RuleId::UnreadableFile))
        .count();
    for report in &mut reports {
        report.problems.retain(|p| !allowed.contains(&p.rule));
    }
    let text = match args.format {
        LintFormat::Human => format::human(&reports),
        LintFormat::Json => format::json(&reports),
        LintFormat::Github => format::github(&reports),
        LintFormat::Sarif => format::sarif(&reports),
    };
    io.print(&text)?;

    let errors: usize = reports.iter().map(|r| r.count(Severity::Error)).sum();
    let warnings: usize = reports.iter().map(|r| r.count(Severity::Warning)).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary = format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files.len().saturating_sub(unreadable), "file")
    );
    if unreadable > 0 {
        Err(Error::Usage(format!(
            "{summary}; {} could not be read",
            plural(unreadable, "path")
        )))
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        Err(Error::Findings(summary))
    } else {
        let _ = writeln!(io.err, "{summary}");
        Ok(())
    }
}

fn unknown_rule(rule: &str) -> Error {
    let hint = did_you_mean(rule, rules::ids())
        .map(|h| format!(" {h}"))
        .unwrap_or_default();
    Error::Usage(format!(
        "unknown lint rule `{rule}`.{hint} Rules: {}",
        rules::ids().join(", ")
    ))
}
