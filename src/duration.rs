//! Durations after the call, written the way team leads say them: `30m`, `2h`, `3d`, `1w`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A delay after the call (for due times and follow-ups), kept in minutes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    minutes: i64,
}

impl Due {
    /// The longest delay: ten years, so arithmetic on timestamps can never
    /// overflow (and a call time leaves room for it before the year 10000).
    pub const MAX: Due = Due {
        minutes: 60 * 24 * 3660,
    };

    pub fn minutes(self) -> i64 {
        self.minutes
    }
    pub fn as_chrono(self) -> chrono::Duration {
        chrono::Duration::minutes(self.minutes)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid duration `{0}`: write a number and a unit, e.g. `30m`, `2h`, `24h`, `3d`, `1w`")]
pub struct DueError(String);

impl FromStr for Due {
    type Err = DueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || DueError(text.to_owned());
        let text_trimmed = text.trim();
        let split = text_trimmed
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(bad)?;
        let (number, unit) = text_trimmed.split_at(split);
        let number: i64 = number.parse().map_err(|_| bad())?;
        let per_unit = match unit {
            "m" | "min" => 1,
            "h" => 60,
            "d" => 60 * 24,
            "w" => 60 * 24 * 7,
            _ => return Err(bad()),
        };
        let minutes = number
            .checked_mul(per_unit)
            .filter(|m| *m <= Due::MAX.minutes);
        minutes.map(|minutes| Due { minutes }).ok_or_else(bad)
    }
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        const DAY: i64 = 60 * 24;
        if m != 0 && m % (7 * DAY) == 0 {
            write!(f, "{}w", m / (7 * DAY))
        } else if m != 0 && m % DAY == 0 {
            write!(f, "{}d", m / DAY)
        } else if m != 0 && m % 60 == 0 {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Due {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for Due {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Due".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A delay after the call: a number and a unit, e.g. `30m`, `2h`, `24h`, `3d`, `1w`.",
            "type": "string",
            "pattern": "^\\s*[0-9]+(m|min|h|d|w)\\s*$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_units_team_leads_write() {
        for (text, minutes) in [
            ("30m", 30),
            ("2h", 120),
            ("24h", 1440),
            ("3d", 4320),
            ("1w", 10080),
        ] {
            assert_eq!(text.parse::<Due>().unwrap().minutes(), minutes, "{text}");
        }
    }

    #[test]
    fn rejects_nonsense_and_overflow() {
        for text in [
            "",
            "h",
            "2",
            "2x",
            "-2h",
            "1.5h",
            "99999999999999999999d",
            "100000w",
        ] {
            assert!(text.parse::<Due>().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn displays_in_the_largest_whole_unit() {
        for text in ["30m", "2h", "3d", "2w", "0m"] {
            assert_eq!(text.parse::<Due>().unwrap().to_string(), text);
        }
        assert_eq!("48h".parse::<Due>().unwrap().to_string(), "2d");
    }
}
