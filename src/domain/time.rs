//! Dates and instants as clients write them.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::ValidationError;

/// A local calendar date, `YYYY-MM-DD`; impossible dates such as 2027-02-30 are refused.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, ValidationError> {
    let raw = raw.trim();
    let well_formed = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) if well_formed => Ok(date),
        _ if well_formed => Err(ValidationError::new(
            field,
            format!("{raw} is not a date that exists"),
        )),
        _ => Err(ValidationError::new(
            field,
            format!("{raw:?} is not a date; use YYYY-MM-DD"),
        )),
    }
}

/// A start time as a client gives it: an instant with its UTC offset
/// (`2027-03-29T09:00:00+02:00`, `…Z`), or a wall-clock time in the business's zone
/// (`2027-03-29T09:00`), which is resolved once the zone is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedStart {
    Instant(DateTime<Utc>),
    Local(NaiveDateTime),
}

impl RequestedStart {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
            return Ok(Self::Instant(instant.to_utc()));
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
                return Ok(Self::Local(local));
            }
        }
        Err(ValidationError::new(
            field,
            format!(
                "{raw:?} is not a date and time; use RFC 3339 such as 2027-03-29T09:00:00+02:00"
            ),
        ))
    }

    /// The instant meant, reading a wall-clock time in `tz`. A wall time that happens twice
    /// (clocks going back) or never (clocks going forward) is refused rather than guessed.
    pub fn resolve(self, field: &str, tz: Tz) -> Result<DateTime<Utc>, ValidationError> {
        match self {
            Self::Instant(instant) => Ok(instant),
            Self::Local(local) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => Ok(t.to_utc()),
                LocalResult::Ambiguous(a, b) => Err(ValidationError::new(
                    field,
                    format!(
                        "{local} happens twice in {tz} (clocks go back); add the UTC offset: {} or {}",
                        a.format("%:z"),
                        b.format("%:z")
                    ),
                )),
                LocalResult::None => Err(ValidationError::new(
                    field,
                    format!("{local} does not exist in {tz} (clocks go forward)"),
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("d", "2027-03-01").unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
        );
        assert!(
            parse_date("d", "2027-02-30")
                .unwrap_err()
                .message
                .contains("exists")
        );
        assert!(parse_date("d", "1.3.2027").is_err());
        assert!(parse_date("d", "2027-3-1").is_err());
    }

    #[test]
    fn starts() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let at = |s| {
            RequestedStart::parse("start", s)
                .unwrap()
                .resolve("start", tz)
        };
        assert_eq!(
            at("2027-03-29T09:00:00+02:00").unwrap().to_rfc3339(),
            "2027-03-29T07:00:00+00:00"
        );
        assert_eq!(
            at("2027-03-29T09:00").unwrap().to_rfc3339(),
            "2027-03-29T07:00:00+00:00"
        );
        assert!(
            at("2027-03-28T02:30")
                .unwrap_err()
                .message
                .contains("does not exist")
        );
        assert!(
            at("2027-10-31T02:30")
                .unwrap_err()
                .message
                .contains("twice")
        );
        assert!(RequestedStart::parse("start", "tomorrow").is_err());
        assert!(RequestedStart::parse("start", "2027-02-30T10:00:00Z").is_err());
    }
}
