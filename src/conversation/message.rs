//! What goes into the engine and what comes out, the same for every channel.

use serde::{Deserialize, Serialize};

use crate::customers::Identity;
use crate::domain::{Channel, PhoneNumber};
use crate::languages::Locale;

/// One message from a customer, as a channel hands it over.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub business_id: String,
    pub channel: Channel,
    /// Identifies the thread on the channel: a web chat id, a page-scoped id, a phone number.
    pub conversation_key: String,
    /// The platform's id of this message; a redelivery carries the same id.
    pub message_id: String,
    pub content: InboundContent,
    /// A language the channel reported (a browser's or a platform profile's locale).
    pub locale: Option<Locale>,
    /// Who the sender is, as far as the channel knows.
    pub sender: Sender,
    /// The client address of a web chat customer (what per-address limits count under);
    /// `None` on platforms, whose webhooks come from the platform's servers.
    pub client: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundContent {
    Text(String),
    /// A tapped button or quick reply.
    Choice {
        payload: String,
        title: Option<String>,
    },
    /// The thread was opened from a link, without a message.
    Opened,
    /// Something the bot cannot read: an image, a sticker, a voice note, a location.
    Unsupported {
        kind: String,
    },
}

/// What a channel knows about the sender.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    /// A display name from the platform profile.
    pub name: Option<String>,
    /// The sender's own number, on channels addressed by phone number (WhatsApp, SMS).
    pub phone: Option<PhoneNumber>,
    /// Who the platform vouches the sender is; the web chat vouches for nobody.
    pub identity: Option<Identity>,
}

/// One message to the customer: text and, optionally, choices to tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reply {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Choice {
    pub title: String,
    /// Sent back when the choice is tapped; at most 64 bytes (Telegram's limit).
    pub payload: String,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            choices: Vec::new(),
        }
    }

    pub fn with_choices(text: impl Into<String>, choices: Vec<Choice>) -> Self {
        Self {
            text: text.into(),
            choices,
        }
    }
}

impl Choice {
    pub fn new(title: impl Into<String>, payload: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            payload: payload.into(),
        }
    }
}
