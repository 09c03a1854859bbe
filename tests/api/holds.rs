//! Holds: a slot reserved for a few minutes is blocked like a booking, and free again after.

use chrono::Duration;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends! {
    async fn an_expired_hold_frees_its_slot(app: TestApp) {
        let key = app.create_business("hold", "Europe/Berlin", json!({})).await;
        let sam = app.add_staff("hold", &key, "Sam", every_day(json!([["09:00", "18:00"]]))).await;
        let cut = app.add_service("hold", &key, json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam]})).await;
        let start = "2027-03-10T10:00:00+01:00";
        let now = chairside::clock::Clock::now(&app.clock);
        let request = hold(cut.clone(), None, start, now + Duration::minutes(5));
        let held = app.state.scheduler.book("hold".into(), request, now).await.expect("hold");
        assert_eq!(held.booking.status, "held");

        let offered = |slots: Vec<serde_json::Value>| slots.iter().any(|s| s["start"] == start);
        assert!(!offered(app.slots("hold", &format!("service_id={cut}&from=2027-03-10")).await));
        let (status, _) = app.book("hold", json!({"service_id": cut, "start": start, "customer": customer("Eve")})).await;
        assert_eq!(status, 409, "a live hold blocks the slot");

        app.clock.advance(Duration::minutes(6));
        assert!(offered(app.slots("hold", &format!("service_id={cut}&from=2027-03-10")).await));
        let (status, booking) = app.book("hold", json!({"service_id": cut, "start": start, "customer": customer("Eve")})).await;
        assert_eq!(status, 201, "{booking}");
        let (_, old) = app.get(&format!("/api/v1/bookings/{}", held.booking.id), Some(&key)).await;
        assert_eq!(old["status"], "expired");
    }
}
