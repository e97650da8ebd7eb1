//! A playbook's own case fields (`fields:`): an invoice number, an order id.
//! The declaration, where it is asked, and the one check every value passes
//! (a live answer, an answers file, a draft) — pure, and worded by the caller.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::localized::Localized;

/// The longest value a field takes when it sets no `max_len`: fields are
/// references (numbers, ids), not prose, and they land in table cells.
pub const DEFAULT_MAX_LEN: usize = 200;

/// One field the rep fills in for every case of this playbook.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The key answers files use (`field: {order_id: A-1042}`) and templates
    /// fill (`{{field.order_id}}` or `{{order_id}}`): lowercase letters,
    /// digits and `_`, starting with a letter.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rep is asked and the plan calls it, e.g. "Order number".
    pub label: Localized,
    /// A hint shown under the question, e.g. "on the invoice, top right".
    #[serde(default)]
    pub help: Localized,
    /// `text` (the default), `number` (digits, an optional `-` and one
    /// decimal point) or `date` (`YYYY-MM-DD`).
    #[schemars(with = "Option<FieldKind>")]
    pub kind: Option<Spanned<FieldKind>>,
    /// Whether the case cannot be filed without it.
    #[serde(default)]
    pub required: bool,
    /// When it is asked: `case` (with the customer and contact, the default)
    /// or `record` (with the complaint record, at the end of the call).
    #[serde(default)]
    pub asked_at: AskedAt,
    /// For `text`: the most characters it takes (200 when not given).
    #[schemars(with = "Option<usize>")]
    pub max_len: Option<Spanned<usize>>,
    /// For `text`: the shape every value has, character by character: `#` a
    /// digit, `@` a letter, `*` a letter or digit, `\` takes the next
    /// character as written; anything else stands for itself.
    /// `INV-######` takes `INV-004211`.
    #[schemars(with = "Option<String>")]
    pub mask: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    Number,
    Date,
}

/// Where in the call a field is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AskedAt {
    #[default]
    Case,
    Record,
}

/// What a value must be, without the playbook's positions: what a prompt
/// carries to check an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRule {
    pub kind: FieldKind,
    pub max_len: usize,
    pub mask: Option<String>,
}

/// Why a value does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    NotANumber,
    NotADate,
    /// Over `max_len`: the limit and how many characters it has.
    TooLong(usize, usize),
    /// Not the shape the mask gives (the mask).
    NotMask(String),
}

impl FieldDef {
    pub fn kind(&self) -> FieldKind {
        self.kind.as_ref().map_or(FieldKind::Text, |k| k.value)
    }

    pub fn rule(&self) -> FieldRule {
        FieldRule {
            kind: self.kind(),
            max_len: self.max_len.as_ref().map_or(DEFAULT_MAX_LEN, |m| m.value),
            mask: self.mask.as_ref().map(|m| m.value.clone()),
        }
    }
}

impl FieldRule {
    /// Checks a value already trimmed; empty values are the caller's
    /// (required or not).
    pub fn check(&self, value: &str) -> Result<(), FieldError> {
        let chars = value.chars().count();
        if chars > self.max_len {
            return Err(FieldError::TooLong(self.max_len, chars));
        }
        match self.kind {
            FieldKind::Number if !is_number(value) => Err(FieldError::NotANumber),
            FieldKind::Date
                if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err()
                    || value.len() != 10 =>
            {
                Err(FieldError::NotADate)
            }
            FieldKind::Text => match &self.mask {
                Some(mask) if !fits_mask(mask, value) => Err(FieldError::NotMask(mask.clone())),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// `-12`, `42`, `3.50`: an optional minus, digits, at most one decimal point
/// between digits. No exponent, no thousands separator: the value is filed
/// as written and must read the same to every spreadsheet.
fn is_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// One position of a mask.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    Digit,
    Letter,
    Alnum,
    Literal(char),
}

/// A mask read into slots; `Err` for a trailing `\` (nothing to escape).
fn slots(mask: &str) -> Result<Vec<Slot>, MaskError> {
    let mut out = Vec::new();
    let mut chars = mask.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '#' => Slot::Digit,
            '@' => Slot::Letter,
            '*' => Slot::Alnum,
            '\\' => Slot::Literal(chars.next().ok_or(MaskError::TrailingEscape)?),
            c => Slot::Literal(c),
        });
    }
    if out.is_empty() {
        return Err(MaskError::Empty);
    }
    Ok(out)
}

fn fits_mask(mask: &str, value: &str) -> bool {
    let Ok(slots) = slots(mask) else { return false };
    let chars: Vec<char> = value.chars().collect();
    chars.len() == slots.len()
        && slots.iter().zip(&chars).all(|(slot, &c)| match slot {
            Slot::Digit => c.is_ascii_digit(),
            Slot::Letter => c.is_alphabetic(),
            Slot::Alnum => c.is_alphanumeric(),
            Slot::Literal(l) => *l == c,
        })
}

/// A mask that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MaskError {
    #[error("the mask is empty")]
    Empty,
    #[error("the mask ends with `\\`, which escapes nothing")]
    TrailingEscape,
}

/// Checks a mask, and gives the length every value it takes has.
pub fn mask_len(mask: &str) -> Result<usize, MaskError> {
    slots(mask).map(|s| s.len())
}

/// Help for an id that is no field of `fields`: the nearest one, or the
/// ones there are.
pub fn unknown_field_help(fields: &[FieldDef], id: &str) -> String {
    let ids = fields.iter().map(|f| f.id.value.as_str());
    crate::diagnostic::did_you_mean(id, ids.clone()).unwrap_or_else(|| {
        let ids: Vec<&str> = ids.collect();
        if ids.is_empty() {
            "this playbook declares no `fields`".into()
        } else {
            format!("its fields: {}", ids.join(", "))
        }
    })
}

/// Whether an id can be a template placeholder and an answers-file key.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: FieldKind, mask: Option<&str>) -> FieldRule {
        FieldRule {
            kind,
            max_len: DEFAULT_MAX_LEN,
            mask: mask.map(str::to_owned),
        }
    }

    #[test]
    fn numbers_are_plain_decimals() {
        let n = rule(FieldKind::Number, None);
        for ok in ["0", "42", "-7", "3.50", "0012"] {
            assert_eq!(n.check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "-", "1.", ".5", "1.2.3", "1e3", "1,000", "12a", "+1", "٣",
        ] {
            assert_eq!(n.check(bad), Err(FieldError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn dates_are_iso_calendar_days() {
        let d = rule(FieldKind::Date, None);
        assert_eq!(d.check("2026-02-28"), Ok(()));
        for bad in [
            "2026-02-30",
            "2026-2-3",
            "26-02-03",
            "2026/02/03",
            "tomorrow",
        ] {
            assert_eq!(d.check(bad), Err(FieldError::NotADate), "{bad}");
        }
    }

    #[test]
    fn masks_match_character_by_character() {
        let m = rule(FieldKind::Text, Some("INV-####"));
        assert_eq!(m.check("INV-0042"), Ok(()));
        for bad in ["INV-042", "INV-00420", "inv-0042", "INV-00A2"] {
            assert_eq!(m.check(bad), Err(FieldError::NotMask("INV-####".into())));
        }
        let any = rule(FieldKind::Text, Some(r"@@*\#"));
        assert_eq!(any.check("訂單7#"), Ok(()));
        assert!(any.check("ab7x").is_err());
        assert_eq!(mask_len(r"\#\@"), Ok(2));
        assert_eq!(mask_len("ab\\"), Err(MaskError::TrailingEscape));
        assert_eq!(mask_len(""), Err(MaskError::Empty));
    }

    #[test]
    fn length_is_counted_in_characters() {
        let short = FieldRule {
            max_len: 3,
            ..rule(FieldKind::Text, None)
        };
        assert_eq!(short.check("訂單號"), Ok(()));
        assert_eq!(short.check("abcd"), Err(FieldError::TooLong(3, 4)));
    }

    #[test]
    fn ids_are_placeholder_names() {
        for ok in ["order_id", "po2", "x"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "Order", "2po", "order-id", "order.id", "_x", "訂單"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
