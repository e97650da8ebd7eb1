//! The action plan: what a finished triage turns into. `compose` is pure
//! (the call time is passed in); `markdown` renders it for people and
//! `serde_json` for machines. The JSON shape is pinned by `tests/`.

mod in_words;
pub mod markdown;
pub mod team;
mod times;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::hours::{self, WorkingHours};
use crate::i18n::Lang;
use crate::playbook::template;
use crate::playbook::vocab::Vocabulary;
use crate::playbook::{Playbook, Step};
use crate::text::slug;
use crate::triage::Fingerprint;
use crate::triage::assess::{Reason, Unsure};
use crate::triage::session::Outcome;

pub use times::{for_people, rfc3339};

pub use team::Team;

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
    /// No grievance is clear yet (step 2's "none clear yet"): the plan
    /// proposes listening again (absent when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub none_clear: bool,
    pub customer_words: String,
    pub remedies: Vec<RemedyOut>,
    pub followups: Vec<FollowupOut>,
    pub record: Record,
    pub donts: Vec<DontOut>,
    /// The working hours due times were counted in (from the rep's config
    /// or the playbook); absent when dues are wall-clock time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_hours: Option<WorkingHours>,
    /// Why the team's history of this customer could not be read (the
    /// level was judged without it); absent when it was, or there is none
    /// to read. Set by the command that looked it up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_history_unavailable: Option<String>,
}

/// How a due time was counted from its delay, when working hours apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Working time: minutes and hours within working hours, days and weeks
    /// as working days (see `hours`).
    WorkingTime,
    /// Wall-clock time: the playbook marks it `clock: true`.
    Clock,
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
    /// The playbook's own fields (`fields:`), in its order; absent when it
    /// has none, so plans of other playbooks keep their shape.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldOut>,
}

/// One of the playbook's own fields: its id, its label in the plan's
/// language, and the value the rep gave ("" when left empty).
#[derive(Debug, Serialize)]
pub struct FieldOut {
    pub id: String,
    pub label: String,
    pub value: String,
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
    /// The answers given as "not sure" and what was assumed (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsure: Vec<UnsureOut>,
}

/// A step-1 answer the rep was not sure of.
#[derive(Debug, Serialize)]
pub struct UnsureOut {
    pub question: String,
    /// The unsure key given.
    pub answer: String,
    /// The concrete answer whose level the plan took, if higher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_as_if: Option<String>,
    /// The concrete answer whose authority the plan took, if higher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_as_if: Option<String>,
    pub text: String,
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
    /// The person behind `owner`, from the rep's config (the roster, or the
    /// rep's own name for the rep's role); absent when nobody is named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// Absolute due time, RFC 3339.
    pub due: String,
    /// The delay after the call it was computed from, e.g. `4h`.
    pub due_in: String,
    /// How `due` counts `due_in` when working hours apply; absent: wall-clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_counted: Option<Counted>,
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
    /// How `due` counts `after` when working hours apply; absent: wall-clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_counted: Option<Counted>,
    pub action: String,
    pub owner: String,
    /// The person behind `owner` (see [`RemedyOut::owner_name`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    pub why: String,
}

/// The complaint record (seed 004): what a team lead reviews later.
#[derive(Debug, Serialize)]
pub struct Record {
    pub remedy_sought: String,
    pub impact: String,
    pub our_owner: String,
    pub customer_loss: String,
    /// One kind, or several joined (`old_bug,broken_promise`; labels by the list separator).
    pub complaint_kind: Labeled,
    /// Each kind, when there are several (absent for one).
    #[serde(skip_serializing_if = "complaint_kinds_single")]
    pub complaint_kinds: Vec<Labeled>,
    pub crisis: Labeled,
    pub at_stake: Labeled,
}

fn complaint_kinds_single(kinds: &[Labeled]) -> bool {
    kinds.len() < 2
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

/// Turns a finished session into a plan; `call` names the call (see
/// [`Fingerprint`]) and ends the case id. Owners are roles only and due
/// times wall-clock, unless the playbook has working hours: see
/// [`compose_for`] for a rep's team and schedule.
pub fn compose(
    pb: &Playbook,
    outcome: &Outcome,
    now: DateTime<FixedOffset>,
    call: &Fingerprint,
) -> Plan {
    compose_for(pb, outcome, now, call, &Team::default())
}

/// The due time of `delay` after `now`: in working time when `hours` are
/// set and the playbook does not mark it clock-time.
fn due_time(
    now: DateTime<FixedOffset>,
    delay: crate::duration::Due,
    clock: bool,
    hours: Option<&WorkingHours>,
) -> (DateTime<FixedOffset>, Option<Counted>) {
    let wall = now + delay.as_chrono();
    match hours {
        None => (wall, None),
        Some(_) if clock => (wall, Some(Counted::Clock)),
        // Past the year 9999 (a ten-year due in working time): wall-clock.
        Some(h) => hours::due(now, delay.minutes(), h)
            .map_or((wall, None), |t| (t, Some(Counted::WorkingTime))),
    }
}

/// [`compose`] for a rep's `team`: owners named from its roster, due times
/// counted in its working hours (or else the playbook's).
pub fn compose_for(
    pb: &Playbook,
    outcome: &Outcome,
    now: DateTime<FixedOffset>,
    call: &Fingerprint,
    team: &Team,
) -> Plan {
    let working_hours = team.working_hours.as_ref().or(pb.working_hours.as_ref());
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
    // The playbook's own fields fill `{{field.ID}}` and `{{ID}}` (lint keeps
    // ids off the built-in names, so neither form hides one).
    let long_names: Vec<String> = outcome
        .fields
        .iter()
        .map(|(id, _)| format!("{}{id}", template::FIELD_PREFIX))
        .collect();
    for ((id, value), long) in outcome.fields.iter().zip(&long_names) {
        values.entry(id).or_insert_with(|| value.clone());
        values.insert(long, value.clone());
    }

    let remedies = outcome
        .remedies
        .iter()
        .filter_map(|chosen| {
            let r = pb.remedy(&chosen.remedy)?;
            let (due_at, due_counted) = due_time(now, chosen.due, r.clock, working_hours);
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
                owner_name: team.name_of(&chosen.owner, &r.owner, lang, outcome),
                owner: chosen.owner.clone(),
                due,
                due_in: chosen.due.to_string(),
                due_counted,
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
        .map(|f| {
            let (due, due_counted) = due_time(now, f.after.value, f.clock, working_hours);
            let owner = f.owner.text(lang);
            FollowupOut {
                id: f.id.value.clone(),
                due: rfc3339(due),
                after: f.after.value.to_string(),
                due_counted,
                action: f.action.text(lang, &facts),
                owner_name: team.name_of(&owner, &f.owner, lang, outcome),
                owner,
                why: f.why.text(lang, &facts),
            }
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
            fields: outcome
                .fields
                .iter()
                .map(|(id, value)| FieldOut {
                    id: id.clone(),
                    label: pb
                        .field(id)
                        .map_or_else(|| id.clone(), |f| f.label.text(lang)),
                    value: value.clone(),
                })
                .collect(),
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
            unsure: a.unsure.iter().map(|u| unsure_out(pb, lang, u)).collect(),
        },
        none_clear: g.picked.is_empty(),
        grievances,
        customer_words: g.words.clone(),
        remedies,
        followups,
        record: Record {
            remedy_sought: record_field("remedy_sought"),
            impact: record_field("impact"),
            our_owner: record_field("our_owner"),
            customer_loss: record_field("customer_loss"),
            // The shared kinds (comparable across playbooks), in the playbook's words.
            complaint_kind: labeled(
                &g.complaint_kinds
                    .iter()
                    .map(|k| k.key())
                    .collect::<Vec<_>>()
                    .join(","),
                &g.kind_keys
                    .iter()
                    .map(|key| pb.grievance.kind_label(key, lang))
                    .collect::<Vec<_>>()
                    .join(l.list_sep),
            ),
            complaint_kinds: g
                .kind_keys
                .iter()
                .filter_map(|key| {
                    let kind = pb.grievance.kind_of(key)?;
                    Some(labeled(kind.key(), &pb.grievance.kind_label(key, lang)))
                })
                .collect(),
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
        working_hours: working_hours.cloned(),
        team_history_unavailable: None,
    }
}

/// An unsure answer in words: the question as the rep saw it, and the
/// answer the plan acted on for the level and the authority.
fn unsure_out(pb: &Playbook, lang: Lang, u: &Unsure) -> UnsureOut {
    let l = lang.labels();
    let question = pb.question(&u.question);
    let prompt = question.map_or_else(|| u.question.clone(), |q| q.prompt.text(lang));
    let answer_label = |key: &str| {
        question
            .and_then(|q| q.option(key))
            .map_or_else(|| key.to_owned(), |o| o.label.text(lang))
    };
    let level = |id: &str| {
        let label = pb.level_index(id).map(|i| pb.levels[i].label.text(lang));
        format!("{}{}{}", l.level, l.colon, label.unwrap_or_default())
    };
    let authority = |id: &str| {
        let label = pb
            .authority_index(id)
            .map(|i| pb.authority[i].label.text(lang));
        format!("{}{}{}", l.authority, l.colon, label.unwrap_or_default())
    };
    let mut parts: Vec<String> = Vec::new();
    match (&u.level_as_if, &u.authority_as_if) {
        (Some((lk, lid)), Some((ak, aid))) if lk == ak => parts.push((l.assumed_as_if)(
            &answer_label(lk),
            &format!("{}{}{}", level(lid), l.list_sep, authority(aid)),
        )),
        (level_as_if, authority_as_if) => {
            if let Some((key, id)) = level_as_if {
                parts.push((l.assumed_as_if)(&answer_label(key), &level(id)));
            }
            if let Some((key, id)) = authority_as_if {
                parts.push((l.assumed_as_if)(&answer_label(key), &authority(id)));
            }
        }
    }
    let assumed = if parts.is_empty() {
        l.assumed_nothing.to_owned()
    } else {
        parts.join(l.list_sep)
    };
    UnsureOut {
        question: u.question.clone(),
        answer: u.answer.clone(),
        level_as_if: u.level_as_if.as_ref().map(|(key, _)| key.clone()),
        authority_as_if: u.authority_as_if.as_ref().map(|(key, _)| key.clone()),
        text: (l.unsure_line)(&prompt, &assumed),
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
