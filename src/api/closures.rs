//! Closures and special days.

use actix_web::{HttpResponse, web};

use utoipa::ToSchema;

use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, Owner, PathId};
use crate::domain::{DayHours, ValidationError, clean_text, parse_date};
use crate::error::AppError;
use crate::setup::{self, AffectedBookings, ClosureInput};
use crate::storage::models::{Booking, CalendarExceptionRow};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureBody {
    /// Omit or `null` for the whole business.
    pub staff_id: Option<String>,
    /// A single date; shorthand for `from` = `to`.
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Omit or `null` to close; intervals for a special day.
    #[schema(value_type = Option<Vec<Vec<String>>>, example = json!([["09:00", "13:00"]]))]
    pub hours: Option<Vec<[String; 2]>>,
    pub reason: Option<String>,
    /// `reject` (default), `cancel` or `keep`: what to do with bookings it leaves outside hours.
    pub affected_bookings: Option<String>,
}

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
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/closures", tag = "closures", operation_id = "closures_create",
    params(("slug" = String, Path)), request_body = ClosureBody,
    responses((status = 201, body = ClosureView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureBody>,
) -> Result<HttpResponse, ApiError> {
    let input = closure_input(body)?;
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
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ClosureBody,
    responses((status = 200, body = ClosureView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ClosureBody>,
) -> Result<HttpResponse, ApiError> {
    let input = closure_input(body)?;
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
    owner
        .write(&state, move |conn, business, now| {
            setup::delete_closure(conn, business, &id, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
