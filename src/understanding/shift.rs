//! "Could we make it later", "eine Stunde früher", "¿se puede retrasar media hora?": a move
//! relative to the booked time, which only the dialogue knows. The amount is read whether or
//! not the quantity pass masked it ("30 mins" is masked as a quantity, not a time).

use serde::Serialize;

use super::lexicon::Lex;
use super::text::{Kind, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftDirection {
    Later,
    Earlier,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Shift {
    pub direction: ShiftDirection,
    pub minutes: Option<u32>,
}

fn lex(text: &Text, i: usize) -> Lex {
    text.toks.get(i).map_or(Lex::None, |t| t.lex)
}

fn count(text: &Text, i: usize) -> Option<f32> {
    let tok = text.toks.get(i)?;
    match (tok.kind, tok.lex) {
        (Kind::Num, _) if tok.digits <= 3 && !tok.ordinal => Some(tok.num as f32),
        (_, Lex::Number(n)) => Some(f32::from(n)),
        (_, Lex::A) => Some(1.0),
        _ => None,
    }
}

/// An amount of time ending at token `end - 1`: "an hour", "30 mins", "eine halbe Stunde",
/// "media hora", "half an hour".
fn amount_before(text: &Text, end: usize) -> Option<u32> {
    // "an hour and a half", "hora y media", "un cuarto de hora"
    if end >= 3 && lex(text, end - 1) == Lex::Half && lex(text, end - 2) == Lex::A {
        return amount_before(text, end - 3).map(|m| m + 30);
    }
    if end >= 2 && lex(text, end - 1) == Lex::Half && lex(text, end - 2) == Lex::And {
        return amount_before(text, end - 2).map(|m| m + 30);
    }
    if end >= 3
        && lex(text, end - 1) == Lex::Hours
        && lex(text, end - 2) == Lex::Of
        && lex(text, end - 3) == Lex::Quarter
    {
        return Some(15);
    }
    if end >= 1 && lex(text, end - 1) == Lex::QuarterHour {
        return Some(15);
    }
    let unit = end.checked_sub(1)?;
    let per = match lex(text, unit) {
        Lex::Hours => 60.0,
        Lex::Minutes => 1.0,
        _ => return None,
    };
    let before = unit.checked_sub(1);
    let n = match before.map(|b| (b, lex(text, b))) {
        // "halbe Stunde", "media hora", "half an hour"
        Some((_, Lex::Half | Lex::Halb)) => 0.5,
        Some((b, Lex::A)) if b > 0 && matches!(lex(text, b - 1), Lex::Half | Lex::Halb) => 0.5,
        Some((b, _)) => count(text, b).unwrap_or(1.0),
        None => 1.0,
    };
    Some((n * per) as u32)
}

/// An amount right after token `start`, skipping "by", "um", "una".
fn amount_after(text: &Text, start: usize) -> Option<u32> {
    (start + 1..(start + 7).min(text.len() + 1)).find_map(|end| amount_before(text, end))
}

/// Words after "later"/"earlier" that make it a time of its own: "later today", "earlier
/// than 5", "early afternoon".
fn qualifies_something_else(text: &Text, i: usize) -> bool {
    matches!(
        lex(text, i + 1),
        Lex::Today
            | Lex::Tonight
            | Lex::Part(_)
            | Lex::Morgen
            | Lex::In
            | Lex::On
            | Lex::At
            | Lex::This
            | Lex::Next
            | Lex::Week
            | Lex::Weekday(_)
            | Lex::Of
    ) || text.is_word(i + 1, "than")
        || text.is_word(i + 1, "als")
}

pub(super) fn find(text: &Text) -> Option<Shift> {
    (0..text.len()).find_map(|i| {
        let (direction, explicit) = match lex(text, i) {
            Lex::Delay => (ShiftDirection::Later, true),
            Lex::Sooner => (ShiftDirection::Earlier, true),
            Lex::Later => (ShiftDirection::Later, false),
            Lex::Early if !text.is_word(i, "early") => (ShiftDirection::Earlier, false),
            // "media hora antes": a fixed amount before.
            Lex::Before
                if amount_before(text, i).is_some()
                    && text.toks.get(i + 1).is_none_or(|t| t.kind == Kind::Punct) =>
            {
                (ShiftDirection::Earlier, false)
            }
            _ => return None,
        };
        if !explicit && qualifies_something_else(text, i) {
            return None;
        }
        let minutes = amount_before(text, i).or_else(|| amount_after(text, i));
        Some(Shift { direction, minutes })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(input: &str) -> Option<(ShiftDirection, Option<u32>)> {
        find(&Text::new(input)).map(|s| (s.direction, s.minutes))
    }

    #[test]
    fn moves_relative_to_the_booking() {
        use ShiftDirection::{Earlier, Later};
        assert_eq!(shift("could we make it later"), Some((Later, None)));
        assert_eq!(
            shift("can I come in an hour earlier"),
            Some((Earlier, Some(60)))
        );
        assert_eq!(shift("push it back 30 mins"), Some((Later, Some(30))));
        assert_eq!(
            shift("geht es auch eine Stunde später"),
            Some((Later, Some(60)))
        );
        assert_eq!(
            shift("eine halbe Stunde früher bitte"),
            Some((Earlier, Some(30)))
        );
        assert_eq!(
            shift("¿se puede retrasar media hora?"),
            Some((Later, Some(30)))
        );
        assert_eq!(shift("un poco más tarde"), Some((Later, None)));
        assert_eq!(shift("later today around 4"), None);
        assert_eq!(shift("nothing earlier than 5"), None);
        assert_eq!(shift("early afternoon please"), None);
        assert_eq!(shift("haircut tomorrow at 3"), None);
    }
}
