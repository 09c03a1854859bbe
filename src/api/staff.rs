//! Staff members and their weekly hours.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};

use utoipa::ToSchema;

use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, Owner, PathId};
use super::json::double_option;
use crate::domain::{EmailAddress, WeeklyHours, required_text};
use crate::setup::{self, StaffInput, StaffRecord};

/// Weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[],…}`.
pub type WeeklyHoursBody = BTreeMap<String, Vec<[String; 2]>>;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    #[schema(value_type = Option<Object>, example = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]]}))]
    pub hours: Option<WeeklyHoursBody>,
    pub service_ids: Option<Vec<String>>,
}

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
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/staff", tag = "staff", operation_id = "staff_create",
    params(("slug" = String, Path)), request_body = StaffBody,
    responses((status = 201, body = StaffView), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffBody>,
) -> Result<HttpResponse, ApiError> {
    let input = staff_input(body)?;
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
    params(("slug" = String, Path), ("id" = String, Path)), request_body = StaffBody,
    responses((status = 200, body = StaffView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffBody>,
) -> Result<HttpResponse, ApiError> {
    let input = staff_input(body)?;
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
    owner
        .write(&state, move |conn, business, now| {
            setup::remove_staff(conn, business, &id, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
