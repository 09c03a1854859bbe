//! Services: what can be booked, for how long, by whom. The request body is
//! [`setup::ServiceInput`] itself, checked by the use case.

use actix_web::{HttpResponse, web};

use utoipa::ToSchema;

use serde::Serialize;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, Owner, PathId};
use crate::setup::{self, ServiceInput, ServiceRecord};

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: String,
    pub synonyms: Vec<String>,
    pub active: bool,
    pub position: i32,
    pub staff_ids: Vec<String>,
}

impl From<&ServiceRecord> for ServiceView {
    fn from(r: &ServiceRecord) -> Self {
        let s = &r.service;
        Self {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            duration_minutes: s.duration_minutes,
            buffer_before_minutes: s.buffer_before_minutes,
            buffer_after_minutes: s.buffer_after_minutes,
            price_cents: s.price_cents,
            currency: s.currency.clone(),
            synonyms: r.synonyms.clone(),
            active: s.active != 0,
            position: s.position,
            staff_ids: r.staff_ids.clone(),
        }
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include services no longer offered.
    #[serde(default)]
    include_inactive: bool,
}

#[utoipa::path(post, path = "/api/v1/businesses/{slug}/services", tag = "services", operation_id = "services_create",
    params(("slug" = String, Path)), request_body = ServiceInput,
    responses((status = 201, body = ServiceView), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Result<HttpResponse, ApiError> {
    let record = owner
        .write(&state, move |conn, business, now| {
            setup::add_service(conn, business, input, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(ServiceView::from(&record)))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/services", tag = "services", operation_id = "services_list",
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = Vec<ServiceView>)))]
pub async fn list(
    member: Member,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = query.include_inactive;
    let records = member
        .read(&state, move |conn, business| {
            setup::list_services(conn, business, all)
        })
        .await?;
    Ok(HttpResponse::Ok().json(records.iter().map(ServiceView::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", operation_id = "services_get",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = ServiceView), (status = 404, body = ErrorBody)))]
pub async fn get(
    member: Member,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let record = member
        .read(&state, move |conn, business| {
            setup::service_record(conn, business, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ServiceView::from(&record)))
}

#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", operation_id = "services_update",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ServiceInput,
    responses((status = 200, body = ServiceView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Result<HttpResponse, ApiError> {
    let record = owner
        .write(&state, move |conn, business, now| {
            setup::update_service(conn, business, &id, input, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ServiceView::from(&record)))
}

/// Stops offering a service; its existing bookings stay.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", operation_id = "services_delete",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    owner.remove(&state, id, setup::remove_service).await
}
