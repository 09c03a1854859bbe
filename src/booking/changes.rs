//! Creating and changing bookings.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::availability::{busy_by_staff, daily_load, local_day, performers, unknown_service};
use super::calendar::{BusinessCalendar, CalendarCache, ServiceProfile};
use super::{Scheduler, write_with_retries};
use crate::details::{BookingDetails, BusinessProfile, details_of};
use crate::domain::{
    BookingPolicy, BookingReference, BookingStatus, CancelledBy, Channel, EmailAddress, PersonName,
    PhoneNumber, RequestedStart, ValidationError,
};
use crate::error::AppError;
use crate::notifications::{self, BookingChange};
use crate::scheduling::{Refusal, ResourceSchedule, Slot, Timeline, check_start};
use crate::storage::models::{Allocation, Booking};
use crate::storage::{DbConnection, bookings, businesses, new_id, to_db_time};

/// Who asks for a change. Customers are bound by the cancellation cutoff and the booking
/// policy; the business may change its own bookings at any time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Customer,
    Business { business_id: String },
}

#[derive(Debug, Clone)]
pub struct CustomerContact {
    pub name: PersonName,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
}

#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub service_id: String,
    /// `None`: any staff member who performs the service.
    pub staff_id: Option<String>,
    pub start: RequestedStart,
    /// The contact as given; kept on the booking and used to reach the customer about it.
    pub customer: Option<CustomerContact>,
    /// The customer record the booking belongs to, only when the caller proved who they are.
    pub customer_id: Option<String>,
    /// The chat conversation that makes the booking.
    pub conversation_id: Option<String>,
    /// For a hold: the client address placing it (the per-address cap counts these).
    pub held_by: Option<String>,
    pub notes: String,
    pub channel: Channel,
    /// Hold the slot until then instead of confirming (a customer still finishing in chat).
    pub hold_until: Option<DateTime<Utc>>,
    /// A booking made by the business itself (walk-ins) is not bound by notice and horizon.
    pub by_business: bool,
}

/// Status changes the business records on the day or after the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// The customer is here: the booking stays confirmed and records when they came.
    Arrived,
    Completed,
    NoShow,
    /// Undo a completed or no-show mark.
    Confirmed,
}

/// The policy a booking change is checked against: the business's own for customers; for the
/// business itself only the grid, hours and overlaps count.
fn policy_for(policy: BookingPolicy, by_business: bool) -> BookingPolicy {
    if by_business {
        BookingPolicy {
            min_notice_minutes: 0,
            booking_horizon_days: 3_650,
            ..policy
        }
    } else {
        policy
    }
}

impl Scheduler {
    pub async fn book(
        &self,
        slug: String,
        request: BookingRequest,
        now: DateTime<Utc>,
    ) -> Result<BookingDetails, AppError> {
        let calendars = Arc::clone(&self.calendars);
        let request = Arc::new(request);
        let result = write_with_retries(&self.db, move |conn| {
            let business =
                businesses::by_slug(conn, &slug)?.ok_or(AppError::NotFound("business"))?;
            let calendar = calendars.get(conn, &business)?;
            create_booking(conn, &calendar, &request, now)
        })
        .await;
        self.metrics.record_booking_attempt(&result);
        result
    }

    pub async fn details(&self, booking_id: String) -> Result<BookingDetails, AppError> {
        self.db
            .read(move |conn| {
                let booking =
                    bookings::find(conn, &booking_id)?.ok_or(AppError::NotFound("booking"))?;
                details_of(conn, booking)
            })
            .await
    }

    pub async fn reschedule(
        &self,
        booking_id: String,
        actor: Actor,
        start: RequestedStart,
        staff_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<BookingDetails, AppError> {
        let calendars = Arc::clone(&self.calendars);
        let result = write_with_retries(&self.db, move |conn| {
            move_booking(
                conn,
                &calendars,
                &booking_id,
                &actor,
                start,
                staff_id.as_deref(),
                now,
            )
        })
        .await;
        self.metrics.record_booking_attempt(&result);
        result
    }

    pub async fn cancel(
        &self,
        booking_id: String,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<BookingDetails, AppError> {
        self.db
            .write(move |conn| cancel_booking(conn, &booking_id, &actor, now))
            .await
    }

    /// Revokes a booking's manage link and sends its customer the new one.
    pub async fn renew_manage_link(
        &self,
        booking_id: String,
        business_id: String,
        now: DateTime<Utc>,
    ) -> Result<BookingDetails, AppError> {
        self.db
            .write(move |conn| {
                let mut booking = booking_of_business(conn, &booking_id, &business_id)?;
                booking.manage_version += 1;
                booking.updated_at = to_db_time(now);
                bookings::save(conn, &booking)?;
                notifications::link_renewed(conn, &booking, now)?;
                details_of(conn, booking)
            })
            .await
    }

    pub async fn set_status(
        &self,
        booking_id: String,
        business_id: String,
        change: StatusChange,
        now: DateTime<Utc>,
    ) -> Result<BookingDetails, AppError> {
        self.db
            .write(move |conn| {
                let mut booking = booking_of_business(conn, &booking_id, &business_id)?;
                let current = BookingStatus::parse("status", &booking.status)?;
                let db_now = to_db_time(now);
                let (next, arrived_at) = match change {
                    StatusChange::Arrived => (BookingStatus::Confirmed, Some(db_now)),
                    StatusChange::Completed => (BookingStatus::Completed, booking.arrived_at),
                    StatusChange::NoShow => (BookingStatus::NoShow, None),
                    StatusChange::Confirmed => (BookingStatus::Confirmed, None),
                };
                let allowed = matches!(
                    current,
                    BookingStatus::Confirmed | BookingStatus::Completed | BookingStatus::NoShow
                );
                if !allowed {
                    return Err(AppError::NotChangeable(current));
                }
                booking.status = next.as_str().to_owned();
                booking.arrived_at = arrived_at;
                booking.updated_at = db_now;
                bookings::save(conn, &booking)?;
                if next != BookingStatus::Confirmed {
                    notifications::booking_changed(conn, &booking, BookingChange::Finished, now)?;
                }
                details_of(conn, booking)
            })
            .await
    }
}

/// A booking of this business; another business's is not found.
fn booking_of_business(
    conn: &mut DbConnection,
    booking_id: &str,
    business_id: &str,
) -> Result<Booking, AppError> {
    bookings::find(conn, booking_id)?
        .filter(|b| b.business_id == business_id)
        .ok_or(AppError::NotFound("booking"))
}

/// Books (or holds) a slot inside the caller's transaction.
pub fn create_booking(
    conn: &mut DbConnection,
    calendar: &BusinessCalendar,
    request: &BookingRequest,
    now: DateTime<Utc>,
) -> Result<BookingDetails, AppError> {
    let service = calendar
        .service(&request.service_id)
        .ok_or_else(unknown_service)?;
    let staff = performers(service, request.staff_id.as_deref())?;
    let start = request.start.resolve("start", calendar.business.tz)?;
    let slot = claim_slot(
        conn,
        calendar,
        service,
        &staff,
        start,
        request.by_business,
        now,
    )?;
    let db_now = to_db_time(now);
    let contact = request.customer.as_ref();
    let (status, hold) = match request.hold_until {
        Some(until) => (BookingStatus::Held, Some(to_db_time(until))),
        None => (BookingStatus::Confirmed, None),
    };
    let booking = Booking {
        id: new_id(),
        business_id: calendar.business.id.clone(),
        reference: BookingReference::generate(&mut rand::rng())
            .as_str()
            .to_owned(),
        service_id: service.id.clone(),
        staff_id: slot.resource.to_owned(),
        customer_id: request.customer_id.clone(),
        status: status.as_str().to_owned(),
        start_at: to_db_time(slot.start.to_utc()),
        end_at: to_db_time(slot.end.to_utc()),
        buffer_before_minutes: service.timing.buffer_before_minutes,
        buffer_after_minutes: service.timing.buffer_after_minutes,
        hold_expires_at: hold,
        channel: request.channel.as_str().to_owned(),
        notes: request.notes.clone(),
        sequence: 0,
        cancelled_at: None,
        cancelled_by: None,
        created_at: db_now,
        updated_at: db_now,
        arrived_at: None,
        attendance_confirmed_at: None,
        customer_name: contact
            .map(|c| c.name.as_str().to_owned())
            .unwrap_or_default(),
        customer_phone: contact.and_then(|c| c.phone.as_ref().map(|p| p.as_str().to_owned())),
        customer_email: contact.and_then(|c| c.email.as_ref().map(|e| e.as_str().to_owned())),
        conversation_id: request.conversation_id.clone(),
        held_by: request.held_by.clone().filter(|_| hold.is_some()),
        manage_version: 0,
    };
    bookings::insert(conn, &booking, &[allocation_of(&booking)])?;
    notifications::booking_changed(conn, &booking, BookingChange::Confirmed, now)?;
    let staff_name = calendar
        .staff_name(&booking.staff_id)
        .unwrap_or_default()
        .to_owned();
    Ok(BookingDetails::new(
        booking,
        calendar.business.clone(),
        service.name.clone(),
        staff_name,
    ))
}

/// The time a booking occupies on its staff member, buffers included.
fn allocation_of(booking: &Booking) -> Allocation {
    Allocation {
        booking_id: booking.id.clone(),
        resource_id: booking.staff_id.clone(),
        occupied_from: booking.start_at - Duration::minutes(booking.buffer_before_minutes.into()),
        occupied_until: booking.end_at + Duration::minutes(booking.buffer_after_minutes.into()),
        hold_expires_at: booking.hold_expires_at,
    }
}

/// Finds a staff member among `staff` for whom `start` is free, the least busy that day first.
/// Expired holds in the way are ended first. The caller inserts the allocation in the same
/// transaction; the database refuses it if a concurrent transaction took the time meanwhile.
fn claim_slot<'a>(
    conn: &mut DbConnection,
    calendar: &'a BusinessCalendar,
    service: &ServiceProfile,
    staff: &[&'a str],
    start: DateTime<Utc>,
    by_business: bool,
    now: DateTime<Utc>,
) -> Result<Slot<&'a str>, AppError> {
    let tz = calendar.business.tz;
    let local_date = start.with_timezone(&tz).date_naive();
    let ids: Vec<String> = staff.iter().map(|s| (*s).to_owned()).collect();
    let around = |days: i64| to_db_time(start + Duration::days(days));
    bookings::expire_holds(conn, &ids, around(-2), around(2), to_db_time(now))?;
    // Holds ending later do not matter here: the decision is for `now` only.
    let (busy, _) = busy_by_staff(
        conn,
        &calendar.business.id,
        staff,
        local_date,
        local_date,
        now,
    )?;
    let timeline = Timeline::for_dates(tz, local_date, local_date);
    let day = local_day(&timeline, start.timestamp());
    let mut candidates: Vec<(usize, &str)> = staff
        .iter()
        .map(|id| {
            let load = busy.get(*id).map_or(0, |b| {
                daily_load(&timeline, b).get(&day).copied().unwrap_or(0)
            });
            (load, *id)
        })
        .collect();
    // Stable: equal loads keep staff order.
    candidates.sort_by_key(|(load, _)| *load);

    let policy = policy_for(calendar.business.policy, by_business);
    let mut refusal = Refusal::OutsideWorkingHours;
    for (_, id) in candidates {
        let Some(member) = calendar.staff_member(id) else {
            continue;
        };
        let schedule = ResourceSchedule {
            resource: member.id.as_str(),
            calendar: calendar.calendar_of(member),
            busy: busy.get(id).map_or(&[], Vec::as_slice),
        };
        match check_start(&timeline, (policy, service.timing), now, &schedule, start) {
            Ok(slot) => return Ok(slot),
            Err(Refusal::OutsideWorkingHours) => {}
            Err(Refusal::Taken) => refusal = Refusal::Taken,
            // The same for every staff member: no point asking the others.
            Err(other) => return Err(AppError::Refused(other)),
        }
    }
    Err(AppError::Refused(refusal))
}

/// Loads a booking that `actor` may change and that can still change.
fn load_for_change(
    conn: &mut DbConnection,
    booking_id: &str,
    actor: &Actor,
) -> Result<(Booking, crate::storage::models::Business), AppError> {
    let booking = bookings::find(conn, booking_id)?.ok_or(AppError::NotFound("booking"))?;
    if let Actor::Business { business_id } = actor
        && *business_id != booking.business_id
    {
        return Err(AppError::NotFound("booking"));
    }
    let status = BookingStatus::parse("status", &booking.status)?;
    if !matches!(status, BookingStatus::Confirmed | BookingStatus::Held) {
        return Err(AppError::NotChangeable(status));
    }
    let business =
        businesses::by_id(conn, &booking.business_id)?.ok_or(AppError::NotFound("business"))?;
    Ok((booking, business))
}

fn check_cutoff(
    booking: &Booking,
    business: &BusinessProfile,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let cutoff = business.policy.cancellation_cutoff_minutes;
    let held = booking.status == BookingStatus::Held.as_str();
    if *actor == Actor::Customer
        && !held
        && now + Duration::minutes(cutoff.into()) > booking.start_at.and_utc()
    {
        return Err(AppError::CutoffPassed {
            cutoff_minutes: cutoff,
        });
    }
    Ok(())
}

/// Moves a booking inside the caller's transaction: the new time is claimed and the old one
/// released together, or, when the caller rolls back, neither.
pub fn move_booking(
    conn: &mut DbConnection,
    calendars: &CalendarCache,
    booking_id: &str,
    actor: &Actor,
    start: RequestedStart,
    staff_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<BookingDetails, AppError> {
    let (mut booking, business) = load_for_change(conn, booking_id, actor)?;
    let calendar = calendars.get(conn, &business)?;
    check_cutoff(&booking, &calendar.business, actor, now)?;
    let service = calendar.service(&booking.service_id).ok_or_else(|| {
        AppError::conflict(
            "service_unavailable",
            "the service of this booking is no longer offered; cancel it and book another",
        )
    })?;
    let wanted = staff_id.unwrap_or(&booking.staff_id);
    let staff = performers(service, Some(wanted))?;
    // Free the booking's own time first so it can move to an overlapping slot; if anything
    // below fails, the transaction rolls back and the booking keeps its old time.
    let start = start.resolve("start", calendar.business.tz)?;
    bookings::release(conn, &booking.id)?;
    let slot = claim_slot(
        conn,
        &calendar,
        service,
        &staff,
        start,
        *actor != Actor::Customer,
        now,
    )?;
    let db_now = to_db_time(now);
    booking.staff_id = slot.resource.to_owned();
    booking.start_at = to_db_time(slot.start.to_utc());
    booking.end_at = to_db_time(slot.end.to_utc());
    booking.buffer_before_minutes = service.timing.buffer_before_minutes;
    booking.buffer_after_minutes = service.timing.buffer_after_minutes;
    booking.sequence += 1;
    booking.updated_at = db_now;
    bookings::save(conn, &booking)?;
    bookings::allocate(conn, &[allocation_of(&booking)])?;
    notifications::booking_changed(conn, &booking, BookingChange::Moved, now)?;
    details_of(conn, booking)
}

/// Cancels a booking inside the caller's transaction.
pub fn cancel_booking(
    conn: &mut DbConnection,
    booking_id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BookingDetails, AppError> {
    let (mut booking, business) = load_for_change(conn, booking_id, actor)?;
    check_cutoff(&booking, &BusinessProfile::from_row(&business)?, actor, now)?;
    let db_now = to_db_time(now);
    let was_held = booking.status == BookingStatus::Held.as_str();
    booking.status = BookingStatus::Cancelled.as_str().to_owned();
    booking.cancelled_at = Some(db_now);
    let by = match actor {
        Actor::Customer => CancelledBy::Customer,
        Actor::Business { .. } => CancelledBy::Business,
    };
    booking.cancelled_by = Some(by.as_str().to_owned());
    booking.hold_expires_at = None;
    booking.sequence += 1;
    booking.updated_at = db_now;
    bookings::release(conn, &booking.id)?;
    bookings::save(conn, &booking)?;
    notifications::booking_changed(conn, &booking, BookingChange::Cancelled { was_held }, now)?;
    details_of(conn, booking)
}

/// Turns a hold into a confirmed booking with the contact the customer gave, linked to
/// `customer_id` when the conversation proved who they are. Fails with `Refused(Taken)` when
/// the hold lapsed and its time was given to someone else meanwhile.
pub fn confirm_hold(
    conn: &mut DbConnection,
    booking_id: &str,
    contact: &CustomerContact,
    customer_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<BookingDetails, AppError> {
    let mut booking = bookings::find(conn, booking_id)?.ok_or(AppError::NotFound("booking"))?;
    if booking.status != BookingStatus::Held.as_str() {
        return Err(AppError::Refused(Refusal::Taken));
    }
    // A lapsed hold still owns its time until someone else's booking clears it away.
    if !bookings::holds_time(conn, booking_id)? {
        return Err(AppError::Refused(Refusal::Taken));
    }
    booking.status = BookingStatus::Confirmed.as_str().to_owned();
    booking.hold_expires_at = None;
    booking.held_by = None;
    booking.customer_id = customer_id.map(str::to_owned).or(booking.customer_id);
    booking.customer_name = contact.name.as_str().to_owned();
    booking.customer_phone = contact.phone.as_ref().map(|p| p.as_str().to_owned());
    booking.customer_email = contact.email.as_ref().map(|e| e.as_str().to_owned());
    booking.updated_at = to_db_time(now);
    bookings::save(conn, &booking)?;
    bookings::make_permanent(conn, booking_id)?;
    notifications::hold_confirmed(conn, &booking, now)?;
    details_of(conn, booking)
}

/// Gives up a hold at once (the customer chose another time or stopped).
pub fn release_hold(
    conn: &mut DbConnection,
    booking_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(mut booking) = bookings::find(conn, booking_id)?
        && booking.status == BookingStatus::Held.as_str()
    {
        booking.status = BookingStatus::Expired.as_str().to_owned();
        booking.hold_expires_at = None;
        booking.updated_at = to_db_time(now);
        bookings::release(conn, booking_id)?;
        bookings::save(conn, &booking)?;
    }
    Ok(())
}

impl CustomerContact {
    /// A customer must give a name and a way to reach them.
    pub fn parse(
        name: &str,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, ValidationError> {
        let contact = Self::parse_walk_in(name, phone, email)?;
        if contact.phone.is_none() && contact.email.is_none() {
            return Err(ValidationError::new(
                "customer",
                "give a phone number or an email address",
            ));
        }
        Ok(contact)
    }

    /// A walk-in stands at the desk: a name is enough, a phone or email is optional.
    pub fn parse_walk_in(
        name: &str,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, ValidationError> {
        fn blank(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        Ok(Self {
            name: PersonName::parse("customer.name", name)?,
            phone: blank(phone)
                .map(|p| PhoneNumber::parse("customer.phone", p))
                .transpose()?,
            email: blank(email)
                .map(|e| EmailAddress::parse("customer.email", e))
                .transpose()?,
        })
    }
}
