//! German. Customers are addressed with "Sie", as businesses do; times on the 24-hour clock.

mod care;
mod mail;
mod menus;
mod pages;
mod replies;
mod words;

use super::dates::DateFormats;
use super::{Language, Locale};

pub(super) const LANGUAGE: Language = Language {
    locale: Locale::De,
    code: "de",
    name: "Deutsch",
    aliases: &["ger", "deu", "german", "deutsch", "aleman", "alemán"],
    weekdays: [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    weekdays_plural: [
        "montags",
        "dienstags",
        "mittwochs",
        "donnerstags",
        "freitags",
        "samstags",
        "sonntags",
    ],
    weekdays_short: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    months_short: [
        "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
    ],
    dates: DateFormats {
        short: "{weekday_short} {day2}.{month2}.",
        long: "{weekday}, {day}. {month}",
        long_with_year: "{weekday}, {day}. {month} {year}",
        time: "{hour2}:{minute2}",
        twelve_hour: None,
        date_at_time: "{date} um {time}",
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
