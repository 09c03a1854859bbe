//! A business's notification jobs, so the staff page can show what failed or is still waiting.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Access;
use super::views::{NotificationJobView, NotificationListView};
use crate::domain::check_range;
use crate::notifications::JOB_KINDS;
use crate::storage::jobs as job_status;
use crate::storage::notifications::jobs_of_business;

const STATUSES: [&str; 5] = [
    job_status::PENDING,
    job_status::RUNNING,
    job_status::DONE,
    job_status::FAILED,
    job_status::CANCELLED,
];

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Comma-separated: `pending`, `running`, `done`, `failed`, `cancelled` (default: all).
    status: Option<String>,
    /// At most this many, most recently changed first (default 100, at most 500).
    limit: Option<i64>,
}

/// Reminders and emails of the business: when they run, how often they were tried, why they failed.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/notifications", tag = "notifications", security(("api_key" = [])),
    params(("slug" = String, Path), ListQuery),
    responses((status = 200, body = NotificationListView), (status = 422, body = ErrorBody)))]
pub async fn list(
    path: web::Path<String>,
    query: web::Query<ListQuery>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug(&path)?;
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
        .read(move |conn| {
            jobs_of_business(conn, &business.id, &JOB_KINDS, &statuses, limit.into())
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationListView {
        notifications: jobs
            .iter()
            .map(NotificationJobView::try_from)
            .collect::<Result<_, _>>()?,
    }))
}
