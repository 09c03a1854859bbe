//! Rows as stored. Each table has its row (`Queryable`) and, where rows are created, an insert
//! form; conversions to domain values live with the code that needs them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StorageResult;
use super::json_text::{DefinedAbove, JsonText};
use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = businesses)]
pub struct Business {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub locale: String,
    pub address: String,
    pub phone: Option<String>,
    pub notification_email: Option<String>,
    pub slot_interval_minutes: i32,
    pub min_notice_minutes: i32,
    pub booking_horizon_days: i32,
    pub cancellation_cutoff_minutes: i32,
    pub api_key_hash: String,
    pub config_version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub hold_minutes: i32,
    pub handoff_timeout_minutes: i32,
    pub contact_requirement: String,
    /// Minutes before an appointment (`ReminderOffsets`); read with `businesses::reminder_offsets`.
    pub reminder_offsets_minutes: JsonText<Vec<i32>>,
    /// The business's privacy notice, linked from the chat's greeting.
    pub privacy_url: Option<String>,
    pub transcript_retention_days: i32,
    /// How long after its appointment a booking's manage link keeps working.
    pub manage_link_days: i32,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = businesses)]
pub struct BusinessChanges {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub address: Option<String>,
    pub phone: Option<Option<String>>,
    pub notification_email: Option<Option<String>>,
    pub slot_interval_minutes: Option<i32>,
    pub min_notice_minutes: Option<i32>,
    pub booking_horizon_days: Option<i32>,
    pub cancellation_cutoff_minutes: Option<i32>,
    pub hold_minutes: Option<i32>,
    pub handoff_timeout_minutes: Option<i32>,
    pub contact_requirement: Option<String>,
    pub reminder_offsets_minutes: Option<JsonText<Vec<i32>>>,
    pub privacy_url: Option<Option<String>>,
    pub transcript_retention_days: Option<i32>,
    pub manage_link_days: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = resources)]
pub struct Resource {
    pub id: String,
    pub business_id: String,
    pub kind: String,
    pub name: String,
    pub email: Option<String>,
    pub active: i32,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = resources)]
pub struct ResourceChanges {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub active: Option<i32>,
    pub position: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = working_hours)]
pub struct WorkingHoursRow {
    pub resource_id: String,
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_exceptions)]
pub struct CalendarExceptionRow {
    pub id: String,
    pub business_id: String,
    pub resource_id: Option<String>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// Special-day intervals, `[["09:00","13:00"]]`; none for a closure.
    pub hours: Option<JsonText<Vec<[String; 2]>>>,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = services)]
pub struct Service {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub description: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: String,
    pub synonyms: JsonText<Vec<String>>,
    pub active: i32,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = services)]
pub struct ServiceChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration_minutes: Option<i32>,
    pub buffer_before_minutes: Option<i32>,
    pub buffer_after_minutes: Option<i32>,
    pub price_cents: Option<Option<i64>>,
    pub currency: Option<String>,
    pub synonyms: Option<JsonText<Vec<String>>>,
    pub active: Option<i32>,
    pub position: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When the customer's data was erased; the record stays, empty, for the anonymous bookings.
    pub erased_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: String,
    pub business_id: String,
    pub reference: String,
    pub service_id: String,
    pub staff_id: String,
    pub customer_id: Option<String>,
    pub status: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub hold_expires_at: Option<NaiveDateTime>,
    pub channel: String,
    pub notes: String,
    pub sequence: i32,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancelled_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When the customer was marked as arrived on the day view.
    pub arrived_at: Option<NaiveDateTime>,
    /// The customer confirmed they will come (a chat reminder's Confirm).
    pub attendance_confirmed_at: Option<NaiveDateTime>,
    /// The contact the booking was made with, as given (proves nothing; see `customer_id`).
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    /// The chat conversation the booking was made in.
    pub conversation_id: Option<String>,
    /// The client address that placed a hold.
    pub held_by: Option<String>,
    /// Bumped when the manage link is revoked; links of older versions stop working.
    pub manage_version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allocations)]
pub struct Allocation {
    pub booking_id: String,
    pub resource_id: String,
    pub occupied_from: NaiveDateTime,
    pub occupied_until: NaiveDateTime,
    pub hold_expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: String,
    pub business_id: Option<String>,
    pub kind: String,
    pub payload: JsonText<serde_json::Value>,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    /// When the current attempt began to send; see `crate::jobs`.
    pub started_at: Option<NaiveDateTime>,
}

/// One language of an FAQ entry: ways customers ask it, and the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqTranslation {
    pub locale: String,
    pub examples: Vec<String>,
    pub answer: String,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = faq_entries)]
pub struct FaqRow {
    pub id: String,
    pub business_id: String,
    pub position: i32,
    pub translations: JsonText<Vec<FaqTranslation>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_questions)]
pub struct CustomerQuestion {
    pub id: String,
    pub business_id: String,
    pub position: i32,
    pub prompt_en: String,
    pub prompt_de: String,
    pub kind: String,
    pub active: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CustomerQuestion {
    /// The prompt to ask in `locale`. A business writes each question in English and, if it
    /// likes, in German (the two columns); customers in any other language are asked the
    /// English prompt, so a new language needs no new column.
    pub fn prompt(&self, locale: crate::languages::Locale) -> &str {
        if locale == crate::languages::Locale::De {
            &self.prompt_de
        } else {
            &self.prompt_en
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = booking_answers)]
pub struct BookingAnswer {
    pub booking_id: String,
    pub question_id: String,
    pub customer_id: Option<String>,
    pub question: String,
    pub answer: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct Conversation {
    pub id: String,
    pub business_id: String,
    pub channel: String,
    pub external_key: String,
    pub customer_id: Option<String>,
    pub locale: Option<String>,
    pub owner: String,
    pub handed_off_at: Option<NaiveDateTime>,
    /// The dialogue's state (`conversation::state`).
    pub state: JsonText<DefinedAbove>,
    pub last_inbound_at: Option<NaiveDateTime>,
    pub last_outbound_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The customer asked in chat for their data to be deleted.
    pub privacy_request_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversation_messages)]
pub struct ConversationMessage {
    pub id: String,
    pub conversation_id: String,
    pub direction: String,
    pub author: String,
    pub external_id: Option<String>,
    pub text: String,
    pub payload: Option<String>,
    /// The choices offered with an outbound message (`conversation::message`).
    pub choices: Option<JsonText<DefinedAbove>>,
    pub created_at: NaiveDateTime,
    pub in_reply_to: Option<String>,
    /// `reply`, `update` or `staff`: how the message may go out once the platform's window closed.
    pub purpose: String,
    /// JSON: the WhatsApp template that stands in for an update outside the window, and its values.
    pub template: Option<JsonText<DefinedAbove>>,
    pub send_started_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub platform_message_id: Option<String>,
    pub delivery_error: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_feeds)]
pub struct CalendarFeed {
    pub staff_id: String,
    pub business_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
}

// Each JSON column is decoded by its row, which knows the column and its own id, so that a
// corrupt value is reported as exactly that.

impl CalendarExceptionRow {
    pub fn decode_hours(&self) -> StorageResult<Option<Vec<[String; 2]>>> {
        self.hours
            .as_ref()
            .map(|hours| hours.decode("calendar_exceptions.hours", &self.id))
            .transpose()
    }
}

impl Service {
    pub fn decode_synonyms(&self) -> StorageResult<Vec<String>> {
        self.synonyms.decode("services.synonyms", &self.id)
    }
}

impl Job {
    pub fn decode_payload(&self) -> StorageResult<serde_json::Value> {
        self.payload.decode("jobs.payload", &self.id)
    }
}

impl Conversation {
    /// The dialogue's state, as the type the conversation layer names.
    pub fn decode_state<S: DeserializeOwned>(&self) -> StorageResult<S> {
        self.state.decode_as("conversations.state", &self.id)
    }
}

impl ChannelConnection {
    pub fn decode_settings(&self) -> StorageResult<serde_json::Map<String, serde_json::Value>> {
        self.settings
            .decode("channel_connections.settings", &self.id)
    }
}

impl ConversationMessage {
    /// The choices offered with the message, as the type the conversation layer names.
    pub fn decode_choices<C: DeserializeOwned>(&self) -> StorageResult<Option<C>> {
        self.choices
            .as_ref()
            .map(|choices| choices.decode_as("conversation_messages.choices", &self.id))
            .transpose()
    }

    /// The template that stands in for the message outside the platform's window, if any.
    pub fn decode_template<T: DeserializeOwned>(&self) -> StorageResult<Option<T>> {
        self.template
            .as_ref()
            .map(|template| template.decode_as("conversation_messages.template", &self.id))
            .transpose()
    }

    /// A message as first stored: not yet delivered anywhere.
    pub fn new(
        conversation_id: &str,
        direction: &str,
        author: &str,
        text: String,
        created_at: NaiveDateTime,
    ) -> Self {
        Self {
            id: super::new_id(),
            conversation_id: conversation_id.to_owned(),
            direction: direction.to_owned(),
            author: author.to_owned(),
            external_id: None,
            text,
            payload: None,
            choices: None,
            created_at,
            in_reply_to: None,
            purpose: "reply".to_owned(),
            template: None,
            send_started_at: None,
            sent_at: None,
            platform_message_id: None,
            delivery_error: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = channel_connections)]
pub struct ChannelConnection {
    pub id: String,
    pub business_id: String,
    pub platform: String,
    pub routing_key: Option<String>,
    /// The connection's public settings, a JSON object.
    pub settings: JsonText<serde_json::Map<String, serde_json::Value>>,
    pub secrets: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The page or number id the business entered; `routing_key` is that id once proven.
    pub claimed_key: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_identities)]
pub struct CustomerIdentity {
    pub business_id: String,
    /// `phone`, `email`, `messenger` or `telegram`.
    pub kind: String,
    pub value: String,
    pub customer_id: String,
    pub verified_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = verification_codes)]
pub struct VerificationCode {
    pub id: String,
    pub business_id: String,
    pub conversation_id: String,
    /// `phone` or `email`.
    pub contact_kind: String,
    pub contact_value: String,
    pub code_hash: String,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub consumed_at: Option<NaiveDateTime>,
}
