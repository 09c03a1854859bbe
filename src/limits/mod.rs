//! Request limits per client on the public endpoints: token buckets per limit class and client
//! address, held across instances.
//!
//! A request never touches the database for its limit: each instance keeps its own buckets in
//! memory ([`table`]) and, about once a second, adds what its clients used to one shared row per
//! bucket and reads back what every instance used together ([`Limits::reconcile`]). The shared
//! budget is therefore approximate in two ways, both bounded: a client may spend what is left on
//! each instance during the second before they hear from each other, and a client new to an
//! instance starts there with a full bucket until the next round.
//!
//! `CHAIRSIDE_RATE_LIMITS=off` turns these limits off (tests and benchmarks send everything from
//! one address). Limits that protect a person rather than the server — failed logins,
//! password-reset mails, one-time codes — are counted in `attempts` instead and stay on.

mod client;
mod rate;
mod table;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use prometheus::{IntCounterVec, IntGauge, Opts};

pub use client::ClientAddress;
pub use rate::Rate;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::storage::{Database, StorageError, rate_buckets};
use table::Table;

/// How often an instance exchanges its use with the others.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(1);
/// How often shared rows of full buckets are deleted.
const PRUNE_EVERY_US: i64 = 60 * 1_000_000;
/// Buckets one instance keeps at most (about 100 bytes each).
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;

/// What a limit is about; each class has its own rate and its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitClass {
    /// Chat turns and the widget's polling for staff replies.
    Chat,
    /// Bookings made through the public API.
    Booking,
    /// Free slots and the public profile a booking page loads.
    Availability,
    /// A customer's requests with a booking's manage token.
    Manage,
    /// Asking for a password-reset mail and setting the new password.
    PasswordReset,
}

impl LimitClass {
    pub const ALL: [LimitClass; 5] = [
        LimitClass::Chat,
        LimitClass::Booking,
        LimitClass::Availability,
        LimitClass::Manage,
        LimitClass::PasswordReset,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LimitClass::Chat => "chat",
            LimitClass::Booking => "booking",
            LimitClass::Availability => "availability",
            LimitClass::Manage => "manage",
            LimitClass::PasswordReset => "password_reset",
        }
    }

    /// The environment variable that sets this class's rate.
    pub fn setting(self) -> &'static str {
        match self {
            LimitClass::Chat => "CHAIRSIDE_LIMIT_CHAT",
            LimitClass::Booking => "CHAIRSIDE_LIMIT_BOOKING",
            LimitClass::Availability => "CHAIRSIDE_LIMIT_AVAILABILITY",
            LimitClass::Manage => "CHAIRSIDE_LIMIT_MANAGE",
            LimitClass::PasswordReset => "CHAIRSIDE_LIMIT_PASSWORD_RESET",
        }
    }

    /// Generous for a person on a booking page, tight for a script.
    fn default_rate(self) -> Rate {
        match self {
            // The widget polls every 4 s (15 a minute), which leaves 45 messages a minute.
            LimitClass::Chat => const { Rate::fixed(60, 60) },
            LimitClass::Booking => const { Rate::fixed(20, 3600) },
            // A page load is the profile and a few days of slots; clicking through a month
            // stays far below this.
            LimitClass::Availability => const { Rate::fixed(120, 60) },
            LimitClass::Manage => const { Rate::fixed(30, 60) },
            LimitClass::PasswordReset => const { Rate::fixed(10, 3600) },
        }
    }

    fn index(self) -> usize {
        match self {
            LimitClass::Chat => 0,
            LimitClass::Booking => 1,
            LimitClass::Availability => 2,
            LimitClass::Manage => 3,
            LimitClass::PasswordReset => 4,
        }
    }
}

/// The rate of every class (`None`: that class is not limited) and the size of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    rates: [Option<Rate>; 5],
    pub max_clients: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            rates: LimitClass::ALL.map(|class| Some(class.default_rate())),
            max_clients: DEFAULT_MAX_CLIENTS,
        }
    }
}

impl LimitSettings {
    pub fn rate(&self, class: LimitClass) -> Option<Rate> {
        self.rates[class.index()]
    }

    pub fn set(&mut self, class: LimitClass, rate: Option<Rate>) {
        self.rates[class.index()] = rate;
    }
}

/// A request over its class's limit; room comes back after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many {} requests from this address; try again in {retry_after_seconds} seconds", .class.name())]
pub struct Throttled {
    pub class: LimitClass,
    pub retry_after_seconds: i64,
}

/// The request limits of this instance. Cheap to clone.
#[derive(Clone)]
pub struct Limits {
    inner: Arc<Inner>,
}

struct Inner {
    enabled: bool,
    settings: LimitSettings,
    table: Mutex<Table>,
    db: Database,
    clock: Arc<dyn Clock>,
    last_prune_us: AtomicI64,
    /// One round at a time: a round that finds nothing to do must not overtake one whose
    /// exchange with the database is still under way.
    rounds: tokio::sync::Mutex<()>,
    refused: IntCounterVec,
    buckets: IntGauge,
}

/// The key of a bucket, here and in the shared table: `chat:192.0.2.1`.
fn subject(class: LimitClass, client: &ClientAddress) -> String {
    format!("{}:{}", class.name(), client.key())
}

fn micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

impl Limits {
    /// `enabled` is `CHAIRSIDE_RATE_LIMITS`; off, every check passes and nothing is reconciled.
    pub fn new(
        settings: LimitSettings,
        enabled: bool,
        db: Database,
        clock: Arc<dyn Clock>,
        metrics: &Metrics,
    ) -> Self {
        let refused = IntCounterVec::new(
            Opts::new(
                "rate_limited_total",
                "Requests refused by a per-client rate limit, by limit class",
            ),
            &["class"],
        )
        .expect("static metric definition");
        let buckets = IntGauge::new(
            "rate_limit_buckets",
            "Per-client rate-limit buckets held in this instance's memory",
        )
        .expect("static metric definition");
        metrics.register(Box::new(refused.clone()));
        metrics.register(Box::new(buckets.clone()));
        Self {
            inner: Arc::new(Inner {
                enabled,
                table: Mutex::new(Table::new(settings.max_clients)),
                settings,
                db,
                clock,
                last_prune_us: AtomicI64::new(i64::MIN),
                rounds: tokio::sync::Mutex::new(()),
                refused,
                buckets,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.inner.enabled
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        // The table is consistent after every statement; a panic elsewhere leaves nothing to
        // repair.
        self.inner.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits one request of `class` from `client`, or says when to come back. No database
    /// work: a lock, a map lookup and some arithmetic.
    pub fn check(&self, class: LimitClass, client: &ClientAddress) -> Result<(), Throttled> {
        if !self.inner.enabled {
            return Ok(());
        }
        let Some(rate) = self.inner.settings.rate(class) else {
            return Ok(());
        };
        let subject = subject(class, client);
        let now = micros(self.inner.clock.now());
        let (admitted, held) = {
            let mut table = self.table();
            (table.admit(&subject, rate, now), table.len())
        };
        self.inner
            .buckets
            .set(i64::try_from(held).unwrap_or(i64::MAX));
        admitted.map_err(|wait_us| {
            self.inner.refused.with_label_values(&[class.name()]).inc();
            Throttled {
                class,
                retry_after_seconds: rate::whole_seconds(wait_us),
            }
        })
    }

    /// How many more requests of `class` this instance would admit from `client` now (`None`:
    /// not limited), without using any.
    pub fn room(&self, class: LimitClass, client: &ClientAddress) -> Option<u32> {
        let rate = self
            .inner
            .settings
            .rate(class)
            .filter(|_| self.inner.enabled)?;
        let subject = subject(class, client);
        let now = micros(self.inner.clock.now());
        Some(self.table().room(&subject, rate, now))
    }

    /// How many buckets this instance holds.
    pub fn tracked(&self) -> usize {
        self.table().len()
    }

    /// One reconciliation round: adds this instance's use since the last round to the shared
    /// rows, reads back what all instances used, and drops what has filled up. The background
    /// task runs it every [`RECONCILE_EVERY`]; tests call it to take a round at a known moment.
    pub async fn reconcile(&self) -> Result<(), StorageError> {
        if !self.inner.enabled {
            return Ok(());
        }
        let _turn = self.inner.rounds.lock().await;
        let now = micros(self.inner.clock.now());
        let round = self.table().start_round(now);
        let prune = self.prune_due(now);
        self.inner
            .buckets
            .set(i64::try_from(self.tracked()).unwrap_or(i64::MAX));
        if round.is_empty() && !prune {
            return Ok(());
        }
        let table::Round { usage, refresh } = round;
        let shared = if usage.is_empty() && !prune {
            self.inner
                .db
                .read(move |conn| rate_buckets::read(conn, &refresh))
                .await?
        } else {
            self.inner
                .db
                .write(move |conn| {
                    let mut shared = rate_buckets::add_usage(conn, &usage)?;
                    shared.extend(rate_buckets::read(conn, &refresh)?);
                    if prune {
                        rate_buckets::prune(conn, now)?;
                    }
                    Ok::<_, StorageError>(shared)
                })
                .await?
        };
        self.table().finish_round(&shared);
        Ok(())
    }

    fn prune_due(&self, now: i64) -> bool {
        let last = self.inner.last_prune_us.load(Ordering::Relaxed);
        now.saturating_sub(last) >= PRUNE_EVERY_US
            && self
                .inner
                .last_prune_us
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// Reconciles every [`RECONCILE_EVERY`] until the task is aborted.
    pub fn spawn_reconciler(&self) -> Option<tokio::task::JoinHandle<()>> {
        if !self.inner.enabled {
            return None;
        }
        let limits = self.clone();
        Some(actix_web::rt::spawn(async move {
            let mut ticks = tokio::time::interval(RECONCILE_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(e) = limits.reconcile().await {
                    tracing::warn!(cause = %e, "rate limits not reconciled with other instances");
                }
            }
        }))
    }
}
