//! The scheduling core: which times can be booked.
//!
//! Pure functions only — no database, no clock ("now" is always a parameter) — so every rule can
//! be tested exhaustively and fast. Storage loads the inputs, calls in here, and writes the result.
//!
//! Times are handled in two spaces:
//! - *wall* time: what a clock on the shop wall shows (working hours, the slot grid);
//! - *instants*: seconds since the Unix epoch in UTC (bookings, busy periods, "now").
//!
//! [`Timeline`] converts between them for one zone, with every daylight-saving rule applied in
//! one place: a wall time may map to no instant (spring forward), one, or two (fall back).

mod availability;
mod calendar;
mod timeline;

pub use availability::{Refusal, ResourceSchedule, Slot, SlotRequest, check_start, free_slots};
pub use calendar::{Calendar, CalendarException, ExceptionRule, open_on, working_windows};
pub use timeline::{Bound, Timeline};

/// A half-open stretch of time `[start, end)` in UTC seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

impl Interval {
    pub fn new(start: i64, end: i64) -> Self {
        Self { start, end }
    }

    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Sorts intervals and joins those that overlap or touch, so a sweep can treat them as disjoint.
pub fn merge_intervals(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.retain(|i| i.start < i.end);
    intervals.sort_unstable();
    let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
    for interval in intervals {
        match merged.last_mut() {
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => merged.push(interval),
        }
    }
    merged
}

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
