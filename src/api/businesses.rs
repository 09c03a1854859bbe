//! Businesses: creation (admin), details and policies (business API key), public profile.

use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::error::ApiError;
use super::extract::{Access, JsonBody, require_admin};
use super::views::{
    BusinessView, CreateBusinessBody, CreatedBusinessView, PoliciesBody, ProfileView,
    PublicServiceView, PublicStaffView, UpdateBusinessBody,
};
use crate::setup::{self, BusinessSettings};
use crate::domain::{
    BookingPolicy, ChatPolicy, ContactRequirement, EmailAddress, Locale, PhoneNumber,
    ReminderOffsets, Slug, TimeZoneName, ValidationError, check_range, clean_text, required_text,
};
use crate::storage::models::BusinessChanges;
use crate::storage::{businesses, to_db_time};

fn optional_phone(raw: Option<&str>) -> Result<Option<PhoneNumber>, ApiError> {
    Ok(raw
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| PhoneNumber::parse("phone", p))
        .transpose()?)
}

/// A link to a page of the business's own: http or https, printable, not too long.
fn web_address(raw: &str) -> Result<String, ValidationError> {
    let url = raw.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host_ok = url
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    if !scheme_ok
        || !host_ok
        || url.len() > 500
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ValidationError::new(
            "privacy_url",
            "must be an http:// or https:// address of at most 500 characters",
        ));
    }
    Ok(url.to_owned())
}

fn optional_email(raw: Option<&str>) -> Result<Option<EmailAddress>, ApiError> {
    Ok(raw
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| EmailAddress::parse("notification_email", e))
        .transpose()?)
}

fn chat_policy_from(
    hold: Option<i64>,
    handoff: Option<i64>,
    contact: Option<&str>,
    base: ChatPolicy,
) -> Result<ChatPolicy, ApiError> {
    let contact = contact
        .map(|c| ContactRequirement::parse("contact_requirement", c))
        .transpose()?
        .unwrap_or(base.contact_requirement);
    Ok(ChatPolicy::new(
        hold.unwrap_or(base.hold_minutes.into()),
        handoff.unwrap_or(base.handoff_timeout_minutes.into()),
        contact,
    )?)
}

fn reminder_offsets(raw: Option<&[i64]>) -> Result<Option<ReminderOffsets>, ApiError> {
    Ok(raw
        .map(|minutes| ReminderOffsets::parse("reminder_offsets_minutes", minutes))
        .transpose()?)
}

fn policy_from(body: &PoliciesBody, base: BookingPolicy) -> Result<BookingPolicy, ApiError> {
    Ok(BookingPolicy::new(
        body.slot_interval_minutes
            .unwrap_or(base.slot_interval_minutes.into()),
        body.min_notice_minutes
            .unwrap_or(base.min_notice_minutes.into()),
        body.booking_horizon_days
            .unwrap_or(base.booking_horizon_days.into()),
        body.cancellation_cutoff_minutes
            .unwrap_or(base.cancellation_cutoff_minutes.into()),
    )?)
}

/// Creates a business and returns its API key, once.
#[utoipa::path(post, path = "/api/v1/businesses", tag = "businesses", request_body = CreateBusinessBody,
    security(("admin_token" = [])),
    responses((status = 201, body = CreatedBusinessView), (status = 401, body = super::error::ErrorBody),
        (status = 409, description = "Slug taken", body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<CreateBusinessBody>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&req, &state)?;
    let slug = Slug::parse("slug", &body.slug)?;
    let policies = PoliciesBody {
        slot_interval_minutes: body.slot_interval_minutes,
        min_notice_minutes: body.min_notice_minutes,
        booking_horizon_days: body.booking_horizon_days,
        cancellation_cutoff_minutes: body.cancellation_cutoff_minutes,
    }
    .merged(body.policies.as_ref());
    let settings = BusinessSettings {
        name: required_text("name", &body.name, 200)?,
        time_zone: TimeZoneName::parse("time_zone", &body.time_zone)?,
        locale: body
            .locale
            .as_deref()
            .map(|l| Locale::parse("locale", l))
            .transpose()?
            .unwrap_or_default(),
        address: clean_text("address", body.address.as_deref().unwrap_or_default(), 500)?,
        phone: optional_phone(body.phone.as_deref())?,
        notification_email: optional_email(body.notification_email.as_deref())?,
        policy: policy_from(&policies, BookingPolicy::default())?,
        chat: chat_policy_from(
            body.hold_minutes,
            body.handoff_timeout_minutes,
            body.contact_requirement.as_deref(),
            ChatPolicy::default(),
        )?,
        reminder_offsets: reminder_offsets(body.reminder_offsets_minutes.as_deref())?
            .unwrap_or_default(),
    };
    let now = to_db_time(state.now());
    let (business, api_key) = state
        .db
        .write(move |conn| {
            setup::create_business(conn, &slug, settings, now).map_err(ApiError::from)
        })
        .await?;
    tracing::info!(slug = %business.slug, "business created");
    Ok(HttpResponse::Created().json(CreatedBusinessView {
        business: BusinessView::from(&business),
        api_key,
    }))
}

/// A business with its policies.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}", tag = "businesses", security(("api_key" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = BusinessView), (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)))]
pub async fn get(path: web::Path<String>, key: Access) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug_any_role(&path)?;
    Ok(HttpResponse::Ok().json(BusinessView::from(&business)))
}

/// Changes details and policies; fields left out stay as they are, `null` clears optional ones.
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}", tag = "businesses", security(("api_key" = [])),
    params(("slug" = String, Path)), request_body = UpdateBusinessBody,
    responses((status = 200, body = BusinessView), (status = 422, body = super::error::ErrorBody)))]
pub async fn update(
    path: web::Path<String>,
    key: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<UpdateBusinessBody>,
) -> Result<HttpResponse, ApiError> {
    let business = key.for_slug(&path)?;
    let current = crate::booking::BusinessProfile::from_row(&business)?;
    let policies = PoliciesBody {
        slot_interval_minutes: body.slot_interval_minutes,
        min_notice_minutes: body.min_notice_minutes,
        booking_horizon_days: body.booking_horizon_days,
        cancellation_cutoff_minutes: body.cancellation_cutoff_minutes,
    }
    .merged(body.policies.as_ref());
    let policy = policy_from(&policies, current.policy)?;
    let chat = chat_policy_from(
        body.hold_minutes,
        body.handoff_timeout_minutes,
        body.contact_requirement.as_deref(),
        current.chat,
    )?;
    let changes = BusinessChanges {
        name: body
            .name
            .as_deref()
            .map(|n| required_text("name", n, 200))
            .transpose()?,
        time_zone: body
            .time_zone
            .as_deref()
            .map(|t| TimeZoneName::parse("time_zone", t).map(|t| t.name().to_owned()))
            .transpose()?,
        locale: body
            .locale
            .as_deref()
            .map(|l| Locale::parse("locale", l).map(|l| l.as_str().to_owned()))
            .transpose()?,
        address: body
            .address
            .as_deref()
            .map(|a| clean_text("address", a, 500))
            .transpose()?,
        phone: body
            .phone
            .as_ref()
            .map(|p| optional_phone(p.as_deref()).map(|p| p.map(PhoneNumber::into_inner)))
            .transpose()?,
        notification_email: body
            .notification_email
            .as_ref()
            .map(|e| optional_email(e.as_deref()).map(|e| e.map(EmailAddress::into_inner)))
            .transpose()?,
        slot_interval_minutes: Some(policy.slot_interval_minutes),
        min_notice_minutes: Some(policy.min_notice_minutes),
        booking_horizon_days: Some(policy.booking_horizon_days),
        cancellation_cutoff_minutes: Some(policy.cancellation_cutoff_minutes),
        hold_minutes: Some(chat.hold_minutes),
        handoff_timeout_minutes: Some(chat.handoff_timeout_minutes),
        contact_requirement: Some(chat.contact_requirement.as_str().to_owned()),
        reminder_offsets_minutes: reminder_offsets(body.reminder_offsets_minutes.as_deref())?
            .map(|r| r.to_json()),
        privacy_url: body
            .privacy_url
            .as_ref()
            .map(|u| u.as_deref().map(web_address).transpose())
            .transpose()?,
        transcript_retention_days: body
            .transcript_retention_days
            .map(|d| check_range("transcript_retention_days", d, 1..=3650))
            .transpose()?,
        manage_link_days: body
            .manage_link_days
            .map(|d| check_range("manage_link_days", d, 1..=3650))
            .transpose()?,
    };
    let now = to_db_time(state.now());
    let updated = state
        .db
        .write(move |conn| {
            setup::update_business(conn, &business.id, &changes, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BusinessView::from(&updated)))
}

/// What anyone may know about a business: name, zone, services and staff, to offer booking.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/profile", tag = "businesses", params(("slug" = String, Path)),
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
                businesses::by_slug(conn, &slug)?.ok_or_else(|| ApiError::not_found("business"))?;
            Ok::<_, ApiError>((calendars.get(conn, &business)?, business.phone))
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
