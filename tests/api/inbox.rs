//! The staff inbox: who waits for staff, replies through the customer's channel, taking over
//! and handing back with a staff login, the handoff lasting while staff talk, the live stream
//! across instances, and one business never reaching another's conversations.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

/// A shop in Berlin: Sam works every day 09:00–18:00 and does a 30-minute cut; a staff login
/// (Kim) and a logged-in Kim.
async fn shop(app: &TestApp, slug: &str) -> (String, Login) {
    let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
    let sam = app
        .add_staff(slug, &key, "Sam", every_day(json!([["09:00", "18:00"]])))
        .await;
    app.add_service(
        slug,
        &key,
        json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam]}),
    )
    .await;
    let email = format!("kim@{slug}.example");
    app.add_login(slug, &key, &email, "staff").await;
    let kim = app.log_in(&email, TEST_PASSWORD).await;
    (key, kim)
}

/// One customer's web chat.
struct Customer<'a> {
    app: &'a TestApp,
    slug: String,
    key: String,
    sent: usize,
}

impl<'a> Customer<'a> {
    fn new(app: &'a TestApp, slug: &str) -> Self {
        Self {
            app,
            slug: slug.to_owned(),
            key: format!("web-chat-{}", uuid::Uuid::new_v4().simple()),
            sent: 0,
        }
    }

    /// Sends `text`; the chat's answer (`replies`, `with_staff`).
    async fn say(&mut self, text: &str) -> Value {
        self.sent += 1;
        let (status, body) = self
            .app
            .post(
                &format!("/api/v1/businesses/{}/chat", self.slug),
                None,
                json!({"conversation_id": self.key, "message_id": format!("m{}", self.sent), "text": text}),
            )
            .await;
        assert_eq!(status, 200, "{text} → {body}");
        body
    }

    /// The messages the widget would poll for after `after`.
    async fn poll(&self, after: Option<&str>) -> Vec<Value> {
        let query = after.map(|a| format!("?after={a}")).unwrap_or_default();
        let (status, body) = self
            .app
            .get(
                &format!(
                    "/api/v1/businesses/{}/chat/{}/messages{query}",
                    self.slug, self.key
                ),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["messages"].as_array().cloned().unwrap_or_default()
    }

    /// Says hello, then asks for a person.
    async fn ask_for_a_person(&mut self) {
        self.say("hi").await;
        let handoff = self.say("can I talk to a person please").await;
        assert!(
            handoff
                .to_string()
                .contains("passed your message to our team"),
            "{handoff}"
        );
    }
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|l| l.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default()
}

on_both_backends! {
    async fn staff_see_who_waits_answer_and_hand_back(app: TestApp) {
        let (_, kim) = shop(&app, "barber").await;
        let base = "/api/v1/businesses/barber/conversations";
        let mut ben = Customer::new(&app, "barber");
        ben.ask_for_a_person().await;
        app.clock.advance(chrono::Duration::minutes(1));
        let mut cleo = Customer::new(&app, "barber");
        cleo.ask_for_a_person().await;
        let mut dana = Customer::new(&app, "barber");
        dana.say("hi").await;

        // The inbox: handed-off conversations, newest first, both waiting for staff.
        let (status, inbox) = app.send_as(&kim, "GET", &format!("{base}?owner=human"), Value::Null).await;
        assert_eq!(status, 200, "{inbox}");
        assert_eq!(inbox.as_array().map(Vec::len), Some(2), "{inbox}");
        let (cleo_id, ben_id) = (inbox[0]["id"].as_str().unwrap().to_owned(), inbox[1]["id"].as_str().unwrap().to_owned());
        assert_eq!(inbox[0]["handed_off_at"], "2027-03-01T08:01:00Z");
        assert_eq!(inbox[1]["handed_off_at"], "2027-03-01T08:00:00Z");
        assert_eq!((inbox[0]["waiting"].as_bool(), inbox[1]["waiting"].as_bool()), (Some(true), Some(true)));
        assert_eq!(inbox[1]["bot_returns_at"], "2027-03-01T10:00:00Z", "the default 120 minutes after the handoff");
        assert_eq!((inbox[0]["channel"].as_str(), inbox[0]["owner"].as_str()), (Some("web"), Some("human")));
        assert!(inbox[0]["last_message"]["text"].as_str().unwrap().contains("passed your message"), "{inbox}");

        // Kim (a staff login, not an owner) answers Ben; a reply needs the CSRF token.
        let reply = format!("{base}/{ben_id}/messages");
        let (status, body) = app.send_with_session("POST", &reply, &kim.cookie, None, json!({"text": "Hi, Kim here"})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("csrf_failed")));
        let (status, body) = app.send_as(&kim, "POST", &reply, json!({"text": "  "})).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("text")));
        app.clock.advance(chrono::Duration::minutes(1));
        let (status, body) = app.send_as(&kim, "POST", &reply, json!({"text": "Hi, Kim here"})).await;
        assert_eq!(status, 201, "{body}");
        let seen = ben.poll(None).await;
        let last = seen.last().unwrap();
        assert_eq!((last["author"].as_str(), last["text"].as_str()), (Some("staff"), Some("Hi, Kim here")));
        let (_, inbox) = app.send_as(&kim, "GET", &format!("{base}?owner=human"), Value::Null).await;
        let waiting: Vec<(&str, bool)> = inbox.as_array().unwrap().iter()
            .map(|c| (c["id"].as_str().unwrap(), c["waiting"].as_bool().unwrap())).collect();
        assert_eq!(waiting, [(ben_id.as_str(), false), (cleo_id.as_str(), true)], "the latest activity first");

        // Ben writes again: the bot stays silent, Ben waits again.
        let answer = ben.say("I'd like to bring my son too").await;
        assert_eq!((answer["replies"].as_array().map(Vec::len), answer["with_staff"].as_bool()), (Some(0), Some(true)));
        let (_, conversation) = app.send_as(&kim, "GET", &format!("{base}/{ben_id}"), Value::Null).await;
        assert_eq!(conversation["waiting"], true);
        let authors: Vec<&str> = conversation["messages"].as_array().unwrap().iter().map(|m| m["author"].as_str().unwrap()).collect();
        assert_eq!(authors, ["customer", "bot", "customer", "bot", "staff", "customer"]);

        // Kim hands Ben back; the bot tells him and answers again.
        let after = ben.poll(None).await.last().unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.send_as(&kim, "POST", &format!("{base}/{ben_id}/hand-back"), Value::Null).await.0, 204);
        let notice = ben.poll(Some(&after)).await;
        assert!(notice[0]["text"].as_str().unwrap().contains("back with the booking assistant"), "{notice:?}");
        let (_, conversation) = app.send_as(&kim, "GET", &format!("{base}/{ben_id}"), Value::Null).await;
        assert_eq!((conversation["owner"].as_str(), &conversation["bot_returns_at"], conversation["waiting"].as_bool()),
            (Some("bot"), &Value::Null, Some(false)));
        assert!(!ben.say("a cut tomorrow please").await["replies"].as_array().unwrap().is_empty());

        // The bot's recent conversations, limited; Kim takes Dana's over.
        let (status, recent) = app.send_as(&kim, "GET", &format!("{base}?owner=bot&limit=1"), Value::Null).await;
        assert_eq!((status, recent.as_array().map(Vec::len)), (200, Some(1)), "{recent}");
        let (_, all_bot) = app.send_as(&kim, "GET", &format!("{base}?owner=bot"), Value::Null).await;
        assert_eq!(all_bot.as_array().map(Vec::len), Some(2), "Ben and Dana");
        let dana_id = ids(&all_bot).into_iter().find(|id| *id != ben_id).unwrap().to_owned();
        assert_eq!(app.send_as(&kim, "POST", &format!("{base}/{dana_id}/take-over"), Value::Null).await.0, 204);
        let (_, inbox) = app.send_as(&kim, "GET", &format!("{base}?owner=human"), Value::Null).await;
        assert!(ids(&inbox).contains(&dana_id.as_str()), "{inbox}");
        assert!(dana.say("hello?").await["with_staff"].as_bool().unwrap());

        // Bad queries name their field.
        for (query, field) in [("owner=robot", "owner"), ("limit=0", "limit"), ("limit=201", "limit")] {
            let (status, body) = app.send_as(&kim, "GET", &format!("{base}?{query}"), Value::Null).await;
            assert_eq!((status, body["error"]["field"].as_str()), (422, Some(field)), "{query}: {body}");
        }
    }

    async fn the_bot_stays_silent_while_staff_keep_talking(app: TestApp) {
        let (key, _) = shop(&app, "barber").await;
        let mut ben = Customer::new(&app, "barber");
        ben.ask_for_a_person().await;
        let (_, inbox) = app.get("/api/v1/businesses/barber/conversations?owner=human", Some(&key)).await;
        let id = inbox[0]["id"].as_str().unwrap().to_owned();

        // Staff answer 100 minutes after the handoff: the bot keeps out for 120 minutes more.
        app.clock.advance(chrono::Duration::minutes(100));
        let (status, _) = app.post(&format!("/api/v1/businesses/barber/conversations/{id}/messages"), Some(&key), json!({"text": "Sorry for the wait!"})).await;
        assert_eq!(status, 201);
        let (_, conversation) = app.get(&format!("/api/v1/businesses/barber/conversations/{id}"), Some(&key)).await;
        assert_eq!(conversation["bot_returns_at"], "2027-03-01T11:40:00Z");
        app.clock.advance(chrono::Duration::minutes(100));
        assert_eq!(ben.say("no problem").await["with_staff"], true, "200 minutes after the handoff, 100 after staff");
        app.clock.advance(chrono::Duration::minutes(21));
        let answer = ben.say("hello?").await;
        assert_eq!(answer["with_staff"], false, "{answer}");
        assert!(!answer["replies"].as_array().unwrap().is_empty());
        let (_, conversation) = app.get(&format!("/api/v1/businesses/barber/conversations/{id}"), Some(&key)).await;
        assert_eq!((conversation["owner"].as_str(), &conversation["bot_returns_at"]), (Some("bot"), &Value::Null));
    }

    async fn another_business_cannot_see_or_write_into_conversations(app: TestApp) {
        let (alpha_key, alpha_staff) = shop(&app, "alpha").await;
        let (beta_key, _) = shop(&app, "beta").await;
        app.add_login("alpha", &alpha_key, "owner@alpha.example", "owner").await;
        let alpha_owner = app.log_in("owner@alpha.example", TEST_PASSWORD).await;
        let mut customer = Customer::new(&app, "beta");
        customer.ask_for_a_person().await;
        let (_, inbox) = app.get("/api/v1/businesses/beta/conversations?owner=human", Some(&beta_key)).await;
        let id = inbox[0]["id"].as_str().unwrap().to_owned();
        let (_, before) = app.get(&format!("/api/v1/businesses/beta/conversations/{id}"), Some(&beta_key)).await;

        let calls = |slug: &str| {
            let base = format!("/api/v1/businesses/{slug}/conversations");
            [
                ("GET", format!("{base}/{id}"), Value::Null),
                ("POST", format!("{base}/{id}/messages"), json!({"text": "Hello from alpha"})),
                ("POST", format!("{base}/{id}/take-over"), Value::Null),
                ("POST", format!("{base}/{id}/hand-back"), Value::Null),
            ]
        };
        for login in [&alpha_staff, &alpha_owner] {
            // Beta's slug: 403. Beta's conversation under alpha's own slug: 404.
            let (status, _) = app.send_as(login, "GET", "/api/v1/businesses/beta/conversations?owner=human", Value::Null).await;
            assert_eq!(status, 403);
            for (expected, slug) in [(403, "beta"), (404, "alpha")] {
                for (method, path, body) in calls(slug) {
                    let (status, answer) = app.send_as(login, method, &path, body).await;
                    assert_eq!(status, expected, "{method} {path}: {answer}");
                }
            }
            let (_, own) = app.send_as(login, "GET", "/api/v1/businesses/alpha/conversations", Value::Null).await;
            assert_eq!(own, json!([]));
        }
        for (expected, slug) in [(403, "beta"), (404, "alpha")] {
            for (method, path, body) in calls(slug) {
                let (status, answer) = app.send(method, &path, Some(&alpha_key), body).await;
                assert_eq!(status, expected, "key: {method} {path}: {answer}");
            }
        }
        // Beta's conversation is as it was: nothing said, still with beta's staff.
        let (_, after) = app.get(&format!("/api/v1/businesses/beta/conversations/{id}"), Some(&beta_key)).await;
        assert_eq!(after, before);
        assert!(!customer.poll(None).await.iter().any(|m| m["author"] == "staff"));
    }

    async fn the_live_stream_reports_conversations_from_any_instance(app: TestApp) {
        let (key, kim) = shop(&app, "barber").await;
        let (other_key, other_staff) = shop(&app, "other").await;
        let open = |login: &Login, slug: &str| {
            let request = app.client.get(app.url(&format!("/api/v1/businesses/{slug}/events"))).header("cookie", &login.cookie);
            async move { request.send().await.unwrap() }
        };
        let (mut stream, mut other_stream) = (open(&kim, "barber").await, open(&other_staff, "other").await);
        let (mut received, mut other_received) = (String::new(), String::new());
        read_until(&mut stream, "event: ready", &mut received).await;
        read_until(&mut other_stream, "event: ready", &mut other_received).await;

        // A customer writes through another instance: the conversation is announced.
        let second = spawn_on(app.database.clone(), app.backend, app.clock.clone()).await;
        let mut ben = Customer::new(&second, "barber");
        ben.say("hi").await;
        let (_, all) = app.get("/api/v1/businesses/barber/conversations", Some(&key)).await;
        let id = all[0]["id"].as_str().unwrap().to_owned();
        read_until(&mut stream, &id, &mut received).await;
        assert!(received.contains("event: conversations"), "{received}");

        // So are a handoff and a staff reply within the same second of the (stopped) clock.
        received.clear();
        ben.ask_for_a_person().await;
        read_until(&mut stream, &id, &mut received).await;
        received.clear();
        let (status, _) = second.post(&format!("/api/v1/businesses/barber/conversations/{id}/messages"), Some(&key), json!({"text": "Here!"})).await;
        assert_eq!(status, 201);
        read_until(&mut stream, &id, &mut received).await;

        // Another business's stream reports only its own conversation, written after Ben's.
        Customer::new(&second, "other").say("hi").await;
        let (_, others) = app.get("/api/v1/businesses/other/conversations", Some(&other_key)).await;
        let other_id = others[0]["id"].as_str().unwrap().to_owned();
        read_until(&mut other_stream, &other_id, &mut other_received).await;
        assert!(!other_received.contains(&id), "{other_received}");
    }
}
