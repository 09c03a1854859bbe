//! Calendar arithmetic: weekdays, weeks and months counted from today.

use chrono::{Datelike, Days, Months, NaiveDate};

pub(super) fn plus_days(d: NaiveDate, n: u64) -> Option<NaiveDate> {
    d.checked_add_days(Days::new(n))
}

pub(super) fn weekday_of(d: NaiveDate) -> u8 {
    d.weekday().num_days_from_monday() as u8
}

pub(super) fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_days(Days::new(u64::from(weekday_of(d))))
}

/// The given weekday strictly after today (1–7 days ahead).
pub(super) fn upcoming(today: NaiveDate, wd: u8) -> Option<NaiveDate> {
    let delta = (7 + i64::from(wd) - i64::from(weekday_of(today))) % 7;
    plus_days(today, if delta == 0 { 7 } else { delta as u64 })
}

/// The given weekday, today included (0–6 days ahead).
pub(super) fn on_or_after(today: NaiveDate, wd: u8) -> Option<NaiveDate> {
    let delta = (7 + i64::from(wd) - i64::from(weekday_of(today))) % 7;
    plus_days(today, delta as u64)
}

/// The weekday in the Monday–Sunday week `weeks` after the current one.
pub(super) fn in_week(today: NaiveDate, wd: u8, weeks: u64) -> Option<NaiveDate> {
    plus_days(monday_of(today)?, weeks * 7 + u64::from(wd))
}

/// "this friday": the current week's, or the coming one once it has passed.
pub(super) fn this_weekday(today: NaiveDate, wd: u8) -> Option<NaiveDate> {
    in_week(today, wd, 0)
        .filter(|d| *d >= today)
        .or_else(|| upcoming(today, wd))
}

pub(super) fn first_of_month(d: NaiveDate, months_ahead: u32) -> Option<NaiveDate> {
    d.with_day(1)?.checked_add_months(Months::new(months_ahead))
}

pub(super) fn in_month(first: NaiveDate, dom: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(first.year(), first.month(), dom)
}

/// A bare day of the month: this month unless past, else the next month that
/// has such a day.
pub(super) fn next_day_of_month(today: NaiveDate, dom: u32) -> Option<NaiveDate> {
    let start = u32::from(dom < today.day());
    (start..start + 12).find_map(|k| in_month(first_of_month(today, k)?, dom))
}

/// Day and month without a year: the next such date, today included.
pub(super) fn next_month_day(today: NaiveDate, month: u32, dom: u32) -> Option<NaiveDate> {
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, dom)?;
    if this_year >= today {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, month, dom)
    }
}

pub(super) fn month_day(
    today: NaiveDate,
    month: u32,
    dom: u32,
    year: Option<i32>,
) -> Option<NaiveDate> {
    match year {
        Some(y) => NaiveDate::from_ymd_opt(y, month, dom),
        None => next_month_day(today, month, dom),
    }
}
