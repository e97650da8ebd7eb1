//! Scenario coverage: which parts of a playbook its scenarios exercise —
//! levels and authorities reached, remedies proposed, follow-ups scheduled,
//! history rules fired, `when:` variants of wordings shown and conditional
//! don'ts shown — counted from the engine's outcomes, never from plan text.
//! A team lead sees a remedy no scenario proposes before a customer does.

use serde::Serialize;

use crate::playbook::Playbook;
use crate::playbook::wording::Wording;
use crate::triage::assess::Reason;
use crate::triage::session::Outcome;

/// What a playbook part is, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Levels,
    Authorities,
    Remedies,
    Followups,
    HistoryRules,
    Wordings,
    Donts,
}

impl Category {
    const ALL: [Category; 7] = [
        Category::Levels,
        Category::Authorities,
        Category::Remedies,
        Category::Followups,
        Category::HistoryRules,
        Category::Wordings,
        Category::Donts,
    ];

    /// The row label in the readable report.
    pub fn label(self) -> &'static str {
        match self {
            Category::Levels => "levels",
            Category::Authorities => "authorities",
            Category::Remedies => "remedies",
            Category::Followups => "follow-ups",
            Category::HistoryRules => "history rules",
            Category::Wordings => "wording variants",
            Category::Donts => "conditional don'ts",
        }
    }

    /// What "exercised" means for this category, for the never-list.
    pub fn never(self) -> &'static str {
        match self {
            Category::Levels | Category::Authorities => "never reached",
            Category::Remedies => "never proposed",
            Category::Followups => "never scheduled",
            Category::HistoryRules => "never fired",
            Category::Wordings | Category::Donts => "never shown",
        }
    }
}

/// One part of the playbook and how many scenarios exercised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub category: Category,
    pub exercised: usize,
    pub total: usize,
    pub items: Vec<Item>,
}

/// The coverage of one playbook by the scenarios run against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub playbook: String,
    pub version: String,
    /// Scenarios whose answers completed a triage (and so were counted).
    pub scenarios: usize,
    pub groups: Vec<Group>,
}

/// A wording's variants as coverage items: `levels.fire.definition[1]`
/// (`[n]` only when there are several). Plain text is not a branch.
fn wording_ids(path: &str, w: &Wording) -> Vec<String> {
    if !w.is_conditional() {
        return Vec::new();
    }
    match w.variants().len() {
        1 => vec![path.to_owned()],
        n => (0..n).map(|i| format!("{path}[{i}]")).collect(),
    }
}

/// The wording shown, as the item id [`wording_ids`] gave it.
fn wording_shown(path: &str, w: &Wording, facts: &crate::playbook::Facts) -> Option<String> {
    if !w.is_conditional() {
        return None;
    }
    let i = w.pick_index(facts)?;
    Some(match w.variants().len() {
        1 => path.to_owned(),
        _ => format!("{path}[{i}]"),
    })
}

/// Every wording of the playbook with its path, in file order.
fn wordings(pb: &Playbook) -> Vec<(String, &Wording)> {
    let mut out = Vec::new();
    for l in &pb.levels {
        let id = &l.id.value;
        out.push((format!("levels.{id}.definition"), &l.definition));
        out.push((format!("levels.{id}.response_force"), &l.response_force));
    }
    for r in &pb.authority {
        let id = &r.id.value;
        out.push((format!("authority.{id}.definition"), &r.definition));
        out.push((format!("authority.{id}.stance"), &r.stance));
    }
    for r in &pb.remedies.catalogue {
        out.extend(remedy_wordings(r));
    }
    for f in &pb.followups {
        out.extend(followup_wordings(f));
    }
    out
}

fn remedy_wordings(r: &crate::playbook::model::Remedy) -> Vec<(String, &Wording)> {
    let id = &r.id.value;
    let mut out = vec![
        (format!("remedies.{id}.action"), &r.action),
        (format!("remedies.{id}.why"), &r.why),
    ];
    for (i, t) in r.talking_points.iter().enumerate() {
        out.push((format!("remedies.{id}.talking_points[{i}]"), t));
    }
    if let Some(t) = &r.template {
        out.push((format!("remedies.{id}.template"), t));
    }
    out
}

fn followup_wordings(f: &crate::playbook::model::Followup) -> Vec<(String, &Wording)> {
    let id = &f.id.value;
    vec![
        (format!("followups.{id}.action"), &f.action),
        (format!("followups.{id}.why"), &f.why),
    ]
}

impl Coverage {
    /// Nothing exercised yet: every part of `pb` listed with a count of 0.
    pub fn new(pb: &Playbook) -> Self {
        let ids = |category| -> Vec<String> {
            match category {
                Category::Levels => pb.levels.iter().map(|l| l.id.value.clone()).collect(),
                Category::Authorities => pb.authority.iter().map(|r| r.id.value.clone()).collect(),
                Category::Remedies => pb
                    .remedies
                    .catalogue
                    .iter()
                    .map(|r| r.id.value.clone())
                    .collect(),
                Category::Followups => pb.followups.iter().map(|f| f.id.value.clone()).collect(),
                Category::HistoryRules => pb.history.iter().map(|h| h.id.value.clone()).collect(),
                Category::Wordings => wordings(pb)
                    .iter()
                    .flat_map(|(path, w)| wording_ids(path, w))
                    .collect(),
                Category::Donts => pb
                    .donts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.when.is_some())
                    .map(|(i, _)| format!("donts[{i}]"))
                    .collect(),
            }
        };
        Coverage {
            playbook: pb.id.value.clone(),
            version: pb.version.clone(),
            scenarios: 0,
            groups: Category::ALL
                .iter()
                .map(|&category| {
                    let items: Vec<Item> = ids(category)
                        .into_iter()
                        .map(|id| Item { id, count: 0 })
                        .collect();
                    Group {
                        category,
                        exercised: 0,
                        total: items.len(),
                        items,
                    }
                })
                .collect(),
        }
    }

    /// Counts what one scenario's outcome exercised. `pb` must be the
    /// playbook this coverage was made for.
    pub fn record(&mut self, pb: &Playbook, outcome: &Outcome) {
        self.scenarios += 1;
        let facts = outcome.facts(pb);
        let a = &outcome.assessment;
        let mut hit: Vec<(Category, String)> = vec![
            (Category::Levels, pb.levels[a.level].id.value.clone()),
            (
                Category::Authorities,
                pb.authority[a.authority].id.value.clone(),
            ),
        ];
        hit.extend(
            outcome
                .proposals
                .iter()
                .map(|p| (Category::Remedies, p.remedy.clone())),
        );
        hit.extend(
            outcome
                .followups
                .iter()
                .map(|f| (Category::Followups, f.clone())),
        );
        hit.extend(a.reasons.iter().filter_map(|r| match r {
            Reason::History { rule, .. } => Some((Category::HistoryRules, rule.clone())),
            _ => None,
        }));
        // The wordings the plan shows: those of the level, the authority,
        // each remedy in the plan and each follow-up scheduled.
        let level = &pb.levels[a.level];
        let rung = &pb.authority[a.authority];
        let mut shown = vec![
            (
                format!("levels.{}.definition", level.id.value),
                &level.definition,
            ),
            (
                format!("levels.{}.response_force", level.id.value),
                &level.response_force,
            ),
            (
                format!("authority.{}.definition", rung.id.value),
                &rung.definition,
            ),
            (format!("authority.{}.stance", rung.id.value), &rung.stance),
        ];
        for chosen in &outcome.remedies {
            shown.extend(
                pb.remedy(&chosen.remedy)
                    .map(remedy_wordings)
                    .unwrap_or_default(),
            );
        }
        for f in pb
            .followups
            .iter()
            .filter(|f| outcome.followups.contains(&f.id.value))
        {
            shown.extend(followup_wordings(f));
        }
        hit.extend(
            shown
                .iter()
                .filter_map(|(path, w)| wording_shown(path, w, &facts))
                .map(|id| (Category::Wordings, id)),
        );
        hit.extend(
            pb.donts
                .iter()
                .enumerate()
                .filter(|(_, d)| d.when.as_ref().is_some_and(|w| w.eval(&facts)))
                .map(|(i, _)| (Category::Donts, format!("donts[{i}]"))),
        );
        for (category, id) in hit {
            let Some(group) = self.groups.iter_mut().find(|g| g.category == category) else {
                continue;
            };
            if let Some(item) = group.items.iter_mut().find(|i| i.id == id) {
                if item.count == 0 {
                    group.exercised += 1;
                }
                item.count += 1;
            }
        }
    }

    /// The remedies no scenario proposed.
    pub fn never_proposed(&self) -> Vec<&str> {
        self.never(Category::Remedies)
    }

    /// The items of a category no scenario exercised, in playbook order.
    pub fn never(&self, category: Category) -> Vec<&str> {
        self.groups
            .iter()
            .filter(|g| g.category == category)
            .flat_map(|g| &g.items)
            .filter(|i| i.count == 0)
            .map(|i| i.id.as_str())
            .collect()
    }

    /// The readable summary: one row per category with counts, then what
    /// was never exercised, one line per category.
    pub fn render(&self) -> String {
        let plural = if self.scenarios == 1 { "" } else { "s" };
        let mut out = format!(
            "coverage of {} v{} by {} scenario{plural}:\n",
            self.playbook, self.version, self.scenarios
        );
        for g in &self.groups {
            let percent = (g.exercised * 100).checked_div(g.total).unwrap_or(100);
            out.push_str(&format!(
                "  {:<18} {:>3}/{:<3} {percent:>3}%\n",
                g.category.label(),
                g.exercised,
                g.total
            ));
        }
        for g in &self.groups {
            let never = self.never(g.category);
            if !never.is_empty() {
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    g.category.label(),
                    g.category.never(),
                    never.join(", ")
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::load_str;
    use crate::prompt::script::ScriptPrompter;
    use crate::triage::drive;
    use crate::triage::history::PastCase;
    use crate::triage::session::Session;

    const GENERAL: &str = include_str!("../playbooks/general.yaml");
    const VENTING: &str = include_str!("../examples/general-venting.answers.yaml");

    fn earlier(day: u32, epoch: i64) -> PastCase {
        PastCase {
            case_id: format!("202611{day:02}-0900-nordlicht"),
            time: format!("2026-11-{day:02}T09:00:00+01:00"),
            epoch,
            level: "concern".into(),
            grievances: vec!["venting".into()],
            crisis: "product".into(),
            stored_by: None,
        }
    }

    #[test]
    fn history_rules_count_when_the_engine_says_they_fired() {
        let pb = load_str("general.yaml", GENERAL).expect("loads");
        let mut coverage = Coverage::new(&pb);
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:15:00+01:00")
            .expect("time")
            .timestamp();
        let history = vec![
            earlier(10, now - 14 * 86_400),
            earlier(3, now - 21 * 86_400),
        ];
        for past in [Vec::new(), history] {
            let mut prompter = ScriptPrompter::new("v.yaml", VENTING, &pb).expect("answers");
            let mut session = Session::new(&pb).with_history(&past, now);
            let outcome = drive(&mut session, &mut prompter, |_| {}).expect("completes");
            coverage.record(&pb, &outcome);
        }
        assert_eq!(coverage.scenarios, 2);
        let rules = &coverage.groups[4];
        assert_eq!(rules.category, Category::HistoryRules);
        assert_eq!(
            rules.items,
            [
                Item {
                    id: "repeat_customer".into(),
                    count: 1
                },
                Item {
                    id: "second_boss_crisis".into(),
                    count: 0
                },
            ]
        );
        assert_eq!(rules.exercised, 1);
        assert_eq!(
            coverage.never(Category::HistoryRules),
            ["second_boss_crisis"]
        );
    }
}
