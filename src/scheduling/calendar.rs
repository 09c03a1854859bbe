//! When a resource works: weekly hours, overridden by special days and closures.

use chrono::{Datelike, NaiveDate};

use super::timeline::{Bound, Timeline, wall_seconds};
use super::{Interval, merge_intervals};
use crate::domain::{DayHours, WeeklyHours};

/// What a closure or special day does to the dates it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExceptionRule {
    /// No work at all.
    Closed,
    /// Work these hours instead of the weekly ones.
    Hours(DayHours),
}

/// A closure or special day over the local dates `first..=last`. Whether it applies to the whole
/// business or one resource is decided by the list it is put in ([`Calendar`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarException {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub rule: ExceptionRule,
}

impl CalendarException {
    fn covers(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

/// Everything that decides one resource's working time.
///
/// Precedence, most specific first: a closure (the business's or the resource's own) closes the
/// day; else the resource's own special hours; else the business's special hours, which set every
/// resource's hours that day; else the resource's weekly hours.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub weekly: &'a WeeklyHours,
    pub own: &'a [CalendarException],
    pub business: &'a [CalendarException],
}

static CLOSED: DayHours = DayHours::closed_const();

impl<'a> Calendar<'a> {
    pub fn hours_on(&self, date: NaiveDate) -> &'a DayHours {
        let covering = |list: &'a [CalendarException]| list.iter().filter(move |e| e.covers(date));
        let closed = covering(self.own)
            .chain(covering(self.business))
            .any(|e| e.rule == ExceptionRule::Closed);
        if closed {
            return &CLOSED;
        }
        let special = |list: &'a [CalendarException]| {
            covering(list).find_map(|e| match &e.rule {
                ExceptionRule::Hours(hours) => Some(hours),
                ExceptionRule::Closed => None,
            })
        };
        special(self.own)
            .or_else(|| special(self.business))
            .unwrap_or_else(|| self.weekly.on(date.weekday()))
    }
}

/// When anyone of `calendars` works on a local date, as merged wall-clock minutes: the
/// business's opening hours that day, as customers see them (closures and special days count).
pub fn open_on(calendars: &[Calendar<'_>], date: NaiveDate) -> Vec<(u16, u16)> {
    let mut spans: Vec<(u16, u16)> = calendars
        .iter()
        .flat_map(|c| c.hours_on(date).intervals().iter())
        .map(|i| (i.start(), i.end()))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The instants a resource works on the local dates `first..=last`, merged so that back-to-back
/// intervals (and days that run through midnight) form one window.
pub fn working_windows(
    calendar: &Calendar<'_>,
    timeline: &Timeline,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Interval> {
    let mut windows = Vec::new();
    for date in first.iter_days().take_while(|d| *d <= last) {
        for interval in calendar.hours_on(date).intervals() {
            let start = timeline.boundary(
                wall_seconds(date, i64::from(interval.start())),
                Bound::Start,
            );
            let end = timeline.boundary(wall_seconds(date, i64::from(interval.end())), Bound::End);
            windows.push(Interval::new(start, end));
        }
    }
    merge_intervals(windows)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn monday_hours(from: &str, to: &str) -> WeeklyHours {
        let json = BTreeMap::from([("mon".to_owned(), vec![[from.to_owned(), to.to_owned()]])]);
        WeeklyHours::parse(&json).unwrap_or_default()
    }

    #[test]
    fn opening_is_everyones_hours_merged_and_a_closure_closes_it() {
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let (sam, alex) = (
            monday_hours("09:00", "13:00"),
            monday_hours("12:00", "18:00"),
        );
        let closed = [CalendarException {
            first: monday,
            last: monday,
            rule: ExceptionRule::Closed,
        }];
        let with = |business| {
            [&sam, &alex].map(|weekly| Calendar {
                weekly,
                own: &[],
                business,
            })
        };
        assert_eq!(open_on(&with(&[]), monday), vec![(540, 1080)]);
        assert_eq!(open_on(&with(&closed), monday), vec![]);
        assert_eq!(open_on(&with(&[]), monday + chrono::Days::new(1)), vec![]);
    }
}
