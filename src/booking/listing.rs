//! Bookings as lists: a business's bookings over dates, and one day's schedule per staff member.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::Scheduler;
use super::calendar::{BusinessCalendar, BusinessProfile};
use super::changes::BookingDetails;
use crate::error::AppError;
use crate::scheduling::{Timeline, working_windows};
use crate::storage::models::{Booking, Business};
use crate::storage::{DbConnection, bookings, services, staff};

pub use crate::storage::bookings::BookingFilter;

/// One staff member's day.
#[derive(Debug, Clone)]
pub struct StaffDay {
    pub id: String,
    pub name: String,
    /// Working time, as instants.
    pub hours: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub bookings: Vec<BookingDetails>,
}

#[derive(Debug, Clone)]
pub struct DaySchedule {
    pub business: BusinessProfile,
    pub date: NaiveDate,
    pub staff: Vec<StaffDay>,
}

impl Scheduler {
    /// The business's bookings starting on local dates `from..=to`.
    pub async fn list_bookings(
        &self,
        business: Business,
        from: NaiveDate,
        to: NaiveDate,
        filter: BookingFilter,
    ) -> Result<Vec<BookingDetails>, AppError> {
        self.db
            .read(move |conn| {
                let profile = BusinessProfile::from_row(&business)?;
                let rows = bookings_on_dates(conn, &profile, from, to, &filter)?;
                with_details(conn, &profile, rows)
            })
            .await
    }

    /// Who works when on `date`, and their bookings that day (cancelled ones only if asked).
    pub async fn day_schedule(
        &self,
        business: Business,
        date: NaiveDate,
        include_cancelled: bool,
    ) -> Result<DaySchedule, AppError> {
        let calendars = Arc::clone(&self.calendars);
        self.db
            .read(move |conn| {
                let calendar = calendars.get(conn, &business)?;
                let profile = calendar.business.clone();
                let mut filter = BookingFilter::default();
                if !include_cancelled {
                    filter.statuses = crate::domain::BookingStatus::ALL
                        .iter()
                        .copied()
                        .filter(|s| s.occupies_time())
                        .collect();
                }
                let rows = bookings_on_dates(conn, &profile, date, date, &filter)?;
                let details = with_details(conn, &profile, rows)?;
                Ok(DaySchedule {
                    staff: staff_days(&calendar, date, details),
                    business: profile,
                    date,
                })
            })
            .await
    }
}

fn bookings_on_dates(
    conn: &mut DbConnection,
    business: &BusinessProfile,
    from: NaiveDate,
    to: NaiveDate,
    filter: &BookingFilter,
) -> Result<Vec<Booking>, AppError> {
    let tz = business.tz;
    // A day away on either side covers every UTC offset; the exact local dates are filtered below.
    let start = (from - Days::new(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let end = (to + Days::new(2)).and_hms_opt(0, 0, 0).unwrap_or_default();
    let rows = bookings::list(conn, &business.id, start, end, filter)?;
    Ok(rows
        .into_iter()
        .filter(|b| {
            let date = b.start_at.and_utc().with_timezone(&tz).date_naive();
            from <= date && date <= to
        })
        .collect())
}

/// Adds service and staff names to many bookings with two queries.
pub fn with_details(
    conn: &mut DbConnection,
    business: &BusinessProfile,
    rows: Vec<Booking>,
) -> Result<Vec<BookingDetails>, AppError> {
    let service_names: HashMap<String, String> = services::list(conn, &business.id, true)?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let staff_names: HashMap<String, String> = staff::staff_of(conn, &business.id, true)?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|booking| {
            let service = service_names.get(&booking.service_id).cloned();
            let staff = staff_names.get(&booking.staff_id).cloned();
            BookingDetails::new(
                booking,
                business.clone(),
                service.unwrap_or_default(),
                staff.unwrap_or_default(),
            )
        })
        .collect())
}

fn staff_days(
    calendar: &BusinessCalendar,
    date: NaiveDate,
    details: Vec<BookingDetails>,
) -> Vec<StaffDay> {
    let timeline = Timeline::for_dates(calendar.business.tz, date, date);
    let mut days: Vec<StaffDay> = calendar
        .staff
        .iter()
        .map(|member| StaffDay {
            id: member.id.clone(),
            name: member.name.clone(),
            hours: working_windows(&calendar.calendar_of(member), &timeline, date, date)
                .into_iter()
                .map(|w| (instant(w.start), instant(w.end)))
                .collect(),
            bookings: Vec::new(),
        })
        .collect();
    for booking in details {
        match days.iter_mut().find(|d| d.id == booking.booking.staff_id) {
            Some(day) => day.bookings.push(booking),
            // A staff member who has left still shows with the bookings they had.
            None => days.push(StaffDay {
                id: booking.booking.staff_id.clone(),
                name: booking.staff_name.clone(),
                hours: Vec::new(),
                bookings: vec![booking],
            }),
        }
    }
    days
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}
