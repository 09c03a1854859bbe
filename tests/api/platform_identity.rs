//! The platforms vouch for their senders: a Messenger PSID, a WhatsApp `wa_id`, a Telegram user
//! id and the Twilio `From` number are proof enough, so a customer who booked there is known
//! there next time without a code — and another sender on the same platform is not. One-time
//! codes for a phone number go out through the business's own SMS or WhatsApp connection.
//! Real signed webhooks into the real server, replies to the fake platform API, both backends.

use chairside::storage::StorageError;
use chairside::storage::schema::{conversation_messages, conversations};
use diesel::prelude::*;
use serde_json::json;

use crate::channels::{
    APP_SECRET, Call, FakePlatform, PAGE, PHONE_NUMBER_ID, TELEGRAM_SECRET, TWILIO_SID,
    connected_shop, meta_webhook, post_raw, spawn_with_fake, twilio_signature,
};
use crate::chat::{Chat, text};
use crate::helpers::*;

/// Someone writing on one platform, as that platform identifies them.
#[derive(Clone, Copy)]
enum Sender {
    Messenger(&'static str),
    WhatsApp(&'static str),
    Telegram(i64),
    Sms(&'static str),
}

impl Sender {
    fn channel(self) -> &'static str {
        match self {
            Sender::Messenger(_) => "messenger",
            Sender::WhatsApp(_) => "whatsapp",
            Sender::Telegram(_) => "telegram",
            Sender::Sms(_) => "sms",
        }
    }

    /// Sends `text` as message `mid` through the platform's signed webhook; returns the id the
    /// message is stored under.
    async fn send(self, app: &TestApp, mid: &str, text: &str) -> String {
        let mut stored = mid.to_owned();
        let (status, body) = match self {
            Sender::Messenger(psid) => {
                let body = json!({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": [
                    {"sender": {"id": psid}, "recipient": {"id": PAGE}, "timestamp": 1,
                     "message": {"mid": mid, "text": text}}]}]});
                meta_webhook(app, "/webhooks/messenger", &body, APP_SECRET).await
            }
            Sender::WhatsApp(wa_id) => {
                let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "waba", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "4930901820", "phone_number_id": PHONE_NUMBER_ID},
                    "contacts": [{"profile": {"name": "Kim"}, "wa_id": wa_id}],
                    "messages": [{"from": wa_id, "id": mid, "timestamp": "1", "type": "text", "text": {"body": text}}]}}]}]});
                meta_webhook(app, "/webhooks/whatsapp", &body, APP_SECRET).await
            }
            Sender::Telegram(user) => {
                let update_id = telegram_update_id(mid);
                stored = format!("update:{update_id}");
                let body = json!({"update_id": update_id, "message": {"message_id": update_id,
                    "from": {"id": user, "is_bot": false, "first_name": "Kim", "language_code": "en"},
                    "chat": {"id": user, "type": "private", "first_name": "Kim"}, "date": 1, "text": text}});
                post_raw(
                    app,
                    "/webhooks/telegram/shop",
                    serde_json::to_vec(&body).unwrap(),
                    &[
                        ("content-type", "application/json".into()),
                        ("x-telegram-bot-api-secret-token", TELEGRAM_SECRET.into()),
                    ],
                )
                .await
            }
            Sender::Sms(from) => {
                let params = [
                    ("MessageSid", mid),
                    ("AccountSid", TWILIO_SID),
                    ("From", from),
                    ("To", "+4930901820"),
                    ("Body", text),
                    ("NumMedia", "0"),
                ];
                let signature =
                    twilio_signature("http://chairside.test/webhooks/twilio/shop", &params);
                post_raw(
                    app,
                    "/webhooks/twilio/shop",
                    serde_urlencoded::to_string(params).unwrap().into_bytes(),
                    &[
                        ("content-type", "application/x-www-form-urlencoded".into()),
                        ("x-twilio-signature", signature),
                    ],
                )
                .await
            }
        };
        assert_eq!(status, 200, "{body}");
        stored
    }

    /// Sends `text` and returns what the bot answered to it (read from the transcript, the same
    /// for every platform; the webhook answers once the turn has committed).
    async fn say(self, app: &TestApp, mid: &str, text: &str) -> String {
        let stored = self.send(app, mid, text).await;
        replies_to(app, self.channel(), &stored)
    }
}

/// A distinct Telegram update id for each of the test's message names.
fn telegram_update_id(mid: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    mid.hash(&mut hasher);
    hasher.finish() % 1_000_000_000
}

/// The bot's answers to the inbound message with platform id `mid`.
fn replies_to(app: &TestApp, channel: &str, mid: &str) -> String {
    let (wanted_channel, wanted_mid) = (channel.to_owned(), mid.to_owned());
    app.state
        .db
        .read_blocking(move |conn| {
            let inbound: String = conversation_messages::table
                .inner_join(conversations::table)
                .filter(conversations::channel.eq(&wanted_channel))
                .filter(conversation_messages::external_id.eq(&wanted_mid))
                .select(conversation_messages::id)
                .first(conn)?;
            let texts: Vec<String> = conversation_messages::table
                .filter(conversation_messages::in_reply_to.eq(inbound))
                .order(conversation_messages::created_at)
                .select(conversation_messages::text)
                .load(conn)?;
            Ok::<_, StorageError>(texts.join("\n"))
        })
        .unwrap_or_else(|e| panic!("no answer to {channel} message {mid}: {e}"))
}

/// Books a haircut tomorrow at `hour` by chatting, answering whatever the bot asks; returns the
/// booking's reference.
async fn book_by_chat(app: &TestApp, sender: Sender, tag: &str, hour: u32) -> String {
    let mut said = sender
        .say(
            app,
            &format!("{tag}-1"),
            &format!("a haircut tomorrow at {hour}"),
        )
        .await;
    for turn in 2..10 {
        let answer = if said.contains("You're booked!") {
            let reference = said
                .split("Your reference is ")
                .nth(1)
                .and_then(|rest| rest.get(..7))
                .expect("a reference");
            return reference.to_owned();
        } else if said.contains("Shall I book it?") {
            "yes"
        } else if said.contains("your name") {
            "Kim Lee"
        } else if said.contains("email address") {
            "kim@example.com"
        } else if said.contains("phone number") {
            "+49 151 99999999"
        } else {
            panic!("{} did not lead to a booking: {said}", sender.channel());
        };
        said = sender.say(app, &format!("{tag}-{turn}"), answer).await;
    }
    panic!("{}: no booking after ten turns: {said}", sender.channel())
}

/// A booking made through the public API (no proof) with this contact.
async fn booked_elsewhere(app: &TestApp, phone: &str) -> String {
    let (_, profile) = app.get("/api/v1/businesses/shop/profile", None).await;
    let service = profile["services"][0]["id"].as_str().unwrap().to_owned();
    let (status, booking) = app
        .book(
            "shop",
            json!({"service_id": service, "start": "2027-03-04T15:00:00+01:00",
            "customer": {"name": "Kim Lee", "phone": phone}}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    booking["reference"].as_str().unwrap().to_owned()
}

async fn senders_are_known_by_the_platform_alone(backend: Backend) {
    let Some((app, _fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let platforms = [
        (
            Sender::Messenger("psid-kim"),
            Sender::Messenger("psid-other"),
        ),
        (
            Sender::WhatsApp("4915112345678"),
            Sender::WhatsApp("4915187654321"),
        ),
        (Sender::Telegram(4242), Sender::Telegram(777)),
        (Sender::Sms("+4915122223333"), Sender::Sms("+4915144445555")),
    ];
    for (hour, (kim, other)) in (10..).zip(platforms) {
        let channel = kim.channel();
        let reference = book_by_chat(&app, kim, &format!("{channel}-kim"), hour).await;

        let listed = kim
            .say(&app, &format!("{channel}-kim-list"), "my bookings")
            .await;
        assert!(
            listed.contains(&reference) && !listed.contains("check it's you"),
            "{channel}: the sender is known without a code: {listed}"
        );
        let hello = kim
            .say(&app, &format!("{channel}-kim-hello"), "hello")
            .await;
        assert!(hello.contains("Welcome back"), "{channel}: {hello}");

        // Someone else on the same platform, even one who names Kim's booking, sees nothing.
        let stranger = other
            .say(&app, &format!("{channel}-other-list"), "my bookings")
            .await;
        assert!(
            stranger.contains("check it's you") && !stranger.contains(&reference),
            "{channel}: {stranger}"
        );
        let named = other
            .say(
                &app,
                &format!("{channel}-other-ref"),
                &format!("I have booking {reference}"),
            )
            .await;
        assert!(
            !named.contains("tomorrow") && !named.contains(&format!("{hour}:00")),
            "{channel}: {named}"
        );
    }
}

async fn a_number_the_platform_vouches_for_brings_its_earlier_bookings(backend: Backend) {
    let Some((app, _fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    // Booked through the website with her number; then she writes on WhatsApp and on SMS from
    // that number, which both platforms authenticate.
    let earlier = booked_elsewhere(&app, "+49 151 12345678").await;
    for (sender, tag) in [
        (Sender::WhatsApp("4915112345678"), "wa"),
        (Sender::Sms("+4915112345678"), "sms"),
    ] {
        book_by_chat(&app, sender, tag, if tag == "wa" { 11 } else { 14 }).await;
        let listed = sender
            .say(&app, &format!("{tag}-list"), "my bookings")
            .await;
        assert!(listed.contains(&earlier), "{tag}: {listed}");
    }
    // On Messenger the same typed number proves nothing.
    let messenger = Sender::Messenger("psid-kim");
    book_by_chat(&app, messenger, "fb", 16).await;
    let listed = messenger.say(&app, "fb-list", "my bookings").await;
    assert!(!listed.contains(&earlier), "{listed}");
}

/// The last call to the fake platform that `wanted` accepts, waiting for it (codes go out
/// right after the turn commits, not through the job queue).
async fn call_where(fake: &FakePlatform, wanted: impl Fn(&Call) -> bool) -> Call {
    for _ in 0..200 {
        if let Some(call) = fake.calls().into_iter().rev().find(|call| wanted(call)) {
            return call;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no such call to the platform among {:?}", fake.calls())
}

fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .map(str::to_owned)
}

async fn a_web_chat_code_goes_out_by_the_business_sms(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let earlier = booked_elsewhere(&app, "+49 151 12345678").await;
    let mut chat = Chat::at(&app, "shop", "web-kim");
    chat.say("hello").await;
    chat.say("my bookings").await;
    let asked = text(&chat.say("0151 12345678").await);
    assert!(asked.contains("6-digit code"), "{asked}");
    let sms = call_where(&fake, |call| {
        call.path.ends_with("/Messages.json") && call.body["To"] == "+4915112345678"
    })
    .await;
    let sms = sms.body["Body"].as_str().unwrap_or_default().to_owned();
    let code = six_digits(&sms).unwrap_or_else(|| panic!("no code in {sms:?}"));
    assert!(
        !sms.contains(&earlier),
        "the code message reveals nothing: {sms}"
    );
    let shown = text(&chat.say(&code).await);
    assert!(shown.contains(&earlier), "{shown}");
}

async fn whatsapp_codes_for_another_number_use_the_authentication_template(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = connected_shop(&app).await;
    let earlier = booked_elsewhere(&app, "+49 151 55556666").await;
    // The business has an approved authentication template; Kim writes from one number and
    // asks for the bookings of another, which has never written to the business.
    let (status, view) = app
        .send(
            "PUT",
            "/api/v1/businesses/shop/channels/whatsapp",
            Some(&key),
            json!({"phone_number_id": PHONE_NUMBER_ID, "templates": {
                "verification_code": {"name": "auth_code", "language": "en_US", "parameters": ["code"]}}}),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let kim = Sender::WhatsApp("4915112345678");
    kim.say(&app, "wa-1", "hello").await;
    kim.say(&app, "wa-2", "my bookings").await;
    let asked = kim.say(&app, "wa-3", "+49 151 55556666").await;
    assert!(asked.contains("6-digit code"), "{asked}");
    let template = call_where(&fake, |call| call.body["to"] == "4915155556666").await;
    assert_eq!(template.body["type"], "template", "{}", template.body);
    assert_eq!(template.body["template"]["name"], "auth_code");
    let code = six_digits(&template.body["template"]["components"].to_string())
        .unwrap_or_else(|| panic!("no code in {}", template.body));
    let shown = kim.say(&app, "wa-4", &code).await;
    assert!(shown.contains(&earlier), "{shown}");
}

crate::on_each_backend!(
    senders_are_known_by_the_platform_alone,
    a_number_the_platform_vouches_for_brings_its_earlier_bookings,
    a_web_chat_code_goes_out_by_the_business_sms,
    whatsapp_codes_for_another_number_use_the_authentication_template,
);
