//! Telegram Bot API: one update per webhook call in, `sendMessage` with inline keyboards out.

use chrono::Duration;
use serde_json::{Value, json};

use super::inbound::{InboundEvent, referral, text_of};
use super::menus::{Menu, Text};
use super::render::shorten;
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing};
use crate::conversation::InboundContent;
use crate::conversation::payload::Payload;
use crate::languages::Locale;
use crate::understanding::Topic;

const MAX_TEXT_CHARS: usize = 4096;
const MAX_BUTTON_TITLE: usize = 64;
/// Telegram's limit on a button's `callback_data`, in bytes.
const MAX_CALLBACK_BYTES: usize = 64;
const MAX_COMMAND_DESCRIPTION: usize = 256;

/// The bot's commands: what a customer types, or picks from the bot's menu, and the payload it
/// sends the chat. Telegram wants command names of lower-case letters, digits and `_`.
const COMMANDS: [(&str, Payload, Text); 4] = [
    ("book", Payload::Book, |texts| texts.command_book),
    ("prices", Payload::Ask(Topic::Price), |texts| {
        texts.command_prices
    }),
    ("hours", Payload::Ask(Topic::Hours), |texts| {
        texts.command_hours
    }),
    ("mybookings", Payload::MyBookings, |texts| {
        texts.command_my_bookings
    }),
];

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
        // "/start <ref>" opens the chat from a deep link; one of the bot's own commands alone
        // is its payload; other commands, and commands with words after them, are words.
        return Some(match text.strip_prefix('/') {
            Some(command) => {
                let (name, rest) = command.split_once(' ').unwrap_or((command, ""));
                let name = name.split('@').next().unwrap_or(name);
                let rest = rest.trim();
                match command_payload(name).filter(|_| rest.is_empty()) {
                    _ if name.eq_ignore_ascii_case("start") => referral(rest),
                    Some(payload) => InboundContent::Choice {
                        payload: payload.encode(),
                        title: None,
                    },
                    None => InboundContent::Text(format!("{name} {rest}").trim().to_owned()),
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

fn command_payload(name: &str) -> Option<Payload> {
    COMMANDS
        .into_iter()
        .find(|(command, ..)| command.eq_ignore_ascii_case(name))
        .map(|(_, payload, _)| payload)
}

/// The bot's command list: once with no language, for every customer whose language has no list
/// of its own (in the business's language), then once in each other language.
pub fn commands(
    base: &str,
    connection: &Connection,
    menu: &Menu,
) -> Result<Vec<ApiRequest>, String> {
    let token = connection
        .secret("bot_token")
        .ok_or("the Telegram connection has no bot token")?;
    let list = |locale: Locale| -> Vec<Value> {
        let texts = &locale.language().menus;
        COMMANDS
            .iter()
            .map(|(name, _, description)| {
                json!({"command": name, "description": shorten(description(texts), MAX_COMMAND_DESCRIPTION)})
            })
            .collect()
    };
    let mut bodies = vec![json!({"commands": list(menu.locale)})];
    bodies.extend(
        menu.other_locales()
            .map(|locale| json!({"commands": list(locale), "language_code": locale.as_str()})),
    );
    Ok(bodies
        .into_iter()
        .map(|body| ApiRequest {
            url: format!("{base}/bot{token}/setMyCommands"),
            auth: Auth::None,
            body: Body::Json(body),
        })
        .collect())
}

/// Reads the answer to a call that sets the bot up, where a 403 is no customer blocking it.
pub fn classify_setup(status: u16, body: &Value) -> Delivery {
    match status {
        403 => Delivery::Permanent(described(status, body)),
        _ => classify(status, body),
    }
}

fn described(status: u16, body: &Value) -> String {
    let description = body["description"]
        .as_str()
        .unwrap_or("no description")
        .chars()
        .take(300)
        .collect::<String>();
    format!("HTTP {status}: {description}")
}

pub fn classify(status: u16, body: &Value) -> Delivery {
    let described = described(status, body);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    fn typed(text: &str) -> Option<Payload> {
        let update = json!({"update_id": 1, "message": {"message_id": 2, "chat": {"id": 3}, "from": {"id": 3}, "text": text}});
        match read_update(&update).event?.content {
            InboundContent::Choice { payload, .. } => Payload::decode(&payload),
            _ => None,
        }
    }

    #[test]
    fn the_bots_commands_arrive_as_their_payloads() {
        assert_eq!(typed("/prices"), Some(Payload::Ask(Topic::Price)));
        assert_eq!(
            typed("/prices@salon_lena_bot"),
            Some(Payload::Ask(Topic::Price))
        );
        assert_eq!(typed("/hours"), Some(Payload::Ask(Topic::Hours)));
        assert_eq!(typed("/book"), Some(Payload::Book));
        assert_eq!(typed("/Book"), Some(Payload::Book));
        assert_eq!(typed("/mybookings"), Some(Payload::MyBookings));
        // Words after a command say more than the command.
        assert_eq!(typed("/book haircut friday"), None);
        assert_eq!(typed("/weather"), None);
    }

    #[test]
    fn the_command_lists_stay_within_telegrams_limits() {
        let input = json!({"bot_token": "123:abc", "secret_token": "s"});
        let bot = Connection::configure(
            "b",
            Platform::Telegram,
            input.as_object().cloned().unwrap_or_default(),
            None,
        )
        .unwrap();
        for locale in Locale::all() {
            let menu = Menu {
                business: "Salon Lena".into(),
                address: String::new(),
                locale,
            };
            let calls = commands("https://tg", &bot, &menu).unwrap();
            assert_eq!(calls.len(), Locale::all().count());
            let mut languages = Vec::new();
            for call in &calls {
                assert_eq!(call.url, "https://tg/bot123:abc/setMyCommands");
                let Body::Json(body) = &call.body else {
                    panic!("a JSON body")
                };
                languages.push(body["language_code"].as_str().map(str::to_owned));
                for command in body["commands"].as_array().unwrap() {
                    let name = command["command"].as_str().unwrap();
                    assert!((1..=32).contains(&name.len()));
                    assert!(
                        name.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    );
                    let description = command["description"].as_str().unwrap();
                    assert!((1..=MAX_COMMAND_DESCRIPTION).contains(&description.chars().count()));
                }
            }
            assert_eq!(languages[0], None);
            assert!(!languages.contains(&Some(locale.as_str().to_owned())));
        }
    }

    #[test]
    fn a_refused_setup_call_is_not_a_blocked_customer() {
        let refused = json!({"ok": false, "error_code": 403, "description": "Forbidden"});
        assert_eq!(
            classify_setup(403, &refused),
            Delivery::Permanent("HTTP 403: Forbidden".into())
        );
        assert!(matches!(
            classify_setup(502, &json!({})),
            Delivery::Retry { .. }
        ));
    }
}
