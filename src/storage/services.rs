//! Services and the staff members who perform them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Service, ServiceChanges};
use super::schema::{service_resources, services};
use super::{DbConnection, StorageResult};

pub fn insert(
    conn: &mut DbConnection,
    service: &Service,
    resource_ids: &[String],
) -> StorageResult<()> {
    diesel::insert_into(services::table)
        .values(service)
        .execute(conn)?;
    set_resources(conn, &service.id, resource_ids)
}

pub fn list(
    conn: &mut DbConnection,
    business_id: &str,
    include_inactive: bool,
) -> StorageResult<Vec<Service>> {
    let mut query = services::table
        .filter(services::business_id.eq(business_id))
        .into_boxed();
    if !include_inactive {
        query = query.filter(services::active.eq(1));
    }
    Ok(query
        .order((services::position, services::created_at, services::id))
        .select(Service::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<Service>> {
    Ok(services::table
        .filter(services::id.eq(id))
        .filter(services::business_id.eq(business_id))
        .select(Service::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    changes: &ServiceChanges,
    now: NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(services::table.find(id))
        .set((changes, services::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

pub fn set_resources(
    conn: &mut DbConnection,
    service_id: &str,
    resource_ids: &[String],
) -> StorageResult<()> {
    diesel::delete(service_resources::table.filter(service_resources::service_id.eq(service_id)))
        .execute(conn)?;
    for resource_id in resource_ids {
        diesel::insert_into(service_resources::table)
            .values((
                service_resources::service_id.eq(service_id),
                service_resources::resource_id.eq(resource_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// For each of `service_ids`, the ids of the resources that perform it.
pub fn resources_of(
    conn: &mut DbConnection,
    service_ids: &[String],
) -> StorageResult<HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = service_resources::table
        .filter(service_resources::service_id.eq_any(service_ids))
        .select((
            service_resources::service_id,
            service_resources::resource_id,
        ))
        .load(conn)?;
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (service, resource) in pairs {
        map.entry(service).or_default().push(resource);
    }
    Ok(map)
}

/// Removes a resource from every service it performs (when the staff member leaves).
pub fn unlink_resource(conn: &mut DbConnection, resource_id: &str) -> StorageResult<()> {
    diesel::delete(service_resources::table.filter(service_resources::resource_id.eq(resource_id)))
        .execute(conn)?;
    Ok(())
}

/// Replaces the set of services `resource_id` performs.
pub fn link_resource(
    conn: &mut DbConnection,
    resource_id: &str,
    service_ids: &[String],
) -> StorageResult<()> {
    unlink_resource(conn, resource_id)?;
    for service_id in service_ids {
        diesel::insert_into(service_resources::table)
            .values((
                service_resources::service_id.eq(service_id),
                service_resources::resource_id.eq(resource_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// For each of `resource_ids`, the ids of the services it performs.
pub fn services_of(
    conn: &mut DbConnection,
    resource_ids: &[String],
) -> StorageResult<HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = service_resources::table
        .filter(service_resources::resource_id.eq_any(resource_ids))
        .select((
            service_resources::resource_id,
            service_resources::service_id,
        ))
        .load(conn)?;
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (resource, service) in pairs {
        map.entry(resource).or_default().push(service);
    }
    Ok(map)
}
