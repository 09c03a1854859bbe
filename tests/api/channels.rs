//! Messenger, WhatsApp, Telegram and SMS end to end: real signed webhooks (the platforms'
//! own sample payloads where they fit) into the real server, and the replies sent to a fake
//! platform API on a local port that records every call — on both backends.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use chairside::clock::Clock;
use chairside::storage::schema::{bookings, conversation_messages, conversations, jobs};
use chrono::Duration;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use crate::helpers::*;

const SAMPLES: &str = "tests/data/webhooks";
pub(crate) const APP_SECRET: &str = "meta-app-secret";
pub(crate) const PAGE: &str = "1234567890";
pub(crate) const PHONE_NUMBER_ID: &str = "1122334455667";
pub(crate) const TELEGRAM_SECRET: &str = "tg_Secret-1";
pub(crate) const TWILIO_TOKEN: &str = "twilio-auth-token";
pub(crate) const TWILIO_SID: &str = "AC0123456789abcdef0123456789abcdef";

/// One call the server made to the fake platform.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) path: String,
    pub(crate) authorization: String,
    pub(crate) body: Value,
}

/// The calls that set a platform's menus up (`tests/api/menus.rs`), kept apart from messages so
/// that the tests of sending see only what they send.
fn is_menu_call(path: &str) -> bool {
    [
        "/messenger_profile",
        "/setMyCommands",
        "/whatsapp_business_profile",
    ]
    .iter()
    .any(|end| path.ends_with(end))
}

/// A platform API on a local port: records calls, answers from a script, else with success.
#[derive(Clone)]
pub(crate) struct FakePlatform {
    pub(crate) url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    script: Arc<Mutex<VecDeque<(u16, Value)>>>,
    menu_calls: Arc<Mutex<Vec<Call>>>,
    menu_script: Arc<Mutex<VecDeque<(u16, Value)>>>,
    /// The next send is held this long before it counts as arrived (0: none is held).
    hold_next_ms: Arc<std::sync::atomic::AtomicU64>,
}

/// The Graph API's word on whose page or number a token is: the shop's own tokens own the
/// shop's page and number; any other token is refused as Meta refuses it.
fn graph_lookup(req: &HttpRequest) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let owned = match token {
        "page-token" => PAGE,
        "wa-token" => PHONE_NUMBER_ID,
        _ => {
            return HttpResponse::BadRequest().json(
                json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}),
            );
        }
    };
    let asked = req.path().rsplit('/').next().unwrap_or_default();
    if asked == "me" || asked == owned {
        HttpResponse::Ok().json(json!({"id": owned}))
    } else {
        HttpResponse::BadRequest()
            .json(json!({"error": {"message": "Unsupported get request.", "code": 100}}))
    }
}

async fn answer(req: HttpRequest, body: web::Bytes, fake: web::Data<FakePlatform>) -> HttpResponse {
    if req.method() == actix_web::http::Method::GET {
        return graph_lookup(&req);
    }
    let hold = fake
        .hold_next_ms
        .swap(0, std::sync::atomic::Ordering::SeqCst);
    if hold > 0 {
        tokio::time::sleep(StdDuration::from_millis(hold)).await;
    }
    let parsed = serde_json::from_slice(&body).unwrap_or_else(|_| {
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        Value::Object(
            form.into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    });
    let call = Call {
        path: req.path().to_owned(),
        authorization: req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: parsed,
    };
    if is_menu_call(&call.path) {
        fake.menu_calls.lock().unwrap().push(call);
        let (status, body) = fake
            .menu_script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or((200, json!({"ok": true, "result": true, "success": true})));
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .json(body);
    }
    fake.calls.lock().unwrap().push(call);
    let (status, body) = fake.script.lock().unwrap().pop_front().unwrap_or((
        200,
        json!({"ok": true, "result": {"message_id": 7}, "message_id": "m_1", "recipient_id": "r",
               "messages": [{"id": "wamid.sent"}], "sid": "SM123"}),
    ));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(body)
}

impl FakePlatform {
    pub(crate) fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let fake = FakePlatform {
            url,
            calls: Arc::default(),
            script: Arc::default(),
            menu_calls: Arc::default(),
            menu_script: Arc::default(),
            hold_next_ms: Arc::default(),
        };
        let data = web::Data::new(fake.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(answer))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        actix_web::rt::spawn(server);
        fake
    }

    /// Holds the next send for `ms` before recording it: a send made meanwhile overtakes it.
    fn hold_next(&self, ms: u64) {
        self.hold_next_ms
            .store(ms, std::sync::atomic::Ordering::SeqCst);
    }

    fn answer_next(&self, status: u16, body: Value) {
        self.script.lock().unwrap().push_back((status, body));
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The next call that sets menus up is answered so.
    pub(crate) fn answer_menu_next(&self, status: u16, body: Value) {
        self.menu_script.lock().unwrap().push_back((status, body));
    }

    pub(crate) fn menu_calls(&self) -> Vec<Call> {
        self.menu_calls.lock().unwrap().clone()
    }

    /// Waits until at least `n` calls arrived.
    pub(crate) async fn wait_for(&self, n: usize) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        panic!("expected {n} calls to the platform, got {:?}", self.calls());
    }
}

pub(crate) async fn spawn_with_fake(backend: Backend) -> Option<(TestApp, FakePlatform)> {
    let fake = FakePlatform::start();
    let url = fake.url.clone();
    let app = spawn_app_with(backend, move |config| {
        config.graph_api_base = url.clone();
        config.telegram_api_base = url.clone();
        config.twilio_api_base = url;
    })
    .await?;
    Some((app, fake))
}

/// A shop with one barber and two services, connected to every platform.
pub(crate) async fn connected_shop(app: &TestApp) -> String {
    let key = app
        .create_business("shop", "Europe/Berlin", json!({"min_notice_minutes": 60}))
        .await;
    let week = every_day(json!([["09:00", "18:00"]]));
    let sam = app.add_staff("shop", &key, "Sam", week).await;
    app.add_service(
        "shop",
        &key,
        json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [sam]}),
    )
    .await;
    app.add_service(
        "shop",
        &key,
        json!({"name": "Beard Trim", "duration_minutes": 20, "staff_ids": [sam]}),
    )
    .await;
    let connections = [
        (
            "messenger",
            json!({"page_id": PAGE, "page_access_token": "page-token", "app_secret": APP_SECRET, "verify_token": "verify-me"}),
        ),
        (
            "whatsapp",
            json!({"phone_number_id": PHONE_NUMBER_ID, "access_token": "wa-token", "app_secret": APP_SECRET, "verify_token": "verify-wa",
            "templates": {"reminder": {"name": "appointment_reminder", "language": "en_US", "parameters": ["service", "date", "time"], "quick_replies": true}}}),
        ),
        (
            "telegram",
            json!({"bot_token": "123456:ABC-def", "secret_token": TELEGRAM_SECRET}),
        ),
        (
            "twilio",
            json!({"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN, "from_number": "+4930901820"}),
        ),
    ];
    for (platform, body) in connections {
        let (status, view) = app
            .send(
                "PUT",
                &format!("/api/v1/businesses/shop/channels/{platform}"),
                Some(&key),
                body,
            )
            .await;
        assert_eq!(status, 200, "{platform}: {view}");
    }
    key
}

pub(crate) fn sample(path: &str) -> Value {
    let raw = std::fs::read_to_string(format!("{SAMPLES}/{path}")).expect("sample payload");
    serde_json::from_str(&raw).expect("sample is JSON")
}

pub(crate) fn meta_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub(crate) async fn post_raw(
    app: &TestApp,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> (u16, String) {
    let mut req = app.client.post(app.url(path)).body(body);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let response = req.send().await.expect("request");
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

/// A call to one of Meta's webhooks, signed with `secret`.
pub(crate) async fn meta_webhook(
    app: &TestApp,
    path: &str,
    body: &Value,
    secret: &str,
) -> (u16, String) {
    let raw = serde_json::to_vec(body).unwrap();
    let signature = meta_signature(secret, &raw);
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("x-hub-signature-256", signature),
    ];
    post_raw(app, path, raw, &headers).await
}

async fn messenger(app: &TestApp, body: &Value, secret: &str) -> (u16, String) {
    meta_webhook(app, "/webhooks/messenger", body, secret).await
}

async fn whatsapp(app: &TestApp, body: &Value) -> (u16, String) {
    meta_webhook(app, "/webhooks/whatsapp", body, APP_SECRET).await
}

fn messenger_text(mid: &str, text: &str) -> Value {
    json!({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": [
        {"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": 1, "message": {"mid": mid, "text": text}}]}]})
}

fn messenger_tap(mid: &str, payload: &str) -> Value {
    json!({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": [
        {"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": 1,
         "message": {"mid": mid, "text": "tap", "quick_reply": {"payload": payload}}}]}]})
}

fn whatsapp_message(message: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "waba", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4930901820", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Kim"}, "wa_id": "4915112345678"}],
        "messages": [message]}}]}]})
}

/// Waits until no delivery is running or due, so that a call that is not made is known not
/// to come.
pub(crate) async fn settle(app: &TestApp) {
    for _ in 0..200 {
        let now = app.clock.now().naive_utc();
        let busy: i64 = app
            .state
            .db
            .read(move |conn| {
                jobs::table
                    .filter(
                        jobs::status
                            .eq("running")
                            .or(jobs::status.eq("pending").and(jobs::run_at.le(now))),
                    )
                    .count()
                    .get_result(conn)
                    .map_err(chairside::storage::StorageError::from)
            })
            .await
            .expect("count jobs");
        if busy == 0 {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    panic!("jobs did not settle");
}

async fn send_job(app: &TestApp) -> Vec<(String, Option<String>)> {
    app.state
        .db
        .read(|conn| {
            jobs::table
                .filter(jobs::kind.eq("chat.send"))
                .order(jobs::created_at)
                .select((jobs::status, jobs::last_error))
                .load::<(String, Option<String>)>(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .expect("jobs")
}

fn quick_replies(call: &Call) -> Vec<(String, String)> {
    call.body["message"]["quick_replies"]
        .as_array()
        .map(|q| {
            q.iter()
                .map(|r| {
                    (
                        r["title"].as_str().unwrap().to_owned(),
                        r["payload"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

crate::on_each_backend!(
    connections_keep_secrets_write_only,
    messenger_signed_events_become_conversations,
    whatsapp_buttons_lists_and_statuses,
    telegram_secret_token_callbacks_and_rate_limits,
    sms_signatures_and_numbered_choices,
    chat_reminder_outside_the_window_uses_the_template,
    webhook_bodies_beyond_a_mebibyte_are_refused_unread,
    forged_meta_calls_cost_only_the_named_pages_secrets,
    a_squatter_neither_locks_out_nor_hears_the_owner,
    a_whatsapp_claim_becomes_active_with_its_first_signed_call,
    slug_webhooks_answer_an_unknown_address_as_a_wrong_secret,
    the_messages_of_one_reply_arrive_in_their_order,
);

/// A reply of several messages (the hold, then the question for a name) reaches the platform
/// in the order of the transcript, even when the platform is slow to take the first.
async fn the_messages_of_one_reply_arrive_in_their_order(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    assert_eq!(
        messenger(&app, &messenger_text("mid.o1", "hi"), APP_SECRET)
            .await
            .0,
        200
    );
    fake.wait_for(1).await;
    fake.hold_next(400);
    let ask = messenger_text("mid.o2", "haircut tomorrow at 11");
    assert_eq!(messenger(&app, &ask, APP_SECRET).await.0, 200);
    settle(&app).await;
    let transcript: Vec<String> = app
        .state
        .db
        .read(|conn| {
            conversation_messages::table
                .filter(conversation_messages::direction.eq("out"))
                .order((conversation_messages::created_at, conversation_messages::id))
                .select(conversation_messages::text)
                .load(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .expect("the transcript");
    let arrived: Vec<String> = fake
        .calls()
        .iter()
        .filter_map(|call| call.body["message"]["text"].as_str().map(str::to_owned))
        .collect();
    assert!(
        transcript.len() >= 3,
        "the second turn should answer in several messages: {transcript:?}"
    );
    assert_eq!(arrived, transcript);
}

async fn connections_keep_secrets_write_only(backend: Backend) {
    let Some((app, _fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = connected_shop(&app).await;
    let (status, list) = app
        .get("/api/v1/businesses/shop/channels", Some(&key))
        .await;
    assert_eq!(status, 200);
    let text = list.to_string();
    for secret in [
        "page-token",
        APP_SECRET,
        "verify-me",
        "wa-token",
        "123456:ABC-def",
        TELEGRAM_SECRET,
        TWILIO_TOKEN,
    ] {
        assert!(
            !text.contains(secret),
            "a secret leaked: {secret} in {text}"
        );
    }
    let telegram = list["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["platform"] == "telegram")
        .unwrap();
    assert_eq!(
        telegram["secrets_set"],
        json!(["bot_token", "secret_token"])
    );
    assert_eq!(
        telegram["webhook_url"],
        "http://chairside.test/webhooks/telegram/shop"
    );

    // A secret left out keeps its value; a new connection must give it; bad values are named.
    let (status, _) = app
        .send(
            "PUT",
            "/api/v1/businesses/shop/channels/twilio",
            Some(&key),
            json!({"account_sid": TWILIO_SID, "from_number": "+4930901821"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, error) = app
        .send(
            "PUT",
            "/api/v1/businesses/shop/channels/telegram",
            Some(&key),
            json!({"bot_token": "nonsense", "secret_token": "x"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (422, Some("bot_token")),
        "{error}"
    );
    let (status, _) = app
        .send(
            "PUT",
            "/api/v1/businesses/shop/channels/fax",
            Some(&key),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // Another business may claim the same page — it stays a pending claim that blocks nobody —
    // but cannot read or change this one's connections.
    let other = app
        .create_business("other", "Europe/Berlin", json!({}))
        .await;
    let (status, claim) = app.send("PUT", "/api/v1/businesses/other/channels/messenger", Some(&other),
        json!({"page_id": PAGE, "page_access_token": "t", "app_secret": "s", "verify_token": "v"})).await;
    assert_eq!(
        (status, claim["status"].as_str()),
        (200, Some("pending")),
        "{claim}"
    );
    let (status, _) = app
        .get("/api/v1/businesses/shop/channels", Some(&other))
        .await;
    assert_eq!(status, 403);

    let (status, _) = app
        .send(
            "DELETE",
            "/api/v1/businesses/shop/channels/telegram",
            Some(&key),
            json!(null),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send(
            "DELETE",
            "/api/v1/businesses/shop/channels/telegram",
            Some(&key),
            json!(null),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = post_raw(
        &app,
        "/webhooks/telegram/shop",
        b"{}".to_vec(),
        &[("x-telegram-bot-api-secret-token", TELEGRAM_SECRET.into())],
    )
    .await;
    assert_eq!(status, 401, "a disconnected platform's webhook is refused");
}

async fn messenger_signed_events_become_conversations(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = connected_shop(&app).await;

    // The subscription handshake.
    let response = app.client.get(app.url("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "1158201444");
    let response =
        app.client
            .get(app.url(
                "/webhooks/messenger?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
            ))
            .send()
            .await
            .unwrap();
    assert_eq!(response.status().as_u16(), 403);

    // Unsigned, wrongly signed and forged calls are refused before anything is read.
    let hello = messenger_text("mid.1", "hi");
    let (status, _) = post_raw(
        &app,
        "/webhooks/messenger",
        serde_json::to_vec(&hello).unwrap(),
        &[],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(messenger(&app, &hello, "another-apps-secret").await.0, 401);
    let mut raw = serde_json::to_vec(&hello).unwrap();
    let signature = meta_signature(APP_SECRET, &raw);
    raw.push(b' ');
    let (status, _) = post_raw(
        &app,
        "/webhooks/messenger",
        raw,
        &[("x-hub-signature-256", signature)],
    )
    .await;
    assert_eq!(status, 401, "the signature covers the exact bytes");

    // A greeting is answered with the services as quick replies, within Messenger's limits.
    assert_eq!(messenger(&app, &hello, APP_SECRET).await.0, 200);
    let calls = fake.wait_for(1).await;
    let greeting = &calls[0];
    assert_eq!(greeting.path, "/v21.0/me/messages");
    assert_eq!(greeting.authorization, "Bearer page-token");
    assert_eq!(greeting.body["recipient"]["id"], "psid-1");
    assert_eq!(greeting.body["messaging_type"], "RESPONSE");
    let replies = quick_replies(greeting);
    assert!(
        !replies.is_empty() && replies.len() <= 13,
        "{:?}",
        greeting.body
    );
    assert!(replies.iter().all(|(t, _)| t.chars().count() <= 20));

    // A redelivery is answered once; echoes, deliveries and reads are not turns.
    assert_eq!(messenger(&app, &hello, APP_SECRET).await.0, 200);
    for ignored in [
        "messenger/message_echo.courier.json",
        "messenger/delivery_receipt.courier.json",
    ] {
        let mut body = sample(ignored);
        body["entry"][0]["id"] = json!(PAGE);
        assert_eq!(messenger(&app, &body, APP_SECRET).await.0, 200, "{ignored}");
    }
    settle(&app).await;
    assert_eq!(fake.calls().len(), 1, "{:?}", fake.calls());

    // A sticker gets a polite answer; a tapped quick reply moves the conversation on.
    let mut sticker = sample("messenger/inbound_sticker_thumbs_up.courier.json");
    sticker["entry"][0]["id"] = json!(PAGE);
    assert_eq!(messenger(&app, &sticker, APP_SECRET).await.0, 200);
    fake.wait_for(2).await;
    // The greeting offers the services, or "Book" first; either moves the conversation on.
    let payload = replies
        .iter()
        .find(|(t, _)| t == "Haircut")
        .map_or_else(|| replies[0].1.clone(), |(_, p)| p.clone());
    assert_eq!(
        messenger(&app, &messenger_tap("mid.3", &payload), APP_SECRET)
            .await
            .0,
        200
    );
    let calls = fake.wait_for(3).await;
    assert_ne!(
        calls[2].body["message"]["text"],
        calls[0].body["message"]["text"]
    );

    // A call for a page no business claimed has no secret to be checked with: refused.
    let mut stray = messenger_text("mid.4", "hi");
    stray["entry"][0]["id"] = json!("999");
    assert_eq!(messenger(&app, &stray, APP_SECRET).await.0, 401);

    // A staff answer a week later goes with the human-agent tag; later still it cannot go.
    let conversation: String = app
        .state
        .db
        .read(|conn| {
            conversations::table
                .filter(conversations::channel.eq("messenger"))
                .select(conversations::id)
                .first(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .unwrap();
    settle(&app).await;
    let before = fake.calls().len();
    app.clock.advance(Duration::days(3));
    let (status, _) = app
        .post(
            &format!("/api/v1/businesses/shop/conversations/{conversation}/messages"),
            Some(&key),
            json!({"text": "Sorry for the late answer"}),
        )
        .await;
    assert_eq!(status, 201);
    let calls = fake.wait_for(before + 1).await;
    assert_eq!(calls[before].body["tag"], "HUMAN_AGENT");
    app.clock.advance(Duration::days(5));
    let (status, _) = app
        .post(
            &format!("/api/v1/businesses/shop/conversations/{conversation}/messages"),
            Some(&key),
            json!({"text": "Hello?"}),
        )
        .await;
    assert_eq!(status, 201);
    settle(&app).await;
    assert_eq!(fake.calls().len(), before + 1);
    let last = send_job(&app).await.pop().unwrap();
    assert_eq!(last.0, "failed");
    assert!(last.1.unwrap().contains("24-hour window"));
}

async fn whatsapp_buttons_lists_and_statuses(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let handshake = app
        .client
        .get(app.url(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-wa&hub.challenge=42",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(handshake.text().await.unwrap(), "42");

    let hello = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.1", "timestamp": "1", "type": "text", "text": {"body": "hallo"}}),
    );
    assert_eq!(whatsapp(&app, &hello).await.0, 200);
    let calls = fake.wait_for(1).await;
    let first = &calls[0];
    assert_eq!(first.path, format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(first.authorization, "Bearer wa-token");
    assert_eq!(
        (
            first.body["messaging_product"].as_str(),
            first.body["to"].as_str()
        ),
        (Some("whatsapp"), Some("4915112345678"))
    );
    check_whatsapp_limits(&first.body);

    // Statuses are not turns; a signed body with a wrong signature is refused.
    let mut statuses = sample("whatsapp/status_read.pywa.json");
    statuses["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] =
        json!(PHONE_NUMBER_ID);
    assert_eq!(whatsapp(&app, &statuses).await.0, 200);
    let raw = serde_json::to_vec(&hello).unwrap();
    let (status, _) = post_raw(
        &app,
        "/webhooks/whatsapp",
        raw,
        &[("x-hub-signature-256", "sha256=00".into())],
    )
    .await;
    assert_eq!(status, 401);

    // An image gets a polite text; a tapped button or list row is a choice.
    let image = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.2", "timestamp": "2", "type": "image", "image": {"id": "img", "mime_type": "image/jpeg"}}),
    );
    assert_eq!(whatsapp(&app, &image).await.0, 200);
    let calls = fake.wait_for(2).await;
    assert!(calls[1].body["text"]["body"].is_string() || calls[1].body["interactive"].is_object());
    let choice_id = first_choice_id(&first.body);
    let tap = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.3", "timestamp": "3", "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": choice_id, "title": "x"}}}),
    );
    assert_eq!(whatsapp(&app, &tap).await.0, 200);
    fake.wait_for(3).await;
    settle(&app).await;
    let answered = fake.calls();
    answered[2..]
        .iter()
        .for_each(|c| check_whatsapp_limits(&c.body));
    assert_eq!(whatsapp(&app, &tap).await.0, 200, "a redelivery");
    settle(&app).await;
    assert_eq!(
        fake.calls().len(),
        answered.len(),
        "a redelivery is answered once"
    );
}

fn check_whatsapp_limits(body: &Value) {
    let interactive = &body["interactive"];
    match interactive["type"].as_str() {
        Some("button") => {
            let buttons = interactive["action"]["buttons"].as_array().unwrap();
            assert!(buttons.len() <= 3);
            assert!(
                buttons
                    .iter()
                    .all(|b| b["reply"]["title"].as_str().unwrap().chars().count() <= 20)
            );
        }
        Some("list") => {
            let rows = interactive["action"]["sections"][0]["rows"]
                .as_array()
                .unwrap();
            assert!(rows.len() <= 10);
            assert!(
                rows.iter()
                    .all(|r| r["title"].as_str().unwrap().chars().count() <= 24)
            );
        }
        _ => assert!(body["text"]["body"].is_string(), "{body}"),
    }
}

fn first_choice_id(body: &Value) -> String {
    let interactive = &body["interactive"];
    interactive["action"]["buttons"][0]["reply"]["id"]
        .as_str()
        .or(interactive["action"]["sections"][0]["rows"][0]["id"].as_str())
        .expect("a choice")
        .to_owned()
}

pub(crate) async fn telegram(app: &TestApp, update: &Value, secret: &str) -> (u16, String) {
    post_raw(
        app,
        "/webhooks/telegram/shop",
        serde_json::to_vec(update).unwrap(),
        &[
            ("content-type", "application/json".into()),
            ("x-telegram-bot-api-secret-token", secret.into()),
        ],
    )
    .await
}

async fn telegram_secret_token_callbacks_and_rate_limits(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let mut update = sample("telegram/update_text.courier.json");
    assert_eq!(telegram(&app, &update, "wrong").await.0, 401);
    assert_eq!(
        telegram(&app, &update, &TELEGRAM_SECRET.to_lowercase())
            .await
            .0,
        401
    );

    // Telegram says to wait: the message waits that long, then goes out once.
    fake.answer_next(429, json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 30", "parameters": {"retry_after": 30}}));
    update["message"]["text"] = json!("hi");
    assert_eq!(telegram(&app, &update, TELEGRAM_SECRET).await.0, 200);
    let calls = fake.wait_for(1).await;
    let chat = update["message"]["chat"]["id"].clone();
    assert_eq!(calls[0].path, "/bot123456:ABC-def/sendMessage");
    assert_eq!(calls[0].body["chat_id"], chat);
    settle(&app).await;
    let (status, error) = send_job(&app).await.pop().unwrap();
    assert_eq!(status, "pending");
    assert!(error.unwrap().contains("429"));
    app.clock.advance(Duration::seconds(31));
    let calls = fake.wait_for(2).await;
    let keyboard = calls[1].body["reply_markup"]["inline_keyboard"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!keyboard.is_empty());
    settle(&app).await;
    assert_eq!(fake.calls().len(), 2);

    // A tapped button: the webhook's answer acknowledges it, and the conversation moves on.
    let data = keyboard[0][0]["callback_data"].as_str().unwrap();
    assert!(data.len() <= 64);
    let tap = json!({"update_id": 900, "callback_query": {"id": "cb-1", "from": {"id": 1, "first_name": "Kim", "language_code": "en"},
        "chat_instance": "x", "data": data, "message": {"message_id": 5, "chat": {"id": chat, "type": "private"}, "date": 1}}});
    let (status, body) = telegram(&app, &tap, TELEGRAM_SECRET).await;
    assert_eq!(status, 200);
    let ack: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        ack,
        json!({"method": "answerCallbackQuery", "callback_query_id": "cb-1"})
    );
    fake.wait_for(3).await;

    // A customer who blocked the bot: failed for good, not retried.
    fake.answer_next(403, json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}));
    let mut again = update.clone();
    again["update_id"] = json!(901);
    again["message"]["text"] = json!("help");
    assert_eq!(telegram(&app, &again, TELEGRAM_SECRET).await.0, 200);
    fake.wait_for(4).await;
    settle(&app).await;
    let (status, error) = send_job(&app).await.pop().unwrap();
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("blocked"));
    app.clock.advance(Duration::hours(2));
    settle(&app).await;
    assert_eq!(fake.calls().len(), 4);
}

pub(crate) fn twilio_signature(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(TWILIO_TOKEN.as_bytes()).unwrap();
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn sms(app: &TestApp, sid: &str, body: &str, sign: bool) -> (u16, String) {
    let params = [
        ("MessageSid", sid),
        ("AccountSid", TWILIO_SID),
        ("From", "+4915112345678"),
        ("To", "+4930901820"),
        ("Body", body),
        ("NumMedia", "0"),
        ("SmsStatus", "received"),
    ];
    let form = serde_urlencoded::to_string(params).unwrap();
    let signature = if sign {
        twilio_signature("http://chairside.test/webhooks/twilio/shop", &params)
    } else {
        "bm9wZQ==".to_owned()
    };
    post_raw(
        app,
        "/webhooks/twilio/shop",
        form.into_bytes(),
        &[
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("x-twilio-signature", signature),
        ],
    )
    .await
}

async fn sms_signatures_and_numbered_choices(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    assert_eq!(sms(&app, "SM1", "hi", false).await.0, 401);
    let (status, twiml) = sms(&app, "SM1", "hi", true).await;
    assert_eq!(status, 200);
    assert!(twiml.contains("<Response/>"), "{twiml}");
    let calls = fake.wait_for(1).await;
    let first = &calls[0];
    assert_eq!(
        first.path,
        format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages.json")
    );
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{TWILIO_SID}:{TWILIO_TOKEN}"));
    assert_eq!(first.authorization, format!("Basic {basic}"));
    assert_eq!(
        (first.body["To"].as_str(), first.body["From"].as_str()),
        (Some("+4915112345678"), Some("+4930901820"))
    );
    let text = first.body["Body"].as_str().unwrap();
    assert!(
        text.contains("\n1 ") && text.contains("Reply with the number."),
        "{text}"
    );
    assert!(text.chars().count() <= 1600);

    // A redelivery (same MessageSid) is answered once; a digit picks the numbered choice.
    assert_eq!(sms(&app, "SM1", "hi", true).await.0, 200);
    let first_option = text
        .lines()
        .find_map(|l| l.strip_prefix("1 "))
        .unwrap()
        .to_owned();
    assert_eq!(sms(&app, "SM2", "1", true).await.0, 200);
    let calls = fake.wait_for(2).await;
    settle(&app).await;
    assert_eq!(fake.calls().len(), 2);
    let answer = calls[1].body["Body"].as_str().unwrap();
    assert_ne!(answer, text, "the digit was understood as {first_option:?}");
    assert!(
        !answer.contains("didn't understand") && !answer.contains("not sure"),
        "{answer}"
    );
}

async fn chat_reminder_outside_the_window_uses_the_template(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = connected_shop(&app).await;
    // The customer writes on WhatsApp, then books (through the API here, tied to the thread).
    let hello = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.10", "timestamp": "1", "type": "text", "text": {"body": "hi"}}),
    );
    assert_eq!(whatsapp(&app, &hello).await.0, 200);
    fake.wait_for(1).await;
    let services = app
        .get("/api/v1/businesses/shop/services", Some(&key))
        .await
        .1;
    let haircut = services["services"]
        .as_array()
        .or(services.as_array())
        .unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let slot = app
        .slots(
            "shop",
            &format!("service_id={haircut}&from=2027-03-03&to=2027-03-03"),
        )
        .await[0]
        .clone();
    let (status, booking) = app
        .book(
            "shop",
            json!({"service_id": haircut, "start": slot["start"], "staff_id": slot["staff_id"],
        "customer": {"name": "Kim", "phone": "+4915112345678"}}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    let booking_id = booking["id"].as_str().unwrap().to_owned();
    let id = booking_id.clone();
    app.state
        .db
        .write(move |conn| {
            let thread: String = conversations::table
                .filter(conversations::channel.eq("whatsapp"))
                .select(conversations::id)
                .first(conn)?;
            diesel::update(bookings::table.find(&id))
                .set((
                    bookings::channel.eq("whatsapp"),
                    bookings::conversation_id.eq(thread),
                ))
                .execute(conn)?;
            Ok::<_, chairside::storage::StorageError>(())
        })
        .await
        .unwrap();

    // The day before, long after the customer's last message: the configured template goes out,
    // its quick-reply buttons carrying Confirm, Reschedule and Cancel.
    let start = chrono::DateTime::parse_from_rfc3339(slot["start"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let due = start - Duration::hours(24) + Duration::minutes(1);
    app.clock.advance(due - app.clock.now());
    let calls = fake.wait_for(2).await;
    let reminder = &calls[1].body;
    assert_eq!(reminder["type"], "template", "{reminder}");
    assert_eq!(reminder["template"]["name"], "appointment_reminder");
    let components = reminder["template"]["components"].as_array().unwrap();
    assert_eq!(components[0]["parameters"][0]["text"], "Haircut");
    assert_eq!(
        components[0]["parameters"][2]["text"],
        start
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%H:%M")
            .to_string()
    );
    let attend = components[1]["parameters"][0]["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(attend, format!("attend:{booking_id}"));
    settle(&app).await;
    assert_eq!(fake.calls().len(), 2, "one reminder, once");

    // The customer taps Confirm on the template: attendance is recorded.
    let tap = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.11", "timestamp": "2", "type": "button", "button": {"payload": attend, "text": "Confirm"}}),
    );
    assert_eq!(whatsapp(&app, &tap).await.0, 200);
    let (_, fetched) = app
        .get(&format!("/api/v1/bookings/{booking_id}"), Some(&key))
        .await;
    assert!(fetched["attendance_confirmed_at"].is_string(), "{fetched}");
    let delivered: i64 = app
        .state
        .db
        .read(|conn| {
            conversation_messages::table
                .filter(conversation_messages::sent_at.is_not_null())
                .filter(conversation_messages::purpose.eq("update"))
                .count()
                .get_result(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .unwrap();
    assert_eq!(delivered, 1);
}

crate::on_each_backend!(a_send_cut_off_by_a_crash_is_never_repeated_and_never_lost);

/// The process dies at the two worst moments: after taking a message's job but before calling
/// the platform (the message must still go out, once), and during the call (it may have
/// arrived: it must not go out again).
async fn a_send_cut_off_by_a_crash_is_never_repeated_and_never_lost(backend: Backend) {
    use chairside::channels::{ChannelSender, Endpoints};
    use chairside::jobs::{JobQueue, Worker, WorkerConfig};

    let fake = FakePlatform::start();
    let url = fake.url.clone();
    let Some(app) = spawn_app_with(backend, move |config| {
        config.run_workers = false;
        config.telegram_api_base = url;
    })
    .await
    else {
        return;
    };
    connected_shop(&app).await;
    let worker = Worker::new(
        app.state.db.clone(),
        Arc::new(app.clock.clone()),
        JobQueue::default(),
        &app.state.metrics,
        WorkerConfig::default(),
    )
    .with_handler(Arc::new(ChannelSender::new(
        app.state.db.clone(),
        app.state.vault.clone(),
        Arc::new(app.clock.clone()),
        Endpoints {
            graph: fake.url.clone(),
            telegram: fake.url.clone(),
            twilio: fake.url.clone(),
        },
    )));
    let mut update = sample("telegram/update_text.courier.json");
    let mut say = |id: i64, text: &str| {
        update["update_id"] = json!(id);
        update["message"]["text"] = json!(text);
        update.clone()
    };

    // Died after claiming, before calling: the lease runs out and the message goes out once.
    assert_eq!(telegram(&app, &say(1, "hi"), TELEGRAM_SECRET).await.0, 200);
    let now = app.clock.now();
    app.state
        .db
        .write(move |conn| {
            chairside::storage::jobs::claim(
                conn,
                &["chat.send"],
                "a-worker-that-dies",
                10,
                now.naive_utc(),
                (now + Duration::minutes(5)).naive_utc(),
            )
        })
        .await
        .unwrap();
    assert_eq!(
        worker.run_batch().await.unwrap(),
        0,
        "the dead worker's lease still holds"
    );
    app.clock.advance(Duration::minutes(6));
    assert_eq!(worker.run_batch().await.unwrap(), 1);
    assert_eq!(fake.calls().len(), 1);

    // Died during the call: the send mark was committed, the result never was.
    assert_eq!(
        telegram(&app, &say(2, "help"), TELEGRAM_SECRET).await.0,
        200
    );
    let marked = app
        .state
        .db
        .write(|conn| {
            diesel::update(
                conversation_messages::table
                    .filter(conversation_messages::direction.eq("out"))
                    .filter(conversation_messages::sent_at.is_null()),
            )
            .set(conversation_messages::send_started_at.eq(Some(chrono::Utc::now().naive_utc())))
            .execute(conn)
            .map_err(chairside::storage::StorageError::from)
        })
        .await
        .unwrap();
    assert!(marked >= 1);
    assert!(worker.run_batch().await.unwrap() >= 1);
    assert_eq!(fake.calls().len(), 1, "not sent again");
    let (status, error) = send_job(&app).await.pop().unwrap();
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("may already have arrived"));

    // The conversation goes on normally afterwards.
    assert_eq!(telegram(&app, &say(3, "hi"), TELEGRAM_SECRET).await.0, 200);
    assert!(worker.run_batch().await.unwrap() >= 1);
    assert!(fake.calls().len() >= 2);
}

async fn webhook_bodies_beyond_a_mebibyte_are_refused_unread(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let four_megabytes = vec![b' '; 4 * 1024 * 1024];
    for path in [
        "/webhooks/messenger",
        "/webhooks/whatsapp",
        "/webhooks/telegram/shop",
        "/webhooks/twilio/shop",
    ] {
        let (status, body) = post_raw(&app, path, four_megabytes.clone(), &[]).await;
        assert_eq!(status, 413, "{path}: {body}");
        let error: Value = serde_json::from_str(&body).expect("a JSON error");
        assert_eq!(error["error"]["code"], "payload_too_large", "{path}");
    }

    // Without a Content-Length the bytes are counted as they come, and reading stops at the cap.
    let chunked = chunked_post(&app, "/webhooks/messenger", 4 * 1024 * 1024).await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    assert!(chunked.contains("payload_too_large"), "{chunked}");

    // Just under the cap is read (and refused for its signature, not its size).
    let mut big = serde_json::to_vec(&messenger_text("mid.big", "hi")).unwrap();
    big.resize(1024 * 1024 - 1, b' ');
    let signature = meta_signature(APP_SECRET, &big);
    let (status, _) = post_raw(
        &app,
        "/webhooks/messenger",
        big,
        &[("x-hub-signature-256", signature)],
    )
    .await;
    assert_eq!(status, 200);
    fake.wait_for(1).await;
}

/// Sends `size` bytes as a chunked body over a raw connection and returns what the server
/// answered, which it may do before the body is through.
async fn chunked_post(app: &TestApp, path: &str, size: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: sha256=00\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        let write = tokio::time::timeout(StdDuration::from_secs(5), stream.write_all(&frame));
        match write.await {
            Ok(Ok(())) => sent += chunk.len(),
            // The server answered and stopped reading: that is the point.
            _ => break,
        }
    }
    let _ = tokio::time::timeout(StdDuration::from_secs(2), stream.write_all(b"0\r\n\r\n")).await;
    let mut answer = vec![0; 4096];
    let n = tokio::time::timeout(StdDuration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap_or(0);
    assert!(sent < size || n > 0, "the server read all {sent} bytes");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

/// How many HMACs the server has computed for Messenger calls, from `/metrics`.
async fn signature_checks(app: &TestApp) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| {
            l.strip_prefix("chairside_webhook_signature_checks_total{platform=\"messenger\"} ")
        })
        .map_or(0, |v| v.trim().parse().unwrap())
}

async fn forged_meta_calls_cost_only_the_named_pages_secrets(backend: Backend) {
    let Some((app, _fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    for (slug, page) in [("one", "2001"), ("two", "2002"), ("three", "2003")] {
        let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
        let (status, view) = app.send("PUT", &format!("/api/v1/businesses/{slug}/channels/messenger"), Some(&key),
            json!({"page_id": page, "page_access_token": format!("{slug}-token"), "app_secret": format!("{slug}-secret"), "verify_token": format!("{slug}-verify")})).await;
        assert_eq!(status, 200, "{view}");
    }
    let forged = |page: &str| {
        let mut body = messenger_text("mid.forged", "hi");
        body["entry"][0]["id"] = json!(page);
        body
    };
    let before = signature_checks(&app).await;

    // No header, or one that is no digest: refused before the body is even parsed.
    let raw = serde_json::to_vec(&forged(PAGE)).unwrap();
    assert_eq!(
        post_raw(&app, "/webhooks/messenger", raw.clone(), &[])
            .await
            .0,
        401
    );
    let not_hex = [("x-hub-signature-256", "sha256=zz".to_owned())];
    assert_eq!(
        post_raw(&app, "/webhooks/messenger", raw, &not_hex).await.0,
        401
    );
    // A page nobody claimed: no secret is tried at all.
    for _ in 0..5 {
        assert_eq!(messenger(&app, &forged("999"), "guessed").await.0, 401);
    }
    assert_eq!(
        signature_checks(&app).await,
        before,
        "no HMAC for unknown pages"
    );

    // A claimed page: exactly its own claim's secret, whatever else is connected.
    assert_eq!(messenger(&app, &forged(PAGE), "guessed").await.0, 401);
    assert_eq!(signature_checks(&app).await, before + 1);
    // Naming three pages costs three secrets, not one per connected business.
    let mut three = forged("2001");
    let entry = three["entry"][0].clone();
    for page in ["2002", "2003"] {
        let mut more = entry.clone();
        more["id"] = json!(page);
        three["entry"].as_array_mut().unwrap().push(more);
    }
    assert_eq!(messenger(&app, &three, "guessed").await.0, 401);
    assert_eq!(signature_checks(&app).await, before + 4);

    // The real call: one check, and it goes through.
    assert_eq!(
        messenger(&app, &messenger_text("mid.1", "hi"), APP_SECRET)
            .await
            .0,
        200
    );
    assert_eq!(signature_checks(&app).await, before + 5);
}

async fn channel_status(app: &TestApp, slug: &str, key: &str, platform: &str) -> String {
    let (status, list) = app
        .get(&format!("/api/v1/businesses/{slug}/channels"), Some(key))
        .await;
    assert_eq!(status, 200, "{list}");
    list["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["platform"] == platform)
        .and_then(|c| c["status"].as_str())
        .unwrap_or("none")
        .to_owned()
}

async fn conversations_of(app: &TestApp, slug: &'static str) -> i64 {
    use chairside::storage::schema::businesses;
    app.state
        .db
        .read(move |conn| {
            conversations::table
                .inner_join(businesses::table)
                .filter(businesses::slug.eq(slug))
                .count()
                .get_result(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .expect("count conversations")
}

async fn handshake(app: &TestApp, platform: &str, verify_token: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(&format!(
            "/webhooks/{platform}?hub.mode=subscribe&hub.verify_token={verify_token}&hub.challenge=31337"
        )))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_squatter_neither_locks_out_nor_hears_the_owner(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    // The squatter enters the shop's page first, with secrets of its own choosing.
    let squatter = app
        .create_business("squat", "Europe/Berlin", json!({}))
        .await;
    let (status, claim) = app.send("PUT", "/api/v1/businesses/squat/channels/messenger", Some(&squatter),
        json!({"page_id": PAGE, "page_access_token": "squat-token", "app_secret": "squat-secret", "verify_token": "squat-verify"})).await;
    assert_eq!(
        (status, claim["status"].as_str()),
        (200, Some("pending")),
        "{claim}"
    );
    // It can make the handshake and sign calls itself, but Meta does not tie its token to the
    // page: it stays pending and its made-up messages become nothing.
    assert_eq!(
        handshake(&app, "messenger", "squat-verify").await,
        (200, "31337".to_owned())
    );
    assert_eq!(
        messenger(&app, &messenger_text("mid.s1", "hi"), "squat-secret")
            .await
            .0,
        200
    );
    assert_eq!(
        channel_status(&app, "squat", &squatter, "messenger").await,
        "pending"
    );
    assert_eq!(conversations_of(&app, "squat").await, 0);

    // The owner is not locked out: its claim is taken, and Meta's handshake makes it active.
    let key = connected_shop(&app).await;
    assert_eq!(
        channel_status(&app, "shop", &key, "messenger").await,
        "pending"
    );
    assert_eq!(
        handshake(&app, "messenger", "verify-me").await,
        (200, "31337".to_owned())
    );
    assert_eq!(
        channel_status(&app, "shop", &key, "messenger").await,
        "active"
    );

    // The squatter's calls change nothing; the owner's customers reach the owner only.
    assert_eq!(
        messenger(&app, &messenger_text("mid.s2", "hi"), "squat-secret")
            .await
            .0,
        200
    );
    assert_eq!(handshake(&app, "messenger", "squat-verify").await.0, 200);
    assert_eq!(
        channel_status(&app, "shop", &key, "messenger").await,
        "active"
    );
    assert_eq!(
        channel_status(&app, "squat", &squatter, "messenger").await,
        "pending"
    );
    assert_eq!(
        messenger(&app, &messenger_text("mid.1", "hi"), APP_SECRET)
            .await
            .0,
        200
    );
    let calls = fake.wait_for(1).await;
    assert_eq!(calls[0].authorization, "Bearer page-token");
    settle(&app).await;
    assert_eq!(fake.calls().len(), 1, "{:?}", fake.calls());
    assert_eq!(conversations_of(&app, "shop").await, 1);
    assert_eq!(conversations_of(&app, "squat").await, 0);
}

async fn a_whatsapp_claim_becomes_active_with_its_first_signed_call(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = connected_shop(&app).await;
    assert_eq!(
        channel_status(&app, "shop", &key, "whatsapp").await,
        "pending"
    );
    assert_eq!(
        channel_status(&app, "shop", &key, "telegram").await,
        "active"
    );
    let hello = whatsapp_message(
        json!({"from": "4915112345678", "id": "wamid.1", "timestamp": "1", "type": "text", "text": {"body": "hallo"}}),
    );
    assert_eq!(whatsapp(&app, &hello).await.0, 200);
    assert_eq!(
        channel_status(&app, "shop", &key, "whatsapp").await,
        "active"
    );
    let calls = fake.wait_for(1).await;
    assert_eq!(calls[0].authorization, "Bearer wa-token");

    // Naming another number starts a new claim; the old proof does not carry over.
    let (status, view) = app.send("PUT", "/api/v1/businesses/shop/channels/whatsapp", Some(&key),
        json!({"phone_number_id": "999000", "access_token": "wa-token", "app_secret": APP_SECRET, "verify_token": "verify-wa"})).await;
    assert_eq!(
        (status, view["status"].as_str()),
        (200, Some("pending")),
        "{view}"
    );
}

async fn slug_webhooks_answer_an_unknown_address_as_a_wrong_secret(backend: Backend) {
    let Some((app, _fake)) = spawn_with_fake(backend).await else {
        return;
    };
    connected_shop(&app).await;
    app.create_business("bare", "Europe/Berlin", json!({}))
        .await;
    let update = sample("telegram/update_text.courier.json");
    let body = serde_json::to_vec(&update).unwrap();
    let mut answers = Vec::new();
    for (slug, secret) in [
        ("shop", "wrong"),
        ("nobody-here", TELEGRAM_SECRET),
        ("bare", TELEGRAM_SECRET),
    ] {
        let path = format!("/webhooks/telegram/{slug}");
        let headers = [("x-telegram-bot-api-secret-token", secret.to_owned())];
        answers.push(post_raw(&app, &path, body.clone(), &headers).await);
    }
    assert_eq!(answers[0].0, 401, "{answers:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");

    let params = [
        ("MessageSid", "SM9"),
        ("From", "+4915112345678"),
        ("Body", "hi"),
    ];
    let form = serde_urlencoded::to_string(params).unwrap();
    let mut answers = Vec::new();
    for (slug, sign) in [("shop", false), ("nobody-here", true), ("bare", true)] {
        let url = format!("http://chairside.test/webhooks/twilio/{slug}");
        let signature = if sign {
            twilio_signature(&url, &params)
        } else {
            "bm9wZQ==".to_owned()
        };
        let headers = [
            (
                "content-type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("x-twilio-signature", signature),
        ];
        answers.push(
            post_raw(
                &app,
                &format!("/webhooks/twilio/{slug}"),
                form.clone().into_bytes(),
                &headers,
            )
            .await,
        );
    }
    assert_eq!(answers[0].0, 401, "{answers:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
}
