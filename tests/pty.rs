//! The live session through a real pseudo-terminal: what a rep sees and types.
//! dialoguer refuses to run without a terminal, so this is the only way to
//! test the interactive path.

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use expectrl::{Expect, Session};
use predicates::prelude::PredicateBooleanExt;

const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
const ENTER: &str = "\r";
const SHOW_CURSOR: &str = "\x1b[?25h";

pub(crate) struct Rep {
    session: expectrl::session::OsSession,
    /// Keys pressed, not counting the characters of typed text.
    keys: usize,
    /// What the rep's terminal shows: every byte read so far, through a
    /// VT100 emulator of the pty's size.
    screen: vt100::Parser,
    /// Every byte read so far.
    transcript: Vec<u8>,
}

/// `defuse ARGS` in the environment every session runs in.
pub(crate) fn command(dir: &Path, args: &[&str]) -> Command {
    in_test_env(Command::new(env!("CARGO_BIN_EXE_defuse")), dir, args)
}

/// Plans and drafts go to `dir`; nothing from the developer's environment leaks in.
fn in_test_env(mut cmd: Command, dir: &Path, args: &[&str]) -> Command {
    cmd.args(args)
        .current_dir(dir)
        .env("TERM", "xterm-256color")
        .env("DEFUSE_PLAN_DIR", dir.join("plans"))
        .env("DEFUSE_DRAFTS_DIR", dir.join("drafts"))
        .env("DEFUSE_DB", dir.join("cases.db"))
        .env("DEFUSE_OUTBOX", dir.join("outbox.db"))
        .env_remove("DEFUSE_PLAYBOOK_DIR");
    for var in ["DEFUSE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd
}

pub(crate) const NOW: &str = "2026-11-23T10:00:00+08:00";

impl Rep {
    fn start(dir: &Path) -> Rep {
        Rep::spawn(command(dir, &["triage", "--now", NOW]))
    }

    fn resume(dir: &Path) -> Rep {
        Rep::spawn(command(dir, &["triage", "--resume"]))
    }

    pub(crate) fn spawn(cmd: Command) -> Rep {
        Rep::spawn_sized(cmd, 80, 24)
    }

    /// `cmd` in a pty of `cols`×`rows` (ptyprocess opens every pty at 80×24).
    fn spawn_sized(cmd: Command, cols: u16, rows: u16) -> Rep {
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        // Generous: a loaded 2-core CI machine can be slow to draw.
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("a terminal size");
        let screen = vt100::Parser::new(size(rows), size(cols), 0);
        Rep {
            session,
            keys: 0,
            screen,
            transcript: Vec::new(),
        }
    }

    /// Waits until `text` is on screen.
    pub(crate) fn see(&mut self, text: &str) -> &mut Self {
        match self.session.expect(text) {
            Ok(found) => {
                self.screen.process(found.as_bytes());
                self.transcript.extend_from_slice(found.as_bytes());
            }
            Err(e) => panic!("waiting for {text:?}: {e}"),
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
        self.keys += keys.len();
        self
    }

    fn type_line(&mut self, text: &str) -> &mut Self {
        self.session.send(text).expect("send text");
        self.keys(&[ENTER])
    }

    /// Everything printed until the process ends.
    pub(crate) fn rest(&mut self) -> String {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.session, &mut rest);
        self.screen.process(rest.as_bytes());
        self.transcript.extend_from_slice(rest.as_bytes());
        rest
    }

    /// Presses Ctrl-C and returns what the session printed as it stopped.
    fn interrupt(&mut self) -> String {
        self.keys(&["\x03"]);
        self.rest()
    }

    fn exit_status(&mut self) -> String {
        format!("{:?}", self.session.get_process_mut().wait().unwrap())
    }
}

/// What the rep sees at each point of the documented session, in one language.
struct Screen {
    customer: &'static str,
    contact: &'static str,
    role: &'static str,
    step_1: &'static str,
    our_failure: &'static str,
    real_loss: &'static str,
    who: &'static str,
    stakes: &'static str,
    pressure: &'static str,
    public: &'static str,
    audience: &'static str,
    history: &'static str,
    step_2: &'static str,
    fire: &'static str,
    let_them_finish: &'static str,
    angry_about: &'static str,
    none_picked: &'static str,
    own_words: &'static str,
    kind: &'static str,
    crisis: &'static str,
    at_stake: &'static str,
    step_3: &'static str,
    proposed_remedy: &'static str,
    which_remedies: &'static str,
    our_owner: &'static str,
    change_owner: &'static str,
    leave_empty: &'static str,
    written: &'static str,
    /// The verdict line shown above every prompt after step 1.
    verdict: &'static str,
    /// How a multi-select is worked, shown above it.
    multi_keys: &'static str,
    /// The last option of the stakes question.
    nothing: &'static str,
    /// The start of the last remedy's label, and what every remedy item ends
    /// with however its label is cut: the due time.
    last_remedy: &'static str,
    due_mark: &'static str,
    /// The change-owner menu's options and the prompts they lead to.
    change: &'static str,
    owner_of: &'static str,
    due_for: &'static str,
    answers_so_far: &'static str,
}

const EN: Screen = Screen {
    customer: "Customer",
    contact: "name)",
    role: "Their role",
    step_1: "Step 1",
    our_failure: "Did something actually fail",
    real_loss: "real loss",
    who: "Who is on the line?",
    stakes: "If this is not handled now",
    pressure: "someone else's anger",
    public: "Is it public",
    audience: "in front of others",
    history: "complained before",
    step_2: "Step 2",
    fire: "Fire",
    let_them_finish: "Let them finish",
    angry_about: "really angry about",
    none_picked: "pick at least one",
    own_words: "Their own words",
    kind: "What kind of complaint",
    crisis: "Which crisis",
    at_stake: "What is at stake",
    step_3: "Step 3",
    proposed_remedy: "Proposed remedy",
    which_remedies: "Which remedies",
    our_owner: "Our responsible person",
    change_owner: "Change an owner",
    leave_empty: "Enter to leave empty",
    written: "Written:",
    verdict: "▶ Level: Fire · Authority: Decision-maker",
    multi_keys: "Space ticks · Enter confirms · Esc goes back",
    nothing: "Nothing beyond the annoyance",
    last_remedy: "Share other",
    due_mark: ", due ",
    change: "(owner: ",
    owner_of: "Owner of ",
    due_for: "Due after the call for ",
    answers_so_far: "Your answers so far:",
};

const ZH_TW: Screen = Screen {
    customer: "客戶（公司或個人）",
    contact: "姓名）",
    role: "對方職位",
    step_1: "步驟 1",
    our_failure: "我們這邊真的出了問題嗎",
    real_loss: "實質損失嗎",
    who: "電話另一頭是誰？",
    stakes: "如果現在不處理",
    pressure: "搬出別人的怒氣",
    public: "已經公開或快要公開",
    audience: "在別人面前爆發的嗎",
    history: "客訴過嗎",
    step_2: "步驟 2",
    fire: "火警",
    let_them_finish: "讓他把話說完",
    angry_about: "真正在氣什麼",
    none_picked: "請至少勾選一項",
    own_words: "對方的原話",
    kind: "哪一類客訴",
    crisis: "哪一種危機",
    at_stake: "動搖的是什麼",
    step_3: "步驟 3",
    proposed_remedy: "建議的補救措施",
    which_remedies: "哪些補救措施要放進計畫",
    our_owner: "我方這個案件的負責人",
    change_owner: "要調整負責人或期限嗎",
    leave_empty: "按 Enter 可留空",
    written: "已寫入：",
    verdict: "▶ 等級：火警 · 權限：決策者",
    multi_keys: "空白鍵勾選 · Enter 確認 · Esc 回上一題",
    nothing: "除了不爽，沒有別的影響",
    last_remedy: "分享其他",
    due_mark: " 內",
    change: "（負責人：",
    owner_of: " 的負責人",
    due_for: "要在通話後多久內完成",
    answers_so_far: "目前已回答：",
};

/// The case: step 0.
fn the_case(rep: &mut Rep, on: &Screen) {
    rep.see(on.customer).type_line("Acme Trading");
    rep.see(on.contact).type_line("Jane Li");
    rep.see(on.role).type_line("");
}

/// Step 1 of the documented session: a real failure and loss, a
/// decision-maker threatening to cancel.
fn step_1(rep: &mut Rep, on: &Screen) {
    rep.see(on.step_1).see(on.our_failure).keys(&[ENTER]); // yes
    rep.see(on.real_loss).keys(&[ENTER]); // yes
    rep.see(on.who).keys(&[ENTER]); // decision-maker
    rep.see(on.stakes).keys(&[DOWN, DOWN, " ", ENTER]); // cancel
    rep.see(on.pressure).keys(&[ENTER]); // no (the default)
    rep.see(on.public).keys(&[ENTER]); // no
    rep.see(on.audience).keys(&[ENTER]); // no
    rep.see(on.history).keys(&[ENTER]); // first time
}

/// `slip`: the rep first unticks everything (`a` ticks all, again none) and
/// confirms an empty list.
fn steps_2_and_3(rep: &mut Rep, on: &Screen, words: &str, slip: bool) {
    rep.see(on.step_2).see(on.fire).see(on.let_them_finish);
    if slip {
        rep.see(on.angry_about).keys(&["a", "a", ENTER]);
        rep.see(on.none_picked);
    }
    rep.see(on.angry_about).keys(&[ENTER]); // the suggested "real loss"
    rep.see(on.own_words).type_line(words);
    // The playbook suggests old bug, boss crisis, trust at stake: Enter x3.
    rep.see(on.kind).keys(&[ENTER]);
    rep.see(on.crisis).keys(&[ENTER]);
    rep.see(on.at_stake).keys(&[ENTER]);
    rep.see(on.step_3)
        .see(on.proposed_remedy)
        .see(on.which_remedies)
        .keys(&[ENTER]);
    rep.see(on.our_owner).type_line("");
    rep.see(on.change_owner).keys(&[ENTER]); // done
    for _ in 0..3 {
        rep.see(on.leave_empty).type_line("");
    }
}

/// The keystrokes of a complete triage of the embedded default playbook,
/// documented in the README ("A session").
pub(crate) fn full_triage(rep: &mut Rep) {
    the_case(rep, &EN);
    step_1(rep, &EN);
    steps_2_and_3(rep, &EN, WORDS, false);
}

/// The customer's words typed in the documented session.
const WORDS: &str = "We lost a day of trading and nobody called.";

fn plan_in(dir: &Path) -> String {
    std::fs::read_to_string(written_in(dir, ".md")).expect("plan written")
}

/// The one file in `plans/` the session wrote with this extension. Its name
/// is the case id: call time, customer, then the call's fingerprint.
fn written_in(dir: &Path, ext: &str) -> std::path::PathBuf {
    let found: Vec<_> = std::fs::read_dir(dir.join("plans"))
        .expect("plans written")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            let rest = name
                .strip_prefix("20261123-1000-acme-trading-")
                .unwrap_or_default();
            rest.strip_suffix(ext)
                .is_some_and(|id| id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    assert_eq!(found.len(), 1, "one {ext} file: {found:?}");
    found[0].clone()
}

fn drafts_in(dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir.join("drafts")) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// A plan from an uninterrupted run, to compare resumed runs against.
fn uninterrupted_plan() -> String {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    full_triage(&mut rep);
    rep.see("Written:");
    rep.rest();
    plan_in(tmp.path())
}

#[test]
fn a_full_interactive_triage_writes_a_plan_that_its_answers_replay_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    full_triage(&mut rep);
    rep.see("Written:");
    let rest = rep.rest();
    assert!(rest.contains(SHOW_CURSOR), "cursor left hidden");
    // The README promises a typical case in at most 25 keys besides typed text.
    assert!(rep.keys <= 25, "{} keys", rep.keys);

    let written = plan_in(tmp.path());
    assert!(written.contains("**Level: Fire**"), "{written}");
    assert!(written.contains("A senior executive speaks to their decision-maker"));
    assert!(written.contains("| Complaint kind  | Old bug"), "{written}");
    assert!(
        drafts_in(tmp.path()).is_empty(),
        "a finished session leaves no draft"
    );

    let answers = written_in(tmp.path(), ".answers.yaml");
    let replayed = crate::common::replay(&answers, tmp.path());
    assert_eq!(replayed, written, "replay differs from the live plan");
}

#[test]
fn a_zh_tw_session_is_worded_in_traditional_chinese_and_its_answers_replay_in_english() {
    let tmp = tempfile::tempdir().unwrap();
    let words = "我們整整一天沒辦法交易，也沒人打電話來。";
    // The locale comes from $LANG, as on a rep's machine.
    let mut zh = command(tmp.path(), &["triage", "--now", NOW]);
    zh.env("LANG", "zh_TW.UTF-8");
    let mut rep = Rep::spawn(zh);
    the_case(&mut rep, &ZH_TW);
    step_1(&mut rep, &ZH_TW);
    steps_2_and_3(&mut rep, &ZH_TW, words, true);
    rep.see(ZH_TW.written);
    rep.rest();

    let written = plan_in(tmp.path());
    assert!(written.contains("**等級：火警**"), "{written}");
    assert!(
        written.contains(&format!("對方原話：「{words}」")),
        "{written}"
    );
    assert!(written.contains("| 客訴類型 "), "{written}");
    crate::common::assert_tables_line_up(&written);

    let answers = written_in(tmp.path(), ".answers.yaml");
    let replay = |lang: &str, format: &str| {
        let (global, options) = (["--lang", lang], ["--format", format]);
        crate::common::replay_with(&answers, tmp.path(), &global, &options)
    };
    assert_eq!(
        replay("zh-TW", "md"),
        written,
        "replay differs from the live plan"
    );
    let english = replay("en", "md");
    assert!(english.contains("**Level: Fire**"), "{english}");
    assert_eq!(
        crate::common::decisions(&replay("en", "json")),
        crate::common::decisions(&replay("zh-TW", "json")),
        "the same answers decided differently in another language"
    );
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
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, ENTER]); // "no", after the kinds of failure
    // With no failure there is no real-loss question: straight to the role.
    rep.see("Who is on the line?");
    let tail = rep.interrupt();
    assert!(!tail.contains("real loss"), "{tail}");
}

#[test]
fn ctrl_c_keeps_a_draft_restores_the_cursor_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    rep.see("Customer").type_line("Acme");
    rep.see("name)").type_line("Jane");
    rep.see("Their role").type_line("CTO");
    rep.see("Did something actually fail").keys(&[ENTER]);
    rep.see("real loss");
    let out = rep.interrupt();
    assert!(out.contains(SHOW_CURSOR), "cursor not restored: {out:?}");
    assert!(
        out.contains("your answers are saved in draft") && out.contains("defuse triage --resume"),
        "{out}"
    );
    assert!(rep.exit_status().ends_with(", 130)"));
    let drafts = drafts_in(tmp.path());
    assert_eq!(drafts.len(), 1);
    let text = std::fs::read_to_string(&drafts[0]).unwrap();
    assert!(
        text.contains("customer: Acme") && text.contains("assess.our_failure"),
        "{text}"
    );

    crate::common::bin()
        .current_dir(tmp.path())
        .env("DEFUSE_DRAFTS_DIR", tmp.path().join("drafts"))
        .arg("drafts")
        .assert()
        .success()
        .stdout(predicates::str::contains("Acme").and(predicates::str::contains("Step 1")));
}

#[test]
fn ctrl_c_in_step_2_then_resume_gives_the_same_plan_as_an_uninterrupted_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    the_case(&mut rep, &EN);
    step_1(&mut rep, &EN);
    rep.see("Step 2").see("really angry about");
    rep.interrupt();
    assert!(rep.exit_status().ends_with(", 130)"));

    let mut rep = Rep::resume(tmp.path());
    // The answers so far, one line each, before the next question.
    rep.see("Resuming draft")
        .see(EN.answers_so_far)
        .see("They threaten to cancel")
        .assert_shows("✔ Customer (company or person) · Acme Trading", "resume")
        .assert_shows(
            "✔ If this is not handled now, what happens? · They threaten to cancel",
            "resume",
        );
    steps_2_and_3(&mut rep, &EN, WORDS, false);
    rep.see("Written:");
    rep.rest();
    assert_eq!(plan_in(tmp.path()), uninterrupted_plan());
    assert!(
        drafts_in(tmp.path()).is_empty(),
        "finishing removes the draft"
    );
}

#[test]
fn a_closed_terminal_sighup_keeps_the_draft_and_resume_finishes_the_case() {
    signal_then_resume("-HUP");
}

#[test]
fn a_kill_sigterm_keeps_the_draft_and_resume_finishes_the_case() {
    signal_then_resume("-TERM");
}

fn signal_then_resume(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    the_case(&mut rep, &EN);
    rep.see("Did something actually fail").keys(&[ENTER]);
    rep.see("real loss");
    let pid = rep.session.get_process().pid().to_string();
    let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(killed.success());
    rep.rest();
    assert!(rep.exit_status().ends_with(", 130)"));
    assert_eq!(
        drafts_in(tmp.path()).len(),
        1,
        "the draft survives {signal}"
    );

    let mut rep = Rep::resume(tmp.path());
    rep.see("Resuming draft").see("real loss").keys(&[ENTER]);
    rep.see("Who is on the line?").keys(&[ENTER]);
    rep.see("If this is not handled now")
        .keys(&[DOWN, DOWN, " ", ENTER]);
    for question in [
        "someone else's anger",
        "Is it public",
        "in front of others",
        "complained before",
    ] {
        rep.see(question).keys(&[ENTER]);
    }
    steps_2_and_3(&mut rep, &EN, WORDS, false);
    rep.see("Written:");
    rep.rest();
    assert_eq!(plan_in(tmp.path()), uninterrupted_plan());
}

#[test]
fn pasted_escape_sequences_never_reach_the_terminal_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    // An OSC title change, a screen clear, a bell, a C1 CSI and a bidi override.
    rep.see("Customer")
        .type_line("Acme\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}evil");
    let out = rep.see("name)").interrupt();
    for raw in ["\x1b]0;", "\x1b[2J", "\x07", "\u{9b}", "\u{202e}"] {
        assert!(!out.contains(raw), "{raw:?} reached the terminal: {out:?}");
    }
}

#[test]
fn a_plan_that_cannot_be_written_exits_3_and_keeps_the_answers_for_resume() {
    let tmp = tempfile::tempdir().unwrap();
    // Unwritable even for root: plans cannot be created under /proc.
    let mut cmd = command(tmp.path(), &["triage", "--now", NOW]);
    cmd.env("DEFUSE_PLAN_DIR", "/proc/self/defuse-plans");
    let mut rep = Rep::spawn(cmd);
    full_triage(&mut rep);
    let out = rep.rest();
    assert!(
        out.contains("cannot write /proc/self/defuse-plans"),
        "{out}"
    );
    assert!(out.contains("--resume"), "{out}");
    assert!(rep.exit_status().ends_with(", 3)"));
    assert_eq!(drafts_in(tmp.path()).len(), 1, "the answers are kept");

    // Resuming with a writable destination writes the very same plan.
    let out = tmp.path().join("plan.md");
    let mut rep = Rep::spawn(command(
        tmp.path(),
        &["triage", "--resume", "--out", out.to_str().unwrap()],
    ));
    rep.see("Written:");
    rep.rest();
    assert_eq!(std::fs::read_to_string(out).unwrap(), uninterrupted_plan());
}

#[test]
fn redirected_stderr_gets_a_clear_message_not_a_broken_prompt() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    // A shell in the pty, so stdin is a terminal but stderr goes to a file.
    let script = format!(
        "{} triage 2>{}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_defuse"),
        log.display()
    );
    let mut rep = Rep::spawn(in_test_env(
        Command::new("sh"),
        tmp.path(),
        &["-c", &script],
    ));
    rep.see("EXIT=2");
    let message = std::fs::read_to_string(log).unwrap();
    assert!(message.contains("stderr is not a terminal"), "{message}");
}

/// A tiny tmpfs, unmounted on drop; `None` where mounting is not allowed.
struct TinyFs(std::path::PathBuf);

impl TinyFs {
    fn full(dir: &Path) -> Option<TinyFs> {
        let mount = dir.join("tiny");
        std::fs::create_dir(&mount).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
            .arg(&mount)
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
        let tiny = TinyFs(mount);
        // Fill it, so every later write fails with ENOSPC.
        let _ = std::fs::write(tiny.0.join("fill"), vec![0u8; 64 * 1024]);
        Some(tiny)
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[allow(clippy::print_stderr)] // the skip notice is for whoever reads the test log
fn on_a_full_disk_the_answers_still_reach_the_rep() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(tiny) = TinyFs::full(tmp.path()) else {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); covered by the /proc test above"
        );
        return;
    };
    let mut cmd = command(tmp.path(), &["triage", "--now", NOW]);
    cmd.env("DEFUSE_PLAN_DIR", tiny.0.join("plans"))
        .env("DEFUSE_DRAFTS_DIR", tiny.0.join("drafts"));
    let mut rep = Rep::spawn(cmd);
    rep.see("Customer").type_line("Acme Trading");
    rep.see("the draft could not be saved")
        .see("No space left on device");
    rep.see("name)").type_line("Jane Li");
    rep.see("Their role").type_line("");
    step_1(&mut rep, &EN);
    steps_2_and_3(&mut rep, &EN, WORDS, false);
    let out = rep.rest();
    assert!(out.contains("No space left on device"), "{out}");
    assert!(
        out.contains("replay them with --answers")
            && out.contains("customer: Acme Trading")
            && out.contains("our_failure:"),
        "{out}"
    );
    assert!(rep.exit_status().ends_with(", 3)"));
}

/// Holds the write lock on `db` (as another program storing would) until dropped.
fn lock_archive(db: &Path) -> rusqlite::Connection {
    let lock = rusqlite::Connection::open(db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    lock
}

#[test]
fn a_signal_while_the_case_waits_on_a_locked_archive_keeps_the_draft_and_resume_stores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    crate::common::bin()
        .env("DEFUSE_DB", &db)
        .args(["triage", "--out", "-", "--answers"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/general-venting.answers.yaml"))
        .assert()
        .success();
    let lock = lock_archive(&db);

    let mut rep = Rep::start(tmp.path());
    full_triage(&mut rep);
    // The rep is told at once why nothing happens, and that nothing is lost.
    rep.see("Waiting for the case archive")
        .see("Your answers are safe in draft");
    let pid = rep.session.get_process().pid().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = rep.rest();
    assert!(
        out.contains("interrupted before the case was stored")
            && out.contains("defuse triage --resume"),
        "{out}"
    );
    assert!(rep.exit_status().ends_with(", 130)"));
    assert_eq!(
        drafts_in(tmp.path()).len(),
        1,
        "the draft outlives the signal"
    );

    drop(lock);
    let mut rep = Rep::resume(tmp.path());
    rep.see("Resuming draft").see("Stored as case #2");
    rep.rest();
    assert!(
        drafts_in(tmp.path()).is_empty(),
        "stored, so the draft is gone"
    );
}

#[test]
fn a_case_that_waited_on_a_locked_archive_is_stored_when_the_lock_is_released() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cases.db");
    crate::common::bin()
        .env("DEFUSE_DB", &db)
        .args(["cases", "check"])
        .assert()
        .code(2); // nothing there yet, and a read creates nothing
    std::fs::write(&db, b"").unwrap();
    crate::common::bin()
        .env("DEFUSE_DB", &db)
        .args(["cases", "check"])
        .assert()
        .success(); // an empty file is upgraded to an empty archive
    let lock = lock_archive(&db);
    let mut rep = Rep::start(tmp.path());
    full_triage(&mut rep);
    rep.see("Waiting for the case archive");
    assert_eq!(drafts_in(tmp.path()).len(), 1, "kept while waiting");
    drop(lock);
    rep.see("Stored as case #1");
    rep.rest();
    assert!(rep.exit_status().ends_with(", 0)"));
    assert!(drafts_in(tmp.path()).is_empty());
}

#[test]
fn a_draft_whose_playbook_file_moved_resumes_with_playbook_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (team, moved) = (tmp.path().join("team"), tmp.path().join("moved"));
    std::fs::create_dir_all(&team).unwrap();
    std::fs::create_dir_all(&moved).unwrap();
    let general = Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks/general.yaml");
    std::fs::copy(&general, team.join("general.yaml")).unwrap();
    let mut rep = Rep::spawn(command(
        tmp.path(),
        &["triage", "--now", NOW, "--playbook", "team/general.yaml"],
    ));
    rep.see("Customer").type_line("Acme");
    rep.see("name)");
    rep.interrupt();
    assert!(rep.exit_status().ends_with(", 130)"));
    std::fs::rename(team.join("general.yaml"), moved.join("general.yaml")).unwrap();

    let mut rep = Rep::resume(tmp.path());
    let said = rep.rest();
    assert!(
        said.contains("team/general.yaml")
            && said.contains("no longer there")
            && said.contains("--playbook PATH"),
        "{said}"
    );
    assert!(rep.exit_status().ends_with(", 2)"), "{said}");

    let mut rep = Rep::spawn(command(
        tmp.path(),
        &["triage", "--resume", "--playbook", "moved/general.yaml"],
    ));
    rep.see("Resuming draft").see("name)");
    rep.interrupt();
    assert!(rep.exit_status().ends_with(", 130)"));
    let drafts = drafts_in(tmp.path());
    let text = std::fs::read_to_string(&drafts[0]).unwrap();
    assert!(
        text.contains("moved/general.yaml"),
        "the draft follows the file: {text}"
    );
}

/// SIGKILL cannot be caught, so the README promises only this: the draft
/// holds every confirmed answer (the terminal is the shell's to repair).
#[test]
fn after_kill_9_the_draft_holds_every_confirmed_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    rep.see("Customer").type_line("Acme");
    rep.see("name)").type_line("Jane");
    rep.see("Their role");
    let pid = rep.session.get_process().pid().to_string();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap()
            .success()
    );
    rep.rest();
    let status = rep.exit_status();
    assert!(status.contains("SIGKILL"), "{status}");
    let drafts = drafts_in(tmp.path());
    assert_eq!(drafts.len(), 1);
    let text = std::fs::read_to_string(&drafts[0]).unwrap();
    assert!(
        text.contains("text: Acme") && text.contains("text: Jane"),
        "{text}"
    );
}

#[test]
fn a_name_over_200_characters_is_refused_and_asked_again() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rep = Rep::start(tmp.path());
    rep.see("Customer").type_line(&"N".repeat(201));
    rep.see("at most 200 characters; this one has 201");
    rep.see("Customer").type_line("Acme");
    rep.see("name)");
    rep.interrupt();
}

/// `defuse ARGS` in a terminal of `cols`×`rows`: `stty` sizes the pty before
/// the program starts, so even its first screen is drawn at that size.
fn sized_command(dir: &Path, cols: u16, rows: u16, args: &[&str]) -> Command {
    let script = format!("stty cols {cols} rows {rows} && exec \"$0\" \"$@\"");
    let mut all = vec!["-c", script.as_str(), env!("CARGO_BIN_EXE_defuse")];
    all.extend(args);
    in_test_env(Command::new("sh"), dir, &all)
}

/// A multi-select item: `❯`/space for the cursor, then `✔`/`⬚`.
fn is_list_item(row: &str) -> bool {
    ["❯ ✔", "❯ ⬚", "  ✔", "  ⬚"]
        .iter()
        .any(|item| row.starts_with(item))
}

impl Rep {
    fn rows(&self) -> Vec<String> {
        let screen = self.screen.screen();
        screen.rows(0, screen.size().1.into()).collect()
    }

    /// What every screen of a live session must be: nothing wider than the
    /// terminal (no row wrapped, so no word broken by a wrap), at most one
    /// open prompt, and list items only below it: a prompt answered earlier
    /// leaves nothing but its one `✔` line.
    fn assert_clean(&mut self, at: &str) -> &mut Self {
        let screen = self.screen.screen();
        let rows = self.rows();
        let dump = rows.join("\n");
        for (r, row) in (0..).zip(&rows) {
            assert!(
                !screen.row_wrapped(r),
                "at {at}: row {r} wraps ({row:?}):\n{dump}"
            );
        }
        let open: Vec<usize> = (0..rows.len())
            .filter(|&r| rows[r].starts_with("? ") && rows[r].contains('›'))
            .collect();
        assert!(open.len() <= 1, "at {at}: a stale prompt:\n{dump}");
        let first_open = open.first().copied().unwrap_or(rows.len());
        let last_answer = rows.iter().rposition(|row| row.starts_with("✔ "));
        for (r, row) in rows.iter().enumerate() {
            assert!(
                !is_list_item(row) || r > first_open,
                "at {at}: a stale list item in row {r}:\n{dump}"
            );
            // The notes of a prompt (the verdict, why an answer was refused)
            // go with it: above an answer line they are left over. A step
            // header keeps its own verdict line.
            let note = row.starts_with("✗ ")
                || (row.starts_with("▶ ") && (r == 0 || !rows[r - 1].starts_with("━━")));
            assert!(
                !note || last_answer.is_none_or(|a| r > a),
                "at {at}: a stale note in row {r}:\n{dump}"
            );
        }
        self
    }

    /// `text` is somewhere on the screen now.
    fn assert_shows(&mut self, text: &str, at: &str) -> &mut Self {
        let rows = self.rows();
        assert!(
            rows.iter().any(|row| row.contains(text)),
            "at {at}: {text:?} is not on screen:\n{}",
            rows.join("\n")
        );
        self
    }

    /// Waits for `text`, then checks the screen is clean and, after step 1,
    /// shows the verdict.
    fn step(&mut self, text: &str, on: &Screen, judged: bool) -> &mut Self {
        self.see(text).assert_clean(text);
        if judged {
            self.assert_shows(on.verdict, text);
        }
        self
    }
}

/// A long answer to "their own words": wider than an 80-column terminal.
const LONG_WORDS: &str = "Your dashboard said everything was green while our orders failed \
    for six hours, and nobody called us back; explain it to my boss before Friday.";

/// The documented session at `cols`×`rows`, with a refused empty pick, a long
/// typed answer and a changed owner, checking the screen after every step.
fn a_session_that_reads_cleanly(cols: u16, rows: u16, on: &Screen, env: &[(&str, &str)]) {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = sized_command(tmp.path(), cols, rows, &["triage", "--now", NOW]);
    cmd.envs(env.iter().copied());
    let mut rep = Rep::spawn_sized(cmd, cols, rows);

    rep.step(on.customer, on, false).type_line("Acme Trading");
    rep.step(on.contact, on, false).type_line("Jane Li");
    rep.step(on.role, on, false).type_line("");
    rep.step(on.our_failure, on, false).keys(&[ENTER]);
    rep.step(on.real_loss, on, false).keys(&[ENTER]);
    rep.step(on.who, on, false).keys(&[ENTER]);
    // The notes above a prompt come first: how to tick, then the prompt.
    rep.step(on.multi_keys, on, false)
        .step(on.stakes, on, false)
        .step(on.nothing, on, false)
        .assert_shows("❯ ⬚", "the stakes cursor")
        .keys(&[ENTER]);
    // Enter with nothing ticked on a question that moves severity: asked again.
    rep.step(on.none_picked, on, false)
        .step(on.stakes, on, false)
        .keys(&[DOWN, DOWN, " ", ENTER]);
    for question in [on.pressure, on.public, on.audience, on.history] {
        rep.step(question, on, false).keys(&[ENTER]);
    }
    rep.step(on.step_2, on, false)
        .step(on.let_them_finish, on, false);
    rep.step(on.multi_keys, on, true)
        .step(on.angry_about, on, true)
        .keys(&[ENTER]);
    rep.step(on.own_words, on, true).type_line(LONG_WORDS);
    rep.step(on.kind, on, true);
    // The long answer left one line, its answer cut to fit.
    let words: Vec<String> = rep
        .rows()
        .into_iter()
        .filter(|row| row.contains(on.own_words))
        .collect();
    assert_eq!(words.len(), 1, "{words:?}");
    assert!(
        words[0].starts_with("✔ ") && words[0].ends_with('…'),
        "{words:?}"
    );
    rep.keys(&[ENTER]);
    rep.step(on.crisis, on, true).keys(&[ENTER]);
    rep.step(on.at_stake, on, true).keys(&[ENTER]);
    // A header is matched before the verdict line under it is drawn.
    rep.step(on.step_3, on, false)
        .step(on.multi_keys, on, true)
        .step(on.which_remedies, on, true)
        .step(on.last_remedy, on, true);
    // Every item fits its row and keeps its owner and due time (the last
    // one may still be being drawn).
    let items: Vec<String> = rep
        .rows()
        .into_iter()
        .filter(|r| is_list_item(r) && !r.contains(on.last_remedy))
        .collect();
    assert!(items.len() > 5, "{items:?}");
    assert!(
        items.iter().all(|item| item.contains(on.due_mark)),
        "{items:#?}"
    );
    rep.keys(&[ENTER]);
    // Who answers for the case is named before the owners are changed.
    rep.step(on.our_owner, on, true).type_line("Jane Li");
    // The change-owner menu names remedies by label, never by id.
    rep.step(on.change_owner, on, true)
        .step(on.change, on, true);
    let menu = rep.rows();
    assert!(
        menu.iter()
            .skip_while(|row| !row.contains(on.change_owner))
            .all(|row| !row.contains('_')),
        "an id in the menu:\n{}",
        menu.join("\n")
    );
    rep.keys(&[DOWN, ENTER]);
    rep.step(on.owner_of, on, true).type_line("");
    // Not a delay: refused with a note, asked again, and the note goes with it.
    rep.step(on.due_for, on, true).type_line("soon");
    rep.step("`soon`", on, true)
        .step(on.due_for, on, true)
        .type_line("");
    rep.step(on.change_owner, on, true).keys(&[ENTER]); // done
    for _ in 0..3 {
        rep.step(on.leave_empty, on, true).type_line("");
    }
    rep.see(on.written);
    rep.rest();
    assert!(rep.exit_status().ends_with(", 0)"));
    // Don'ts are not marked like failed checks.
    let drawn = String::from_utf8_lossy(&rep.transcript).into_owned();
    assert!(drawn.contains("⊘ "), "no don't shown");
    let plan = plan_in(tmp.path());
    let answers = written_in(tmp.path(), ".answers.yaml");
    let lang = if on.customer == EN.customer {
        "en"
    } else {
        "zh-TW"
    };
    let replayed =
        crate::common::replay_with(&answers, tmp.path(), &["--lang", lang], &["--format", "md"]);
    assert_eq!(replayed, plan, "replay differs from the live plan");
}

#[test]
fn at_80x24_without_colour_every_screen_of_a_session_is_clean() {
    a_session_that_reads_cleanly(80, 24, &EN, &[("NO_COLOR", "1")]);
}

#[test]
fn at_160x50_every_screen_of_a_session_is_clean() {
    a_session_that_reads_cleanly(160, 50, &EN, &[]);
}

#[test]
fn at_80x24_every_screen_of_a_zh_tw_session_is_clean() {
    a_session_that_reads_cleanly(80, 24, &ZH_TW, &[("LANG", "zh_TW.UTF-8")]);
}

#[test]
fn at_160x50_every_screen_of_a_zh_tw_session_is_clean() {
    a_session_that_reads_cleanly(160, 50, &ZH_TW, &[("LANG", "zh_TW.UTF-8")]);
}

/// A team server that accepts and never answers (a firewall black hole):
/// the first prompt is drawn at once (nothing connects before the customer
/// is known), history gives up after its budget and the plan says so, and
/// the case goes to the outbox in one line; the draft is gone only then.
/// With a test server, the proxy then forwards and `defuse sync` delivers.
/// The time from the last answer to the outbox line is printed, not asserted.
#[test]
fn a_black_hole_server_never_holds_up_a_live_call_and_the_case_waits_in_the_outbox() {
    a_live_call_with_a_server_that_never_answers(crate::outbox::Mode::BlackHole, "black hole");
}

/// The same with a server that completes the login and then never answers
/// (only with a test server: the login needs one). The store's one
/// deadline gives up, not a connect limit plus a statement limit.
#[test]
fn a_server_silent_after_the_login_never_holds_up_a_live_call() {
    a_live_call_with_a_server_that_never_answers(
        crate::outbox::Mode::SilentAfterLogin,
        "silent after login",
    );
}

fn a_live_call_with_a_server_that_never_answers(mode: crate::outbox::Mode, what: &str) {
    use crate::outbox::{Mode, Proxy, print_figure, server_address, through};
    let tmp = tempfile::tempdir().unwrap();
    let db = crate::backends::Db::postgres();
    if db.is_none() && mode != Mode::BlackHole {
        return; // only a black hole can be had without a server
    }
    let proxy = db.as_ref().map(|db| Proxy::to(&server_address(db)));
    // Without a test server, a listener nobody accepts on: the kernel
    // completes the handshake and nothing ever answers.
    let hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = match (&db, &proxy) {
        (Some(db), Some(proxy)) => {
            proxy.set(mode);
            through(db, proxy)
        }
        _ => format!(
            "postgres://rep@127.0.0.1:{}/team?sslmode=disable",
            hole.local_addr().unwrap().port()
        ),
    };
    let mut cmd = command(tmp.path(), &["triage", "--now", NOW]);
    cmd.env("DEFUSE_DB", &url).env("USER", "rep");
    let mut rep = Rep::spawn(cmd);
    full_triage(&mut rep);
    let last_answer = std::time::Instant::now();
    rep.see("Not stored on the server (");
    print_figure(
        &format!("live call, {what}: last answer to outbox line"),
        last_answer.elapsed(),
    );
    let rest = rep.rest();
    assert!(rep.exit_status().ends_with(", 0)"), "{rest}");
    assert!(
        drafts_in(tmp.path()).is_empty(),
        "the case is safe: draft removed"
    );
    let plan = plan_in(tmp.path());
    assert!(
        plan.contains("team history unavailable: the server did not answer within 300 ms"),
        "{plan}"
    );
    let outbox = tmp.path().join("outbox.db");
    let waiting: i64 = rusqlite::Connection::open(&outbox)
        .unwrap()
        .query_row("SELECT count(*) FROM outbox", [], |row| row.get(0))
        .unwrap();
    assert_eq!(waiting, 1);
    if let (Some(db), Some(proxy)) = (&db, &proxy) {
        proxy.set(Mode::Forward);
        crate::common::bin()
            .env("DEFUSE_DB", &url)
            .env("DEFUSE_OUTBOX", &outbox)
            .arg("sync")
            .assert()
            .success()
            .stderr(predicates::str::contains("Stored 1 case from the outbox"));
        let stored: i64 = db
            .admin()
            .query_one("SELECT count(*) FROM cases", &[])
            .unwrap()
            .get(0);
        assert_eq!(stored, 1);
    }
}
