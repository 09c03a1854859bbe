//! Free slots for a service, as offered to customers.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::Scheduler;
use super::calendar::{BusinessCalendar, ServiceProfile};
use crate::domain::ValidationError;
use crate::error::AppError;
use crate::scheduling::{Interval, ResourceSchedule, SlotRequest, Timeline, free_slots};
use crate::storage::{DbConnection, bookings, businesses, to_db_time};

/// The longest range of dates one availability request may cover.
pub const MAX_RANGE_DAYS: u64 = 93;

#[derive(Debug, Clone)]
pub struct AvailabilityQuery {
    pub service_id: String,
    pub staff_id: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct OfferedSlot {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Who would take it: the requested staff member, or when any will do, the one with the
    /// fewest bookings that day (the same choice booking makes).
    pub staff_id: String,
}

#[derive(Debug)]
pub struct Availability {
    pub tz: Tz,
    pub slots: Vec<OfferedSlot>,
    /// Whether every UTC offset it spans is whole minutes, as the answer cache requires.
    pub(super) whole_minutes: bool,
    /// The answer as the API sends it, rendered once however often it is served.
    pub rendered: OnceLock<Bytes>,
}

impl Availability {
    pub fn new(tz: Tz, slots: Vec<OfferedSlot>, whole_minutes: bool) -> Self {
        Self {
            tz,
            slots,
            whole_minutes,
            rendered: OnceLock::new(),
        }
    }
}

impl Scheduler {
    /// The free slots for `query` at `now`: a kept answer while the business's versions say
    /// it is still right, else computed (and kept).
    pub async fn availability(
        &self,
        slug: String,
        query: AvailabilityQuery,
        now: DateTime<Utc>,
    ) -> Result<Arc<Availability>, AppError> {
        if query.to < query.from {
            return Err(ValidationError::new("to", "must not be before from").into());
        }
        if query.to - query.from >= chrono::Duration::days(MAX_RANGE_DAYS as i64) {
            return Err(ValidationError::new(
                "to",
                format!("at most {MAX_RANGE_DAYS} days per request"),
            )
            .into());
        }
        let calendars = Arc::clone(&self.calendars);
        let answers = self.answers.clone();
        self.db
            .read(move |conn| {
                let stamp = bookings::availability_stamp(conn, &slug)?
                    .ok_or(AppError::NotFound("business"))?;
                if let Some(kept) = answers.as_ref().and_then(|a| a.get(&stamp, &query, now)) {
                    return Ok(kept);
                }
                let business = businesses::by_id(conn, &stamp.business_id)?
                    .ok_or(AppError::NotFound("business"))?;
                let calendar = calendars.get(conn, &business)?;
                let service = calendar
                    .service(&query.service_id)
                    .ok_or_else(unknown_service)?;
                let staff = performers(service, query.staff_id.as_deref())?;
                let offers = offers(conn, &calendar, service, &staff, query.from, query.to, now)?;
                let answer = Arc::new(Availability::new(
                    calendar.business.tz,
                    offers.slots,
                    offers.whole_minutes,
                ));
                if let Some(answers) = &answers {
                    answers.put(&stamp, &query, now, offers.holds_end, &answer);
                }
                Ok(answer)
            })
            .await
    }
}

pub(super) fn unknown_service() -> AppError {
    ValidationError::new("service_id", "no such service at this business").into()
}

/// The staff members a request may use: the one asked for, or all who perform the service.
pub(super) fn performers<'a>(
    service: &'a ServiceProfile,
    staff_id: Option<&str>,
) -> Result<Vec<&'a str>, AppError> {
    match staff_id {
        None => Ok(service.staff_ids.iter().map(String::as_str).collect()),
        Some(id) => service
            .staff_ids
            .iter()
            .find(|s| *s == id)
            .map(|s| vec![s.as_str()])
            .ok_or_else(|| {
                ValidationError::new(
                    "staff_id",
                    "no staff member with this id performs this service",
                )
                .into()
            }),
    }
}

/// Occupied time per staff member id.
type BusyByStaff = HashMap<String, Vec<Interval>>;

/// Occupied time per staff member around `[first, last]` local dates, as the core wants it,
/// and the first moment a hold among it stops counting.
pub(super) fn busy_by_staff(
    conn: &mut DbConnection,
    business_id: &str,
    staff: &[&str],
    first: NaiveDate,
    last: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(BusyByStaff, Option<NaiveDateTime>), AppError> {
    // Two days either side covers every zone's offset and windows that spill over midnight.
    let from = (first - Days::new(2))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let until = (last + Days::new(3))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let mut busy = BusyByStaff::new();
    let mut holds_end: Option<NaiveDateTime> = None;
    for occupied in bookings::busy(conn, business_id, from, until, to_db_time(now))? {
        if staff.contains(&occupied.resource_id.as_str()) {
            if let Some(expiry) = occupied.hold_expires_at {
                holds_end = Some(holds_end.unwrap_or(expiry).min(expiry));
            }
            busy.entry(occupied.resource_id)
                .or_default()
                .push(Interval::new(
                    occupied.from.and_utc().timestamp(),
                    occupied.until.and_utc().timestamp(),
                ));
        }
    }
    Ok((busy, holds_end))
}

/// The local day number (days since 1970-01-01 on the wall clock) of an instant.
pub(super) fn local_day(timeline: &Timeline, instant: i64) -> i64 {
    (instant + timeline.offset_at(instant)).div_euclid(86_400)
}

/// How many bookings a staff member has on each local day: the measure by which "any staff
/// member" spreads work.
pub(super) fn daily_load(timeline: &Timeline, busy: &[Interval]) -> HashMap<i64, usize> {
    let mut load = HashMap::new();
    for b in busy {
        *load.entry(local_day(timeline, b.start)).or_insert(0) += 1;
    }
    load
}

/// Offered slots with what the answer cache needs to know of them.
pub struct Offers {
    pub slots: Vec<OfferedSlot>,
    /// The first moment a hold they were computed around stops counting.
    holds_end: Option<NaiveDateTime>,
    whole_minutes: bool,
}

/// Free slots of `staff` for `service` on local dates `from..=to`, one offer per start time.
pub fn offers(
    conn: &mut DbConnection,
    calendar: &BusinessCalendar,
    service: &ServiceProfile,
    staff: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Offers, AppError> {
    let (busy, holds_end) = busy_by_staff(conn, &calendar.business.id, staff, from, to, now)?;
    let timeline = Timeline::for_dates(calendar.business.tz, from, to);
    let schedules: Vec<ResourceSchedule<'_, &str>> = staff
        .iter()
        .filter_map(|id| calendar.staff_member(id))
        .map(|member| ResourceSchedule {
            resource: member.id.as_str(),
            calendar: calendar.calendar_of(member),
            busy: busy.get(&member.id).map_or(&[], Vec::as_slice),
        })
        .collect();
    let request = SlotRequest {
        from,
        to,
        now,
        policy: calendar.business.policy,
        timing: service.timing,
    };
    let slots = free_slots(&timeline, &request, &schedules);

    // How many bookings each staff member has per local day, to give "anyone" to the least busy.
    let loads: HashMap<&str, HashMap<i64, usize>> = busy
        .iter()
        .map(|(id, intervals)| (id.as_str(), daily_load(&timeline, intervals)))
        .collect();
    let load = |id: &str, instant: i64| {
        loads
            .get(id)
            .and_then(|l| l.get(&local_day(&timeline, instant)))
            .copied()
            .unwrap_or(0)
    };
    // Slots come sorted by start, equal starts in staff order: one offer per start time, for
    // the least busy staff member that day (the first in order on a tie).
    let mut offered: Vec<OfferedSlot> = Vec::new();
    let mut chosen_load = 0;
    for slot in slots {
        let instant = slot.start.timestamp();
        match offered.last_mut() {
            Some(last) if last.start == slot.start => {
                let candidate = load(slot.resource, instant);
                if candidate < chosen_load {
                    chosen_load = candidate;
                    last.staff_id = slot.resource.to_owned();
                }
            }
            _ => {
                chosen_load = load(slot.resource, instant);
                offered.push(OfferedSlot {
                    start: slot.start,
                    end: slot.end,
                    staff_id: slot.resource.to_owned(),
                });
            }
        }
    }
    Ok(Offers {
        slots: offered,
        holds_end,
        whole_minutes: timeline.whole_minutes(),
    })
}
