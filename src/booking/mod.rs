//! Booking use cases: availability, booking, moving, cancelling.
//!
//! Each use case is one database transaction that loads what it needs, asks the pure scheduling
//! core, and writes the result. The database has the last word on overlaps (an exclusion
//! constraint or trigger); when it refuses a write that raced with another, the use case runs
//! again and sees the winner.

mod answers;
mod availability;
mod calendar;
mod changes;
mod faq;
mod listing;
mod watch;

use std::sync::Arc;

pub use answers::{AnswerCache, CacheUsage};
pub use availability::{Availability, AvailabilityQuery, OfferedSlot, Offers, offers};
pub use calendar::{
    BusinessCalendar, CalendarCache, ServiceProfile, StaffCalendar, exception_from_row,
};
pub use changes::{
    Actor, BookingRequest, CustomerContact, StatusChange, cancel_booking, confirm_hold,
    create_booking, move_booking, release_hold,
};
pub use faq::{Faq, FaqAnswers};
pub use listing::{BookingFilter, DaySchedule, StaffDay};

pub use crate::details::{
    BookingContact, BookingDetails, BusinessProfile, details_of, with_details,
};
pub use watch::{BookingFeed, ChangeFeed, ChangeWatcher};

use crate::error::AppError;
use crate::metrics::Metrics;
use crate::scheduling::Refusal;
use crate::storage::Database;

/// The booking desk: availability and changes to bookings, for every channel alike.
#[derive(Clone)]
pub struct Scheduler {
    db: Database,
    calendars: Arc<CalendarCache>,
    /// Kept availability answers; `None` computes every answer afresh.
    answers: Option<Arc<AnswerCache>>,
    metrics: Metrics,
}

impl Scheduler {
    pub fn new(db: Database, metrics: Metrics, answers: Option<Arc<AnswerCache>>) -> Self {
        Self {
            db,
            calendars: Arc::new(CalendarCache::default()),
            answers,
            metrics,
        }
    }

    /// What the availability answer cache holds, when there is one.
    pub fn answer_cache_usage(&self) -> Option<CacheUsage> {
        self.answers.as_ref().map(|a| a.usage())
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    pub fn calendars(&self) -> &Arc<CalendarCache> {
        &self.calendars
    }
}

/// How many times a write that lost a race is tried again before giving up.
const RACE_RETRIES: usize = 4;

/// Whether a storage failure means "another transaction got there first": the write can run
/// again and will see the winner (an overlap, a unique key such as a booking reference, or a
/// deadlock between two inserts checked by the same exclusion constraint).
fn lost_race(error: &AppError) -> bool {
    matches!(error, AppError::Storage(e)
        if e.is_overlap() || e.is_unique_violation() || e.is_transient_conflict())
}

/// Runs a writing use case, again when it lost a race; a race lost every time means the slot
/// was taken.
pub(crate) async fn write_with_retries<T, F>(db: &Database, work: F) -> Result<T, AppError>
where
    F: Fn(&mut crate::storage::DbConnection) -> Result<T, AppError> + Send + Sync + Clone + 'static,
    T: Send + 'static,
{
    let mut last = None;
    for _ in 0..RACE_RETRIES {
        match db.write(work.clone()).await {
            Err(e) if lost_race(&e) => last = Some(e),
            other => return other,
        }
    }
    Err(match last {
        Some(AppError::Storage(e)) if e.is_overlap() => AppError::Refused(Refusal::Taken),
        Some(e) => e,
        None => AppError::Refused(Refusal::Taken),
    })
}
