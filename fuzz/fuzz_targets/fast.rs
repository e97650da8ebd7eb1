//! Lint's fast path against the full parser: whatever the fast path reads
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::fast(data));
