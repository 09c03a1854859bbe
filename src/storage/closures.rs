//! Closures and special days.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::CalendarExceptionRow;
use super::schema::calendar_exceptions;
use super::{DbConnection, StorageResult};

pub fn insert(conn: &mut DbConnection, row: &CalendarExceptionRow) -> StorageResult<()> {
    diesel::insert_into(calendar_exceptions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every exception of the business, ordered by date.
pub fn all_of(
    conn: &mut DbConnection,
    business_id: &str,
) -> StorageResult<Vec<CalendarExceptionRow>> {
    Ok(calendar_exceptions::table
        .filter(calendar_exceptions::business_id.eq(business_id))
        .order((calendar_exceptions::first_date, calendar_exceptions::id))
        .select(CalendarExceptionRow::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<CalendarExceptionRow>> {
    Ok(calendar_exceptions::table
        .filter(calendar_exceptions::id.eq(id))
        .filter(calendar_exceptions::business_id.eq(business_id))
        .select(CalendarExceptionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn replace(
    conn: &mut DbConnection,
    row: &CalendarExceptionRow,
    now: NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(calendar_exceptions::table.find(&row.id))
        .set((
            calendar_exceptions::resource_id.eq(&row.resource_id),
            calendar_exceptions::first_date.eq(row.first_date),
            calendar_exceptions::last_date.eq(row.last_date),
            calendar_exceptions::hours.eq(&row.hours),
            calendar_exceptions::reason.eq(&row.reason),
            calendar_exceptions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: &str) -> StorageResult<()> {
    diesel::delete(calendar_exceptions::table.find(id)).execute(conn)?;
    Ok(())
}
