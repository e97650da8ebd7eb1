//! The complaint-record vocabulary the engine itself understands (from the
//! source articles), shared by every playbook: what kind of complaint it is,
//! which crisis it belongs to, and whether confidence or trust is at stake.

use serde::{Deserialize, Serialize};

/// A closed set of keys with labels, offered as a choice in step 2.
pub trait Vocabulary: Copy + 'static {
    const ALL: &'static [Self];
    fn key(self) -> &'static str;
    fn label(self) -> &'static str;
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl $name {
            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }
        }
    };
}

vocabulary! {
    /// New requirement (negotiate between product, sales and customer) vs a
    /// defect or broken promise (engineering must fix it, urgently). Seed 004.
    ComplaintKind {
        NewRequirement => "new_requirement", "New requirement — negotiate scope";
        OldBug => "old_bug", "Old bug — engineering must fix it";
        BrokenPromise => "broken_promise", "Broken promise — we committed and did not deliver";
        Misunderstanding => "misunderstanding", "Misunderstanding — facts need explaining";
        Unclear => "unclear", "Not clear yet";
    }
}

vocabulary! {
    /// Product (expectation vs experience), team (front-line users not on
    /// board) or boss (the top decision-maker loses patience). Seed 002.
    CrisisType {
        Product => "product", "Product crisis — expectation vs real experience";
        Team => "team", "Team crisis — their front-line users are not on board";
        Boss => "boss", "Boss crisis — their top decision-maker is losing patience";
        None => "none", "No crisis pattern";
    }
}

vocabulary! {
    /// Loss of confidence (is the project worth continuing? fixable) vs loss
    /// of trust (is this company worth working with? nearly irreversible). Seed 002.
    AtStake {
        Confidence => "confidence", "Confidence — they doubt the project; a revised plan can fix it";
        Trust => "trust", "Trust — they doubt us; nearly irreversible, act at the top";
        Neither => "neither", "Neither yet";
    }
}
