//! A business's notification jobs, so the staff page can show what failed or is still waiting.

use actix_web::{HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Owner;
use super::json::utc_time;
use crate::domain::check_range;
use crate::notifications::JOB_KINDS;
use crate::storage::jobs as job_status;
use crate::storage::notifications::jobs_of_business;

/// A reminder or an email, as a job in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJobView {
    pub id: String,
    /// `notification.reminder` (plans the messages when it comes due) or `notification.email`.
    pub kind: String,
    /// `pending`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    pub booking_id: Option<String>,
    /// `confirmed`, `rescheduled`, `cancelled` or `reminder` (emails).
    pub occasion: Option<String>,
    /// `customer` or `business` (emails).
    pub audience: Option<String>,
    /// Minutes before the appointment (reminders).
    pub offset_minutes: Option<i64>,
    pub run_at: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

impl TryFrom<&crate::storage::models::Job> for NotificationJobView {
    type Error = crate::storage::StorageError;

    fn try_from(job: &crate::storage::models::Job) -> Result<Self, Self::Error> {
        let payload = job.decode_payload()?;
        let text = |field: &str| payload[field].as_str().map(str::to_owned);
        Ok(Self {
            id: job.id.clone(),
            kind: job.kind.clone(),
            status: job.status.clone(),
            booking_id: text("booking_id"),
            occasion: text("occasion"),
            audience: text("audience"),
            offset_minutes: payload["offset_minutes"].as_i64(),
            run_at: utc_time(job.run_at),
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error.clone(),
            updated_at: utc_time(job.updated_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationListView {
    pub notifications: Vec<NotificationJobView>,
}

const STATUSES: [&str; 5] = [
    job_status::PENDING,
    job_status::RUNNING,
    job_status::DONE,
    job_status::FAILED,
    job_status::CANCELLED,
];

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma-separated: `pending`, `running`, `done`, `failed`, `cancelled` (default: all).
    status: Option<String>,
    /// At most this many, most recently changed first (default 100, at most 500).
    limit: Option<i64>,
}

/// Reminders and emails of the business: when they run, how often they were tried, why they failed.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/notifications", operation_id = "notifications_list", tag = "notifications",
    params(("slug" = String, Path), ListQuery),
    responses((status = 200, body = NotificationListView), (status = 422, body = ErrorBody)))]
pub async fn list(
    query: web::Query<ListQuery>,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let statuses: Vec<&'static str> = query
        .status
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            STATUSES
                .iter()
                .copied()
                .find(|known| *known == s)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "status",
                        format!("{s:?} is not one of: {}", STATUSES.join(", ")),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let limit = check_range("limit", query.limit.unwrap_or(100), 1..=500)?;
    let jobs = state
        .db
        .read(move |conn| jobs_of_business(conn, &business.id, &JOB_KINDS, &statuses, limit.into()))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationListView {
        notifications: jobs
            .iter()
            .map(NotificationJobView::try_from)
            .collect::<Result<_, _>>()?,
    }))
}
