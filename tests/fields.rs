//! A playbook's own fields (`fields:`): declared, linted, asked (live and
//! from answers files, with positioned errors), kept by drafts, filled into
//! templates. Storing and exporting them: `tests/archive.rs`.

use defuse::playbook::load_str;
use defuse::prompt::script::ScriptPrompter;
use defuse::triage::PromptId;
use defuse::triage::answers::AnswerValue;
use defuse::triage::session::{PromptKind, Session, Stage};

use crate::common::{playbook, problems, triage};

const BASE: &str = include_str!("../src/lint/examples/base.yaml");

/// The lint example playbook with `fields` declared and a template using them.
fn with_fields(fields: &str, template: &str) -> String {
    let pb = BASE.replacen(
        "version: \"1\"\n",
        &format!("version: \"1\"\nfields:\n{fields}"),
        1,
    );
    pb.replacen(
        "      due: 24h\n",
        &format!("      due: 24h\n      template: \"{template}\"\n"),
        1,
    )
}

const ORDER: &str = "  - {id: order_id, label: Order number, mask: \"ORD-####\", required: true}\n  \
                     - {id: refund_due, label: Refund promised for, kind: date, asked_at: record}\n";

fn text(s: &str) -> AnswerValue {
    AnswerValue::Text(s.into())
}

#[test]
fn a_declared_field_is_a_placeholder_in_both_forms() {
    let pb = with_fields(
        ORDER,
        "Order {{field.order_id}} ({{order_id}}), {{refund_due}}",
    );
    assert_eq!(problems(&pb), "");
    let bad = with_fields(ORDER, "Order {{field.order}}");
    let found = problems(&bad);
    assert!(
        found.contains("unknown placeholder `{{field.order}}`"),
        "{found}"
    );
    assert!(found.contains("[template-error]"), "{found}");
    assert!(
        found.contains("field.order_id, field.refund_due"),
        "{found}"
    );
}

#[test]
fn field_declarations_that_cannot_work_are_found_all_at_once() {
    let fields = "  - {id: order_id, label: A}\n  - {id: order_id, label: B}\n  \
                  - {id: customer, label: C}\n  - {id: Order-No, label: D}\n  \
                  - {id: amount, label: E, kind: number, mask: \"###\"}\n  \
                  - {id: po, label: F, mask: \"PO-\\\\\"}\n  \
                  - {id: ref, label: G, mask: \"#####\", max_len: 3}\n";
    let found = problems(&with_fields(fields, "ok"));
    for want in [
        "duplicate field id `order_id`",
        "field id `customer` is a built-in placeholder",
        "field id `Order-No` is not a plain name",
        "e.g. `order_no`",
        "field `amount` is a number: `mask` applies to text only",
        "mask of field `po`: the mask ends with `\\`",
        "mask of field `ref` takes 5 characters, but `max_len` is 3",
    ] {
        assert!(found.contains(want), "{want} not in\n{found}");
    }
    assert_eq!(found.matches("[invalid-field]").count(), 5, "{found}");
}

#[test]
fn fields_are_asked_where_declared_and_a_bad_value_is_asked_again() {
    let source = with_fields(ORDER, "{{order_id}}");
    let pb = load_str("pb.yaml", &source).unwrap();
    let mut session = Session::new(&pb);
    for _ in 0..3 {
        session.answer(text("Acme")).unwrap();
    }
    let prompt = session.next_prompt().unwrap();
    assert_eq!(prompt.id, PromptId::Field("order_id".into()));
    assert_eq!(
        (prompt.stage, prompt.title.as_str()),
        (Stage::Case, "Order number")
    );
    assert!(matches!(prompt.kind, PromptKind::Field(_)));
    // Refused, and still the question: the front end asks it again.
    let why = session.answer(text("ORD-12")).unwrap_err();
    assert!(why.to_string().contains("write it as `ORD-####`"), "{why}");
    assert!(
        why.describe(defuse::i18n::Lang::ZhTw).contains("ORD-####"),
        "the rep is told in their language"
    );
    assert_eq!(
        session.answer(text("  ")).unwrap_err().to_string(),
        "this answer is required"
    );
    assert_eq!(
        session.next_prompt().unwrap().id,
        PromptId::Field("order_id".into())
    );
    session.answer(text(" ORD-0042 ")).unwrap();
    assert!(matches!(
        session.next_prompt().unwrap().id,
        PromptId::Assess(_)
    ));

    // A draft keeps the answer, and resumes past it.
    let snapshot = session.snapshot();
    let resumed = Session::restore(&pb, &snapshot).unwrap();
    assert_eq!(
        resumed.answered(&PromptId::Field("order_id".into())),
        Some(&text(" ORD-0042 "))
    );
}

#[test]
fn answers_files_give_fields_and_are_refused_at_the_line_that_is_wrong() {
    let pb = playbook("scope-dispute");
    let answers = "case: {customer: Meridian}\n\
                   assess: {in_contract: \"no\", phase: negotiating, pressure: \"no\", role: staff, deadline: \"no\", walkout: \"no\"}\n\
                   grievance: {picked: [scope_misunderstanding]}\n";
    let outcome = triage(&pb, &format!("{answers}field: {{contract_ref: CR-7}}\n"));
    assert_eq!(outcome.fields, vec![("contract_ref".into(), "CR-7".into())]);
    // Not given: empty, as before the playbook had the field.
    let outcome = triage(&pb, answers);
    assert_eq!(outcome.fields, vec![("contract_ref".into(), String::new())]);

    let typo = format!("{answers}field: {{contract_rf: CR-7}}\n");
    let err = ScriptPrompter::new("a.yaml", &typo, &pb)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("a.yaml:4:"), "{err}");
    assert!(
        err.contains("playbook `scope-dispute` has no field `contract_rf`"),
        "{err}"
    );
    assert!(err.contains("contract_ref"), "did you mean: {err}");
    assert!(err.contains("[unknown-answer-key]"), "{err}");

    let long = format!("{answers}field:\n  contract_ref: {}\n", "x".repeat(41));
    let mut prompter = ScriptPrompter::new("a.yaml", &long, &pb).unwrap();
    let mut session = Session::new(&pb);
    let err = defuse::triage::drive(&mut session, &mut prompter, |_| {})
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("a.yaml:5:17"), "{err}");
    assert!(
        err.contains(
            "invalid answer to `field.contract_ref`: at most 40 characters here; this has 41"
        ),
        "{err}"
    );
}

#[test]
fn a_missing_required_field_names_where_it_goes() {
    let source = with_fields(ORDER, "ok");
    let pb = load_str("pb.yaml", &source).unwrap();
    let mut prompter = ScriptPrompter::new(
        "a.yaml",
        "case: {customer: Acme}\nassess: {loss: \"no\"}\n",
        &pb,
    )
    .unwrap();
    let err = defuse::triage::drive(&mut Session::new(&pb), &mut prompter, |_| {})
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("missing answer `field.order_id`: Order number"),
        "{err}"
    );
    assert!(err.contains("add `order_id: …` under `field:`"), "{err}");
}
