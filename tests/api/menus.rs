//! Each platform's own entry points, set up when a connection becomes active and again on
//! request: the requests that arrive at the fake platform API equal the fixtures in
//! `tests/data/platform-menus/`, written from the platforms' documented shapes — on both
//! backends.

use chairside::clock::ManualClock;
use chairside::config::Config;
use chairside::storage::schema::jobs;
use chrono::Duration;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::channels::{
    APP_SECRET, Call, FakePlatform, PAGE, PHONE_NUMBER_ID, TELEGRAM_SECRET, meta_webhook, settle,
    spawn_with_fake,
};
use crate::helpers::*;

const FIXTURES: &str = "tests/data/platform-menus";

fn fixture(name: &str) -> Value {
    let raw = std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture");
    serde_json::from_str(&raw).expect("fixture is JSON")
}

fn as_sent(call: &Call) -> Value {
    json!({"path": call.path, "authorization": call.authorization, "body": call.body})
}

/// Waits until `n` menu calls arrived, and a moment longer for any that should not.
async fn menu_calls(app: &TestApp, fake: &FakePlatform, n: usize) -> Vec<Call> {
    for _ in 0..200 {
        if fake.menu_calls().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    settle(app).await;
    let calls = fake.menu_calls();
    assert_eq!(
        calls.len(),
        n,
        "menu calls: {:?}",
        calls.iter().map(|c| &c.path).collect::<Vec<_>>()
    );
    calls
}

fn assert_sent(calls: &[Call], fixtures: &[&str]) {
    assert_eq!(calls.len(), fixtures.len());
    for (call, name) in calls.iter().zip(fixtures) {
        assert_eq!(as_sent(call), fixture(name), "{name}");
    }
}

const TELEGRAM: [&str; 3] = [
    "telegram-commands.json",
    "telegram-commands-en.json",
    "telegram-commands-es.json",
];

/// The business the fixtures were written for.
async fn salon(app: &TestApp) -> String {
    app.create_business(
        "salon",
        "Europe/Berlin",
        json!({"name": "Salon Lena", "locale": "de", "address": "Torstraße 12, 10119 Berlin"}),
    )
    .await
}

async fn connect(app: &TestApp, slug: &str, key: &str, platform: &str, body: Value) -> Value {
    let (status, view) = app
        .send(
            "PUT",
            &format!("/api/v1/businesses/{slug}/channels/{platform}"),
            Some(key),
            body,
        )
        .await;
    assert_eq!(status, 200, "{platform}: {view}");
    view
}

fn messenger_connection() -> Value {
    json!({"page_id": PAGE, "page_access_token": "page-token", "app_secret": APP_SECRET, "verify_token": "verify-me"})
}

fn whatsapp_connection() -> Value {
    json!({"phone_number_id": PHONE_NUMBER_ID, "access_token": "wa-token", "app_secret": APP_SECRET, "verify_token": "verify-wa"})
}

fn telegram_connection(secret: &str) -> Value {
    json!({"bot_token": "123456:ABC-def", "secret_token": secret})
}

/// Meta's subscription handshake, which (with Meta's word on the token) makes a claim active.
async fn handshake(app: &TestApp, platform: &str, verify_token: &str) {
    let response = app
        .client
        .get(app.url(&format!(
            "/webhooks/{platform}?hub.mode=subscribe&hub.verify_token={verify_token}&hub.challenge=7"
        )))
        .send()
        .await
        .expect("handshake");
    assert_eq!(response.status().as_u16(), 200);
}

async fn ask_again(app: &TestApp, slug: &str, key: &str, platform: &str) -> (u16, Value) {
    app.post(
        &format!("/api/v1/businesses/{slug}/channels/{platform}/menus"),
        Some(key),
        Value::Null,
    )
    .await
}

/// (dedupe key, status, attempts, last error) of every menus job.
async fn menu_jobs(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    app.state
        .db
        .read(|conn| {
            jobs::table
                .filter(jobs::kind.eq("channel.menus"))
                .order(jobs::created_at)
                .select((
                    jobs::dedupe_key.assume_not_null(),
                    jobs::status,
                    jobs::attempts,
                    jobs::last_error,
                ))
                .load(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .await
        .expect("jobs")
}

async fn restart(app: TestApp, fake: &FakePlatform) -> TestApp {
    let (backend, clock): (Backend, ManualClock) = (app.backend, app.clock.clone());
    let database = app.stop().await;
    let mut config = Config::for_tests(database.url());
    config.graph_api_base = fake.url.clone();
    config.telegram_api_base = fake.url.clone();
    config.twilio_api_base = fake.url.clone();
    spawn_with_config(database, backend, clock, config).await
}

crate::on_each_backend!(
    menus_are_set_up_once_per_activation_and_again_on_request,
    a_platforms_refusal_is_recorded_and_its_trouble_retried,
);

async fn menus_are_set_up_once_per_activation_and_again_on_request(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    let key = salon(&app).await;

    // Telegram is active from the start: its command lists go out at once.
    connect(
        &app,
        "salon",
        &key,
        "telegram",
        telegram_connection(TELEGRAM_SECRET),
    )
    .await;
    let calls = menu_calls(&app, &fake, 3).await;
    assert_sent(&calls, &TELEGRAM);

    // A Messenger page and a WhatsApp number are set up when Meta confirms the claim.
    connect(&app, "salon", &key, "messenger", messenger_connection()).await;
    connect(&app, "salon", &key, "whatsapp", whatsapp_connection()).await;
    menu_calls(&app, &fake, 3).await;
    handshake(&app, "messenger", "verify-me").await;
    let calls = menu_calls(&app, &fake, 4).await;
    assert_sent(&calls[3..], &["messenger-profile.json"]);
    handshake(&app, "whatsapp", "verify-wa").await;
    let calls = menu_calls(&app, &fake, 5).await;
    assert_sent(&calls[4..], &["whatsapp-business-profile.json"]);

    // Nothing that is not a new activation sets them up again: another handshake, signed
    // webhook calls, a change of the bot's secret, a restart.
    handshake(&app, "messenger", "verify-me").await;
    handshake(&app, "whatsapp", "verify-wa").await;
    let event = json!({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": [
        {"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": 1, "message": {"mid": "mid.m1", "text": "hallo"}}]}]});
    assert_eq!(
        meta_webhook(&app, "/webhooks/messenger", &event, APP_SECRET)
            .await
            .0,
        200
    );
    connect(
        &app,
        "salon",
        &key,
        "telegram",
        telegram_connection("another_Secret"),
    )
    .await;
    menu_calls(&app, &fake, 5).await;
    let app = restart(app, &fake).await;
    menu_calls(&app, &fake, 5).await;
    let done: Vec<String> = menu_jobs(&app).await.into_iter().map(|j| j.1).collect();
    assert_eq!(done, ["done", "done", "done"]);
    let (_, list) = app
        .get("/api/v1/businesses/salon/channels", Some(&key))
        .await;
    for channel in list["channels"].as_array().expect("channels") {
        assert_eq!(channel["menus"]["status"], "done", "{channel}");
    }

    // On request, again, whatever was done before.
    let (status, queued) = ask_again(&app, "salon", &key, "telegram").await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["status"], "queued");
    let calls = menu_calls(&app, &fake, 8).await;
    assert_sent(&calls[5..], &TELEGRAM);
    assert_eq!(ask_again(&app, "salon", &key, "messenger").await.0, 202);
    let calls = menu_calls(&app, &fake, 9).await;
    assert_sent(&calls[8..], &["messenger-profile.json"]);
    assert_eq!(ask_again(&app, "salon", &key, "telegram").await.0, 202);
    menu_calls(&app, &fake, 12).await;

    // A new token is a new start: another bot gets its commands.
    connect(
        &app,
        "salon",
        &key,
        "telegram",
        json!({"bot_token": "654321:New-key", "secret_token": TELEGRAM_SECRET}),
    )
    .await;
    let calls = menu_calls(&app, &fake, 15).await;
    for (call, name) in calls[12..].iter().zip(TELEGRAM) {
        let mut wanted = fixture(name);
        wanted["path"] = json!("/bot654321:New-key/setMyCommands");
        assert_eq!(as_sent(call), wanted);
    }

    // SMS has no menus; unknown platforms, missing connections and other callers get nothing.
    assert_eq!(ask_again(&app, "salon", &key, "twilio").await.0, 422);
    assert_eq!(ask_again(&app, "salon", &key, "fax").await.0, 404);
    let other = app
        .create_business("other", "Europe/Berlin", json!({}))
        .await;
    assert_eq!(ask_again(&app, "other", &other, "telegram").await.0, 404);
    assert_eq!(ask_again(&app, "salon", &other, "telegram").await.0, 403);
    let (status, _) = app
        .post(
            "/api/v1/businesses/salon/channels/telegram/menus",
            None,
            Value::Null,
        )
        .await;
    assert_eq!(status, 401);
    // A claim not yet proven sends nothing, menus included.
    connect(&app, "other", &other, "messenger", messenger_connection()).await;
    assert_eq!(ask_again(&app, "other", &other, "messenger").await.0, 409);
    menu_calls(&app, &fake, 15).await;

    // The owner's session may ask too; a staff login may not.
    let path = "/api/v1/businesses/salon/channels/messenger/menus";
    app.add_login("salon", &key, "sam@salon.example", "staff")
        .await;
    let staff = app.log_in("sam@salon.example", TEST_PASSWORD).await;
    assert_eq!(app.send_as(&staff, "POST", path, Value::Null).await.0, 403);
    app.add_login("salon", &key, "lena@salon.example", "owner")
        .await;
    let owner = app.log_in("lena@salon.example", TEST_PASSWORD).await;
    assert_eq!(app.send_as(&owner, "POST", path, Value::Null).await.0, 202);
    let calls = menu_calls(&app, &fake, 16).await;
    assert_sent(&calls[15..], &["messenger-profile.json"]);
}

async fn a_platforms_refusal_is_recorded_and_its_trouble_retried(backend: Backend) {
    let Some((app, fake)) = spawn_with_fake(backend).await else {
        return;
    };
    // No address: the WhatsApp profile is left as it is.
    let key = app
        .create_business(
            "shop",
            "Europe/Berlin",
            json!({"name": "Shop", "locale": "en"}),
        )
        .await;
    connect(&app, "shop", &key, "whatsapp", whatsapp_connection()).await;
    handshake(&app, "whatsapp", "verify-wa").await;
    menu_calls(&app, &fake, 0).await;
    let jobs = menu_jobs(&app).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].1, "cancelled");
    assert!(
        jobs[0].3.as_deref().unwrap_or_default().contains("address"),
        "{jobs:?}"
    );

    // A page token without the permission: Graph answers 403, and the job fails once, saying so.
    fake.answer_menu_next(
        403,
        json!({"error": {"message": "(#200) Requires pages_messaging permission to manage the object",
                         "type": "OAuthException", "code": 200, "fbtrace_id": "AbCdEf"}}),
    );
    connect(&app, "shop", &key, "messenger", messenger_connection()).await;
    handshake(&app, "messenger", "verify-me").await;
    menu_calls(&app, &fake, 1).await;
    app.clock.advance(Duration::hours(3));
    menu_calls(&app, &fake, 1).await;
    let jobs = menu_jobs(&app).await;
    let (_, status, attempts, error) = &jobs[1];
    assert_eq!((status.as_str(), *attempts), ("failed", 1), "{jobs:?}");
    let error = error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("Messenger refused to set the page's Get Started button")
            && error.contains("permissions are not accepted")
            && error.contains("Requires pages_messaging permission"),
        "{error}"
    );

    // The owner sees both in the connections' view.
    let menus = |list: &Value, platform: &str| {
        list["channels"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["platform"] == platform))
            .map(|c| c["menus"].clone())
            .unwrap_or_default()
    };
    let (status, list) = app
        .get("/api/v1/businesses/shop/channels", Some(&key))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(menus(&list, "messenger")["status"], "failed");
    assert_eq!(menus(&list, "messenger")["error"], error);
    assert_eq!(menus(&list, "whatsapp")["status"], "cancelled");

    // Meta's trouble is retried by the queue until it passes.
    fake.answer_menu_next(
        503,
        json!({"error": {"message": "Service temporarily unavailable", "code": 2}}),
    );
    let (status, queued) = ask_again(&app, "shop", &key, "messenger").await;
    assert_eq!(status, 202);
    menu_calls(&app, &fake, 2).await;
    let jobs = menu_jobs(&app).await;
    assert_eq!(
        jobs.len(),
        2,
        "asking again re-arms the connection's one job"
    );
    assert_eq!((jobs[1].1.as_str(), jobs[1].2), ("pending", 1), "{jobs:?}");
    let (_, list) = app
        .get("/api/v1/businesses/shop/channels", Some(&key))
        .await;
    assert_eq!(menus(&list, "messenger")["status"], "pending");
    assert!(
        menus(&list, "messenger")["error"]
            .as_str()
            .is_some_and(|e| e.contains("not set yet") && e.contains("HTTP 503")),
        "{list}"
    );
    app.clock.advance(Duration::minutes(1));
    let calls = menu_calls(&app, &fake, 3).await;
    assert_eq!(calls[2].body, calls[1].body);
    let jobs = menu_jobs(&app).await;
    assert_eq!((jobs[1].1.as_str(), jobs[1].2), ("done", 2), "{jobs:?}");
    let (_, list) = app
        .get("/api/v1/businesses/shop/channels", Some(&key))
        .await;
    let messenger = menus(&list, "messenger");
    assert_eq!(
        (&messenger["status"], &messenger["error"]),
        (&json!("done"), &Value::Null)
    );
    assert!(queued["job_id"].is_string());
}
