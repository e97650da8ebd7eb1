//! The fast path of `defuse lint` for clean playbooks.
//!
//! serde-saphyr is exact, bounded and keeps positions, and it costs ~20× more
//! than deserializing the same playbook from JSON (issue #3's profile). Most
//! files CI lints are clean, and a clean file needs no positions. So lint
//! first reads a file with a strict parser for the plain subset of YAML that
//! playbooks use, into the same types, and runs every check. Only when that
//! finds nothing is the file reported clean; anything else — a construct
//! outside the subset, a type error, any finding at all — sends the file to
//! the full parser, which produces every diagnostic exactly as before.
//! `tests/` holds the two paths to the same playbooks, and the fast one can
//! only ever say "clean".

mod de;
mod parse;

use crate::playbook::Playbook;
use crate::playbook::validate::{lint_checks, validate};

/// The playbook, when `source` is within the subset and deserializes.
pub fn load(source: &str) -> Option<Playbook> {
    let tree = parse::parse(source)?;
    let root = tree.root.as_ref()?;
    serde::Deserialize::deserialize(de::NodeDeserializer {
        tree: &tree,
        node: root,
    })
    .ok()
}

/// Whether `source` is certainly a clean playbook: in the subset, and no
/// check finds anything. `false` means "ask the full parser", not "broken".
/// `yaml_boolean_words`, the one check that needs positions, cannot find
/// anything here: the subset refuses every unquoted YAML 1.1 boolean word.
pub fn is_clean(source: &str) -> bool {
    load(source)
        .is_some_and(|pb| validate(&pb, source).is_empty() && lint_checks(&pb, source).is_empty())
}

/// Whether two playbooks are the same apart from positions: the test the
/// fast path is held to against the full parser (`tests/lint.rs`, the
/// `fast` fuzz target). Compares their debug forms with every
/// `Location { … }` removed.
pub fn same_apart_from_positions(a: &Playbook, b: &Playbook) -> bool {
    without_positions(&format!("{a:?}")) == without_positions(&format!("{b:?}"))
}

fn without_positions(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = ["referenced: Location {", "defined: Location {"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        out.push_str(&rest[..at]);
        let open = at + rest[at..].find('{').unwrap_or(0);
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
