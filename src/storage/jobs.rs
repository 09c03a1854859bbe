//! The durable job table: enqueue, claim with a lease, mark begun, finish, release.
//!
//! Claiming differs per backend: PostgreSQL workers on several instances take disjoint batches
//! with `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time, so the claiming transaction
//! (which starts with `BEGIN IMMEDIATE`) cannot race.
//!
//! A claim and the start of a send are two facts: `locked_by` says a worker holds the job,
//! `started_at` says its current attempt has begun what cannot be taken back. Only the second
//! makes an unfinished attempt "interrupted" for the next worker.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Job;
use super::schema::jobs;
use super::{DbConnection, StorageResult};

pub const PENDING: &str = "pending";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// Inserts a job. With a `dedupe_key` that is already taken, nothing is inserted and `false`
/// is returned: the earlier job stands.
pub fn insert(conn: &mut DbConnection, job: &Job) -> StorageResult<bool> {
    if let Some(key) = &job.dedupe_key
        && find_by_key(conn, key)?.is_some()
    {
        return Ok(false);
    }
    diesel::insert_into(jobs::table).values(job).execute(conn)?;
    Ok(true)
}

pub fn find(conn: &mut DbConnection, id: &str) -> StorageResult<Option<Job>> {
    Ok(jobs::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_key(conn: &mut DbConnection, key: &str) -> StorageResult<Option<Job>> {
    Ok(jobs::table
        .filter(jobs::dedupe_key.eq(key))
        .select(Job::as_select())
        .first(conn)
        .optional()?)
}

/// Sets a keyed job to run at `run_at` with `payload`, whatever state it was in, or creates it.
/// Used when the thing a job serves changes (a booking moved: its reminder moves too).
pub fn upsert_by_key(conn: &mut DbConnection, job: &Job) -> StorageResult<()> {
    let Some(key) = &job.dedupe_key else {
        diesel::insert_into(jobs::table).values(job).execute(conn)?;
        return Ok(());
    };
    let updated = diesel::update(jobs::table.filter(jobs::dedupe_key.eq(key)))
        .set((
            jobs::payload.eq(&job.payload),
            jobs::status.eq(PENDING),
            jobs::run_at.eq(job.run_at),
            jobs::attempts.eq(0),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::locked_by.eq(None::<String>),
            jobs::last_error.eq(None::<String>),
            jobs::finished_at.eq(None::<NaiveDateTime>),
            jobs::started_at.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(job.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(jobs::table).values(job).execute(conn)?;
    }
    Ok(())
}

/// Cancels pending jobs whose key starts with `prefix` (all reminders of a booking).
pub fn cancel_by_key_prefix(
    conn: &mut DbConnection,
    prefix: &str,
    now: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(diesel::update(
        jobs::table
            .filter(
                jobs::dedupe_key
                    .like(format!("{}%", escape_like(prefix)))
                    .escape('\\'),
            )
            .filter(jobs::status.eq(PENDING)),
    )
    .set((
        jobs::status.eq(CANCELLED),
        jobs::updated_at.eq(now),
        jobs::finished_at.eq(Some(now)),
    ))
    .execute(conn)?)
}

fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A claimed job, and whether an earlier attempt began to send and never reported back (its
/// worker died or gave up on it mid-way).
#[derive(Debug, Clone)]
pub struct Claimed {
    pub job: Job,
    pub interrupted: bool,
}

/// Claims up to `limit` due jobs of the given kinds for `worker` until `lease_until`. Jobs whose
/// earlier worker's lease ran out are claimed again: reported as interrupted when that attempt
/// had begun to send, and otherwise taken as if new (the attempt that never began is not
/// counted). Call inside a writing transaction.
pub fn claim(
    conn: &mut DbConnection,
    kinds: &[&str],
    worker: &str,
    limit: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> StorageResult<Vec<Claimed>> {
    // Jobs whose worker died first (they are few), then due jobs by run_at. Two queries rather
    // than one with OR: each walks the (status, run_at) index in order and stops at `limit`,
    // where the OR had to collect and sort every due job for each batch. One query text for both
    // backends; a macro because the selection's type is tied to a backend.
    macro_rules! due {
        ($status:expr, $deadline:expr, $limit:expr) => {
            jobs::table
                .filter(jobs::kind.eq_any(kinds))
                .filter(jobs::status.eq($status))
                .filter($deadline.le(now))
                .order($deadline)
                .limit($limit)
                .select(Job::as_select())
        };
    }
    let mut found: Vec<Job> = match conn {
        DbConnection::Postgres(c) => due!(RUNNING, jobs::locked_until, limit)
            .for_update()
            .skip_locked()
            .load(c)?,
        DbConnection::Sqlite(c) => due!(RUNNING, jobs::locked_until, limit).load(c)?,
    };
    let room = limit - found.len() as i64;
    if room > 0 {
        found.extend(match conn {
            DbConnection::Postgres(c) => due!(PENDING, jobs::run_at, room)
                .for_update()
                .skip_locked()
                .load(c)?,
            DbConnection::Sqlite(c) => due!(PENDING, jobs::run_at, room).load(c)?,
        });
    }
    if found.is_empty() {
        return Ok(Vec::new());
    }
    // `started_at` is left as it is: set, it says an earlier attempt may have delivered, which
    // stays true until an attempt ends with a known result. An attempt that was claimed but
    // never began did not happen, so it is not counted again.
    let never_began = |job: &Job| job.status == RUNNING && job.started_at.is_none();
    let (uncounted, counted): (Vec<&Job>, Vec<&Job>) = found.iter().partition(|j| never_began(j));
    for (group, increment) in [(counted, 1), (uncounted, 0)] {
        if group.is_empty() {
            continue;
        }
        let ids: Vec<&str> = group.iter().map(|j| j.id.as_str()).collect();
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set((
                jobs::status.eq(RUNNING),
                jobs::attempts.eq(jobs::attempts + increment),
                jobs::locked_until.eq(Some(lease_until)),
                jobs::locked_by.eq(Some(worker)),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(found
        .into_iter()
        .map(|mut job| {
            let interrupted = job.started_at.is_some();
            if !never_began(&job) {
                job.attempts += 1;
            }
            job.status = RUNNING.to_owned();
            job.locked_until = Some(lease_until);
            job.locked_by = Some(worker.to_owned());
            Claimed { job, interrupted }
        })
        .collect())
}

/// The jobs `worker` holds.
macro_rules! held_by {
    ($worker:expr) => {
        jobs::table
            .filter(jobs::status.eq(RUNNING))
            .filter(jobs::locked_by.eq($worker))
    };
}

/// Records that `worker`'s attempt at job `id` begins to send. Commit it before sending: from
/// then on, an attempt that never reports back may have delivered. `false` when `worker` no
/// longer holds the job (its lease ran out and another worker took it).
pub fn mark_started(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let updated = diesel::update(held_by!(worker).filter(jobs::id.eq(id)))
        .set((jobs::started_at.eq(Some(now)), jobs::updated_at.eq(now)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Extends the lease of every job `worker` holds, so that a lease can be short (a dead worker's
/// jobs are taken over soon) and still outlast a slow send.
pub fn renew_leases(
    conn: &mut DbConnection,
    worker: &str,
    lease_until: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(diesel::update(held_by!(worker))
        .set(jobs::locked_until.eq(Some(lease_until)))
        .execute(conn)?)
}

/// Hands back the jobs `worker` holds but has not begun to send, as they were before it claimed
/// them (still due, the claim not counted as an attempt), so the next worker runs them at once.
pub fn release_unstarted(
    conn: &mut DbConnection,
    worker: &str,
    now: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(
        diesel::update(held_by!(worker).filter(jobs::started_at.is_null()))
            .set((
                jobs::status.eq(PENDING),
                jobs::attempts.eq(jobs::attempts - 1),
                jobs::locked_until.eq(None::<NaiveDateTime>),
                jobs::locked_by.eq(None::<String>),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?,
    )
}

/// How an attempt ended, as the table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// `DONE`, `FAILED` or `CANCELLED`, with the reason for the last two.
    Final {
        status: &'static str,
        error: Option<String>,
    },
    /// Run again at `at`. `uncertain`: the attempt had begun to send and it is not known whether
    /// it delivered (it timed out), so the next attempt is told it was interrupted.
    Retry {
        error: String,
        at: NaiveDateTime,
        uncertain: bool,
    },
}

/// Records a job's result, if `worker` still holds it (a worker whose lease ran out and whose
/// job was taken over must not overwrite the newer attempt).
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    finish: &Finish,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let target = held_by!(worker).filter(jobs::id.eq(id));
    let updated = match finish {
        Finish::Retry {
            error,
            at,
            uncertain,
        } => diesel::update(target)
            .set((
                jobs::status.eq(PENDING),
                jobs::run_at.eq(*at),
                jobs::last_error.eq(Some(error.as_str())),
                jobs::locked_until.eq(None::<NaiveDateTime>),
                jobs::locked_by.eq(None::<String>),
                // Kept only when it tells the next attempt that this one may have delivered.
                (!*uncertain).then_some(jobs::started_at.eq(None::<NaiveDateTime>)),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?,
        Finish::Final { status, error } => diesel::update(target)
            .set((
                jobs::status.eq(*status),
                jobs::last_error.eq(error.as_deref()),
                jobs::locked_until.eq(None::<NaiveDateTime>),
                jobs::updated_at.eq(now),
                jobs::finished_at.eq(Some(now)),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Counts of jobs per (kind, status), for metrics and the staff page.
pub fn counts(conn: &mut DbConnection) -> StorageResult<Vec<(String, String, i64)>> {
    Ok(jobs::table
        .group_by((jobs::kind, jobs::status))
        .select((jobs::kind, jobs::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Recent failed jobs of a business, newest first.
pub fn failed_of(
    conn: &mut DbConnection,
    business_id: &str,
    limit: i64,
) -> StorageResult<Vec<Job>> {
    Ok(jobs::table
        .filter(jobs::business_id.eq(business_id))
        .filter(jobs::status.eq(FAILED))
        .order(jobs::updated_at.desc())
        .limit(limit)
        .select(Job::as_select())
        .load(conn)?)
}
