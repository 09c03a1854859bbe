//! Creating a business and changing its details and policies.

use chrono::NaiveDateTime;

use crate::access;
use crate::domain::{
    BookingPolicy, ChatPolicy, EmailAddress, Locale, PhoneNumber, ReminderOffsets, Slug,
    TimeZoneName,
};
use crate::error::AppError;
use crate::storage::models::{Business, BusinessChanges};
use crate::storage::{DbConnection, businesses, new_id};

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
        reminder_offsets_minutes: settings.reminder_offsets.to_json(),
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
