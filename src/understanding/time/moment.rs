//! One time of day with how it is qualified: "at 3", "after 4", "gegen 15
//! Uhr", "in an hour", and bare numbers that only count as times next to a
//! date or once another time is known.

use chrono::NaiveTime;

use super::clock::{Clock, resolve};
use super::{LEFTOVER_NUMBER, MARKED, Mention, NEXT_TO_DATE, Scan, Value, WITH_PREPOSITION};
use crate::understanding::TimeRelation;
use crate::understanding::intent::Cue;
use crate::understanding::lexicon::Lex;

/// Strength order when relation words stack ("so gegen", "ab ca.").
fn stronger(a: Option<TimeRelation>, b: TimeRelation) -> TimeRelation {
    let rank = |r: TimeRelation| match r {
        TimeRelation::At => 0,
        TimeRelation::Around => 1,
        TimeRelation::After | TimeRelation::Before => 2,
    };
    match a {
        Some(a) if rank(a) >= rank(b) => a,
        _ => b,
    }
}

fn flip(r: TimeRelation) -> TimeRelation {
    match r {
        TimeRelation::After => TimeRelation::Before,
        TimeRelation::Before => TimeRelation::After,
        other => other,
    }
}

impl Scan<'_, '_> {
    /// Relation words before a time; several may stack ("so gegen", "not before").
    pub(super) fn relation_prefix(&self, i: usize) -> Option<(Option<TimeRelation>, usize)> {
        let mut rel: Option<TimeRelation> = None;
        let mut negated = false;
        let mut j = i;
        while j < i + 5 {
            let word = self.word(j);
            let next_word = self.text.word(j + 1);
            let r = match self.lex(j) {
                // "change it to 4", "auf 15 Uhr verschieben"
                Lex::At | Lex::To => Some(TimeRelation::At),
                _ if word == "auf" => Some(TimeRelation::At),
                Lex::Around
                    if word == "about"
                        && j > 0
                        && matches!(self.text.word(j - 1), "how" | "what") =>
                {
                    Some(TimeRelation::At)
                }
                Lex::Around => Some(TimeRelation::Around),
                Lex::After | Lex::Earliest | Lex::Nach | Lex::From => Some(TimeRelation::After),
                Lex::Before | Lex::By | Lex::Latest | Lex::Vor | Lex::Until => {
                    Some(TimeRelation::Before)
                }
                Lex::Later if next_word == "than" || self.text.lex(j + 1) == Lex::Of => {
                    Some(TimeRelation::After)
                }
                Lex::Early if next_word == "than" || self.text.lex(j + 1) == Lex::Of => {
                    Some(TimeRelation::Before)
                }
                // "para las 2"
                Lex::For if self.text.lex(j + 1) == Lex::ClockArticle => Some(TimeRelation::At),
                _ => None,
            };
            match r {
                Some(r) => rel = Some(stronger(rel, r)),
                None if matches!(word, "not" | "nicht" | "no") => negated = true,
                None if matches!(word, "so" | "than" | "a" | "ca")
                    || matches!(self.lex(j), Lex::ClockArticle | Lex::Of)
                    || (self.lex(j) == Lex::The && self.text.num(j + 1).is_some())
                    || self.text.is_punct(j, '.') => {}
                None => break,
            }
            j += 1;
        }
        let rel = rel.map(|r| if negated { flip(r) } else { r });
        (j > i && rel.is_some()).then_some((rel, j))
    }

    fn at(
        &self,
        start: usize,
        end: usize,
        clock: Clock,
        rel: TimeRelation,
        score: i32,
    ) -> Option<Mention> {
        Some(Mention {
            start,
            end,
            value: Value::At(resolve(clock, self.cx)?, rel),
            score,
        })
    }

    pub(super) fn relation_then_time(&self, i: usize) -> Option<Mention> {
        let (rel, j) = self.relation_prefix(i)?;
        let (clock, rel2, end) = self.timed(j)?;
        let rel = match (rel, rel2) {
            (Some(r), Some(s)) => stronger(Some(r), s),
            (r, s) => r.or(s).unwrap_or(TimeRelation::At),
        };
        let score = if clock.marked {
            MARKED
        } else {
            WITH_PREPOSITION
        };
        self.at(i, end, clock, rel, score)
    }

    /// "in an hour", "in 30 minutes", "in einer halben Stunde": now plus the
    /// wait, rounded up to five minutes; nothing if that crosses midnight.
    pub(super) fn in_a_while(&self, i: usize) -> Option<Mention> {
        if self.lex(i) != Lex::In {
            return None;
        }
        let mut j = i + 1;
        let count = match self.lex(j) {
            Lex::A if matches!(self.word(j + 1), "half" | "halben") => {
                j += 1;
                0.5
            }
            Lex::A => 1.0,
            Lex::Half if self.lex(j + 1) == Lex::A => {
                j += 1;
                0.5
            }
            Lex::Number(n) => f32::from(n),
            _ => self.text.num(j).filter(|&n| n <= 600).map(|n| n as f32)?,
        };
        let minutes = match self.lex(j + 1) {
            Lex::Hours => count * 60.0,
            Lex::Minutes => count,
            _ => return None,
        };
        let total = self
            .cx
            .now
            .signed_duration_since(NaiveTime::MIN)
            .num_minutes()
            + minutes as i64;
        let rounded = (total + 4) / 5 * 5;
        let t = u32::try_from(rounded)
            .ok()
            .filter(|&m| m < 24 * 60)
            .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))?;
        Some(Mention {
            start: i,
            end: j + 2,
            value: Value::At(t, TimeRelation::Around),
            score: MARKED,
        })
    }

    fn next_to_date(&self, start: usize, end: usize) -> bool {
        let before = start > 0 && self.used[start - 1];
        let before_comma = start > 1 && self.used[start - 2] && self.text.is_punct(start - 1, ',');
        let after = end < self.used.len() && self.used[end];
        before || before_comma || after
    }

    /// A clock on its own. Bare numbers count only beside a date ("friday 3",
    /// "tmr 1030"); otherwise they are kept for the leftover pass.
    pub(super) fn lone_time(&self, i: usize) -> Result<Mention, Option<(Clock, usize)>> {
        let Some((clock, rel, end)) = self.timed(i) else {
            return Err(None);
        };
        let rel = rel.unwrap_or(TimeRelation::At);
        let compact = self.text.digits(i) >= 3 && end == i + 1;
        let score = if clock.marked {
            MARKED
        } else if self.next_to_date(i, end)
            && (!compact
                || self
                    .text
                    .num(i)
                    .is_some_and(|n| !(1900..=2100).contains(&n)))
        {
            NEXT_TO_DATE
        } else {
            return Err(Some((clock, i)).filter(|_| !compact));
        };
        self.at(i, end, clock, rel, score).ok_or(None)
    }

    /// A bare number left over once another time is known: "um 3 kann ich
    /// nicht, geht auch 5?". Numbers that pick an option are not times.
    pub(super) fn leftover(&self, clock: Clock, i: usize) -> Option<Mention> {
        let before = i.checked_sub(1);
        let picks_option = before.is_some_and(|b| {
            self.text.is_punct(b, '#')
                || self.text.cue(b) == Cue::ChoiceNoun
                || self.text.lex(b) == Lex::The
        });
        let followed_by_dot_number =
            self.text.is_punct(i + 1, '.') && self.text.num(i + 2).is_some();
        (!picks_option && !followed_by_dot_number && clock.h >= 1)
            .then(|| self.at(i, i + 1, clock, TimeRelation::At, LEFTOVER_NUMBER))
            .flatten()
    }
}
