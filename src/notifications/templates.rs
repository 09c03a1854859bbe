//! Every email about a booking, as plain text and HTML, in the language of its business.
//!
//! One message layout serves every occasion and language: a greeting, an opening line that says
//! what happened, the facts of the booking (service, staff member, local date and time with the
//! zone, address, reference), and the link that lets the customer see, move or cancel it. The
//! words come from the language's record (`languages::{en,de,es}/mail.rs`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::details::BookingDetails;
use crate::html::escape;
use crate::languages::Locale;
use crate::languages::mail::MailTexts;
use crate::languages::phrases::fill;

/// Why a message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    Confirmed,
    Rescheduled,
    Cancelled,
    Reminder,
    /// Staff revoked the booking's manage link: here is the new one.
    NewLink,
}

impl Occasion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Rescheduled => "rescheduled",
            Self::Cancelled => "cancelled",
            Self::Reminder => "reminder",
            Self::NewLink => "new_link",
        }
    }
}

/// The links a message carries: the booking's manage page, and for its customer a signed link
/// that opens the business's chat already knowing them.
#[derive(Debug, Clone, Copy)]
pub struct MessageLinks<'a> {
    pub manage: &'a str,
    pub chat: Option<&'a str>,
}

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Customer,
    Business,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Business => "business",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// "Monday, 29 March 2027" / "Montag, 29. März 2027", in the business's zone.
fn long_date(instant: DateTime<Utc>, tz: Tz, locale: Locale) -> String {
    locale
        .language()
        .long_date_with_year(instant.with_timezone(&tz).date_naive())
}

/// "Monday, 29 March 2027, 09:00–09:30 (Europe/Berlin, UTC+02:00)": the offset is the one in
/// force at the start, so a time next to a daylight-saving change cannot be misread.
pub fn when(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz, locale: Locale) -> String {
    let (from, until) = (start.with_timezone(&tz), end.with_timezone(&tz));
    fill(
        locale.language().mail.when,
        &[
            ("date", &long_date(start, tz, locale)),
            ("from", &from.format("%H:%M").to_string()),
            ("until", &until.format("%H:%M").to_string()),
            ("zone", tz.name()),
            ("offset", &from.format("%:z").to_string()),
        ],
    )
}

/// The subject and opening line of one occasion's message to one audience.
fn subject_and_opening(
    mail: &'static MailTexts,
    occasion: Occasion,
    audience: Audience,
) -> (&'static str, &'static str) {
    match (audience, occasion) {
        (Audience::Customer, Occasion::Confirmed) => {
            (mail.confirmed_subject, mail.confirmed_opening)
        }
        (Audience::Customer, Occasion::Rescheduled) => {
            (mail.rescheduled_subject, mail.rescheduled_opening)
        }
        (Audience::Customer, Occasion::Cancelled) => {
            (mail.cancelled_subject, mail.cancelled_opening)
        }
        (Audience::Customer, Occasion::Reminder) => (mail.reminder_subject, mail.reminder_opening),
        (_, Occasion::NewLink) => (mail.new_link_subject, mail.new_link_opening),
        (Audience::Business, Occasion::Confirmed) => (
            mail.business_confirmed_subject,
            mail.business_confirmed_opening,
        ),
        (Audience::Business, Occasion::Rescheduled) => (
            mail.business_rescheduled_subject,
            mail.business_rescheduled_opening,
        ),
        (Audience::Business, Occasion::Cancelled) => (
            mail.business_cancelled_subject,
            mail.business_cancelled_opening,
        ),
        (Audience::Business, Occasion::Reminder) => (
            mail.business_reminder_subject,
            mail.business_reminder_opening,
        ),
    }
}

/// Renders the message for one occasion and audience.
pub fn render(
    details: &BookingDetails,
    occasion: Occasion,
    audience: Audience,
    locale: Locale,
    links: MessageLinks<'_>,
) -> Rendered {
    let w = &locale.language().mail;
    let tz = details.business.tz;
    let customer = details.customer.as_ref();
    let date = long_date(details.start(), tz, locale);
    let facts = [
        ("business", details.business.name.as_str()),
        ("customer", customer.map_or("", |c| c.name.as_str())),
        ("service", details.service_name.as_str()),
        ("date", date.as_str()),
    ];
    let greeting = match audience {
        Audience::Customer => fill(w.greeting_customer, &facts),
        Audience::Business => fill(w.greeting_business, &facts),
    };
    let (subject, opening) = subject_and_opening(w, occasion, audience);
    let (subject, opening) = (fill(subject, &facts), fill(opening, &facts));
    let mut rows: Vec<(&str, String)> = vec![
        (w.service_label, details.service_name.clone()),
        (w.staff_label, details.staff_name.clone()),
        (
            w.when_label,
            when(details.start(), details.end(), tz, locale),
        ),
        (w.place_label, place(details)),
        (w.reference_label, details.booking.reference.clone()),
    ];
    if audience == Audience::Business
        && let Some(c) = customer
    {
        let contact = [
            Some(c.name.as_str()),
            c.phone.as_deref(),
            c.email.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        rows.push((w.customer_label, contact));
        if !details.booking.notes.is_empty() {
            rows.push((w.notes_label, details.booking.notes.clone()));
        }
    }
    let link = (occasion != Occasion::Cancelled).then_some(links.manage);
    let chat = links
        .chat
        .filter(|_| audience == Audience::Customer && occasion != Occasion::Cancelled);

    let mut text = format!("{greeting}\n\n{opening}\n\n");
    for (label, value) in &rows {
        text.push_str(&format!("{label}: {value}\n"));
    }
    if let Some(url) = link {
        text.push_str(&format!("\n{}:\n{url}\n", w.manage_link));
    }
    if let Some(url) = chat {
        text.push_str(&format!("\n{}:\n{url}\n", w.chat_link));
    }
    text.push_str(&format!("\n{}\n", details.business.name));

    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif\">\n<p>{}</p>\n<p>{}</p>\n<table>\n",
        locale.as_str(),
        escape(&subject),
        escape(&greeting),
        escape(&opening),
    );
    for (label, value) in &rows {
        html.push_str(&format!(
            "<tr><th align=\"left\" valign=\"top\">{}</th><td>{}</td></tr>\n",
            escape(label),
            escape(value).replace('\n', "<br>")
        ));
    }
    html.push_str("</table>\n");
    for (url, label) in [(link, w.manage_link), (chat, w.chat_link)] {
        if let Some(url) = url {
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape(url),
                escape(label)
            ));
        }
    }
    html.push_str(&format!(
        "<p>{}</p>\n</body></html>\n",
        escape(&details.business.name)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

/// The business's name and address on one line.
pub fn place(details: &BookingDetails) -> String {
    let address = details.business.address.replace('\n', ", ");
    if address.trim().is_empty() {
        details.business.name.clone()
    } else {
        format!("{}, {address}", details.business.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::sample::details;
    use chrono::TimeZone;

    const OCCASIONS: [Occasion; 5] = [
        Occasion::Confirmed,
        Occasion::Rescheduled,
        Occasion::Cancelled,
        Occasion::Reminder,
        Occasion::NewLink,
    ];
    const LINKS: MessageLinks<'static> = MessageLinks {
        manage: "https://example.com/b/salon/manage/b1?token=abc",
        chat: Some("https://example.com/b/salon/chat?link=xyz"),
    };

    #[test]
    fn every_message_of_every_language_is_written_out() {
        let mut booking = details("confirmed");
        booking.booking.notes = "Parking at the back".into();
        for locale in Locale::all() {
            for occasion in OCCASIONS {
                for audience in [Audience::Customer, Audience::Business] {
                    let mail = render(&booking, occasion, audience, locale, LINKS);
                    let case = format!("{locale:?} {occasion:?} {audience:?}");
                    for part in [&mail.subject, &mail.text, &mail.html] {
                        assert!(!part.trim().is_empty(), "{case}: an empty part");
                        assert!(!part.contains(['{', '}']), "{case}: {part}");
                    }
                    assert!(mail.subject.contains("Färben"), "{case}: {}", mail.subject);
                }
            }
        }
    }

    #[test]
    fn a_spanish_email_says_usted_and_writes_its_dates_the_spanish_way() {
        let booking = details("confirmed");
        let mail = render(
            &booking,
            Occasion::Confirmed,
            Audience::Customer,
            Locale::Es,
            LINKS,
        );
        assert_eq!(
            mail.subject,
            "Cita confirmada: Färben el domingo, 28 de marzo de 2027"
        );
        for line in [
            "Hola, Jürgen:",
            "Su cita en Salon Schöne Grüße; Haar, Bart & Söhne está confirmada.",
            "Servicio: Färben",
            "Con: Sam",
            "Cuándo: domingo, 28 de marzo de 2027, de 01:30 a 04:30 (Europe/Berlin, UTC+01:00)",
            "Número de reserva: K7Q-4MX",
            "Ver, cambiar o cancelar su cita:",
        ] {
            assert!(
                mail.text.contains(line),
                "{line:?} missing from\n{}",
                mail.text
            );
        }
        assert!(mail.html.contains("<html lang=\"es\">"), "{}", mail.html);
        let reminder = render(
            &booking,
            Occasion::Reminder,
            Audience::Business,
            Locale::Es,
            LINKS,
        );
        assert_eq!(
            reminder.subject,
            "Próximamente: Jürgen, Färben el domingo, 28 de marzo de 2027"
        );
    }

    #[test]
    fn times_carry_the_offset_in_force_at_the_start() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2027, 3, 28, 0, 30, 0).unwrap();
        let end = start + chrono::Duration::minutes(60);
        assert_eq!(
            when(start, end, tz, Locale::En),
            "Sunday, 28 March 2027, 01:30–03:30 (Europe/Berlin, UTC+01:00)"
        );
        assert_eq!(
            when(start, end, tz, Locale::De),
            "Sonntag, 28. März 2027, 01:30–03:30 Uhr (Europe/Berlin, UTC+01:00)"
        );
        assert_eq!(
            when(start, end, tz, Locale::Es),
            "domingo, 28 de marzo de 2027, de 01:30 a 03:30 (Europe/Berlin, UTC+01:00)"
        );
    }
}
