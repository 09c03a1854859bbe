//! Everything stored about one customer, gathered in one read: what an export shows and what
//! an erasure removes.

use crate::booking::{BookingDetails, BusinessProfile, with_details};
use crate::conversation::outbox::send_job_key;
use crate::error::AppError;
use crate::notifications::booking_job_prefixes;
use crate::storage::models::{
    BookingAnswer, Business, Conversation, ConversationMessage, Customer, CustomerIdentity, Job,
};
use crate::storage::{DbConnection, customers as records, identities, privacy, questions};

#[derive(Debug, Clone)]
pub struct BookingRecord {
    pub details: BookingDetails,
    /// Answers to the business's questions, as asked and given.
    pub answers: Vec<BookingAnswer>,
}

#[derive(Debug, Clone)]
pub struct ConversationRecord {
    pub conversation: Conversation,
    /// The transcript, oldest first.
    pub messages: Vec<ConversationMessage>,
}

#[derive(Debug, Clone)]
pub struct CustomerRecord {
    pub customer: Customer,
    pub identities: Vec<CustomerIdentity>,
    pub bookings: Vec<BookingRecord>,
    pub conversations: Vec<ConversationRecord>,
    /// The messages planned or sent about them: reminders, emails, chat messages.
    pub jobs: Vec<Job>,
}

impl CustomerRecord {
    pub fn message_count(&self) -> usize {
        self.conversations.iter().map(|c| c.messages.len()).sum()
    }

    pub fn pending_jobs(&self) -> usize {
        self.jobs
            .iter()
            .filter(|j| j.status == crate::storage::jobs::PENDING)
            .count()
    }
}

/// The customer's record: their bookings (linked to them, or made in their conversations),
/// their conversations (tied to them, or where those bookings were made), and the jobs of both.
pub fn gather(
    conn: &mut DbConnection,
    business: &Business,
    customer_id: &str,
) -> Result<CustomerRecord, AppError> {
    let customer =
        records::find(conn, &business.id, customer_id)?.ok_or(AppError::NotFound("customer"))?;
    let profile = BusinessProfile::from_row(business)?;
    let mut rows = privacy::bookings_of(conn, &customer.id)?;
    let booked_in: Vec<String> = rows
        .iter()
        .filter_map(|b| b.conversation_id.clone())
        .collect();
    let conversations = privacy::conversations_of(conn, &business.id, &customer.id, &booked_in)?;
    let conversation_ids: Vec<String> = conversations.iter().map(|c| c.id.clone()).collect();
    // Bookings made in their conversations are theirs even when never linked.
    for extra in privacy::bookings_in_conversations(conn, &conversation_ids)? {
        if !rows.iter().any(|b| b.id == extra.id) {
            rows.push(extra);
        }
    }
    rows.sort_by_key(|b| b.start_at);
    let mut messages = privacy::messages_of(conn, &conversation_ids)?;
    let mut prefixes: Vec<String> = rows
        .iter()
        .flat_map(|b| booking_job_prefixes(&b.id))
        .collect();
    prefixes.extend(
        messages
            .iter()
            .filter(|m| m.direction == "out")
            .map(|m| send_job_key(&m.id)),
    );
    let jobs = privacy::jobs_keyed(conn, &prefixes)?;
    let mut bookings = Vec::with_capacity(rows.len());
    for details in with_details(conn, &profile, rows)? {
        bookings.push(BookingRecord {
            answers: questions::answers_of(conn, &details.booking.id)?,
            details,
        });
    }
    let conversations = conversations
        .into_iter()
        .map(|conversation| {
            let (own, rest) = messages
                .drain(..)
                .partition(|m| m.conversation_id == conversation.id);
            messages = rest;
            ConversationRecord {
                conversation,
                messages: own,
            }
        })
        .collect();
    Ok(CustomerRecord {
        identities: identities::of_customer(conn, &customer.id)?,
        customer,
        bookings,
        conversations,
        jobs,
    })
}
