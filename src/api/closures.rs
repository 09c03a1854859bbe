//! Closures and special days (business API key).

use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Access, JsonBody};
use super::views::{ClosureBody, ClosureView};
use crate::domain::{DayHours, ValidationError, clean_text, parse_date};
use crate::setup::{self, AffectedBookings, ClosureInput};
use crate::storage::models::Booking;
use crate::storage::models::CalendarExceptionRow;
use crate::storage::to_db_time;

/// The longest closure accepted in one piece.
const MAX_CLOSURE_DAYS: i64 = 366;

fn closure_input(body: ClosureBody) -> Result<ClosureInput, ApiError> {
    let (first, last) = match (&body.date, &body.from, &body.to) {
        (Some(date), None, None) => {
            let d = parse_date("date", date)?;
            (d, d)
        }
        (None, Some(from), to) => {
            let first = parse_date("from", from)?;
            (
                first,
                to.as_deref()
                    .map(|t| parse_date("to", t))
                    .transpose()?
                    .unwrap_or(first),
            )
        }
        (None, None, _) => {
            return Err(ApiError::invalid("from", "give `date`, or `from` and `to`"));
        }
        _ => {
            return Err(ApiError::invalid(
                "date",
                "give either `date` or `from`/`to`, not both",
            ));
        }
    };
    if last < first {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    if (last - first).num_days() >= MAX_CLOSURE_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("a closure may span at most {MAX_CLOSURE_DAYS} days"),
        ));
    }
    let affected = match body.affected_bookings.as_deref() {
        None | Some("reject") => AffectedBookings::Refuse,
        Some("cancel") => AffectedBookings::Cancel,
        Some("keep") => AffectedBookings::Keep,
        Some(other) => {
            return Err(ValidationError::new(
                "affected_bookings",
                format!("{other:?} is not one of: reject, cancel, keep"),
            )
            .into());
        }
    };
    Ok(ClosureInput {
        staff_id: body.staff_id,
        first,
        last,
        hours: body
            .hours
            .as_deref()
            .map(|h| DayHours::parse(h).map_err(|e| e.within("hours")))
            .transpose()?,
        reason: clean_text("reason", body.reason.as_deref().unwrap_or_default(), 200)?,
        affected,
    })
}

fn view(row: &CalendarExceptionRow, cancelled: &[Booking]) -> Result<ClosureView, ApiError> {
    let mut view = ClosureView::try_from(row)?;
    view.cancelled_bookings = cancelled.iter().map(|b| b.id.clone()).collect();
    Ok(view)
}

/// Closes dates (no `hours`) or sets special hours on them, for the business or one staff
/// member. 409 `closure_affects_bookings` lists bookings it would leave outside working hours
/// unless `affected_bookings` says to cancel or keep them.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/closures", tag = "closures", security(("api_key" = [])),
    params(("slug" = String, Path)), request_body = ClosureBody,
    responses((status = 201, body = ClosureView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureBody>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug(&path)?;
    let input = closure_input(body)?;
    let now = to_db_time(state.now());
    let (row, cancelled) = state
        .db
        .write(move |conn| {
            setup::add_closure(conn, &business.id, input, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(&row, &cancelled)?))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/closures", tag = "closures", security(("api_key" = [])),
    params(("slug" = String, Path)), responses((status = 200, body = Vec<ClosureView>)))]
pub async fn list(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug_any_role(&path)?;
    let rows = state
        .db
        .read(move |conn| setup::list_closures(conn, &business.id).map_err(ApiError::from))
        .await?;
    let views = rows
        .iter()
        .map(ClosureView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(views))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 200, body = ClosureView), (status = 404, body = ErrorBody)))]
pub async fn get(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug_any_role(&slug)?;
    let row = state
        .db
        .read(move |conn| {
            crate::storage::closures::find(conn, &business.id, &id)?
                .ok_or_else(|| ApiError::not_found("closure"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ClosureView::try_from(&row)?))
}

/// Replaces a closure (send it whole, as for creating).
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", security(("api_key" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ClosureBody,
    responses((status = 200, body = ClosureView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    path: web::Path<(String, String)>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let business = key.for_slug(&slug)?;
    let input = closure_input(body)?;
    let now = to_db_time(state.now());
    let (row, cancelled) = state
        .db
        .write(move |conn| {
            setup::replace_closure(conn, &business.id, &id, input, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&row, &cancelled)?))
}

#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/closures/{id}", tag = "closures", security(("api_key" = [])),
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
            setup::delete_closure(conn, &business.id, &id, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
