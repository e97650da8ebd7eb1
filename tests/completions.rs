//! `defuse completions` and `defuse man`: the generated files are read by the
//! real tools — bash and zsh parse the scripts, bash completes with one, and
//! groff renders the man page without a warning.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::test::Test;

/// Runs `program args` with `input` on stdin; `None` if it is not installed.
fn run_tool(program: &str, args: &[&str], input: &str) -> Option<std::process::Output> {
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("{program}: {e}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

fn completions(shell: &str) -> String {
    Test::new()
        .args(["completions", shell])
        .run()
        .success()
        .stdout
}

#[track_caller]
#[allow(clippy::print_stderr)] // the skip notice is for whoever reads the test log
fn parses(program: &str, script: &str) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    let path = file.path().to_str().unwrap();
    match run_tool(program, &["-n", path], "") {
        Some(out) => assert!(
            out.status.success(),
            "{program} -n rejects the script:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        None => eprintln!("skipped: {program} is not installed, its script is not parsed"),
    }
}

#[test]
fn the_bash_script_parses_and_completes_subcommands_and_flags() {
    let script = completions("bash");
    parses("bash", &script);
    // Asked as bash asks it: the words typed so far, the word being completed.
    let ask = |words: &str, cword: usize| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}\n\
             _defuse defuse \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        let out = run_tool("bash", &["--norc", "-s"], &program).expect("bash");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let subcommands = ask("defuse ca", 1);
    assert_eq!(subcommands.lines().collect::<Vec<_>>(), ["cases"]);
    let flags = ask("defuse cases list --cu", 3);
    assert_eq!(flags.lines().collect::<Vec<_>>(), ["--customer"]);
}

#[test]
fn the_zsh_and_fish_scripts_parse_where_the_shell_is_installed() {
    parses("zsh", &completions("zsh"));
    parses("fish", &completions("fish"));
}

#[test]
fn every_shell_clap_knows_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        for word in ["triage", "cases", "commitments", "--playbook-dir"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    Test::new()
        .args(["completions", "tcsh"])
        .run()
        .status(2)
        .stderr_contains("[possible values: bash, elvish, fish, powershell, zsh]");
}

#[test]
#[allow(clippy::print_stderr)] // the skip notice is for whoever reads the test log
fn the_man_page_renders_without_warnings() {
    let page = Test::new().arg("man").run().success().stdout;
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    // groff with every warning on, as `man -l` would render it.
    let Some(out) = run_tool("groff", &["-man", "-Tutf8", "-ww", "-rLL=80n"], &page) else {
        eprintln!("skipped: groff is not installed, the man page is not rendered");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "groff: {stderr}");
    // Bold and underline are overstrikes (`N\bN`): keep the last of each pair.
    let mut shown = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            shown.pop();
        } else {
            shown.push(c);
        }
    }
    let shown = shown.replace('\u{2010}', "-");
    for part in [
        "NAME",
        "SYNOPSIS",
        "--playbook-dir",
        "Exit codes:",
        "defuse-cases(1)",
    ] {
        assert!(
            shown.contains(part),
            "rendered page lacks `{part}`:\n{shown}"
        );
    }
}

#[test]
fn man_out_writes_a_page_per_command_and_never_replaces_one_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let out_arg = out.to_str().unwrap();
    Test::new()
        .args(["man", "--out", out_arg])
        .run()
        .success()
        .stdout("")
        .stderr_contains("manual pages written to");
    for page in [
        "defuse.1",
        "defuse-cases-list.1",
        "defuse-commitments-done.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(".TH "), "{page}");
    }
    Test::new()
        .args(["man", "--out", out_arg])
        .run()
        .status(2)
        .stderr_contains("pass --force to replace it");
    Test::new()
        .args(["man", "--out", out_arg, "--force"])
        .run()
        .success();
}

#[test]
fn completions_and_man_work_with_a_broken_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "name = [").unwrap();
    let config = config.to_str().unwrap();
    Test::new()
        .args(["--config", config, "completions", "bash"])
        .run()
        .success();
    Test::new()
        .args(["--config", config, "man"])
        .run()
        .success();
}
