//! Daylight-saving days over HTTP: the slots offered, the bookings made, the times shown.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

/// A shop in `zone` open around the clock with one staff member and a one-hour service.
async fn night_shop(app: &TestApp, zone: &str) -> (String, String) {
    let key = app.create_business("night", zone, json!({"slot_interval_minutes": 30, "booking_horizon_days": 400, "min_notice_minutes": 0})).await;
    let staff = app
        .add_staff("night", &key, "Nox", every_day(json!([["00:00", "24:00"]])))
        .await;
    let service = app
        .add_service(
            "night",
            &key,
            json!({"name": "Session", "duration_minutes": 60, "staff_ids": [staff]}),
        )
        .await;
    (key, service)
}

fn pairs(slots: &[Value]) -> Vec<(String, String)> {
    slots
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap().to_owned(),
                s["end"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

on_both_backends! {
    async fn berlin_spring_forward_offers_no_missing_times_and_books_across_the_jump(app: TestApp) {
        let (_key, service) = night_shop(&app, "Europe/Berlin").await;
        let slots = pairs(&app.slots("night", &format!("service_id={service}&from=2027-03-28")).await);
        // 23 hours in the day, a start every 30 minutes (hours run on through midnight).
        assert_eq!(slots.len(), 46, "{slots:?}");
        assert!(slots.iter().all(|(s, _)| !s.contains("T02:")), "02:xx does not exist that night");
        assert!(slots.contains(&("2027-03-28T01:30:00+01:00".into(), "2027-03-28T03:30:00+02:00".into())));
        assert_eq!(slots[2].0, "2027-03-28T01:00:00+01:00");
        assert_eq!(slots[4].0, "2027-03-28T03:00:00+02:00");

        let (status, booking) = app.book("night", json!({"service_id": service, "start": "2027-03-28T01:30:00+01:00", "customer": customer("Ada")})).await;
        assert_eq!(status, 201, "{booking}");
        assert_eq!(booking["end"], "2027-03-28T03:30:00+02:00");
        let (status, err) = app.book("night", json!({"service_id": service, "start": "2027-03-28T02:30", "customer": customer("Bob")})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("start")), "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("does not exist"));
        // The booking blocks 01:30 +01:00 to 03:30 +02:00: 03:00 +02:00 is taken, 03:30 free.
        let after = pairs(&app.slots("night", &format!("service_id={service}&from=2027-03-28")).await);
        assert!(!after.iter().any(|(s, _)| s == "2027-03-28T03:00:00+02:00"));
        assert!(after.iter().any(|(s, _)| s == "2027-03-28T03:30:00+02:00"));
    }

    async fn berlin_fall_back_offers_both_half_past_twos(app: TestApp) {
        let (key, service) = night_shop(&app, "Europe/Berlin").await;
        let slots = pairs(&app.slots("night", &format!("service_id={service}&from=2027-10-31")).await);
        assert_eq!(slots.len(), 50, "25 hours in the day");
        let twos: Vec<&str> = slots.iter().map(|(s, _)| s.as_str()).filter(|s| s.contains("T02:")).collect();
        assert_eq!(
            twos,
            ["2027-10-31T02:00:00+02:00", "2027-10-31T02:30:00+02:00", "2027-10-31T02:00:00+01:00", "2027-10-31T02:30:00+01:00"]
        );
        // A bare wall time that happens twice is refused; each offset can be booked on its own.
        let (status, err) = app.book("night", json!({"service_id": service, "start": "2027-10-31T02:30", "customer": customer("Cy")})).await;
        assert_eq!(status, 422, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("twice"));
        for start in ["2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"] {
            let (status, b) = app.book("night", json!({"service_id": service, "start": start, "customer": customer("Cy")})).await;
            assert_eq!((status, b["start"].as_str()), (201, Some(start)), "{b}");
        }
        let (_, day) = app.get("/api/v1/businesses/night/schedule?date=2027-10-31", Some(&key)).await;
        let starts: Vec<&str> = day["staff"][0]["bookings"].as_array().unwrap().iter().map(|b| b["start"].as_str().unwrap()).collect();
        assert_eq!(starts, ["2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"]);
        assert_eq!(day["staff"][0]["hours"], json!([{"start": "2027-10-31T00:00:00+02:00", "end": "2027-11-01T00:00:00+01:00"}]));
    }

    async fn santiago_day_without_midnight(app: TestApp) {
        let (_key, service) = night_shop(&app, "America/Santiago").await;
        let slots = pairs(&app.slots("night", &format!("service_id={service}&from=2027-09-05")).await);
        assert_eq!(slots[0].0, "2027-09-05T01:00:00-03:00");
        assert_eq!(slots.len(), 46);
        let before = pairs(&app.slots("night", &format!("service_id={service}&from=2027-09-04")).await);
        assert_eq!(before.last().unwrap(), &("2027-09-04T23:30:00-04:00".to_owned(), "2027-09-05T01:30:00-03:00".to_owned()));
    }

    async fn lord_howe_half_hour_change(app: TestApp) {
        let (_key, service) = night_shop(&app, "Australia/Lord_Howe").await;
        let slots = pairs(&app.slots("night", &format!("service_id={service}&from=2027-10-03")).await);
        let early: Vec<&str> = slots.iter().map(|(s, _)| &s[11..]).take(6).collect();
        assert_eq!(early, ["00:00:00+10:30", "00:30:00+10:30", "01:00:00+10:30", "01:30:00+10:30", "02:30:00+11:00", "03:00:00+11:00"]);
    }
}
