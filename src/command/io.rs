//! What a command runs with: the output gate ([`Gate`]) that every byte for
//! stdout and stderr passes, and the environment ([`Env`]) every variable is
//! read from. The binary gives the real streams and the process environment;
//! tests give buffers and a map, and run the whole CLI in-process.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use crate::error::Error;

pub struct Io<'a> {
    /// stdout, through the gate.
    pub out: Gate<'a>,
    /// stderr, through the gate.
    pub err: Gate<'a>,
    /// Whether a live session may be started (stdin is a terminal).
    pub interactive: bool,
    /// Whether stdout is a terminal: listings are boxed there, plain in a
    /// pipe or a file. The binary sets it; tests may.
    pub stdout_terminal: bool,
    /// stdout's width in columns when it is a terminal (the binary sets
    /// it; `$COLUMNS` overrides it), for what is drawn to fit, like bars.
    pub stdout_cols: Option<usize>,
    /// Whether stderr is a terminal (where the live session draws).
    pub err_terminal: bool,
    /// Whether the live session is drawn in colour: `--color`, `NO_COLOR`,
    /// `CLICOLOR_FORCE` and `err_terminal`, decided once by `command::run`.
    pub colour: bool,
    pub env: Env,
}

impl<'a> Io<'a> {
    pub fn new(
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
        interactive: bool,
        env: Env,
    ) -> Self {
        Io {
            out: Gate::new(out),
            err: Gate::new(err),
            interactive,
            stdout_terminal: false,
            stdout_cols: None,
            err_terminal: false,
            colour: false,
            env,
        }
    }

    /// How wide what is drawn for stdout may be: `$COLUMNS`, else the
    /// terminal's width, else 80.
    pub fn stdout_width(&self) -> usize {
        self.env
            .var("COLUMNS")
            .and_then(|c| c.trim().parse().ok())
            .or(self.stdout_cols.filter(|_| self.stdout_terminal))
            // Narrower than this, nothing drawn to fit is readable.
            .filter(|cols| *cols >= 20)
            .unwrap_or(80)
    }

    /// Writes a command's output to stdout.
    pub fn print(&mut self, text: &str) -> Result<(), Error> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|source| Error::Write {
                path: "<stdout>".into(),
                source,
            })
    }
}

/// A writer that makes whatever passes it safe for a terminal: control and
/// bidi characters become visible escapes (`text::for_terminal`), and bytes
/// that are not UTF-8 become `\xNN` (a lone 0x9b is CSI to some terminals).
/// A CR is kept only as part of a CRLF line end (CSV's): alone, it would
/// let text overwrite the start of its line.
/// It wraps the real stream and never hands it out, so a command cannot
/// write around it. Machine output (JSON, Markdown, CSV) is escaped by its
/// writer already and passes unchanged.
pub struct Gate<'a> {
    inner: &'a mut dyn Write,
    /// The start of a UTF-8 character whose other bytes come in the next
    /// write, or a CR that is kept only if an LF comes next.
    partial: Vec<u8>,
}

impl<'a> Gate<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Gate {
            inner,
            partial: Vec::new(),
        }
    }

    /// `writeln!(io.err, …)` without importing `Write`, as when the streams
    /// were `&mut dyn Write`.
    pub fn write_fmt(&mut self, args: std::fmt::Arguments) -> std::io::Result<()> {
        Write::write_fmt(self, args)
    }
}

/// The safe text for `bytes`, and the unfinished UTF-8 character at its end.
fn sanitize(bytes: &[u8]) -> (String, &[u8]) {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                push_for_terminal_keeping_crlf(&mut out, text);
                return (out, &[]);
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                push_for_terminal_keeping_crlf(
                    &mut out,
                    std::str::from_utf8(valid).unwrap_or_default(),
                );
                let Some(len) = e.error_len() else {
                    return (out, after);
                };
                for byte in &after[..len] {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
                rest = &after[len..];
            }
        }
    }
}

fn push_for_terminal_keeping_crlf(out: &mut String, mut text: &str) {
    // A search for one byte (memchr), not for "\r\n": a listing of
    // megabytes passes here, and most of it holds no CR at all.
    while let Some(cr) = text.find('\r') {
        let (before, from_cr) = text.split_at(cr);
        crate::text::push_for_terminal(out, before);
        if let Some(after) = from_cr.strip_prefix("\r\n") {
            out.push_str("\r\n");
            text = after;
        } else {
            // A lone CR: escaped like any control.
            crate::text::push_for_terminal(out, "\r");
            text = &from_cr[1..];
        }
    }
    crate::text::push_for_terminal(out, text);
}

impl Write for Gate<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Joined with what the last write left only when it left something
        // (no copy of a whole listing otherwise).
        let joined;
        let bytes = match self.partial.is_empty() {
            true => buf,
            false => {
                joined = [std::mem::take(&mut self.partial).as_slice(), buf].concat();
                joined.as_slice()
            }
        };
        // A CR at the end waits for the next byte to tell a line end from a lone CR.
        let held = usize::from(bytes.last() == Some(&b'\r'));
        let (now, later) = bytes.split_at(bytes.len() - held);
        let (text, unfinished) = sanitize(now);
        self.partial = [unfinished, later].concat();
        self.inner.write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Drop for Gate<'_> {
    /// A lone CR at the very end is escaped; a character cut short is shown as its bytes.
    fn drop(&mut self) {
        if !self.partial.is_empty() {
            let (mut text, unfinished) = sanitize(&self.partial);
            text.extend(unfinished.iter().map(|b| format!("\\x{b:02x}")));
            let _ = self.inner.write_all(text.as_bytes());
            let _ = self.inner.flush();
        }
    }
}

/// Where the CLI reads environment variables from: the process, or (in
/// tests, which run in parallel in one process) a map. Nothing in the CLI
/// reads `std::env` directly; clap's `env` feature is off for the same reason.
#[derive(Debug, Clone, Default)]
pub enum Env {
    #[default]
    Process,
    Vars(BTreeMap<String, OsString>),
}

impl Env {
    pub fn var_os(&self, name: &str) -> Option<OsString> {
        match self {
            Env::Process => std::env::var_os(name),
            Env::Vars(vars) => vars.get(name).cloned(),
        }
    }

    /// The variable as text; unset or not UTF-8 is `None`, as `std::env::var(..).ok()`.
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name).and_then(|v| v.into_string().ok())
    }

    /// Whether to colour output for a stream that is (or is not) a terminal:
    /// `--color always|never` decide; under `auto`, a non-empty `NO_COLOR`
    /// turns colour off (no-color.org), then a `CLICOLOR_FORCE` other than
    /// `0` turns it on even in a pipe, then `CLICOLOR=0` turns it off, then
    /// a terminal gets colour unless `TERM` is `dumb`.
    pub fn colour(&self, choice: crate::cli::ColorChoice, terminal: bool) -> bool {
        use crate::cli::ColorChoice;
        let set = |name: &str| self.var_os(name).filter(|v| !v.is_empty());
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR").is_some() => false,
            ColorChoice::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
            ColorChoice::Auto if set("CLICOLOR").is_some_and(|v| v == "0") => false,
            ColorChoice::Auto => terminal && self.var("TERM").as_deref() != Some("dumb"),
        }
    }

    /// A path from a variable; set but empty counts as unset.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through_gate(writes: &[&[u8]]) -> String {
        let mut sink = Vec::new();
        {
            let mut gate = Gate::new(&mut sink);
            for w in writes {
                gate.write_all(w).unwrap();
            }
        }
        String::from_utf8(sink).unwrap()
    }

    #[test]
    fn the_gate_escapes_controls_and_keeps_newlines_and_tabs() {
        let shown = through_gate(&["a\x1b[2J\tb\n\u{9b}c\u{202E}".as_bytes()]);
        assert_eq!(shown, "a\\u{1b}[2J\tb\n\\u{9b}c\\u{202e}");
    }

    #[test]
    fn a_character_split_across_writes_is_joined_not_mangled() {
        let rlo = "\u{202E}".as_bytes();
        let cjk = "火".as_bytes();
        let shown = through_gate(&[&rlo[..1], &rlo[1..], &cjk[..2], &cjk[2..]]);
        assert_eq!(shown, "\\u{202e}火");
    }

    #[test]
    fn crlf_line_ends_pass_but_a_lone_cr_is_escaped() {
        assert_eq!(
            through_gate(&[b"a,b\r\nc\rd\r", b"\ne\r"]),
            "a,b\r\nc\\u{d}d\r\ne\\u{d}"
        );
        // A CR before a CRLF is a lone one.
        assert_eq!(through_gate(&[b"a\r\r\nb"]), "a\\u{d}\r\nb");
    }

    #[test]
    fn colour_follows_the_flag_then_no_color_then_clicolor_force_then_the_terminal() {
        use crate::cli::ColorChoice::{Always, Auto, Never};
        let env = |vars: &[(&str, &str)]| {
            Env::Vars(
                vars.iter()
                    .map(|(k, v)| ((*k).into(), (*v).into()))
                    .collect(),
            )
        };
        let none = env(&[]);
        assert!(none.colour(Auto, true));
        assert!(!none.colour(Auto, false));
        assert!(none.colour(Always, false));
        assert!(!none.colour(Never, true));
        let no_color = env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
        assert!(!no_color.colour(Auto, true));
        assert!(
            no_color.colour(Always, true),
            "the flag wins over the environment"
        );
        // An empty NO_COLOR is unset (no-color.org).
        assert!(env(&[("NO_COLOR", "")]).colour(Auto, true));
        assert!(env(&[("CLICOLOR_FORCE", "1")]).colour(Auto, false));
        assert!(!env(&[("CLICOLOR_FORCE", "0")]).colour(Auto, false));
        assert!(!env(&[("CLICOLOR", "0")]).colour(Auto, true));
        assert!(!env(&[("TERM", "dumb")]).colour(Auto, true));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_as_bytes() {
        assert_eq!(through_gate(&[b"a\x9bb", b"\xe7"]), "a\\x9bb\\xe7");
    }
}
