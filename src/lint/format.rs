//! Lint output: for people (with snippets), JSON, GitHub annotations, SARIF 2.1.0.

use serde_json::json;

use super::FileReport;
use crate::diagnostic::{LoadError, RuleId, Severity};

pub fn human(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports.iter().filter(|r| !r.problems.is_empty()) {
        let error = LoadError {
            source_name: report.name(),
            problems: report.problems.clone(),
        };
        out.push_str(&error.to_string());
        out.push('\n');
    }
    out
}

pub fn json(reports: &[FileReport]) -> String {
    let findings: Vec<_> = reports
        .iter()
        .flat_map(|r| {
            r.problems.iter().map(move |p| {
                json!({
                    "file": r.name(),
                    "line": p.line,
                    "column": p.column,
                    "severity": p.severity,
                    "rule": p.rule,
                    "message": p.message,
                    "help": p.help,
                })
            })
        })
        .collect();
    crate::text::json(&findings).unwrap_or_else(|_| "\n".into())
}

/// GitHub Actions workflow commands: one annotation per finding.
pub fn github(reports: &[FileReport]) -> String {
    // Workflow-command escaping: properties also escape `:` and `,`.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for r in reports {
        for p in &r.problems {
            let mut message = p.message.clone();
            if let Some(help) = &p.help {
                message.push_str(&format!("\n{help}"));
            }
            out.push_str(&format!(
                "::{} file={},line={},col={},title={}::{}\n",
                p.severity,
                property(&r.name()),
                p.line,
                p.column,
                property(&format!("defuse {}", p.rule)),
                data(&message)
            ));
        }
    }
    out
}

/// SARIF 2.1.0, for GitHub code scanning and other viewers.
pub fn sarif(reports: &[FileReport]) -> String {
    let rules: Vec<_> = RuleId::lint()
        .map(|r| {
            json!({
                "id": r.id(),
                "shortDescription": {"text": r.summary()},
                "defaultConfiguration": {"level": level(r.severity())},
            })
        })
        .collect();
    let results: Vec<_> = reports
        .iter()
        .flat_map(|r| {
            r.problems.iter().map(move |p| {
                let mut text = p.message.clone();
                if let Some(help) = &p.help {
                    text.push_str(&format!(" ({help})"));
                }
                json!({
                    "ruleId": p.rule,
                    "ruleIndex": RuleId::lint().position(|rule| rule == p.rule),
                    "level": level(p.severity),
                    "message": {"text": text},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.name().replace('\\', "/")},
                            "region": {"startLine": p.line, "startColumn": p.column},
                        }
                    }],
                })
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "defuse",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    crate::text::json(&log).unwrap_or_else(|_| "\n".into())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
