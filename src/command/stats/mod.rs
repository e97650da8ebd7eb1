//! `defuse cases stats`: the archive in aggregate, for a team lead's monthly
//! review. The archive counts by id ([`crate::archive::Stats`]); here the
//! ids become the playbooks' labels in the reader's language ([`Review`]),
//! drawn as bars on the terminal (`bars`), as tables for scripts (tsv,
//! json), or as one self-contained HTML page (`html`).

mod bars;
mod html;
mod words;

use std::path::PathBuf;

use crate::archive::{Archive, Breakdown, By, Stats};
use crate::catalog;
use crate::cli::{CasesStatsArgs, ListFormat, StatsBy};
use crate::error::Error;
use crate::i18n::Lang;
use crate::output::{is_stdout, write_file};
use crate::plan::markdown::human_time;
use crate::playbook::Playbook;

use super::{Io, Layout, json, table};
use bars::{Bar, Glyphs, chart};
pub use words::Words;

pub fn run(
    args: &CasesStatsArgs,
    archive: &Archive,
    playbook_dirs: &[PathBuf],
    lang: Lang,
    io: &mut Io,
) -> Result<(), Error> {
    let now = chrono::Local::now().fixed_offset();
    let by = args.by.map(|by| match by {
        StatsBy::Rep => By::Rep,
        StatsBy::Owner => By::Owner,
        StatsBy::Month => By::Month,
    });
    let stats = archive.stats(args.include_void, now.timestamp(), by)?;
    let names = Names::of(&stats.playbooks, playbook_dirs, lang);
    let review = Review::of(&stats, &names, lang);
    if let Some(path) = &args.html {
        let page = html::page(&review, &crate::plan::rfc3339(now));
        if is_stdout(path) {
            return io.print(&page);
        }
        write_file(path, page.as_bytes(), args.force)?;
        let _ = writeln!(io.err, "Wrote {}", path.display());
        return Ok(());
    }
    let text = match args.format {
        ListFormat::Json => json(&stats),
        ListFormat::Tsv => {
            // stdout starts with a header line, for scripts; the count is for people.
            let _ = writeln!(io.err, "{}", review.counted);
            tables(&review, Layout::Tsv)
        }
        ListFormat::Table => match &review.by {
            Some(_) => tables(&review, Layout::of(false, io)),
            None => {
                let glyphs = match io.stdout_terminal && utf8_locale(io) {
                    true => Glyphs::Blocks,
                    false => Glyphs::Ascii,
                };
                pictures(&review, io.stdout_width().saturating_sub(1), glyphs)
            }
        },
    };
    io.print(&text)
}

/// Whether the terminal speaks UTF-8, as the C library decides: the first
/// of `LC_ALL`, `LC_CTYPE`, `LANG` that is set. Unset counts as UTF-8, as
/// the box-drawn tables already assume; `C`, `POSIX` or another charset
/// do not.
fn utf8_locale(io: &Io) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| io.env.var(name).filter(|v| !v.is_empty()))
        .is_none_or(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// Labels for the ids the archive counts, from the playbooks the counted
/// cases were triaged with. An id no known playbook defines (its playbook
/// was removed, renamed, or never on this machine) is shown as the id.
pub struct Names {
    playbooks: Vec<Playbook>,
    lang: Lang,
}

impl Names {
    pub fn of(ids: &[String], playbook_dirs: &[PathBuf], lang: Lang) -> Names {
        let playbooks = ids
            .iter()
            .filter_map(|id| catalog::resolve(id, playbook_dirs).ok())
            .map(|loaded| loaded.playbook)
            .collect();
        Names { playbooks, lang }
    }

    /// A level's label and its rank (lowest first), if a playbook knows it.
    fn level(&self, id: &str) -> (String, Option<usize>) {
        self.playbooks
            .iter()
            .find_map(|p| {
                p.levels
                    .iter()
                    .position(|l| l.id.value == id)
                    .map(|rank| (p.levels[rank].label.get(self.lang).to_owned(), Some(rank)))
            })
            .unwrap_or_else(|| (id.to_owned(), None))
    }

    fn grievance(&self, id: &str) -> String {
        self.playbooks
            .iter()
            .flat_map(|p| &p.grievance.catalogue)
            .find(|g| g.id.value == id)
            .map_or_else(|| id.to_owned(), |g| g.label.get(self.lang).to_owned())
    }

    fn remedy(&self, id: &str) -> String {
        self.playbooks
            .iter()
            .flat_map(|p| &p.remedies.catalogue)
            .find(|r| r.id.value == id)
            .map_or_else(|| id.to_owned(), |r| r.label.get(self.lang).to_owned())
    }
}

/// The stats as a reader sees them: labels, not ids.
pub struct Review {
    pub lang: Lang,
    pub words: &'static Words,
    pub cases: i64,
    pub counted: String,
    /// Level labels, lowest first: the legend of `months`.
    pub levels: Vec<String>,
    /// Each level's rank in its playbook (lowest 0), for its colour; an
    /// unknown level takes its place in the legend.
    pub level_ranks: Vec<usize>,
    /// (month, cases per level: an index into `levels`, and the count)
    pub months: Vec<(String, Vec<(usize, i64)>)>,
    pub grievances: Vec<(String, i64)>,
    pub remedies: Vec<(String, i64)>,
    /// (customer, cases, latest call for people)
    pub repeat: Vec<(String, i64, String)>,
    pub overdue: Vec<(String, i64)>,
    pub by: Option<Breakdown>,
}

impl Review {
    pub fn of(stats: &Stats, names: &Names, lang: Lang) -> Review {
        let words = words::of(lang);
        // The legend: every level counted, by rank (unknown ones last, as met).
        let mut levels: Vec<(Option<usize>, String, String)> = Vec::new();
        for (_, id, _) in &stats.levels_by_month {
            if !levels.iter().any(|(_, known, _)| known == id) {
                let (label, rank) = names.level(id);
                levels.push((rank, id.clone(), label));
            }
        }
        levels.sort_by_key(|(rank, _, _)| rank.unwrap_or(usize::MAX));
        let mut months: Vec<(String, Vec<(usize, i64)>)> = Vec::new();
        for (month, id, n) in &stats.levels_by_month {
            let index = levels.iter().position(|(_, l, _)| l == id).unwrap_or(0);
            match months.last_mut() {
                Some((m, counts)) if m == month => counts.push((index, *n)),
                _ => months.push((month.clone(), vec![(index, *n)])),
            }
        }
        for (_, counts) in &mut months {
            counts.sort_by_key(|(index, _)| *index);
        }
        let by = stats.by.clone().map(|mut b| {
            if b.by == By::Rep {
                for row in &mut b.rows {
                    row.key.get_or_insert_with(|| words.not_recorded.to_owned());
                }
            }
            b
        });
        Review {
            lang,
            words,
            cases: stats.cases,
            counted: (lang.labels().cases_counted)(stats.cases),
            level_ranks: levels
                .iter()
                .enumerate()
                .map(|(i, (rank, _, _))| rank.unwrap_or(i))
                .collect(),
            levels: levels.into_iter().map(|(_, _, label)| label).collect(),
            months,
            grievances: relabel(&stats.grievances, |id| names.grievance(id)),
            remedies: relabel(&stats.remedies, |id| names.remedy(id)),
            repeat: stats
                .repeat_customers
                .iter()
                .map(|(c, n, t)| (c.clone(), *n, human_time(t)))
                .collect(),
            overdue: stats.overdue_by_owner.clone(),
            by,
        }
    }

    fn by_header(&self, by: By) -> [&'static str; 5] {
        let w = self.words;
        let key = match by {
            By::Rep => w.rep,
            By::Owner => w.owner,
            By::Month => w.month,
        };
        [key, w.cases, w.open, w.overdue_col, w.done]
    }
}

/// Counts by label; two ids with one label (two playbooks' words for the
/// same thing) are one bar.
fn relabel(counts: &[(String, i64)], label: impl Fn(&str) -> String) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for (id, n) in counts {
        let label = label(id);
        match out.iter_mut().find(|(l, _)| *l == label) {
            Some((_, total)) => *total += n,
            None => out.push((label, *n)),
        }
    }
    out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    out
}

/// The terminal's pictures: a bar chart per section. A section with
/// nothing in it is left out, or says so in one line where its absence is
/// the news (nobody called twice, nothing overdue).
fn pictures(review: &Review, cols: usize, glyphs: Glyphs) -> String {
    let w = review.words;
    let mut out = format!("{}\n", review.counted);
    if review.cases == 0 {
        return out;
    }
    let mut section = |text: String| {
        out += "\n";
        out += &text;
    };
    if !review.months.is_empty() {
        let bars: Vec<Bar> = review
            .months
            .iter()
            .flat_map(|(month, counts)| {
                counts.iter().enumerate().map(move |(i, (level, n))| {
                    let month = match i {
                        0 => month.clone(),
                        _ => " ".repeat(month.chars().count()),
                    };
                    Bar::new(format!("{month}  {}", review.levels[*level]), *n)
                })
            })
            .collect();
        section(chart(w.levels_by_month, &bars, cols, glyphs));
    }
    let simple = |pairs: &[(String, i64)]| -> Vec<Bar> {
        pairs.iter().map(|(l, n)| Bar::new(l.clone(), *n)).collect()
    };
    if !review.grievances.is_empty() {
        section(chart(
            w.grievance_mix,
            &simple(&review.grievances),
            cols,
            glyphs,
        ));
    }
    if !review.remedies.is_empty() {
        section(chart(w.remedies, &simple(&review.remedies), cols, glyphs));
    }
    match review.repeat.is_empty() {
        true => section(format!("{}\n", w.no_repeat)),
        false => {
            let bars: Vec<Bar> = review
                .repeat
                .iter()
                .map(|(customer, n, latest)| Bar {
                    label: customer.clone(),
                    n: *n,
                    note: (w.latest)(latest),
                })
                .collect();
            section(chart(w.repeat_customers, &bars, cols, glyphs));
        }
    }
    match review.overdue.is_empty() {
        true => section(format!("{}\n", w.nothing_overdue)),
        false => section(chart(w.overdue, &simple(&review.overdue), cols, glyphs)),
    }
    out
}

/// Tables: the breakdown (`--by`), or every section (tsv), under the count
/// of cases (but in tsv, whose first line is a header). No table is printed
/// without rows.
fn tables(review: &Review, layout: Layout) -> String {
    let w = review.words;
    let l = review.lang.labels();
    let mut tables: Vec<String> = Vec::new();
    if let Some(breakdown) = &review.by {
        if !breakdown.rows.is_empty() {
            let rows = breakdown.rows.iter().map(|r| {
                vec![
                    r.key.clone().unwrap_or_default(),
                    r.cases.to_string(),
                    r.open.to_string(),
                    r.overdue.to_string(),
                    r.done.to_string(),
                ]
            });
            tables.push(table(layout, &review.by_header(breakdown.by), rows));
        }
    } else {
        let counts = |pairs: &[(String, i64)]| {
            pairs
                .iter()
                .map(|(k, n)| vec![k.clone(), n.to_string()])
                .collect::<Vec<_>>()
        };
        let months = review.months.iter().flat_map(|(month, counts)| {
            counts
                .iter()
                .map(|(level, n)| vec![month.clone(), review.levels[*level].clone(), n.to_string()])
        });
        let repeat = review
            .repeat
            .iter()
            .map(|(c, n, t)| vec![c.clone(), n.to_string(), t.clone()]);
        let sections = [
            (!review.grievances.is_empty())
                .then(|| table(layout, &[l.grievance, l.cases], counts(&review.grievances))),
            (!review.months.is_empty())
                .then(|| table(layout, &[l.month, l.level, l.cases], months)),
            (!review.remedies.is_empty())
                .then(|| table(layout, &[l.remedy, l.chosen], counts(&review.remedies))),
            (!review.repeat.is_empty())
                .then(|| table(layout, &[l.repeat_customer, l.cases, l.latest], repeat)),
            (!review.overdue.is_empty())
                .then(|| table(layout, &[w.owner, w.overdue_col], counts(&review.overdue))),
        ];
        tables.extend(sections.into_iter().flatten());
    }
    // Boxes keep tables apart; plain ones need a blank line between them.
    let gap = if matches!(layout, Layout::Boxed { .. }) {
        ""
    } else {
        "\n"
    };
    match (layout, tables.is_empty()) {
        (Layout::Tsv, _) => tables.join(gap),
        (_, true) => review.counted.clone() + "\n",
        (_, false) => review.counted.clone() + "\n\n" + &tables.join(gap),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_the_playbooks_labels_and_unknown_ones_stay_ids() {
        let ids = ["no-such-playbook".to_owned(), "general".to_owned()];
        let names = Names::of(&ids, &[], Lang::ZhTw);
        assert_eq!(names.grievance("perfunctory"), "態度敷衍");
        assert_eq!(names.level("concern").0, "要留意");
        assert_eq!(
            names.grievance("only_in_a_lost_playbook"),
            "only_in_a_lost_playbook"
        );
        assert_eq!(names.level("gone"), ("gone".to_owned(), None));
        let none = Names::of(&["no-such-playbook".to_owned()], &[], Lang::En);
        assert_eq!(none.remedy("boss_apology"), "boss_apology");
    }

    #[test]
    fn two_ids_with_one_label_are_one_bar() {
        let counts = [
            ("a".to_owned(), 1),
            ("b".to_owned(), 3),
            ("c".to_owned(), 2),
        ];
        let same = relabel(&counts, |id| match id {
            "c" => "B".to_owned(),
            other => other.to_uppercase(),
        });
        assert_eq!(same, [("B".to_owned(), 5), ("A".to_owned(), 1)]);
    }

    #[test]
    fn levels_are_ordered_by_rank_and_months_keep_that_order() {
        let stats = Stats {
            cases: 3,
            levels_by_month: vec![
                ("2026-10".into(), "fire".into(), 1),
                ("2026-11".into(), "concern".into(), 1),
                ("2026-11".into(), "mystery".into(), 1),
                ("2026-11".into(), "fire".into(), 1),
            ],
            playbooks: vec!["general".into()],
            ..Stats::default()
        };
        let names = Names::of(&stats.playbooks, &[], Lang::En);
        let review = Review::of(&stats, &names, Lang::En);
        assert_eq!(review.levels, ["Concern", "Fire", "mystery"]);
        assert_eq!(review.months[1].1, [(0, 1), (1, 1), (2, 1)]);
        assert_eq!(review.months[0].1, [(1, 1)]);
    }
}
