//! Services (business API key).

use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Access, JsonBody};
use super::views::{ServiceBody, ServiceView};
use crate::setup::{self, ServiceInput};
use crate::domain::{ValidationError, check_range, clean_text, required_text};
use crate::storage::to_db_time;

fn service_input(body: ServiceBody) -> Result<ServiceInput, ApiError> {
    if let Some(Some(price)) = body.price_cents {
        check_range("price_cents", price, 0..=100_000_000)?;
    }
    let currency = body
        .currency
        .map(|c| {
            let c = c.trim().to_ascii_uppercase();
            if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(c)
            } else {
                Err(ValidationError::new(
                    "currency",
                    "must be a three-letter ISO 4217 code such as EUR",
                ))
            }
        })
        .transpose()?;
    let synonyms = body
        .synonyms
        .map(|words| {
            words
                .iter()
                .enumerate()
                .map(|(i, s)| required_text(&format!("synonyms[{i}]"), s, 60))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(ServiceInput {
        name: body
            .name
            .as_deref()
            .map(|n| required_text("name", n, 100))
            .transpose()?,
        description: body
            .description
            .as_deref()
            .map(|d| clean_text("description", d, 1000))
            .transpose()?,
        duration_minutes: body.duration_minutes,
        buffer_before_minutes: body.buffer_before_minutes,
        buffer_after_minutes: body.buffer_after_minutes,
        price_cents: body.price_cents,
        currency,
        synonyms,
        active: body.active,
        position: body.position,
        staff_ids: body.staff_ids,
    })
}

#[utoipa::path(post, path = "/api/v1/businesses/{slug}/services", tag = "services", security(("api_key" = [])),
    params(("slug" = String, Path)), request_body = ServiceBody,
    responses((status = 201, body = ServiceView), (status = 422, body = ErrorBody)))]
pub async fn create(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ServiceBody>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug(&path)?;
    let input = service_input(body)?;
    let now = to_db_time(state.now());
    let record = state
        .db
        .write(move |conn| {
            setup::add_service(conn, &business.id, input, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(ServiceView::from(&record)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Include services no longer offered.
    #[serde(default)]
    include_inactive: bool,
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/services", tag = "services", security(("api_key" = [])),
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = Vec<ServiceView>)))]
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
        .read(move |conn| setup::list_services(conn, &business.id, all).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(records.iter().map(ServiceView::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = ServiceView), (status = 404, body = ErrorBody)))]
pub async fn get(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug_any_role(&slug)?;
    let record = state
        .db
        .read(move |conn| setup::service_record(conn, &business.id, &id).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(ServiceView::from(&record)))
}

#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ServiceBody,
    responses((status = 200, body = ServiceView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ServiceBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug(&slug)?;
    let input = service_input(body)?;
    let now = to_db_time(state.now());
    let record = state
        .db
        .write(move |conn| {
            setup::update_service(conn, &business.id, &id, input, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ServiceView::from(&record)))
}

/// Stops offering a service; its existing bookings stay.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/services/{id}", tag = "services", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
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
            setup::remove_service(conn, &business.id, &id, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
