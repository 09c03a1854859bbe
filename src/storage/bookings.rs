//! Bookings and the time they occupy.
//!
//! A booking's `allocations` rows are what the non-overlap guarantee applies to; a booking that
//! stops occupying time (cancelled, expired hold) loses them in the same transaction as its
//! status change.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::{Allocation, Booking};
use super::schema::{allocations, bookings, businesses, resources};
use super::{DbConnection, StorageResult};
use crate::domain::{BookingStatus, ServiceTiming};

/// Allocations never last longer than this (a CHECK in the migrations), so rows overlapping a
/// range can be found by an index range on `occupied_from` instead of a scan of all history.
fn max_occupancy() -> Duration {
    Duration::minutes(ServiceTiming::MAX_OCCUPANCY_MINUTES)
}

pub fn insert(
    conn: &mut DbConnection,
    booking: &Booking,
    occupied: &[Allocation],
) -> StorageResult<()> {
    diesel::insert_into(bookings::table)
        .values(booking)
        .execute(conn)?;
    allocate(conn, occupied)
}

pub fn allocate(conn: &mut DbConnection, occupied: &[Allocation]) -> StorageResult<()> {
    let ids: Vec<&str> = occupied.iter().map(|a| a.resource_id.as_str()).collect();
    lock_resources(conn, ids)?;
    for allocation in occupied {
        diesel::insert_into(allocations::table)
            .values(allocation)
            .execute(conn)?;
    }
    Ok(())
}

/// Makes writers of the same resources take turns on PostgreSQL. Two transactions inserting
/// overlapping rows under an exclusion constraint each wait for the other's uncommitted row,
/// a deadlock PostgreSQL breaks only after `deadlock_timeout`; under a burst of requests for
/// one staff member that costs seconds and can abort the same request on every retry. Locked
/// in id order, so writers of several resources cannot deadlock on the locks either; `NO KEY`
/// so that the key-share locks the foreign keys of a booking's own rows take do not conflict
/// with it. Freeing time takes the same locks first: a cancellation would otherwise wait, in
/// the `allocations` trigger, for the lock of a booking that waits for the cancellation's
/// deleted row. SQLite already has one writer at a time.
fn lock_resources(conn: &mut DbConnection, mut ids: Vec<&str>) -> StorageResult<()> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    ids.sort_unstable();
    ids.dedup();
    resources::table
        .filter(resources::id.eq_any(ids))
        .order(resources::id)
        .select(resources::id)
        .for_no_key_update()
        .load::<String>(pg)?;
    Ok(())
}

/// Frees all the time a booking occupies.
pub fn release(conn: &mut DbConnection, booking_id: &str) -> StorageResult<()> {
    if matches!(conn, DbConnection::Postgres(_)) {
        let held: Vec<String> = allocations::table
            .filter(allocations::booking_id.eq(booking_id))
            .select(allocations::resource_id)
            .load(conn)?;
        lock_resources(conn, held.iter().map(String::as_str).collect())?;
    }
    diesel::delete(allocations::table.filter(allocations::booking_id.eq(booking_id)))
        .execute(conn)?;
    Ok(())
}

/// Whether a booking still owns its time on some resource.
pub fn holds_time(conn: &mut DbConnection, booking_id: &str) -> StorageResult<bool> {
    let count: i64 = allocations::table
        .filter(allocations::booking_id.eq(booking_id))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Removes the expiry from a booking's allocations (a hold becoming a booking).
pub fn make_permanent(conn: &mut DbConnection, booking_id: &str) -> StorageResult<()> {
    diesel::update(allocations::table.filter(allocations::booking_id.eq(booking_id)))
        .set(allocations::hold_expires_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// Writes every changeable column of `booking`.
pub fn save(conn: &mut DbConnection, booking: &Booking) -> StorageResult<()> {
    diesel::update(bookings::table.find(&booking.id))
        .set((
            bookings::staff_id.eq(&booking.staff_id),
            bookings::customer_id.eq(&booking.customer_id),
            bookings::status.eq(&booking.status),
            bookings::start_at.eq(booking.start_at),
            bookings::end_at.eq(booking.end_at),
            bookings::buffer_before_minutes.eq(booking.buffer_before_minutes),
            bookings::buffer_after_minutes.eq(booking.buffer_after_minutes),
            bookings::hold_expires_at.eq(booking.hold_expires_at),
            bookings::notes.eq(&booking.notes),
            bookings::sequence.eq(booking.sequence),
            bookings::cancelled_at.eq(booking.cancelled_at),
            bookings::cancelled_by.eq(&booking.cancelled_by),
            bookings::updated_at.eq(booking.updated_at),
            bookings::arrived_at.eq(booking.arrived_at),
            bookings::attendance_confirmed_at.eq(booking.attendance_confirmed_at),
            bookings::customer_name.eq(&booking.customer_name),
            bookings::customer_phone.eq(&booking.customer_phone),
            bookings::customer_email.eq(&booking.customer_email),
            bookings::conversation_id.eq(&booking.conversation_id),
            bookings::held_by.eq(&booking.held_by),
            bookings::manage_version.eq(booking.manage_version),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> StorageResult<Option<Booking>> {
    Ok(bookings::table
        .find(id)
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_reference(
    conn: &mut DbConnection,
    business_id: &str,
    reference: &str,
) -> StorageResult<Option<Booking>> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::reference.eq(reference))
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

/// What a change watcher compares: a booking's id, when it last changed, and its state.
pub type ChangeMark = (
    String,
    NaiveDateTime,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The business's bookings changed at or after `since` (by `updated_at`, indexed), as
/// [`ChangeMark`]s, oldest change first.
pub fn changed_since(
    conn: &mut DbConnection,
    business_id: &str,
    since: NaiveDateTime,
) -> StorageResult<Vec<ChangeMark>> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::updated_at.ge(since))
        .order((bookings::updated_at, bookings::id))
        .limit(1_000)
        .select((
            bookings::id,
            bookings::updated_at,
            bookings::status,
            bookings::start_at,
            bookings::arrived_at,
        ))
        .load(conn)?)
}

/// When the business's bookings last changed, if it has any.
pub fn last_change(
    conn: &mut DbConnection,
    business_id: &str,
) -> StorageResult<Option<NaiveDateTime>> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .select(diesel::dsl::max(bookings::updated_at))
        .first(conn)?)
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub staff_id: Option<String>,
    pub customer_id: Option<String>,
    pub statuses: Vec<BookingStatus>,
}

/// The business's bookings starting in `[from, until)`, by start.
pub fn list(
    conn: &mut DbConnection,
    business_id: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
    filter: &BookingFilter,
) -> StorageResult<Vec<Booking>> {
    let mut query = bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::start_at.ge(from))
        .filter(bookings::start_at.lt(until))
        .into_boxed();
    if let Some(staff) = &filter.staff_id {
        query = query.filter(bookings::staff_id.eq(staff));
    }
    if let Some(customer) = &filter.customer_id {
        query = query.filter(bookings::customer_id.eq(customer));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(bookings::status.eq_any(filter.statuses.iter().map(|s| s.as_str())));
    }
    Ok(query
        .order((bookings::start_at, bookings::id))
        .limit(5_000)
        .select(Booking::as_select())
        .load(conn)?)
}

/// One stretch of occupied time, as availability reads it.
#[derive(Debug, Clone, Queryable)]
pub struct Occupied {
    pub resource_id: String,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    /// When it stops counting, for a hold.
    pub hold_expires_at: Option<NaiveDateTime>,
}

/// Occupied time of the business's resources overlapping `[from, until)` that still counts at
/// `now`. Selecting by business rather than by a list of resources keeps the statement's text
/// fixed, so it is prepared once per connection.
pub fn busy(
    conn: &mut DbConnection,
    business_id: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> StorageResult<Vec<Occupied>> {
    Ok(allocations::table
        .inner_join(resources::table)
        .filter(resources::business_id.eq(business_id))
        .filter(allocations::occupied_from.gt(from - max_occupancy()))
        .filter(allocations::occupied_from.lt(until))
        .filter(allocations::occupied_until.gt(from))
        .filter(
            allocations::hold_expires_at
                .is_null()
                .or(allocations::hold_expires_at.gt(now)),
        )
        .select((
            allocations::resource_id,
            allocations::occupied_from,
            allocations::occupied_until,
            allocations::hold_expires_at,
        ))
        .load(conn)?)
}

/// What availability of a business depends on besides the query and the clock, as versions:
/// its configuration and the allocations of all its resources. Both only grow (the second is a
/// sum of per-resource counters the database bumps on every allocation change), so an answer
/// computed at a stamp is right for as long as a fresh read gives the same stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityStamp {
    pub business_id: String,
    pub config_version: i64,
    pub bookings_version: i64,
}

/// The stamp of the business with this slug, in one indexed read.
pub fn availability_stamp(
    conn: &mut DbConnection,
    slug: &str,
) -> StorageResult<Option<AvailabilityStamp>> {
    let rows: Vec<(String, i64, Option<i64>)> = businesses::table
        .left_join(resources::table)
        .filter(businesses::slug.eq(slug))
        .select((
            businesses::id,
            businesses::config_version,
            resources::bookings_version.nullable(),
        ))
        .load(conn)?;
    let Some((business_id, config_version, _)) = rows.first().cloned() else {
        return Ok(None);
    };
    Ok(Some(AvailabilityStamp {
        business_id,
        config_version,
        bookings_version: rows
            .iter()
            .filter_map(|(_, _, v)| *v)
            .fold(0i64, i64::wrapping_add),
    }))
}

/// Ends the holds on `resource_ids` overlapping `[from, until)` that expired by `now`, so their
/// time can be booked again. Returns how many bookings expired.
pub fn expire_holds(
    conn: &mut DbConnection,
    resource_ids: &[String],
    from: NaiveDateTime,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> StorageResult<usize> {
    let expired: Vec<String> = allocations::table
        .filter(allocations::resource_id.eq_any(resource_ids))
        .filter(allocations::occupied_from.gt(from - max_occupancy()))
        .filter(allocations::occupied_from.lt(until))
        .filter(allocations::occupied_until.gt(from))
        .filter(allocations::hold_expires_at.le(now))
        .select(allocations::booking_id)
        .load(conn)?;
    if expired.is_empty() {
        return Ok(0);
    }
    diesel::delete(allocations::table.filter(allocations::booking_id.eq_any(&expired)))
        .execute(conn)?;
    Ok(diesel::update(
        bookings::table
            .filter(bookings::id.eq_any(&expired))
            .filter(bookings::status.eq(BookingStatus::Held.as_str())),
    )
    .set((
        bookings::status.eq(BookingStatus::Expired.as_str()),
        bookings::updated_at.eq(now),
    ))
    .execute(conn)?)
}

/// How many bookings each resource has starting in `[from, until)` that occupy time.
pub fn load_per_resource(
    conn: &mut DbConnection,
    resource_ids: &[String],
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> StorageResult<HashMap<String, i64>> {
    let rows: Vec<String> = allocations::table
        .filter(allocations::resource_id.eq_any(resource_ids))
        .filter(allocations::occupied_from.gt(from - max_occupancy()))
        .filter(allocations::occupied_from.lt(until))
        .select(allocations::resource_id)
        .load(conn)?;
    let mut counts = HashMap::new();
    for id in rows {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// The confirmed bookings starting after `now` that belong to a conversation: those made in
/// it, and those of its customer when it proved who that is; soonest first.
pub fn upcoming_of(
    conn: &mut DbConnection,
    business_id: &str,
    conversation_id: &str,
    customer_id: Option<&str>,
    now: NaiveDateTime,
) -> StorageResult<Vec<Booking>> {
    let mine = bookings::conversation_id
        .eq(conversation_id)
        .or(bookings::customer_id
            .eq(customer_id.unwrap_or_default())
            .and(bookings::customer_id.is_not_null()));
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(mine)
        .filter(bookings::status.eq(BookingStatus::Confirmed.as_str()))
        .filter(bookings::start_at.gt(now))
        .order(bookings::start_at)
        .limit(20)
        .select(Booking::as_select())
        .load(conn)?)
}

/// The latest booking made in a conversation that the customer completed (not a hold).
pub fn latest_of_conversation(
    conn: &mut DbConnection,
    conversation_id: &str,
) -> StorageResult<Option<Booking>> {
    Ok(bookings::table
        .filter(bookings::conversation_id.eq(conversation_id))
        .filter(bookings::status.ne(BookingStatus::Held.as_str()))
        .filter(bookings::status.ne(BookingStatus::Expired.as_str()))
        .order(bookings::created_at.desc())
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

/// The ids of a conversation's holds still in force at `now`.
pub fn live_holds_of_conversation(
    conn: &mut DbConnection,
    conversation_id: &str,
    now: NaiveDateTime,
) -> StorageResult<Vec<String>> {
    Ok(bookings::table
        .filter(bookings::conversation_id.eq(conversation_id))
        .filter(bookings::status.eq(BookingStatus::Held.as_str()))
        .filter(bookings::hold_expires_at.gt(now))
        .select(bookings::id)
        .load(conn)?)
}

/// How many holds in force at `now` one client address has placed at a business.
pub fn live_holds_by(
    conn: &mut DbConnection,
    business_id: &str,
    client: &str,
    now: NaiveDateTime,
) -> StorageResult<i64> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::held_by.eq(client))
        .filter(bookings::status.eq(BookingStatus::Held.as_str()))
        .filter(bookings::hold_expires_at.gt(now))
        .count()
        .get_result(conn)?)
}
