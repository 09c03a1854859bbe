//! JSON forms that several resources share: timestamps, a booking with its customer (bookings,
//! the schedule, customers, conversations), and PATCH's difference between `null` and a field
//! left out.
//!
//! Each resource's own request and response types live beside its handlers.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::booking::BookingDetails;
use crate::storage::models::Customer;

pub use crate::setup::double_option;

/// Local time with the offset in force at that instant.
pub fn local_time(instant: DateTime<Utc>, tz: Tz) -> String {
    instant
        .with_timezone(&tz)
        .fixed_offset()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

pub fn utc_time(stored: NaiveDateTime) -> String {
    stored.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A customer: on a booking, the contact it was made with, and `id` the customer record it is
/// linked to (only on a proven match, else `null`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    pub id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<&Customer> for CustomerView {
    fn from(c: &Customer) -> Self {
        Self {
            id: Some(c.id.clone()),
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        }
    }
}

impl CustomerView {
    fn of_booking(d: &BookingDetails) -> Option<Self> {
        d.customer.as_ref().map(|c| Self {
            id: d.booking.customer_id.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub id: String,
    pub reference: String,
    /// `held`, `confirmed`, `cancelled`, `completed`, `no_show` or `expired`.
    pub status: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub business: String,
    pub service_id: String,
    pub service_name: String,
    pub staff_id: String,
    pub staff_name: String,
    pub customer: Option<CustomerView>,
    pub notes: String,
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<String>,
    /// When the customer was marked as arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrived_at: Option<String>,
    /// When the customer confirmed they will come, answering a reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance_confirmed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Lets the customer view, move and cancel this booking; returned when it is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    /// In staff views, for a booking linked to no customer: the known customer its contact
    /// names. A typed contact proves nothing; staff may merge by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_hint: Option<CustomerHintView>,
}

/// "Same phone as Vera V., 4 visits".
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerHintView {
    pub customer_id: String,
    /// First name and the initial of the last.
    pub name: String,
    pub visits: i64,
    /// `phone` or `email`: which contact point matched.
    pub matched: String,
    pub text: String,
}

impl From<&crate::privacy::Hint> for CustomerHintView {
    fn from(h: &crate::privacy::Hint) -> Self {
        Self {
            customer_id: h.customer_id.clone(),
            name: h.short_name.clone(),
            visits: h.visits,
            matched: h.matched.as_str().to_owned(),
            text: h.text(),
        }
    }
}

impl From<&BookingDetails> for BookingView {
    fn from(d: &BookingDetails) -> Self {
        let b = &d.booking;
        let tz = d.business.tz;
        Self {
            id: b.id.clone(),
            reference: b.reference.clone(),
            status: b.status.clone(),
            start: local_time(d.start(), tz),
            end: local_time(d.end(), tz),
            time_zone: tz.name().to_owned(),
            business: d.business.slug.clone(),
            service_id: b.service_id.clone(),
            service_name: d.service_name.clone(),
            staff_id: b.staff_id.clone(),
            staff_name: d.staff_name.clone(),
            customer: CustomerView::of_booking(d),
            notes: b.notes.clone(),
            channel: b.channel.clone(),
            hold_expires_at: b.hold_expires_at.map(utc_time),
            cancelled_at: b.cancelled_at.map(utc_time),
            cancelled_by: b.cancelled_by.clone(),
            arrived_at: b.arrived_at.map(utc_time),
            attendance_confirmed_at: b.attendance_confirmed_at.map(utc_time),
            created_at: utc_time(b.created_at),
            updated_at: utc_time(b.updated_at),
            manage_token: None,
            manage_url: None,
            customer_hint: None,
        }
    }
}
