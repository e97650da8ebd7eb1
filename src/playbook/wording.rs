//! Text that depends on the case: one text, or variants chosen by `when:`.
//! A plan must never show a sentence the answers contradict ("A real failure
//! …" when nothing failed), so a description, an action, a talking point or
//! a template may be written as variants; the first whose `when` holds (or
//! that has none) is shown, and when none holds nothing is.
//!
//! ```yaml
//! definition: A real failure with consequences.            # one text
//! definition: {text: Contract at risk., when: {flag: breach_risk}}
//! definition:                                              # the first that holds
//!   - {text: A real failure with consequences., when: {flag: real_failure}}
//!   - text: {en: A contract at risk or public exposure., zh-TW: …}
//! ```
//!
//! A map is a variant when its first key is `text` or `when`; otherwise it is
//! a language map (`en`, `zh-TW`, …), as everywhere else.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::condition::{Condition, Facts};
use super::localized::{Forms, Localized};
use crate::i18n::Lang;

/// One text with the condition under which it is shown.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub text: Localized,
    /// Show this text only when the condition holds over the case.
    pub when: Option<Condition>,
}

/// A text, or variants of it chosen by the case (see the module docs).
#[derive(Debug, Default)]
pub struct Wording(Vec<Variant>);

impl Wording {
    /// The variants as written (one without `when` for plain text).
    pub fn variants(&self) -> &[Variant] {
        &self.0
    }

    /// The text shown for these facts: the first variant whose `when` holds.
    pub fn pick(&self, facts: &Facts) -> Option<&Localized> {
        self.0
            .iter()
            .find(|v| v.when.as_ref().is_none_or(|w| w.eval(facts)))
            .map(|v| &v.text)
    }

    /// The text for these facts in `lang` ("" when no variant holds).
    pub fn text(&self, lang: Lang, facts: &Facts) -> String {
        self.pick(facts).map(|t| t.text(lang)).unwrap_or_default()
    }

    /// Absent, or every variant's text empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|v| v.text.is_empty())
    }

    /// Every variant's condition, for validation.
    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.0.iter().filter_map(|v| v.when.as_ref())
    }

    /// Whether some variant is always shown (has no `when`).
    pub fn has_fallback(&self) -> bool {
        self.0.iter().any(|v| v.when.is_none())
    }
}

/// What the YAML node was, before its position is attached.
enum Raw {
    Text(Forms),
    Variants(Vec<Variant>),
}

impl<'de> Deserialize<'de> for Wording {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Spanned::<Raw>::deserialize(d)?;
        Ok(Wording(match raw.value {
            Raw::Text(forms) => vec![Variant {
                text: Localized::from_spanned(Spanned::new(forms, raw.referenced, raw.defined)),
                when: None,
            }],
            Raw::Variants(variants) => variants,
        }))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "text, a map of language → text, `{text: …, when: …}`, or a list of `{text: …, when: …}`",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v)))
    }

    // `label: 2024` or `label: true` is still text to a team lead.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Text(Forms::Plain(v.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut variants = Vec::new();
        while let Some(variant) = seq.next_element::<Variant>()? {
            variants.push(variant);
        }
        Ok(Raw::Variants(variants))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Raw::Text(Forms::ByLocale(Vec::new())));
        };
        if first != "text" && first != "when" {
            // A language map, read as `Localized` reads it.
            let mut entries = vec![(first, map.next_value::<String>()?)];
            while let Some(entry) = map.next_entry::<String, String>()? {
                entries.push(entry);
            }
            return Ok(Raw::Text(Forms::ByLocale(entries)));
        }
        let (mut text, mut when) = (None, None);
        let mut key = Some(first);
        while let Some(k) = key {
            match k.as_str() {
                "text" if text.is_none() => text = Some(map.next_value::<Localized>()?),
                "when" if when.is_none() => when = Some(map.next_value::<Condition>()?),
                "text" | "when" => return Err(de::Error::duplicate_field("text or when")),
                other => return Err(de::Error::unknown_field(other, &["text", "when"])),
            }
            key = map.next_key::<String>()?;
        }
        let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
        Ok(Raw::Variants(vec![Variant { text, when }]))
    }
}

impl JsonSchema for Wording {
    fn schema_name() -> Cow<'static, str> {
        "Wording".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<Localized>();
        let variant = generator.subschema_for::<Variant>();
        json_schema!({
            "description": "Text the rep reads, or variants of it: `{text, when}` or a list of them; the first whose `when` holds is shown.",
            "anyOf": [text, variant, {"type": "array", "items": variant}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Wording {
        serde_saphyr::from_str(yaml).expect("parses")
    }

    #[test]
    fn plain_text_and_language_maps_are_one_variant_without_condition() {
        for yaml in ["A fire", "{en: A fire, zh-TW: 火警}"] {
            let w = parse(yaml);
            assert_eq!(w.variants().len(), 1);
            assert!(w.has_fallback());
            assert_eq!(w.variants()[0].text.get(Lang::En), "A fire");
        }
        // The position of the text is kept (lint points at missing translations).
        assert!(parse("{en: A fire}").variants()[0].text.spanned().is_some());
    }

    #[test]
    fn variants_keep_their_conditions() {
        let w = parse("[{text: Failed, when: {flag: real_failure}}, {text: {en: Exposed}}]");
        assert_eq!(w.variants().len(), 2);
        assert!(w.variants()[0].when.is_some());
        assert!(!w.variants()[1].text.is_plain());
        let one = parse("{when: {flag: x}, text: Only then}");
        assert_eq!(one.variants().len(), 1);
        assert!(!one.has_fallback());
    }

    #[test]
    fn a_variant_without_text_or_with_a_stray_key_is_refused() {
        for yaml in [
            "{when: {flag: x}}",
            "{text: a, whne: {flag: x}}",
            "[{txt: a}]",
        ] {
            assert!(
                serde_saphyr::from_str::<Wording>(yaml).is_err(),
                "{yaml} parsed"
            );
        }
    }
}

#[cfg(test)]
mod validation {
    use crate::diagnostic::RuleId;
    use crate::playbook::load::check_str;

    const BASE: &str = include_str!("../lint/examples/base.yaml");

    #[test]
    fn a_variants_condition_and_a_talking_points_are_checked_with_positions() {
        let source = BASE
            .replace(
                "    definition: Money lost.\n",
                "    definition:\n      - {text: Money lost., when: {flag: real_los}}\n      - text: Something is at stake.\n",
            )
            .replace(
                "      action: Refund the loss.\n",
                "      action: Refund the loss.\n      talking_points:\n        - {text: We owe you this., when: {grievance: lost_fac}}\n",
            );
        let (pb, report) = check_str("p.yaml", &source);
        assert!(pb.is_some());
        let found: Vec<(RuleId, u64, u64)> = report
            .problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect();
        assert_eq!(
            found,
            [
                (RuleId::UnknownReference, 20, 42),
                (RuleId::UnknownReference, 44, 54),
            ],
            "{report:?}"
        );
    }
}
