//! Stored JSON that no longer decodes is answered as what it is — a 500 `corrupt_data` naming
//! the value — never replaced by a default that would quietly lose what it held.

use serde_json::Value;

use crate::chat::{Chat, barber};
use crate::helpers::*;
use crate::on_both_backends;

/// Asserts a `corrupt_data` answer that names `what`.
fn assert_corrupt(status: u16, body: &Value, what: &str) {
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"]["code"], "corrupt_data", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(what), "{message}");
}

on_both_backends! {
    async fn a_conversation_whose_state_is_corrupt_answers_with_an_error_not_a_fresh_start(app: TestApp) {
        barber(&app).await;
        let mut chat = Chat::new(&app, "corrupt");
        chat.say("Hi, I'd like a haircut").await;
        app.execute_sql(&format!(
            "UPDATE conversations SET state = '{{\"expecting\": ' WHERE external_key = '{}'",
            chat.conversation
        ))
        .await;
        let (status, body) = chat.raw(serde_json::json!({"text": "tomorrow at 3pm"})).await;
        assert_corrupt(status, &body, "conversations.state");
        // The failed turn kept nothing: the stored state is still the corrupt one, for repair.
        let (status, body) = chat.raw(serde_json::json!({"text": "tomorrow at 3pm"})).await;
        assert_corrupt(status, &body, "conversations.state");
    }

    async fn a_service_whose_synonyms_are_corrupt_is_an_error_where_it_is_read(app: TestApp) {
        let shop = barber(&app).await;
        // The calendar is cached by configuration version: a new one makes the next read see it.
        app.execute_sql(&format!(
            "UPDATE services SET synonyms = 'cut, trim' WHERE id = '{}';
             UPDATE businesses SET config_version = config_version + 1 WHERE slug = 'barber'",
            shop.haircut
        ))
        .await;
        let (status, body) = app.get("/api/v1/businesses/barber/services", Some(&shop.key)).await;
        assert_corrupt(status, &body, "services.synonyms");
        assert!(body["error"]["message"].as_str().unwrap_or_default().contains(&shop.haircut), "{body}");
        let slots = format!(
            "/api/v1/businesses/barber/availability?service_id={}&from=2027-03-02&to=2027-03-02",
            shop.haircut
        );
        let (status, body) = app.get(&slots, None).await;
        assert_corrupt(status, &body, "services.synonyms");
        let (status, body) = Chat::new(&app, "synonyms").raw(serde_json::json!({"text": "a cut please"})).await;
        assert_corrupt(status, &body, "services.synonyms");
    }

    async fn corrupt_reminder_offsets_are_an_error_not_silence(app: TestApp) {
        let shop = barber(&app).await;
        // Before, a value that did not decode was shown as the default and sent no reminders.
        for stored in ["soon", "[60, 0]"] {
            app.execute_sql(&format!(
                "UPDATE businesses SET reminder_offsets_minutes = '{stored}' WHERE slug = 'barber'"
            ))
            .await;
            let (status, body) = app.get("/api/v1/businesses/barber", Some(&shop.key)).await;
            assert_corrupt(status, &body, "businesses.reminder_offsets_minutes");
        }
        app.execute_sql("UPDATE businesses SET reminder_offsets_minutes = '[30]' WHERE slug = 'barber'").await;
        let (status, body) = app.get("/api/v1/businesses/barber", Some(&shop.key)).await;
        assert_eq!((status, body["reminder_offsets_minutes"].clone()), (200, serde_json::json!([30])));
    }
}
