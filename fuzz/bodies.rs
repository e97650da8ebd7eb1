//! The body of each fuzz target, shared by `cargo fuzz` (fuzz/fuzz_targets/)
//! and the suite's bounded replay (tests/fuzz_replay.rs), so what CI checks
//! on every change is exactly what the fuzzer checks.

// Each fuzz target uses one of these bodies; the suite uses all three.
#![allow(dead_code)]

use std::sync::OnceLock;

use defuse::playbook::Playbook;

/// Any bytes given to the playbook checker: never a panic, never a hang,
/// and every diagnostic positioned.
pub fn load(data: &[u8]) {
    let problems = defuse::lint::check_bytes(data);
    assert!(problems.iter().all(|p| p.line >= 1 && p.column >= 1));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Reading past the first structural error: a file read as written has
    // no structural problem, one that is not has at least one, and no
    // finding points at a line the patching appended.
    let read = defuse::playbook::recover::read(text);
    assert_eq!(read.exact, read.problems.is_empty());
    let lines = text.lines().count() as u64 + 1;
    assert!(read.problems.iter().all(|p| p.line <= lines));
    assert!(problems.iter().all(|p| p.line <= lines.max(1)));
}

/// Loaded once: the target fuzzes answers, not the playbook loader.
fn playbook() -> &'static Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    PLAYBOOK.get_or_init(|| {
        let (_, source) = defuse::catalog::EMBEDDED[0];
        defuse::playbook::load_str("general.yaml", source).expect("shipped playbook loads")
    })
}

/// Any text given as an answers file to replay on the default playbook.
pub fn answers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let playbook = playbook();
    if let Ok(mut prompter) = defuse::prompt::script::ScriptPrompter::new("a.yaml", text, playbook)
    {
        let mut session = defuse::triage::session::Session::new(playbook);
        let _ = defuse::triage::drive(&mut session, &mut prompter, |_| {});
    }
}

/// Lint's fast path against the full parser: whatever the fast path reads
/// must be what serde-saphyr reads, and "clean" must mean no finding at all.
pub fn fast(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(fast) = defuse::lint::fast::load(text) else {
        return;
    };
    let (slow, _) = defuse::playbook::load::check_str("", text);
    let slow = slow.expect("fast path read a file the full parser refuses");
    assert!(defuse::lint::fast::same_apart_from_positions(&fast, &slow));
    if defuse::lint::fast::is_clean(text) {
        assert!(defuse::lint::full_check(text).is_empty());
    }
}
