//! The dialogue's only way to the world: the [`Desk`] it asks for availability, holds, the
//! customer and their bookings, and for proof of who the customer is. [`StoredDesk`] answers
//! from the database inside the turn's transaction; the tests' desk answers from memory.

#[cfg(test)]
pub mod memory;
mod stored;

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::access::Secrets;
use crate::booking::{BookingContact, BookingDetails, BusinessCalendar, CustomerContact};
use crate::booking::{OfferedSlot, ServiceProfile};
use crate::config::ProofLimits;
use crate::customers::codes::{CodeCheck, CodeRoute};
use crate::customers::{Identity, ProvenContact, Region};
use crate::domain::{EmailAddress, PhoneNumber};
use crate::error::AppError;
use crate::languages::Locale;
use crate::scheduling::Refusal;
/// The stored records the dialogue reads through the desk; it names no storage module itself.
pub use crate::storage::models::{Booking, Customer, CustomerQuestion};

pub use stored::StoredDesk;

use super::state::Answer;

/// How links to a booking's page are made.
#[derive(Clone)]
pub struct Links {
    pub secrets: Secrets,
    pub public_url: String,
}

impl Links {
    /// The business's chat page, where customers book at any time.
    pub fn chat_page(&self, slug: &str) -> String {
        format!("{}/b/{slug}/chat", self.public_url.trim_end_matches('/'))
    }

    pub fn manage(&self, slug: &str, booking: &Booking) -> String {
        self.secrets
            .manage_url(&self.public_url, slug, &booking.id, booking.manage_version)
    }
}

/// What the engine applies to every conversation beyond each business's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatRules {
    pub proof_limits: ProofLimits,
    /// Live holds one client address may keep at a business; `None`: no cap (per-client
    /// limits are off).
    pub holds_per_address: Option<u32>,
}

impl Default for ChatRules {
    fn default() -> Self {
        Self {
            proof_limits: ProofLimits::default(),
            holds_per_address: Some(3),
        }
    }
}

impl ChatRules {
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            proof_limits: config.proof_limits,
            holds_per_address: config.rate_limits.then_some(config.holds_per_address),
        }
    }
}

/// The result of an attempt that another customer may have beaten us to.
pub type Attempt<T> = Result<T, Refusal>;

/// What asking to hold a slot did.
#[derive(Debug)]
pub enum HoldOutcome {
    Held(Box<BookingDetails>),
    Refused(Refusal),
    /// This client address holds enough slots already: the time is noted, not held.
    NotHeld,
}

/// What asking for a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRequest {
    Sent {
        masked: String,
    },
    Limited {
        retry_after_seconds: i64,
    },
    /// Codes cannot go to this contact from here.
    NoRoute(NoRoute),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRoute {
    /// The business has no way to send a text message to a phone number.
    NoSms,
    /// A national number whose country cannot be told.
    NeedsCountryCode,
}

/// What checking a reference did. Deliberately the same whether or not it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceCheck {
    Checked,
    Limited { retry_after_seconds: i64 },
}

/// Everything the dialogue may learn or change during one turn. Refusals the customer is told
/// about (a taken time, a passed cutoff) come back as inner results; the outer error is a
/// real failure that ends the turn.
pub trait Desk {
    /// The business: its policy, services, staff and hours.
    fn calendar(&self) -> &BusinessCalendar;

    fn now(&self) -> DateTime<Utc>;

    fn today(&self) -> NaiveDate {
        self.now()
            .with_timezone(&self.calendar().business.tz)
            .date_naive()
    }

    /// The last date customers may book.
    fn horizon(&self) -> NaiveDate {
        let days = self.calendar().business.policy.booking_horizon_days.max(0);
        self.today() + Days::new(days as u64)
    }

    fn service(&self, id: &str) -> Option<ServiceProfile> {
        self.calendar().service(id).cloned()
    }

    /// Free slots for `service` (with `staff`, or anyone) from `from` to `to`, never before today.
    fn slots(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OfferedSlot>, AppError>;

    /// Holds `start` for the customer, for the business's hold time, releasing any slot this
    /// conversation held before.
    fn hold(
        &mut self,
        service_id: &str,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<HoldOutcome, AppError>;

    fn release(&mut self, booking_id: &str) -> Result<(), AppError>;

    /// Confirms a hold with the contact the customer gave, keeping the answers to the
    /// business's questions.
    fn confirm(
        &mut self,
        booking_id: &str,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError>;

    /// Books a time that was noted rather than held, at the confirmation.
    fn book_now(
        &mut self,
        service_id: &str,
        staff: &str,
        start: DateTime<Utc>,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError>;

    /// The sender's own number where the platform vouches for it: it needs no asking.
    fn sender_phone(&self) -> Option<String>;

    /// Ties the conversation to the customer `identity` proves (creating one from `contact`).
    fn prove(&mut self, identity: &Identity, contact: &ProvenContact) -> Result<(), AppError>;

    /// Where the business is, for numbers typed without a country code.
    fn region(&mut self) -> Result<Region, AppError>;

    /// The customer this conversation belongs to, if known.
    fn customer(&mut self) -> Result<Option<Customer>, AppError>;

    /// The upcoming confirmed bookings this conversation may see and change.
    fn upcoming(&mut self) -> Result<Vec<BookingDetails>, AppError>;

    /// One of the customer's upcoming bookings; anything else (a forged id) is not found.
    fn own_booking(&mut self, id: &str) -> Result<Option<BookingDetails>, AppError> {
        Ok(self.upcoming()?.into_iter().find(|b| b.booking.id == id))
    }

    /// Records that the customer confirmed they will come.
    fn confirm_attendance(&mut self, booking_id: &str) -> Result<(), AppError>;

    /// Cancels one of the customer's bookings; customers are bound by the cutoff.
    fn cancel(&mut self, booking_id: &str) -> Result<Result<BookingDetails, AppError>, AppError>;

    /// Moves one of the customer's bookings.
    fn move_to(
        &mut self,
        booking_id: &str,
        start: DateTime<Utc>,
        staff: Option<&str>,
    ) -> Result<Result<BookingDetails, AppError>, AppError>;

    /// The business's active questions for customers.
    fn questions(&mut self) -> Result<Vec<CustomerQuestion>, AppError>;

    /// The questions answered on earlier bookings of this conversation or its proven customer.
    fn answered_before(&mut self) -> Result<Vec<String>, AppError>;

    /// The name and contact the customer gave before.
    fn known_contact(&mut self) -> Result<Option<BookingContact>, AppError>;

    fn manage_link(&self, booking: &Booking) -> String;

    /// The business's chat page.
    fn chat_page(&self) -> String;

    /// The identity a typed phone number or email address would be.
    fn contact_identity(
        &mut self,
        phone: Option<&PhoneNumber>,
        email: Option<&EmailAddress>,
    ) -> Result<Option<Identity>, AppError> {
        Ok(match (email, phone) {
            (Some(email), _) => Some(Identity::email(email)),
            (None, Some(phone)) => Some(Identity::phone(phone, self.region()?)),
            (None, None) => None,
        })
    }

    /// Whether a code could reach `identity`, and how.
    fn code_route(&mut self, identity: &Identity) -> Result<Result<CodeRoute, NoRoute>, AppError>;

    /// Sends a one-time code to `identity` (after the turn commits), within the limits.
    fn request_code(
        &mut self,
        identity: &Identity,
        locale: Locale,
    ) -> Result<CodeRequest, AppError>;

    fn check_code(&mut self, typed: &str) -> Result<CodeCheck, AppError>;

    /// Checks that `reference` names a booking made with `identity`, and if so sends a code
    /// there. The answer never tells whether it matched.
    fn check_reference(
        &mut self,
        reference: &str,
        identity: &Identity,
        locale: Locale,
    ) -> Result<ReferenceCheck, AppError>;
}

/// Who may perform `service`: `staff` alone when they offer it (nobody when they do not), or
/// everyone who does. Both desks ask the same question before looking for free slots.
pub(crate) fn performers<'s>(service: &'s ServiceProfile, staff: Option<&'s str>) -> Vec<&'s str> {
    match staff {
        Some(id) if service.staff_ids.iter().any(|s| s == id) => vec![id],
        Some(_) => Vec::new(),
        None => service.staff_ids.iter().map(String::as_str).collect(),
    }
}
