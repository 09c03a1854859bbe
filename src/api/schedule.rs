//! One day's schedule per staff member (business API key).

use actix_web::{HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Member;
use super::json::{BookingView, local_time};
use crate::domain::parse_date;

#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalView {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffScheduleView {
    pub id: String,
    pub name: String,
    /// Working time that day.
    pub hours: Vec<IntervalView>,
    pub bookings: Vec<BookingView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    pub date: String,
    pub time_zone: String,
    pub staff: Vec<StaffScheduleView>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Query {
    /// Local date, `YYYY-MM-DD`; default today.
    date: Option<String>,
    /// Also list cancelled bookings.
    #[serde(default)]
    include_cancelled: bool,
}

/// That local day's working hours and bookings, grouped by staff member.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/schedule", operation_id = "schedule_get", tag = "bookings",
    params(("slug" = String, Path), Query), responses((status = 200, body = ScheduleView), (status = 422, body = ErrorBody)))]
pub async fn get(
    query: web::Query<Query>,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let tz = crate::booking::BusinessProfile::from_row(&business)?.tz;
    let date = match query.date.as_deref() {
        Some(d) => parse_date("date", d)?,
        None => state.now().with_timezone(&tz).date_naive(),
    };
    let day = state
        .scheduler
        .day_schedule(business.clone(), date, query.include_cancelled)
        .await?;
    let mut staff = Vec::with_capacity(day.staff.len());
    for member in &day.staff {
        staff.push(super::customers::staff_views(&state, &business, &member.bookings).await?);
    }
    Ok(HttpResponse::Ok().json(ScheduleView {
        date: date.to_string(),
        time_zone: tz.name().to_owned(),
        staff: day
            .staff
            .iter()
            .zip(staff)
            .map(|(s, bookings)| StaffScheduleView {
                id: s.id.clone(),
                name: s.name.clone(),
                hours: s
                    .hours
                    .iter()
                    .map(|(a, b)| IntervalView {
                        start: local_time(*a, tz),
                        end: local_time(*b, tz),
                    })
                    .collect(),
                bookings,
            })
            .collect(),
    }))
}
