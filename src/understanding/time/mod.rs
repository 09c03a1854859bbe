//! Times of day, ranges and parts of the day. A clock expression is read into
//! a raw 12/24-hour `Clock` first and only turned into a wall-clock time once
//! its meridiem, part of day and the opening hours are known.
//!
//! One left-to-right [`find`] pass tries, at each free token, the readings in
//! the submodules: [`clock`] reads the clock itself ("half past 3", "15 Uhr"),
//! [`moment`] one qualified time ("after 4", "in an hour"), [`spans`] ranges
//! and parts of the day ("2-4pm", "abends"). [`pick`] then chooses among them.

mod clock;
mod moment;
mod spans;

use chrono::NaiveTime;

use super::lexicon::Lex;
use super::scope;
use super::text::Text;
use super::{ParseContext, TimeRange, TimeRelation};

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

// How surely a mention is a time; `pick` prefers the higher score.
const MARKED: i32 = 4;
const WITH_PREPOSITION: i32 = 3;
const NEXT_TO_DATE: i32 = 2;
const PART_OF_DAY: i32 = 2;
const LEFTOVER_NUMBER: i32 = 1;

fn hm(h: u8, m: u8) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(u32::from(h % 24), u32::from(m), 0)
}

/// One message's tokens during the time pass; `used` marks the tokens the
/// date pass already claimed, which are never read as times.
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

/// The whole time pass (after the date pass, as `understand` runs it), for
/// the tests of every submodule.
#[cfg(test)]
mod tests {
    use super::super::Locale;
    use super::*;
    use chrono::NaiveDate;

    pub(super) fn cx(lang: Option<Locale>, open: u8, close: u8) -> ParseContext {
        ParseContext {
            today: NaiveDate::from_ymd_opt(2019, 3, 1).unwrap_or_default(),
            lang,
            now: hm(10, 0).unwrap_or_default(),
            order: super::super::DateOrder::MonthDay,
            open: hm(open, 0).unwrap_or_default(),
            close: hm(close, 0).unwrap_or_default(),
            zone: chrono_tz::UTC,
        }
    }

    pub(super) fn run(input: &str, cx: &ParseContext) -> ChosenTime {
        let text = Text::new(input);
        let mut used = vec![false; text.len()];
        let _ = super::super::date::find(&text, cx, &mut used);
        let found = find(&text, cx, &mut used);
        pick(&found, &super::super::scope::penalties(&text), cx)
    }

    pub(super) fn time_of(input: &str, cx: &ParseContext) -> Option<String> {
        run(input, cx).time.map(|t| t.format("%H:%M").to_string())
    }

    pub(super) fn range_of(input: &str, cx: &ParseContext) -> Option<String> {
        run(input, cx)
            .range
            .map(|r| format!("{}-{}", r.from.format("%H:%M"), r.to.format("%H:%M")))
    }
}
