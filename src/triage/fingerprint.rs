//! A call's fingerprint: what makes two stored cases the same call. It is
//! SHA-256 over the playbook id and version, the call time (as an instant,
//! so `+08:00` and `Z` spellings agree) and the answers in canonical form —
//! the answers file's sections with keys sorted, every scalar as text, and
//! no comments, layout or `now`/`playbook` lines (those are replaced by the
//! resolved values). The archive stores it beside each case and refuses a
//! second case with the same fingerprint; the case id ends with its first
//! characters, so a replay gets the same id and two calls almost never share
//! one (the archive refuses the rare clash).

use sha2::{Digest, Sha256};

use super::answers::{AnswersFile, RawAnswer};

/// Hex SHA-256 of a call (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint(String);

/// How many hex digits of the fingerprint end a case id: 32 bits, so two
/// different calls for one customer in one minute clash once in ~4 billion.
const ID_DIGITS: usize = 8;

/// A call's answers in canonical form (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalAnswers(String);

impl CanonicalAnswers {
    /// From an answers file already read (a replay has one: no second parse).
    pub fn of_file(file: &AnswersFile) -> Self {
        CanonicalAnswers(canonical(file))
    }

    /// From an answers file's text. Text that does not parse (only an old
    /// archive can hold one) stands for itself, byte for byte.
    pub fn of_text(answers_yaml: &str) -> Self {
        match AnswersFile::parse("answers", answers_yaml) {
            Ok(file) => Self::of_file(&file),
            Err(_) => CanonicalAnswers(format!("raw:{answers_yaml}")),
        }
    }
}

impl Fingerprint {
    /// The fingerprint of a call whose answers file is `answers_yaml`.
    pub fn of(
        answers_yaml: &str,
        playbook_id: &str,
        playbook_version: &str,
        call_epoch: i64,
    ) -> Self {
        Self::new(
            &CanonicalAnswers::of_text(answers_yaml),
            playbook_id,
            playbook_version,
            call_epoch,
        )
    }

    pub fn new(
        answers: &CanonicalAnswers,
        playbook_id: &str,
        playbook_version: &str,
        call_epoch: i64,
    ) -> Self {
        let mut hash = Sha256::new();
        // Each part ends with a NUL, which none of them can contain
        // unescaped (the answers are JSON), so parts cannot run together.
        for part in [
            "defuse.case/v1",
            playbook_id,
            playbook_version,
            &call_epoch.to_string(),
            &answers.0,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let digest = hash.finalize();
        Fingerprint(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part a case id ends with.
    pub fn short(&self) -> &str {
        &self.0[..ID_DIGITS]
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The answers as compact JSON with sorted keys (serde_json's map is a
/// BTreeMap): what was answered, not how it was written.
fn canonical(file: &AnswersFile) -> String {
    use serde_json::{Map, Value};
    let raw = |answer: &RawAnswer| match answer {
        RawAnswer::Text(text) => Value::String(text.clone()),
        // `4` and `"4"` are the same answer to a scale or a text question.
        RawAnswer::Number(n) => Value::String(n.to_string()),
        RawAnswer::List(items) => Value::from(items.clone()),
    };
    let section = |answers: &super::answers::Section| {
        Value::Object(
            answers
                .iter()
                .map(|(key, answer)| (key.clone(), raw(&answer.value)))
                .collect(),
        )
    };
    let adjust: Map<String, Value> = file
        .remedies
        .adjust
        .iter()
        .map(|(remedy, change)| {
            let mut fields = Map::new();
            if let Some(owner) = &change.value.owner {
                fields.insert("owner".into(), Value::String(owner.value.clone()));
            }
            if let Some(due) = &change.value.due {
                fields.insert("due".into(), Value::String(due.value.clone()));
            }
            (remedy.clone(), Value::Object(fields))
        })
        .collect();
    let mut remedies = Map::new();
    if let Some(selected) = &file.remedies.selected {
        remedies.insert("selected".into(), raw(&selected.value));
    }
    remedies.insert("adjust".into(), Value::Object(adjust));
    let mut all = serde_json::json!({
        "case": section(&file.case),
        "assess": section(&file.assess),
        "grievance": section(&file.grievance),
        "remedies": remedies,
        "record": section(&file.record),
    });
    // A field left empty is a field not given, and only a call with a value
    // has the key: every call recorded before playbooks had fields keeps its
    // fingerprint (and case id), and a live call and the replay of its
    // answers file (which writes `order_id: ""`) agree.
    let given: super::answers::Section = file
        .field
        .iter()
        .filter(|(_, answer)| !matches!(&answer.value, RawAnswer::Text(t) if t.trim().is_empty()))
        .map(|(key, answer)| (key.clone(), answer.clone()))
        .collect();
    if !given.is_empty()
        && let Value::Object(map) = &mut all
    {
        map.insert("field".into(), section(&given));
    }
    all.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWERS: &str = "playbook: general\nnow: 2026-11-23T10:00:00+08:00\n\
        case: {customer: Acme, contact: Jane Li}\nassess: {our_failure: yes, scale: 4}\n\
        grievance: {picked: [lost_face, not_valued]}\n";

    fn of(answers: &str) -> Fingerprint {
        Fingerprint::of(answers, "general", "1.0.0", 1_795_399_200)
    }

    #[test]
    fn fields_count_only_when_given() {
        let base = of(ANSWERS);
        // An empty field is no field: calls from before fields keep their id.
        assert_eq!(of(&format!("{ANSWERS}field: {{order_id: \"\"}}\n")), base);
        let with = of(&format!("{ANSWERS}field: {{order_id: A-1}}\n"));
        assert_ne!(with, base);
        assert_ne!(with, of(&format!("{ANSWERS}field: {{order_id: A-2}}\n")));
        // Pinned: the canonical form of a call without fields never changes.
        assert_eq!(
            CanonicalAnswers::of_text(ANSWERS).0,
            r#"{"assess":{"our_failure":"yes","scale":"4"},"case":{"contact":"Jane Li","customer":"Acme"},"grievance":{"picked":["lost_face","not_valued"]},"record":{},"remedies":{"adjust":{}}}"#
        );
    }

    #[test]
    fn layout_comments_and_the_written_time_do_not_make_a_new_call() {
        let same = "# replayed\nnow: 2026-11-23T02:00:00Z\nplaybook: general\n\
            assess:\n  scale: '4'\n  our_failure: 'yes'\n\
            case:\n  contact: Jane Li\n  customer: Acme\n\
            grievance:\n  picked:\n    - lost_face\n    - not_valued\n";
        assert_eq!(of(ANSWERS), of(same));
        assert_eq!(of(ANSWERS).as_str().len(), 64);
        assert_eq!(of(ANSWERS).short(), &of(ANSWERS).as_str()[..8]);
    }

    #[test]
    fn another_answer_playbook_version_or_time_is_another_call() {
        let base = of(ANSWERS);
        assert_ne!(base, of(&ANSWERS.replace("Jane Li", "Jane Lee")));
        assert_ne!(
            base,
            of(&ANSWERS.replace("lost_face, not_valued", "not_valued, lost_face"))
        );
        assert_ne!(
            base,
            Fingerprint::of(ANSWERS, "general", "1.0.1", 1_795_399_200)
        );
        assert_ne!(
            base,
            Fingerprint::of(ANSWERS, "outage", "1.0.0", 1_795_399_200)
        );
        assert_ne!(
            base,
            Fingerprint::of(ANSWERS, "general", "1.0.0", 1_795_399_201)
        );
    }

    #[test]
    fn a_file_already_read_gives_what_its_text_gives() {
        let file = AnswersFile::parse("a.yaml", ANSWERS).unwrap();
        let call = Fingerprint::new(
            &CanonicalAnswers::of_file(&file),
            "general",
            "1.0.0",
            1_795_399_200,
        );
        assert_eq!(call, of(ANSWERS));
    }

    #[test]
    fn unreadable_answers_are_fingerprinted_as_written() {
        assert_eq!(of("case: [unclosed"), of("case: [unclosed"));
        assert_ne!(of("case: [unclosed"), of("case: [unclosed "));
    }
}
