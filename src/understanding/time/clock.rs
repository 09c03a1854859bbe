//! The clock itself: an hour and minutes in any of the ways customers write
//! them ("3", "15:30", "1530", "half past 3", "Viertel vor 11", "eleven
//! thirty") with the markers that follow (pm, Uhr, o'clock, "in the
//! evening"), and how a raw `Clock` becomes a wall-clock time.

use chrono::NaiveTime;

use super::{Scan, hm};
use crate::understanding::lexicon::{Lex, Part};
use crate::understanding::text::Kind;
use crate::understanding::{Locale, ParseContext, TimeRelation};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Clock {
    pub(super) h: u8,
    m: u8,
    meridiem: Option<Meridiem>,
    part: Option<Part>,
    /// Written as a 24-hour time ("14", "09:45", "0930").
    h24: bool,
    /// Carries a marker that makes it certainly a time (minutes, pm, Uhr,
    /// o'clock, a part of day), as opposed to a bare number.
    pub(super) marked: bool,
}

impl Clock {
    fn new(h: u8, m: u8, h24: bool, marked: bool) -> Clock {
        Clock {
            h,
            m,
            h24,
            marked,
            ..Clock::default()
        }
    }

    fn is_bare(&self) -> bool {
        self.meridiem.is_none() && self.part.is_none() && !self.h24 && self.h <= 12
    }
}

/// The hour before on a clock face: "halb 1" is 12:30, "quarter to 13" 12:45.
fn back_one(h: u8, h24: bool) -> u8 {
    match h {
        0 => 23,
        1 if !h24 => 12,
        _ => h - 1,
    }
}

fn apply_part(h: u8, part: Part) -> u8 {
    match part {
        Part::Morning => h,
        Part::Afternoon | Part::LongAfternoon | Part::Evening | Part::AfterWork if h < 12 => h + 12,
        Part::Night if (6..12).contains(&h) => h + 12,
        Part::Lunch if h <= 3 => h + 12,
        _ => h,
    }
}

fn within(t: NaiveTime, cx: &ParseContext) -> bool {
    cx.open <= t && t < cx.close
}

/// A bare "3" or "10:30" is whichever of am/pm falls inside the opening hours.
fn by_opening(h: u8, m: u8, cx: &ParseContext) -> Option<NaiveTime> {
    let (early, late) = match h {
        12 => (hm(12, m)?, hm(0, m)?),
        _ => (hm(h, m)?, hm(h + 12, m)?),
    };
    Some(match (within(early, cx), within(late, cx)) {
        (true, _) => early,
        (false, true) => late,
        // Outside the opening hours either way: the customary reading.
        (false, false) if (7..=12).contains(&h) => early,
        (false, false) => late,
    })
}

pub(super) fn resolve(c: Clock, cx: &ParseContext) -> Option<NaiveTime> {
    if c.h > 24 || c.m > 59 {
        return None;
    }
    match (c.meridiem, c.part) {
        (Some(Meridiem::Pm), _) if c.h < 12 => hm(c.h + 12, c.m),
        (Some(Meridiem::Am), _) if c.h == 12 => hm(0, c.m),
        (Some(_), _) => hm(c.h, c.m),
        (None, Some(p)) => hm(apply_part(c.h, p), c.m),
        (None, None) if !c.is_bare() => hm(c.h, c.m),
        (None, None) => by_opening(c.h, c.m, cx),
    }
}

fn readings(c: Clock) -> impl Iterator<Item = NaiveTime> {
    let later = if c.h < 12 { c.h + 12 } else { c.h };
    [hm(c.h, c.m), hm(later, c.m)].into_iter().flatten()
}

/// Resolves "2-4pm", "between 2 and 5", "11-2pm", "14-16 Uhr".
pub(super) fn resolve_pair(
    first: Clock,
    second: Clock,
    cx: &ParseContext,
) -> Option<(NaiveTime, NaiveTime)> {
    let mut first = first;
    if first.is_bare() && second.part.is_some() {
        first.part = second.part;
    }
    let t2 = resolve(second, cx)?;
    let t1 = if first.is_bare() && !second.is_bare() {
        readings(first).filter(|t| *t < t2).max()?
    } else {
        resolve(first, cx)?
    };
    let t2 = if second.is_bare() {
        readings(second).filter(|t| *t > t1).min()?
    } else {
        t2
    };
    (t1 < t2).then_some((t1, t2))
}

impl Scan<'_, '_> {
    /// An hour: "3", "15", "09", "three".
    fn hour(&self, i: usize) -> Option<(u8, bool)> {
        if !self.free(i) {
            return None;
        }
        let tok = self.text.toks[i];
        match (tok.kind, tok.lex) {
            (Kind::Num, _) if !tok.ordinal && tok.digits <= 2 && tok.num <= 24 => {
                let n = tok.num as u8;
                Some((n, n >= 13 || n == 0 || (tok.digits == 2 && n < 10)))
            }
            (Kind::Word, Lex::Number(n)) if (1..=24).contains(&n) => Some((n, n >= 13)),
            _ => None,
        }
    }

    /// A count of minutes: "10", "ten", "twenty five".
    fn minutes(&self, i: usize) -> Option<(u8, usize)> {
        if !self.free(i) {
            return None;
        }
        let tok = self.text.toks[i];
        let (n, end) = match (tok.kind, tok.lex) {
            (Kind::Num, _) if !tok.ordinal && tok.digits <= 2 => (tok.num as u8, i + 1),
            (Kind::Word, Lex::Number(tens)) if tens >= 20 && tens % 10 == 0 => {
                match self.lex(i + 1) {
                    Lex::Number(ones) if (1..=9).contains(&ones) => (tens + ones, i + 2),
                    _ => (tens, i + 1),
                }
            }
            (Kind::Word, Lex::Number(n)) => (n, i + 1),
            _ => return None,
        };
        (1..=59).contains(&n).then_some((n, end))
    }

    /// half past 3, quarter to 11, 10 past 4, 20 to 5
    fn english_relative(&self, i: usize) -> Option<(Clock, usize)> {
        let to_words = |l: Lex| matches!(l, Lex::To | Lex::Of | Lex::Until | Lex::Before);
        let past_words = |l: Lex| matches!(l, Lex::Past | Lex::After);
        match self.lex(i) {
            Lex::Half => {
                let j = if past_words(self.lex(i + 1)) {
                    i + 2
                } else {
                    i + 1
                };
                let (h, h24) = self.hour(j)?;
                Some((Clock::new(h, 30, h24, true), j + 1))
            }
            Lex::Quarter => {
                let (h, h24) = self.hour(i + 2)?;
                let l = self.lex(i + 1);
                if past_words(l) {
                    Some((Clock::new(h, 15, h24, true), i + 3))
                } else if to_words(l) {
                    Some((Clock::new(back_one(h, h24), 45, h24, true), i + 3))
                } else {
                    None
                }
            }
            _ => {
                let (n, mut j) = self.minutes(i)?;
                let said_minutes = self.lex(j) == Lex::Minutes;
                if said_minutes {
                    j += 1;
                }
                let (h, h24) = self.hour(j + 1)?;
                let l = self.lex(j);
                if past_words(l) && (said_minutes || n % 5 == 0) {
                    Some((Clock::new(h, n, h24, true), j + 2))
                } else if to_words(l)
                    && (said_minutes || matches!(n, 5 | 10 | 15 | 20 | 25))
                    && self
                        .cx
                        .lang
                        .is_none_or(|lang| lang.language().vocabulary.minutes_to_the_hour)
                {
                    Some((Clock::new(back_one(h, h24), 60 - n, h24, true), j + 2))
                } else {
                    None
                }
            }
        }
    }

    /// halb 4, viertel nach 10, viertel vor 11, dreiviertel 11, 5 vor halb 4
    fn german_relative(&self, i: usize) -> Option<(Clock, usize)> {
        let at = |j: usize, m: u8, back: bool| {
            self.hour(j).map(|(h, h24)| {
                let h = if back { back_one(h, h24) } else { h };
                (Clock::new(h, m, h24, true), j + 1)
            })
        };
        match (self.lex(i), self.lex(i + 1)) {
            (Lex::Halb, _) => at(i + 1, 30, true),
            (Lex::Viertel, Lex::Nach) => at(i + 2, 15, false),
            (Lex::Viertel, Lex::Vor) => at(i + 2, 45, true),
            (Lex::Viertel, _) => at(i + 1, 15, true),
            (Lex::Dreiviertel, _) => at(i + 1, 45, true),
            (Lex::Number(3), Lex::Viertel) => at(i + 2, 45, true),
            _ => {
                let (n, j) = self.minutes(i)?;
                let half = self.lex(j + 1) == Lex::Halb;
                let k = if half { j + 2 } else { j + 1 };
                match (self.lex(j), half) {
                    (Lex::Nach, false) if n < 30 => at(k, n, false),
                    (Lex::Vor, false) if n < 30 => at(k, 60 - n, true),
                    (Lex::Nach, true) if n < 30 => at(k, 30 + n, true),
                    (Lex::Vor, true) if n < 30 => at(k, 30 - n, true),
                    _ => None,
                }
            }
        }
    }

    /// 5 y media, 5 y cuarto, 5 y 20, 5 menos cuarto, 5 menos 10: the hour, then what to add
    /// or take away. Right after "between", "4 y 5" is a range, so only "y media"/"y cuarto" count.
    fn hour_and_minutes(&self, i: usize) -> Option<(Clock, usize)> {
        let (h, h24) = self.hour(i)?;
        let in_range = (i.saturating_sub(2)..i).any(|j| self.text.lex(j) == Lex::Between);
        let amount = |j: usize| match self.lex(j) {
            Lex::Half => Some((30, j + 1)),
            Lex::Quarter => Some((15, j + 1)),
            _ if in_range => None,
            _ => self
                .minutes(j)
                .filter(|&(m, _)| m % 5 == 0 && m >= 5)
                .map(|(m, end)| {
                    (
                        m,
                        if self.lex(end) == Lex::Minutes {
                            end + 1
                        } else {
                            end
                        },
                    )
                }),
        };
        match self.lex(i + 1) {
            Lex::And => {
                let (m, end) = amount(i + 2)?;
                Some((Clock::new(h, m, h24, true), end))
            }
            Lex::Minus => {
                let (m, end) = amount(i + 2).filter(|&(m, _)| m < 60)?;
                Some((Clock::new(back_one(h, h24), 60 - m, h24, true), end))
            }
            _ => None,
        }
    }

    /// 15:30, 15.30, 15h30, 15 Uhr 30
    fn with_minutes(&self, i: usize) -> Option<(Clock, usize)> {
        let tok = self.text.live(i).filter(|t| t.kind == Kind::Num)?;
        let (h, h24) = self.hour(i)?;
        let sep_ok = match self.text.punct(i + 1) {
            Some(':' | '.') => !self.text.gap(i + 1) && !self.text.gap(i + 2),
            _ => matches!(self.word(i + 1), "h" | "uhr"),
        };
        let mm = self
            .text
            .num(i + 2)
            .filter(|_| self.text.digits(i + 2) == 2)?;
        (sep_ok && mm <= 59 && self.free(i + 2) && tok.digits <= 2)
            .then(|| (Clock::new(h, mm as u8, h24, true), i + 3))
    }

    /// 1530, 930 — a time only with a marker, a preposition or next to a date.
    fn compact(&self, i: usize) -> Option<(Clock, usize)> {
        if !self.free(i) {
            return None;
        }
        let tok = self.text.toks[i];
        if tok.kind != Kind::Num || tok.ordinal || !(3..=4).contains(&tok.digits) {
            return None;
        }
        let (h, m) = ((tok.num / 100) as u8, (tok.num % 100) as u8);
        (h <= 23 && m <= 59).then(|| {
            (
                Clock::new(h, m, tok.digits == 4 && !(10..13).contains(&h), false),
                i + 1,
            )
        })
    }

    /// "eleven thirty", "four", "3"
    fn plain(&self, i: usize) -> Option<(Clock, usize)> {
        let (h, h24) = self.hour(i)?;
        if let Lex::Number(_) = self.lex(i)
            && let Some((m, end)) = self.minutes(i + 1).filter(|&(m, _)| m >= 10)
            && matches!(self.lex(i + 1), Lex::Number(_))
        {
            return Some((Clock::new(h, m, h24, true), end));
        }
        Some((Clock::new(h, 0, h24, false), i + 1))
    }

    fn noon(&self, i: usize) -> Option<(Clock, usize)> {
        match self.lex(i) {
            Lex::Noon => Some((Clock::new(12, 0, true, true), i + 1)),
            Lex::Midnight => Some((Clock::new(0, 0, true, true), i + 1)),
            _ => None,
        }
    }

    fn clock_core(&self, i: usize) -> Option<(Clock, usize)> {
        self.english_relative(i)
            .or_else(|| self.german_relative(i))
            .or_else(|| self.hour_and_minutes(i))
            .or_else(|| self.with_minutes(i))
            .or_else(|| self.noon(i))
            .or_else(|| self.compact(i))
            .or_else(|| self.plain(i))
    }

    /// "am" after a number is a.m. in English but starts "am Montag" in German.
    fn am_is_meridiem(&self, j: usize) -> bool {
        self.cx.lang != Some(Locale::De)
            && !matches!(
                self.text.lex(j + 1),
                Lex::Weekday(_) | Lex::Morgen | Lex::Part(_) | Lex::Ordinal(_)
            )
            && self.text.num(j + 1).is_none()
    }

    /// "p.m.", "a. m."
    fn dotted_meridiem(&self, j: usize) -> Option<(Meridiem, usize)> {
        let m = match self.word(j) {
            "a" => Meridiem::Am,
            "p" => Meridiem::Pm,
            _ => return None,
        };
        let k = if self.text.is_punct(j + 1, '.') {
            j + 2
        } else {
            j + 1
        };
        if !self.text.is_word(k, "m") || k == j + 1 {
            return None;
        }
        let end = if self.text.is_punct(k + 1, '.') {
            k + 2
        } else {
            k + 1
        };
        Some((m, end))
    }

    /// Markers after a clock: pm, Uhr, o'clock, "in the evening", "or so", "at the latest".
    fn suffix(&self, clock: Clock, j: usize) -> (Clock, Option<TimeRelation>, usize) {
        let (mut c, mut j, mut rel) = (clock, j, None);
        for _ in 0..4 {
            let lex = self.lex(j);
            if lex == Lex::Pm || (lex == Lex::Am && self.am_is_meridiem(j)) {
                c.meridiem = Some(if lex == Lex::Pm {
                    Meridiem::Pm
                } else {
                    Meridiem::Am
                });
                j += 1;
            } else if let Some((m, end)) = self.dotted_meridiem(j) {
                c.meridiem = Some(m);
                j = end;
            } else if lex == Lex::Oclock
                || lex == Lex::Uhr
                || (self.word(j) == "h" && !self.text.gap(j))
                || (lex == Lex::Noon && c.h == 12)
            {
                j += 1;
            } else if self.word(j) == "o" && self.text.is_word(j + 1, "clock") {
                j += 2;
            } else if lex == Lex::Around {
                rel = Some(TimeRelation::Around);
                j += 1;
            } else if self.word(j) == "or" && self.text.is_word(j + 1, "so") {
                rel = Some(TimeRelation::Around);
                j += 2;
            } else if let Some(end) = self.latest_suffix(j) {
                rel = Some(TimeRelation::Before);
                j = end;
            } else if let Some((p, end)) = self.part_after(j).filter(|_| c.part.is_none()) {
                c.part = Some(p);
                j = end;
            } else {
                break;
            }
            c.marked = true;
        }
        (c, rel, j)
    }

    /// "a la una": an article right before an hour word.
    fn article_before_hour(&self, i: usize) -> bool {
        let hour_next = matches!(self.lex(i + 1), Lex::Number(1..=12))
            || self.text.num(i + 1).is_some_and(|n| n <= 12);
        self.lex(i) == Lex::The
            && hour_next
            && i > 0
            && matches!(
                self.text.lex(i - 1),
                Lex::To
                    | Lex::At
                    | Lex::And
                    | Lex::Of
                    | Lex::Before
                    | Lex::After
                    | Lex::Until
                    | Lex::Around
            )
    }

    /// "at the latest", "the latest", "spätestens" after the time.
    fn latest_suffix(&self, j: usize) -> Option<usize> {
        let mut k = j;
        if self.lex(k) == Lex::At {
            k += 1;
        }
        if self.lex(k) == Lex::The {
            k += 1;
        }
        (self.lex(k) == Lex::Latest).then_some(k + 1)
    }

    /// A clock with its markers, optionally introduced by a part of the day
    /// ("afternoon 2:15", "abends um 7", "morgen früh um 9").
    pub(super) fn timed(&self, i: usize) -> Option<(Clock, Option<TimeRelation>, usize)> {
        // "las 5", "la una": the article only says an hour follows.
        let i = if self.lex(i) == Lex::ClockArticle || self.article_before_hour(i) {
            i + 1
        } else {
            i
        };
        if let Some((part, j)) = self.part_here(i) {
            let (rel, k) = self.relation_prefix(j).unwrap_or((None, j));
            let (clock, end) = self.clock_core(k)?;
            let (mut clock, rel2, end) = self.suffix(clock, end);
            if clock.part.is_none() {
                clock.part = Some(part);
            }
            clock.marked = true;
            return Some((clock, rel2.or(rel), end));
        }
        let (clock, end) = self.clock_core(i)?;
        Some(self.suffix(clock, end))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cx, time_of};
    use crate::understanding::Locale;

    #[test]
    fn english_times() {
        let c = cx(Some(Locale::En), 8, 20);
        let cases = [
            ("3pm", Some("15:00")),
            ("3 p.m.", Some("15:00")),
            ("at 1:15", Some("13:15")),
            ("15:00", Some("15:00")),
            ("at 1530", Some("15:30")),
            ("half past 3", Some("15:30")),
            ("quarter to 11 in the morning", Some("10:45")),
            ("quarter to 13 in the afternoon", Some("12:45")),
            ("afternoon 2:15", Some("14:15")),
            ("evening 4", Some("16:00")),
            ("noon", Some("12:00")),
            ("midnight", Some("00:00")),
            ("at 3", Some("15:00")),
            ("at 10", Some("10:00")),
            ("twelve in the afternoon", Some("12:00")),
            ("4 o\"clock in the evening", Some("16:00")),
            ("at morning 3:30 pm", Some("15:30")),
            ("after 4", Some("16:00")),
            ("eleven thirty", Some("11:30")),
            ("can we change the time to 4?", Some("16:00")),
            (
                "Can you make it for 1 pm instead? I forgot I have something else at 2.",
                Some("13:00"),
            ),
            ("2", None),
            ("the second one", None),
            ("I'm going out that night", None),
        ];
        for (input, want) in cases {
            assert_eq!(time_of(input, &c).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn german_times() {
        let c = cx(Some(Locale::De), 9, 18);
        let cases = [
            ("um halb 4", Some("15:30")),
            ("halb vier", Some("15:30")),
            ("Viertel nach 10", Some("10:15")),
            ("Viertel vor 11", Some("10:45")),
            ("dreiviertel 11", Some("10:45")),
            ("gegen 15 Uhr", Some("15:00")),
            ("15.30 uhr", Some("15:30")),
            ("um 4", Some("16:00")),
            ("um 8 uhr abends", Some("20:00")),
            ("5 vor halb 4", Some("15:25")),
            ("um zwei am freitag", Some("14:00")),
            ("mittags so um 1", Some("13:00")),
            ("um 3 kann ich nicht, geht auch 5?", Some("17:00")),
        ];
        for (input, want) in cases {
            assert_eq!(time_of(input, &c).as_deref(), want, "{input}");
        }
    }
}
