//! Contact details (e-mail, phone, self-introduced name) and numbers that are
//! not times: prices and quantities. These are found first and masked so that
//! "0151 2345678", "$25" or "2 people" never become a time, date or choice.

use super::intent::Cue;
use super::lexicon::Lex;
use super::text::{Kind, Text};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub party_size: Option<u32>,
}

pub(super) fn extract(text: &mut Text) -> Contact {
    let email = email(text);
    let phone = phone(text);
    mask_prices(text);
    let party_size = mask_quantities(text);
    Contact {
        email,
        phone,
        party_size,
    }
}

fn mask_bytes(text: &mut Text, from: usize, to: usize) {
    let hit: Vec<usize> = (0..text.len())
        .filter(|&i| {
            let t = &text.toks[i];
            (t.ostart as usize) < to && (t.oend as usize) > from
        })
        .collect();
    if let (Some(&a), Some(&b)) = (hit.first(), hit.last()) {
        text.mask(a, b + 1);
    }
}

// ---- e-mail ------------------------------------------------------------------

fn email_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn email_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

fn valid_domain(domain: &str) -> bool {
    let tld = domain.rsplit('.').next().unwrap_or("");
    domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.contains("..")
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

fn email(text: &mut Text) -> Option<String> {
    let bytes = text.orig.as_bytes();
    let at = (0..bytes.len()).find(|&k| {
        bytes[k] == b'@'
            && k > 0
            && email_local(bytes[k - 1])
            && bytes.get(k + 1).is_some_and(|&b| email_domain(b))
    })?;
    let start = (0..at)
        .rev()
        .take_while(|&k| email_local(bytes[k]))
        .last()?;
    let mut end = (at + 1..bytes.len())
        .take_while(|&k| email_domain(bytes[k]))
        .last()?
        + 1;
    while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let found = text.orig.get(start..end)?;
    let domain = found.split('@').nth(1)?;
    if !valid_domain(domain) {
        return None;
    }
    let found = found.to_string();
    mask_bytes(text, start, end);
    Some(found)
}

// ---- phone ---------------------------------------------------------------------

/// Punctuation that may sit inside a written phone number.
fn phone_joiner(c: char) -> bool {
    matches!(c, '-' | '/' | '(' | ')')
}

/// A short group right before "pm"/"Uhr" is a time written after the number.
fn clock_follows(text: &Text, i: usize) -> bool {
    text.digits(i) <= 2 && matches!(text.lex(i + 1), Lex::Am | Lex::Pm | Lex::Uhr | Lex::Oclock)
}

/// Digit groups of one written number starting at token `i`; returns the
/// index after the last group and the groups' token indices.
fn digit_groups(text: &Text, i: usize) -> (usize, Vec<usize>) {
    let mut groups = vec![i];
    let mut j = i + 1;
    loop {
        let mut k = j;
        while text.punct(k).is_some_and(phone_joiner) && k < j + 2 {
            k += 1;
        }
        match text.live(k) {
            Some(t) if t.kind == Kind::Num && !t.ordinal && !clock_follows(text, k) => {
                let separated = k > j || text.gap(k);
                if !separated {
                    break;
                }
                groups.push(k);
                j = k + 1;
            }
            _ => break,
        }
    }
    // A closing parenthesis directly after the number belongs to it.
    if text.is_punct(j, ')') {
        j += 1;
    }
    (j, groups)
}

/// 2019-03-05 or 05/03/2025: three groups, one of them a year.
fn looks_like_date(text: &Text, groups: &[usize]) -> bool {
    let year =
        |g: usize| text.digits(g) == 4 && text.num(g).is_some_and(|y| (1900..=2100).contains(&y));
    let small = |g: usize| text.digits(g) <= 2;
    match groups {
        &[a, b, c] => (year(a) && small(b) && small(c)) || (small(a) && small(b) && year(c)),
        _ => false,
    }
}

fn phone(text: &mut Text) -> Option<String> {
    let mut i = 0;
    while i < text.len() {
        let plus = text.is_punct(i, '+');
        let paren = text.is_punct(i, '(');
        let first = if plus || paren { i + 1 } else { i };
        let starts = text
            .live(first)
            .is_some_and(|t| t.kind == Kind::Num && !t.ordinal)
            && (!plus || !text.gap(first));
        if !starts {
            i += 1;
            continue;
        }
        let (end, groups) = digit_groups(text, first);
        if let Some(number) = phone_number(text, plus, &groups) {
            text.mask(i, end);
            return Some(number);
        }
        i = end.max(i + 1);
    }
    None
}

fn phone_number(text: &Text, plus: bool, groups: &[usize]) -> Option<String> {
    let mut digits = String::new();
    for (n, &g) in groups.iter().enumerate() {
        let group = text.word(g);
        // "+49 (0) 151 …": the trunk zero is dropped after a country code.
        if plus && n == 1 && group == "0" && text.is_punct(g.saturating_sub(1), '(') {
            continue;
        }
        digits.push_str(group);
    }
    let long_group = groups.iter().any(|&g| text.digits(g) >= 3);
    let plausible = (7..=15).contains(&digits.len())
        && (plus || digits.starts_with('0') || long_group)
        && !looks_like_date(text, groups);
    if !plausible {
        return None;
    }
    Some(match digits.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None if plus => format!("+{digits}"),
        None => digits,
    })
}

// ---- prices and quantities -----------------------------------------------------

fn is_currency_word(w: &str) -> bool {
    matches!(
        w,
        "euro"
            | "euros"
            | "eur"
            | "dollar"
            | "dollars"
            | "bucks"
            | "usd"
            | "chf"
            | "franken"
            | "pounds"
            | "quid"
            | "cent"
            | "cents"
            | "gbp"
    )
}

fn is_currency_sign(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥')
}

fn mask_prices(text: &mut Text) {
    for i in 0..text.len() {
        if text.num(i).is_none() {
            continue;
        }
        // "25,50 €": the cents belong to the same price.
        let cents = matches!(text.punct(i + 1), Some(',' | '.'))
            && !text.gap(i + 1)
            && text.num(i + 2).is_some()
            && text.digits(i + 2) == 2;
        let last = if cents { i + 2 } else { i };
        let sign_before = i > 0 && text.punct(i - 1).is_some_and(is_currency_sign);
        let sign_after = text.punct(last + 1).is_some_and(is_currency_sign)
            || is_currency_word(text.word(last + 1));
        let price_word = i > 0
            && matches!(
                text.word(i - 1),
                "costs" | "cost" | "kostet" | "preis" | "price"
            );
        if sign_before || sign_after || price_word {
            text.mask(i, last + 1);
        }
    }
}

/// "zu zweit" and friends: German for a party of n.
fn german_party(w: &str) -> Option<u32> {
    match w {
        "zweit" => Some(2),
        "dritt" => Some(3),
        "viert" => Some(4),
        "funft" | "fuenft" => Some(5),
        _ => None,
    }
}

fn count_word(text: &Text, i: usize) -> Option<u32> {
    match text.lex(i) {
        Lex::Number(n) if n > 0 => Some(u32::from(n)),
        _ => text.num(i),
    }
}

fn mask_quantities(text: &mut Text) -> Option<u32> {
    let mut party = None;
    for i in 0..text.len() {
        if i > 0
            && text.word(i - 1) == "zu"
            && let Some(n) = german_party(text.word(i))
        {
            party = party.or(Some(n));
        }
        let Some(n) = count_word(text, i) else {
            continue;
        };
        let unit = text.lex(i + 1);
        // "somos dos", "wir sind drei": a count right after "we are".
        let we_are = i > 0
            && text.cue(i - 1) == Cue::We
            && text.live(i + 1).is_none_or(|t| t.kind == Kind::Punct);
        if we_are {
            party = party.or(Some(n));
            text.mask(i, i + 1);
            continue;
        }
        let of_us = text.word(i + 1) == "of" && matches!(text.word(i + 2), "us" | "them");
        let clock_phrase = matches!(text.lex(i + 2), Lex::Past | Lex::To | Lex::Nach | Lex::Vor)
            || (i > 0 && text.lex(i - 1) == Lex::In);
        let is_quantity = match unit {
            Lex::People | Lex::Year => true,
            Lex::Minutes | Lex::Hours => !clock_phrase,
            _ => of_us || text.is_punct(i + 1, '%') || text.word(i + 1) == "x",
        };
        if !is_quantity {
            continue;
        }
        if unit == Lex::People || of_us {
            party = party.or(Some(n));
        }
        // "2-3 people": the lower bound is a quantity too.
        let from = if i >= 2 && text.is_punct(i - 1, '-') && text.num(i - 2).is_some() {
            i - 2
        } else {
            i
        };
        text.mask(from, i + 1);
    }
    party
}

// ---- name --------------------------------------------------------------------------

/// Words that follow "I'm"/"ich bin" but describe a state, not a name.
fn is_state_word(w: &str) -> bool {
    matches!(
        w,
        "sorry"
            | "here"
            | "back"
            | "new"
            | "interested"
            | "free"
            | "available"
            | "busy"
            | "late"
            | "ready"
            | "done"
            | "going"
            | "coming"
            | "trying"
            | "afraid"
            | "glad"
            | "happy"
            | "just"
            | "still"
            | "also"
            | "really"
            | "very"
            | "so"
            | "fine"
            | "good"
            | "ok"
            | "okay"
            | "unable"
            | "able"
            | "sure"
            | "krank"
            | "da"
            | "hier"
            | "neu"
            | "kunde"
            | "kundin"
            | "neukunde"
            | "interessiert"
            | "zufrieden"
            | "leider"
            | "gerade"
            | "wieder"
            | "froh"
            | "unterwegs"
            | "verhindert"
            | "mal"
            | "bei"
            | "sehr"
            | "zu"
            | "dran"
            | "spater"
            | "erst"
            | "nur"
            | "wohl"
            | "eher"
            | "fertig"
            | "customer"
            | "regular"
            | "calling"
            | "writing"
            | "wondering"
            | "thinking"
            | "planning"
    )
}

fn name_word_ok(text: &Text, used: &[bool], i: usize) -> bool {
    let Some(tok) = text.live(i) else {
        return false;
    };
    let w = text.word(i);
    tok.kind == Kind::Word
        && !used.get(i).copied().unwrap_or(true)
        && w.len() >= 2
        && text.original(i, i + 1).chars().all(char::is_alphabetic)
        && tok.evidence == 0
        && tok.cue == Cue::None
        && tok.lex == Lex::None
        && !is_state_word(w)
        && !w.ends_with("ing")
}

/// Index of the first word after a self-introduction, and whether the phrase
/// leaves no doubt ("my name is" vs. the ambiguous "I'm").
fn introduction(text: &Text) -> Option<(usize, bool)> {
    let cue = |i: usize| text.toks.get(i).map_or(Cue::None, |t| t.cue);
    let candidates = [
        Cue::Name,
        Cue::Heisse,
        Cue::I,
        Cue::Here,
        Cue::Im,
        Cue::Bin,
        Cue::Is,
    ];
    if !text.toks.iter().any(|t| candidates.contains(&t.cue)) {
        return None;
    }
    (0..text.len()).find_map(|i| {
        let strong = match (cue(i), cue(i + 1), cue(i + 2)) {
            (Cue::My, Cue::Name, Cue::Is) => Some(i + 3),
            (Cue::Name, Cue::Is, _) => Some(i + 2),
            (Cue::Name, _, _) if text.word(i) == "names" => Some(i + 1),
            (Cue::Name, _, _) if text.is_punct(i + 1, ':') => Some(i + 2),
            (Cue::Heisse, _, _) => Some(i + 1),
            _ => None,
        };
        if let Some(start) = strong {
            return Some((start, true));
        }
        let weak = match (cue(i), cue(i + 1)) {
            (Cue::I, _) if text.lex(i + 1) == Lex::Am && text.word(i) == "i" => Some(i + 2),
            (Cue::I, Cue::Bin) | (Cue::Here, Cue::Is) => Some(i + 2),
            (_, Cue::Is) if text.lex(i) == Lex::This => Some(i + 2),
            (Cue::Im, _) if text.original(i, i + 1).contains(['\'', '’']) => Some(i + 1),
            // "Zoe here, …"
            (_, Cue::Here) if first_word_of_message(text, i) && text.toks[i].cap => {
                return Some((i, false));
            }
            (Cue::Bin, _) if i == 0 => Some(i + 1),
            _ => None,
        };
        weak.map(|start| (start, false))
    })
}

fn first_word_of_message(text: &Text, i: usize) -> bool {
    (0..i).all(|j| text.toks[j].kind == Kind::Punct || text.toks[j].cue == Cue::Greeting)
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphabetic();
    }
    out
}

pub(super) fn name(text: &Text, used: &[bool]) -> Option<String> {
    let (start, strong) = introduction(text)?;
    let writer_uses_case = text.orig.chars().any(char::is_uppercase);
    if !name_word_ok(text, used, start) {
        return None;
    }
    if !strong && writer_uses_case && !text.toks[start].cap {
        return None;
    }
    let mut end = start + 1;
    while end < start + 4 {
        let hyphen = text.is_punct(end, '-') && !text.gap(end) && !text.gap(end + 1);
        let next = if hyphen { end + 1 } else { end };
        let capital_ok = !writer_uses_case || text.toks.get(next).is_some_and(|t| t.cap);
        if name_word_ok(text, used, next) && capital_ok {
            end = next + 1;
        } else {
            break;
        }
    }
    let raw = text.original(start, end);
    Some(if raw.chars().any(char::is_uppercase) {
        raw.to_string()
    } else {
        title_case(raw)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(input: &str) -> Contact {
        extract(&mut Text::new(input))
    }

    #[test]
    fn phones() {
        let cases = [
            ("my number is (415) 555-0134", Some("4155550134")),
            ("call me on +1 415 555 0134", Some("+14155550134")),
            ("nummer 0151 23456789", Some("015123456789")),
            ("+49 (0) 151 2345678", Some("+491512345678")),
            ("0049 151 2345678", Some("+491512345678")),
            ("2019-03-05", None),
            ("between 14-16", None),
            ("at 15:30", None),
            ("1234", None),
        ];
        for (input, want) in cases {
            assert_eq!(contact(input).phone.as_deref(), want, "{input}");
        }
    }

    #[test]
    fn emails() {
        let cases = [
            (
                "email: jane.doe+cuts@gmail.com",
                Some("jane.doe+cuts@gmail.com"),
            ),
            (
                "meine mail ist max.mustermann@web.de.",
                Some("max.mustermann@web.de"),
            ),
            ("@home", None),
            ("a@b", None),
        ];
        for (input, want) in cases {
            assert_eq!(contact(input).email.as_deref(), want, "{input}");
        }
    }

    #[test]
    fn masks_prices_and_quantities() {
        let mut text = Text::new("2 people, $25 and 40 euro, 30 minutes, at 3");
        let c = extract(&mut text);
        assert_eq!(c.party_size, Some(2));
        let live: Vec<u32> = (0..text.len()).filter_map(|i| text.num(i)).collect();
        assert_eq!(live, [3]);
        assert_eq!(contact("wir sind zu zweit").party_size, Some(2));
    }

    #[test]
    fn names() {
        let cases = [
            ("I'm Anna Schmidt", Some("Anna Schmidt")),
            ("my name is jake miller", Some("Jake Miller")),
            ("ich heiße jonas", Some("Jonas")),
            ("ich bin anna schmidt", Some("Anna Schmidt")),
            (
                "Hi, I'm Anna-Lena Müller and I'd like a cut",
                Some("Anna-Lena Müller"),
            ),
            ("I'm free tomorrow at 3", None),
            ("im looking for a haircut", None),
            ("ich bin morgen um 10 da", None),
            ("I'm not sure", None),
            ("Zoe here, can I get a haircut", Some("Zoe")),
            ("Hi, it's Tom", Some("Tom")),
            ("it's fine", None),
        ];
        for (input, want) in cases {
            let text = Text::new(input);
            let used = vec![false; text.len()];
            assert_eq!(name(&text, &used).as_deref(), want, "{input}");
        }
    }
}
