//! The SOP behaviours the shipped playbooks must encode, checked on the
//! engine with no terminal; plus the state machine's own rules.

use defuse::playbook::vocab::{ComplaintKind, Vocabulary};
use defuse::triage::answers::AnswerValue;
use defuse::triage::assess::Reason;
use defuse::triage::session::Session;

use crate::common::{authority, kinds, level, playbook, remedies, triage};

const GRIEVANCE_DEFAULTS: &str = "kind: unclear\n  crisis: none\n  at_stake: neither";

fn general(assess: &str, grievance: &str) -> String {
    format!("case: {{customer: Test Co}}\nassess: {{{assess}}}\ngrievance:\n  {grievance}\n")
}

// --- Step 1 + 3: a leverage play gets no concessions ------------------------

#[test]
fn leverage_play_from_a_non_decision_maker_gets_no_compensation_no_boss_and_no_statement() {
    let pb = playbook("general");
    let outcome = triage(
        &pb,
        &general(
            r#"our_failure: "no", role: staff, stakes: [cancel], pressure: "yes", negotiation: "yes", public: "no", audience: "no", history: again"#,
            "picked: [leverage_play]\n  kind: new_requirement\n  crisis: none\n  at_stake: neither",
        ),
    );
    assert!(outcome.assessment.flags.contains("leverage_suspected"));
    assert_eq!(authority(&pb, &outcome), "venting");
    let kinds = kinds(&pb, &outcome);
    assert!(!kinds.contains(&"compensation"), "{kinds:?}");
    assert!(!kinds.contains(&"escalation"), "{kinds:?}");
    assert!(!kinds.contains(&"pr_statement"), "{kinds:?}");
    assert!(remedies(&outcome).contains(&"hold_the_line"));
}

#[test]
fn leverage_play_in_a_scope_negotiation_gets_no_concession_either() {
    let pb = playbook("scope-dispute");
    let outcome = triage(
        &pb,
        "case: {customer: X}\nassess: {in_contract: \"no\", phase: negotiating, pressure: \"yes\", lever: \"yes\", role: staff, audience: \"no\", deadline: \"no\", walkout: \"yes\"}\ngrievance: {picked: [leverage_play]}\n",
    );
    let chosen = remedies(&outcome);
    assert!(chosen.contains(&"hold_the_line"), "{chosen:?}");
    for concession in ["minimal_list", "goodwill", "pm_reset"] {
        assert!(!chosen.contains(&concession), "{concession} in {chosen:?}");
    }
}

// --- Authority: a venting non-decision-maker is not escalated --------------

#[test]
fn venting_non_decision_maker_without_contract_impact_gets_no_escalation() {
    let pb = playbook("general");
    // A real failure and a real loss make it serious, but nobody with power
    // is on the line and no contract is at stake.
    let outcome = triage(
        &pb,
        &general(
            r#"our_failure: "yes", real_loss: "yes", role: staff, stakes: [nothing], pressure: "no", public: "no", audience: "no", history: first"#,
            &format!("picked: [venting]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    assert_eq!(authority(&pb, &outcome), "venting");
    assert_eq!(level(&pb, &outcome), "serious");
    let kinds = kinds(&pb, &outcome);
    assert!(!kinds.contains(&"escalation"), "{kinds:?}");
    assert!(
        outcome
            .donts
            .iter()
            .any(|(_, d)| d.contains("venting call"))
    );
}

// --- A real fire gets full armour ------------------------------------------

#[test]
fn real_outage_with_a_decision_maker_threatening_to_cancel_reaches_the_top_level() {
    let pb = playbook("general");
    let outcome = triage(
        &pb,
        &general(
            r#"our_failure: "yes", real_loss: "yes", role: decision_maker, stakes: [cancel], pressure: "no", public: "no", audience: "no", history: first"#,
            &format!("picked: [real_loss]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    assert_eq!(level(&pb, &outcome), pb.levels.last().unwrap().id.value);
    let chosen = remedies(&outcome);
    assert!(chosen.contains(&"boss_apology"), "{chosen:?}");
    assert!(chosen.contains(&"compensation"), "{chosen:?}");
}

#[test]
fn outage_playbook_puts_managers_in_the_room_and_compensates_our_failure() {
    let pb = playbook("outage");
    let outcome = triage(
        &pb,
        "case: {customer: X}\nassess: {down_now: \"yes\", business_impact: 5, root_cause: ours, sla_breach: \"yes\", role: decision_maker, cancel: \"yes\", public: \"no\", warned: \"no\", audience: \"no\"}\ngrievance: {picked: [real_loss]}\n",
    );
    assert_eq!(level(&pb, &outcome), "critical");
    let chosen = remedies(&outcome);
    for expected in [
        "war_room",
        "sla_credit",
        "status_updates",
        "root_cause_report",
    ] {
        assert!(
            chosen.contains(&expected),
            "{expected} missing from {chosen:?}"
        );
    }
}

#[test]
fn outage_caused_on_their_side_gets_a_preventive_fix_not_compensation() {
    let pb = playbook("outage");
    let outcome = triage(
        &pb,
        "case: {customer: X}\nassess: {down_now: \"no\", business_impact: 5, root_cause: theirs, role: influencer, cancel: \"yes\", public: \"no\", warned: \"yes\", audience: \"yes\"}\ngrievance: {picked: [lost_face, not_warned]}\n",
    );
    let chosen = remedies(&outcome);
    assert!(chosen.contains(&"preventive_job"), "{chosen:?}");
    assert!(!chosen.contains(&"sla_credit"), "{chosen:?}");
    assert!(chosen.contains(&"private_talk"), "{chosen:?}");
}

// --- Step 2: lost face is fixed in private ---------------------------------

#[test]
fn lost_face_in_front_of_subordinates_gets_a_private_one_to_one_in_every_playbook() {
    let cases = [
        (
            "general",
            r#"our_failure: "no", role: influencer, stakes: [nothing], pressure: "no", public: "no", audience: "yes", history: first"#,
        ),
        (
            "outage",
            r#"down_now: "no", business_impact: 2, root_cause: ours, sla_breach: "no", role: influencer, cancel: "no", public: "no", warned: "no", audience: "yes""#,
        ),
        (
            "scope-dispute",
            r#"in_contract: grey, phase: delivery, pressure: "no", role: influencer, audience: "yes", deadline: "no", walkout: "yes""#,
        ),
    ];
    for (id, assess) in cases {
        let pb = playbook(id);
        // No grievance given: the playbook suggests lost face from the audience.
        let answers = format!("case: {{customer: X}}\nassess: {{{assess}}}\n");
        let outcome = triage(&pb, &answers);
        assert!(
            outcome.grievances.picked.contains(&"lost_face".to_owned()),
            "{id}: {:?}",
            outcome.grievances.picked
        );
        let private = remedies(&outcome)
            .into_iter()
            .find(|r| *r == "private_talk");
        assert!(private.is_some(), "{id}: no private one-to-one");
        assert_eq!(
            pb.remedy("private_talk").unwrap().kind.value,
            "de_escalation"
        );
    }
}

// --- Public exposure gets a statement --------------------------------------

#[test]
fn public_exposure_gets_a_pr_statement_with_a_filled_template() {
    for (id, assess) in [
        (
            "general",
            r#"our_failure: "yes", real_loss: "no", role: influencer, stakes: [renewal], pressure: "no", public: "yes", audience: "no", history: first"#,
        ),
        (
            "outage",
            r#"down_now: "yes", business_impact: 3, root_cause: ours, sla_breach: "no", role: staff, cancel: "no", public: "yes", warned: "no", audience: "no""#,
        ),
    ] {
        let pb = playbook(id);
        let outcome = triage(
            &pb,
            &format!(
                "case: {{customer: X}}\nassess: {{{assess}}}\ngrievance: {{picked: [not_valued]}}\n"
            ),
        );
        assert!(kinds(&pb, &outcome).contains(&"pr_statement"), "{id}");
    }
}

// --- "If unsure, take the higher level" ------------------------------------

#[test]
fn an_unsure_answer_takes_the_higher_level_and_says_why() {
    let pb = playbook("general");
    let sure_no = triage(
        &pb,
        &general(
            r#"our_failure: "no", role: decision_maker, stakes: [cancel], pressure: "no", public: "no", audience: "no", history: first"#,
            &format!("picked: [not_valued]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    let unsure = triage(
        &pb,
        &general(
            r#"our_failure: unsure, real_loss: "no", role: decision_maker, stakes: [cancel], pressure: "no", public: "no", audience: "no", history: first"#,
            &format!("picked: [not_valued]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    assert_eq!(level(&pb, &sure_no), "serious");
    assert_eq!(level(&pb, &unsure), "fire");
    assert!(unsure.assessment.reasons.iter().any(|r| matches!(
        r,
        Reason::Unsure { question, assumed, level: Some(level), .. } if question == "our_failure" && assumed == "yes" && level == "fire"
    )), "{:?}", unsure.assessment.reasons);
}

// --- The assessment keeps its reasons --------------------------------------

#[test]
fn assessment_records_which_answer_moved_which_score_and_which_rule_chose_the_level() {
    let pb = playbook("general");
    let outcome = triage(
        &pb,
        &general(
            r#"our_failure: "yes", real_loss: "yes", role: decision_maker, stakes: [cancel], pressure: "no", public: "no", audience: "no", history: first"#,
            &format!("picked: [real_loss]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    let reasons = &outcome.assessment.reasons;
    assert!(reasons.contains(&Reason::Answer {
        question: "our_failure".into(),
        answer: "yes".into(),
        scores: [("severity".to_owned(), 3)].into(),
        flags: vec!["real_failure".into()],
    }));
    let Some(Reason::Level {
        level,
        rule: Some(rule),
    }) = reasons.iter().find(|r| matches!(r, Reason::Level { .. }))
    else {
        panic!("no level reason in {reasons:?}");
    };
    assert_eq!(level, "fire");
    assert!(rule.contains("authority is `decision_maker`"), "{rule}");
    assert_eq!(outcome.assessment.scores["severity"], 8);
}

// --- The state machine ------------------------------------------------------

fn answer(session: &mut Session, value: AnswerValue) {
    session.answer(value).unwrap_or_else(|e| panic!("{e}"));
}

fn key(k: &str) -> AnswerValue {
    AnswerValue::Key(k.into())
}

#[test]
fn conditional_questions_follow_earlier_answers_and_back_recomputes_them() {
    let pb = playbook("general");
    let mut s = Session::new(&pb);
    for text in ["Acme", "", ""] {
        answer(&mut s, AnswerValue::Text(text.into()));
    }
    answer(&mut s, key("yes")); // our_failure
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.real_loss");
    answer(&mut s, key("yes"));
    answer(&mut s, key("decision_maker"));

    // Back twice, to our_failure: the earlier answer is the default.
    assert!(s.back() && s.back());
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.real_loss");
    assert!(s.back());
    let prompt = s.next_prompt().unwrap();
    assert_eq!(prompt.id.to_string(), "assess.our_failure");
    assert_eq!(prompt.default, Some(key("yes")));

    // Change it to "no": the real-loss question no longer applies.
    answer(&mut s, key("no"));
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.role");
    assert_eq!(
        s.next_prompt().unwrap().default,
        Some(key("decision_maker")),
        "later answers are kept as defaults"
    );
    answer(&mut s, key("decision_maker"));
    answer(&mut s, AnswerValue::Keys(vec!["nothing".into()]));
    answer(&mut s, key("no")); // pressure: so `negotiation` is skipped
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.public");
    // public, audience (a decision-maker on the line: `top_watching` is skipped)
    for _ in 0..2 {
        answer(&mut s, key("no"));
    }
    answer(&mut s, key("first"));
    let assessment = s.assessment().expect("step 1 complete");
    assert!(!assessment.answers.contains_key("real_loss"));
    assert!(!assessment.flags.contains("real_loss"));
}

#[test]
fn invalid_answers_are_refused_with_a_hint() {
    let pb = playbook("general");
    let mut s = Session::new(&pb);
    // A required text left blank: English in an answers file's error, the
    // rep's language on a live call.
    let blank = s.answer(AnswerValue::Text("  ".into())).unwrap_err();
    assert_eq!(blank.to_string(), "this answer is required");
    assert_eq!(blank.describe(defuse::i18n::Lang::ZhTw), "這一題必須回答");
    for text in ["Acme", "", ""] {
        answer(&mut s, AnswerValue::Text(text.into()));
    }
    let err = s.answer(key("yse")).unwrap_err();
    assert!(err.to_string().contains("did you mean `yes`"), "{err}");
    assert_eq!(
        s.snapshot().history.len(),
        3,
        "refused answers are not kept"
    );
}

#[test]
fn a_list_that_moves_the_assessment_needs_a_pick_and_nothing_counts() {
    let pb = playbook("general");
    let mut s = Session::new(&pb);
    for text in ["Acme", "", ""] {
        answer(&mut s, AnswerValue::Text(text.into()));
    }
    answer(&mut s, key("no")); // our_failure
    answer(&mut s, key("staff"));
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.stakes");
    let none = s.answer(AnswerValue::Keys(Vec::new())).unwrap_err();
    assert_eq!(none.to_string(), "pick at least one");
    answer(&mut s, AnswerValue::Keys(vec!["nothing".into()]));
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "assess.pressure");
}

#[test]
fn step_3_asks_who_answers_for_the_case_then_offers_changes_by_label() {
    let pb = playbook("general");
    let mut s = Session::new(&pb);
    for text in ["Acme", "", ""] {
        answer(&mut s, AnswerValue::Text(text.into()));
    }
    answer(&mut s, key("no"));
    answer(&mut s, key("staff"));
    answer(&mut s, AnswerValue::Keys(vec!["nothing".into()]));
    // Every remaining step-1 question ("no" where offered) up to the history.
    while s.next_prompt().unwrap().id.to_string() != "assess.history" {
        answer(&mut s, key("no"));
    }
    answer(&mut s, key("first"));
    answer(&mut s, AnswerValue::Keys(vec!["venting".into()]));
    answer(&mut s, AnswerValue::Text(String::new()));
    for _ in 0..3 {
        let default = s.next_prompt().unwrap().default.unwrap();
        answer(&mut s, default);
    }
    answer(&mut s, AnswerValue::Keys(vec!["reference_visit".into()]));
    assert_eq!(s.next_prompt().unwrap().id.to_string(), "record.our_owner");
    answer(&mut s, AnswerValue::Text("Jane Li".into()));
    let menu = s.next_prompt().unwrap();
    assert_eq!(menu.id.to_string(), "remedies.adjust.0");
    let defuse::triage::session::PromptKind::Choice(options) = &menu.kind else {
        panic!("{menu:?}");
    };
    assert_eq!(
        (options[1].label.as_str(), options[1].detail.as_str()),
        (
            "Change Share other customers' setups; arrange a reference visit",
            "(owner: Account rep, due in 1w)"
        )
    );
    answer(&mut s, key("reference_visit"));
    let owner = s.next_prompt().unwrap();
    assert!(
        owner.title.starts_with("Owner of Share other customers"),
        "{}",
        owner.title
    );
    answer(&mut s, AnswerValue::Text("Jane Li".into()));
    answer(&mut s, AnswerValue::Text("2d".into()));
    answer(&mut s, key("done"));
    for _ in 0..3 {
        answer(&mut s, AnswerValue::Text(String::new()));
    }
    let outcome = s.finish().expect("finished");

    // A draft saved when our responsible person was asked after the owner
    // changes still resumes, to the same outcome.
    let mut old_order = s.snapshot();
    let at = |h: &[(defuse::triage::PromptId, AnswerValue)], id: &str| {
        h.iter().position(|(p, _)| p.to_string() == id).unwrap()
    };
    let our_owner = old_order
        .history
        .remove(at(&old_order.history, "record.our_owner"));
    let after = at(&old_order.history, "remedies.adjust.1") + 1;
    old_order.history.insert(after, our_owner);
    let resumed = Session::restore(&pb, &old_order).expect("the old order resumes");
    assert_eq!(resumed.finish().expect("finished"), outcome);
}

#[test]
fn the_rep_can_add_and_drop_remedies_and_change_owner_and_due() {
    let pb = playbook("general");
    let outcome = triage(
        &pb,
        &format!(
            "{}remedies:\n  selected: [listen_first, reference_visit]\n  adjust:\n    reference_visit: {{owner: Jane, due: 2d}}\n",
            general(
                r#"our_failure: "no", role: staff, stakes: [nothing], pressure: "no", public: "no", audience: "no", history: first"#,
                &format!("picked: [venting]\n  {GRIEVANCE_DEFAULTS}"),
            )
        ),
    );
    assert_eq!(remedies(&outcome), ["listen_first", "reference_visit"]);
    let added = &outcome.remedies[1];
    assert_eq!(
        (added.owner.as_str(), added.due.to_string().as_str()),
        ("Jane", "2d")
    );
    assert_eq!(added.proposed_by, None, "added by hand, not proposed");
}

#[test]
fn every_shipped_playbook_offers_the_sop_remedy_kinds_and_a_24h_confirmation() {
    for (id, _) in defuse::catalog::EMBEDDED {
        let pb = playbook(id);
        assert!(pb.levels.len() >= 3, "{id} needs a ladder of levels");
        for kind in [
            "fact_explanation",
            "escalation",
            "compensation",
            "de_escalation",
        ] {
            let offered = pb.remedies.catalogue.iter().any(|r| r.kind.value == kind);
            assert!(offered, "{id} has no {kind} remedy");
        }
        let confirmation = pb
            .followups
            .iter()
            .any(|f| f.after.value.minutes() == 24 * 60);
        assert!(confirmation, "{id}: no 24h confirmation");
    }
}

#[test]
fn free_text_and_scale_questions_are_asked_and_kept() {
    let text = include_str!("../playbooks/general.yaml").replacen(
        "    - id: history\n",
        "    - id: what_failed\n      kind: text\n      prompt: What exactly failed, in one line?\n    - id: anger\n      kind: scale\n      prompt: How loud?\n      scale: {min: 1, max: 5}\n    - id: history\n",
        1,
    );
    let pb = defuse::playbook::load_str("pb.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let outcome = triage(
        &pb,
        &general(
            r#"our_failure: "no", role: staff, stakes: [nothing], pressure: "no", public: "no", audience: "no", what_failed: "The export: 3 files missing", anger: 5, history: first"#,
            &format!("picked: [venting]\n  {GRIEVANCE_DEFAULTS}"),
        ),
    );
    assert_eq!(
        outcome.assessment.answers["what_failed"],
        AnswerValue::Text("The export: 3 files missing".into())
    );
    assert_eq!(outcome.assessment.answers["anger"], AnswerValue::Number(5));
    // Loudness moves nothing: "a loud voice does not mean a big problem".
    assert_eq!(level(&pb, &outcome), "smoke_alarm");
}

#[test]
fn the_playbook_suggests_the_complaint_classification() {
    let pb = playbook("general");
    // No classification in the answers: the suggestions are taken, as Enter would.
    let fire = triage(
        &pb,
        &general(
            r#"our_failure: "yes", real_loss: "yes", role: decision_maker, stakes: [cancel]"#,
            "picked: [real_loss]",
        ),
    );
    let g = &fire.grievances;
    assert_eq!(
        (
            g.complaint_kinds.as_slice(),
            g.crisis.key(),
            g.at_stake.key()
        ),
        (&[ComplaintKind::OldBug][..], "boss", "trust")
    );

    let scope = triage(
        &pb,
        &general(
            r#"our_failure: "no", role: influencer, stakes: [renewal]"#,
            "picked: [scope_misunderstanding]",
        ),
    );
    // Every kind rule that holds is pre-selected.
    assert_eq!(
        scope.grievances.complaint_kinds,
        [
            ComplaintKind::NewRequirement,
            ComplaintKind::Misunderstanding
        ]
    );
    assert!(remedies(&scope).contains(&"scope_negotiation"));
}

#[test]
fn earlier_cases_raise_the_level_and_are_cited() {
    use defuse::triage::history::PastCase;
    let pb = playbook("general");
    let answers = general(
        r#"our_failure: "no", role: staff, stakes: [nothing]"#,
        "picked: [perfunctory]",
    );
    let alone = triage(&pb, &answers);
    assert_eq!(level(&pb, &alone), "smoke_alarm");

    let day = 86_400;
    let now = 1_800_000_000;
    let case = |id: &str, days_ago: i64, crisis: &str| PastCase {
        case_id: id.into(),
        time: "2027-01-01T00:00:00Z".into(),
        epoch: now - days_ago * day,
        level: "concern".into(),
        grievances: vec!["not_valued".into()],
        crisis: crisis.into(),
        stored_by: None,
    };
    let earlier = vec![
        case("c1", 10, "none"),
        case("c2", 40, "boss"),
        case("c3", 200, "none"),
    ];
    let mut prompter =
        defuse::prompt::script::ScriptPrompter::new("a.yaml", &answers, &pb).unwrap();
    let mut session = Session::new(&pb).with_history(&earlier, now);
    let outcome = defuse::triage::drive(&mut session, &mut prompter, |_| {}).unwrap();
    assert_eq!(
        level(&pb, &outcome),
        "concern",
        "two cases in 90 days raise the level by one"
    );
    assert!(
        outcome.assessment.flags.contains("repeat_complaint")
            && outcome.assessment.flags.contains("earlier_boss_crisis")
    );
    let cited: Vec<&Reason> = outcome
        .assessment
        .reasons
        .iter()
        .filter(|r| matches!(r, Reason::History { .. }))
        .collect();
    assert_eq!(cited.len(), 2, "{cited:?}");
    let text = cited[0].describe(defuse::i18n::Lang::En);
    assert!(
        text.contains("c1 (2027-01-01, concern: not_valued)") && !text.contains("c3"),
        "the 200-day-old case is outside 90 days: {text}"
    );
}

// --- Issue #15: no sentence the answers contradict -------------------------

#[test]
fn a_remedy_a_shown_dont_forbids_is_never_proposed_nor_planned_even_when_ticked() {
    let pb = playbook("general");
    let assess = r#"our_failure: "yes", real_loss: "yes", role: staff, stakes: [breach], pressure: "no", public: "no", audience: "no", history: first"#;
    let grievance = format!("picked: [real_loss]\n  {GRIEVANCE_DEFAULTS}");
    let outcome = triage(&pb, &general(assess, &grievance));
    assert_eq!(authority(&pb, &outcome), "venting");
    assert!(
        outcome
            .donts
            .iter()
            .any(|(_, d)| d.contains("venting call"))
    );
    assert!(!outcome.proposals.iter().any(|p| p.remedy == "manager_call"));
    // Ticked by hand (or by an answers file recorded before the don't named
    // it): the don't still wins, so the plan never shows both.
    let ticked = format!(
        "{}remedies:\n  selected: [listen_first, manager_call]\n",
        general(assess, &grievance)
    );
    let outcome = triage(&pb, &ticked);
    assert_eq!(remedies(&outcome), ["listen_first"]);
}

#[test]
fn a_playbooks_own_complaint_kinds_are_offered_and_mean_a_shared_kind() {
    let pb = playbook("scope-dispute");
    let outcome = triage(
        &pb,
        "case: {customer: X}\nassess: {in_contract: \"yes\", phase: live, pressure: \"no\", role: decision_maker, audience: \"no\", deadline: \"no\", walkout: \"no\"}\ngrievance: {picked: [broken_promise], kind: defect}\n",
    );
    assert_eq!(outcome.grievances.kind_keys, ["defect"]);
    assert_eq!(outcome.grievances.complaint_kinds, [ComplaintKind::OldBug]);
}
