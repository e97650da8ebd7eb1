//! Invariants from ARCHITECTURE.md that a grep can enforce.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_terminal_front_end_touches_the_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
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
fn the_engine_never_reads_the_clock_or_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for dir in ["triage", "plan"] {
        let mut files = Vec::new();
        sources(&src.join(dir), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for forbidden in [
                "Local::now",
                "Utc::now",
                "SystemTime",
                "std::fs",
                "File::open",
                "File::create",
                "stdin()",
                "stdout()",
                "stderr()",
            ] {
                assert!(
                    !text.contains(forbidden),
                    "{} uses {forbidden}",
                    file.display()
                );
            }
        }
    }
}

/// The engine owns the `Prompter` port; the front ends in `prompt` implement
/// it. An import the other way would make the two a cycle again.
#[test]
fn the_engine_never_imports_a_front_end() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src.join("triage"), &mut files);
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("crate::prompt"),
            "{} imports a front end",
            file.display()
        );
    }
}
