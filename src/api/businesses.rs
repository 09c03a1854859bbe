//! Businesses: creation (admin), details and policies (business API key), public profile.

use actix_web::{HttpRequest, HttpResponse, web};

use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, Member, Owner, require_admin};
use super::json::utc_time;
use crate::error::AppError;
use crate::setup::{self, BusinessUpdate, NewBusiness};
use crate::storage::StorageError;
use crate::storage::models::Business;
use crate::storage::{businesses, to_db_time};

#[derive(Debug, Serialize, ToSchema)]
pub struct BusinessView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub locale: String,
    pub address: String,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub slot_interval_minutes: i32,
    pub min_notice_minutes: i32,
    pub booking_horizon_days: i32,
    pub cancellation_cutoff_minutes: i32,
    pub hold_minutes: i32,
    pub handoff_timeout_minutes: i32,
    pub contact_requirement: String,
    pub reminder_offsets_minutes: Vec<i32>,
    pub privacy_url: Option<String>,
    pub transcript_retention_days: i32,
    pub manage_link_days: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl TryFrom<&Business> for BusinessView {
    type Error = StorageError;

    fn try_from(b: &Business) -> Result<Self, StorageError> {
        Ok(Self {
            id: b.id.clone(),
            slug: b.slug.clone(),
            name: b.name.clone(),
            time_zone: b.time_zone.clone(),
            locale: b.locale.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            notification_email: b.notification_email.clone(),
            slot_interval_minutes: b.slot_interval_minutes,
            min_notice_minutes: b.min_notice_minutes,
            booking_horizon_days: b.booking_horizon_days,
            cancellation_cutoff_minutes: b.cancellation_cutoff_minutes,
            hold_minutes: b.hold_minutes,
            handoff_timeout_minutes: b.handoff_timeout_minutes,
            contact_requirement: b.contact_requirement.clone(),
            reminder_offsets_minutes: businesses::reminder_offsets(b)?.minutes().to_vec(),
            privacy_url: b.privacy_url.clone(),
            transcript_retention_days: b.transcript_retention_days,
            manage_link_days: b.manage_link_days,
            created_at: utc_time(b.created_at),
            updated_at: utc_time(b.updated_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBusinessView {
    #[serde(flatten)]
    pub business: BusinessView,
    /// Shown only now: only its hash is stored.
    pub api_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicServiceView {
    pub id: String,
    pub name: String,
    pub duration_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: String,
    pub staff_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStaffView {
    pub id: String,
    pub name: String,
}

/// What anyone may know about a business: enough to offer booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub locale: String,
    pub address: String,
    pub phone: Option<String>,
    pub slot_interval_minutes: i32,
    pub services: Vec<PublicServiceView>,
    pub staff: Vec<PublicStaffView>,
}

/// Creates a business and returns its API key, once.
#[utoipa::path(post, path = "/api/v1/businesses", operation_id = "businesses_create", tag = "businesses", request_body = NewBusiness,
    security(("admin_token" = [])),
    responses((status = 201, body = CreatedBusinessView), (status = 401, body = super::error::ErrorBody),
        (status = 409, description = "Slug taken", body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<NewBusiness>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&req, &state)?;
    let (slug, settings) = body.parse()?;
    let now = to_db_time(state.now());
    let (business, api_key) = state
        .db
        .write(move |conn| setup::create_business(conn, &slug, settings, now))
        .await?;
    tracing::info!(slug = %business.slug, "business created");
    Ok(HttpResponse::Created().json(CreatedBusinessView {
        business: BusinessView::try_from(&business)?,
        api_key,
    }))
}

/// A business with its policies.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}", operation_id = "businesses_get", tag = "businesses",
    params(("slug" = String, Path)),
    responses((status = 200, body = BusinessView), (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)))]
pub async fn get(Member { business, .. }: Member) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(BusinessView::try_from(&business)?))
}

/// Changes details and policies; fields left out stay as they are, `null` clears optional ones.
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}", operation_id = "businesses_update", tag = "businesses",
    params(("slug" = String, Path)), request_body = BusinessUpdate,
    responses((status = 200, body = BusinessView), (status = 422, body = super::error::ErrorBody)))]
pub async fn update(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<BusinessUpdate>,
) -> Result<HttpResponse, ApiError> {
    let current = crate::details::BusinessProfile::from_row(&owner.business)?;
    let changes = body.parse(current.policy, current.chat)?;
    let updated = owner
        .write(&state, move |conn, business, now| {
            setup::update_business(conn, business, &changes, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BusinessView::try_from(&updated)?))
}

/// What anyone may know about a business: name, zone, services and staff, to offer booking.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/profile", operation_id = "businesses_profile", security(()), tag = "businesses", params(("slug" = String, Path)),
    responses((status = 200, body = ProfileView), (status = 404, body = super::error::ErrorBody)))]
pub async fn profile(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let slug = path.into_inner();
    let calendars = std::sync::Arc::clone(state.scheduler.calendars());
    let (calendar, phone) = state
        .db
        .read(move |conn| {
            let business =
                businesses::by_slug(conn, &slug)?.ok_or(AppError::NotFound("business"))?;
            Ok::<_, AppError>((calendars.get(conn, &business)?, business.phone))
        })
        .await?;
    let b = &calendar.business;
    Ok(HttpResponse::Ok().json(ProfileView {
        slug: b.slug.clone(),
        name: b.name.clone(),
        time_zone: b.tz.name().to_owned(),
        locale: b.locale.as_str().to_owned(),
        address: b.address.clone(),
        phone,
        slot_interval_minutes: b.policy.slot_interval_minutes,
        services: calendar
            .services
            .iter()
            .map(|s| PublicServiceView {
                id: s.id.clone(),
                name: s.name.clone(),
                duration_minutes: s.timing.duration_minutes,
                price_cents: s.price_cents,
                currency: s.currency.clone(),
                staff_ids: s.staff_ids.clone(),
            })
            .collect(),
        staff: calendar
            .staff
            .iter()
            .map(|s| PublicStaffView {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect(),
    }))
}
