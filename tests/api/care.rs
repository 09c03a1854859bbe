//! Questions to the business through the web chat, on both backends: every answer comes from
//! what the test business entered (its prices, address, phone, hours, closures, policies and
//! FAQ), in the customer's language, and what it did not enter is never invented.

use serde_json::{Value, json};

use crate::chat::{Chat, choices, text};
use crate::helpers::*;
use crate::on_both_backends;

const ADDRESS: &str = "Kastanienallee 12, 10435 Berlin";

/// A barber in Berlin with an address, a phone number and prices: Sam and Alex work Monday to
/// Friday 09:00–12:30 and 13:30–18:00 and Saturday 09:00–14:00; closed on Sundays; a special
/// day on Friday 5 March (10:00–13:00). "Now" is Monday 1 March 2027, 09:00 local.
async fn shop(app: &TestApp) -> String {
    let key = app
        .create_business(
            "barber",
            "Europe/Berlin",
            json!({"address": ADDRESS, "phone": "+49 30 1234567", "cancellation_cutoff_minutes": 720}),
        )
        .await;
    let weekday = json!([["09:00", "12:30"], ["13:30", "18:00"]]);
    let week = json!({"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday,
        "fri": weekday, "sat": [["09:00", "14:00"]]});
    let sam = app.add_staff("barber", &key, "Sam", week.clone()).await;
    let alex = app.add_staff("barber", &key, "Alex", week).await;
    for (name, minutes, cents) in [
        ("Haircut", 30, 2000),
        ("Skin Fade", 45, 2500),
        ("Beard Trim", 20, 1250),
    ] {
        app.add_service(
            "barber",
            &key,
            json!({"name": name, "duration_minutes": minutes,
            "price_cents": cents, "currency": "EUR", "staff_ids": [sam, alex]}),
        )
        .await;
    }
    app.add_service(
        "barber",
        &key,
        json!({"name": "Hot Towel Shave", "duration_minutes": 40, "staff_ids": [sam]}),
    )
    .await;
    let special =
        json!({"date": "2027-03-05", "hours": [["10:00", "13:00"]], "reason": "training"});
    let (status, body) = app
        .post("/api/v1/businesses/barber/closures", Some(&key), special)
        .await;
    assert_eq!(status, 201, "{body}");
    key
}

async fn faq(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    app.post("/api/v1/businesses/barber/faq", Some(key), body)
        .await
}

/// Asks one question in a fresh conversation in `lang` and returns all that was said.
async fn ask(app: &TestApp, lang: &str, question: &str) -> String {
    let mut chat = Chat::new(app, "care");
    let (status, body) = chat.raw(json!({"text": question, "locale": lang})).await;
    assert_eq!(status, 200, "{question}: {body}");
    text(
        body["replies"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )
}

on_both_backends! {
    async fn questions_are_answered_from_the_business_data(app: TestApp) {
        shop(&app).await;
        let said = ask(&app, "en", "how much is a skin fade?").await;
        assert!(said.contains("Skin Fade is €25 and takes 45 min."), "{said}");
        let said = ask(&app, "de", "was kostet ein Haarschnitt?").await;
        assert!(said.contains("Haircut kostet 20 € und dauert 30 Min."), "{said}");
        let said = ask(&app, "en", "what are your prices").await;
        assert!(said.contains("Beard Trim: €12.50, 20 min") && said.contains("Hot Towel Shave: 40 min (price on request)"), "{said}");
        let said = ask(&app, "en", "how long does a beard trim take?").await;
        assert!(said.contains("Beard Trim takes about 20 min."), "{said}");

        let map = "https://www.openstreetmap.org/search?query=Kastanienallee+12%2C+10435+Berlin";
        let said = ask(&app, "en", "where are you located?").await;
        assert!(said.contains(ADDRESS) && said.contains(map), "{said}");
        let said = ask(&app, "de", "wo seid ihr?").await;
        assert!(said.contains("Sie finden uns hier: Kastanienallee 12") && said.contains(map), "{said}");
        let said = ask(&app, "en", "whats your phone number").await;
        assert!(said.contains("You can call us on +49301234567."), "{said}");

        let said = ask(&app, "en", "when are you open on saturday?").await;
        assert!(said.contains("On Saturday 6 March we're open 09:00–14:00."), "{said}");
        let said = ask(&app, "en", "are you open on Sunday?").await;
        assert!(said.contains("We're closed on Sunday 7 March."), "{said}");
        assert!(!said.contains("fully booked"), "{said}");
        let said = ask(&app, "de", "habt ihr am sonntag offen?").await;
        assert!(said.contains("Am Sonntag, 7. März haben wir geschlossen."), "{said}");
        let said = ask(&app, "en", "are you open on friday?").await;
        assert!(said.contains("On Friday 5 March we're open 10:00–13:00."), "the special day: {said}");
        let said = ask(&app, "en", "are you open now?").await;
        assert!(said.contains("Yes, we're open now, until 12:30."), "{said}");
        let said = ask(&app, "en", "what are your opening hours").await;
        assert!(said.contains("Monday–Friday: 09:00–12:30 and 13:30–18:00") && said.contains("Saturday: 09:00–14:00") && said.contains("Sunday: closed"), "{said}");

        let said = ask(&app, "en", "is Sam in tomorrow?").await;
        assert!(said.contains("Sam works on Tuesday 2 March, 09:00–12:30 and 13:30–18:00."), "{said}");
        let said = ask(&app, "de", "wer arbeitet samstags?").await;
        assert!(said.contains("Am Samstag, 6. März arbeiten:") && said.contains("Sam: 09:00–14:00") && said.contains("Alex: 09:00–14:00"), "{said}");

        let said = ask(&app, "en", "how late can i cancel?").await;
        assert!(said.contains("up to 12 h before it starts"), "{said}");
        let said = ask(&app, "en", "do you send a reminder?").await;
        assert!(said.contains("We send you a reminder 24 h and 2 h before your appointment."), "{said}");
        let said = ask(&app, "es", "¿cuánto cuesta un corte de pelo?").await;
        assert!(said.contains("Haircut cuesta 20 € y dura 30 min."), "{said}");
    }

    async fn an_answer_offers_the_next_step(app: TestApp) {
        shop(&app).await;
        let mut chat = Chat::new(&app, "next-step");
        let replies = chat.say("how much is a skin fade?").await;
        let offered = choices(&replies);
        let (_, book) = offered.iter().find(|(title, _)| title == "Book Skin Fade").cloned().unwrap_or_else(|| panic!("{offered:?}"));
        let replies = chat.tap(&book).await;
        assert!(text(&replies).contains("Skin Fade"), "{}", text(&replies));

        // In the middle of booking, the answer comes and the pending question is asked again.
        let mut chat = Chat::new(&app, "mid-booking");
        chat.say("haircut tomorrow at 10").await;
        let replies = chat.say("where are you located?").await;
        let said = text(&replies);
        assert!(said.contains(ADDRESS) && said.contains("your name"), "{said}");
    }

    async fn the_faq_answers_other_phrasings_and_unknown_questions_go_to_the_team(app: TestApp) {
        let key = shop(&app).await;
        let answer = "<b>Yes</b> — card, cash or Apple Pay. <script>alert(1)</script>";
        let (status, entry) = faq(&app, &key, json!({"translations": [
            {"locale": "en", "examples": ["Can I pay by card?", "Do you accept cash?"], "answer": answer},
            {"locale": "de", "examples": ["Kann ich mit Karte zahlen?"], "answer": "Ja, mit Karte oder bar."}
        ]})).await;
        assert_eq!(status, 201, "{entry}");
        // Matched by meaning, not by the examples' words; the answer is sent as written, as text.
        let said = ask(&app, "en", "do u take amex?").await;
        assert!(said.contains(answer), "{said}");
        let said = ask(&app, "de", "nehmt ihr auch ec?").await;
        assert!(said.contains("Ja, mit Karte oder bar."), "{said}");
        // A question in a language the entry lacks gets the business's language.
        let said = ask(&app, "es", "¿aceptáis tarjeta?").await;
        assert!(said.contains(answer), "{said}");

        let (_, listed) = app.get("/api/v1/businesses/barber/faq", Some(&key)).await;
        assert_eq!(listed[0]["translations"][0]["answer"], answer);

        let mut chat = Chat::new(&app, "unknown");
        let replies = chat.say("do you sell beard oil?").await;
        assert!(text(&replies).contains("I don't know that — shall I ask the team?"), "{}", text(&replies));
        let replies = chat.say("yes please").await;
        assert!(text(&replies).contains("I've passed your question to the team"), "{}", text(&replies));
        let (_, inbox) = app.get("/api/v1/businesses/barber/conversations?owner=human", Some(&key)).await;
        let id = inbox[0]["id"].as_str().unwrap_or_default().to_owned();
        let (_, conversation) = app.get(&format!("/api/v1/businesses/barber/conversations/{id}"), Some(&key)).await;
        assert!(conversation.to_string().contains("do you sell beard oil?"), "{conversation}");
    }

    async fn nothing_is_invented_and_bad_input_is_refused(app: TestApp) {
        let key = app.create_business("barber", "Europe/Berlin", json!({})).await;
        let sam = app.add_staff("barber", &key, "Sam", every_day(json!([["09:00", "17:00"]]))).await;
        app.add_service("barber", &key, json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [sam]})).await;
        // No address, no phone, no price entered: none is stated.
        let said = ask(&app, "en", "where are you located?").await;
        assert!(said.contains("I don't have that here — shall I ask the team?"), "{said}");
        let said = ask(&app, "en", "whats your phone number").await;
        assert!(said.contains("I don't have that here"), "{said}");
        let said = ask(&app, "en", "how much is a haircut?").await;
        assert!(said.contains("The price isn't listed here") && !said.contains('€'), "{said}");
        let said = ask(&app, "en", "how much is a perm?").await;
        assert!(said.contains("Haircut: 30 min (price on request)"), "a service it lacks lists what it has: {said}");
        let said = ask(&app, "en", "are you open on 24 December 2028?").await;
        assert!(said.contains("we take bookings up to 60 days ahead"), "{said}");
        let long = format!("how much is a haircut? {}", "really ".repeat(1500));
        let said = ask(&app, "en", &long).await;
        assert!(!said.is_empty(), "a 10 KB question gets a reply");

        for (body, field) in [
            (json!({"translations": []}), "translations"),
            (json!({"translations": [{"locale": "fr", "examples": ["Parking?"], "answer": "Oui"}]}), "translations[0].locale"),
            (json!({"translations": [{"locale": "en", "examples": [], "answer": "Yes"}]}), "translations[0].examples"),
            (json!({"translations": [{"locale": "en", "examples": ["Parking?"], "answer": " "}]}), "translations[0].answer"),
            (json!({"translations": [{"locale": "en", "examples": ["a"], "answer": "b"}, {"locale": "EN", "examples": ["c"], "answer": "d"}]}), "translations[1].locale"),
        ] {
            let (status, error) = faq(&app, &key, body.clone()).await;
            assert_eq!((status, error["error"]["field"].as_str()), (422, Some(field)), "{body}: {error}");
        }
        let (status, _) = faq(&app, &key, json!({"translations": [{"locale": "en", "examples": ["Parking?"], "answer": "Behind the shop."}]})).await;
        assert_eq!(status, 201);
        let (status, _) = app.get("/api/v1/businesses/barber/faq", None).await;
        assert_eq!(status, 401);
        let (status, _) = app.send("DELETE", "/api/v1/businesses/barber/faq/not-an-entry", Some(&key), Value::Null).await;
        assert_eq!(status, 404);
    }
}
