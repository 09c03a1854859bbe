//! Noticing changes made by any instance, for the staff page's live updates: bookings here,
//! conversations in `conversation::inbox` — one watcher serves both through [`ChangeFeed`].
//!
//! Instances share nothing but the database, so a watcher polls one cheap indexed query
//! (`(business_id, updated_at)`): the rows changed since shortly before the last change it saw.
//! It remembers each returned row's state and reports those whose state is new; comparing
//! states rather than timestamps catches two changes within one second. The look-back covers
//! writers whose clocks run a few seconds behind this one.

use std::collections::HashMap;
use std::marker::PhantomData;

use chrono::{Duration, NaiveDateTime};

use crate::error::AppError;
use crate::storage::{Database, DbConnection, StorageResult, bookings};

/// How far before the newest change seen the next poll looks again.
const CLOCK_SLACK_SECONDS: i64 = 5;

/// A table whose rows of one business can be watched for changes.
pub trait ChangeFeed: Send + 'static {
    /// One state of a row: equal marks mean nothing changed.
    type Mark: PartialEq + Send + 'static;

    fn id(mark: &Self::Mark) -> &str;
    fn changed_at(mark: &Self::Mark) -> NaiveDateTime;
    /// The business's rows changed at or after `since`.
    fn changed_since(
        conn: &mut DbConnection,
        business_id: &str,
        since: NaiveDateTime,
    ) -> StorageResult<Vec<Self::Mark>>;
    /// When the business's rows last changed, if it has any.
    fn last_change(
        conn: &mut DbConnection,
        business_id: &str,
    ) -> StorageResult<Option<NaiveDateTime>>;
}

/// Bookings: created, moved, marked, cancelled.
pub struct BookingFeed;

impl ChangeFeed for BookingFeed {
    type Mark = bookings::ChangeMark;

    fn id(mark: &Self::Mark) -> &str {
        &mark.0
    }

    fn changed_at(mark: &Self::Mark) -> NaiveDateTime {
        mark.1
    }

    fn changed_since(
        conn: &mut DbConnection,
        business_id: &str,
        since: NaiveDateTime,
    ) -> StorageResult<Vec<Self::Mark>> {
        bookings::changed_since(conn, business_id, since)
    }

    fn last_change(
        conn: &mut DbConnection,
        business_id: &str,
    ) -> StorageResult<Option<NaiveDateTime>> {
        bookings::last_change(conn, business_id)
    }
}

pub struct ChangeWatcher<F: ChangeFeed> {
    db: Database,
    business_id: String,
    since: NaiveDateTime,
    seen: HashMap<String, F::Mark>,
    feed: PhantomData<F>,
}

impl<F: ChangeFeed> ChangeWatcher<F> {
    /// Starts watching from the business's latest change: what exists now is not news.
    pub async fn start(db: Database, business_id: String) -> Result<Self, AppError> {
        let mut watcher = Self {
            db,
            business_id,
            since: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            seen: HashMap::new(),
            feed: PhantomData,
        };
        let id = watcher.business_id.clone();
        let last = watcher
            .db
            .read(move |conn| Ok::<_, AppError>(F::last_change(conn, &id)?))
            .await?;
        if let Some(last) = last {
            watcher.since = last - Duration::seconds(CLOCK_SLACK_SECONDS);
        }
        watcher.poll().await?;
        Ok(watcher)
    }

    /// The ids of rows created or changed since the previous poll.
    pub async fn poll(&mut self) -> Result<Vec<String>, AppError> {
        let (id, since) = (self.business_id.clone(), self.since);
        let marks = self
            .db
            .read(move |conn| Ok::<_, AppError>(F::changed_since(conn, &id, since)?))
            .await?;
        let changed = marks
            .iter()
            .filter(|mark| self.seen.get(F::id(mark)) != Some(*mark))
            .map(|mark| F::id(mark).to_owned())
            .collect();
        if let Some(newest) = marks.iter().map(F::changed_at).max() {
            self.since = self
                .since
                .max(newest - Duration::seconds(CLOCK_SLACK_SECONDS));
        }
        self.seen = marks
            .into_iter()
            .map(|m| (F::id(&m).to_owned(), m))
            .collect();
        Ok(changed)
    }
}
