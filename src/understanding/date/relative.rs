//! Days named relative to today or by name: "tomorrow", "pasado mañana", "in 3 days", "a week
//! from friday", "Boxing Day", "the day before Christmas Eve".

use chrono::{Months, NaiveDate};

use super::calendar::plus_days;
use super::{
    CALENDAR, Mention, PLAIN, Value, count_at, day, day_month, small, weekday_expr, weeks_later,
};
use crate::understanding::holidays;
use crate::understanding::lexicon::Lex;
use crate::understanding::text::Text;
use crate::understanding::{DateKind, ParseContext};

/// today, tomorrow, übermorgen, the day after tomorrow
pub(super) fn relative_day(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let today = cx.today;
    let rel = |end: usize, date: Option<NaiveDate>| day(i, end, date, DateKind::Relative, PLAIN);
    // "heute in einer Woche", "tomorrow week", "de hoy en ocho"
    let later = |days: u64| match weeks_later(text, i + 1) {
        Some((n, end)) => rel(end, plus_days(today, days + n)),
        None => rel(i + 1, plus_days(today, days)),
    };
    match text.lex(i) {
        Lex::Today => Some(later(0)),
        Lex::Tonight => Some(rel(i + 1, Some(today))),
        Lex::Tomorrow => Some(later(1)),
        Lex::Morgen if !morgen_means_morning(text, i) => Some(later(1)),
        Lex::Overmorrow => Some(later(2)),
        Lex::Over if matches!(text.lex(i + 1), Lex::Tomorrow | Lex::Morgen) => {
            Some(rel(i + 2, plus_days(today, 2)))
        }
        // "mañana no, pasado": the day after the tomorrow just named.
        Lex::Over if (0..i).any(|j| matches!(text.lex(j), Lex::Tomorrow | Lex::Morgen)) => {
            Some(rel(i + 1, plus_days(today, 2)))
        }
        Lex::LaterToday => Some(rel(i + 1, Some(today))),
        // "this evening", "esta tarde": a part of today. Only "this" is claimed, so the time
        // pass still reads the part.
        Lex::This if part_of_day_at(text, i + 1) => Some(rel(i + 1, Some(today))),
        Lex::Yesterday => Some(rel(i + 1, today.pred_opt())),
        Lex::DayUnit
            if text.lex(i + 1) == Lex::After
                && matches!(text.lex(i + 2), Lex::Tomorrow | Lex::Morgen) =>
        {
            Some(rel(i + 3, plus_days(today, 2)))
        }
        _ => None,
    }
}

/// Relative days and counts: "tomorrow", "in 3 days", "a week from today".
pub(super) fn relative(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    relative_day(text, cx, i)
        .or_else(|| in_count(text, cx, i))
        .or_else(|| count_from(text, cx, i))
}

/// "heute morgen", "am Morgen", "guten Morgen", "esta mañana", "por la mañana" are about the
/// morning.
pub(in crate::understanding) fn morgen_means_morning(text: &Text, i: usize) -> bool {
    i > 0
        && (matches!(text.lex(i - 1), Lex::Today | Lex::This)
            || crate::languages::ALL
                .iter()
                .any(|l| l.vocabulary.morning_markers.contains(&text.word(i - 1))))
}

pub(super) fn part_of_day_at(text: &Text, i: usize) -> bool {
    match text.lex(i) {
        Lex::Part(_) => true,
        Lex::Morgen => morgen_means_morning(text, i),
        _ => false,
    }
}

/// "Boxing Day", "Heiligabend", "Nochebuena", "2. Weihnachtstag".
pub(super) fn named_day(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    named_day_or_span(text, cx, i, true)
}

pub(super) fn named_day_or_span(
    text: &Text,
    cx: &ParseContext,
    i: usize,
    spans: bool,
) -> Option<Mention> {
    let named = |j: usize| match text.lex(j) {
        Lex::Holiday(h) => Some(h),
        _ => None,
    };
    // "2. Weihnachtstag": the day number counts the Christmas days.
    if let Some(n) = small(text, i).filter(|_| text.is_punct(i + 1, '.'))
        && named(i + 2) == Some(crate::languages::vocabulary::Holiday::Christmas)
        && (1..=3).contains(&n)
    {
        let date = holidays::next(
            crate::languages::vocabulary::Holiday::Christmas,
            cx.country(),
            cx.today,
        )
        .and_then(|d| plus_days(d, u64::from(n - 1)));
        return Some(day(i, i + 3, date, DateKind::Calendar, CALENDAR));
    }
    let holiday = named(i)?;
    // "before Christmas", "nach Ostern", "antes de Navidad" name a span, not the day.
    let mut j = i;
    while j > 0 && matches!(text.lex(j - 1), Lex::Of | Lex::The) {
        j -= 1;
    }
    let around = spans
        && j > 0
        && matches!(
            text.lex(j - 1),
            Lex::Before | Lex::After | Lex::Vor | Lex::Nach | Lex::Until
        );
    if around {
        return Some(Mention {
            value: Value::Vague,
            ..day(i, i + 1, None, DateKind::Calendar, CALENDAR)
        });
    }
    let date = holidays::next(holiday, cx.country(), cx.today);
    Some(day(i, i + 1, date, DateKind::Calendar, CALENDAR))
}

/// "the day before Christmas Eve", "am Tag nach Ostern", "el día después de Navidad".
pub(super) fn day_around(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    if text.lex(i) != Lex::DayUnit {
        return None;
    }
    let before = match text.lex(i + 1) {
        Lex::Before | Lex::Vor => true,
        Lex::After | Lex::Nach => false,
        _ => return None,
    };
    let mut j = i + 2;
    if text.lex(j) == Lex::Of {
        j += 1;
    }
    if text.lex(j) == Lex::The {
        j += 1;
    }
    let m = named_day_or_span(text, cx, j, false)
        .or_else(|| weekday_expr(text, cx, j))
        .or_else(|| day_month(text, cx, j))?;
    let Value::Day(d) = m.value else {
        return None;
    };
    let date = if before {
        d.pred_opt().filter(|p| *p >= cx.today)
    } else {
        d.succ_opt()
    };
    Some(day(i, m.end, date, m.kind, m.score))
}

/// "a week from today", "3 days from now", "two weeks from friday"
pub(super) fn count_from(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let n = count_at(text, i)?;
    let days = match text.lex(i + 1) {
        Lex::DayUnit => n,
        Lex::Week => 7 * n,
        Lex::Fortnight => 14 * n,
        _ => return None,
    };
    // "a week today", "two weeks tomorrow"
    if let Some(base) = relative_day(text, cx, i + 2).filter(|_| days % 7 == 0)
        && let Value::Day(d) = base.value
    {
        return Some(day(
            i,
            base.end,
            plus_days(d, days),
            DateKind::Relative,
            PLAIN,
        ));
    }
    // "a week on monday" is British for "a week from monday".
    if !matches!(text.lex(i + 2), Lex::From | Lex::On) {
        return None;
    }
    let (base, end) = if text.is_word(i + 3, "now") {
        (Some(cx.today), i + 4)
    } else {
        // Not `parse_at`: "a week from a week from …" must not recurse.
        let m = weekday_expr(text, cx, i + 3).or_else(|| relative_day(text, cx, i + 3))?;
        match m.value {
            Value::Day(d) => (Some(d), m.end),
            _ => return None,
        }
    };
    let date = base.and_then(|d| plus_days(d, days));
    Some(day(i, end, date, DateKind::Relative, PLAIN))
}

/// "in 3 days", "in zwei Wochen", "in a month"
pub(super) fn in_count(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    if text.lex(i) != Lex::In {
        return None;
    }
    // "dentro de tres días"
    let j = if text.lex(i + 1) == Lex::Of {
        i + 2
    } else {
        i + 1
    };
    let n = count_at(text, j)?;
    let date = match text.lex(j + 1) {
        Lex::DayUnit => plus_days(cx.today, n),
        Lex::Week => plus_days(cx.today, 7 * n),
        Lex::Fortnight => plus_days(cx.today, 14 * n),
        Lex::MonthUnit => u32::try_from(n)
            .ok()
            .and_then(|n| cx.today.checked_add_months(Months::new(n))),
        _ => return None,
    };
    Some(day(i, j + 2, date, DateKind::Relative, PLAIN))
}
