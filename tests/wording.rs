//! The CLI's wording (#16): counts in the singular and plural, "just now",
//! listings that say why they are empty, `--level` by label, an unknown
//! playbook named once, the no-terminal hint, and help on every option.

use std::path::Path;

use clap::CommandFactory;

use crate::common::example;
use crate::test::Test;

fn store(db: &Path, name: &str) {
    Test::new()
        .env("DEFUSE_DB", db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(example(name))
        .run()
        .success();
}

#[test]
fn cases_list_level_takes_an_id_or_a_label_in_any_language_case_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    store(&db, "general-fire");
    for level in ["fire", "FIRE", "Fire", "fire ", "火警"] {
        Test::new()
            .env("DEFUSE_DB", &db)
            .args(["cases", "list", "--level", level])
            .run()
            .success()
            .stdout_contains("20261123-1000-acme-trading");
    }
    // A known level no case is at: the listing says how many there are.
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "list", "--level", "smoke alarm"])
        .run()
        .success()
        .stdout("No cases match (the archive holds 1 case).\n");
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "list", "--level", "inferno"])
        .run()
        .status(2)
        .stdout("")
        .stderr_contains("no level `inferno` in any playbook; give a level's id or label: ")
        .stderr_contains("smoke_alarm (Smoke alarm)")
        .stderr_contains("critical (Critical — full armour)");
}

#[test]
fn counts_are_singular_for_one() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    store(&db, "general-fire");
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "check"])
        .run()
        .success()
        .stdout(&format!(
            "ok: 1 case, schema version {}\n",
            defuse::archive::SCHEMA_VERSION
        ));
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "stats"])
        .run()
        .success()
        .stdout_contains("1 case (rehearsals not counted)");
    assert_eq!(
        (defuse::i18n::Lang::En.labels().plain_history)(1),
        "1 earlier case from this customer"
    );
}

#[test]
fn a_commitment_filter_that_matches_nothing_says_how_many_are_open() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    store(&db, "general-fire");
    let open = Test::new()
        .env("DEFUSE_DB", &db)
        .args(["commitments", "--format", "json"])
        .run()
        .success()
        .stdout;
    let open = serde_json::from_str::<serde_json::Value>(&open).unwrap();
    let open = open.as_array().unwrap().len();
    assert!(open > 1, "{open}");
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["commitments", "--owner", "Nobody here"])
        .run()
        .success()
        .stdout(&format!("No commitments match ({open} are open).\n"));
}

#[test]
fn a_draft_saved_under_a_minute_ago_was_saved_just_now() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("20261123-100000-1.draft.yaml"),
        "id: 20261123-100000-1\nplaybook: general\nplaybook_version: 1.0.0\n\
         playbook_source: embedded:general.yaml\nnow: 2026-11-23T10:00:00+08:00\n\
         customer: Acme\nstage: Step 1\nsession:\n  history: []\n",
    )
    .unwrap();
    for (lang, said) in [("en", "just now"), ("zh-TW", "剛剛"), ("zh-CN", "刚刚")] {
        Test::new()
            .env("DEFUSE_DRAFTS_DIR", tmp.path())
            .args(["--lang", lang, "drafts", "--format", "tsv"])
            .run()
            .success()
            .stdout_contains(&format!("\t{said}\n"))
            .stdout_lacks("0m");
    }
}

#[test]
fn an_unknown_playbook_error_names_each_known_playbook_once() {
    // ./playbooks holds the embedded playbooks again: each id is in two sources.
    let out = Test::new()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["triage", "--playbook", "genral", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .run()
        .status(2);
    assert_eq!(out.stderr.matches("scope-dispute").count(), 1, "{out}");
    assert!(out.stderr.contains("did you mean `general`"), "{out}");
}

#[test]
fn without_a_terminal_triage_points_to_help_not_to_a_source_folder() {
    let out = Test::new().arg("triage").run().status(2);
    assert!(out.stderr.contains("`defuse triage --help`"), "{out}");
    assert!(out.stderr.contains("--answers FILE"), "{out}");
    assert!(!out.stderr.contains("examples/"), "{out}");
}

/// Every argument of every command, with the path of commands to it.
fn arguments(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
    for arg in cmd.get_arguments() {
        out.push((path.to_owned(), arg.clone()));
    }
    for sub in cmd.get_subcommands() {
        arguments(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_option_of_every_command_has_help_and_global_ones_are_apart() {
    let mut cmd = defuse::cli::Cli::command();
    cmd.build();
    let mut all = Vec::new();
    arguments(&cmd, "defuse", &mut all);
    assert!(
        all.len() > 60,
        "the walk reached the subcommands: {}",
        all.len()
    );
    let mut missing = Vec::new();
    for (path, arg) in &all {
        let id = arg.get_id().as_str();
        // clap's own --help and --version say what they do.
        if arg.is_hide_set() || id == "help" || id == "version" {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            missing.push(format!("{path}: {id}"));
        }
        let heading = arg.get_help_heading();
        if arg.is_global_set() {
            assert_eq!(heading, Some("Global options"), "{path}: --{id}");
        } else {
            assert_ne!(heading, Some("Global options"), "{path}: --{id}");
        }
    }
    assert!(
        missing.is_empty(),
        "arguments without help:\n{}",
        missing.join("\n")
    );
    // And the help shows them apart.
    let help = cmd
        .find_subcommand_mut("cases")
        .and_then(|c| c.find_subcommand_mut("list"))
        .unwrap()
        .render_help()
        .to_string();
    let own = help.find("--customer").unwrap();
    let global = help.find("Global options:").unwrap();
    assert!(own < global && help[global..].contains("--db"), "{help}");
}

/// A fresh `defuse new playbook demo` in `dir`, which lints and tests clean.
fn new_playbook(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    Test::new()
        .args(["new", "playbook", "demo", "--dir"])
        .arg(dir)
        .run()
        .success();
    (dir.join("demo.yaml"), dir.join("demo.tests.yaml"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_unquoted_comma_in_a_flow_mapping_gets_advice_for_authors() {
    let tmp = tempfile::tempdir().unwrap();
    let (playbook, _) = new_playbook(tmp.path());
    let text = std::fs::read_to_string(&playbook).unwrap();
    let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    edit(&playbook, title, "title: {en: Hello, world}");
    let out = Test::new().arg("lint").arg(&playbook).run().status(1);
    assert!(!out.stdout.contains("Option<"), "{out}");
    assert!(
        out.stdout.contains("demo.yaml:4:25: error: a value is missing here: text is expected, and nothing is written [yaml-syntax]"),
        "{out}"
    );
    assert!(out.stdout.contains(r#"`{en: "Hello, world"}`"#), "{out}");
}

#[test]
fn a_scenario_missing_an_answer_is_reported_at_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, scenarios) = new_playbook(tmp.path());
    let text = std::fs::read_to_string(&scenarios).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.contains("- name: our failure is a fire"))
        .unwrap();
    edit(
        &scenarios,
        "our_fault: \"yes\", role: decision_maker",
        "our_fault: \"yes\"",
    );
    let out = Test::new().arg("test").arg(&scenarios).run().status(1);
    let at = format!("demo.tests.yaml:{line}:11: error: missing answer `assess.role`");
    assert!(out.stdout.contains(&at), "{at}\n{out}");
    assert!(!out.stdout.contains(":1:1:"), "{out}");
}

#[test]
fn every_case_and_record_field_is_a_template_placeholder() {
    use defuse::playbook::template::{PLACEHOLDERS, check};
    use defuse::triage::prompt_id::{CaseField, Field, RecordField};
    for key in CaseField::keys().into_iter().chain(RecordField::keys()) {
        assert!(PLACEHOLDERS.contains(&key), "{key}");
        assert_eq!(check(&format!("{{{{{key}}}}}"), &[]), Ok(()), "{key}");
    }
    // And lint names the allowed ones on an unknown one.
    let tmp = tempfile::tempdir().unwrap();
    let (playbook, _) = new_playbook(tmp.path());
    let action = "      action: Walk them through the background and the timeline, calmly.\n";
    let text = std::fs::read_to_string(&playbook).unwrap();
    let with = |placeholder: &str| {
        let template = format!("      template: \"What you lost: {{{{{placeholder}}}}}\"\n");
        text.replacen(action, &format!("{action}{template}"), 1)
    };
    std::fs::write(&playbook, with("customer_loss")).unwrap();
    Test::new().arg("lint").arg(&playbook).run().success();
    std::fs::write(&playbook, with("customer_los")).unwrap();
    Test::new()
        .arg("lint")
        .arg(&playbook)
        .run()
        .status(1)
        .stdout_contains("did you mean `customer_loss`? allowed placeholders: customer, contact,");
}
