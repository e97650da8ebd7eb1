//! Issue #15: not knowing is not "the lowest". The unsure guard on level and
//! authority, what the plan says about it in every language, "none clear
//! yet", several complaint kinds, classifications suggested with their
//! reason, a level's `forbids:`, and lint on the new playbook fields.

use defuse::i18n::Lang;
use defuse::plan::{self, markdown};
use defuse::playbook::vocab::{AtStake, ComplaintKind, CrisisType};
use defuse::prompt::script::ScriptPrompter;
use defuse::triage::session::{InvalidAnswer, Outcome, Session};
use defuse::triage::{Fingerprint, drive};

use crate::common::{authority, level, playbook, problems, remedies, triage};

fn answers(assess: &str, grievance: &str) -> String {
    format!("case: {{customer: Helios Pay}}\nassess: {{{assess}}}\ngrievance: {{{grievance}}}\n")
}

fn plan_of(answers: &str, lang: Lang) -> plan::Plan {
    let pb = playbook("general");
    let mut prompter = ScriptPrompter::new("t.answers.yaml", answers, &pb).unwrap();
    let mut session = Session::new(&pb).in_lang(lang);
    let outcome = drive(&mut session, &mut prompter, |_| {}).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T15:05:00+08:00").unwrap();
    let call = Fingerprint::of(answers, "general", &pb.version, now.timestamp());
    plan::compose(&pb, &outcome, now, &call)
}

/// The call from the issue: a public incident that reached their customers,
/// their CEO copied, and the rep cannot tell who is speaking.
const HELIOS: &str = r#"our_failure: "yes", real_loss: "yes", role: unsure, stakes: [not_stated], public: their_customers, top_watching: copied"#;

#[test]
fn not_sure_who_is_on_the_line_takes_the_higher_authority_and_the_plan_says_so() {
    let pb = playbook("general");
    // Alone, "not sure" of the role no longer scores as the lowest role.
    let unsure = triage(
        &pb,
        &answers(
            r#"our_failure: "yes", real_loss: "no", role: unsure, stakes: [renewal]"#,
            "picked: [not_valued]",
        ),
    );
    assert_eq!(authority(&pb, &unsure), "decision_maker");
    let said = &unsure.assessment.unsure;
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].question, "role");
    assert_eq!(
        said[0].authority_as_if,
        Some(("decision_maker".into(), "decision_maker".into()))
    );

    let helios = triage(&pb, &answers(HELIOS, "picked: [real_loss]"));
    assert_eq!(level(&pb, &helios), "fire");
    assert_eq!(authority(&pb, &helios), "decision_maker");
    assert!(remedies(&helios).contains(&"boss_apology"));
    // Both unsure answers are listed, in question order.
    let questions: Vec<&str> = helios
        .assessment
        .unsure
        .iter()
        .map(|u| u.question.as_str())
        .collect();
    assert_eq!(questions, ["role", "stakes"]);
}

#[test]
fn the_plan_lists_unsure_answers_in_markdown_and_json_in_every_language() {
    let text = answers(
        r#"our_failure: "yes", real_loss: "no", role: unsure, stakes: [renewal]"#,
        "picked: [not_valued]",
    );
    for (lang, line) in [
        (
            Lang::En,
            "- Not sure: Who is on the line? — planned as if “A decision-maker",
        ),
        (Lang::ZhTw, "- 不確定：電話另一頭是誰？ — 計畫視同「決策者"),
        (Lang::ZhCn, "- 不确定：电话那头是谁？ — 方案按“决策者"),
    ] {
        let md = markdown::render(&plan_of(&text, lang));
        assert!(md.contains(line), "{lang:?}:\n{md}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&plan_of(&text, Lang::En).to_json()).unwrap();
    let unsure = &json["assessment"]["unsure"];
    assert_eq!(unsure[0]["question"], "role");
    assert_eq!(unsure[0]["answer"], "unsure");
    assert_eq!(unsure[0]["authority_as_if"], "decision_maker");
    // Their CEO copied already puts the decision-maker in the loop: being
    // unsure of the role or the stakes changes nothing, and the plan says so.
    let text = answers(HELIOS, "picked: [real_loss]");
    let json: serde_json::Value =
        serde_json::from_str(&plan_of(&text, Lang::En).to_json()).unwrap();
    let unsure = &json["assessment"]["unsure"];
    assert!(unsure[0].get("authority_as_if").is_none(), "{unsure}");
    assert_eq!(unsure[1]["question"], "stakes");
    assert_eq!(unsure[1]["answer"], "not_stated");
    assert!(unsure[1].get("level_as_if").is_none(), "{unsure}");
    assert!(
        unsure[1]["text"]
            .as_str()
            .unwrap()
            .contains("no answer would change the judgement"),
        "{unsure}"
    );
}

#[test]
fn not_stated_stakes_assume_only_what_the_playbook_allows() {
    let pb = playbook("general");
    let outcome = triage(
        &pb,
        &answers(
            r#"our_failure: "no", role: staff, stakes: [not_stated]"#,
            "picked: [perfunctory]",
        ),
    );
    // As if "renewal at risk" (concern), never as if "breach" (serious).
    assert_eq!(level(&pb, &outcome), "concern");
    assert_eq!(
        outcome.assessment.unsure[0].level_as_if,
        Some(("renewal".into(), "concern".into()))
    );
}

#[test]
fn none_clear_yet_is_an_answer_and_the_plan_proposes_listening() {
    let text = answers(
        r#"our_failure: "no", role: staff, stakes: [nothing]"#,
        "picked: [none_clear]",
    );
    let plan = plan_of(&text, Lang::En);
    assert!(plan.grievances.is_empty());
    let md = markdown::render(&plan);
    assert!(md.contains("**No grievance is clear yet.**"), "{md}");
    assert!(plan.to_json().contains("\"none_clear\": true"));
    let zh = markdown::render(&plan_of(&text, Lang::ZhTw));
    assert!(zh.contains("還看不出真正在氣什麼"), "{zh}");
    // A grievance that is clear is not also "none clear".
    let pb = playbook("general");
    let both = answers(
        r#"our_failure: "no", role: staff, stakes: [nothing]"#,
        "picked: [none_clear, lost_face]",
    );
    let mut prompter = ScriptPrompter::new("t.answers.yaml", &both, &pb).unwrap();
    let err = drive(&mut Session::new(&pb), &mut prompter, |_| {}).unwrap_err();
    assert!(
        err.to_string()
            .contains(&InvalidAnswer::NoneClearAlone.to_string()),
        "{err}"
    );
}

#[test]
fn complaint_kind_takes_several_answers_and_an_old_single_answer_still_reads() {
    let pb = playbook("general");
    let several = triage(
        &pb,
        &answers(
            r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal]"#,
            "picked: [not_valued], kind: [old_bug, broken_promise]",
        ),
    );
    assert_eq!(
        several.grievances.complaint_kinds,
        [ComplaintKind::OldBug, ComplaintKind::BrokenPromise]
    );
    let single = triage(
        &pb,
        &answers(
            r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal]"#,
            "picked: [not_valued], kind: old_bug",
        ),
    );
    assert_eq!(single.grievances.complaint_kinds, [ComplaintKind::OldBug]);
    // "Not clear yet" beside a real kind gives way to it.
    let mixed = triage(
        &pb,
        &answers(
            r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal]"#,
            "picked: [not_valued], kind: [unclear, old_bug]",
        ),
    );
    assert_eq!(mixed.grievances.complaint_kinds, [ComplaintKind::OldBug]);

    let text = answers(
        r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal]"#,
        "picked: [not_valued], kind: [old_bug, broken_promise]",
    );
    let json: serde_json::Value =
        serde_json::from_str(&plan_of(&text, Lang::En).to_json()).unwrap();
    assert_eq!(
        json["record"]["complaint_kind"]["id"],
        "old_bug,broken_promise"
    );
    assert_eq!(json["record"]["complaint_kinds"][1]["id"], "broken_promise");
}

fn suggested(outcome: &Outcome) -> (Vec<ComplaintKind>, CrisisType, AtStake) {
    let g = &outcome.grievances;
    (g.complaint_kinds.clone(), g.crisis, g.at_stake)
}

#[test]
fn crisis_and_stake_are_suggested_from_the_answers_with_the_rule_that_suggested_them() {
    let pb = playbook("general");
    // Their team works weekends because of our bug: a team crisis.
    let team = triage(
        &pb,
        &answers(
            r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [team_strain]"#,
            "picked: [not_valued]",
        ),
    );
    assert_eq!(suggested(&team).1, CrisisType::Team);
    // A broken promise: trust, and only the broken-promise kind.
    let promise = triage(
        &pb,
        &answers(
            r#"our_failure: promise, real_loss: "no", role: influencer, stakes: [renewal]"#,
            "picked: [broken_promise]",
        ),
    );
    assert_eq!(
        suggested(&promise),
        (
            vec![ComplaintKind::BrokenPromise],
            CrisisType::None,
            AtStake::Trust
        )
    );

    // The rep sees why, and confirms or changes it.
    let mut s = Session::new(&pb);
    let script = answers(
        r#"our_failure: promise, real_loss: "no", role: influencer, stakes: [renewal]"#,
        "picked: [broken_promise], words: x, kind: [broken_promise]",
    );
    let mut prompter = ScriptPrompter::new("t.answers.yaml", &script, &pb).unwrap();
    let mut help = None;
    let _ = defuse::triage::drive(&mut s, &mut AskSpy(&mut prompter, &mut help), |_| {});
    let help = help.expect("at_stake asked");
    assert!(help.contains("Suggested because"), "{help}");
    assert!(help.contains("flag `broken_promise`"), "{help}");
}

/// Passes prompts to a script and keeps the help of the at-stake prompt.
struct AskSpy<'a>(&'a mut ScriptPrompter, &'a mut Option<String>);

impl defuse::triage::Prompter for AskSpy<'_> {
    fn stage(
        &mut self,
        briefing: &defuse::triage::briefing::Briefing,
    ) -> Result<(), defuse::triage::PromptError> {
        self.0.stage(briefing)
    }
    fn ask(
        &mut self,
        prompt: &defuse::triage::session::Prompt,
    ) -> Result<defuse::triage::Reply, defuse::triage::PromptError> {
        if prompt.id.to_string() == "grievance.at_stake" {
            *self.1 = Some(prompt.help.clone());
        }
        self.0.ask(prompt)
    }
    fn rejected(
        &mut self,
        prompt: &defuse::triage::session::Prompt,
        why: &InvalidAnswer,
    ) -> Result<(), defuse::triage::PromptError> {
        self.0.rejected(prompt, why)
    }
}

#[test]
fn a_level_that_forbids_a_remedy_never_proposes_it() {
    let pb = playbook("general");
    // One junior user's annoyance about a missing feature: a smoke alarm.
    let junior = triage(
        &pb,
        &answers(
            r#"our_failure: "no", role: staff, stakes: [nothing]"#,
            "picked: [scope_misunderstanding], kind: [new_requirement]",
        ),
    );
    assert_eq!(level(&pb, &junior), "smoke_alarm");
    assert!(!remedies(&junior).contains(&"scope_negotiation"));
    // The same gap with renewal at risk is negotiated.
    let renewal = triage(
        &pb,
        &answers(
            r#"our_failure: "no", role: influencer, stakes: [renewal]"#,
            "picked: [scope_misunderstanding], kind: [new_requirement]",
        ),
    );
    assert!(remedies(&renewal).contains(&"scope_negotiation"));
}

const MINIMAL: &str = "\
id: mini
title: Minimal
version: '1'
scores: [{id: severity, label: S}, {id: authority, label: A}]
flags: [{id: real_loss, label: Loss}]
assess:
  questions:
    - id: q1
      kind: choice
      prompt: P
      options:
        - {key: a, label: A, flags: [real_loss]}
        - {key: b, label: B}
        - {key: u, label: U, unsure: true, assume: [a]}
levels:
  - {id: low, label: L, definition: D, response_force: R, forbids: [compensation]}
  - {id: high, label: H, definition: D, response_force: R, when: {flag: real_loss}, forbids: [r1]}
authority:
  - {id: venting, label: V, definition: D, stance: S}
grievance:
  guidance: G
  catalogue: [{id: lost_face, label: Lost face}]
remedies:
  catalogue:
    - {id: r1, kind: compensation, label: L, action: A, owner: O, due: 24h, when: {flag: real_loss}}
";

#[test]
fn lint_checks_assume_and_forbids() {
    assert_eq!(problems(MINIMAL), "");
    let out = problems(&MINIMAL.replace("assume: [a]", "assume: [c]"));
    assert!(
        out.contains("`c` is not a concrete answer of `q1`"),
        "{out}"
    );
    let out = problems(&MINIMAL.replace("label: B}", "label: B, assume: [a]}"));
    assert!(
        out.contains("option `b` has `assume` but is not `unsure`"),
        "{out}"
    );
    let out = problems(&MINIMAL.replace("forbids: [r1]", "forbids: [r2]"));
    assert!(
        out.contains("forbids `r2`, which is neither a remedy nor a remedy kind"),
        "{out}"
    );
    assert!(out.contains("did you mean `r1`?"), "{out}");
    let out =
        problems(&MINIMAL.replace("catalogue: [{id: lost_face", "catalogue: [{id: none_clear"));
    assert!(
        out.contains("step 2's own \"none clear yet\" answer"),
        "{out}"
    );
}

#[test]
fn a_draft_saved_with_one_complaint_kind_resumes() {
    let pb = playbook("general");
    let text = answers(
        r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal]"#,
        "picked: [not_valued], kind: [old_bug]",
    );
    let mut prompter = ScriptPrompter::new("t.answers.yaml", &text, &pb).unwrap();
    let mut session = Session::new(&pb);
    drive(&mut session, &mut prompter, |_| {}).unwrap();
    let mut snapshot = session.snapshot();
    // As a draft from before kinds were multi-select holds it.
    for (id, value) in &mut snapshot.history {
        if id.to_string() == "grievance.kind" {
            *value = defuse::triage::answers::AnswerValue::Key("old_bug".into());
        }
    }
    let resumed = Session::restore(&pb, &snapshot).unwrap_or_else(|e| panic!("{e}"));
    let outcome = resumed.finish().unwrap();
    assert_eq!(outcome.grievances.complaint_kinds, [ComplaintKind::OldBug]);
}
