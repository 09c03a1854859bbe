//! A zone's UTC offsets over a stretch of time, computed once per query.
//!
//! Asking chrono-tz for an offset means a search through the zone's transition table; the slot
//! loop would do that thousands of times per query. Instead the offsets over the queried span are
//! sampled once into constant-offset segments, and every conversion in the loop is arithmetic.

use chrono::{NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Zones change offset at most a few times a year; sampling every hour and then bisecting to the
/// second finds every transition as long as two of them are more than an hour apart, which holds
/// for every zone in the tz database.
const SAMPLE_STEP: i64 = 3_600;

/// No zone is further than this from UTC.
const MAX_OFFSET: i64 = 26 * 3_600;

/// Which instant a wall-clock boundary stands for when the wall time is ambiguous or missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The start of a stretch: the earliest instant showing that wall time.
    Start,
    /// The end of a stretch: the latest instant showing that wall time.
    End,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    /// First instant with this offset.
    start: i64,
    /// Local minus UTC, in seconds.
    offset: i64,
}

/// The offsets of one zone over `[start, end)` in UTC seconds.
#[derive(Debug, Clone)]
pub struct Timeline {
    tz: Tz,
    segments: Vec<Segment>,
    end: i64,
}

fn offset_of(tz: Tz, instant: i64) -> i64 {
    let utc = chrono::DateTime::from_timestamp(instant, 0)
        .unwrap_or_default()
        .naive_utc();
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

impl Timeline {
    pub fn new(tz: Tz, start: i64, end: i64) -> Self {
        let mut segments = vec![Segment {
            start,
            offset: offset_of(tz, start),
        }];
        let mut at = start;
        while at < end {
            let next = (at + SAMPLE_STEP).min(end);
            let current = segments[segments.len() - 1].offset;
            if offset_of(tz, next) == current {
                at = next;
                continue;
            }
            // Bisect for the first second with a different offset.
            let (mut same, mut changed) = (at, next);
            while changed - same > 1 {
                let mid = same + (changed - same) / 2;
                if offset_of(tz, mid) == current {
                    same = mid;
                } else {
                    changed = mid;
                }
            }
            segments.push(Segment {
                start: changed,
                offset: offset_of(tz, changed),
            });
            at = changed;
        }
        Self { tz, segments, end }
    }

    /// A timeline that covers the local dates `first..=last` with room for windows that spill
    /// into neighbouring days.
    pub fn for_dates(tz: Tz, first: chrono::NaiveDate, last: chrono::NaiveDate) -> Self {
        let start = first
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp();
        let end = last
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp();
        // UTC offsets lie within ±26 hours; two days either side covers every window of the dates
        // and of the day before and after them.
        Self::new(
            tz,
            start - 2 * super::SECONDS_PER_DAY,
            end + 3 * super::SECONDS_PER_DAY,
        )
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Whether every offset on the timeline is a whole number of minutes, as in every zone
    /// since 1972 (some local mean times before then had seconds).
    pub fn whole_minutes(&self) -> bool {
        self.segments.iter().all(|s| s.offset % 60 == 0)
    }

    fn covers(&self, instant: i64) -> bool {
        self.segments[0].start <= instant && instant < self.end
    }

    fn segment_end(&self, index: usize) -> i64 {
        self.segments.get(index + 1).map_or(self.end, |s| s.start)
    }

    /// Local minus UTC at `instant`, in seconds.
    pub fn offset_at(&self, instant: i64) -> i64 {
        if !self.covers(instant) {
            return offset_of(self.tz, instant);
        }
        let index = self.segments.partition_point(|s| s.start <= instant) - 1;
        self.segments[index].offset
    }

    /// The constant-offset pieces of `[from, to)`: `(start, end, offset)`.
    pub fn pieces(&self, from: i64, to: i64) -> impl Iterator<Item = (i64, i64, i64)> + '_ {
        let first = self
            .segments
            .partition_point(|s| s.start <= from)
            .saturating_sub(1);
        (first..self.segments.len())
            .map_while(move |i| {
                let (start, end) = (
                    self.segments[i].start.max(from),
                    self.segment_end(i).min(to),
                );
                (self.segments[i].start < to).then_some((start, end, self.segments[i].offset))
            })
            .filter(|(start, end, _)| start < end)
    }

    /// Every instant whose wall clock reads `wall` (wall seconds since 1970-01-01T00:00 local):
    /// none in a spring-forward gap, two in a fall-back overlap, earliest first.
    pub fn instants_of(&self, wall: i64) -> Vec<i64> {
        // Beyond the sampled span (callers normally stay inside it) ask the zone directly.
        if wall - MAX_OFFSET < self.segments[0].start || wall + MAX_OFFSET >= self.end {
            return self.instants_from_tz(wall);
        }
        (0..self.segments.len())
            .map(|i| (i, wall - self.segments[i].offset))
            .filter(|&(i, instant)| {
                self.segments[i].start <= instant && instant < self.segment_end(i)
            })
            .map(|(_, instant)| instant)
            .collect()
    }

    /// The instant a working-hours boundary at `wall` stands for. A wall time inside a
    /// spring-forward gap is read as the moment the clocks jump, so "open from 02:00" on a night
    /// without 02:00 opens at 03:00, and "open until 02:30" closes at the jump.
    pub fn boundary(&self, wall: i64, bound: Bound) -> i64 {
        let instants = self.instants_of(wall);
        match (bound, instants.first(), instants.last()) {
            (Bound::Start, Some(&first), _) => first,
            (Bound::End, _, Some(&last)) => last,
            _ => self.gap_end(wall),
        }
    }

    /// The instant at which the gap containing `wall` ends.
    fn gap_end(&self, wall: i64) -> i64 {
        self.segments
            .iter()
            .find(|s| s.start + s.offset > wall)
            .map_or_else(|| wall - self.offset_at(self.end - 1), |s| s.start)
    }

    fn instants_from_tz(&self, wall: i64) -> Vec<i64> {
        let Some(naive) = chrono::DateTime::from_timestamp(wall, 0).map(|d| d.naive_utc()) else {
            return Vec::new();
        };
        instants_for_naive(self.tz, naive)
    }
}

fn instants_for_naive(tz: Tz, naive: NaiveDateTime) -> Vec<i64> {
    use chrono::LocalResult;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => vec![t.timestamp()],
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.timestamp(), b.timestamp());
            vec![a.min(b), a.max(b)]
        }
        LocalResult::None => Vec::new(),
    }
}

/// Wall seconds for a local date and minutes after its midnight.
pub(crate) fn wall_seconds(date: chrono::NaiveDate, minutes: i64) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp()
        + minutes * 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn wall(s: &str) -> i64 {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
            .timestamp()
    }

    fn utc(s: &str) -> i64 {
        wall(s)
    }

    fn timeline(zone: &str, date: &str) -> Timeline {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        Timeline::for_dates(zone.parse().unwrap(), d, d)
    }

    #[test]
    fn berlin_spring_forward_has_a_gap_and_fall_back_an_overlap() {
        let t = timeline("Europe/Berlin", "2027-03-28");
        assert!(t.instants_of(wall("2027-03-28 02:30")).is_empty());
        assert_eq!(
            t.instants_of(wall("2027-03-28 03:00")),
            vec![utc("2027-03-28 01:00")]
        );
        assert_eq!(
            t.boundary(wall("2027-03-28 02:30"), Bound::Start),
            utc("2027-03-28 01:00")
        );
        let t = timeline("Europe/Berlin", "2027-10-31");
        assert_eq!(
            t.instants_of(wall("2027-10-31 02:30")),
            vec![utc("2027-10-31 00:30"), utc("2027-10-31 01:30")]
        );
        assert_eq!(
            t.boundary(wall("2027-10-31 02:30"), Bound::End),
            utc("2027-10-31 01:30")
        );
    }

    #[test]
    fn santiago_midnight_that_does_not_exist_starts_the_day_at_one() {
        // 2027-09-05: clocks go from 00:00 (-04) straight to 01:00 (-03).
        let t = timeline("America/Santiago", "2027-09-05");
        assert!(t.instants_of(wall("2027-09-05 00:00")).is_empty());
        assert_eq!(
            t.boundary(wall("2027-09-05 00:00"), Bound::Start),
            utc("2027-09-05 04:00")
        );
    }

    #[test]
    fn agrees_with_chrono_tz_on_every_quarter_hour_of_a_year() {
        for zone in [
            "Europe/Berlin",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "America/Havana",
        ] {
            let tz: Tz = zone.parse().unwrap();
            let first = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
            let last = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
            let t = Timeline::for_dates(tz, first, last);
            let mut w = wall("2027-01-01 00:00");
            while w < wall("2028-01-01 00:00") {
                let naive = chrono::DateTime::from_timestamp(w, 0).unwrap().naive_utc();
                assert_eq!(
                    t.instants_of(w),
                    instants_for_naive(tz, naive),
                    "{zone} {naive}"
                );
                w += 900;
            }
        }
    }
}
