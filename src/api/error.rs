//! The one place where errors of every layer become HTTP responses.
//!
//! Handlers return `Result<_, ApiError>` and convert lower-layer errors with `?`: validation
//! problems name the field (422), lookups that fail are 404, refusals of the booking rules are
//! 409 or 422 with a stable `code` that clients can branch on. Anything unexpected is logged
//! with its cause and answered with a generic 500 that reveals nothing internal, except corrupt
//! stored data: a 500 `corrupt_data` that names the value, so that it is found and repaired.
//!
//! Every error body has the shape `{"error":{"code":"…","message":"…","field":"…"?}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::domain::ValidationError;
use crate::error::{AppError, TokenRefusal};
use crate::limits::Throttled;
use crate::scheduling::Refusal;
use crate::storage::StorageError;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `validation_failed`, `slot_unavailable`, `not_found`, …
    pub code: String,
    pub message: String,
    /// The input at fault, as the client named it (`customer.email`, `hours.mon[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Extra facts for some codes, e.g. the bookings a closure would affect.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorDetail,
    /// Seconds for a `Retry-After` header (429). Small on purpose: `ApiError` travels in every
    /// handler's `Result`.
    pub retry_after: Option<std::num::NonZeroU32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                field: None,
                details: None,
            },
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: i64) -> Self {
        let seconds = u32::try_from(seconds.max(1)).unwrap_or(u32::MAX);
        self.retry_after = std::num::NonZeroU32::new(seconds);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.body.details = Some(details);
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ValidationError::new(field, message).into()
    }

    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; please try again",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.body.code,
            self.body.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header(("retry-after", seconds.to_string()));
        }
        response.json(ErrorBody {
            error: self.body.clone(),
        })
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        let message = if e.field.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.field, e.message)
        };
        let error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        );
        if e.field.is_empty() {
            error
        } else {
            error.with_field(e.field)
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Pool(_) | StorageError::Unavailable(_) => {
                tracing::error!(cause = %e, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "the database is busy or unreachable; please retry",
                )
            }
            // Logged with its detail where it was found; the client learns what, not how.
            StorageError::Corrupt { what, .. } => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "corrupt_data",
                format!("stored data is corrupt ({what}); the operator must repair it"),
            ),
            other => Self::internal(&other),
        }
    }
}

impl From<Throttled> for ApiError {
    fn from(e: Throttled) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", e.to_string())
            .with_retry_after(e.retry_after_seconds)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Invalid(v) => v.into(),
            AppError::Refused(refusal) => {
                let (status, code) = match refusal {
                    Refusal::Taken | Refusal::OutsideWorkingHours => {
                        (StatusCode::CONFLICT, "slot_unavailable")
                    }
                    Refusal::InPast => (StatusCode::UNPROCESSABLE_ENTITY, "start_in_past"),
                    Refusal::TooShortNotice => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "too_short_notice")
                    }
                    Refusal::BeyondHorizon => (StatusCode::UNPROCESSABLE_ENTITY, "beyond_horizon"),
                    Refusal::OffGrid => (StatusCode::UNPROCESSABLE_ENTITY, "off_grid"),
                };
                Self::new(status, code, message).with_field("start")
            }
            AppError::CutoffPassed { .. } => {
                Self::new(StatusCode::CONFLICT, "cutoff_passed", message)
            }
            AppError::NotChangeable(_) => {
                Self::new(StatusCode::CONFLICT, "booking_not_changeable", message)
            }
            AppError::Conflict { code, details, .. } => {
                let error = Self::new(StatusCode::CONFLICT, code, message);
                match details {
                    Some(d) => error.with_details(d),
                    None => error,
                }
            }
            AppError::Unauthenticated(_) => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            AppError::RateLimited {
                retry_after_seconds,
            } => Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message)
                .with_retry_after(retry_after_seconds),
            AppError::Busy {
                retry_after_seconds,
            } => Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
                .with_retry_after(retry_after_seconds),
            AppError::Token(refusal) => match refusal {
                TokenRefusal::Unknown => Self::bad_request("invalid_token", message),
                TokenRefusal::Used => Self::new(StatusCode::GONE, "token_used", message),
                TokenRefusal::Expired => Self::new(StatusCode::GONE, "token_expired", message),
            }
            .with_field("token"),
            AppError::Storage(s) => s.into(),
        }
    }
}
