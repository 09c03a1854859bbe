//! English.

mod words;

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
    vocabulary: &words::VOCABULARY,
};
