//! Noticing booking changes made by any instance, for the staff page's live updates.
//!
//! Instances share nothing but the database, so a watcher polls one cheap indexed query
//! (`bookings (business_id, updated_at)`): the bookings changed since shortly before the last
//! change it saw. It remembers each returned booking's state and reports those whose state is
//! new; comparing states rather than timestamps catches two changes within one second. The
//! look-back covers writers whose clocks run a few seconds behind this one.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use crate::error::AppError;
use crate::storage::Database;
use crate::storage::bookings::{self, ChangeMark};

/// How far before the newest change seen the next poll looks again.
const CLOCK_SLACK_SECONDS: i64 = 5;

pub struct ChangeWatcher {
    db: Database,
    business_id: String,
    since: NaiveDateTime,
    seen: HashMap<String, ChangeMark>,
}

impl ChangeWatcher {
    /// Starts watching from the business's latest change: what exists now is not news.
    pub async fn start(db: Database, business_id: String) -> Result<Self, AppError> {
        let mut watcher = Self {
            db,
            business_id,
            since: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            seen: HashMap::new(),
        };
        let id = watcher.business_id.clone();
        let last = watcher
            .db
            .read(move |conn| Ok::<_, AppError>(bookings::last_change(conn, &id)?))
            .await?;
        if let Some(last) = last {
            watcher.since = last - Duration::seconds(CLOCK_SLACK_SECONDS);
        }
        watcher.poll().await?;
        Ok(watcher)
    }

    /// The ids of bookings created or changed since the previous poll.
    pub async fn poll(&mut self) -> Result<Vec<String>, AppError> {
        let (id, since) = (self.business_id.clone(), self.since);
        let marks = self
            .db
            .read(move |conn| Ok::<_, AppError>(bookings::changed_since(conn, &id, since)?))
            .await?;
        let changed = marks
            .iter()
            .filter(|mark| self.seen.get(&mark.0) != Some(*mark))
            .map(|mark| mark.0.clone())
            .collect();
        if let Some(newest) = marks.iter().map(|m| m.1).max() {
            self.since = self
                .since
                .max(newest - Duration::seconds(CLOCK_SLACK_SECONDS));
        }
        self.seen = marks.into_iter().map(|m| (m.0.clone(), m)).collect();
        Ok(changed)
    }
}
