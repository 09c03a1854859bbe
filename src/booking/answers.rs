//! Availability answers, kept while nothing they depend on has changed.
//!
//! An answer is a pure function of the query, the business's calendar, the allocations of its
//! resources and the clock. The first two are versions the database bumps in the transaction
//! that changes them (`businesses.config_version`, and `resources.bookings_version` through a
//! trigger on `allocations`), read by every request in one indexed query: an instance can serve
//! a kept answer only while the versions it was computed at are still the current ones, so
//! instances behind a load balancer stay exact without talking to each other.
//!
//! The clock matters in two ways. Minimum notice and the booking horizon move with it, but
//! slot starts, notice and horizon are whole minutes, so the answer is the same all through one
//! minute (`(m − 1)·60, m·60]` of seconds; a zone whose offset has seconds, as some local mean
//! times before 1972 did, is never kept). And a hold stops counting when it expires, so an
//! answer that counted holds is kept only until the first of them ends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use lru::LruCache;

use super::availability::{Availability, AvailabilityQuery, OfferedSlot};
use crate::storage::bookings::AvailabilityStamp;
use crate::storage::to_db_time;

/// What an answer is for, besides the versions and the clock.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Question {
    business_id: String,
    service_id: String,
    staff_id: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
}

impl Question {
    fn new(business_id: &str, query: &AvailabilityQuery) -> Self {
        Self {
            business_id: business_id.to_owned(),
            service_id: query.service_id.clone(),
            staff_id: query.staff_id.clone(),
            from: query.from,
            to: query.to,
        }
    }
}

/// The conditions under which a kept answer is still the answer.
#[derive(Debug, Clone)]
struct Validity {
    config_version: i64,
    bookings_version: i64,
    minute: i64,
    /// The first moment a hold the answer counted stops counting.
    until: Option<NaiveDateTime>,
}

impl Validity {
    fn holds_at(&self, stamp: &AvailabilityStamp, now: DateTime<Utc>) -> bool {
        self.config_version == stamp.config_version
            && self.bookings_version == stamp.bookings_version
            && self.minute == minute_of(now)
            && self.until.is_none_or(|until| to_db_time(now) < until)
    }
}

/// The minute whose answer `now` gets: the `m` with `now` (in whole seconds, as the core reads
/// it) in `((m − 1)·60, m·60]`.
fn minute_of(now: DateTime<Utc>) -> i64 {
    let seconds = now.timestamp();
    seconds.div_euclid(60) + i64::from(seconds.rem_euclid(60) != 0)
}

struct Kept {
    validity: Validity,
    answer: Arc<Availability>,
    bytes: usize,
}

/// What an answer costs to keep, roughly: its slots, and its JSON once rendered.
fn weight(answer: &Availability) -> usize {
    const JSON_PER_SLOT: usize = 100;
    let per_slot = std::mem::size_of::<OfferedSlot>() + JSON_PER_SLOT;
    let staff: usize = answer.slots.iter().map(|s| s.staff_id.len()).sum();
    256 + answer.slots.len() * per_slot + staff
}

struct Shelf {
    entries: LruCache<Question, Kept>,
    bytes: usize,
}

/// Answers kept within a budget of bytes, the least recently used given up first.
pub struct AnswerCache {
    shelf: Mutex<Shelf>,
    budget: usize,
    served: AtomicU64,
}

/// What a cache holds and has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheUsage {
    pub answers: usize,
    pub bytes: usize,
    /// Requests answered from it.
    pub served: u64,
}

/// Enough for a week's answer of every service of 1,000 businesses.
pub const DEFAULT_BUDGET_BYTES: usize = 48 * 1024 * 1024;

impl AnswerCache {
    pub fn new(budget: usize) -> Self {
        Self {
            shelf: Mutex::new(Shelf {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
            served: AtomicU64::new(0),
        }
    }

    /// The kept answer, if it is still the answer for this stamp at `now`.
    pub(super) fn get(
        &self,
        stamp: &AvailabilityStamp,
        query: &AvailabilityQuery,
        now: DateTime<Utc>,
    ) -> Option<Arc<Availability>> {
        let question = Question::new(&stamp.business_id, query);
        let mut shelf = self.shelf.lock().unwrap_or_else(|p| p.into_inner());
        let kept = shelf.entries.get(&question)?;
        let answer = kept
            .validity
            .holds_at(stamp, now)
            .then(|| Arc::clone(&kept.answer))?;
        self.served.fetch_add(1, Ordering::Relaxed);
        Some(answer)
    }

    /// Keeps `answer`, computed at `stamp` and `now` (read in that order), valid until the
    /// first counted hold ends. Answers in zones with offsets of seconds are not kept.
    pub(super) fn put(
        &self,
        stamp: &AvailabilityStamp,
        query: &AvailabilityQuery,
        now: DateTime<Utc>,
        until: Option<NaiveDateTime>,
        answer: &Arc<Availability>,
    ) {
        if !answer.whole_minutes {
            return;
        }
        let kept = Kept {
            validity: Validity {
                config_version: stamp.config_version,
                bookings_version: stamp.bookings_version,
                minute: minute_of(now),
                until,
            },
            answer: Arc::clone(answer),
            bytes: weight(answer),
        };
        if kept.bytes > self.budget {
            return;
        }
        let mut shelf = self.shelf.lock().unwrap_or_else(|p| p.into_inner());
        shelf.bytes += kept.bytes;
        if let Some((_, old)) = shelf
            .entries
            .push(Question::new(&stamp.business_id, query), kept)
        {
            shelf.bytes -= old.bytes;
        }
        while shelf.bytes > self.budget {
            match shelf.entries.pop_lru() {
                Some((_, old)) => shelf.bytes -= old.bytes,
                None => break,
            }
        }
    }

    pub fn usage(&self) -> CacheUsage {
        let shelf = self.shelf.lock().unwrap_or_else(|p| p.into_inner());
        CacheUsage {
            answers: shelf.entries.len(),
            bytes: shelf.bytes,
            served: self.served.load(Ordering::Relaxed),
        }
    }
}

impl Default for AnswerCache {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    #[test]
    fn a_minute_runs_from_just_after_one_whole_minute_to_the_next() {
        assert_eq!(minute_of(at(120)), 2);
        assert_eq!(minute_of(at(121)), 3);
        assert_eq!(minute_of(at(179)), 3);
        assert_eq!(minute_of(at(180)), 3);
        assert_eq!(minute_of(at(-1)), 0);
        assert_eq!(minute_of(at(-60)), -1);
        // Fractions of a second do not count: the core reads whole seconds.
        assert_eq!(minute_of(at(120) + chrono::Duration::milliseconds(500)), 2);
    }

    fn answer(slots: usize) -> Arc<Availability> {
        let start = at(0).fixed_offset();
        Arc::new(Availability::new(
            chrono_tz::UTC,
            vec![
                OfferedSlot {
                    start,
                    end: start,
                    staff_id: "s".to_owned(),
                };
                slots
            ],
            true,
        ))
    }

    fn stamp(business: &str, bookings: i64) -> AvailabilityStamp {
        AvailabilityStamp {
            business_id: business.to_owned(),
            config_version: 1,
            bookings_version: bookings,
        }
    }

    fn query() -> AvailabilityQuery {
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        AvailabilityQuery {
            service_id: "cut".to_owned(),
            staff_id: None,
            from: day,
            to: day,
        }
    }

    #[test]
    fn an_answer_is_kept_for_its_versions_its_minute_and_its_holds() {
        let cache = AnswerCache::default();
        let until = at(150).naive_utc();
        cache.put(&stamp("a", 7), &query(), at(100), Some(until), &answer(3));
        assert!(cache.get(&stamp("a", 7), &query(), at(119)).is_some());
        assert!(cache.get(&stamp("a", 8), &query(), at(119)).is_none());
        assert!(cache.get(&stamp("b", 7), &query(), at(119)).is_none());
        assert!(cache.get(&stamp("a", 7), &query(), at(121)).is_none());
        let mut other = query();
        other.staff_id = Some("s".to_owned());
        assert!(cache.get(&stamp("a", 7), &other, at(119)).is_none());
        cache.put(&stamp("a", 7), &query(), at(130), Some(until), &answer(3));
        assert!(cache.get(&stamp("a", 7), &query(), at(149)).is_some());
        assert!(cache.get(&stamp("a", 7), &query(), at(150)).is_none());
    }

    #[test]
    fn the_budget_gives_up_the_least_recently_used() {
        let one = weight(&answer(10));
        let cache = AnswerCache::new(one * 3);
        for (i, business) in ["a", "b", "c"].iter().enumerate() {
            cache.put(
                &stamp(business, 1),
                &query(),
                at(i as i64),
                None,
                &answer(10),
            );
        }
        // "a" was used last, so "b" goes when "d" comes.
        assert!(cache.get(&stamp("a", 1), &query(), at(0)).is_some());
        cache.put(&stamp("d", 1), &query(), at(0), None, &answer(10));
        assert_eq!((cache.usage().answers, cache.usage().bytes), (3, one * 3));
        assert!(cache.get(&stamp("b", 1), &query(), at(0)).is_none());
        assert!(cache.get(&stamp("a", 1), &query(), at(0)).is_some());
        // One answer larger than the whole budget is not kept.
        cache.put(&stamp("e", 1), &query(), at(0), None, &answer(100));
        assert!(cache.get(&stamp("e", 1), &query(), at(0)).is_none());
    }
}
