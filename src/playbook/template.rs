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

/// Checks that every `{{name}}` is closed and known.
pub fn check(template: &str) -> Result<(), TemplateError> {
    fill_with(template, |name| {
        PLACEHOLDERS.contains(&name).then(String::new)
    })
    .map(|_| ())
}

/// Fills a checked template. Unknown names cannot occur after `check`, but are
/// left visible rather than panicking if they do.
pub fn fill(template: &str, values: &BTreeMap<&str, String>) -> String {
    fill_with(template, |name| values.get(name).cloned()).unwrap_or_else(|_| template.to_owned())
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
    fn rejects_unknown_and_unclosed() {
        assert_eq!(
            check("{{custmer}}"),
            Err(TemplateError::Unknown("custmer".into()))
        );
        assert_eq!(check("ok {{customer"), Err(TemplateError::Unclosed(3)));
        assert!(check("{{customer}} and {{due}}").is_ok());
    }
}
