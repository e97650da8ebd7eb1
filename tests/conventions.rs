//! CLI conventions: listings are boxed on a terminal, plain in a pipe, tab-
//! separated with `--format tsv`; `--color` is a global flag.

use crate::test::Test;

/// A temporary archive holding one stored call (general-venting), and the
/// directory that keeps it alive.
fn archive_with_one_case() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    Test::new()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEFUSE_DB", &db)
        .args([
            "triage",
            "--answers",
            "examples/general-venting.answers.yaml",
        ])
        .args(["--out", "-"])
        .run()
        .success();
    (dir, db)
}

#[test]
fn listings_are_boxed_on_a_terminal_plain_in_a_pipe_and_tab_separated_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    Test::new()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEFUSE_DB", &db)
        .args([
            "triage",
            "--answers",
            "examples/general-venting.answers.yaml",
            "--out",
            "-",
        ])
        .run()
        .success();
    let list = |extra: &[&str], terminal: bool| {
        let test = Test::new()
            .env("DEFUSE_DB", &db)
            .args(["cases", "list"])
            .args(extra);
        let test = if terminal {
            test.stdout_terminal().env("COLUMNS", "200")
        } else {
            test
        };
        test.run().success().stdout
    };
    let boxed = list(&[], true);
    assert!(
        boxed.starts_with('┌') && boxed.contains("┆ Nordlicht GmbH"),
        "{boxed}"
    );

    let plain = list(&[], false);
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(lines.len(), 2, "{plain}");
    assert!(lines[0].starts_with("#  Case "), "{plain}");
    assert!(lines[1].starts_with("1  2026"), "{plain}");
    assert!(!plain.contains(['│', '┆', '─', '┌']), "{plain}");
    // Columns line up: the customer starts at the same column on both lines.
    assert_eq!(
        lines[0].find("Customer"),
        lines[1].find("Nordlicht GmbH"),
        "{plain}"
    );
    assert!(lines.iter().all(|l| !l.ends_with(' ')), "{plain:?}");

    let tsv = list(&["--format", "tsv"], true);
    let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "#",
            "Case",
            "Time",
            "Customer",
            "Level",
            "Grievances",
            "Rep",
            "Playbook"
        ]
    );
    assert_eq!(rows[1][3], "Nordlicht GmbH");
    assert_eq!(rows.len(), 2);

    let json = list(&["--format", "json"], false);
    assert!(json.trim_start().starts_with('['), "{json}");
}

#[test]
fn boxed_listings_fit_the_terminal_width() {
    let (_dir, db) = archive_with_one_case();
    for listing in [&["cases", "list"][..], &["commitments", "--all"]] {
        for columns in [60_usize, 80, 100] {
            let out = Test::new()
                .env("DEFUSE_DB", &db)
                .env("COLUMNS", columns.to_string())
                .args(listing)
                .stdout_terminal()
                .run()
                .success()
                .stdout;
            assert!(out.starts_with('┌'), "{out}");
            let widest = out
                .lines()
                .map(unicode_width::UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            assert!(
                widest <= columns,
                "{listing:?} at {columns}: {widest}\n{out}"
            );
            assert!(out.contains("Nordl"), "{out}");
        }
    }
}

/// Scripts read a tsv's first line as its header; the count goes to stderr.
#[test]
fn stats_as_tsv_start_with_the_header() {
    let (_dir, db) = archive_with_one_case();
    for by in ["rep", "owner", "month"] {
        let run = Test::new()
            .env("DEFUSE_DB", &db)
            .args(["cases", "stats", "--format", "tsv", "--by", by])
            .run()
            .success();
        let first = run.stdout.lines().next().unwrap_or_default().to_owned();
        assert!(
            first.ends_with("\tCases\tOpen\tOverdue\tDone"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .lines()
                .skip(1)
                .all(|l| l.split('\t').count() == 5),
            "{}",
            run.stdout
        );
        run.stderr_contains("1 case");
    }
}

/// A commitment's due time in tsv is RFC 3339 and its state a column of
/// its own (it was "2026-11-24 09:45 +01:00 (overdue)" in one field).
#[test]
fn commitments_as_tsv_keep_the_due_time_parseable() {
    let (_dir, db) = archive_with_one_case();
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["commitments", "done", "1"])
        .run()
        .success();
    let tsv = Test::new()
        .env("DEFUSE_DB", &db)
        .args(["commitments", "--all", "--format", "tsv"])
        .run()
        .success()
        .stdout;
    let mut lines = tsv.lines();
    assert_eq!(
        lines.next(),
        Some("#\tKind\tDue\tState\tCustomer\tAction\tOwner\tCase")
    );
    let mut states = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 8, "{line}");
        assert!(
            chrono::DateTime::parse_from_rfc3339(cells[2]).is_ok(),
            "{line}"
        );
        states.push(cells[3]);
    }
    assert!(
        states.contains(&"done") && states.contains(&"overdue"),
        "{tsv}"
    );
}

#[test]
fn stats_with_nothing_to_count_show_no_empty_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    // A rehearsal is stored but not counted.
    Test::new()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEFUSE_DB", &db)
        .args([
            "triage",
            "--rehearse",
            "--answers",
            "examples/general-venting.answers.yaml",
        ])
        .args(["--out", "-"])
        .run()
        .success();
    Test::new()
        .env("DEFUSE_DB", &db)
        .args(["cases", "stats"])
        .run()
        .success()
        .stdout("0 cases (rehearsals not counted)\n");
}

#[test]
fn color_is_a_global_flag_with_three_choices() {
    for when in ["auto", "always", "never"] {
        Test::new()
            .args(["--color", when, "playbooks"])
            .run()
            .success();
        Test::new()
            .args(["playbooks", "--color", when])
            .run()
            .success();
    }
    Test::new()
        .args(["--color", "sometimes", "playbooks"])
        .run()
        .status(2)
        .stderr_contains("[possible values: auto, always, never]");
}

#[test]
fn cases_list_filters_ignore_case_and_say_when_nothing_matches() {
    let (_dir, db) = archive_with_one_case();
    let list = |args: &[&str]| {
        Test::new()
            .env("DEFUSE_DB", &db)
            .args(["cases", "list"])
            .args(args)
            .run()
            .success()
            .stdout
    };
    assert!(list(&["--customer", "NORDL"]).contains("Nordlicht GmbH"));
    assert!(list(&["--level", "Concern"]).contains("Nordlicht GmbH"));
    assert_eq!(
        list(&["--customer", "acme"]),
        "No cases match (the archive holds 1 case).\n"
    );
    let help = Test::new()
        .args(["cases", "list", "--help"])
        .run()
        .success()
        .stdout;
    let globals = help
        .find("Global options:")
        .expect("a heading of their own");
    assert!(help.find("--customer").unwrap() < globals, "{help}");
    assert!(help[globals..].contains("--db <PATH|URL>"), "{help}");
}
