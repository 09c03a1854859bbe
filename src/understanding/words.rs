//! Everything known about a word, from all tables at once. The per-topic
//! tables (temporal words, intent cues, language hints, negation scope) stay
//! where they are read best; they are merged here at compile time so that
//! each token costs one binary search.

use super::Locale;
use super::intent::{CUES, Cue};
use super::language::STOPWORDS;
use super::lexicon::{Entry, Lex, WORDS, str_lt};
use super::scope::FLAG_WORDS;

/// What the tables say about one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WordFacts {
    pub lex: Lex,
    pub cue: Cue,
    /// The language this word is evidence for.
    pub lang: Option<Locale>,
    /// Negation-scope flags, see `scope`.
    pub flags: u8,
}

const BLANK: WordFacts = WordFacts {
    lex: Lex::None,
    cue: Cue::None,
    lang: None,
    flags: 0,
};

const fn str_eq(a: &str, b: &str) -> bool {
    !str_lt(a, b) && !str_lt(b, a)
}

/// Cursor over the four sorted tables during the merge.
#[derive(Clone, Copy)]
struct Heads {
    lex: usize,
    cue: usize,
    lang: usize,
    flags: usize,
}

/// The smallest word at the heads of the tables, if any remain.
const fn smallest(h: Heads) -> Option<&'static str> {
    let mut best: Option<&'static str> = None;
    let heads = [
        if h.lex < WORDS.len() {
            Some(WORDS[h.lex].0)
        } else {
            None
        },
        if h.cue < CUES.len() {
            Some(CUES[h.cue].0)
        } else {
            None
        },
        if h.lang < STOPWORDS.len() {
            Some(STOPWORDS[h.lang].0)
        } else {
            None
        },
        if h.flags < FLAG_WORDS.len() {
            Some(FLAG_WORDS[h.flags].0)
        } else {
            None
        },
    ];
    let mut k = 0;
    while k < heads.len() {
        if let Some(w) = heads[k] {
            best = match best {
                Some(b) if !str_lt(w, b) => Some(b),
                _ => Some(w),
            };
        }
        k += 1;
    }
    best
}

/// Consumes every table row for `word`, collecting what they say.
const fn take(mut h: Heads, word: &str) -> (Heads, WordFacts) {
    let mut facts = BLANK;
    if h.lex < WORDS.len() && str_eq(WORDS[h.lex].0, word) {
        facts.lex = WORDS[h.lex].1;
        h.lex += 1;
    }
    if h.cue < CUES.len() && str_eq(CUES[h.cue].0, word) {
        facts.cue = CUES[h.cue].1;
        h.cue += 1;
    }
    if h.lang < STOPWORDS.len() && str_eq(STOPWORDS[h.lang].0, word) {
        facts.lang = Some(STOPWORDS[h.lang].1);
        h.lang += 1;
    }
    if h.flags < FLAG_WORDS.len() && str_eq(FLAG_WORDS[h.flags].0, word) {
        facts.flags = FLAG_WORDS[h.flags].1;
        h.flags += 1;
    }
    (h, facts)
}

const START: Heads = Heads {
    lex: 0,
    cue: 0,
    lang: 0,
    flags: 0,
};

const fn distinct_words() -> usize {
    let mut h = START;
    let mut n = 0;
    while let Some(w) = smallest(h) {
        h = take(h, w).0;
        n += 1;
    }
    n
}

const fn merged<const N: usize>() -> [Entry<WordFacts>; N] {
    let mut out = [("", BLANK); N];
    let mut h = START;
    let mut n = 0;
    while let Some(w) = smallest(h) {
        let (next, facts) = take(h, w);
        out[n] = (w, facts);
        h = next;
        n += 1;
    }
    out
}

static TABLE: [Entry<WordFacts>; distinct_words()] = merged();

pub(super) fn lookup(word: &str) -> Option<WordFacts> {
    super::lexicon::find(&TABLE, word)
}

/// Facts about any word: from the table, or derived for unknown words.
pub(super) fn classify(word: &str, may_fuzz: bool) -> WordFacts {
    lookup(word).unwrap_or(WordFacts {
        lex: super::lexicon::derived(word, may_fuzz),
        ..BLANK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_table_is_sorted_and_complete() {
        super::super::lexicon::assert_strictly_sorted(&TABLE);
        assert!(TABLE.len() >= WORDS.len().max(CUES.len()));
        let morgen = lookup("morgen").unwrap_or(BLANK);
        assert_eq!(morgen.lex, Lex::Morgen);
        assert_eq!(morgen.lang, Some(Locale::De));
        assert_eq!(lookup("cancel").map(|f| f.cue), Some(Cue::Cancel));
        assert_eq!(lookup("zzz"), None);
    }
}
