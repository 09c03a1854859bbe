//! The rules a business sets for when and how long customers can book.

use super::{ValidationError, check_range};

/// When customers may book and cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingPolicy {
    /// Slots start on this grid of local wall-clock minutes after midnight (15 → :00, :15, :30, :45).
    pub slot_interval_minutes: i32,
    /// The earliest bookable start is this long after now.
    pub min_notice_minutes: i32,
    /// The latest bookable start is this many days after now.
    pub booking_horizon_days: i32,
    /// Customers may cancel or move a booking until this long before it starts.
    pub cancellation_cutoff_minutes: i32,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        Self {
            slot_interval_minutes: 15,
            min_notice_minutes: 60,
            booking_horizon_days: 60,
            cancellation_cutoff_minutes: 24 * 60,
        }
    }
}

impl BookingPolicy {
    pub fn new(
        slot_interval_minutes: i64,
        min_notice_minutes: i64,
        booking_horizon_days: i64,
        cancellation_cutoff_minutes: i64,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            slot_interval_minutes: check_range(
                "slot_interval_minutes",
                slot_interval_minutes,
                5..=720,
            )?,
            min_notice_minutes: check_range(
                "min_notice_minutes",
                min_notice_minutes,
                0..=60 * 24 * 90,
            )?,
            booking_horizon_days: check_range(
                "booking_horizon_days",
                booking_horizon_days,
                1..=731,
            )?,
            cancellation_cutoff_minutes: check_range(
                "cancellation_cutoff_minutes",
                cancellation_cutoff_minutes,
                0..=60 * 24 * 30,
            )?,
        })
    }
}

/// How long a service keeps the staff member busy. Buffers (cleaning, setting up) belong to the
/// booking: no other booking may overlap them, but the customer is not told about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceTiming {
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
}

impl ServiceTiming {
    /// The longest a booking can occupy a resource, buffers included. Storage relies on this
    /// bound to look up overlapping bookings with an index range instead of a scan.
    pub const MAX_OCCUPANCY_MINUTES: i64 = 12 * 60 + 2 * 4 * 60;

    pub fn new(
        duration: i64,
        buffer_before: i64,
        buffer_after: i64,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            duration_minutes: check_range("duration_minutes", duration, 5..=12 * 60)?,
            buffer_before_minutes: check_range("buffer_before_minutes", buffer_before, 0..=4 * 60)?,
            buffer_after_minutes: check_range("buffer_after_minutes", buffer_after, 0..=4 * 60)?,
        })
    }
}

/// Which ways of reaching a customer the business needs before it confirms a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactRequirement {
    Phone,
    Email,
    #[default]
    PhoneOrEmail,
    PhoneAndEmail,
}

impl ContactRequirement {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "phone" => Ok(Self::Phone),
            "email" => Ok(Self::Email),
            "phone_or_email" => Ok(Self::PhoneOrEmail),
            "phone_and_email" => Ok(Self::PhoneAndEmail),
            _ => Err(ValidationError::new(
                field,
                format!("{raw:?} is not one of: phone, email, phone_or_email, phone_and_email"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::PhoneOrEmail => "phone_or_email",
            Self::PhoneAndEmail => "phone_and_email",
        }
    }

    /// Whether a customer with these details can be booked.
    pub fn satisfied_by(self, has_phone: bool, has_email: bool) -> bool {
        match self {
            Self::Phone => has_phone,
            Self::Email => has_email,
            Self::PhoneOrEmail => has_phone || has_email,
            Self::PhoneAndEmail => has_phone && has_email,
        }
    }
}

/// How the chat books for the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatPolicy {
    /// How long an offered slot is held while the customer finishes booking.
    pub hold_minutes: i32,
    /// After a handoff, the bot stays silent this long unless staff hand back sooner.
    pub handoff_timeout_minutes: i32,
    pub contact_requirement: ContactRequirement,
}

impl Default for ChatPolicy {
    fn default() -> Self {
        Self {
            hold_minutes: 10,
            handoff_timeout_minutes: 120,
            contact_requirement: ContactRequirement::default(),
        }
    }
}

impl ChatPolicy {
    pub fn new(
        hold_minutes: i64,
        handoff_timeout_minutes: i64,
        contact_requirement: ContactRequirement,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            hold_minutes: check_range("hold_minutes", hold_minutes, 1..=60)?,
            handoff_timeout_minutes: check_range(
                "handoff_timeout_minutes",
                handoff_timeout_minutes,
                5..=10_080,
            )?,
            contact_requirement,
        })
    }
}
