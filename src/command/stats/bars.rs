//! Bar charts for the terminal: one line per bar, fitted to the width in
//! display columns (CJK labels count two), Unicode blocks with eighths on a
//! UTF-8 terminal and `#` elsewhere (a pipe, a mail, a `C` locale). Pure.

use crate::prompt::fit::{fit, width};

/// One bar: what it counts, how many, and a note after the count.
pub struct Bar {
    pub label: String,
    pub n: i64,
    pub note: String,
}

impl Bar {
    pub fn new(label: impl Into<String>, n: i64) -> Bar {
        Bar {
            label: label.into(),
            n,
            note: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyphs {
    /// `█` and the eighths `▏`…`▉`.
    Blocks,
    /// `#`, one per whole step.
    Ascii,
}

const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A titled chart, each line within `cols` columns: the label (cut with
/// `…` if it must be), the count right-aligned, the bar scaled to the
/// largest count, then the note (cut first). Labels and notes are escaped
/// here, before measuring, as the output gate would show them.
pub fn chart(title: &str, bars: &[Bar], cols: usize, glyphs: Glyphs) -> String {
    let cols = cols.max(30);
    let labels: Vec<String> = bars
        .iter()
        .map(|b| crate::text::for_terminal(&b.label))
        .collect();
    let notes: Vec<String> = bars
        .iter()
        .map(|b| crate::text::for_terminal(&b.note))
        .collect();
    let max = bars.iter().map(|b| b.n).max().unwrap_or(0).max(1);
    let count_w = bars
        .iter()
        .map(|b| b.n.to_string().len())
        .max()
        .unwrap_or(1);
    let note_w = notes.iter().map(|n| width(n)).max().unwrap_or(0);
    // The label gets at most two fifths of the line, the bar at least 10
    // columns (fewer only on a very narrow terminal); notes take what is left.
    let label_w = labels
        .iter()
        .map(|l| width(l))
        .max()
        .unwrap_or(0)
        .min(cols * 2 / 5);
    let fixed = 2 + label_w + 2 + count_w + 1;
    let note_room = if note_w == 0 {
        0
    } else {
        note_w.min(cols.saturating_sub(fixed + 10 + 2))
    };
    let bar_w = cols
        .saturating_sub(fixed + if note_room > 0 { note_room + 2 } else { 0 })
        .clamp(4, 50);
    let mut out = format!("{}\n", crate::text::for_terminal(title));
    for ((bar, label), note) in bars.iter().zip(&labels).zip(&notes) {
        let label = fit(label, label_w);
        let pad = label_w.saturating_sub(width(&label));
        let drawn = draw(bar.n, max, bar_w, glyphs);
        let mut line = format!("  {label}{}  {:>count_w$} {drawn}", " ".repeat(pad), bar.n);
        if note_room > 0 && !note.is_empty() {
            let gap = bar_w.saturating_sub(width(&drawn)) + 2;
            line += &" ".repeat(gap);
            line += &fit(note, note_room);
        }
        out += line.trim_end();
        out += "\n";
    }
    out
}

/// `n` of `max` as a bar of at most `cols` columns; any count above zero
/// shows at least a sliver.
pub fn draw(n: i64, max: i64, cols: usize, glyphs: Glyphs) -> String {
    if n <= 0 || max <= 0 {
        return String::new();
    }
    let n = n.min(max) as u128;
    let max = max as u128;
    match glyphs {
        Glyphs::Blocks => {
            let eighths = (n * cols as u128 * 8).div_ceil(max).max(1) as usize;
            "█".repeat(eighths / 8) + EIGHTHS[eighths % 8]
        }
        Glyphs::Ascii => "#".repeat((n * cols as u128).div_ceil(max).max(1) as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_count_fills_the_bar_and_any_count_shows() {
        assert_eq!(draw(10, 10, 5, Glyphs::Ascii), "#####");
        assert_eq!(draw(1, 1000, 5, Glyphs::Ascii), "#");
        assert_eq!(draw(10, 10, 3, Glyphs::Blocks), "███");
        assert_eq!(draw(1, 16, 2, Glyphs::Blocks), "▏");
        assert_eq!(draw(3, 4, 2, Glyphs::Blocks), "█▌");
        assert_eq!(draw(0, 4, 2, Glyphs::Blocks), "");
    }

    #[test]
    fn every_line_fits_the_width_with_wide_labels_cut() {
        let bars = [
            Bar::new("帳單錯誤與重複扣款，客戶要求全額退款並道歉", 12),
            Bar {
                label: "Nordlicht GmbH".into(),
                n: 3,
                note: "latest 2026-11-23 10:00 +08:00".into(),
            },
            Bar::new("short", 1),
        ];
        for cols in [30, 40, 80, 160] {
            for glyphs in [Glyphs::Blocks, Glyphs::Ascii] {
                let text = chart("Title", &bars, cols, glyphs);
                for line in text.lines() {
                    assert!(width(line) <= cols, "{cols}: {line:?} is {}", width(line));
                }
                assert!(text.contains("Nordlicht"), "{text}");
            }
        }
        let wide = chart("Title", &bars, 80, Glyphs::Blocks);
        assert!(wide.contains("…"), "the long label is cut: {wide}");
        assert!(wide.contains("latest 2026-11-23"), "{wide}");
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_before_measuring() {
        let text = chart(
            "T",
            &[Bar::new("a\u{1b}[31m\u{202e}b", 1)],
            80,
            Glyphs::Ascii,
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("\\u{1b}"), "{text}");
    }
}
