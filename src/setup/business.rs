//! Creating a business and changing its details and policies.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access;
use crate::domain::{
    BookingPolicy, ChatPolicy, ContactRequirement, EmailAddress, PhoneNumber, ReminderOffsets,
    Slug, TimeZoneName, ValidationError, check_range, clean_text, required_text,
};
use crate::error::AppError;
use crate::languages::Locale;
use crate::storage::json_text::JsonText;
use crate::storage::models::{Business, BusinessChanges};
use crate::storage::{DbConnection, businesses, new_id};

/// The booking policy fields, as they may also be sent nested in `"policies"`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub slot_interval_minutes: Option<i64>,
    pub min_notice_minutes: Option<i64>,
    pub booking_horizon_days: Option<i64>,
    pub cancellation_cutoff_minutes: Option<i64>,
}

impl PolicyInput {
    /// `base` with the fields given here, or else in `nested`; the top level wins.
    fn over(
        &self,
        nested: Option<&PolicyInput>,
        base: BookingPolicy,
    ) -> Result<BookingPolicy, ValidationError> {
        let nested = nested.cloned().unwrap_or_default();
        let pick = |top: Option<i64>, inner: Option<i64>, current: i32| {
            top.or(inner).unwrap_or(current.into())
        };
        BookingPolicy::new(
            pick(
                self.slot_interval_minutes,
                nested.slot_interval_minutes,
                base.slot_interval_minutes,
            ),
            pick(
                self.min_notice_minutes,
                nested.min_notice_minutes,
                base.min_notice_minutes,
            ),
            pick(
                self.booking_horizon_days,
                nested.booking_horizon_days,
                base.booking_horizon_days,
            ),
            pick(
                self.cancellation_cutoff_minutes,
                nested.cancellation_cutoff_minutes,
                base.cancellation_cutoff_minutes,
            ),
        )
    }
}

/// What chat customers are asked and held to, as sent.
struct ChatInput<'a> {
    hold_minutes: Option<i64>,
    handoff_timeout_minutes: Option<i64>,
    contact_requirement: Option<&'a str>,
}

impl ChatInput<'_> {
    fn over(&self, base: ChatPolicy) -> Result<ChatPolicy, ValidationError> {
        let contact = self
            .contact_requirement
            .map(|c| ContactRequirement::parse("contact_requirement", c))
            .transpose()?
            .unwrap_or(base.contact_requirement);
        ChatPolicy::new(
            self.hold_minutes.unwrap_or(base.hold_minutes.into()),
            self.handoff_timeout_minutes
                .unwrap_or(base.handoff_timeout_minutes.into()),
            contact,
        )
    }
}

/// A new business, as the operator sends it (unknown fields refused).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBusiness {
    #[schema(example = "demo-barber")]
    pub slug: String,
    pub name: String,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// The language of the business's messages, emails and pages: an ISO 639-1 code Chairside
    /// speaks (`en`, the default, `de`, `es`, …); any other is refused with the list.
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
    pub policies: Option<PolicyInput>,
    /// Minutes before an appointment that reminders go out (default `[1440, 120]`; `[]` for none).
    pub reminder_offsets_minutes: Option<Vec<i64>>,
}

impl NewBusiness {
    /// The slug and the settings, every field checked; defaults for those left out.
    pub fn parse(self) -> Result<(Slug, BusinessSettings), ValidationError> {
        let top = PolicyInput {
            slot_interval_minutes: self.slot_interval_minutes,
            min_notice_minutes: self.min_notice_minutes,
            booking_horizon_days: self.booking_horizon_days,
            cancellation_cutoff_minutes: self.cancellation_cutoff_minutes,
        };
        let chat = ChatInput {
            hold_minutes: self.hold_minutes,
            handoff_timeout_minutes: self.handoff_timeout_minutes,
            contact_requirement: self.contact_requirement.as_deref(),
        };
        let settings = BusinessSettings {
            name: required_text("name", &self.name, 200)?,
            time_zone: TimeZoneName::parse("time_zone", &self.time_zone)?,
            locale: self
                .locale
                .as_deref()
                .map(locale)
                .transpose()?
                .unwrap_or_default(),
            address: address(self.address.as_deref().unwrap_or_default())?,
            phone: optional_phone(self.phone.as_deref())?,
            notification_email: optional_email(self.notification_email.as_deref())?,
            policy: top.over(self.policies.as_ref(), BookingPolicy::default())?,
            chat: chat.over(ChatPolicy::default())?,
            reminder_offsets: reminder_offsets(self.reminder_offsets_minutes.as_deref())?
                .unwrap_or_default(),
        };
        Ok((Slug::parse("slug", &self.slug)?, settings))
    }
}

/// Changes to a business, as its owner sends them: fields left out stay as they are, `null`
/// clears optional ones (unknown fields refused).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessUpdate {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    /// As when creating the business.
    pub locale: Option<String>,
    pub address: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
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
    pub policies: Option<PolicyInput>,
    pub reminder_offsets_minutes: Option<Vec<i64>>,
    /// The business's privacy notice (an http or https URL), linked from the chat's greeting;
    /// `null` removes it.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub privacy_url: Option<Option<String>>,
    /// Days chat transcripts are kept (1–3650, default 365).
    pub transcript_retention_days: Option<i64>,
    /// Days after its appointment that a booking's manage link keeps working (1–3650, default 30).
    pub manage_link_days: Option<i64>,
}

impl BusinessUpdate {
    /// The changes, every field checked; the policies are whole, `policy` and `chat` (the
    /// business's current ones) with the fields given here.
    pub fn parse(
        self,
        policy: BookingPolicy,
        chat: ChatPolicy,
    ) -> Result<BusinessChanges, AppError> {
        let top = PolicyInput {
            slot_interval_minutes: self.slot_interval_minutes,
            min_notice_minutes: self.min_notice_minutes,
            booking_horizon_days: self.booking_horizon_days,
            cancellation_cutoff_minutes: self.cancellation_cutoff_minutes,
        };
        let policy = top.over(self.policies.as_ref(), policy)?;
        let chat = ChatInput {
            hold_minutes: self.hold_minutes,
            handoff_timeout_minutes: self.handoff_timeout_minutes,
            contact_requirement: self.contact_requirement.as_deref(),
        }
        .over(chat)?;
        let days = |field: &str, days: Option<i64>| {
            days.map(|d| check_range(field, d, 1..=3650)).transpose()
        };
        let reminder_offsets = reminder_offsets(self.reminder_offsets_minutes.as_deref())?
            .map(|r| JsonText::encode(r.minutes()))
            .transpose()?;
        Ok(BusinessChanges {
            name: self
                .name
                .as_deref()
                .map(|n| required_text("name", n, 200))
                .transpose()?,
            time_zone: self
                .time_zone
                .as_deref()
                .map(|t| TimeZoneName::parse("time_zone", t).map(|t| t.name().to_owned()))
                .transpose()?,
            locale: self
                .locale
                .as_deref()
                .map(|l| locale(l).map(|l| l.as_str().to_owned()))
                .transpose()?,
            address: self.address.as_deref().map(address).transpose()?,
            phone: self
                .phone
                .map(|p| optional_phone(p.as_deref()).map(|p| p.map(PhoneNumber::into_inner)))
                .transpose()?,
            notification_email: self
                .notification_email
                .map(|e| optional_email(e.as_deref()).map(|e| e.map(EmailAddress::into_inner)))
                .transpose()?,
            slot_interval_minutes: Some(policy.slot_interval_minutes),
            min_notice_minutes: Some(policy.min_notice_minutes),
            booking_horizon_days: Some(policy.booking_horizon_days),
            cancellation_cutoff_minutes: Some(policy.cancellation_cutoff_minutes),
            hold_minutes: Some(chat.hold_minutes),
            handoff_timeout_minutes: Some(chat.handoff_timeout_minutes),
            contact_requirement: Some(chat.contact_requirement.as_str().to_owned()),
            reminder_offsets_minutes: reminder_offsets,
            privacy_url: self
                .privacy_url
                .map(|u| u.as_deref().map(web_address).transpose())
                .transpose()?,
            transcript_retention_days: days(
                "transcript_retention_days",
                self.transcript_retention_days,
            )?,
            manage_link_days: days("manage_link_days", self.manage_link_days)?,
        })
    }
}

fn locale(raw: &str) -> Result<Locale, ValidationError> {
    Locale::parse("locale", raw)
}

fn address(raw: &str) -> Result<String, ValidationError> {
    clean_text("address", raw, 500)
}

fn optional_phone(raw: Option<&str>) -> Result<Option<PhoneNumber>, ValidationError> {
    raw.map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| PhoneNumber::parse("phone", p))
        .transpose()
}

fn optional_email(raw: Option<&str>) -> Result<Option<EmailAddress>, ValidationError> {
    raw.map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| EmailAddress::parse("notification_email", e))
        .transpose()
}

fn reminder_offsets(raw: Option<&[i64]>) -> Result<Option<ReminderOffsets>, ValidationError> {
    raw.map(|minutes| ReminderOffsets::parse("reminder_offsets_minutes", minutes))
        .transpose()
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

/// A business's details and policies, validated.
#[derive(Debug, Clone)]
pub struct BusinessSettings {
    pub name: String,
    pub time_zone: TimeZoneName,
    pub locale: Locale,
    pub address: String,
    pub phone: Option<PhoneNumber>,
    pub notification_email: Option<EmailAddress>,
    pub policy: BookingPolicy,
    pub chat: ChatPolicy,
    pub reminder_offsets: ReminderOffsets,
}

/// Creates the business and returns it with its API key, which is not stored and cannot be
/// shown again.
pub fn create_business(
    conn: &mut DbConnection,
    slug: &Slug,
    settings: BusinessSettings,
    now: NaiveDateTime,
) -> Result<(Business, String), AppError> {
    if businesses::by_slug(conn, slug.as_str())?.is_some() {
        return Err(AppError::conflict(
            "slug_taken",
            format!("the slug {slug} is already taken"),
        ));
    }
    let api_key = access::generate_api_key();
    let business = Business {
        id: new_id(),
        slug: slug.as_str().to_owned(),
        name: settings.name,
        time_zone: settings.time_zone.name().to_owned(),
        locale: settings.locale.as_str().to_owned(),
        address: settings.address,
        phone: settings.phone.map(PhoneNumber::into_inner),
        notification_email: settings.notification_email.map(EmailAddress::into_inner),
        slot_interval_minutes: settings.policy.slot_interval_minutes,
        min_notice_minutes: settings.policy.min_notice_minutes,
        booking_horizon_days: settings.policy.booking_horizon_days,
        cancellation_cutoff_minutes: settings.policy.cancellation_cutoff_minutes,
        api_key_hash: access::hash_api_key(&api_key),
        config_version: 1,
        created_at: now,
        updated_at: now,
        hold_minutes: settings.chat.hold_minutes,
        handoff_timeout_minutes: settings.chat.handoff_timeout_minutes,
        contact_requirement: settings.chat.contact_requirement.as_str().to_owned(),
        reminder_offsets_minutes: JsonText::encode(settings.reminder_offsets.minutes())?,
        privacy_url: None,
        transcript_retention_days: 365,
        manage_link_days: 30,
    };
    match businesses::insert(conn, &business) {
        Err(e) if e.is_unique_violation() => Err(AppError::conflict(
            "slug_taken",
            format!("the slug {slug} is already taken"),
        )),
        other => other.map(|()| (business, api_key)).map_err(AppError::from),
    }
}

pub fn update_business(
    conn: &mut DbConnection,
    business_id: &str,
    changes: &BusinessChanges,
    now: NaiveDateTime,
) -> Result<Business, AppError> {
    businesses::update(conn, business_id, changes, now)?;
    businesses::by_id(conn, business_id)?.ok_or(AppError::NotFound("business"))
}
