//! Opening and working hours as local wall-clock times.
//!
//! Hours are kept as minutes after local midnight rather than as instants: "09:00" means nine
//! o'clock on whatever day it is applied to, whatever the UTC offset is that day. Turning them into
//! instants is the scheduling core's job, because only it knows the day and the zone.

use std::collections::BTreeMap;

use super::ValidationError;
use chrono::Weekday;

pub const MINUTES_PER_DAY: u16 = 24 * 60;

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One stretch of time within a day, `start` inclusive and `end` exclusive, in minutes after
/// local midnight; `end` may be 1440 ("24:00") so a day can run up to midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallInterval {
    start: u16,
    end: u16,
}

impl WallInterval {
    pub fn new(start: u16, end: u16) -> Result<Self, ValidationError> {
        if end > MINUTES_PER_DAY || start >= end {
            return Err(ValidationError::new(
                "",
                format!(
                    "{}–{} is not a valid interval: the end must be after the start, at 24:00 at the latest",
                    format_minutes(start),
                    format_minutes(end)
                ),
            ));
        }
        Ok(Self { start, end })
    }

    /// Parses `["09:00","12:30"]`-style pairs.
    pub fn parse(start: &str, end: &str) -> Result<Self, ValidationError> {
        let start = parse_wall_time(start)?;
        if start == MINUTES_PER_DAY {
            return Err(ValidationError::new(
                "",
                "an interval cannot start at 24:00",
            ));
        }
        Self::new(start, parse_wall_time(end)?)
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }

    pub fn to_pair(self) -> [String; 2] {
        [format_minutes(self.start), format_minutes(self.end)]
    }
}

/// Parses `HH:MM` (or `H:MM`), 00:00 to 24:00.
pub fn parse_wall_time(raw: &str) -> Result<u16, ValidationError> {
    let bad = || {
        ValidationError::new(
            "",
            format!("{raw:?} is not a time of day; use HH:MM between 00:00 and 24:00"),
        )
    };
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, max_len| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub fn format_minutes(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The intervals of one day, sorted and not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DayHours(Vec<WallInterval>);

impl DayHours {
    pub fn closed() -> Self {
        Self::closed_const()
    }

    pub const fn closed_const() -> Self {
        Self(Vec::new())
    }

    pub fn new(mut intervals: Vec<WallInterval>) -> Result<Self, ValidationError> {
        intervals.sort();
        if let Some(pair) = intervals.windows(2).find(|w| w[0].end > w[1].start) {
            return Err(ValidationError::new(
                "",
                format!(
                    "intervals {}–{} and {}–{} overlap",
                    format_minutes(pair[0].start),
                    format_minutes(pair[0].end),
                    format_minutes(pair[1].start),
                    format_minutes(pair[1].end)
                ),
            ));
        }
        Ok(Self(intervals))
    }

    /// Parses `[["09:00","12:30"],["13:30","18:00"]]`.
    pub fn parse(pairs: &[[String; 2]]) -> Result<Self, ValidationError> {
        if pairs.len() > 12 {
            return Err(ValidationError::new("", "at most 12 intervals per day"));
        }
        let intervals = pairs
            .iter()
            .enumerate()
            .map(|(i, [s, e])| {
                WallInterval::parse(s, e).map_err(|err| err.within(&format!("[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(intervals)
    }

    pub fn intervals(&self) -> &[WallInterval] {
        &self.0
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_pairs(&self) -> Vec<[String; 2]> {
        self.0.iter().map(|i| i.to_pair()).collect()
    }
}

/// Working hours for each day of the week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WeeklyHours([DayHours; 7]);

/// The JSON shape of weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[…]}`;
/// days left out are days off.
pub type WeeklyHoursJson = BTreeMap<String, Vec<[String; 2]>>;

impl WeeklyHours {
    pub fn parse(json: &WeeklyHoursJson) -> Result<Self, ValidationError> {
        let mut week: [DayHours; 7] = Default::default();
        for (key, pairs) in json {
            let index = day_index(key).ok_or_else(|| {
                ValidationError::new(
                    key.as_str(),
                    "is not a day of the week; use mon, tue, wed, thu, fri, sat or sun",
                )
            })?;
            week[index] = DayHours::parse(pairs).map_err(|e| e.within(key))?;
        }
        Ok(Self(week))
    }

    pub fn from_days(days: [DayHours; 7]) -> Self {
        Self(days)
    }

    pub fn on(&self, weekday: Weekday) -> &DayHours {
        &self.0[weekday.num_days_from_monday() as usize]
    }

    /// (weekday index from Monday = 0, interval) for every interval of the week.
    pub fn iter(&self) -> impl Iterator<Item = (usize, WallInterval)> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(day, hours)| hours.intervals().iter().map(move |i| (day, *i)))
    }

    pub fn to_json(&self) -> WeeklyHoursJson {
        DAY_KEYS
            .iter()
            .zip(&self.0)
            .map(|(key, day)| ((*key).to_owned(), day.to_pairs()))
            .collect()
    }
}

fn day_index(key: &str) -> Option<usize> {
    const FULL_NAMES: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let key = key.trim().to_ascii_lowercase();
    (0..7).find(|&i| key == DAY_KEYS[i] || key == FULL_NAMES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(json: &str) -> Result<WeeklyHours, ValidationError> {
        WeeklyHours::parse(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn parses_split_days_and_leaves_missing_days_off() {
        let w = week(r#"{"mon":[["13:30","18:00"],["09:00","12:30"]],"sat":[["10:00","24:00"]]}"#)
            .unwrap();
        assert_eq!(w.on(Weekday::Mon).intervals().len(), 2);
        assert_eq!(w.on(Weekday::Mon).intervals()[0].start(), 9 * 60);
        assert!(w.on(Weekday::Tue).is_closed());
        assert_eq!(w.on(Weekday::Sat).intervals()[0].end(), 1440);
        assert_eq!(
            w.to_json()["mon"][1],
            ["13:30".to_owned(), "18:00".to_owned()]
        );
    }

    #[test]
    fn refuses_bad_hours_and_names_the_place() {
        let cases = [
            (r#"{"mon":[["25:00","26:00"]]}"#, "mon[0]"),
            (r#"{"mon":[["10:00","09:00"]]}"#, "mon[0]"),
            (r#"{"tue":[["09:00","12:00"],["11:00","13:00"]]}"#, "tue"),
            (r#"{"funday":[["09:00","12:00"]]}"#, "funday"),
            (r#"{"mon":[["24:00","24:00"]]}"#, "mon[0]"),
            (r#"{"mon":[["9:60","10:00"]]}"#, "mon[0]"),
            (r#"{"mon":[["09:00","10"]]}"#, "mon[0]"),
        ];
        for (json, field) in cases {
            let err = week(json).unwrap_err();
            assert_eq!(err.field, field, "{json}: {err}");
        }
    }

    #[test]
    fn accepts_full_day_names_and_single_digit_hours() {
        let w = week(r#"{"Monday":[["9:00","17:00"]]}"#).unwrap();
        assert_eq!(w.on(Weekday::Mon).intervals()[0].start(), 540);
    }
}
