//! Request and response shapes of the customer (privacy) routes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::chat::MessageView;
use crate::api::json::{BookingView, utc_time};
use crate::privacy::export::{BookingRecord, ConversationRecord};
use crate::privacy::search::FoundCustomer;
use crate::privacy::{CustomerRecord, Erasure};
use crate::storage::StorageError;
use crate::storage::models::{BookingAnswer, Customer, CustomerIdentity, Job};

/// Bookings staff say belong to one person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingIdsBody {
    /// 1 to 200 booking ids of the business.
    pub booking_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    /// `phone`, `email`, `messenger` or `telegram`.
    pub kind: String,
    pub value: String,
    pub verified_at: String,
}

impl From<&CustomerIdentity> for IdentityView {
    fn from(i: &CustomerIdentity) -> Self {
        Self {
            kind: i.kind.clone(),
            value: i.value.clone(),
            verified_at: utc_time(i.verified_at),
        }
    }
}

/// A customer record: the contact it holds, how it is proven, how often they came.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerRecordView {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
    /// When the customer's data was erased; the record is then empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
    /// Bookings that took or will take place (not cancelled, not expired holds).
    pub visits: i64,
    /// What proves who they are: platform identities and contact points confirmed by a code.
    pub identities: Vec<IdentityView>,
}

impl CustomerRecordView {
    fn new(customer: &Customer, identities: &[CustomerIdentity], visits: i64) -> Self {
        Self {
            id: customer.id.clone(),
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            email: customer.email.clone(),
            created_at: utc_time(customer.created_at),
            erased_at: customer.erased_at.map(utc_time),
            visits,
            identities: identities.iter().map(IdentityView::from).collect(),
        }
    }
}

impl From<&FoundCustomer> for CustomerRecordView {
    fn from(f: &FoundCustomer) -> Self {
        Self::new(&f.customer, &f.identities, f.visits)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchView {
    pub customers: Vec<CustomerRecordView>,
    /// Bookings linked to no customer whose contact snapshot matches: candidates that staff may
    /// confirm as the person's (`POST …/customers/{id}/bookings`, or `POST …/customers`).
    pub unlinked_bookings: Vec<BookingView>,
}

/// What erasing the customer would remove, to say so before it is done.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasurePreviewView {
    /// Bookings whose contact, notes and answers go; their times stay taken.
    pub bookings: usize,
    pub conversations: usize,
    pub messages: usize,
    pub identities: usize,
    /// Reminders, emails and chat messages still to be sent, which would be cancelled.
    pub pending_messages: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetailView {
    pub customer: CustomerRecordView,
    pub bookings: Vec<BookingView>,
    pub erasure_preview: ErasurePreviewView,
}

impl CustomerDetailView {
    pub fn new(record: &CustomerRecord, visits: i64) -> Self {
        Self {
            customer: CustomerRecordView::new(&record.customer, &record.identities, visits),
            bookings: record
                .bookings
                .iter()
                .map(|b| BookingView::from(&b.details))
                .collect(),
            erasure_preview: ErasurePreviewView {
                bookings: record.bookings.len(),
                conversations: record.conversations.len(),
                messages: record.message_count(),
                identities: record.identities.len(),
                pending_messages: record.pending_jobs(),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub question: String,
    pub answer: String,
    pub created_at: String,
}

impl From<&BookingAnswer> for AnswerView {
    fn from(a: &BookingAnswer) -> Self {
        Self {
            question: a.question.clone(),
            answer: a.answer.clone(),
            created_at: utc_time(a.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedBookingView {
    #[serde(flatten)]
    pub booking: BookingView,
    /// Answers to the business's questions, as asked and given.
    pub answers: Vec<AnswerView>,
}

impl From<&BookingRecord> for ExportedBookingView {
    fn from(b: &BookingRecord) -> Self {
        Self {
            booking: BookingView::from(&b.details),
            answers: b.answers.iter().map(AnswerView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedConversationView {
    pub id: String,
    pub channel: String,
    pub created_at: String,
    /// When they asked in this chat for their data to be deleted.
    pub privacy_request_at: Option<String>,
    pub messages: Vec<MessageView>,
}

impl TryFrom<&ConversationRecord> for ExportedConversationView {
    type Error = StorageError;

    fn try_from(c: &ConversationRecord) -> Result<Self, StorageError> {
        Ok(Self {
            id: c.conversation.id.clone(),
            channel: c.conversation.channel.clone(),
            created_at: utc_time(c.conversation.created_at),
            privacy_request_at: c.conversation.privacy_request_at.map(utc_time),
            messages: c
                .messages
                .iter()
                .map(MessageView::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A message planned or sent about the customer: a reminder, an email, a chat message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedJobView {
    pub id: String,
    pub kind: String,
    /// `pending`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    pub run_at: String,
    pub finished_at: Option<String>,
    pub last_error: Option<String>,
    /// What the job carries (which booking, which occasion, which audience).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl TryFrom<&Job> for ExportedJobView {
    type Error = StorageError;

    fn try_from(j: &Job) -> Result<Self, StorageError> {
        Ok(Self {
            id: j.id.clone(),
            kind: j.kind.clone(),
            status: j.status.clone(),
            run_at: utc_time(j.run_at),
            finished_at: j.finished_at.map(utc_time),
            last_error: j.last_error.clone(),
            payload: j.decode_payload()?,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportBusinessView {
    pub slug: String,
    pub name: String,
}

/// Everything stored about a customer (GDPR art. 15), as one document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportView {
    /// `chairside.customer-export/1`.
    pub format: &'static str,
    pub exported_at: String,
    pub business: ExportBusinessView,
    pub customer: CustomerRecordView,
    pub bookings: Vec<ExportedBookingView>,
    pub conversations: Vec<ExportedConversationView>,
    pub messages_sent: Vec<ExportedJobView>,
}

pub const EXPORT_FORMAT: &str = "chairside.customer-export/1";

impl ExportView {
    pub fn new(
        record: &CustomerRecord,
        business: ExportBusinessView,
        visits: i64,
        exported_at: String,
    ) -> Result<Self, StorageError> {
        Ok(Self {
            format: EXPORT_FORMAT,
            exported_at,
            business,
            customer: CustomerRecordView::new(&record.customer, &record.identities, visits),
            bookings: record
                .bookings
                .iter()
                .map(ExportedBookingView::from)
                .collect(),
            conversations: record
                .conversations
                .iter()
                .map(ExportedConversationView::try_from)
                .collect::<Result<_, _>>()?,
            messages_sent: record
                .jobs
                .iter()
                .map(ExportedJobView::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// What an erasure removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureView {
    pub customer_id: String,
    /// The customer had been erased before; nothing was left to remove.
    pub already_erased: bool,
    pub bookings_anonymised: usize,
    pub conversations_deleted: usize,
    pub messages_deleted: usize,
    pub identities_deleted: usize,
    pub jobs_cancelled: usize,
    pub jobs_redacted: usize,
    pub mail_files_deleted: usize,
}

impl From<Erasure> for ErasureView {
    fn from(e: Erasure) -> Self {
        Self {
            customer_id: e.customer_id,
            already_erased: e.already_erased,
            bookings_anonymised: e.bookings_anonymised,
            conversations_deleted: e.conversations_deleted,
            messages_deleted: e.messages_deleted,
            identities_deleted: e.identities_deleted,
            jobs_cancelled: e.jobs_cancelled,
            jobs_redacted: e.jobs_redacted,
            mail_files_deleted: e.mail_files_deleted,
        }
    }
}

/// The customer record a staff merge made.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedView {
    pub customer_id: String,
    /// Bookings linked to the customer by this request.
    pub linked: usize,
}
