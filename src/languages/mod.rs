//! Everything that differs between the languages Chairside speaks lives here, one module per
//! language (`en`, `de`, `es`), each filling the same [`Language`] record: its names for days
//! and months, the words the understanding engine reads, and every text the chat, the emails,
//! the calendar files and the pages write. The engines that use these records know no language;
//! adding one is adding its module and its line in [`Locale`] and [`ALL`] below, with its
//! labelled corpus in `tests/data/` (README, "Adding a language").

pub mod dates;
mod de;
mod en;
mod es;
pub mod mail;
pub mod pages;
pub mod phrases;
pub mod replies;
pub mod vocabulary;

use crate::domain::ValidationError;
use dates::DateFormats;
use mail::MailTexts;
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
    /// For short dates: "Fri", "Mar".
    pub weekdays_short: [&'static str; 7],
    pub months_short: [&'static str; 12],
    pub dates: DateFormats,
    /// What the chat writes.
    pub buttons: Buttons,
    pub replies: Replies,
    /// What the emails and calendar files about a booking write.
    pub mail: MailTexts,
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

    /// "Friday" / "Freitag" / "viernes".
    pub fn weekday_name(self, day: chrono::Weekday) -> &'static str {
        self.language().weekdays[day.num_days_from_monday() as usize]
    }

    /// "March" / "März" / "marzo", for a month counted from 0.
    pub fn month_name(self, month0: u32) -> &'static str {
        self.language().months[(month0 % 12) as usize]
    }
}

#[cfg(test)]
mod tests {
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
}
