//! iCalendar (RFC 5545) files: one booking as an invitation or cancellation, and a staff
//! member's bookings as a subscribable feed.
//!
//! Times are written in UTC (`DTSTART:20270328T003000Z`). A booking is one instant, not a
//! recurring local time, so UTC says exactly when it happens and every calendar app shows it in
//! its user's own zone; no VTIMEZONE has to be produced that some app could read differently
//! after a daylight-saving change (the cause of other products' hour-off invitations). The
//! business's zone still appears in the description, written as the customer knows it.
//!
//! The `icalendar` crate does the writing: escaping of text values and folding of lines at 75
//! octets. A booking keeps one UID for life; SEQUENCE is the booking's own change counter, so an
//! app that imported the first invitation replaces it with each newer one.

use chrono::{DateTime, Duration, Utc};
use icalendar::{
    Alarm, Calendar, Component, Event, EventLike, EventStatus, Property, Trigger,
};

use super::templates;
use crate::booking::BookingDetails;
use crate::domain::{BookingStatus, Locale};

/// How long before an appointment the calendar app itself reminds its user.
const ALARM_BEFORE: Duration = Duration::hours(1);

const PRODUCT_ID: &str = "-//Chairside//Chairside booking//EN";

/// The unique id of a booking's calendar event, the same in every file about it.
pub fn event_uid(booking_id: &str) -> String {
    format!("{booking_id}@chairside")
}

/// A booking as the customer receives it: `REQUEST` while it stands, `CANCEL` once cancelled.
pub struct Invitation<'a> {
    pub details: &'a BookingDetails,
    pub manage_url: &'a str,
    /// Who the invitation comes from (the business's address, or the service's sender).
    pub organizer: &'a str,
    pub locale: Locale,
    /// When this file was made (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

impl Invitation<'_> {
    pub fn method(&self) -> &'static str {
        if self.cancelled() {
            "CANCEL"
        } else {
            "REQUEST"
        }
    }

    fn cancelled(&self) -> bool {
        self.details.booking.status == BookingStatus::Cancelled.as_str()
    }

    pub fn to_ics(&self) -> String {
        let d = self.details;
        let mut event = base_event(d, self.stamp);
        event
            .summary(&format!("{} – {}", d.service_name, d.business.name))
            .description(&format!(
                "{}\n{}\n{}",
                templates::when(d.start(), d.end(), d.business.tz, self.locale),
                d.booking.reference,
                self.manage_url
            ))
            .url(self.manage_url)
            .append_property(
                Property::new("ORGANIZER", format!("mailto:{}", self.organizer))
                    .add_parameter("CN", &d.business.name)
                    .done(),
            );
        if let Some(email) = d.customer.as_ref().and_then(|c| c.email.as_deref()) {
            let name = d.customer.as_ref().map_or("", |c| c.name.as_str());
            event.append_property(
                Property::new("ATTENDEE", format!("mailto:{email}"))
                    .add_parameter("CN", name)
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", "ACCEPTED")
                    .add_parameter("RSVP", "FALSE")
                    .done(),
            );
        }
        if self.cancelled() {
            event.status(EventStatus::Cancelled);
        } else {
            event.status(EventStatus::Confirmed).alarm(Alarm::display(
                &format!("{} – {}", d.service_name, d.business.name),
                Trigger::before_start(ALARM_BEFORE),
            ));
        }
        let mut calendar = calendar_with(self.method());
        calendar.push(event.done());
        calendar.to_string()
    }
}

/// A staff member's bookings, for a calendar app to subscribe to.
pub fn staff_feed(
    staff_name: &str,
    business_name: &str,
    bookings: &[BookingDetails],
    stamp: DateTime<Utc>,
) -> String {
    let mut calendar = calendar_with("PUBLISH");
    calendar
        .name(&format!("{staff_name} – {business_name}"))
        .ttl(&Duration::minutes(15));
    for d in bookings {
        let customer = d.customer.as_ref();
        let summary = match customer {
            Some(c) => format!("{} – {}", d.service_name, c.name),
            None => d.service_name.clone(),
        };
        let contact = customer
            .map(|c| {
                [c.phone.as_deref(), c.email.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let description = [
            d.booking.reference.as_str(),
            contact.as_str(),
            d.booking.notes.as_str(),
        ]
        .into_iter()
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
        let mut event = base_event(d, stamp);
        event
            .summary(&summary)
            .description(&description)
            .status(EventStatus::Confirmed);
        calendar.push(event.done());
    }
    calendar.to_string()
}

/// What every event of a booking has: identity, version, time and place.
fn base_event(d: &BookingDetails, stamp: DateTime<Utc>) -> Event {
    let mut event = Event::new();
    event
        .uid(&event_uid(&d.booking.id))
        .sequence(u32::try_from(d.booking.sequence).unwrap_or(0))
        .timestamp(stamp)
        .starts(d.start())
        .ends(d.end())
        .location(&templates::place(d));
    event
}

fn calendar_with(method: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODUCT_ID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method));
    calendar
}
