//! SMS through Twilio: form-encoded messages in, the Messages API out. SMS has no buttons, so
//! choices are numbered and answered with a digit.

use serde_json::Value;

use super::inbound::InboundEvent;
use super::render::{numbered, with_appendix};
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing};
use crate::conversation::InboundContent;

const MAX_BODY_CHARS: usize = 1600;

/// The answer to Twilio's webhook: nothing to say here, the replies go through the API.
pub const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The message in an inbound webhook; status callbacks are not turns.
pub fn read_message(params: &[(String, String)]) -> Option<InboundEvent> {
    let status = param(params, "SmsStatus").or_else(|| param(params, "MessageStatus"));
    if status.is_some_and(|s| s != "received") {
        return None;
    }
    let sid = param(params, "MessageSid").or_else(|| param(params, "SmsSid"))?;
    let from = param(params, "From").filter(|f| !f.is_empty())?;
    let body = param(params, "Body").unwrap_or("").trim();
    let media = param(params, "NumMedia")
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    let content = match (body.is_empty(), media) {
        (false, _) => InboundContent::Text(body.to_owned()),
        (true, 0) => return None,
        (true, _) => InboundContent::Unsupported {
            kind: param(params, "MediaContentType0")
                .and_then(|t| t.split('/').next())
                .unwrap_or("media")
                .to_owned(),
        },
    };
    Some(InboundEvent {
        phone: Some(from.to_owned()),
        ..InboundEvent::new(from.to_owned(), sid.to_owned(), content)
    })
}

pub fn request(base: &str, connection: &Connection, out: &Outgoing) -> Result<ApiRequest, String> {
    let (Some(account), Some(token), Some(from)) = (
        connection.setting("account_sid"),
        connection.secret("auth_token"),
        connection.setting("from_number"),
    ) else {
        return Err("the Twilio connection is incomplete".to_owned());
    };
    let options = if out.reply.choices.is_empty() {
        String::new()
    } else {
        numbered(&out.reply.choices, 1, out.locale)
    };
    Ok(ApiRequest {
        url: format!("{base}/2010-04-01/Accounts/{account}/Messages.json"),
        auth: Auth::Basic {
            user: account.to_owned(),
            password: token.to_owned(),
        },
        body: Body::Form(vec![
            ("To".to_owned(), out.recipient.to_owned()),
            ("From".to_owned(), from.to_owned()),
            (
                "Body".to_owned(),
                with_appendix(&out.reply.text, &options, MAX_BODY_CHARS),
            ),
        ]),
    })
}

pub fn classify(status: u16, body: &Value) -> Delivery {
    let code = body["code"].as_i64().unwrap_or(0);
    let described = format!(
        "HTTP {status}, Twilio error {code}: {}",
        body["message"]
            .as_str()
            .unwrap_or("no message")
            .chars()
            .take(300)
            .collect::<String>()
    );
    match (status, code) {
        (200..=299, _) => Delivery::Sent(body["sid"].as_str().map(str::to_owned)),
        (429, _) | (_, 20429 | 63018 | 14107) => Delivery::Retry {
            reason: described,
            after: Some(chrono::Duration::seconds(30)),
        },
        (_, 21610) => Delivery::Permanent(format!(
            "the customer unsubscribed (STOP) from this number ({described})"
        )),
        (_, 21211 | 21214 | 21612 | 21614 | 21408) => Delivery::Permanent(format!(
            "the customer's number cannot receive SMS from here ({described})"
        )),
        (401 | 403, _) | (_, 20003 | 20404) => Delivery::Permanent(format!(
            "the Twilio account SID or auth token is not accepted; reconnect SMS ({described})"
        )),
        (500.., _) => Delivery::Retry {
            reason: described,
            after: None,
        },
        _ => Delivery::Permanent(described),
    }
}
