//! Liveness and metrics.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::AppState;
use super::error::ApiError;
use super::extract::bearer_token;
use crate::access::constant_time_eq;

/// 200 when the database answers.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", security(()), tag = "operations", responses((status = 200, description = "Healthy"), (status = 503, description = "Database unreachable")))]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state.db.backend().name();
    state
        .db
        .read(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(|e| ApiError::from(crate::storage::StorageError::from(e)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": backend })))
}

/// Prometheus text format: requests and latencies by route, bookings created, conflicts refused,
/// requests refused by rate limits. With `CHAIRSIDE_METRICS_TOKEN` set, only for
/// `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", operation_id = "health_metrics", security(()), tag = "operations", responses((status = 200, description = "Prometheus metrics", content_type = "text/plain"),
    (status = 401, description = "CHAIRSIDE_METRICS_TOKEN is set and was not sent", body = super::error::ErrorBody)))]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(expected) = &state.config.metrics_token {
        let sent = bearer_token(&req).unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(ApiError::unauthorized(
                "send the metrics token as `Authorization: Bearer <token>`",
            ));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()))
}
