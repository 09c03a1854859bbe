//! Lookups in the word tables, and what an unknown word may still mean: an inflected ordinal
//! or a typo of a long temporal word, in the message's language.

pub(super) use crate::languages::vocabulary::{Entry, Lex, Part};
use crate::languages::{ALL, Locale, vocabulary::Vocabulary};

pub(super) fn find<T: Copy>(table: &[Entry<T>], word: &str) -> Option<T> {
    table
        .binary_search_by(|e| e.0.cmp(word))
        .ok()
        .map(|i| table[i].1)
}

/// Typos rarely hit the first letter, and the second one is either right or
/// swapped with the third; checking that first keeps unknown words cheap.
fn plausible_typo(word: &[u8], target: &[u8]) -> bool {
    word.len() >= 3
        && target.len() >= 3
        && word[0] == target[0]
        && (word[1] == target[1] || (word[1] == target[2] && word[2] == target[1]))
        && target.len().abs_diff(word.len()) <= 2
}

fn fuzzy(word: &str, vocabulary: &Vocabulary) -> Lex {
    vocabulary
        .typo_targets
        .iter()
        .filter(|(t, _)| plausible_typo(word.as_bytes(), t.as_bytes()))
        .find(|(t, _)| {
            let limit = if t.len() >= 8 && word.len() >= 7 {
                2
            } else {
                1
            };
            super::matching::osa_distance(word, t, limit) <= limit
        })
        .map_or(Lex::None, |&(_, lex)| lex)
}

/// "zweiten", "segunda": an ordinal stem with one of its language's inflections.
fn inflected_ordinal(word: &str, vocabulary: &Vocabulary) -> Option<u8> {
    vocabulary.ordinal_inflections.iter().find_map(|ending| {
        let stem = word.strip_suffix(ending)?;
        vocabulary
            .ordinal_stems
            .iter()
            .find(|(s, _)| *s == stem)
            .map(|&(_, n)| n)
    })
}

/// The vocabularies to try for a message: its language's first, then the others (customers
/// mix in words of another language: "pm" in German).
fn vocabularies(lang: Option<Locale>) -> impl Iterator<Item = &'static Vocabulary> {
    let own = lang.map(|l| l.language());
    own.into_iter()
        .chain(ALL.into_iter().filter(move |l| Some(l.locale) != lang))
        .map(|l| l.vocabulary)
}

/// Meaning of a word missing from every table: an inflected ordinal or a typo of a long
/// temporal word. `may_fuzz` is false for likely names ("Morgan").
pub(super) fn derived(word: &str, may_fuzz: bool, lang: Option<Locale>) -> Lex {
    if let Some(n) = vocabularies(lang).find_map(|v| inflected_ordinal(word, v)) {
        return Lex::Ordinal(n);
    }
    if may_fuzz && word.len() >= 5 && word.is_ascii() {
        return vocabularies(lang)
            .map(|v| fuzzy(word, v))
            .find(|&lex| lex != Lex::None)
            .unwrap_or(Lex::None);
    }
    Lex::None
}

#[cfg(test)]
pub(super) fn assert_strictly_sorted<T>(table: &[Entry<T>]) {
    for pair in table.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{:?} / {:?}", pair[0].0, pair[1].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::vocabulary::Part as P;
    use Lex::{Morgen, Ordinal, Weekday};
    use P::{Afternoon, Morning};

    #[test]
    fn unknown_words_in_their_language() {
        let de = Some(Locale::De);
        let cases = [
            ("freitg", de, Weekday(4)),
            ("mogren", de, Morgen),
            ("nachmitag", de, Lex::Part(Afternoon)),
            ("zweiten", de, Ordinal(2)),
            ("ersten", None, Ordinal(1)),
            ("achten", de, Ordinal(8)),
            ("mornig", Some(Locale::En), Lex::Part(Morning)),
            ("fridy", None, Weekday(4)),
            ("haircut", None, Lex::None),
            ("sorgen", de, Lex::None),
        ];
        for (word, lang, want) in cases {
            assert_eq!(derived(word, true, lang), want, "{word}");
        }
    }
}
