//! Proven identities of customers, and the bookings a proof brings in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Booking, CustomerIdentity};
use super::schema::{bookings, customer_identities};
use super::{DbConnection, StorageResult};

/// The customer an identity proves, if it is known.
pub fn customer_of(
    conn: &mut DbConnection,
    business_id: &str,
    kind: &str,
    value: &str,
) -> StorageResult<Option<String>> {
    Ok(customer_identities::table
        .filter(customer_identities::business_id.eq(business_id))
        .filter(customer_identities::kind.eq(kind))
        .filter(customer_identities::value.eq(value))
        .select(customer_identities::customer_id)
        .first(conn)
        .optional()?)
}

/// Records that `identity` proves `customer_id`. An identity already tied to someone keeps its
/// customer; returns the customer it proves now.
pub fn tie(conn: &mut DbConnection, identity: &CustomerIdentity) -> StorageResult<String> {
    if let Some(existing) =
        customer_of(conn, &identity.business_id, &identity.kind, &identity.value)?
    {
        return Ok(existing);
    }
    diesel::insert_into(customer_identities::table)
        .values(identity)
        .execute(conn)?;
    Ok(identity.customer_id.clone())
}

pub fn of_customer(
    conn: &mut DbConnection,
    customer_id: &str,
) -> StorageResult<Vec<CustomerIdentity>> {
    Ok(customer_identities::table
        .filter(customer_identities::customer_id.eq(customer_id))
        .order((customer_identities::kind, customer_identities::value))
        .select(CustomerIdentity::as_select())
        .load(conn)?)
}

/// Bookings of the business linked to no customer whose contact may name this phone number
/// (same last digits) or this email address (any case); the caller checks each exactly.
pub fn unlinked_candidates(
    conn: &mut DbConnection,
    business_id: &str,
    phone_tail: Option<&str>,
    email: Option<&str>,
) -> StorageResult<Vec<Booking>> {
    let mut query = bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::customer_id.is_null())
        .into_boxed();
    query = match (phone_tail, email) {
        (Some(tail), _) => query.filter(bookings::customer_phone.like(format!("%{tail}"))),
        (None, Some(email)) => query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(customer_email) = ")
                .bind::<diesel::sql_types::Text, _>(email.to_lowercase()),
        ),
        (None, None) => return Ok(Vec::new()),
    };
    Ok(query.limit(500).select(Booking::as_select()).load(conn)?)
}

/// Links bookings to a customer (a proven match).
pub fn link_bookings(
    conn: &mut DbConnection,
    booking_ids: &[String],
    customer_id: &str,
    now: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(diesel::update(
        bookings::table
            .filter(bookings::id.eq_any(booking_ids))
            .filter(bookings::customer_id.is_null()),
    )
    .set((
        bookings::customer_id.eq(customer_id),
        bookings::updated_at.eq(now),
    ))
    .execute(conn)?)
}

/// Records a chat link as used; `false` when it was used before.
pub fn use_chat_link(
    conn: &mut DbConnection,
    business_id: &str,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StorageResult<bool> {
    use super::schema::used_chat_links;
    let used: i64 = used_chat_links::table
        .filter(used_chat_links::token_hash.eq(token_hash))
        .count()
        .get_result(conn)?;
    if used > 0 {
        return Ok(false);
    }
    diesel::insert_into(used_chat_links::table)
        .values((
            used_chat_links::token_hash.eq(token_hash),
            used_chat_links::business_id.eq(business_id),
            used_chat_links::used_at.eq(now),
            used_chat_links::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(true)
}
