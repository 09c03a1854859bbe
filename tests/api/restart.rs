//! A restart loses no message: the real binary, killed (`kill -9`) or stopped (SIGTERM) while it
//! sends a burst of 200 due reminders through a real SMTP server, then started again.
//!
//! The test's own server (workers off) makes the bookings and reads the database; the binary,
//! on the same database, does the sending.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chairside::notifications::{EMAIL_JOB, REMINDER_JOB};
use chairside::storage::schema::jobs;
use chairside::storage::{StorageError, jobs as job_rows};
use chrono::{Duration, DurationRound, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::*;
use crate::mail::*;
use crate::on_both_backends;

const BURST: usize = 200;
/// How many reminder emails arrive before the server is killed or stopped: few, so that the
/// stop finds jobs claimed but not yet begun however fast the sends go (a worker claims 64 and
/// sends 32 at once).
const SENT_BEFORE_STOP: usize = 5;

/// The `chairside` binary serving on a free port, sending through `sink`.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(
        database_url: &str,
        sink: &SmtpSink,
        log: PathBuf,
        lease_seconds: Option<u64>,
    ) -> Self {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_chairside"));
        command
            .env("DATABASE_URL", database_url)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("CHAIRSIDE_SMTP_URL", sink.url())
            .env("CHAIRSIDE_DEMO", "false")
            .env("CHAIRSIDE_RATE_LIMITS", "off")
            .env("CHAIRSIDE_WORKERS", "1")
            .env("CHAIRSIDE_LOG", "info")
            .env_remove("CHAIRSIDE_JOB_LEASE_SECONDS")
            .stdout(std::fs::File::create(&log).expect("log file"))
            .stderr(Stdio::null());
        // The key the test harness sealed this database's secrets with (PostgreSQL); SQLite
        // databases have their key file beside them.
        match chairside::config::Config::for_tests(database_url).secret_key {
            Some(key) => command.env("CHAIRSIDE_SECRET_KEY", key.to_base64()),
            None => command.env_remove("CHAIRSIDE_SECRET_KEY"),
        };
        if let Some(seconds) = lease_seconds {
            command.env("CHAIRSIDE_JOB_LEASE_SECONDS", seconds.to_string());
        }
        let mut child = command.spawn().expect("start the chairside binary");
        let deadline = Instant::now() + StdDuration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "chairside exited at start ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chairside did not start listening"
            );
            std::thread::sleep(StdDuration::from_millis(50));
        }
        Self { child, log }
    }

    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Sends SIGTERM and waits (at most 20 s) for the process to exit.
    fn terminate(mut self) -> (ExitStatus, StdDuration) {
        let asked = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return (status, asked.elapsed());
            }
            assert!(
                asked.elapsed() < StdDuration::from_secs(20),
                "no exit within 20 s of SIGTERM: {}",
                self.log_text()
            );
            std::thread::sleep(StdDuration::from_millis(20));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A business whose 200 bookings each have a customer with an address of their own and a
/// reminder that is due now (a week before appointments that start from tomorrow on); the
/// confirmations are dropped, so that the reminders are the whole burst. Returns each booking's
/// customer address.
async fn due_reminders(app: &TestApp) -> HashMap<String, String> {
    // The binary runs on the real clock. The bookings are made as if eight days ago, when their
    // reminders (a week ahead) were still to come; by the real clock they are all due.
    let now = Utc::now()
        .duration_trunc(Duration::minutes(30))
        .expect("a round time");
    app.clock.set(now - Duration::days(8));
    let key = app
        .create_business(
            "burst",
            "Europe/Berlin",
            json!({"notification_email": null, "min_notice_minutes": 0, "reminder_offsets_minutes": [10080]}),
        )
        .await;
    let staff = app
        .add_staff("burst", &key, "Sam", every_day(json!([["00:00", "24:00"]])))
        .await;
    let service = app
        .add_service(
            "burst",
            &key,
            json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [staff]}),
        )
        .await;
    let mut customers = HashMap::new();
    for i in 0..BURST {
        let start = now + Duration::days(1) + Duration::minutes(30 * i as i64);
        let email = format!("customer{i}@burst.example");
        let (status, booking) = app
            .book("burst", json!({"service_id": service, "start": start.to_rfc3339(), "customer": {"name": format!("C{i}"), "email": email}}))
            .await;
        assert_eq!(status, 201, "{booking}");
        customers.insert(
            booking["id"].as_str().expect("booking id").to_owned(),
            email,
        );
    }
    let dropped = app
        .state
        .db
        .write(|conn| {
            diesel::delete(jobs::table.filter(jobs::kind.eq(EMAIL_JOB)))
                .execute(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("drop confirmations");
    assert_eq!(dropped, BURST, "one confirmation each");
    customers
}

/// An email job as the test looks at it.
#[derive(Debug, Clone)]
struct EmailJob {
    booking_id: String,
    status: String,
    last_error: Option<String>,
    started: bool,
}

/// The reminder emails' jobs, and how many reminder and email jobs are not finished.
async fn snapshot(app: &TestApp) -> (Vec<EmailJob>, usize) {
    app.state
        .db
        .read(|conn| {
            let rows: Vec<(String, String, Option<String>, Option<NaiveDateTime>)> = jobs::table
                .filter(jobs::kind.eq(EMAIL_JOB))
                .select((
                    jobs::payload,
                    jobs::status,
                    jobs::last_error,
                    jobs::started_at,
                ))
                .load(conn)?;
            let unfinished: i64 = jobs::table
                .filter(jobs::kind.eq_any([EMAIL_JOB, REMINDER_JOB]))
                .filter(jobs::status.eq_any([job_rows::PENDING, job_rows::RUNNING]))
                .count()
                .get_result(conn)?;
            let emails = rows
                .into_iter()
                .map(|(payload, status, last_error, started_at)| {
                    let payload: serde_json::Value =
                        serde_json::from_str(&payload).expect("JSON payload");
                    EmailJob {
                        booking_id: payload["booking_id"]
                            .as_str()
                            .expect("booking id")
                            .to_owned(),
                        status,
                        last_error,
                        started: started_at.is_some(),
                    }
                })
                .collect();
            Ok::<_, StorageError>((emails, unfinished as usize))
        })
        .await
        .expect("read jobs")
}

/// Waits until every reminder and its email job has finished.
async fn all_finished(app: &TestApp, within: StdDuration, server: &Server) -> Vec<EmailJob> {
    let deadline = Instant::now() + within;
    loop {
        let (emails, unfinished) = snapshot(app).await;
        // The count and the rows are two reads: both must say that nothing is left.
        let open = emails
            .iter()
            .filter(|j| j.status == job_rows::PENDING || j.status == job_rows::RUNNING)
            .count();
        if unfinished == 0 && open == 0 && emails.len() == BURST {
            return emails;
        }
        assert!(
            Instant::now() < deadline,
            "{unfinished} jobs unfinished after {within:?} ({} email jobs): {}",
            emails.len(),
            server.log_text()
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

async fn wait_for_messages(sink: &SmtpSink, count: usize, server: &Server) {
    let deadline = Instant::now() + StdDuration::from_secs(20);
    while sink.messages().len() < count {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} messages within 20 s: {}",
            server.log_text()
        );
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
}

/// How many messages each address received.
fn received(sink: &SmtpSink) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for raw in sink.messages() {
        let mail = parse_mail(&raw);
        assert!(
            mail.subject.to_lowercase().contains("reminder"),
            "only reminders are sent: {}",
            mail.subject
        );
        *counts.entry(mail.to).or_default() += 1;
    }
    counts
}

fn log_path(app: &TestApp, name: &str) -> PathBuf {
    let dir = Path::new(app.state.config.mail_dir.as_path())
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("{name}-{}.log", uuid::Uuid::new_v4().simple()))
}

on_both_backends! {
    configure without_workers;

    async fn a_kill_9_during_a_burst_of_reminders_loses_none_and_fails_only_sends_that_had_begun(app: TestApp) {
        let customers = due_reminders(&app).await;
        let sink = SmtpSink::start();
        // A short lease, so that the restarted server takes over the dead one's jobs at once.
        let first = Server::start(app.database.url(), &sink, log_path(&app, "first"), Some(2));
        wait_for_messages(&sink, SENT_BEFORE_STOP, &first).await;
        first.kill_9();

        let (at_kill, _) = snapshot(&app).await;
        let claimed_not_begun: HashSet<String> = at_kill.iter().filter(|j| j.status == job_rows::RUNNING && !j.started).map(|j| j.booking_id.clone()).collect();
        let begun: HashSet<String> = at_kill.iter().filter(|j| j.status == job_rows::RUNNING && j.started).map(|j| j.booking_id.clone()).collect();
        assert!(!claimed_not_begun.is_empty(), "the kill caught jobs claimed but not begun: {at_kill:?}");

        let second = Server::start(app.database.url(), &sink, log_path(&app, "second"), Some(2));
        let finished = all_finished(&app, StdDuration::from_secs(25), &second).await;
        let (status, _) = second.terminate();
        assert!(status.success(), "{status}");

        let counts = received(&sink);
        assert!(counts.values().all(|n| *n == 1), "nobody hears twice: {counts:?}");
        for job in &finished {
            let to = &customers[&job.booking_id];
            match job.status.as_str() {
                "done" => assert_eq!(counts.get(to), Some(&1), "{to} got their reminder"),
                "failed" => {
                    assert!(begun.contains(&job.booking_id), "only a send that had begun is failed: {job:?}");
                    let reason = job.last_error.as_deref().unwrap_or_default();
                    assert!(reason.contains("may already have arrived"), "{reason}");
                }
                other => panic!("a reminder email ended {other}: {job:?}"),
            }
        }
        for booking in &claimed_not_begun {
            let job = finished.iter().find(|j| &j.booking_id == booking).expect("its job");
            assert_eq!(job.status, "done", "claimed but never begun: simply sent after the restart");
        }
    }

    async fn sigterm_during_a_burst_finishes_sends_in_flight_and_hands_back_the_rest(app: TestApp) {
        let customers = due_reminders(&app).await;
        let sink = SmtpSink::start();
        // The default lease (a minute): what is handed back must not wait for it.
        let first = Server::start(app.database.url(), &sink, log_path(&app, "first"), None);
        wait_for_messages(&sink, SENT_BEFORE_STOP, &first).await;
        let (status, took) = first.terminate();
        assert!(status.success(), "a clean exit: {status}");
        assert!(took < StdDuration::from_secs(12), "stopped within the grace: {took:?}");

        let (at_stop, unfinished) = snapshot(&app).await;
        let running: Vec<&EmailJob> = at_stop.iter().filter(|j| j.status == job_rows::RUNNING).collect();
        assert!(running.is_empty(), "sends in flight finished, the rest handed back: {running:?}");
        let handed_back = at_stop.iter().filter(|j| j.status == job_rows::PENDING).count();
        assert!(unfinished > 0 && handed_back > 0, "the stop came mid-burst ({unfinished} unfinished)");
        let sent_by_first = sink.messages().len();

        let started = Instant::now();
        let second = Server::start(app.database.url(), &sink, log_path(&app, "second"), None);
        let finished = all_finished(&app, StdDuration::from_secs(20), &second).await;
        assert!(started.elapsed() < StdDuration::from_secs(30), "not held back by a lease");
        let (status, _) = second.terminate();
        assert!(status.success(), "{status}");

        let counts = received(&sink);
        assert!(sink.messages().len() > sent_by_first, "the next process sent the rest");
        assert!(finished.iter().all(|j| j.status == "done"), "none failed: {finished:?}");
        let expected: HashSet<&String> = customers.values().collect();
        assert_eq!(counts.keys().collect::<HashSet<_>>(), expected, "none lost");
        assert!(counts.values().all(|n| *n == 1), "none duplicated: {counts:?}");
    }
}
