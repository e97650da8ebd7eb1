//! The languages a playbook is written in: every locale key is one defuse
//! speaks (checked on load), and in a playbook written in several languages
//! every text is in all of them (lint only).

use super::Checker;
use crate::diagnostic::{RuleId, did_you_mean};
use crate::i18n::Lang;
use crate::playbook::localized::key_position;
use crate::playbook::model::Playbook;
use crate::playbook::texts::languages_of;

/// Locale keys must be ones the tool speaks: text under a misspelt one
/// would never be shown.
pub(super) fn check_locale_codes<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    for field in pb.texts() {
        c.node(field.allow);
        let Some(map) = field.text.spanned() else {
            continue;
        };
        for (code, _) in field.text.entries() {
            if Lang::from_code(code).is_some() {
                continue;
            }
            let codes = Lang::ALL.map(Lang::code);
            let help = Lang::from_locale(code)
                .map(|l| format!("did you mean `{l}`?"))
                .or_else(|| did_you_mean(code, codes))
                .unwrap_or_else(|| "defuse speaks `en`, `zh-TW` and `zh-CN`".into());
            c.at_line_col(
                RuleId::UnknownLocale,
                key_position(c.source, map, code),
                format!("unknown locale `{code}` in `{}`", field.path),
                Some(help),
            );
        }
    }
    c.node(&[]);
}

/// In a playbook written in several languages, every text should be in all
/// of them: a rep working in zh-CN should not meet English mid-call.
pub(super) fn check_translations<'a>(c: &mut Checker<'a>, pb: &'a Playbook) {
    let texts = pb.texts();
    let languages = languages_of(&texts);
    if languages.len() < 2 {
        return;
    }
    /// `en`, `zh-TW` — each language written as `pattern` says.
    fn each(langs: &[Lang], pattern: impl Fn(Lang) -> String) -> String {
        langs
            .iter()
            .map(|l| pattern(*l))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let written_in: Vec<Lang> = languages.iter().copied().collect();
    let all = each(&written_in, |l| format!("`{l}`"));
    for field in texts {
        let Some(at) = field.text.spanned().filter(|_| !field.text.is_empty()) else {
            continue;
        };
        c.node(field.allow);
        if field.text.is_plain() {
            c.at(
                RuleId::MissingTranslation,
                at,
                format!("`{}` is in one language only; this playbook is in {all}", field.path),
                Some(format!(
                    "write it as `{{{}}}`, or `allow: [missing-translation]` on this node if it reads the same in every language",
                    each(&written_in, |l| format!("{l}: …"))
                )),
            );
            continue;
        }
        let present = field.text.locales();
        let missing: Vec<Lang> = languages.difference(&present).copied().collect();
        if let Some(first) = missing.first() {
            let shown_in = first
                .fallbacks()
                .into_iter()
                .find(|l| present.contains(l))
                .map_or_else(String::new, |l| format!(" (until then the {l} text shows)"));
            c.at(
                RuleId::MissingTranslation,
                at,
                format!(
                    "`{}` has no {} text",
                    field.path,
                    each(&missing, |l| format!("`{l}`"))
                ),
                Some(format!(
                    "add {}{shown_in}",
                    each(&missing, |l| format!("`{l}: …`"))
                )),
            );
        }
    }
    c.node(&[]);
}
