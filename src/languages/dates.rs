//! How a language writes dates and times, as patterns in its record, and the functions that
//! write them with its own day and month names. Dates are written by hand rather than through a
//! locale library: each language needs a few patterns, seven day and twelve month names.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use super::Language;
use super::phrases::fill;

/// A language's date and time patterns. A date pattern may use `{weekday}` ("Friday"),
/// `{weekday_short}` ("Fri"), `{day}` (14), `{day2}` (04), `{month}` ("March"),
/// `{month_short}` ("Mar"), `{month2}` (03) and `{year}`; a time pattern `{hour}` (15, or 3 on
/// the 12-hour clock), `{hour2}` (09), `{minute2}` (05) and, on the 12-hour clock, `{am_pm}`.
#[derive(Debug)]
pub struct DateFormats {
    /// A date short enough for a button: "Fri 14 Mar".
    pub short: &'static str,
    /// "Friday 14 March".
    pub long: &'static str,
    /// The long date with its year, for emails and calendar files: "Friday, 14 March 2027".
    pub long_with_year: &'static str,
    /// A time of day on the 24-hour clock: "15:30".
    pub time: &'static str,
    /// Where readers of this language use the 12-hour clock instead; `None`: nowhere.
    pub twelve_hour: Option<TwelveHourClock>,
    /// A date with a time, both already written: "{date} at {time}".
    pub date_at_time: &'static str,
    /// A free time's button, its date and time already written: "{date} {time}".
    pub slot: &'static str,
}

/// The 12-hour clock of a language, and the zones where its readers expect it.
#[derive(Debug)]
pub struct TwelveHourClock {
    /// Zones by the start of their name: "America/".
    pub zones: &'static [&'static str],
    /// A time on the hour: "3 pm".
    pub on_the_hour: &'static str,
    /// Any other time: "3:30 pm".
    pub with_minutes: &'static str,
    pub am: &'static str,
    pub pm: &'static str,
}

impl Language {
    /// "Fri 14 Mar" / "Fr 14.03." / "vie 14/03".
    pub fn short_date(&self, date: NaiveDate) -> String {
        self.date(self.dates.short, date)
    }

    /// "Friday 14 March" / "Freitag, 14. März" / "viernes 14 de marzo".
    pub fn long_date(&self, date: NaiveDate) -> String {
        self.date(self.dates.long, date)
    }

    /// "Friday, 14 March 2027" / "Freitag, 14. März 2027" / "viernes, 14 de marzo de 2027".
    pub fn long_date_with_year(&self, date: NaiveDate) -> String {
        self.date(self.dates.long_with_year, date)
    }

    /// A time of day as readers of this language expect it in the zone named `zone`.
    pub fn time_of_day(&self, time: NaiveTime, zone: &str) -> String {
        let twelve_hour = self
            .dates
            .twelve_hour
            .as_ref()
            .filter(|clock| clock.zones.iter().any(|z| zone.starts_with(z)));
        let (hour2, minute2) = (
            format!("{:02}", time.hour()),
            format!("{:02}", time.minute()),
        );
        match twelve_hour {
            Some(clock) => {
                let (pm, hour) = time.hour12();
                let pattern = match time.minute() {
                    0 => clock.on_the_hour,
                    _ => clock.with_minutes,
                };
                let am_pm = if pm { clock.pm } else { clock.am };
                fill(
                    pattern,
                    &[
                        ("hour", &hour.to_string()),
                        ("hour2", &format!("{hour:02}")),
                        ("minute2", &minute2),
                        ("am_pm", am_pm),
                    ],
                )
            }
            None => fill(
                self.dates.time,
                &[
                    ("hour", &time.hour().to_string()),
                    ("hour2", &hour2),
                    ("minute2", &minute2),
                ],
            ),
        }
    }

    fn date(&self, pattern: &str, date: NaiveDate) -> String {
        let weekday = date.weekday().num_days_from_monday() as usize;
        let month = date.month0() as usize;
        fill(
            pattern,
            &[
                ("weekday", self.weekdays[weekday]),
                ("weekday_short", self.weekdays_short[weekday]),
                ("day", &date.day().to_string()),
                ("day2", &format!("{:02}", date.day())),
                ("month", self.months[month]),
                ("month_short", self.months_short[month]),
                ("month2", &format!("{:02}", date.month())),
                ("year", &date.year().to_string()),
            ],
        )
    }
}
