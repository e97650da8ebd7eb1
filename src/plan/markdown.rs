//! The plan as Markdown for people. Everything the rep typed goes through
//! `text::markdown_inline`, so a customer's words cannot add headings, links
//! or HTML. Playbook text is the team lead's and may use Markdown.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::{Counted, Plan};
use crate::i18n::Labels;
use crate::text::{for_terminal, markdown_inline as user};

/// `2026-11-23T14:00:00+08:00` → `2026-11-23 14:00 +08:00`.
pub fn human_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// `4h` in working time → "4 working hours"; a delay that is not one of
/// ours is shown as written.
fn working(l: &Labels, delay: &str) -> String {
    let Some(unit) = delay.chars().last() else {
        return delay.to_owned();
    };
    match delay[..delay.len() - unit.len_utf8()].parse::<i64>() {
        Ok(n) if matches!(unit, 'm' | 'h' | 'd' | 'w') => (l.working_delay)(n, unit),
        _ => delay.to_owned(),
    }
}

/// The delay as the plan words it: as written, or in working time, or
/// marked as clock time when working hours apply but not to it.
fn delay(l: &Labels, delay: &str, counted: Option<Counted>) -> String {
    match counted {
        None => delay.to_owned(),
        Some(Counted::WorkingTime) => working(l, delay),
        Some(Counted::Clock) => (l.clock_delay)(delay),
    }
}

/// An owner role, with the person behind it when the config names one.
fn owner(l: &Labels, role: String, name: Option<&str>) -> String {
    match name {
        Some(name) => (l.owner_named)(&role, &user(name)),
        None => role,
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        user(text)
    }
}

pub fn render(plan: &Plan) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write_plan(&mut md, plan);
    md
}

/// A Markdown table whose columns line up in a plain-text viewer too:
/// cells are padded to the same display width (a CJK character takes two
/// columns). Cells come already escaped: the rep's text by `user`, playbook
/// text by `cell`.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width().max(3)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.width())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let mut out = line(&header);
    out += &format!("|-{}-|\n", rule.join("-|-"));
    for row in rows {
        out += &line(row);
    }
    out
}

fn write_plan(md: &mut String, plan: &Plan) -> std::fmt::Result {
    let case = &plan.case;
    let a = &plan.assessment;
    let l = plan.lang.labels();
    let pb = |t: &str| for_terminal(t);
    // Playbook text may use Markdown, but a `|` in a table cell ends the cell.
    let cell = |t: &str| pb(t).replace('|', "\\|");
    writeln!(md, "# {}", (l.plan_title)(&user(&case.customer)))?;
    writeln!(md)?;
    let playbook = format!(
        "{} `{}` v{}",
        cell(&case.playbook.title),
        cell(&case.playbook.id),
        cell(&case.playbook.version)
    );
    let mut rows = vec![
        vec![l.customer.into(), or_dash(&case.customer)],
        vec![l.contact.into(), or_dash(&case.contact)],
        vec![l.role.into(), or_dash(&case.role)],
    ];
    // The playbook's own fields belong with who called.
    rows.extend(
        case.fields
            .iter()
            .map(|f| vec![cell(&f.label), or_dash(&f.value)]),
    );
    rows.push(vec![l.time.into(), human_time(&case.time)]);
    rows.push(vec![l.playbook.into(), playbook]);
    if let Some(hours) = &plan.working_hours {
        let mut shown = format!("{} {}", hours.days, hours.hours);
        if let Some(zone) = &hours.time_zone {
            shown += &format!(" {zone}");
        }
        rows.push(vec![l.working_hours.into(), shown]);
    }
    let case_table = table(&[l.case, &user(&case.id)], &rows);
    writeln!(md, "{case_table}")?;

    writeln!(md, "## {}", l.section_assessment)?;
    writeln!(md)?;
    // The why, in words, before the details.
    for sentence in &a.in_words {
        writeln!(md, "{}", pb(sentence))?;
        writeln!(md)?;
    }
    // The level may be low for want of the team's history: say so where
    // the level is read.
    if let Some(why) = &plan.team_history_unavailable {
        writeln!(md, "> {}", user(&(l.team_history_unavailable)(why)))?;
        writeln!(md)?;
    }
    writeln!(
        md,
        "- **{}{}{}** — {}",
        l.level,
        l.colon,
        pb(&a.level.label),
        pb(&a.level.definition)
    )?;
    writeln!(
        md,
        "  - {}{}{}",
        l.response_force,
        l.colon,
        pb(&a.level.advice)
    )?;
    writeln!(
        md,
        "- **{}{}{}** — {}",
        l.authority,
        l.colon,
        pb(&a.authority.label),
        pb(&a.authority.definition)
    )?;
    writeln!(md, "  - {}{}{}", l.stance, l.colon, pb(&a.authority.advice))?;
    let flags: Vec<String> = a
        .flags
        .iter()
        .map(|f| format!("{} (`{}`)", pb(&f.label), f.id))
        .collect();
    writeln!(
        md,
        "- {}{}{}",
        l.flags,
        l.colon,
        if flags.is_empty() {
            l.none.to_owned()
        } else {
            flags.join(l.list_sep)
        }
    )?;
    let scores: Vec<String> = a.scores.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(md, "- {}{}{}", l.scores, l.colon, scores.join(", "))?;
    for unsure in &a.unsure {
        writeln!(md, "- {}", pb(&unsure.text))?;
    }
    writeln!(md)?;
    writeln!(md, "{}{}", l.why, l.colon.trim_end())?;
    writeln!(md)?;
    for reason in &a.reasons {
        writeln!(md, "- {}", pb(&reason.text))?;
    }
    writeln!(md)?;

    writeln!(md, "## {}", l.section_grievance)?;
    writeln!(md)?;
    if plan.none_clear {
        writeln!(md, "{}", l.none_clear_plan)?;
    }
    for g in &plan.grievances {
        write!(md, "- **{}**", pb(&g.label))?;
        if !g.guidance.is_empty() {
            write!(md, " — {}", pb(&g.guidance))?;
        }
        writeln!(md)?;
    }
    if !plan.customer_words.is_empty() {
        writeln!(md)?;
        writeln!(md, "{}", (l.in_their_words)(&user(&plan.customer_words)))?;
    }
    writeln!(md)?;

    writeln!(md, "## {}", l.section_remedies)?;
    writeln!(md)?;
    if plan.remedies.is_empty() {
        writeln!(md, "{}", l.no_remedy)?;
        writeln!(md)?;
    }
    for (i, r) in plan.remedies.iter().enumerate() {
        writeln!(md, "### 3.{} {} (`{}`)", i + 1, pb(&r.label), r.kind)?;
        writeln!(md)?;
        let colon = l.colon.trim_end();
        writeln!(md, "- **{}{colon}** {}", l.action, pb(&r.action))?;
        writeln!(
            md,
            "- **{}{colon}** {}",
            l.owner,
            owner(l, user(&r.owner), r.owner_name.as_deref())
        )?;
        let due = match r.due_counted {
            None => (l.due_within)(&human_time(&r.due), &r.due_in),
            Some(Counted::WorkingTime) => {
                (l.due_within)(&human_time(&r.due), &working(l, &r.due_in))
            }
            Some(Counted::Clock) => (l.due_within_clock)(&human_time(&r.due), &r.due_in),
        };
        writeln!(md, "- **{}{colon}** {due}", l.due)?;
        writeln!(
            md,
            "- **{}{colon}** {}",
            l.why,
            r.why
                .iter()
                .map(|w| pb(w))
                .collect::<Vec<_>>()
                .join(l.sentence_gap)
        )?;
        if !r.talking_points.is_empty() {
            writeln!(md, "- **{}{colon}**", l.talking_points)?;
            for point in &r.talking_points {
                writeln!(md, "  - {}", pb(point))?;
            }
        }
        if let Some(template) = &r.template {
            writeln!(md)?;
            writeln!(md, "{}", l.draft)?;
            writeln!(md)?;
            // A fenced block keeps the draft verbatim; the fence is longer
            // than any backtick run inside, so customer text cannot close it.
            let longest = template
                .split(|c| c != '`')
                .map(str::len)
                .max()
                .unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            writeln!(
                md,
                "{fence}text\n{}\n{fence}",
                for_terminal(template.trim_end())
            )?;
        }
        writeln!(md)?;
    }

    writeln!(md, "## {}", l.section_followups)?;
    writeln!(md)?;
    if plan.followups.is_empty() {
        writeln!(md, "{}", l.no_followups)?;
    } else {
        let rows: Vec<Vec<String>> = plan
            .followups
            .iter()
            .map(|f| {
                vec![
                    human_time(&f.due),
                    delay(l, &f.after, f.due_counted),
                    owner(l, cell(&f.owner), f.owner_name.as_deref()),
                    cell(&f.action),
                ]
            })
            .collect();
        write!(
            md,
            "{}",
            table(&[l.when, l.after, l.owner, l.action], &rows)
        )?;
    }
    writeln!(md)?;

    let rec = &plan.record;
    writeln!(md, "## {}", l.stage_record)?;
    writeln!(md)?;
    let record = table(
        &[l.field, l.value],
        &[
            vec![l.remedy_sought.into(), or_dash(&rec.remedy_sought)],
            vec![l.customer_impact.into(), or_dash(&rec.impact)],
            vec![l.customer_loss.into(), or_dash(&rec.customer_loss)],
            vec![l.our_owner.into(), or_dash(&rec.our_owner)],
            vec![l.complaint_kind.into(), rec.complaint_kind.label.clone()],
            vec![l.crisis_type.into(), rec.crisis.label.clone()],
            vec![l.at_stake.into(), rec.at_stake.label.clone()],
        ],
    );
    writeln!(md, "{record}")?;

    if !plan.donts.is_empty() {
        writeln!(md, "## {}", l.section_donts)?;
        writeln!(md)?;
        for d in &plan.donts {
            writeln!(md, "- {}{}", (l.at_step)(d.step.number()), pb(&d.text))?;
        }
        writeln!(md)?;
    }
    Ok(())
}
