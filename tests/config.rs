//! The config file: `defuse config` and where each setting came from,
//! precedence (flag > environment > file > default), positioned errors, and
//! what the file changes in a plan (owners named, working-time dues).

use std::path::{Path, PathBuf};

use crate::common::scratch;
use crate::test::Test;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A config home holding `defuse/config.toml` with `text`; the directory to
/// give as `XDG_CONFIG_HOME`.
fn config_home(text: &str) -> PathBuf {
    let home = scratch();
    std::fs::create_dir_all(home.join("defuse")).unwrap();
    std::fs::write(home.join("defuse/config.toml"), text).unwrap();
    home
}

const TEAM: &str = r#"
name = "Li Wei"

[working_hours]
days = "Mon-Fri"
hours = "09:00-18:00"
time_zone = "Asia/Taipei"

[roster]
"Team lead" = "Chen Mei"
"account director" = "Wang Fang"
"#;

fn example(name: &str) -> PathBuf {
    Path::new(ROOT).join("examples").join(name)
}

/// A replay of `answers` at `now` with the config in `home` (if any).
fn plan(home: Option<&Path>, answers: &str, now: &str, extra: &[&str]) -> String {
    let mut test = Test::new();
    if let Some(home) = home {
        test = test.env("XDG_CONFIG_HOME", home);
    }
    test.args(extra)
        .args([
            "triage",
            "--no-store",
            "--out",
            "-",
            "--now",
            now,
            "--answers",
        ])
        .arg(example(answers))
        .run()
        .success()
        .stdout
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn without_a_file_config_shows_the_defaults_and_where_it_looked() {
    Test::new()
        .env("HOME", "/home/li")
        .env_remove("DEFUSE_DB")
        .args(["config"])
        .run()
        .success()
        .stdout(
            "config file    none (/home/li/.config/defuse/config.toml does not exist)\n\
             name           — (plans name the rep's role only)  (default)\n\
             role           Account rep  (default)\n\
             lang           en  (default)\n\
             working hours  — (wall-clock due times, unless the playbook sets working hours)  (default)\n\
             playbook dirs  —  (default)\n\
             archive        /home/li/.local/share/defuse/cases.db  (default)\n",
        );
}

#[test]
fn each_setting_says_where_it_came_from() {
    let home = config_home(
        r#"
name = "Li Wei"
role = "業務"
lang = "zh-TW"
playbook_dirs = ["team-playbooks", "~/more"]
archive = "cases/team.db"
"#,
    );
    let file = home.join("defuse/config.toml");
    let out = Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .env("HOME", "/home/li")
        .env_remove("DEFUSE_DB")
        .env("LANG", "zh_CN.UTF-8")
        .args(["config", "--format", "json"])
        .run()
        .success()
        .stdout;
    let report = json(&out);
    assert_eq!(report["schema"], "defuse.config/v1");
    assert_eq!(report["file"]["value"], file.display().to_string());
    assert_eq!(report["file"]["from"], "default");
    let s = &report["settings"];
    assert_eq!(s["name"]["value"], "Li Wei");
    assert_eq!(s["name"]["from"], "file");
    assert_eq!(s["name"]["source"], file.display().to_string());
    assert_eq!(s["role"]["value"], "業務");
    // The file's language beats the POSIX locale.
    assert_eq!(s["lang"]["value"], "zh-TW");
    assert_eq!(s["lang"]["from"], "file");
    // Relative paths are relative to the file; `~` is $HOME.
    let dir = home.join("defuse");
    assert_eq!(
        s["playbook_dirs"]["value"],
        serde_json::json!([
            dir.join("team-playbooks").display().to_string(),
            "/home/li/more"
        ])
    );
    assert_eq!(
        s["archive"]["value"],
        dir.join("cases/team.db").display().to_string()
    );
    assert_eq!(s["archive"]["from"], "file");
    assert_eq!(s["working_hours"]["value"], serde_json::Value::Null);

    // The environment beats the file, and flags beat both.
    let out = Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .env("HOME", "/home/li")
        .env("DEFUSE_LANG", "en")
        .env("DEFUSE_DB", "/env/cases.db")
        .env("DEFUSE_PLAYBOOK_DIR", "/env/pb")
        .args(["config", "--format", "json"])
        .run()
        .success()
        .stdout;
    let s = &json(&out)["settings"];
    assert_eq!(
        (
            &s["lang"]["value"],
            &s["lang"]["from"],
            &s["lang"]["source"]
        ),
        (&"en".into(), &"env".into(), &"DEFUSE_LANG".into())
    );
    assert_eq!(s["archive"]["value"], "/env/cases.db");
    assert_eq!(s["archive"]["from"], "env");
    assert_eq!(s["playbook_dirs"]["value"], serde_json::json!(["/env/pb"]));
    let out = Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .env("HOME", "/home/li")
        .env("DEFUSE_LANG", "en")
        .env("DEFUSE_DB", "/env/cases.db")
        .args(["--lang", "zh-CN", "--db", "/flag/cases.db", "config"])
        .args(["--format", "json"])
        .run()
        .success()
        .stdout;
    let s = &json(&out)["settings"];
    assert_eq!(s["lang"]["value"], "zh-CN");
    assert_eq!(s["lang"]["source"], "--lang");
    assert_eq!(s["archive"]["value"], "/flag/cases.db");
    assert_eq!(s["archive"]["from"], "flag");
}

#[test]
fn config_names_another_file_and_shows_the_roster() {
    let dir = scratch();
    std::fs::write(dir.join("team.toml"), TEAM).unwrap();
    Test::new()
        .current_dir(&dir)
        .env("DEFUSE_DB", "/db/cases.db")
        .args(["--config", "team.toml", "config"])
        .run()
        .success()
        .stdout(
            "config file    team.toml  (--config)\n\
             name           Li Wei  (config file)\n\
             role           Account rep  (default)\n\
             lang           en  (default)\n\
             working hours  Mon-Fri 09:00-18:00 Asia/Taipei  (config file)\n\
             playbook dirs  —  (default)\n\
             archive        /db/cases.db  ($DEFUSE_DB)\n\
             roster         Team lead = Chen Mei  (config file)\n\
             \x20              account director = Wang Fang\n",
        );
}

#[test]
fn a_bad_config_file_is_exit_2_at_its_line_and_column() {
    for (text, expected) in [
        (
            "name = \"Li\"\nnmae = \"Li Wei\"\n",
            "config.toml:2:1: unknown field `nmae`, expected one of `name`, `role`, `lang`, \
             `playbook_dirs`, `archive`, `working_hours`, `roster`\n  |\n2 | nmae = \"Li Wei\"\n  \
             | ^\n  = help: did you mean `name`?\n",
        ),
        (
            "[working_hours]\ndays = \"Mon-Fry\"\nhours = \"09:00-18:00\"\n",
            "config.toml:2:8: invalid working days `Mon-Fry`: write day names and ranges, \
             e.g. `Mon-Fri`, `Mon-Fri,Sat`, `Sun-Thu`\n",
        ),
        (
            "[working_hours]\ndays = \"Mon-Fri\"\nhours = \"09:00-18:00\"\ntime_zone = \"Europe/Berln\"\n",
            "config.toml:4:13: unknown time zone `Europe/Berln`",
        ),
        (
            "[working_hours]\ndays = \"Mon-Fri\"\nhours = \"18:00-09:00\"\n",
            "config.toml:3:9: invalid working hours `18:00-09:00`",
        ),
        (
            "lang = \"fr\"\n",
            "config.toml:1:8: unknown language `fr`\n  |\n1 | lang = \"fr\"\n  |        ^\n  \
             = help: write one of `en`, `zh-TW`, `zh-CN`\n",
        ),
        ("name = \"Li Wei\n", "config.toml:1:15: "),
        (
            "[roster]\n\"Team lead\" = 3\n",
            "config.toml:2:15: invalid type",
        ),
    ] {
        let home = config_home(text);
        for command in [
            &["config"][..],
            &["triage", "--answers", "x.yaml"],
            &["cases", "list"],
        ] {
            let out = Test::new()
                .env("XDG_CONFIG_HOME", &home)
                .args(command)
                .run()
                .status(2)
                .stderr_contains("error: invalid config file\n")
                .stderr_contains(expected);
            assert!(out.stdout.is_empty(), "{out}");
        }
    }
    // Time zones get a suggestion too.
    let home = config_home(
        "[working_hours]\ndays = \"Mon-Fri\"\nhours = \"09:00-18:00\"\ntime_zone = \"Europe/Berln\"\n",
    );
    Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .args(["config"])
        .run()
        .status(2)
        .stderr_contains("= help: did you mean `Europe/Berlin`?");
}

#[test]
fn a_config_that_cannot_be_read_is_exit_2_naming_it() {
    Test::new()
        .args(["--config", "/nonexistent/defuse.toml", "config"])
        .run()
        .status(2)
        .stderr_contains("cannot read /nonexistent/defuse.toml");
    // At the default location, a directory is not "no config".
    let home = scratch();
    std::fs::create_dir_all(home.join("defuse/config.toml")).unwrap();
    Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .args(["config"])
        .run()
        .status(2)
        .stderr_contains("config.toml");
}

#[test]
fn the_plan_names_the_people_behind_the_roles() {
    let home = config_home(TEAM);
    // Monday 10:00 in Taipei: inside working hours.
    let md = plan(
        Some(&home),
        "general-fire.answers.yaml",
        "2026-11-23T10:00:00+08:00",
        &[],
    );
    assert!(md.contains("- **Owner:** Team lead (Chen Mei)\n"), "{md}");
    assert!(
        md.contains("- **Owner:** Account director (Wang Fang)\n"),
        "{md}"
    );
    // The rep's own role names the rep; a role nobody is named for stays a role.
    assert!(md.contains("- **Owner:** Account rep (Li Wei)\n"), "{md}");
    assert!(md.contains("- **Owner:** Engineering lead\n"), "{md}");
    assert!(md.contains("| Account rep (Li Wei) "), "{md}");

    // zh-TW labels the roles differently; the English roster still names them.
    let md = plan(
        Some(&home),
        "general-fire.answers.yaml",
        "2026-11-23T10:00:00+08:00",
        &["--lang", "zh-TW"],
    );
    assert!(md.contains("業務主管（Chen Mei）"), "{md}");
    assert!(md.contains("業務（Li Wei）"), "{md}");

    // JSON: `owner_name` beside `owner`.
    let plan = json(
        &Test::new()
            .env("XDG_CONFIG_HOME", &home)
            .args(["triage", "--no-store", "--out", "-", "--format", "json"])
            .arg("--answers")
            .arg(example("general-fire.answers.yaml"))
            .run()
            .success()
            .stdout,
    );
    assert_eq!(plan["schema"], "defuse.plan/v1");
    let owners: Vec<(String, Option<String>)> = plan["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plan["followups"].as_array().unwrap())
        .map(|r| {
            (
                r["owner"].as_str().unwrap().to_owned(),
                r["owner_name"].as_str().map(str::to_owned),
            )
        })
        .collect();
    for (owner, name) in &owners {
        let want = match owner.as_str() {
            "Team lead" => Some("Chen Mei"),
            "Account director" => Some("Wang Fang"),
            "Account rep" => Some("Li Wei"),
            _ => None,
        };
        assert_eq!(name.as_deref(), want, "{owner}");
    }
}

#[test]
fn without_a_name_the_reps_role_names_our_responsible_person() {
    let home = config_home("[roster]\n\"Team lead\" = \"Chen Mei\"\n");
    let md = plan(
        Some(&home),
        "general-fire.answers.yaml",
        "2026-11-23T10:00:00+08:00",
        &[],
    );
    // general-fire.answers.yaml answers `our_owner: Wang Wei`.
    assert!(md.contains("- **Owner:** Account rep (Wang Wei)\n"), "{md}");
    // Without any config file, nobody is named: the plan is as it always was.
    let md = plan(
        None,
        "general-fire.answers.yaml",
        "2026-11-23T10:00:00+08:00",
        &[],
    );
    assert!(md.contains("- **Owner:** Account rep\n"), "{md}");
    assert!(!md.contains("Wang Wei)"), "{md}");
}

#[test]
fn an_owner_the_rep_typed_is_named_only_as_typed() {
    // general-public.answers.yaml changes one owner to "Head of Communications".
    let home = config_home(
        "[roster]\n\"Head of communications\" = \"Ada Ng\"\n\"Communications lead\" = \"Bo\"\n",
    );
    let md = plan(
        Some(&home),
        "general-public.answers.yaml",
        "2026-11-25T18:00:00Z",
        &[],
    );
    assert!(md.contains("Head of Communications (Ada Ng)"), "{md}");
    assert!(!md.contains("(Bo)"), "{md}");
}

#[test]
fn dues_count_working_hours_and_say_so() {
    let home = config_home(TEAM);
    // Friday 21:48 in Taipei.
    let now = "2026-11-27T21:48:00+08:00";
    let md = plan(Some(&home), "general-fire.answers.yaml", now, &[]);
    assert!(
        md.contains("| Working hours | Mon-Fri 09:00-18:00 Asia/Taipei"),
        "{md}"
    );
    let plan_json = json(
        &Test::new()
            .env("XDG_CONFIG_HOME", &home)
            .args(["triage", "--no-store", "--out", "-", "--format", "json"])
            .args(["--now", now, "--answers"])
            .arg(example("general-fire.answers.yaml"))
            .run()
            .success()
            .stdout,
    );
    assert_eq!(
        plan_json["working_hours"],
        serde_json::json!({"days": "Mon-Fri", "hours": "09:00-18:00", "time_zone": "Asia/Taipei"})
    );
    let four_hours = plan_json["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["due_in"] == "4h")
        .expect("a 4h remedy");
    assert_eq!(four_hours["due"], "2026-11-30T13:00:00+08:00");
    assert_eq!(four_hours["due_counted"], "working_time");
    assert!(
        md.contains("2026-11-30 13:00 +08:00 (within 4 working hours)"),
        "{md}"
    );
    for zh in ["zh-TW", "zh-CN"] {
        let md = plan(
            Some(&home),
            "general-fire.answers.yaml",
            now,
            &["--lang", zh],
        );
        let words = if zh == "zh-TW" {
            "4 個工作小時"
        } else {
            "4 个工作小时"
        };
        assert!(
            md.contains(&format!("2026-11-30 13:00 +08:00（{words}")),
            "{md}"
        );
    }

    // A call from a customer's other offset: the schedule stays in Taipei.
    let md = plan(
        Some(&home),
        "general-fire.answers.yaml",
        "2026-11-27T14:48:00+01:00",
        &[],
    );
    assert!(
        md.contains("2026-11-30 13:00 +08:00 (within 4 working hours)"),
        "{md}"
    );
}

#[test]
fn a_clock_time_remedy_ignores_working_hours() {
    let home = config_home(TEAM);
    // general-public: a public statement (`clock: true`, 4h) at 18:00 UTC.
    let plan_json = json(
        &Test::new()
            .env("XDG_CONFIG_HOME", &home)
            .args(["triage", "--no-store", "--out", "-", "--format", "json"])
            .arg("--answers")
            .arg(example("general-public.answers.yaml"))
            .run()
            .success()
            .stdout,
    );
    let statement = plan_json["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "pr_statement")
        .expect("the public statement");
    // The rep set it to 2h: 20:00 UTC is 04:00 in Taipei, outside working
    // hours, and still due then.
    assert_eq!(statement["due_in"], "2h");
    assert_eq!(statement["due"], "2026-11-25T20:00:00+00:00");
    assert_eq!(statement["due_counted"], "clock");
    let md = plan(
        Some(&home),
        "general-public.answers.yaml",
        "2026-11-25T18:00:00Z",
        &[],
    );
    assert!(
        md.contains("2026-11-25 20:00 +00:00 (within 2h, clock time)"),
        "{md}"
    );
}

#[test]
fn a_playbooks_working_hours_apply_unless_the_config_sets_its_own() {
    let dir = scratch();
    let general = std::fs::read_to_string(Path::new(ROOT).join("playbooks/general.yaml")).unwrap();
    let with_hours = general.replacen(
        "\nscores:",
        "\nworking_hours: {days: Mon-Fri, hours: \"08:00-17:00\", time_zone: Europe/Berlin}\nscores:",
        1,
    );
    assert_ne!(with_hours, general);
    std::fs::write(dir.join("general.yaml"), with_hours).unwrap();
    let replay = |home: Option<&Path>| {
        let mut test = Test::new();
        if let Some(home) = home {
            test = test.env("XDG_CONFIG_HOME", home);
        }
        json(
            &test
                .args(["triage", "--no-store", "--out", "-", "--format", "json"])
                .arg("--playbook")
                .arg(dir.join("general.yaml"))
                // Friday 21:48 in Taipei is 14:48 in Berlin.
                .args(["--now", "2026-11-27T21:48:00+08:00", "--answers"])
                .arg(example("general-fire.answers.yaml"))
                .run()
                .success()
                .stdout,
        )
    };
    let four_hours = |plan: &serde_json::Value| {
        plan["remedies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["due_in"] == "4h")
            .unwrap()["due"]
            .clone()
    };
    // Berlin: 2 h 12 m on Friday, the rest on Monday from 08:00.
    assert_eq!(four_hours(&replay(None)), "2026-11-30T09:48:00+01:00");
    assert_eq!(replay(None)["working_hours"]["time_zone"], "Europe/Berlin");
    let home = config_home(TEAM);
    assert_eq!(
        four_hours(&replay(Some(&home))),
        "2026-11-30T13:00:00+08:00"
    );
}

/// What reading the config costs every command (the first prompt of a live
/// triage waits for it): `Settings::resolve` with the README's file and with
/// none, in-process. Prints figures; no timed assertion (shared machines).
/// `cargo test --locked --release config_resolution_cost -- --ignored --nocapture`
#[test]
#[ignore = "prints figures; run with --ignored --nocapture"]
fn config_resolution_cost() {
    use defuse::config::{Flags, Settings};
    let home = config_home(TEAM);
    let none = scratch();
    for (what, dir) in [("no file", &none), ("the README's file", &home)] {
        let var = |name: &str| match name {
            "XDG_CONFIG_HOME" => Some(dir.clone().into_os_string()),
            _ => None,
        };
        let flags = Flags {
            config: None,
            lang: None,
            playbook_dirs: &[],
            db: None,
        };
        let mut times: Vec<f64> = (0..2000)
            .map(|_| {
                let start = std::time::Instant::now();
                let settings = Settings::resolve(&flags, var).unwrap();
                std::hint::black_box(settings.team());
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let line = format!(
            "config resolution, {what}: median {:.1} µs, p90 {:.1} µs\n",
            times[times.len() / 2],
            times[times.len() * 9 / 10]
        );
        std::io::Write::write_all(&mut std::io::stdout().lock(), line.as_bytes()).unwrap();
    }
}

/// The file's `archive` follows `--db`'s rules: a `postgres://` URL is a
/// server (kept as written, not made relative to the file), `sqlite:PATH`
/// is a file relative to the config file, and a URL holding a password is
/// refused without repeating it, naming the file.
#[test]
fn the_archive_in_the_file_may_be_a_server_url_without_a_password() {
    let report = |text: &str| {
        let home = config_home(text);
        let out = Test::new()
            .env("XDG_CONFIG_HOME", &home)
            .env_remove("DEFUSE_DB")
            .args(["config", "--format", "json"])
            .run()
            .success()
            .stdout;
        (home, json(&out)["settings"]["archive"].clone())
    };
    let (_, archive) =
        report("archive = \"postgres://rep@db.example:5433/team?sslmode=require\"\n");
    assert_eq!(
        archive["value"],
        "postgres://rep@db.example:5433/team?sslmode=require"
    );
    assert_eq!(archive["from"], "file");
    let (home, archive) = report("archive = \"sqlite:team.db\"\n");
    assert_eq!(
        archive["value"],
        home.join("defuse/team.db").display().to_string()
    );

    let home = config_home("archive = \"postgres://rep:s3cret@db.example/team\"\n");
    let refused = Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .env_remove("DEFUSE_DB")
        .args(["cases", "list"])
        .run()
        .status(2)
        .stderr_contains(&format!(
            "`archive` in {}: the URL holds a password",
            home.join("defuse/config.toml").display()
        ))
        .stderr_contains("PGPASSWORD");
    assert!(!refused.stderr.contains("s3cret"), "{}", refused.stderr);
    let shown = Test::new()
        .env("XDG_CONFIG_HOME", &home)
        .env_remove("DEFUSE_DB")
        .args(["config"])
        .run()
        .success();
    assert!(!shown.stdout.contains("s3cret"), "{}", shown.stdout);
}

crate::each_backend! {
    /// A team's archive named in the config file is where cases go.
    fn the_archive_in_the_file_is_used(db) {
        let url = db.url().to_str().unwrap();
        let home = config_home(&format!("archive = \"{url}\"\n"));
        let with_config = || {
            Test::new()
                .env("XDG_CONFIG_HOME", &home)
                .env_remove("DEFUSE_DB")
        };
        with_config()
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-fire.answers.yaml"))
            .run()
            .success()
            .stderr_contains("Stored as case #1 in ");
        with_config()
            .args(["cases", "list"])
            .run()
            .success()
            .stdout_contains("Acme Trading");
        Test::new()
            .env("DEFUSE_DB", db.url())
            .args(["cases", "check"])
            .run()
            .stdout("ok: 1 case, schema version 8\n");
    }
}
