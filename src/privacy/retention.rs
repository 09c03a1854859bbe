//! Chat transcripts are kept for the business's `transcript_retention_days` (default 365), then
//! deleted by a daily job. The job re-arms itself for the next day under that day's key, so
//! several instances arming it at start, or a restart, still run it once a day; a job that
//! comes due late (the service was down) runs when it can and arms the next a day later.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::clock::Clock;
use crate::jobs::{self, ClaimedJob, JobFuture, JobHandler, JobSpec, Outcome};
use crate::storage::{Database, DbConnection, StorageError, StorageResult, privacy, to_db_time};

pub const RETENTION_JOB: &str = "privacy.retention";

/// How often transcripts are purged.
const EVERY: Duration = Duration::days(1);

fn spec(run_at: DateTime<Utc>) -> JobSpec {
    JobSpec::new(RETENTION_JOB, serde_json::json!({}), run_at)
        .keyed(format!("{RETENTION_JOB}:{}", run_at.format("%Y-%m-%d")))
        .max_attempts(3)
}

/// Makes sure a purge is planned for today (call at start).
pub fn arm(conn: &mut DbConnection, now: DateTime<Utc>) -> StorageResult<()> {
    jobs::enqueue(conn, &spec(now), now).map(drop)
}

/// Deletes every business's messages older than it keeps them and plans the next run; returns
/// how many messages went.
pub fn purge(conn: &mut DbConnection, now: DateTime<Utc>) -> StorageResult<usize> {
    let mut purged = 0;
    for (business_id, days) in privacy::retention_of_businesses(conn)? {
        let before = to_db_time(now - Duration::days(days.max(1).into()));
        purged += privacy::purge_messages(conn, &business_id, before)?;
    }
    jobs::enqueue(conn, &spec(now + EVERY), now)?;
    Ok(purged)
}

pub struct RetentionHandler {
    db: Database,
    clock: Arc<dyn Clock>,
}

impl RetentionHandler {
    pub fn new(db: Database, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }
}

impl JobHandler for RetentionHandler {
    fn kinds(&self) -> Vec<&'static str> {
        vec![RETENTION_JOB]
    }

    fn run(&self, _job: ClaimedJob) -> JobFuture {
        let (db, now) = (self.db.clone(), self.clock.now());
        Box::pin(async move {
            let purged = db.write_in_background(move |conn| purge(conn, now)).await;
            let result: Result<usize, StorageError> = match purged {
                Ok(count) => db.truncate_log().await.map(|()| count),
                Err(e) => Err(e),
            };
            match result {
                Ok(count) => {
                    tracing::info!(messages = count, "purged chat transcripts past retention");
                    Outcome::Done
                }
                Err(e) => Outcome::Retry {
                    error: e.to_string(),
                    after: None,
                },
            }
        })
    }
}
