//! Languages from the outside: choosing one, what shows when a playbook
//! lacks it, and what lint says about translations.

use std::path::Path;

use crate::test::{Output, Test};

const FIRE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/general-fire.answers.yaml"
);

/// `defuse [--lang LANG] triage --answers FIRE --out -` with `env` set.
fn fire_plan(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut test = Test::new()
        .args(args)
        .args(["triage", "--answers", FIRE, "--out", "-"]);
    for (k, v) in env {
        test = test.env(k, v);
    }
    test.run()
}

#[test]
fn the_flag_beats_defuse_lang_which_beats_the_system_locale() {
    let title = |lang_title: &str| format!("^{lang_title}");
    fire_plan(&[], &[("LANG", "zh_CN.UTF-8")])
        .success()
        .stdout_matches(&title("# 行动方案："));
    fire_plan(&[], &[("LANG", "zh_CN.UTF-8"), ("DEFUSE_LANG", "zh-TW")])
        .success()
        .stdout_matches(&title("# 行動計畫："));
    fire_plan(&["--lang", "en"], &[("DEFUSE_LANG", "zh-TW")])
        .success()
        .stdout_matches(&title("# Action plan:"));
    // A system locale defuse does not speak means English, silently.
    fire_plan(&[], &[("LANG", "de_DE.UTF-8")])
        .success()
        .stdout_matches(&title("# Action plan:"));
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    fire_plan(&["--lang", "klingon"], &[])
        .status(2)
        .stderr_contains("defuse speaks en, zh-TW and zh-CN");
    fire_plan(&[], &[("DEFUSE_LANG", "fr")])
        .status(2)
        .stderr_contains("unknown language `fr`")
        .stderr_contains("$DEFUSE_LANG");
}

#[test]
fn listing_tables_line_up_with_chinese_text() {
    let out = Test::new()
        .args(["--lang", "zh-TW", "playbooks"])
        .stdout_terminal()
        .run()
        .success()
        .stdout;
    let table = out;
    assert!(table.contains("氣炸的客戶"), "{table}");
    let widths: Vec<usize> = table
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
}

/// The minimal lint playbook, with its title in English and Traditional Chinese.
fn bilingual_minimal(dir: &Path, title: &str) -> std::path::PathBuf {
    let base = include_str!("../src/lint/examples/base.yaml");
    let path = dir.join("mini.yaml");
    std::fs::write(&path, base.replace("title: Minimal\n", title)).unwrap();
    path
}

#[test]
fn a_playbook_without_the_language_says_which_one_it_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let playbook = bilingual_minimal(tmp.path(), "title: {en: Minimal, zh-TW: 最小範例}\n");
    let answers = tmp.path().join("a.yaml");
    std::fs::write(
        &answers,
        "case: {customer: Acme}\nassess: {loss: \"yes\"}\ngrievance: {picked: [lost_face]}\n",
    )
    .unwrap();
    Test::new()
        .args(["--lang", "zh-CN", "triage", "--playbook"])
        .arg(&playbook)
        .arg("--answers")
        .arg(&answers)
        .args(["--out", "-"])
        .run()
        .success()
        .stdout_contains("最小範例 `mini`")
        .stderr_contains("note: playbook `mini` has no zh-CN text; it shows in zh-TW");
}

#[test]
fn a_misspelt_locale_stops_the_playbook_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let playbook = bilingual_minimal(tmp.path(), "title: {en: Minimal, zh_TW: 最小範例}\n");
    Test::new()
        .args(["triage", "--playbook"])
        .arg(&playbook)
        .args(["--answers", FIRE])
        .run()
        .status(1)
        .stderr_contains("mini.yaml:2:22: error: unknown locale `zh_TW` in `title`")
        .stderr_contains("did you mean `zh-TW`?");
}

#[test]
fn lint_warns_about_each_missing_translation_at_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let playbook = bilingual_minimal(tmp.path(), "title: {en: Minimal, zh-TW: 最小範例}\n");
    let out = Test::new()
        .arg("lint")
        .arg(&playbook)
        .args(["--format", "json"])
        .run()
        .success()
        .stdout;
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report.as_array().unwrap();
    let first = &findings[0];
    assert_eq!(first["rule"], "missing-translation", "{report}");
    assert_eq!(first["severity"], "warning");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(5), Some(27))
    );
    // Every English-only text is reported (the title is the only bilingual one).
    let texts = findings
        .iter()
        .filter(|f| f["rule"] == "missing-translation")
        .count();
    assert_eq!(texts, 21, "{report}");
    Test::new()
        .args(["lint", "--deny-warnings"])
        .arg(&playbook)
        .run()
        .status(1);
}
