//! Bookings as people see them: with the business, service and staff names that go with them.
//!
//! Booking use cases return these, notifications render them and the channels and the API
//! show them, so they live below all of those. Building them only reads the database.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::{BookingPolicy, BookingStatus, ChatPolicy, ContactRequirement, TimeZoneName};
use crate::error::AppError;
use crate::languages::Locale;
use crate::storage::bookings::BookingFilter;
use crate::storage::models::{Booking, Business};
use crate::storage::{
    DbConnection, StorageError, StorageResult, bookings, businesses, services, staff,
};

/// The business fields the core and the replies need, parsed.
#[derive(Debug, Clone)]
pub struct BusinessProfile {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub tz: Tz,
    pub locale: Locale,
    pub address: String,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub policy: BookingPolicy,
    pub chat: ChatPolicy,
    pub config_version: i64,
    /// The business's privacy notice, linked from the chat's greeting.
    pub privacy_url: Option<String>,
    /// Days after its appointment that a booking's manage link keeps working.
    pub manage_link_days: i32,
    /// How long before an appointment reminders go out, in minutes.
    pub reminder_offsets_minutes: Vec<i32>,
}

impl BusinessProfile {
    pub fn from_row(row: &Business) -> StorageResult<Self> {
        let corrupt = |what: &str| {
            StorageError::corrupt(
                format!("{what} of business {}", row.id),
                "not a known value",
            )
        };
        Ok(Self {
            id: row.id.clone(),
            slug: row.slug.clone(),
            name: row.name.clone(),
            tz: TimeZoneName::parse("time_zone", &row.time_zone)
                .map_err(|_| corrupt("time zone"))?
                .tz(),
            locale: Locale::parse("locale", &row.locale).map_err(|_| corrupt("locale"))?,
            address: row.address.clone(),
            phone: row.phone.clone(),
            notification_email: row.notification_email.clone(),
            policy: BookingPolicy {
                slot_interval_minutes: row.slot_interval_minutes,
                min_notice_minutes: row.min_notice_minutes,
                booking_horizon_days: row.booking_horizon_days,
                cancellation_cutoff_minutes: row.cancellation_cutoff_minutes,
            },
            chat: ChatPolicy {
                hold_minutes: row.hold_minutes,
                handoff_timeout_minutes: row.handoff_timeout_minutes,
                contact_requirement: ContactRequirement::parse(
                    "contact_requirement",
                    &row.contact_requirement,
                )
                .map_err(|_| corrupt("contact requirement"))?,
            },
            config_version: row.config_version,
            privacy_url: row.privacy_url.clone(),
            manage_link_days: row.manage_link_days,
            reminder_offsets_minutes: crate::storage::businesses::reminder_offsets(row)?
                .minutes()
                .to_vec(),
        })
    }
}

/// The contact a booking was made with, as given. It proves nothing about who the customer is
/// (`Booking::customer_id` links a proven customer record); it is how the business reaches
/// whoever made this one booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl BookingContact {
    pub fn of(booking: &Booking) -> Option<Self> {
        let contact = Self {
            name: booking.customer_name.clone(),
            phone: booking.customer_phone.clone(),
            email: booking.customer_email.clone(),
        };
        (!contact.name.is_empty() || contact.phone.is_some() || contact.email.is_some())
            .then_some(contact)
    }
}

/// A booking with the names that go with it, as shown to customers and staff.
#[derive(Debug, Clone)]
pub struct BookingDetails {
    pub booking: Booking,
    pub business: BusinessProfile,
    pub service_name: String,
    pub staff_name: String,
    /// The booking's own contact snapshot.
    pub customer: Option<BookingContact>,
}

impl BookingDetails {
    pub fn new(
        booking: Booking,
        business: BusinessProfile,
        service_name: String,
        staff_name: String,
    ) -> Self {
        Self {
            customer: BookingContact::of(&booking),
            booking,
            business,
            service_name,
            staff_name,
        }
    }

    pub fn status(&self) -> BookingStatus {
        BookingStatus::parse("status", &self.booking.status).unwrap_or(BookingStatus::Confirmed)
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.booking.start_at.and_utc()
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.booking.end_at.and_utc()
    }
}

/// Fills in the names that go with a booking.
pub fn details_of(conn: &mut DbConnection, booking: Booking) -> Result<BookingDetails, AppError> {
    let business =
        businesses::by_id(conn, &booking.business_id)?.ok_or(AppError::NotFound("business"))?;
    let profile = BusinessProfile::from_row(&business)?;
    with_details(conn, &profile, vec![booking])?
        .pop()
        .ok_or(AppError::NotFound("booking"))
}

/// The business's bookings starting on its local dates `from..=to`, with their names.
pub fn details_on_dates(
    conn: &mut DbConnection,
    business: &BusinessProfile,
    from: NaiveDate,
    to: NaiveDate,
    filter: &BookingFilter,
) -> Result<Vec<BookingDetails>, AppError> {
    let rows = bookings_on_dates(conn, business, from, to, filter)?;
    with_details(conn, business, rows)
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
