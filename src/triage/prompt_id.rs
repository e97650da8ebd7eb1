//! `PromptId`: which question a prompt is, and the fixed fields of the case,
//! step 2 and the complaint record. The one place prompt ids are printed
//! (`Display`) and read back (`FromStr`); the session, the answers file,
//! drafts and the scripted front end all go through it.
//!
//! The text form (`case.customer`, `assess.our_failure`, `remedies.due.0`)
//! is what drafts store, so it must never change.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::i18n::Labels;

/// One question of a session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PromptId {
    /// `case.{field}`
    Case(CaseField),
    /// `assess.{question id}`: a step-1 question of the playbook.
    Assess(String),
    /// `grievance.{field}`
    Grievance(GrievanceField),
    /// `remedies.selected`
    RemediesSelected,
    /// `remedies.adjust.{round}`: which remedy to change next, or done.
    Adjust(usize),
    /// `remedies.owner.{round}`: the new owner of the remedy picked in that round.
    Owner(usize),
    /// `remedies.due.{round}`: its new due time.
    Due(usize),
    /// `record.{field}`
    Record(RecordField),
    /// `field.{id}`: one of the playbook's own fields (`fields:`).
    Field(String),
}

/// The fields of the case, in the order asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseField {
    Customer,
    Contact,
    Role,
}

/// The fixed questions of step 2, in the order asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrievanceField {
    Picked,
    Words,
    Kind,
    Crisis,
    AtStake,
}

/// The complaint-record fields (seed 004), in the order asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordField {
    RemedySought,
    Impact,
    CustomerLoss,
    OurOwner,
}

/// A fixed set of fields with a key each (the part after the section's dot).
pub trait Field: Copy + 'static {
    /// Every field, in the order asked.
    const ALL: &'static [Self];
    fn key(self) -> &'static str;

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.key() == key)
    }

    /// Every key, for "known keys" hints.
    fn keys() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.key()).collect()
    }
}

impl Field for CaseField {
    const ALL: &'static [Self] = &[Self::Customer, Self::Contact, Self::Role];
    fn key(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Contact => "contact",
            Self::Role => "role",
        }
    }
}

impl CaseField {
    pub fn title(self, l: &Labels) -> &'static str {
        match self {
            Self::Customer => l.case_customer,
            Self::Contact => l.case_contact,
            Self::Role => l.case_role,
        }
    }

    /// Only the customer is needed to file a case.
    pub fn required(self) -> bool {
        self == Self::Customer
    }
}

impl Field for GrievanceField {
    const ALL: &'static [Self] = &[
        Self::Picked,
        Self::Words,
        Self::Kind,
        Self::Crisis,
        Self::AtStake,
    ];
    fn key(self) -> &'static str {
        match self {
            Self::Picked => "picked",
            Self::Words => "words",
            Self::Kind => "kind",
            Self::Crisis => "crisis",
            Self::AtStake => "at_stake",
        }
    }
}

impl Field for RecordField {
    const ALL: &'static [Self] = &[
        Self::RemedySought,
        Self::Impact,
        Self::CustomerLoss,
        Self::OurOwner,
    ];
    fn key(self) -> &'static str {
        match self {
            Self::RemedySought => "remedy_sought",
            Self::Impact => "impact",
            Self::CustomerLoss => "customer_loss",
            Self::OurOwner => "our_owner",
        }
    }
}

impl RecordField {
    pub fn title(self, l: &Labels) -> &'static str {
        match self {
            Self::RemedySought => l.record_remedy_sought,
            Self::Impact => l.record_impact,
            Self::CustomerLoss => l.record_customer_loss,
            Self::OurOwner => l.record_our_owner,
        }
    }
}

/// The sections of an answers file; a prompt id's text starts with one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Case,
    Assess,
    Grievance,
    Remedies,
    Record,
    Field,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Case => "case",
            Section::Assess => "assess",
            Section::Grievance => "grievance",
            Section::Remedies => "remedies",
            Section::Record => "record",
            Section::Field => "field",
        }
    }
}

impl PromptId {
    /// The customer: what drafts are listed by and history is looked up by.
    pub const CUSTOMER: PromptId = PromptId::Case(CaseField::Customer);

    pub fn section(&self) -> Section {
        match self {
            PromptId::Case(_) => Section::Case,
            PromptId::Assess(_) => Section::Assess,
            PromptId::Grievance(_) => Section::Grievance,
            PromptId::RemediesSelected
            | PromptId::Adjust(_)
            | PromptId::Owner(_)
            | PromptId::Due(_) => Section::Remedies,
            PromptId::Record(_) => Section::Record,
            PromptId::Field(_) => Section::Field,
        }
    }

    /// The id after its section's dot: the key an answers file uses for it
    /// under that section (the edit loop's prompts have none there).
    pub fn key(&self) -> Cow<'_, str> {
        match self {
            PromptId::Case(field) => field.key().into(),
            PromptId::Assess(question) => question.as_str().into(),
            PromptId::Grievance(field) => field.key().into(),
            PromptId::RemediesSelected => "selected".into(),
            PromptId::Adjust(round) => format!("adjust.{round}").into(),
            PromptId::Owner(round) => format!("owner.{round}").into(),
            PromptId::Due(round) => format!("due.{round}").into(),
            PromptId::Record(field) => field.key().into(),
            PromptId::Field(id) => id.as_str().into(),
        }
    }
}

impl fmt::Display for PromptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.section().name(), self.key())
    }
}

/// Text that is not a prompt id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a question id")]
pub struct UnknownPromptId(pub String);

impl FromStr for PromptId {
    type Err = UnknownPromptId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownPromptId(text.to_owned());
        // Only the form `Display` writes (no `+1`, no `01`), so every id
        // read prints back as the same text.
        let round = |n: &str| {
            n.parse::<usize>()
                .ok()
                .filter(|r| r.to_string() == n)
                .ok_or_else(unknown)
        };
        let (section, key) = text.split_once('.').ok_or_else(unknown)?;
        match section {
            "case" => CaseField::from_key(key).map(PromptId::Case),
            "assess" if !key.is_empty() => Some(PromptId::Assess(key.to_owned())),
            "grievance" => GrievanceField::from_key(key).map(PromptId::Grievance),
            "record" => RecordField::from_key(key).map(PromptId::Record),
            "field" if !key.is_empty() => Some(PromptId::Field(key.to_owned())),
            "remedies" => match key.split_once('.') {
                None if key == "selected" => Some(PromptId::RemediesSelected),
                Some(("adjust", n)) => return round(n).map(PromptId::Adjust),
                Some(("owner", n)) => return round(n).map(PromptId::Owner),
                Some(("due", n)) => return round(n).map(PromptId::Due),
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(unknown)
    }
}

/// Ids order as their text, so maps keyed by id (a draft's undone answers)
/// are written in the order they always were.
impl Ord for PromptId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for PromptId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for PromptId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PromptId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<PromptId> {
        let mut ids: Vec<PromptId> = CaseField::ALL.iter().map(|&f| PromptId::Case(f)).collect();
        ids.push(PromptId::Assess("our_failure".into()));
        ids.push(PromptId::Assess("a.dotted.id".into()));
        ids.extend(GrievanceField::ALL.iter().map(|&f| PromptId::Grievance(f)));
        ids.push(PromptId::RemediesSelected);
        for round in [0, 7, 49, 123] {
            ids.extend([
                PromptId::Adjust(round),
                PromptId::Owner(round),
                PromptId::Due(round),
            ]);
        }
        ids.extend(RecordField::ALL.iter().map(|&f| PromptId::Record(f)));
        ids.push(PromptId::Field("order_id".into()));
        ids
    }

    #[test]
    fn every_id_prints_and_parses_back_to_itself() {
        for id in every_kind() {
            let text = id.to_string();
            assert_eq!(text.parse::<PromptId>(), Ok(id.clone()), "{text}");
            assert!(text.starts_with(&format!("{}.", id.section().name())));
        }
    }

    /// Drafts on disk hold these exact strings.
    #[test]
    fn the_text_form_is_the_one_drafts_store() {
        let cases = [
            (PromptId::CUSTOMER, "case.customer"),
            (PromptId::Assess("stakes".into()), "assess.stakes"),
            (
                PromptId::Grievance(GrievanceField::AtStake),
                "grievance.at_stake",
            ),
            (PromptId::RemediesSelected, "remedies.selected"),
            (PromptId::Adjust(2), "remedies.adjust.2"),
            (PromptId::Owner(0), "remedies.owner.0"),
            (PromptId::Due(10), "remedies.due.10"),
            (PromptId::Record(RecordField::OurOwner), "record.our_owner"),
            (PromptId::Field("order_id".into()), "field.order_id"),
        ];
        for (id, text) in cases {
            assert_eq!(id.to_string(), text);
            assert_eq!(text.parse::<PromptId>(), Ok(id));
        }
    }

    #[test]
    fn anything_else_is_refused_not_guessed() {
        for text in [
            "",
            "case",
            "case.",
            "case.name",
            "assess.",
            "grievance.picked.0",
            "remedies",
            "remedies.selected.0",
            "remedies.adjust",
            "remedies.adjust.",
            "remedies.adjust.x",
            "remedies.adjust.-1",
            "remedies.adjust.+1",
            "remedies.adjust.01",
            "remedies.due.1.2",
            "record.notes",
            "field",
            "field.",
            "plan.customer",
        ] {
            assert_eq!(
                text.parse::<PromptId>(),
                Err(UnknownPromptId(text.into())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn ids_order_as_their_text() {
        let mut ids = every_kind();
        ids.sort();
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn field_keys_are_unique_and_read_back() {
        fn check<F: Field + PartialEq + fmt::Debug>() {
            for &f in F::ALL {
                assert_eq!(F::from_key(f.key()), Some(f));
            }
            let mut keys = F::keys();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), F::ALL.len());
        }
        check::<CaseField>();
        check::<GrievanceField>();
        check::<RecordField>();
    }
}
