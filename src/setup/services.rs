//! Services: what can be booked, for how long, by whom.

use chrono::NaiveDateTime;

use serde::Deserialize;

use crate::domain::{ServiceTiming, ValidationError, check_range, clean_text, required_text};
use crate::error::AppError;
use crate::storage::models::{Service, ServiceChanges};
use crate::storage::{DbConnection, JsonText, businesses, new_id, services, staff};

#[derive(Debug, Clone)]
pub struct ServiceRecord {
    pub service: Service,
    /// The service's stored synonyms, decoded.
    pub synonyms: Vec<String>,
    pub staff_ids: Vec<String>,
}

/// What a client may set on a service; `None` leaves a field as it is. It is also the API's
/// request body (unknown fields refused): every caller sends the same fields, and
/// [`add_service`] and [`update_service`] apply the same checks to all of them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration_minutes: Option<i64>,
    pub buffer_before_minutes: Option<i64>,
    pub buffer_after_minutes: Option<i64>,
    /// `null` removes the price.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<i64>)]
    pub price_cents: Option<Option<i64>>,
    pub currency: Option<String>,
    /// Other words customers use for it ("fade", "trim").
    pub synonyms: Option<Vec<String>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    pub staff_ids: Option<Vec<String>>,
}

impl ServiceInput {
    /// The input with every check that needs no database done and its text normalised: name
    /// and description lengths, the price range, the currency code, the synonyms.
    pub fn parse(self) -> Result<Self, ValidationError> {
        if let Some(Some(price)) = self.price_cents {
            check_range("price_cents", price, 0..=100_000_000)?;
        }
        let currency = self.currency.as_deref().map(currency_code).transpose()?;
        let synonyms = self
            .synonyms
            .map(|words| {
                words
                    .iter()
                    .enumerate()
                    .map(|(i, s)| required_text(&format!("synonyms[{i}]"), s, 60))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Self {
            name: self
                .name
                .as_deref()
                .map(|n| required_text("name", n, 100))
                .transpose()?,
            description: self
                .description
                .as_deref()
                .map(|d| clean_text("description", d, 1000))
                .transpose()?,
            currency,
            synonyms,
            ..self
        })
    }
}

fn currency_code(raw: &str) -> Result<String, ValidationError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ValidationError::new(
            "currency",
            "must be a three-letter ISO 4217 code such as EUR",
        ))
    }
}

pub fn add_service(
    conn: &mut DbConnection,
    business_id: &str,
    input: ServiceInput,
    now: NaiveDateTime,
) -> Result<ServiceRecord, AppError> {
    let input = input.parse()?;
    let name = input
        .name
        .clone()
        .ok_or_else(|| ValidationError::new("name", "is required"))?;
    let duration = input
        .duration_minutes
        .ok_or_else(|| ValidationError::new("duration_minutes", "is required"))?;
    let timing = ServiceTiming::new(
        duration,
        input.buffer_before_minutes.unwrap_or(0),
        input.buffer_after_minutes.unwrap_or(0),
    )?;
    let position = match input.position {
        Some(p) => p,
        None => services::list(conn, business_id, true)?.len() as i32,
    };
    let service = Service {
        id: new_id(),
        business_id: business_id.to_owned(),
        name,
        description: input.description.clone().unwrap_or_default(),
        duration_minutes: timing.duration_minutes,
        buffer_before_minutes: timing.buffer_before_minutes,
        buffer_after_minutes: timing.buffer_after_minutes,
        price_cents: input.price_cents.flatten(),
        currency: input.currency.clone().unwrap_or_else(|| "EUR".to_owned()),
        synonyms: JsonText::encode(input.synonyms.as_deref().unwrap_or_default())?,
        active: i32::from(input.active.unwrap_or(true)),
        position,
        created_at: now,
        updated_at: now,
    };
    let staff_ids = checked_staff(
        conn,
        business_id,
        input.staff_ids.as_deref().unwrap_or_default(),
    )?;
    services::insert(conn, &service, &staff_ids)?;
    businesses::touch_calendar(conn, business_id, now)?;
    service_record(conn, business_id, &service.id)
}

pub fn update_service(
    conn: &mut DbConnection,
    business_id: &str,
    service_id: &str,
    input: ServiceInput,
    now: NaiveDateTime,
) -> Result<ServiceRecord, AppError> {
    let input = input.parse()?;
    let current =
        services::find(conn, business_id, service_id)?.ok_or(AppError::NotFound("service"))?;
    // Validate the timing as a whole: a new buffer must fit with the current duration.
    let timing = ServiceTiming::new(
        input
            .duration_minutes
            .unwrap_or(current.duration_minutes.into()),
        input
            .buffer_before_minutes
            .unwrap_or(current.buffer_before_minutes.into()),
        input
            .buffer_after_minutes
            .unwrap_or(current.buffer_after_minutes.into()),
    )?;
    let changes = ServiceChanges {
        name: input.name.clone(),
        description: input.description.clone(),
        duration_minutes: Some(timing.duration_minutes),
        buffer_before_minutes: Some(timing.buffer_before_minutes),
        buffer_after_minutes: Some(timing.buffer_after_minutes),
        price_cents: input.price_cents,
        currency: input.currency.clone(),
        synonyms: input
            .synonyms
            .as_deref()
            .map(JsonText::encode)
            .transpose()?,
        active: input.active.map(i32::from),
        position: input.position,
    };
    services::update(conn, service_id, &changes, now)?;
    if let Some(ids) = &input.staff_ids {
        let ids = checked_staff(conn, business_id, ids)?;
        services::set_resources(conn, service_id, &ids)?;
    }
    businesses::touch_calendar(conn, business_id, now)?;
    service_record(conn, business_id, service_id)
}

/// Stops offering a service. Its existing bookings stay valid.
pub fn remove_service(
    conn: &mut DbConnection,
    business_id: &str,
    service_id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    services::find(conn, business_id, service_id)?.ok_or(AppError::NotFound("service"))?;
    services::update(
        conn,
        service_id,
        &ServiceChanges {
            active: Some(0),
            ..Default::default()
        },
        now,
    )?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(())
}

pub fn service_record(
    conn: &mut DbConnection,
    business_id: &str,
    service_id: &str,
) -> Result<ServiceRecord, AppError> {
    let service =
        services::find(conn, business_id, service_id)?.ok_or(AppError::NotFound("service"))?;
    let mut records = records_for(conn, vec![service])?;
    records.pop().ok_or(AppError::NotFound("service"))
}

pub fn list_services(
    conn: &mut DbConnection,
    business_id: &str,
    include_inactive: bool,
) -> Result<Vec<ServiceRecord>, AppError> {
    let list = services::list(conn, business_id, include_inactive)?;
    records_for(conn, list)
}

fn records_for(
    conn: &mut DbConnection,
    list: Vec<Service>,
) -> Result<Vec<ServiceRecord>, AppError> {
    let ids: Vec<String> = list.iter().map(|s| s.id.clone()).collect();
    let mut links = services::resources_of(conn, &ids)?;
    list.into_iter()
        .map(|service| {
            Ok(ServiceRecord {
                synonyms: service.decode_synonyms()?,
                staff_ids: links.remove(&service.id).unwrap_or_default(),
                service,
            })
        })
        .collect()
}

/// Staff ids must belong to this business; another business's ids are refused like unknown ones.
fn checked_staff(
    conn: &mut DbConnection,
    business_id: &str,
    ids: &[String],
) -> Result<Vec<String>, AppError> {
    let mut checked: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        staff::find_staff(conn, business_id, id)?.ok_or_else(|| {
            ValidationError::new(
                format!("staff_ids[{i}]"),
                "no staff member with this id at this business",
            )
        })?;
        if !checked.contains(id) {
            checked.push(id.clone());
        }
    }
    Ok(checked)
}
