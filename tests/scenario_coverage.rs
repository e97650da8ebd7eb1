//! Every level, authority and remedy of a shipped playbook is reached by at
//! least one of its shipped scenarios (issue #15): a remedy no scenario
//! proposes is one a customer would meet before a team lead does. Computed
//! from the engine's outcomes, not from what the scenarios assert.

use std::collections::BTreeSet;
use std::path::Path;

use defuse::playbook::Playbook;
use defuse::prompt::script::ScriptPrompter;
use defuse::scenario::ScenarioFile;
use defuse::triage::drive;
use defuse::triage::session::Session;

use crate::common::playbook;

/// What the scenarios of one playbook reached, as `level:…`, `authority:…`
/// and `remedy:…` ids.
fn reached(pb: &Playbook, name: &str, source: &str) -> BTreeSet<String> {
    let file = ScenarioFile::parse(name, source).unwrap_or_else(|e| panic!("{e}"));
    let mut seen = BTreeSet::new();
    for case in file.cases {
        let mut prompter = ScriptPrompter::from_file(name, source, case.answers, pb)
            .unwrap_or_else(|e| panic!("{e}"));
        let outcome = drive(&mut Session::new(pb), &mut prompter, |_| {})
            .unwrap_or_else(|e| panic!("{name}: {}: {e}", case.name.value));
        seen.insert(format!(
            "level:{}",
            pb.levels[outcome.assessment.level].id.value
        ));
        seen.insert(format!(
            "authority:{}",
            pb.authority[outcome.assessment.authority].id.value
        ));
        seen.extend(
            outcome
                .remedies
                .iter()
                .map(|r| format!("remedy:{}", r.remedy)),
        );
    }
    seen
}

/// What a playbook can judge or propose, in the same form as `reached`.
fn offered(pb: &Playbook) -> BTreeSet<String> {
    let levels = pb.levels.iter().map(|l| format!("level:{}", l.id.value));
    let authorities = pb
        .authority
        .iter()
        .map(|a| format!("authority:{}", a.id.value));
    let remedies = (pb.remedies.catalogue.iter()).map(|r| format!("remedy:{}", r.id.value));
    levels.chain(authorities).chain(remedies).collect()
}

/// The ids of `pb` no scenario in `source` reaches.
fn unexercised(pb: &Playbook, name: &str, source: &str) -> Vec<String> {
    let reached = reached(pb, name, source);
    offered(pb).difference(&reached).cloned().collect()
}

#[test]
fn every_level_authority_and_remedy_of_a_shipped_playbook_is_exercised_by_a_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks");
    for (id, _) in defuse::catalog::EMBEDDED {
        let name = format!("{id}.tests.yaml");
        let source = std::fs::read_to_string(dir.join(&name)).unwrap();
        let missing = unexercised(&playbook(id), &name, &source);
        assert!(
            missing.is_empty(),
            "{name}: no scenario reaches {missing:?}; add a case for each"
        );
    }
}

#[test]
fn a_remedy_no_scenario_reaches_is_reported() {
    // The check itself can fail: general's scenarios without the ones that
    // reach the reference visit leave it unexercised.
    let pb = playbook("general");
    let source = "cases:\n  - name: venting\n    answers:\n      case: {customer: N}\n      assess: {our_failure: \"no\", role: staff, stakes: [nothing]}\n      grievance: {picked: [venting]}\n    expect: {}\n";
    let missing = unexercised(&pb, "t.tests.yaml", source);
    assert!(
        missing.contains(&"remedy:reference_visit".to_owned()),
        "{missing:?}"
    );
    assert!(missing.contains(&"level:fire".to_owned()), "{missing:?}");
    assert!(
        !missing.contains(&"remedy:listen_first".to_owned()),
        "{missing:?}"
    );
    assert!(
        !missing.contains(&"level:smoke_alarm".to_owned()),
        "{missing:?}"
    );
}
