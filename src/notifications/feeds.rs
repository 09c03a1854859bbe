//! Staff calendar feeds: one secret URL per staff member that Google Calendar, Apple Calendar
//! and Outlook subscribe to. Only the token's hash is stored and the feed is found by it, so a
//! stolen database does not reveal working feed URLs; a new token replaces the old one, which
//! stops working at once.

use chrono::{DateTime, Days, Utc};

use super::ics;
use crate::access;
use crate::booking::{BookingFilter, BusinessProfile, Scheduler};
use crate::domain::BookingStatus;
use crate::error::AppError;
use crate::storage::models::CalendarFeed;
use crate::storage::notifications as stored;
use crate::storage::{DbConnection, businesses, staff, to_db_time};

/// Recent appointments stay in the feed for this long, so they do not vanish from a calendar
/// the moment they end.
const FEED_PAST_DAYS: u64 = 30;
/// As far ahead as any business takes bookings.
const FEED_FUTURE_DAYS: u64 = 731;

pub fn feed_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/calendars/{token}.ics")
}

/// Gives a staff member a new feed token and returns it; any earlier token stops working.
pub fn rotate_feed(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    staff::find_staff(conn, business_id, staff_id)?.ok_or(AppError::NotFound("staff member"))?;
    let token = access::generate_feed_token();
    stored::replace_feed(
        conn,
        &CalendarFeed {
            staff_id: staff_id.to_owned(),
            business_id: business_id.to_owned(),
            token_hash: access::hash_secret(&token),
            created_at: to_db_time(now),
        },
    )?;
    Ok(token)
}

/// The feed behind a token, as an iCalendar document.
pub async fn staff_feed(
    scheduler: &Scheduler,
    token: String,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (business, staff_name) = scheduler
        .db()
        .read(move |conn| {
            let feed = stored::feed_by_hash(conn, &access::hash_secret(&token))?
                .ok_or(AppError::NotFound("calendar"))?;
            let staff = staff::find_staff(conn, &feed.business_id, &feed.staff_id)?
                .ok_or(AppError::NotFound("calendar"))?;
            let business = businesses::by_id(conn, &feed.business_id)?
                .ok_or(AppError::NotFound("calendar"))?;
            Ok::<_, AppError>((business, (staff.id, staff.name)))
        })
        .await?;
    let profile = BusinessProfile::from_row(&business)?;
    let today = now.with_timezone(&profile.tz).date_naive();
    let (staff_id, staff_name) = staff_name;
    let filter = BookingFilter {
        staff_id: Some(staff_id),
        statuses: vec![
            BookingStatus::Confirmed,
            BookingStatus::Completed,
            BookingStatus::NoShow,
        ],
        ..Default::default()
    };
    let bookings = scheduler
        .list_bookings(
            business,
            today - Days::new(FEED_PAST_DAYS),
            today + Days::new(FEED_FUTURE_DAYS),
            filter,
        )
        .await?;
    Ok(ics::staff_feed(&staff_name, &profile.name, &bookings, now))
}
