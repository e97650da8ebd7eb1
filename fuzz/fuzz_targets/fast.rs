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
    let (slow, report) = defuse::playbook::load::check_str("", text);
    let slow = slow.expect("fast path read a file the full parser refuses");
    assert_eq!(strip(&format!("{fast:?}")), strip(&format!("{slow:?}")));
    if defuse::lint::fast::is_clean(text) {
        assert!(report.problems.is_empty());
        assert!(defuse::playbook::validate::lint_checks(&slow, text).is_empty());
    }
});

/// Debug output without `Location { … }` positions (the fast path has none).
fn strip(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = ["referenced: Location {", "defined: Location {"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        out.push_str(&rest[..at]);
        let open = at + rest[at..].find('{').unwrap();
        let mut depth = 0;
        let mut close = rest.len();
        for (i, c) in rest[open..].char_indices() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            if depth == 0 {
                close = open + i + 1;
                break;
            }
        }
        rest = &rest[close..];
    }
    out + rest
}
