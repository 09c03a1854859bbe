//! A rate as the settings write it (`30/min`), and the token-bucket arithmetic over it.
//!
//! A bucket of capacity N refilled at N per period is kept as one number, its "theoretical
//! arrival time" (the generic cell rate algorithm): each admitted request pushes it one
//! interval (period / N) further, never starting before now, and a request is refused when
//! that would put it more than N intervals ahead of now. An empty map entry and a time in the
//! past both mean a full bucket. Times are microseconds since 1970, so that every instance
//! computes the same numbers for a bucket they share through the database.

use std::fmt;

/// At most `count` requests per `period_seconds`, in bursts of up to `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    count: u32,
    period_seconds: u32,
}

const MAX_COUNT: u32 = 1_000_000;
const MAX_PERIOD_SECONDS: u32 = 7 * 24 * 3600;

impl Rate {
    pub fn new(count: u32, period_seconds: u32) -> Result<Self, String> {
        if !(1..=MAX_COUNT).contains(&count) {
            return Err(format!("the count must be 1 to {MAX_COUNT}"));
        }
        if !(1..=MAX_PERIOD_SECONDS).contains(&period_seconds) {
            return Err("the period must be 1 second to 7 days".to_owned());
        }
        Ok(Self {
            count,
            period_seconds,
        })
    }

    /// A rate written in the code; checked when it is compiled (use it in a `const` block).
    pub const fn fixed(count: u32, period_seconds: u32) -> Self {
        assert!(count >= 1 && count <= MAX_COUNT);
        assert!(period_seconds >= 1 && period_seconds <= MAX_PERIOD_SECONDS);
        Self {
            count,
            period_seconds,
        }
    }

    /// `30/min`, `10/h`, `100/10min`, `5/s`, `200/d`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let usage =
            || format!("{raw:?}: write it as <count>/<period>, e.g. 30/min, 10/h, 100/10min");
        let (count, period) = raw.trim().split_once('/').ok_or_else(usage)?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        let period = period.trim();
        let digits = period.chars().take_while(char::is_ascii_digit).count();
        let (multiple, unit) = period.split_at(digits);
        let multiple: u32 = if multiple.is_empty() {
            1
        } else {
            multiple.parse().map_err(|_| usage())?
        };
        let unit_seconds = match unit.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" | "seconds" => 1,
            "min" | "minute" | "minutes" => 60,
            "h" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            _ => return Err(usage()),
        };
        let period_seconds = multiple.checked_mul(unit_seconds).ok_or_else(usage)?;
        Self::new(count, period_seconds).map_err(|e| format!("{raw:?}: {e}"))
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    pub fn period(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.period_seconds.into())
    }

    /// As a limit on events counted in the database (`storage::attempts`).
    pub fn limit(&self, subject: impl Into<String>) -> crate::storage::attempts::Limit {
        crate::storage::attempts::Limit::new(subject, self.count.into(), self.period())
    }

    /// How far one request moves the bucket's time: the period divided by the count.
    pub fn interval_us(&self) -> i64 {
        (i64::from(self.period_seconds) * 1_000_000 / i64::from(self.count)).max(1)
    }

    /// How far ahead of now the bucket's time may run: a full bucket's worth of requests.
    fn burst_us(&self) -> i64 {
        self.interval_us() * i64::from(self.count)
    }

    /// Admits one request at `now` to the bucket whose time is `tat`: its new time, or how
    /// many microseconds to wait before one more fits.
    pub fn admit(&self, tat: i64, now: i64) -> Result<i64, i64> {
        let next = tat.max(now) + self.interval_us();
        if next - now <= self.burst_us() {
            Ok(next)
        } else {
            Err(next - self.burst_us() - now)
        }
    }
}

impl Rate {
    /// How many requests the bucket whose time is `tat` admits at `now`.
    pub fn room(&self, tat: i64, now: i64) -> u32 {
        let used = (tat - now).max(0);
        let room = (self.burst_us() - used) / self.interval_us();
        u32::try_from(room.max(0)).unwrap_or(self.count)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.period_seconds;
        let (multiple, unit) = if p.is_multiple_of(86_400) {
            (p / 86_400, "d")
        } else if p.is_multiple_of(3600) {
            (p / 3600, "h")
        } else if p.is_multiple_of(60) {
            (p / 60, "min")
        } else {
            (p, "s")
        };
        if multiple == 1 {
            write!(f, "{}/{unit}", self.count)
        } else {
            write!(f, "{}/{multiple}{unit}", self.count)
        }
    }
}

/// Whole seconds to wait, as `Retry-After` says it: rounded up, at least one.
pub fn whole_seconds(wait_us: i64) -> i64 {
    ((wait_us + 999_999) / 1_000_000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000;

    #[test]
    fn settings_are_read_in_a_few_spellings() {
        assert_eq!(Rate::parse("30/min"), Ok(Rate::new(30, 60).unwrap()));
        assert_eq!(Rate::parse(" 10 / h "), Ok(Rate::new(10, 3600).unwrap()));
        assert_eq!(Rate::parse("100/10min"), Ok(Rate::new(100, 600).unwrap()));
        assert_eq!(Rate::parse("5/s"), Ok(Rate::new(5, 1).unwrap()));
        assert_eq!(Rate::parse("200/day"), Ok(Rate::new(200, 86_400).unwrap()));
        for bad in [
            "30",
            "30/",
            "/min",
            "x/min",
            "30/fortnight",
            "0/min",
            "30/0s",
            "-1/min",
            "30/8d",
        ] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
        for shown in ["30/min", "10/h", "100/10min", "5/s", "7/90s", "1/d"] {
            assert_eq!(Rate::parse(shown).unwrap().to_string(), shown);
        }
    }

    #[test]
    fn a_full_bucket_admits_its_capacity_at_once_then_refills_steadily() {
        let rate = Rate::parse("3/min").unwrap();
        let now = 1_000 * SECOND;
        let mut tat = 0;
        for _ in 0..3 {
            tat = rate.admit(tat, now).expect("room");
        }
        let wait = rate.admit(tat, now).expect_err("empty");
        assert_eq!(wait, 20 * SECOND);
        assert_eq!(whole_seconds(wait), 20);
        assert!(rate.admit(tat, now + wait - 1).is_err());
        tat = rate.admit(tat, now + wait).expect("one refilled");
        assert!(rate.admit(tat, now + wait).is_err());
        // Long idle: full again, never more than full.
        let later = now + 3600 * SECOND;
        let mut admitted = 0;
        while let Ok(next) = rate.admit(tat, later) {
            tat = next;
            admitted += 1;
        }
        assert_eq!(admitted, 3);
    }

    #[test]
    fn counts_that_do_not_divide_the_period_still_admit_exactly_the_count() {
        for (count, period) in [(7, 60), (1_000_000, 1), (999_999, 1), (13, 3600)] {
            let rate = Rate::new(count, period).unwrap();
            let mut tat = 0;
            let now = SECOND;
            for _ in 0..count {
                tat = rate.admit(tat, now).expect("room");
            }
            assert!(rate.admit(tat, now).is_err(), "{count}/{period}s");
        }
    }

    #[test]
    fn waits_are_whole_seconds_rounded_up() {
        assert_eq!(whole_seconds(1), 1);
        assert_eq!(whole_seconds(SECOND), 1);
        assert_eq!(whole_seconds(SECOND + 1), 2);
        assert_eq!(whole_seconds(0), 1);
    }
}
