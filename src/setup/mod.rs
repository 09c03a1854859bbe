//! Setting a business up: the business itself, staff and their hours, services, closures.
//!
//! Every change that affects availability bumps the business's configuration version in the same
//! transaction (`businesses::touch_calendar`), which is how every instance's calendar cache
//! learns of it.

mod business;
mod closures;
mod faq;
mod questions;
mod services;
mod staff;

pub use business::{
    BusinessSettings, BusinessUpdate, NewBusiness, PolicyInput, create_business, update_business,
};
pub use closures::{
    AffectedBookings, ClosureFields, ClosureInput, add_closure, delete_closure, list_closures,
    replace_closure,
};
pub use faq::{FaqInput, add_entry, delete_entry, update_entry};
pub use questions::{QuestionInput, add_question, remove_question, update_question};
pub use services::{
    ServiceInput, ServiceRecord, add_service, list_services, remove_service, service_record,
    update_service,
};
pub use staff::{
    StaffFields, StaffInput, StaffRecord, WeeklyHoursBody, add_staff, list_staff, remove_staff,
    set_hours, staff_record, update_staff,
};

/// For PATCH inputs: `Some(None)` for an explicit `null` (clear the field), `None` for a field
/// left out (keep it).
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}
