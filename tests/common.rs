//! Shared helpers: load an embedded playbook, replay answers through the engine.

use defuse::catalog::EMBEDDED;
use defuse::playbook::{Playbook, load_str};
use defuse::prompt::script::ScriptPrompter;
use defuse::triage::drive;
use defuse::triage::session::{Outcome, Session};

pub fn playbook(id: &str) -> Playbook {
    let (name, text) = EMBEDDED
        .iter()
        .find(|(name, _)| *name == id)
        .unwrap_or_else(|| panic!("no embedded playbook {id}"));
    load_str(name, text).unwrap_or_else(|e| panic!("{e}"))
}

/// Replays `answers` (YAML) on `pb`, as `defuse triage --answers` would.
/// Every problem loading `text` as `pb.yaml` reports; empty when it loads.
pub fn problems(text: &str) -> String {
    load_str("pb.yaml", text)
        .map(|_| String::new())
        .unwrap_or_else(|e| e.to_string())
}

pub fn triage(pb: &Playbook, answers: &str) -> Outcome {
    let mut prompter =
        ScriptPrompter::new("test.answers.yaml", answers, pb).unwrap_or_else(|e| panic!("{e}"));
    let mut session = Session::new(pb);
    drive(&mut session, &mut prompter, |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// Ids of the remedies in the plan (the proposed ones unless the answers pick).
pub fn remedies(outcome: &Outcome) -> Vec<&str> {
    outcome.remedies.iter().map(|r| r.remedy.as_str()).collect()
}

/// Kinds of the remedies in the plan.
pub fn kinds<'a>(pb: &'a Playbook, outcome: &Outcome) -> Vec<&'a str> {
    outcome
        .remedies
        .iter()
        .map(|r| {
            pb.remedy(&r.remedy)
                .expect("remedy exists")
                .kind
                .value
                .as_str()
        })
        .collect()
}

pub fn level<'a>(pb: &'a Playbook, outcome: &Outcome) -> &'a str {
    &pb.levels[outcome.assessment.level].id.value
}

pub fn authority<'a>(pb: &'a Playbook, outcome: &Outcome) -> &'a str {
    &pb.authority[outcome.assessment.authority].id.value
}

/// A fresh, empty directory in Cargo's scratch directory: tests never touch
/// the developer's archive or drafts, and earlier test runs never become a
/// customer's history.
pub fn scratch() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("scratch")
        .join(format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The binary as a process, with a fresh case archive of its own (see
/// `scratch`). Only for tests where the process matters; the rest use
/// `crate::test::Test`, which runs the CLI in-process.
pub fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("defuse").expect("binary built");
    // No config file but the one a test writes: the developer's own
    // ~/.config/defuse/config.toml must not change what a test sees.
    cmd.env("DEFUSE_DB", scratch().join("cases.db"))
        .env("XDG_CONFIG_HOME", scratch())
        .env("DEFUSE_OUTBOX", scratch().join("outbox.db"))
        .env_remove("DEFUSE_DRAFTS_DIR");
    // Tests choose their language explicitly; the machine's locale must not leak in.
    for var in ["DEFUSE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd
}

/// `defuse triage --answers FILE --out -` run in `dir`; the plan it prints.
pub fn replay(answers: &std::path::Path, dir: &std::path::Path) -> String {
    replay_with(answers, dir, &[], &[])
}

/// `replay` with options before the subcommand (`--lang`) and after it
/// (`--format`).
pub fn replay_with(
    answers: &std::path::Path,
    dir: &std::path::Path,
    global: &[&str],
    options: &[&str],
) -> String {
    crate::test::Test::new()
        .current_dir(dir)
        .args(global)
        .arg("triage")
        .arg("--answers")
        .arg(answers)
        .args(options)
        // The plan only: replays compare plans, they do not keep cases.
        .args(["--out", "-", "--no-store"])
        .run()
        .success()
        .stdout
}

/// The decisions in a JSON plan: ids, scores, due times — no wording.
pub fn decisions(plan_json: &str) -> serde_json::Value {
    let plan: serde_json::Value = serde_json::from_str(plan_json).expect("JSON plan");
    let ids = |items: &serde_json::Value, fields: &[&str]| -> Vec<String> {
        let items = items.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .map(|item| fields.iter().map(|f| item[f].to_string()).collect())
            .collect()
    };
    let a = &plan["assessment"];
    serde_json::json!({
        "level": a["level"]["id"],
        "authority": a["authority"]["id"],
        "scores": a["scores"],
        "flags": ids(&a["flags"], &["id"]),
        "grievances": ids(&plan["grievances"], &["id"]),
        "remedies": ids(&plan["remedies"], &["id", "due", "proposed"]),
        "followups": ids(&plan["followups"], &["id", "due"]),
        "record": [plan["record"]["complaint_kind"]["id"], plan["record"]["crisis"]["id"], plan["record"]["at_stake"]["id"]],
    })
}

/// Every line of each Markdown table has the same display width.
pub fn assert_tables_line_up(markdown: &str) {
    use unicode_width::UnicodeWidthStr;
    for table in markdown.split("\n\n").filter(|b| b.starts_with('|')) {
        let widths: Vec<usize> = table.lines().map(UnicodeWidthStr::width).collect();
        assert!(
            widths.windows(2).all(|w| w[0] == w[1]),
            "table columns do not line up ({widths:?}):\n{table}"
        );
    }
}

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file of the crate with its path relative to `src/`
/// (`playbook/model.rs`), sorted.
pub fn crate_sources() -> Vec<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read_to_string(&file).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// `examples/NAME.answers.yaml`.
pub fn example(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.answers.yaml"))
}
