//! What the dialogue remembers between messages, stored as JSON on the conversation.
//!
//! Everything is optional with defaults, so a state written by an older version still loads.
//! A state that cannot be read at all fails the turn as corrupt data: starting the conversation
//! afresh would silently drop the booking the customer was in the middle of.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::message::{Choice, Reply};
use crate::customers::Identity;
use crate::storage::models::Conversation;
use crate::storage::{DefinedAbove, JsonText, StorageResult};

/// What the last question asked for: how to read the next answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expecting {
    #[default]
    Nothing,
    Service,
    Day,
    Slot,
    Name,
    Phone,
    Email,
    /// A phone number or an email address, whichever the customer prefers.
    Contact,
    Question,
    Confirm,
    ChooseBooking,
    ConfirmCancel,
    ConfirmMove,
    Reference,
    ReferenceContact,
    /// A phone number or email address to send a one-time code to (or a booking reference).
    VerifyContact,
    /// The one-time code just sent.
    Code,
    /// Whether to pass a question the chat cannot answer to the team.
    AskTeam,
}

/// What to do with an existing booking once it is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Cancel,
    Move,
    List,
}

/// A slot reserved for this customer while they finish booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub booking_id: String,
    pub start: DateTime<Utc>,
    pub staff_id: String,
}

/// A time chosen but not held (the client address holds enough slots already): it is booked
/// at the confirmation, if still free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub start: DateTime<Utc>,
    pub staff_id: String,
}

/// The booking this conversation made (or moved) last, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub booking_id: String,
    pub at: DateTime<Utc>,
}

/// Proving who the customer is, under way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// Where the code went (or would go): for "send it again".
    #[serde(default)]
    pub contact: Option<Identity>,
    /// The booking reference the customer gave, waiting for its contact.
    #[serde(default)]
    pub reference: Option<String>,
    /// Codes typed that did not prove anything.
    #[serde(default)]
    pub wrong: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question_id: String,
    pub question: String,
    pub answer: String,
}

/// A booking being put together, or a move being prepared (`moving`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub service_id: Option<String>,
    /// `None`: anyone who performs the service.
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// A span of days when no single day was named ("next week", "am Wochenende").
    #[serde(default)]
    pub days: Option<(NaiveDate, NaiveDate)>,
    #[serde(default)]
    pub time: Option<NaiveTime>,
    #[serde(default)]
    pub range: Option<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub hold: Option<Hold>,
    #[serde(default)]
    pub pick: Option<Pick>,
    /// For a move: the new start chosen, confirmed before anything changes.
    #[serde(default)]
    pub chosen: Option<(DateTime<Utc>, Option<String>)>,
    #[serde(default)]
    pub moving: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogueState {
    #[serde(default)]
    pub expecting: Expecting,
    #[serde(default)]
    pub draft: Option<Draft>,
    /// The choices last offered, so "the second one", "2" or a typed title can be read.
    #[serde(default)]
    pub offered: Vec<Choice>,
    /// The last question asked, repeated after a message that could not be understood.
    #[serde(default)]
    pub last_question: Option<Reply>,
    /// The existing booking being cancelled or moved, and what to do once one is chosen.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub action: Option<Action>,
    /// Unclear messages in a row; after two, talking to a person is offered first.
    #[serde(default)]
    pub unclear: u32,
    #[serde(default)]
    pub proof: Option<Proof>,
    /// Kept until a new booking is started: a change of mind right after booking ("doch lieber
    /// übermorgen") moves this booking rather than starting another.
    #[serde(default)]
    pub last_booked: Option<Booked>,
}

impl DialogueState {
    pub fn load(conversation: &Conversation) -> StorageResult<Self> {
        conversation.decode_state()
    }

    pub fn to_json(&self) -> StorageResult<JsonText<DefinedAbove>> {
        JsonText::encode_as(self)
    }
}
