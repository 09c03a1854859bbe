//! When reminders go out before an appointment.

use super::{ValidationError, check_range};

/// How long before an appointment each reminder is sent, longest first, without repeats.
/// Empty: the business sends no reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderOffsets(Vec<i32>);

impl ReminderOffsets {
    pub const MAX_COUNT: usize = 5;
    /// A week: reminders further ahead are forgotten before the day comes.
    pub const MAX_MINUTES: i64 = 7 * 24 * 60;
    pub const MIN_MINUTES: i64 = 5;

    pub fn parse(field: &str, minutes: &[i64]) -> Result<Self, ValidationError> {
        if minutes.len() > Self::MAX_COUNT {
            return Err(ValidationError::new(
                field,
                format!("at most {} reminders", Self::MAX_COUNT),
            ));
        }
        let mut offsets = minutes
            .iter()
            .enumerate()
            .map(|(i, m)| {
                check_range(
                    &format!("{field}[{i}]"),
                    *m,
                    Self::MIN_MINUTES..=Self::MAX_MINUTES,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        offsets.sort_unstable_by(|a, b| b.cmp(a));
        let before = offsets.len();
        offsets.dedup();
        if offsets.len() != before {
            return Err(ValidationError::new(field, "lists the same offset twice"));
        }
        Ok(Self(offsets))
    }

    pub fn minutes(&self) -> &[i32] {
        &self.0
    }
}

impl Default for ReminderOffsets {
    /// A day before and two hours before.
    fn default() -> Self {
        Self(vec![24 * 60, 120])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_bounded_sorted_and_unique() {
        let offsets = ReminderOffsets::parse("r", &[120, 1440]).unwrap();
        assert_eq!(offsets.minutes(), &[1440, 120]);
        assert!(
            ReminderOffsets::parse("r", &[])
                .unwrap()
                .minutes()
                .is_empty()
        );
        let err = ReminderOffsets::parse("r", &[60, 0]).unwrap_err();
        assert_eq!(err.field, "r[1]");
        assert!(ReminderOffsets::parse("r", &[60, 60]).is_err());
        assert!(ReminderOffsets::parse("r", &[10_081]).is_err());
        assert!(ReminderOffsets::parse("r", &[10, 20, 30, 40, 50, 60]).is_err());
    }
}
