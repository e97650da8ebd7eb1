//! Remedy templates (apology letters, PR statements): `{{placeholder}}`
//! substitution, checked when the playbook loads.

use std::collections::BTreeMap;

/// Every placeholder a template may use, filled from the case: each case
/// and record field is one (`tests/wording.rs` checks it).
pub const PLACEHOLDERS: &[&str] = &[
    "customer",
    "contact",
    "role",
    "case_id",
    "date",
    "level",
    "grievances",
    "customer_words",
    "impact",
    "remedy_sought",
    "customer_loss",
    "our_owner",
    "owner",
    "due",
];

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed `{{{{` at byte {0}")]
    Unclosed(usize),
    #[error("unknown placeholder `{{{{{0}}}}}`")]
    Unknown(String),
}

/// Checks that every `{{name}}` is closed and known: a built-in
/// placeholder, or one of the playbook's own `fields` as `field.ID` or `ID`.
pub fn check(template: &str, fields: &[&str]) -> Result<(), TemplateError> {
    fill_with(template, |name| {
        let own = name.strip_prefix(FIELD_PREFIX).unwrap_or(name);
        (PLACEHOLDERS.contains(&name) || fields.contains(&own)).then(String::new)
    })
    .map(|_| ())
}

/// A playbook field's long placeholder: `{{field.order_id}}`.
pub const FIELD_PREFIX: &str = "field.";

/// Fills a checked template. A line whose placeholders all came out empty
/// is left out: it only carried those values (`Ref.: {{order_id}}` with no
/// order id must not print a bare "Ref.:"). Unknown names cannot occur
/// after `check`, but are left visible rather than panicking if they do.
pub fn fill(template: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    for line in template.split_inclusive('\n') {
        let (mut placeholders, mut empty) = (0, 0);
        let Ok(filled) = fill_with(line, |name| {
            let value = values.get(name).cloned();
            placeholders += 1;
            empty += usize::from(value.as_deref().is_some_and(|v| v.trim().is_empty()));
            value
        }) else {
            // A placeholder split over lines: fill the template whole.
            return fill_with(template, |name| values.get(name).cloned())
                .unwrap_or_else(|_| template.to_owned());
        };
        if placeholders == 0 || empty < placeholders {
            out.push_str(&filled);
        }
    }
    out
}

fn fill_with(
    template: &str,
    mut value: impl FnMut(&str) -> Option<String>,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or(TemplateError::Unclosed(template.len() - rest.len() + start))?;
        let name = after[..end].trim();
        out.push_str(&value(name).ok_or_else(|| TemplateError::Unknown(name.to_owned()))?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_placeholders() {
        let values = BTreeMap::from([("customer", "Acme".to_owned())]);
        assert_eq!(fill("Dear {{ customer }},", &values), "Dear Acme,");
    }

    #[test]
    fn a_line_of_empty_values_is_left_out() {
        let values = BTreeMap::from([("customer", "Acme".to_owned()), ("order", String::new())]);
        assert_eq!(
            fill("Dear {{customer}},\nRef.: {{order}}\nThanks.", &values),
            "Dear Acme,\nThanks."
        );
        // A line with one value among empty ones stays, and so does plain text.
        assert_eq!(
            fill("{{customer}} {{order}}\n\nBye", &values),
            "Acme \n\nBye"
        );
    }

    #[test]
    fn rejects_unknown_and_unclosed() {
        assert_eq!(
            check("{{custmer}}", &[]),
            Err(TemplateError::Unknown("custmer".into()))
        );
        assert_eq!(check("ok {{customer", &[]), Err(TemplateError::Unclosed(3)));
        assert!(check("{{customer}} and {{due}}", &[]).is_ok());
    }

    #[test]
    fn playbook_fields_are_placeholders_long_and_short() {
        let fields = ["order_id"];
        assert!(check("{{field.order_id}} / {{ order_id }}", &fields).is_ok());
        assert_eq!(
            check("{{field.order}}", &fields),
            Err(TemplateError::Unknown("field.order".into()))
        );
        // Without the declaration neither form is known.
        assert!(check("{{order_id}}", &[]).is_err());
        assert!(check("{{field.order_id}}", &[]).is_err());
        // `field.` does not make a built-in a field.
        assert!(check("{{field.customer}}", &fields).is_err());
    }
}
