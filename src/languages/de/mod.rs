//! German. Customers are addressed with "Sie", as businesses do.

mod words;

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
    vocabulary: &words::VOCABULARY,
};
