//! Staff members: who they are, which services they perform, when they work.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::{BookingStatus, EmailAddress, ValidationError, WeeklyHours, required_text};
use crate::error::AppError;
use crate::storage::models::{Resource, ResourceChanges};
use crate::storage::{DbConnection, bookings, businesses, new_id, services, staff};

/// A staff member with their hours and the services they perform.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub resource: Resource,
    pub hours: WeeklyHours,
    pub service_ids: Vec<String>,
}

/// What a client may set on a staff member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct StaffInput {
    pub name: Option<String>,
    pub email: Option<Option<EmailAddress>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    pub hours: Option<WeeklyHours>,
    pub service_ids: Option<Vec<String>>,
}

/// Weekly hours: `{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[],…}`.
pub type WeeklyHoursBody = BTreeMap<String, Vec<[String; 2]>>;

/// A staff member as a client sends it; `None` leaves a field as it is (unknown fields
/// refused).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffFields {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub active: Option<bool>,
    pub position: Option<i32>,
    #[schema(value_type = Option<Object>, example = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]]}))]
    pub hours: Option<WeeklyHoursBody>,
    pub service_ids: Option<Vec<String>>,
}

impl StaffFields {
    /// The input with every check that needs no database done.
    pub fn parse(self) -> Result<StaffInput, ValidationError> {
        let body = self;
        Ok(StaffInput {
            name: body
                .name
                .as_deref()
                .map(|n| required_text("name", n, 100))
                .transpose()?,
            email: body
                .email
                .map(|e| {
                    e.filter(|e| !e.trim().is_empty())
                        .map(|e| EmailAddress::parse("email", &e))
                        .transpose()
                })
                .transpose()?,
            active: body.active,
            position: body.position,
            hours: body
                .hours
                .as_ref()
                .map(|h| WeeklyHours::parse(h).map_err(|e| e.within("hours")))
                .transpose()?,
            service_ids: body.service_ids,
        })
    }
}

pub fn add_staff(
    conn: &mut DbConnection,
    business_id: &str,
    input: StaffInput,
    now: NaiveDateTime,
) -> Result<StaffRecord, AppError> {
    let name = input
        .name
        .clone()
        .ok_or_else(|| crate::domain::ValidationError::new("name", "is required"))?;
    let position = match input.position {
        Some(p) => p,
        None => staff::staff_of(conn, business_id, true)?.len() as i32,
    };
    let resource = Resource {
        id: new_id(),
        business_id: business_id.to_owned(),
        kind: staff::STAFF.to_owned(),
        name,
        email: input.email.clone().flatten().map(EmailAddress::into_inner),
        active: i32::from(input.active.unwrap_or(true)),
        position,
        created_at: now,
        updated_at: now,
    };
    staff::insert(conn, &resource)?;
    apply_links(conn, business_id, &resource.id, &input)?;
    businesses::touch_calendar(conn, business_id, now)?;
    staff_record(conn, business_id, &resource.id)
}

pub fn update_staff(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
    input: StaffInput,
    now: NaiveDateTime,
) -> Result<StaffRecord, AppError> {
    staff::find_staff(conn, business_id, staff_id)?.ok_or(AppError::NotFound("staff member"))?;
    let changes = ResourceChanges {
        name: input.name.clone(),
        email: input.email.clone().map(|e| e.map(EmailAddress::into_inner)),
        active: input.active.map(i32::from),
        position: input.position,
    };
    staff::update(conn, staff_id, &changes, now)?;
    apply_links(conn, business_id, staff_id, &input)?;
    businesses::touch_calendar(conn, business_id, now)?;
    staff_record(conn, business_id, staff_id)
}

/// Replaces the weekly hours. Existing bookings stay as they are, even outside the new hours.
pub fn set_hours(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
    hours: &WeeklyHours,
    now: NaiveDateTime,
) -> Result<StaffRecord, AppError> {
    staff::find_staff(conn, business_id, staff_id)?.ok_or(AppError::NotFound("staff member"))?;
    staff::replace_hours(conn, staff_id, hours)?;
    businesses::touch_calendar(conn, business_id, now)?;
    staff_record(conn, business_id, staff_id)
}

/// Hours and service links from the input, if given.
fn apply_links(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
    input: &StaffInput,
) -> Result<(), AppError> {
    if let Some(hours) = &input.hours {
        staff::replace_hours(conn, staff_id, hours)?;
    }
    if let Some(service_ids) = &input.service_ids {
        for service_id in service_ids {
            services::find(conn, business_id, service_id)?.ok_or_else(|| {
                crate::domain::ValidationError::new(
                    "service_ids",
                    format!("no service {service_id} at this business"),
                )
            })?;
        }
        services::link_resource(conn, staff_id, service_ids)?;
    }
    Ok(())
}

/// Takes a staff member off the books. Refused while they have upcoming bookings: those must be
/// moved or cancelled first, so no customer is left with an appointment nobody will keep.
pub fn remove_staff(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    staff::find_staff(conn, business_id, staff_id)?.ok_or(AppError::NotFound("staff member"))?;
    let filter = bookings::BookingFilter {
        staff_id: Some(staff_id.to_owned()),
        statuses: vec![BookingStatus::Confirmed, BookingStatus::Held],
        ..Default::default()
    };
    // Far enough for any booking horizon; an unbounded end would not compare as text in SQLite.
    let until = now + chrono::Duration::days(3_660);
    let upcoming = bookings::list(conn, business_id, now, until, &filter)?;
    if !upcoming.is_empty() {
        let references: Vec<&str> = upcoming.iter().map(|b| b.reference.as_str()).collect();
        return Err(AppError::Conflict {
            code: "staff_has_bookings",
            message: format!(
                "this staff member has {} upcoming booking(s); move or cancel them first",
                upcoming.len()
            ),
            details: Some(serde_json::json!({ "bookings": references })),
        });
    }
    staff::update(
        conn,
        staff_id,
        &ResourceChanges {
            active: Some(0),
            ..Default::default()
        },
        now,
    )?;
    services::unlink_resource(conn, staff_id)?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(())
}

pub fn staff_record(
    conn: &mut DbConnection,
    business_id: &str,
    staff_id: &str,
) -> Result<StaffRecord, AppError> {
    let resource = staff::find_staff(conn, business_id, staff_id)?
        .ok_or(AppError::NotFound("staff member"))?;
    let mut records = records_for(conn, vec![resource])?;
    records.pop().ok_or(AppError::NotFound("staff member"))
}

pub fn list_staff(
    conn: &mut DbConnection,
    business_id: &str,
    include_inactive: bool,
) -> Result<Vec<StaffRecord>, AppError> {
    let staff = staff::staff_of(conn, business_id, include_inactive)?;
    records_for(conn, staff)
}

fn records_for(
    conn: &mut DbConnection,
    staff: Vec<Resource>,
) -> Result<Vec<StaffRecord>, AppError> {
    let ids: Vec<String> = staff.iter().map(|r| r.id.clone()).collect();
    let mut hours = staff::hours_of(conn, &ids)?;
    let mut links = services::services_of(conn, &ids)?;
    Ok(staff
        .into_iter()
        .map(|resource| StaffRecord {
            hours: hours.remove(&resource.id).unwrap_or_default(),
            service_ids: links.remove(&resource.id).unwrap_or_default(),
            resource,
        })
        .collect())
}
