//! Any bytes given to the playbook checker: never a panic, never a hang.
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::load(data));
