//! How availability time grows with the number of bookings stored: the same week's availability
//! for a 3-staff business over 1,000 and over 1,000,000 stored bookings (SQLite, in-process,
//! through the same `Scheduler` the API uses).
//!
//!     cargo run --release --example scaling

use std::time::Instant;

use chairside::booking::{AvailabilityQuery, Scheduler};
use chairside::domain::{
    BookingPolicy, ChatPolicy, Locale, ReminderOffsets, Slug, TimeZoneName, WeeklyHours,
};
use chairside::metrics::Metrics;
use chairside::setup::{self, BusinessSettings, ServiceInput, StaffInput};
use chairside::storage::{Database, DbConnection, StorageError, to_db_time};
use chrono::{Days, TimeZone, Utc};
use diesel::connection::SimpleConnection;

const RUNS: u32 = 3_000;

fn setup(conn: &mut DbConnection) -> (String, String, Vec<String>) {
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
        setup::create_business(conn, &Slug::parse("slug", "scale").unwrap(), settings, now)
            .unwrap();
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
/// statement per table.
fn fill(conn: &mut DbConnection, business: &str, service: &str, staff: &[String], count: u64) {
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
         INSERT INTO bookings (id, business_id, reference, service_id, staff_id, customer_id, status,
           start_at, end_at, buffer_before_minutes, buffer_after_minutes, hold_expires_at, channel, notes,
           sequence, cancelled_at, cancelled_by, created_at, updated_at)
         SELECT 'b' || i, '{business}', 'R' || i, '{service}',
           CASE i % 3 WHEN 0 THEN '{a}' WHEN 1 THEN '{b}' ELSE '{c}' END,
           NULL, 'completed',
           datetime('2000-01-01 00:00:00', '+' || ((i / 3) * 30) || ' minutes'),
           datetime('2000-01-01 00:30:00', '+' || ((i / 3) * 30) || ' minutes'),
           0, 0, NULL, 'api', '', 0, NULL, NULL, '2027-03-01 08:00:00', '2027-03-01 08:00:00' FROM n;
         INSERT INTO allocations SELECT id, staff_id, start_at, end_at, NULL FROM bookings;",
        last = count - 1,
        a = staff[0],
        b = staff[1],
        c = staff[2],
    );
    conn.batch_execute(&sql).unwrap();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut results = Vec::new();
    // `scaling [COUNT…]` measures other sizes (e.g. under a profiler).
    let counts: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let counts = if counts.is_empty() {
        vec![1_000, 1_000_000]
    } else {
        counts
    };
    for &count in &counts {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("scale.db").to_string_lossy(), 2).unwrap();
        let (business, service, staff) = db
            .read_blocking(|conn| Ok::<_, StorageError>(setup(conn)))
            .unwrap();
        let started = Instant::now();
        db.read_blocking(|conn| {
            fill(conn, &business, &service, &staff, count);
            Ok::<_, StorageError>(())
        })
        .unwrap();
        eprintln!(
            "stored {count} bookings in {:.1} s",
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
        let mean = runtime.block_on(async {
            // Warm the calendar cache and SQLite's page cache first.
            scheduler
                .availability("scale".into(), query.clone(), now)
                .await
                .unwrap();
            let started = Instant::now();
            for _ in 0..RUNS {
                scheduler
                    .availability("scale".into(), query.clone(), now)
                    .await
                    .unwrap();
            }
            started.elapsed() / RUNS
        });
        println!(
            "{count:>9} bookings stored: a week of availability in {:.3} ms",
            mean.as_secs_f64() * 1e3
        );
        results.push(mean.as_secs_f64());
    }
    if let (Some(first), Some(last)) = (results.first(), results.last()) {
        println!(
            "growth from {} to {} bookings: {:.2}×",
            counts[0],
            counts[counts.len() - 1],
            last / first
        );
    }
}
