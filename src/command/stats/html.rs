//! `cases stats --html`: the monthly review as one self-contained page —
//! inline CSS, charts as inline SVG, no script, no font, image or link
//! fetched — that a team lead can open or mail. Every chart is followed by
//! its numbers as a plain table, so a mail reader that drops SVG still
//! shows them. All archive text (customer names, owners, labels) is
//! hostile input: control and bidi characters are made visible as in the
//! terminal (`\u{202e}`), then `& < > " '` become entities. Pure.

use super::Review;
use crate::archive::By;
use crate::prompt::fit::{fit, width};

/// Level colours, lowest level first (a light blue to a dark red); levels
/// beyond them reuse the darkest.
const LEVEL_COLOURS: [&str; 6] = [
    "#9ecae1", "#fdd49e", "#fc8d59", "#e34a33", "#b30000", "#5c0000",
];
const BAR: &str = "#3b6ea5";
const OVERDUE: &str = "#c0392b";

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;\
color:#1d1d1f;background:#fff;margin:2em auto;max-width:760px;padding:0 1em;line-height:1.4}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.15em;margin:1.6em 0 .4em;\
border-bottom:1px solid #ddd;padding-bottom:.2em}.meta{color:#555}\
svg{display:block;max-width:100%;height:auto}svg text{font-size:13px;fill:#1d1d1f;\
unicode-bidi:isolate}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}\
th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left}td.n{text-align:right}\
th{background:#f4f4f6}p.none{color:#555;font-style:italic}";

/// The page. `made` is when it was made (RFC 3339), shown at the top.
pub fn page(review: &Review, made: &str) -> String {
    let w = review.words;
    let l = review.lang.labels();
    let mut body = String::new();
    if review.cases > 0 {
        if !review.months.is_empty() {
            body += &section(
                w.levels_by_month,
                &months_chart(review),
                &data_table(
                    &[l.month, l.level, l.cases],
                    review.months.iter().flat_map(|(m, counts)| {
                        counts.iter().map(|(level, n)| {
                            vec![m.clone(), review.levels[*level].clone(), n.to_string()]
                        })
                    }),
                ),
            );
        }
        for (title, pairs, header, count) in [
            (w.grievance_mix, &review.grievances, l.grievance, l.cases),
            (w.remedies, &review.remedies, l.remedy, l.chosen),
        ] {
            if !pairs.is_empty() {
                body += &pairs_section(title, pairs, header, count, BAR);
            }
        }
        match review.repeat.is_empty() {
            true => body += &none(w.repeat_customers, w.no_repeat),
            false => {
                let rows: Vec<Row> = review
                    .repeat
                    .iter()
                    .map(|(c, n, _)| Row::one(c, *n, BAR))
                    .collect();
                body += &section(
                    w.repeat_customers,
                    &bar_chart(w.repeat_customers, &rows, &[]),
                    &data_table(
                        &[l.repeat_customer, l.cases, l.latest],
                        review
                            .repeat
                            .iter()
                            .map(|(c, n, t)| vec![c.clone(), n.to_string(), t.clone()]),
                    ),
                );
            }
        }
        match review.overdue.is_empty() {
            true => body += &none(w.overdue, w.nothing_overdue),
            false => {
                body += &pairs_section(w.overdue, &review.overdue, w.owner, w.overdue_col, OVERDUE)
            }
        }
        if let Some(breakdown) = &review.by
            && !breakdown.rows.is_empty()
        {
            let title = (w.by_title)(breakdown.by);
            let rows: Vec<Row> = breakdown
                .rows
                .iter()
                .map(|r| {
                    let n = if breakdown.by == By::Owner {
                        r.open
                    } else {
                        r.cases
                    };
                    Row::one(r.key.as_deref().unwrap_or_default(), n, BAR)
                })
                .collect();
            body += &section(
                title,
                &bar_chart(title, &rows, &[]),
                &data_table(
                    &review.by_header(breakdown.by),
                    breakdown.rows.iter().map(|r| {
                        vec![
                            r.key.clone().unwrap_or_default(),
                            r.cases.to_string(),
                            r.open.to_string(),
                            r.overdue.to_string(),
                            r.done.to_string(),
                        ]
                    }),
                ),
            );
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n<p class=\"meta\">{counted} · {made}</p>\n{body}</body>\n</html>\n",
        lang = review.lang.code(),
        title = esc(w.page_title),
        counted = esc(&review.counted),
        made = esc(&(w.made)(&crate::plan::markdown::human_time(made))),
    )
}

/// Archive text made safe for HTML text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::for_terminal(text).chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&#39;",
            c => out.push(c),
        }
    }
    out
}

fn section(title: &str, chart: &str, table: &str) -> String {
    format!(
        "<section>\n<h2>{}</h2>\n{chart}{table}</section>\n",
        esc(title)
    )
}

fn none(title: &str, says: &str) -> String {
    format!(
        "<section>\n<h2>{}</h2>\n<p class=\"none\">{}</p>\n</section>\n",
        esc(title),
        esc(says)
    )
}

fn pairs_section(
    title: &str,
    pairs: &[(String, i64)],
    what: &str,
    count: &str,
    colour: &'static str,
) -> String {
    let rows: Vec<Row> = pairs.iter().map(|(l, n)| Row::one(l, *n, colour)).collect();
    section(
        title,
        &bar_chart(title, &rows, &[]),
        &data_table(
            &[what, count],
            pairs.iter().map(|(l, n)| vec![l.clone(), n.to_string()]),
        ),
    )
}

fn data_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::from("<table>\n<tr>");
    for h in header {
        out += &format!("<th>{}</th>", esc(h));
    }
    out += "</tr>\n";
    for row in rows {
        out += "<tr>";
        for (i, cell) in row.iter().enumerate() {
            let class = if i > 0 && cell.parse::<i64>().is_ok() {
                " class=\"n\""
            } else {
                ""
            };
            out += &format!("<td{class}>{}</td>", esc(cell));
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

/// One bar of a chart: a label and its segments (colour, count).
struct Row {
    label: String,
    segments: Vec<(&'static str, i64)>,
}

impl Row {
    fn one(label: &str, n: i64, colour: &'static str) -> Row {
        Row {
            label: label.to_owned(),
            segments: vec![(colour, n)],
        }
    }
}

fn months_chart(review: &Review) -> String {
    let colour = |level: usize| {
        let rank = review.level_ranks.get(level).copied().unwrap_or(level);
        LEVEL_COLOURS[rank.min(LEVEL_COLOURS.len() - 1)]
    };
    let rows: Vec<Row> = review
        .months
        .iter()
        .map(|(month, counts)| Row {
            label: month.clone(),
            segments: counts
                .iter()
                .map(|(level, n)| (colour(*level), *n))
                .collect(),
        })
        .collect();
    let legend: Vec<(&str, &str)> = review
        .levels
        .iter()
        .enumerate()
        .map(|(i, label)| (colour(i), label.as_str()))
        .collect();
    bar_chart(review.words.levels_by_month, &rows, &legend)
}

const WIDTH: usize = 720;
const LABEL_W: usize = 230;
const BAR_W: usize = 420;
const ROW_H: usize = 26;
/// Label columns that fit `LABEL_W` at 13px (a CJK character counts two).
const LABEL_COLS: usize = 32;

/// A horizontal bar chart: a row per bar (segments stacked left to right),
/// the total after it, and a legend below when there is one. A cut label
/// keeps its full text in a `<title>` (shown on hover).
fn bar_chart(title: &str, rows: &[Row], legend: &[(&str, &str)]) -> String {
    let total = |r: &Row| r.segments.iter().map(|(_, n)| *n).sum::<i64>();
    let max = rows.iter().map(total).max().unwrap_or(0).max(1);
    let legend_h = if legend.is_empty() { 0 } else { ROW_H + 6 };
    let height = rows.len() * ROW_H + legend_h + 6;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">\n",
        esc(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = i * ROW_H + 4;
        let text_y = y + ROW_H / 2 + 4;
        let shown = fit(&crate::text::for_terminal(&row.label), LABEL_COLS);
        let tooltip = match width(&shown) < width(&crate::text::for_terminal(&row.label)) {
            true => format!("<title>{}</title>", esc(&row.label)),
            false => String::new(),
        };
        svg += &format!(
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\">{tooltip}{}</text>\n",
            LABEL_W - 8,
            esc(&shown)
        );
        let mut x = LABEL_W as i64;
        for (colour, n) in &row.segments {
            // Rounded up, so any count shows.
            let w = ((*n * BAR_W as i64 + max - 1) / max).max(1);
            svg += &format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{colour}\"/>\n",
                y + 3,
                ROW_H - 8
            );
            x += w;
        }
        svg += &format!(
            "<text x=\"{}\" y=\"{text_y}\">{}</text>\n",
            x + 6,
            total(row)
        );
    }
    let mut x = LABEL_W;
    let y = rows.len() * ROW_H + 10;
    for (colour, label) in legend {
        let shown = fit(&crate::text::for_terminal(label), 16);
        svg += &format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>\n",
            x + 16,
            y + 11,
            esc(&shown)
        );
        x += 16 + width(&shown) * 8 + 16;
    }
    svg + "</svg>\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Breakdown, BreakdownRow};
    use crate::i18n::Lang;

    /// Customer names and owners as a hostile caller could type them.
    const HOSTILE: &str = "<script>alert(\"x\")</script> O'Brien & \u{202e}kcab\u{1b}[31m\u{85}";

    fn review(lang: Lang) -> Review {
        Review {
            lang,
            words: super::super::words::of(lang),
            cases: 5,
            counted: (lang.labels().cases_counted)(5),
            levels: vec!["Concern".into(), "Fire".into()],
            level_ranks: vec![1, 3],
            months: vec![
                ("2026-10".into(), vec![(0, 1)]),
                ("2026-11".into(), vec![(0, 2), (1, 2)]),
            ],
            grievances: vec![("Perfunctory attitude".into(), 3), ("帳單錯誤".into(), 1)],
            remedies: vec![("Let them finish, then mirror".into(), 4)],
            repeat: vec![(HOSTILE.into(), 2, "2026-11-02 10:00 +00:00".into())],
            overdue: vec![(HOSTILE.into(), 3), ("Team lead".into(), 1)],
            by: Some(Breakdown {
                by: By::Rep,
                rows: vec![BreakdownRow {
                    key: Some(HOSTILE.into()),
                    cases: 5,
                    open: 4,
                    overdue: 3,
                    done: 1,
                }],
            }),
        }
    }

    #[test]
    fn the_page_is_pinned() {
        insta::assert_snapshot!(page(&review(Lang::En), "2026-11-29T09:00:00+08:00"));
    }

    #[test]
    fn archive_text_cannot_inject_markup_or_reorder_the_page() {
        for lang in Lang::ALL {
            let page = page(&review(lang), "2026-11-29T09:00:00+08:00");
            assert!(!page.contains("<script"), "{page}");
            assert!(
                page.contains("&lt;script&gt;alert(&quot;x&quot;)"),
                "{page}"
            );
            assert!(page.contains("O&#39;Brien &amp; "), "{page}");
            // Shown, not obeyed: the escape is visible text.
            assert!(page.contains("\\u{202e}kcab\\u{1b}[31m\\u{85}"), "{page}");
            assert!(
                !page
                    .chars()
                    .any(|c| crate::text::is_dangerous(c) || c == '\t'),
                "no control or bidi character is left: {page:?}"
            );
            // Nothing is fetched and nothing runs.
            for never in [
                "<script", "src=", "href=", "@import", "url(", "<link", "<img",
            ] {
                assert!(!page.contains(never), "{never} in {page}");
            }
        }
    }

    #[test]
    fn an_empty_archive_draws_no_empty_chart() {
        let mut empty = review(Lang::En);
        empty.cases = 0;
        empty.counted = (Lang::En.labels().cases_counted)(0);
        let page = page(&empty, "2026-11-29T09:00:00+08:00");
        assert!(!page.contains("<svg") && !page.contains("<table"), "{page}");
        assert!(page.contains("0 cases"), "{page}");
    }

    #[test]
    fn nothing_overdue_and_no_repeat_customer_say_so_in_one_line() {
        let mut calm = review(Lang::En);
        calm.overdue.clear();
        calm.repeat.clear();
        let page = page(&calm, "2026-11-29T09:00:00+08:00");
        assert!(
            page.contains("<p class=\"none\">No commitment is overdue.</p>"),
            "{page}"
        );
        assert!(page.contains("<p class=\"none\">No customer has called more than once.</p>"));
    }
}
