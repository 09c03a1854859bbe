//! Bookable resources — staff members first — and their weekly hours.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Resource, ResourceChanges, WorkingHoursRow};
use super::schema::{resources, working_hours};
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::{DayHours, WallInterval, WeeklyHours};

pub const STAFF: &str = "staff";

pub fn insert(conn: &mut DbConnection, resource: &Resource) -> StorageResult<()> {
    diesel::insert_into(resources::table)
        .values(resource)
        .execute(conn)?;
    Ok(())
}

/// The business's staff members, in display order; inactive ones only if asked for.
pub fn staff_of(
    conn: &mut DbConnection,
    business_id: &str,
    include_inactive: bool,
) -> StorageResult<Vec<Resource>> {
    let mut query = resources::table
        .filter(resources::business_id.eq(business_id))
        .filter(resources::kind.eq(STAFF))
        .into_boxed();
    if !include_inactive {
        query = query.filter(resources::active.eq(1));
    }
    Ok(query
        .order((resources::position, resources::created_at, resources::id))
        .select(Resource::as_select())
        .load(conn)?)
}

/// One staff member of one business; another business's id is simply not found.
pub fn find_staff(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<Resource>> {
    Ok(resources::table
        .filter(resources::id.eq(id))
        .filter(resources::business_id.eq(business_id))
        .filter(resources::kind.eq(STAFF))
        .select(Resource::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    changes: &ResourceChanges,
    now: NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(resources::table.find(id))
        .set((changes, resources::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn replace_hours(
    conn: &mut DbConnection,
    resource_id: &str,
    hours: &WeeklyHours,
) -> StorageResult<()> {
    diesel::delete(working_hours::table.filter(working_hours::resource_id.eq(resource_id)))
        .execute(conn)?;
    // One statement per row: multi-row VALUES is not available across both backends.
    for (weekday, interval) in hours.iter() {
        let row = WorkingHoursRow {
            resource_id: resource_id.to_owned(),
            weekday: weekday as i32,
            start_minute: i32::from(interval.start()),
            end_minute: i32::from(interval.end()),
        };
        diesel::insert_into(working_hours::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

/// Weekly hours of each of `resource_ids`; a resource without rows has every day off.
pub fn hours_of(
    conn: &mut DbConnection,
    resource_ids: &[String],
) -> StorageResult<HashMap<String, WeeklyHours>> {
    let rows: Vec<WorkingHoursRow> = working_hours::table
        .filter(working_hours::resource_id.eq_any(resource_ids))
        .select(WorkingHoursRow::as_select())
        .load(conn)?;
    let mut grouped: HashMap<String, [Vec<WallInterval>; 7]> = HashMap::new();
    for row in rows {
        let corrupt = || {
            StorageError::corrupt(
                format!("working hours of {}", row.resource_id),
                "out of range",
            )
        };
        let day = usize::try_from(row.weekday)
            .ok()
            .filter(|d| *d < 7)
            .ok_or_else(corrupt)?;
        let (start, end) = (
            u16::try_from(row.start_minute),
            u16::try_from(row.end_minute),
        );
        let interval = match (start, end) {
            (Ok(s), Ok(e)) => WallInterval::new(s, e).map_err(|_| corrupt())?,
            _ => return Err(corrupt()),
        };
        grouped.entry(row.resource_id.clone()).or_default()[day].push(interval);
    }
    let mut result = HashMap::with_capacity(resource_ids.len());
    for id in resource_ids {
        let days = grouped.remove(id).unwrap_or_default();
        let mut week: [DayHours; 7] = Default::default();
        for (slot, intervals) in week.iter_mut().zip(days) {
            *slot = DayHours::new(intervals)
                .map_err(|e| StorageError::corrupt(format!("working hours of {id}"), e))?;
        }
        result.insert(id.clone(), WeeklyHours::from_days(week));
    }
    Ok(result)
}
