//! Every commitment tracked, and calendars (#13 items 3 and 6): the remedies
//! a call chose and its follow-ups are listed together by `defuse
//! commitments` (alias `followups`), filtered by time and owner, marked done
//! with who and when, and exported as an iCalendar a real parser reads.

use std::ffi::OsStr;
use std::path::Path;

use icalendar::parser::{read_calendar, unfold};

use crate::common::example;
use crate::test::{Output, Test};

const CALL: &str = "2026-11-23T10:00:00+08:00";

fn defuse(db: &(impl AsRef<OsStr> + ?Sized)) -> Test {
    Test::new()
        .env("DEFUSE_DB", db.as_ref())
        .env("USER", "alice")
}

/// Stores the fire example (six remedies, six follow-ups) called at `now`.
fn store_fire(db: &(impl AsRef<OsStr> + ?Sized), now: &str) {
    defuse(db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .args(["--now", now])
        .run()
        .success();
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    value.as_array().expect("an array").clone()
}

fn listed(db: &(impl AsRef<OsStr> + ?Sized), options: &[&str]) -> Vec<serde_json::Value> {
    json(
        &defuse(db)
            .args(["commitments", "--format", "json"])
            .args(options)
            .run()
            .success(),
    )
}

fn items(rows: &[serde_json::Value]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{} {}",
                r["kind"].as_str().unwrap(),
                r["item"].as_str().unwrap()
            )
        })
        .collect()
}

fn sql(db: &Path, sql: &str) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

crate::each_backend! {
    fn remedies_and_followups_are_listed_together_by_due_time(db) {
        store_fire(db, CALL);
        let all = listed(db, &[]);
        assert_eq!(all.len(), 12, "six remedies and six follow-ups");
        let dues: Vec<&str> = all.iter().map(|r| r["due"].as_str().unwrap()).collect();
        let mut sorted = dues.clone();
        sorted.sort_by_key(|d| chrono::DateTime::parse_from_rfc3339(d).unwrap());
        assert_eq!(dues, sorted, "by due time");
        // Thirty minutes after the call, the 30-minute remedy is already due
        // today; before, `followups --due` said "No open follow-ups".
        let due = listed(db, &["--due", "--now", "2026-11-23T10:01:00+08:00"]);
        assert_eq!(due[0]["item"], "listen_first", "{due:?}");
        assert_eq!(due[0]["due"], "2026-11-23T10:30:00+08:00");
        assert!(due.iter().all(|r| r["kind"] == "remedy"), "{due:?}");
        let today = listed(db, &["--today", "--now", "2026-11-23T10:01:00+08:00"]);
        assert_eq!(items(&today), items(&due), "--due is --today");
        // The old name lists the same.
        let alias = json(
            &defuse(db)
                .args(["followups", "--format", "json"])
                .run()
                .success(),
        );
        assert_eq!(alias, all);
        let overdue = listed(db, &["--overdue", "--now", "2026-11-23T12:30:00+08:00"]);
        assert_eq!(
            items(&overdue),
            ["remedy listen_first", "remedy named_owner"],
            "due before 12:30, not at 12:30 or later"
        );
    }
}

crate::each_backend! {
    /// The stored commitments appear as the plan the rep saw lists them: at once,
    /// for a call made just now (the real clock, no `--now` on the listing).
    fn a_remedy_due_in_30_minutes_appears_at_once(db) {
        // Whole seconds, as a call time is kept.
        let now = chrono::Local::now().fixed_offset();
        let now = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        store_fire(db, &now);
        let now = chrono::DateTime::parse_from_rfc3339(&now).unwrap();
        let open = listed(db, &[]);
        assert_eq!(open[0]["item"], "listen_first");
        let in_30 = chrono::DateTime::parse_from_rfc3339(open[0]["due"].as_str().unwrap()).unwrap();
        assert_eq!((in_30 - now).num_minutes(), 30);
        // Not overdue yet, so not in --overdue.
        assert!(!items(&listed(db, &["--overdue"])).contains(&"remedy listen_first".into()));
    }
}

#[test]
fn the_listing_shows_kind_due_owner_and_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    store_fire(&db, CALL);
    sql(
        &db,
        "UPDATE commitments SET owner_name = 'Chen Mei' WHERE owner = 'Team lead';",
    );
    let en = defuse(&db)
        .args(["commitments", "--now", "2026-11-23T12:30:00+08:00"])
        .run()
        .success()
        .stdout;
    insta::assert_snapshot!("commitments-en", en);
    let zh = defuse(&db)
        .args(["--lang", "zh-TW", "commitments", "--today"])
        .args(["--now", "2026-11-23T12:30:00+08:00"])
        .run()
        .success()
        .stdout;
    insta::assert_snapshot!("commitments-zh-TW", zh);
}

crate::each_backend! {
    fn done_works_for_both_kinds_and_records_who_and_when(db) {
        store_fire(db, CALL);
        let all = listed(db, &[]);
        let number = |kind: &str| {
            all.iter().find(|r| r["kind"] == kind).unwrap()["number"]
                .as_i64()
                .unwrap()
                .to_string()
        };
        let (remedy, followup) = (number("remedy"), number("followup"));
        for n in [&remedy, &followup] {
            defuse(db)
                .env("USER", "bob")
                .args(["commitments", "done", n])
                .run()
                .success()
                .stderr(&format!("Commitment #{n} done.\n"));
        }
        defuse(db)
            .args(["followups", "done", &remedy])
            .run()
            .status(2)
            .stderr_contains(&format!("commitment #{remedy} is already done (by bob at "));
        defuse(db)
            .args(["commitments", "done", "999"])
            .run()
            .status(2)
            .stderr_contains("no commitment #999");
        assert_eq!(listed(db, &[]).len(), 10, "done ones leave the open list");
        let with_done = listed(db, &["--all"]);
        let done: Vec<_> = with_done
            .iter()
            .filter(|r| !r["done_at"].is_null())
            .collect();
        assert_eq!(done.len(), 2);
        assert!(done.iter().all(|r| r["done_by"] == "bob"), "{done:?}");
        // Without $USER, the login name.
        let next = with_done.iter().find(|r| r["done_at"].is_null()).unwrap()["number"]
            .as_i64()
            .unwrap()
            .to_string();
        defuse(db)
            .env_remove("USER")
            .env("LOGNAME", "carol")
            .args(["commitments", "done", &next])
            .run()
            .success();
        assert!(
            listed(db, &["--all"])
                .iter()
                .any(|r| r["done_by"] == "carol")
        );
    }
}

crate::each_backend! {
    fn owners_are_matched_by_role_or_person_and_mine_by_name(db) {
        store_fire(db, CALL);
        db.execute(
            "UPDATE commitments SET owner_name = 'Chen Mei' WHERE owner = 'Team lead';
             UPDATE commitments SET owner_name = 'Alice Wong' WHERE owner = 'Account rep' AND kind = 'remedy';",
        );
        let lead = listed(db, &["--owner", "team LEAD"]);
        assert_eq!(items(&lead), ["remedy manager_call"]);
        assert_eq!(listed(db, &["--owner", "chen mei"]), lead, "by person");
        assert!(
            listed(db, &["--owner", "Team"]).is_empty(),
            "whole names only"
        );
        let mine = json(
            &defuse(db)
                .env("USER", "alice wong")
                .args(["commitments", "--mine", "--format", "json"])
                .run()
                .success(),
        );
        assert_eq!(
            items(&mine),
            ["remedy listen_first", "remedy named_owner"],
            "the rep's own, by name"
        );
        defuse(db)
            .env("USER", "nobody")
            .args(["commitments", "--mine"])
            .run()
            .success()
            .stdout("No open commitments owned by nobody.\n");
        defuse(db)
            .args(["commitments", "--mine", "--owner", "x"])
            .run()
            .status(2);
    }
}

crate::each_backend! {
    fn void_cases_and_rehearsals_owe_nothing(db) {
        store_fire(db, CALL);
        store_fire(db, "2026-11-24T10:00:00+08:00");
        assert_eq!(listed(db, &[]).len(), 24);
        defuse(db)
            .args(["cases", "void", "1", "--reason", "test call"])
            .run()
            .success();
        let left = listed(db, &[]);
        assert_eq!(left.len(), 12);
        assert!(left.iter().all(|r| r["case_number"] == 2), "{left:?}");
        let ics = defuse(db)
            .args(["commitments", "--format", "ics"])
            .run()
            .success()
            .stdout;
        assert_eq!(ics.matches("BEGIN:VTODO").count(), 12);
    }
}

#[test]
fn csv_lists_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    store_fire(&db, CALL);
    let csv = defuse(&db)
        .args(["commitments", "--format", "csv", "--owner", "team lead"])
        .run()
        .success()
        .stdout;
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "number,kind,case_number,case_id,customer,item,due,action,owner,owner_name,done_at,done_by"
        )
    );
    assert!(lines.next().unwrap().contains("\"remedy\",\"1\","), "{csv}");
}

/// Every physical line of an iCalendar: CRLF-terminated, at most 75 octets.
fn lines_are_folded(ics: &str) {
    assert!(ics.ends_with("\r\n"), "CRLF at the end");
    for line in ics.strip_suffix("\r\n").unwrap().split("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
}

/// Each VTODO as (property → value, unescaped), read by the icalendar crate.
fn todos(ics: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let unfolded = unfold(ics);
    let calendar = read_calendar(&unfolded).expect("an RFC 5545 calendar");
    calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTODO")
        .map(|todo| {
            todo.properties
                .iter()
                .map(|p| {
                    (
                        p.name.as_str().to_owned(),
                        // The parser unescapes TEXT values itself.
                        p.val.as_str().to_owned(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_calendar_has_one_todo_per_commitment_with_stable_uids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    store_fire(&db, CALL);
    let export = |now: &str| {
        defuse(&db)
            .args(["commitments", "--format", "ics", "--now", now])
            .run()
            .success()
            .stdout
    };
    let first = export("2026-11-23T10:05:00+08:00");
    lines_are_folded(&first);
    assert!(first.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    let before = todos(&first);
    assert_eq!(before.len(), 12);
    let uids: std::collections::BTreeSet<_> = before.iter().map(|t| t["UID"].clone()).collect();
    assert_eq!(uids.len(), 12, "one UID each");
    let listen = &before[0];
    assert!(
        listen["UID"].ends_with(".remedy.listen_first@defuse")
            && listen["UID"].starts_with("20261123-1000-acme-trading-"),
        "{listen:?}"
    );
    assert_eq!(listen["DUE"], "20261123T023000Z");
    assert_eq!(listen["DTSTAMP"], "20261123T020500Z");
    assert_eq!(listen["STATUS"], "NEEDS-ACTION");
    assert!(
        listen["SUMMARY"].starts_with("Acme Trading: "),
        "{listen:?}"
    );
    assert!(
        listen["DESCRIPTION"].contains("Customer: Acme Trading\nOwner: Account rep"),
        "{listen:?}"
    );
    // Done, then exported again: the same UIDs, now completed.
    let number = listed(&db, &[])[0]["number"].as_i64().unwrap().to_string();
    defuse(&db)
        .args(["commitments", "done", &number])
        .run()
        .success();
    let after = todos(&export("2026-11-23T11:00:00+08:00"));
    let uids_after: std::collections::BTreeSet<_> =
        after.iter().map(|t| t["UID"].clone()).collect();
    assert_eq!(uids_after, uids, "a re-import updates the same tasks");
    let done = after.iter().find(|t| t["UID"] == listen["UID"]).unwrap();
    assert_eq!(done["STATUS"], "COMPLETED");
    assert_eq!(done["SEQUENCE"], "1");
    assert!(done.contains_key("COMPLETED"), "{done:?}");
    assert!(done["DESCRIPTION"].contains("Done by alice"), "{done:?}");
}

#[test]
fn hostile_text_survives_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    store_fire(&db, CALL);
    let customer = "Acme, Inc.; \"Trading\" \\ Co.\nLine two\r\nthree";
    let action = format!(
        "火災處理：{}\u{1b}[2J\u{202E}bell\u{7} done; ok, fine\\n",
        "客戶非常生氣，需要立即回電並確認所有承諾。".repeat(6)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE cases SET customer = ?1", [customer])
        .unwrap();
    conn.execute("UPDATE commitments SET action = ?1", [&action])
        .unwrap();
    let ics = defuse(&db)
        .args(["commitments", "--format", "ics", "--now", CALL])
        .run()
        .success()
        .stdout;
    lines_are_folded(&ics);
    assert!(!ics.contains('\u{1b}') && !ics.contains('\u{202E}') && !ics.contains('\u{7}'));
    let todo = &todos(&ics)[0];
    // Controls are shown as the gate shows them; the rest comes back as written.
    let shown = |text: &str| defuse::text::for_terminal(&text.replace("\r\n", "\n"));
    assert_eq!(
        todo["SUMMARY"],
        format!("{}: {}", shown(customer), shown(&action))
    );
    assert!(
        todo["DESCRIPTION"].contains(&format!("Customer: {}\n", shown(customer))),
        "{todo:?}"
    );
}

crate::each_backend! {
    /// The configured name is "me": the plan names the rep's own items after it
    /// when the call is stored, `--mine` finds them, and `done` records it.
    fn the_configured_name_is_mine_and_signs_what_is_done(db) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("config");
        std::fs::create_dir_all(home.join("defuse")).unwrap();
        std::fs::write(
            home.join("defuse/config.toml"),
            "name = \"Li Wei\"\n[roster]\n\"Team lead\" = \"Chen Mei\"\n",
        )
        .unwrap();
        let with_config = || defuse(db).env("XDG_CONFIG_HOME", &home);
        with_config()
            .args(["triage", "--out", "-", "--answers"])
            .arg(example("general-fire"))
            .args(["--now", CALL])
            .run()
            .success();
        let mine = json(
            &with_config()
                .args(["commitments", "--mine", "--all", "--format", "json"])
                .run()
                .success(),
        );
        assert!(!mine.is_empty(), "the rep's own items are named Li Wei");
        assert!(mine.iter().all(|r| r["owner_name"] == "Li Wei"), "{mine:?}");
        // The OS user ("alice") is not the configured name.
        defuse(db)
            .args(["commitments", "--mine"])
            .run()
            .success()
            .stdout("No open commitments owned by alice.\n");
        let number = mine[0]["number"].as_i64().expect("a number").to_string();
        with_config()
            .args(["commitments", "done", &number])
            .run()
            .success();
        let done = listed(db, &["--all"]);
        let row = done
            .iter()
            .find(|r| r["number"].as_i64().map(|n| n.to_string()) == Some(number.clone()))
            .expect("still listed with --all");
        assert_eq!(row["done_by"], "Li Wei");
    }
}

/// A server archive at version 2 (follow-ups in their own table) is brought
/// to version 3 as SQLite's is: follow-ups keep their numbers (done ones
/// stay done), the remedies come from each stored plan with numbers after
/// the highest follow-up, and the people the plan names are filled in.
#[test]
fn a_version_2_server_archive_moves_its_followups_and_adds_the_remedies() {
    let Some(db) = crate::backends::Db::postgres() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("config");
    std::fs::create_dir_all(home.join("defuse")).unwrap();
    std::fs::write(
        home.join("defuse/config.toml"),
        "name = \"Li Wei\"\n[roster]\n\"Team lead\" = \"Chen Mei\"\n",
    )
    .unwrap();
    defuse(&db)
        .env("XDG_CONFIG_HOME", &home)
        .args(["triage", "--out", "-", "--answers"])
        .arg(example("general-fire"))
        .args(["--now", CALL])
        .run()
        .success();
    // The same case as version 2 kept it: follow-ups only (stored as 7–12,
    // renumbered 17–22),
    // the first one done; no remedies, no names, no `stored_by` (v4).
    db.execute(
        "CREATE TABLE followups (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            case_row BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            followup_id TEXT NOT NULL, due TEXT NOT NULL, due_epoch BIGINT NOT NULL,
            action TEXT NOT NULL, owner TEXT NOT NULL, done_at TEXT);
         INSERT INTO followups (id, case_row, followup_id, due, due_epoch, action, owner)
            SELECT id + 10, case_row, item_id, due, due_epoch, action, owner
            FROM commitments WHERE kind = 'followup' ORDER BY id;
         UPDATE followups SET done_at = '2026-11-24T09:00:00+08:00'
            WHERE id = (SELECT min(id) FROM followups);
         DROP TABLE commitments;
         ALTER TABLE cases DROP COLUMN stored_by;
         ALTER TABLE cases DROP COLUMN stored_role;
         ALTER TABLE cases DROP COLUMN case_fields;
         ALTER TABLE cases DROP COLUMN plan_lang;
         UPDATE defuse_schema SET version = 2;",
    );
    let all = listed(&db, &["--all"]);
    let followups: Vec<_> = all.iter().filter(|r| r["kind"] == "followup").collect();
    let remedies: Vec<_> = all.iter().filter(|r| r["kind"] == "remedy").collect();
    let mut numbers: Vec<i64> = followups
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (17..=22).collect::<Vec<_>>(), "{all:?}");
    let done: Vec<_> = followups
        .iter()
        .filter(|r| !r["done_at"].is_null())
        .collect();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["number"], 17);
    let mut numbers: Vec<i64> = remedies
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        (23..=28).collect::<Vec<_>>(),
        "after the highest: {all:?}"
    );
    assert!(
        all.iter()
            .filter(|r| r["owner"] == "Team lead")
            .all(|r| r["owner_name"] == "Chen Mei"),
        "{all:?}"
    );
    assert!(all.iter().any(|r| r["owner_name"] == "Li Wei"), "{all:?}");
    // New commitments continue after the highest number.
    store_fire(&db, "2026-11-24T10:00:00+08:00");
    let newest = listed(&db, &["--all"])
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .max();
    assert_eq!(newest, Some(40));
    // Version 5: the role that stored a case; unknown for earlier cases
    // (not the migrating role's), the login for new ones.
    let roles: Vec<Option<String>> = db
        .admin()
        .query("SELECT stored_role FROM cases ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(roles, [None, Some("defuse_test".to_owned())]);
    defuse(&db)
        .args(["cases", "check"])
        .run()
        .stdout("ok: 2 cases, schema version 8\n");
}

crate::each_backend! {
    /// A team archive: each rep's calls name the people behind the roles, and
    /// `--mine` / `--owner` find a person's commitments whoever stored the case.
    fn owners_are_found_across_the_team(db) {
        let dir = tempfile::tempdir().unwrap();
        let as_person = |name: &str| {
            let home = dir.path().join(name);
            std::fs::create_dir_all(home.join("defuse")).unwrap();
            std::fs::write(
                home.join("defuse/config.toml"),
                format!("name = \"{name}\"\n[roster]\n\"Team lead\" = \"Chen Mei\"\n"),
            )
            .unwrap();
            defuse(db).env("XDG_CONFIG_HOME", &home)
        };
        for (rep, now) in [("Li Wei", CALL), ("Bob Tan", "2026-11-23T11:00:00+08:00")] {
            as_person(rep)
                .args(["triage", "--out", "-", "--answers"])
                .arg(example("general-fire"))
                .args(["--now", now])
                .run()
                .success();
        }
        let cases_of = |rows: &[serde_json::Value]| {
            let mut cases: Vec<i64> = rows.iter().map(|r| r["case_number"].as_i64().unwrap()).collect();
            cases.dedup();
            cases
        };
        let lead = json(
            &as_person("Chen Mei")
                .args(["commitments", "--mine", "--format", "json"])
                .run()
                .success(),
        );
        assert_eq!(cases_of(&lead), [1, 2], "the lead's items from both reps' cases");
        assert!(lead.iter().all(|r| r["owner_name"] == "Chen Mei"), "{lead:?}");
        let li = listed(db, &["--owner", "LI WEI"]);
        assert!(!li.is_empty() && cases_of(&li) == [1], "{li:?}");
        let bob = listed(db, &["--owner", "bob tan"]);
        assert!(!bob.is_empty() && cases_of(&bob) == [2], "{bob:?}");
    }
}

crate::each_backend! {
    /// #16: a commitment's action and owner are shown in the reader's
    /// language, replayed from the stored answers; in the case's own
    /// language as stored; as stored too when its playbook is gone or
    /// changed. CSV and JSON's `action` keep the stored wording.
    fn commitments_are_worded_in_the_readers_language(db) {
        let times = ["11:00", "12:00", "13:00"].map(|t| format!("2026-11-23T{t}:00+08:00"));
        for now in [CALL].into_iter().chain(times.iter().map(String::as_str)) {
            defuse(db)
                .args(["--lang", "zh-TW", "triage", "--out", "-", "--answers"])
                .arg(example("general-fire"))
                .args(["--now", now])
                .run()
                .success();
        }
        // Case 1's first action as stored differs from any replay of it.
        db.execute(
            "UPDATE commitments SET action = 'as stored' WHERE case_row = 1 AND item_id = 'listen_first';
             UPDATE cases SET playbook_id = 'gone' WHERE id = 2;
             UPDATE cases SET playbook_version = '0.0.1' WHERE id = 3;
             UPDATE cases SET answers_yaml = 'customer: [' WHERE id = 4;",
        );
        let list = |lang: &str| {
            json(
                &defuse(db)
                    .args(["--lang", lang, "commitments", "--format", "json"])
                    .run()
                    .success(),
            )
        };
        let listen = |rows: &[serde_json::Value], case: i64| {
            rows.iter()
                .find(|r| r["case_number"] == case && r["item"] == "listen_first")
                .expect("listen_first of the case")
                .clone()
        };
        let stored_zh = "讓他把話說完。在解釋或道歉之前，先用他的話複述你聽到的重點。";
        let en = list("en");
        let first = listen(&en, 1);
        assert_eq!(
            first["display_action"],
            "Let them finish. Summarise what you heard in their words before you explain or apologise."
        );
        assert_eq!(first["display_owner"], "Account rep");
        assert_eq!((&first["action"], &first["owner"]), (&"as stored".into(), &"業務".into()));
        // An unknown playbook, a changed version, answers that no longer
        // replay: the stored wording.
        for case in [2, 3, 4] {
            let row = listen(&en, case);
            assert_eq!((&row["display_action"], &row["action"]), (&stored_zh.into(), &stored_zh.into()));
            assert_eq!(row["display_owner"], "業務");
        }
        // The case's own language: as stored, not replayed.
        let zh = list("zh-TW");
        assert_eq!(zh.len(), en.len());
        assert!(zh.iter().all(|r| r["display_action"] == r["action"] && r["display_owner"] == r["owner"]));
        assert_eq!(listen(&zh, 1)["display_action"], "as stored");
        // The table and the calendar are for readers too; CSV is not.
        let table = defuse(db).args(["--lang", "en", "commitments"]).run().success().stdout;
        assert!(table.contains("Let them finish. Summarise"), "{table}");
        assert!(!table.contains("as stored"), "{table}");
        let ics = defuse(db)
            .args(["--lang", "en", "commitments", "--format", "ics"])
            .run()
            .success()
            .stdout;
        assert!(unfold(&ics).contains("Acme Trading: Let them finish."), "{ics}");
        let csv = defuse(db)
            .args(["--lang", "en", "commitments", "--format", "csv"])
            .run()
            .success()
            .stdout;
        assert!(csv.contains("as stored") && !csv.contains("Let them finish"), "{csv}");
        // The case's language is its own column (schema 8): found without
        // its plan. A case stored before it has none: read from the plan.
        db.execute("UPDATE cases SET plan_json = '{}' WHERE id = 1");
        assert!(listen(&list("en"), 1)["display_action"].as_str().unwrap().starts_with("Let them finish"));
        db.execute("UPDATE cases SET plan_lang = NULL WHERE id = 1");
        assert_eq!(listen(&list("en"), 1)["display_action"], "as stored");
    }
}
