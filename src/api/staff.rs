//! Staff members and their weekly hours.

use actix_web::{HttpResponse, web};

use utoipa::ToSchema;

use serde::Serialize;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, Owner, PathId};
use crate::domain::WeeklyHours;
use crate::setup::{self, StaffFields, StaffRecord, WeeklyHoursBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub active: bool,
    pub position: i32,
    pub service_ids: Vec<String>,
    #[schema(value_type = Object)]
    pub hours: WeeklyHoursBody,
}

impl From<&StaffRecord> for StaffView {
    fn from(s: &StaffRecord) -> Self {
        Self {
            id: s.resource.id.clone(),
            name: s.resource.name.clone(),
            email: s.resource.email.clone(),
            active: s.resource.active != 0,
            position: s.resource.position,
            service_ids: s.service_ids.clone(),
            hours: s.hours.to_json(),
        }
    }
}

/// Adds a staff member, optionally with hours and services.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/staff", tag = "staff", operation_id = "staff_create",
    params(("slug" = String, Path)), request_body = StaffFields,
    responses((status = 201, body = StaffView), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffFields>,
) -> Result<HttpResponse, ApiError> {
    let input = body.parse()?;
    let record = owner
        .write(&state, move |conn, business, now| {
            setup::add_staff(conn, business, input, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(StaffView::from(&record)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include staff members who left.
    #[serde(default)]
    include_inactive: bool,
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff", tag = "staff", operation_id = "staff_list",
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = Vec<StaffView>)))]
pub async fn list(
    member: Member,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = query.include_inactive;
    let records = member
        .read(&state, move |conn, business| {
            setup::list_staff(conn, business, all)
        })
        .await?;
    Ok(HttpResponse::Ok().json(records.iter().map(StaffView::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", operation_id = "staff_get",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = StaffView), (status = 404, body = ErrorBody)))]
pub async fn get(
    member: Member,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let record = member
        .read(&state, move |conn, business| {
            setup::staff_record(conn, business, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StaffView::from(&record)))
}

/// Changes a staff member; fields left out stay as they are.
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", operation_id = "staff_update",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = StaffFields,
    responses((status = 200, body = StaffView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffFields>,
) -> Result<HttpResponse, ApiError> {
    let input = body.parse()?;
    let record = owner
        .write(&state, move |conn, business, now| {
            setup::update_staff(conn, business, &id, input, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StaffView::from(&record)))
}

/// Takes a staff member off the books; refused (409) while they have upcoming bookings.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/staff/{id}", tag = "staff", operation_id = "staff_delete",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    owner.remove(&state, id, setup::remove_staff).await
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/staff/{id}/hours", tag = "staff", operation_id = "staff_get_hours",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = Object)))]
pub async fn get_hours(
    member: Member,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let record = member
        .read(&state, move |conn, business| {
            setup::staff_record(conn, business, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record.hours.to_json()))
}

/// Replaces the weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],…}`; days left out
/// are days off. Existing bookings are kept.
#[utoipa::path(put, path = "/api/v1/businesses/{slug}/staff/{id}/hours", tag = "staff", operation_id = "staff_put_hours",
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body(content = Object, example = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]], "tue": [["09:00", "18:00"]]})),
    responses((status = 200, body = Object), (status = 422, body = ErrorBody)))]
pub async fn put_hours(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<WeeklyHoursBody>,
) -> Result<HttpResponse, ApiError> {
    let hours = WeeklyHours::parse(&body)?;
    let record = owner
        .write(&state, move |conn, business, now| {
            setup::set_hours(conn, business, &id, &hours, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record.hours.to_json()))
}
