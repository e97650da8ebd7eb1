//! The output gate: whatever the source of a text — an argument, a file
//! name, a playbook, an answers or scenario file, the archive, the
//! environment — no control or bidi character reaches stdout or stderr raw,
//! and every JSON the tool prints stays valid and reads back the same text.

use std::path::{Path, PathBuf};

use crate::test::{Output, Test};

/// An OSC title change, BEL, an SGR colour, a C1 CSI, RLO and LRI. The word
/// `pwned` (or the RLO, escaped) shows that the text did reach the output.
const NASTY: &str = "\x1b]0;pwned\x07\x1b[31m\u{9b}2J\u{202E}\u{2066}";
/// The same, written with YAML double-quoted escapes.
const NASTY_YAML: &str = r#""\e]0;pwned\a\e[31m\x9b2J\u202E\u2066""#;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Neither stream carries a raw control or bidi character, and the hostile
/// text did reach one of them.
#[track_caller]
fn escaped(out: Output) -> Output {
    for (name, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        // CRLF line ends (CSV's) are harmless; a lone CR is not.
        if let Some(c) = text.replace("\r\n", "\n").chars().find(|&c| dangerous(c)) {
            panic!("raw {c:?} on {name}\n{out}");
        }
    }
    // clap strips ANSI sequences from the values it quotes, so only the C1
    // and bidi characters reach its messages.
    let reached = |text: &str| text.contains("pwned") || text.to_lowercase().contains("202e");
    assert!(
        reached(&out.stdout) || reached(&out.stderr),
        "the hostile text never reached the output, so this checks nothing\n{out}"
    );
    out
}

/// Valid JSON whose strings hold the hostile text exactly.
#[track_caller]
fn json_keeps(out: &Output) {
    let value: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{out}"));
    assert!(
        value
            .to_string()
            .contains(&serde_json::to_string(NASTY).unwrap()[1..20])
    );
    fn has(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains(NASTY),
            serde_json::Value::Array(items) => items.iter().any(has),
            serde_json::Value::Object(map) => map.values().any(has),
            _ => false,
        }
    }
    assert!(has(&value), "the JSON lost the text\n{out}");
}

fn fire() -> PathBuf {
    Path::new(ROOT).join("examples/general-fire.answers.yaml")
}

fn base() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("src/lint/examples/base.yaml")).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The fire example with one line replaced.
fn fire_with(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(fire()).unwrap();
    assert!(text.contains(from), "{from}");
    write(dir, "a.answers.yaml", &text.replacen(from, to, 1))
}

#[test]
fn arguments_and_the_environment() {
    // An unknown playbook id, an invalid --now, --lang and flag name (clap's
    // own messages), and $DEFUSE_LANG.
    escaped(
        Test::new()
            .args(["triage", "--playbook", NASTY, "--answers"])
            .arg(fire())
            .run()
            .status(2),
    );
    escaped(
        Test::new()
            .args(["triage", "--now", NASTY, "--answers"])
            .arg(fire())
            .run()
            .status(2),
    );
    escaped(
        Test::new()
            .args(["--lang", NASTY, "playbooks"])
            .run()
            .status(2),
    );
    escaped(Test::new().arg(format!("--{NASTY}")).run().status(2));
    escaped(
        Test::new()
            .arg("playbooks")
            .env("DEFUSE_LANG", NASTY)
            .run()
            .status(2),
    );
    escaped(Test::new().args(["lint", "--allow", NASTY]).run().status(2));
    // An existing archive: a missing one is refused before the id is read.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(fire())
        .run()
        .success();
    escaped(
        Test::new()
            .env("DEFUSE_DB", &db)
            .args(["cases", "show", NASTY])
            .run()
            .status(2),
    );
}

#[test]
fn file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join(format!("{NASTY}.answers.yaml"));
    escaped(
        Test::new()
            .arg("triage")
            .arg("--answers")
            .arg(&missing)
            .run()
            .status(2),
    );
    // A playbook with a finding, under a hostile name: lint names the file.
    let dir = tmp.path().join("lint");
    std::fs::create_dir(&dir).unwrap();
    write(
        &dir,
        &format!("{NASTY}.yaml"),
        &base().replace("kind: compensation", "kind: compensaton"),
    );
    escaped(Test::new().arg("lint").arg(&dir).run().status(1));
    let out = escaped(
        Test::new()
            .args(["lint", "--format", "json"])
            .arg(&dir)
            .run()
            .status(1),
    );
    json_keeps(&out);
    escaped(
        Test::new()
            .args(["lint", "--format", "github"])
            .arg(&dir)
            .run()
            .status(1),
    );
    json_keeps(&escaped(
        Test::new()
            .args(["lint", "--format", "sarif"])
            .arg(&dir)
            .run()
            .status(1),
    ));
}

#[test]
fn playbook_ids_field_names_and_lint_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let id = write(
        tmp.path(),
        "id.yaml",
        &base().replace("id: mini", &format!("id: {NASTY_YAML}")),
    );
    // (Lint accepts such an id; it shows in the listing below.)
    let field = write(
        tmp.path(),
        "field.yaml",
        &format!("{}{NASTY_YAML}: 1\n", base()),
    );
    escaped(Test::new().arg("lint").arg(&field).run().status(1));
    escaped(
        Test::new()
            .args(["triage", "--answers"])
            .arg(fire())
            .arg("--playbook")
            .arg(&field)
            .run()
            .status(1),
    );
    let flag = write(
        tmp.path(),
        "flag.yaml",
        &base().replace(
            "when: {flag: real_loss}\n",
            &format!("when: {{flag: {NASTY_YAML}}}\n"),
        ),
    );
    escaped(Test::new().arg("lint").arg(&flag).run().status(1));
    let out = escaped(
        Test::new()
            .args(["lint", "--format", "json"])
            .arg(&flag)
            .run()
            .status(1),
    );
    json_keeps(&out);
    // A listing of playbooks shows the id as a cell of its table.
    let dir = tmp.path().join("dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&id, dir.join("id.yaml")).unwrap();
    let listed = Test::new()
        .arg("playbooks")
        .arg("--playbook-dir")
        .arg(&dir)
        .run();
    escaped(listed);
    json_keeps(&escaped(
        Test::new()
            .args(["playbooks", "--format", "json", "--playbook-dir"])
            .arg(&dir)
            .run(),
    ));
}

#[test]
fn answers_files() {
    let tmp = tempfile::tempdir().unwrap();
    let triage = |answers: &Path| {
        Test::new()
            .arg("triage")
            .arg("--answers")
            .arg(answers)
            .run()
    };
    // A question id, an answer value, a `now:` value, a playbook name.
    let answers = fire_with(
        tmp.path(),
        "  pressure: no\n",
        &format!("  pressure: no\n  {NASTY_YAML}: yes\n"),
    );
    escaped(triage(&answers).status(1));
    let answers = fire_with(
        tmp.path(),
        "  role: decision_maker\n",
        &format!("  role: {NASTY_YAML}\n"),
    );
    escaped(triage(&answers).status(1));
    let answers = fire_with(
        tmp.path(),
        "now: 2026-11-23T10:00:00+08:00\n",
        &format!("now: {NASTY_YAML}\n"),
    );
    escaped(triage(&answers).status(1));
    let answers = fire_with(
        tmp.path(),
        "playbook: general\n",
        &format!("playbook: {NASTY_YAML}\n"),
    );
    escaped(triage(&answers).status(2));
}

#[test]
fn scenario_names() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "mini.yaml", &base());
    write(
        tmp.path(),
        "mini.tests.yaml",
        &format!(
            "cases:\n  - name: {NASTY_YAML}\n    answers: {{case: {{customer: X}}, assess: {{loss: \"yes\"}}, grievance: {{picked: [lost_face]}}}}\n    expect:\n      level: calm\n"
        ),
    );
    escaped(
        Test::new()
            .current_dir(tmp.path())
            .args(["test", "."])
            .run()
            .status(1),
    );
}

#[test]
fn a_customer_name_stored_in_the_archive_and_shown_again() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    let defuse = || Test::new().env("DEFUSE_DB", &db);
    let answers = fire_with(
        tmp.path(),
        "case: {customer: Acme Trading,",
        &format!("case: {{customer: {NASTY_YAML},"),
    );
    let triage = || defuse().args(["triage", "--answers"]).arg(&answers);
    escaped(triage().args(["--out", "-"]).run().success());
    // A second call (an hour later), so the customer is a repeat one in stats.
    json_keeps(&escaped(
        triage()
            .args(["--format", "json", "--out", "-"])
            .args(["--now", "2026-11-23T11:00:00+08:00"])
            .run()
            .success(),
    ));
    // Without --out the plan goes to a file; its name is a safe slug.
    let plans = tmp.path().join("plans");
    let out = triage().env("DEFUSE_PLAN_DIR", &plans).run().success();
    assert!(!out.stderr.chars().any(dangerous), "{out}");

    escaped(defuse().args(["cases", "list"]).run().success());
    json_keeps(&escaped(
        defuse()
            .args(["cases", "list", "--format", "json"])
            .run()
            .success(),
    ));
    escaped(defuse().args(["cases", "show", "1"]).run().success());
    json_keeps(&escaped(
        defuse()
            .args(["cases", "show", "1", "--format", "json"])
            .run()
            .success(),
    ));
    json_keeps(&escaped(defuse().args(["cases", "export"]).run().success()));
    let csv = escaped(
        defuse()
            .args(["cases", "export", "--format", "csv"])
            .run()
            .success(),
    );
    assert!(
        csv.stdout.starts_with("number,case_id,") && csv.stdout.ends_with("\r\n"),
        "CSV keeps its CRLF line ends\n{csv}"
    );
    escaped(defuse().args(["cases", "stats"]).run().success());
    escaped(defuse().arg("followups").run().success());
    json_keeps(&escaped(
        defuse()
            .args(["followups", "--format", "json"])
            .run()
            .success(),
    ));
}

/// The gate is the only way out: nothing but `main.rs` (which hands the real
/// streams to the gate) and the dialoguer front end (which escapes what it
/// draws itself, since its own styling must pass) opens stdout or stderr, and
/// nothing but `command::Env` reads the environment.
#[test]
fn nothing_writes_around_the_gate_or_reads_the_environment_around_env() {
    let files = crate::common::crate_sources();
    assert!(files.len() > 20);
    for (relative, text) in files {
        let streams = [
            "io::stdout()",
            "io::stderr()",
            "print!",
            "Term::stdout",
            "Term::stderr",
        ];
        if !matches!(relative.as_str(), "main.rs" | "prompt/terminal.rs") {
            for stream in streams {
                assert!(
                    !text.contains(stream),
                    "{relative} uses {stream}: write through command::Io"
                );
            }
        }
        if relative != "command/io.rs" {
            for read in ["env::var", "env::vars"] {
                assert!(
                    !text.contains(read),
                    "{relative} reads {read}: use command::Env"
                );
            }
        }
    }
}
