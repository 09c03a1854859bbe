//! How the cost of availability and of a booking grows with the data stored: a week's
//! availability (computed afresh, no kept answers) and one booking for a 3-staff business with
//! 1,000 and with 1,000,000 stored bookings, and as one of 1,000 such businesses (SQLite,
//! in-process, through the same `Scheduler` the API uses).
//!
//!     cargo run --release --example scaling

use std::time::Instant;

use chairside::booking::{AvailabilityQuery, BookingRequest, Scheduler};
use chairside::domain::{
    BookingPolicy, Channel, ChatPolicy, ReminderOffsets, RequestedStart, Slug, TimeZoneName,
    WeeklyHours,
};
use chairside::languages::Locale;
use chairside::metrics::Metrics;
use chairside::setup::{self, BusinessSettings, ServiceInput, StaffInput};
use chairside::storage::{Database, DbConnection, StorageError, to_db_time};
use chrono::{Datelike, Days, TimeZone, Utc};
use diesel::connection::SimpleConnection;

const RUNS: u32 = 2_000;
/// Bookings made to time a booking (54 fit a weekday of three staff).
const BOOKINGS: u32 = 300;

fn setup(conn: &mut DbConnection, slug: &str) -> (String, String, Vec<String>) {
    let now = to_db_time(Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap());
    let settings = BusinessSettings {
        name: "Scale".into(),
        time_zone: TimeZoneName::parse("tz", "Europe/Berlin").unwrap(),
        locale: Locale::En,
        address: String::new(),
        phone: None,
        notification_email: None,
        policy: BookingPolicy {
            booking_horizon_days: 365,
            min_notice_minutes: 0,
            ..BookingPolicy::default()
        },
        chat: ChatPolicy::default(),
        reminder_offsets: ReminderOffsets::default(),
    };
    let (business, _) =
        setup::create_business(conn, &Slug::parse("slug", slug).unwrap(), settings, now).unwrap();
    let hours: WeeklyHours = WeeklyHours::parse(
        &serde_json::from_str(r#"{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]],"sat":[["09:00","14:00"]]}"#).unwrap(),
    )
    .unwrap();
    let staff: Vec<String> = ["A", "B", "C"]
        .iter()
        .map(|n| {
            let input = StaffInput {
                name: Some((*n).into()),
                hours: Some(hours.clone()),
                ..Default::default()
            };
            setup::add_staff(conn, &business.id, input, now)
                .unwrap()
                .resource
                .id
        })
        .collect();
    let service = ServiceInput {
        name: Some("Cut".into()),
        duration_minutes: Some(30),
        staff_ids: Some(staff.clone()),
        ..Default::default()
    };
    let service = setup::add_service(conn, &business.id, service, now)
        .unwrap()
        .service
        .id;
    (business.id, service, staff)
}

/// Stores `count` past bookings (30 minutes each, back to back per staff member) with one SQL
/// statement per table; `prefix` keeps the ids of each business's bookings apart.
fn fill(
    conn: &mut DbConnection,
    prefix: &str,
    business: &str,
    service: &str,
    staff: &[String],
    count: u64,
) {
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
         INSERT INTO bookings (id, business_id, reference, service_id, staff_id, customer_id, status,
           start_at, end_at, buffer_before_minutes, buffer_after_minutes, hold_expires_at, channel, notes,
           sequence, cancelled_at, cancelled_by, created_at, updated_at)
         SELECT '{prefix}b' || i, '{business}', '{prefix}R' || i, '{service}',
           CASE i % 3 WHEN 0 THEN '{a}' WHEN 1 THEN '{b}' ELSE '{c}' END,
           NULL, 'completed',
           datetime('2000-01-01 00:00:00', '+' || ((i / 3) * 30) || ' minutes'),
           datetime('2000-01-01 00:30:00', '+' || ((i / 3) * 30) || ' minutes'),
           0, 0, NULL, 'api', '', 0, NULL, NULL, '2027-03-01 08:00:00', '2027-03-01 08:00:00' FROM n;
         INSERT INTO allocations SELECT id, staff_id, start_at, end_at, NULL FROM bookings
           WHERE business_id = '{business}';",
        last = count - 1,
        a = staff[0],
        b = staff[1],
        c = staff[2],
    );
    conn.batch_execute(&sql).unwrap();
}

/// One stored world: `businesses` businesses of 3 staff, each with `bookings_each` past
/// bookings; the figures are taken on the first.
struct World {
    businesses: usize,
    bookings_each: u64,
}

/// Mean cost of a week's availability (computed afresh) and of one booking, in milliseconds.
fn measure(runtime: &tokio::runtime::Runtime, world: &World) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("scale.db").to_string_lossy(), 2).unwrap();
    let started = Instant::now();
    let (business, service, staff) = db
        .write_blocking(|conn| {
            let mut first = None;
            for i in 0..world.businesses {
                let (business, service, staff) = setup(conn, &format!("scale{i}"));
                fill(
                    conn,
                    &format!("{i}-"),
                    &business,
                    &service,
                    &staff,
                    world.bookings_each,
                );
                first.get_or_insert((business, service, staff));
            }
            Ok::<_, StorageError>(first.unwrap())
        })
        .unwrap();
    eprintln!(
        "stored {} business(es) with {} bookings each in {:.1} s",
        world.businesses,
        world.bookings_each,
        started.elapsed().as_secs_f64()
    );
    let scheduler = Scheduler::new(db.clone(), Metrics::new(), None);
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap();
    let from = now.date_naive() + Days::new(1);
    let query = AvailabilityQuery {
        service_id: service.clone(),
        staff_id: None,
        from,
        to: from + Days::new(6),
    };
    let _ = business;
    runtime.block_on(async {
        // Warm the calendar cache and SQLite's page cache first.
        scheduler
            .availability("scale0".into(), query.clone(), now)
            .await
            .unwrap();
        let started = Instant::now();
        for _ in 0..RUNS {
            scheduler
                .availability("scale0".into(), query.clone(), now)
                .await
                .unwrap();
        }
        let availability = started.elapsed() / RUNS;
        // Bookings one after another on free times of the coming weeks, as the API makes them.
        let started = Instant::now();
        let weekdays: Vec<_> = (0..30)
            .map(|d| from + Days::new(d))
            .filter(|day| day.weekday().num_days_from_monday() < 5)
            .collect();
        for i in 0..BOOKINGS {
            // 18 half hours from 09:00 Berlin (08:00 UTC before the clocks change) per staff.
            let (day, k) = (weekdays[(i / 54) as usize], i % 54);
            let start = Utc.from_utc_datetime(&day.and_hms_opt(8, 0, 0).unwrap())
                + chrono::Duration::minutes(i64::from(30 * (k / 3)));
            let request = BookingRequest {
                service_id: service.clone(),
                staff_id: Some(staff[(k % 3) as usize].clone()),
                start: RequestedStart::Instant(start),
                customer: None,
                customer_id: None,
                conversation_id: None,
                held_by: None,
                notes: String::new(),
                channel: Channel::Api,
                hold_until: None,
                by_business: true,
            };
            scheduler
                .book("scale0".into(), request, now)
                .await
                .expect("a free time");
        }
        let booking = started.elapsed() / BOOKINGS;
        (
            availability.as_secs_f64() * 1e3,
            booking.as_secs_f64() * 1e3,
        )
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let worlds = [
        World {
            businesses: 1,
            bookings_each: 1_000,
        },
        World {
            businesses: 1,
            bookings_each: 1_000_000,
        },
        World {
            businesses: 1_000,
            bookings_each: 1_000,
        },
    ];
    let mut figures = Vec::new();
    for world in &worlds {
        let (availability, booking) = measure(&runtime, world);
        println!(
            "{:>5} business(es) × {:>9} bookings: a week of availability {availability:.3} ms, a booking {booking:.3} ms",
            world.businesses, world.bookings_each
        );
        figures.push((availability, booking));
    }
    let (base, more_bookings, more_businesses) = (figures[0], figures[1], figures[2]);
    println!(
        "scaling: 10^3 -> 10^6 bookings: availability {:.2}x, booking {:.2}x; 1 -> 1000 businesses: availability {:.2}x, booking {:.2}x",
        more_bookings.0 / base.0,
        more_bookings.1 / base.1,
        more_businesses.0 / base.0,
        more_businesses.1 / base.1,
    );
}
