//! Businesses and their policies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Business, BusinessChanges};
use super::schema::businesses;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::ReminderOffsets;

pub fn insert(conn: &mut DbConnection, business: &Business) -> StorageResult<()> {
    diesel::insert_into(businesses::table)
        .values(business)
        .execute(conn)?;
    Ok(())
}

pub fn by_slug(conn: &mut DbConnection, slug: &str) -> StorageResult<Option<Business>> {
    Ok(businesses::table
        .filter(businesses::slug.eq(slug))
        .select(Business::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: &str) -> StorageResult<Option<Business>> {
    Ok(businesses::table
        .find(id)
        .select(Business::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_api_key_hash(conn: &mut DbConnection, hash: &str) -> StorageResult<Option<Business>> {
    Ok(businesses::table
        .filter(businesses::api_key_hash.eq(hash))
        .select(Business::as_select())
        .first(conn)
        .optional()?)
}

pub fn count(conn: &mut DbConnection) -> StorageResult<i64> {
    Ok(businesses::table.count().get_result(conn)?)
}

/// Applies `changes` and marks the calendar as changed.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    changes: &BusinessChanges,
    now: NaiveDateTime,
) -> StorageResult<()> {
    // An all-`None` changeset is an error in diesel; the version bump below still records the touch.
    if !is_empty(changes) {
        diesel::update(businesses::table.find(id))
            .set(changes)
            .execute(conn)?;
    }
    touch_calendar(conn, id, now)
}

fn is_empty(c: &BusinessChanges) -> bool {
    c.name.is_none()
        && c.time_zone.is_none()
        && c.locale.is_none()
        && c.address.is_none()
        && c.phone.is_none()
        && c.notification_email.is_none()
        && c.slot_interval_minutes.is_none()
        && c.min_notice_minutes.is_none()
        && c.booking_horizon_days.is_none()
        && c.cancellation_cutoff_minutes.is_none()
        && c.hold_minutes.is_none()
        && c.handoff_timeout_minutes.is_none()
        && c.contact_requirement.is_none()
        && c.reminder_offsets_minutes.is_none()
        && c.privacy_url.is_none()
        && c.transcript_retention_days.is_none()
        && c.manage_link_days.is_none()
}

/// The business's reminder offsets; stored ones that are not a valid list are corrupt.
pub fn reminder_offsets(business: &Business) -> StorageResult<ReminderOffsets> {
    let column = "businesses.reminder_offsets_minutes";
    let minutes: Vec<i32> = business
        .reminder_offsets_minutes
        .decode(column, &business.id)?;
    let minutes: Vec<i64> = minutes.into_iter().map(i64::from).collect();
    ReminderOffsets::parse(column, &minutes)
        .map_err(|e| StorageError::corrupt(format!("{column} of {}", business.id), e))
}

/// Records that something availability depends on has changed, so cached calendars on every
/// instance are reloaded. Call it in the same transaction as the change.
pub fn touch_calendar(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> StorageResult<()> {
    diesel::update(businesses::table.find(id))
        .set((
            businesses::config_version.eq(businesses::config_version + 1),
            businesses::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the business's API key (the old one stops working at once).
pub fn set_api_key_hash(conn: &mut DbConnection, id: &str, hash: &str) -> StorageResult<()> {
    diesel::update(businesses::table.find(id))
        .set(businesses::api_key_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}
