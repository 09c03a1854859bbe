//! Free slots (public).

use actix_web::{HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use crate::booking::AvailabilityQuery;
use crate::domain::parse_date;

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    pub start: String,
    pub end: String,
    /// Who would take it: the requested staff member, or when anyone will do, the one booking
    /// would choose (the least busy that day).
    pub staff_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    pub service_id: String,
    pub staff_id: Option<String>,
    pub from: String,
    pub to: String,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Query {
    service_id: Option<String>,
    /// First local date, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last local date (inclusive); defaults to `from`.
    to: Option<String>,
    /// Only this staff member; omit for anyone who performs the service.
    staff_id: Option<String>,
}

/// The free slots for a service over local dates. Each time carries its true UTC offset.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/availability", operation_id = "availability_get", security(()), tag = "bookings",
    params(("slug" = String, Path), Query),
    responses((status = 200, body = AvailabilityView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get(
    path: web::Path<String>,
    query: web::Query<Query>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let service_id = query
        .service_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("service_id", "is required"))?;
    let from = parse_date(
        "from",
        query
            .from
            .as_deref()
            .ok_or_else(|| ApiError::invalid("from", "is required"))?,
    )?;
    let to = query
        .to
        .as_deref()
        .map(|t| parse_date("to", t))
        .transpose()?
        .unwrap_or(from);
    let staff_id = query.staff_id.filter(|s| !s.is_empty());
    let request = AvailabilityQuery {
        service_id: service_id.clone(),
        staff_id: staff_id.clone(),
        from,
        to,
    };
    let availability = state
        .scheduler
        .availability(path.into_inner(), request, state.now())
        .await?;
    let fmt = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    Ok(HttpResponse::Ok().json(AvailabilityView {
        time_zone: availability.tz.name().to_owned(),
        service_id,
        staff_id,
        from: from.to_string(),
        to: to.to_string(),
        slots: availability
            .slots
            .into_iter()
            .map(|s| SlotView {
                start: fmt(s.start),
                end: fmt(s.end),
                staff_id: s.staff_id,
            })
            .collect(),
    }))
}
