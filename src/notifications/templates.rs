//! The words of every email, in English and German, as plain text and HTML.
//!
//! One message layout serves every occasion: an opening line that says what happened, the facts
//! of the booking (service, staff member, local date and time with the zone, address, reference),
//! and the link that lets the customer see, move or cancel it. Dates are written out by hand
//! rather than through a locale library: two languages need twelve month and seven day names each.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::details::BookingDetails;
use crate::languages::Locale;

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

/// The fixed words of one language.
struct Words {
    hello: &'static str,
    service: &'static str,
    staff: &'static str,
    when: &'static str,
    place: &'static str,
    reference: &'static str,
    customer: &'static str,
    notes: &'static str,
    manage: &'static str,
    chat: &'static str,
    clock_suffix: &'static str,
}

const EN: Words = Words {
    hello: "Hello",
    service: "Service",
    staff: "With",
    when: "When",
    place: "Where",
    reference: "Reference",
    customer: "Customer",
    notes: "Notes",
    manage: "See, move or cancel your booking",
    chat: "Chat with us (we will know it's you)",
    clock_suffix: "",
};

const DE: Words = Words {
    hello: "Hallo",
    service: "Leistung",
    staff: "Bei",
    when: "Wann",
    place: "Wo",
    reference: "Buchungsnummer",
    customer: "Kunde",
    notes: "Notizen",
    manage: "Termin ansehen, verschieben oder absagen",
    chat: "Mit uns chatten (wir wissen dann, dass Sie es sind)",
    clock_suffix: " Uhr",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En | Locale::Es => &EN,
        Locale::De => &DE,
    }
}

/// "Monday, 29 March 2027" / "Montag, 29. März 2027".
fn long_date(instant: DateTime<Utc>, tz: Tz, locale: Locale) -> String {
    let local = instant.with_timezone(&tz);
    let day = locale.weekday_name(local.weekday());
    let month = locale.month_name(local.month0());
    match locale {
        Locale::En | Locale::Es => format!("{day}, {} {month} {}", local.day(), local.year()),
        Locale::De => format!("{day}, {}. {month} {}", local.day(), local.year()),
    }
}

/// "Monday, 29 March 2027, 09:00–09:30 (Europe/Berlin, UTC+02:00)": the offset is the one in
/// force at the start, so a time next to a daylight-saving change cannot be misread.
pub fn when(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz, locale: Locale) -> String {
    let (from, until) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!(
        "{}, {}–{}{} ({}, UTC{})",
        long_date(start, tz, locale),
        from.format("%H:%M"),
        until.format("%H:%M"),
        words(locale).clock_suffix,
        tz.name(),
        from.format("%:z"),
    )
}

fn subject(occasion: Occasion, audience: Audience, locale: Locale, d: &Facts) -> String {
    let (service, date, business, customer) = (&d.service, &d.date, &d.business, &d.customer);
    match (locale, audience, occasion) {
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Confirmed) => {
            format!("Booking confirmed: {service} on {date}")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Rescheduled) => {
            format!("Booking moved: {service} now on {date}")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Cancelled) => {
            format!("Booking cancelled: {service} on {date}")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Reminder) => {
            format!("Reminder: {service} at {business} on {date}")
        }
        (Locale::En | Locale::Es, _, Occasion::NewLink) => {
            format!("A new link for your booking: {service} on {date}")
        }
        (Locale::De, _, Occasion::NewLink) => {
            format!("Ein neuer Link zu Ihrem Termin: {service} am {date}")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Confirmed) => {
            format!("New booking: {customer}, {service} on {date}")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Rescheduled) => {
            format!("Booking moved: {customer}, {service} now on {date}")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Cancelled) => {
            format!("Booking cancelled: {customer}, {service} on {date}")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Reminder) => {
            format!("Upcoming: {customer}, {service} on {date}")
        }
        (Locale::De, Audience::Customer, Occasion::Confirmed) => {
            format!("Termin bestätigt: {service} am {date}")
        }
        (Locale::De, Audience::Customer, Occasion::Rescheduled) => {
            format!("Termin verschoben: {service} jetzt am {date}")
        }
        (Locale::De, Audience::Customer, Occasion::Cancelled) => {
            format!("Termin abgesagt: {service} am {date}")
        }
        (Locale::De, Audience::Customer, Occasion::Reminder) => {
            format!("Erinnerung: {service} bei {business} am {date}")
        }
        (Locale::De, Audience::Business, Occasion::Confirmed) => {
            format!("Neue Buchung: {customer}, {service} am {date}")
        }
        (Locale::De, Audience::Business, Occasion::Rescheduled) => {
            format!("Buchung verschoben: {customer}, {service} jetzt am {date}")
        }
        (Locale::De, Audience::Business, Occasion::Cancelled) => {
            format!("Buchung abgesagt: {customer}, {service} am {date}")
        }
        (Locale::De, Audience::Business, Occasion::Reminder) => {
            format!("Demnächst: {customer}, {service} am {date}")
        }
    }
}

fn opening(occasion: Occasion, audience: Audience, locale: Locale, d: &Facts) -> String {
    let (business, customer) = (&d.business, &d.customer);
    match (locale, audience, occasion) {
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Confirmed) => {
            format!("your booking at {business} is confirmed.")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Rescheduled) => {
            format!("your booking at {business} has been moved to a new time.")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Cancelled) => {
            format!("your booking at {business} has been cancelled.")
        }
        (Locale::En | Locale::Es, Audience::Customer, Occasion::Reminder) => {
            format!("this is a reminder of your appointment at {business}.")
        }
        (Locale::En | Locale::Es, _, Occasion::NewLink) => format!(
            "{business} has given your booking a new link; the one you had before no longer works."
        ),
        (Locale::De, _, Occasion::NewLink) => format!(
            "{business} hat Ihrem Termin einen neuen Link gegeben; der bisherige funktioniert nicht mehr."
        ),
        (Locale::En | Locale::Es, Audience::Business, Occasion::Confirmed) => {
            format!("{customer} has booked.")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Rescheduled) => {
            format!("the booking of {customer} has been moved.")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Cancelled) => {
            format!("the booking of {customer} has been cancelled.")
        }
        (Locale::En | Locale::Es, Audience::Business, Occasion::Reminder) => {
            format!("{customer} is coming soon.")
        }
        (Locale::De, Audience::Customer, Occasion::Confirmed) => {
            format!("Ihr Termin bei {business} ist bestätigt.")
        }
        (Locale::De, Audience::Customer, Occasion::Rescheduled) => {
            format!("Ihr Termin bei {business} wurde verschoben.")
        }
        (Locale::De, Audience::Customer, Occasion::Cancelled) => {
            format!("Ihr Termin bei {business} wurde abgesagt.")
        }
        (Locale::De, Audience::Customer, Occasion::Reminder) => {
            format!("wir erinnern Sie an Ihren Termin bei {business}.")
        }
        (Locale::De, Audience::Business, Occasion::Confirmed) => {
            format!("{customer} hat gebucht.")
        }
        (Locale::De, Audience::Business, Occasion::Rescheduled) => {
            format!("die Buchung von {customer} wurde verschoben.")
        }
        (Locale::De, Audience::Business, Occasion::Cancelled) => {
            format!("die Buchung von {customer} wurde abgesagt.")
        }
        (Locale::De, Audience::Business, Occasion::Reminder) => {
            format!("{customer} kommt bald.")
        }
    }
}

/// What a message says about the booking, already in the message's language.
struct Facts {
    business: String,
    customer: String,
    service: String,
    date: String,
}

/// Renders the message for one occasion and audience.
pub fn render(
    details: &BookingDetails,
    occasion: Occasion,
    audience: Audience,
    locale: Locale,
    links: MessageLinks<'_>,
) -> Rendered {
    let w = words(locale);
    let tz = details.business.tz;
    let customer = details.customer.as_ref();
    let facts = Facts {
        business: details.business.name.clone(),
        customer: customer.map(|c| c.name.clone()).unwrap_or_default(),
        service: details.service_name.clone(),
        date: long_date(details.start(), tz, locale),
    };
    let greeting = match audience {
        Audience::Customer => format!("{} {},", w.hello, facts.customer),
        Audience::Business => format!("{},", facts.business),
    };
    let opening = opening(occasion, audience, locale, &facts);
    let mut rows: Vec<(&str, String)> = vec![
        (w.service, details.service_name.clone()),
        (w.staff, details.staff_name.clone()),
        (w.when, when(details.start(), details.end(), tz, locale)),
        (w.place, place(details)),
        (w.reference, details.booking.reference.clone()),
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
        rows.push((w.customer, contact));
        if !details.booking.notes.is_empty() {
            rows.push((w.notes, details.booking.notes.clone()));
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
        text.push_str(&format!("\n{}:\n{url}\n", w.manage));
    }
    if let Some(url) = chat {
        text.push_str(&format!("\n{}:\n{url}\n", w.chat));
    }
    text.push_str(&format!("\n{}\n", details.business.name));

    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif\">\n<p>{}</p>\n<p>{}</p>\n<table>\n",
        locale.as_str(),
        escape_html(&subject(occasion, audience, locale, &facts)),
        escape_html(&greeting),
        escape_html(&opening),
    );
    for (label, value) in &rows {
        html.push_str(&format!(
            "<tr><th align=\"left\" valign=\"top\">{}</th><td>{}</td></tr>\n",
            escape_html(label),
            escape_html(value).replace('\n', "<br>")
        ));
    }
    html.push_str("</table>\n");
    for (url, label) in [(link, w.manage), (chat, w.chat)] {
        if let Some(url) = url {
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape_html(url),
                escape_html(label)
            ));
        }
    }
    html.push_str(&format!(
        "<p>{}</p>\n</body></html>\n",
        escape_html(&details.business.name)
    ));
    Rendered {
        subject: subject(occasion, audience, locale, &facts),
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

fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<b>Tom & \"Jerry\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
        );
    }
}
