//! Businesses, staff, services, closures: setting up, validation, isolation.

use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends! {
    async fn health_openapi_and_metrics(app: TestApp) {
        let (status, health) = app.get("/healthz", None).await;
        assert_eq!(status, 200);
        assert_eq!(health["status"], "ok");
        let (status, doc) = app.get("/api/v1/openapi.json", None).await;
        assert_eq!(status, 200);
        for path in ["/api/v1/businesses/{slug}/availability", "/api/v1/businesses/{slug}/bookings", "/api/v1/bookings/{id}/reschedule"] {
            assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
        }
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("chairside_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{metrics}");
        let (status, body) = app.get("/no/such/thing", None).await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "not_found");
        let (status, body) = app.send("DELETE", "/api/v1/businesses", Some(ADMIN_TOKEN), json!({})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (405, Some("method_not_allowed")));
    }

    async fn creating_a_business_needs_the_admin_token_and_valid_fields(app: TestApp) {
        let body = json!({"slug": "anna-hair", "name": "Anna's", "time_zone": "Europe/Berlin"});
        let (status, err) = app.post("/api/v1/businesses", None, body.clone()).await;
        assert_eq!((status, err["error"]["code"].as_str()), (401, Some("unauthorized")));
        let (status, _) = app.post("/api/v1/businesses", Some("wrong"), body.clone()).await;
        assert_eq!(status, 401);

        let (status, created) = app.post("/api/v1/businesses", Some(ADMIN_TOKEN), body.clone()).await;
        assert_eq!(status, 201, "{created}");
        assert!(created["api_key"].as_str().unwrap().starts_with("csk_"));
        assert_eq!(created["time_zone"], "Europe/Berlin");
        assert_eq!(created["slot_interval_minutes"], 15);

        let (status, err) = app.post("/api/v1/businesses", Some(ADMIN_TOKEN), body).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("slug_taken")));

        let cases = [
            (json!({"slug": "x y", "name": "n", "time_zone": "UTC"}), "slug"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "Mars/Base"}), "time_zone"),
            (json!({"slug": "ok-slug", "name": " ", "time_zone": "UTC"}), "name"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "UTC", "locale": "fr"}), "locale"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "UTC", "slot_interval_minutes": 0}), "slot_interval_minutes"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "UTC", "policies": {"booking_horizon_days": -1}}), "booking_horizon_days"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "UTC", "notification_email": "nope"}), "notification_email"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": 5}), "time_zone"),
            (json!({"slug": "ok-slug", "name": "n", "time_zone": "UTC", "colour": "red"}), ""),
            (json!({"name": "n", "time_zone": "UTC"}), ""),
        ];
        for (body, field) in cases {
            let (status, err) = app.post("/api/v1/businesses", Some(ADMIN_TOKEN), body.clone()).await;
            assert_eq!(status, 422, "{body} → {err}");
            assert_eq!(err["error"]["code"], "validation_failed");
            if !field.is_empty() {
                assert_eq!(err["error"]["field"], field, "{body} → {err}");
            }
        }
        let raw = app.client.post(app.url("/api/v1/businesses")).bearer_auth(ADMIN_TOKEN).body("{\"slug\":").send().await.unwrap();
        let (status, err) = read(raw).await;
        assert_eq!((status, err["error"]["code"].as_str()), (400, Some("invalid_json")));
    }

    async fn business_key_reads_and_patches_its_own_business_only(app: TestApp) {
        let key_a = app.create_business("shop-a", "Europe/Berlin", json!({})).await;
        let key_b = app.create_business("shop-b", "America/New_York", json!({})).await;
        let (status, business) = app.get("/api/v1/businesses/shop-a", Some(&key_a)).await;
        assert_eq!(status, 200);
        assert_eq!(business["slug"], "shop-a");
        assert_eq!(app.get("/api/v1/businesses/shop-a", None).await.0, 401);
        assert_eq!(app.get("/api/v1/businesses/shop-a", Some("csk_forged")).await.0, 401);
        assert_eq!(app.get("/api/v1/businesses/shop-a", Some(&key_b)).await.0, 403);
        assert_eq!(app.send("PATCH", "/api/v1/businesses/shop-a", Some(&key_b), json!({"name": "x"})).await.0, 403);

        let (status, patched) = app
            .send("PATCH", "/api/v1/businesses/shop-a", Some(&key_a),
                json!({"name": "Shop A", "slot_interval_minutes": 30, "policies": {"min_notice_minutes": 120}, "notification_email": "Owner@Example.com"}))
            .await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["name"], "Shop A");
        assert_eq!(patched["slot_interval_minutes"], 30);
        assert_eq!(patched["min_notice_minutes"], 120);
        assert_eq!(patched["notification_email"], "Owner@example.com");
        let (status, cleared) = app.send("PATCH", "/api/v1/businesses/shop-a", Some(&key_a), json!({"notification_email": null})).await;
        assert_eq!(status, 200);
        assert!(cleared["notification_email"].is_null());
        let (status, err) = app.send("PATCH", "/api/v1/businesses/shop-a", Some(&key_a), json!({"time_zone": "Nowhere/Land"})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("time_zone")));
        // Nothing changed by the refused request.
        assert_eq!(app.get("/api/v1/businesses/shop-a", Some(&key_a)).await.1["time_zone"], "Europe/Berlin");
    }

    async fn staff_hours_and_services_are_validated_and_isolated(app: TestApp) {
        let key = app.create_business("barber", "Europe/Berlin", json!({})).await;
        let other_key = app.create_business("rival", "Europe/Berlin", json!({})).await;
        let sam = app.add_staff("barber", &key, "Sam", json!({"mon": [["09:00", "12:30"], ["13:30", "18:00"]]})).await;
        let rival_staff = app.add_staff("rival", &other_key, "Rik", json!({})).await;

        let (status, hours) = app.get(&format!("/api/v1/businesses/barber/staff/{sam}/hours"), Some(&key)).await;
        assert_eq!(status, 200);
        assert_eq!(hours["mon"], json!([["09:00", "12:30"], ["13:30", "18:00"]]));
        assert_eq!(hours["tue"], json!([]));

        let bad_hours = [
            (json!({"mon": [["25:00", "26:00"]]}), "mon[0]"),
            (json!({"mon": [["18:00", "09:00"]]}), "mon[0]"),
            (json!({"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}), "mon"),
            (json!({"someday": [["09:00", "13:00"]]}), "someday"),
            (json!({"mon": [["09:00"]]}), "mon[0]"),
        ];
        for (hours, field) in bad_hours {
            let (status, err) = app.send("PUT", &format!("/api/v1/businesses/barber/staff/{sam}/hours"), Some(&key), hours.clone()).await;
            assert_eq!(status, 422, "{hours} → {err}");
            assert_eq!(err["error"]["field"], field, "{hours} → {err}");
        }
        // The refused requests changed nothing.
        let (_, hours) = app.get(&format!("/api/v1/businesses/barber/staff/{sam}/hours"), Some(&key)).await;
        assert_eq!(hours["mon"], json!([["09:00", "12:30"], ["13:30", "18:00"]]));

        let (status, err) = app
            .post("/api/v1/businesses/barber/services", Some(&key),
                json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam, rival_staff]}))
            .await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("staff_ids[1]")), "{err}");
        for bad in [json!({"name": "Cut"}), json!({"name": "Cut", "duration_minutes": 2}), json!({"name": "Cut", "duration_minutes": 30, "buffer_after_minutes": 999}), json!({"name": "Cut", "duration_minutes": 30, "price_cents": -5})] {
            let (status, _) = app.post("/api/v1/businesses/barber/services", Some(&key), bad.clone()).await;
            assert_eq!(status, 422, "{bad}");
        }
        let cut = app.add_service("barber", &key, json!({"name": "Cut", "duration_minutes": 30, "price_cents": 2500, "staff_ids": [sam], "synonyms": ["haircut"]})).await;
        let (status, services) = app.get("/api/v1/businesses/barber/services", Some(&key)).await;
        assert_eq!(status, 200);
        assert_eq!(services[0]["staff_ids"], json!([sam]));
        assert_eq!(services[0]["synonyms"], json!(["haircut"]));

        // Another business's key or ids lead nowhere.
        assert_eq!(app.get(&format!("/api/v1/businesses/barber/staff/{sam}"), Some(&other_key)).await.0, 403);
        assert_eq!(app.get(&format!("/api/v1/businesses/rival/staff/{sam}"), Some(&other_key)).await.0, 404);
        assert_eq!(app.get(&format!("/api/v1/businesses/rival/services/{cut}"), Some(&other_key)).await.0, 404);
        assert_eq!(app.send("DELETE", &format!("/api/v1/businesses/rival/services/{cut}"), Some(&other_key), json!({})).await.0, 404);

        let (status, patched) = app.send("PATCH", &format!("/api/v1/businesses/barber/services/{cut}"), Some(&key), json!({"duration_minutes": 45})).await;
        assert_eq!((status, patched["duration_minutes"].as_i64()), (200, Some(45)));
        assert_eq!(app.send("DELETE", &format!("/api/v1/businesses/barber/services/{cut}"), Some(&key), json!({})).await.0, 204);
        let (_, profile) = app.get("/api/v1/businesses/barber/profile", None).await;
        assert_eq!(profile["services"], json!([]));
        assert_eq!(profile["staff"][0]["name"], "Sam");
    }

    async fn closures_refuse_to_strand_bookings_unless_told(app: TestApp) {
        let key = app.create_business("salon", "Europe/Berlin", json!({})).await;
        let sam = app.add_staff("salon", &key, "Sam", every_day(json!([["09:00", "17:00"]]))).await;
        let cut = app.add_service("salon", &key, json!({"name": "Cut", "duration_minutes": 60, "staff_ids": [sam]})).await;
        let (status, booking) = app.book("salon", json!({"service_id": cut, "start": "2027-03-10T15:00:00+01:00", "customer": customer("Ann")})).await;
        assert_eq!(status, 201, "{booking}");

        // A special day that ends at 13:00 would strand the 15:00 booking.
        let special = json!({"date": "2027-03-10", "hours": [["09:00", "13:00"]], "reason": "training"});
        let (status, err) = app.post("/api/v1/businesses/salon/closures", Some(&key), special.clone()).await;
        assert_eq!(status, 409, "{err}");
        assert_eq!(err["error"]["code"], "closure_affects_bookings");
        assert_eq!(err["error"]["details"]["bookings"][0]["id"], booking["id"]);
        // Refused means nothing changed: no closure, the afternoon still bookable.
        let (_, closures) = app.get("/api/v1/businesses/salon/closures", Some(&key)).await;
        assert_eq!(closures, json!([]));
        assert!(!app.slots("salon", &format!("service_id={cut}&from=2027-03-10")).await.is_empty());

        let mut keep = special.clone();
        keep["affected_bookings"] = json!("keep");
        let (status, closure) = app.post("/api/v1/businesses/salon/closures", Some(&key), keep).await;
        assert_eq!(status, 201, "{closure}");
        let starts: Vec<String> = app.slots("salon", &format!("service_id={cut}&from=2027-03-10")).await
            .iter().map(|s| s["start"].as_str().unwrap()[11..16].to_owned()).collect();
        assert_eq!(starts.first().map(String::as_str), Some("09:00"));
        assert_eq!(starts.last().map(String::as_str), Some("12:00"));
        let id = closure["id"].as_str().unwrap();
        assert_eq!(app.send("DELETE", &format!("/api/v1/businesses/salon/closures/{id}"), Some(&key), json!({})).await.0, 204);

        let (status, closed) = app
            .post("/api/v1/businesses/salon/closures", Some(&key),
                json!({"from": "2027-03-10", "to": "2027-03-11", "staff_id": sam, "affected_bookings": "cancel"}))
            .await;
        assert_eq!(status, 201, "{closed}");
        assert_eq!(closed["cancelled_bookings"], json!([booking["id"]]));
        let (_, after) = app.get(&format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()), Some(&key)).await;
        assert_eq!(after["status"], "cancelled");
        assert_eq!(after["cancelled_by"], "business");
        assert!(app.slots("salon", &format!("service_id={cut}&from=2027-03-10&to=2027-03-11")).await.is_empty());

        for (bad, field) in [
            (json!({"from": "2027-02-30"}), "from"),
            (json!({"from": "2027-03-12", "to": "2027-03-11"}), "to"),
            (json!({"date": "2027-03-12", "hours": [["14:00", "13:00"]]}), "hours[0]"),
            (json!({"date": "2027-03-12", "affected_bookings": "maybe"}), "affected_bookings"),
            (json!({"reason": "no dates"}), "from"),
        ] {
            let (status, err) = app.post("/api/v1/businesses/salon/closures", Some(&key), bad.clone()).await;
            assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{bad} → {err}");
        }
    }

    async fn staff_with_upcoming_bookings_cannot_be_removed(app: TestApp) {
        let key = app.create_business("crew", "UTC", json!({})).await;
        let sam = app.add_staff("crew", &key, "Sam", every_day(json!([["09:00", "17:00"]]))).await;
        let cut = app.add_service("crew", &key, json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam]})).await;
        let (status, booking) = app.book("crew", json!({"service_id": cut, "start": "2027-03-02T10:00:00Z", "customer": customer("Bo")})).await;
        assert_eq!(status, 201);
        let (status, err) = app.send("DELETE", &format!("/api/v1/businesses/crew/staff/{sam}"), Some(&key), json!({})).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("staff_has_bookings")));
        let id = booking["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&key), json!({})).await.0, 200);
        assert_eq!(app.send("DELETE", &format!("/api/v1/businesses/crew/staff/{sam}"), Some(&key), json!({})).await.0, 204);
        let (_, staff) = app.get("/api/v1/businesses/crew/staff", Some(&key)).await;
        assert_eq!(staff, json!([]));
        assert!(app.slots("crew", &format!("service_id={cut}&from=2027-03-02")).await.is_empty());
    }
}
