//! Lint's fast path against the full parser: whatever the fast path reads
//! must be what serde-saphyr reads, and "clean" must mean no finding at all.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
