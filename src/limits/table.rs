//! This instance's buckets, one per limit class and client, bounded in number.
//!
//! A bucket that has filled up again says nothing a missing one would not, so it is dropped at
//! the next reconciliation. When a flood of distinct addresses fills the table all the same, the
//! tenth of the buckets closest to full go at once (they lose the least: each comes back full,
//! which it nearly was), so memory stays bounded and the cost of making room is spread over many
//! requests.

use std::collections::HashMap;

use super::rate::Rate;
use crate::storage::rate_buckets::{SharedBucket, Usage};

struct Bucket {
    /// When the bucket is full again (microseconds since 1970).
    tat: i64,
    /// How far one request moves `tat`; from the class's rate.
    interval_us: i64,
    /// Requests admitted here since the last reconciliation.
    pending: u32,
}

pub struct Table {
    buckets: HashMap<String, Bucket>,
    max: usize,
}

/// What one reconciliation round exchanges with the database.
#[derive(Debug, Default)]
pub struct Round {
    /// Buckets used here since the last round: their use is added to the shared rows.
    pub usage: Vec<Usage>,
    /// Buckets not yet full but unused here: what the other instances did is read back.
    pub refresh: Vec<String>,
}

impl Round {
    pub fn is_empty(&self) -> bool {
        self.usage.is_empty() && self.refresh.is_empty()
    }
}

impl Table {
    pub fn new(max: usize) -> Self {
        Self {
            buckets: HashMap::new(),
            max: max.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    /// Admits one request for `subject` at `now`, or says how many microseconds to wait.
    pub fn admit(&mut self, subject: &str, rate: Rate, now: i64) -> Result<(), i64> {
        if let Some(bucket) = self.buckets.get_mut(subject) {
            bucket.tat = rate.admit(bucket.tat, now)?;
            bucket.pending += 1;
            return Ok(());
        }
        let tat = rate.admit(now, now)?;
        self.make_room(now);
        self.buckets.insert(
            subject.to_owned(),
            Bucket {
                tat,
                interval_us: rate.interval_us(),
                pending: 1,
            },
        );
        Ok(())
    }

    /// How many requests `subject` may still make at `now`, without using any.
    pub fn room(&self, subject: &str, rate: Rate, now: i64) -> u32 {
        self.buckets
            .get(subject)
            .map_or(rate.count(), |bucket| rate.room(bucket.tat, now))
    }

    fn make_room(&mut self, now: i64) {
        if self.buckets.len() < self.max {
            return;
        }
        self.drop_full(now);
        if self.buckets.len() < self.max {
            return;
        }
        let keep = self.max - self.max.div_ceil(10);
        let excess = self.buckets.len() - keep;
        let mut times: Vec<i64> = self.buckets.values().map(|b| b.tat).collect();
        let (_, threshold, _) = times.select_nth_unstable(excess - 1);
        let threshold = *threshold;
        self.buckets.retain(|_, b| b.tat > threshold);
    }

    fn drop_full(&mut self, now: i64) {
        self.buckets.retain(|_, b| b.pending > 0 || b.tat > now);
    }

    /// Takes what this instance used since the last round, and drops full buckets.
    pub fn start_round(&mut self, now: i64) -> Round {
        let mut round = Round::default();
        for (subject, bucket) in &mut self.buckets {
            if bucket.pending > 0 {
                round.usage.push(Usage {
                    subject: subject.clone(),
                    tat_us: bucket.tat,
                    advance_us: i64::from(bucket.pending) * bucket.interval_us,
                });
                bucket.pending = 0;
            } else if bucket.tat > now {
                round.refresh.push(subject.clone());
            }
        }
        self.drop_full(now);
        round
    }

    /// Takes in what all instances together used: a bucket's time is the later of its own and
    /// the shared one plus what was admitted here while the round was on its way.
    pub fn finish_round(&mut self, shared: &[SharedBucket]) {
        for row in shared {
            if let Some(bucket) = self.buckets.get_mut(&row.subject) {
                let since = i64::from(bucket.pending) * bucket.interval_us;
                bucket.tat = bucket.tat.max(row.tat_us + since);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000;

    fn shared(subject: &str, tat_us: i64) -> SharedBucket {
        SharedBucket {
            subject: subject.to_owned(),
            tat_us,
        }
    }

    #[test]
    fn what_other_instances_used_is_taken_off_the_local_bucket() {
        let rate = Rate::parse("10/min").unwrap();
        let now = 1_000 * SECOND;
        let mut here = Table::new(100);
        for _ in 0..3 {
            here.admit("chat:192.0.2.1", rate, now).unwrap();
        }
        let round = here.start_round(now);
        assert_eq!(round.usage.len(), 1);
        assert_eq!(round.usage[0].advance_us, 3 * rate.interval_us());
        // Meanwhile another instance admitted 5 more and one more came in here.
        here.admit("chat:192.0.2.1", rate, now).unwrap();
        here.finish_round(&[shared("chat:192.0.2.1", now + 8 * rate.interval_us())]);
        // 3 + 5 + 1 used of 10: one left.
        here.admit("chat:192.0.2.1", rate, now).unwrap();
        assert!(here.admit("chat:192.0.2.1", rate, now).is_err());
    }

    #[test]
    fn full_buckets_are_dropped_and_unfinished_ones_refreshed() {
        let rate = Rate::parse("60/min").unwrap();
        let now = 1_000 * SECOND;
        let mut table = Table::new(100);
        table.admit("availability:192.0.2.1", rate, now).unwrap();
        table.admit("availability:192.0.2.2", rate, now).unwrap();
        let first = table.start_round(now);
        assert_eq!((first.usage.len(), first.refresh.len()), (2, 0));
        let second = table.start_round(now);
        assert_eq!((second.usage.len(), second.refresh.len()), (0, 2));
        // A second later both are full again and gone.
        let third = table.start_round(now + SECOND);
        assert!(third.is_empty());
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn a_flood_of_addresses_cannot_grow_the_table() {
        let rate = Rate::parse("5/min").unwrap();
        let now = 1_000 * SECOND;
        let mut table = Table::new(1_000);
        for i in 0..50_000u32 {
            let subject = format!("chat:10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
            // Every newcomer is served: room is made for it.
            table.admit(&subject, rate, now + i64::from(i)).unwrap();
            assert!(table.len() <= 1_000);
        }
        // The busiest bucket survives a flood of one-off visitors.
        let mut table = Table::new(100);
        for _ in 0..5 {
            table.admit("chat:192.0.2.1", rate, now).unwrap();
        }
        for i in 0..1_000 {
            table
                .admit(&format!("chat:10.0.{}.{}", i / 256, i % 256), rate, now)
                .unwrap();
        }
        assert!(table.admit("chat:192.0.2.1", rate, now).is_err());
    }
}
