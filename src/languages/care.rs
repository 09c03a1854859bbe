//! What the chat answers to questions about the business: prices, hours, where it is, who works
//! when, its policies — always from what the business entered, never invented. Each language
//! fills this record in its own `care.rs`.

use super::phrases::{fill, phrases};

phrases! {
    /// Answers to questions, and the units and lists they are written with.
    pub struct CareTexts {
        /// "€{amount}" or "{amount} €": `{symbol}` is "€", "$", "£" or a currency code.
        money(symbol, amount),
        /// The decimal separator of amounts: "." or ",".
        decimal_separator,
        minutes(minutes),
        hours(hours),
        hours_minutes(hours, minutes),
        /// "9:00–13:00": one stretch of opening hours.
        span(from, to),
        /// Joins stretches of one day: "9:00–13:00 and 14:00–18:00".
        and,
        /// A run of weekdays with the same hours: "Monday–Friday".
        day_run(first, last),

        /// "A Skin Fade is €25 and takes 30 min."
        price(service, price, duration),
        /// The business gave no price for it.
        price_unlisted(service, duration),
        /// One staff member charges differently.
        price_by_staff(staff, price),
        /// Lines "{service}: {price}, {duration}" follow.
        price_list,
        price_line(service, price, duration),
        price_line_unlisted(service, duration),
        duration(service, duration),
        /// Lines of services with durations follow.
        duration_list,
        duration_line(service, duration),
        /// The service asked about by name is offered.
        offered(service, price),
        offered_unlisted(service),
        /// What was asked for is not on the list; the nearest service follows.
        closest(service),
        /// The business's services follow.
        service_list,

        /// "On Saturday 5 December we're open 9:00–14:00."
        open_on(date, hours),
        /// Closed all day (a weekday off or a closure).
        closed_on(date),
        open_now(until),
        /// Closed at the moment; `{when}` is a day and time ("Monday 7 December at 9:00").
        closed_now(when),
        /// Closed now and no opening in the coming weeks.
        closed_for_now,
        /// The weekly hours follow, one line per run of days.
        week,
        week_line(days, hours),
        week_closed(days),
        /// Closures in the coming weeks follow the weekly hours.
        closures_ahead(dates),

        /// "You'll find us at {address}." and a map link.
        address(address, map),
        phone(phone),
        /// The chat page where one books any time.
        website(url),
        /// The business did not enter this (address, phone): offered to ask the team.
        not_listed,

        staff_works(staff, date, hours),
        staff_off(staff, date),
        /// `{days}` is a list of weekdays.
        staff_week(staff, days),
        /// A staff member with no working days set.
        staff_no_days(staff),
        /// Lines "{staff}: {hours}" follow.
        who_works(date),
        staff_line(staff, hours),

        cancellation(cutoff),
        cancellation_any_time,
        horizon(days, notice),
        /// `{offsets}` lists times before the appointment: "24 hours and 2 hours".
        reminders(offsets),
        no_reminders,

        /// A question nothing here answers.
        dont_know,
        /// The customer agreed: the question goes to the team's inbox.
        asked_team,
        /// A question about a day beyond the booking horizon.
        too_far(days),

        /// Button: book this service ("Book Skin Fade").
        button_book_service(service),
        /// Button: free times on a day ("Times Sat 5 Dec").
        button_times(date),
        button_prices,
        button_hours,
        button_ask_team,
    }
}

impl CareTexts {
    /// "€25", "25,50 €", "CHF 30": `cents` of `currency` (an ISO code) as this language writes it.
    pub fn money(&self, cents: i64, currency: &str) -> String {
        let symbol = match currency.to_ascii_uppercase().as_str() {
            "EUR" => "€".to_owned(),
            "USD" => "$".to_owned(),
            "GBP" => "£".to_owned(),
            other => other.to_owned(),
        };
        let (whole, rest) = (cents / 100, (cents % 100).abs());
        let amount = if rest == 0 {
            whole.to_string()
        } else {
            format!("{whole}{}{rest:02}", self.decimal_separator)
        };
        fill(self.money, &[("symbol", &symbol), ("amount", &amount)])
    }

    /// "30 min", "1 h 15 min", "2 Std.".
    pub fn duration(&self, minutes: i64) -> String {
        let (hours, rest) = (minutes / 60, minutes % 60);
        match (hours, rest) {
            (0, m) => fill(self.minutes, &[("minutes", &m.to_string())]),
            (h, 0) => fill(self.hours, &[("hours", &h.to_string())]),
            (h, m) => fill(
                self.hours_minutes,
                &[("hours", &h.to_string()), ("minutes", &m.to_string())],
            ),
        }
    }

    /// Stretches of opening hours, each already written as "from"/"to" times, joined:
    /// "9:00–13:00 and 14:00–18:00".
    pub fn spans(&self, spans: &[(String, String)]) -> String {
        let written: Vec<String> = spans
            .iter()
            .map(|(from, to)| fill(self.span, &[("from", from), ("to", to)]))
            .collect();
        self.list(&written)
    }

    /// "a", "a and b", "a, b and c".
    pub fn list(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{}{last}", init.join(", "), self.and),
        }
    }
}
