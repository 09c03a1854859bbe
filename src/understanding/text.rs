//! One pass over the message that yields folded lowercase tokens. Everything
//! downstream works on these tokens, so umlauts, case and apostrophes are
//! decided once, here.

use super::Locale;
use super::intent::Cue;
use super::lexicon::Lex;
use super::words::{self, WordFacts};
use crate::languages::ALL;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Num,
    Punct,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub kind: Kind,
    pub lex: Lex,
    pub cue: Cue,
    /// The languages this word is evidence for, one bit per `Locale`.
    pub evidence: u8,
    /// Negation-scope flags (see `scope`).
    pub flags: u8,
    /// What the tables say about this word in every language.
    facts: Option<WordFacts>,
    /// The meaning of the expression this token starts (its other words were merged into it).
    expression: Option<words::Reading>,
    /// Byte range in the folded text.
    start: u32,
    end: u32,
    /// Byte range in the original text.
    pub ostart: u32,
    pub oend: u32,
    /// Value of a number token, saturating (phone numbers overflow).
    pub num: u32,
    pub digits: u8,
    /// Punctuation character (or the first character of a word).
    pub ch: char,
    /// Whitespace (or the start of the text) precedes this token.
    pub gap: bool,
    /// The original token starts with an upper-case letter.
    pub cap: bool,
    /// A number written with an ordinal ending: 14th, 2nd, 3ten.
    pub ordinal: bool,
    /// Claimed by a phone number, e-mail, price or quantity.
    pub masked: bool,
    /// Written with an apostrophe inside ("I'm", "don't").
    pub joined: bool,
}

impl Token {
    /// Length of the folded word in bytes.
    pub(super) fn word_len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

pub(super) struct Text<'a> {
    pub orig: &'a str,
    norm: String,
    pub toks: Vec<Token>,
    /// The language detected in the message, if any word tells it.
    pub lang: Option<Locale>,
    /// The language its words are read in: the detected one, or the conversation's.
    pub reading: Option<Locale>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Digit,
    Letter,
    Joiner,
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_alphabetic() {
        return Class::Letter;
    }
    if c.is_whitespace() {
        Class::Space
    } else if c.is_ascii_digit() {
        Class::Digit
    } else if matches!(c, '\'' | '’' | '‘' | '`' | '´' | '"') {
        Class::Joiner
    } else if c.is_alphanumeric() {
        Class::Letter
    } else {
        Class::Other
    }
}

/// Lower-cases and strips the accents customers type inconsistently
/// ("Färben", "faerben" and "farben" must meet; the tables hold both spellings
/// where German writes "ae").
pub(super) fn push_folded(out: &mut String, c: char) {
    // Lower-case first, so "MAÑANA" and "ÍÑIGO" fold like "mañana" and "íñigo".
    let c = if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    let folded = match c {
        'ä' | 'Ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' => 'a',
        'ö' | 'Ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'Ò' | 'Ó' | 'Ô' => 'o',
        'ü' | 'Ü' | 'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => 'u',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ç' => 'c',
        'ñ' => 'n',
        'ß' | 'ẞ' => {
            out.push_str("ss");
            return;
        }
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push(folded);
}

fn is_ordinal_ending(ending: &str) -> bool {
    ALL.iter()
        .any(|l| l.vocabulary.ordinal_endings.contains(&ending))
}

impl<'a> Text<'a> {
    /// The message read in the language it is detected in.
    pub(super) fn new(orig: &'a str) -> Text<'a> {
        Text::read(orig, None)
    }

    /// The message read in the language it is detected in, else in `hint`'s.
    pub(super) fn read(orig: &'a str, hint: Option<Locale>) -> Text<'a> {
        let mut text = Text {
            orig,
            norm: String::with_capacity(orig.len() + 8),
            toks: Vec::with_capacity(orig.len() / 3 + 4),
            lang: None,
            reading: None,
        };
        text.tokenize();
        text.merge_ordinal_endings();
        text.look_up_words();
        text.join_expressions();
        let scores = super::language::scores(&text);
        text.lang = super::language::leader(&scores);
        text.reading = super::language::reading_language(&scores, hint);
        text.read_words(text.reading);
        text
    }

    fn tokenize(&mut self) {
        let mut open: Option<Kind> = None;
        let mut gap = true;
        let mut prev = Class::Space;
        let mut chars = self.orig.char_indices().peekable();
        while let Some((pos, c)) = chars.next() {
            let cls = class(c);
            let next = chars.peek().map_or(Class::Space, |&(_, n)| class(n));
            match cls {
                Class::Space => {
                    open = None;
                    gap = true;
                }
                // "don't", "o'clock" and SGD's `o"clock` become one word.
                Class::Joiner if prev == Class::Letter && next == Class::Letter => {
                    if let Some(t) = self.toks.last_mut() {
                        t.joined = true;
                    }
                }
                Class::Digit | Class::Letter => {
                    let kind = if cls == Class::Digit {
                        Kind::Num
                    } else {
                        Kind::Word
                    };
                    if open != Some(kind) {
                        self.open_token(kind, pos, c, gap);
                        open = Some(kind);
                        gap = false;
                    }
                    self.extend_token(pos, c);
                }
                Class::Joiner | Class::Other => {
                    self.open_token(Kind::Punct, pos, c, gap);
                    self.extend_token(pos, c);
                    open = None;
                    gap = false;
                }
            }
            prev = cls;
        }
    }

    fn open_token(&mut self, kind: Kind, pos: usize, c: char, gap: bool) {
        let at = self.norm.len() as u32;
        self.toks.push(Token {
            kind,
            lex: Lex::None,
            cue: Cue::None,
            evidence: 0,
            flags: 0,
            facts: None,
            expression: None,
            start: at,
            end: at,
            ostart: pos as u32,
            oend: pos as u32,
            num: 0,
            digits: 0,
            ch: c,
            gap,
            cap: c.is_uppercase(),
            ordinal: false,
            masked: false,
            joined: false,
        });
    }

    fn extend_token(&mut self, pos: usize, c: char) {
        let Some(tok) = self.toks.last_mut() else {
            return;
        };
        match tok.kind {
            Kind::Num => {
                let d = c.to_digit(10).unwrap_or(0);
                tok.num = tok.num.saturating_mul(10).saturating_add(d);
                tok.digits = tok.digits.saturating_add(1);
                self.norm.push(c);
            }
            Kind::Word => push_folded(&mut self.norm, c),
            Kind::Punct => self.norm.push(c),
        }
        tok.end = self.norm.len() as u32;
        tok.oend = (pos + c.len_utf8()) as u32;
    }

    /// "14th", "2nd", "3ten" arrive as number + word; fold the ending into a flag.
    fn merge_ordinal_endings(&mut self) {
        let mut kept = 0;
        let mut i = 0;
        while i < self.toks.len() {
            let mut tok = self.toks[i];
            if let Some(next) = self.toks.get(i + 1) {
                let ending = &self.norm[next.start as usize..next.end as usize];
                if tok.kind == Kind::Num
                    && next.kind == Kind::Word
                    && !next.gap
                    && tok.digits <= 2
                    && is_ordinal_ending(ending)
                {
                    tok.ordinal = true;
                    tok.oend = next.oend;
                    i += 1;
                }
            }
            self.toks[kept] = tok;
            kept += 1;
            i += 1;
        }
        self.toks.truncate(kept);
    }

    fn look_up_words(&mut self) {
        for i in 0..self.toks.len() {
            let tok = self.toks[i];
            if tok.kind != Kind::Word {
                continue;
            }
            let facts = words::lookup(&self.norm[tok.start as usize..tok.end as usize]);
            let t = &mut self.toks[i];
            t.evidence = facts.map_or(0, |f| f.evidence);
            t.facts = facts;
        }
    }

    /// Merges each expression ("pasado mañana", "boxing day") into its first token, longest first.
    fn join_expressions(&mut self) {
        let mut kept = 0;
        let mut i = 0;
        while i < self.toks.len() {
            let mut tok = self.toks[i];
            if tok.facts.is_some_and(|f| f.starts_expression)
                && let Some((expression, len)) = self.expression_at(i)
            {
                let last = self.toks[i + len - 1];
                for t in &self.toks[i..i + len] {
                    tok.evidence |= t.evidence;
                }
                tok.end = last.end;
                tok.oend = last.oend;
                tok.expression = Some(expression);
                i += len - 1;
            }
            self.toks[kept] = tok;
            kept += 1;
            i += 1;
        }
        self.toks.truncate(kept);
    }

    /// The longest expression of any language starting at token `i`, with its length in tokens.
    fn expression_at(&self, i: usize) -> Option<(words::Reading, usize)> {
        let first = self.word(i);
        let mut best: Option<(words::Reading, usize)> = None;
        for language in ALL {
            let table = language.vocabulary.expressions;
            let from = table.partition_point(|(w, _)| *w < first);
            for (_, expression) in table[from..].iter().take_while(|(w, _)| *w == first) {
                let len = expression.rest.len() + 1;
                let fits =
                    best.is_none_or(|(_, l)| len > l)
                        && expression.rest.iter().enumerate().all(|(k, w)| {
                            i + 1 + k < self.toks.len() && self.word(i + 1 + k) == *w
                        });
                if fits {
                    let reading = words::Reading {
                        lex: expression.lex,
                        cue: expression.cue,
                        flags: expression.flags,
                    };
                    best = Some((reading, len));
                }
            }
        }
        best
    }

    /// Gives every word its meaning in `lang` (every language's when `None`).
    fn read_words(&mut self, lang: Option<Locale>) {
        for i in 0..self.toks.len() {
            let tok = self.toks[i];
            if tok.kind != Kind::Word {
                continue;
            }
            let reading = match (tok.expression, tok.facts) {
                (Some(expression), _) => expression,
                // A word known only as the start of an expression ("zweite" of "zweite
                // Weihnachtstag") still means what it means alone.
                (None, Some(facts)) if !facts.only_starts_expression() => facts.reading(lang),
                // Capitalised words mid-sentence are likely names ("Morgan"), so
                // they are not bent into the nearest temporal word.
                (None, _) => words::Reading {
                    lex: super::lexicon::derived(
                        &self.norm[tok.start as usize..tok.end as usize],
                        !(tok.cap && i > 0),
                        lang,
                    ),
                    ..words::BLANK
                },
            };
            let t = &mut self.toks[i];
            // "I'm" folds to German "im" (= "in the"); as a contraction it is not a preposition.
            t.lex = if tok.joined && reading.lex == Lex::In {
                Lex::None
            } else {
                reading.lex
            };
            t.cue = reading.cue;
            t.flags = reading.flags;
        }
    }

    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    pub(super) fn live(&self, i: usize) -> Option<&Token> {
        self.toks.get(i).filter(|t| !t.masked)
    }

    /// Folded text of a token ("" for punctuation out of range).
    pub(super) fn word(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .map_or("", |t| &self.norm[t.start as usize..t.end as usize])
    }

    /// "am 14", "el 14": token `i` follows a word after which, in `lang`, a bare number is a day.
    pub(super) fn follows_date_article(&self, i: usize, lang: Option<Locale>) -> bool {
        i > 0
            && lang.is_some_and(|l| {
                l.language()
                    .vocabulary
                    .date_articles
                    .contains(&self.word(i - 1))
            })
    }

    pub(super) fn is_word(&self, i: usize, w: &str) -> bool {
        self.live(i).is_some_and(|t| t.kind == Kind::Word) && self.word(i) == w
    }

    pub(super) fn lex(&self, i: usize) -> Lex {
        self.live(i).map_or(Lex::None, |t| t.lex)
    }

    pub(super) fn cue(&self, i: usize) -> Cue {
        self.live(i).map_or(Cue::None, |t| t.cue)
    }

    /// A plain number token (no ordinal ending).
    pub(super) fn num(&self, i: usize) -> Option<u32> {
        self.live(i)
            .filter(|t| t.kind == Kind::Num && !t.ordinal)
            .map(|t| t.num)
    }

    pub(super) fn digits(&self, i: usize) -> u8 {
        self.toks.get(i).map_or(0, |t| t.digits)
    }

    pub(super) fn punct(&self, i: usize) -> Option<char> {
        self.live(i).filter(|t| t.kind == Kind::Punct).map(|t| t.ch)
    }

    pub(super) fn is_punct(&self, i: usize, c: char) -> bool {
        self.punct(i) == Some(c)
    }

    pub(super) fn gap(&self, i: usize) -> bool {
        self.toks.get(i).is_none_or(|t| t.gap)
    }

    /// Punctuation that ends a sentence or clause (the scope of "not").
    pub(super) fn is_clause_break(&self, i: usize) -> bool {
        self.punct(i)
            .is_some_and(|c| matches!(c, '.' | ',' | ';' | '!' | '?' | ':' | '\n' | '(' | ')'))
    }

    pub(super) fn original(&self, from: usize, to: usize) -> &'a str {
        let (Some(a), Some(b)) = (self.toks.get(from), self.toks.get(to.saturating_sub(1))) else {
            return "";
        };
        self.orig
            .get(a.ostart as usize..b.oend as usize)
            .unwrap_or("")
    }

    pub(super) fn mask(&mut self, from: usize, to: usize) {
        for t in self.toks.iter_mut().take(to).skip(from) {
            t.masked = true;
        }
    }

    pub(super) fn word_count(&self) -> usize {
        self.toks
            .iter()
            .filter(|t| t.kind != Kind::Punct && !t.masked)
            .count()
    }
}

/// Marks tokens `from..to` as claimed by a parser.
pub(super) fn claim(used: &mut [bool], from: usize, to: usize) {
    let to = to.min(used.len());
    if let Some(span) = used.get_mut(from.min(to)..to) {
        span.iter_mut().for_each(|u| *u = true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let t = Text::new(s);
        (0..t.len()).map(|i| t.word(i).to_string()).collect()
    }

    #[test]
    fn tokenizes_and_folds() {
        let cases: [(&str, &[&str]); 6] = [
            ("Färben um 15:30", &["farben", "um", "15", ":", "30"]),
            ("I'd like 3pm", &["id", "like", "3", "pm"]),
            ("4 o\"clock", &["4", "oclock"]),
            ("the 14th!", &["the", "14", "!"]),
            ("Straße", &["strasse"]),
            ("", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(words(input), want, "{input}");
        }
    }

    #[test]
    fn ordinal_flag_and_original_text() {
        let t = Text::new("on the 2nd, Anna");
        assert!(t.toks[2].ordinal);
        assert_eq!(t.num(2), None);
        assert_eq!(t.original(2, 3), "2nd");
        assert_eq!(t.original(4, 5), "Anna");
    }
}
