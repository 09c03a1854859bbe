//! Everything that differs between the languages Chairside speaks lives here, one module per
//! language (`en`, `de`, `es`), each filling the same [`Language`] record: its names for days
//! and months, the words the understanding engine reads, and every text the chat, the emails,
//! the calendar files and the pages write. The engines that use these records know no language;
//! adding one is adding its module and its line in [`Locale`] and [`ALL`] below, with its
//! labelled corpus in `tests/data/` (README, "Adding a language").

pub mod care;
pub mod dates;
mod de;
mod en;
mod es;
pub mod mail;
pub mod menus;
pub mod pages;
pub mod phrases;
pub mod replies;
pub mod vocabulary;

use crate::domain::ValidationError;
use care::CareTexts;
use dates::DateFormats;
use mail::MailTexts;
use menus::Menus;
use pages::PageTexts;
use replies::{Buttons, Replies};
use vocabulary::Vocabulary;

/// A language Chairside speaks to customers, by its ISO 639-1 code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Es,
}

/// Every language, in the order of [`Locale`]'s variants.
pub const ALL: [&Language; 3] = [&en::LANGUAGE, &de::LANGUAGE, &es::LANGUAGE];

pub const LANGUAGES: usize = ALL.len();

/// Every language's vocabulary, for tables merged at compile time.
pub const VOCABULARIES: [&Vocabulary; LANGUAGES] = {
    let mut out = [ALL[0].vocabulary; LANGUAGES];
    let mut i = 1;
    while i < LANGUAGES {
        out[i] = ALL[i].vocabulary;
        i += 1;
    }
    out
};

/// One language's record.
#[derive(Debug)]
pub struct Language {
    pub locale: Locale,
    /// ISO 639-1 code, as stored and sent: "es".
    pub code: &'static str,
    /// The language's own name for itself, for choosers: "Español".
    pub name: &'static str,
    /// Other ways platforms, browsers and people name it ("spa", "spanish", "espanol"), lower case.
    pub aliases: &'static [&'static str],
    /// Monday first.
    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
    /// Every such weekday, as in "doesn't work on Mondays": "Mondays", "montags", "los lunes".
    pub weekdays_plural: [&'static str; 7],
    /// For short dates: "Fri", "Mar".
    pub weekdays_short: [&'static str; 7],
    pub months_short: [&'static str; 12],
    pub dates: DateFormats,
    /// What the chat writes.
    pub buttons: Buttons,
    pub replies: Replies,
    /// What the chat answers to questions about the business.
    pub care: CareTexts,
    /// What the emails and calendar files about a booking write.
    pub mail: MailTexts,
    /// What the messaging platforms show before the first message: greetings, menus, commands.
    pub menus: Menus,
    /// What the customer pages show.
    pub pages: PageTexts,
    /// How the understanding engine reads this language.
    pub vocabulary: &'static Vocabulary,
}

impl Locale {
    pub fn language(self) -> &'static Language {
        ALL[self as usize]
    }

    pub fn all() -> impl Iterator<Item = Locale> {
        ALL.iter().map(|language| language.locale)
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::all()
            .find(|locale| locale.as_str() == wanted)
            .ok_or_else(|| {
                let codes: Vec<String> = ALL.iter().map(|l| format!("{:?}", l.code)).collect();
                ValidationError::new(
                    field,
                    format!("{raw:?} is not supported; use one of {}", codes.join(", ")),
                )
            })
    }

    /// Reads a language tag leniently, as platforms and browsers send them: "en", "DE",
    /// "de-AT", "en_GB", "english", "deutsch", "es-419".
    pub fn from_tag(tag: &str) -> Option<Self> {
        let head = tag.trim().split(['-', '_']).next()?.to_lowercase();
        ALL.iter()
            .find(|l| l.code == head || l.aliases.contains(&head.as_str()))
            .map(|l| l.locale)
    }

    /// The language a browser prefers among those Chairside speaks, from its `Accept-Language`
    /// header ("es-ES,es;q=0.9,en;q=0.8"), by quality and then by order.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let quality = match parts.find_map(|p| p.trim().strip_prefix("q=")) {
                    Some(q) => q.trim().parse::<f32>().ok()?,
                    None => 1.0,
                };
                (quality > 0.0).then_some((quality, tag))
            })
            .collect();
        // Stable: tags of equal quality keep the browser's order.
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        tags.into_iter().find_map(|(_, tag)| Self::from_tag(tag))
    }

    pub fn as_str(self) -> &'static str {
        self.language().code
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{NaiveDate, NaiveTime};

    use super::phrases::{fill, placeholders};
    use super::*;

    #[test]
    fn every_record_sits_at_its_locales_place() {
        for (i, language) in ALL.iter().enumerate() {
            assert_eq!(language.locale as usize, i, "{}", language.code);
            assert_eq!(Locale::from_tag(language.code), Some(language.locale));
            assert_eq!(
                Locale::parse("locale", language.code).ok(),
                Some(language.locale)
            );
        }
    }

    #[test]
    fn reads_tags_as_platforms_send_them() {
        let cases = [
            ("en", Some(Locale::En)),
            ("DE", Some(Locale::De)),
            ("de-AT", Some(Locale::De)),
            ("en_GB", Some(Locale::En)),
            ("english", Some(Locale::En)),
            ("es-419", Some(Locale::Es)),
            ("Español", Some(Locale::Es)),
            ("fr", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(Locale::from_tag(input), want, "{input}");
        }
        assert!(Locale::parse("locale", "fr").is_err());
    }

    #[test]
    fn reads_the_language_a_browser_prefers() {
        let cases = [
            ("es-ES,es;q=0.9,en;q=0.8", Some(Locale::Es)),
            ("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7", Some(Locale::De)),
            ("en;q=0.5, de", Some(Locale::De)),
            ("de;q=0, en", Some(Locale::En)),
            ("fr, *;q=0.1", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(Locale::from_accept_language(header), want, "{header}");
        }
    }

    /// Every phrase of every language's chat, button, mail and menu records names exactly the
    /// placeholders its field declares, and reads as a whole sentence once they are filled.
    #[test]
    fn every_phrase_of_every_language_fills_exactly_its_placeholders() {
        let mut failures = Vec::new();
        for language in ALL {
            let records = [
                ("buttons", language.buttons.phrases()),
                ("replies", language.replies.phrases()),
                ("care", language.care.phrases()),
                ("mail", language.mail.phrases()),
                ("menus", language.menus.phrases()),
            ];
            for (record, phrases) in records {
                for phrase in phrases {
                    let at = format!("{}: {record}.{}", language.code, phrase.name);
                    let named: BTreeSet<&str> = placeholders(phrase.template).into_iter().collect();
                    let declared: BTreeSet<&str> = phrase.placeholders.iter().copied().collect();
                    if named != declared {
                        failures.push(format!("{at} names {named:?}, must name {declared:?}"));
                    }
                    let values: Vec<(&str, String)> = phrase
                        .placeholders
                        .iter()
                        .map(|name| (*name, format!("<{name}>")))
                        .collect();
                    let values: Vec<(&str, &str)> =
                        values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let filled = fill(phrase.template, &values);
                    if filled.trim().is_empty() || filled.contains(['{', '}']) {
                        failures.push(format!("{at} reads {filled:?}"));
                    }
                    if record == "buttons" && filled.chars().count() > 20 {
                        failures.push(format!("{at} is longer than a button: {filled:?}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_page_text_of_every_language_is_written() {
        fn strings<'a>(at: &str, value: &'a serde_json::Value, out: &mut Vec<(String, &'a str)>) {
            match value {
                serde_json::Value::String(text) => out.push((at.to_owned(), text)),
                serde_json::Value::Object(fields) => {
                    for (name, field) in fields {
                        strings(&format!("{at}.{name}"), field, out);
                    }
                }
                other => out.push((at.to_owned(), if other.is_null() { "" } else { "?" })),
            }
        }
        for language in ALL {
            let json = serde_json::to_value(&language.pages).expect("page texts serialize");
            let mut found = Vec::new();
            strings(language.code, &json, &mut found);
            assert!(found.len() > 30, "{}: {found:?}", language.code);
            for (at, text) in found {
                assert!(
                    !text.trim().is_empty() && !text.contains(['{', '}']),
                    "{at}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn every_language_writes_dates_and_times_with_its_own_names() {
        let friday = NaiveDate::from_ymd_opt(2025, 3, 14).expect("a date");
        let expected = [
            (
                Locale::En,
                "Fri 14 Mar",
                "Friday 14 March",
                "Friday, 14 March 2025",
            ),
            (
                Locale::De,
                "Fr 14.03.",
                "Freitag, 14. März",
                "Freitag, 14. März 2025",
            ),
            (
                Locale::Es,
                "vie 14/03",
                "viernes 14 de marzo",
                "viernes, 14 de marzo de 2025",
            ),
        ];
        for (locale, short, long, with_year) in expected {
            let language = locale.language();
            assert_eq!(language.short_date(friday), short);
            assert_eq!(language.long_date(friday), long);
            assert_eq!(language.long_date_with_year(friday), with_year);
        }
        let wednesday = NaiveDate::from_ymd_opt(2025, 9, 3).expect("a date");
        assert_eq!(Locale::Es.language().short_date(wednesday), "mié 03/09");
        assert_eq!(
            Locale::Es.language().long_date(wednesday),
            "miércoles 3 de septiembre"
        );
        assert_eq!(Locale::En.language().short_date(wednesday), "Wed 3 Sep");

        let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time");
        let clocks = [
            (Locale::En, "Europe/London", time(15, 30), "15:30"),
            (Locale::En, "America/New_York", time(15, 30), "3:30 pm"),
            (Locale::En, "America/New_York", time(15, 0), "3 pm"),
            (Locale::En, "America/Chicago", time(0, 5), "12:05 am"),
            (Locale::De, "America/New_York", time(9, 5), "09:05"),
            (Locale::Es, "America/Mexico_City", time(15, 30), "15:30"),
            (Locale::Es, "Europe/Madrid", time(9, 0), "09:00"),
        ];
        for (locale, zone, at, want) in clocks {
            assert_eq!(
                locale.language().time_of_day(at, zone),
                want,
                "{locale:?} {zone}"
            );
        }
    }

    /// A new language's patterns name only placeholders the date functions fill.
    #[test]
    fn every_date_pattern_of_every_language_is_filled() {
        let date = NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date");
        for language in ALL {
            let dates = &language.dates;
            let mut written = vec![
                language.short_date(date),
                language.long_date(date),
                language.long_date_with_year(date),
            ];
            for (hour, minute) in [(0, 0), (9, 5), (12, 0), (23, 59)] {
                let at = NaiveTime::from_hms_opt(hour, minute, 0).expect("a time");
                written.push(language.time_of_day(at, "Europe/Paris"));
                if let Some(clock) = &dates.twelve_hour {
                    for zone in clock.zones {
                        written.push(language.time_of_day(at, &format!("{zone}X")));
                    }
                }
            }
            for pattern in [dates.date_at_time, dates.slot] {
                let named: BTreeSet<&str> = placeholders(pattern).into_iter().collect();
                assert_eq!(
                    named,
                    BTreeSet::from(["date", "time"]),
                    "{}: {pattern}",
                    language.code
                );
            }
            for text in written {
                assert!(
                    !text.trim().is_empty() && !text.contains(['{', '}']),
                    "{}: {text:?}",
                    language.code
                );
            }
        }
    }
}
