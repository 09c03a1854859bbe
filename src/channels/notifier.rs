//! Chat reminders: a reminder that came due for a booking made on a messaging platform becomes
//! a message in the customer's conversation there, with Confirm, Reschedule and Cancel buttons
//! (their taps act on the booking through the conversation engine), delivered like any other
//! message through the outbox — as a WhatsApp template or a Messenger tagged update when the
//! customer has not written for 24 hours.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{TemplateUse, conversation_of_booking, queue_update};
use crate::booking::{BookingDetails, details_of};
use crate::clock::Clock;
use crate::conversation::{Links, reminder_reply};
use crate::domain::{BookingStatus, Channel, Platform};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobFuture, JobHandler, JobQueue, Outcome};
use crate::languages::Locale;
use crate::notifications::{CHAT_JOB, ChatReminder};
use crate::storage::{Database, DbConnection, bookings};

/// Runs [`CHAT_JOB`]s.
#[derive(Clone)]
pub struct ChatNotifier {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    clock: Arc<dyn Clock>,
    jobs: JobQueue,
    links: Links,
}

impl ChatNotifier {
    pub fn new(db: Database, clock: Arc<dyn Clock>, jobs: JobQueue, links: Links) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                clock,
                jobs,
                links,
            }),
        }
    }
}

impl JobHandler for ChatNotifier {
    fn kinds(&self) -> Vec<&'static str> {
        vec![CHAT_JOB]
    }

    fn run(&self, job: ClaimedJob) -> JobFuture {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            let reminder: ChatReminder = match serde_json::from_value(job.payload.clone()) {
                Ok(r) => r,
                Err(e) => return Outcome::Failed(format!("unreadable payload: {e}")),
            };
            let now = inner.clock.now();
            let (links, key) = (inner.links.clone(), format!("{CHAT_JOB}:{}", job.id));
            let queued = inner
                .db
                .write_in_background(move |conn| queue_reminder(conn, &links, &reminder, &key, now))
                .await;
            match queued {
                Ok(None) => {
                    inner.jobs.wake();
                    Outcome::Done
                }
                Ok(Some(reason)) => Outcome::Cancelled(reason),
                Err(e) => Outcome::Retry {
                    error: e.to_string(),
                    after: None,
                },
            }
        })
    }
}

/// Queues the reminder in the customer's conversation; `Some(reason)` when there is nothing
/// to send. Keyed by the job, so a job that runs again after a crash queues nothing new.
fn queue_reminder(
    conn: &mut DbConnection,
    links: &Links,
    reminder: &ChatReminder,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let Some(booking) = bookings::find(conn, &reminder.booking_id)? else {
        return Ok(Some("the booking no longer exists".to_owned()));
    };
    let details = details_of(conn, booking)?;
    if let Some(reason) = moot(&details, reminder, now) {
        return Ok(Some(reason));
    }
    let platform = Channel::parse("channel", &details.booking.channel)
        .ok()
        .and_then(Platform::of_channel);
    let Some(platform) = platform else {
        return Ok(Some(
            "the booking was not made on a messaging platform".to_owned(),
        ));
    };
    let Some(conversation) = conversation_of_booking(conn, &details.booking, platform)? else {
        return Ok(Some(format!(
            "the customer has no {} conversation",
            platform.as_str()
        )));
    };
    let locale = conversation
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or(details.business.locale);
    let reply = reminder_reply(&details, locale);
    let template = TemplateUse {
        kind: "reminder".to_owned(),
        values: template_values(&details, links),
    };
    queue_update(
        conn,
        &conversation,
        &reply,
        Some(template),
        Some(key.to_owned()),
        now,
    )?;
    Ok(None)
}

fn moot(details: &BookingDetails, reminder: &ChatReminder, now: DateTime<Utc>) -> Option<String> {
    if details.booking.sequence != reminder.sequence {
        return Some("the booking changed after this reminder was planned".to_owned());
    }
    if details.status() != BookingStatus::Confirmed {
        return Some(format!("the booking is {}", details.status()));
    }
    (details.start() <= now).then(|| "the appointment has already begun".to_owned())
}

/// The values a WhatsApp template's parameters may name.
pub fn template_values(details: &BookingDetails, links: &Links) -> BTreeMap<String, String> {
    let start = details.start().with_timezone(&details.business.tz);
    let customer = details
        .customer
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    [
        ("customer_name", customer),
        ("business", details.business.name.clone()),
        ("service", details.service_name.clone()),
        ("staff", details.staff_name.clone()),
        ("date", start.format("%Y-%m-%d").to_string()),
        ("time", start.format("%H:%M").to_string()),
        ("reference", details.booking.reference.clone()),
        (
            "manage_url",
            links.manage(&details.business.slug, &details.booking),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
