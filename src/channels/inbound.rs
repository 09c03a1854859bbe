//! What a platform's webhook tells, read into one shape for every platform. Readers are
//! tolerant: a field that is missing or of an unexpected type drops that event, never the
//! request, because platforms add fields and event kinds without notice.

use serde_json::Value;

use crate::conversation::payload::Payload;
use crate::conversation::{Inbound, InboundContent, Sender};
use crate::customers::Identity;
use crate::domain::{PhoneNumber, Platform};
use crate::languages::Locale;

/// How much of a referral's `ref` is read.
const MAX_REF_CHARS: usize = 200;

/// One customer action on a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundEvent {
    /// The business's account the event is addressed to (a page id, a phone number id); empty
    /// on platforms whose webhook URL names the business.
    pub account: String,
    /// The customer's address on the platform.
    pub sender: String,
    /// The platform's id of the event; a redelivery carries the same.
    pub message_id: String,
    pub content: InboundContent,
    pub name: Option<String>,
    /// The sender's phone number, on platforms addressed by number.
    pub phone: Option<String>,
    pub locale: Option<Locale>,
}

impl InboundEvent {
    pub fn new(sender: String, message_id: String, content: InboundContent) -> Self {
        Self {
            account: String::new(),
            sender,
            message_id,
            content,
            name: None,
            phone: None,
            locale: None,
        }
    }

    pub fn into_inbound(self, business_id: &str, platform: Platform) -> Inbound {
        let phone = self
            .phone
            .as_deref()
            .and_then(|p| PhoneNumber::parse("phone", p).ok());
        let identity = Identity::of_sender(platform.channel(), &self.sender);
        Inbound {
            business_id: business_id.to_owned(),
            channel: platform.channel(),
            conversation_key: self.sender,
            message_id: self.message_id,
            content: self.content,
            locale: self.locale,
            sender: Sender {
                name: self.name,
                phone,
                identity,
            },
            client: None,
        }
    }
}

/// What a link's `ref` (an m.me link, a Telegram `/start` deep link) asks for: a choice when it
/// is one of the chat's own payloads (`svc:…`, `book`), else words to understand
/// (`ref=fade_with_sam_friday`), else just an opened thread.
pub fn referral(reference: &str) -> InboundContent {
    let reference: String = reference.trim().chars().take(MAX_REF_CHARS).collect();
    if Payload::decode(&reference).is_some() {
        return InboundContent::Choice {
            payload: reference,
            title: None,
        };
    }
    let words = reference
        .replace(['_', '+'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() {
        InboundContent::Opened
    } else {
        InboundContent::Text(words)
    }
}

/// A tapped button's payload: the chat's own, or an unknown one (a page's "Get Started"),
/// which just opens the conversation.
pub fn tapped(payload: &str, title: Option<&str>) -> InboundContent {
    if Payload::decode(payload).is_some() {
        InboundContent::Choice {
            payload: payload.trim().to_owned(),
            title: title.map(str::to_owned),
        }
    } else {
        InboundContent::Opened
    }
}

/// A JSON value as a string, whether the platform sent it as a string or a number.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn items(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_become_choices_words_or_an_opening() {
        assert_eq!(
            referral("svc:abc"),
            InboundContent::Choice {
                payload: "svc:abc".into(),
                title: None
            }
        );
        assert_eq!(
            referral("fade_with_sam"),
            InboundContent::Text("fade with sam".into())
        );
        assert_eq!(referral("  "), InboundContent::Opened);
        assert_eq!(
            tapped("GET_STARTED", Some("Get Started")),
            InboundContent::Opened
        );
    }
}
