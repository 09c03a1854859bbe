//! Durable background work: messages to send, emails, reminders.
//!
//! Work is written to the `jobs` table in the same transaction as the change that causes it (a
//! booking made, a message received), so it cannot be lost: if the process dies, the job is
//! still there when it comes back. [`Worker`]s claim due jobs with a lease, run them through the
//! [`JobHandler`] registered for their kind, and record the outcome. Failures are retried with
//! exponential backoff until `max_attempts`; a job whose worker died is claimed again once its
//! lease runs out, and its handler is told so (`interrupted`), because for a message that may
//! already have gone out, trying again could send it twice.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::storage::models::Job;
use crate::storage::{
    Database, DbConnection, StorageError, StorageResult, jobs, new_id, to_db_time,
};

/// A job to create.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub kind: &'static str,
    pub business_id: Option<String>,
    pub payload: Value,
    pub run_at: DateTime<Utc>,
    /// At most one job exists per key.
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl JobSpec {
    pub fn new(kind: &'static str, payload: Value, run_at: DateTime<Utc>) -> Self {
        Self {
            kind,
            business_id: None,
            payload,
            run_at,
            dedupe_key: None,
            max_attempts: 8,
        }
    }

    pub fn for_business(mut self, business_id: &str) -> Self {
        self.business_id = Some(business_id.to_owned());
        self
    }

    pub fn keyed(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    fn row(&self, now: DateTime<Utc>) -> Job {
        let now = to_db_time(now);
        Job {
            id: new_id(),
            business_id: self.business_id.clone(),
            kind: self.kind.to_owned(),
            payload: self.payload.to_string(),
            dedupe_key: self.dedupe_key.clone(),
            status: jobs::PENDING.to_owned(),
            run_at: to_db_time(self.run_at),
            attempts: 0,
            max_attempts: self.max_attempts,
            locked_until: None,
            locked_by: None,
            last_error: None,
            created_at: now,
            updated_at: now,
            finished_at: None,
        }
    }
}

/// Adds a job inside the caller's transaction. A keyed job that already exists is left as it
/// is (returns `false`): enqueueing the same work twice does it once.
pub fn enqueue(conn: &mut DbConnection, spec: &JobSpec, now: DateTime<Utc>) -> StorageResult<bool> {
    jobs::insert(conn, &spec.row(now))
}

/// Creates or re-arms a keyed job to run at `spec.run_at` with `spec.payload`.
pub fn schedule(conn: &mut DbConnection, spec: &JobSpec, now: DateTime<Utc>) -> StorageResult<()> {
    jobs::upsert_by_key(conn, &spec.row(now))
}

/// Cancels the pending jobs whose key starts with `prefix`.
pub fn cancel_keyed(
    conn: &mut DbConnection,
    prefix: &str,
    now: DateTime<Utc>,
) -> StorageResult<usize> {
    jobs::cancel_by_key_prefix(conn, prefix, to_db_time(now))
}

/// A job as its handler sees it.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub business_id: Option<String>,
    pub payload: Value,
    /// 1 on the first try.
    pub attempt: i32,
    pub max_attempts: i32,
    /// An earlier attempt was claimed but never reported back: its worker died mid-way.
    pub interrupted: bool,
}

/// What became of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Try again later: after the given delay, or with exponential backoff when `None`.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Will never succeed (blocked by the user, invalid address): stop.
    Failed(String),
    /// No longer needed (the booking was cancelled before its reminder went out).
    Cancelled(String),
}

pub type JobFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Runs the jobs of some kinds.
pub trait JobHandler: Send + Sync + 'static {
    fn kinds(&self) -> Vec<&'static str>;
    fn run(&self, job: ClaimedJob) -> JobFuture;
}

/// Lets code that enqueued a job wake the local workers instead of waiting for their next poll.
#[derive(Clone, Default)]
pub struct JobQueue {
    wake: Arc<Notify>,
}

impl JobQueue {
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub batch: i64,
    pub concurrency: usize,
    pub lease: Duration,
    pub idle_poll: StdDuration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A handler that takes longer is abandoned and its job retried.
    pub job_timeout: StdDuration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            batch: 64,
            concurrency: 32,
            lease: Duration::minutes(5),
            idle_poll: StdDuration::from_millis(500),
            backoff_base: Duration::seconds(10),
            backoff_max: Duration::hours(1),
            job_timeout: StdDuration::from_secs(60),
        }
    }
}

/// Claims and runs jobs until stopped.
pub struct Worker {
    id: String,
    db: Database,
    clock: Arc<dyn Clock>,
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    queue: JobQueue,
    config: WorkerConfig,
    metrics: Metrics,
}

impl Worker {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        queue: JobQueue,
        metrics: &Metrics,
        config: WorkerConfig,
    ) -> Self {
        Self {
            id: format!("worker-{}", uuid::Uuid::new_v4().simple()),
            db,
            clock,
            handlers: HashMap::new(),
            queue,
            config,
            metrics: metrics.clone(),
        }
    }

    pub fn with_handler(mut self, handler: Arc<dyn JobHandler>) -> Self {
        for kind in handler.kinds() {
            self.handlers.insert(kind, Arc::clone(&handler));
        }
        self
    }

    /// Runs until the returned handle is aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let worker = Arc::new(self);
        actix_web::rt::spawn(async move {
            loop {
                let notified = worker.queue.wake.notified();
                match worker.run_batch().await {
                    Ok(0) => {
                        let _ = tokio::time::timeout(worker.config.idle_poll, notified).await;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "job worker could not claim jobs; retrying");
                        tokio::time::sleep(worker.config.idle_poll).await;
                    }
                }
            }
        })
    }

    /// Claims one batch of due jobs, runs them, records their outcomes; returns how many ran.
    pub async fn run_batch(&self) -> StorageResult<usize> {
        let kinds: Vec<&'static str> = self.handlers.keys().copied().collect();
        if kinds.is_empty() {
            return Ok(0);
        }
        let now = self.clock.now();
        let (worker, batch, lease_until) = (
            self.id.clone(),
            self.config.batch,
            to_db_time(now + self.config.lease),
        );
        let claimed = self
            .db
            .write(move |conn| {
                jobs::claim(conn, &kinds, &worker, batch, to_db_time(now), lease_until)
            })
            .await?;
        let count = claimed.len();
        if count == 0 {
            return Ok(0);
        }
        let results: Vec<(Job, Outcome)> = futures_util::stream::iter(claimed)
            .map(|claim| self.run_one(claim))
            .buffer_unordered(self.config.concurrency.max(1))
            .collect()
            .await;
        self.record(results).await?;
        Ok(count)
    }

    async fn run_one(&self, claim: jobs::Claimed) -> (Job, Outcome) {
        let job = claim.job;
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            return (
                job,
                Outcome::Failed("no handler for this kind of job".to_owned()),
            );
        };
        let claimed = ClaimedJob {
            id: job.id.clone(),
            kind: job.kind.clone(),
            business_id: job.business_id.clone(),
            payload: serde_json::from_str(&job.payload).unwrap_or(Value::Null),
            attempt: job.attempts,
            max_attempts: job.max_attempts,
            interrupted: claim.interrupted,
        };
        let outcome =
            match tokio::time::timeout(self.config.job_timeout, handler.run(claimed)).await {
                Ok(outcome) => outcome,
                Err(_) => Outcome::Retry {
                    error: "timed out".to_owned(),
                    after: None,
                },
            };
        (job, outcome)
    }

    /// Writes all outcomes of a batch in one transaction.
    async fn record(&self, results: Vec<(Job, Outcome)>) -> StorageResult<()> {
        let now = self.clock.now();
        let mut rows = Vec::with_capacity(results.len());
        for (job, outcome) in results {
            let label = match &outcome {
                Outcome::Done => "done",
                Outcome::Retry { .. } if job.attempts >= job.max_attempts => "failed",
                Outcome::Retry { .. } => "retry",
                Outcome::Failed(_) => "failed",
                Outcome::Cancelled(_) => "cancelled",
            };
            self.metrics.record_job(&job.kind, label);
            if let Outcome::Retry { error, .. } | Outcome::Failed(error) = &outcome {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, outcome = label, "job did not succeed");
            }
            rows.push(self.finish_row(job, outcome, now));
        }
        let worker = self.id.clone();
        self.db
            .write(move |conn| {
                for (id, status, error, retry_at) in &rows {
                    jobs::finish(
                        conn,
                        id,
                        &worker,
                        status,
                        error.as_deref(),
                        *retry_at,
                        to_db_time(now),
                    )?;
                }
                Ok::<_, StorageError>(())
            })
            .await
    }

    fn finish_row(
        &self,
        job: Job,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> (
        String,
        &'static str,
        Option<String>,
        Option<chrono::NaiveDateTime>,
    ) {
        match outcome {
            Outcome::Done => (job.id, jobs::DONE, None, None),
            Outcome::Failed(error) => (job.id, jobs::FAILED, Some(error), None),
            Outcome::Cancelled(reason) => (job.id, jobs::CANCELLED, Some(reason), None),
            Outcome::Retry { error, .. } if job.attempts >= job.max_attempts => (
                job.id,
                jobs::FAILED,
                Some(format!("gave up after {} attempts: {error}", job.attempts)),
                None,
            ),
            Outcome::Retry { error, after } => {
                let delay = after.unwrap_or_else(|| backoff(&self.config, job.attempts));
                (
                    job.id,
                    jobs::PENDING,
                    Some(error),
                    Some(to_db_time(now + delay)),
                )
            }
        }
    }
}

/// Exponential backoff with jitter: base · 2^(attempt−1), at most `backoff_max`, ±20 %.
fn backoff(config: &WorkerConfig, attempt: i32) -> Duration {
    let exponent = attempt.clamp(1, 20) - 1;
    let base = config.backoff_base.num_milliseconds().max(1);
    let raw = base
        .saturating_mul(1_i64 << exponent)
        .min(config.backoff_max.num_milliseconds());
    let jitter = rand::random_range(-(raw / 5)..=(raw / 5));
    Duration::milliseconds(raw + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = WorkerConfig::default();
        let ms = |a| backoff(&config, a).num_milliseconds();
        assert!((8_000..=12_000).contains(&ms(1)));
        assert!((32_000..=48_000).contains(&ms(3)));
        assert!(ms(30) <= 3_600_000 * 12 / 10);
    }
}
