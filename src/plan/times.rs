//! Times as the plan writes them: RFC 3339 for files and JSON, and for
//! people inside texts (never raw RFC 3339 in a sentence).

use chrono::{DateTime, FixedOffset};

use crate::i18n::Lang;

/// A time as the plan and the answers files write it: RFC 3339, whole seconds.
pub fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A time inside a text for people (a template's `{{due}}`): weekday, day,
/// month and clock time with the offset, in the plan's language, never raw
/// RFC 3339. The year is written only when it is not the call's.
pub fn for_people(t: DateTime<FixedOffset>, call: DateTime<FixedOffset>, lang: Lang) -> String {
    use chrono::Datelike;
    let weekday = t.weekday().num_days_from_monday() as usize;
    let clock = t.format("%H:%M");
    let offset = t.format("%:z");
    let other_year = t.year() != call.year();
    match lang {
        Lang::En => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let year = if other_year {
                t.format(" %Y").to_string()
            } else {
                String::new()
            };
            format!(
                "{} {}{year}, {clock} ({offset})",
                DAYS[weekday],
                t.format("%-d %b")
            )
        }
        Lang::ZhTw | Lang::ZhCn => {
            let days: [&str; 7] = if lang == Lang::ZhTw {
                ["週一", "週二", "週三", "週四", "週五", "週六", "週日"]
            } else {
                ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
            };
            let year = if other_year {
                format!("{}年", t.year())
            } else {
                String::new()
            };
            format!(
                "{year}{}月{}日（{}）{clock}（{offset}）",
                t.month(),
                t.day(),
                days[weekday]
            )
        }
    }
}
