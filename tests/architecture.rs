//! Invariants from ARCHITECTURE.md that reading the source can enforce: the
//! layer table (which module may import which, no cycles), the terminal and
//! the engine's purity.
//!
//! Print the module graph with
//! `cargo test --locked module_graph -- --ignored --nocapture`.

use std::collections::{BTreeMap, BTreeSet};

/// The layers, bottom first. A module may import only from modules in a
/// strictly lower layer, so the graph can have no cycle. A new module goes in
/// the lowest layer above everything it imports; this table is the one place
/// the layering is written down (ARCHITECTURE.md draws it).
const LAYERS: &[(&str, &[&str])] = &[
    ("leaves", &["text", "duration", "hours", "i18n"]),
    (
        "diagnostics: rule ids, problems, positions",
        &["diagnostic"],
    ),
    (
        "the pure playbook model; the top-level error",
        &["playbook", "error"],
    ),
    (
        "the triage engine; file-system primitives (atomic writes, bounded reads, the walker)",
        &["triage", "output", "read", "walk"],
    ),
    ("plans", &["plan"]),
    (
        "front ends and the I/O edge",
        &["prompt", "catalog", "archive"],
    ),
    (
        "users of the edge",
        &["scenario", "lint", "drafts", "config"],
    ),
    ("command line", &["cli"]),
    ("commands", &["command"]),
    ("the binary", &["main"]),
];

/// The module path of a file: `playbook/validate/mod.rs` → `[playbook, validate]`.
fn module_path(relative: &str) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code without comments, so prose naming `crate::x` adds no edge.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each path in `{a::x, b::{y, z}, c}` (the text after
/// the opening brace).
fn group_heads(after_brace: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    for (i, c) in after_brace.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting = true,
            c if expecting && (c.is_alphanumeric() || c == '_') => {
                heads.push(ident_at(&after_brace[i..]).to_owned());
                expecting = false;
            }
            _ => {}
        }
    }
    heads
}

/// The top-level modules a file refers to through `crate::`, `defuse::`
/// (the binary) or a `super::` chain that climbs to the crate root.
fn references(relative: &str, text: &str) -> BTreeSet<String> {
    let code = strip_comments(text);
    let mut found = BTreeSet::new();
    let root = if relative == "main.rs" {
        "defuse::"
    } else {
        "crate::"
    };
    for (i, _) in code.match_indices(root) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
            continue;
        }
        let rest = &code[i + root.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            found.insert(ident_at(rest).to_owned());
        }
    }
    // `super::super::x` from `a/b.rs` names the top-level `x`. Inline
    // modules (`mod tests {`) add a level: the code is rustfmt-formatted, so
    // one closes at the first `}` line with its own indentation.
    let depth = module_path(relative).len();
    let mut inline: Vec<usize> = Vec::new();
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        if inline.last() == Some(&indent) && line.trim() == "}" {
            inline.pop();
        }
        for (i, _) in line.match_indices("super::") {
            if line[..i].ends_with("super::") {
                continue;
            }
            let mut rest = &line[i..];
            let mut climbs = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                climbs += 1;
                rest = r;
            }
            if climbs >= depth + inline.len() {
                found.insert(ident_at(rest).to_owned());
            }
        }
        let item = line
            .trim_start()
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ");
        if item.starts_with("mod ") && line.ends_with('{') {
            inline.push(indent);
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// The top-level module graph of the crate: `from → {to}`, self-edges left out.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (relative, text) in crate::common::crate_sources() {
        if relative == "lib.rs" {
            continue; // only declares the modules
        }
        let from = module_path(&relative)[0].clone();
        let to = references(&relative, &text);
        let entry = graph.entry(from.clone()).or_default();
        entry.extend(to.into_iter().filter(|t| *t != from));
    }
    graph
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// Every edge the layer table does not allow, and every module it lacks.
fn layer_violations(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, tos) in graph {
        let Some(from_layer) = layer_of(from) else {
            out.push(format!("module `{from}` is in no layer: add it to LAYERS"));
            continue;
        };
        for to in tos {
            match layer_of(to) {
                None => out.push(format!("module `{to}` is in no layer: add it to LAYERS")),
                Some(to_layer) if to_layer >= from_layer => out.push(format!(
                    "`{from}` ({}) imports `{to}` ({}), which is not below it",
                    LAYERS[from_layer].0, LAYERS[to_layer].0
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// A cycle through the graph, if there is one, as `a -> b -> a`.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit<'g>(
        node: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<String> {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node);
            return Some(cycle.join(" -> "));
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn graph_of(edges: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        graph
            .entry((*from).to_owned())
            .or_default()
            .insert((*to).to_owned());
    }
    graph
}

#[test]
fn modules_import_only_from_lower_layers() {
    let violations = layer_violations(&module_graph());
    assert!(violations.is_empty(), "\n{}", violations.join("\n"));
}

#[test]
fn the_module_graph_has_no_cycles() {
    assert_eq!(find_cycle(&module_graph()), None);
}

#[test]
fn a_forbidden_edge_and_a_cycle_are_caught() {
    // The model importing lint (the edge this table was made to stop).
    let upward = graph_of(&[("playbook", "lint"), ("lint", "playbook")]);
    let violations = layer_violations(&upward);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("`playbook`"), "{violations:?}");
    assert_eq!(
        find_cycle(&upward).as_deref(),
        Some("lint -> playbook -> lint")
    );
    // Two modules in one layer may not import each other either.
    assert_eq!(
        layer_violations(&graph_of(&[("prompt", "catalog")])).len(),
        1
    );
    assert_eq!(
        layer_violations(&graph_of(&[("newcomer", "text")])).len(),
        1
    );
    assert_eq!(
        find_cycle(&graph_of(&[("a", "b"), ("b", "c"), ("c", "a")])).as_deref(),
        Some("a -> b -> c -> a")
    );
    assert_eq!(
        find_cycle(&graph_of(&[("a", "b"), ("a", "c"), ("b", "c")])),
        None
    );
}

#[test]
fn references_are_read_from_use_lines_paths_and_groups() {
    let text = "//! `crate::ignored` in prose\n\
                use crate::playbook::Playbook;\n\
                use crate::{text::slug, i18n::{Lang, Labels}};\n\
                pub(crate) fn f() { crate::output::write(); $crate::macro_only(); }\n\
                use super::super::archive::Archive;\n";
    let found: Vec<String> = references("plan/markdown.rs", text).into_iter().collect();
    assert_eq!(found, ["archive", "i18n", "output", "playbook", "text"]);
    // One `super::` from `plan/markdown.rs` stays inside `plan`; inside an
    // inline module it takes two.
    assert!(references("plan/markdown.rs", "use super::template;").is_empty());
    let inline = "mod tests {\n    use super::super::x;\n}\nuse super::super::y;\n";
    assert_eq!(
        references("plan/markdown.rs", inline)
            .into_iter()
            .collect::<Vec<_>>(),
        ["y"]
    );
    assert_eq!(
        references("main.rs", "use defuse::cli::Cli;")
            .into_iter()
            .collect::<Vec<_>>(),
        ["cli"]
    );
}

/// Prints the module graph as `from -> to` lines, marking edges that break
/// the layering.
#[test]
#[ignore = "prints the module graph; run with --ignored --nocapture"]
fn module_graph_print() {
    let graph = module_graph();
    let mut out = String::new();
    for (from, tos) in &graph {
        for to in tos {
            let bad = !layer_violations(&graph_of(&[(from.as_str(), to.as_str())])).is_empty();
            let mark = if bad { "  (FORBIDDEN)" } else { "" };
            out.push_str(&format!("{from} -> {to}{mark}\n"));
        }
    }
    let mut stdout = std::io::stdout().lock();
    std::io::Write::write_all(&mut stdout, out.as_bytes()).unwrap();
}

#[test]
fn only_the_terminal_front_end_touches_the_terminal() {
    for (relative, text) in crate::common::crate_sources() {
        let allowed: &[&str] = match relative.as_str() {
            "prompt/terminal.rs" => &["dialoguer", "console", "comfy_table"],
            // The listings' `table` helper, which prints to the `Io` it is given.
            "command/mod.rs" => &["comfy_table"],
            _ => &[],
        };
        for forbidden in ["dialoguer", "console::", "comfy_table"] {
            let name = forbidden.trim_end_matches("::");
            if !allowed.contains(&name) {
                assert!(
                    !text.contains(&format!("use {forbidden}"))
                        && !text.contains(&format!("{forbidden}::")),
                    "{relative} uses {name}"
                );
            }
        }
    }
}

#[test]
fn the_model_and_the_engine_never_read_the_clock_or_files() {
    let pure = ["playbook/", "triage/", "plan/", "diagnostic/", "hours.rs"];
    let mut checked = 0;
    for (relative, text) in crate::common::crate_sources() {
        if !pure.iter().any(|dir| relative.starts_with(dir)) {
            continue;
        }
        checked += 1;
        for forbidden in [
            "Local::now",
            "Utc::now",
            "SystemTime",
            "Instant::now",
            "std::fs",
            "std::env",
            "std::net",
            "std::process",
            "File::open",
            "File::create",
            "read_dir",
            "stdin()",
            "stdout()",
            "stderr()",
        ] {
            assert!(!text.contains(forbidden), "{relative} uses {forbidden}");
        }
    }
    assert!(checked >= 15, "only {checked} files checked");
}
