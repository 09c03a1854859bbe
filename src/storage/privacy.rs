//! Queries of the privacy use cases: finding a person by name, phone or email, gathering what
//! is stored about them, erasing it, and purging old chat transcripts.
//!
//! Searches by name compare lower-cased text with `LIKE` (both backends have `lower`); phone
//! numbers are narrowed by their last digits here and matched exactly by the caller, which
//! knows the business's region (see `crate::customers::Identity::matches_contact`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::models::{Booking, Conversation, ConversationMessage, Customer, Job};
use super::schema::{
    attempts, booking_answers, bookings, conversation_messages, conversations, customer_identities,
    customers, jobs, verification_codes,
};
use super::{DbConnection, StorageResult, escape_like};

diesel::define_sql_function!(fn lower(x: Text) -> Text);
diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_nullable(x: diesel::sql_types::Nullable<Text>) -> diesel::sql_types::Nullable<Text>;
}

/// How many rows one search returns at most, per kind.
pub const SEARCH_LIMIT: i64 = 50;

fn contains_pattern(needle: &str) -> String {
    format!("%{}%", escape_like(&needle.to_lowercase()))
}

/// Customers (not erased) whose name contains `needle`, any case.
pub fn customers_named(
    conn: &mut DbConnection,
    business_id: &str,
    needle: &str,
) -> StorageResult<Vec<Customer>> {
    Ok(customers::table
        .filter(customers::business_id.eq(business_id))
        .filter(customers::erased_at.is_null())
        .filter(
            lower(customers::name)
                .like(contains_pattern(needle))
                .escape('\\'),
        )
        .order(customers::name)
        .limit(SEARCH_LIMIT)
        .select(Customer::as_select())
        .load(conn)?)
}

/// Customers (not erased) whose stored phone ends in `tail`, or whose email is `email` (any
/// case); the caller checks phone numbers exactly.
pub fn customers_with_contact(
    conn: &mut DbConnection,
    business_id: &str,
    phone_tail: Option<&str>,
    email: Option<&str>,
) -> StorageResult<Vec<Customer>> {
    let query = customers::table
        .filter(customers::business_id.eq(business_id))
        .filter(customers::erased_at.is_null())
        .into_boxed();
    let query = match (phone_tail, email) {
        (Some(tail), _) => query.filter(
            customers::phone
                .like(format!("%{}", escape_like(tail)))
                .escape('\\'),
        ),
        (None, Some(email)) => query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(email) = ")
                .bind::<Text, _>(email.to_lowercase()),
        ),
        (None, None) => return Ok(Vec::new()),
    };
    Ok(query
        .limit(SEARCH_LIMIT)
        .select(Customer::as_select())
        .load(conn)?)
}

/// Customers (not erased) whose stored phone is one of `phones` or whose email is one of
/// `emails` (lower-cased).
pub fn customers_with_contacts(
    conn: &mut DbConnection,
    business_id: &str,
    phones: &[String],
    emails: &[String],
) -> StorageResult<Vec<Customer>> {
    if phones.is_empty() && emails.is_empty() {
        return Ok(Vec::new());
    }
    Ok(customers::table
        .filter(customers::business_id.eq(business_id))
        .filter(customers::erased_at.is_null())
        .filter(
            customers::phone
                .eq_any(phones)
                .or(lower_nullable(customers::email).eq_any(emails)),
        )
        .select(Customer::as_select())
        .load(conn)?)
}

/// The customers that proven identities of these kinds and values belong to.
pub fn customers_proven_by(
    conn: &mut DbConnection,
    business_id: &str,
    kind: &str,
    values: &[String],
) -> StorageResult<Vec<(String, String)>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    Ok(customer_identities::table
        .filter(customer_identities::business_id.eq(business_id))
        .filter(customer_identities::kind.eq(kind))
        .filter(customer_identities::value.eq_any(values))
        .select((customer_identities::value, customer_identities::customer_id))
        .load(conn)?)
}

/// Unlinked bookings whose contact name contains `needle`, any case; newest first.
pub fn unlinked_named(
    conn: &mut DbConnection,
    business_id: &str,
    needle: &str,
) -> StorageResult<Vec<Booking>> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::customer_id.is_null())
        .filter(
            lower(bookings::customer_name)
                .like(contains_pattern(needle))
                .escape('\\'),
        )
        .order(bookings::start_at.desc())
        .limit(SEARCH_LIMIT)
        .select(Booking::as_select())
        .load(conn)?)
}

/// The business's bookings with these ids.
pub fn bookings_by_ids(
    conn: &mut DbConnection,
    business_id: &str,
    ids: &[String],
) -> StorageResult<Vec<Booking>> {
    Ok(bookings::table
        .filter(bookings::business_id.eq(business_id))
        .filter(bookings::id.eq_any(ids))
        .select(Booking::as_select())
        .load(conn)?)
}

/// A customer's bookings, oldest first.
pub fn bookings_of(conn: &mut DbConnection, customer_id: &str) -> StorageResult<Vec<Booking>> {
    Ok(bookings::table
        .filter(bookings::customer_id.eq(customer_id))
        .order(bookings::start_at)
        .select(Booking::as_select())
        .load(conn)?)
}

/// The bookings made in these conversations.
pub fn bookings_in_conversations(
    conn: &mut DbConnection,
    conversation_ids: &[String],
) -> StorageResult<Vec<Booking>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(bookings::table
        .filter(bookings::conversation_id.eq_any(conversation_ids))
        .select(Booking::as_select())
        .load(conn)?)
}

/// How many bookings each customer has had that took (or will take) place: every status but
/// cancelled and expired holds.
pub fn visits(
    conn: &mut DbConnection,
    customer_ids: &[String],
) -> StorageResult<Vec<(String, i64)>> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<String>> = bookings::table
        .filter(bookings::customer_id.eq_any(customer_ids))
        .filter(bookings::status.ne_all(["cancelled", "expired", "held"]))
        .select(bookings::customer_id)
        .load(conn)?;
    let mut counts: Vec<(String, i64)> = customer_ids.iter().map(|id| (id.clone(), 0)).collect();
    for id in rows.into_iter().flatten() {
        if let Some(entry) = counts.iter_mut().find(|(c, _)| *c == id) {
            entry.1 += 1;
        }
    }
    Ok(counts)
}

/// The conversations of a customer: tied to them, or where one of these bookings was made.
pub fn conversations_of(
    conn: &mut DbConnection,
    business_id: &str,
    customer_id: &str,
    booking_conversations: &[String],
) -> StorageResult<Vec<Conversation>> {
    Ok(conversations::table
        .filter(conversations::business_id.eq(business_id))
        .filter(
            conversations::customer_id
                .eq(customer_id)
                .or(conversations::id.eq_any(booking_conversations)),
        )
        .order(conversations::created_at)
        .select(Conversation::as_select())
        .load(conn)?)
}

/// Every message of these conversations, oldest first.
pub fn messages_of(
    conn: &mut DbConnection,
    conversation_ids: &[String],
) -> StorageResult<Vec<ConversationMessage>> {
    Ok(conversation_messages::table
        .filter(conversation_messages::conversation_id.eq_any(conversation_ids))
        .order(conversation_messages::id)
        .select(ConversationMessage::as_select())
        .load(conn)?)
}

/// The jobs whose key starts with one of `prefixes` (a booking's reminders and emails, a
/// message's sending), oldest first.
pub fn jobs_keyed(conn: &mut DbConnection, prefixes: &[String]) -> StorageResult<Vec<Job>> {
    let mut found = Vec::new();
    // One query per prefix: a customer has few bookings, and each walks the key's index.
    for prefix in prefixes {
        found.extend(
            jobs::table
                .filter(
                    jobs::dedupe_key
                        .like(format!("{}%", escape_like(prefix)))
                        .escape('\\'),
                )
                .select(Job::as_select())
                .load(conn)?,
        );
    }
    found.sort_by(|a: &Job, b: &Job| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(found)
}

/// The business's jobs whose payload or last error contains `text`.
pub fn jobs_mentioning(
    conn: &mut DbConnection,
    business_id: &str,
    text: &str,
) -> StorageResult<Vec<Job>> {
    let pattern = format!("%{}%", escape_like(text));
    Ok(jobs::table
        .filter(jobs::business_id.eq(business_id))
        .filter(
            jobs::payload
                .like(pattern.clone())
                .escape('\\')
                .or(jobs::last_error.like(pattern).escape('\\')),
        )
        .select(Job::as_select())
        .load(conn)?)
}

/// Replaces a job's payload and last error (with erased text taken out); a job still waiting
/// to run is cancelled, since what it was to send is gone. Returns whether it was cancelled.
pub fn redact_job(
    conn: &mut DbConnection,
    id: &str,
    payload: &str,
    last_error: Option<&str>,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::payload.eq(payload),
            jobs::last_error.eq(last_error),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    let cancelled = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(super::jobs::PENDING)),
    )
    .set((
        jobs::status.eq(super::jobs::CANCELLED),
        jobs::finished_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(cancelled > 0)
}

/// Turns bookings into anonymous time blocks: no contact, no notes, no chat, no client address.
/// Their status and allocations stay, so the time stays taken.
pub fn anonymise_bookings(
    conn: &mut DbConnection,
    ids: &[String],
    now: NaiveDateTime,
) -> StorageResult<usize> {
    diesel::delete(booking_answers::table.filter(booking_answers::booking_id.eq_any(ids)))
        .execute(conn)?;
    Ok(
        diesel::update(bookings::table.filter(bookings::id.eq_any(ids)))
            .set((
                bookings::customer_name.eq(""),
                bookings::customer_phone.eq(None::<String>),
                bookings::customer_email.eq(None::<String>),
                bookings::notes.eq(""),
                bookings::conversation_id.eq(None::<String>),
                bookings::held_by.eq(None::<String>),
                bookings::updated_at.eq(now),
            ))
            .execute(conn)?,
    )
}

/// Deletes conversations with their messages and codes; returns how many messages went.
pub fn delete_conversations(conn: &mut DbConnection, ids: &[String]) -> StorageResult<usize> {
    let messages = diesel::delete(
        conversation_messages::table.filter(conversation_messages::conversation_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(
        verification_codes::table.filter(verification_codes::conversation_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::update(bookings::table.filter(bookings::conversation_id.eq_any(ids)))
        .set(bookings::conversation_id.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(conversations::table.filter(conversations::id.eq_any(ids))).execute(conn)?;
    Ok(messages)
}

/// Deletes the customer's proven identities, the codes sent to any of `contacts`, and the
/// limit counters that name them; returns how many identities went.
pub fn delete_identities(
    conn: &mut DbConnection,
    business_id: &str,
    customer_id: &str,
    contacts: &[String],
) -> StorageResult<usize> {
    let identities = diesel::delete(
        customer_identities::table.filter(customer_identities::customer_id.eq(customer_id)),
    )
    .execute(conn)?;
    diesel::delete(
        verification_codes::table
            .filter(verification_codes::business_id.eq(business_id))
            .filter(verification_codes::contact_value.eq_any(contacts)),
    )
    .execute(conn)?;
    let subjects: Vec<String> = contacts
        .iter()
        .map(|c| format!("code:contact:{c}"))
        .collect();
    diesel::delete(attempts::table.filter(attempts::subject.eq_any(subjects))).execute(conn)?;
    Ok(identities)
}

/// Empties a customer record and marks it erased.
pub fn erase_customer(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> StorageResult<()> {
    diesel::update(customers::table.find(id))
        .set((
            customers::name.eq(""),
            customers::phone.eq(None::<String>),
            customers::email.eq(None::<String>),
            customers::updated_at.eq(now),
            customers::erased_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every business's id and transcript retention in days.
pub fn retention_of_businesses(conn: &mut DbConnection) -> StorageResult<Vec<(String, i32)>> {
    use super::schema::businesses;
    Ok(businesses::table
        .select((businesses::id, businesses::transcript_retention_days))
        .load(conn)?)
}

/// Deletes the business's chat messages written before `before`; returns how many.
pub fn purge_messages(
    conn: &mut DbConnection,
    business_id: &str,
    before: NaiveDateTime,
) -> StorageResult<usize> {
    let of_business = conversations::table
        .filter(conversations::business_id.eq(business_id))
        .select(conversations::id);
    Ok(diesel::delete(
        conversation_messages::table
            .filter(conversation_messages::created_at.lt(before))
            .filter(conversation_messages::conversation_id.eq_any(of_business)),
    )
    .execute(conn)?)
}
