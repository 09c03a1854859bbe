//! Dates: scans the tokens left to right, trying the most specific pattern at
//! each position first, and resolves every mention against today. See the
//! module documentation in `mod.rs` for the conventions.

mod calendar;
mod relative;

use chrono::{Datelike, NaiveDate};

use self::calendar::{
    first_of_month, in_month, in_week, month_day, next_day_of_month, on_or_after, plus_days,
    this_weekday, upcoming, weekday_of,
};
pub(super) use self::relative::morgen_means_morning;
use self::relative::{day_around, named_day, relative};
use super::lexicon::Lex;
use super::text::{Kind, Text};
use super::{DateKind, DateOrder, DateRange, ParseContext};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Day(NaiveDate),
    Span(NaiveDate, NaiveDate),
    /// Recognised but impossible ("30 February"): consumes its tokens, yields nothing.
    Invalid,
    /// A span around a day that is no day itself ("before Christmas"): consumed, yields nothing.
    Vague,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Mention {
    pub start: usize,
    pub end: usize,
    pub value: Value,
    pub kind: DateKind,
    pub score: i32,
}

/// The date the message settles on, out of all the dates it mentions.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ChosenDate {
    pub date: Option<NaiveDate>,
    pub kind: Option<DateKind>,
    pub range: Option<DateRange>,
    /// The chosen date is not under a negation.
    pub clean: bool,
    /// A date was named that does not exist ("31 April"), and no other date was.
    pub impossible: bool,
}

const CALENDAR: i32 = 5;
const DAY_OF_MONTH: i32 = 4;
const QUALIFIED_WEEKDAY: i32 = 4;
const PLAIN: i32 = 3;
const SPAN: i32 = 2;

fn day(start: usize, end: usize, date: Option<NaiveDate>, kind: DateKind, score: i32) -> Mention {
    Mention {
        start,
        end,
        value: date.map_or(Value::Invalid, Value::Day),
        kind,
        score,
    }
}

fn span(start: usize, end: usize, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Mention {
    let value = match (from, to) {
        (Some(f), Some(t)) => Value::Span(f, t),
        _ => Value::Invalid,
    };
    Mention {
        start,
        end,
        value,
        kind: DateKind::Weekday,
        score: SPAN,
    }
}

// ---- token helpers -----------------------------------------------------------

/// A number of one or two digits written without an ordinal ending.
fn small(text: &Text, i: usize) -> Option<u32> {
    text.num(i).filter(|_| text.digits(i) <= 2)
}

fn year_at(text: &Text, i: usize) -> Option<i32> {
    let n = text.num(i)?;
    match text.digits(i) {
        4 if (1900..=2100).contains(&n) => Some(n as i32),
        2 => Some(2000 + n as i32),
        _ => None,
    }
}

/// A day number: "14", "14th", "14." (German), "fourteenth", "vierzehnten".
/// Returns the day, the index after it, and whether it was marked as a day.
fn day_number(text: &Text, i: usize) -> Option<(u32, usize, bool)> {
    let tok = text.live(i)?;
    let (n, marked) = match (tok.kind, tok.lex) {
        (Kind::Num, _) if tok.digits <= 2 => (tok.num, tok.ordinal),
        (Kind::Word, Lex::Ordinal(n)) => (u32::from(n), true),
        _ => return None,
    };
    if !(1..=31).contains(&n) {
        return None;
    }
    let dotted =
        tok.kind == Kind::Num && !tok.ordinal && text.is_punct(i + 1, '.') && !text.gap(i + 1);
    if dotted {
        Some((n, i + 2, true))
    } else {
        Some((n, i + 1, marked))
    }
}

fn month_at(text: &Text, i: usize) -> Option<u32> {
    match text.lex(i) {
        Lex::Month(m) | Lex::MonthAmbiguous(m) => Some(u32::from(m)),
        _ => None,
    }
}

fn weekday_at(text: &Text, i: usize) -> Option<(u8, usize)> {
    let wd = match text.lex(i) {
        Lex::Weekday(wd) => wd,
        // Only read in their own language (see `words::WordFacts::reading`), and two letters
        // ("so", "do") only where they stand as a day: "So.", "Do 16 Uhr", "am Mi".
        Lex::WeekdayShort(wd) if text.word(i).len() > 2 || short_day_stands(text, i) => wd,
        _ => return None,
    };
    let end = if text.is_punct(i + 1, '.') && text.word(i).len() <= 4 {
        i + 2
    } else {
        i + 1
    };
    Some((wd, end))
}

fn short_day_stands(text: &Text, i: usize) -> bool {
    text.is_punct(i + 1, '.')
        || text.live(i).is_some_and(|t| t.cap)
        || text.num(i + 1).is_some()
        || matches!(text.lex(i + 1), Lex::At | Lex::Part(_) | Lex::Morgen)
        || (i > 0
            && (matches!(
                text.lex(i - 1),
                Lex::On | Lex::The | Lex::Next | Lex::Naechste | Lex::Coming | Lex::This
            ) || text.word(i - 1) == "am"))
}

/// Words after which "14." or "14" is a date rather than a time or a list item.
fn date_article(text: &Text, i: usize) -> bool {
    i > 0
        && (matches!(text.lex(i - 1), Lex::The | Lex::DayUnit)
            || matches!(text.word(i - 1), "am" | "zum" | "vom" | "bis" | "on"))
}

/// "take the 2nd", "nehme den 2." pick an offered option, not a date.
fn after_take(text: &Text, i: usize) -> bool {
    (i.saturating_sub(3)..i).any(|j| text.cue(j) == super::intent::Cue::Take)
}

/// "one", "option" after an ordinal: "the 2nd one".
fn choice_noun(text: &Text, i: usize) -> bool {
    text.cue(i) == super::intent::Cue::ChoiceNoun || text.is_word(i, "one")
}

/// "of this month", "diesen Monats", "next month": which month a bare day means.
fn month_suffix(text: &Text, i: usize) -> Option<(u32, usize)> {
    let j = if matches!(text.word(i), "of" | "des") {
        i + 1
    } else {
        i
    };
    let ahead = match text.lex(j) {
        Lex::This => 0,
        Lex::Next | Lex::Naechste | Lex::Coming => 1,
        _ => return None,
    };
    (text.lex(j + 1) == Lex::MonthUnit).then_some((ahead, j + 2))
}

/// How many weeks ahead a trailing "next week", "in zwei Wochen" puts a weekday.
fn week_suffix(text: &Text, i: usize) -> Option<(u64, usize)> {
    let mut j = i;
    if matches!(text.lex(j), Lex::Of | Lex::In) || text.is_punct(j, ',') {
        j += 1;
    }
    if text.lex(j) == Lex::The {
        j += 1;
    }
    match (text.lex(j), text.lex(j + 1)) {
        (Lex::Next | Lex::Naechste | Lex::Coming, Lex::Week) => Some((1, j + 2)),
        (Lex::This, Lex::Week) => Some((0, j + 2)),
        (Lex::AfterNext, Lex::Week) => Some((2, j + 2)),
        (Lex::Week, Lex::After) if text.lex(j + 2) == Lex::Next => Some((2, j + 3)),
        // "el viernes de la semana que viene"
        (Lex::Week, Lex::Next) if j > i => Some((1, j + 2)),
        _ => None,
    }
}

/// How many days after a day a trailing "in einer Woche", "week", "after next", "en ocho",
/// "in 14 Tagen" puts it: "Dienstag in einer Woche", "saturday week", "heut in 14 tagen".
fn weeks_later(text: &Text, i: usize) -> Option<(u64, usize)> {
    match (text.lex(i), text.lex(i + 1)) {
        (Lex::After, Lex::Next) => Some((7, i + 2)),
        (Lex::WeekLater, _) => Some((7, i + 1)),
        (Lex::Week, _) if !matches!(text.lex(i + 1), Lex::Weekend | Lex::Number(_)) => {
            Some((7, i + 1))
        }
        (Lex::Fortnight, _) => Some((14, i + 1)),
        (Lex::In, _) if text.lex(i + 2) == Lex::DayUnit => {
            count_at(text, i + 1).map(|n| (n, i + 3))
        }
        _ => count_of_weeks(text, i).map(|(n, end)| (7 * n, end)),
    }
}

/// "in einer Woche", "in two weeks".
fn count_of_weeks(text: &Text, i: usize) -> Option<(u64, usize)> {
    if text.lex(i) != Lex::In {
        return None;
    }
    let n = count_at(text, i + 1)?;
    match text.lex(i + 2) {
        Lex::Week => Some((n, i + 3)),
        Lex::Fortnight => Some((2 * n, i + 3)),
        _ => None,
    }
}

/// A small count: "2", "two", "a", "einer".
fn count_at(text: &Text, i: usize) -> Option<u64> {
    match text.lex(i) {
        Lex::A => Some(1),
        Lex::Number(n) => Some(u64::from(n)),
        _ => text
            .num(i)
            .filter(|&n| n <= 400 && text.digits(i) <= 3)
            .map(u64::from),
    }
}

// ---- patterns ----------------------------------------------------------------

/// 2019-03-05, 2019/03/05
fn iso(text: &Text, i: usize) -> Option<Mention> {
    let y = text
        .num(i)
        .filter(|&n| text.digits(i) == 4 && (1900..=2100).contains(&n))?;
    let sep = text.punct(i + 1).filter(|c| matches!(c, '-' | '/'))?;
    let m = small(text, i + 2)?;
    let d = small(text, i + 4).filter(|_| text.punct(i + 3) == Some(sep))?;
    let tight = (i + 1..=i + 4).all(|k| !text.gap(k));
    tight.then(|| {
        day(
            i,
            i + 5,
            NaiveDate::from_ymd_opt(y as i32, m, d),
            DateKind::Calendar,
            CALENDAR,
        )
    })
}

/// "15.30" and "um 9.10" are times; "14.03", "14.3" and "am 14.10" are dates.
fn dotted_pair_is_time(
    text: &Text,
    cx: &ParseContext,
    i: usize,
    closed: bool,
    first: u32,
    second: u32,
) -> bool {
    let clock_suffix =
        matches!(text.lex(i + 3), Lex::Uhr | Lex::Am | Lex::Pm) || text.is_word(i + 3, "h");
    let time_prefix = i > 0
        && matches!(
            text.lex(i - 1),
            Lex::At
                | Lex::Around
                | Lex::After
                | Lex::Before
                | Lex::Until
                | Lex::From
                | Lex::Between
        );
    let minutes = text.digits(i + 2) == 2 && (10..=59).contains(&second) && first <= 23;
    // German writes "27.12 um 10" for a date; "15.12" is a date there unless a clock word says so.
    let dotted_date_language = cx
        .lang
        .is_some_and(|l| l.language().vocabulary.dotted_dates)
        && second <= 12;
    clock_suffix
        || time_prefix
        || (!closed && minutes && !date_article(text, i) && !dotted_date_language)
}

/// 14.3. / 14.03.2025 / 5/3 / 5/3/25
fn numeric(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let a = small(text, i)?;
    let sep = text.punct(i + 1).filter(|c| matches!(c, '.' | '/'))?;
    let b = small(text, i + 2)?;
    if text.gap(i + 1) || text.gap(i + 2) {
        return None;
    }
    let closed = text.punct(i + 3) == Some(sep) && !text.gap(i + 3);
    let year = year_at(text, i + 4).filter(|_| closed && !text.gap(i + 4));
    if year.is_none() && sep == '.' && dotted_pair_is_time(text, cx, i, closed, a, b) {
        return None;
    }
    let (dom, month) = if sep == '/' && cx.order == DateOrder::MonthDay {
        (b, a)
    } else {
        (a, b)
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&dom) {
        return None;
    }
    let end = match (closed, year) {
        (_, Some(_)) => i + 5,
        (true, None) => i + 4,
        _ => i + 3,
    };
    let date = month_day(cx.today, month, dom, year);
    Some(day(i, end, date, DateKind::Calendar, CALENDAR))
}

/// A date right after a weekday: "friday the 13th", "Freitag, den 21.03.".
fn date_after_weekday(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let mut j = i;
    if text.is_punct(j, ',') {
        j += 1;
    }
    let article = matches!(text.word(j), "the" | "den" | "der");
    if article {
        j += 1;
    }
    if let Some(m) = numeric(text, cx, j).or_else(|| day_month(text, cx, j)) {
        return Some(m);
    }
    let (dom, end, marked) = day_number(text, j)?;
    (marked || article).then(|| {
        let date = next_day_of_month(cx.today, dom);
        day(j, end, date, DateKind::DayOfMonth, DAY_OF_MONTH)
    })
}

/// [this|next] weekday [next week | in 2 weeks | the 13th]
fn weekday_expr(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let (modifier, j) = match (text.lex(i), text.lex(i + 1)) {
        // Past days are never booked; swallow "last friday" so it yields nothing.
        (Lex::Last, Lex::Weekday(_)) => return Some(day(i, i + 2, None, DateKind::Weekday, PLAIN)),
        (Lex::This, Lex::Coming | Lex::Next) => (Lex::Coming, i + 2),
        (Lex::This | Lex::Next | Lex::Naechste | Lex::Coming | Lex::AfterNext, _) => {
            (text.lex(i), i + 1)
        }
        _ => (Lex::None, i),
    };
    let (wd, end) = weekday_at(text, j)?;
    if let Some(m) = date_after_weekday(text, cx, end) {
        return Some(Mention { start: i, ..m });
    }
    if let Some((weeks, e)) = week_suffix(text, end) {
        let date = in_week(cx.today, wd, weeks);
        return Some(day(i, e, date, DateKind::Weekday, QUALIFIED_WEEKDAY));
    }
    if modifier == Lex::None
        && let Some((days, e)) = weeks_later(text, end)
    {
        // "Mittwoch in einer Woche" said on a Wednesday is a week from today; "the thursday
        // after next" and "friday week" count from the next one.
        let counted = text.lex(end) == Lex::In;
        let base = if counted {
            on_or_after(cx.today, wd)
        } else {
            upcoming(cx.today, wd)
        };
        let date = base.and_then(|d| plus_days(d, days));
        return Some(day(i, e, date, DateKind::Weekday, QUALIFIED_WEEKDAY));
    }
    // "el lunes que viene": the coming one.
    if modifier == Lex::None && text.lex(end) == Lex::Next {
        let date = upcoming(cx.today, wd);
        return Some(day(i, end + 1, date, DateKind::Weekday, QUALIFIED_WEEKDAY));
    }
    let (date, score) = match modifier {
        Lex::This => (this_weekday(cx.today, wd), QUALIFIED_WEEKDAY),
        Lex::Next => (in_week(cx.today, wd, 1), QUALIFIED_WEEKDAY),
        Lex::AfterNext => (in_week(cx.today, wd, 2), QUALIFIED_WEEKDAY),
        Lex::Coming | Lex::Naechste => (upcoming(cx.today, wd), QUALIFIED_WEEKDAY),
        _ => (upcoming(cx.today, wd), PLAIN),
    };
    Some(day(i, end, date, DateKind::Weekday, score))
}

/// "la semana que viene", "the week after next": the week word first, its position after.
fn week_after_its_word(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let (weeks, end) = match (text.lex(i + 1), text.lex(i + 2)) {
        (Lex::Next, _) => (1, i + 2),
        (Lex::After, Lex::Next) => (2, i + 3),
        _ => return None,
    };
    Some(span(
        i,
        end,
        in_week(cx.today, 0, weeks),
        in_week(cx.today, 6, weeks),
    ))
}

/// 27–30 December of this year, or of next year once they have passed.
fn between_years(today: NaiveDate, i: usize) -> Mention {
    let year = if today > NaiveDate::from_ymd_opt(today.year(), 12, 30).unwrap_or(today) {
        today.year() + 1
    } else {
        today.year()
    };
    span(
        i,
        i + 1,
        NaiveDate::from_ymd_opt(year, 12, 27),
        NaiveDate::from_ymd_opt(year, 12, 30),
    )
}

fn weekend(today: NaiveDate, weeks: u64) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let sat = if weeks == 0 && weekday_of(today) >= 5 {
        Some(today)
    } else {
        in_week(today, 5, weeks)
    };
    (sat, in_week(today, 6, weeks))
}

/// Week words first: "next week friday", "nächste Woche", "this weekend".
fn week_first(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let (weeks, mut j) = match (text.lex(i), text.lex(i + 1)) {
        (Lex::Next | Lex::Naechste | Lex::Coming, Lex::Week | Lex::Weekend) => (1, i + 1),
        (Lex::This, Lex::Week | Lex::Weekend) => (0, i + 1),
        (Lex::AfterNext, Lex::Week | Lex::Weekend) => (2, i + 1),
        (Lex::Weekend, _) => (0, i),
        (Lex::Week, _) => return week_after_its_word(text, cx, i),
        (Lex::BetweenYears, _) => return Some(between_years(cx.today, i)),
        _ => return None,
    };
    if text.lex(j) == Lex::Weekend {
        let (sat, sun) = weekend(cx.today, weeks);
        return Some(span(i, j + 1, sat, sun));
    }
    j += 1;
    let k = if matches!(text.word(j), "noch" | "am" | "on") || text.is_punct(j, ',') {
        j + 1
    } else {
        j
    };
    if let Some((wd, end)) = weekday_at(text, k) {
        let date = if weeks == 0 {
            this_weekday(cx.today, wd)
        } else {
            in_week(cx.today, wd, weeks)
        };
        return Some(day(i, end, date, DateKind::Weekday, QUALIFIED_WEEKDAY));
    }
    let from = if weeks == 0 {
        Some(cx.today)
    } else {
        in_week(cx.today, 0, weeks)
    };
    Some(span(i, j, from, in_week(cx.today, 6, weeks)))
}

/// "14 March", "the 5th of July", "14. März", "March 7th", "march 10, 2025"
fn day_month(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    day_then_month(text, cx, i).or_else(|| month_then_day(text, cx, i))
}

fn day_then_month(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let (dom, mut j, _) = day_number(text, i)?;
    if text.lex(j) == Lex::Of {
        j += 1;
    }
    let month = month_at(text, j)?;
    finish_day_month(text, cx, i, j + 1, month, dom)
}

fn month_then_day(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let month = month_at(text, i)?;
    let mut j = i + 1;
    if text.is_punct(j, '.') {
        j += 1;
    }
    if text.lex(j) == Lex::The {
        j += 1;
    }
    let (dom, end, _) = day_number(text, j)?;
    if text.is_punct(end, ':') || matches!(text.lex(end), Lex::Am | Lex::Pm | Lex::Uhr) {
        return None;
    }
    finish_day_month(text, cx, i, end, month, dom)
}

fn finish_day_month(
    text: &Text,
    cx: &ParseContext,
    start: usize,
    end: usize,
    month: u32,
    dom: u32,
) -> Option<Mention> {
    let mut end = end;
    let comma = usize::from(text.is_punct(end, ','));
    let year = year_at(text, end + comma).filter(|_| text.digits(end + comma) == 4);
    if year.is_some() {
        end += comma + 1;
    } else if let Some((_, e)) = month_suffix(text, end) {
        end = e;
    }
    let date = month_day(cx.today, month, dom, year);
    Some(day(start, end, date, DateKind::Calendar, CALENDAR))
}

/// "the 14th", "14th of this month", "am 14.", "der 17.", "on the fifth"
fn day_only(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    let (dom, end, marked) = day_number(text, i)?;
    let is_num = text.toks.get(i).is_some_and(|t| t.kind == Kind::Num);
    let dotted = is_num && end == i + 2;
    // "am 14", "el 14", "el día 14": a day number after a date article.
    let bare_after_article = is_num
        && !marked
        && i > 0
        && (text.lex(i - 1) == Lex::DayUnit || text.follows_date_article(i, cx.lang))
        && !text.is_punct(end, ':');
    let suffix = month_suffix(text, end);
    let accepted = suffix.is_some()
        || (is_num && marked && !dotted && !choice_noun(text, end))
        || (dotted && date_article(text, i) && !after_take(text, i))
        || bare_after_article
        || (!is_num
            && (date_preposition(text, i) || article_ordinal(text, i))
            && stands_alone(text, end));
    if !accepted {
        return None;
    }
    let (date, end) = match suffix {
        Some((ahead, e)) => (
            first_of_month(cx.today, ahead).and_then(|f| in_month(f, dom)),
            e,
        ),
        None => (next_day_of_month(cx.today, dom), end),
    };
    Some(day(i, end, date, DateKind::DayOfMonth, DAY_OF_MONTH))
}

/// "the sixth", "den ersten": a day or an offered option; reported as both
/// (the dialogue knows which it asked for). "die zweite" is only an option,
/// and so is anything after "take"/"nehme".
fn article_ordinal(text: &Text, i: usize) -> bool {
    i > 0 && matches!(text.word(i - 1), "the" | "den" | "der" | "dem") && !after_take(text, i)
}

/// An ordinal word is a date after "on (the)", "am", "zum".
fn date_preposition(text: &Text, i: usize) -> bool {
    let before = if i > 0 && text.lex(i - 1) == Lex::The {
        i - 1
    } else {
        i
    };
    before > 0
        && matches!(
            text.word(before - 1),
            "on" | "am" | "zum" | "vom" | "bis" | "by"
        )
}

/// "on the fifth at 3" but not "on second thought": an ordinal word followed
/// by an ordinary noun is not a day.
fn stands_alone(text: &Text, i: usize) -> bool {
    match text.live(i) {
        Some(t) if t.kind == Kind::Word => {
            (t.lex != Lex::None || t.cue != super::intent::Cue::None || t.evidence != 0)
                && !choice_noun(text, i)
        }
        _ => true,
    }
}

fn parse_at(text: &Text, cx: &ParseContext, i: usize) -> Option<Mention> {
    day_around(text, cx, i)
        .or_else(|| named_day(text, cx, i))
        .or_else(|| iso(text, i))
        .or_else(|| numeric(text, cx, i))
        .or_else(|| weekday_expr(text, cx, i))
        .or_else(|| week_first(text, cx, i))
        .or_else(|| day_month(text, cx, i))
        .or_else(|| day_only(text, cx, i))
        .or_else(|| relative(text, cx, i))
}

pub(super) fn find(text: &Text, cx: &ParseContext, used: &mut [bool]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match parse_at(text, cx, i) {
            Some(m) if m.end > i => {
                // "tonight" also names the evening, which the time parser reads.
                if !(m.end == m.start + 1 && text.lex(m.start) == Lex::Tonight) {
                    super::text::claim(used, m.start, m.end);
                }
                i = m.end;
                out.push(m);
            }
            _ => i += 1,
        }
    }
    out
}

fn penalty(m: &Mention, pen: &[i32]) -> i32 {
    pen.get(m.start..m.end.min(pen.len()))
        .and_then(|p| p.iter().max().copied())
        .unwrap_or(0)
}

/// "von morgen auf übermorgen", "from friday to saturday": the target of a
/// move counts more than its source.
fn direction(text: &Text, m: &Mention) -> i32 {
    let mut i = m.start;
    if i > 0 && text.lex(i - 1) == Lex::The {
        i -= 1;
    }
    let Some(before) = i.checked_sub(1) else {
        return 0;
    };
    match (text.lex(before), text.word(before)) {
        (Lex::From, _) => -1,
        (Lex::To, _) | (_, "auf" | "into" | "onto") => 1,
        _ => 0,
    }
}

/// Highest score after negation penalties; the earliest mention wins a tie.
pub(super) fn pick(text: &Text, mentions: &[Mention], pen: &[i32]) -> ChosenDate {
    let best = |want_span: bool| {
        mentions
            .iter()
            .filter(|m| matches!(m.value, Value::Span(..)) == want_span)
            .filter(|m| !matches!(m.value, Value::Invalid | Value::Vague))
            .fold(None::<(&Mention, i32)>, |best, m| {
                let s = m.score - penalty(m, pen) + direction(text, m);
                match best {
                    Some((_, b)) if b >= s => best,
                    _ => Some((m, s)),
                }
            })
            .map(|(m, _)| m)
    };
    let mut out = ChosenDate::default();
    if let Some(m) = best(false)
        && let Value::Day(d) = m.value
    {
        out.date = Some(d);
        out.kind = Some(m.kind);
        out.clean = penalty(m, pen) == 0;
    }
    if let Some(Value::Span(from, to)) = best(true).map(|m| m.value) {
        out.range = Some(DateRange { from, to });
    }
    out.impossible = out.date.is_none() && mentions.iter().any(|m| m.value == Value::Invalid);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::Locale;
    use chrono::NaiveTime;

    fn cx(today: &str, lang: Option<Locale>, order: DateOrder) -> ParseContext {
        ParseContext {
            today: NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap_or_default(),
            lang,
            order,
            now: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
            open: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            close: NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default(),
            zone: chrono_tz::UTC,
        }
    }

    fn date_of(input: &str, cx: &ParseContext) -> Option<String> {
        let text = Text::new(input);
        let mut used = vec![false; text.len()];
        let found = find(&text, cx, &mut used);
        let pen = super::super::scope::penalties(&text);
        pick(&text, &found, &pen).date.map(|d| d.to_string())
    }

    #[test]
    fn english_relative_to_friday_2019_03_01() {
        let c = cx("2019-03-01", Some(Locale::En), DateOrder::MonthDay);
        let cases = [
            ("today", Some("2019-03-01")),
            ("later today", Some("2019-03-01")),
            ("tmrw", Some("2019-03-02")),
            ("the day after tomorrow", Some("2019-03-03")),
            ("yesterday at 3", Some("2019-02-28")),
            ("gestern", Some("2019-02-28")),
            ("friday", Some("2019-03-08")),
            ("this friday", Some("2019-03-01")),
            ("this sunday", Some("2019-03-03")),
            ("next friday", Some("2019-03-08")),
            ("next thursday", Some("2019-03-07")),
            ("next saturday", Some("2019-03-09")),
            ("this coming saturday", Some("2019-03-02")),
            ("a week from today", Some("2019-03-08")),
            ("two weeks from tomorrow", Some("2019-03-16")),
            ("Friday next week", Some("2019-03-08")),
            ("Saturday this week", Some("2019-03-02")),
            ("monday next week", Some("2019-03-04")),
            ("the 14th", Some("2019-03-14")),
            ("the 1st", Some("2019-03-01")),
            ("14th of this month", Some("2019-03-14")),
            ("March 5th", Some("2019-03-05")),
            ("5th of March", Some("2019-03-05")),
            ("5/3", Some("2019-05-03")),
            ("2019-03-05", Some("2019-03-05")),
            ("in two weeks", Some("2019-03-15")),
            ("in 3 days", Some("2019-03-04")),
            ("feb 30", None),
            ("2027-02-30", None),
            ("the first", Some("2019-03-01")),
            ("the first one", None),
            ("I'll take the first", None),
            ("On second thought, tomorrow", Some("2019-03-02")),
            ("at 3", None),
            (
                "no no i am not free on tomorrow book it on next friday",
                Some("2019-03-08"),
            ),
            (
                "NO I forgot I had something on the 12th. Can you do the 13th",
                Some("2019-03-13"),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(date_of(input, &c).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn german_relative_to_wednesday_2025_03_12() {
        let c = cx("2025-03-12", Some(Locale::De), DateOrder::DayMonth);
        let cases = [
            ("heute", Some("2025-03-12")),
            ("morgen", Some("2025-03-13")),
            ("heute morgen", Some("2025-03-12")),
            ("übermorgen", Some("2025-03-14")),
            ("am Montag", Some("2025-03-17")),
            ("nächsten Dienstag", Some("2025-03-18")),
            ("kommenden Freitag", Some("2025-03-14")),
            ("nächsten Donnerstag", Some("2025-03-13")),
            ("Freitag nächste Woche", Some("2025-03-21")),
            ("nächste woche donnerstag", Some("2025-03-20")),
            ("am 14.", Some("2025-03-14")),
            ("am 14.3.", Some("2025-03-14")),
            ("14. März", Some("2025-03-14")),
            ("5.3.", Some("2026-03-05")),
            ("in zwei Wochen", Some("2025-03-26")),
            ("am 2.", Some("2025-04-02")),
            ("um 15.30", None),
            ("am ersten april", Some("2025-04-01")),
            ("mittwoch in einer woche", Some("2025-03-19")),
            ("ich nehme den 2.", None),
        ];
        for (input, want) in cases {
            assert_eq!(date_of(input, &c).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn month_end_rollover() {
        let c = cx("2025-06-10", Some(Locale::En), DateOrder::MonthDay);
        assert_eq!(date_of("the 31st", &c).as_deref(), Some("2025-07-31"));
        let c = cx("2025-01-31", Some(Locale::En), DateOrder::MonthDay);
        assert_eq!(date_of("the 30th", &c).as_deref(), Some("2025-03-30"));
    }

    #[test]
    fn spans() {
        let c = cx("2025-06-10", Some(Locale::En), DateOrder::MonthDay);
        let text = Text::new("next week");
        let mut used = vec![false; text.len()];
        let picked = pick(&text, &find(&text, &c, &mut used), &[0, 0]);
        let range = picked.range.map(|r| (r.from.to_string(), r.to.to_string()));
        assert_eq!(range, Some(("2025-06-16".into(), "2025-06-22".into())));
        assert_eq!(picked.date, None);
    }
}
