//! iCalendar (RFC 5545) files: one booking as an invitation or cancellation, and a staff
//! member's bookings as a subscribable feed.
//!
//! Times are written in UTC (`DTSTART:20270328T003000Z`). A booking is one instant, not a
//! recurring local time, so UTC says exactly when it happens and every calendar app shows it in
//! its user's own zone; no VTIMEZONE has to be produced that some app could read differently
//! after a daylight-saving change (the cause of other products' hour-off invitations). The
//! business's zone still appears in the description, written as the customer knows it.
//!
//! A booking keeps one UID for life; SEQUENCE is the booking's own change counter, so an app that
//! imported the first invitation replaces it with each newer one.
//!
//! The files are written here rather than with the `icalendar` crate, which puts a DTSTAMP taken
//! from the system clock and a random UID into every component, VALARM included (where RFC 5545
//! allows no DTSTAMP), so its output is neither conforming nor repeatable. What writing needs is
//! small: escaping of text values (§3.3.11), quoting of parameter values (§3.2) and folding of
//! lines at 75 octets (§3.1), each tested below and checked by an independent parser in the
//! integration tests.

use chrono::{DateTime, Duration, Utc};

use super::templates;
use crate::details::BookingDetails;
use crate::domain::BookingStatus;
use crate::languages::Locale;

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
        let title = format!("{} – {}", d.service_name, d.business.name);
        let mut ics = Ics::calendar(self.method());
        ics.begin_event(d, self.stamp);
        ics.text("SUMMARY", &title);
        ics.text(
            "DESCRIPTION",
            &format!(
                "{}\n{}\n{}",
                templates::when(d.start(), d.end(), d.business.tz, self.locale),
                d.booking.reference,
                self.manage_url
            ),
        );
        ics.raw("URL", &[], self.manage_url);
        ics.raw(
            "ORGANIZER",
            &[("CN", &d.business.name)],
            &format!("mailto:{}", self.organizer),
        );
        if let Some(customer) = &d.customer
            && let Some(email) = &customer.email
        {
            ics.raw(
                "ATTENDEE",
                &[
                    ("CN", &customer.name),
                    ("ROLE", "REQ-PARTICIPANT"),
                    ("PARTSTAT", "ACCEPTED"),
                    ("RSVP", "FALSE"),
                ],
                &format!("mailto:{email}"),
            );
        }
        if self.cancelled() {
            ics.raw("STATUS", &[], "CANCELLED");
        } else {
            ics.raw("STATUS", &[], "CONFIRMED");
            ics.raw("BEGIN", &[], "VALARM");
            ics.raw("ACTION", &[], "DISPLAY");
            ics.text("DESCRIPTION", &title);
            ics.raw(
                "TRIGGER",
                &[],
                &format!("-PT{}M", ALARM_BEFORE.num_minutes()),
            );
            ics.raw("END", &[], "VALARM");
        }
        ics.raw("END", &[], "VEVENT");
        ics.finish()
    }
}

/// A staff member's bookings, for a calendar app to subscribe to.
pub fn staff_feed(
    staff_name: &str,
    business_name: &str,
    bookings: &[BookingDetails],
    stamp: DateTime<Utc>,
) -> String {
    let mut ics = Ics::calendar("PUBLISH");
    let name = format!("{staff_name} – {business_name}");
    ics.text("NAME", &name);
    ics.text("X-WR-CALNAME", &name);
    // How often subscribers should fetch the feed again (RFC 7986, and Outlook's older name).
    ics.raw("REFRESH-INTERVAL", &[("VALUE", "DURATION")], "PT15M");
    ics.raw("X-PUBLISHED-TTL", &[], "PT15M");
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
        ics.begin_event(d, stamp);
        ics.text("SUMMARY", &summary);
        ics.text("DESCRIPTION", &description);
        ics.raw("STATUS", &[], "CONFIRMED");
        ics.raw("END", &[], "VEVENT");
    }
    ics.finish()
}

/// An iCalendar document being written, one content line at a time.
struct Ics(String);

impl Ics {
    fn calendar(method: &str) -> Self {
        let mut ics = Self(String::with_capacity(2048));
        ics.raw("BEGIN", &[], "VCALENDAR");
        ics.raw("VERSION", &[], "2.0");
        ics.raw("PRODID", &[], PRODUCT_ID);
        ics.raw("CALSCALE", &[], "GREGORIAN");
        ics.raw("METHOD", &[], method);
        ics
    }

    /// What every event of a booking has: identity, version, time and place.
    fn begin_event(&mut self, d: &BookingDetails, stamp: DateTime<Utc>) {
        self.raw("BEGIN", &[], "VEVENT");
        self.raw("UID", &[], &event_uid(&d.booking.id));
        self.raw("SEQUENCE", &[], &d.booking.sequence.max(0).to_string());
        self.raw("DTSTAMP", &[], &utc(stamp));
        self.raw("DTSTART", &[], &utc(d.start()));
        self.raw("DTEND", &[], &utc(d.end()));
        self.text("LOCATION", &templates::place(d));
    }

    fn finish(mut self) -> String {
        self.raw("END", &[], "VCALENDAR");
        self.0
    }

    /// A TEXT value, escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &[], &escape_text(value));
    }

    /// A value written as it is (dates, numbers, URIs, already escaped text).
    fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut line = String::from(name);
        for (key, param) in params {
            line.push(';');
            line.push_str(key);
            line.push('=');
            line.push_str(&param_value(param));
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.0, &line);
    }
}

fn utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11); a line break becomes `\n`, and other control
/// characters (which validated input never has) are dropped.
fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (§3.2): quoted when it holds `:`, `;` or `,`; double quotes, which a
/// parameter value cannot contain at all, are dropped.
fn param_value(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Appends `line` folded into lines of at most 75 octets (§3.1): each continuation starts with a
/// space, and no UTF-8 character is split.
fn fold_into(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut rest = line;
    let mut room = LIMIT;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::sample::details;
    use chrono::TimeZone;

    fn invitation(d: &BookingDetails) -> String {
        Invitation {
            details: d,
            manage_url: "https://example.com/b/salon/manage/b1?token=abc",
            organizer: "desk@salon.example",
            locale: Locale::De,
            stamp: Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap(),
        }
        .to_ics()
    }

    #[test]
    fn lines_are_folded_at_75_octets_and_text_is_escaped() {
        let ics = invitation(&details("confirmed"));
        assert!(ics.ends_with("\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        for expected in [
            "METHOD:REQUEST",
            "UID:b1@chairside",
            "SEQUENCE:3",
            "DTSTART:20270328T003000Z",
            "DTEND:20270328T023000Z",
            "DTSTAMP:20270301T080000Z",
            "SUMMARY:Färben – Salon Schöne Grüße\\; Haar\\, Bart & Söhne",
            "BEGIN:VALARM",
            "STATUS:CONFIRMED",
        ] {
            assert!(unfolded.contains(expected), "{expected} missing in\n{ics}");
        }
        assert!(
            unfolded.contains(
                "Sonntag\\, 28. März 2027\\, 01:30–04:30 Uhr (Europe/Berlin\\, UTC+01:00)\\nK7Q-4MX"
            ),
            "{ics}"
        );
    }

    #[test]
    fn folding_never_splits_a_character_and_unfolds_to_the_line() {
        let line = format!("DESCRIPTION:{}", "ä€😀x".repeat(40));
        let mut out = String::new();
        fold_into(&mut out, &line);
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.len() <= 75));
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }

    #[test]
    fn text_and_parameters_are_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r"), r"a\\b\;c\,d\ne");
        assert_eq!(param_value("Tom"), "Tom");
        assert_eq!(
            param_value("Tom \"T\"; Ltd, Inc: x"),
            "\"Tom T; Ltd, Inc: x\""
        );
    }

    #[test]
    fn a_cancelled_booking_cancels_the_event() {
        let ics = invitation(&details("cancelled"));
        assert!(ics.contains("METHOD:CANCEL\r\n"));
        assert!(ics.contains("STATUS:CANCELLED\r\n"));
        assert!(!ics.contains("VALARM"));
    }
}
