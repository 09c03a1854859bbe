//! Businesses: creation (admin), details and policies (business API key), public profile.

use actix_web::{HttpRequest, HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, Member, Owner, require_admin};
use super::json::{double_option, utc_time};
use crate::domain::{
    BookingPolicy, ChatPolicy, ContactRequirement, EmailAddress, Locale, PhoneNumber,
    ReminderOffsets, Slug, TimeZoneName, ValidationError, check_range, clean_text, required_text,
};
use crate::error::AppError;
use crate::setup::{self, BusinessSettings};
use crate::storage::models::{Business, BusinessChanges};
use crate::storage::{businesses, to_db_time};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliciesBody {
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
}

impl PoliciesBody {
    /// Policy fields may be sent at the top level or inside `"policies"`; top level wins.
    pub fn merged(&self, nested: Option<&PoliciesBody>) -> PoliciesBody {
        let nested = nested.cloned().unwrap_or_default();
        PoliciesBody {
            slot_interval_minutes: self.slot_interval_minutes.or(nested.slot_interval_minutes),
            min_notice_minutes: self.min_notice_minutes.or(nested.min_notice_minutes),
            booking_horizon_days: self.booking_horizon_days.or(nested.booking_horizon_days),
            cancellation_cutoff_minutes: self
                .cancellation_cutoff_minutes
                .or(nested.cancellation_cutoff_minutes),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBusinessBody {
    #[schema(example = "demo-barber")]
    pub slug: String,
    pub name: String,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// `en` (default) or `de`.
    pub locale: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
    /// Minutes an offered slot is held while a chat customer finishes booking (1–60).
    pub hold_minutes: Option<i64>,
    /// Minutes the bot stays silent after handing a conversation to staff (5–10080).
    pub handoff_timeout_minutes: Option<i64>,
    /// `phone`, `email`, `phone_or_email` (default) or `phone_and_email`.
    pub contact_requirement: Option<String>,
    pub policies: Option<PoliciesBody>,
    /// Minutes before an appointment that reminders go out (default `[1440, 120]`; `[]` for none).
    pub reminder_offsets_minutes: Option<Vec<i64>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBusinessBody {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub address: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notification_email: Option<Option<String>>,
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
    /// Minutes an offered slot is held while a chat customer finishes booking (1–60).
    pub hold_minutes: Option<i64>,
    /// Minutes the bot stays silent after handing a conversation to staff (5–10080).
    pub handoff_timeout_minutes: Option<i64>,
    /// `phone`, `email`, `phone_or_email` (default) or `phone_and_email`.
    pub contact_requirement: Option<String>,
    pub policies: Option<PoliciesBody>,
    pub reminder_offsets_minutes: Option<Vec<i64>>,
    /// The business's privacy notice (an http or https URL), linked from the chat's greeting;
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub privacy_url: Option<Option<String>>,
    /// Days chat transcripts are kept (1–3650, default 365).
    pub transcript_retention_days: Option<i64>,
    /// Days after its appointment that a booking's manage link keeps working (1–3650, default 30).
    pub manage_link_days: Option<i64>,
}

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

impl From<&Business> for BusinessView {
    fn from(b: &Business) -> Self {
        Self {
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
            reminder_offsets_minutes: ReminderOffsets::from_json(&b.reminder_offsets_minutes)
                .unwrap_or_default()
                .minutes()
                .to_vec(),
            privacy_url: b.privacy_url.clone(),
            transcript_retention_days: b.transcript_retention_days,
            manage_link_days: b.manage_link_days,
            created_at: utc_time(b.created_at),
            updated_at: utc_time(b.updated_at),
        }
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
#[utoipa::path(post, path = "/api/v1/businesses", operation_id = "businesses_create", tag = "businesses", request_body = CreateBusinessBody,
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
        .write(move |conn| setup::create_business(conn, &slug, settings, now))
        .await?;
    tracing::info!(slug = %business.slug, "business created");
    Ok(HttpResponse::Created().json(CreatedBusinessView {
        business: BusinessView::from(&business),
        api_key,
    }))
}

/// A business with its policies.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}", operation_id = "businesses_get", tag = "businesses",
    params(("slug" = String, Path)),
    responses((status = 200, body = BusinessView), (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)))]
pub async fn get(Member { business, .. }: Member) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(BusinessView::from(&business)))
}

/// Changes details and policies; fields left out stay as they are, `null` clears optional ones.
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}", operation_id = "businesses_update", tag = "businesses",
    params(("slug" = String, Path)), request_body = UpdateBusinessBody,
    responses((status = 200, body = BusinessView), (status = 422, body = super::error::ErrorBody)))]
pub async fn update(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<UpdateBusinessBody>,
) -> Result<HttpResponse, ApiError> {
    let current = crate::booking::BusinessProfile::from_row(&owner.business)?;
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
    let updated = owner
        .write(&state, move |conn, business, now| {
            setup::update_business(conn, business, &changes, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BusinessView::from(&updated)))
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
