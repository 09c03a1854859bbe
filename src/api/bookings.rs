//! Bookings: made by anyone, then seen, moved and cancelled with the booking's manage token or
//! the business API key.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Access, JsonBody, Member, authenticate, bearer_token, manage_token};
use super::json::BookingView;
use crate::access;
use crate::booking::{
    Actor, BookingDetails, BookingFilter, BookingRequest, CustomerContact, StatusChange,
};
use crate::domain::{
    BookingStatus, Channel, RequestedStart, ValidationError, clean_text, parse_date,
};
use crate::notifications;
use crate::storage::{bookings, businesses};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingBody {
    pub service_id: String,
    /// Omit for any staff member who performs the service.
    pub staff_id: Option<String>,
    /// RFC 3339 with offset, or local wall-clock time in the business's zone.
    #[schema(example = "2027-03-29T09:00:00+02:00")]
    pub start: String,
    pub customer: CustomerBody,
    pub notes: Option<String>,
}

/// A booking the business makes itself: a walk-in or a call to the desk.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInBody {
    pub service_id: String,
    /// Omit for any staff member who performs the service.
    pub staff_id: Option<String>,
    /// RFC 3339 with offset, or local wall-clock time in the business's zone.
    #[schema(example = "2027-03-29T09:00")]
    pub start: String,
    /// Optional; a name without phone or email is enough.
    pub customer: Option<CustomerBody>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    pub start: String,
    /// Move to another staff member who performs the service.
    pub staff_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// Checked for shape only: a cancellation stores no reason yet.
    #[allow(dead_code)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `arrived`, `completed`, `no_show`, or `confirmed` to undo any of them.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingListView {
    pub bookings: Vec<BookingView>,
}

/// Who is asking about a booking: its business (API key or staff session) or its customer
/// (manage token). An explicit manage token wins over a session cookie, so that a staff member
/// who is also someone else's customer can follow their own booking link. A manage token opens
/// its one booking only, in the link's current version, until `manage_link_days` after the
/// appointment.
async fn actor_for(
    req: &HttpRequest,
    state: &AppState,
    booking_id: &str,
) -> Result<Actor, ApiError> {
    let api_key_sent = bearer_token(req).is_some_and(|t| access::is_api_key(&t));
    if !api_key_sent && let Some(token) = manage_token(req) {
        return customer_with_token(state, booking_id, &token).await;
    }
    match authenticate(req).await? {
        Some(access) => Ok(Actor::Business {
            business_id: access.business.id,
        }),
        None => Err(ApiError::unauthorized(
            "send the booking's manage token (`?token=…` or `X-Manage-Token`) or the business API key",
        )),
    }
}

async fn customer_with_token(
    state: &AppState,
    booking_id: &str,
    token: &str,
) -> Result<Actor, ApiError> {
    let id = booking_id.to_owned();
    let found = state
        .db
        .read(move |conn| {
            let Some(booking) = bookings::find(conn, &id)? else {
                return Ok::<_, crate::storage::StorageError>(None);
            };
            let days =
                businesses::by_id(conn, &booking.business_id)?.map_or(30, |b| b.manage_link_days);
            Ok(Some((booking, days)))
        })
        .await?;
    // An unknown booking and a wrong token read the same.
    let refused = || ApiError::forbidden("this token does not give access to this booking");
    let Some((booking, days)) = found else {
        return Err(refused());
    };
    if !state
        .secrets
        .verify_manage_token(&booking.id, booking.manage_version, token)
    {
        return Err(refused());
    }
    if state.now() > booking.end_at.and_utc() + chrono::Duration::days(days.into()) {
        return Err(ApiError::new(
            StatusCode::GONE,
            "link_expired",
            "this link has expired; please contact the business",
        ));
    }
    Ok(Actor::Customer)
}

/// Another business's booking is reported as not found rather than forbidden.
fn visible_to(details: BookingDetails, actor: &Actor) -> Result<BookingDetails, ApiError> {
    match actor {
        Actor::Business { business_id } if *business_id != details.booking.business_id => {
            Err(ApiError::not_found("booking"))
        }
        _ => Ok(details),
    }
}

/// What the asker may see: a customer's link to a cancelled booking shows that it was
/// cancelled, no longer whom it was for.
fn view_for(details: &BookingDetails, actor: &Actor) -> BookingView {
    let mut view = BookingView::from(details);
    if *actor == Actor::Customer && details.status() == BookingStatus::Cancelled {
        view.customer = None;
        view.notes = String::new();
    }
    view
}

fn with_manage_link(details: &BookingDetails, state: &AppState) -> BookingView {
    let mut view = BookingView::from(details);
    let (id, version) = (&details.booking.id, details.booking.manage_version);
    view.manage_url = Some(state.secrets.manage_url(
        &state.config.public_url,
        &details.business.slug,
        id,
        version,
    ));
    view.manage_token = Some(state.secrets.manage_token(id, version));
    view
}

/// Books a slot. The server checks the slot again; 409 `slot_unavailable` when it is taken.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/bookings", operation_id = "bookings_create", security(()), tag = "bookings",
    params(("slug" = String, Path)), request_body = CreateBookingBody,
    responses((status = 201, body = BookingView), (status = 404, body = ErrorBody),
        (status = 409, description = "slot_unavailable", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    path: web::Path<String>,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<CreateBookingBody>,
) -> Result<HttpResponse, ApiError> {
    let request = BookingRequest {
        service_id: body.service_id,
        staff_id: body.staff_id.filter(|s| !s.is_empty()),
        start: RequestedStart::parse("start", &body.start)?,
        customer: Some(CustomerContact::parse(
            &body.customer.name,
            body.customer.phone.as_deref(),
            body.customer.email.as_deref(),
        )?),
        notes: clean_text("notes", body.notes.as_deref().unwrap_or_default(), 2000)?,
        customer_id: None,
        conversation_id: None,
        held_by: None,
        channel: Channel::Api,
        hold_until: None,
        by_business: false,
    };
    let details = state
        .scheduler
        .book(path.into_inner(), request, state.now())
        .await?;
    Ok(HttpResponse::Created().json(with_manage_link(&details, &state)))
}

/// Books for a customer at the desk or on the phone (API key or any staff session): no notice
/// or horizon limits, channel `staff`, and the customer's contact is optional.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/walk-ins", operation_id = "bookings_walk_in", tag = "bookings",
    params(("slug" = String, Path)), request_body = WalkInBody,
    responses((status = 201, body = BookingView), (status = 403, body = ErrorBody),
        (status = 409, description = "slot_unavailable", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn walk_in(
    Member { business, .. }: Member,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<WalkInBody>,
) -> Result<HttpResponse, ApiError> {
    let customer = body
        .customer
        .map(|c| CustomerContact::parse_walk_in(&c.name, c.phone.as_deref(), c.email.as_deref()))
        .transpose()?;
    let request = BookingRequest {
        service_id: body.service_id,
        staff_id: body.staff_id.filter(|s| !s.is_empty()),
        start: RequestedStart::parse("start", &body.start)?,
        customer,
        notes: clean_text("notes", body.notes.as_deref().unwrap_or_default(), 2000)?,
        customer_id: None,
        conversation_id: None,
        held_by: None,
        channel: Channel::Staff,
        hold_until: None,
        by_business: true,
    };
    let details = state
        .scheduler
        .book(business.slug, request, state.now())
        .await?;
    Ok(HttpResponse::Created().json(BookingView::from(&details)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// First local date, `YYYY-MM-DD` (default: today).
    from: Option<String>,
    /// Last local date, inclusive (default: `from` + 30 days).
    to: Option<String>,
    staff_id: Option<String>,
    /// Comma-separated statuses, e.g. `confirmed,completed`.
    status: Option<String>,
}

/// The business's bookings by start.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/bookings", operation_id = "bookings_list", tag = "bookings",
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = BookingListView)))]
pub async fn list(
    Member { business, .. }: Member,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let profile = crate::booking::BusinessProfile::from_row(&business)?;
    let today = state.now().with_timezone(&profile.tz).date_naive();
    let from = query
        .from
        .as_deref()
        .map(|f| parse_date("from", f))
        .transpose()?
        .unwrap_or(today);
    let to = query
        .to
        .as_deref()
        .map(|t| parse_date("to", t))
        .transpose()?
        .unwrap_or(from + chrono::Days::new(30));
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::invalid(
            "to",
            "must be on or after from, at most 366 days later",
        ));
    }
    let statuses = query
        .status
        .as_deref()
        .map(|statuses| {
            statuses
                .split(',')
                .map(|s| BookingStatus::parse("status", s.trim()))
                .collect::<Result<Vec<_>, ValidationError>>()
        })
        .transpose()?
        .unwrap_or_default();
    let filter = BookingFilter {
        staff_id: query.staff_id.clone(),
        statuses,
        ..Default::default()
    };
    let list = state
        .scheduler
        .list_bookings(business.clone(), from, to, filter)
        .await?;
    Ok(HttpResponse::Ok().json(BookingListView {
        bookings: super::customers::staff_views(&state, &business, &list).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/bookings/{id}", operation_id = "bookings_get", tag = "bookings", security(("manage_token" = []), ("api_key" = [])),
    params(("id" = String, Path), ("token" = Option<String>, Query, description = "The booking's manage token")),
    responses((status = 200, body = BookingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = actor_for(&req, &state, &id).await?;
    let details = visible_to(state.scheduler.details(id).await?, &actor)?;
    Ok(HttpResponse::Ok().json(view_for(&details, &actor)))
}

/// Cancels. Customers may cancel until the business's cutoff; the business at any time.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", operation_id = "bookings_cancel", tag = "bookings", security(("manage_token" = []), ("api_key" = [])),
    params(("id" = String, Path)), request_body(content = Option<CancelBody>),
    responses((status = 200, body = BookingView), (status = 409, description = "cutoff_passed or booking_not_changeable", body = ErrorBody)))]
pub async fn cancel(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // The body is optional; when present it must be valid.
    if !body.iter().all(u8::is_ascii_whitespace) {
        let _: CancelBody = super::extract::parse_json(&body)?;
    }
    let id = path.into_inner();
    let actor = actor_for(&req, &state, &id).await?;
    let details = state
        .scheduler
        .cancel(id, actor.clone(), state.now())
        .await?;
    Ok(HttpResponse::Ok().json(view_for(&details, &actor)))
}

/// Moves a booking: either the new time is taken and the old one released, or nothing changes.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/reschedule", operation_id = "bookings_reschedule", tag = "bookings", security(("manage_token" = []), ("api_key" = [])),
    params(("id" = String, Path)), request_body = RescheduleBody,
    responses((status = 200, body = BookingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reschedule(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RescheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let start = RequestedStart::parse("start", &body.start)?;
    let actor = actor_for(&req, &state, &id).await?;
    let staff = body.staff_id.filter(|s| !s.is_empty());
    let details = state
        .scheduler
        .reschedule(id, actor, start, staff, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(BookingView::from(&details)))
}

/// Records what happened: `arrived`, `completed`, `no_show`, or `confirmed` to undo (business
/// API key or any staff session).
#[utoipa::path(post, path = "/api/v1/bookings/{id}/status", operation_id = "bookings_set_status", tag = "bookings",
    params(("id" = String, Path)), request_body = StatusBody,
    responses((status = 200, body = BookingView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_status(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<HttpResponse, ApiError> {
    let change = match body.status.as_str() {
        "arrived" => StatusChange::Arrived,
        "completed" => StatusChange::Completed,
        "no_show" => StatusChange::NoShow,
        "confirmed" => StatusChange::Confirmed,
        other => {
            return Err(ApiError::invalid(
                "status",
                format!("{other:?} is not one of: arrived, completed, no_show, confirmed"),
            ));
        }
    };
    let details = state
        .scheduler
        .set_status(path.into_inner(), key.business.id, change, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(BookingView::from(&details)))
}

/// The booking as an iCalendar file (`METHOD:REQUEST`, or `CANCEL` once cancelled), for the
/// customer's calendar app. Same access as the booking itself.
#[utoipa::path(get, path = "/api/v1/bookings/{id}/calendar.ics", operation_id = "bookings_calendar", tag = "bookings", security(("manage_token" = []), ("api_key" = [])),
    params(("id" = String, Path), ("token" = Option<String>, Query, description = "The booking's manage token")),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn calendar(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = actor_for(&req, &state, &id).await?;
    let details = visible_to(state.scheduler.details(id).await?, &actor)?;
    let manage_url = state.secrets.manage_url(
        &state.config.public_url,
        &details.business.slug,
        &details.booking.id,
        details.booking.manage_version,
    );
    let organizer = notifications::organizer(&details, &state.mailer);
    let invitation = notifications::ics::Invitation {
        details: &details,
        manage_url: &manage_url,
        organizer: &organizer,
        locale: details.business.locale,
        stamp: state.now(),
    };
    Ok(super::calendars::ics_response(
        invitation.method(),
        invitation.to_ics(),
    ))
}

/// Gives a booking a new manage link (staff: the old one leaked, or the customer asks): links
/// of the old version stop working, and the new one is emailed to the booking's contact.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/manage-link", operation_id = "bookings_renew_link", tag = "bookings",
    params(("id" = String, Path)),
    responses((status = 200, description = "the booking with its new manage_url and manage_token", body = BookingView),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn renew_link(
    path: web::Path<String>,
    access: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let details = state
        .scheduler
        .renew_manage_link(path.into_inner(), access.business.id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(with_manage_link(&details, &state)))
}
