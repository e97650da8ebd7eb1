//! Text hygiene at the edges: what the rep types or a playbook says must never
//! reach the terminal as raw control sequences, inject Markdown, or become a
//! path that escapes its directory.

/// Replaces control characters (including ESC, so no ANSI/OSC sequence
/// survives) and bidi overrides with visible `\u{..}` escapes. Tabs and
/// newlines are kept.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_dangerous(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Escapes text typed by the rep for inline Markdown: no headings, links,
/// HTML or emphasis can be injected, and line breaks stay inside the item.
pub fn markdown_inline(text: &str) -> String {
    let text = for_terminal(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' => {
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
    use super::*;

    #[test]
    fn terminal_text_loses_escape_sequences_and_bidi_overrides() {
        let nasty = "Acme\x1b]0;pwned\x07 \x1b[2J\u{202E}gnp.exe";
        let clean = for_terminal(nasty);
        assert!(!clean.contains('\x1b') && !clean.contains('\x07') && !clean.contains('\u{202E}'));
        assert!(clean.starts_with("Acme\\u{1b}"));
    }

    #[test]
    fn markdown_cannot_be_injected() {
        assert_eq!(
            markdown_inline("# [x](http://e) <b>"),
            "\\# \\[x\\](http://e) \\<b\\>"
        );
        assert_eq!(markdown_inline("a\nb"), "a<br>b");
    }

    #[test]
    fn slugs_cannot_traverse_paths() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Acme Trading Ltd."), "acme-trading-ltd");
        assert_eq!(slug("台北銀行"), "台北銀行");
        assert_eq!(slug("///"), "case");
    }
}
