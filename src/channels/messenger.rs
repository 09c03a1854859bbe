//! Facebook Messenger: page events in, Send API messages out.

use chrono::Duration;
use serde_json::{Value, json};

use super::inbound::{InboundEvent, items, referral, tapped, text_of};
use super::render::{numbered, shorten, with_appendix};
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing, SERVICE_WINDOW, graph};
use crate::conversation::InboundContent;
use crate::conversation::outbox::Purpose;

const MAX_QUICK_REPLIES: usize = 13;
const MAX_TITLE_CHARS: usize = 20;
const MAX_TEXT_CHARS: usize = 2000;
/// Messenger's human-agent tag lets a person answer for 7 days after the customer's message.
const HUMAN_AGENT_WINDOW: Duration = Duration::days(7);

/// The pages a webhook body has events for, as named before its signature is checked: they
/// only choose whose app secret to check it with.
pub fn accounts(body: &Value) -> Vec<String> {
    items(&body["entry"])
        .filter_map(|entry| text_of(&entry["id"]))
        .collect()
}

/// Every customer action in a webhook body. Echoes of the page's own messages, deliveries,
/// reads, handovers and events of threads another app owns (`standby`) are not turns.
pub fn events(body: &Value) -> Vec<InboundEvent> {
    let mut events = Vec::new();
    for entry in items(&body["entry"]) {
        let Some(page) = text_of(&entry["id"]) else {
            continue;
        };
        for event in items(&entry["messaging"]) {
            for mut read in read_event(event) {
                read.account = page.clone();
                events.push(read);
            }
        }
    }
    events
}

fn read_event(event: &Value) -> Vec<InboundEvent> {
    let Some(sender) = text_of(&event["sender"]["id"]) else {
        return Vec::new();
    };
    let timestamp = text_of(&event["timestamp"]).unwrap_or_default();
    let message = &event["message"];
    let postback = &event["postback"];
    let one = |id: String, content| InboundEvent::new(sender.clone(), id, content);
    if message.is_object() {
        if message["is_echo"].as_bool() == Some(true) {
            return Vec::new();
        }
        let Some(mid) = text_of(&message["mid"]) else {
            return Vec::new();
        };
        let Some(content) = message_content(message) else {
            return Vec::new();
        };
        // A first message sent from an m.me link carries the link's ref: it is read first.
        let reference = message["referral"]["ref"]
            .as_str()
            .or_else(|| event["referral"]["ref"].as_str());
        let mut read = Vec::new();
        if let Some(reference) = reference {
            read.push(one(format!("{mid}#ref"), referral(reference)));
        }
        read.push(one(mid, content));
        return read;
    }
    if postback.is_object() {
        let id = text_of(&postback["mid"]).unwrap_or_else(|| format!("postback:{timestamp}"));
        let content = match (
            postback["payload"]
                .as_str()
                .map(|p| tapped(p, postback["title"].as_str())),
            postback["referral"]["ref"].as_str(),
        ) {
            (Some(choice @ InboundContent::Choice { .. }), _) => choice,
            (_, Some(reference)) => referral(reference),
            _ => InboundContent::Opened,
        };
        return vec![one(id, content)];
    }
    if let Some(reference) = event["referral"]["ref"].as_str() {
        return vec![one(format!("referral:{timestamp}"), referral(reference))];
    }
    Vec::new()
}

fn message_content(message: &Value) -> Option<InboundContent> {
    if let Some(payload) = message["quick_reply"]["payload"].as_str() {
        return Some(InboundContent::Choice {
            payload: payload.to_owned(),
            title: message["text"].as_str().map(str::to_owned),
        });
    }
    if let Some(text) = message["text"].as_str() {
        return Some(InboundContent::Text(text.to_owned()));
    }
    let kind = items(&message["attachments"])
        .find_map(|a| a["type"].as_str())
        .unwrap_or("attachment");
    Some(InboundContent::Unsupported {
        kind: kind.to_owned(),
    })
}

/// How a message may go out: a response or update within 24 hours of the customer's last
/// message; later, booking news with the `CONFIRMED_EVENT_UPDATE` tag and a person's answer
/// with `HUMAN_AGENT` (7 days).
fn messaging_type(out: &Outgoing) -> Result<Value, String> {
    let within = out.within(SERVICE_WINDOW);
    Ok(match (out.purpose, within) {
        (Purpose::Update, true) => json!({"messaging_type": "UPDATE"}),
        (_, true) => json!({"messaging_type": "RESPONSE"}),
        (Purpose::Update, false) => {
            json!({"messaging_type": "MESSAGE_TAG", "tag": "CONFIRMED_EVENT_UPDATE"})
        }
        (Purpose::Staff, false) if out.within(HUMAN_AGENT_WINDOW) => {
            json!({"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"})
        }
        (_, false) => {
            return Err(
                "outside Messenger's 24-hour window, and only booking updates may be sent later"
                    .to_owned(),
            );
        }
    })
}

pub fn request(base: &str, connection: &Connection, out: &Outgoing) -> Result<ApiRequest, String> {
    let token = connection
        .secret("page_access_token")
        .ok_or("the Messenger connection has no page access token")?;
    let mut body = messaging_type(out)?;
    let choices = &out.reply.choices;
    let (buttons, rest) = choices.split_at(choices.len().min(MAX_QUICK_REPLIES));
    let appendix = if rest.is_empty() {
        String::new()
    } else {
        numbered(rest, buttons.len() + 1, out.locale)
    };
    let mut message = json!({ "text": with_appendix(&out.reply.text, &appendix, MAX_TEXT_CHARS) });
    if !buttons.is_empty() {
        message["quick_replies"] = buttons
            .iter()
            .map(|c| json!({"content_type": "text", "title": shorten(&c.title, MAX_TITLE_CHARS), "payload": c.payload}))
            .collect();
    }
    body["recipient"] = json!({ "id": out.recipient });
    body["message"] = message;
    Ok(ApiRequest {
        url: format!("{base}/{}/me/messages", graph::VERSION),
        auth: Auth::Bearer(token.to_owned()),
        body: Body::Json(body),
    })
}

pub fn classify(status: u16, body: &Value) -> Delivery {
    graph::classify(status, body, |b| text_of(&b["message_id"]))
}
