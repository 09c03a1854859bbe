//! Closures and special days.

use actix_web::{HttpResponse, web};

use utoipa::ToSchema;

use serde::Serialize;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, Owner, PathId};
use crate::error::AppError;
use crate::setup::{self, ClosureFields};
use crate::storage::models::{Booking, CalendarExceptionRow};

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureView {
    pub id: String,
    pub staff_id: Option<String>,
    pub from: String,
    pub to: String,
    #[schema(value_type = Option<Vec<Vec<String>>>)]
    pub hours: Option<Vec<[String; 2]>>,
    pub reason: String,
    /// Bookings cancelled by this change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cancelled_bookings: Vec<String>,
}

impl TryFrom<&CalendarExceptionRow> for ClosureView {
    type Error = crate::storage::StorageError;

    fn try_from(r: &CalendarExceptionRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: r.id.clone(),
            staff_id: r.resource_id.clone(),
            from: r.first_date.to_string(),
            to: r.last_date.to_string(),
            hours: r.decode_hours()?,
            reason: r.reason.clone(),
            cancelled_bookings: Vec::new(),
        })
    }
}

fn view(row: &CalendarExceptionRow, cancelled: &[Booking]) -> Result<ClosureView, ApiError> {
    let mut view = ClosureView::try_from(row)?;
    view.cancelled_bookings = cancelled.iter().map(|b| b.id.clone()).collect();
    Ok(view)
}

/// Closes dates (no `hours`) or sets special hours on them, for the business or one staff
/// member. 409 `closure_affects_bookings` lists bookings it would leave outside working hours
/// unless `affected_bookings` says to cancel or keep them.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/closures", tag = "closures", operation_id = "closures_create",
    params(("slug" = String, Path)), request_body = ClosureFields,
    responses((status = 201, body = ClosureView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureFields>,
) -> Result<HttpResponse, ApiError> {
    let input = body.parse()?;
    let (row, cancelled) = owner
        .write(&state, move |conn, business, now| {
            setup::add_closure(conn, business, input, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(&row, &cancelled)?))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/closures", tag = "closures", operation_id = "closures_list",
    params(("slug" = String, Path)), responses((status = 200, body = Vec<ClosureView>)))]
pub async fn list(member: Member, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = member
        .read(&state, |conn, business| {
            setup::list_closures(conn, business)
        })
        .await?;
    let views = rows
        .iter()
        .map(ClosureView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(views))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", operation_id = "closures_get",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = ClosureView), (status = 404, body = ErrorBody)))]
pub async fn get(
    member: Member,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let row = member
        .read(&state, move |conn, business| {
            crate::storage::closures::find(conn, business, &id)?
                .ok_or(AppError::NotFound("closure"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ClosureView::try_from(&row)?))
}

/// Replaces a closure (send it whole, as for creating).
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", operation_id = "closures_update",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ClosureFields,
    responses((status = 200, body = ClosureView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureFields>,
) -> Result<HttpResponse, ApiError> {
    let input = body.parse()?;
    let (row, cancelled) = owner
        .write(&state, move |conn, business, now| {
            setup::replace_closure(conn, business, &id, input, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&row, &cancelled)?))
}

#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", operation_id = "closures_delete",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    owner.remove(&state, id, setup::delete_closure).await
}
