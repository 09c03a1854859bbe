//! English. Times on the 12-hour clock in the Americas, the 24-hour clock elsewhere.

mod care;
mod mail;
mod menus;
mod pages;
mod replies;
mod words;

use super::dates::{DateFormats, TwelveHourClock};
use super::{Language, Locale};

pub(super) const LANGUAGE: Language = Language {
    locale: Locale::En,
    code: "en",
    name: "English",
    aliases: &["eng", "english", "englisch", "ingles", "inglés"],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    weekdays_plural: [
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
        "Sundays",
    ],
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    dates: DateFormats {
        short: "{weekday_short} {day} {month_short}",
        long: "{weekday} {day} {month}",
        long_with_year: "{weekday}, {day} {month} {year}",
        time: "{hour2}:{minute2}",
        // English readers in the Americas expect "3:30 pm"; elsewhere "15:30".
        twelve_hour: Some(TwelveHourClock {
            zones: &["America/"],
            on_the_hour: "{hour} {am_pm}",
            with_minutes: "{hour}:{minute2} {am_pm}",
            am: "am",
            pm: "pm",
        }),
        date_at_time: "{date} at {time}",
        slot: "{date} {time}",
    },
    buttons: replies::BUTTONS,
    replies: replies::REPLIES,
    care: care::CARE,
    mail: mail::MAIL,
    menus: menus::MENUS,
    pages: pages::PAGES,
    vocabulary: &words::VOCABULARY,
};
