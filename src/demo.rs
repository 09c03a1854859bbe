//! The demo business, so that a fresh checkout shows a working service at once.

use chrono::{DateTime, Utc};

use crate::accounts;
use crate::domain::{BookingPolicy, ChatPolicy, ReminderOffsets, Slug, TimeZoneName, WeeklyHours};
use crate::error::AppError;
use crate::languages::Locale;
use crate::setup::{self, BusinessSettings, ServiceInput, StaffInput};
use crate::storage::{Database, StorageError, businesses, to_db_time};

pub const DEMO_SLUG: &str = "demo-barber";
/// The demo owner's login for the staff page (`/staff`).
pub const DEMO_OWNER_EMAIL: &str = "owner@demo-barber.example";

/// What it takes to use the demo: shown once, only hashes are stored.
pub struct DemoCredentials {
    pub api_key: String,
    pub owner_password: String,
}

impl DemoCredentials {
    /// Issues a new API key and a new owner password for the existing demo business.
    pub fn renew(
        conn: &mut crate::storage::DbConnection,
        business_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        let api_key = crate::access::generate_api_key();
        businesses::set_api_key_hash(conn, business_id, &crate::access::hash_api_key(&api_key))?;
        let password = accounts::reset_demo_owner(conn, business_id, DEMO_OWNER_EMAIL, now)?;
        Ok(Self {
            api_key,
            owner_password: password.as_str().to_owned(),
        })
    }
}

/// Creates the demo business when the database has no business at all; returns its API key and
/// owner password.
pub fn seed_if_empty(
    db: &Database,
    now: DateTime<Utc>,
) -> Result<Option<DemoCredentials>, StorageError> {
    db.write_blocking(|conn| {
        if businesses::count(conn)? > 0 {
            return Ok(None);
        }
        create(conn, now).map(Some)
    })
    .map_err(|e: AppError| match e {
        AppError::Storage(s) => s,
        other => StorageError::corrupt("demo data", other),
    })
}

/// Creates the demo business (a barber in Berlin with three staff and four services) and its
/// owner login.
pub fn create(
    conn: &mut crate::storage::DbConnection,
    now: DateTime<Utc>,
) -> Result<DemoCredentials, AppError> {
    let clock_now = now;
    let now = to_db_time(now);
    let settings = BusinessSettings {
        name: "Demo Barber".to_owned(),
        time_zone: TimeZoneName::parse("time_zone", "Europe/Berlin")?,
        locale: Locale::En,
        address: "Torstraße 1, 10119 Berlin".to_owned(),
        phone: None,
        notification_email: None,
        policy: BookingPolicy {
            slot_interval_minutes: 15,
            min_notice_minutes: 60,
            ..BookingPolicy::default()
        },
        chat: ChatPolicy::default(),
        reminder_offsets: ReminderOffsets::default(),
    };
    let (business, api_key) =
        setup::create_business(conn, &Slug::parse("slug", DEMO_SLUG)?, settings, now)?;
    let week = |json: &str| -> Result<WeeklyHours, AppError> {
        let parsed =
            serde_json::from_str(json).map_err(|e| StorageError::corrupt("demo hours", e))?;
        Ok(WeeklyHours::parse(&parsed)?)
    };
    let lunch = r#"[["09:00","12:30"],["13:30","18:00"]]"#;
    let staff = [
        (
            "Sam",
            week(&format!(
                r#"{{"tue":{lunch},"wed":{lunch},"thu":{lunch},"fri":{lunch},"sat":[["09:00","14:00"]]}}"#
            ))?,
        ),
        (
            "Alex",
            week(
                r#"{"mon":[["10:00","13:00"],["14:00","19:00"]],"tue":[["10:00","13:00"],["14:00","19:00"]],"wed":[["10:00","13:00"],["14:00","19:00"]],"thu":[["10:00","13:00"],["14:00","20:00"]],"fri":[["10:00","13:00"],["14:00","20:00"]]}"#,
            )?,
        ),
        (
            "Jordan",
            week(&format!(
                r#"{{"wed":{lunch},"thu":{lunch},"fri":{lunch},"sat":[["09:00","16:00"]]}}"#
            ))?,
        ),
    ];
    let mut staff_ids = Vec::new();
    for (name, hours) in staff {
        let input = StaffInput {
            name: Some(name.to_owned()),
            hours: Some(hours),
            ..Default::default()
        };
        staff_ids.push(
            setup::add_staff(conn, &business.id, input, now)?
                .resource
                .id,
        );
    }
    let services = [
        (
            "Haircut",
            30,
            0,
            2800,
            vec!["cut", "trim", "haarschnitt"],
            staff_ids.clone(),
        ),
        (
            "Skin Fade",
            45,
            0,
            3500,
            vec!["fade", "skin fade"],
            staff_ids[..2].to_vec(),
        ),
        (
            "Beard Trim",
            20,
            0,
            1500,
            vec!["beard", "bart", "bartpflege"],
            staff_ids.clone(),
        ),
        (
            "Haircut & Beard",
            50,
            10,
            4000,
            vec!["cut and beard", "full service"],
            staff_ids.clone(),
        ),
    ];
    for (name, duration, after, price, synonyms, performers) in services {
        let input = ServiceInput {
            name: Some(name.to_owned()),
            duration_minutes: Some(duration),
            buffer_after_minutes: Some(after),
            price_cents: Some(Some(price)),
            currency: Some("EUR".to_owned()),
            synonyms: Some(synonyms.into_iter().map(str::to_owned).collect()),
            staff_ids: Some(performers),
            ..Default::default()
        };
        setup::add_service(conn, &business.id, input, now)?;
    }
    let password = accounts::reset_demo_owner(conn, &business.id, DEMO_OWNER_EMAIL, clock_now)?;
    Ok(DemoCredentials {
        api_key,
        owner_password: password.as_str().to_owned(),
    })
}
