//! Per-client request limits on the public endpoints: 429 `rate_limited` with `Retry-After`,
//! the business's own traffic and webhooks untouched, one budget across instances, keyed by the
//! real client address whatever forwarded headers say, bounded memory under a flood of
//! addresses, nothing limited with `CHAIRSIDE_RATE_LIMITS=off`. Also the metrics' labels.

use chairside::api::client::{ClientAddress, parse_trusted_proxies};
use chairside::config::Config;
use chairside::limits::{LimitClass, Rate};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

/// Limits on, with small budgets so that a test reaches them quickly.
fn small_limits(config: &mut Config) {
    config.rate_limits = true;
    for (class, rate) in [
        (LimitClass::Availability, "5/min"),
        (LimitClass::Chat, "4/min"),
        (LimitClass::Booking, "3/h"),
        (LimitClass::Manage, "3/min"),
        (LimitClass::PasswordReset, "2/h"),
    ] {
        config.limits.set(class, Some(Rate::parse(rate).unwrap()));
    }
}

fn behind_a_proxy(config: &mut Config) {
    small_limits(config);
    config.trusted_proxies = parse_trusted_proxies("127.0.0.1").unwrap();
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

struct Shop {
    key: String,
    cut: String,
}

/// A Berlin shop with Sam working every day 09:00–18:00 and a 30-minute cut.
async fn shop(app: &TestApp) -> Shop {
    let key = app
        .create_business("barber", "Europe/Berlin", json!({}))
        .await;
    let sam = app
        .add_staff(
            "barber",
            &key,
            "Sam",
            every_day(json!([["09:00", "18:00"]])),
        )
        .await;
    let cut = app
        .add_service(
            "barber",
            &key,
            json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam]}),
        )
        .await;
    Shop { key, cut }
}

fn availability(shop: &Shop) -> String {
    format!(
        "/api/v1/businesses/barber/availability?service_id={}&from=2027-03-02",
        shop.cut
    )
}

/// A GET with extra headers: (status, body, Retry-After).
async fn get_with(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value, Option<i64>) {
    let mut req = app.client.get(app.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let response = req.send().await.expect("request");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let (status, body) = read(response).await;
    (status, body, retry_after)
}

/// Waits (at most 15 s) until the app's background rounds have told it that the client's
/// availability budget is spent.
async fn hears_of_it(app: &TestApp, client: &ClientAddress) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while app.state.limits.room(LimitClass::Availability, client) != Some(0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the background rounds did not run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn chat_turn(n: usize) -> Value {
    json!({"conversation_id": "limits-test-conversation", "message_id": format!("m{n}"), "text": "hi"})
}

on_both_backends! {
    configure small_limits;

    async fn public_endpoints_refuse_a_script_with_429_and_retry_after(app: TestApp) {
        let shop = shop(&app).await;
        let slots = availability(&shop);
        for _ in 0..5 {
            assert_eq!(get_with(&app, &slots, &[]).await.0, 200);
        }
        let (status, body, retry_after) = get_with(&app, &slots, &[]).await;
        assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
        // 5 a minute: one comes back every 12 seconds.
        assert_eq!(retry_after, Some(12));
        assert!(body["error"]["message"].as_str().unwrap().contains("12 seconds"), "{body}");
        // The profile is part of the same budget.
        assert_eq!(get_with(&app, "/api/v1/businesses/barber/profile", &[]).await.0, 429);
        // The business's own key passes; an invented one does not.
        let key = format!("Bearer {}", shop.key);
        assert_eq!(get_with(&app, &slots, &[("authorization", &key)]).await.0, 200);
        let forged = "Bearer csk_invented_key_that_opens_nothing";
        assert_eq!(get_with(&app, &slots, &[("authorization", forged)]).await.0, 429);
        // Time refills the bucket, one request at a time.
        app.clock.advance(chrono::Duration::seconds(12));
        assert_eq!(get_with(&app, &slots, &[]).await.0, 200);
        assert_eq!(get_with(&app, &slots, &[]).await.0, 429);

        // Chat turns and the widget's polling share the chat budget.
        let chat = "/api/v1/businesses/barber/chat";
        for n in 0..3 {
            let (status, body) = app.post(chat, None, chat_turn(n)).await;
            assert_eq!(status, 200, "{body}");
        }
        let poll = "/api/v1/businesses/barber/chat/limits-test-conversation/messages";
        assert_eq!(app.get(poll, None).await.0, 200);
        let (status, body) = app.post(chat, None, chat_turn(9)).await;
        assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
        assert_eq!(app.get(poll, None).await.0, 429);

        // Bookings: three, then refused before anything is written.
        let mut made = Vec::new();
        for hour in ["10:00", "11:00", "12:00"] {
            let (status, booking) = app
                .book("barber", json!({"service_id": shop.cut, "start": format!("2027-03-02T{hour}"), "customer": customer("Ben")}))
                .await;
            assert_eq!(status, 201, "{booking}");
            made.push(booking);
        }
        let (status, body) = app
            .book("barber", json!({"service_id": shop.cut, "start": "2027-03-02T13:00", "customer": customer("Bot")}))
            .await;
        assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
        let (_, list) = app
            .get("/api/v1/businesses/barber/bookings?from=2027-03-02&to=2027-03-02", Some(&shop.key))
            .await;
        assert_eq!(list["bookings"].as_array().map(Vec::len), Some(3), "{list}");

        // A customer's manage token is limited; the business's key on the same booking is not.
        let id = made[0]["id"].as_str().unwrap();
        let token = made[0]["manage_token"].as_str().unwrap();
        let own = format!("/api/v1/bookings/{id}?token={token}");
        for _ in 0..2 {
            assert_eq!(app.get(&own, None).await.0, 200);
        }
        let calendar = format!("/api/v1/bookings/{id}/calendar.ics?token={token}");
        assert_eq!(get_with(&app, &calendar, &[]).await.0, 200);
        let (status, body) = app.get(&own, None).await;
        assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel?token={token}"), None, Value::Null).await;
        assert_eq!(status, 429);
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&shop.key)).await.1["status"], "confirmed");

        // Signed webhooks carry no per-client limit: their senders are the platforms.
        for _ in 0..10 {
            let response = app.client.post(app.url("/webhooks/telegram/barber"))
                .header("x-telegram-bot-api-secret-token", "wrong")
                .json(&json!({"update_id": 1})).send().await.unwrap();
            assert_ne!(response.status().as_u16(), 429);
        }

        // Refusals are counted by class in the metrics.
        let (_, metrics) = app.get("/metrics", None).await;
        let metrics = metrics.as_str().unwrap().to_owned();
        for class in ["availability", "chat", "booking", "manage"] {
            assert!(metrics.contains(&format!("chairside_rate_limited_total{{class=\"{class}\"}}")), "{class}: {metrics}");
        }
    }

    async fn two_instances_share_one_budget(app: TestApp) {
        let shop = shop(&app).await;
        let mut config = Config::for_tests(app.database.url());
        small_limits(&mut config);
        let second = spawn_with_config(app.database.clone(), app.backend, app.clock.clone(), config).await;
        let slots = availability(&shop);
        let client = ClientAddress("127.0.0.1".parse().unwrap());

        for _ in 0..3 {
            assert_eq!(app.get(&slots, None).await.0, 200);
        }
        app.state.limits.reconcile().await.expect("reconciled");
        // The second instance meets this client for the first time: until its next round it
        // cannot know, so it admits one and then hears of the other three.
        assert_eq!(second.get(&slots, None).await.0, 200);
        second.state.limits.reconcile().await.expect("reconciled");
        assert_eq!(second.state.limits.room(LimitClass::Availability, &client), Some(1));
        assert_eq!(second.get(&slots, None).await.0, 200);
        assert_eq!(second.get(&slots, None).await.0, 429);
        // The first instance hears of the second's use in its own rounds, by itself.
        hears_of_it(&app, &client).await;
        assert_eq!(app.get(&slots, None).await.0, 429);
        // Time refills the one shared bucket for both.
        app.clock.advance(chrono::Duration::seconds(12));
        assert_eq!(app.state.limits.room(LimitClass::Availability, &client), Some(1));
        assert_eq!(second.get(&slots, None).await.0, 200);
        hears_of_it(&app, &client).await;
        assert_eq!(app.get(&slots, None).await.0, 429);
        // Another client has a budget of its own.
        assert_eq!(app.state.limits.room(LimitClass::Availability, &ClientAddress("192.0.2.1".parse().unwrap())), Some(5));
    }

    async fn forwarded_headers_from_a_stranger_do_not_escape_the_limit(app: TestApp) {
        let shop = shop(&app).await;
        let slots = availability(&shop);
        for n in 0..5 {
            let invented = format!("198.51.100.{n}");
            let forwarded = format!("for={invented}");
            let (status, _, _) = get_with(&app, &slots, &[("x-forwarded-for", &invented), ("forwarded", &forwarded)]).await;
            assert_eq!(status, 200);
        }
        let (status, _, _) = get_with(&app, &slots, &[("x-forwarded-for", "203.0.113.77")]).await;
        assert_eq!(status, 429);
        let (status, _, _) = get_with(&app, &slots, &[("x-forwarded-for", "garbage,,,;;")]).await;
        assert_eq!(status, 429);
    }
}

on_both_backends! {
    configure behind_a_proxy;

    async fn behind_a_trusted_proxy_each_client_has_its_own_budget(app: TestApp) {
        let shop = shop(&app).await;
        let slots = availability(&shop);
        for _ in 0..5 {
            assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", "198.51.100.1")]).await.0, 200);
        }
        assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", "198.51.100.1")]).await.0, 429);
        // Whatever the client wrote to the left of the proxy's entry is ignored.
        assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", "10.9.9.9, 198.51.100.1")]).await.0, 429);
        let (status, _, _) = get_with(&app, &slots, &[("forwarded", "for=198.51.100.2;proto=https")]).await;
        assert_eq!(status, 200);
        // One IPv6 client is its /64.
        for n in 0..5 {
            let address = format!("2001:db8:1:2::{n}");
            assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", &address)]).await.0, 200);
        }
        assert_eq!(get_with(&app, &slots, &[("forwarded", "for=\"[2001:db8:1:2::99]:4711\"")]).await.0, 429);
        assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", "2001:db8:1:3::1")]).await.0, 200);
        // A malformed entry stops at the proxy: its requests count under the proxy's address.
        for value in ["not-an-address", "999.1.1.1", "[::1", ""] {
            let (status, body, _) = get_with(&app, &slots, &[("x-forwarded-for", value)]).await;
            assert_eq!(status, 200, "{value:?}: {body}");
        }
        assert_eq!(get_with(&app, &slots, &[]).await.0, 200);
        assert_eq!(get_with(&app, &slots, &[("x-forwarded-for", "still:not:an:address:at:all:really:no")]).await.0, 429);
    }
}

on_both_backends! {
    configure |config: &mut Config| {
        behind_a_proxy(config);
        config.limits.max_clients = 50;
    };

    async fn a_flood_of_addresses_is_served_in_bounded_memory(app: TestApp) {
        let shop = shop(&app).await;
        let slots = availability(&shop);
        let mut tasks = Vec::new();
        for batch in 0..10 {
            let client = app.client.clone();
            let url = app.url(&slots);
            tasks.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for n in 0..50 {
                    let address = format!("10.1.{batch}.{n}");
                    let response = client.get(&url).header("x-forwarded-for", address).send().await.unwrap();
                    statuses.push(response.status().as_u16());
                }
                statuses
            }));
        }
        for task in tasks {
            // Every newcomer is served.
            assert!(task.await.unwrap().iter().all(|s| *s == 200));
        }
        assert!(app.state.limits.tracked() <= 50, "{}", app.state.limits.tracked());
        let (_, metrics) = app.get("/metrics", None).await;
        let held: i64 = metrics.as_str().unwrap().lines()
            .find_map(|l| l.strip_prefix("chairside_rate_limit_buckets "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the gauge");
        assert!((1..=50).contains(&held), "{held}");
    }
}

on_both_backends! {
    async fn with_rate_limits_off_nothing_is_limited(app: TestApp) {
        let shop = shop(&app).await;
        assert!(!app.state.limits.enabled());
        let slots = availability(&shop);
        // More than the default budgets of availability (120/min) and chat (60/min).
        for _ in 0..130 {
            assert_eq!(app.get(&slots, None).await.0, 200);
        }
        for n in 0..65 {
            let (status, body) = app.post("/api/v1/businesses/barber/chat", None, chat_turn(n)).await;
            assert_eq!(status, 200, "{body}");
        }
        assert_eq!(app.state.limits.tracked(), 0);
    }

    async fn odd_methods_and_paths_add_no_label_sets(app: TestApp) {
        shop(&app).await;
        let series = |text: &str| -> Vec<String> {
            text.lines().filter(|l| l.starts_with("chairside_http_requests_total{")).map(str::to_owned).collect()
        };
        let before = series(app.get("/metrics", None).await.1.as_str().unwrap());
        let mut tasks = Vec::new();
        for batch in 0..20 {
            let client = app.client.clone();
            let base = app.address.clone();
            tasks.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for n in 0..50 {
                    let i = batch * 50 + n;
                    let method = reqwest::Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap();
                    let path = match i % 4 {
                        0 => format!("/nope/{i}"),
                        1 => format!("/api/v1/businesses/barber/nope{i}"),
                        2 => format!("/api/v1/bookings/{i}"),
                        _ => format!("/static/{i}/x.js"),
                    };
                    let response = client.request(method, format!("{base}{path}")).send().await.unwrap();
                    let status = response.status().as_u16();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    statuses.push((status, body["error"]["code"].is_string()));
                }
                statuses
            }));
        }
        for task in tasks {
            for (status, json_error) in task.await.unwrap() {
                assert!(status == 404 || status == 405, "{status}");
                assert!(json_error, "a JSON error body");
            }
        }
        let after = series(app.get("/metrics", None).await.1.as_str().unwrap());
        let added: Vec<&String> = after.iter().filter(|s| !before.iter().any(|b| b.split(' ').next() == s.split(' ').next())).collect();
        // Only (route pattern or `unmatched`) × OTHER × (404 or 405), and /metrics itself.
        assert!(added.len() <= 6, "{added:#?}");
        for line in &after {
            assert!(!line.contains("BREW") && !line.contains("nope"), "{line}");
            assert!(["GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"].iter().any(|m| line.contains(&format!("method=\"{m}\""))), "{line}");
        }
        assert!(after.iter().any(|l| l.contains("method=\"OTHER\",route=\"unmatched\",status=\"404\"")), "{after:#?}");
    }
}

on_both_backends! {
    configure |config: &mut Config| { config.metrics_token = Some("metrics-s3cret".to_owned()); };

    async fn the_metrics_token_protects_the_metrics(app: TestApp) {
        let (status, body) = app.get("/metrics", None).await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{body}");
        let (status, _) = app.get("/metrics", Some("metrics-wrong")).await;
        assert_eq!(status, 401);
        let (status, body) = app.get("/metrics", Some("metrics-s3cret")).await;
        assert_eq!(status, 200);
        assert!(body.as_str().unwrap().contains("chairside_http_requests_total"), "{body}");
    }
}
