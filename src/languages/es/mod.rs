//! Spanish (Spain). The chat, the one-time code messages and the customer pages say "tú", as
//! Spanish barbers and salons write on WhatsApp; the emails about a booking say "usted", as
//! letters from a business do. Dates are written "viernes 14 de marzo" (buttons "vie 14/03"),
//! times on the 24-hour clock.

mod care;
mod mail;
mod menus;
mod pages;
mod replies;
mod words;

use super::dates::DateFormats;
use super::{Language, Locale};

pub(super) const LANGUAGE: Language = Language {
    locale: Locale::Es,
    code: "es",
    name: "Español",
    aliases: &[
        "spa",
        "spanish",
        "spanisch",
        "espanol",
        "español",
        "castellano",
    ],
    weekdays: [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ],
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    weekdays_plural: [
        "los lunes",
        "los martes",
        "los miércoles",
        "los jueves",
        "los viernes",
        "los sábados",
        "los domingos",
    ],
    weekdays_short: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    months_short: [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ],
    dates: DateFormats {
        short: "{weekday_short} {day2}/{month2}",
        long: "{weekday} {day} de {month}",
        long_with_year: "{weekday}, {day} de {month} de {year}",
        time: "{hour2}:{minute2}",
        twelve_hour: None,
        date_at_time: "{date} a las {time}",
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
