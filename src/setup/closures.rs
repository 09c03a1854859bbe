//! Closures (whole days off) and special days (other hours on some dates), for the whole
//! business or one staff member.
//!
//! A closure may fall on days that already have bookings. Nothing is cancelled silently: by
//! default the change is refused with the list of affected bookings, and the client repeats it
//! saying whether to cancel them or keep them.

use chrono::{Days, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::booking::BusinessCalendar;
use crate::domain::{
    BookingStatus, CancelledBy, DayHours, ValidationError, clean_text, parse_date,
};
use crate::error::AppError;
use crate::notifications::{self, BookingChange};
use crate::scheduling::{Interval, Timeline, working_windows};
use crate::storage::models::{Booking, CalendarExceptionRow};
use crate::storage::{DbConnection, JsonText, bookings, businesses, closures, new_id, staff};

/// What to do with bookings that a closure leaves outside working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AffectedBookings {
    /// Refuse the change and list them.
    #[default]
    Refuse,
    /// Cancel them (as cancelled by the business).
    Cancel,
    /// Keep them: the business will honour them anyway.
    Keep,
}

#[derive(Debug, Clone)]
pub struct ClosureInput {
    pub staff_id: Option<String>,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// `None` closes the dates; otherwise these are the hours on each of them.
    pub hours: Option<DayHours>,
    pub reason: String,
    pub affected: AffectedBookings,
}

/// A closure or special day as a client sends it (unknown fields refused).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureFields {
    /// Omit or `null` for the whole business.
    pub staff_id: Option<String>,
    /// A single date; shorthand for `from` = `to`.
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Omit or `null` to close; intervals for a special day.
    #[schema(value_type = Option<Vec<Vec<String>>>, example = json!([["09:00", "13:00"]]))]
    pub hours: Option<Vec<[String; 2]>>,
    pub reason: Option<String>,
    /// `reject` (default), `cancel` or `keep`: what to do with bookings it leaves outside hours.
    pub affected_bookings: Option<String>,
}

/// The longest closure accepted in one piece.
const MAX_CLOSURE_DAYS: i64 = 366;

impl ClosureFields {
    /// The closure with every check that needs no database done.
    pub fn parse(self) -> Result<ClosureInput, ValidationError> {
        let body = self;
        let (first, last) = match (&body.date, &body.from, &body.to) {
            (Some(date), None, None) => {
                let d = parse_date("date", date)?;
                (d, d)
            }
            (None, Some(from), to) => {
                let first = parse_date("from", from)?;
                (
                    first,
                    to.as_deref()
                        .map(|t| parse_date("to", t))
                        .transpose()?
                        .unwrap_or(first),
                )
            }
            (None, None, _) => {
                return Err(ValidationError::new(
                    "from",
                    "give `date`, or `from` and `to`",
                ));
            }
            _ => {
                return Err(ValidationError::new(
                    "date",
                    "give either `date` or `from`/`to`, not both",
                ));
            }
        };
        if last < first {
            return Err(ValidationError::new("to", "must not be before from"));
        }
        if (last - first).num_days() >= MAX_CLOSURE_DAYS {
            return Err(ValidationError::new(
                "to",
                format!("a closure may span at most {MAX_CLOSURE_DAYS} days"),
            ));
        }
        let affected = match body.affected_bookings.as_deref() {
            None | Some("reject") => AffectedBookings::Refuse,
            Some("cancel") => AffectedBookings::Cancel,
            Some("keep") => AffectedBookings::Keep,
            Some(other) => {
                return Err(ValidationError::new(
                    "affected_bookings",
                    format!("{other:?} is not one of: reject, cancel, keep"),
                ));
            }
        };
        Ok(ClosureInput {
            staff_id: body.staff_id,
            first,
            last,
            hours: body
                .hours
                .as_deref()
                .map(|h| DayHours::parse(h).map_err(|e| e.within("hours")))
                .transpose()?,
            reason: clean_text("reason", body.reason.as_deref().unwrap_or_default(), 200)?,
            affected,
        })
    }
}

pub fn list_closures(
    conn: &mut DbConnection,
    business_id: &str,
) -> Result<Vec<CalendarExceptionRow>, AppError> {
    Ok(closures::all_of(conn, business_id)?)
}

/// Adds a closure; returns it with the bookings it cancelled.
pub fn add_closure(
    conn: &mut DbConnection,
    business_id: &str,
    input: ClosureInput,
    now: NaiveDateTime,
) -> Result<(CalendarExceptionRow, Vec<Booking>), AppError> {
    let row = CalendarExceptionRow {
        id: new_id(),
        business_id: business_id.to_owned(),
        resource_id: None,
        first_date: input.first,
        last_date: input.last,
        hours: None,
        reason: String::new(),
        created_at: now,
        updated_at: now,
    };
    save(conn, row, input, now, false)
}

pub fn replace_closure(
    conn: &mut DbConnection,
    business_id: &str,
    closure_id: &str,
    input: ClosureInput,
    now: NaiveDateTime,
) -> Result<(CalendarExceptionRow, Vec<Booking>), AppError> {
    let row =
        closures::find(conn, business_id, closure_id)?.ok_or(AppError::NotFound("closure"))?;
    save(conn, row, input, now, true)
}

pub fn delete_closure(
    conn: &mut DbConnection,
    business_id: &str,
    closure_id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    closures::find(conn, business_id, closure_id)?.ok_or(AppError::NotFound("closure"))?;
    closures::delete(conn, closure_id)?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(())
}

fn save(
    conn: &mut DbConnection,
    mut row: CalendarExceptionRow,
    input: ClosureInput,
    now: NaiveDateTime,
    existing: bool,
) -> Result<(CalendarExceptionRow, Vec<Booking>), AppError> {
    if let Some(staff_id) = &input.staff_id {
        staff::find_staff(conn, &row.business_id, staff_id)?.ok_or_else(|| {
            crate::domain::ValidationError::new(
                "staff_id",
                "no staff member with this id at this business",
            )
        })?;
    }
    row.resource_id = input.staff_id.clone();
    row.first_date = input.first;
    row.last_date = input.last;
    row.hours = input
        .hours
        .as_ref()
        .map(|h| JsonText::encode(&h.to_pairs()))
        .transpose()?;
    row.reason = input.reason.clone();
    row.updated_at = now;
    if existing {
        closures::replace(conn, &row, now)?;
    } else {
        closures::insert(conn, &row)?;
    }
    let affected = bookings_outside_hours(conn, &row.business_id, &input)?;
    let cancelled = match input.affected {
        AffectedBookings::Keep => Vec::new(),
        AffectedBookings::Refuse if affected.is_empty() => Vec::new(),
        AffectedBookings::Refuse => return Err(conflict(&affected)),
        AffectedBookings::Cancel => cancel_all(conn, affected, now)?,
    };
    businesses::touch_calendar(conn, &row.business_id, now)?;
    Ok((row, cancelled))
}

fn conflict(affected: &[Booking]) -> AppError {
    let list: Vec<serde_json::Value> = affected
        .iter()
        .map(|b| {
            serde_json::json!({
                "id": b.id, "reference": b.reference, "staff_id": b.staff_id,
                "start": b.start_at.and_utc().to_rfc3339(),
            })
        })
        .collect();
    AppError::Conflict {
        code: "closure_affects_bookings",
        message: format!(
            "{} booking(s) would fall outside the new hours; repeat with \"affected_bookings\": \"cancel\" or \"keep\"",
            affected.len()
        ),
        details: Some(serde_json::json!({ "bookings": list })),
    }
}

fn cancel_all(
    conn: &mut DbConnection,
    affected: Vec<Booking>,
    now: NaiveDateTime,
) -> Result<Vec<Booking>, AppError> {
    let mut cancelled = Vec::with_capacity(affected.len());
    for mut booking in affected {
        let was_held = booking.status == BookingStatus::Held.as_str();
        booking.status = BookingStatus::Cancelled.as_str().to_owned();
        booking.cancelled_at = Some(now);
        booking.cancelled_by = Some(CancelledBy::Business.as_str().to_owned());
        booking.sequence += 1;
        booking.updated_at = now;
        bookings::release(conn, &booking.id)?;
        bookings::save(conn, &booking)?;
        notifications::booking_changed(
            conn,
            &booking,
            BookingChange::Cancelled { was_held },
            now.and_utc(),
        )?;
        cancelled.push(booking);
    }
    Ok(cancelled)
}

/// Live bookings on the closure's dates that no longer lie inside their staff member's working
/// windows once the closure (already written in this transaction) applies.
fn bookings_outside_hours(
    conn: &mut DbConnection,
    business_id: &str,
    input: &ClosureInput,
) -> Result<Vec<Booking>, AppError> {
    let business = businesses::by_id(conn, business_id)?.ok_or(AppError::NotFound("business"))?;
    let calendar = BusinessCalendar::load(conn, &business)?;
    let tz = calendar.business.tz;
    let filter = bookings::BookingFilter {
        staff_id: input.staff_id.clone(),
        statuses: vec![BookingStatus::Confirmed, BookingStatus::Held],
        ..Default::default()
    };
    let around = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default();
    let candidates = bookings::list(
        conn,
        business_id,
        around(input.first - Days::new(1)),
        around(input.last + Days::new(2)),
        &filter,
    )?;
    let timeline = Timeline::for_dates(tz, input.first, input.last);
    Ok(candidates
        .into_iter()
        .filter(|b| {
            let date = b.start_at.and_utc().with_timezone(&tz).date_naive();
            if date < input.first || date > input.last {
                return false;
            }
            let occupied = Interval::new(
                (b.start_at.and_utc().timestamp()) - i64::from(b.buffer_before_minutes) * 60,
                (b.end_at.and_utc().timestamp()) + i64::from(b.buffer_after_minutes) * 60,
            );
            let fits = match calendar.staff_member(&b.staff_id) {
                Some(member) => {
                    let windows =
                        working_windows(&calendar.calendar_of(member), &timeline, date, date);
                    windows.iter().any(|w| w.contains(&occupied))
                }
                // Staff no longer active: the closure does not change their situation.
                None => true,
            };
            !fits
        })
        .collect())
}
