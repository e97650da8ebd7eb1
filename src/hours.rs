//! Working hours: which days and hours of the week count (`Mon-Fri`,
//! `09:00-18:00`), in which time zone, and how a delay after a call is
//! counted in them ([`due`]). Pure: the call time and the schedule are
//! passed in; nothing here reads the clock or the environment. A leaf, like
//! `duration`, because playbooks (`working_hours:`) and the config file both
//! write schedules and the plan counts in them.
//!
//! How a delay counts (see [`due`]):
//! - minutes and hours count working time: 4 h at 21:48 on a Friday with
//!   09:00–18:00 Mon–Fri is due Monday 13:00. Working time is time that
//!   really passes, so a window on a day the clocks change is an hour longer
//!   or shorter on the wall clock's face than it is long.
//! - days and weeks count calendar days and land on a working day: from the
//!   first working instant at or after the call, the same local time `n`
//!   days later, moved on to the next working day if that is not one. So
//!   `1d` on a Tuesday at 10:00 is Wednesday 10:00, on a Friday at 10:00 is
//!   Monday 10:00 (the next working day), and on a Friday at 21:48 counts
//!   from Monday 09:00: Tuesday 09:00. Counting working days instead would
//!   stretch a playbook's "30-day review" to six weeks; a week is a week.
//! - a due that lands exactly at closing time stays that day (18:00, not the
//!   next morning); a call inside working hours plus nothing is itself.
//! - a local time the clocks skip (a spring-forward gap) is read with the
//!   offset from before the jump (02:30 in Berlin on the last Sunday of March
//!   is 03:30 +02:00); a repeated local time (autumn) is the earlier one.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Weekday,
};
use serde::{Deserialize, Serialize};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Working days of the week: `Mon-Fri`, `Mon,Wed,Fri`, `Sun-Thu`, `Fri-Mon` (wraps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    /// Monday first.
    on: [bool; 7],
}

impl Days {
    pub fn contains(self, day: Weekday) -> bool {
        self.on[day.num_days_from_monday() as usize]
    }

    fn is_empty(self) -> bool {
        !self.on.contains(&true)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HoursError {
    #[error(
        "invalid working days `{0}`: write day names and ranges, e.g. `Mon-Fri`, `Mon-Fri,Sat`, `Sun-Thu`"
    )]
    Days(String),
    #[error(
        "invalid working hours `{0}`: write opening and closing time, e.g. `09:00-18:00` (opening before closing, both within one day)"
    )]
    Hours(String),
    #[error(
        "unknown time zone `{0}`: write an IANA name, e.g. `Asia/Taipei`, `Europe/Berlin`, `America/New_York`"
    )]
    Zone(String),
}

fn weekday(name: &str) -> Option<usize> {
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(name.trim()))
}

impl FromStr for Days {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || HoursError::Days(text.to_owned());
        let mut on = [false; 7];
        for part in text.split(',') {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to) = (weekday(from).ok_or_else(bad)?, weekday(to).ok_or_else(bad)?);
                    let mut day = from;
                    loop {
                        on[day] = true;
                        if day == to {
                            break;
                        }
                        day = (day + 1) % 7;
                    }
                }
                None => on[weekday(part).ok_or_else(bad)?] = true,
            }
        }
        Ok(Days { on })
    }
}

impl fmt::Display for Days {
    /// Runs of days as ranges, Monday first: `Mon-Fri`, `Mon,Wed-Thu`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            if !self.on[i] {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < 7 && self.on[i + 1] {
                i += 1;
            }
            parts.push(match i - start {
                0 => WEEKDAYS[start].to_owned(),
                1 => format!("{},{}", WEEKDAYS[start], WEEKDAYS[i]),
                _ => format!("{}-{}", WEEKDAYS[start], WEEKDAYS[i]),
            });
            i += 1;
        }
        f.write_str(&parts.join(","))
    }
}

/// Opening and closing time of a working day, `09:00-18:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl FromStr for Span {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || HoursError::Hours(text.to_owned());
        let (open, close) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (open, close) = (time(open)?, time(close)?);
        // An overnight shift would need windows across midnight; no playbook
        // has asked for one, so it is refused rather than half-supported.
        if open >= close {
            return Err(bad());
        }
        Ok(Span { open, close })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.open.format("%H:%M"),
            self.close.format("%H:%M")
        )
    }
}

/// An IANA time zone, `Asia/Taipei`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(pub chrono_tz::Tz);

impl FromStr for Zone {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim()
            .parse()
            .map(Zone)
            .map_err(|_| HoursError::Zone(text.to_owned()))
    }
}

impl Zone {
    /// Every IANA name, for "did you mean".
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

macro_rules! text_serde {
    ($($ty:ty: $schema:literal, $pattern:literal;)*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": $schema,
                    "type": "string",
                    "pattern": $pattern
                })
            }
        }
    )*};
}

text_serde! {
    Days: "Working days: day names (Mon … Sun) and ranges, e.g. `Mon-Fri`, `Mon-Fri,Sat`, `Sun-Thu`.",
        "^\\s*[A-Za-z]{3}\\s*(-\\s*[A-Za-z]{3}\\s*)?(,\\s*[A-Za-z]{3}\\s*(-\\s*[A-Za-z]{3}\\s*)?)*$";
    Span: "Opening and closing time of a working day, 24-hour clock, e.g. `09:00-18:00`.",
        "^\\s*[0-9]{1,2}:[0-9]{2}\\s*-\\s*[0-9]{1,2}:[0-9]{2}\\s*$";
    Zone: "An IANA time zone name, e.g. `Asia/Taipei`, `Europe/Berlin`.", "^\\S+$";
}

/// A week of working hours, as a playbook's `working_hours:` block or the
/// config file's `[working_hours]` table writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Working days, e.g. `Mon-Fri`.
    pub days: Days,
    /// Opening and closing time, e.g. `09:00-18:00`.
    pub hours: Span,
    /// The time zone the hours are in (IANA, e.g. `Asia/Taipei`). Without
    /// one, the hours are read in the call time's UTC offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Zone>,
}

/// The due time of a delay of `minutes` after `call`, counted in `hours`
/// (see the module docs for what minutes, hours, days and weeks mean: a
/// whole number of days counts working days). `None` when the due time
/// would fall past what a plan can write (beyond the year 9999); the caller
/// then counts wall-clock time.
pub fn due(
    call: DateTime<FixedOffset>,
    minutes: i64,
    hours: &WorkingHours,
) -> Option<DateTime<FixedOffset>> {
    // A working week with no working day would never end.
    if hours.days.is_empty() {
        return None;
    }
    let at = match hours.time_zone {
        Some(Zone(tz)) => due_in(call, minutes, hours, &tz),
        None => due_in(call, minutes, hours, call.offset()),
    }?;
    (at.naive_utc().year() <= 9999 && at.year() <= 9999).then_some(at)
}

const DAY: i64 = 24 * 60;

fn due_in<Z: TimeZone>(
    call: DateTime<FixedOffset>,
    minutes: i64,
    hours: &WorkingHours,
    zone: &Z,
) -> Option<DateTime<FixedOffset>> {
    if minutes > 0 && minutes % DAY == 0 {
        add_days(call, minutes / DAY, hours, zone)
    } else {
        add_working(call, Duration::minutes(minutes), hours, zone)
    }
}

/// The most calendar days a count may walk: past this the due time would be
/// beyond any plan (ten years of working minutes at one minute a day).
const MAX_DAYS: u32 = 366 * 40;

/// An instant for a local time in `zone`: the earlier of two (clocks turned
/// back), or, in a gap (clocks turned forward), the wall clock read with the
/// offset from before the jump.
fn at_local<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> Option<DateTime<Z>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t),
        LocalResult::None => {
            let before = zone
                .offset_from_utc_datetime(&local.checked_sub_signed(Duration::days(1))?)
                .fix();
            let utc =
                local.checked_sub_signed(Duration::seconds(i64::from(before.local_minus_utc())))?;
            Some(zone.from_utc_datetime(&utc))
        }
    }
}

/// `call` plus `work` of working time.
fn add_working<Z: TimeZone>(
    call: DateTime<FixedOffset>,
    mut work: Duration,
    hours: &WorkingHours,
    zone: &Z,
) -> Option<DateTime<FixedOffset>> {
    let mut t = call.with_timezone(zone);
    let mut date = t.date_naive();
    for _ in 0..MAX_DAYS {
        if hours.days.contains(date.weekday()) {
            let open = at_local(zone, date.and_time(hours.hours.open))?;
            let close = at_local(zone, date.and_time(hours.hours.close))?;
            if t < open {
                t = open;
            }
            if t <= close {
                let left = close.clone() - t.clone();
                if work <= left {
                    return Some(t.checked_add_signed(work)?.fixed_offset());
                }
                work -= left;
            }
        }
        date = date.succ_opt()?;
        t = at_local(zone, date.and_time(NaiveTime::MIN))?;
    }
    None
}

/// The first working instant at or after `call`, then the same local time
/// `days` calendar days later, on the next working day if that is not one.
fn add_days<Z: TimeZone>(
    call: DateTime<FixedOffset>,
    days: i64,
    hours: &WorkingHours,
    zone: &Z,
) -> Option<DateTime<FixedOffset>> {
    let start = add_working(call, Duration::zero(), hours, zone)?
        .with_timezone(zone)
        .naive_local();
    let mut date: NaiveDate = start
        .date()
        .checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))?;
    // At most six days on: the week has a working day.
    while !hours.days.contains(date.weekday()) {
        date = date.succ_opt()?;
    }
    Some(at_local(zone, date.and_time(start.time()))?.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(days: &str, span: &str, zone: Option<&str>) -> WorkingHours {
        WorkingHours {
            days: days.parse().unwrap(),
            hours: span.parse().unwrap(),
            time_zone: zone.map(|z| z.parse().unwrap()),
        }
    }

    fn office() -> WorkingHours {
        schedule("Mon-Fri", "09:00-18:00", Some("Asia/Taipei"))
    }

    fn minutes(delay: &str) -> i64 {
        let (n, unit) = delay.split_at(delay.len() - 1);
        let per = match unit {
            "m" => 1,
            "h" => 60,
            "d" => DAY,
            _ => 7 * DAY,
        };
        n.parse::<i64>().unwrap() * per
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn due_at(call: &str, delay: &str, hours: &WorkingHours) -> String {
        let t = due(at(call), minutes(delay), hours).unwrap();
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    #[test]
    fn four_hours_on_friday_night_are_due_monday_at_one() {
        // 2026-11-27 is a Friday.
        assert_eq!(
            due_at("2026-11-27T21:48:00+08:00", "4h", &office()),
            "2026-11-30T13:00:00+08:00"
        );
    }

    #[test]
    fn a_call_during_working_hours_counts_from_the_call() {
        assert_eq!(
            due_at("2026-11-24T10:15:00+08:00", "2h", &office()),
            "2026-11-24T12:15:00+08:00"
        );
        assert_eq!(
            due_at("2026-11-24T10:15:00+08:00", "30m", &office()),
            "2026-11-24T10:45:00+08:00"
        );
    }

    #[test]
    fn a_due_at_closing_time_stays_that_day() {
        assert_eq!(
            due_at("2026-11-24T14:00:00+08:00", "4h", &office()),
            "2026-11-24T18:00:00+08:00"
        );
        assert_eq!(
            due_at("2026-11-24T14:00:00+08:00", "241m", &office()),
            "2026-11-25T09:01:00+08:00"
        );
    }

    #[test]
    fn long_delays_carry_over_several_days_and_a_weekend() {
        // Thursday 16:00: 2 h Thursday, 9 h Friday, the rest from Monday.
        assert_eq!(
            due_at("2026-11-26T16:00:00+08:00", "20h", &office()),
            "2026-11-30T18:00:00+08:00"
        );
        assert_eq!(
            due_at("2026-11-26T16:00:00+08:00", "21h", &office()),
            "2026-12-01T10:00:00+08:00"
        );
    }

    #[test]
    fn days_land_on_a_working_day_counted_from_the_first_working_instant() {
        // Tuesday 10:00 + 1d: Wednesday 10:00; Friday 10:00 + 1d: Monday 10:00.
        assert_eq!(
            due_at("2026-11-24T10:00:00+08:00", "1d", &office()),
            "2026-11-25T10:00:00+08:00"
        );
        assert_eq!(
            due_at("2026-11-27T10:00:00+08:00", "1d", &office()),
            "2026-11-30T10:00:00+08:00"
        );
        // Friday night starts counting on Monday 09:00.
        assert_eq!(
            due_at("2026-11-27T21:48:00+08:00", "1d", &office()),
            "2026-12-01T09:00:00+08:00"
        );
        // Thursday + 3d is Sunday: the next working day, Monday.
        assert_eq!(
            due_at("2026-11-26T10:00:00+08:00", "3d", &office()),
            "2026-11-30T10:00:00+08:00"
        );
        // A week is a week, and a 30-day review a month, not six weeks.
        assert_eq!(
            due_at("2026-11-24T10:00:00+08:00", "1w", &office()),
            "2026-12-01T10:00:00+08:00"
        );
        assert_eq!(
            due_at("2026-11-23T10:00:00+08:00", "30d", &office()),
            "2026-12-23T10:00:00+08:00"
        );
    }

    #[test]
    fn the_schedule_is_in_the_reps_zone_whatever_the_calls_offset() {
        // The call time written in Berlin's offset: 14:48 +01:00 is 21:48 in
        // Taipei on that Friday, so the due is Monday 13:00 Taipei time.
        assert_eq!(
            due_at("2026-11-27T14:48:00+01:00", "4h", &office()),
            "2026-11-30T13:00:00+08:00"
        );
        // 03:00 +01:00 is 10:00 in Taipei: inside working hours.
        assert_eq!(
            due_at("2026-11-24T03:00:00+01:00", "2h", &office()),
            "2026-11-24T12:00:00+08:00"
        );
    }

    #[test]
    fn without_a_zone_the_calls_offset_is_used() {
        let hours = schedule("Mon-Fri", "09:00-18:00", None);
        assert_eq!(
            due_at("2026-11-27T21:48:00-05:00", "4h", &hours),
            "2026-11-30T13:00:00-05:00"
        );
    }

    #[test]
    fn working_hours_follow_daylight_saving_in_berlin() {
        let berlin = schedule("Mon-Fri", "09:00-18:00", Some("Europe/Berlin"));
        // Friday before the spring change (2026-03-29): one hour on Friday,
        // three on Monday, now in summer time.
        assert_eq!(
            due_at("2026-03-27T17:00:00+01:00", "4h", &berlin),
            "2026-03-30T12:00:00+02:00"
        );
        // And in autumn (2026-10-25), back to winter time.
        assert_eq!(
            due_at("2026-10-23T17:00:00+02:00", "4h", &berlin),
            "2026-10-26T12:00:00+01:00"
        );
        // Working days keep the local time across the change.
        assert_eq!(
            due_at("2026-03-27T10:00:00+01:00", "1d", &berlin),
            "2026-03-30T10:00:00+02:00"
        );
    }

    #[test]
    fn working_time_on_the_day_the_clocks_change_is_time_that_passes() {
        let sundays = schedule("Sun", "00:00-12:00", Some("Europe/Berlin"));
        // 00:30 +01:00 is 23:30 UTC; four hours later is 03:30 UTC, which
        // reads 05:30 after the spring-forward jump at 02:00.
        assert_eq!(
            due_at("2026-03-29T00:30:00+01:00", "4h", &sundays),
            "2026-03-29T05:30:00+02:00"
        );
        // In autumn 02:00-03:00 comes twice: four hours pass by 03:30.
        assert_eq!(
            due_at("2026-10-25T00:30:00+02:00", "4h", &sundays),
            "2026-10-25T03:30:00+01:00"
        );
    }

    #[test]
    fn an_opening_time_the_clocks_skip_is_read_from_before_the_jump() {
        let early = schedule("Sun", "02:30-10:00", Some("Europe/Berlin"));
        // 02:30 does not exist on 2026-03-29; it is 03:30 +02:00 (01:30 UTC).
        assert_eq!(
            due_at("2026-03-29T00:00:00+01:00", "0m", &early),
            "2026-03-29T03:30:00+02:00"
        );
    }

    #[test]
    fn a_far_due_time_is_refused_not_wrapped() {
        let hours = schedule("Mon", "09:00-09:01", None);
        assert_eq!(
            due(at("9990-01-01T10:00:00+00:00"), 60 * 24 * 3660, &hours),
            None
        );
    }

    #[test]
    fn schedules_parse_and_print() {
        for (text, shown) in [
            ("Mon-Fri", "Mon-Fri"),
            ("mon-fri", "Mon-Fri"),
            ("Sun-Thu", "Mon-Thu,Sun"),
            ("Fri-Mon", "Mon,Fri-Sun"),
            ("Mon,Wed,Fri", "Mon,Wed,Fri"),
            ("Mon-Tue,Thu", "Mon,Tue,Thu"),
        ] {
            assert_eq!(text.parse::<Days>().unwrap().to_string(), shown, "{text}");
        }
        for bad in ["", "Mon-", "Monday", "Mo-Fr", "Mon-Fry"] {
            assert!(bad.parse::<Days>().is_err(), "{bad}");
        }
        assert_eq!(
            "9:00-18:30".parse::<Span>().unwrap().to_string(),
            "09:00-18:30"
        );
        for bad in ["09:00", "18:00-09:00", "09:00-09:00", "09:00-24:00", "9-18"] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
        assert!("Europe/Berlin".parse::<Zone>().is_ok());
        assert!("Europe/Berlinn".parse::<Zone>().is_err());
    }

    /// Calls every 37 minutes over two weeks, on a Berlin schedule spanning
    /// the spring change, each with delays from 0 to 3 days.
    fn calls() -> impl Iterator<Item = DateTime<FixedOffset>> {
        let first = at("2026-03-23T00:05:00+01:00");
        (0..(14 * 24 * 60 / 37)).map(move |i| first + Duration::minutes(37 * i))
    }

    #[test]
    fn a_due_is_never_before_the_call_and_adding_nothing_is_the_next_working_instant() {
        let berlin = schedule("Mon-Fri", "09:00-18:00", Some("Europe/Berlin"));
        let tz: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        for call in calls() {
            let zero = due(call, 0, &berlin).unwrap();
            let local = call.with_timezone(&tz);
            let working = berlin.days.contains(local.weekday())
                && local.time() >= berlin.hours.open
                && local.time() <= berlin.hours.close;
            if working {
                assert_eq!(zero, call, "a call in working hours plus 0");
            } else {
                assert!(zero > call, "{call}");
                let opened = zero.with_timezone(&tz);
                assert_eq!(opened.time(), berlin.hours.open, "{call} → {zero}");
            }
            let mut last = zero;
            for delay in ["1m", "30m", "2h", "4h", "9h", "20h", "1d", "3d"] {
                let t = due(call, minutes(delay), &berlin).unwrap();
                assert!(t >= call, "{call} + {delay} = {t}");
                let local = t.with_timezone(&tz);
                assert!(berlin.days.contains(local.weekday()), "{call} + {delay}");
                assert!(
                    local.time() >= berlin.hours.open && local.time() <= berlin.hours.close,
                    "{call} + {delay} = {t}"
                );
                if !delay.ends_with('d') {
                    assert!(t > last, "{call}: {delay} is not after the shorter delay");
                    last = t;
                }
            }
        }
    }
}
