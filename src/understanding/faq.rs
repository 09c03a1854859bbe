//! A business's own questions and answers, matched by meaning rather than by string: the
//! owner writes a few ways a question is asked, and a customer's differently worded question
//! ("do u take card" for "Can I pay by card?") finds the entry.
//!
//! Words are folded and reduced to a stem (one common ending cut off), and the words every
//! language uses to build sentences (its evidence words) are dropped. A word of the message
//! meets a word of an example when their stems are equal, one typo apart (for words of five
//! letters or more), or one is the start of the other (German compounds: "Parkplätze" and
//! "parken"). Rare words weigh more than common ones. An entry's score is the best share of
//! one of its examples' weight that the message covers.

use std::collections::HashMap;

use super::intent::Cue;
use super::lexicon::Lex;
use super::matching::osa_distance;
use super::text::{Kind, Text, Token};
use crate::languages::ALL;
use crate::languages::vocabulary::Gist;

/// One entry as the owner wrote it: an id and example questions in any language. The JSON
/// shape `{"id": "parking", "examples": ["Is there parking?"]}` is what `chairside understand`
/// and the care corpora's fixture read.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct FaqExamples {
    pub id: String,
    pub examples: Vec<String>,
}

/// The entries of one business, prepared once for many messages.
#[derive(Debug, Default, Clone)]
pub struct FaqIndex {
    ids: Vec<String>,
    examples: Vec<Example>,
    /// Per stem (by its number in `exact`), the examples that hold it, as (example, weight).
    postings: Vec<Vec<(u32, f32)>>,
    /// Every stem, numbered in the order first met.
    exact: HashMap<String, u32>,
    /// Every stem with one letter left out, for typos.
    deletions: HashMap<String, Vec<u32>>,
    /// Every start of a stem of four letters or more, for compounds.
    prefixes: HashMap<String, Vec<u32>>,
}

#[derive(Debug, Clone)]
struct Example {
    entry: u32,
    weight: f32,
}

/// How well a message matches an entry.
#[derive(Clone, Debug, PartialEq)]
pub struct FaqMatch {
    pub id: String,
    pub score: f32,
}

/// Below this share of an example's weight, a match is a coincidence of words.
const THRESHOLD: f32 = 0.55;
/// From this share on, an entry wins over a topic the business's data would answer: the owner
/// wrote this very question.
pub(super) const STRONG: f32 = 0.6;
/// From this share on, an entry wins even over a day or a staff member named with it.
pub(super) const DECISIVE: f32 = 0.8;

const ENDINGS: [&str; 22] = [
    "amiento", "imiento", "aciones", "ciones", "ungen", "mente", "acion", "cion", "ung", "ing",
    "es", "en", "er", "ed", "ar", "ir", "os", "as", "e", "s", "a", "o",
];

/// The word with one common ending cut off, keeping at least four letters.
fn stem(word: &str) -> &str {
    ENDINGS
        .iter()
        .filter(|e| word.len() >= e.len() + 4 && word.ends_with(*e))
        .map(|e| &word[..word.len() - e.len()])
        .next()
        .unwrap_or(word)
}

/// The words of a message that carry its meaning, as keys to match on with their weight: no
/// sentence-building words, no numbers. A word of a known gist stands for its gist, which
/// weighs double ("amex" and "Karte" are both `#payment`, and mean more than a word in common).
pub(super) fn keys<'t>(text: &'t Text) -> Vec<(&'t str, f32)> {
    let mut keys = Vec::new();
    for i in 0..text.len() {
        let Some(token) = text.live(i).filter(|t| t.kind == Kind::Word) else {
            continue;
        };
        let word = text.word(i);
        if let Some(gist) = gist_of(text, i) {
            keys.push((gist.key(), 2.0));
        } else if meaningful(token) && word.len() >= 4 {
            keys.push((stem(word), 1.0));
        }
    }
    // A gift card is a voucher, not a way to pay.
    if keys.iter().any(|(k, _)| *k == Gist::Gift.key()) {
        keys.retain(|(k, _)| *k != Gist::Payment.key());
    }
    keys
}

fn meaningful(token: &Token) -> bool {
    match token.cue {
        Cue::None => token.lex == Lex::None && token.evidence == 0,
        cue => MEANINGFUL_CUES.contains(&cue),
    }
}

/// Cues of words that say what a question is about, not how it is built.
const MEANINGFUL_CUES: [Cue; 8] = [
    Cue::Appointment,
    Cue::Appointments,
    Cue::Book,
    Cue::Booked,
    Cue::Come,
    Cue::Take,
    Cue::Cancel,
    Cue::Free,
];

/// A gist whose word differs from `word` by one letter too many or too few ("termien",
/// "mitbrngen"), for words of five letters or more.
fn one_letter_off(word: &str) -> Option<Gist> {
    // Lengths one apart and one edit apart: exactly one letter in or out.
    ALL.iter()
        .flat_map(|l| l.vocabulary.gists.iter())
        .find(|(key, _)| {
            key.len() >= 5 && key.len().abs_diff(word.len()) == 1 && osa_distance(word, key, 1) <= 1
        })
        .map(|(_, gist)| *gist)
}

/// The gist of a token: a row of any language's table that is the word; for a word no table
/// knows otherwise, also one a letter off ("mitbrngen"), or one that starts or ends it (German
/// compounds: "Parkhaus", "Geschenkgutschein").
fn gist_of(text: &Text, i: usize) -> Option<Gist> {
    let word = text.word(i);
    let exact = |w: &str| {
        ALL.iter().find_map(|l| {
            let table = l.vocabulary.gists;
            table
                .binary_search_by(|(key, _)| key.cmp(&w))
                .ok()
                .map(|j| table[j].1)
        })
    };
    if let Some(gist) = exact(word) {
        return Some(gist);
    }
    let unknown = text
        .live(i)
        .is_some_and(|t| t.cue == Cue::None && t.lex == Lex::None && t.evidence == 0);
    if !unknown || !word.is_ascii() || word.len() < 5 {
        return None;
    }
    if let Some(gist) = one_letter_off(word) {
        return Some(gist);
    }
    // Longest first, so "karten" in "kreditkarten" wins over a shorter row; a row ends only a
    // compound, which is long.
    let head = &word[..4];
    let some_row_starts_so = ALL.iter().any(|l| {
        let table = l.vocabulary.gists;
        let at = table.partition_point(|(key, _)| *key < head);
        table.get(at).is_some_and(|(key, _)| key.starts_with(head))
    });
    let starts = (4..word.len())
        .rev()
        .filter(|_| some_row_starts_so)
        .map(|len| &word[..len]);
    let ends = (1..=word.len() - 4)
        .filter(|_| word.len() >= 7)
        .map(|start| &word[start..]);
    starts.chain(ends).find_map(exact)
}

/// Calls `visit` with `stem` less each of its letters in turn, in one reused buffer.
fn each_deletion(stem: &str, mut visit: impl FnMut(&str)) {
    let mut buffer = String::with_capacity(stem.len());
    for (at, c) in stem.char_indices() {
        buffer.clear();
        buffer.push_str(&stem[..at]);
        buffer.push_str(&stem[at + c.len_utf8()..]);
        visit(&buffer);
    }
}

impl FaqIndex {
    pub fn new(entries: &[FaqExamples]) -> FaqIndex {
        let mut index = FaqIndex::default();
        let mut example_stems: Vec<Vec<(u32, f32)>> = Vec::new();
        for (e, entry) in entries.iter().enumerate() {
            index.ids.push(entry.id.clone());
            for example in &entry.examples {
                let text = Text::new(example.as_str());
                let mut stems: Vec<(u32, f32)> = keys(&text)
                    .into_iter()
                    .map(|(key, factor)| (index.intern(key), factor))
                    .collect();
                stems.sort_by_key(|s| s.0);
                stems.dedup_by_key(|s| s.0);
                if stems.is_empty() {
                    continue;
                }
                index.examples.push(Example {
                    entry: e as u32,
                    weight: 0.0,
                });
                example_stems.push(stems);
            }
        }
        // A stem in many entries says little about which one is asked.
        let mut entries_of: Vec<Vec<u32>> = vec![Vec::new(); index.exact.len()];
        for (x, stems) in example_stems.iter().enumerate() {
            for &(s, _) in stems {
                let entry = index.examples[x].entry;
                if !entries_of[s as usize].contains(&entry) {
                    entries_of[s as usize].push(entry);
                }
            }
        }
        let total = entries.len().max(1) as f32;
        let idf: Vec<f32> = entries_of
            .iter()
            .map(|e| (1.0 + total / e.len().max(1) as f32).ln())
            .collect();
        index.postings = vec![Vec::new(); index.exact.len()];
        for (x, stems) in example_stems.iter().enumerate() {
            for &(s, factor) in stems {
                let weight = idf[s as usize] * factor;
                index.postings[s as usize].push((x as u32, weight));
                index.examples[x].weight += weight;
            }
        }
        index
    }

    fn intern(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.exact.get(stem) {
            return id;
        }
        let id = self.exact.len() as u32;
        self.exact.insert(stem.to_owned(), id);
        if stem.starts_with('#') {
            return id;
        }
        if stem.chars().count() >= 5 {
            let deletions = &mut self.deletions;
            each_deletion(stem, |d| {
                deletions.entry(d.to_owned()).or_default().push(id)
            });
        }
        let ends: Vec<usize> = stem.char_indices().map(|(at, _)| at).skip(4).collect();
        for end in ends {
            self.prefixes
                .entry(stem[..end].to_owned())
                .or_default()
                .push(id);
        }
        id
    }

    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }

    /// The stems of the index a message word meets, with how closely.
    fn meet(&self, stem: &str, out: &mut Vec<(u32, f32)>) {
        if let Some(&id) = self.exact.get(stem) {
            out.push((id, 1.0));
            return;
        }
        if stem.starts_with('#') {
            return;
        }
        if stem.chars().count() >= 5 {
            if let Some(ids) = self.deletions.get(stem) {
                out.extend(ids.iter().map(|&id| (id, 0.8)));
            }
            each_deletion(stem, |d| {
                if let Some(&id) = self.exact.get(d) {
                    out.push((id, 0.8));
                }
                if let Some(ids) = self.deletions.get(d) {
                    out.extend(ids.iter().map(|&id| (id, 0.8)));
                }
            });
        }
        if stem.chars().count() >= 4 {
            if let Some(ids) = self.prefixes.get(stem) {
                out.extend(ids.iter().map(|&id| (id, 0.7)));
            }
            for (end, _) in stem.char_indices().skip(4) {
                if let Some(&id) = self.exact.get(&stem[..end]) {
                    out.push((id, 0.7));
                }
            }
        }
    }

    /// The best entry for a message's [`keys`], if it is more than a coincidence of words.
    pub(super) fn best(&self, keys: &[(&str, f32)]) -> Option<FaqMatch> {
        if self.is_empty() {
            return None;
        }
        let mut met: Vec<(u32, f32)> = Vec::new();
        for &(key, _) in keys {
            self.meet(key, &mut met);
        }
        if met.is_empty() {
            return None;
        }
        // Each stem counts once, at its closest meeting.
        met.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        met.dedup_by_key(|m| m.0);
        let mut covered = vec![0f32; self.examples.len()];
        for (stem, closeness) in met {
            for &(x, weight) in &self.postings[stem as usize] {
                covered[x as usize] += weight * closeness;
            }
        }
        covered
            .iter()
            .zip(&self.examples)
            .map(|(c, x)| (c / x.weight.max(f32::EPSILON), x.entry))
            .filter(|(score, _)| *score >= THRESHOLD)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(score, entry)| FaqMatch {
                id: self.ids[entry as usize].clone(),
                score,
            })
    }
}
