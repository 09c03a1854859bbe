//! Staff members and their weekly hours (business API key).

use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Access, JsonBody};
use super::views::{StaffBody, StaffView, WeeklyHoursBody};
use crate::setup::{self, StaffInput};
use crate::domain::{EmailAddress, WeeklyHours, required_text};
use crate::storage::to_db_time;

fn staff_input(body: StaffBody) -> Result<StaffInput, ApiError> {
    Ok(StaffInput {
        name: body
            .name
            .as_deref()
            .map(|n| required_text("name", n, 100))
            .transpose()?,
        email: body
            .email
            .map(|e| {
                e.filter(|e| !e.trim().is_empty())
                    .map(|e| EmailAddress::parse("email", &e))
                    .transpose()
            })
            .transpose()?,
        active: body.active,
        position: body.position,
        hours: body
            .hours
            .as_ref()
            .map(|h| WeeklyHours::parse(h).map_err(|e| e.within("hours")))
            .transpose()?,
        service_ids: body.service_ids,
    })
}

/// Adds a staff member, optionally with hours and services.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/staff", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path)), request_body = StaffBody,
    responses((status = 201, body = StaffView), (status = 422, body = ErrorBody)))]
pub async fn create(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffBody>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug(&path)?;
    let input = staff_input(body)?;
    let now = to_db_time(state.now());
    let record = state
        .db
        .write(move |conn| setup::add_staff(conn, &business.id, input, now).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Created().json(StaffView::from(&record)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Include staff members who left.
    #[serde(default)]
    include_inactive: bool,
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = Vec<StaffView>)))]
pub async fn list(
    path: web::Path<String>,
    query: web::Query<ListQuery>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug_any_role(&path)?;
    let all = query.include_inactive;
    let records = state
        .db
        .read(move |conn| setup::list_staff(conn, &business.id, all).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(records.iter().map(StaffView::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = StaffView), (status = 404, body = ErrorBody)))]
pub async fn get(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug_any_role(&slug)?;
    let record = state
        .db
        .read(move |conn| setup::staff_record(conn, &business.id, &id).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(StaffView::from(&record)))
}

/// Changes a staff member; fields left out stay as they are.
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), request_body = StaffBody,
    responses((status = 200, body = StaffView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug(&slug)?;
    let input = staff_input(body)?;
    let now = to_db_time(state.now());
    let record = state
        .db
        .write(move |conn| {
            setup::update_staff(conn, &business.id, &id, input, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StaffView::from(&record)))
}

/// Takes a staff member off the books; refused (409) while they have upcoming bookings.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug(&slug)?;
    let now = to_db_time(state.now());
    state
        .db
        .write(move |conn| {
            setup::remove_staff(conn, &business.id, &id, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff/{id}/hours", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = Object)))]
pub async fn get_hours(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug_any_role(&slug)?;
    let record = state
        .db
        .read(move |conn| setup::staff_record(conn, &business.id, &id).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(record.hours.to_json()))
}

/// Replaces the weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],…}`; days left out
/// are days off. Existing bookings are kept.
#[utoipa::path(put, path = "/api/v1/businesses/{slug}/staff/{id}/hours", tag = "staff", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body(content = Object, example = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]], "tue": [["09:00", "18:00"]]})),
    responses((status = 200, body = Object), (status = 422, body = ErrorBody)))]
pub async fn put_hours(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<WeeklyHoursBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug(&slug)?;
    let hours = WeeklyHours::parse(&body)?;
    let now = to_db_time(state.now());
    let record = state
        .db
        .write(move |conn| {
            setup::set_hours(conn, &business.id, &id, &hours, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record.hours.to_json()))
}
