//! Fuzzy matching of the business's own service and staff names. Customers
//! misspell ("hiarcut"), inflect ("haircuts", "färbn"), split or shorten German
//! compounds ("haarschnitt" for "Herrenhaarschnitt") and use generic words
//! ("schneiden", "cut") for a service whose name they have never seen.

use super::lexicon::{Lex, find};
use super::text::{Kind, Text};
use super::{ServiceName, StaffName};
use crate::languages::vocabulary::{Concept, Entry, Vocabulary, sorted};
use crate::languages::{LANGUAGES, VOCABULARIES};

const MAX_WORD: usize = 40;

/// Optimal-string-alignment distance (edits plus adjacent swaps), giving up
/// early once every path exceeds `limit`, so a hopeless pair costs a few rows.
pub(super) fn osa_distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    if a.len() >= MAX_WORD || b.len() >= MAX_WORD {
        return if a == b { 0 } else { limit + 1 };
    }
    let mut before = [0u8; MAX_WORD + 1];
    let mut prev = [0u8; MAX_WORD + 1];
    let mut cur = [0u8; MAX_WORD + 1];
    for (j, cell) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        cur[0] = i as u8;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if usize::from(row_min) > limit {
            return limit + 1;
        }
        before = prev;
        prev = cur;
    }
    usize::from(prev[b.len()]).min(limit + 1)
}

fn typo_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
}

/// Light stemming for plurals and German endings: enough to make "haircuts",
/// "farbe"/"farben" and "cuts" meet their base form.
fn stem(w: &str) -> &str {
    if w.len() <= 4 {
        return w;
    }
    for ending in ["es", "en", "s", "e", "n"] {
        if let Some(s) = w.strip_suffix(ending)
            && s.len() >= 4
        {
            return s;
        }
    }
    w
}

/// Every language's service concepts in one table, sorted at compile time.
static CONCEPTS: [Entry<Concept>; CONCEPT_ROWS] = sorted(all_concepts());
const CONCEPT_ROWS: usize = row_count(true);

/// Every language's label fillers in one table, sorted at compile time.
static FILLERS: [Entry<()>; FILLER_ROWS] = sorted(all_fillers());
const FILLER_ROWS: usize = row_count(false);

/// How many concept rows (or filler words) all languages have together.
const fn row_count(concepts: bool) -> usize {
    let mut n = 0;
    let mut l = 0;
    while l < LANGUAGES {
        let v: &Vocabulary = VOCABULARIES[l];
        n += if concepts {
            v.concepts.len()
        } else {
            v.label_fillers.len()
        };
        l += 1;
    }
    n
}

const fn all_concepts<const N: usize>() -> [Entry<Concept>; N] {
    let mut out = [("", Concept::Haircut); N];
    let (mut n, mut l) = (0, 0);
    while l < LANGUAGES {
        let rows = VOCABULARIES[l].concepts;
        let mut k = 0;
        while k < rows.len() {
            out[n] = rows[k];
            n += 1;
            k += 1;
        }
        l += 1;
    }
    out
}

const fn all_fillers<const N: usize>() -> [Entry<()>; N] {
    let mut out = [("", ()); N];
    let (mut n, mut l) = (0, 0);
    while l < LANGUAGES {
        let words = VOCABULARIES[l].label_fillers;
        let mut k = 0;
        while k < words.len() {
            out[n] = (words[k], ());
            n += 1;
            k += 1;
        }
        l += 1;
    }
    out
}

/// The kind of service a word names in any language ("schneiden", "cut", "corte").
fn concept_of(word: &str) -> Option<Concept> {
    find(&CONCEPTS, word)
}

fn concept_members(c: Concept) -> impl Iterator<Item = &'static str> {
    CONCEPTS
        .iter()
        .filter(move |(_, k)| *k == c)
        .map(|(w, _)| *w)
}

/// Words in a service label that carry no meaning of their own, in any language.
fn is_filler(w: &str) -> bool {
    find(&FILLERS, w).is_some()
}

// How sure a message word names a label word.
const EXACT: f32 = 1.0;
const CONTAINS_LABEL: f32 = 0.9;
const TYPO: f32 = 0.8;
const PART_OF_COMPOUND: f32 = 0.8;
const MISSPELT_PART: f32 = 0.7;
const SAME_CONCEPT: f32 = 0.6;
/// Cost of a label word the message does not mention: less than the gap
/// between an exact and a concept match, so "beard" picks "Beard Trim" over
/// "Bartpflege".
const MISSING_WORD: f32 = 0.3;
/// A label must be matched at least this well overall.
const MIN_QUALITY: f32 = 0.5;

/// A message word with what is needed to compare it against many labels.
struct MsgWord<'t> {
    text: &'t str,
    concept: Option<Concept>,
}

impl<'t> MsgWord<'t> {
    fn new(text: &'t str) -> Self {
        let concept = concept_of(text).or_else(|| concept_of(stem(text)));
        MsgWord { text, concept }
    }
}

fn word_similarity(msg: &MsgWord, label_word: &str) -> f32 {
    let m = msg.text;
    let (ml, ll) = (m.len(), label_word.len());
    if stem(m) == stem(label_word) {
        return EXACT;
    }
    let budget = typo_budget(ll.min(ml));
    if budget > 0 && same_start(m, label_word) && osa_distance(m, label_word, budget) <= budget {
        return TYPO;
    }
    if ll >= 4 && ml > ll && m.contains(label_word) {
        return CONTAINS_LABEL;
    }
    if ml >= 4 && ll > ml {
        if label_word.starts_with(m) || label_word.ends_with(m) {
            return PART_OF_COMPOUND;
        }
        if ml >= 5 && (compound_typo(m, label_word) || shortened_compound(m, label_word)) {
            return MISSPELT_PART;
        }
    }
    let related = msg
        .concept
        .is_some_and(|c| concept_members(c).any(|w| w.len() >= 3 && label_word.contains(w)));
    if related { SAME_CONCEPT } else { 0.0 }
}

/// A compound with a middle part left out: "Herrenschnitt" for
/// "Herrenhaarschnitt", "Damenschnitt" for "Damenhaarschnitt".
fn shortened_compound(msg: &str, label_word: &str) -> bool {
    let (m, l) = (msg.as_bytes(), label_word.as_bytes());
    let prefix = m.iter().zip(l).take_while(|(a, b)| a == b).count();
    let suffix = m
        .iter()
        .rev()
        .zip(l.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    prefix >= 3 && suffix >= 3 && prefix + suffix >= m.len()
}

/// A misspelt part of a compound: "haarschnit" against "herrenhaarschnitt".
fn compound_typo(msg: &str, label_word: &str) -> bool {
    let lw = label_word.as_bytes();
    (msg.len().saturating_sub(1)..=msg.len() + 1)
        .filter(|&n| n > 0 && n < lw.len())
        .any(|n| {
            let tail = std::str::from_utf8(&lw[lw.len() - n..]).unwrap_or("");
            let head = std::str::from_utf8(&lw[..n]).unwrap_or("");
            (same_start(msg, tail) && osa_distance(msg, tail, 1) <= 1)
                || (same_start(msg, head) && osa_distance(msg, head, 1) <= 1)
        })
}

/// Folds a label the way messages are folded, as space-separated words
/// without fillers ("Haircut & Beard" → "haircut beard").
fn fold_label(label: &str, buf: &mut String) {
    buf.clear();
    let mut word_start = 0;
    for c in label.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            super::text::push_folded(buf, c);
            continue;
        }
        if buf.len() > word_start && is_filler(&buf[word_start..]) {
            buf.truncate(word_start);
        }
        if buf.len() > word_start {
            buf.push(' ');
        }
        word_start = buf.len();
    }
}

fn label_words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

/// Message words that can name a service or a person.
fn candidate_words<'t>(text: &'t Text, used: &[bool]) -> Vec<MsgWord<'t>> {
    (0..text.len())
        .filter(|&i| !used.get(i).copied().unwrap_or(false))
        // Short function words never name a service; longer ones in the
        // language table ("haircut", "termin") may.
        .filter(|&i| {
            text.live(i)
                .is_some_and(|t| t.kind == Kind::Word && !(t.evidence != 0 && t.word_len() < 5))
        })
        .map(|i| text.word(i))
        .filter(|w| w.len() >= 3 && !is_filler(w))
        .map(MsgWord::new)
        .collect()
}

/// Which message words (bit per word; only the first 128 count) a label
/// explains, and how well it fits: first by how many words it explains, then
/// by how well its own words match.
fn label_fit(words: &[MsgWord], folded_label: &str) -> Option<(f32, u128)> {
    let mut quality = 0.0;
    let mut explained = 0u128;
    for lw in label_words(folded_label) {
        let mut best: f32 = 0.0;
        for (k, mw) in words.iter().enumerate().take(128) {
            let s = word_similarity(mw, lw);
            if s > 0.0 {
                explained |= 1 << k;
                best = best.max(s);
            }
        }
        quality += if best > 0.0 { best } else { -MISSING_WORD };
    }
    let count = explained.count_ones();
    (count > 0 && quality >= MIN_QUALITY).then_some((10.0 * count as f32 + quality, explained))
}

/// Best fit of each service over its name and synonyms.
fn service_fits(words: &[MsgWord], services: &[ServiceName]) -> Vec<Option<(f32, u128)>> {
    let mut buf = String::new();
    services
        .iter()
        .map(|service| {
            std::iter::once(service.name)
                .chain(service.synonyms.iter().copied())
                .filter_map(|label| {
                    fold_label(label, &mut buf);
                    label_fit(words, &buf)
                })
                .fold(None, |best: Option<(f32, u128)>, fit| match best {
                    Some(b) if b.0 >= fit.0 => Some(b),
                    _ => Some(fit),
                })
        })
        .collect()
}

fn best_fit(fits: &[Option<(f32, u128)>], accept: impl Fn(u128) -> bool) -> Option<usize> {
    fits.iter()
        .enumerate()
        .filter_map(|(i, f)| {
            f.filter(|&(_, mask)| accept(mask))
                .map(|(score, _)| (i, score))
        })
        .fold(None, |best: Option<(usize, f32)>, (i, score)| match best {
            Some((_, b)) if b >= score => best,
            _ => Some((i, score)),
        })
        .map(|(i, _)| i)
}

/// Index of the best-matching service. When the message names two services
/// ("a cut and a beard trim") and one offered service covers both, that
/// combined service wins.
pub(super) fn match_service(text: &Text, used: &[bool], services: &[ServiceName]) -> Option<usize> {
    if services.is_empty() {
        return None;
    }
    let words = candidate_words(text, used);
    if words.is_empty() {
        return None;
    }
    let fits = service_fits(&words, services);
    let first = best_fit(&fits, |_| true)?;
    let covered = fits[first].map_or(0, |(_, mask)| mask);
    let all = fits
        .iter()
        .flatten()
        .fold(0u128, |acc, &(_, mask)| acc | mask);
    let rest = all & !covered;
    if rest == 0 {
        return Some(first);
    }
    best_fit(&fits, |mask| mask & covered != 0 && mask & rest != 0)
        .or_else(|| combined_by_name(services, &fits, first, covered, rest))
        .or(Some(first))
}

/// "Haare und Bart": each part is named in words only its own service knows (a synonym), so no
/// service explains both, yet one service's name is made of the two services' names ("Haircut &
/// Beard" of "Haircut" and "Beard Trim").
fn combined_by_name(
    services: &[ServiceName],
    fits: &[Option<(f32, u128)>],
    first: usize,
    covered: u128,
    rest: u128,
) -> Option<usize> {
    let other = best_fit(fits, |mask| mask & rest != 0 && mask & covered == 0)?;
    let mut buf = String::new();
    let names: Vec<String> = services
        .iter()
        .map(|s| {
            fold_label(s.name, &mut buf);
            buf.clone()
        })
        .collect();
    let shares_a_word =
        |a: usize, b: usize| label_words(&names[a]).any(|w| label_words(&names[b]).any(|v| v == w));
    (0..services.len())
        .filter(|&i| i != first && i != other)
        .find(|&i| shares_a_word(i, first) && shares_a_word(i, other))
}

/// A staff name that is also an everyday word ("Will", "May", "Mark") only
/// counts when capitalised or introduced by "with"/"bei".
fn needs_evidence(name_word: &str) -> bool {
    super::words::lookup(name_word).is_some()
        || super::lexicon::derived(name_word, false, None) != Lex::None
}

/// Whether word `i` is introduced as the person wanted: "with Sam", "bei Alex", "con Jordan".
pub(super) fn introduced(text: &Text, i: usize) -> bool {
    i > 0
        && matches!(
            text.word(i - 1),
            "with" | "by" | "bei" | "beim" | "mit" | "von" | "zu" | "to" | "see" | "from" | "con"
        )
}

/// A typo rarely hits the first letter; checking it first keeps the edit
/// distance off most word pairs.
fn same_start(a: &str, b: &str) -> bool {
    a.as_bytes().first() == b.as_bytes().first()
}

/// How surely message word `i` names a person whose name contains `name_word`.
fn staff_word_score(text: &Text, i: usize, name_word: &str, common_word: bool) -> u32 {
    let msg = text.word(i);
    if name_word.len() < 2 || (common_word && !(text.toks[i].cap || introduced(text, i))) {
        return 0;
    }
    if msg == name_word {
        return 3;
    }
    let budget = typo_budget(name_word.len());
    let typo =
        budget > 0 && same_start(msg, name_word) && osa_distance(msg, name_word, budget) <= budget;
    if typo { 2 } else { 0 }
}

/// Index of the staff member named in the message and the token naming them.
/// The staff member the message names; one named under a negation ("con sam no, con jordan")
/// loses to one named freely.
pub(super) fn match_staff(
    text: &Text,
    used: &[bool],
    staff: &[StaffName],
    penalties: &[i32],
) -> Option<(usize, usize)> {
    if staff.is_empty() {
        return None;
    }
    let words: Vec<usize> = (0..text.len())
        .filter(|&i| !used.get(i).copied().unwrap_or(false))
        .filter(|&i| text.live(i).is_some_and(|t| t.kind == Kind::Word))
        .collect();
    let mut buf = String::new();
    let mut best: Option<(usize, usize, (bool, u32))> = None;
    for (si, person) in staff.iter().enumerate() {
        fold_label(person.name, &mut buf);
        for name_word in label_words(&buf) {
            let common_word = needs_evidence(name_word);
            for &i in &words {
                let score = staff_word_score(text, i, name_word, common_word);
                let free = penalties.get(i).is_none_or(|&p| p == 0);
                if score > 0 && best.is_none_or(|(_, _, b)| (free, score) > b) {
                    best = Some((si, i, (free, score)));
                }
            }
        }
    }
    best.map(|(si, i, _)| (si, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let cases = [
            ("haircut", "hiarcut", 1),
            ("kitten", "sitting", 3),
            ("", "abc", 3),
            ("same", "same", 0),
            ("bartpflege", "bartpflge", 1),
        ];
        for (a, b, d) in cases {
            assert_eq!(osa_distance(a, b, 3), d, "{a} {b}");
        }
        assert_eq!(osa_distance("abcdef", "uvwxyz", 1), 2);
    }

    const EN: [ServiceName; 4] = [
        ServiceName {
            id: "haircut",
            name: "Haircut",
            synonyms: &[],
        },
        ServiceName {
            id: "skin-fade",
            name: "Skin Fade",
            synonyms: &["fade"],
        },
        ServiceName {
            id: "beard-trim",
            name: "Beard Trim",
            synonyms: &[],
        },
        ServiceName {
            id: "haircut-beard",
            name: "Haircut & Beard",
            synonyms: &[],
        },
    ];
    const DE: [ServiceName; 3] = [
        ServiceName {
            id: "herrenhaarschnitt",
            name: "Herrenhaarschnitt",
            synonyms: &[],
        },
        ServiceName {
            id: "bartpflege",
            name: "Bartpflege",
            synonyms: &[],
        },
        ServiceName {
            id: "faerben",
            name: "Färben",
            synonyms: &[],
        },
    ];

    fn service(input: &str, list: &[ServiceName]) -> Option<&'static str> {
        let text = Text::new(input);
        let used = vec![false; text.len()];
        match_service(&text, &used, list).map(|i| if list.len() == 4 { EN[i].id } else { DE[i].id })
    }

    #[test]
    fn services() {
        let cases = [
            ("can i get a hiarcut", Some("haircut")),
            ("two haircuts please", Some("haircut")),
            ("a fade", Some("skin-fade")),
            ("haircut and beard", Some("haircut-beard")),
            ("beard trim", Some("beard-trim")),
            ("a cut and a beard trim", Some("haircut-beard")),
            ("hello there", None),
            ("haircut and beard trim", Some("haircut-beard")),
            ("a trim for my beard", Some("beard-trim")),
        ];
        for (input, want) in cases {
            assert_eq!(service(input, &EN), want, "{input}");
        }
        let both: Vec<ServiceName> = EN.iter().chain(DE.iter()).copied().collect();
        for (input, want) in [("a haircut please", 0), ("my beard", 2), ("bart", 5)] {
            let text = Text::new(input);
            let used = vec![false; text.len()];
            assert_eq!(match_service(&text, &used, &both), Some(want), "{input}");
        }
        let cases = [
            ("haare schneiden", Some("herrenhaarschnitt")),
            ("haarschnit bitte", Some("herrenhaarschnitt")),
            ("nur bart", Some("bartpflege")),
            ("färbn", Some("faerben")),
            ("haare farben lassen", Some("faerben")),
            ("Herrenschnitt morgen", Some("herrenhaarschnitt")),
            ("morgen um drei", None),
        ];
        for (input, want) in cases {
            assert_eq!(service(input, &DE), want, "{input}");
        }
    }

    #[test]
    fn parts_named_by_their_own_synonyms_pick_the_service_named_after_both() {
        let demo = [
            ServiceName {
                id: "haircut",
                name: "Haircut",
                synonyms: &["cut", "trim", "haarschnitt"],
            },
            ServiceName {
                id: "beard-trim",
                name: "Beard Trim",
                synonyms: &["beard", "bart", "bartpflege"],
            },
            ServiceName {
                id: "haircut-beard",
                name: "Haircut & Beard",
                synonyms: &["cut and beard"],
            },
        ];
        let cases = [
            ("einen termin für haare und bart", Some(2)),
            ("haarschnitt und bart", Some(2)),
            ("nur bart", Some(1)),
            ("haarschnitt bitte", Some(0)),
        ];
        for (input, want) in cases {
            let text = Text::new(input);
            let used = vec![false; text.len()];
            assert_eq!(match_service(&text, &used, &demo), want, "{input}");
        }
        // No combined service: the best single one, as before.
        let text = Text::new("haare und bart");
        let used = vec![false; text.len()];
        assert_eq!(match_service(&text, &used, &demo[..2]), Some(1));
    }

    #[test]
    fn staff() {
        let people = [
            StaffName {
                id: "sam",
                name: "Sam",
            },
            StaffName {
                id: "alex",
                name: "Alex",
            },
            StaffName {
                id: "jordan",
                name: "Jordan",
            },
        ];
        let cases = [
            ("with sam please", Some(0)),
            ("bei alx", Some(1)),
            ("jordn", Some(2)),
            ("the same time", None),
            ("", None),
        ];
        for (input, want) in cases {
            let text = Text::new(input);
            let used = vec![false; text.len()];
            assert_eq!(
                match_staff(&text, &used, &people, &[]).map(|(s, _)| s),
                want,
                "{input}"
            );
        }
    }
}
