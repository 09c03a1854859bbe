//! Events that limits count across instances and restarts: failed logins, one-time code
//! requests, booking-reference checks, password resets. Each event is a row under a subject
//! (`code:contact:+4917012345`, `login:address:192.0.2.1`), so every instance sees every
//! other's, and a restart forgets nothing.
//!
//! [`reserve`] checks and records in one step: a caller first takes the subjects' locks, so two
//! parallel attempts cannot both see room for one more. SQLite's single writer already
//! serialises writing transactions; on PostgreSQL each subject has a transaction-scoped
//! advisory lock.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::attempts;
use super::{DbConnection, StorageResult, new_id};

/// At most `max` events under `subject` within `window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub subject: String,
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    pub fn new(subject: impl Into<String>, max: i64, window: Duration) -> Self {
        Self {
            subject: subject.into(),
            max,
            window,
        }
    }
}

/// A limit was reached; room comes back after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub retry_after_seconds: i64,
}

/// Takes the locks of `subjects` until the end of the caller's (writing) transaction.
pub fn lock(conn: &mut DbConnection, subjects: &[&str]) -> StorageResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        // Sorted, so that two transactions locking the same subjects cannot deadlock.
        let mut sorted = subjects.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for subject in sorted {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<Text, _>(subject)
                .execute(pg)?;
        }
    }
    Ok(())
}

/// How many events `subject` has had since `since`, and when the earliest of them was.
pub fn since(
    conn: &mut DbConnection,
    subject: &str,
    since: NaiveDateTime,
) -> StorageResult<(i64, Option<NaiveDateTime>)> {
    Ok(attempts::table
        .filter(attempts::subject.eq(subject))
        .filter(attempts::at.ge(since))
        .select((diesel::dsl::count_star(), diesel::dsl::min(attempts::at)))
        .first(conn)?)
}

pub fn record(conn: &mut DbConnection, subject: &str, at: NaiveDateTime) -> StorageResult<()> {
    diesel::insert_into(attempts::table)
        .values((
            attempts::id.eq(new_id()),
            attempts::subject.eq(subject),
            attempts::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets the events of `subject` (a successful login clears its failures).
pub fn clear(conn: &mut DbConnection, subject: &str) -> StorageResult<usize> {
    Ok(diesel::delete(attempts::table.filter(attempts::subject.eq(subject))).execute(conn)?)
}

/// Forgets one event of `subject` recorded at `at` (a reservation that turned out not to be a
/// failure: the right password).
pub fn forget_one(conn: &mut DbConnection, subject: &str, at: NaiveDateTime) -> StorageResult<()> {
    let one: Option<String> = attempts::table
        .filter(attempts::subject.eq(subject))
        .filter(attempts::at.eq(at))
        .select(attempts::id)
        .first(conn)
        .optional()?;
    if let Some(id) = one {
        diesel::delete(attempts::table.find(id)).execute(conn)?;
    }
    Ok(())
}

/// Forgets the events older than `before` of the subjects starting with `prefix` (one kind of
/// limit, whose window is known; other kinds may look further back).
pub fn prune_prefix(
    conn: &mut DbConnection,
    prefix: &str,
    before: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(diesel::delete(
        attempts::table
            .filter(attempts::at.lt(before))
            .filter(attempts::subject.like(format!("{prefix}%"))),
    )
    .execute(conn)?)
}

/// Forgets every event older than `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> StorageResult<usize> {
    Ok(diesel::delete(attempts::table.filter(attempts::at.lt(before))).execute(conn)?)
}

/// Checks every limit and, when all have room, records one event under each; call inside a
/// writing transaction. Refused: nothing is recorded.
pub fn reserve(
    conn: &mut DbConnection,
    limits: &[Limit],
    now: NaiveDateTime,
) -> StorageResult<Result<(), Exhausted>> {
    let subjects: Vec<&str> = limits.iter().map(|l| l.subject.as_str()).collect();
    lock(conn, &subjects)?;
    let mut wait = 0;
    for limit in limits {
        let (count, earliest) = since(conn, &limit.subject, now - limit.window)?;
        if count >= limit.max {
            let free_at = earliest.map_or(now + limit.window, |at| at + limit.window);
            wait = wait.max((free_at - now).num_seconds().max(1));
        }
    }
    if wait > 0 {
        return Ok(Err(Exhausted {
            retry_after_seconds: wait,
        }));
    }
    for subject in subjects {
        record(conn, subject, now)?;
    }
    Ok(Ok(()))
}
