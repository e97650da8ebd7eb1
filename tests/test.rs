//! `Test`: the CLI run in-process, in the spirit of just's `tests/test.rs`.
//!
//! `Test::new().args([..]).env(..).current_dir(..).run()` parses and runs the
//! command through `command::main` — the very function the binary calls —
//! with captured output and an environment of its own, then
//! `.status(1).stdout_contains(..)` asserts. No process is spawned: tests run
//! in parallel in one process, so the environment is a map (`command::Env`)
//! and the working directory is made private to the thread running the
//! command (`unshare(CLONE_FS)`). Tests where the process itself matters
//! (PTY, signals, concurrency, the binary's exit status) use `common::bin`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use defuse::command::{self, Env, Io};

#[must_use]
pub struct Test {
    args: Vec<OsString>,
    env: BTreeMap<String, OsString>,
    current_dir: Option<PathBuf>,
    stdout_terminal: bool,
}

impl Test {
    /// A run with a fresh case archive and drafts directory of its own, and
    /// no other environment: no `$HOME`, no locale, no `$DEFUSE_LANG`.
    pub fn new() -> Self {
        let scratch = crate::common::scratch();
        let env = BTreeMap::from([
            ("DEFUSE_DB".into(), scratch.join("cases.db").into()),
            ("DEFUSE_DRAFTS_DIR".into(), scratch.join("drafts").into()),
            ("DEFUSE_OUTBOX".into(), scratch.join("outbox.db").into()),
        ]);
        Test {
            args: Vec::new(),
            env,
            current_dir: None,
            stdout_terminal: false,
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<T: Into<OsString>>(mut self, args: impl IntoIterator<Item = T>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: &str, value: impl Into<OsString>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.env.remove(name);
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    /// Runs as if stdout were a terminal (listings are boxed there).
    pub fn stdout_terminal(mut self) -> Self {
        self.stdout_terminal = true;
        self
    }

    pub fn run(self) -> Output {
        let Test {
            args,
            env,
            current_dir,
            stdout_terminal,
        } = self;
        // A thread of its own, with the main thread's stack size, so a
        // working directory can be given to it alone.
        let runner = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                if let Some(dir) = &current_dir {
                    nix::sched::unshare(nix::sched::CloneFlags::CLONE_FS)
                        .expect("unshare(CLONE_FS)");
                    std::env::set_current_dir(dir)
                        .unwrap_or_else(|e| panic!("cd {}: {e}", dir.display()));
                }
                let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
                let status = {
                    let mut io = Io::new(&mut stdout, &mut stderr, false, Env::Vars(env));
                    io.stdout_terminal = stdout_terminal;
                    let argv = std::iter::once(OsString::from("defuse")).chain(args);
                    command::main(argv, &mut io)
                };
                let text =
                    |bytes: Vec<u8>| String::from_utf8(bytes).expect("the gate writes UTF-8");
                Output {
                    status: i32::from(status),
                    stdout: text(stdout),
                    stderr: text(stderr),
                }
            })
            .expect("spawn a thread");
        runner
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// What a run printed, and its exit code; the assertions return it for chaining.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn status(self, code: i32) -> Self {
        assert_eq!(self.status, code, "exit code\n{self}");
        self
    }

    #[track_caller]
    pub fn success(self) -> Self {
        self.status(0)
    }

    #[track_caller]
    pub fn stdout(self, expected: &str) -> Self {
        assert_eq!(self.stdout, expected, "stdout\n{self}");
        self
    }

    #[track_caller]
    pub fn stderr(self, expected: &str) -> Self {
        assert_eq!(self.stderr, expected, "stderr\n{self}");
        self
    }

    #[track_caller]
    pub fn stdout_contains(self, part: &str) -> Self {
        assert!(self.stdout.contains(part), "stdout lacks {part:?}\n{self}");
        self
    }

    #[track_caller]
    pub fn stderr_contains(self, part: &str) -> Self {
        assert!(self.stderr.contains(part), "stderr lacks {part:?}\n{self}");
        self
    }

    /// stdout matches a regular expression.
    #[track_caller]
    pub fn stdout_matches(self, pattern: &str) -> Self {
        use predicates::Predicate;
        let regex = predicates::str::is_match(pattern).expect("a valid regex");
        assert!(
            regex.eval(&self.stdout),
            "stdout does not match {pattern:?}\n{self}"
        );
        self
    }

    /// stderr matches a regular expression.
    #[track_caller]
    pub fn stderr_matches(self, pattern: &str) -> Self {
        use predicates::Predicate;
        let regex = predicates::str::is_match(pattern).expect("a valid regex");
        assert!(
            regex.eval(&self.stderr),
            "stderr does not match {pattern:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn stdout_lacks(self, part: &str) -> Self {
        assert!(!self.stdout.contains(part), "stdout has {part:?}\n{self}");
        self
    }

    #[track_caller]
    pub fn stderr_lacks(self, part: &str) -> Self {
        assert!(!self.stderr.contains(part), "stderr has {part:?}\n{self}");
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- status {}\n--- stdout\n{}--- stderr\n{}---",
            self.status, self.stdout, self.stderr
        )
    }
}
