//! The staff page's live event stream ends with its session — at logout, deactivation, a new
//! password, a password reset — within a few seconds; and one login holds at most five.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::logins::{reset_mail, reset_token};
use crate::on_both_backends;

const EVENTS: &str = "/api/v1/businesses/barber/events";

struct Desk {
    key: String,
    kim_id: String,
    owner_id: String,
}

async fn desk(app: &TestApp) -> Desk {
    let key = app
        .create_business("barber", "Europe/Berlin", json!({}))
        .await;
    let owner_id = app
        .add_login("barber", &key, "owner@example.com", "owner")
        .await;
    let kim_id = app
        .add_login("barber", &key, "kim@example.com", "staff")
        .await;
    Desk {
        key,
        kim_id,
        owner_id,
    }
}

/// Opens the stream with a cookie (or the API key) and reads up to its `ready` event.
async fn open(app: &TestApp, cookie: Option<&str>, key: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(EVENTS));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let mut stream = req.send().await.expect("request");
    assert_eq!(stream.status().as_u16(), 200);
    read_until(&mut stream, "event: ready", &mut String::new()).await;
    stream
}

/// Reads the stream until the server ends it; panics if it is still open after `within`.
async fn ends_within(stream: &mut reqwest::Response, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Err(_) => panic!("the stream was still open after {within:?}"),
            Ok(Ok(Some(_))) => continue,
            Ok(Ok(None) | Err(_)) => return,
        }
    }
}

/// The stream is still open: its next heartbeat arrives.
async fn stays_open(stream: &mut reqwest::Response) {
    read_until(stream, ": still here", &mut String::new()).await;
}

/// At most five seconds, as the staff page promises; the check runs every two.
const PROMISED: Duration = Duration::from_secs(5);

on_both_backends! {
    async fn a_stream_ends_with_its_session(app: TestApp) {
        let desk = desk(&app).await;

        // Logout.
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let mut stream = open(&app, Some(&kim.cookie), None).await;
        assert_eq!(app.send_as(&kim, "DELETE", "/api/v1/session", Value::Null).await.0, 204);
        ends_within(&mut stream, PROMISED).await;

        // Deactivation by the owner.
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let owner = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let mut kims = open(&app, Some(&kim.cookie), None).await;
        let mut owners = open(&app, Some(&owner.cookie), None).await;
        let kim_path = format!("/api/v1/businesses/barber/users/{}", desk.kim_id);
        assert_eq!(app.send_as(&owner, "PATCH", &kim_path, json!({"active": false})).await.0, 200);
        ends_within(&mut kims, PROMISED).await;
        stays_open(&mut owners).await;
        assert_eq!(app.send_as(&owner, "PATCH", &kim_path, json!({"active": true})).await.0, 200);

        // A new password ends the other sessions' streams, not the one that set it.
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let mut kims = open(&app, Some(&kim.cookie), None).await;
        let second_owner = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let mut second_owners = open(&app, Some(&second_owner.cookie), None).await;
        assert_eq!(app.send_as(&owner, "PATCH", &kim_path, json!({"password": "kim's new password"})).await.0, 200);
        ends_within(&mut kims, PROMISED).await;
        let owner_path = format!("/api/v1/businesses/barber/users/{}", desk.owner_id);
        assert_eq!(app.send_as(&owner, "PATCH", &owner_path, json!({"password": "owner's new password"})).await.0, 200);
        ends_within(&mut second_owners, PROMISED).await;
        stays_open(&mut owners).await;

        // A password reset ends every stream of the login.
        let (status, _) = app.post("/api/v1/session/password-reset", None, json!({"email": "owner@example.com"})).await;
        assert_eq!(status, 202);
        let token = reset_token(&reset_mail(&app, "owner@example.com").await);
        let (status, body) = app.post("/api/v1/session/password-reset/confirm", None,
            json!({"token": token, "password": "the reset password"})).await;
        assert_eq!(status, 200, "{body}");
        ends_within(&mut owners, PROMISED).await;
    }

    async fn a_login_holds_at_most_five_streams(app: TestApp) {
        let desk = desk(&app).await;
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let mut streams = Vec::new();
        for _ in 0..5 {
            streams.push(open(&app, Some(&kim.cookie), None).await);
        }
        let response = app.client.get(app.url(EVENTS)).header("cookie", &kim.cookie).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 429);
        assert!(response.headers().contains_key("retry-after"));
        let (_, body) = read(response).await;
        assert_eq!(body["error"]["code"], "too_many_streams", "{body}");
        // Another session of the same login counts too; another login and the API key do not.
        let again = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let response = app.client.get(app.url(EVENTS)).header("cookie", &again.cookie).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 429);
        let owner = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let _owners = open(&app, Some(&owner.cookie), None).await;
        let _machine = open(&app, None, Some(&desk.key)).await;

        // A closed tab gives its place back (noticed at the latest at the next heartbeat).
        drop(streams.pop());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let response = app.client.get(app.url(EVENTS)).header("cookie", &kim.cookie).send().await.unwrap();
            if response.status().as_u16() == 200 {
                streams.push(response);
                break;
            }
            assert_eq!(response.status().as_u16(), 429);
            assert!(tokio::time::Instant::now() < deadline, "the closed stream's place did not come back");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // A stream that ended with its session gives its place back too.
        assert_eq!(app.send_as(&kim, "DELETE", "/api/v1/session", Value::Null).await.0, 204);
        for stream in &mut streams {
            ends_within(stream, PROMISED).await;
        }
        let mut fresh = Vec::new();
        for _ in 0..5 {
            fresh.push(open(&app, Some(&again.cookie), None).await);
        }
    }
}
