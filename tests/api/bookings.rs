//! Booking, seeing, moving and cancelling, with every kind of bad input.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

/// A barber in Berlin: Sam works every day 09:00–12:30 and 13:30–18:00; a 30-minute cut with a
/// 10-minute clean-up; 15-minute grid; 24 h cancellation cutoff.
async fn barber(app: &TestApp) -> (String, String, String) {
    let key = app
        .create_business(
            "barber",
            "Europe/Berlin",
            json!({"cancellation_cutoff_minutes": 1440}),
        )
        .await;
    let sam = app
        .add_staff(
            "barber",
            &key,
            "Sam",
            every_day(json!([["09:00", "12:30"], ["13:30", "18:00"]])),
        )
        .await;
    let cut = app
        .add_service("barber", &key, json!({"name": "Cut", "duration_minutes": 30, "buffer_after_minutes": 10, "staff_ids": [sam]}))
        .await;
    (key, sam, cut)
}

fn starts(slots: &[Value]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s["start"].as_str().unwrap_or_default()[11..16].to_owned())
        .collect()
}

on_both_backends! {
    async fn a_booking_is_made_seen_moved_and_cancelled(app: TestApp) {
        let (key, sam, cut) = barber(&app).await;
        let query = format!("service_id={cut}&from=2027-03-10");
        assert!(starts(&app.slots("barber", &query).await).contains(&"10:00".to_owned()));

        let (status, booking) = app
            .book("barber", json!({"service_id": cut, "staff_id": sam, "start": "2027-03-10T10:00:00+01:00",
                "customer": {"name": "Anna Schmidt", "email": "anna@example.com"}, "notes": "short on the sides"}))
            .await;
        assert_eq!(status, 201, "{booking}");
        assert_eq!(booking["status"], "confirmed");
        assert_eq!(booking["start"], "2027-03-10T10:00:00+01:00");
        assert_eq!(booking["end"], "2027-03-10T10:30:00+01:00");
        assert_eq!(booking["staff_id"], sam.as_str());
        assert_eq!(booking["service_id"], cut.as_str());
        assert_eq!(booking["customer"]["email"], "anna@example.com");
        let reference = booking["reference"].as_str().unwrap();
        assert!(reference.len() == 7 && &reference[3..4] == "-", "{reference}");
        let id = booking["id"].as_str().unwrap().to_owned();
        let token = booking["manage_token"].as_str().unwrap().to_owned();
        assert!(booking["manage_url"].as_str().unwrap().contains(&token));

        // The slot and its buffer are gone: 10:00 and 10:15, 10:30 (buffer until 10:40) too;
        // 09:30 would end at 10:00 plus its own buffer, which overlaps.
        let free = starts(&app.slots("barber", &query).await);
        for taken in ["09:30", "09:45", "10:00", "10:15", "10:30"] {
            assert!(!free.contains(&taken.to_owned()), "{taken} still offered: {free:?}");
        }
        assert!(free.contains(&"09:15".to_owned()) && free.contains(&"10:45".to_owned()), "{free:?}");

        // Seen by the customer's token or the business key, by nobody else.
        let (status, seen) = app.get(&format!("/api/v1/bookings/{id}?token={token}"), None).await;
        assert_eq!((status, seen["reference"].as_str()), (200, Some(reference)));
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&key)).await.0, 200);
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), None).await.0, 401);
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}?token=forged"), None).await.0, 403);
        let other = app.create_business("other", "UTC", json!({})).await;
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&other)).await.0, 404);
        assert_eq!(app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&other), json!({})).await.0, 404);
        assert_eq!(app.get("/api/v1/bookings/not-a-booking", Some(&key)).await.0, 404);

        // Moving is atomic: a taken target leaves the booking where it was.
        let (status, blocker) = app.book("barber", json!({"service_id": cut, "start": "2027-03-10T15:00:00+01:00", "customer": customer("Ben")})).await;
        assert_eq!(status, 201, "{blocker}");
        let (status, err) = app.post(&format!("/api/v1/bookings/{id}/reschedule?token={token}"), None, json!({"start": "2027-03-10T15:00:00+01:00"})).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("slot_unavailable")), "{err}");
        assert_eq!(app.get(&format!("/api/v1/bookings/{id}?token={token}"), None).await.1["start"], "2027-03-10T10:00:00+01:00");

        // Moving to an overlapping later time works (its own old time does not block it).
        let (status, moved) = app.post(&format!("/api/v1/bookings/{id}/reschedule?token={token}"), None, json!({"start": "2027-03-10T10:15:00+01:00"})).await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["start"], "2027-03-10T10:15:00+01:00");
        let free = starts(&app.slots("barber", &query).await);
        assert!(free.contains(&"09:30".to_owned()), "old time not released: {free:?}");

        let (status, cancelled) = app.post(&format!("/api/v1/bookings/{id}/cancel"), None, json!({})).await;
        assert_eq!(status, 401, "{cancelled}");
        let (status, cancelled) = app
            .client.post(app.url(&format!("/api/v1/bookings/{id}/cancel"))).header("X-Manage-Token", &token).send().await
            .map(|r| (r.status().as_u16(), r)).unwrap();
        let (_, cancelled) = read(cancelled).await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["cancelled_by"], "customer");
        let (status, again) = app.post(&format!("/api/v1/bookings/{id}/cancel?token={token}"), None, json!({})).await;
        assert_eq!((status, again["error"]["code"].as_str()), (409, Some("booking_not_changeable")));
        assert!(starts(&app.slots("barber", &query).await).contains(&"10:15".to_owned()));
    }

    async fn customers_meet_the_cutoff_the_business_does_not(app: TestApp) {
        let (key, _sam, cut) = barber(&app).await;
        // Now is 2027-03-01 09:00 local; the booking is 8 hours ahead, inside the 24 h cutoff.
        let (status, booking) = app.book("barber", json!({"service_id": cut, "start": "2027-03-01T16:00:00Z", "customer": customer("Cy")})).await;
        assert_eq!(status, 201, "{booking}");
        let id = booking["id"].as_str().unwrap();
        let token = booking["manage_token"].as_str().unwrap();
        let (status, err) = app.post(&format!("/api/v1/bookings/{id}/cancel?token={token}"), None, json!({})).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("cutoff_passed")));
        let (status, err) = app.post(&format!("/api/v1/bookings/{id}/reschedule?token={token}"), None, json!({"start": "2027-03-05T10:00:00+01:00"})).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("cutoff_passed")));
        let (status, moved) = app.post(&format!("/api/v1/bookings/{id}/reschedule"), Some(&key), json!({"start": "2027-03-01T11:00:00+01:00"})).await;
        assert_eq!(status, 200, "{moved}");
        let (status, done) = app.post(&format!("/api/v1/bookings/{id}/status"), Some(&key), json!({"status": "no_show"})).await;
        assert_eq!((status, done["status"].as_str()), (200, Some("no_show")));
        let (status, err) = app.post(&format!("/api/v1/bookings/{id}/status"), Some(&key), json!({"status": "gone"})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("status")));
        let (status, cancelled) = app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&key), json!({"reason": "closed"})).await;
        assert_eq!(status, 409, "a no-show cannot be cancelled: {cancelled}");
    }

    async fn bad_booking_requests_get_clear_errors_and_change_nothing(app: TestApp) {
        let (key, sam, cut) = barber(&app).await;
        let base = json!({"service_id": cut, "start": "2027-03-10T10:00:00+01:00", "customer": customer("Di")});
        let with = |field: &str, value: Value| {
            let mut body = base.clone();
            body[field] = value;
            body
        };
        let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
            (with("start", json!("2027-03-10T10:05:00+01:00")), 422, "off_grid", Some("start")),
            (with("start", json!("2027-02-01T10:00:00+01:00")), 422, "start_in_past", Some("start")),
            (with("start", json!("2027-03-01T09:30:00+01:00")), 422, "too_short_notice", Some("start")),
            (with("start", json!("2028-03-10T10:00:00+01:00")), 422, "beyond_horizon", Some("start")),
            (with("start", json!("2027-03-10T12:45:00+01:00")), 409, "slot_unavailable", Some("start")),
            (with("start", json!("2027-02-30T10:00:00+01:00")), 422, "validation_failed", Some("start")),
            (with("start", json!("next tuesday")), 422, "validation_failed", Some("start")),
            (with("start", json!(12)), 422, "validation_failed", Some("start")),
            (with("service_id", json!("nope")), 422, "validation_failed", Some("service_id")),
            (with("staff_id", json!("nope")), 422, "validation_failed", Some("staff_id")),
            (with("customer", json!({"name": "Ed"})), 422, "validation_failed", Some("customer")),
            (with("customer", json!({"name": "", "phone": "123456"})), 422, "validation_failed", Some("customer.name")),
            (with("customer", json!({"name": "Ed", "email": "ed@"})), 422, "validation_failed", Some("customer.email")),
            (with("customer", json!({"name": "Ed", "phone": "call me"})), 422, "validation_failed", Some("customer.phone")),
            (with("customer", json!("Ed")), 422, "validation_failed", Some("customer")),
            (with("surprise", json!(1)), 422, "validation_failed", None),
            (with("notes", json!("x".repeat(3000))), 422, "validation_failed", Some("notes")),
        ];
        for (body, status, code, field) in cases {
            let (got, err) = app.book("barber", body.clone()).await;
            assert_eq!(got, status, "{body} → {err}");
            assert_eq!(err["error"]["code"], code, "{body} → {err}");
            if let Some(field) = field {
                assert_eq!(err["error"]["field"], field, "{body} → {err}");
            }
            assert!(err["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, err) = app.book("nobody-here", base.clone()).await;
        assert_eq!((status, err["error"]["code"].as_str()), (404, Some("not_found")));

        let raw = |body: String| app.client.post(app.url("/api/v1/businesses/barber/bookings")).header("content-type", "application/json").body(body).send();
        let (status, err) = read(raw("{\"service_id\": ".to_owned()).await.unwrap()).await;
        assert_eq!((status, err["error"]["code"].as_str()), (400, Some("invalid_json")));
        let (status, err) = read(raw(String::new()).await.unwrap()).await;
        assert_eq!((status, err["error"]["code"].as_str()), (400, Some("invalid_json")));
        let huge = format!("{{\"notes\": \"{}\"}}", "x".repeat(70 * 1024));
        let (status, err) = read(raw(huge).await.unwrap()).await;
        assert_eq!((status, err["error"]["code"].as_str()), (413, Some("payload_too_large")));

        // Nothing was written by any of that; the server still serves.
        let (status, list) = app.get("/api/v1/businesses/barber/bookings?from=2027-03-01&to=2027-12-31", Some(&key)).await;
        assert_eq!(status, 200);
        assert_eq!(list["bookings"], json!([]));
        assert_eq!(app.get("/healthz", None).await.0, 200);

        // A local wall time is read in the business's zone.
        let (status, booked) = app.book("barber", with("start", json!("2027-03-10T11:00"))).await;
        assert_eq!((status, booked["start"].as_str()), (201, Some("2027-03-10T11:00:00+01:00")), "{booked}");
        let _ = sam;
    }

    async fn availability_queries_are_checked(app: TestApp) {
        let (_key, sam, cut) = barber(&app).await;
        let check = |query: String, status: u16, field: &'static str| {
            let app = &app;
            async move {
                let (got, err) = app.get(&format!("/api/v1/businesses/barber/availability?{query}"), None).await;
                assert_eq!(got, status, "{query} → {err}");
                if !field.is_empty() {
                    assert_eq!(err["error"]["field"], field, "{query} → {err}");
                }
            }
        };
        check(format!("service_id={cut}&from=2027-02-30"), 422, "from").await;
        check(format!("service_id={cut}&from=03/10/2027"), 422, "from").await;
        check(format!("service_id={cut}&from=2027-03-10&to=2027-03-09"), 422, "to").await;
        check(format!("service_id={cut}&from=2027-03-01&to=2027-12-31"), 422, "to").await;
        check("from=2027-03-10".to_owned(), 422, "service_id").await;
        check(format!("service_id={cut}"), 422, "from").await;
        check("service_id=unknown&from=2027-03-10".to_owned(), 422, "service_id").await;
        check(format!("service_id={cut}&from=2027-03-10&staff_id=ghost"), 422, "staff_id").await;
        let (status, _) = app.get(&format!("/api/v1/businesses/ghost-town/availability?service_id={cut}&from=2027-03-10"), None).await;
        assert_eq!(status, 404);

        let slots = app.slots("barber", &format!("service_id={cut}&from=2027-03-10&staff_id={sam}")).await;
        // 09:00 … 11:45 before lunch (a cut plus its buffer must end by 12:30), 13:30 … 17:15 after.
        let got = starts(&slots);
        assert_eq!(got.first().map(String::as_str), Some("09:00"));
        assert!(got.contains(&"11:45".to_owned()) && !got.contains(&"12:00".to_owned()), "{got:?}");
        assert!(got.contains(&"13:30".to_owned()) && got.contains(&"17:15".to_owned()) && !got.contains(&"17:30".to_owned()), "{got:?}");
        assert_eq!(got.len(), 12 + 16);
        assert!(slots.iter().all(|s| s["staff_id"] == sam.as_str()));
    }

    async fn any_staff_spreads_bookings_and_schedule_groups_them(app: TestApp) {
        let key = app.create_business("trio", "America/New_York", json!({})).await;
        let hours = every_day(json!([["09:00", "17:00"]]));
        let mut staff = Vec::new();
        for name in ["Ann", "Bea", "Cid"] {
            staff.push(app.add_staff("trio", &key, name, hours.clone()).await);
        }
        let cut = app.add_service("trio", &key, json!({"name": "Cut", "duration_minutes": 30, "staff_ids": staff})).await;
        let mut assigned = Vec::new();
        for hour in ["09", "10", "11"] {
            let (status, b) = app.book("trio", json!({"service_id": cut, "start": format!("2027-03-10T{hour}:00:00-05:00"), "customer": customer("Dee")})).await;
            assert_eq!(status, 201, "{b}");
            assert_eq!(b["time_zone"], "America/New_York");
            assert_eq!(b["customer"]["id"], assigned.first().map_or(b["customer"]["id"].clone(), |f: &Value| f["customer"]["id"].clone()), "the customer is recognised by phone");
            assigned.push(b);
        }
        let mut who: Vec<&str> = assigned.iter().map(|b| b["staff_id"].as_str().unwrap()).collect();
        who.sort();
        let mut expected: Vec<&str> = staff.iter().map(String::as_str).collect();
        expected.sort();
        assert_eq!(who, expected, "three bookings on one day go to three different staff members");

        let (status, day) = app.get("/api/v1/businesses/trio/schedule?date=2027-03-10", Some(&key)).await;
        assert_eq!(status, 200, "{day}");
        assert_eq!(day["time_zone"], "America/New_York");
        let columns = day["staff"].as_array().unwrap();
        assert_eq!(columns.len(), 3);
        for column in columns {
            assert_eq!(column["hours"], json!([{"start": "2027-03-10T09:00:00-05:00", "end": "2027-03-10T17:00:00-05:00"}]));
            assert_eq!(column["bookings"].as_array().unwrap().len(), 1);
        }
        let (status, err) = app.get("/api/v1/businesses/trio/schedule?date=2027-13-01", Some(&key)).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("date")));
        let other = app.create_business("solo", "UTC", json!({})).await;
        assert_eq!(app.get("/api/v1/businesses/trio/schedule?date=2027-03-10", Some(&other)).await.0, 403);
        let (_, list) = app.get("/api/v1/businesses/trio/bookings?from=2027-03-10&to=2027-03-10&status=confirmed", Some(&key)).await;
        assert_eq!(list["bookings"].as_array().unwrap().len(), 3);
        let (status, _) = app.get("/api/v1/businesses/trio/bookings?status=lost", Some(&key)).await;
        assert_eq!(status, 422);
    }

    async fn bookings_survive_a_restart_and_still_block_their_slot(app: TestApp) {
        let (key, _sam, cut) = barber(&app).await;
        let (status, booking) = app.book("barber", json!({"service_id": cut, "start": "2027-03-10T10:00:00+01:00", "customer": customer("Flo")})).await;
        assert_eq!(status, 201);
        let (backend, clock) = (app.backend, app.clock.clone());
        let database = app.stop().await;
        let app = spawn_on(database, backend, clock).await;
        let id = booking["id"].as_str().unwrap();
        let token = booking["manage_token"].as_str().unwrap();
        let (status, seen) = app.get(&format!("/api/v1/bookings/{id}?token={token}"), None).await;
        assert_eq!((status, seen["status"].as_str()), (200, Some("confirmed")), "manage tokens outlive the process");
        let (status, _) = app.book("barber", json!({"service_id": cut, "start": "2027-03-10T10:00:00+01:00", "customer": customer("Gus")})).await;
        assert_eq!(status, 409);
        assert_eq!(app.get("/api/v1/businesses/barber", Some(&key)).await.0, 200);
    }
}
