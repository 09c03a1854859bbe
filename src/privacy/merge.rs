//! Staff linking bookings to a customer by hand. Staff know their customers; their word is the
//! only thing besides a proof that ties a booking made with typed contact details to a record.
//! A manual merge adds no identity: it does not let anyone who types that number into a chat
//! be recognised as the customer.

use chrono::{DateTime, Utc};

use crate::customers::{self, Identity, ProvenContact};
use crate::domain::PhoneNumber;
use crate::error::AppError;
use crate::storage::models::{Booking, Business};
use crate::storage::{DbConnection, customers as records, identities, privacy, to_db_time};

/// Links the business's bookings `booking_ids` to the customer `customer_id`; returns how many
/// were linked now (bookings already theirs count as done).
pub fn link(
    conn: &mut DbConnection,
    business: &Business,
    customer_id: &str,
    booking_ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let customer =
        records::find(conn, &business.id, customer_id)?.ok_or(AppError::NotFound("customer"))?;
    if customer.erased_at.is_some() {
        return Err(AppError::conflict(
            "customer_erased",
            "this customer's data was erased; link the bookings to a new customer instead",
        ));
    }
    let bookings = unlinked_or_theirs(conn, business, booking_ids, customer_id)?;
    let ids: Vec<String> = bookings
        .into_iter()
        .filter(|b| b.customer_id.is_none())
        .map(|b| b.id)
        .collect();
    Ok(identities::link_bookings(
        conn,
        &ids,
        customer_id,
        to_db_time(now),
    )?)
}

/// Makes a customer record from unlinked bookings staff say are one person's — the contact of
/// the latest of them — and links them all to it; returns the new record's id.
pub fn create_from(
    conn: &mut DbConnection,
    business: &Business,
    booking_ids: &[String],
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let bookings = unlinked_or_theirs(conn, business, booking_ids, "")?;
    let latest = bookings
        .iter()
        .max_by_key(|b| b.created_at)
        .ok_or(AppError::NotFound("booking"))?;
    let region = customers::region_of(conn, &business.id, business.phone.as_deref())?;
    // The number kept as the business will dial it again: in E.164 where it can be placed.
    let phone = latest
        .customer_phone
        .as_deref()
        .and_then(|p| PhoneNumber::parse("phone", p).ok())
        .map(|p| Identity::phone(&p, region).value);
    let contact = ProvenContact {
        name: latest.customer_name.clone(),
        phone,
        email: latest.customer_email.clone(),
    };
    let customer_id = customers::create(conn, &business.id, &contact, now)?;
    let ids: Vec<String> = bookings.into_iter().map(|b| b.id).collect();
    identities::link_bookings(conn, &ids, &customer_id, to_db_time(now))?;
    Ok(customer_id)
}

/// The business's bookings with these ids, each unlinked or linked to `customer_id` already.
fn unlinked_or_theirs(
    conn: &mut DbConnection,
    business: &Business,
    booking_ids: &[String],
    customer_id: &str,
) -> Result<Vec<Booking>, AppError> {
    let bookings = privacy::bookings_by_ids(conn, &business.id, booking_ids)?;
    let mut wanted: Vec<&String> = booking_ids.iter().collect();
    wanted.sort();
    wanted.dedup();
    if bookings.len() != wanted.len() {
        return Err(AppError::NotFound("booking"));
    }
    if let Some(taken) = bookings
        .iter()
        .find(|b| b.customer_id.as_deref().is_some_and(|c| c != customer_id))
    {
        return Err(AppError::conflict(
            "booking_linked",
            format!(
                "booking {} already belongs to another customer",
                taken.reference
            ),
        ));
    }
    Ok(bookings)
}
