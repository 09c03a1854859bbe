//! The durable job queue: retries with backoff, leases that outlive a dead worker, keyed jobs,
//! and two workers sharing one queue.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chairside::clock::Clock;
use chairside::jobs::{
    self, ClaimedJob, JobFuture, JobHandler, JobQueue, JobSpec, Outcome, Worker, WorkerConfig,
};
use chairside::storage::{StorageError, jobs as job_rows};
use chrono::Duration;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

/// Records every run; fails the first `failures` attempts of each job.
#[derive(Clone, Default)]
struct Recorder {
    runs: Arc<Mutex<Vec<(String, i32, bool)>>>,
    failures: i32,
}

impl JobHandler for Recorder {
    fn kinds(&self) -> Vec<&'static str> {
        vec!["test"]
    }

    fn run(&self, job: ClaimedJob) -> JobFuture {
        self.runs
            .lock()
            .unwrap()
            .push((job.id.clone(), job.attempt, job.interrupted));
        let outcome = if job.attempt <= self.failures {
            Outcome::Retry {
                error: format!("attempt {} failed", job.attempt),
                after: None,
            }
        } else {
            Outcome::Done
        };
        Box::pin(async move { outcome })
    }
}

fn worker(app: &TestApp, handler: Recorder) -> Worker {
    let config = WorkerConfig {
        batch: 50,
        ..WorkerConfig::default()
    };
    Worker::new(
        app.state.db.clone(),
        Arc::new(app.clock.clone()),
        JobQueue::default(),
        &app.state.metrics,
        config,
    )
    .with_handler(Arc::new(handler))
}

async fn enqueue(app: &TestApp, spec: JobSpec) -> bool {
    let now = app.clock.now();
    app.state
        .db
        .write(move |conn| jobs::enqueue(conn, &spec, now))
        .await
        .expect("enqueue")
}

async fn status_of(app: &TestApp, key: &str) -> (String, i32, Option<String>) {
    let key = key.to_owned();
    let job = app
        .state
        .db
        .read(move |conn| job_rows::find_by_key(conn, &key))
        .await
        .expect("read")
        .expect("job exists");
    (job.status, job.attempts, job.last_error)
}

on_both_backends! {
    async fn a_job_whose_payload_is_corrupt_fails_without_running(app: TestApp) {
        let handler = Recorder::default();
        let worker = worker(&app, handler.clone());
        enqueue(&app, JobSpec::new("test", json!({"n": 1}), app.clock.now()).keyed("corrupt")).await;
        enqueue(&app, JobSpec::new("test", json!({"n": 2}), app.clock.now()).keyed("sound")).await;
        app.execute_sql("UPDATE jobs SET payload = '{\"n\": 1' WHERE dedupe_key = 'corrupt'").await;
        assert_eq!(worker.run_batch().await.unwrap(), 2);
        let (status, attempts, error) = status_of(&app, "corrupt").await;
        assert_eq!((status.as_str(), attempts), ("failed", 1), "no retry: it would fail alike");
        let error = error.expect("the failure is recorded");
        assert!(error.contains("corrupt") && error.contains("jobs.payload"), "{error}");
        assert_eq!(status_of(&app, "sound").await.0, "done", "one corrupt job stops no other");
        assert_eq!(handler.runs.lock().unwrap().len(), 1, "the handler never saw the corrupt job");
    }

    async fn failed_jobs_are_retried_with_backoff_then_given_up(app: TestApp) {
        let handler = Recorder { failures: 2, ..Default::default() };
        let worker = worker(&app, handler.clone());
        let now = app.clock.now();
        assert!(enqueue(&app, JobSpec::new("test", json!({"n": 1}), now).keyed("flaky")).await);
        assert!(!enqueue(&app, JobSpec::new("test", json!({"n": 2}), now).keyed("flaky")).await, "a key is taken once");
        assert_eq!(worker.run_batch().await.unwrap(), 1);
        assert_eq!(status_of(&app, "flaky").await.0, "pending");
        assert_eq!(worker.run_batch().await.unwrap(), 0, "not due before its backoff");
        app.clock.advance(Duration::seconds(13));
        assert_eq!(worker.run_batch().await.unwrap(), 1);
        app.clock.advance(Duration::seconds(25));
        assert_eq!(worker.run_batch().await.unwrap(), 1);
        // Done on the third attempt; success clears the error.
        assert_eq!(status_of(&app, "flaky").await, ("done".to_owned(), 3, None));

        let stubborn = Recorder { failures: 100, ..Default::default() };
        let worker = self::worker(&app, stubborn);
        let spec = JobSpec::new("test", json!({}), app.clock.now()).keyed("stubborn").max_attempts(3);
        enqueue(&app, spec).await;
        for _ in 0..3 {
            worker.run_batch().await.unwrap();
            app.clock.advance(Duration::hours(2));
        }
        let (status, attempts, error) = status_of(&app, "stubborn").await;
        assert_eq!((status.as_str(), attempts), ("failed", 3));
        assert!(error.unwrap().contains("gave up after 3 attempts"));
    }

    async fn a_job_whose_worker_died_is_taken_over_and_marked_interrupted_only_if_it_had_begun(app: TestApp) {
        enqueue(&app, JobSpec::new("test", json!({}), app.clock.now()).keyed("began")).await;
        enqueue(&app, JobSpec::new("test", json!({}), app.clock.now()).keyed("claimed")).await;
        // A worker claims both, begins to send one, and dies without reporting back.
        let now = chairside::storage::to_db_time(app.clock.now());
        let lease = now + Duration::minutes(5);
        let claimed = app
            .state
            .db
            .write(move |conn| {
                let claimed = job_rows::claim(conn, &["test"], "dead-worker", 10, now, lease)?;
                let began = job_rows::find_by_key(conn, "began")?.expect("job");
                assert!(job_rows::mark_started(conn, &began.id, "dead-worker", now)?);
                assert!(!job_rows::mark_started(conn, &began.id, "another-worker", now)?, "only its holder marks it");
                Ok::<_, StorageError>(claimed)
            })
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        let handler = Recorder::default();
        let survivor = worker(&app, handler.clone());
        assert_eq!(survivor.run_batch().await.unwrap(), 0, "the lease still holds");
        app.clock.advance(Duration::minutes(6));
        assert_eq!(survivor.run_batch().await.unwrap(), 2);
        let runs: HashMap<String, (i32, bool)> = handler.runs.lock().unwrap().iter().map(|(id, attempt, interrupted)| (id.clone(), (*attempt, *interrupted))).collect();
        let id_of = |key: &str| claimed.iter().find(|c| c.job.dedupe_key.as_deref() == Some(key)).unwrap().job.id.clone();
        assert_eq!(runs[&id_of("began")], (2, true), "second attempt, flagged as interrupted");
        assert_eq!(runs[&id_of("claimed")], (1, false), "never begun: run as if new, the lost claim not counted");
        assert_eq!(status_of(&app, "began").await.0, "done");
        assert_eq!(status_of(&app, "claimed").await, ("done".to_owned(), 1, None));
        // The dead worker's late report changes nothing.
        let id = id_of("began");
        let late = job_rows::Finish::Final { status: job_rows::FAILED, error: Some("late".to_owned()) };
        let stale = app
            .state
            .db
            .write(move |conn| job_rows::finish(conn, &id, "dead-worker", &late, now))
            .await
            .unwrap();
        assert!(!stale);
        assert_eq!(status_of(&app, "began").await.0, "done");
    }

    async fn keyed_jobs_move_and_cancel(app: TestApp) {
        let now = app.clock.now();
        enqueue(&app, JobSpec::new("test", json!({}), now + Duration::hours(1)).keyed("reminder:b1:60")).await;
        enqueue(&app, JobSpec::new("test", json!({}), now + Duration::hours(2)).keyed("reminder:b1:120")).await;
        enqueue(&app, JobSpec::new("test", json!({}), now + Duration::hours(2)).keyed("reminder:b10:120")).await;
        let moved = JobSpec::new("test", json!({"moved": true}), now + Duration::days(1)).keyed("reminder:b1:60");
        app.state.db.write(move |conn| jobs::schedule(conn, &moved, now)).await.unwrap();
        let cancelled = app.state.db.write(move |conn| jobs::cancel_keyed(conn, "reminder:b1:", now)).await.unwrap();
        assert_eq!(cancelled, 2);
        assert_eq!(status_of(&app, "reminder:b10:120").await.0, "pending", "a key prefix is not a number prefix");
        let handler = Recorder::default();
        let worker = worker(&app, handler.clone());
        app.clock.advance(Duration::days(2));
        assert_eq!(worker.run_batch().await.unwrap(), 1);
    }

    async fn two_workers_share_the_queue_and_run_each_job_once(app: TestApp) {
        let now = app.clock.now();
        let specs: Vec<JobSpec> = (0..300).map(|i| JobSpec::new("test", json!({"i": i}), now)).collect();
        app.state
            .db
            .write(move |conn| {
                for spec in &specs {
                    jobs::enqueue(conn, spec, now)?;
                }
                Ok::<_, StorageError>(())
            })
            .await
            .unwrap();
        let handler = Recorder::default();
        let (a, b) = (worker(&app, handler.clone()), worker(&app, handler.clone()));
        let drain = |w: Worker| async move {
            let mut total = 0;
            loop {
                match w.run_batch().await.unwrap() {
                    0 => return total,
                    n => total += n,
                }
            }
        };
        let (ran_a, ran_b) = futures_util::future::join(drain(a), drain(b)).await;
        assert_eq!(ran_a + ran_b, 300);
        let mut per_job: HashMap<String, usize> = HashMap::new();
        for (id, _, _) in handler.runs.lock().unwrap().iter() {
            *per_job.entry(id.clone()).or_default() += 1;
        }
        assert_eq!(per_job.len(), 300);
        assert!(per_job.values().all(|n| *n == 1));
    }
}
