//! Text hygiene at the edges: what the rep types or a playbook says must never
//! reach the terminal as raw control sequences, inject Markdown, or become a
//! path that escapes its directory. `command::Gate` applies [`for_terminal`]
//! to every byte a command prints; [`json`] is the one JSON writer.

/// Replaces control characters (including ESC, so no ANSI/OSC sequence
/// survives) and bidi controls with visible `\u{..}` escapes. Tabs and
/// newlines are kept. Escaping twice changes nothing more.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_for_terminal(&mut out, text);
    out
}

/// [`for_terminal`], appended to `out`.
pub fn push_for_terminal(out: &mut String, text: &str) {
    push_escaped(out, text, |out, c| out.extend(c.escape_unicode()));
}

/// `text` appended to `out` with each [`is_dangerous`] character written by
/// `escape`. Runs of printable ASCII (most of any listing) are copied whole,
/// not character by character: a listing of thousands of rows passes here
/// more than once on its way out.
fn push_escaped(out: &mut String, mut text: &str, escape: impl Fn(&mut String, char)) {
    loop {
        // A byte outside the plain set is ASCII or starts a character, so
        // the cut is on a character boundary.
        let plain = text
            .bytes()
            .position(|b| !matches!(b, b' '..=b'~' | b'\n' | b'\t'))
            .unwrap_or(text.len());
        out.push_str(&text[..plain]);
        let mut rest = text[plain..].chars();
        let Some(c) = rest.next() else {
            return;
        };
        if is_dangerous(c) {
            escape(out, c);
        } else {
            out.push(c);
        }
        text = rest.as_str();
    }
}

/// C0 and C1 controls and DEL (but not newline and tab), and the bidi
/// controls that reorder what a terminal shows (LRE…RLO, LRI…PDI, LRM, RLM, ALM).
pub fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Pretty JSON with a final newline: the one JSON writer for everything the
/// tool prints. serde_json escapes only controls below U+0020; DEL, C1
/// controls and bidi controls are escaped here too (`\u202e`), so the text
/// passes the output gate unchanged and any JSON reader decodes the same value.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(|text| escape_json(&text) + "\n")
}

/// [`json`]'s escaping for JSON text made elsewhere (a plan stored in the
/// archive). In JSON written by serde_json such characters are only ever
/// inside strings, where `\uXXXX` means the same character.
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    push_escaped(&mut out, json, |out, c| {
        // All of them are in the Basic Multilingual Plane: one \u escape each.
        out.push_str(&format!("\\u{:04x}", u32::from(c)));
    });
    out
}

/// Escapes text typed by the rep for inline Markdown: no headings, links,
/// HTML, entities or emphasis can be injected, and line breaks stay inside
/// the item. GitHub-flavoured renderers also link bare URLs (`https://…`,
/// `www.…`) and e-mail addresses; the character that makes one is escaped
/// (`https\://`, `www\.`, `a\@b`), as remark's Markdown writer does, so a
/// pasted link shows as text, not as a live link.
pub fn markdown_inline(text: &str) -> String {
    let text = for_terminal(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = |n: usize| i.checked_sub(n).map(|j| chars[j]);
        let after = |n: usize| chars.get(i + n).copied();
        let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "-_.+".contains(c));
        let autolink = match c {
            // `scheme://`
            ':' => before(1).is_some_and(|c| c.is_ascii_alphabetic()) && after(1) == Some('/'),
            // `www.` starting a word
            '.' => {
                (1..=3).all(|n| before(n).is_some_and(|c| c.eq_ignore_ascii_case(&'w')))
                    && !before(4).is_some_and(char::is_alphanumeric)
                    && wordy(after(1))
            }
            // `name@host`
            '@' => wordy(before(1)) && wordy(after(1)),
            _ => false,
        };
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ if autolink => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("<br>"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// "1 case", "2 cases": a count with its English noun (messages that are
/// only in English; labels word their own counts per language).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A file-name-safe slug: ASCII letters and digits, and letters of other
/// scripts kept as they are; everything else collapses to `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() && !is_dangerous(c) {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= 40 {
            break;
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "case".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_say_one_or_many() {
        assert_eq!(super::count(0, "case", "cases"), "0 cases");
        assert_eq!(super::count(1, "case", "cases"), "1 case");
        assert_eq!(super::count(2, "case", "cases"), "2 cases");
    }

    use super::*;

    #[test]
    fn terminal_text_loses_escape_sequences_and_bidi_overrides() {
        let nasty = "Acme\x1b]0;pwned\x07 \x1b[2J\u{202E}gnp.exe";
        let clean = for_terminal(nasty);
        assert!(!clean.contains('\x1b') && !clean.contains('\x07') && !clean.contains('\u{202E}'));
        assert!(clean.starts_with("Acme\\u{1b}"));
    }

    #[test]
    fn terminal_escaping_is_idempotent() {
        let once = for_terminal("a\x1b[31m\u{9b}\u{2067}b\x7f\r");
        assert!(!once.chars().any(is_dangerous), "{once}");
        assert_eq!(for_terminal(&once), once);
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_reads_back_the_same() {
        let nasty = "x\u{7f}\u{85}\u{9b}\u{202E}\u{2066}\u{61C}\x1b\ty";
        let text = json(&serde_json::json!({ "customer": nasty })).unwrap();
        assert!(!text.chars().any(is_dangerous), "{text}");
        assert!(text.contains("\\u202e") && text.contains("\\u009b") && text.contains("\\u001b"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["customer"], nasty);
        assert_eq!(for_terminal(&text), text, "the gate leaves JSON alone");
    }

    /// The copy-whole-runs escaping gives what escaping each character
    /// would, wherever the dangerous ones fall: first, last, between
    /// multi-byte characters, in a row.
    #[test]
    fn escaping_runs_matches_escaping_each_character() {
        let each = |text: &str| -> String {
            text.chars()
                .map(|c| match is_dangerous(c) {
                    true => c.escape_unicode().to_string(),
                    false => c.to_string(),
                })
                .collect()
        };
        for text in [
            "",
            "plain ASCII\twith a tab\nand a line",
            "\x1bfirst",
            "last\x7f",
            "台北\u{202E}銀行\u{9b}\u{9b}é\r\n",
            "\u{85}\u{2066}\u{61C}\u{200E}x",
            "mixé \x01 台 \x02",
        ] {
            assert_eq!(for_terminal(text), each(text), "{text:?}");
            let json_each: String = text
                .chars()
                .map(|c| match is_dangerous(c) {
                    true => format!("\\u{:04x}", u32::from(c)),
                    false => c.to_string(),
                })
                .collect();
            assert_eq!(escape_json(text), json_each, "{text:?}");
        }
    }

    #[test]
    fn markdown_cannot_be_injected() {
        assert_eq!(
            markdown_inline("# [x](http://e) <b>"),
            "\\# \\[x\\](http\\://e) \\<b\\>"
        );
        assert_eq!(markdown_inline("a\nb"), "a<br>b");
    }

    #[test]
    fn markdown_shows_urls_entities_and_addresses_as_text() {
        assert_eq!(
            markdown_inline("see https://evil.example/x?a=1&b=2 or WWW.evil.example"),
            "see https\\://evil.example/x?a=1\\&b=2 or WWW\\.evil.example"
        );
        assert_eq!(
            markdown_inline("&lt;b&gt; &#x41;"),
            "\\&lt;b\\&gt; \\&\\#x41;"
        );
        assert_eq!(markdown_inline("jane@acme.example"), "jane\\@acme.example");
        // Ordinary words and sentences are left alone.
        assert_eq!(
            markdown_inline("Time: 10:30, a new.plan, the www site, me @ home"),
            "Time: 10:30, a new.plan, the www site, me @ home"
        );
    }

    #[test]
    fn slugs_cannot_traverse_paths() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Acme Trading Ltd."), "acme-trading-ltd");
        assert_eq!(slug("台北銀行"), "台北銀行");
        assert_eq!(slug("///"), "case");
    }
}
