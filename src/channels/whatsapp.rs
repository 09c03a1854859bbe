//! WhatsApp Cloud API: messages in, text, reply buttons, lists and templates out.

use serde_json::{Value, json};

use super::inbound::{InboundEvent, items, text_of};
use super::menus::Menu;
use super::render::{numbered, shorten, with_appendix};
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing, SERVICE_WINDOW, graph};
use crate::conversation::outbox::Purpose;
use crate::conversation::{Choice, InboundContent};
use crate::languages::Locale;
use crate::languages::phrases::fill;

const MAX_BUTTONS: usize = 3;
const MAX_BUTTON_TITLE: usize = 20;
const MAX_ROWS: usize = 10;
const MAX_ROW_TITLE: usize = 24;
const MAX_ROW_DESCRIPTION: usize = 72;
const MAX_TEXT_CHARS: usize = 4096;
const MAX_INTERACTIVE_BODY: usize = 1024;
const MAX_ID_CHARS: usize = 256;
const MAX_ADDRESS_CHARS: usize = 256;
const MAX_DESCRIPTION_CHARS: usize = 512;

/// The phone numbers a webhook body has changes for, as named before its signature is
/// checked: they only choose whose app secret to check it with.
pub fn accounts(body: &Value) -> Vec<String> {
    items(&body["entry"])
        .flat_map(|entry| items(&entry["changes"]))
        .filter_map(|change| text_of(&change["value"]["metadata"]["phone_number_id"]))
        .collect()
}

/// Every customer message in a webhook body; delivery statuses and errors are not turns.
pub fn events(body: &Value) -> Vec<InboundEvent> {
    let mut events = Vec::new();
    for entry in items(&body["entry"]) {
        for change in items(&entry["changes"]) {
            let value = &change["value"];
            let Some(account) = text_of(&value["metadata"]["phone_number_id"]) else {
                continue;
            };
            for message in items(&value["messages"]) {
                let (Some(from), Some(id)) = (text_of(&message["from"]), text_of(&message["id"]))
                else {
                    continue;
                };
                let Some(content) = content(message) else {
                    continue;
                };
                let name = items(&value["contacts"])
                    .find(|c| text_of(&c["wa_id"]).as_deref() == Some(from.as_str()))
                    .and_then(|c| c["profile"]["name"].as_str())
                    .map(str::to_owned);
                events.push(InboundEvent {
                    account: account.clone(),
                    phone: Some(format!("+{from}")),
                    name,
                    ..InboundEvent::new(from, id, content)
                });
            }
        }
    }
    events
}

fn content(message: &Value) -> Option<InboundContent> {
    let choice = |payload: &Value, title: &Value| {
        payload.as_str().map(|p| InboundContent::Choice {
            payload: p.to_owned(),
            title: title.as_str().map(str::to_owned),
        })
    };
    let interactive = &message["interactive"];
    match message["type"].as_str()? {
        "text" => message["text"]["body"]
            .as_str()
            .map(|t| InboundContent::Text(t.to_owned())),
        "interactive" => {
            let reply = match interactive["type"].as_str()? {
                "button_reply" => &interactive["button_reply"],
                "list_reply" => &interactive["list_reply"],
                _ => return None,
            };
            choice(&reply["id"], &reply["title"])
        }
        "button" => choice(&message["button"]["payload"], &message["button"]["text"]),
        // Reactions and system notices (a number changed) are not turns.
        "reaction" | "system" | "ephemeral" => None,
        kind => Some(InboundContent::Unsupported {
            kind: kind.to_owned(),
        }),
    }
}

pub fn request(base: &str, connection: &Connection, out: &Outgoing) -> Result<ApiRequest, String> {
    let token = connection
        .secret("access_token")
        .ok_or("the WhatsApp connection has no access token")?;
    let number = connection
        .setting("phone_number_id")
        .ok_or("the WhatsApp connection has no phone number id")?;
    let message = if out.within(SERVICE_WINDOW) {
        free_form(out)
    } else {
        template(connection, out)?
    };
    let mut body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": out.recipient,
    });
    if let (Some(target), Some(fields)) = (body.as_object_mut(), message.as_object()) {
        target.extend(fields.clone());
    }
    Ok(ApiRequest {
        url: format!("{base}/{}/{number}/messages", graph::VERSION),
        auth: Auth::Bearer(token.to_owned()),
        body: Body::Json(body),
    })
}

/// Text; up to 3 choices as reply buttons, up to 10 as a list, the rest numbered in the text.
fn free_form(out: &Outgoing) -> Value {
    let choices = &out.reply.choices;
    if choices.is_empty() {
        return json!({"type": "text", "text": {"body": shorten(&out.reply.text, MAX_TEXT_CHARS), "preview_url": false}});
    }
    if choices.len() <= MAX_BUTTONS {
        let buttons: Vec<Value> = choices
            .iter()
            .map(|c| json!({"type": "reply", "reply": {"id": id(c), "title": shorten(&c.title, MAX_BUTTON_TITLE)}}))
            .collect();
        return json!({"type": "interactive", "interactive": {
            "type": "button",
            "body": {"text": shorten(&out.reply.text, MAX_INTERACTIVE_BODY)},
            "action": {"buttons": buttons},
        }});
    }
    let (rows, rest) = choices.split_at(choices.len().min(MAX_ROWS));
    let appendix = if rest.is_empty() {
        String::new()
    } else {
        numbered(rest, rows.len() + 1, out.locale)
    };
    let rows: Vec<Value> = rows.iter().map(row).collect();
    json!({"type": "interactive", "interactive": {
        "type": "list",
        "body": {"text": with_appendix(&out.reply.text, &appendix, MAX_INTERACTIVE_BODY)},
        "action": {"button": list_button(out.locale), "sections": [{"rows": rows}]},
    }})
}

/// A list row; a title too long for the row is given whole as its description.
fn row(choice: &Choice) -> Value {
    let title = shorten(&choice.title, MAX_ROW_TITLE);
    let mut row = json!({"id": id(choice), "title": title});
    if title != choice.title.trim() {
        row["description"] = json!(shorten(&choice.title, MAX_ROW_DESCRIPTION));
    }
    row
}

fn id(choice: &Choice) -> String {
    choice.payload.chars().take(MAX_ID_CHARS).collect()
}

fn list_button(locale: Locale) -> &'static str {
    locale.language().buttons.open_list
}

/// Outside the window only an approved template may go out: the one the business configured
/// for this kind of update, its parameters filled from the booking, its quick-reply buttons
/// (if it has them) carrying the message's choices.
fn template(connection: &Connection, out: &Outgoing) -> Result<Value, String> {
    let closed = "outside WhatsApp's 24-hour window";
    let (Purpose::Update, Some(used)) = (out.purpose, out.template) else {
        return Err(format!(
            "{closed}, and only booking updates may be sent later"
        ));
    };
    let Some(template) = connection.template(&used.kind) else {
        return Err(format!(
            "{closed}, and the WhatsApp connection has no {} template",
            used.kind
        ));
    };
    let parameters: Vec<Value> = template
        .parameters
        .iter()
        .map(|name| json!({"type": "text", "text": used.values.get(name).cloned().unwrap_or_default()}))
        .collect();
    let mut components = vec![json!({"type": "body", "parameters": parameters})];
    // An authentication template's copy-code button carries the code again.
    if used.kind == "verification_code"
        && let Some(code) = used.values.get("code")
    {
        components.push(json!({"type": "button", "sub_type": "url", "index": "0",
            "parameters": [{"type": "text", "text": code}]}));
    }
    if template.quick_replies {
        components.extend(
            out.reply
                .choices
                .iter()
                .take(MAX_BUTTONS)
                .enumerate()
                .map(|(i, c)| {
                    json!({"type": "button", "sub_type": "quick_reply", "index": i.to_string(),
                   "parameters": [{"type": "payload", "payload": id(c)}]})
                }),
        );
    }
    Ok(json!({"type": "template", "template": {
        "name": template.name,
        "language": {"code": template.language},
        "components": components,
    }}))
}

/// The number's business profile: the business's address, and a description saying that
/// customers book here, in the business's language (the profile has one language). `None` when
/// the business has no address, so that no profile is overwritten with less than it may hold.
pub fn profile(
    base: &str,
    connection: &Connection,
    menu: &Menu,
) -> Result<Option<ApiRequest>, String> {
    if menu.address.trim().is_empty() {
        return Ok(None);
    }
    let token = connection
        .secret("access_token")
        .ok_or("the WhatsApp connection has no access token")?;
    let number = connection
        .setting("phone_number_id")
        .ok_or("the WhatsApp connection has no phone number id")?;
    let description = fill(
        menu.locale.language().menus.description,
        &[("business", &menu.business)],
    );
    Ok(Some(ApiRequest {
        url: format!(
            "{base}/{}/{number}/whatsapp_business_profile",
            graph::VERSION
        ),
        auth: Auth::Bearer(token.to_owned()),
        body: Body::Json(json!({
            "messaging_product": "whatsapp",
            "address": shorten(&menu.address, MAX_ADDRESS_CHARS),
            "description": shorten(&description, MAX_DESCRIPTION_CHARS),
        })),
    }))
}

pub fn classify(status: u16, body: &Value) -> Delivery {
    graph::classify(status, body, |b| {
        items(&b["messages"]).find_map(|m| text_of(&m["id"]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    #[test]
    fn the_profile_holds_the_address_and_a_description_within_limits() {
        let input = json!({"phone_number_id": "42", "access_token": "t", "app_secret": "s", "verify_token": "v"});
        let number = Connection::configure(
            "b",
            Platform::WhatsApp,
            input.as_object().cloned().unwrap_or_default(),
            None,
        )
        .unwrap();
        for locale in Locale::all() {
            let menu = Menu {
                business: "Salon ".repeat(100),
                address: "Torstraße 1, Berlin ".repeat(20),
                locale,
            };
            let call = profile("https://graph", &number, &menu).unwrap().unwrap();
            assert_eq!(call.url, "https://graph/v21.0/42/whatsapp_business_profile");
            let Body::Json(body) = &call.body else {
                panic!("a JSON body")
            };
            assert_eq!(body["messaging_product"], "whatsapp");
            let length = |field: &str| body[field].as_str().unwrap().chars().count();
            assert!((1..=MAX_ADDRESS_CHARS).contains(&length("address")));
            assert!((1..=MAX_DESCRIPTION_CHARS).contains(&length("description")));
            let without_address = Menu {
                address: " ".into(),
                ..menu
            };
            assert_eq!(
                profile("https://graph", &number, &without_address),
                Ok(None)
            );
        }
    }
}
