//! The action plan: what a finished triage turns into. `compose` is pure
//! (the call time is passed in); `markdown` renders it for people and
//! `serde_json` for machines. The JSON shape is pinned by `tests/`.

mod in_words;
pub mod markdown;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::i18n::Lang;
use crate::playbook::template;
use crate::playbook::vocab::Vocabulary;
use crate::playbook::{Playbook, Step};
use crate::text::slug;
use crate::triage::Fingerprint;
use crate::triage::assess::Reason;
use crate::triage::session::Outcome;

/// Bumped when the JSON shape changes incompatibly.
pub const PLAN_SCHEMA: &str = "defuse.plan/v1";

#[derive(Debug, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    /// The language the plan's text is in; ids and decisions never depend on it.
    pub lang: Lang,
    pub case: Case,
    pub assessment: AssessmentOut,
    pub grievances: Vec<GrievanceOut>,
    pub customer_words: String,
    pub remedies: Vec<RemedyOut>,
    pub followups: Vec<FollowupOut>,
    pub record: Record,
    pub donts: Vec<DontOut>,
}

#[derive(Debug, Serialize)]
pub struct Case {
    pub id: String,
    pub customer: String,
    pub contact: String,
    pub role: String,
    /// RFC 3339, with the rep's UTC offset.
    pub time: String,
    pub playbook: PlaybookRef,
}

#[derive(Debug, Serialize)]
pub struct PlaybookRef {
    pub id: String,
    pub title: String,
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct RungOut {
    pub id: String,
    pub label: String,
    pub definition: String,
    /// The response force (level) or stance (authority).
    pub advice: String,
}

#[derive(Debug, Serialize)]
pub struct Labeled {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct ReasonOut {
    #[serde(flatten)]
    pub reason: Reason,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct AssessmentOut {
    /// One plain sentence per judgement (level, then authority), built from
    /// the reasons and the playbook's labels.
    pub in_words: Vec<String>,
    pub level: RungOut,
    pub authority: RungOut,
    pub scores: BTreeMap<String, i64>,
    pub flags: Vec<Labeled>,
    pub reasons: Vec<ReasonOut>,
}

#[derive(Debug, Serialize)]
pub struct GrievanceOut {
    pub id: String,
    pub label: String,
    pub guidance: String,
}

#[derive(Debug, Serialize)]
pub struct RemedyOut {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub action: String,
    pub owner: String,
    /// Absolute due time, RFC 3339.
    pub due: String,
    /// The delay after the call it was computed from, e.g. `4h`.
    pub due_in: String,
    pub talking_points: Vec<String>,
    /// Why this remedy is in the plan: the playbook's rationale and the rule
    /// that proposed it, or that the rep added it.
    pub why: Vec<String>,
    pub proposed: bool,
    pub template: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FollowupOut {
    pub id: String,
    pub due: String,
    pub after: String,
    pub action: String,
    pub owner: String,
    pub why: String,
}

/// The complaint record (seed 004): what a team lead reviews later.
#[derive(Debug, Serialize)]
pub struct Record {
    pub remedy_sought: String,
    pub impact: String,
    pub our_owner: String,
    pub customer_loss: String,
    pub complaint_kind: Labeled,
    pub crisis: Labeled,
    pub at_stake: Labeled,
}

#[derive(Debug, Serialize)]
pub struct DontOut {
    pub step: Step,
    pub text: String,
}

/// The case id: call time and customer, readable, then the start of the
/// call's fingerprint, so two calls almost never share an id (the archive
/// refuses the rare clash) while a replay of the same call keeps it.
pub fn case_id(now: &DateTime<FixedOffset>, customer: &str, call: &Fingerprint) -> String {
    format!(
        "{}-{}-{}",
        now.format("%Y%m%d-%H%M"),
        slug(customer),
        call.short()
    )
}

/// A time as the plan and the answers files write it: RFC 3339, whole seconds.
pub fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A time inside a text for people (a template's `{{due}}`): weekday, day,
/// month and clock time with the offset, in the plan's language, never raw
/// RFC 3339. The year is written only when it is not the call's.
pub fn for_people(t: DateTime<FixedOffset>, call: DateTime<FixedOffset>, lang: Lang) -> String {
    use chrono::Datelike;
    let weekday = t.weekday().num_days_from_monday() as usize;
    let clock = t.format("%H:%M");
    let offset = t.format("%:z");
    let other_year = t.year() != call.year();
    match lang {
        Lang::En => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let year = if other_year {
                t.format(" %Y").to_string()
            } else {
                String::new()
            };
            format!(
                "{} {}{year}, {clock} ({offset})",
                DAYS[weekday],
                t.format("%-d %b")
            )
        }
        Lang::ZhTw | Lang::ZhCn => {
            let days: [&str; 7] = if lang == Lang::ZhTw {
                ["週一", "週二", "週三", "週四", "週五", "週六", "週日"]
            } else {
                ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
            };
            let year = if other_year {
                format!("{}年", t.year())
            } else {
                String::new()
            };
            format!(
                "{year}{}月{}日（{}）{clock}（{offset}）",
                t.month(),
                t.day(),
                days[weekday]
            )
        }
    }
}

/// Turns a finished session into a plan; `call` names the call (see
/// [`Fingerprint`]) and ends the case id.
pub fn compose(
    pb: &Playbook,
    outcome: &Outcome,
    now: DateTime<FixedOffset>,
    call: &Fingerprint,
) -> Plan {
    let a = &outcome.assessment;
    let g = &outcome.grievances;
    let lang = outcome.lang;
    let l = lang.labels();
    let id = case_id(&now, &outcome.customer, call);
    let level = &pb.levels[a.level];
    let authority = &pb.authority[a.authority];
    // Every wording is chosen by the whole case, so no sentence contradicts it.
    let facts = outcome.facts(pb);
    let grievances: Vec<GrievanceOut> = g
        .picked
        .iter()
        .filter_map(|gid| pb.grievance(gid))
        .map(|gr| GrievanceOut {
            id: gr.id.value.clone(),
            label: gr.label.text(lang),
            guidance: gr.guidance.text(lang),
        })
        .collect();
    let grievance_labels = grievances
        .iter()
        .map(|g| g.label.as_str())
        .collect::<Vec<_>>()
        .join(l.list_sep);

    let mut values: BTreeMap<&str, String> = BTreeMap::from([
        ("customer", outcome.customer.clone()),
        ("contact", outcome.contact.clone()),
        ("role", outcome.role.clone()),
        ("case_id", id.clone()),
        ("date", now.format("%Y-%m-%d").to_string()),
        ("level", level.label.text(lang)),
        ("grievances", grievance_labels),
        ("customer_words", g.words.clone()),
    ]);
    for (key, value) in &outcome.record {
        values.insert(key, value.clone());
    }

    let remedies = outcome
        .remedies
        .iter()
        .filter_map(|chosen| {
            let r = pb.remedy(&chosen.remedy)?;
            let due_at = now + chosen.due.as_chrono();
            let due = rfc3339(due_at);
            let mut why = Vec::new();
            let rationale = r.why.text(lang, &facts);
            if !rationale.is_empty() {
                why.push(rationale);
            }
            why.push(match &chosen.proposed_by {
                Some(rule) => (l.proposed_because)(rule),
                None => l.added_by_rep.to_owned(),
            });
            let template = r.template.as_ref().and_then(|t| {
                let mut values = values.clone();
                values.insert("owner", chosen.owner.clone());
                values.insert("due", for_people(due_at, now, lang));
                Some(template::fill(t.pick(&facts)?.get(lang), &values))
            });
            Some(RemedyOut {
                id: r.id.value.clone(),
                kind: r.kind.value.clone(),
                label: r.label.text(lang),
                action: r.action.text(lang, &facts),
                owner: chosen.owner.clone(),
                due,
                due_in: chosen.due.to_string(),
                talking_points: r
                    .talking_points
                    .iter()
                    .map(|t| t.text(lang, &facts))
                    .filter(|t| !t.is_empty())
                    .collect(),
                why,
                proposed: chosen.proposed_by.is_some(),
                template,
            })
        })
        .collect();

    let followups = pb
        .followups
        .iter()
        .filter(|f| outcome.followups.contains(&f.id.value))
        .map(|f| FollowupOut {
            id: f.id.value.clone(),
            due: rfc3339(now + f.after.value.as_chrono()),
            after: f.after.value.to_string(),
            action: f.action.text(lang, &facts),
            owner: f.owner.text(lang),
            why: f.why.text(lang, &facts),
        })
        .collect();

    let labeled = |key: &str, label: &str| Labeled {
        id: key.to_owned(),
        label: label.to_owned(),
    };
    let record_field = |key: &str| outcome.record.get(key).cloned().unwrap_or_default();
    Plan {
        schema: PLAN_SCHEMA,
        lang,
        case: Case {
            id,
            customer: outcome.customer.clone(),
            contact: outcome.contact.clone(),
            role: outcome.role.clone(),
            time: rfc3339(now),
            playbook: PlaybookRef {
                id: pb.id.value.clone(),
                title: pb.title.text(lang),
                version: pb.version.clone(),
            },
        },
        assessment: AssessmentOut {
            in_words: in_words::sentences(pb, outcome, lang),
            level: RungOut {
                id: level.id.value.clone(),
                label: level.label.text(lang),
                definition: level.definition.text(lang, &facts),
                advice: level.response_force.text(lang, &facts),
            },
            authority: RungOut {
                id: authority.id.value.clone(),
                label: authority.label.text(lang),
                definition: authority.definition.text(lang, &facts),
                advice: authority.stance.text(lang, &facts),
            },
            scores: a.scores.clone(),
            flags: pb
                .flags
                .iter()
                .filter(|f| a.flags.contains(&f.id.value))
                .map(|f| labeled(&f.id.value, f.label.get(lang)))
                .collect(),
            reasons: a
                .reasons
                .iter()
                .map(|r| ReasonOut {
                    text: r.describe(lang),
                    reason: r.clone(),
                })
                .collect(),
        },
        grievances,
        customer_words: g.words.clone(),
        remedies,
        followups,
        record: Record {
            remedy_sought: record_field("remedy_sought"),
            impact: record_field("impact"),
            our_owner: record_field("our_owner"),
            customer_loss: record_field("customer_loss"),
            // The shared kind (comparable across playbooks), in the playbook's words.
            complaint_kind: labeled(
                g.complaint_kind.key(),
                &pb.grievance
                    .kinds
                    .iter()
                    .find(|k| k.key.value == g.kind_key)
                    .map_or_else(
                        || g.complaint_kind.label(lang).to_owned(),
                        |k| k.label.text(lang),
                    ),
            ),
            crisis: labeled(g.crisis.key(), g.crisis.label(lang)),
            at_stake: labeled(g.at_stake.key(), g.at_stake.label(lang)),
        },
        donts: outcome
            .donts
            .iter()
            .map(|(step, text)| DontOut {
                step: *step,
                text: text.clone(),
            })
            .collect(),
    }
}

impl Plan {
    pub fn to_json(&self) -> String {
        crate::text::json(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("valid time")
    }

    #[test]
    fn times_in_texts_are_for_people_in_every_language() {
        let call = at("2026-11-23T10:00:00+08:00");
        let due = at("2026-11-24T15:05:00+08:00");
        assert_eq!(
            for_people(due, call, Lang::En),
            "Tue 24 Nov, 15:05 (+08:00)"
        );
        assert_eq!(
            for_people(due, call, Lang::ZhTw),
            "11月24日（週二）15:05（+08:00）"
        );
        assert_eq!(
            for_people(due, call, Lang::ZhCn),
            "11月24日（周二）15:05（+08:00）"
        );
        // Another year is said; the call's own year is not.
        let next_year = at("2027-01-02T09:00:00+08:00");
        assert_eq!(
            for_people(next_year, call, Lang::En),
            "Sat 2 Jan 2027, 09:00 (+08:00)"
        );
        assert_eq!(
            for_people(next_year, call, Lang::ZhTw),
            "2027年1月2日（週六）09:00（+08:00）"
        );
    }
}
