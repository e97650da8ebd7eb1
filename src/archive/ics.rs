//! `commitments --format ics`: commitments as an iCalendar (RFC 5545), one
//! VTODO each, so owners see them in their own calendar and task apps.
//!
//! Written by hand: the format needs a dozen properties, TEXT escaping and
//! line folding, and the `icalendar` crate would bring uuid, getrandom and
//! nom into the binary and stamp DTSTAMP from the wall clock (here it is an
//! argument, so the output is a function of its inputs). The tests read
//! what this writes with that crate's parser.

use chrono::{DateTime, Utc};

use super::rows::CommitmentRow;
use crate::i18n::Labels;

/// The longest content line, in octets, before it is folded (RFC 5545 3.1).
const LINE_OCTETS: usize = 75;

/// The calendar: one VTODO per row. `stamp` is the export time (DTSTAMP).
/// Each UID is `<case id>.<kind>.<item>@defuse`, a function of what the
/// commitment is, so importing a later export updates the same tasks
/// instead of adding copies; SEQUENCE rises to 1 when one is done.
pub fn ics(rows: &[CommitmentRow], stamp: DateTime<Utc>, l: &Labels) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &str| {
        out.push_str(&fold(&format!("{name}:{value}")));
        out.push_str("\r\n");
    };
    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line(
        "PRODID",
        &text(concat!(
            "-//defuse//defuse ",
            env!("CARGO_PKG_VERSION"),
            "//EN"
        )),
    );
    line("CALSCALE", "GREGORIAN");
    for row in rows {
        let kind = kind_label(&row.kind, l);
        line("BEGIN", "VTODO");
        line(
            "UID",
            &text(&format!("{}.{}.{}@defuse", row.case_id, row.kind, row.item)),
        );
        line("DTSTAMP", &utc(stamp));
        line("SEQUENCE", if row.done_at.is_some() { "1" } else { "0" });
        line(
            "SUMMARY",
            &text(&format!("{}: {}", row.customer, row.action)),
        );
        let mut description = vec![
            format!("{}: #{} {}", l.case, row.case_number, row.case_id),
            format!("{}: {}", l.customer, row.customer),
            format!("{}: {}", l.owner, row.owner_shown()),
            format!("{kind}: {}", row.item),
        ];
        if let Some(by) = row.done_by.as_deref().filter(|_| row.done_at.is_some()) {
            description.push((l.done_by)(by));
        }
        line("DESCRIPTION", &text(&description.join("\n")));
        line("CATEGORIES", &text(kind));
        if let Some(due) = instant(&row.due) {
            line("DUE", &utc(due));
        }
        match row.done_at.as_deref().and_then(instant) {
            Some(done) => {
                line("STATUS", "COMPLETED");
                line("COMPLETED", &utc(done));
                line("PERCENT-COMPLETE", "100");
            }
            None => line("STATUS", "NEEDS-ACTION"),
        }
        line("END", "VTODO");
    }
    line("END", "VCALENDAR");
    out
}

/// The localized name of a kind (`remedy` or `followup`).
pub fn kind_label<'a>(kind: &str, l: &'a Labels) -> &'a str {
    match kind {
        "remedy" => l.kind_remedy,
        _ => l.kind_followup,
    }
}

fn instant(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A DATE-TIME in UTC form (`20261123T023000Z`): no time-zone definitions needed.
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: `\`, `;`, `,` and newlines escaped (RFC 5545 3.3.11).
/// Controls and bidi characters, which TEXT may not hold and the output
/// gate would escape anyway, become the same visible `\u{..}` the gate
/// shows, so the calendar passes the gate unchanged.
fn text(value: &str) -> String {
    let visible = crate::text::for_terminal(&value.replace("\r\n", "\n"));
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets, CRLF and a space
/// before each continuation (the space counts), never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_what_rfc_5545_reserves() {
        assert_eq!(text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(text("x\u{7}\u{202E}y\tz"), "x\\\\u{7}\\\\u{202e}y\tz");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "火".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= LINE_OCTETS, "{} octets: {part}", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
        assert_eq!(fold("short"), "short");
    }
}
