//! Facebook Messenger: page events in, Send API messages out.

use chrono::Duration;
use serde_json::{Value, json};

use super::inbound::{InboundEvent, items, referral, tapped, text_of};
use super::menus::{Menu, Text};
use super::render::{numbered, shorten, with_appendix};
use super::{ApiRequest, Auth, Body, Connection, Delivery, Outgoing, SERVICE_WINDOW, graph};
use crate::conversation::InboundContent;
use crate::conversation::outbox::Purpose;
use crate::conversation::payload::Payload;
use crate::languages::Locale;
use crate::languages::phrases::fill;
use crate::understanding::Topic;

const MAX_QUICK_REPLIES: usize = 13;
const MAX_TITLE_CHARS: usize = 20;
const MAX_TEXT_CHARS: usize = 2000;
/// Messenger's human-agent tag lets a person answer for 7 days after the customer's message.
const HUMAN_AGENT_WINDOW: Duration = Duration::days(7);
const MAX_GREETING_CHARS: usize = 160;
const MAX_ICE_BREAKERS: usize = 4;
const MAX_QUESTION_CHARS: usize = 80;
/// Messenger puts the customer's first name where a greeting says this.
const FIRST_NAME: &str = "{{user_first_name}}";

/// The welcome screen's ice breakers: questions a new customer taps, each sending the chat a
/// payload it acts on.
const ICE_BREAKERS: [(Payload, Text); MAX_ICE_BREAKERS] = [
    (Payload::Book, |texts| texts.ask_book),
    (Payload::Ask(Topic::Price), |texts| texts.ask_prices),
    (Payload::Ask(Topic::Hours), |texts| texts.ask_hours),
    (Payload::Human, |texts| texts.ask_human),
];

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
        // A postback carries a referral only when Get Started was tapped on a thread opened from
        // an m.me link: the link says more than the button's payload.
        let content = match (
            postback["referral"]["ref"].as_str(),
            postback["payload"]
                .as_str()
                .map(|p| tapped(p, postback["title"].as_str())),
        ) {
            (Some(reference), tap) => match referral(reference) {
                InboundContent::Opened => tap.unwrap_or(InboundContent::Opened),
                read => read,
            },
            (None, Some(tap)) => tap,
            (None, None) => InboundContent::Opened,
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

/// Meta's locales for a language; the business's own language is the `default` one.
fn facebook_locales(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::En => &["en_US", "en_GB"],
        Locale::De => &["de_DE"],
        Locale::Es => &["es_ES", "es_LA"],
    }
}

/// The page's Messenger profile: a Get Started button that begins a booking, and the welcome
/// screen's greeting and ice breakers in every language (Messenger shows the ice breakers rather
/// than the button where both are set).
pub fn profile(base: &str, connection: &Connection, menu: &Menu) -> Result<ApiRequest, String> {
    let token = connection
        .secret("page_access_token")
        .ok_or("the Messenger connection has no page access token")?;
    let mut locales = vec![("default", menu.locale)];
    for other in menu.other_locales() {
        locales.extend(facebook_locales(other).iter().map(|tag| (*tag, other)));
    }
    let greeting: Vec<Value> = locales
        .iter()
        .map(|(tag, locale)| json!({"locale": tag, "text": greeting(menu, *locale)}))
        .collect();
    let ice_breakers: Vec<Value> = locales
        .iter()
        .map(|(tag, locale)| {
            let texts = &locale.language().menus;
            let questions: Vec<Value> = ICE_BREAKERS
                .iter()
                .map(|(payload, question)| {
                    json!({"question": shorten(question(texts), MAX_QUESTION_CHARS), "payload": payload.encode()})
                })
                .collect();
            json!({"locale": tag, "call_to_actions": questions})
        })
        .collect();
    Ok(ApiRequest {
        url: format!("{base}/{}/me/messenger_profile", graph::VERSION),
        auth: Auth::Bearer(token.to_owned()),
        body: Body::Json(json!({
            "get_started": {"payload": Payload::Book.encode()},
            "greeting": greeting,
            "ice_breakers": ice_breakers,
        })),
    })
}

/// The greeting, naming the business unless its name makes the greeting too long.
fn greeting(menu: &Menu, locale: Locale) -> String {
    let texts = &locale.language().menus;
    let named = fill(
        texts.greeting,
        &[("first_name", FIRST_NAME), ("business", &menu.business)],
    );
    if named.chars().count() <= MAX_GREETING_CHARS {
        return named;
    }
    shorten(
        &fill(texts.greeting_short, &[("first_name", FIRST_NAME)]),
        MAX_GREETING_CHARS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    fn page() -> Connection {
        let input = json!({"page_id": "1", "page_access_token": "t", "app_secret": "s", "verify_token": "v"});
        Connection::configure(
            "b",
            Platform::Messenger,
            input.as_object().cloned().unwrap_or_default(),
            None,
        )
        .unwrap()
    }

    fn menu(name: &str, locale: Locale) -> Menu {
        Menu {
            business: name.to_owned(),
            address: String::new(),
            locale,
        }
    }

    #[test]
    fn the_profile_stays_within_messengers_limits_in_every_language() {
        for locale in Locale::all() {
            for name in ["Salon Lena", &"Very Long Name ".repeat(12)] {
                let request = profile("https://graph", &page(), &menu(name, locale)).unwrap();
                assert_eq!(request.url, "https://graph/v21.0/me/messenger_profile");
                let Body::Json(body) = &request.body else {
                    panic!("a JSON body")
                };
                assert_eq!(body["get_started"]["payload"], "book");
                let greetings = body["greeting"].as_array().unwrap();
                assert_eq!(greetings[0]["locale"], "default");
                for greeting in greetings {
                    let text = greeting["text"].as_str().unwrap();
                    assert!(text.chars().count() <= MAX_GREETING_CHARS, "{text}");
                    assert!(text.contains(FIRST_NAME), "{text}");
                }
                let breakers = body["ice_breakers"].as_array().unwrap();
                assert_eq!(breakers.len(), greetings.len());
                for breaker in breakers {
                    let questions = breaker["call_to_actions"].as_array().unwrap();
                    assert!(questions.len() <= MAX_ICE_BREAKERS);
                    for question in questions {
                        let text = question["question"].as_str().unwrap();
                        assert!(!text.is_empty() && text.chars().count() <= MAX_QUESTION_CHARS);
                        let payload = question["payload"].as_str().unwrap();
                        assert!(Payload::decode(payload).is_some(), "{payload}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_long_name_leaves_the_greeting_without_it() {
        let long = "Barbershop ".repeat(15);
        assert!(!greeting(&menu(&long, Locale::De), Locale::De).contains("Barbershop"));
        assert!(greeting(&menu("Salon Lena", Locale::De), Locale::De).contains("Salon Lena"));
    }

    #[test]
    fn get_started_from_an_m_me_link_is_read_as_the_link() {
        let tap = |postback: Value| {
            let body = json!({"entry": [{"id": "1", "messaging": [{"sender": {"id": "p"}, "timestamp": 5, "postback": postback}]}]});
            events(&body).remove(0).content
        };
        assert_eq!(
            tap(
                json!({"payload": "book", "title": "Get Started", "referral": {"ref": "fade_friday"}})
            ),
            InboundContent::Text("fade friday".into())
        );
        assert_eq!(
            tap(json!({"payload": "book", "title": "Get Started", "referral": {"ref": " "}})),
            InboundContent::Choice {
                payload: "book".into(),
                title: Some("Get Started".into())
            }
        );
        assert_eq!(
            tap(json!({"payload": "ask:price", "title": "What are your prices?"})),
            InboundContent::Choice {
                payload: "ask:price".into(),
                title: Some("What are your prices?".into())
            }
        );
    }
}
