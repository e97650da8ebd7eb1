//! Any bytes given to the playbook checker: never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let problems = defuse::lint::check_bytes(data);
    // Every diagnostic is positioned.
    assert!(problems.iter().all(|p| p.line >= 1 && p.column >= 1));
});
