//! A business's scheduling configuration, loaded once and cached per configuration version.
//!
//! Availability needs the business's policy, services, staff hours and closures — five queries
//! that rarely change. Every change bumps `businesses.config_version` in the same transaction,
//! so a request reads one row to learn the version and reuses the cached calendar while it
//! matches. That keeps instances behind a load balancer consistent without any messaging
//! between them.

use super::faq::Faq;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::details::BusinessProfile;
use crate::domain::{DayHours, ServiceTiming, WeeklyHours};
use crate::scheduling::{CalendarException, ExceptionRule};
use crate::storage::models::{Business, CalendarExceptionRow, Service};
use crate::storage::{DbConnection, StorageError, StorageResult, closures, services, staff};

#[derive(Debug, Clone)]
pub struct ServiceProfile {
    pub id: String,
    pub name: String,
    pub synonyms: Vec<String>,
    pub timing: ServiceTiming,
    pub price_cents: Option<i64>,
    pub currency: String,
    /// Active staff members who perform it, in display order.
    pub staff_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct StaffCalendar {
    pub id: String,
    pub name: String,
    pub weekly: WeeklyHours,
    pub exceptions: Vec<CalendarException>,
}

/// Everything availability depends on except the bookings themselves.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub business: BusinessProfile,
    /// Active services, in display order.
    pub services: Vec<ServiceProfile>,
    /// Active staff members, in display order.
    pub staff: Vec<StaffCalendar>,
    /// Closures and special days of the whole business.
    pub exceptions: Vec<CalendarException>,
    /// The business's own questions and answers (cached here because they change with the
    /// configuration version, as the rest does).
    pub faq: Faq,
}

impl BusinessCalendar {
    pub fn service(&self, id: &str) -> Option<&ServiceProfile> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn staff_member(&self, id: &str) -> Option<&StaffCalendar> {
        self.staff.iter().find(|s| s.id == id)
    }

    pub fn staff_name(&self, id: &str) -> Option<&str> {
        self.staff_member(id).map(|s| s.name.as_str())
    }

    pub fn calendar_of<'a>(&'a self, staff: &'a StaffCalendar) -> crate::scheduling::Calendar<'a> {
        crate::scheduling::Calendar {
            weekly: &staff.weekly,
            own: &staff.exceptions,
            business: &self.exceptions,
        }
    }

    pub fn load(conn: &mut DbConnection, business: &Business) -> StorageResult<Self> {
        let profile = BusinessProfile::from_row(business)?;
        let staff_rows = staff::staff_of(conn, &business.id, false)?;
        let staff_ids: Vec<String> = staff_rows.iter().map(|r| r.id.clone()).collect();
        let mut hours = staff::hours_of(conn, &staff_ids)?;
        let mut own_exceptions: HashMap<String, Vec<CalendarException>> = HashMap::new();
        let mut business_exceptions = Vec::new();
        for row in closures::all_of(conn, &business.id)? {
            let exception = exception_from_row(&row)?;
            match row.resource_id {
                Some(resource) => own_exceptions.entry(resource).or_default().push(exception),
                None => business_exceptions.push(exception),
            }
        }
        let staff = staff_rows
            .into_iter()
            .map(|r| StaffCalendar {
                weekly: hours.remove(&r.id).unwrap_or_default(),
                exceptions: own_exceptions.remove(&r.id).unwrap_or_default(),
                id: r.id,
                name: r.name,
            })
            .collect::<Vec<_>>();
        let service_rows = services::list(conn, &business.id, false)?;
        let service_ids: Vec<String> = service_rows.iter().map(|s| s.id.clone()).collect();
        let mut performers = services::resources_of(conn, &service_ids)?;
        let services = service_rows
            .into_iter()
            .map(|s| {
                let linked = performers.remove(&s.id).unwrap_or_default();
                // Keep display order and drop inactive staff.
                let staff_ids = staff
                    .iter()
                    .filter(|m| linked.contains(&m.id))
                    .map(|m| m.id.clone())
                    .collect();
                service_profile(s, staff_ids)
            })
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(Self {
            faq: Faq::load(conn, &business.id)?,
            business: profile,
            services,
            staff,
            exceptions: business_exceptions,
        })
    }
}

fn service_profile(row: Service, staff_ids: Vec<String>) -> StorageResult<ServiceProfile> {
    let timing = ServiceTiming::new(
        row.duration_minutes.into(),
        row.buffer_before_minutes.into(),
        row.buffer_after_minutes.into(),
    )
    .map_err(|e| StorageError::corrupt(format!("timing of service {}", row.id), e))?;
    Ok(ServiceProfile {
        synonyms: row.decode_synonyms()?,
        id: row.id,
        name: row.name,
        timing,
        price_cents: row.price_cents,
        currency: row.currency,
        staff_ids,
    })
}

/// Closures store no hours; special days store their intervals as `[["09:00","13:00"]]`.
pub fn exception_from_row(row: &CalendarExceptionRow) -> StorageResult<CalendarException> {
    let rule = match row.decode_hours()? {
        None => ExceptionRule::Closed,
        Some(pairs) => {
            let hours = DayHours::parse(&pairs)
                .map_err(|e| StorageError::corrupt(format!("hours of closure {}", row.id), e))?;
            ExceptionRule::Hours(hours)
        }
    };
    Ok(CalendarException {
        first: row.first_date,
        last: row.last_date,
        rule,
    })
}

/// Calendars by business id, each valid for the configuration version it was loaded at.
#[derive(Default)]
pub struct CalendarCache {
    entries: RwLock<HashMap<String, Arc<BusinessCalendar>>>,
}

impl CalendarCache {
    /// The calendar of `business` at the version in its row, from the cache or freshly loaded
    /// through `conn` (so inside a transaction it is consistent with what that transaction sees).
    pub fn get(
        &self,
        conn: &mut DbConnection,
        business: &Business,
    ) -> StorageResult<Arc<BusinessCalendar>> {
        let cached = self
            .entries
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&business.id)
            .filter(|c| c.business.config_version == business.config_version)
            .cloned();
        if let Some(calendar) = cached {
            return Ok(calendar);
        }
        let calendar = Arc::new(BusinessCalendar::load(conn, business)?);
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        // Never replace a newer version loaded meanwhile by another request.
        let newer = entries
            .get(&business.id)
            .is_some_and(|c| c.business.config_version > business.config_version);
        if !newer {
            entries.insert(business.id.clone(), Arc::clone(&calendar));
        }
        Ok(calendar)
    }
}
