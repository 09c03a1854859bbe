//! Telling customers and businesses about bookings: confirmations, changes, cancellations and
//! reminders by email (with an iCalendar file), and calendar feeds for staff.
//!
//! Nothing is sent inside a booking's transaction. The booking use cases call
//! [`booking_changed`] in their transaction, which only writes jobs to the durable queue
//! (`crate::jobs`): the booking and the promise to tell people about it commit together or not
//! at all, and a mail server that is down can never lose or delay a booking.
//!
//! Two kinds of jobs do the work:
//! - a **reminder** (`reminder:{booking}:{offset}`) waits until its time, then decides who hears
//!   of it — the customer by email, the business by email, the customer's chat conversation —
//!   and writes one delivery per recipient. Moving a booking re-arms its reminders, cancelling it
//!   cancels them. A reminder that comes due late (the service was down) still goes out, unless
//!   the appointment has begun.
//! - a **delivery** (`email:{booking}:{sequence}:{occasion}:{audience}`) sends one message. It is
//!   checked against the booking when it runs (a booking changed since — a newer sequence — makes
//!   it moot), and it is sent at most once: it commits that it begins to send just before handing
//!   the message to the mail server, and when the queue reports that an earlier attempt began and
//!   was interrupted, the message may already have gone out, so it is failed rather than
//!   repeated. An attempt that was only claimed when its worker died is simply run again.
//!   A temporary failure (server unreachable, 4xx) is retried with backoff; a permanent one
//!   (5xx, a malformed address) fails at once.
//!
//! Keys carry the booking's sequence, so a delivery planned twice for the same version of a
//! booking exists once, and a new version plans new deliveries.
//!
//! Chat reminders: for a booking made on a messaging platform, the reminder also plans a
//! [`CHAT_JOB`], which the channels module turns into a message with Confirm, Reschedule and
//! Cancel buttons in the customer's conversation (`crate::channels::ChatNotifier`).

mod feeds;
mod handler;
pub mod ics;
pub mod mail;
#[cfg(test)]
mod sample;
pub mod templates;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use feeds::{feed_url, rotate_feed, staff_feed};
pub use handler::{NotificationHandler, organizer};
pub use mail::Mailer;
pub use templates::{Audience, Occasion};

use crate::domain::{BookingStatus, Channel};
use crate::jobs::{self, JobSpec};
use crate::storage::models::{Booking, Business};
use crate::storage::notifications as stored;
use crate::storage::{DbConnection, StorageError, StorageResult, bookings, businesses, to_db_time};

/// Job kinds of this module.
pub const REMINDER_JOB: &str = "notification.reminder";
pub const EMAIL_JOB: &str = "notification.email";
pub const JOB_KINDS: [&str; 2] = [REMINDER_JOB, EMAIL_JOB];
/// A reminder to deliver into the customer's chat conversation; the channels module sends it.
pub const CHAT_JOB: &str = "notification.chat";

/// What a chat reminder job carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatReminder {
    pub booking_id: String,
    /// The booking's sequence when the reminder was planned; a later change makes it moot.
    pub sequence: i32,
    pub offset_minutes: i32,
}

/// Who hears of a reminder by email; the customer's chat conversation is the third recipient.
const REMINDER_AUDIENCES: [Audience; 2] = [Audience::Customer, Audience::Business];
/// Who hears of a booking made, moved or cancelled.
const CHANGE_AUDIENCES: [Audience; 2] = [Audience::Customer, Audience::Business];

/// What happened to a booking, as far as the people involved should hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingChange {
    /// Made, or a hold confirmed.
    Confirmed,
    /// Moved to another time or staff member.
    Moved,
    /// Cancelled; a hold that is let go was never announced, so nobody is told.
    Cancelled { was_held: bool },
    /// Marked completed or no-show: reminders are moot.
    Finished,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReminderPayload {
    booking_id: String,
    /// The booking's sequence when the reminder was planned; a later change re-plans it.
    sequence: i32,
    offset_minutes: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct EmailPayload {
    booking_id: String,
    /// The booking's sequence when the message was planned; a later change makes it moot.
    sequence: i32,
    occasion: Occasion,
    audience: Audience,
}

/// Plans what a booking change means for notifications, inside the change's own transaction.
/// Held bookings (a chat customer still deciding) are left alone until confirmed.
pub fn booking_changed(
    conn: &mut DbConnection,
    booking: &Booking,
    change: BookingChange,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    if booking.status == BookingStatus::Held.as_str() {
        return Ok(());
    }
    // Read once: the reminders and the announcement both need the business's settings.
    let business = business_of(conn, booking)?;
    let business = &business;
    match change {
        BookingChange::Confirmed => {
            plan_reminders(conn, business, booking, now)?;
            announce(conn, business, booking, Occasion::Confirmed, now)
        }
        BookingChange::Moved => {
            plan_reminders(conn, business, booking, now)?;
            announce(conn, business, booking, Occasion::Rescheduled, now)
        }
        BookingChange::Cancelled { was_held } => {
            cancel_reminders(conn, business, booking, now)?;
            if was_held {
                return Ok(());
            }
            announce(conn, business, booking, Occasion::Cancelled, now)
        }
        BookingChange::Finished => cancel_reminders(conn, business, booking, now),
    }
}

/// For the chat engine: a held booking has just been confirmed (call in the same transaction).
pub fn hold_confirmed(
    conn: &mut DbConnection,
    booking: &Booking,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    booking_changed(conn, booking, BookingChange::Confirmed, now)
}

/// For a booking whose manage link staff revoked: the new link goes to its email address.
pub fn link_renewed(
    conn: &mut DbConnection,
    booking: &Booking,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    if booking.customer_email.is_some() {
        let label = format!("{}-{}", Occasion::NewLink.as_str(), booking.manage_version);
        plan_email(
            conn,
            booking,
            Occasion::NewLink,
            &label,
            Audience::Customer,
            now,
        )?;
    }
    Ok(())
}

/// The key prefixes of every job planned for a booking: its reminders, its emails and its chat
/// reminders (the formats below and in [`plan_reminder_deliveries`]).
pub fn booking_job_prefixes(booking_id: &str) -> [String; 3] {
    [
        format!("reminder:{booking_id}:"),
        format!("email:{booking_id}:"),
        format!("chat:{booking_id}:"),
    ]
}

fn reminder_key(booking_id: &str, offset_minutes: i32) -> String {
    format!("reminder:{booking_id}:{offset_minutes}")
}

/// Re-arms the booking's reminders for its (new) start. Reminders whose time has already passed
/// are not sent: someone who books at 14:00 for 15:00 needs no reminder at 13:00.
///
/// Reminders are found by their exact keys (one per offset the business uses), never by a scan
/// of the queue. One planned under offsets the business has since changed is left alone here;
/// it finds, when it comes due, that the booking has moved on (its sequence) and sends nothing.
fn plan_reminders(
    conn: &mut DbConnection,
    business: &Business,
    booking: &Booking,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    let start = booking.start_at.and_utc();
    for &offset in businesses::reminder_offsets(business)?.minutes() {
        let key = reminder_key(&booking.id, offset);
        let due = start - Duration::minutes(offset.into());
        if due <= now {
            stored::cancel_pending_job(conn, &key, to_db_time(now))?;
            continue;
        }
        let payload = ReminderPayload {
            booking_id: booking.id.clone(),
            sequence: booking.sequence,
            offset_minutes: offset,
        };
        let spec = JobSpec::new(REMINDER_JOB, to_json(&payload), due)
            .for_business(&booking.business_id)
            .keyed(key);
        jobs::schedule(conn, &spec, now)?;
    }
    Ok(())
}

fn cancel_reminders(
    conn: &mut DbConnection,
    business: &Business,
    booking: &Booking,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    for &offset in businesses::reminder_offsets(business)?.minutes() {
        stored::cancel_pending_job(conn, &reminder_key(&booking.id, offset), to_db_time(now))?;
    }
    Ok(())
}

/// Plans a message about a change to everyone who has an email address on record.
fn announce(
    conn: &mut DbConnection,
    business: &Business,
    booking: &Booking,
    occasion: Occasion,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    for audience in CHANGE_AUDIENCES {
        if email_of(business, booking, audience).is_some() {
            plan_email(conn, booking, occasion, occasion.as_str(), audience, now)?;
        }
    }
    Ok(())
}

fn plan_email(
    conn: &mut DbConnection,
    booking: &Booking,
    occasion: Occasion,
    label: &str,
    audience: Audience,
    now: DateTime<Utc>,
) -> StorageResult<bool> {
    let payload = EmailPayload {
        booking_id: booking.id.clone(),
        sequence: booking.sequence,
        occasion,
        audience,
    };
    let key = format!(
        "email:{}:{}:{label}:{}",
        booking.id,
        booking.sequence,
        audience.as_str()
    );
    let spec = JobSpec::new(EMAIL_JOB, to_json(&payload), now)
        .for_business(&booking.business_id)
        .keyed(key);
    jobs::enqueue(conn, &spec, now)
}

/// What a reminder that came due did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ReminderResult {
    /// Deliveries were planned (how many).
    Planned(usize),
    /// Nothing to send, and why.
    Moot(String),
}

/// Decides who hears of a reminder that came due and plans one delivery each, in one
/// transaction. Running it twice plans nothing new (the deliveries are keyed).
fn plan_reminder_deliveries(
    conn: &mut DbConnection,
    payload: &ReminderPayload,
    now: DateTime<Utc>,
) -> StorageResult<ReminderResult> {
    let Some(booking) = bookings::find(conn, &payload.booking_id)? else {
        return Ok(ReminderResult::Moot(
            "the booking no longer exists".to_owned(),
        ));
    };
    if booking.status != BookingStatus::Confirmed.as_str() {
        return Ok(ReminderResult::Moot(format!(
            "the booking is {}",
            booking.status
        )));
    }
    if booking.sequence != payload.sequence {
        return Ok(ReminderResult::Moot(
            "the booking changed after this reminder was planned".to_owned(),
        ));
    }
    if booking.start_at.and_utc() <= now {
        return Ok(ReminderResult::Moot(
            "the appointment had already begun when the reminder came due".to_owned(),
        ));
    }
    let business = business_of(conn, &booking)?;
    let label = format!("{}-{}", Occasion::Reminder.as_str(), payload.offset_minutes);
    let mut planned = 0;
    for audience in REMINDER_AUDIENCES {
        if email_of(&business, &booking, audience).is_some()
            && plan_email(conn, &booking, Occasion::Reminder, &label, audience, now)?
        {
            planned += 1;
        }
    }
    let reachable = booking.conversation_id.is_some() || booking.customer_id.is_some();
    if chat_channel(&booking).is_some() && reachable {
        let chat = ChatReminder {
            booking_id: booking.id.clone(),
            sequence: booking.sequence,
            offset_minutes: payload.offset_minutes,
        };
        let spec = JobSpec::new(CHAT_JOB, to_json(&chat), now)
            .for_business(&booking.business_id)
            .keyed(format!("chat:{}:{}:{label}", booking.id, booking.sequence));
        if jobs::enqueue(conn, &spec, now)? {
            planned += 1;
        }
    }
    Ok(ReminderResult::Planned(planned))
}

/// The chat channel a booking was made through, where its customer also hears reminders.
fn chat_channel(booking: &Booking) -> Option<Channel> {
    match Channel::parse("channel", &booking.channel).ok()? {
        c @ (Channel::Messenger | Channel::WhatsApp | Channel::Telegram | Channel::Sms) => Some(c),
        Channel::Api | Channel::Web | Channel::Staff => None,
    }
}

fn business_of(conn: &mut DbConnection, booking: &Booking) -> StorageResult<Business> {
    businesses::by_id(conn, &booking.business_id)?.ok_or_else(|| {
        StorageError::corrupt(format!("business of booking {}", booking.id), "missing")
    })
}

/// The address an audience is reached at, if there is one on record: the business's own, or
/// the one the booking was made with.
fn email_of(business: &Business, booking: &Booking, audience: Audience) -> Option<String> {
    match audience {
        Audience::Business => business.notification_email.clone(),
        Audience::Customer => booking.customer_email.clone(),
    }
}

fn to_json<T: Serialize>(payload: &T) -> serde_json::Value {
    // Plain structs of strings and numbers always serialise.
    serde_json::to_value(payload).unwrap_or_default()
}
