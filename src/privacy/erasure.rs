//! Erasing a customer (GDPR art. 17) in one transaction.
//!
//! What goes: the customer record's name and contact (the record stays, empty and marked
//! erased, so that erasing again is a no-op that says so), their proven identities, the codes
//! sent to them and the limit counters naming them, every conversation of theirs with its
//! transcript, the contact snapshot, notes, answers and client address of each of their
//! bookings, and their contact wherever a job's payload or error names it. Their queued
//! reminders, emails and chat messages are cancelled.
//!
//! What stays: each booking as an anonymous time block — status, times, service, staff member
//! and its allocations — so the slot stays taken and the calendar stays true.
//!
//! Outside the transaction, afterwards, the caller removes the mail files that name them
//! ([`super::mail_files`]) and empties SQLite's write-ahead log.

use chrono::{DateTime, Utc};

use super::export::{CustomerRecord, gather};
use crate::conversation::outbox::send_job_key;
use crate::customers::{self, Identity};
use crate::domain::PhoneNumber;
use crate::error::AppError;
use crate::jobs;
use crate::notifications::booking_job_prefixes;
use crate::storage::models::Business;
use crate::storage::{DbConnection, StorageResult, privacy, to_db_time};

/// Shorter names are not looked for in other rows: "Al" would match half the queue.
const SHORTEST_NAME_TRACE: usize = 3;

/// What an erasure did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub customer_id: String,
    /// The customer had been erased before; nothing was left to do.
    pub already_erased: bool,
    pub bookings_anonymised: usize,
    pub conversations_deleted: usize,
    pub messages_deleted: usize,
    pub identities_deleted: usize,
    pub jobs_cancelled: usize,
    pub jobs_redacted: usize,
    /// Filled in by the caller once the mail files are gone.
    pub mail_files_deleted: usize,
}

/// The erasure's result, and the text that named the customer — to look for in files the
/// database does not hold.
#[derive(Debug, Clone)]
pub struct Erased {
    pub summary: Erasure,
    pub traces: Vec<String>,
}

pub fn erase(
    conn: &mut DbConnection,
    business: &Business,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<Erased, AppError> {
    let record = gather(conn, business, customer_id)?;
    let mut summary = Erasure {
        customer_id: record.customer.id.clone(),
        ..Erasure::default()
    };
    if record.customer.erased_at.is_some() {
        summary.already_erased = true;
        return Ok(Erased {
            summary,
            traces: Vec::new(),
        });
    }
    let contacts = contacts_of(conn, business, &record)?;
    let booking_ids: Vec<String> = record
        .bookings
        .iter()
        .map(|b| b.details.booking.id.clone())
        .collect();
    let conversation_ids: Vec<String> = record
        .conversations
        .iter()
        .map(|c| c.conversation.id.clone())
        .collect();
    let mut keys: Vec<String> = booking_ids
        .iter()
        .flat_map(|id| booking_job_prefixes(id))
        .collect();
    keys.extend(
        record
            .conversations
            .iter()
            .flat_map(|c| &c.messages)
            .map(|m| send_job_key(&m.id)),
    );
    for key in &keys {
        summary.jobs_cancelled += jobs::cancel_keyed(conn, key, now)?;
    }
    let (redacted, cancelled) = redact_jobs(conn, &business.id, &contacts, now)?;
    summary.jobs_redacted = redacted;
    summary.jobs_cancelled += cancelled;
    let at = to_db_time(now);
    summary.bookings_anonymised = privacy::anonymise_bookings(conn, &booking_ids, at)?;
    summary.messages_deleted = privacy::delete_conversations(conn, &conversation_ids)?;
    summary.conversations_deleted = conversation_ids.len();
    summary.identities_deleted =
        privacy::delete_identities(conn, &business.id, &record.customer.id, &contacts)?;
    privacy::erase_customer(conn, &record.customer.id, at)?;
    let mut traces = contacts;
    traces.extend(
        record
            .bookings
            .iter()
            .map(|b| b.details.booking.reference.clone()),
    );
    Ok(Erased { summary, traces })
}

/// Every spelling of the customer's name and contact points that rows may hold: the record's,
/// each booking's snapshot, each proven identity (a number in E.164, a Messenger id), each
/// conversation's platform key.
fn contacts_of(
    conn: &mut DbConnection,
    business: &Business,
    record: &CustomerRecord,
) -> StorageResult<Vec<String>> {
    let region = customers::region_of(conn, &business.id, business.phone.as_deref())?;
    let mut found: Vec<String> = Vec::new();
    let mut add_person = |name: &str, phone: Option<&str>, email: Option<&str>| {
        if name.chars().count() >= SHORTEST_NAME_TRACE {
            found.push(name.to_owned());
        }
        if let Some(phone) = phone {
            found.push(phone.to_owned());
            if let Ok(parsed) = PhoneNumber::parse("phone", phone) {
                found.push(parsed.as_str().to_owned());
                found.push(Identity::phone(&parsed, region).value);
            }
        }
        if let Some(email) = email {
            found.push(email.to_owned());
            found.push(email.to_lowercase());
        }
    };
    let customer = &record.customer;
    add_person(
        &customer.name,
        customer.phone.as_deref(),
        customer.email.as_deref(),
    );
    for booking in &record.bookings {
        let b = &booking.details.booking;
        add_person(
            &b.customer_name,
            b.customer_phone.as_deref(),
            b.customer_email.as_deref(),
        );
    }
    found.extend(record.identities.iter().map(|i| i.value.clone()));
    found.extend(
        record
            .conversations
            .iter()
            .map(|c| c.conversation.external_key.clone()),
    );
    found.retain(|t| !t.trim().is_empty());
    found.sort();
    found.dedup();
    Ok(found)
}

/// Takes the contacts out of every job of the business that names one; returns how many jobs
/// were rewritten and how many of them, still waiting, were cancelled.
fn redact_jobs(
    conn: &mut DbConnection,
    business_id: &str,
    contacts: &[String],
    now: DateTime<Utc>,
) -> StorageResult<(usize, usize)> {
    // Payloads are JSON: a contact appears there as a JSON string's content.
    let escaped: Vec<String> = contacts.iter().map(|c| json_escaped(c)).collect();
    let mut seen: Vec<String> = Vec::new();
    let (mut redacted, mut cancelled) = (0, 0);
    for needle in escaped.iter().chain(contacts) {
        for job in privacy::jobs_mentioning(conn, business_id, needle)? {
            if seen.contains(&job.id) {
                continue;
            }
            seen.push(job.id.clone());
            let payload = redact(job.payload.as_str(), &escaped);
            let error = job.last_error.as_deref().map(|e| redact(e, contacts));
            if privacy::redact_job(conn, &job.id, &payload, error.as_deref(), to_db_time(now))? {
                cancelled += 1;
            }
            redacted += 1;
        }
    }
    Ok((redacted, cancelled))
}

/// What stands where an erased contact was.
const ERASED: &str = "[erased]";

fn redact(text: &str, contacts: &[String]) -> String {
    // Longest first, so that a number's E.164 form goes before the digits it contains.
    let mut ordered: Vec<&String> = contacts.iter().collect();
    ordered.sort_by_key(|c| std::cmp::Reverse(c.len()));
    ordered.into_iter().fold(text.to_owned(), |text, contact| {
        text.replace(contact.as_str(), ERASED)
    })
}

fn json_escaped(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_json_valid_and_takes_every_spelling() {
        let contacts = [
            "Vera \"V\" Vogel".to_owned(),
            "+491701234567".to_owned(),
            "1701234567".to_owned(),
        ];
        let escaped: Vec<String> = contacts.iter().map(|c| json_escaped(c)).collect();
        let payload = serde_json::json!({
            "to": "+491701234567", "name": "Vera \"V\" Vogel", "note": "call 1701234567"
        })
        .to_string();
        let cleaned = redact(&payload, &escaped);
        let parsed: serde_json::Value = serde_json::from_str(&cleaned).unwrap();
        assert_eq!(parsed["to"], ERASED);
        assert_eq!(parsed["name"], ERASED);
        assert_eq!(parsed["note"], format!("call {ERASED}"));
    }
}
