//! Scripted conversations through the web chat endpoint, in English and German, on both
//! backends.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

/// A barber in Berlin: Sam and Alex work Mon–Sat 09:00–12:30 and 13:30–18:00. "Now" is Monday
/// 1 March 2027, 09:00 local.
pub(crate) async fn barber(app: &TestApp) -> Barber {
    let key = app
        .create_business("barber", "Europe/Berlin", json!({"min_notice_minutes": 60}))
        .await;
    let week = json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]], "tue": [["09:00", "12:30"], ["13:30", "18:00"]],
        "wed": [["09:00", "12:30"], ["13:30", "18:00"]], "thu": [["09:00", "12:30"], ["13:30", "18:00"]],
        "fri": [["09:00", "12:30"], ["13:30", "18:00"]], "sat": [["09:00", "14:00"]]});
    let sam = app.add_staff("barber", &key, "Sam", week.clone()).await;
    let alex = app.add_staff("barber", &key, "Alex", week).await;
    let haircut = app.add_service("barber", &key, json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [sam, alex], "synonyms": ["cut", "haarschnitt"]})).await;
    app.add_service("barber", &key, json!({"name": "Skin Fade", "duration_minutes": 45, "staff_ids": [sam, alex], "synonyms": ["fade"]})).await;
    app.add_service("barber", &key, json!({"name": "Beard Trim", "duration_minutes": 20, "staff_ids": [sam], "synonyms": ["beard", "bart"]})).await;
    Barber {
        key,
        sam,
        alex,
        haircut,
    }
}

pub(crate) struct Barber {
    pub(crate) key: String,
    pub(crate) sam: String,
    pub(crate) alex: String,
    pub(crate) haircut: String,
}

/// One customer's chat window.
pub(crate) struct Chat<'a> {
    app: &'a TestApp,
    slug: String,
    pub(crate) conversation: String,
    sent: usize,
}

impl<'a> Chat<'a> {
    /// A chat with the barber most tests set up.
    pub(crate) fn new(app: &'a TestApp, name: &str) -> Self {
        Self::at(app, "barber", name)
    }

    pub(crate) fn at(app: &'a TestApp, slug: &str, name: &str) -> Self {
        Self {
            app,
            slug: slug.to_owned(),
            conversation: format!("conversation-{name}-{}", uuid::Uuid::new_v4().simple()),
            sent: 0,
        }
    }

    pub(crate) async fn raw(&mut self, content: Value) -> (u16, Value) {
        self.sent += 1;
        let mut body =
            json!({"conversation_id": self.conversation, "message_id": format!("m{}", self.sent)});
        if let (Some(target), Some(extra)) = (body.as_object_mut(), content.as_object()) {
            target.extend(extra.clone());
        }
        let path = format!("/api/v1/businesses/{}/chat", self.slug);
        self.app.post(&path, None, body).await
    }

    pub(crate) async fn say(&mut self, text: &str) -> Vec<Value> {
        let (status, body) = self.raw(json!({"text": text})).await;
        assert_eq!(status, 200, "{text} → {body}");
        body["replies"].as_array().cloned().unwrap_or_default()
    }

    pub(crate) async fn tap(&mut self, payload: &str) -> Vec<Value> {
        let (status, body) = self.raw(json!({"payload": payload})).await;
        assert_eq!(status, 200, "{payload} → {body}");
        body["replies"].as_array().cloned().unwrap_or_default()
    }
}

pub(crate) fn text(replies: &[Value]) -> String {
    replies
        .iter()
        .map(|r| r["text"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" | ")
}

pub(crate) fn choices(replies: &[Value]) -> Vec<(String, String)> {
    replies
        .last()
        .and_then(|r| r["choices"].as_array())
        .map(|c| {
            c.iter()
                .map(|c| {
                    (
                        c["title"].as_str().unwrap().to_owned(),
                        c["payload"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn payload_titled(replies: &[Value], title: &str) -> String {
    choices(replies)
        .into_iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| {
            panic!(
                "no choice {title:?} in {}",
                serde_json::to_string(replies).unwrap()
            )
        })
        .1
}

pub(crate) async fn bookings(app: &TestApp, key: &str) -> Vec<Value> {
    let (status, list) = app
        .get(
            "/api/v1/businesses/barber/bookings?from=2027-03-01&to=2027-04-30",
            Some(key),
        )
        .await;
    assert_eq!(status, 200);
    list["bookings"].as_array().cloned().unwrap_or_default()
}

on_both_backends! {
    async fn everything_in_one_message_then_yes(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "one");
        let replies = chat.say("Hi, I'm Anna Schmidt, can I get a haircut with Sam tomorrow at 3pm? My number is 0170 1234567").await;
        let said = text(&replies);
        assert!(said.contains("holding Haircut with Sam on Tuesday 2 March at 15:00"), "{said}");
        assert!(said.contains("Shall I book it?"), "only confirmation is missing: {said}");
        let replies = chat.say("yes please").await;
        let said = text(&replies);
        assert!(said.contains("You're booked!") && said.contains("reference is"), "{said}");
        assert!(said.contains("/b/barber/manage/"), "{said}");
        let all = bookings(&app, &shop.key).await;
        assert_eq!(all.len(), 1);
        let b = &all[0];
        assert_eq!((b["status"].as_str(), b["start"].as_str()), (Some("confirmed"), Some("2027-03-02T15:00:00+01:00")));
        assert_eq!(b["staff_id"], shop.sam.as_str());
        assert_eq!(b["service_id"], shop.haircut.as_str());
        assert_eq!(b["customer"]["name"], "Anna Schmidt");
        assert_eq!(b["customer"]["phone"], "01701234567");
        assert_eq!(b["channel"], "web");
        assert!(said.contains(b["reference"].as_str().unwrap()));
    }

    async fn step_by_step_with_buttons_and_words(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "steps");
        let replies = chat.say("hello").await;
        assert!(text(&replies).contains("welcome to barber shop"), "{}", text(&replies));
        let haircut = payload_titled(&replies, "Haircut");
        let replies = chat.tap(&haircut).await;
        assert!(text(&replies).contains("Which day"), "{}", text(&replies));
        let first_day = choices(&replies)[0].1.clone();
        assert_eq!(first_day, "day:2027-03-01", "today still has free times");
        let replies = chat.tap("day:2027-03-03").await;
        assert!(text(&replies).contains("Wednesday 3 March"), "{}", text(&replies));
        let offered = choices(&replies);
        assert!(offered.len() >= 3);
        let replies = chat.say("the second one").await;
        let second = &offered[1].0;
        assert!(text(&replies).contains(&format!("at {second}")), "{} / {second}", text(&replies));
        assert!(text(&replies).contains("your name"), "{}", text(&replies));
        let replies = chat.say("anna").await;
        assert!(text(&replies).contains("phone number or email"), "{}", text(&replies));
        let replies = chat.say("that's not it").await;
        assert!(text(&replies).contains("doesn't look like a phone number"), "{}", text(&replies));
        let replies = chat.say("anna@example.com").await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        let replies = chat.tap("yes").await;
        assert!(text(&replies).contains("You're booked!"), "{}", text(&replies));
        let all = bookings(&app, &shop.key).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0]["customer"]["name"], "Anna");
        assert_eq!(all[0]["customer"]["email"], "anna@example.com");
        assert!(all[0]["start"].as_str().unwrap().starts_with("2027-03-03T"));
    }

    async fn a_taken_time_gets_the_nearest_alternatives(app: TestApp) {
        let shop = barber(&app).await;
        let (status, _) = app.book("barber", json!({"service_id": shop.haircut, "staff_id": shop.sam, "start": "2027-03-02T15:00:00+01:00", "customer": customer("Ben")})).await;
        assert_eq!(status, 201);
        let mut chat = Chat::new(&app, "alt");
        let replies = chat.say("haircut with sam tomorrow at 3pm").await;
        let said = text(&replies);
        assert!(said.contains("already taken"), "{said}");
        let titles: Vec<String> = choices(&replies).into_iter().map(|c| c.0).collect();
        assert!(titles.contains(&"14:30".to_owned()) || titles.iter().any(|t| t.ends_with("14:30")), "{titles:?}");
        assert!(titles.iter().any(|t| t.ends_with("15:30")), "{titles:?}");
        let pick = choices(&replies).into_iter().find(|c| c.0.ends_with("15:30")).unwrap().1;
        let replies = chat.tap(&pick).await;
        assert!(text(&replies).contains("holding Haircut with Sam on Tuesday 2 March at 15:30"), "{}", text(&replies));
    }

    async fn two_customers_race_for_one_held_slot(app: TestApp) {
        let shop = barber(&app).await;
        let mut anna = Chat::new(&app, "anna");
        let mut ben = Chat::new(&app, "ben");
        let replies = anna.say("I'm Anna, haircut with Alex on Wednesday at 10am, anna@example.com").await;
        assert!(text(&replies).contains("holding"), "{}", text(&replies));
        let replies = ben.say("haircut with Alex on Wednesday at 10am").await;
        assert!(text(&replies).contains("already taken"), "the hold blocks the slot: {}", text(&replies));
        // Anna dawdles past her hold; Ben asks again and gets it.
        app.clock.advance(chrono::Duration::minutes(11));
        let replies = ben.say("Wednesday at 10am with Alex please").await;
        assert!(text(&replies).contains("holding Haircut with Alex"), "{}", text(&replies));
        let replies = anna.say("yes").await;
        assert!(text(&replies).contains("just taken"), "{}", text(&replies));
        assert!(!choices(&replies).is_empty());
        let replies = ben.say("Ben Meyer").await;
        let replies = if text(&replies).contains("phone") { ben.say("+49 151 2345678").await } else { replies };
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        let replies = ben.say("yes").await;
        assert!(text(&replies).contains("booked"), "{}", text(&replies));
        let live: Vec<Value> = bookings(&app, &shop.key).await.into_iter().filter(|b| b["status"] == "confirmed").collect();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0]["customer"]["name"], "Ben Meyer");
    }

    async fn reschedule_and_cancel_by_chat(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "manage");
        chat.say("I'm Cara, a haircut with Sam on Tuesday at 11am, my email is cara@example.com").await;
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("booked"), "{}", text(&replies));
        let replies = chat.say("actually can you move it to thursday").await;
        assert!(text(&replies).contains("Move your appointment from Tuesday 2 March at 11:00 to Thursday 4 March at 11:00?"), "{}", text(&replies));
        let replies = chat.tap("yes").await;
        assert!(text(&replies).contains("Moved!"), "{}", text(&replies));
        let all = bookings(&app, &shop.key).await;
        assert_eq!(all[0]["start"], "2027-03-04T11:00:00+01:00");
        let replies = chat.say("my appointments").await;
        assert!(text(&replies).contains("Thursday 4 March at 11:00"), "{}", text(&replies));
        // The Confirm button of a reminder records that the customer will come.
        let id = bookings(&app, &shop.key).await[0]["id"].as_str().unwrap().to_owned();
        let replies = chat.tap(&format!("attend:{id}")).await;
        assert!(text(&replies).contains("Thanks for confirming"), "{}", text(&replies));
        assert!(bookings(&app, &shop.key).await[0]["attendance_confirmed_at"].is_string());
        let replies = chat.say("I need to cancel my appointment").await;
        assert!(text(&replies).contains("Cancel Haircut with Sam on Thursday 4 March at 11:00?"), "{}", text(&replies));
        let replies = chat.say("no").await;
        assert!(text(&replies).contains("left it as it is"), "{}", text(&replies));
        assert_eq!(bookings(&app, &shop.key).await[0]["status"], "confirmed");
        chat.say("cancel it").await;
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("Cancelled"), "{}", text(&replies));
        assert_eq!(bookings(&app, &shop.key).await[0]["status"], "cancelled");
    }

    async fn another_chat_proves_the_booking_with_reference_and_contact(app: TestApp) {
        let shop = barber(&app).await;
        let (_, booking) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T10:00:00+01:00", "customer": {"name": "Dora", "email": "dora@example.com"}})).await;
        let reference = booking["reference"].as_str().unwrap().to_owned();
        let mut chat = Chat::new(&app, "ref");
        let replies = chat.say("I want to cancel my booking").await;
        assert!(text(&replies).contains("check it's you"), "{}", text(&replies));
        let replies = chat.say(&reference.to_lowercase().replace('-', "")).await;
        assert!(text(&replies).contains("Which phone number or email address"), "{}", text(&replies));
        // A wrong contact: the same answer as a right one, and no code goes anywhere.
        let replies = chat.say("dora@elsewhere.example").await;
        let wrong_contact = text(&replies);
        assert!(wrong_contact.contains("If") && wrong_contact.contains("code"), "{wrong_contact}");
        let replies = chat.say("123456").await;
        assert!(text(&replies).contains("isn't right"), "{}", text(&replies));
        assert!(mail_to(&app, "dora@elsewhere.example").is_empty(), "no code for a contact the booking does not name");

        let replies = chat.say("cancel my booking please").await;
        assert!(text(&replies).contains("check it's you"), "{}", text(&replies));
        let replies = chat.say(&format!("{reference} dora@example.com")).await;
        assert_eq!(text(&replies), wrong_contact, "a match reads exactly like a miss");
        let code = code_sent_to(&app, "dora@example.com").await;
        let replies = chat.say(&format!("{} {}", &code[..3], &code[3..])).await;
        assert!(text(&replies).contains("Cancel Haircut"), "{}", text(&replies));
        chat.say("yes").await;
        assert_eq!(bookings(&app, &shop.key).await[0]["status"], "cancelled");
    }

    async fn handoff_silences_the_bot_until_staff_hand_back(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "human");
        chat.say("hi").await;
        let replies = chat.say("can I talk to a person please").await;
        assert!(text(&replies).contains("passed your message to our team"), "{}", text(&replies));
        let (status, body) = chat.raw(json!({"text": "hello? anyone?"})).await;
        assert_eq!(status, 200);
        assert_eq!((body["replies"].as_array().map(Vec::len), body["with_staff"].as_bool()), (Some(0), Some(true)));
        let (status, inbox) = app.get("/api/v1/businesses/barber/conversations?owner=human", Some(&shop.key)).await;
        assert_eq!(status, 200);
        let id = inbox[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(inbox[0]["last_message"]["text"], "hello? anyone?");
        let (status, _) = app.post(&format!("/api/v1/businesses/barber/conversations/{id}/messages"), Some(&shop.key), json!({"text": "Hi, this is Sam. How can I help?"})).await;
        assert_eq!(status, 201);
        let poll = |after: Option<String>| {
            let app = &app;
            let conversation = chat.conversation.clone();
            async move {
                let query = after.map(|a| format!("?after={a}")).unwrap_or_default();
                let (status, body) = app.get(&format!("/api/v1/businesses/barber/chat/{conversation}/messages{query}"), None).await;
                assert_eq!(status, 200);
                body["messages"].as_array().cloned().unwrap_or_default()
            }
        };
        let messages = poll(None).await;
        let last = messages.last().unwrap();
        assert_eq!((last["author"].as_str(), last["text"].as_str()), (Some("staff"), Some("Hi, this is Sam. How can I help?")));
        let after = last["id"].as_str().map(str::to_owned);
        assert_eq!(app.post(&format!("/api/v1/businesses/barber/conversations/{id}/hand-back"), Some(&shop.key), json!({})).await.0, 204);
        let newer = poll(after).await;
        assert_eq!(newer.len(), 1);
        assert!(newer[0]["text"].as_str().unwrap().contains("back with the booking assistant"));
        let replies = chat.say("haircut on friday").await;
        assert!(text(&replies).contains("Friday 5 March"), "{}", text(&replies));
        // Another business's key sees none of it.
        let other = app.create_business("other", "UTC", json!({})).await;
        assert_eq!(app.get(&format!("/api/v1/businesses/barber/conversations/{id}"), Some(&other)).await.0, 403);
        assert_eq!(app.get(&format!("/api/v1/businesses/other/conversations/{id}"), Some(&other)).await.0, 404);
        // After a handoff the bot speaks again once the timeout passes without staff.
        chat.say("talk to a human").await;
        assert!(chat.say("still there?").await.is_empty());
        app.clock.advance(chrono::Duration::minutes(121));
        assert!(!chat.say("hello").await.is_empty());
    }

    async fn german_customers_get_german_and_can_switch(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "de");
        let replies = chat.say("hallo, ich hätte gern nen haarschnitt bei alex am mittwoch um halb 4").await;
        let said = text(&replies);
        assert!(said.contains("Ich halte Haircut bei Alex am Mittwoch, 3. März um 15:30"), "{said}");
        let replies = chat.say("Jonas Weber").await;
        assert!(text(&replies).contains("Telefonnummer oder E-Mail"), "{}", text(&replies));
        let replies = chat.say("jonas@example.de").await;
        assert!(text(&replies).contains("Soll ich das verbindlich buchen?"), "{}", text(&replies));
        let replies = chat.say("ja gerne").await;
        assert!(text(&replies).contains("Gebucht!"), "{}", text(&replies));
        let replies = chat.say("sorry, can we continue in English? what are my appointments").await;
        assert!(text(&replies).contains("Your upcoming appointments"), "{}", text(&replies));
        assert_eq!(bookings(&app, &shop.key).await[0]["staff_id"], shop.alex.as_str());
    }

    async fn spanish_browsers_get_spanish(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "es");
        let (status, body) = chat.raw(json!({"payload": "book", "locale": "es-ES"})).await;
        assert_eq!(status, 200, "{body}");
        let replies = body["replies"].as_array().cloned().unwrap_or_default();
        assert!(text(&replies).contains("¿Qué servicio quieres?"), "{}", text(&replies));
        let replies = chat.tap(&payload_titled(&replies, "Haircut")).await;
        assert!(text(&replies).contains("¿Qué día te viene bien para Haircut?"), "{}", text(&replies));
        assert_eq!(choices(&replies)[2].0, "mié 03/03");
        let replies = chat.tap("day:2027-03-03").await;
        assert!(text(&replies).contains("Haircut — horas libres el miércoles 3 de marzo:"), "{}", text(&replies));
        let replies = chat.say("1").await;
        assert!(text(&replies).contains("el miércoles 3 de marzo a las 09:00"), "{}", text(&replies));
        chat.say("Lucía García").await;
        let replies = chat.say("+34 612 345 678").await;
        assert!(text(&replies).contains("¿Te lo reservo?"), "{}", text(&replies));
        let replies = chat.tap("yes").await;
        assert!(text(&replies).contains("¡Reservado!"), "{}", text(&replies));
        assert_eq!(bookings(&app, &shop.key).await[0]["customer"]["name"], "Lucía García");
        let (status, conversations) = app.get("/api/v1/businesses/barber/conversations", Some(&shop.key)).await;
        assert_eq!(status, 200);
        assert_eq!(conversations[0]["locale"], "es", "{conversations}");
    }

    async fn offered_times_say_what_they_are_for(app: TestApp) {
        barber(&app).await;
        let mut chat = Chat::new(&app, "offers");
        let replies = chat.say("skin fade with Sam on Friday after 4").await;
        assert!(text(&replies).contains("Skin Fade with Sam — free on Friday 5 March:"), "{}", text(&replies));
        let mut chat = Chat::new(&app, "angebote");
        let replies = chat.say("Skin Fade bei Sam am Freitag ab 16 Uhr").await;
        assert!(text(&replies).contains("Skin Fade bei Sam – frei am Freitag, 5. März:"), "{}", text(&replies));
    }

    async fn a_restart_mid_conversation_carries_on(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "restart");
        chat.say("a beard trim on friday").await;
        let conversation = chat.conversation.clone();
        let sent = chat.sent;
        let (backend, clock) = (app.backend, app.clock.clone());
        let database = app.stop().await;
        let app = spawn_on(database, backend, clock).await;
        let mut chat = Chat { app: &app, slug: "barber".to_owned(), conversation, sent };
        let replies = chat.say("the first one").await;
        assert!(text(&replies).contains("holding Beard Trim with Sam on Friday 5 March at 09:00"), "{}", text(&replies));
        chat.say("Emil").await;
        let replies = chat.say("+49 160 1111111").await;
        assert!(text(&replies).contains("Shall I book it?"));
        chat.say("yes").await;
        assert_eq!(bookings(&app, &shop.key).await[0]["status"], "confirmed");
    }

    async fn a_redelivered_message_is_answered_once(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "dup");
        let body = json!({"conversation_id": chat.conversation, "message_id": "same-id", "text": "haircut with Sam tomorrow at 10"});
        let (_, first) = app.post("/api/v1/businesses/barber/chat", None, body.clone()).await;
        let (_, second) = app.post("/api/v1/businesses/barber/chat", None, body).await;
        assert_eq!(first, second, "the same answer, not a second turn");
        chat.sent = 100;
        chat.say("Fritz").await;
        chat.say("fritz@example.com").await;
        chat.say("yes").await;
        let all = bookings(&app, &shop.key).await;
        assert_eq!(all.len(), 1, "one hold, one booking: {all:?}");
        let (_, inbox) = app.get("/api/v1/businesses/barber/conversations", Some(&shop.key)).await;
        let id = inbox[0]["id"].as_str().unwrap();
        let (_, conversation) = app.get(&format!("/api/v1/businesses/barber/conversations/{id}"), Some(&shop.key)).await;
        let inbound = conversation["messages"].as_array().unwrap().iter().filter(|m| m["direction"] == "in").count();
        assert_eq!(inbound, 4);
    }

    async fn odd_messages_get_friendly_answers_and_book_nothing(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "odd");
        for odd in ["", "   ", "🙂🙂🙂", &"blah ".repeat(2_000), "Bonjour, je voudrais un rendez-vous", "slot:1234:any", "DROP TABLE bookings;"] {
            let replies = chat.say(odd).await;
            assert!(!replies.is_empty(), "no answer to {odd:?}");
            assert!(replies.iter().all(|r| !r["text"].as_str().unwrap_or_default().is_empty()));
            let last = replies.last().unwrap();
            assert!(!last["choices"].as_array().is_none_or(Vec::is_empty) || last["text"].as_str().unwrap().ends_with('?'), "a dead end after {odd:?}: {last}");
        }
        for forged in ["slot:notanumber:any", "cancel:../../etc", "svc:00000000-0000-0000-0000-000000000000", "cancel:01234567-89ab-7def-8123-456789abcdef", &"x".repeat(300)] {
            let replies = chat.tap(forged).await;
            assert!(!replies.is_empty(), "{forged}");
        }
        let replies = chat.say("haircut yesterday at 3pm").await;
        assert!(text(&replies).contains("has already passed"), "{}", text(&replies));
        let replies = chat.say("haircut on the 31st of april").await;
        assert!(text(&replies).contains("doesn't exist") && text(&replies).contains("Which day"), "{}", text(&replies));
        assert!(bookings(&app, &shop.key).await.is_empty());

        // A button that was right ten minutes ago, for a time someone else has taken since.
        let mut late = Chat::new(&app, "late");
        let replies = late.say("haircut with sam on friday").await;
        let (title, stale) = choices(&replies)[0].clone();
        let (status, _) = app.book("barber", json!({"service_id": shop.haircut, "staff_id": shop.sam, "start": format!("2027-03-05T{title}:00+01:00"), "customer": customer("Gil")})).await;
        assert_eq!(status, 201);
        app.clock.advance(chrono::Duration::minutes(10));
        let replies = late.tap(&stale).await;
        assert!(text(&replies).contains("already taken"), "{}", text(&replies));
        assert!(!choices(&replies).is_empty());

        for (body, field) in [
            (json!({"conversation_id": "short", "message_id": "m1", "text": "hi"}), "conversation_id"),
            (json!({"conversation_id": "conversation-long-enough", "message_id": "m1"}), "text"),
            (json!({"conversation_id": "conversation-long-enough", "message_id": "m1", "text": "hi", "payload": "yes"}), "text"),
            (json!({"conversation_id": "conversation-long-enough", "message_id": "", "text": "hi"}), "message_id"),
        ] {
            let (status, err) = app.post("/api/v1/businesses/barber/chat", None, body.clone()).await;
            assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{body} → {err}");
        }
        let (status, _) = app.post("/api/v1/businesses/nobody/chat", None, json!({"conversation_id": "conversation-long-enough", "message_id": "m1", "text": "hi"})).await;
        assert_eq!(status, 404);
    }

    async fn business_questions_are_asked_once_per_customer(app: TestApp) {
        let shop = barber(&app).await;
        let (status, _) = app.post("/api/v1/businesses/barber/questions", Some(&shop.key), json!({"prompt_en": "Are you a new customer?", "prompt_de": "Sind Sie Neukunde?", "kind": "yes_no"})).await;
        assert_eq!(status, 201);
        let (status, err) = app.post("/api/v1/businesses/barber/questions", Some(&shop.key), json!({"prompt_en": "Hm?", "kind": "essay"})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("kind")));
        let mut chat = Chat::new(&app, "questions");
        let replies = chat.say("I'm Hana, haircut on friday at 11, hana@example.com").await;
        assert!(text(&replies).contains("Are you a new customer?"), "{}", text(&replies));
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        chat.say("yes").await;
        let replies = chat.say("and another haircut on saturday at 10").await;
        assert!(text(&replies).contains("Shall I book it?"), "a known customer is not asked again: {}", text(&replies));
    }

    async fn a_span_of_days_and_a_thank_you(app: TestApp) {
        barber(&app).await;
        let mut chat = Chat::new(&app, "span");
        let replies = chat.say("a fade sometime next week please").await;
        let days: Vec<String> = choices(&replies).into_iter().map(|c| c.1).filter(|p| p.starts_with("day:")).collect();
        assert!(!days.is_empty(), "{}", text(&replies));
        assert!(days.iter().all(|d| ("day:2027-03-08"..="day:2027-03-14").contains(&d.as_str())), "{days:?}");
        let replies = chat.say("thanks, I'll think about it").await;
        assert!(text(&replies).contains("You're welcome"), "{}", text(&replies));
    }

    async fn a_yes_no_question_is_answered_by_tapping(app: TestApp) {
        let shop = barber(&app).await;
        let (status, _) = app.post("/api/v1/businesses/barber/questions", Some(&shop.key), json!({"prompt_en": "Do you need parking?", "kind": "yes_no"})).await;
        assert_eq!(status, 201);
        let mut chat = Chat::new(&app, "tap-question");
        let replies = chat.say("I'm Hana, haircut on friday at 11, hana@example.com").await;
        assert!(text(&replies).contains("Do you need parking?"), "{}", text(&replies));
        let replies = chat.tap(&payload_titled(&replies, "No")).await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        chat.tap(&payload_titled(&replies, "Yes, book it")).await;
        let booked = bookings(&app, &shop.key).await;
        assert_eq!(booked.len(), 1);
        assert_eq!(booked[0]["status"], "confirmed");
    }
}
