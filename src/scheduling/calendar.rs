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
