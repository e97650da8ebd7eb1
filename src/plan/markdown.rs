//! The plan as Markdown for people. Everything the rep typed goes through
//! `text::markdown_inline`, so a customer's words cannot add headings, links
//! or HTML. Playbook text is the team lead's and may use Markdown.

use std::fmt::Write;

use super::Plan;
use crate::text::{for_terminal, markdown_inline as user};

/// `2026-11-23T14:00:00+08:00` → `2026-11-23 14:00 +08:00`.
pub fn human_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
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

fn write_plan(md: &mut String, plan: &Plan) -> std::fmt::Result {
    let case = &plan.case;
    let a = &plan.assessment;
    let pb = |t: &str| for_terminal(t);
    writeln!(md, "# Action plan: {}", user(&case.customer))?;
    writeln!(md)?;
    writeln!(md, "| Case | {} |", user(&case.id))?;
    writeln!(md, "|---|---|")?;
    writeln!(md, "| Customer | {} |", or_dash(&case.customer))?;
    writeln!(md, "| Contact | {} |", or_dash(&case.contact))?;
    writeln!(md, "| Role | {} |", or_dash(&case.role))?;
    writeln!(md, "| Time | {} |", human_time(&case.time))?;
    writeln!(
        md,
        "| Playbook | {} `{}` v{} |",
        pb(&case.playbook.title),
        pb(&case.playbook.id),
        pb(&case.playbook.version)
    )?;
    writeln!(md)?;

    writeln!(md, "## 1. Assessment")?;
    writeln!(md)?;
    writeln!(
        md,
        "- **Level: {}** — {}",
        pb(&a.level.label),
        pb(&a.level.definition)
    )?;
    writeln!(md, "  - Response force: {}", pb(&a.level.advice))?;
    writeln!(
        md,
        "- **Authority: {}** — {}",
        pb(&a.authority.label),
        pb(&a.authority.definition)
    )?;
    writeln!(md, "  - Stance: {}", pb(&a.authority.advice))?;
    let flags: Vec<String> = a
        .flags
        .iter()
        .map(|f| format!("{} (`{}`)", pb(&f.label), f.id))
        .collect();
    writeln!(
        md,
        "- Flags: {}",
        if flags.is_empty() {
            "none".to_owned()
        } else {
            flags.join(", ")
        }
    )?;
    let scores: Vec<String> = a.scores.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(md, "- Scores: {}", scores.join(", "))?;
    writeln!(md)?;
    writeln!(md, "Why:")?;
    writeln!(md)?;
    for reason in &a.reasons {
        writeln!(md, "- {}", pb(&reason.text))?;
    }
    writeln!(md)?;

    writeln!(md, "## 2. The real grievance")?;
    writeln!(md)?;
    for g in &plan.grievances {
        write!(md, "- **{}**", pb(&g.label))?;
        if !g.guidance.is_empty() {
            write!(md, " — {}", pb(&g.guidance))?;
        }
        writeln!(md)?;
    }
    if !plan.customer_words.is_empty() {
        writeln!(md)?;
        writeln!(md, "In their words: “{}”", user(&plan.customer_words))?;
    }
    writeln!(md)?;

    writeln!(md, "## 3. Remedies")?;
    writeln!(md)?;
    if plan.remedies.is_empty() {
        writeln!(md, "No remedy chosen: listen, acknowledge, and follow up.")?;
        writeln!(md)?;
    }
    for (i, r) in plan.remedies.iter().enumerate() {
        writeln!(md, "### 3.{} {} (`{}`)", i + 1, pb(&r.label), r.kind)?;
        writeln!(md)?;
        writeln!(md, "- **Action:** {}", pb(&r.action))?;
        writeln!(md, "- **Owner:** {}", user(&r.owner))?;
        writeln!(
            md,
            "- **Due:** {} (within {})",
            human_time(&r.due),
            r.due_in
        )?;
        writeln!(
            md,
            "- **Why:** {}",
            r.why.iter().map(|w| pb(w)).collect::<Vec<_>>().join(" ")
        )?;
        if !r.talking_points.is_empty() {
            writeln!(md, "- **Talking points:**")?;
            for point in &r.talking_points {
                writeln!(md, "  - {}", pb(point))?;
            }
        }
        if let Some(template) = &r.template {
            writeln!(md)?;
            writeln!(md, "Draft:")?;
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

    writeln!(md, "## Follow-ups")?;
    writeln!(md)?;
    if plan.followups.is_empty() {
        writeln!(md, "None scheduled.")?;
    } else {
        writeln!(md, "| When | After | Owner | Action |")?;
        writeln!(md, "|---|---|---|---|")?;
        for f in &plan.followups {
            writeln!(
                md,
                "| {} | {} | {} | {} |",
                human_time(&f.due),
                f.after,
                pb(&f.owner).replace('|', "\\|"),
                pb(&f.action).replace('|', "\\|")
            )?;
        }
    }
    writeln!(md)?;

    let rec = &plan.record;
    writeln!(md, "## Complaint record")?;
    writeln!(md)?;
    writeln!(md, "| Field | Value |")?;
    writeln!(md, "|---|---|")?;
    writeln!(md, "| Remedy sought | {} |", or_dash(&rec.remedy_sought))?;
    writeln!(md, "| Customer impact | {} |", or_dash(&rec.impact))?;
    writeln!(md, "| Customer loss | {} |", or_dash(&rec.customer_loss))?;
    writeln!(md, "| Our owner | {} |", or_dash(&rec.our_owner))?;
    writeln!(md, "| Complaint kind | {} |", rec.complaint_kind.label)?;
    writeln!(md, "| Crisis type | {} |", rec.crisis.label)?;
    writeln!(md, "| At stake | {} |", rec.at_stake.label)?;
    writeln!(md)?;

    if !plan.donts.is_empty() {
        writeln!(md, "## Don'ts")?;
        writeln!(md)?;
        for d in &plan.donts {
            writeln!(md, "- (step {}) {}", d.step.number(), pb(&d.text))?;
        }
        writeln!(md)?;
    }
    Ok(())
}
