//! Which language a message is in, by counting the words each language's tables mark as its
//! evidence (pronouns, articles, prepositions, common verbs) and the letters only it writes.
//! Chat messages are too short for n-gram statistics, but nearly every one carries such a word.

use super::text::{Kind, Text};
use crate::languages::{ALL, LANGUAGES, Locale};

/// A letter only one language writes counts as much as two of its words.
const LETTER_WEIGHT: u32 = 2;

/// The language to read a message in: the conversation's when the message tells nothing
/// against it (one English-looking "do" in "do 16:30" does not outweigh a German chat).
pub(super) fn reading_language(scores: &[u32; LANGUAGES], hint: Option<Locale>) -> Option<Locale> {
    let best = scores.iter().copied().max().unwrap_or(0);
    match hint {
        Some(h) if scores[h as usize] + 1 >= best => Some(h),
        _ => leader(scores).or(hint),
    }
}

/// How much evidence the message carries for each language.
pub(super) fn scores(text: &Text) -> [u32; LANGUAGES] {
    let mut score = [0u32; LANGUAGES];
    // "lucia@example.es", "www.friseur.de": a domain's last part is no word of a language.
    let in_address = |i: usize| {
        i >= 1
            && !text.toks[i].gap
            && !text.toks[i - 1].gap
            && matches!(text.toks[i - 1].ch, '.' | '@')
            && text.toks[i - 1].kind == Kind::Punct
    };
    // "6Y6-RG7", "15uhr": letters glued to digits are a code or a unit, not a word.
    let in_code = |i: usize| {
        let glued = |j: usize| text.toks.get(j).is_some_and(|t| t.kind == Kind::Num);
        (!text.toks[i].gap && i >= 1 && glued(i - 1))
            || (text.toks.get(i + 1).is_some_and(|next| !next.gap) && glued(i + 1))
    };
    for (i, tok) in text.toks.iter().enumerate() {
        if tok.evidence == 0 || in_address(i) || in_code(i) {
            continue;
        }
        for (l, s) in score.iter_mut().enumerate() {
            if tok.evidence & (1 << l) != 0 {
                *s += 1;
            }
        }
    }
    // Every telling letter is outside ASCII, so most messages are done in one byte scan.
    if !text.orig.is_ascii() {
        for (l, language) in ALL.iter().enumerate() {
            let letters = language.vocabulary.letters;
            if text
                .orig
                .chars()
                .any(|c| !c.is_ascii() && letters.contains(&c))
            {
                score[l] += LETTER_WEIGHT;
            }
        }
    }
    score
}

pub(super) fn leader(score: &[u32; LANGUAGES]) -> Option<Locale> {
    let best = *score.iter().max()?;
    let mut leaders = (0..LANGUAGES).filter(|&l| score[l] == best);
    match (leaders.next(), leaders.next()) {
        (Some(l), None) if best > 0 => Some(ALL[l].locale),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("mi correo es lucia@example.es", Some(Locale::Es)),
            ("jonas@example.de", None),
            ("6Y6-RG7 ede@example.com", None),
        ];
        for (input, want) in cases {
            assert_eq!(Text::new(input).lang, want, "{input}");
        }
    }
}
