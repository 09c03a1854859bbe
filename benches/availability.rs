//! The scheduling core in-process: free slots for 10 staff over 30 days with 2,000 existing
//! bookings, in a zone with a daylight-saving change inside the range.
//!
//!     cargo bench --bench availability

use chairside::domain::{BookingPolicy, DayHours, ServiceTiming, WallInterval, WeeklyHours};
use chairside::scheduling::{
    Calendar, Interval, ResourceSchedule, SlotRequest, Timeline, free_slots,
};
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use criterion::{Criterion, black_box, criterion_group, criterion_main};

fn week() -> WeeklyHours {
    let day = DayHours::new(vec![
        WallInterval::new(9 * 60, 12 * 60 + 30).unwrap(),
        WallInterval::new(13 * 60 + 30, 19 * 60).unwrap(),
    ])
    .unwrap();
    let mut days: [DayHours; 7] = std::array::from_fn(|_| day.clone());
    days[6] = DayHours::closed();
    WeeklyHours::from_days(days)
}

fn bench(c: &mut Criterion) {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let weekly = week();
    let from = NaiveDate::from_ymd_opt(2027, 3, 15).unwrap();
    let to = NaiveDate::from_ymd_opt(2027, 4, 13).unwrap();
    let now = Utc.with_ymd_and_hms(2027, 3, 14, 12, 0, 0).unwrap();
    // 200 bookings per staff member: 30-minute appointments spread over the 30 days' hours.
    let busy: Vec<Vec<Interval>> = (0..10)
        .map(|staff| {
            (0..200)
                .map(|i| {
                    let day = from + chrono::Days::new(i / 7 % 30);
                    let hour = 9 + (i % 7 + staff) % 9;
                    let start = tz
                        .from_local_datetime(&day.and_hms_opt(hour as u32, 0, 0).unwrap())
                        .earliest()
                        .unwrap()
                        .timestamp();
                    Interval::new(start, start + 1800)
                })
                .collect()
        })
        .collect();
    let request = SlotRequest {
        from,
        to,
        now,
        policy: BookingPolicy {
            slot_interval_minutes: 15,
            min_notice_minutes: 60,
            booking_horizon_days: 90,
            cancellation_cutoff_minutes: 0,
        },
        timing: ServiceTiming {
            duration_minutes: 30,
            buffer_before_minutes: 0,
            buffer_after_minutes: 10,
        },
    };
    let schedules: Vec<ResourceSchedule<'_, usize>> = busy
        .iter()
        .enumerate()
        .map(|(i, b)| ResourceSchedule {
            resource: i,
            calendar: Calendar {
                weekly: &weekly,
                own: &[],
                business: &[],
            },
            busy: b,
        })
        .collect();
    let slots = free_slots(&Timeline::for_dates(tz, from, to), &request, &schedules).len();
    assert!(slots > 2_000, "{slots}");
    c.bench_function("free slots: 10 staff x 30 days, 2000 bookings", |b| {
        b.iter(|| {
            let timeline = Timeline::for_dates(tz, from, to);
            black_box(free_slots(&timeline, black_box(&request), black_box(&schedules)).len())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
