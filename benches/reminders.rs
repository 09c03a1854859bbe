//! The reminder worker draining 10,000 due reminders into a local SMTP server (aiosmtpd run by
//! Debian's /usr/bin/python3, accepting and dropping every message).
//!
//!     cargo bench --bench reminders
//!
//! Settings (environment): `CHAIRSIDE_BENCH_REMINDERS` (10000), `CHAIRSIDE_BENCH_WORKERS`
//! (1; workers in this process, as several instances would run them), `CHAIRSIDE_BENCH_BATCH`,
//! `CHAIRSIDE_BENCH_CONCURRENCY` and `CHAIRSIDE_BENCH_LANES` (the server's worker settings by
//! default), `CHAIRSIDE_BENCH_DATABASE`
//! (a fresh SQLite file; or a `postgres://…` URL of an empty database), and
//! `CHAIRSIDE_BENCH_BUSINESS_COPY=0` to leave out the copy each reminder sends the business,
//! `CHAIRSIDE_BENCH_SINKS` (2: SMTP server processes sharing the port, so that Python is not
//! what is measured), `CHAIRSIDE_BENCH_SMTP=0` to write files instead of sending.
//!
//! Setup writes the bookings straight through the storage layer with their reminders planned by
//! `notifications::booking_changed`, as the booking use cases do; then the clock jumps to when
//! every reminder is due and the time until every reminder and email job has finished is taken.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chairside::access::Secrets;
use chairside::clock::{Clock, ManualClock};
use chairside::config::Config;
use chairside::domain::{
    BookingPolicy, ChatPolicy, EmailAddress, ReminderOffsets, Slug, TimeZoneName,
};
use chairside::error::AppError;
use chairside::jobs::{JobQueue, Worker, WorkerConfig};
use chairside::languages::Locale;
use chairside::metrics::Metrics;
use chairside::notifications::{self, BookingChange, EMAIL_JOB, Mailer, NotificationHandler, mail};
use chairside::setup::{self, BusinessSettings, ServiceInput, StaffInput};
use chairside::storage::models::Booking;
use chairside::storage::schema::jobs;
use chairside::storage::{Database, DbConnection, StorageError, bookings, new_id, to_db_time};
use chrono::{Duration, TimeZone, Utc};
use diesel::prelude::*;
use futures_util::StreamExt;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let reminders = setting("CHAIRSIDE_BENCH_REMINDERS", 10_000);
    let workers = setting("CHAIRSIDE_BENCH_WORKERS", 1).max(1);
    let business_copy = setting("CHAIRSIDE_BENCH_BUSINESS_COPY", 1) == 1;
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = std::env::var("CHAIRSIDE_BENCH_DATABASE")
        .unwrap_or_else(|_| dir.path().join("bench.db").to_string_lossy().into_owned());

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut sink = Command::new("/usr/bin/python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/smtp_sink.py"
        ))
        .arg(port.to_string())
        .arg("-")
        .arg(setting("CHAIRSIDE_BENCH_SINKS", 2).to_string())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the SMTP sink (needs /usr/bin/python3 with aiosmtpd)");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(StdDuration::from_millis(50));
    }

    let mut config = Config::for_tests(&url);
    // CHAIRSIDE_BENCH_SMTP=0 writes files instead, to tell the sink's cost from ours.
    if setting("CHAIRSIDE_BENCH_SMTP", 1) == 1 {
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    }
    config.mail_dir = dir.path().join("mail");
    config.db_pool_size = 16;
    let db = Database::open(&config.database_url, config.db_pool_size).expect("database");
    let bench_db = db.clone();
    let start_of_day = Utc.with_ymd_and_hms(2027, 3, 10, 6, 0, 0).unwrap();
    let clock = ManualClock::new(start_of_day - Duration::days(3));

    let setup = Instant::now();
    create_bookings(&db, reminders, business_copy, clock.now(), start_of_day);
    println!(
        "setup: {reminders} bookings with their reminders in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // Every day-before reminder is due; no appointment has begun.
    clock.set(start_of_day - Duration::hours(10));
    let clock: Arc<dyn Clock> = Arc::new(clock);
    let vault = chairside::vault::unlock(&db, config.secret_key.as_ref())
        .expect("secret key")
        .vault;
    let secrets = db
        .read_blocking(|conn| Secrets::load(conn, &vault))
        .expect("secrets");
    let system = actix_web::rt::System::new();
    let drained = system.block_on(drain(&db, &config, &clock, &secrets, workers));
    let emails = done_emails(&bench_db);
    let expected = reminders * if business_copy { 2 } else { 1 };
    assert_eq!(emails, expected, "every reminder email sent once");
    println!(
        "drained {reminders} reminders ({emails} emails, {} jobs) with {workers} worker(s) on {} in {:.2} s: {:.0} reminders/s; CPU time of this process {:.2} s",
        drained.jobs,
        bench_db.backend().name(),
        drained.seconds,
        reminders as f64 / drained.seconds,
        drained.cpu_seconds,
    );

    // The ceiling: the same messages, rendered again (to files, not measured), pushed by a bare
    // lettre sender with the same pool and the same number in flight to the same server.
    let sink_cpu = sink_cpu_seconds(sink.id());
    if let Some(smtp_url) = config.smtp_url.take() {
        let rendered = rerender_to_files(&system, &db, &config, &clock, &secrets, workers);
        assert_eq!(
            rendered.len(),
            emails,
            "the ceiling sends every message again"
        );
        let bare = system.block_on(bare_send(&smtp_url, &rendered));
        let bare_sink_cpu = sink_cpu_seconds(sink.id()) - sink_cpu;
        println!(
            "bare lettre sender, the same {} messages, {} in flight: {:.2} s; CPU time of the SMTP sink {:.2} s (Chairside's run: {sink_cpu:.2} s)",
            rendered.len(),
            in_flight(),
            bare.as_secs_f64(),
            bare_sink_cpu,
        );
        println!(
            "reminders: {reminders} in {:.2} s, {:.2} of the bare lettre sender ({:.2} s)",
            drained.seconds,
            bare.as_secs_f64() / drained.seconds,
            bare.as_secs_f64()
        );
    }
    let _ = sink.kill();
    let _ = sink.wait();
}

/// The server's worker settings, or `CHAIRSIDE_BENCH_BATCH` / `CHAIRSIDE_BENCH_CONCURRENCY`.
fn worker_config() -> WorkerConfig {
    let defaults = WorkerConfig::default();
    WorkerConfig {
        batch: setting("CHAIRSIDE_BENCH_BATCH", defaults.batch as usize) as i64,
        concurrency: setting("CHAIRSIDE_BENCH_CONCURRENCY", defaults.concurrency),
        lanes: setting("CHAIRSIDE_BENCH_LANES", defaults.lanes),
        ..defaults
    }
}

/// How many sends a worker has in flight at most: the bare sender's number too.
fn in_flight() -> usize {
    let config = worker_config();
    config.concurrency * config.lanes.max(1)
}

struct Drained {
    seconds: f64,
    jobs: usize,
    cpu_seconds: f64,
}

/// Runs `workers` notification workers on every due job until none is left.
async fn drain(
    db: &Database,
    config: &Config,
    clock: &Arc<dyn Clock>,
    secrets: &Secrets,
    workers: usize,
) -> Drained {
    // Inside the runtime: the SMTP connection pool keeps a task there.
    let mailer = Mailer::from_config(config).expect("mailer");
    let metrics = Metrics::new();
    let pool: Vec<Arc<Worker>> = (0..workers)
        .map(|_| {
            Arc::new(
                Worker::new(
                    db.clone(),
                    Arc::clone(clock),
                    JobQueue::default(),
                    &metrics,
                    worker_config(),
                )
                .with_handler(Arc::new(NotificationHandler::new(
                    db.clone(),
                    mailer.clone(),
                    secrets.clone(),
                    config.public_url.clone(),
                    Arc::clone(clock),
                ))),
            )
        })
        .collect();
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    // Each worker's lanes, as `Worker::spawn` runs them; a lane ends when it finds nothing due.
    let lanes = worker_config().lanes.max(1);
    let drains = pool
        .iter()
        .flat_map(|worker| std::iter::repeat_n(worker, lanes))
        .map(|worker| async move {
            let mut ran = 0;
            loop {
                match worker.run_batch().await.expect("run jobs") {
                    0 => return ran,
                    n => ran += n,
                }
            }
        });
    let jobs: usize = futures_util::future::join_all(drains)
        .await
        .into_iter()
        .sum();
    Drained {
        seconds: started.elapsed().as_secs_f64(),
        jobs,
        cpu_seconds: cpu_seconds() - cpu_before,
    }
}

/// Every email of the measured run, rendered again into `config.mail_dir` by the same handler
/// (its jobs set pending once more), read back as (sender, recipient, bytes).
fn rerender_to_files(
    system: &actix_web::rt::SystemRunner,
    db: &Database,
    config: &Config,
    clock: &Arc<dyn Clock>,
    secrets: &Secrets,
    workers: usize,
) -> Vec<(String, String, Vec<u8>)> {
    db.write_blocking(|conn| {
        diesel::update(jobs::table.filter(jobs::kind.eq(EMAIL_JOB)))
            .set((
                jobs::status.eq("pending"),
                jobs::attempts.eq(0),
                jobs::started_at.eq(None::<chrono::NaiveDateTime>),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(conn)
            .map_err(StorageError::from)
    })
    .expect("set the emails pending again");
    system.block_on(drain(db, config, clock, secrets, workers));
    std::fs::read_dir(&config.mail_dir)
        .expect("the rendered messages")
        .filter_map(|entry| {
            let bytes = std::fs::read(entry.ok()?.path()).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let header = |name: &str| -> Option<String> {
                let line = text.lines().find(|l| l.starts_with(name))?;
                let value = &line[name.len()..];
                let address = value
                    .rsplit_once('<')
                    .map_or(value, |(_, rest)| rest.trim_end_matches('>'));
                Some(address.trim().to_owned())
            };
            Some((header("From: ")?, header("To: ")?, bytes))
        })
        .collect()
}

/// Sends `messages` through lettre alone: the pool Chairside's mailer uses, as many in flight
/// as a worker runs (every lane's).
async fn bare_send(smtp_url: &str, messages: &[(String, String, Vec<u8>)]) -> StdDuration {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .expect("SMTP URL")
        .pool_config(PoolConfig::new().max_size(mail::smtp_pool_size()))
        .build();
    let started = Instant::now();
    futures_util::stream::iter(messages)
        .map(|(from, to, bytes)| {
            let transport = &transport;
            async move {
                let envelope = Envelope::new(
                    Some(from.parse().expect("sender")),
                    vec![to.parse().expect("recipient")],
                )
                .expect("envelope");
                transport.send_raw(&envelope, bytes).await.expect("sent");
            }
        })
        .buffer_unordered(in_flight())
        .collect::<Vec<()>>()
        .await;
    started.elapsed()
}

/// One business, 40 staff members, `count` bookings spread over the day, each with its own
/// customer (with an email address) and its day-before reminder planned.
fn create_bookings(
    db: &Database,
    count: usize,
    business_copy: bool,
    now: chrono::DateTime<Utc>,
    start_of_day: chrono::DateTime<Utc>,
) {
    let staff_count = 40;
    let (business_id, service_id, staff_ids) = db
        .write_blocking(|conn| -> Result<_, AppError> {
            let settings = BusinessSettings {
                name: "Bench Barber".to_owned(),
                time_zone: TimeZoneName::parse("time_zone", "Europe/Berlin")?,
                locale: Locale::En,
                address: "Torstraße 1, 10119 Berlin".to_owned(),
                phone: None,
                notification_email: business_copy
                    .then(|| EmailAddress::parse("e", "desk@bench.example"))
                    .transpose()?,
                policy: BookingPolicy::default(),
                chat: ChatPolicy::default(),
                reminder_offsets: ReminderOffsets::parse("r", &[1440])?,
            };
            let (business, _) = setup::create_business(
                conn,
                &Slug::parse("slug", "bench")?,
                settings,
                to_db_time(now),
            )?;
            let mut staff_ids = Vec::new();
            for i in 0..staff_count {
                let input = StaffInput {
                    name: Some(format!("Staff {i}")),
                    ..Default::default()
                };
                staff_ids.push(
                    setup::add_staff(conn, &business.id, input, to_db_time(now))?
                        .resource
                        .id,
                );
            }
            let service = ServiceInput {
                name: Some("Haircut".to_owned()),
                duration_minutes: Some(30),
                staff_ids: Some(staff_ids.clone()),
                ..Default::default()
            };
            let service = setup::add_service(conn, &business.id, service, to_db_time(now))?;
            Ok((business.id, service.service.id, staff_ids))
        })
        .expect("business");
    for chunk in (0..count).collect::<Vec<_>>().chunks(1_000) {
        db.write_blocking(|conn| -> Result<(), AppError> {
            for &i in chunk {
                let start =
                    start_of_day + Duration::minutes(30 * (i / staff_count) as i64 % (14 * 60));
                insert_booking(
                    conn,
                    &business_id,
                    &service_id,
                    &staff_ids[i % staff_count],
                    i,
                    start,
                    now,
                )?;
            }
            Ok(())
        })
        .expect("bookings");
    }
    // The confirmations are not what is measured.
    db.write_blocking(|conn| {
        diesel::delete(jobs::table.filter(jobs::kind.eq(EMAIL_JOB)))
            .execute(conn)
            .map_err(StorageError::from)
    })
    .expect("drop confirmations");
}

fn insert_booking(
    conn: &mut DbConnection,
    business_id: &str,
    service_id: &str,
    staff_id: &str,
    i: usize,
    start: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let at = to_db_time(now);
    let booking = Booking {
        id: new_id(),
        business_id: business_id.to_owned(),
        reference: format!("B{i:06}"),
        service_id: service_id.to_owned(),
        staff_id: staff_id.to_owned(),
        customer_id: None,
        status: "confirmed".to_owned(),
        start_at: to_db_time(start),
        end_at: to_db_time(start + Duration::minutes(30)),
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        hold_expires_at: None,
        channel: "web".to_owned(),
        notes: String::new(),
        sequence: 0,
        cancelled_at: None,
        cancelled_by: None,
        created_at: at,
        updated_at: at,
        arrived_at: None,
        attendance_confirmed_at: None,
        customer_name: format!("Customer {i}"),
        customer_phone: None,
        customer_email: Some(format!("customer{i}@bench.example")),
        conversation_id: None,
        held_by: None,
        manage_version: 0,
    };
    bookings::insert(conn, &booking, &[])?;
    notifications::booking_changed(conn, &booking, BookingChange::Confirmed, now)?;
    Ok(())
}

fn done_emails(db: &Database) -> usize {
    db.read_blocking(|conn| {
        jobs::table
            .filter(jobs::kind.eq(EMAIL_JOB))
            .filter(jobs::status.eq("done"))
            .count()
            .get_result::<i64>(conn)
            .map_err(StorageError::from)
    })
    .expect("count emails") as usize
}

/// User and system CPU time of this process so far (Linux), to tell our cost from a busy machine.
fn cpu_seconds() -> f64 {
    process_cpu_seconds("self")
}

/// The sink's processes: the one started and those it forked.
fn sink_cpu_seconds(pid: u32) -> f64 {
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    process_cpu_seconds(&pid.to_string())
        + children
            .split_whitespace()
            .map(process_cpu_seconds)
            .sum::<f64>()
}

fn process_cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
