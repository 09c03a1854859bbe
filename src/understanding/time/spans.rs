//! Spans of the day: explicit ranges ("between 2 and 5", "14-16 Uhr") and
//! parts of the day ("morning", "after work", "abends"), clipped to the
//! opening hours.

use chrono::NaiveTime;

use super::clock::resolve_pair;
use super::{MARKED, Mention, PART_OF_DAY, Scan, Value, hm};
use crate::understanding::date;
use crate::understanding::lexicon::{Lex, Part};
use crate::understanding::{ParseContext, TimeRelation};

/// Default spans of the parts of the day, before clipping to opening hours.
fn part_span(part: Part, modifier: Lex) -> (u8, u8) {
    match (part, modifier) {
        (Part::Morning, Lex::Early) => (8, 10),
        (Part::Morning, Lex::Late) => (10, 12),
        (Part::Morning, _) => (8, 12),
        (Part::Afternoon, Lex::Early) => (12, 14),
        (Part::Afternoon, Lex::Late) => (15, 17),
        (Part::Afternoon, _) => (12, 17),
        (Part::LongAfternoon, Lex::Early) => (12, 15),
        (Part::LongAfternoon, Lex::Late) => (17, 20),
        (Part::LongAfternoon, _) => (12, 20),
        (Part::Evening, Lex::Early) => (17, 19),
        (Part::Evening, Lex::Late) => (19, 22),
        (Part::Evening | Part::AfterWork, _) => (17, 20),
        (Part::Night, _) => (19, 23),
        (Part::Lunch, _) => (12, 14),
    }
}

fn clip(from: NaiveTime, to: NaiveTime, cx: &ParseContext) -> (NaiveTime, NaiveTime) {
    let (a, b) = (from.max(cx.open), to.min(cx.close));
    if a < b { (a, b) } else { (from, to) }
}

fn part_range(part: Part, modifier: Lex, cx: &ParseContext) -> Option<(NaiveTime, NaiveTime)> {
    let (from, to) = part_span(part, modifier);
    Some(clip(hm(from, 0)?, hm(to, 0)?, cx))
}

impl Scan<'_, '_> {
    /// between 2 and 5, from 2 to 4, von 10 bis 12, 2-4pm, 14-16 Uhr
    pub(super) fn range(&self, i: usize) -> Option<Mention> {
        // "de 4 a 6" is Spanish "from 4 to 6".
        let prefixed = matches!(self.lex(i), Lex::Between | Lex::From | Lex::After | Lex::Of);
        let j = match (prefixed, self.text.is_punct(i + 1, '.')) {
            (true, true) => i + 2, // "zw. 15 und 17"
            (true, false) => i + 1,
            _ => i,
        };
        let (c1, _, k) = self.timed(j)?;
        let connector = self.lex(k);
        let dash = matches!(self.text.punct(k), Some('-' | '–'));
        let joined = match self.lex(i) {
            Lex::Between => connector == Lex::And || dash,
            Lex::After => connector == Lex::Until,
            _ => dash || matches!(connector, Lex::Until | Lex::To),
        };
        if !joined || !self.free(k) {
            return None;
        }
        let (c2, _, end) = self.timed(k + 1)?;
        if !prefixed && connector == Lex::To && !(c1.marked || c2.marked) {
            return None;
        }
        let (from, to) = resolve_pair(c1, c2, self.cx)?;
        Some(Mention {
            start: i,
            end,
            value: Value::Range(from, to),
            score: MARKED,
        })
    }

    /// The part of the day a time sits in: "in the afternoon", "abends", "tonight".
    pub(super) fn part_here(&self, j: usize) -> Option<(Part, usize)> {
        match self.lex(j) {
            Lex::Part(p) => Some((p, j + 1)),
            Lex::Tonight => Some((Part::Evening, j + 1)),
            // "so früh wie möglich" asks for the earliest slot, not the morning.
            Lex::Frueh if !matches!(self.text.word(j + 1), "wie" | "as") => {
                Some((Part::Morning, j + 1))
            }
            Lex::Morgen if date::morgen_means_morning(self.text, j) => Some((Part::Morning, j + 1)),
            _ => None,
        }
    }

    pub(super) fn part_after(&self, j: usize) -> Option<(Part, usize)> {
        let mut k = j;
        let at = self.lex(k) == Lex::At;
        if matches!(
            self.lex(k),
            Lex::In | Lex::At | Lex::On | Lex::This | Lex::Am | Lex::Of
        ) {
            k += 1;
        }
        if self.lex(k) == Lex::The {
            k += 1;
        }
        // "3 at night", but "one at afternoon 12" is a pronoun and a time.
        self.part_here(k).filter(|&(p, _)| !at || p == Part::Night)
    }

    /// "after work", "nach der Arbeit", "after lunch", "before lunch"
    pub(super) fn relative_part(&self, i: usize) -> Option<Mention> {
        let (rel, j) = self.relation_prefix(i)?;
        let j = if self.lex(j) == Lex::Of { j + 1 } else { j };
        let k = if self.lex(j) == Lex::The { j + 1 } else { j };
        let (from, to) = match (rel?, self.lex(k)) {
            (TimeRelation::After, Lex::Work | Lex::Part(Part::AfterWork)) => {
                (hm(17, 0)?, self.cx.close)
            }
            (TimeRelation::After, Lex::Part(Part::Lunch)) => (hm(14, 0)?, self.cx.close),
            (TimeRelation::Before, Lex::Part(Part::Lunch)) => (self.cx.open, hm(12, 0)?),
            _ => return None,
        };
        let (from, to) = clip(from, to, self.cx);
        Some(Mention {
            start: i,
            end: k + 1,
            value: Value::Part(from, to),
            score: PART_OF_DAY,
        })
    }

    pub(super) fn part_mention(&self, i: usize) -> Option<Mention> {
        let modifier = match self.lex(i) {
            Lex::Later => Lex::Late,
            other => other,
        };
        let j = if matches!(modifier, Lex::Early | Lex::Late) {
            if matches!(self.text.lex(i + 1), Lex::The | Lex::This) {
                i + 2
            } else {
                i + 1
            }
        } else {
            i
        };
        let (part, end) = self.part_here(j)?;
        let (from, to) = part_range(part, modifier, self.cx)?;
        Some(Mention {
            start: i,
            end,
            value: Value::Part(from, to),
            score: PART_OF_DAY,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cx, range_of};
    use crate::understanding::Locale;

    #[test]
    fn ranges() {
        let c = cx(Some(Locale::En), 8, 20);
        let cases = [
            ("between 2 and 5", Some("14:00-17:00")),
            ("from 2 to 4", Some("14:00-16:00")),
            ("2-4pm", Some("14:00-16:00")),
            ("11-2pm", Some("11:00-14:00")),
            ("morning", Some("08:00-12:00")),
            ("early evening", Some("17:00-19:00")),
            ("late morning", Some("10:00-12:00")),
            ("after 4", Some("16:00-20:00")),
            ("before noon", Some("08:00-12:00")),
            ("3pm", None),
        ];
        for (input, want) in cases {
            assert_eq!(range_of(input, &c).as_deref(), want, "{input}");
        }
        let de = cx(Some(Locale::De), 9, 18);
        assert_eq!(
            range_of("zwischen 14 und 16 uhr", &de).as_deref(),
            Some("14:00-16:00")
        );
        assert_eq!(range_of("ab 16 uhr", &de).as_deref(), Some("16:00-18:00"));
        assert_eq!(range_of("abends", &de).as_deref(), Some("17:00-18:00"));
    }
}
