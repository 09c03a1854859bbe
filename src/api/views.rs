//! The JSON shapes of the API: what clients send (`…Body`) and what they get back (`…View`).
//!
//! Bodies are deserialised strictly (unknown fields are refused, so a typo is an error, not a
//! silently ignored value) and then validated into domain values by the handlers. Times in
//! views carry the business's UTC offset at that instant; record timestamps are UTC.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::booking::BookingDetails;
use crate::domain::ReminderOffsets;
use crate::setup::{ServiceRecord, StaffRecord};
use crate::storage::StorageError;
use crate::storage::models::{Business, CalendarExceptionRow, Customer};

/// `Some(None)` for an explicit `null`, `None` for a missing field: PATCH needs both.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

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

/// Weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[],…}`.
pub type WeeklyHoursBody = BTreeMap<String, Vec<[String; 2]>>;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliciesBody {
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
}

impl PoliciesBody {
    /// Policy fields may be sent at the top level or inside `"policies"`; top level wins.
    pub fn merged(&self, nested: Option<&PoliciesBody>) -> PoliciesBody {
        let nested = nested.cloned().unwrap_or_default();
        PoliciesBody {
            slot_interval_minutes: self.slot_interval_minutes.or(nested.slot_interval_minutes),
            min_notice_minutes: self.min_notice_minutes.or(nested.min_notice_minutes),
            booking_horizon_days: self.booking_horizon_days.or(nested.booking_horizon_days),
            cancellation_cutoff_minutes: self
                .cancellation_cutoff_minutes
                .or(nested.cancellation_cutoff_minutes),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBusinessBody {
    #[schema(example = "demo-barber")]
    pub slug: String,
    pub name: String,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// `en` (default) or `de`.
    pub locale: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
    /// Minutes an offered slot is held while a chat customer finishes booking (1–60).
    pub hold_minutes: Option<i64>,
    /// Minutes the bot stays silent after handing a conversation to staff (5–10080).
    pub handoff_timeout_minutes: Option<i64>,
    /// `phone`, `email`, `phone_or_email` (default) or `phone_and_email`.
    pub contact_requirement: Option<String>,
    pub policies: Option<PoliciesBody>,
    /// Minutes before an appointment that reminders go out (default `[1440, 120]`; `[]` for none).
    pub reminder_offsets_minutes: Option<Vec<i64>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBusinessBody {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub address: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notification_email: Option<Option<String>>,
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
    /// Minutes an offered slot is held while a chat customer finishes booking (1–60).
    pub hold_minutes: Option<i64>,
    /// Minutes the bot stays silent after handing a conversation to staff (5–10080).
    pub handoff_timeout_minutes: Option<i64>,
    /// `phone`, `email`, `phone_or_email` (default) or `phone_and_email`.
    pub contact_requirement: Option<String>,
    pub policies: Option<PoliciesBody>,
    pub reminder_offsets_minutes: Option<Vec<i64>>,
    /// The business's privacy notice (an http or https URL), linked from the chat's greeting;
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub privacy_url: Option<Option<String>>,
    /// Days chat transcripts are kept (1–3650, default 365).
    pub transcript_retention_days: Option<i64>,
    /// Days after its appointment that a booking's manage link keeps working (1–3650, default 30).
    pub manage_link_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BusinessView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub locale: String,
    pub address: String,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub slot_interval_minutes: i32,
    pub min_notice_minutes: i32,
    pub booking_horizon_days: i32,
    pub cancellation_cutoff_minutes: i32,
    pub hold_minutes: i32,
    pub handoff_timeout_minutes: i32,
    pub contact_requirement: String,
    pub reminder_offsets_minutes: Vec<i32>,
    pub privacy_url: Option<String>,
    pub transcript_retention_days: i32,
    pub manage_link_days: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Business> for BusinessView {
    fn from(b: &Business) -> Self {
        Self {
            id: b.id.clone(),
            slug: b.slug.clone(),
            name: b.name.clone(),
            time_zone: b.time_zone.clone(),
            locale: b.locale.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            notification_email: b.notification_email.clone(),
            slot_interval_minutes: b.slot_interval_minutes,
            min_notice_minutes: b.min_notice_minutes,
            booking_horizon_days: b.booking_horizon_days,
            cancellation_cutoff_minutes: b.cancellation_cutoff_minutes,
            hold_minutes: b.hold_minutes,
            handoff_timeout_minutes: b.handoff_timeout_minutes,
            contact_requirement: b.contact_requirement.clone(),
            reminder_offsets_minutes: ReminderOffsets::from_json(&b.reminder_offsets_minutes)
                .unwrap_or_default()
                .minutes()
                .to_vec(),
            privacy_url: b.privacy_url.clone(),
            transcript_retention_days: b.transcript_retention_days,
            manage_link_days: b.manage_link_days,
            created_at: utc_time(b.created_at),
            updated_at: utc_time(b.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBusinessView {
    #[serde(flatten)]
    pub business: BusinessView,
    /// Shown only now: only its hash is stored.
    pub api_key: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    #[schema(value_type = Option<Object>, example = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]]}))]
    pub hours: Option<WeeklyHoursBody>,
    pub service_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub active: bool,
    pub position: i32,
    pub service_ids: Vec<String>,
    #[schema(value_type = Object)]
    pub hours: WeeklyHoursBody,
}

impl From<&StaffRecord> for StaffView {
    fn from(s: &StaffRecord) -> Self {
        Self {
            id: s.resource.id.clone(),
            name: s.resource.name.clone(),
            email: s.resource.email.clone(),
            active: s.resource.active != 0,
            position: s.resource.position,
            service_ids: s.service_ids.clone(),
            hours: s.hours.to_json(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration_minutes: Option<i64>,
    pub buffer_before_minutes: Option<i64>,
    pub buffer_after_minutes: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub price_cents: Option<Option<i64>>,
    pub currency: Option<String>,
    /// Other words customers use for it ("fade", "trim").
    pub synonyms: Option<Vec<String>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    pub staff_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: String,
    pub synonyms: Vec<String>,
    pub active: bool,
    pub position: i32,
    pub staff_ids: Vec<String>,
}

impl From<&ServiceRecord> for ServiceView {
    fn from(r: &ServiceRecord) -> Self {
        let s = &r.service;
        Self {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            duration_minutes: s.duration_minutes,
            buffer_before_minutes: s.buffer_before_minutes,
            buffer_after_minutes: s.buffer_after_minutes,
            price_cents: s.price_cents,
            currency: s.currency.clone(),
            synonyms: r.synonyms.clone(),
            active: s.active != 0,
            position: s.position,
            staff_ids: r.staff_ids.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureBody {
    /// Omit or `null` for the whole business.
    pub staff_id: Option<String>,
    /// A single date; shorthand for `from` = `to`.
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Omit or `null` to close; intervals for a special day.
    #[schema(value_type = Option<Vec<Vec<String>>>, example = json!([["09:00", "13:00"]]))]
    pub hours: Option<Vec<[String; 2]>>,
    pub reason: Option<String>,
    /// `reject` (default), `cancel` or `keep`: what to do with bookings it leaves outside hours.
    pub affected_bookings: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureView {
    pub id: String,
    pub staff_id: Option<String>,
    pub from: String,
    pub to: String,
    #[schema(value_type = Option<Vec<Vec<String>>>)]
    pub hours: Option<Vec<[String; 2]>>,
    pub reason: String,
    /// Bookings cancelled by this change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cancelled_bookings: Vec<String>,
}

impl TryFrom<&CalendarExceptionRow> for ClosureView {
    type Error = StorageError;

    fn try_from(r: &CalendarExceptionRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: r.id.clone(),
            staff_id: r.resource_id.clone(),
            from: r.first_date.to_string(),
            to: r.last_date.to_string(),
            hours: r.decode_hours()?,
            reason: r.reason.clone(),
            cancelled_bookings: Vec::new(),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingBody {
    pub service_id: String,
    /// Omit for any staff member who performs the service.
    pub staff_id: Option<String>,
    /// RFC 3339 with offset, or local wall-clock time in the business's zone.
    #[schema(example = "2027-03-29T09:00:00+02:00")]
    pub start: String,
    pub customer: CustomerBody,
    pub notes: Option<String>,
}

/// A booking the business makes itself: a walk-in or a call to the desk.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInBody {
    pub service_id: String,
    /// Omit for any staff member who performs the service.
    pub staff_id: Option<String>,
    /// RFC 3339 with offset, or local wall-clock time in the business's zone.
    #[schema(example = "2027-03-29T09:00")]
    pub start: String,
    /// Optional; a name without phone or email is enough.
    pub customer: Option<CustomerBody>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    pub start: String,
    /// Move to another staff member who performs the service.
    pub staff_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `arrived`, `completed`, `no_show`, or `confirmed` to undo any of them.
    pub status: String,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingListView {
    pub bookings: Vec<BookingView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    pub start: String,
    pub end: String,
    /// Who would take it: the requested staff member, or when anyone will do, the one booking
    /// would choose (the least busy that day).
    pub staff_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    pub service_id: String,
    pub staff_id: Option<String>,
    pub from: String,
    pub to: String,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalView {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffScheduleView {
    pub id: String,
    pub name: String,
    /// Working time that day.
    pub hours: Vec<IntervalView>,
    pub bookings: Vec<BookingView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    pub date: String,
    pub time_zone: String,
    pub staff: Vec<StaffScheduleView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicServiceView {
    pub id: String,
    pub name: String,
    pub duration_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: String,
    pub staff_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStaffView {
    pub id: String,
    pub name: String,
}

/// What anyone may know about a business: enough to offer booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub locale: String,
    pub address: String,
    pub phone: Option<String>,
    pub slot_interval_minutes: i32,
    pub services: Vec<PublicServiceView>,
    pub staff: Vec<PublicStaffView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// The login name.
    pub email: String,
    pub name: String,
    /// At least 10 characters.
    pub password: String,
    /// `owner` or `staff` (default).
    pub role: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    pub name: Option<String>,
    pub role: Option<String>,
    pub password: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `owner` or `staff`.
    pub role: String,
    pub active: bool,
    pub created_at: String,
}

impl From<&crate::storage::accounts::User> for UserView {
    fn from(u: &crate::storage::accounts::User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.clone(),
            active: u.active != 0,
            created_at: utc_time(u.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBusinessView {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: UserView,
    pub business: SessionBusinessView,
    /// Send it back as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE.
    pub csrf_token: String,
    pub expires_at: String,
    /// The server's current time in the business's zone (the page's clock follows it).
    pub now: String,
    /// Today's local date at the business.
    pub today: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedView {
    pub staff_id: String,
    /// Subscribe to this URL in a calendar app; shown only now.
    pub url: String,
}

/// A reminder or an email, as a job in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJobView {
    pub id: String,
    /// `notification.reminder` (plans the messages when it comes due) or `notification.email`.
    pub kind: String,
    /// `pending`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    pub booking_id: Option<String>,
    /// `confirmed`, `rescheduled`, `cancelled` or `reminder` (emails).
    pub occasion: Option<String>,
    /// `customer` or `business` (emails).
    pub audience: Option<String>,
    /// Minutes before the appointment (reminders).
    pub offset_minutes: Option<i64>,
    pub run_at: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

impl TryFrom<&crate::storage::models::Job> for NotificationJobView {
    type Error = StorageError;

    fn try_from(job: &crate::storage::models::Job) -> Result<Self, StorageError> {
        let payload = job.decode_payload()?;
        let text = |field: &str| payload[field].as_str().map(str::to_owned);
        Ok(Self {
            id: job.id.clone(),
            kind: job.kind.clone(),
            status: job.status.clone(),
            booking_id: text("booking_id"),
            occasion: text("occasion"),
            audience: text("audience"),
            offset_minutes: payload["offset_minutes"].as_i64(),
            run_at: utc_time(job.run_at),
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error.clone(),
            updated_at: utc_time(job.updated_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationListView {
    pub notifications: Vec<NotificationJobView>,
}
