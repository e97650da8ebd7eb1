//! The playbook's own fields (`fields:`): ids that can be placeholders and
//! answers-file keys, and masks and limits some value can meet.

use super::Checker;
use crate::diagnostic::RuleId;
use crate::playbook::Playbook;
use crate::playbook::field::{self, FieldKind};
use crate::playbook::template::PLACEHOLDERS;

pub(super) fn check(c: &mut Checker, pb: &Playbook) {
    c.node(&pb.allow);
    for f in &pb.fields {
        let id = f.id.value.as_str();
        if !field::valid_id(id) {
            let suggestion = id.to_lowercase().replace(['-', ' ', '.'], "_");
            c.at(
                RuleId::InvalidField,
                &f.id,
                format!("field id `{id}` is not a plain name"),
                Some(format!(
                    "use lowercase letters, digits and `_`, starting with a letter, e.g. `{suggestion}`"
                )),
            );
        } else if PLACEHOLDERS.contains(&id) {
            c.at(
                RuleId::InvalidField,
                &f.id,
                format!("field id `{id}` is a built-in placeholder"),
                Some(format!(
                    "`{{{{{id}}}}}` already means the case's {id}; name the field for what it holds, e.g. `{id}_ref`"
                )),
            );
        }
        let kind = f.kind();
        if kind != FieldKind::Text {
            let what = if kind == FieldKind::Number {
                "number"
            } else {
                "date"
            };
            for (name, at) in [
                ("mask", f.mask.as_ref().map(|m| &m.referenced)),
                ("max_len", f.max_len.as_ref().map(|m| &m.referenced)),
            ] {
                if let Some(at) = at {
                    c.at_line_col(
                        RuleId::InvalidField,
                        (at.line(), at.column()),
                        format!("field `{id}` is a {what}: `{name}` applies to text only"),
                        Some(format!("remove `{name}`, or make the field `kind: text`")),
                    );
                }
            }
            continue;
        }
        if let Some(max) = &f.max_len
            && max.value == 0
        {
            c.at(
                RuleId::InvalidField,
                max,
                format!("field `{id}` takes no character (`max_len: 0`)"),
                Some("give the most characters a value may have, or remove `max_len`".into()),
            );
        }
        let Some(mask) = &f.mask else { continue };
        match field::mask_len(&mask.value) {
            Err(e) => c.at(
                RuleId::InvalidField,
                mask,
                format!("mask of field `{id}`: {e}"),
                Some("`#` a digit, `@` a letter, `*` either, `\\#` a `#` as written".into()),
            ),
            Ok(len) => {
                let max = f
                    .max_len
                    .as_ref()
                    .map_or(field::DEFAULT_MAX_LEN, |m| m.value);
                if len > max {
                    c.at(
                        RuleId::InvalidField,
                        mask,
                        format!(
                            "mask of field `{id}` takes {len} characters, but `max_len` is {max}"
                        ),
                        Some("a mask fixes the length: remove `max_len`".into()),
                    );
                }
            }
        }
    }
}
