//! Liveness and metrics.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::AppState;
use super::error::ApiError;

/// 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Healthy"), (status = 503, description = "Database unreachable")))]
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

/// Prometheus text format: requests and latencies by route, bookings created, conflicts refused.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus metrics", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
