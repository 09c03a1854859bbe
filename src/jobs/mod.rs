//! Durable background work: messages to send, emails, reminders.
//!
//! Work is written to the `jobs` table in the same transaction as the change that causes it (a
//! booking made, a message received), so it cannot be lost: if the process dies, the job is
//! still there when it comes back. [`Worker`]s claim due jobs with a lease, run them through the
//! [`JobHandler`] registered for their kind, and commit each outcome as soon as that job is done
//! (not at the end of its batch: a crash loses no finished work). Failures are retried with
//! exponential backoff until `max_attempts`.
//!
//! Being claimed and beginning to send are recorded apart. A handler about to do what cannot be
//! taken back (hand an email to the mail server) first commits that it begins
//! ([`ClaimedJob::begin_send`]). A job whose worker died is claimed again once its lease runs out
//! (leases are short and renewed while a batch runs): if its attempt had not begun, it is simply
//! run as if new; if it had, its handler is told so (`interrupted`), because a message that may
//! already have gone out could be sent twice.
//!
//! On [`Shutdown`] a worker claims nothing more, lets handlers in flight finish for up to
//! `shutdown_grace`, and hands back every job it holds that had not begun, so the next process
//! runs them at once rather than after a lease.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::storage::jobs::Finish;
use crate::storage::models::Job;
use crate::storage::{Database, DbConnection, JsonText, StorageResult, jobs, new_id, to_db_time};

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

    fn row(&self, now: DateTime<Utc>) -> StorageResult<Job> {
        let now = to_db_time(now);
        Ok(Job {
            id: new_id(),
            business_id: self.business_id.clone(),
            kind: self.kind.to_owned(),
            payload: JsonText::encode(&self.payload)?,
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
            started_at: None,
        })
    }
}

/// Adds a job inside the caller's transaction. A keyed job that already exists is left as it
/// is (returns `false`): enqueueing the same work twice does it once.
pub fn enqueue(conn: &mut DbConnection, spec: &JobSpec, now: DateTime<Utc>) -> StorageResult<bool> {
    jobs::insert(conn, &spec.row(now)?)
}

/// Creates or re-arms a keyed job to run at `spec.run_at` with `spec.payload`.
pub fn schedule(conn: &mut DbConnection, spec: &JobSpec, now: DateTime<Utc>) -> StorageResult<()> {
    jobs::upsert_by_key(conn, &spec.row(now)?)
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
    /// An earlier attempt began to send and never reported back (its worker died mid-way, or
    /// it timed out): it may have delivered.
    pub interrupted: bool,
    gate: Arc<SendGate>,
}

impl ClaimedJob {
    /// Commits that this attempt begins to send; call it just before the send, after everything
    /// that can be repeated safely. From then on, an attempt that never reports back is
    /// `interrupted` for the next one; before it, a crash costs nothing but a retry.
    ///
    /// `Err` carries the outcome to return instead of sending: [`Outcome::Released`] when the
    /// worker is stopping (the job goes back to the queue for the next process), a retry when
    /// the mark could not be written or another worker has taken the job over.
    pub async fn begin_send(&self) -> Result<(), Outcome> {
        let gate = Arc::clone(&self.gate);
        if gate.shutdown.is_stopping() {
            return Err(Outcome::Released);
        }
        let now = to_db_time(gate.clock.now());
        let (id, worker) = (gate.job_id.clone(), gate.worker.clone());
        match gate
            .db
            .write_in_background(move |conn| jobs::mark_started(conn, &id, &worker, now))
            .await
        {
            Ok(true) => {
                gate.began.store(true, Ordering::SeqCst);
                Ok(())
            }
            Ok(false) => Err(retry_now(
                "this worker's lease ran out and another worker took the job over",
            )),
            Err(e) => Err(retry_now(format!(
                "could not record the start of the send: {e}"
            ))),
        }
    }
}

fn retry_now(error: impl Into<String>) -> Outcome {
    Outcome::Retry {
        error: error.into(),
        after: None,
    }
}

/// What [`ClaimedJob::begin_send`] needs, and whether it was called.
struct SendGate {
    db: Database,
    clock: Arc<dyn Clock>,
    worker: String,
    job_id: String,
    shutdown: Shutdown,
    began: AtomicBool,
}

impl std::fmt::Debug for SendGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendGate")
            .field("worker", &self.worker)
            .field("began", &self.began)
            .finish_non_exhaustive()
    }
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
    /// Not begun, because the worker is stopping: back to the queue as it was, for the next
    /// worker to run at once (see [`ClaimedJob::begin_send`]).
    Released,
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

/// Tells workers to stop: they claim nothing more, let what is in flight finish (up to their
/// `shutdown_grace`) and hand back what had not begun. Cheap to clone; every clone stops all.
#[derive(Clone)]
pub struct Shutdown {
    stopping: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            stopping: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl Shutdown {
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Resolves once [`Shutdown::stop`] has been called.
    pub async fn stopped(&self) {
        let mut receiver = self.stopping.subscribe();
        // The sender lives in `self`, so waiting cannot fail.
        let _ = receiver.wait_for(|stopping| *stopping).await;
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub batch: i64,
    /// Jobs of one batch run at once.
    pub concurrency: usize,
    /// Batches run at once. A batch ends when its slowest job does; with a second lane claiming
    /// meanwhile, new work (a chat reply) does not wait for the slowest send of the last batch.
    pub lanes: usize,
    pub lease: Duration,
    pub idle_poll: StdDuration,
    /// How long handlers in flight may go on after [`Shutdown::stop`].
    pub shutdown_grace: StdDuration,
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
            lanes: 2,
            // Renewed every third of itself while a batch runs, so it bounds how long the jobs
            // of a dead worker wait, not how long a send may take.
            lease: Duration::seconds(60),
            idle_poll: StdDuration::from_millis(500),
            shutdown_grace: StdDuration::from_secs(10),
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
    shutdown: Shutdown,
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
            shutdown: Shutdown::default(),
        }
    }

    /// Stops this worker with `shutdown` (by default it runs until aborted).
    pub fn with_shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    pub fn with_handler(mut self, handler: Arc<dyn JobHandler>) -> Self {
        for kind in handler.kinds() {
            self.handlers.insert(kind, Arc::clone(&handler));
        }
        self
    }

    /// Runs until its [`Shutdown`] is stopped (the returned task then ends by itself, once what
    /// was in flight is finished or handed back) or the returned handle is aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let worker = Arc::new(self);
        actix_web::rt::spawn(async move {
            let lanes = (0..worker.config.lanes.max(1)).map(|_| worker.lane());
            futures_util::future::join_all(lanes).await;
            tracing::info!(worker = %worker.id, "job worker stopped");
        })
    }

    /// Claims and runs batch after batch until stopped, waiting for work when there is none.
    async fn lane(&self) {
        while !self.shutdown.is_stopping() {
            let notified = self.queue.wake.notified();
            let pause = match self.run_batch().await {
                Ok(0) => self.config.idle_poll,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "job worker could not claim or hand back jobs; retrying");
                    self.config.idle_poll
                }
            };
            tokio::select! {
                _ = tokio::time::timeout(pause, notified) => {}
                () = self.shutdown.stopped() => {}
            }
        }
    }

    /// Claims one batch of due jobs and runs them, committing each outcome as it comes; returns
    /// how many were claimed. Once stopping, it starts no more of them, gives those in flight
    /// `shutdown_grace`, and hands back what had not begun.
    pub async fn run_batch(&self) -> StorageResult<usize> {
        if self.shutdown.is_stopping() {
            return Ok(0);
        }
        let claimed = self.claim().await?;
        let count = claimed.len();
        if count == 0 {
            return Ok(0);
        }
        // `take_while` is asked each time a place frees up, so nothing new starts once stopping.
        let work = futures_util::stream::iter(claimed)
            .take_while(|_| std::future::ready(!self.shutdown.is_stopping()))
            .map(|claim| self.run_and_record(claim))
            .buffer_unordered(self.config.concurrency.max(1))
            .fold(0_usize, |released, was| {
                std::future::ready(released + usize::from(was))
            });
        let grace_over = async {
            self.shutdown.stopped().await;
            tokio::time::sleep(self.config.shutdown_grace).await;
        };
        let released = tokio::select! {
            released = work => released,
            () = grace_over => {
                // Dropping `work` abandons those sends: the ones that had begun stay claimed and
                // are `interrupted` for the next worker; the others are handed back below.
                tracing::warn!(worker = %self.id, "jobs still running when the shutdown grace ran out; abandoned");
                0
            }
            () = self.keep_leases() => 0,
        };
        if released > 0 || self.shutdown.is_stopping() {
            self.hand_back().await?;
        }
        Ok(count)
    }

    async fn claim(&self) -> StorageResult<Vec<jobs::Claimed>> {
        let kinds: Vec<&'static str> = self.handlers.keys().copied().collect();
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.clock.now();
        let (worker, batch, lease_until) = (
            self.id.clone(),
            self.config.batch,
            to_db_time(now + self.config.lease),
        );
        self.db
            .write_in_background(move |conn| {
                jobs::claim(conn, &kinds, &worker, batch, to_db_time(now), lease_until)
            })
            .await
    }

    /// Renews the leases of this worker's jobs every third of a lease; never returns.
    async fn keep_leases(&self) {
        let period = (self.config.lease / 3)
            .to_std()
            .unwrap_or(StdDuration::from_secs(1))
            .max(StdDuration::from_millis(100));
        loop {
            tokio::time::sleep(period).await;
            let (worker, lease_until) = (
                self.id.clone(),
                to_db_time(self.clock.now() + self.config.lease),
            );
            if let Err(e) = self
                .db
                .write_in_background(move |conn| jobs::renew_leases(conn, &worker, lease_until))
                .await
            {
                tracing::warn!(worker = %self.id, error = %e, "could not renew job leases");
            }
        }
    }

    async fn hand_back(&self) -> StorageResult<()> {
        let (worker, now) = (self.id.clone(), to_db_time(self.clock.now()));
        let released = self
            .db
            .write_in_background(move |conn| jobs::release_unstarted(conn, &worker, now))
            .await?;
        if released > 0 {
            tracing::info!(worker = %self.id, released, "handed back jobs that had not begun");
        }
        Ok(())
    }

    /// Runs one job and commits its outcome; `true` when it was released instead (released
    /// jobs are handed back together at the end of the batch).
    async fn run_and_record(&self, claim: jobs::Claimed) -> bool {
        let (job, outcome, uncertain) = self.run_one(claim).await;
        self.record(job, outcome, uncertain).await
    }

    /// The job's outcome, and whether it is uncertain (the handler timed out after it began to
    /// send).
    async fn run_one(&self, claim: jobs::Claimed) -> (Job, Outcome, bool) {
        let job = claim.job;
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            return (
                job,
                Outcome::Failed("no handler for this kind of job".to_owned()),
                false,
            );
        };
        // A payload that does not decode would fail the same way on every attempt.
        let payload = match job.decode_payload() {
            Ok(payload) => payload,
            Err(corrupt) => return (job, Outcome::Failed(corrupt.to_string()), false),
        };
        let gate = Arc::new(SendGate {
            db: self.db.clone(),
            clock: Arc::clone(&self.clock),
            worker: self.id.clone(),
            job_id: job.id.clone(),
            shutdown: self.shutdown.clone(),
            began: AtomicBool::new(false),
        });
        let claimed = ClaimedJob {
            id: job.id.clone(),
            kind: job.kind.clone(),
            business_id: job.business_id.clone(),
            payload,
            attempt: job.attempts,
            max_attempts: job.max_attempts,
            interrupted: claim.interrupted,
            gate: Arc::clone(&gate),
        };
        match tokio::time::timeout(self.config.job_timeout, handler.run(claimed)).await {
            Ok(outcome) => (job, outcome, false),
            Err(_) => (
                job,
                retry_now("timed out"),
                gate.began.load(Ordering::SeqCst),
            ),
        }
    }

    /// Commits one job's outcome (a release is left to the batch); `true` for a release. A
    /// failure to write is logged and left to the lease: the job is claimed again once it runs
    /// out.
    async fn record(&self, job: Job, outcome: Outcome, uncertain: bool) -> bool {
        let label = match &outcome {
            Outcome::Done => "done",
            Outcome::Retry { .. } if job.attempts >= job.max_attempts => "failed",
            Outcome::Retry { .. } => "retry",
            Outcome::Failed(_) => "failed",
            Outcome::Cancelled(_) => "cancelled",
            Outcome::Released => "released",
        };
        self.metrics.record_job(&job.kind, label);
        if let Outcome::Retry { error, .. } | Outcome::Failed(error) = &outcome {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, outcome = label, "job did not succeed");
        }
        let now = self.clock.now();
        let Some(finish) = self.finish_of(&job, outcome, uncertain, now) else {
            return true;
        };
        let (id, worker) = (job.id.clone(), self.id.clone());
        let written = self
            .db
            .write_in_background(move |conn| {
                jobs::finish(conn, &id, &worker, &finish, to_db_time(now))
            })
            .await;
        match written {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %job.id, "the job was taken over by another worker; its outcome here is dropped")
            }
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "could not record the outcome of a job")
            }
        }
        false
    }

    /// What the table records for `outcome`; nothing for a release.
    fn finish_of(
        &self,
        job: &Job,
        outcome: Outcome,
        uncertain: bool,
        now: DateTime<Utc>,
    ) -> Option<Finish> {
        let last = |status, error| Some(Finish::Final { status, error });
        match outcome {
            Outcome::Released => None,
            Outcome::Done => last(jobs::DONE, None),
            Outcome::Failed(error) => last(jobs::FAILED, Some(error)),
            Outcome::Cancelled(reason) => last(jobs::CANCELLED, Some(reason)),
            Outcome::Retry { error, .. } if job.attempts >= job.max_attempts => last(
                jobs::FAILED,
                Some(format!("gave up after {} attempts: {error}", job.attempts)),
            ),
            Outcome::Retry { error, after } => {
                let delay = after.unwrap_or_else(|| backoff(&self.config, job.attempts));
                Some(Finish::Retry {
                    error,
                    at: to_db_time(now + delay),
                    uncertain,
                })
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
