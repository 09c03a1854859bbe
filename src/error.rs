//! Errors of the use-case layer (booking, administration, conversations).
//!
//! Use cases return [`AppError`]; the HTTP layer maps it to responses in one place
//! (`api::error`), and the conversation engine turns it into friendly replies.

use crate::domain::{BookingStatus, ValidationError};
use crate::scheduling::Refusal;
use crate::storage::StorageError;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{}", refusal_message(*.0))]
    Refused(Refusal),
    #[error(
        "bookings can only be changed or cancelled online until {cutoff_minutes} minutes before they start; please call the business"
    )]
    CutoffPassed { cutoff_minutes: i32 },
    #[error("this booking is {0} and can no longer be changed")]
    NotChangeable(BookingStatus),
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// Credentials that do not open anything: a wrong password, an ended session.
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: i64 },
    /// Bounded work (password hashing) has no free place right now.
    #[error("the server is busy; try again in {retry_after_seconds} seconds")]
    Busy { retry_after_seconds: i64 },
    /// A single-use link's token that opens nothing (any more).
    #[error("{}", token_message(*.0))]
    Token(TokenRefusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Why a single-use token (a password-reset link) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// Never issued, or its login is gone or deactivated.
    Unknown,
    Used,
    Expired,
}

fn token_message(refusal: TokenRefusal) -> &'static str {
    match refusal {
        TokenRefusal::Unknown => "this link is not valid; ask for a new one",
        TokenRefusal::Used => "this link has been used already; ask for a new one",
        TokenRefusal::Expired => "this link has expired; ask for a new one",
    }
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }
}

fn refusal_message(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::InPast => "the requested start is in the past",
        Refusal::TooShortNotice => {
            "the requested start is sooner than the business's minimum notice"
        }
        Refusal::BeyondHorizon => {
            "the requested start is further ahead than the business takes bookings"
        }
        Refusal::OffGrid => "the requested start is not on the business's slot grid",
        Refusal::OutsideWorkingHours => {
            "nobody who performs this service works at the requested time"
        }
        Refusal::Taken => "the requested time is no longer available",
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Storage(StorageError::from(e))
    }
}
