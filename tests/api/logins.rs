//! Logins under attack: the per-address limit binds whatever `X-Forwarded-For` says, parallel
//! attempts cannot slip past the check together, a flood gets only 401, 429 or 503; and a
//! forgotten password is reset through a single-use link sent by email, which lifts a lockout.
//! These limits hold with `CHAIRSIDE_RATE_LIMITS=off` (the test default).

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// A business with an owner login `owner@example.com`; returns its API key.
async fn shop_with_owner(app: &TestApp) -> String {
    let key = app
        .create_business("barber", "Europe/Berlin", json!({}))
        .await;
    app.add_login("barber", &key, "owner@example.com", "owner")
        .await;
    key
}

/// A login attempt with headers of the client's choosing; its status.
async fn attempt(app: &TestApp, email: &str, password: &str, headers: &[(&str, String)]) -> u16 {
    let mut req = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": email, "password": password}));
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    req.send().await.expect("request").status().as_u16()
}

/// Sends `count` wrong logins at once (names from `name`); their statuses.
async fn wrong_logins_at_once(
    app: &TestApp,
    count: usize,
    name: impl Fn(usize) -> String,
) -> Vec<u16> {
    let requests = (0..count).map(|n| {
        let req = app
            .client
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": name(n), "password": "not the password"}));
        async move { req.send().await.expect("request").status().as_u16() }
    });
    futures_util::future::join_all(requests).await
}

fn count(statuses: &[u16], wanted: u16) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

/// Waits (at most 15 s) for the password-reset mail to `to`; its plain text.
pub async fn reset_mail(app: &TestApp, to: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        // A file still being written is read again on the next turn.
        if let Some(text) = mail_to(app, to)
            .into_iter()
            .find(|t| t.contains("stays as it is."))
        {
            return text;
        }
        assert!(std::time::Instant::now() < deadline, "no mail to {to}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn mails_in(app: &TestApp) -> usize {
    crate::mail::files_written(app).len()
}

/// The token of the reset link in a mail's text.
pub fn reset_token(text: &str) -> String {
    const LINK: &str = "http://chairside.test/staff/reset?token=";
    let start = text.find(LINK).expect("the link") + LINK.len();
    text[start..]
        .split_whitespace()
        .next()
        .expect("a token")
        .to_owned()
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> (u16, Value) {
    app.post(
        "/api/v1/session/password-reset/confirm",
        None,
        json!({"token": token, "password": password}),
    )
    .await
}

on_both_backends! {
    async fn the_address_limit_binds_whatever_x_forwarded_for_says(app: TestApp) {
        shop_with_owner(&app).await;
        // No trusted proxy: every request is from 127.0.0.1, whatever the headers claim.
        for n in 0..30 {
            let headers = [
                ("x-forwarded-for", format!("198.51.100.{n}")),
                ("forwarded", format!("for=203.0.113.{n}")),
            ];
            let status = attempt(&app, &format!("guess{n}@example.com"), "not the password", &headers).await;
            assert_eq!(status, 401, "attempt {n}");
        }
        let headers = [("x-forwarded-for", "192.0.2.200".to_owned())];
        assert_eq!(attempt(&app, "guess99@example.com", "not the password", &headers).await, 429);
        // The address is locked for every name, the right password included.
        assert_eq!(attempt(&app, "owner@example.com", TEST_PASSWORD, &[]).await, 429);
        app.clock.advance(chrono::Duration::minutes(16));
        app.log_in("owner@example.com", TEST_PASSWORD).await;
    }

    async fn parallel_wrong_logins_cannot_pass_the_check_together(app: TestApp) {
        shop_with_owner(&app).await;
        let mut statuses = Vec::new();
        // Waves of parallel attempts until the name is locked: some may find the hashing pool
        // full (503), but exactly five are ever checked.
        for _ in 0..20 {
            statuses.extend(wrong_logins_at_once(&app, 12, |_| "owner@example.com".to_owned()).await);
            if statuses.contains(&429) {
                break;
            }
        }
        assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");
        assert_eq!(count(&statuses, 401), 5, "{statuses:?}");
        assert!(statuses.contains(&429), "{statuses:?}");
        let (status, body, headers) = app.try_log_in("owner@example.com", TEST_PASSWORD).await;
        assert_eq!((status, code(&body)), (429, "too_many_attempts"), "{body}");
        assert!(headers.unwrap()["retry-after"].to_str().unwrap().parse::<i64>().unwrap() > 0);
    }

    async fn a_flood_of_wrong_logins_gets_only_401_429_or_503(app: TestApp) {
        shop_with_owner(&app).await;
        let statuses = wrong_logins_at_once(&app, 200, |n| format!("flood{n}@example.com")).await;
        assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");
        // At most 30 failures per address are ever checked.
        assert!(count(&statuses, 401) <= 30, "{statuses:?}");
        assert!(count(&statuses, 401) >= 1, "{statuses:?}");
        // The server is still well: the owner logs in from another address's budget later.
        app.clock.advance(chrono::Duration::minutes(16));
        app.log_in("owner@example.com", TEST_PASSWORD).await;
    }

    async fn a_forgotten_password_is_reset_through_the_emailed_link(app: TestApp) {
        let key = shop_with_owner(&app).await;
        let kim = app.add_login("barber", &key, "kim@example.com", "staff").await;
        let session = app.log_in("owner@example.com", TEST_PASSWORD).await;
        // The owner forgets the password and locks the login out.
        for _ in 0..5 {
            assert_eq!(app.try_log_in("owner@example.com", "is it this one?").await.0, 401);
        }
        assert_eq!(app.try_log_in("owner@example.com", TEST_PASSWORD).await.0, 429);

        // Asking for a link: the same answer for a login and for nobody.
        let ask = |email: &'static str| app.post("/api/v1/session/password-reset", None, json!({"email": email}));
        let (status, known) = ask("Owner@Example.com").await;
        assert_eq!(status, 202, "{known}");
        let (status, unknown) = ask("nobody@example.com").await;
        assert_eq!((status, &unknown), (202, &known));
        let (status, body) = ask("not an address").await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("email")), "{body}");
        let (status, _) = app.post("/api/v1/session/password-reset", None, json!({})).await;
        assert_eq!(status, 422);
        let response = app.client.post(app.url("/api/v1/session/password-reset"))
            .header("content-type", "text/plain")
            .body(json!({"email": "owner@example.com"}).to_string()).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 415);

        let text = reset_mail(&app, "owner@example.com").await;
        assert!(text.contains("within 60 minutes"), "{text}");
        let token = reset_token(&text);
        // Only the token's hash is stored.
        let stored: Vec<String> = app.state.db.read_blocking(|conn| {
            use diesel::prelude::*;
            chairside::storage::schema::password_resets::table
                .select(chairside::storage::schema::password_resets::token_hash)
                .load(conn)
                .map_err(chairside::storage::StorageError::from)
        }).unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token);

        // Bad input changes nothing and keeps the link usable.
        let (status, body) = confirm(&app, &token, "short").await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
        let (status, body) = confirm(&app, "made-up-token", "a brand new password").await;
        assert_eq!((status, code(&body)), (400, "invalid_token"), "{body}");
        assert_eq!(app.send_as(&session, "GET", "/api/v1/session", Value::Null).await.0, 200);

        let (status, body) = confirm(&app, &token, "a brand new password").await;
        assert_eq!((status, body["email"].as_str()), (200, Some("owner@example.com")), "{body}");
        // Used once only; every session of the login has ended; the lockout is lifted.
        let (status, body) = confirm(&app, &token, "yet another password").await;
        assert_eq!((status, code(&body)), (410, "token_used"), "{body}");
        assert_eq!(app.send_as(&session, "GET", "/api/v1/session", Value::Null).await.0, 401);
        assert_eq!(app.try_log_in("owner@example.com", TEST_PASSWORD).await.0, 401);
        app.log_in("owner@example.com", "a brand new password").await;

        // A link not used within the hour has expired.
        assert_eq!(ask("kim@example.com").await.0, 202);
        let token = reset_token(&reset_mail(&app, "kim@example.com").await);
        app.clock.advance(chrono::Duration::minutes(61));
        let (status, body) = confirm(&app, &token, "a brand new password").await;
        assert_eq!((status, code(&body)), (410, "token_expired"), "{body}");
        app.log_in("kim@example.com", TEST_PASSWORD).await;

        // A deactivated login gets no mail, and the answer says nothing.
        let owner = app.log_in("owner@example.com", "a brand new password").await;
        let (status, _) = app.send_as(&owner, "PATCH", &format!("/api/v1/businesses/barber/users/{kim}"), json!({"active": false})).await;
        assert_eq!(status, 200);
        let before = mails_in(&app);
        let (status, body) = ask("kim@example.com").await;
        assert_eq!((status, &body), (202, &known));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(mails_in(&app), before);

        // Three links an hour per login name (whether it exists or not).
        for _ in 0..3 {
            assert_eq!(ask("nobody@example.com").await.0, 202);
        }
        let (status, body) = ask("nobody@example.com").await;
        assert_eq!((status, code(&body)), (429, "too_many_attempts"), "{body}");
    }
}
