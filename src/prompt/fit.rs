//! Fitting text to the terminal's width, in display columns (CJK counts two).
//!
//! dialoguer clears what it drew by *logical* lines: a line wider than the
//! terminal wraps onto rows it never clears (dialoguer issue #295). So the
//! live front end keeps every line it hands to dialoguer within the width
//! (`fit`, `fit_keeping`), wraps its own notes at word boundaries (`wrap`),
//! and counts the rows a typed answer really took (`rows`) to clear them.
//! Pure: plain text in, plain text out; styling happens after fitting.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a cut line ends with.
pub const ELLIPSIS: &str = "…";

/// The display width of `text`.
pub fn width(text: &str) -> usize {
    text.width()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `text` in at most `max` columns: whole if it fits, else cut (at a word
/// boundary when one is near) and ended with `…`.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - width(ELLIPSIS);
    let mut cut = 0;
    let mut used = 0;
    let mut last_space = None;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if used + w > budget {
            break;
        }
        if c == ' ' {
            last_space = Some(i);
        }
        used += w;
        cut = i + c.len_utf8();
    }
    // A word cut in half reads as a typo; drop it when that loses little.
    if let Some(space) = last_space
        && width(&text[space..cut]) <= budget / 3
    {
        cut = space;
    }
    let kept = text[..cut].trim_end_matches([' ', ',', '，', '、', '—', '-', '(', '（']);
    format!("{kept}{ELLIPSIS}")
}

/// `head` and `tail` joined by a space in at most `max` columns, cutting
/// `head` first: the tail holds the facts the rep must see (owner, due).
/// When even the tail does not leave room for a little of the head, the
/// whole is cut from the end.
pub fn fit_keeping(head: &str, tail: &str, max: usize) -> String {
    if tail.is_empty() {
        return fit(head, max);
    }
    let whole = format!("{head} {tail}");
    if width(&whole) <= max {
        return whole;
    }
    let room = max.saturating_sub(width(tail) + 1);
    if room >= MIN_HEAD.min(width(head)) && room > 0 {
        format!("{} {tail}", fit(head, room))
    } else {
        fit(&whole, max)
    }
}

/// The fewest columns of a label worth keeping beside its facts.
const MIN_HEAD: usize = 12;

/// `title · answer` in at most `max` columns: the answer keeps at least half
/// of the room when both are long.
pub fn fit_pair(title: &str, answer: &str, max: usize) -> (String, String) {
    const SEP: usize = 3; // " · "
    let (tw, aw) = (width(title), width(answer));
    if tw + SEP + aw <= max {
        return (title.to_owned(), answer.to_owned());
    }
    let room = max.saturating_sub(SEP);
    let title_room = if aw <= room / 2 {
        room - aw
    } else {
        tw.min(room - room / 2)
    };
    let title = fit(title, title_room);
    let answer = fit(answer, room.saturating_sub(width(&title)));
    (title, answer)
}

/// `text` wrapped into lines of at most `max` columns, breaking at spaces,
/// and between wide (CJK) characters, which need no space to break at. A
/// word longer than a line is split. Newlines in `text` are kept.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in words(paragraph) {
            let sep = if line.is_empty() || !word.spaced {
                ""
            } else {
                " "
            };
            if width(&line) + sep.len() + width(word.text) <= max {
                line.push_str(sep);
                line.push_str(word.text);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // Too long for any line: split it where the row ends.
            for c in word.text.chars() {
                if width(&line) + char_width(c) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

struct Word<'a> {
    text: &'a str,
    /// Whether a space separated it from the word before.
    spaced: bool,
}

/// Words: runs of narrow characters between spaces, and every wide character
/// on its own.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut spaced = false;
    for (i, c) in text.char_indices() {
        if c == ' ' {
            if let Some(s) = start.take() {
                out.push(Word {
                    text: &text[s..i],
                    spaced,
                });
            }
            spaced = true;
        } else if char_width(c) > 1 {
            if let Some(s) = start.take() {
                out.push(Word {
                    text: &text[s..i],
                    spaced,
                });
                spaced = false;
            }
            out.push(Word {
                text: &text[i..i + c.len_utf8()],
                spaced,
            });
            spaced = false;
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &text[s..],
            spaced,
        });
    }
    out
}

/// The rows a terminal of `cols` columns uses to show `text` written from
/// column `from` of a fresh row: it wraps at the last column, and a wide
/// character that does not fit moves whole to the next row. A row filled to
/// the last column keeps the cursor (the wrap is pending), so it is one row.
pub fn rows(from: usize, text: &str, cols: usize) -> usize {
    let cols = cols.max(1);
    let mut rows = 1 + from / cols;
    let mut col = from % cols;
    for c in text.chars() {
        let w = char_width(c);
        if col + w > cols {
            rows += 1;
            col = 0;
        }
        col += w;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_cuts_at_a_word_and_counts_wide_characters_twice() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("Account director apologises", 20), "Account director…");
        assert_eq!(width(&fit("業務總監親自打電話道歉", 9)), 9);
        assert_eq!(fit("業務總監親自打電話道歉", 9), "業務總監…");
        assert_eq!(fit("abcdefghijkl", 5), "abcd…");
    }

    #[test]
    fn the_facts_survive_when_the_label_is_cut() {
        let line = fit_keeping(
            "A senior executive calls their decision-maker today",
            "[escalation, proposed] — Account director, due 4h",
            70,
        );
        assert!(
            line.ends_with("… [escalation, proposed] — Account director, due 4h"),
            "{line}"
        );
        assert!(line.starts_with("A senior executive"), "{line}");
        assert!(width(&line) <= 70);
        // No room at all for the label: the whole is cut from the end.
        assert_eq!(
            width(&fit_keeping("Label", "x".repeat(40).as_str(), 20)),
            20
        );
    }

    #[test]
    fn a_pair_keeps_room_for_the_answer() {
        let (t, a) = fit_pair(&"t".repeat(50), &"a".repeat(50), 40);
        assert!(width(&t) + 3 + width(&a) <= 40, "{t} · {a}");
        assert!(width(&a) >= 18, "{a}");
        let (t, a) = fit_pair(&"t".repeat(50), "Yes", 40);
        assert_eq!((width(&t), a.as_str()), (34, "Yes"));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_between_cjk_characters() {
        assert_eq!(
            wrap("Let them finish before you answer", 12),
            ["Let them", "finish", "before you", "answer"]
        );
        let zh = wrap("先讓他把話說完，再回答", 8);
        assert!(zh.iter().all(|l| width(l) <= 8), "{zh:?}");
        assert_eq!(zh.concat(), "先讓他把話說完，再回答");
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 4), ["a", "b"]);
    }

    #[test]
    fn rows_follow_the_terminal_wrap() {
        assert_eq!(rows(0, "", 80), 1);
        assert_eq!(rows(10, &"x".repeat(70), 80), 1); // ends on the last column
        assert_eq!(rows(10, &"x".repeat(71), 80), 2);
        // A wide character never straddles two rows.
        assert_eq!(rows(0, &format!("{}名", "x".repeat(79)), 80), 2);
        assert_eq!(rows(0, &"名".repeat(80), 80), 2);
    }
}
