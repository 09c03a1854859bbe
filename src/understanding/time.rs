//! Times of day, ranges and parts of the day. A clock expression is read into
//! a raw 12/24-hour `Clock` first and only turned into a wall-clock time once
//! its meridiem, part of day and the opening hours are known.

use chrono::NaiveTime;

use super::lexicon::{Lex, Part};
use super::scope;
use super::text::{Kind, Text};
use super::{Locale, ParseContext, TimeRange, TimeRelation};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

#[derive(Clone, Copy, Debug, Default)]
struct Clock {
    h: u8,
    m: u8,
    meridiem: Option<Meridiem>,
    part: Option<Part>,
    /// Written as a 24-hour time ("14", "09:45", "0930").
    h24: bool,
    /// Carries a marker that makes it certainly a time (minutes, pm, Uhr,
    /// o'clock, a part of day), as opposed to a bare number.
    marked: bool,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Value {
    At(NaiveTime, TimeRelation),
    Range(NaiveTime, NaiveTime),
    Part(NaiveTime, NaiveTime),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Mention {
    pub start: usize,
    pub end: usize,
    pub value: Value,
    pub score: i32,
}

/// The time or span of the day the message settles on, out of all it mentions.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ChosenTime {
    pub time: Option<NaiveTime>,
    pub relation: Option<TimeRelation>,
    pub range: Option<TimeRange>,
    /// The chosen time is not under a negation.
    pub clean: bool,
}

const MARKED: i32 = 4;
const WITH_PREPOSITION: i32 = 3;
const NEXT_TO_DATE: i32 = 2;
const PART_OF_DAY: i32 = 2;
const LEFTOVER_NUMBER: i32 = 1;

fn hm(h: u8, m: u8) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(u32::from(h % 24), u32::from(m), 0)
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
        Part::Afternoon | Part::Evening | Part::AfterWork if h < 12 => h + 12,
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

fn resolve(c: Clock, cx: &ParseContext) -> Option<NaiveTime> {
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
fn resolve_pair(first: Clock, second: Clock, cx: &ParseContext) -> Option<(NaiveTime, NaiveTime)> {
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

/// Default spans of the parts of the day, before clipping to opening hours.
fn part_span(part: Part, modifier: Lex) -> (u8, u8) {
    match (part, modifier) {
        (Part::Morning, Lex::Early) => (8, 10),
        (Part::Morning, Lex::Late) => (10, 12),
        (Part::Morning, _) => (8, 12),
        (Part::Afternoon, Lex::Early) => (12, 14),
        (Part::Afternoon, Lex::Late) => (15, 17),
        (Part::Afternoon, _) => (12, 17),
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

struct Scan<'s, 't> {
    text: &'s Text<'t>,
    cx: &'s ParseContext,
    used: &'s [bool],
}

impl Scan<'_, '_> {
    fn free(&self, i: usize) -> bool {
        i < self.text.len() && !self.used[i] && self.text.live(i).is_some()
    }

    fn lex(&self, i: usize) -> Lex {
        if self.free(i) {
            self.text.lex(i)
        } else {
            Lex::None
        }
    }

    fn word(&self, i: usize) -> &str {
        if self.free(i) { self.text.word(i) } else { "" }
    }

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
                } else if to_words(l) && (said_minutes || matches!(n, 5 | 10 | 15 | 20 | 25)) {
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

    /// The part of the day a time sits in: "in the afternoon", "abends", "tonight".
    fn part_here(&self, j: usize) -> Option<(Part, usize)> {
        match self.lex(j) {
            Lex::Part(p) => Some((p, j + 1)),
            Lex::Tonight => Some((Part::Evening, j + 1)),
            // "so früh wie möglich" asks for the earliest slot, not the morning.
            Lex::Frueh if !matches!(self.text.word(j + 1), "wie" | "as") => {
                Some((Part::Morning, j + 1))
            }
            Lex::Morgen if super::date::morgen_means_morning(self.text, j) => {
                Some((Part::Morning, j + 1))
            }
            _ => None,
        }
    }

    fn part_after(&self, j: usize) -> Option<(Part, usize)> {
        let mut k = j;
        let at = self.lex(k) == Lex::At;
        if matches!(
            self.lex(k),
            Lex::In | Lex::At | Lex::On | Lex::This | Lex::Am
        ) {
            k += 1;
        }
        if self.lex(k) == Lex::The {
            k += 1;
        }
        // "3 at night", but "one at afternoon 12" is a pronoun and a time.
        self.part_here(k).filter(|&(p, _)| !at || p == Part::Night)
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
    fn timed(&self, i: usize) -> Option<(Clock, Option<TimeRelation>, usize)> {
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

    /// Relation words before a time; several may stack ("so gegen", "not before").
    fn relation_prefix(&self, i: usize) -> Option<(Option<TimeRelation>, usize)> {
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
                Lex::Later if next_word == "than" => Some(TimeRelation::After),
                Lex::Early if next_word == "than" => Some(TimeRelation::Before),
                _ => None,
            };
            match r {
                Some(r) => rel = Some(stronger(rel, r)),
                None if matches!(word, "not" | "nicht" | "no") => negated = true,
                None if matches!(word, "so" | "than" | "a" | "ca")
                    || self.text.is_punct(j, '.') => {}
                None => break,
            }
            j += 1;
        }
        let rel = rel.map(|r| if negated { flip(r) } else { r });
        (j > i && rel.is_some()).then_some((rel, j))
    }

    /// between 2 and 5, from 2 to 4, von 10 bis 12, 2-4pm, 14-16 Uhr
    fn range(&self, i: usize) -> Option<Mention> {
        let prefixed = matches!(self.lex(i), Lex::Between | Lex::From | Lex::After);
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

    /// "after work", "nach der Arbeit", "after lunch", "before lunch"
    fn relative_part(&self, i: usize) -> Option<Mention> {
        let (rel, j) = self.relation_prefix(i)?;
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

    /// "in an hour", "in 30 minutes", "in einer halben Stunde": now plus the
    /// wait, rounded up to five minutes; nothing if that crosses midnight.
    fn in_a_while(&self, i: usize) -> Option<Mention> {
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

    fn relation_then_time(&self, i: usize) -> Option<Mention> {
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

    fn next_to_date(&self, start: usize, end: usize) -> bool {
        let before = start > 0 && self.used[start - 1];
        let before_comma = start > 1 && self.used[start - 2] && self.text.is_punct(start - 1, ',');
        let after = end < self.used.len() && self.used[end];
        before || before_comma || after
    }

    /// A clock on its own. Bare numbers count only beside a date ("friday 3",
    /// "tmr 1030"); otherwise they are kept for the leftover pass.
    fn lone_time(&self, i: usize) -> Result<Mention, Option<(Clock, usize)>> {
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

    fn part_mention(&self, i: usize) -> Option<Mention> {
        let modifier = match self.lex(i) {
            Lex::Later => Lex::Late,
            other => other,
        };
        let j = if matches!(modifier, Lex::Early | Lex::Late) {
            if self.lex(i + 1) == Lex::The {
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

    /// A bare number left over once another time is known: "um 3 kann ich
    /// nicht, geht auch 5?". Numbers that pick an option are not times.
    fn leftover(&self, clock: Clock, i: usize) -> Option<Mention> {
        let before = i.checked_sub(1);
        let picks_option = before.is_some_and(|b| {
            self.text.is_punct(b, '#')
                || self.text.cue(b) == super::intent::Cue::ChoiceNoun
                || self.text.lex(b) == Lex::The
        });
        let followed_by_dot_number =
            self.text.is_punct(i + 1, '.') && self.text.num(i + 2).is_some();
        (!picks_option && !followed_by_dot_number && clock.h >= 1)
            .then(|| self.at(i, i + 1, clock, TimeRelation::At, LEFTOVER_NUMBER))
            .flatten()
    }
}

pub(super) fn find(text: &Text, cx: &ParseContext, used: &mut [bool]) -> Vec<Mention> {
    let scan = Scan { text, cx, used };
    let mut out = Vec::new();
    let mut leftovers = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !scan.free(i) {
            i += 1;
            continue;
        }
        let found = scan
            .in_a_while(i)
            .or_else(|| scan.range(i))
            .or_else(|| scan.relation_then_time(i))
            .or_else(|| scan.relative_part(i))
            .map(Ok)
            .unwrap_or_else(|| scan.lone_time(i))
            .or_else(|bare| {
                if let Some(b) = bare {
                    leftovers.push(b);
                }
                scan.part_mention(i).ok_or(())
            });
        match found {
            Ok(m) if m.end > i => {
                out.push(m);
                i = m.end;
            }
            _ => i += 1,
        }
    }
    if out.iter().any(|m| matches!(m.value, Value::At(..))) {
        let extra: Vec<Mention> = leftovers
            .into_iter()
            .filter(|&(_, at)| !out.iter().any(|m| (m.start..m.end).contains(&at)))
            .filter_map(|(clock, at)| scan.leftover(clock, at))
            .collect();
        out.extend(extra);
        out.sort_by_key(|m| m.start);
    }
    for m in &out {
        super::text::claim(used, m.start, m.end);
    }
    out
}

fn penalty(m: &Mention, pen: &[i32]) -> i32 {
    pen.get(m.start..m.end.min(pen.len()))
        .and_then(|p| p.iter().max().copied())
        .unwrap_or(0)
}

fn best<'m>(
    mentions: &'m [Mention],
    pen: &[i32],
    kind: fn(&Value) -> bool,
) -> Option<(&'m Mention, i32)> {
    mentions
        .iter()
        .filter(|m| kind(&m.value))
        .fold(None, |best: Option<(&Mention, i32)>, m| {
            let p = penalty(m, pen);
            match best {
                Some((b, bp)) if b.score - bp >= m.score - p => Some((b, bp)),
                _ => Some((m, p)),
            }
        })
}

pub(super) fn pick(mentions: &[Mention], pen: &[i32], cx: &ParseContext) -> ChosenTime {
    let mut at = best(mentions, pen, |v| matches!(v, Value::At(..)));
    let mut range = best(mentions, pen, |v| matches!(v, Value::Range(..)));
    let part = best(mentions, pen, |v| matches!(v, Value::Part(..)));
    // A rejected time loses to an unrejected range and vice versa.
    let rejected = |m: Option<(&Mention, i32)>| m.is_some_and(|(_, p)| p >= scope::CLAUSE);
    let clean = |m: Option<(&Mention, i32)>| m.is_some_and(|(_, p)| p == 0);
    if rejected(at) && (clean(range) || clean(part)) {
        at = None;
    }
    if rejected(range) && clean(at) {
        range = None;
    }
    let mut out = ChosenTime::default();
    if let Some((m, p)) = at
        && let Value::At(t, rel) = m.value
    {
        out.time = Some(t);
        out.relation = Some(rel);
        out.clean = p == 0;
        out.range = match rel {
            TimeRelation::After if t < cx.close => Some(TimeRange {
                from: t,
                to: cx.close,
            }),
            TimeRelation::Before if cx.open < t => Some(TimeRange {
                from: cx.open,
                to: t,
            }),
            _ => None,
        };
    }
    if let Some((m, _)) = range
        && let Value::Range(from, to) = m.value
    {
        out.range = Some(TimeRange { from, to });
    }
    if out.time.is_none()
        && out.range.is_none()
        && let Some((m, _)) = part
        && let Value::Part(from, to) = m.value
    {
        out.range = Some(TimeRange { from, to });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn cx(lang: Option<Locale>, open: u8, close: u8) -> ParseContext {
        ParseContext {
            today: NaiveDate::from_ymd_opt(2019, 3, 1).unwrap_or_default(),
            lang,
            now: hm(10, 0).unwrap_or_default(),
            order: super::super::DateOrder::MonthDay,
            open: hm(open, 0).unwrap_or_default(),
            close: hm(close, 0).unwrap_or_default(),
        }
    }

    fn run(input: &str, cx: &ParseContext) -> ChosenTime {
        let text = Text::new(input);
        let mut used = vec![false; text.len()];
        let _ = super::super::date::find(&text, cx, &mut used);
        let found = find(&text, cx, &mut used);
        pick(&found, &super::super::scope::penalties(&text), cx)
    }

    fn time_of(input: &str, cx: &ParseContext) -> Option<String> {
        run(input, cx).time.map(|t| t.format("%H:%M").to_string())
    }

    fn range_of(input: &str, cx: &ParseContext) -> Option<String> {
        run(input, cx)
            .range
            .map(|r| format!("{}-{}", r.from.format("%H:%M"), r.to.format("%H:%M")))
    }

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
