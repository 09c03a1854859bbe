//! English/German detection by counting function words. Chat messages are too
//! short for n-gram statistics, but nearly every one carries a pronoun,
//! article, preposition or a domain word that only one language uses.

use super::Locale;
use super::lexicon::sorted_table;
use super::text::Text;

sorted_table!(pub(super) STOPWORDS: Locale = [
    // English
    ("i", Locale::En), ("id", Locale::En), ("ill", Locale::En), ("ive", Locale::En),
    ("you", Locale::En), ("your", Locale::En), ("we", Locale::En), ("my", Locale::En), ("me", Locale::En),
    ("the", Locale::En), ("is", Locale::En), ("are", Locale::En), ("be", Locale::En),
    ("to", Locale::En), ("for", Locale::En), ("on", Locale::En), ("at", Locale::En), ("it", Locale::En),
    ("its", Locale::En), ("and", Locale::En), ("can", Locale::En), ("could", Locale::En),
    ("would", Locale::En), ("please", Locale::En), ("pls", Locale::En), ("plz", Locale::En),
    ("have", Locale::En), ("need", Locale::En), ("want", Locale::En), ("like", Locale::En),
    ("get", Locale::En), ("there", Locale::En), ("any", Locale::En), ("anything", Locale::En),
    ("available", Locale::En), ("book", Locale::En), ("appointment", Locale::En), ("appt", Locale::En),
    ("tomorrow", Locale::En), ("today", Locale::En), ("tonight", Locale::En), ("tmrw", Locale::En),
    ("yes", Locale::En), ("yeah", Locale::En), ("yep", Locale::En), ("no", Locale::En), ("not", Locale::En),
    ("thanks", Locale::En), ("thank", Locale::En), ("hi", Locale::En), ("hello", Locale::En),
    ("what", Locale::En), ("when", Locale::En), ("how", Locale::En), ("with", Locale::En),
    ("this", Locale::En), ("that", Locale::En), ("next", Locale::En), ("week", Locale::En),
    ("morning", Locale::En), ("afternoon", Locale::En), ("evening", Locale::En), ("pm", Locale::En),
    ("of", Locale::En), ("half", Locale::En), ("past", Locale::En), ("quarter", Locale::En),
    ("do", Locale::En), ("does", Locale::En), ("dont", Locale::En), ("cant", Locale::En),
    ("monday", Locale::En), ("tuesday", Locale::En), ("wednesday", Locale::En),
    ("thursday", Locale::En), ("friday", Locale::En), ("saturday", Locale::En), ("sunday", Locale::En),
    ("march", Locale::En), ("may", Locale::En), ("haircut", Locale::En), ("cancel", Locale::En),
    ("sure", Locale::En), ("sounds", Locale::En), ("good", Locale::En), ("great", Locale::En),
    ("free", Locale::En), ("time", Locale::En), ("day", Locale::En), ("oclock", Locale::En),
    ("or", Locale::En), ("if", Locale::En),
    ("just", Locale::En), ("make", Locale::En), ("try", Locale::En), ("some", Locale::En),
    ("instead", Locale::En), ("actually", Locale::En), ("about", Locale::En), ("after", Locale::En),
    ("before", Locale::En), ("between", Locale::En), ("from", Locale::En), ("around", Locale::En),
    // German
    ("ich", Locale::De), ("du", Locale::De), ("wir", Locale::De), ("ihr", Locale::De), ("mir", Locale::De),
    ("mich", Locale::De), ("mein", Locale::De), ("meine", Locale::De), ("meinen", Locale::De),
    ("der", Locale::De), ("den", Locale::De), ("dem", Locale::De), ("das", Locale::De),
    ("ein", Locale::De), ("eine", Locale::De), ("einen", Locale::De), ("nen", Locale::De),
    ("und", Locale::De), ("ist", Locale::De), ("bin", Locale::De), ("habe", Locale::De),
    ("hab", Locale::De), ("hatte", Locale::De), ("hatt", Locale::De), ("gern", Locale::De),
    ("gerne", Locale::De), ("bitte", Locale::De), ("danke", Locale::De), ("morgen", Locale::De),
    ("heute", Locale::De), ("ubermorgen", Locale::De), ("uebermorgen", Locale::De), ("um", Locale::De),
    ("uhr", Locale::De), ("mit", Locale::De), ("fur", Locale::De), ("fuer", Locale::De),
    ("von", Locale::De), ("bis", Locale::De), ("zu", Locale::De), ("zum", Locale::De), ("auf", Locale::De),
    ("nicht", Locale::De), ("nein", Locale::De), ("ja", Locale::De), ("kann", Locale::De),
    ("konnte", Locale::De), ("mochte", Locale::De), ("moechte", Locale::De), ("termin", Locale::De),
    ("termine", Locale::De), ("hallo", Locale::De), ("moin", Locale::De), ("servus", Locale::De),
    ("wann", Locale::De), ("wie", Locale::De), ("geht", Locale::De), ("passt", Locale::De),
    ("auch", Locale::De), ("noch", Locale::De), ("mal", Locale::De), ("woche", Locale::De),
    ("nachste", Locale::De), ("nachsten", Locale::De), ("naechsten", Locale::De),
    ("kommenden", Locale::De), ("montag", Locale::De), ("dienstag", Locale::De),
    ("mittwoch", Locale::De), ("donnerstag", Locale::De), ("freitag", Locale::De),
    ("samstag", Locale::De), ("sonntag", Locale::De), ("marz", Locale::De), ("halb", Locale::De),
    ("viertel", Locale::De), ("vormittags", Locale::De), ("nachmittags", Locale::De),
    ("abends", Locale::De), ("vormittag", Locale::De), ("nachmittag", Locale::De),
    ("abend", Locale::De), ("absagen", Locale::De), ("verschieben", Locale::De),
    ("stornieren", Locale::De), ("haarschnitt", Locale::De), ("gegen", Locale::De),
    ("zwischen", Locale::De), ("ab", Locale::De), ("vor", Locale::De), ("nach", Locale::De),
    ("sind", Locale::De), ("habt", Locale::De), ("haben", Locale::De), ("oder", Locale::De),
    ("aber", Locale::De), ("lieber", Locale::De), ("schon", Locale::De), ("doch", Locale::De),
    ("kein", Locale::De), ("keine", Locale::De), ("leider", Locale::De), ("genau", Locale::De),
    ("frei", Locale::De), ("tag", Locale::De), ("guten", Locale::De), ("wegen", Locale::De),
    ("nee", Locale::De), ("jo", Locale::De), ("klar", Locale::De), ("hier", Locale::De),
    ("sie", Locale::De), ("euch", Locale::De), ("es", Locale::De), ("einer", Locale::De),
    ("stunde", Locale::De), ("minuten", Locale::De), ("uns", Locale::De), ("dich", Locale::De),
]);

pub(super) fn is_stopword(word: &str) -> bool {
    super::words::lookup(word).is_some_and(|facts| facts.lang.is_some())
}

fn has_german_letters(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, 'ä' | 'ö' | 'ü' | 'Ä' | 'Ö' | 'Ü' | 'ß'))
}

pub(super) fn detect(text: &Text) -> Option<Locale> {
    let (mut en, mut de) = (0u32, 0u32);
    for tok in &text.toks {
        match tok.lang {
            Some(Locale::En) => en += 1,
            Some(Locale::De) => de += 1,
            None => {}
        }
    }
    if has_german_letters(text.orig) {
        de += 2;
    }
    match en.cmp(&de) {
        std::cmp::Ordering::Greater => Some(Locale::En),
        std::cmp::Ordering::Less => Some(Locale::De),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::assert_strictly_sorted;
    use super::*;

    #[test]
    fn table_is_sorted_without_duplicates() {
        assert_strictly_sorted(&STOPWORDS);
    }

    #[test]
    fn detects() {
        let cases = [
            ("hi can i get a haircut tmrw around 3", Some(Locale::En)),
            ("hätt gern nen termin morgen", Some(Locale::De)),
            ("kann ich den termin auf freitag legen", Some(Locale::De)),
            ("Is Three pm available?", Some(Locale::En)),
            ("15:00", None),
            ("ok", None),
            ("", None),
            ("Färben", Some(Locale::De)),
        ];
        for (input, want) in cases {
            assert_eq!(detect(&Text::new(input)), want, "{input}");
        }
    }
}
