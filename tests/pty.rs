//! The live session through a real pseudo-terminal: what a rep sees and types.
//! dialoguer refuses to run without a terminal, so this is the only way to
//! test the interactive path.

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use expectrl::{Expect, Session};

const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
const ENTER: &str = "\r";
const SHOW_CURSOR: &str = "\x1b[?25h";

struct Rep {
    session: expectrl::session::OsSession,
}

impl Rep {
    fn start(dir: &std::path::Path) -> Rep {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_defuse"));
        cmd.args(["triage", "--now", "2026-11-23T10:00:00+08:00"])
            .current_dir(dir)
            .env("TERM", "xterm-256color")
            .env("DEFUSE_PLAN_DIR", dir.join("plans"))
            .env_remove("DEFUSE_PLAYBOOK_DIR");
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        Rep { session }
    }

    /// Waits until `text` is on screen.
    fn see(&mut self, text: &str) -> &mut Self {
        if let Err(e) = self.session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
        self
    }

    /// Sends keys one at a time, pausing so each re-render lands before the
    /// next key (pacing only; nothing here measures time).
    fn keys(&mut self, keys: &[&str]) -> &mut Self {
        for key in keys {
            self.session.send(key).expect("send key");
            sleep(Duration::from_millis(40));
        }
        self
    }

    fn type_line(&mut self, text: &str) -> &mut Self {
        self.keys(&[text, ENTER])
    }

    fn rest(&mut self) -> String {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.session, &mut rest);
        rest
    }
}

/// The keystrokes of a complete triage of the embedded default playbook,
/// documented in the README ("A session, key by key").
fn full_triage(rep: &mut Rep) {
    rep.see("Customer").type_line("Acme Trading");
    rep.see("name)").type_line("Jane Li");
    rep.see("Their role").type_line("");
    rep.see("Step 1")
        .see("Did something actually fail")
        .keys(&[ENTER]); // yes
    rep.see("real loss").keys(&[ENTER]); // yes
    rep.see("Who is on the line?").keys(&[ENTER]); // decision-maker
    rep.see("If this is not handled now")
        .keys(&[DOWN, DOWN, " ", ENTER]); // cancel
    rep.see("someone else's anger").keys(&[DOWN, ENTER]); // no
    rep.see("Is it public").keys(&[DOWN, ENTER]); // no
    rep.see("in front of others").keys(&[DOWN, ENTER]); // no
    rep.see("complained before").keys(&[ENTER]); // first time
    rep.see("Step 2").see("Fire").see("Let them finish");
    rep.see("really angry about").keys(&[ENTER]); // the suggested "real loss"
    rep.see("Their own words")
        .type_line("We lost a day of trading and nobody called.");
    rep.see("What kind of complaint").keys(&[UP, UP, UP, ENTER]); // old bug
    rep.see("Which crisis").keys(&[UP, ENTER]); // boss
    rep.see("What is at stake").keys(&[UP, ENTER]); // trust
    rep.see("Step 3")
        .see("Proposed remedy")
        .see("Which remedies")
        .keys(&[ENTER]);
    rep.see("Change an owner").keys(&[ENTER]); // done
    for _ in 0..4 {
        rep.see("Enter to leave empty").type_line("");
    }
}

#[test]
fn a_full_interactive_triage_writes_a_plan_that_its_answers_replay_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    full_triage(&mut rep);
    rep.see("Written:");
    let rest = rep.rest();
    assert!(
        rest.contains(SHOW_CURSOR) || rest.is_empty(),
        "cursor left hidden"
    );

    let plans = tmp.path().join("plans");
    let plan = plans.join("20261123-1000-acme-trading.md");
    let answers = plans.join("20261123-1000-acme-trading.answers.yaml");
    let written = std::fs::read_to_string(&plan).expect("plan written");
    assert!(written.contains("**Level: Fire**"), "{written}");
    assert!(written.contains("A senior executive speaks to their decision-maker"));
    assert!(written.contains("| Complaint kind | Old bug"), "{written}");

    let replayed = crate::common::replay(&answers, tmp.path());
    assert_eq!(replayed, written, "replay differs from the live plan");
}

#[test]
fn escape_goes_back_and_a_changed_answer_reshapes_the_questions() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    rep.see("Customer").type_line("Acme");
    rep.see("name)").type_line("");
    rep.see("Their role").type_line("");
    rep.see("Did something actually fail").keys(&[ENTER]); // yes …
    rep.see("real loss").keys(&[ESC]); // … no, go back
    rep.see("Did something actually fail")
        .keys(&[DOWN, DOWN, ENTER]); // "no"
    // With no failure there is no real-loss question: straight to the role.
    rep.see("Who is on the line?");
    let tail = rep.rest_until_quit();
    assert!(!tail.contains("real loss"), "{tail}");
}

impl Rep {
    /// Interrupts the session (Ctrl-C) and returns what it printed.
    fn rest_until_quit(&mut self) -> String {
        self.keys(&["\x03"]);
        self.rest()
    }
}

#[test]
fn ctrl_c_keeps_the_answers_and_restores_the_cursor() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    rep.see("Customer").type_line("Acme");
    rep.see("name)").type_line("Jane");
    rep.see("Their role").type_line("CTO");
    rep.see("Did something actually fail").keys(&[ENTER]);
    rep.see("real loss");
    let out = rep.rest_until_quit();
    assert!(out.contains(SHOW_CURSOR), "cursor not restored: {out:?}");
    assert!(out.contains("answers so far saved"), "{out}");
    let saved = std::fs::read_dir(tmp.path().join("plans"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(saved).unwrap();
    assert!(
        text.contains("customer: Acme") && text.contains("our_failure:"),
        "{text}"
    );
    let status = format!("{:?}", rep.session.get_process_mut().wait().unwrap());
    assert!(status.ends_with(", 130)"), "exit status {status}");
}
