//! Free slots: grid times inside working windows, clear of busy periods, within the policy.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

use super::calendar::{Calendar, working_windows};
use super::timeline::{Timeline, wall_seconds};
use super::{Interval, SECONDS_PER_DAY, merge_intervals};
use crate::domain::{BookingPolicy, ServiceTiming};

/// What is being asked for: a service's timing over local dates, under a policy, at a moment.
#[derive(Debug, Clone, Copy)]
pub struct SlotRequest {
    /// First and last local date (inclusive) on which slots may start.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now: DateTime<Utc>,
    pub policy: BookingPolicy,
    pub timing: ServiceTiming,
}

/// One resource's calendar and the time it is already occupied (buffers included). `busy` needs
/// no order; it may include periods outside the request.
#[derive(Debug, Clone)]
pub struct ResourceSchedule<'a, R> {
    pub resource: R,
    pub calendar: Calendar<'a>,
    pub busy: &'a [Interval],
}

/// A bookable start on one resource. Start and end carry the zone's true offset at each instant,
/// which may differ when the appointment spans a daylight-saving change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot<R> {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub resource: R,
}

/// Why a requested start cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    InPast,
    TooShortNotice,
    BeyondHorizon,
    OffGrid,
    OutsideWorkingHours,
    Taken,
}

/// All free slots of all `resources`, ordered by start and then by the order of `resources`.
pub fn free_slots<R: Clone>(
    timeline: &Timeline,
    request: &SlotRequest,
    resources: &[ResourceSchedule<'_, R>],
) -> Vec<Slot<R>> {
    let bounds = StartBounds::new(request);
    let mut slots = Vec::new();
    let mut order = Vec::new();
    for (position, schedule) in resources.iter().enumerate() {
        let before = slots.len();
        resource_slots(timeline, request, &bounds, schedule, true, &mut slots);
        order.extend(std::iter::repeat_n(position, slots.len() - before));
    }
    // Equal starts keep the order of `resources`: sort by (start, position), which needs no
    // buffer, unlike a stable sort.
    let mut keyed: Vec<(i64, usize, Slot<R>)> = slots
        .into_iter()
        .zip(order)
        .map(|(slot, position)| (slot.start.timestamp(), position, slot))
        .collect();
    keyed.sort_unstable_by_key(|(start, position, _)| (*start, *position));
    keyed.into_iter().map(|(_, _, slot)| slot).collect()
}

/// Whether `start` can be booked on `schedule`'s resource, and if not, the most helpful reason.
///
/// It answers by listing the free slots of that local day, so a start is accepted exactly when
/// the availability listing would have offered it.
pub fn check_start<R: Clone>(
    timeline: &Timeline,
    request_timing: (BookingPolicy, ServiceTiming),
    now: DateTime<Utc>,
    schedule: &ResourceSchedule<'_, R>,
    start: DateTime<Utc>,
) -> Result<Slot<R>, Refusal> {
    let (policy, timing) = request_timing;
    let instant = start.timestamp();
    let offset = timeline.offset_at(instant);
    let wall = instant + offset;
    let date = DateTime::from_timestamp(wall, 0)
        .unwrap_or_default()
        .date_naive();
    let request = SlotRequest {
        from: date,
        to: date,
        now,
        policy,
        timing,
    };
    let bounds = StartBounds::new(&request);
    if instant < now.timestamp() {
        return Err(Refusal::InPast);
    }
    if instant < bounds.earliest {
        return Err(Refusal::TooShortNotice);
    }
    if instant >= bounds.horizon {
        return Err(Refusal::BeyondHorizon);
    }
    let step = i64::from(policy.slot_interval_minutes) * 60;
    if wall.rem_euclid(SECONDS_PER_DAY) % step != 0 || start.timestamp_subsec_nanos() != 0 {
        return Err(Refusal::OffGrid);
    }
    let find = |busy: &[super::Interval]| {
        let probe = ResourceSchedule {
            resource: schedule.resource.clone(),
            calendar: schedule.calendar,
            busy,
        };
        let mut slots = Vec::new();
        resource_slots(timeline, &request, &bounds, &probe, false, &mut slots);
        slots.into_iter().find(|s| s.start.timestamp() == instant)
    };
    if let Some(slot) = find(schedule.busy) {
        return Ok(slot);
    }
    match find(&[]) {
        Some(_) => Err(Refusal::Taken),
        None => Err(Refusal::OutsideWorkingHours),
    }
}

/// The policy's limits on start instants, and the requested dates as wall seconds.
struct StartBounds {
    earliest: i64,
    horizon: i64,
    first_wall: i64,
    end_wall: i64,
}

impl StartBounds {
    fn new(request: &SlotRequest) -> Self {
        let now = request.now.timestamp();
        Self {
            earliest: now + i64::from(request.policy.min_notice_minutes) * 60,
            horizon: now + i64::from(request.policy.booking_horizon_days) * SECONDS_PER_DAY,
            first_wall: wall_seconds(request.from, 0),
            end_wall: wall_seconds(request.to, 0) + SECONDS_PER_DAY,
        }
    }
}

/// The first grid point at or after `wall`. The grid restarts at every local midnight, so an
/// interval that does not divide the day (25 minutes) still starts each day at 00:00.
fn ceil_to_grid(wall: i64, step: i64) -> i64 {
    let midnight = wall - wall.rem_euclid(SECONDS_PER_DAY);
    let point = midnight + (wall - midnight + step - 1) / step * step;
    point.min(midnight + SECONDS_PER_DAY)
}

fn next_grid_point(wall: i64, step: i64) -> i64 {
    let next_midnight = wall - wall.rem_euclid(SECONDS_PER_DAY) + SECONDS_PER_DAY;
    (wall + step).min(next_midnight)
}

/// Appends the free slots of one resource, in increasing order of start.
fn resource_slots<R: Clone>(
    timeline: &Timeline,
    request: &SlotRequest,
    bounds: &StartBounds,
    schedule: &ResourceSchedule<'_, R>,
    respect_policy: bool,
    out: &mut Vec<Slot<R>>,
) {
    let timing = request.timing;
    let before = i64::from(timing.buffer_before_minutes) * 60;
    let duration = i64::from(timing.duration_minutes) * 60;
    let after = i64::from(timing.buffer_after_minutes) * 60;
    let step = i64::from(request.policy.slot_interval_minutes) * 60;
    let (earliest, horizon) = if respect_policy {
        (bounds.earliest, bounds.horizon)
    } else {
        (i64::MIN, i64::MAX)
    };
    let first_day = request.from.pred_opt().unwrap_or(request.from);
    let last_day = request.to.succ_opt().unwrap_or(request.to);
    let windows = working_windows(&schedule.calendar, timeline, first_day, last_day);
    let busy = merge_intervals(schedule.busy.to_vec());
    let mut next_busy = 0;

    for window in windows {
        // Inclusive range of starts that keep the appointment and its buffers inside the window.
        let first_start = (window.start + before).max(earliest);
        let last_start = (window.end - duration - after).min(horizon - 1);
        if first_start > last_start {
            continue;
        }
        for (piece_start, piece_end, offset) in timeline.pieces(first_start, last_start + 1) {
            // Inside a piece the offset is constant, so wall time and instant differ by `offset`.
            let low = piece_start.max(bounds.first_wall - offset);
            let high = (piece_end - 1).min(bounds.end_wall - 1 - offset);
            let mut wall = ceil_to_grid(low + offset, step);
            while wall - offset <= high {
                let start = wall - offset;
                let occupied = Interval::new(start - before, start + duration + after);
                while next_busy < busy.len() && busy[next_busy].end <= occupied.start {
                    next_busy += 1;
                }
                let free = busy.get(next_busy).is_none_or(|b| b.start >= occupied.end);
                if free {
                    out.push(Slot {
                        start: labelled(start, offset),
                        end: labelled(start + duration, timeline.offset_at(start + duration)),
                        resource: schedule.resource.clone(),
                    });
                }
                wall = next_grid_point(wall, step);
            }
        }
    }
}

fn labelled(instant: i64, offset: i64) -> DateTime<FixedOffset> {
    let zone = FixedOffset::east_opt(offset as i32).unwrap_or(Utc.fix());
    DateTime::from_timestamp(instant, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
}
