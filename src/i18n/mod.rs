//! Languages: which locale the rep reads, and the tool's own labels in it.
//!
//! Playbook text picks its locale through [`Lang::fallbacks`]; the tool's
//! own words (step headers, table headers, plan sections, prompt chrome)
//! come from [`labels::Labels`]. Lint messages, errors and ids stay English:
//! they are read by team leads and CI logs, and searched for on the web.

pub mod labels;

use std::fmt;

pub use labels::Labels;

/// A locale the tool speaks. Answers never depend on it: they are keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    /// Traditional Chinese as written in Taiwan.
    ZhTw,
    /// Simplified Chinese as written in mainland China.
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhTw, Lang::ZhCn];

    /// The code used in playbooks and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Exactly a code a playbook may use as a key (`en`, `zh-TW`, `zh-CN`).
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// A locale as people and systems write it: `zh_TW.UTF-8`, `zh-tw`,
    /// `zh-Hant`, `en_GB`, `C`. Other languages are not spoken (`None`).
    pub fn from_locale(locale: &str) -> Option<Lang> {
        // `zh_TW.UTF-8@variant` → `zh-tw`
        let tag = locale
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .replace('_', "-")
            .to_ascii_lowercase();
        let mut parts = tag.split('-');
        match parts.next()? {
            "en" | "c" | "posix" => Some(Lang::En),
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                // Script beats region: zh-Hant-CN is traditional.
                if rest.contains(&"hant") {
                    Some(Lang::ZhTw)
                } else if rest.contains(&"hans") {
                    Some(Lang::ZhCn)
                } else if rest.iter().any(|r| matches!(*r, "tw" | "hk" | "mo")) {
                    Some(Lang::ZhTw)
                } else {
                    Some(Lang::ZhCn)
                }
            }
            _ => None,
        }
    }

    /// The locale to use and where it came from: the `--lang` value
    /// (already parsed), then `DEFUSE_LANG`, then the config file's `lang`,
    /// then the POSIX locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one
    /// set), then English. Returns an error only for a `DEFUSE_LANG` the tool
    /// does not speak: it was set for defuse, so a typo should not pass
    /// silently. A system locale in another language simply means English.
    pub fn resolve(
        flag: Option<Lang>,
        env: impl Fn(&str) -> Option<String>,
        configured: Option<Lang>,
    ) -> Result<(Lang, LangFrom), UnknownLang> {
        if let Some(lang) = flag {
            return Ok((lang, LangFrom::Flag));
        }
        if let Some(value) = env("DEFUSE_LANG").filter(|v| !v.is_empty()) {
            return Lang::from_locale(&value)
                .map(|lang| (lang, LangFrom::Var("DEFUSE_LANG")))
                .ok_or(UnknownLang(value));
        }
        if let Some(lang) = configured {
            return Ok((lang, LangFrom::Config));
        }
        let system = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|var| env(var).filter(|v| !v.is_empty()).map(|v| (var, v)));
        Ok(system
            .and_then(|(var, v)| Lang::from_locale(&v).map(|lang| (lang, LangFrom::Var(var))))
            .unwrap_or((Lang::default(), LangFrom::Default)))
    }

    /// The order in which a playbook's localized text is looked up: this
    /// locale, the other Chinese script (a Taiwanese rep reads simplified
    /// text more easily than English, and the other way round), then English.
    /// Text missing all of these shows in whatever locale it has first.
    pub fn fallbacks(self) -> [Lang; 3] {
        match self {
            Lang::En => [Lang::En, Lang::ZhTw, Lang::ZhCn],
            Lang::ZhTw => [Lang::ZhTw, Lang::ZhCn, Lang::En],
            Lang::ZhCn => [Lang::ZhCn, Lang::ZhTw, Lang::En],
        }
    }

    pub fn labels(self) -> &'static Labels {
        labels::of(self)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_locale(s).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

/// Where [`Lang::resolve`] found the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangFrom {
    Flag,
    /// An environment variable: `DEFUSE_LANG` or a POSIX locale variable.
    Var(&'static str),
    Config,
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: defuse speaks en, zh-TW and zh-CN")]
pub struct UnknownLang(pub String);

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_as_systems_write_them() {
        let cases = [
            ("zh_TW.UTF-8", Some(Lang::ZhTw)),
            ("zh-HK", Some(Lang::ZhTw)),
            ("zh-Hant", Some(Lang::ZhTw)),
            ("zh_Hant_CN", Some(Lang::ZhTw)),
            ("zh_CN.GB18030", Some(Lang::ZhCn)),
            ("zh-SG", Some(Lang::ZhCn)),
            ("zh", Some(Lang::ZhCn)),
            ("zh-Hans-TW", Some(Lang::ZhCn)),
            ("en_GB.UTF-8", Some(Lang::En)),
            ("C.UTF-8", Some(Lang::En)),
            ("POSIX", Some(Lang::En)),
            ("fr_FR.UTF-8", None),
            ("", None),
        ];
        for (locale, want) in cases {
            assert_eq!(Lang::from_locale(locale), want, "{locale}");
        }
    }

    #[test]
    fn flag_then_defuse_lang_then_posix_locale() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let all = env(&[
            ("DEFUSE_LANG", "zh-CN"),
            ("LC_ALL", "en_US.UTF-8"),
            ("LANG", "zh_TW.UTF-8"),
        ]);
        assert_eq!(
            Lang::resolve(Some(Lang::ZhTw), all, None).map(|r| r.0),
            Ok(Lang::ZhTw)
        );
        assert_eq!(Lang::resolve(None, all, None).map(|r| r.0), Ok(Lang::ZhCn));
        let posix = env(&[("LC_ALL", ""), ("LANG", "zh_TW.UTF-8")]);
        assert_eq!(
            Lang::resolve(None, posix, None).map(|r| r.0),
            Ok(Lang::ZhTw)
        );
        let lc_all = env(&[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "zh_TW.UTF-8")]);
        assert_eq!(
            Lang::resolve(None, lc_all, None).map(|r| r.0),
            Ok(Lang::ZhCn)
        );
        assert_eq!(
            Lang::resolve(None, env(&[("LANG", "de_DE")]), None).map(|r| r.0),
            Ok(Lang::En)
        );
        assert_eq!(
            Lang::resolve(None, env(&[]), None),
            Ok((Lang::En, LangFrom::Default))
        );
        // The config file's language comes after $DEFUSE_LANG, before the locale.
        assert_eq!(
            Lang::resolve(None, posix, Some(Lang::ZhCn)),
            Ok((Lang::ZhCn, LangFrom::Config))
        );
        assert_eq!(
            Lang::resolve(None, all, Some(Lang::En)),
            Ok((Lang::ZhCn, LangFrom::Var("DEFUSE_LANG")))
        );
        assert_eq!(
            Lang::resolve(None, env(&[("DEFUSE_LANG", "klingon")]), None).map(|r| r.0),
            Err(UnknownLang("klingon".into()))
        );
    }
}
