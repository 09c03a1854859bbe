//! The job handler for reminders and deliveries (see the module overview for the strategy).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::ics::Invitation;
use super::mail::{CalendarFile, Email, Mailer, SendError};
use super::templates::{self, Audience, Occasion};
use super::{
    EMAIL_JOB, EmailPayload, REMINDER_JOB, ReminderPayload, ReminderResult,
    plan_reminder_deliveries,
};
use crate::access::Secrets;
use crate::clock::Clock;
use crate::customers::links::{self, LinkSubject};
use crate::details::{BookingDetails, BusinessProfile};
use crate::domain::BookingStatus;
use crate::jobs::{ClaimedJob, JobFuture, JobHandler, Outcome};
use crate::storage::notifications as stored;
use crate::storage::{Database, DbConnection, StorageResult};

/// Runs reminder and delivery jobs. Cheap to clone.
#[derive(Clone)]
pub struct NotificationHandler {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    mailer: Mailer,
    secrets: Secrets,
    public_url: String,
    clock: Arc<dyn Clock>,
}

impl NotificationHandler {
    pub fn new(
        db: Database,
        mailer: Mailer,
        secrets: Secrets,
        public_url: String,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                mailer,
                secrets,
                public_url,
                clock,
            }),
        }
    }
}

impl JobHandler for NotificationHandler {
    fn kinds(&self) -> Vec<&'static str> {
        vec![REMINDER_JOB, EMAIL_JOB]
    }

    fn run(&self, job: ClaimedJob) -> JobFuture {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            match job.kind.as_str() {
                REMINDER_JOB => inner.remind(job).await,
                EMAIL_JOB => inner.deliver(job).await,
                other => Outcome::Failed(format!("not a notification job: {other}")),
            }
        })
    }
}

fn payload<T: serde::de::DeserializeOwned>(job: &ClaimedJob) -> Result<T, Outcome> {
    serde_json::from_value(job.payload.clone())
        .map_err(|e| Outcome::Failed(format!("unreadable job payload: {e}")))
}

fn retry(error: impl std::fmt::Display) -> Outcome {
    Outcome::Retry {
        error: error.to_string(),
        after: None,
    }
}

impl Inner {
    /// A reminder came due: plan its deliveries. Safe to repeat, so an interrupted attempt
    /// simply runs again.
    async fn remind(&self, job: ClaimedJob) -> Outcome {
        let payload: ReminderPayload = match payload(&job) {
            Ok(p) => p,
            Err(outcome) => return outcome,
        };
        let now = self.clock.now();
        let planned = self
            .db
            .write_in_background(move |conn| plan_reminder_deliveries(conn, &payload, now))
            .await;
        match planned {
            Ok(ReminderResult::Planned(_)) => Outcome::Done,
            Ok(ReminderResult::Moot(reason)) => Outcome::Cancelled(reason),
            Err(e) => retry(e),
        }
    }

    /// Sends one message, at most once.
    async fn deliver(&self, job: ClaimedJob) -> Outcome {
        if job.interrupted {
            return Outcome::Failed(
                "an earlier attempt stopped while sending; not sent again, because the message may already have arrived"
                    .to_owned(),
            );
        }
        let payload: EmailPayload = match payload(&job) {
            Ok(p) => p,
            Err(outcome) => return outcome,
        };
        let booking_id = payload.booking_id.clone();
        let details = match self
            .db
            .read(move |conn| load_details(conn, &booking_id))
            .await
        {
            Ok(Some(details)) => details,
            Ok(None) => return Outcome::Cancelled("the booking no longer exists".to_owned()),
            Err(e) => return retry(e),
        };
        let now = self.clock.now();
        if let Some(reason) = moot(&details, &payload, now) {
            return Outcome::Cancelled(reason);
        }
        let Some(email) = self.compose(&details, payload.occasion, payload.audience, now) else {
            return Outcome::Cancelled(format!(
                "no email address on record for the {}",
                payload.audience.as_str()
            ));
        };
        // Everything above can be repeated; from here on a crash may leave the message sent.
        if let Err(outcome) = job.begin_send().await {
            return outcome;
        }
        match self.mailer.send(email).await {
            Ok(()) => Outcome::Done,
            Err(SendError::Permanent(e)) => Outcome::Failed(e),
            Err(SendError::Temporary(e)) => retry(e),
        }
    }

    /// The email for one audience, or `None` when that audience has no address.
    fn compose(
        &self,
        details: &BookingDetails,
        occasion: Occasion,
        audience: Audience,
        now: DateTime<Utc>,
    ) -> Option<Email> {
        let customer_email = details.customer.as_ref().and_then(|c| c.email.clone());
        let business_email = details.business.notification_email.clone();
        let (to, reply_to) = match audience {
            Audience::Customer => (customer_email?, business_email),
            Audience::Business => (business_email?, customer_email),
        };
        let manage_url = self.secrets.manage_url(
            &self.public_url,
            &details.business.slug,
            &details.booking.id,
            details.booking.manage_version,
        );
        // The link opens the chat knowing the customer: it proves this email address.
        let chat_url = links::issue(
            &self.secrets,
            &details.business.id,
            &LinkSubject::BookingEmail(details.booking.id.clone()),
            links::email_link_expiry(now),
        )
        .map(|token| {
            format!(
                "{}/b/{}/chat?link={token}",
                self.public_url, details.business.slug
            )
        });
        let locale = details.business.locale;
        let message_links = templates::MessageLinks {
            manage: &manage_url,
            chat: chat_url.as_deref(),
        };
        let rendered = templates::render(details, occasion, audience, locale, message_links);
        let organizer = organizer(details, &self.mailer);
        let invitation = Invitation {
            details,
            manage_url: &manage_url,
            organizer: &organizer,
            locale,
            stamp: now,
        };
        Some(Email {
            to,
            reply_to,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            calendar: Some(CalendarFile {
                method: invitation.method(),
                content: invitation.to_ics(),
            }),
        })
    }
}

/// The booking as a message shows it, in one query (this runs for every email sent).
fn load_details(
    conn: &mut DbConnection,
    booking_id: &str,
) -> StorageResult<Option<BookingDetails>> {
    let Some((booking, business, service_name, staff_name)) =
        stored::booking_for_message(conn, booking_id)?
    else {
        return Ok(None);
    };
    Ok(Some(BookingDetails::new(
        booking,
        BusinessProfile::from_row(&business)?,
        service_name,
        staff_name,
    )))
}

/// Who a booking's calendar invitation comes from: the business, or else this service.
pub fn organizer(details: &BookingDetails, mailer: &Mailer) -> String {
    details
        .business
        .notification_email
        .clone()
        .unwrap_or_else(|| mailer.from_address())
}

/// Why a planned message should no longer go out, if it should not.
fn moot(details: &BookingDetails, payload: &EmailPayload, now: DateTime<Utc>) -> Option<String> {
    if details.booking.sequence != payload.sequence {
        return Some(
            "the booking changed after this message was planned; a newer message tells of it"
                .to_owned(),
        );
    }
    let status = details.status();
    let live = matches!(status, BookingStatus::Confirmed);
    match payload.occasion {
        Occasion::Reminder if !live => Some(format!("the booking is {status}")),
        Occasion::Reminder if details.start() <= now => {
            Some("the appointment has already begun".to_owned())
        }
        Occasion::Confirmed | Occasion::Rescheduled | Occasion::NewLink if !live => {
            Some(format!("the booking is {status}"))
        }
        _ => None,
    }
}
