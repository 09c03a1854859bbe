//! Who a customer is — known only by proof.
//!
//! Typed contact details prove nothing: anyone can type anyone's phone number. They stay on the
//! booking they came with (its contact snapshot) and reach the customer about that booking only.
//! A conversation is tied to a stored customer only through:
//! - the platform's own identity of the sender ([`Identity::of_sender`]: a Messenger PSID, a
//!   Telegram user id, the WhatsApp or SMS sender's number), which the platform authenticates;
//! - a signed chat link that Chairside issued to that customer ([`links`]);
//! - a one-time code sent to a phone number or an email address and typed back ([`codes`]).
//!
//! What a proof opens: the customer's record ("welcome back", not asked again), their bookings
//! (listed, moved, cancelled), and the bookings whose contact names the proven phone number or
//! email address, which are linked to the record at that moment. Bookings made in a
//! conversation are always that conversation's own, proof or not.

pub mod codes;
pub mod courier;
pub mod identity;
pub mod links;

use chrono::{DateTime, Utc};

pub use courier::{CodeCourier, NoCourier};
pub use identity::{Identity, IdentityKind, Region};

use crate::storage::models::{Booking, Customer, CustomerIdentity};
use crate::storage::{
    DbConnection, StorageResult, channels, customers, identities, new_id, to_db_time,
};

/// What a customer record starts from when a proof creates it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvenContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Ties `identity` to a customer and returns the customer's id: the one the identity already
/// proves, else `current` (the customer the conversation proved before), else a new record
/// from `contact`. Unlinked bookings whose contact names the identity are linked to the customer
/// — proving a number or an address is proving those bookings' contact.
pub fn prove(
    conn: &mut DbConnection,
    business_id: &str,
    identity: &Identity,
    current: Option<&str>,
    contact: &ProvenContact,
    region: Region,
    now: DateTime<Utc>,
) -> StorageResult<String> {
    let kind = identity.kind.as_str();
    let matching = bookings_naming(conn, business_id, identity, region)?;
    let customer_id = match identities::customer_of(conn, business_id, kind, &identity.value)? {
        Some(known) => known,
        None => {
            let owner = match current {
                Some(id) if customers::find(conn, business_id, id)?.is_some() => id.to_owned(),
                _ => {
                    // A proof without a name (a code typed to see one's bookings) takes the
                    // name of the latest booking it brings in.
                    let named = matching.iter().max_by_key(|b| b.created_at);
                    let mut contact = contact.clone();
                    if contact.name.is_empty()
                        && let Some(booking) = named
                    {
                        contact.name = booking.customer_name.clone();
                    }
                    match identity.kind {
                        IdentityKind::Phone => {
                            contact.phone.get_or_insert(identity.value.clone());
                        }
                        IdentityKind::Email => {
                            contact.email.get_or_insert(identity.value.clone());
                        }
                        IdentityKind::Messenger | IdentityKind::Telegram => {}
                    }
                    create(conn, business_id, &contact, now)?
                }
            };
            identities::tie(
                conn,
                &CustomerIdentity {
                    business_id: business_id.to_owned(),
                    kind: kind.to_owned(),
                    value: identity.value.clone(),
                    customer_id: owner,
                    verified_at: to_db_time(now),
                    created_at: to_db_time(now),
                },
            )?
        }
    };
    if !matching.is_empty() {
        let ids: Vec<String> = matching.into_iter().map(|b| b.id).collect();
        identities::link_bookings(conn, &ids, &customer_id, to_db_time(now))?;
    }
    Ok(customer_id)
}

/// Creates a customer record from `contact`; returns its id.
pub fn create(
    conn: &mut DbConnection,
    business_id: &str,
    contact: &ProvenContact,
    now: DateTime<Utc>,
) -> StorageResult<String> {
    let customer = Customer {
        id: new_id(),
        business_id: business_id.to_owned(),
        name: contact.name.clone(),
        phone: contact.phone.clone(),
        email: contact.email.clone(),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        erased_at: None,
    };
    customers::insert(conn, &customer)?;
    Ok(customer.id)
}

/// The business's unlinked bookings whose contact names `identity`.
pub fn bookings_naming(
    conn: &mut DbConnection,
    business_id: &str,
    identity: &Identity,
    region: Region,
) -> StorageResult<Vec<Booking>> {
    let (tail, email) = match identity.kind {
        IdentityKind::Phone => (identity.phone_tail(), None),
        IdentityKind::Email => (None, Some(identity.value.as_str())),
        IdentityKind::Messenger | IdentityKind::Telegram => return Ok(Vec::new()),
    };
    Ok(
        identities::unlinked_candidates(conn, business_id, tail.as_deref(), email)?
            .into_iter()
            .filter(|b| {
                identity.matches_contact(
                    b.customer_phone.as_deref(),
                    b.customer_email.as_deref(),
                    region,
                )
            })
            .collect(),
    )
}

/// Where a business is, for phone numbers typed without a country code: from its own phone
/// number or its SMS (Twilio) number.
pub fn region_of(
    conn: &mut DbConnection,
    business_id: &str,
    business_phone: Option<&str>,
) -> StorageResult<Region> {
    let sms_number = channels::find(conn, business_id, crate::domain::Platform::Twilio.as_str())?
        .map(|row| row.decode_settings())
        .transpose()?
        .and_then(|s| s.get("from_number")?.as_str().map(str::to_owned));
    Ok(Region::from_numbers(
        [business_phone, sms_number.as_deref()]
            .into_iter()
            .flatten(),
    ))
}

/// The customer a platform sender is, if they have proven it before.
pub fn recognise(
    conn: &mut DbConnection,
    business_id: &str,
    identity: &Identity,
) -> StorageResult<Option<String>> {
    identities::customer_of(conn, business_id, identity.kind.as_str(), &identity.value)
}
