//! Validated domain values.
//!
//! Every type here has a `parse` constructor that checks its input once; a value that exists is
//! valid, so handlers, storage and the scheduling core never re-check. Nothing in this module does
//! I/O or reads the clock.

mod contact;
mod hours;
mod identity;
mod policy;
mod reminder;
mod status;
mod time;

pub use contact::{EmailAddress, PersonName, PhoneNumber};
pub use hours::{DayHours, MINUTES_PER_DAY, WallInterval, WeeklyHours};
pub use identity::{BookingReference, Slug, TimeZoneName};
pub use policy::{BookingPolicy, ChatPolicy, ContactRequirement, ServiceTiming};
pub use reminder::ReminderOffsets;
pub use status::{BookingStatus, CancelledBy, Channel, Platform, UserRole};
pub use time::{RequestedStart, parse_date};

/// A value from outside that does not satisfy the domain's rules.
///
/// `field` names the offending input the way the client sent it (`customer.email`, `hours.mon[1]`),
/// so API clients can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Prefixes the field with its parent, so nested values report their full path.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// Checks that a whole number lies within `range`, naming the field when it does not.
pub fn check_range(
    field: &str,
    value: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i32, ValidationError> {
    if range.contains(&value) {
        // The ranges used in the domain all fit in i32.
        Ok(value as i32)
    } else {
        Err(ValidationError::new(
            field,
            format!(
                "must be between {} and {}, got {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// Trims free text and checks its length in characters; control characters are refused because
/// they end up in emails, calendar files and chat messages.
pub fn clean_text(field: &str, value: &str, max_chars: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Like [`clean_text`] but also refuses an empty value.
pub fn required_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, ValidationError> {
    let text = clean_text(field, value, max_chars)?;
    if text.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    Ok(text)
}
