//! What notifications need from the database beyond the job queue itself: staff calendar feeds
//! (found by the hash of their token) and a business's notification jobs for the staff page.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Booking, Business, CalendarFeed, Job};
use super::schema::{bookings, businesses, calendar_feeds, jobs, resources, services};
use super::{DbConnection, StorageResult, jobs as job_status};

/// Gives a staff member a new feed token hash; the old token stops working in the same statement
/// that the new one starts.
pub fn replace_feed(conn: &mut DbConnection, feed: &CalendarFeed) -> StorageResult<()> {
    diesel::delete(calendar_feeds::table.find(&feed.staff_id)).execute(conn)?;
    diesel::insert_into(calendar_feeds::table)
        .values(feed)
        .execute(conn)?;
    Ok(())
}

pub fn feed_by_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> StorageResult<Option<CalendarFeed>> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .select(CalendarFeed::as_select())
        .first(conn)
        .optional()?)
}

/// A business's jobs of the given kinds, most recently changed first; all statuses when
/// `statuses` is empty.
pub fn jobs_of_business(
    conn: &mut DbConnection,
    business_id: &str,
    kinds: &[&str],
    statuses: &[&str],
    limit: i64,
) -> StorageResult<Vec<Job>> {
    let mut query = jobs::table
        .filter(jobs::business_id.eq(business_id))
        .filter(jobs::kind.eq_any(kinds))
        .into_boxed();
    if !statuses.is_empty() {
        query = query.filter(jobs::status.eq_any(statuses));
    }
    Ok(query
        .order((jobs::updated_at.desc(), jobs::id.desc()))
        .limit(limit)
        .select(Job::as_select())
        .load(conn)?)
}

/// Cancels the job with this key unless it has started or finished.
pub fn cancel_pending_job(
    conn: &mut DbConnection,
    key: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let cancelled = diesel::update(
        jobs::table
            .filter(jobs::dedupe_key.eq(key))
            .filter(jobs::status.eq(job_status::PENDING)),
    )
    .set((
        jobs::status.eq(job_status::CANCELLED),
        jobs::updated_at.eq(now),
        jobs::finished_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(cancelled == 1)
}

/// A booking with everything a message about it names, in one query: its business and the
/// service's and staff member's names (the customer's contact is on the booking).
pub type BookingForMessage = (Booking, Business, String, String);

pub fn booking_for_message(
    conn: &mut DbConnection,
    booking_id: &str,
) -> StorageResult<Option<BookingForMessage>> {
    Ok(bookings::table
        .inner_join(businesses::table)
        .inner_join(services::table)
        .inner_join(resources::table)
        .filter(bookings::id.eq(booking_id))
        .select((
            Booking::as_select(),
            Business::as_select(),
            services::name,
            resources::name,
        ))
        .first(conn)
        .optional()?)
}
