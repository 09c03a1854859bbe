//! Messenger, WhatsApp, Telegram and SMS (Twilio): the conversation engine on the apps customers
//! already use.
//!
//! Inbound, each platform's webhook is checked (signature or secret token, before anything is
//! parsed), its events are read into [`InboundEvent`]s and handed to the conversation engine,
//! whose turn — the customer's message, the dialogue, the replies and the jobs that will deliver
//! them — commits in one transaction before the platform hears 200. A crash before that commit
//! means no 200, so the platform delivers again; the engine recognises a redelivered message
//! by its platform id and answers it once.
//!
//! Outbound, every message is a row in the transcript, and the messages of one reply share one
//! `chat.send` job that sends them in order ([`sender`]). Each
//! platform module renders a reply within its platform's limits into an [`ApiRequest`] and reads
//! the platform's answer into a [`Delivery`]; both are pure, and the sender does the I/O.
//!
//! Each platform's own entry points — Messenger's Get Started button, greeting and ice breakers,
//! Telegram's command list, WhatsApp's business profile — are set up by one job when a
//! connection becomes active, and again on the owner's request ([`menus`]).
//!
//! Platform rules on when a business may write: Messenger and WhatsApp allow free messages for
//! 24 hours after the customer's last message; later, booking updates and reminders go as
//! Messenger's `CONFIRMED_EVENT_UPDATE` tag or as the WhatsApp template the business configured.

pub mod connection;
mod courier;
mod directory;
mod graph;
pub mod inbound;
pub mod menus;
pub mod messenger;
mod notifier;
pub mod ownership;
mod render;
pub mod sender;
pub mod signature;
pub mod telegram;
pub mod twilio;
pub mod whatsapp;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

pub use connection::{Connection, Template};
pub use courier::Courier;
pub use directory::Directory;
pub use inbound::InboundEvent;
pub use menus::MenuSetter;
pub use notifier::ChatNotifier;
pub use sender::{ChannelSender, Endpoints};

use crate::conversation::Reply;
pub use crate::conversation::outbox::TemplateUse;
use crate::conversation::outbox::{self, Author, Purpose};
use crate::domain::Platform;
use crate::languages::Locale;
use crate::storage::models::{Booking, Conversation};
use crate::storage::{DbConnection, StorageResult, conversations};

/// The HTTP client for calls to a platform: a platform that does not answer in `timeout` is
/// tried again later by the job queue rather than holding a worker.
pub(crate) fn platform_client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(timeout)
        .build()
        .unwrap_or_default()
}

/// How long after the customer's last message Messenger and WhatsApp accept free messages.
pub const SERVICE_WINDOW: Duration = Duration::hours(24);

/// One message to render for a platform.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The platform's address of the customer: a PSID, a WhatsApp number, a chat id, a phone.
    pub recipient: &'a str,
    pub reply: &'a Reply,
    pub purpose: Purpose,
    pub template: Option<&'a TemplateUse>,
    /// How long ago the customer last wrote; `None` if never.
    pub since_customer: Option<Duration>,
    pub locale: Locale,
}

impl Outgoing<'_> {
    fn within(&self, window: Duration) -> bool {
        self.since_customer.is_some_and(|since| since < window)
    }
}

/// A call to a platform's API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub url: String,
    pub auth: Auth,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer(String),
    Basic { user: String, password: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    Form(Vec<(String, String)>),
}

/// What became of a message, as the platform's answer tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted; the platform's id of the message, if it gave one.
    Sent(Option<String>),
    /// Not sent, and may be tried again: after the given delay, or with backoff.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// Will never go out as it is: the customer blocked the business, the number does not
    /// exist, the token is wrong, the window has closed with no template to use.
    Permanent(String),
}

/// Queues a message about a booking (a reminder, a change) into a customer's conversation on a
/// platform: delivered now if the platform's window allows, otherwise as the platform's
/// update (a Messenger tag, a WhatsApp template), within the caller's transaction.
pub fn queue_update(
    conn: &mut DbConnection,
    conversation: &Conversation,
    reply: &Reply,
    template: Option<TemplateUse>,
    key: Option<String>,
    now: DateTime<Utc>,
) -> StorageResult<Vec<String>> {
    outbox::queue(
        conn,
        conversation,
        std::slice::from_ref(reply),
        outbox::Outbound {
            author: Author::Bot,
            purpose: Purpose::Update,
            template,
            in_reply_to: None,
            key,
        },
        now,
    )
}

/// Where a booking's customer hears about it on `platform`: the conversation the booking was
/// made in, else the latest one of its (proven) customer there.
pub fn conversation_of_booking(
    conn: &mut DbConnection,
    booking: &Booking,
    platform: Platform,
) -> StorageResult<Option<Conversation>> {
    let channel = platform.channel().as_str();
    if let Some(id) = &booking.conversation_id
        && let Some(conversation) = conversations::find(conn, &booking.business_id, id)?
        && conversation.channel == channel
    {
        return Ok(Some(conversation));
    }
    match &booking.customer_id {
        Some(customer) => {
            conversations::latest_of_customer(conn, &booking.business_id, channel, customer)
        }
        None => Ok(None),
    }
}
