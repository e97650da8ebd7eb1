//! Playbook text in one or several languages: a plain string (the same for
//! every locale) or a map of locale → text. The position of the text is kept
//! so lint can point at a missing translation; a misspelt locale code is
//! found from there (`key_position`). One span per text, not one per key and
//! value: spans cost more to parse than the text itself, and a playbook in
//! three languages has a few hundred texts.
//!
//! ```yaml
//! label: Smoke alarm
//! label: {en: Smoke alarm, zh-TW: 煙霧警報器響, zh-CN: 烟雾报警器响了}
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized(Option<Spanned<Forms>>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forms {
    /// One text for every locale.
    Plain(String),
    /// Locale code → text, in the order written; codes are checked by
    /// validation (an unknown one is an error there, not a parse failure,
    /// so every problem in the file is reported at once).
    ByLocale(Vec<(String, String)>),
}

impl Localized {
    /// A text read elsewhere, with its position (see `wording`).
    pub(super) fn from_spanned(forms: Spanned<Forms>) -> Self {
        Localized(Some(forms))
    }

    /// The text for `lang`, falling back as [`Lang::fallbacks`] says.
    pub fn get(&self, lang: Lang) -> &str {
        match self.0.as_ref().map(|s| &s.value) {
            None => "",
            Some(Forms::Plain(text)) => text,
            Some(Forms::ByLocale(entries)) => lang
                .fallbacks()
                .iter()
                .find_map(|l| entries.iter().find(|(code, _)| code == l.code()))
                .or_else(|| entries.first())
                .map_or("", |(_, text)| text.as_str()),
        }
    }

    /// Owned text for `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.get(lang).to_owned()
    }

    /// Absent, or present but empty in every form.
    pub fn is_empty(&self) -> bool {
        match self.0.as_ref().map(|s| &s.value) {
            None => true,
            Some(Forms::Plain(text)) => text.is_empty(),
            Some(Forms::ByLocale(entries)) => entries.iter().all(|(_, t)| t.is_empty()),
        }
    }

    /// Where the text was written (`None` for a defaulted field).
    pub fn spanned(&self) -> Option<&Spanned<Forms>> {
        self.0.as_ref()
    }

    /// The locale codes and texts written (none for plain text).
    pub fn entries(&self) -> &[(String, String)] {
        match self.0.as_ref().map(|s| &s.value) {
            Some(Forms::ByLocale(entries)) => entries,
            _ => &[],
        }
    }

    /// Whether this is a single text for every locale.
    pub fn is_plain(&self) -> bool {
        matches!(self.0.as_ref().map(|s| &s.value), Some(Forms::Plain(_)))
    }

    /// Every version of the text, for checks that apply to each
    /// language's (templates): `(locale, text)`, locale `None` for plain text.
    pub fn versions(&self) -> Vec<(Option<&str>, &str)> {
        match self.0.as_ref().map(|s| &s.value) {
            None => Vec::new(),
            Some(Forms::Plain(text)) => vec![(None, text.as_str())],
            Some(Forms::ByLocale(entries)) => entries
                .iter()
                .map(|(code, text)| (Some(code.as_str()), text.as_str()))
                .collect(),
        }
    }

    /// The known locales this text is written in (all of them for plain text).
    pub fn locales(&self) -> BTreeSet<Lang> {
        match self.0.as_ref().map(|s| &s.value) {
            None => BTreeSet::new(),
            Some(Forms::Plain(_)) => Lang::ALL.into_iter().collect(),
            Some(Forms::ByLocale(entries)) => entries
                .iter()
                .filter_map(|(code, _)| Lang::from_code(code))
                .collect(),
        }
    }
}

/// Where `key` is written as a key of the map that starts at `map`: the
/// first `key:` (or `"key":`) after the map's start. Only asked for when a key
/// is wrong, so a scan is fine; falls back to the map's own position.
pub fn key_position(source: &str, map: &Spanned<Forms>, key: &str) -> (u64, u64) {
    let at = &map.referenced;
    let fallback = (at.line(), at.column());
    let Some(start) = at
        .span()
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
    else {
        return fallback;
    };
    let Some(rest) = source.get(start..) else {
        return fallback;
    };
    // `key:`, `"key":` or `'key':` — not the same word inside a quoted value.
    let is_key_at = |i: usize| {
        let after = &rest[i + key.len()..];
        match rest[..i].chars().next_back() {
            Some(q @ ('"' | '\'')) => after.strip_prefix(q).is_some_and(|a| a.starts_with(':')),
            before => {
                before.is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ','))
                    && after.starts_with(':')
            }
        }
    };
    let Some(found) = rest
        .match_indices(key)
        .map(|(i, _)| i)
        .find(|&i| is_key_at(i))
    else {
        return fallback;
    };
    // A quoted key starts at its quote.
    let quoted = matches!(rest[..found].chars().next_back(), Some('"' | '\''));
    crate::diagnostic::position(source.as_bytes(), start + found - usize::from(quoted))
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<Forms>::deserialize(d).map(|s| Localized(Some(s)))
    }
}

impl<'de> Deserialize<'de> for Forms {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FormsVisitor)
    }
}

struct FormsVisitor;

impl<'de> Visitor<'de> for FormsVisitor {
    type Value = Forms;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text, or a map of language → text (`en`, `zh-TW`, `zh-CN`)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Forms, E> {
        Ok(Forms::Plain(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Forms, E> {
        Ok(Forms::Plain(v))
    }

    // `label: 2024` or `label: true` is still text to a team lead.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Forms, E> {
        Ok(Forms::Plain(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Forms, E> {
        Ok(Forms::Plain(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Forms, E> {
        Ok(Forms::Plain(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Forms, E> {
        Ok(Forms::Plain(v.to_string()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Forms, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, String>()? {
            entries.push(entry);
        }
        Ok(Forms::ByLocale(entries))
    }
}

impl JsonSchema for Localized {
    fn schema_name() -> Cow<'static, str> {
        "LocalizedText".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let text = json_schema!({"type": "string"});
        json_schema!({
            "description": "Text the rep reads: one string for every language, or a map of language → text. Missing languages fall back (zh-TW ↔ zh-CN, then en).",
            "anyOf": [
                text,
                {
                    "type": "object",
                    "properties": {"en": text, "zh-TW": text, "zh-CN": text},
                    "additionalProperties": false,
                    "minProperties": 1
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Localized {
        serde_saphyr::from_str(yaml).expect("parses")
    }

    #[test]
    fn plain_text_is_every_language() {
        let text = parse("Smoke alarm");
        for lang in Lang::ALL {
            assert_eq!(text.get(lang), "Smoke alarm");
        }
        assert!(text.is_plain());
    }

    #[test]
    fn a_missing_locale_falls_back_to_the_other_script_then_english() {
        let text = parse("{en: Fire, zh-CN: 火警}");
        assert_eq!(text.get(Lang::En), "Fire");
        assert_eq!(text.get(Lang::ZhCn), "火警");
        assert_eq!(text.get(Lang::ZhTw), "火警");
        let english_only = parse("{en: Fire}");
        assert_eq!(english_only.get(Lang::ZhTw), "Fire");
        // A map in none of the known locales still shows something.
        assert_eq!(parse("{zh_TW: 火警}").get(Lang::En), "火警");
    }

    #[test]
    fn a_key_is_found_from_the_position_of_its_map() {
        let source = "a: {en: 'zh_TW: no', zh_TW: 火警}\nlabel:\n  en: zh_TW\n  \"zh_TW\": 火警\n";
        let texts: std::collections::BTreeMap<String, Localized> =
            serde_saphyr::from_str(source).expect("parses");
        let at = |name: &str| key_position(source, texts[name].spanned().unwrap(), "zh_TW");
        assert_eq!(at("a"), (1, 22));
        assert_eq!(at("label"), (4, 3));
    }
}
