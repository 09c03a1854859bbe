//! The scheduling core against daylight-saving days and against an independent, slow oracle.

use chairside::domain::{BookingPolicy, DayHours, ServiceTiming, WallInterval, WeeklyHours};
use chairside::scheduling::{
    Calendar, CalendarException, ExceptionRule, Interval, Refusal, ResourceSchedule, SlotRequest,
    Timeline, check_start, free_slots,
};
use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use proptest::prelude::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn every_day(intervals: &[(u16, u16)]) -> WeeklyHours {
    let day = DayHours::new(
        intervals
            .iter()
            .map(|&(s, e)| WallInterval::new(s, e).unwrap())
            .collect(),
    )
    .unwrap();
    WeeklyHours::from_days(std::array::from_fn(|_| day.clone()))
}

fn policy(interval: i32) -> BookingPolicy {
    BookingPolicy {
        slot_interval_minutes: interval,
        min_notice_minutes: 0,
        booking_horizon_days: 365,
        cancellation_cutoff_minutes: 0,
    }
}

fn timing(duration: i32, before: i32, after: i32) -> ServiceTiming {
    ServiceTiming {
        duration_minutes: duration,
        buffer_before_minutes: before,
        buffer_after_minutes: after,
    }
}

/// Slots of one resource working `hours` every day, as "start→end" strings with offsets.
fn slots_on(
    zone: &str,
    day: &str,
    hours: &[(u16, u16)],
    interval: i32,
    duration: i32,
) -> Vec<String> {
    let tz: Tz = zone.parse().unwrap();
    let weekly = every_day(hours);
    let d = date(day);
    let request = SlotRequest {
        from: d,
        to: d,
        now: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        policy: policy(interval),
        timing: timing(duration, 0, 0),
    };
    let schedule = ResourceSchedule {
        resource: 0,
        calendar: Calendar {
            weekly: &weekly,
            own: &[],
            business: &[],
        },
        busy: &[],
    };
    free_slots(&Timeline::for_dates(tz, d, d), &request, &[schedule])
        .iter()
        .map(|s| {
            format!(
                "{}→{}",
                s.start.format("%H:%M%:z"),
                s.end.format("%H:%M%:z")
            )
        })
        .collect()
}

const H: u16 = 60;

#[test]
fn berlin_spring_forward_skips_the_missing_hour() {
    let slots = slots_on("Europe/Berlin", "2027-03-28", &[(H, 5 * H)], 30, 30);
    assert_eq!(
        slots,
        [
            "01:00+01:00→01:30+01:00",
            "01:30+01:00→03:00+02:00",
            "03:00+02:00→03:30+02:00",
            "03:30+02:00→04:00+02:00",
            "04:00+02:00→04:30+02:00",
            "04:30+02:00→05:00+02:00",
        ]
    );
}

#[test]
fn berlin_fall_back_offers_the_repeated_hour_twice_with_distinct_offsets() {
    let slots = slots_on("Europe/Berlin", "2027-10-31", &[(H, 4 * H)], 30, 30);
    assert_eq!(
        slots,
        [
            "01:00+02:00→01:30+02:00",
            "01:30+02:00→02:00+02:00",
            "02:00+02:00→02:30+02:00",
            "02:30+02:00→02:00+01:00",
            "02:00+01:00→02:30+01:00",
            "02:30+01:00→03:00+01:00",
            "03:00+01:00→03:30+01:00",
            "03:30+01:00→04:00+01:00",
        ]
    );
}

#[test]
fn new_york_spring_and_fall() {
    let spring = slots_on("America/New_York", "2027-03-14", &[(H, 4 * H)], 60, 60);
    assert_eq!(
        spring,
        ["01:00-05:00→03:00-04:00", "03:00-04:00→04:00-04:00"]
    );
    let fall = slots_on("America/New_York", "2027-11-07", &[(0, 3 * H)], 60, 60);
    assert_eq!(
        fall,
        [
            "00:00-04:00→01:00-04:00",
            "01:00-04:00→01:00-05:00",
            "01:00-05:00→02:00-05:00",
            "02:00-05:00→03:00-05:00",
        ]
    );
}

#[test]
fn santiago_day_without_midnight_starts_at_one() {
    // 2027-09-05: 00:00 (-04) jumps to 01:00 (-03).
    let slots = slots_on("America/Santiago", "2027-09-05", &[(0, 3 * H)], 60, 60);
    assert_eq!(
        slots,
        ["01:00-03:00→02:00-03:00", "02:00-03:00→03:00-03:00"]
    );
    // 2027-04-04: 00:00 (-03) falls back to 23:00 (-04) on the 3rd, which therefore has 25 hours.
    let slots = slots_on(
        "America/Santiago",
        "2027-04-03",
        &[(22 * H, 24 * H)],
        60,
        60,
    );
    assert_eq!(
        slots,
        [
            "22:00-03:00→23:00-03:00",
            "23:00-03:00→23:00-04:00",
            "23:00-04:00→00:00-04:00"
        ]
    );
}

#[test]
fn beirut_and_havana_days_without_midnight() {
    for (zone, day) in [
        ("Asia/Beirut", "2027-03-28"),
        ("America/Havana", "2027-03-14"),
    ] {
        let slots = slots_on(zone, day, &[(0, 2 * H)], 30, 30);
        let starts: Vec<&str> = slots.iter().map(|s| &s[..5]).collect();
        assert_eq!(starts, ["01:00", "01:30"], "{zone}");
    }
}

#[test]
fn lord_howe_half_hour_shifts() {
    // 2027-10-03 02:00 (+10:30) → 02:30 (+11:00).
    let slots = slots_on(
        "Australia/Lord_Howe",
        "2027-10-03",
        &[(H + 30, 3 * H + 30)],
        30,
        30,
    );
    let starts: Vec<&str> = slots.iter().map(|s| &s[..11]).collect();
    assert_eq!(starts, ["01:30+10:30", "02:30+11:00", "03:00+11:00"]);
    // 2027-04-04 02:00 (+11:00) → 01:30 (+10:30): 01:30–02:00 happens twice.
    let slots = slots_on(
        "Australia/Lord_Howe",
        "2027-04-04",
        &[(H, 2 * H + 30)],
        30,
        30,
    );
    let starts: Vec<&str> = slots.iter().map(|s| &s[..11]).collect();
    assert_eq!(
        starts,
        ["01:00+11:00", "01:30+11:00", "01:30+10:30", "02:00+10:30"]
    );
}

#[test]
fn buffers_notice_horizon_and_busy_time_are_respected() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let weekly = every_day(&[(9 * H, 12 * H)]);
    let d = date("2027-06-01");
    let busy = [Interval::new(
        Utc.with_ymd_and_hms(2027, 6, 1, 8, 0, 0)
            .unwrap()
            .timestamp(), // 10:00 local
        Utc.with_ymd_and_hms(2027, 6, 1, 8, 30, 0)
            .unwrap()
            .timestamp(),
    )];
    let request = SlotRequest {
        from: d,
        to: d,
        now: Utc.with_ymd_and_hms(2027, 6, 1, 6, 0, 0).unwrap(), // 08:00 local
        policy: BookingPolicy {
            min_notice_minutes: 90,
            ..policy(15)
        },
        timing: timing(30, 15, 15),
    };
    let schedule = ResourceSchedule {
        resource: "sam",
        calendar: Calendar {
            weekly: &weekly,
            own: &[],
            business: &[],
        },
        busy: &busy,
    };
    let slots = free_slots(&Timeline::for_dates(tz, d, d), &request, &[schedule]);
    let starts: Vec<String> = slots
        .iter()
        .map(|s| s.start.format("%H:%M").to_string())
        .collect();
    // Before 09:30 is too soon; up to 10:30 the buffers collide with the busy 10:00–10:30;
    // after 11:15 the buffer after would end past closing.
    assert_eq!(starts, ["10:45", "11:00", "11:15"]);
}

#[test]
fn check_start_names_the_reason() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let weekly = every_day(&[(9 * H, 17 * H)]);
    let d = date("2027-06-01");
    let timeline = Timeline::for_dates(tz, d, d);
    let busy = [Interval::new(
        Utc.with_ymd_and_hms(2027, 6, 1, 10, 0, 0)
            .unwrap()
            .timestamp(),
        Utc.with_ymd_and_hms(2027, 6, 1, 11, 0, 0)
            .unwrap()
            .timestamp(),
    )];
    let schedule = ResourceSchedule {
        resource: (),
        calendar: Calendar {
            weekly: &weekly,
            own: &[],
            business: &[],
        },
        busy: &busy,
    };
    let now = Utc.with_ymd_and_hms(2027, 6, 1, 6, 0, 0).unwrap();
    let p = (
        BookingPolicy {
            min_notice_minutes: 60,
            booking_horizon_days: 10,
            ..policy(15)
        },
        timing(30, 0, 0),
    );
    let at = |h, m| Utc.with_ymd_and_hms(2027, 6, 1, h, m, 0).unwrap();
    let check = |t| check_start(&timeline, p, now, &schedule, t).map(|_| ());
    assert_eq!(check(at(5, 0)), Err(Refusal::InPast));
    assert_eq!(check(at(6, 30)), Err(Refusal::TooShortNotice));
    assert_eq!(check(at(8, 5)), Err(Refusal::OffGrid));
    assert_eq!(check(at(10, 15)), Err(Refusal::Taken));
    assert_eq!(check(at(16, 0)), Err(Refusal::OutsideWorkingHours));
    assert_eq!(check(at(8, 0)), Ok(()));
    assert_eq!(
        check(Utc.with_ymd_and_hms(2027, 6, 20, 8, 0, 0).unwrap()),
        Err(Refusal::BeyondHorizon)
    );
}

#[test]
fn closures_and_special_days_take_precedence() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let weekly = every_day(&[(9 * H, 12 * H)]);
    let special = |d: &str, from: u16, to: u16| CalendarException {
        first: date(d),
        last: date(d),
        rule: ExceptionRule::Hours(
            DayHours::new(vec![WallInterval::new(from, to).unwrap()]).unwrap(),
        ),
    };
    let closed = |a: &str, b: &str| CalendarException {
        first: date(a),
        last: date(b),
        rule: ExceptionRule::Closed,
    };
    let business = [
        special("2027-06-01", 14 * H, 15 * H),
        closed("2027-06-03", "2027-06-04"),
    ];
    let own = [
        special("2027-06-01", 16 * H, 17 * H),
        closed("2027-06-05", "2027-06-05"),
    ];
    let calendar = Calendar {
        weekly: &weekly,
        own: &own,
        business: &business,
    };
    let other = Calendar {
        weekly: &weekly,
        own: &[],
        business: &business,
    };
    let request = SlotRequest {
        from: date("2027-06-01"),
        to: date("2027-06-05"),
        now: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        policy: policy(60),
        timing: timing(60, 0, 0),
    };
    let timeline = Timeline::for_dates(tz, request.from, request.to);
    let describe = |c: Calendar<'_>| -> Vec<String> {
        let s = ResourceSchedule {
            resource: (),
            calendar: c,
            busy: &[],
        };
        free_slots(&timeline, &request, &[s])
            .iter()
            .map(|s| s.start.format("%d %H").to_string())
            .collect()
    };
    assert_eq!(describe(calendar), ["01 16", "02 09", "02 10", "02 11"]);
    assert_eq!(
        describe(other),
        [
            "01 14", "02 09", "02 10", "02 11", "05 09", "05 10", "05 11"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests: the core against a slow oracle that asks chrono-tz about every instant.

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Beirut",
    "America/Havana",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Europe/London",
    "UTC",
];
const GRIDS: &[i32] = &[5, 10, 15, 20, 25, 30, 45, 60, 90];

/// Local dates on which the zone changes offset in 2027, to aim the random calendars at them.
fn transition_dates(tz: Tz) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    let mut t = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    while t.year() == 2027 {
        let next = t + chrono::Duration::minutes(30);
        if offset(t) != offset(next) {
            dates.push(next.with_timezone(&tz).date_naive());
        }
        t = next;
    }
    dates
}

/// The instant a wall-clock boundary means, found by brute force: a missing time moves forward
/// minute by minute until the clock shows it.
fn oracle_boundary(tz: Tz, naive: NaiveDateTime, is_start: bool) -> i64 {
    let mut probe = naive;
    loop {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.timestamp(),
            LocalResult::Ambiguous(a, b) => {
                let (a, b) = (
                    a.timestamp().min(b.timestamp()),
                    a.timestamp().max(b.timestamp()),
                );
                return if probe != naive || is_start { a } else { b };
            }
            LocalResult::None => probe += chrono::Duration::minutes(1),
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    zone: usize,
    first: NaiveDate,
    days: u64,
    week: Vec<Vec<(u16, u16)>>,
    own_closed: Option<u64>,
    special: Option<(u64, Vec<(u16, u16)>)>,
    grid: i32,
    timing: (i32, i32, i32),
    busy: Vec<(i64, i64)>,
    now_offset_minutes: i64,
    notice: i32,
    horizon_days: i32,
}

fn day_intervals() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop_oneof![1 => Just(Vec::new()), 5 => working_day()]
}

fn working_day() -> impl Strategy<Value = Vec<(u16, u16)>> {
    proptest::collection::vec((0u16..288, 6u16..150), 1..4).prop_map(|raw| {
        // Five-minute resolution, sorted, non-overlapping, inside 00:00–24:00.
        let mut out: Vec<(u16, u16)> = Vec::new();
        let mut starts: Vec<(u16, u16)> = raw
            .into_iter()
            .map(|(s, l)| (s * 5, (s * 5 + l * 5).min(1440)))
            .collect();
        starts.sort();
        for (s, e) in starts {
            if out.last().is_none_or(|&(_, pe)| s >= pe) && s < e {
                out.push((s, e));
            }
        }
        out
    })
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..ZONES.len(),
        any::<prop::sample::Index>(),
        0u64..4,
        1u64..4,
        proptest::collection::vec(day_intervals(), 7),
        proptest::option::of(0u64..4),
        proptest::option::of((0u64..4, day_intervals())),
        proptest::sample::select(GRIDS),
        (
            proptest::sample::select(&[5, 15, 30, 45, 60, 90, 180][..]),
            0i32..4,
            0i32..4,
        ),
        proptest::collection::vec((0i64..(6 * 288), 1i64..36), 0..12),
        (
            -2000i64..1500,
            proptest::sample::select(&[0, 0, 30, 120][..]),
            1i32..7,
        ),
    )
        .prop_map(
            |(
                zone,
                pick,
                shift,
                days,
                week,
                own_closed,
                special,
                grid,
                t,
                busy,
                (now, notice, horizon),
            )| {
                let tz: Tz = ZONES[zone].parse().unwrap();
                let mut candidates = transition_dates(tz);
                candidates.push(NaiveDate::from_ymd_opt(2027, 6, 15).unwrap());
                let first = *pick.get(&candidates) - chrono::Days::new(shift);
                Case {
                    zone,
                    first,
                    days,
                    week,
                    own_closed,
                    special,
                    grid,
                    timing: (t.0, t.1 * 5, t.2 * 10),
                    busy: busy.into_iter().map(|(s, l)| (s * 300, l * 300)).collect(),
                    now_offset_minutes: now,
                    notice,
                    horizon_days: horizon,
                }
            },
        )
}

fn build_hours(intervals: &[(u16, u16)]) -> DayHours {
    DayHours::new(
        intervals
            .iter()
            .map(|&(s, e)| WallInterval::new(s, e).unwrap())
            .collect(),
    )
    .unwrap()
}

fn check_case(case: &Case) -> Result<(), TestCaseError> {
    let tz: Tz = ZONES[case.zone].parse().unwrap();
    let weekly = WeeklyHours::from_days(std::array::from_fn(|i| build_hours(&case.week[i])));
    let last = case.first + chrono::Days::new(case.days - 1);
    let mut own = Vec::new();
    if let Some(d) = case.own_closed {
        let day = case.first + chrono::Days::new(d);
        own.push(CalendarException {
            first: day,
            last: day,
            rule: ExceptionRule::Closed,
        });
    }
    if let Some((d, hours)) = &case.special {
        let day = case.first + chrono::Days::new(*d);
        own.push(CalendarException {
            first: day,
            last: day,
            rule: ExceptionRule::Hours(build_hours(hours)),
        });
    }
    let calendar = Calendar {
        weekly: &weekly,
        own: &own,
        business: &[],
    };
    let origin = oracle_boundary(
        tz,
        case.first.pred_opt().unwrap().and_hms_opt(0, 0, 0).unwrap(),
        true,
    );
    let busy: Vec<Interval> = case
        .busy
        .iter()
        .map(|&(s, l)| Interval::new(origin + s, origin + s + l))
        .collect();
    let now = DateTime::from_timestamp(origin + 86_400 + case.now_offset_minutes * 60, 0).unwrap();
    let request = SlotRequest {
        from: case.first,
        to: last,
        now,
        policy: BookingPolicy {
            slot_interval_minutes: case.grid,
            min_notice_minutes: case.notice,
            booking_horizon_days: case.horizon_days,
            cancellation_cutoff_minutes: 0,
        },
        timing: timing(case.timing.0, case.timing.1, case.timing.2),
    };
    let timeline = Timeline::for_dates(tz, case.first, last);
    let schedule = ResourceSchedule {
        resource: (),
        calendar,
        busy: &busy,
    };
    let got: Vec<(i64, i32, i64, i32)> = free_slots(&timeline, &request, &[schedule])
        .iter()
        .map(|s| {
            (
                s.start.timestamp(),
                s.start.offset().local_minus_utc(),
                s.end.timestamp(),
                s.end.offset().local_minus_utc(),
            )
        })
        .collect();

    // Oracle: every working window by brute-force boundaries, every five-minute instant checked.
    let mut windows: Vec<(i64, i64)> = Vec::new();
    let mut day = case.first.pred_opt().unwrap();
    while day <= last.succ_opt().unwrap() {
        for i in calendar.hours_on(day).intervals() {
            let at = |m: u16| {
                day.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::minutes(i64::from(m))
            };
            windows.push((
                oracle_boundary(tz, at(i.start()), true),
                oracle_boundary(tz, at(i.end()), false),
            ));
        }
        day = day.succ_opt().unwrap();
    }
    windows.sort();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in windows {
        match merged.last_mut() {
            Some(l) if s <= l.1 => l.1 = l.1.max(e),
            _ if s < e => merged.push((s, e)),
            _ => {}
        }
    }
    let (dur, before, after) = (
        i64::from(case.timing.0) * 60,
        i64::from(case.timing.1) * 60,
        i64::from(case.timing.2) * 60,
    );
    let mut expected = Vec::new();
    let mut t = origin - 86_400;
    while t < origin + (case.days as i64 + 4) * 86_400 {
        let local = DateTime::from_timestamp(t, 0).unwrap().with_timezone(&tz);
        let minutes = i64::from(local.hour() * 60 + local.minute());
        let on_grid = local.second() == 0 && minutes % i64::from(case.grid) == 0;
        let in_dates = (case.first..=last).contains(&local.date_naive());
        let policy_ok = t >= now.timestamp() + i64::from(case.notice) * 60
            && t < now.timestamp() + i64::from(case.horizon_days) * 86_400;
        let occupied = (t - before, t + dur + after);
        let inside = merged
            .iter()
            .any(|w| w.0 <= occupied.0 && occupied.1 <= w.1);
        let clear = busy
            .iter()
            .all(|b| b.end <= occupied.0 || b.start >= occupied.1);
        if on_grid && in_dates && policy_ok && inside && clear {
            let off = |x: i64| {
                tz.offset_from_utc_datetime(&DateTime::from_timestamp(x, 0).unwrap().naive_utc())
                    .fix()
                    .local_minus_utc()
            };
            expected.push((t, off(t), t + dur, off(t + dur)));
        }
        t += 300;
    }
    prop_assert_eq!(got, expected, "{:?}", case);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn free_slots_match_the_brute_force_oracle(case in case()) {
        check_case(&case)?;
    }
}
