//! What notifications need from the database beyond the job queue itself: staff calendar feeds
//! (found by the hash of their token) and a business's notification jobs for the staff page.

use diesel::prelude::*;

use super::models::{CalendarFeed, Job};
use super::schema::{calendar_feeds, jobs};
use super::{DbConnection, StorageResult};

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
