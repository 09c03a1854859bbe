//! Calendar files: staff members' subscribable feeds, and rotating their secret URLs.

use actix_web::{HttpResponse, web};

use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Owner, PathId};
use crate::notifications;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedView {
    pub staff_id: String,
    /// Subscribe to this URL in a calendar app; shown only now.
    pub url: String,
}

/// An iCalendar document as a response. `no-store`: feeds and invitations change with every
/// booking, and a cached copy would show calendar apps an old state.
pub fn ics_response(method: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format!("text/calendar; charset=utf-8; method={method}"))
        .insert_header(("cache-control", "no-store"))
        .body(body)
}

/// A staff member's bookings (upcoming, and the last 30 days) for a calendar app to subscribe
/// to. The secret token in the URL is the only credential.
#[utoipa::path(get, path = "/calendars/{token}.ics", operation_id = "calendars_feed", security(()), tag = "calendars",
    params(("token" = String, Path, description = "The feed token from the feed URL")),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar"), (status = 404, body = ErrorBody)))]
pub async fn feed(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body =
        notifications::staff_feed(state.scheduler.db(), path.into_inner(), state.now()).await?;
    Ok(ics_response("PUBLISH", body))
}

/// Creates a staff member's feed URL, or replaces it: the previous URL stops working. The URL is
/// shown only now (only a hash of its token is stored).
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/staff/{id}/calendar-feed", operation_id = "calendars_rotate", tag = "calendars",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 201, body = CalendarFeedView), (status = 404, body = ErrorBody)))]
pub async fn rotate(
    PathId(staff_id): PathId,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let (staff_id, token) = state
        .db
        .write(move |conn| {
            let token = notifications::rotate_feed(conn, &business.id, &staff_id, now)?;
            Ok::<_, ApiError>((staff_id, token))
        })
        .await?;
    Ok(HttpResponse::Created().json(CalendarFeedView {
        staff_id,
        url: notifications::feed_url(&state.config.public_url, &token),
    }))
}
