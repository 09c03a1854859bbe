//! Everything known about a word, from every language's tables at once. Each language keeps
//! its tables where they read best (`crate::languages::*::words`); they are merged here at
//! compile time so that each token costs one binary search, and what a word means is then
//! read for the message's language.

use crate::languages::vocabulary::{Cue, Entry, Lex, Vocabulary, str_lt};
use crate::languages::{LANGUAGES, Locale, VOCABULARIES};

/// What one language's tables say about a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Reading {
    pub lex: Lex,
    pub cue: Cue,
    /// Negation-scope flags, see `scope`.
    pub flags: u8,
}

pub(super) const BLANK: Reading = Reading {
    lex: Lex::None,
    cue: Cue::None,
    flags: 0,
};

impl Reading {
    /// Each field from `self` where it says something, else from `other`.
    const fn or(self, other: Reading) -> Reading {
        Reading {
            lex: if matches!(self.lex, Lex::None) {
                other.lex
            } else {
                self.lex
            },
            cue: if matches!(self.cue, Cue::None) {
                other.cue
            } else {
                self.cue
            },
            flags: if self.flags == 0 {
                other.flags
            } else {
                self.flags
            },
        }
    }
}

/// A word's readings in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WordFacts {
    readings: [Reading; LANGUAGES],
    /// Every language's reading merged, the first language in `ALL` winning a field: what the
    /// word means when the message's language is unknown, or in a language that lacks the word
    /// ("pm" in a German message).
    any: Reading,
    /// The languages this word is evidence for, one bit per `Locale`.
    pub evidence: u8,
    /// Some language has an expression that starts with this word ("boxing" day).
    pub starts_expression: bool,
}

impl WordFacts {
    /// No table says anything of the word but that an expression starts with it.
    pub(super) fn only_starts_expression(&self) -> bool {
        self.any == BLANK && self.evidence == 0 && self.readings.iter().all(|r| *r == BLANK)
    }

    pub(super) fn reading(&self, lang: Option<Locale>) -> Reading {
        let own = lang.map_or(BLANK, |l| self.readings[l as usize]);
        let mut reading = own.or(self.any);
        // Abbreviations like "do", "so", "mi" are everyday words outside their own language.
        if matches!(reading.lex, Lex::WeekdayShort(_)) && reading.lex != own.lex {
            reading.lex = Lex::None;
        }
        reading
    }
}

const NOTHING: WordFacts = WordFacts {
    readings: [BLANK; LANGUAGES],
    any: BLANK,
    evidence: 0,
    starts_expression: false,
};

const fn str_eq(a: &str, b: &str) -> bool {
    !str_lt(a, b) && !str_lt(b, a)
}

/// Cursor into the five tables of every language during the merge.
type Heads = [[usize; 5]; LANGUAGES];

const fn head<T: Copy + 'static>(table: &[Entry<T>], at: usize) -> Option<&'static str> {
    if at < table.len() {
        Some(table[at].0)
    } else {
        None
    }
}

const fn heads_of(v: &Vocabulary, h: [usize; 5]) -> [Option<&'static str>; 5] {
    [
        head(v.words, h[0]),
        head(v.cues, h[1]),
        head(v.evidence, h[2]),
        head(v.scope, h[3]),
        head(v.expressions, h[4]),
    ]
}

/// The smallest word at the heads of the tables, if any remain.
const fn smallest(h: &Heads) -> Option<&'static str> {
    let mut best: Option<&'static str> = None;
    let mut l = 0;
    while l < LANGUAGES {
        let words = heads_of(VOCABULARIES[l], h[l]);
        let mut k = 0;
        while k < words.len() {
            if let Some(w) = words[k] {
                best = match best {
                    Some(b) if !str_lt(w, b) => Some(b),
                    _ => Some(w),
                };
            }
            k += 1;
        }
        l += 1;
    }
    best
}

/// Consumes every table row for `word`, collecting what they say.
const fn take(h: &mut Heads, word: &str) -> WordFacts {
    let mut facts = NOTHING;
    let mut l = 0;
    while l < LANGUAGES {
        let v = VOCABULARIES[l];
        let at = h[l];
        let mut reading = BLANK;
        if at[0] < v.words.len() && str_eq(v.words[at[0]].0, word) {
            reading.lex = v.words[at[0]].1;
            h[l][0] += 1;
        }
        if at[1] < v.cues.len() && str_eq(v.cues[at[1]].0, word) {
            reading.cue = v.cues[at[1]].1;
            h[l][1] += 1;
        }
        if at[2] < v.evidence.len() && str_eq(v.evidence[at[2]].0, word) {
            facts.evidence |= 1 << l;
            h[l][2] += 1;
        }
        if at[3] < v.scope.len() && str_eq(v.scope[at[3]].0, word) {
            reading.flags = v.scope[at[3]].1;
            h[l][3] += 1;
        }
        // Several expressions may start with one word: step over all of them.
        while h[l][4] < v.expressions.len() && str_eq(v.expressions[h[l][4]].0, word) {
            facts.starts_expression = true;
            h[l][4] += 1;
        }
        facts.readings[l] = reading;
        if v.lends_words {
            facts.any = facts.any.or(reading);
        }
        l += 1;
    }
    facts
}

const fn distinct_words() -> usize {
    let mut h = [[0; 5]; LANGUAGES];
    let mut n = 0;
    while let Some(w) = smallest(&h) {
        take(&mut h, w);
        n += 1;
    }
    n
}

const fn merged<const N: usize>() -> [Entry<WordFacts>; N] {
    let mut out = [("", NOTHING); N];
    let mut h = [[0; 5]; LANGUAGES];
    let mut n = 0;
    while let Some(w) = smallest(&h) {
        out[n] = (w, take(&mut h, w));
        n += 1;
    }
    out
}

static TABLE: [Entry<WordFacts>; distinct_words()] = merged();

pub(super) fn lookup(word: &str) -> Option<WordFacts> {
    super::lexicon::find(&TABLE, word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::ALL;

    #[test]
    fn every_language_table_is_sorted_without_duplicates() {
        use super::super::lexicon::assert_strictly_sorted;
        for language in ALL {
            let v = language.vocabulary;
            assert_strictly_sorted(v.words);
            assert_strictly_sorted(v.cues);
            assert_strictly_sorted(v.evidence);
            assert_strictly_sorted(v.scope);
            assert_strictly_sorted(v.concepts);
            assert_strictly_sorted(v.subjects);
            assert_strictly_sorted(v.gists);
        }
        assert_strictly_sorted(&TABLE);
    }

    #[test]
    fn a_word_is_read_in_the_messages_language_first() {
        let morgen = lookup("morgen").map(|f| f.reading(Some(Locale::De)));
        assert_eq!(morgen.map(|r| r.lex), Some(Lex::Morgen));
        let evidence = lookup("morgen").map_or(0, |f| f.evidence);
        assert_eq!(evidence, 1 << Locale::De as u8);
        assert_eq!(
            lookup("cancel").map(|f| f.reading(None).cue),
            Some(Cue::Cancel)
        );
        // A German message still reads the English "pm".
        assert_eq!(
            lookup("pm").map(|f| f.reading(Some(Locale::De)).lex),
            Some(Lex::Pm)
        );
        assert_eq!(lookup("zzz"), None);
    }
}
