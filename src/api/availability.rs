//! Free slots (public).

use actix_web::{HttpResponse, web};
use bytes::Bytes;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use crate::booking::{Availability, AvailabilityQuery, OfferedSlot};
use crate::domain::parse_date;

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView<'a> {
    #[schema(value_type = String, example = "2027-03-01T09:00:00+01:00")]
    pub start: Rfc3339,
    #[schema(value_type = String)]
    pub end: Rfc3339,
    /// Who would take it: the requested staff member, or when anyone will do, the one booking
    /// would choose (the least busy that day).
    pub staff_id: &'a str,
}

impl<'a> From<&'a OfferedSlot> for SlotView<'a> {
    fn from(slot: &'a OfferedSlot) -> Self {
        Self {
            start: Rfc3339(slot.start),
            end: Rfc3339(slot.end),
            staff_id: &slot.staff_id,
        }
    }
}

/// A time with its offset as RFC 3339 to the second (`2027-03-01T09:00:00+01:00`), written
/// straight into the JSON rather than through a string of its own.
#[derive(Debug)]
pub struct Rfc3339(DateTime<FixedOffset>);

impl Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format("%Y-%m-%dT%H:%M:%S%:z"))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView<'a> {
    #[schema(example = "Europe/Berlin")]
    pub time_zone: &'a str,
    pub service_id: &'a str,
    pub staff_id: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub slots: Vec<SlotView<'a>>,
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
    let body = availability
        .rendered
        .get_or_init(|| render(&availability, &service_id, staff_id, from, to))
        .clone();
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

/// The answer's JSON, written once per kept answer.
fn render(
    availability: &Availability,
    service_id: &str,
    staff_id: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
) -> Bytes {
    let view = AvailabilityView {
        time_zone: availability.tz.name(),
        service_id,
        staff_id,
        from,
        to,
        slots: availability.slots.iter().map(SlotView::from).collect(),
    };
    // Plain data of strings and numbers always encodes.
    Bytes::from(serde_json::to_vec(&view).unwrap_or_default())
}
