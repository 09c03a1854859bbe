//! Telegram Bot API: one update per webhook call in, `sendMessage` with inline keyboards out.

use chrono::Duration;
use serde_json::{Value, json};

use super::inbound::{InboundEvent, referral, text_of};
use super::render::shorten;
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing};
use crate::conversation::InboundContent;
use crate::languages::Locale;

const MAX_TEXT_CHARS: usize = 4096;
const MAX_BUTTON_TITLE: usize = 64;
/// Telegram's limit on a button's `callback_data`, in bytes.
const MAX_CALLBACK_BYTES: usize = 64;

/// What one update holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub event: Option<InboundEvent>,
    /// A button tap to acknowledge, so the customer's app stops spinning.
    pub callback_query_id: Option<String>,
}

pub fn read_update(update: &Value) -> Update {
    let Some(update_id) = text_of(&update["update_id"]) else {
        return Update::default();
    };
    let id = format!("update:{update_id}");
    let callback = &update["callback_query"];
    if callback.is_object() {
        let chat = text_of(&callback["message"]["chat"]["id"])
            .or_else(|| text_of(&callback["from"]["id"]));
        let event = chat.zip(callback["data"].as_str()).map(|(chat, data)| {
            with_sender(
                &callback["from"],
                InboundEvent::new(
                    chat,
                    id,
                    InboundContent::Choice {
                        payload: data.to_owned(),
                        title: None,
                    },
                ),
            )
        });
        return Update {
            event,
            callback_query_id: text_of(&callback["id"]),
        };
    }
    // Edited messages, channel posts and membership changes (a customer blocking the bot) are
    // not turns.
    let message = &update["message"];
    let event = text_of(&message["chat"]["id"]).and_then(|chat| {
        let content = message_content(message)?;
        Some(with_sender(
            &message["from"],
            InboundEvent::new(chat, id, content),
        ))
    });
    Update {
        event,
        callback_query_id: None,
    }
}

fn with_sender(from: &Value, event: InboundEvent) -> InboundEvent {
    let name = [from["first_name"].as_str(), from["last_name"].as_str()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let locale = from["language_code"].as_str().and_then(Locale::from_tag);
    InboundEvent {
        name: (!name.is_empty()).then_some(name),
        locale,
        ..event
    }
}

fn message_content(message: &Value) -> Option<InboundContent> {
    if let Some(text) = message["text"].as_str() {
        // "/start <ref>" opens the chat from a deep link; other commands are words.
        return Some(match text.strip_prefix('/') {
            Some(command) => {
                let (name, rest) = command.split_once(' ').unwrap_or((command, ""));
                let name = name.split('@').next().unwrap_or(name);
                if name == "start" {
                    referral(rest)
                } else {
                    InboundContent::Text(format!("{name} {rest}").trim().to_owned())
                }
            }
            None => InboundContent::Text(text.to_owned()),
        });
    }
    const KINDS: [&str; 10] = [
        "photo",
        "sticker",
        "voice",
        "video",
        "video_note",
        "audio",
        "document",
        "location",
        "contact",
        "animation",
    ];
    KINDS
        .iter()
        .find(|kind| !message[**kind].is_null())
        .map(|kind| InboundContent::Unsupported {
            kind: (*kind).to_owned(),
        })
}

pub fn request(base: &str, connection: &Connection, out: &Outgoing) -> Result<ApiRequest, String> {
    let token = connection
        .secret("bot_token")
        .ok_or("the Telegram connection has no bot token")?;
    // Chat ids are integers; Telegram takes them as numbers.
    let chat_id = out
        .recipient
        .parse::<i64>()
        .map_or_else(|_| json!(out.recipient), |id| json!(id));
    let mut body = json!({
        "chat_id": chat_id,
        "text": shorten(&out.reply.text, MAX_TEXT_CHARS),
    });
    if !out.reply.choices.is_empty() {
        // One button per row: titles stay readable on a phone.
        let keyboard: Vec<Value> = out
            .reply
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // A payload over Telegram's limit is sent as the choice's number, which the
                // dialogue reads like a typed "2".
                let data = if c.payload.len() <= MAX_CALLBACK_BYTES {
                    c.payload.clone()
                } else {
                    (i + 1).to_string()
                };
                json!([{"text": shorten(&c.title, MAX_BUTTON_TITLE), "callback_data": data}])
            })
            .collect();
        body["reply_markup"] = json!({ "inline_keyboard": keyboard });
    }
    Ok(ApiRequest {
        url: format!("{base}/bot{token}/sendMessage"),
        auth: Auth::None,
        body: Body::Json(body),
    })
}

/// The answer to a webhook call that also acknowledges a button tap (Telegram lets a webhook's
/// response carry one Bot API call).
pub fn acknowledge(callback_query_id: &str) -> Value {
    json!({"method": "answerCallbackQuery", "callback_query_id": callback_query_id})
}

pub fn classify(status: u16, body: &Value) -> Delivery {
    let description = body["description"]
        .as_str()
        .unwrap_or("no description")
        .chars()
        .take(300)
        .collect::<String>();
    let described = format!("HTTP {status}: {description}");
    match status {
        200..=299 if body["ok"].as_bool() != Some(false) => {
            Delivery::Sent(text_of(&body["result"]["message_id"]))
        }
        429 => Delivery::Retry {
            reason: described,
            after: body["parameters"]["retry_after"]
                .as_i64()
                .map(|s| Duration::seconds(s.clamp(1, 3600))),
        },
        403 => Delivery::Permanent(format!(
            "the customer blocked the bot or left the chat ({described})"
        )),
        401 | 404 => Delivery::Permanent(format!(
            "the bot token is not accepted; reconnect Telegram ({described})"
        )),
        500.. => Delivery::Retry {
            reason: described,
            after: None,
        },
        _ => Delivery::Permanent(described),
    }
}
