//! A customer is known only by proof: knowing someone's phone number or email address opens,
//! changes and receives nothing; a one-time code, a signed link or a platform's own identity of
//! the sender do. Both backends, through the real HTTP server.

use chairside::storage::StorageError;
use chairside::storage::schema::{bookings, conversations, customers};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::chat::{Chat, barber, bookings as all_bookings, choices, payload_titled, text};
use crate::helpers::*;
use crate::on_both_backends;

const VERA_PHONE: &str = "+49 170 1111111";
pub(crate) const VERA_EMAIL: &str = "vera@example.com";

/// Vera books through the API, then proves her email address in a chat: a customer record
/// with her name and her booking, and the chat that proved it.
pub(crate) async fn vera_proven<'a>(
    app: &'a TestApp,
    shop: &crate::chat::Barber,
) -> (Value, Chat<'a>) {
    let (status, booking) = app
        .book(
            "barber",
            json!({"service_id": shop.haircut, "start": "2027-03-05T10:00:00+01:00",
            "customer": {"name": "Vera Vogel", "phone": VERA_PHONE, "email": VERA_EMAIL}}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    let mut chat = Chat::new(app, "vera");
    chat.say("hi").await;
    let replies = chat.say("my bookings").await;
    assert!(
        text(&replies).contains("check it's you"),
        "{}",
        text(&replies)
    );
    let replies = chat.say(VERA_EMAIL).await;
    assert!(
        text(&replies).contains("v•••@example.com"),
        "{}",
        text(&replies)
    );
    let code = code_sent_to(app, VERA_EMAIL).await;
    let replies = chat.say(&code).await;
    let said = text(&replies);
    assert!(
        said.contains("that's you") && said.contains(booking["reference"].as_str().unwrap()),
        "{said}"
    );
    (booking, chat)
}

fn customer_rows(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>)> {
    app.state
        .db
        .read_blocking(|conn| {
            customers::table
                .select((
                    customers::id,
                    customers::name,
                    customers::phone,
                    customers::email,
                ))
                .load(conn)
                .map_err(StorageError::from)
        })
        .unwrap()
}

fn conversation_customer(app: &TestApp, key: &str) -> Option<String> {
    let key = key.to_owned();
    app.state
        .db
        .read_blocking(move |conn| {
            conversations::table
                .filter(conversations::external_key.eq(key))
                .select(conversations::customer_id)
                .first(conn)
                .map_err(StorageError::from)
        })
        .unwrap()
}

/// A chat that is only waiting for a code.
async fn waiting_for_code<'a>(app: &'a TestApp, name: &str, email: &str) -> Chat<'a> {
    let mut chat = Chat::new(app, name);
    chat.say("hello").await;
    chat.say("show my bookings").await;
    let replies = chat.say(email).await;
    assert!(
        text(&replies).contains("6-digit code"),
        "{}",
        text(&replies)
    );
    chat
}

on_both_backends! {
    async fn a_phone_number_is_not_a_key_to_a_customer(app: TestApp) {
        let shop = barber(&app).await;
        let (vera_booking, _) = vera_proven(&app, &shop).await;
        let before = customer_rows(&app);
        assert_eq!(before.len(), 1, "{before:?}");

        // A stranger books with Vera's phone number and a name of their own.
        let (status, booked) = app
            .book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T11:00:00+01:00",
                "customer": {"name": "Mallory", "phone": VERA_PHONE}}))
            .await;
        assert_eq!(status, 201, "{booked}");
        assert_eq!(booked["customer"], json!({"id": null, "name": "Mallory", "phone": "+491701111111", "email": null}),
            "the answer shows what the caller sent, nothing stored");
        assert!(!booked.to_string().contains(VERA_EMAIL) && !booked.to_string().contains("Vera"));
        // And once more, now adding an email address of their own.
        let (status, second) = app
            .book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T12:00:00+01:00",
                "customer": {"name": "Mallory", "phone": VERA_PHONE, "email": "mallory@example.com"}}))
            .await;
        assert_eq!(status, 201, "{second}");
        assert_eq!(customer_rows(&app), before, "no customer renamed, no contact added");

        // Vera's own booking still reaches Vera only; the stranger's bookings reach the stranger.
        let all = all_bookings(&app, &shop.key).await;
        let vera = all.iter().find(|b| b["id"] == vera_booking["id"]).unwrap();
        assert_eq!(vera["customer"]["email"], VERA_EMAIL);
        assert!(vera["customer"]["id"].is_string(), "Vera's booking is linked to her record");
        let strangers: Vec<&Value> = all.iter().filter(|b| b["customer"]["name"] == "Mallory").collect();
        assert_eq!(strangers.len(), 2);
        assert!(strangers.iter().all(|b| b["customer"]["id"].is_null()), "never merged into Vera's record");
        let mails_to_vera = mail_to(&app, VERA_EMAIL);
        assert!(mails_to_vera.iter().all(|m| !m.contains("Mallory")), "nothing of the stranger's goes to Vera");
    }

    async fn a_stranger_in_the_web_chat_reaches_nobody_elses_bookings(app: TestApp) {
        let shop = barber(&app).await;
        let (vera_booking, _) = vera_proven(&app, &shop).await;
        let vera_reference = vera_booking["reference"].as_str().unwrap().to_owned();
        let vera_id = vera_booking["id"].as_str().unwrap().to_owned();

        let mut stranger = Chat::new(&app, "stranger");
        stranger.say("haircut on friday at 15:00").await;
        stranger.say("Mallory").await;
        let replies = stranger.say(VERA_PHONE).await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        stranger.say("yes").await;
        let replies = stranger.say("my bookings").await;
        let listed = text(&replies);
        assert!(listed.contains("15:00"), "their own booking is theirs: {listed}");
        assert!(!listed.contains(&vera_reference) && !listed.contains(&vera_id) && !listed.contains("10:00"), "{listed}");
        // Other bookings need proof; the phone number cannot be texted from here.
        let replies = stranger.tap(&payload_titled(&replies, "Other bookings")).await;
        assert!(text(&replies).contains("check it's you"), "{}", text(&replies));
        let replies = stranger.say(VERA_PHONE).await;
        assert!(text(&replies).contains("can't send a text message"), "{}", text(&replies));
        // Vera's email address: the code goes to Vera, and guessing it gets nowhere.
        let replies = stranger.say(VERA_EMAIL).await;
        assert!(text(&replies).contains("6-digit code"), "{}", text(&replies));
        let mut seen = String::new();
        for guess in ["111111", "222222", "333333", "444444", "555555", "666666"] {
            seen.push_str(&text(&stranger.say(guess).await));
        }
        assert!(seen.contains("one more try") && seen.contains("tried too often"), "{seen}");
        let code = code_sent_to(&app, VERA_EMAIL).await;
        let replies = stranger.say(&code).await;
        assert!(text(&replies).contains("tried too often"), "the right code after five wrong ones: {}", text(&replies));
        let everything = format!("{seen}{}", text(&replies));
        assert!(!everything.contains(&vera_reference) && !everything.contains("manage/"), "{everything}");
        assert_eq!(conversation_customer(&app, &stranger.conversation), None, "the stranger's chat proved nobody");

        // Vera's booking still belongs to Vera's own contact and is not the stranger's chat's.
        let id = vera_id.clone();
        let home: Option<String> = app.state.db.read_blocking(move |conn| {
            bookings::table.find(id).select(bookings::conversation_id).first(conn).map_err(StorageError::from)
        }).unwrap();
        assert!(home.is_none(), "a booking made through the API has no chat of its own");
    }

    async fn a_customer_who_proves_a_code_sees_and_moves_their_bookings(app: TestApp) {
        let shop = barber(&app).await;
        let (booking, mut chat) = vera_proven(&app, &shop).await;
        let replies = chat.say("move it to thursday at 11").await;
        assert!(text(&replies).contains("to Thursday 4 March at 11:00?"), "{}", text(&replies));
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("Moved!"), "{}", text(&replies));
        let (_, fetched) = app.get(&format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()), Some(&shop.key)).await;
        assert_eq!(fetched["start"], "2027-03-04T11:00:00+01:00");
        // The same browser later: the chat still knows her, and asks nothing again.
        let replies = chat.say("hello").await;
        assert!(text(&replies).contains("Welcome back"), "{}", text(&replies));
        let replies = chat.say("a beard trim on friday at 9").await;
        assert!(text(&replies).contains("Shall I book it?"), "name and contact are not asked again: {}", text(&replies));
    }

    async fn codes_that_prove_nothing_get_clear_answers(app: TestApp) {
        barber(&app).await;
        // A wrong code, then the right one written in Arabic-Indic digits with spaces.
        let mut chat = waiting_for_code(&app, "digits", "nora@example.com").await;
        let replies = chat.say("000000").await;
        assert!(text(&replies).contains("isn't right") && text(&replies).contains("4 more tries"), "{}", text(&replies));
        let replies = chat.say("12 34").await;
        assert!(text(&replies).contains("6 digits"), "{}", text(&replies));
        let code = code_sent_to(&app, "nora@example.com").await;
        let arabic: String = code.chars().map(|c| char::from_u32(0x660 + c.to_digit(10).unwrap()).unwrap()).collect();
        let replies = chat.say(&format!("{} {}", &arabic[..6], &arabic[6..])).await;
        assert!(text(&replies).contains("that's you"), "{}", text(&replies));

        // A code is good in its own conversation only, and once.
        let mut other = waiting_for_code(&app, "other", "otto@example.com").await;
        let otto = code_sent_to(&app, "otto@example.com").await;
        let mut thief = Chat::new(&app, "thief");
        thief.say("hello").await;
        thief.say("my bookings").await;
        let replies = thief.say(&otto).await;
        assert!(!text(&replies).contains("that's you"), "{}", text(&replies));
        assert!(other.say(&otto).await.iter().any(|r| r["text"].as_str().unwrap().contains("that's you")));
        let mut replay = waiting_for_code(&app, "replay", "otto@example.com").await;
        let replies = replay.say(&otto).await;
        assert!(text(&replies).contains("isn't right"), "an old code does not prove a new request: {}", text(&replies));

        // Ten minutes later a code has expired; a new one can be asked for.
        let mut late = waiting_for_code(&app, "late", "lena@example.com").await;
        let code = code_sent_to(&app, "lena@example.com").await;
        app.clock.advance(chrono::Duration::minutes(11));
        let replies = late.say(&code).await;
        assert!(text(&replies).contains("expired"), "{}", text(&replies));
        let replies = late.tap(&payload_titled(&replies, "Send a new code")).await;
        assert!(text(&replies).contains("6-digit code"), "{}", text(&replies));
    }

    async fn a_flood_of_code_requests_for_one_address_is_refused_across_instances(app: TestApp) {
        barber(&app).await;
        let second = spawn_on(std::sync::Arc::clone(&app.database), app.backend, app.clock.clone()).await;
        let mut answers = Vec::new();
        for (i, server) in [&app, &second, &app, &second].into_iter().enumerate() {
            let mut chat = Chat::new(server, &format!("flood-{i}"));
            chat.say("hi").await;
            chat.say("my bookings").await;
            answers.push(text(&chat.say("Victim@Example.com").await));
        }
        assert!(answers[..3].iter().all(|a| a.contains("6-digit code")), "{answers:?}");
        assert!(answers[3].contains("several codes") && answers[3].contains("minutes"), "{answers:?}");
        // Each test server writes mail to a folder of its own.
        let sent = || mail_to(&app, "victim@example.com").len() + mail_to(&second, "victim@example.com").len();
        for _ in 0..100 {
            if sent() >= 3 { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(sent(), 3, "three codes, not four");
    }

    async fn booking_references_are_read_leniently_and_limited(app: TestApp) {
        let shop = barber(&app).await;
        let (_, booking) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T10:00:00+01:00",
            "customer": {"name": "Dora", "email": "dora@example.com"}})).await;
        let reference = booking["reference"].as_str().unwrap().to_owned();
        let typed = reference.to_lowercase().replace('-', "");
        let mut answers = Vec::new();
        for i in 0..6 {
            let mut chat = Chat::new(&app, &format!("guess-{i}"));
            chat.say("cancel my appointment").await;
            answers.push(text(&chat.say(&format!("I have a booking {typed}, my email is guess{i}@example.com")).await));
        }
        assert!(answers[..5].iter().all(|a| a.contains(&format!("If {reference} was booked"))), "{answers:?}");
        assert!(answers[5].contains("too many tries"), "{answers:?}");
        assert!((0..6).all(|i| mail_to(&app, &format!("guess{i}@example.com")).is_empty()));
        // The limit is per reference: another booking's owner is not locked out by it.
        let (_, other) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T11:00:00+01:00",
            "customer": {"name": "Ede", "email": "ede@example.com"}})).await;
        let mut chat = Chat::new(&app, "ede");
        chat.say("cancel my appointment").await;
        let replies = chat.say(&format!("{} ede@example.com", other["reference"].as_str().unwrap())).await;
        assert!(text(&replies).contains("was booked"), "{}", text(&replies));
        let code = code_sent_to(&app, "ede@example.com").await;
        let replies = chat.say(&code).await;
        assert!(text(&replies).contains("Cancel Haircut"), "{}", text(&replies));
    }

    async fn delete_my_data_reaches_the_inbox(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "gdpr");
        chat.say("hi").await;
        let replies = chat.say("Please delete all my personal data").await;
        assert!(text(&replies).contains("passed your request to delete your data"), "{}", text(&replies));
        let key = chat.conversation.clone();
        let (owner, requested): (String, Option<chrono::NaiveDateTime>) = app.state.db.read_blocking(move |conn| {
            conversations::table
                .filter(conversations::external_key.eq(key))
                .select((conversations::owner, conversations::privacy_request_at))
                .first(conn)
                .map_err(StorageError::from)
        }).unwrap();
        assert_eq!(owner, "human");
        assert!(requested.is_some());
        let (_, inbox) = app.get("/api/v1/businesses/barber/conversations?owner=human", Some(&shop.key)).await;
        assert_eq!(inbox.as_array().map(Vec::len), Some(1), "{inbox}");
        let replies = Chat::new(&app, "de").say("Bitte löschen Sie meine Daten").await;
        assert!(text(&replies).contains("Daten zu löschen"), "{}", text(&replies));
    }

    async fn the_greeting_links_the_privacy_notice(app: TestApp) {
        let shop = barber(&app).await;
        let (status, err) = app.send("PATCH", "/api/v1/businesses/barber", Some(&shop.key), json!({"privacy_url": "javascript:alert(1)"})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("privacy_url")));
        let (status, business) = app.send("PATCH", "/api/v1/businesses/barber", Some(&shop.key),
            json!({"privacy_url": "https://barber.example/privacy", "transcript_retention_days": 90, "manage_link_days": 14})).await;
        assert_eq!(status, 200, "{business}");
        assert_eq!((business["transcript_retention_days"].as_i64(), business["manage_link_days"].as_i64()), (Some(90), Some(14)));
        let replies = Chat::new(&app, "privacy").say("hello").await;
        assert!(text(&replies).contains("How we handle your data: https://barber.example/privacy"), "{}", text(&replies));
    }

    async fn a_signed_chat_link_ties_one_chat_to_its_customer(app: TestApp) {
        let shop = barber(&app).await;
        let (_, mut vera) = vera_proven(&app, &shop).await;
        let _ = vera.say("thanks").await;
        let customer_id = customer_rows(&app)[0].0.clone();
        let (status, link) = app.post(&format!("/api/v1/businesses/barber/customers/{customer_id}/chat-link"), Some(&shop.key), json!({"valid_hours": 2})).await;
        assert_eq!(status, 201, "{link}");
        let token = link["token"].as_str().unwrap().to_owned();
        assert!(link["web_url"].as_str().unwrap().ends_with(&format!("/b/barber/chat?link={token}")));
        assert!(token.len() <= 64);
        let mut browser = Chat::new(&app, "from-link");
        let replies = browser.tap(&token).await;
        assert!(text(&replies).contains("Welcome back to barber shop, Vera Vogel"), "{}", text(&replies));
        // The same link from another chat opens nothing.
        let mut other = Chat::new(&app, "forwarded");
        let replies = other.tap(&token).await;
        assert!(text(&replies).contains("already used") && !text(&replies).contains("Vera"), "{}", text(&replies));
        assert_eq!(conversation_customer(&app, &other.conversation), None);
        // A forged or expired link proves nothing either.
        let mut forged = token.clone().into_bytes();
        let at = forged.len() - 3;
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        let replies = Chat::new(&app, "forged").tap(&String::from_utf8(forged).unwrap()).await;
        assert!(!text(&replies).contains("Vera"), "{}", text(&replies));
        let (_, fresh) = app.post(&format!("/api/v1/businesses/barber/customers/{customer_id}/chat-link"), Some(&shop.key), json!({})).await;
        app.clock.advance(chrono::Duration::hours(25));
        let replies = Chat::new(&app, "late").tap(fresh["token"].as_str().unwrap()).await;
        assert!(text(&replies).contains("expired") && !text(&replies).contains("Vera"), "{}", text(&replies));
        // Only for this business's customers, and only with its own credentials.
        let other_key = app.create_business("other", "Europe/Berlin", json!({})).await;
        let (status, _) = app.post(&format!("/api/v1/businesses/other/customers/{customer_id}/chat-link"), Some(&other_key), json!({})).await;
        assert_eq!(status, 404);
        let (status, _) = app.post(&format!("/api/v1/businesses/barber/customers/{customer_id}/chat-link"), Some(&other_key), json!({})).await;
        assert_eq!(status, 403);
        let (status, err) = app.post(&format!("/api/v1/businesses/barber/customers/{customer_id}/chat-link"), Some(&shop.key), json!({"valid_hours": 0})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("valid_hours")));
    }

    async fn the_link_in_a_confirmation_email_proves_that_address(app: TestApp) {
        let shop = barber(&app).await;
        let (status, booking) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T10:00:00+01:00",
            "customer": {"name": "Emil", "email": "emil@example.com"}})).await;
        assert_eq!(status, 201);
        // The confirmation goes out through the job queue.
        let mut link = None;
        for _ in 0..200 {
            link = mail_to(&app, "emil@example.com").iter().find_map(|m| {
                m.split_whitespace().find_map(|w| w.split("?link=").nth(1).map(str::to_owned))
            });
            if link.is_some() { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let link = link.expect("a chat link in the confirmation");
        let mut chat = Chat::new(&app, "emailed");
        let replies = chat.tap(&link).await;
        assert!(text(&replies).contains("Welcome back") && text(&replies).contains("Emil"), "{}", text(&replies));
        let replies = chat.say("my bookings").await;
        assert!(text(&replies).contains(booking["reference"].as_str().unwrap()), "{}", text(&replies));
    }
}

on_both_backends! {
    configure |config: &mut chairside::config::Config| {
        // The hold cap is on; the test's forty customers all write from 127.0.0.1, which the
        // chat's request limit would otherwise stop first.
        config.rate_limits = true;
        config.limits.set(chairside::limits::LimitClass::Chat, None);
    };
    async fn one_address_cannot_hold_a_whole_day(app: TestApp) {
        let shop = barber(&app).await;
        let day = "service_id={}&from=2027-03-05&to=2027-03-05";
        let free_before = app.slots("barber", &day.replace("{}", &shop.haircut)).await.len();
        let mut noted = 0;
        let mut picked = Vec::new();
        for i in 0..40 {
            let mut chat = Chat::new(&app, &format!("hoard-{i}"));
            let replies = chat.say("a haircut on friday").await;
            let Some((_, slot)) = choices(&replies).into_iter().find(|(_, p)| p.starts_with("slot:") && !picked.contains(p)) else {
                break;
            };
            picked.push(slot.clone());
            let replies = chat.tap(&slot).await;
            if text(&replies).contains("I've noted") {
                noted += 1;
            }
        }
        let held: i64 = app.state.db.read_blocking(|conn| {
            bookings::table.filter(bookings::status.eq("held")).count().get_result(conn).map_err(StorageError::from)
        }).unwrap();
        assert_eq!(held, 3, "three holds per address");
        assert!(noted >= 3, "later picks are noted, not held ({noted})");
        let free_after = app.slots("barber", &day.replace("{}", &shop.haircut)).await.len();
        assert!(free_after + 6 >= free_before, "the day stays bookable: {free_before} → {free_after}");

        // A noted time is booked at the confirmation.
        let mut chat = Chat::new(&app, "noted");
        chat.say("haircut on saturday at 10").await;
        let replies = chat.say("Nora").await;
        let replies = if text(&replies).contains("phone number or email") { chat.say("nora@example.com").await } else { replies };
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("You're booked!"), "{}", text(&replies));
    }

    async fn a_conversation_holds_one_slot_even_with_forged_taps(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "forger");
        let replies = chat.say("a haircut on friday").await;
        let slots: Vec<String> = choices(&replies).into_iter().map(|(_, p)| p).filter(|p| p.starts_with("slot:")).collect();
        assert!(slots.len() >= 3, "{slots:?}");
        for slot in &slots {
            chat.tap(slot).await;
            // And a forged payload for the same slot with a staff member named.
            chat.tap(&format!("{}{}", slot.trim_end_matches("any"), shop.sam)).await;
        }
        let held: i64 = app.state.db.read_blocking(|conn| {
            bookings::table.filter(bookings::status.eq("held")).count().get_result(conn).map_err(StorageError::from)
        }).unwrap();
        assert_eq!(held, 1);
    }
}

on_both_backends! {
    async fn manage_links_open_one_booking_until_revoked_cancelled_or_expired(app: TestApp) {
        let shop = barber(&app).await;
        let (_, first) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T10:00:00+01:00",
            "customer": {"name": "Dora", "email": "dora@example.com"}})).await;
        let (_, second) = app.book("barber", json!({"service_id": shop.haircut, "start": "2027-03-05T11:00:00+01:00",
            "customer": {"name": "Dora", "email": "dora@example.com"}})).await;
        let (id, token) = (first["id"].as_str().unwrap().to_owned(), first["manage_token"].as_str().unwrap().to_owned());
        let (status, seen) = app.get(&format!("/api/v1/bookings/{id}?token={token}"), None).await;
        assert_eq!((status, seen["customer"]["name"].as_str()), (200, Some("Dora")));
        // A link is never a key to the same customer's other bookings, nor to unknown ones.
        let other = second["id"].as_str().unwrap();
        assert_eq!(app.get(&format!("/api/v1/bookings/{other}?token={token}"), None).await.0, 403);
        let (status, unknown) = app.get(&format!("/api/v1/bookings/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b?token={token}"), None).await;
        assert_eq!((status, unknown["error"]["code"].as_str()), (403, Some("forbidden")), "an unknown booking reads like a wrong token");

        // Staff revoke the link: the old one stops, the new one works and is emailed.
        let (status, renewed) = app.post(&format!("/api/v1/bookings/{id}/manage-link"), Some(&shop.key), json!({})).await;
        assert_eq!(status, 200, "{renewed}");
        let new_token = renewed["manage_token"].as_str().unwrap().to_owned();
        assert_ne!(new_token, token);
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}?token={token}"), None).await.0, 403);
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}?token={new_token}"), None).await.0, 200);
        let mut mailed = false;
        for _ in 0..200 {
            mailed = mail_to(&app, "dora@example.com").iter().any(|m| m.contains(&new_token) && m.contains("new link"));
            if mailed { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(mailed, "the new link reaches the booking's email address");
        let other_key = app.create_business("other", "Europe/Berlin", json!({})).await;
        assert_eq!(app.post(&format!("/api/v1/bookings/{id}/manage-link"), Some(&other_key), json!({})).await.0, 404);

        // Cancelled: the link shows that it was, and no longer whose it was.
        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel?token={new_token}"), None, json!({})).await;
        assert_eq!(status, 200);
        let (status, cancelled) = app.get(&format!("/api/v1/bookings/{id}?token={new_token}"), None).await;
        assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
        assert!(cancelled["customer"].is_null() && !cancelled.to_string().contains("dora@"), "{cancelled}");
        let (status, refused) = app.post(&format!("/api/v1/bookings/{id}/reschedule?token={new_token}"), None, json!({"start": "2027-03-05T12:00:00+01:00"})).await;
        assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("booking_not_changeable")));

        // 30 days (the business's setting) after the appointment the link has expired.
        let other_token = second["manage_token"].as_str().unwrap();
        app.clock.set(chrono::DateTime::parse_from_rfc3339("2027-04-04T10:29:00Z").unwrap().to_utc());
        assert_eq!(app.get(&format!("/api/v1/bookings/{other}?token={other_token}"), None).await.0, 200);
        app.clock.set(chrono::DateTime::parse_from_rfc3339("2027-04-04T10:31:00Z").unwrap().to_utc());
        let (status, gone) = app.get(&format!("/api/v1/bookings/{other}?token={other_token}"), None).await;
        assert_eq!((status, gone["error"]["code"].as_str()), (410, Some("link_expired")));
        assert_eq!(app.get(&format!("/api/v1/bookings/{other}"), Some(&shop.key)).await.0, 200, "staff still see it");
    }
}
