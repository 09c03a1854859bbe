//! Staff logins: sessions with CSRF tokens beside the API key, what owners and staff may do,
//! isolation between businesses, expiry, the login rate limit, and the live change stream.

use chairside::clock::Clock;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both_backends;

struct Shop {
    slug: String,
    key: String,
    sam: String,
    cut: String,
    /// A confirmed booking on Tuesday 2 March 2027, 10:00 local.
    booking: String,
}

/// A shop in Berlin with Sam working every day 09:00–18:00, a 30-minute cut, one booking.
async fn shop(app: &TestApp, slug: &str) -> Shop {
    let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
    let sam = app
        .add_staff(slug, &key, "Sam", every_day(json!([["09:00", "18:00"]])))
        .await;
    let cut = app
        .add_service(
            slug,
            &key,
            json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [sam]}),
        )
        .await;
    let (status, booking) = app
        .book(
            slug,
            json!({"service_id": cut, "start": "2027-03-02T10:00", "customer": customer("Ben")}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    Shop {
        slug: slug.to_owned(),
        key,
        sam,
        cut,
        booking: booking["id"].as_str().unwrap().to_owned(),
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

on_both_backends! {
    async fn owners_use_the_api_with_a_session_cookie_and_csrf_token(app: TestApp) {
        let shop = shop(&app, "barber").await;
        let users = format!("/api/v1/businesses/{}/users", shop.slug);
        // The API key creates the first owner; bad input names the field.
        app.add_login(&shop.slug, &shop.key, "Owner@Example.com", "owner").await;
        let (status, body) = app
            .post(&users, Some(&shop.key), json!({"email": "owner@example.com", "name": "X", "password": TEST_PASSWORD}))
            .await;
        assert_eq!((status, code(&body)), (409, "email_taken"), "{body}");
        let (status, body) = app
            .post(&users, Some(&shop.key), json!({"email": "new@example.com", "name": "X", "password": "short"}))
            .await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
        let (status, body) = app
            .post(&users, Some(&shop.key), json!({"email": "new@example.com", "name": "X", "password": TEST_PASSWORD, "role": "boss"}))
            .await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("role")), "{body}");

        // Wrong password, unknown login: the same 401.
        let (status, wrong, _) = app.try_log_in("owner@example.com", "wrong password!").await;
        assert_eq!((status, code(&wrong)), (401, "unauthorized"));
        let (status, unknown, _) = app.try_log_in("nobody@example.com", TEST_PASSWORD).await;
        assert_eq!((status, &unknown["error"]["message"]), (401, &wrong["error"]["message"]));

        // Login names ignore case; the cookie is HttpOnly and SameSite=Lax, not Secure over http.
        let owner = app.log_in("OWNER@example.com", TEST_PASSWORD).await;
        assert!(owner.set_cookie.contains("HttpOnly"), "{}", owner.set_cookie);
        assert!(owner.set_cookie.contains("SameSite=Lax"), "{}", owner.set_cookie);
        assert!(!owner.set_cookie.contains("Secure"), "{}", owner.set_cookie);
        let (status, session) =
            app.send_with_session("GET", "/api/v1/session", &owner.cookie, None, Value::Null).await;
        assert_eq!(status, 200, "{session}");
        assert_eq!(session["user"]["role"], "owner");
        assert_eq!(session["business"]["slug"], "barber");
        assert_eq!(session["today"], "2027-03-01");
        assert_eq!(session["csrf_token"].as_str(), Some(owner.csrf.as_str()));

        // Reading needs only the cookie.
        let schedule = "/api/v1/businesses/barber/schedule?date=2027-03-02";
        let (status, day) = app.send_with_session("GET", schedule, &owner.cookie, None, Value::Null).await;
        assert_eq!(status, 200, "{day}");
        assert_eq!(day["staff"][0]["bookings"][0]["id"].as_str(), Some(shop.booking.as_str()));

        // Changing needs the session's CSRF token; nothing changes without it.
        let business = "/api/v1/businesses/barber";
        let rename = json!({"name": "Renamed"});
        for csrf in [None, Some("forged"), Some("")] {
            let (status, body) = app.send_with_session("PATCH", business, &owner.cookie, csrf, rename.clone()).await;
            assert_eq!((status, code(&body)), (403, "csrf_failed"), "{csrf:?}: {body}");
        }
        assert_eq!(app.get(business, Some(&shop.key)).await.1["name"], "barber shop");
        // A cross-site request is refused even with the token.
        let (status, _) = read(
            app.client.patch(app.url(business)).header("cookie", &owner.cookie)
                .header("x-csrf-token", &owner.csrf).header("origin", "https://evil.example")
                .json(&rename).send().await.unwrap(),
        ).await;
        assert_eq!(status, 403);
        let (status, body) = app.send_as(&owner, "PATCH", business, rename).await;
        assert_eq!((status, body["name"].as_str()), (200, Some("Renamed")), "{body}");

        // Owners manage logins too.
        let (status, body) = app
            .send_as(&owner, "POST", &users, json!({"email": "kim@example.com", "name": "Kim", "password": TEST_PASSWORD}))
            .await;
        assert_eq!((status, body["role"].as_str()), (201, Some("staff")), "{body}");
        let (status, list) = app.send_as(&owner, "GET", &users, Value::Null).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(2)));
        assert!(list.to_string().find("password").is_none(), "{list}");

        // The API key still works as before, beside sessions.
        assert_eq!(app.get(schedule, Some(&shop.key)).await.0, 200);

        // Logging out needs the token as well, then the cookie opens nothing.
        let (status, _) = app.send_with_session("DELETE", "/api/v1/session", &owner.cookie, None, Value::Null).await;
        assert_eq!(status, 403);
        let (status, _) = app.send_as(&owner, "DELETE", "/api/v1/session", Value::Null).await;
        assert_eq!(status, 204);
        let (status, body) = app.send_with_session("GET", schedule, &owner.cookie, None, Value::Null).await;
        assert_eq!((status, code(&body)), (401, "unauthorized"));
        let (status, _) = app.send_with_session("GET", schedule, "chairside_session=made-up", None, Value::Null).await;
        assert_eq!(status, 401);
    }

    async fn staff_work_the_day_but_cannot_change_settings(app: TestApp) {
        let shop = shop(&app, "barber").await;
        app.add_login(&shop.slug, &shop.key, "kim@example.com", "staff").await;
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let base = "/api/v1/businesses/barber";

        // Reading what the day view needs.
        for path in ["/schedule?date=2027-03-02", "/services", "/staff", "", "/closures", "/bookings"] {
            let (status, body) = app.send_as(&kim, "GET", &format!("{base}{path}"), Value::Null).await;
            assert_eq!(status, 200, "{path}: {body}");
        }

        // A walk-in: no contact needed, no notice limit, channel staff.
        let (status, walk_in) = app
            .send_as(&kim, "POST", &format!("{base}/walk-ins"),
                json!({"service_id": shop.cut, "staff_id": shop.sam, "start": "2027-03-01T09:15", "customer": {"name": "Walk-in Wanda"}}))
            .await;
        assert_eq!(status, 201, "{walk_in}");
        assert_eq!((walk_in["channel"].as_str(), walk_in["customer"]["name"].as_str()), (Some("staff"), Some("Walk-in Wanda")));
        let (status, anonymous) = app
            .send_as(&kim, "POST", &format!("{base}/walk-ins"), json!({"service_id": shop.cut, "start": "2027-03-01T11:00"}))
            .await;
        assert_eq!((status, &anonymous["customer"]), (201, &Value::Null), "{anonymous}");
        let (status, body) = app
            .send_as(&kim, "POST", &format!("{base}/walk-ins"), json!({"service_id": shop.cut, "start": "2027-03-01T09:15"}))
            .await;
        assert_eq!((status, code(&body)), (409, "slot_unavailable"), "{body}");

        // Arrived, completed, no-show, undo; move; cancel.
        let booking = format!("/api/v1/bookings/{}", shop.booking);
        let (status, arrived) = app.send_as(&kim, "POST", &format!("{booking}/status"), json!({"status": "arrived"})).await;
        assert_eq!((status, arrived["status"].as_str()), (200, Some("confirmed")), "{arrived}");
        assert_eq!(arrived["arrived_at"], "2027-03-01T08:00:00Z");
        let (status, completed) = app.send_as(&kim, "POST", &format!("{booking}/status"), json!({"status": "completed"})).await;
        assert_eq!((status, completed["status"].as_str(), &completed["arrived_at"]), (200, Some("completed"), &arrived["arrived_at"]));
        let (status, no_show) = app.send_as(&kim, "POST", &format!("{booking}/status"), json!({"status": "no_show"})).await;
        assert_eq!((status, no_show["status"].as_str(), &no_show["arrived_at"]), (200, Some("no_show"), &Value::Null));
        let (status, body) = app.send_as(&kim, "POST", &format!("{booking}/status"), json!({"status": "gone"})).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("status")));
        let (status, _) = app.send_as(&kim, "POST", &format!("{booking}/status"), json!({"status": "confirmed"})).await;
        assert_eq!(status, 200);
        let (status, moved) = app.send_as(&kim, "POST", &format!("{booking}/reschedule"), json!({"start": "2027-03-02T15:00"})).await;
        assert_eq!((status, moved["start"].as_str()), (200, Some("2027-03-02T15:00:00+01:00")), "{moved}");
        let (status, cancelled) = app.send_as(&kim, "POST", &format!("{booking}/cancel"), Value::Null).await;
        assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));

        // Settings and logins are the owner's.
        let refused = [
            ("PATCH", base.to_owned(), json!({"name": "Mine"})),
            ("POST", format!("{base}/staff"), json!({"name": "Eve"})),
            ("PATCH", format!("{base}/staff/{}", shop.sam), json!({"name": "Eve"})),
            ("DELETE", format!("{base}/staff/{}", shop.sam), Value::Null),
            ("PUT", format!("{base}/staff/{}/hours", shop.sam), json!({"mon": [["09:00", "10:00"]]})),
            ("POST", format!("{base}/services"), json!({"name": "Shave", "duration_minutes": 15})),
            ("PATCH", format!("{base}/services/{}", shop.cut), json!({"duration_minutes": 60})),
            ("DELETE", format!("{base}/services/{}", shop.cut), Value::Null),
            ("POST", format!("{base}/closures"), json!({"date": "2027-03-05"})),
            ("POST", format!("{base}/users"), json!({"email": "me@example.com", "name": "Me", "password": TEST_PASSWORD, "role": "owner"})),
            ("GET", format!("{base}/users"), Value::Null),
            // The role is checked before the body is read: a malformed body is refused as
            // forbidden, not answered with what a valid one would look like.
            ("PATCH", base.to_owned(), json!({"name": 5, "no_such_field": true})),
            ("POST", format!("{base}/services"), json!({"duration_minutes": "long"})),
        ];
        for (method, path, body) in refused {
            let (status, answer) = app.send_as(&kim, method, &path, body).await;
            assert_eq!((status, code(&answer)), (403, "forbidden"), "{method} {path}: {answer}");
        }
        let (_, business) = app.get(base, Some(&shop.key)).await;
        assert_eq!(business["name"], "barber shop");
        let (_, hours) = app.get(&format!("{base}/staff/{}/hours", shop.sam), Some(&shop.key)).await;
        assert_eq!(hours["mon"], json!([["09:00", "18:00"]]));
        assert_eq!(app.get(&format!("{base}/closures"), Some(&shop.key)).await.1, json!([]));
    }

    async fn one_business_cannot_reach_another(app: TestApp) {
        let a = shop(&app, "alpha").await;
        let b = shop(&app, "beta").await;
        let b_user = app.add_login(&b.slug, &b.key, "bea@example.com", "owner").await;
        let (_, closure) = app.post("/api/v1/businesses/beta/closures", Some(&b.key), json!({"date": "2027-04-01"})).await;
        let b_closure = closure["id"].as_str().unwrap().to_owned();
        app.add_login(&a.slug, &a.key, "ann@example.com", "owner").await;
        app.add_login(&a.slug, &a.key, "al@example.com", "staff").await;

        for email in ["ann@example.com", "al@example.com"] {
            let login = app.log_in(email, TEST_PASSWORD).await;
            // Another business's slug: 403, whatever the method.
            let other = [
                ("GET", "/api/v1/businesses/beta".to_owned(), Value::Null),
                ("PATCH", "/api/v1/businesses/beta".to_owned(), json!({"name": "Taken"})),
                ("PATCH", "/api/v1/businesses/beta".to_owned(), json!({"no_such_field": 1})),
                ("GET", "/api/v1/businesses/beta/schedule".to_owned(), Value::Null),
                ("GET", "/api/v1/businesses/beta/bookings".to_owned(), Value::Null),
                ("GET", "/api/v1/businesses/beta/staff".to_owned(), Value::Null),
                ("GET", format!("/api/v1/businesses/beta/staff/{}", b.sam), Value::Null),
                ("PUT", format!("/api/v1/businesses/beta/staff/{}/hours", b.sam), json!({})),
                ("GET", "/api/v1/businesses/beta/services".to_owned(), Value::Null),
                ("GET", "/api/v1/businesses/beta/closures".to_owned(), Value::Null),
                ("DELETE", format!("/api/v1/businesses/beta/closures/{b_closure}"), Value::Null),
                ("GET", "/api/v1/businesses/beta/users".to_owned(), Value::Null),
                ("PATCH", format!("/api/v1/businesses/beta/users/{b_user}"), json!({"active": false})),
                ("POST", "/api/v1/businesses/beta/walk-ins".to_owned(), json!({"service_id": b.cut, "start": "2027-03-01T12:00"})),
                ("GET", "/api/v1/businesses/beta/events".to_owned(), Value::Null),
            ];
            for (method, path, body) in other {
                let (status, answer) = app.send_as(&login, method, &path, body).await;
                assert_eq!(status, 403, "{email} {method} {path}: {answer}");
            }
            // Another business's ids under one's own slug, or by booking id: 404.
            let tampered = [
                ("GET", format!("/api/v1/businesses/alpha/staff/{}", b.sam), Value::Null),
                ("GET", format!("/api/v1/businesses/alpha/services/{}", b.cut), Value::Null),
                ("GET", format!("/api/v1/businesses/alpha/closures/{b_closure}"), Value::Null),
                ("GET", format!("/api/v1/bookings/{}", b.booking), Value::Null),
                ("POST", format!("/api/v1/bookings/{}/status", b.booking), json!({"status": "no_show"})),
                ("POST", format!("/api/v1/bookings/{}/cancel", b.booking), Value::Null),
                ("POST", format!("/api/v1/bookings/{}/reschedule", b.booking), json!({"start": "2027-03-02T11:00"})),
            ];
            for (method, path, body) in tampered {
                let (status, answer) = app.send_as(&login, method, &path, body).await;
                assert_eq!(status, 404, "{email} {method} {path}: {answer}");
            }
            // Owner-only paths of one's own business with the other's ids.
            let (status, _) = app.send_as(&login, "PATCH", &format!("/api/v1/businesses/alpha/users/{b_user}"), json!({"active": false})).await;
            assert!(status == 404 || status == 403, "{status}");
            let (status, _) = app.send_as(&login, "PUT", &format!("/api/v1/businesses/alpha/staff/{}/hours", b.sam), json!({})).await;
            assert!(status == 404 || status == 403, "{status}");
            // A walk-in with the other's service: refused, nothing booked.
            let (status, answer) = app.send_as(&login, "POST", "/api/v1/businesses/alpha/walk-ins",
                json!({"service_id": b.cut, "start": "2027-03-01T12:00"})).await;
            assert!(status == 404 || status == 422, "{status}: {answer}");
        }
        // Beta is untouched.
        let (_, booking) = app.get(&format!("/api/v1/bookings/{}", b.booking), Some(&b.key)).await;
        assert_eq!((booking["status"].as_str(), booking["start"].as_str()), (Some("confirmed"), Some("2027-03-02T10:00:00+01:00")));
        let (_, users) = app.get("/api/v1/businesses/beta/users", Some(&b.key)).await;
        assert_eq!(users[0]["active"], true);
        assert_eq!(app.get("/api/v1/businesses/beta/closures", Some(&b.key)).await.1.as_array().map(Vec::len), Some(1));
        let (_, day) = app.get("/api/v1/businesses/beta/schedule?date=2027-03-01", Some(&b.key)).await;
        assert_eq!(day["staff"][0]["bookings"], json!([]));
    }

    async fn sessions_end_when_they_expire_or_the_login_changes(app: TestApp) {
        let shop = shop(&app, "barber").await;
        let owner_id = app.add_login(&shop.slug, &shop.key, "owner@example.com", "owner").await;
        let kim_id = app.add_login(&shop.slug, &shop.key, "kim@example.com", "staff").await;
        let schedule = "/api/v1/businesses/barber/schedule";
        let owner = app.log_in("owner@example.com", TEST_PASSWORD).await;

        // Twelve hours after login the session has ended.
        app.clock.advance(chrono::Duration::hours(11) + chrono::Duration::minutes(59));
        assert_eq!(app.send_as(&owner, "GET", schedule, Value::Null).await.0, 200);
        app.clock.advance(chrono::Duration::minutes(2));
        let (status, body) = app.send_as(&owner, "GET", schedule, Value::Null).await;
        assert_eq!(status, 401, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("log in again"), "{body}");

        // A deactivated login's sessions end at once; a new password ends the other sessions.
        let owner = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let kim_path = format!("/api/v1/businesses/barber/users/{kim_id}");
        let (status, body) = app.send_as(&owner, "PATCH", &kim_path, json!({"active": false})).await;
        assert_eq!((status, &body["active"]), (200, &json!(false)), "{body}");
        assert_eq!(app.send_as(&kim, "GET", schedule, Value::Null).await.0, 401);
        assert_eq!(app.try_log_in("kim@example.com", TEST_PASSWORD).await.0, 401);

        let second = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let owner_path = format!("/api/v1/businesses/barber/users/{owner_id}");
        let (status, _) = app.send_as(&owner, "PATCH", &owner_path, json!({"password": "a new long password"})).await;
        assert_eq!(status, 200);
        assert_eq!(app.send_as(&owner, "GET", schedule, Value::Null).await.0, 200);
        assert_eq!(app.send_as(&second, "GET", schedule, Value::Null).await.0, 401);
        assert_eq!(app.try_log_in("owner@example.com", TEST_PASSWORD).await.0, 401);
        app.log_in("owner@example.com", "a new long password").await;

        // The last active owner cannot be demoted or deactivated.
        for change in [json!({"role": "staff"}), json!({"active": false})] {
            let (status, body) = app.send_as(&owner, "PATCH", &owner_path, change).await;
            assert_eq!((status, code(&body)), (409, "last_owner"), "{body}");
        }
    }

    async fn failed_logins_are_limited_across_instances(app: TestApp) {
        let shop = shop(&app, "barber").await;
        app.add_login(&shop.slug, &shop.key, "owner@example.com", "owner").await;
        app.add_login(&shop.slug, &shop.key, "kim@example.com", "staff").await;
        // A second instance on the same database counts the same failures.
        let second = spawn_on(app.database.clone(), app.backend, app.clock.clone()).await;
        for attempt in 0..5 {
            let instance = if attempt % 2 == 0 { &app } else { &second };
            let (status, _, _) = instance.try_log_in("owner@example.com", "guess number one").await;
            assert_eq!(status, 401, "attempt {attempt}");
        }
        // Locked: even the right password is refused, on either instance.
        for instance in [&app, &second] {
            let (status, body, headers) = instance.try_log_in("owner@example.com", TEST_PASSWORD).await;
            assert_eq!((status, code(&body)), (429, "too_many_attempts"), "{body}");
            let retry_after = headers.unwrap()["retry-after"].to_str().unwrap().parse::<i64>().unwrap();
            assert!(retry_after > 0);
        }
        // Another login from the same address is not locked out by them.
        app.log_in("kim@example.com", TEST_PASSWORD).await;
        // After the window the right password works again.
        app.clock.advance(chrono::Duration::minutes(16));
        second.log_in("owner@example.com", TEST_PASSWORD).await;
    }

    async fn the_change_stream_reports_bookings_written_by_another_instance(app: TestApp) {
        let shop = shop(&app, "barber").await;
        app.add_login(&shop.slug, &shop.key, "kim@example.com", "staff").await;
        let kim = app.log_in("kim@example.com", TEST_PASSWORD).await;
        let mut stream = app.client.get(app.url("/api/v1/businesses/barber/events"))
            .header("cookie", &kim.cookie).send().await.unwrap();
        assert_eq!(stream.status().as_u16(), 200);
        assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let mut received = String::new();
        read_until(&mut stream, "event: ready", &mut received).await;

        // A booking made through another instance (standing in for the chat) is announced.
        let other = spawn_on(app.database.clone(), app.backend, app.clock.clone()).await;
        let (status, booking) = other
            .book("barber", json!({"service_id": shop.cut, "start": "2027-03-03T11:00", "customer": customer("Cleo")}))
            .await;
        assert_eq!(status, 201);
        let id = booking["id"].as_str().unwrap();
        read_until(&mut stream, id, &mut received).await;
        assert!(received.contains("event: bookings"), "{received}");

        // So is a status change within the same second of the clock.
        received.clear();
        let (status, _) = other.post(&format!("/api/v1/bookings/{id}/status"), Some(&shop.key), json!({"status": "arrived"})).await;
        assert_eq!(status, 200);
        read_until(&mut stream, id, &mut received).await;
    }

    async fn the_demo_has_an_owner_login(app: TestApp) {
        let now = app.clock.now();
        let demo = app.state.db
            .write_blocking(|conn| chairside::demo::create(conn, now))
            .expect("demo created");
        let owner = app.log_in(chairside::demo::DEMO_OWNER_EMAIL, &demo.owner_password).await;
        let (status, session) = app.send_as(&owner, "GET", "/api/v1/session", Value::Null).await;
        assert_eq!((status, session["user"]["role"].as_str()), (200, Some("owner")));
        assert_eq!(app.get("/api/v1/businesses/demo-barber/users", Some(&demo.api_key)).await.0, 200);

        // `chairside demo` on an existing demo issues a new key and password; the old ones stop.
        let business = app.state.db.read_blocking(|conn| {
            chairside::storage::businesses::by_slug(conn, chairside::demo::DEMO_SLUG)
        }).unwrap().unwrap();
        let renewed = app.state.db
            .write_blocking(|conn| chairside::demo::DemoCredentials::renew(conn, &business.id, now))
            .expect("renewed");
        assert_eq!(app.send_as(&owner, "GET", "/api/v1/session", Value::Null).await.0, 401);
        assert_eq!(app.try_log_in(chairside::demo::DEMO_OWNER_EMAIL, &demo.owner_password).await.0, 401);
        app.log_in(chairside::demo::DEMO_OWNER_EMAIL, &renewed.owner_password).await;
        assert_eq!(app.get("/api/v1/businesses/demo-barber/users", Some(&demo.api_key)).await.0, 401);
        assert_eq!(app.get("/api/v1/businesses/demo-barber/users", Some(&renewed.api_key)).await.0, 200);
    }

    async fn the_pages_are_served_from_the_binary_with_a_strict_policy(app: TestApp) {
        for (path, kind) in [("/staff", "text/html"), ("/staff/login", "text/html"),
            ("/staff/settings", "text/html"), ("/static/staff/day.js", "text/javascript"),
            ("/staff/inbox", "text/html"), ("/static/staff/inbox.js", "text/javascript"),
            ("/static/staff/app.css", "text/css")] {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{path}");
            let headers = response.headers();
            assert!(headers["content-type"].to_str().unwrap().starts_with(kind), "{path}");
            assert!(headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"), "{path}");
            assert_eq!(headers["x-content-type-options"], "nosniff");
        }
        let (status, body) = app.get("/static/staff/../Cargo.toml", None).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = app.get("/static/staff/nope.js", None).await;
        assert_eq!((status, code(&body)), (404, "not_found"));
    }
}

on_both_backends! {
    configure |config: &mut chairside::config::Config| {
        config.trusted_proxies = chairside::api::client::parse_trusted_proxies("127.0.0.1").unwrap();
    };
    async fn cookies_are_secure_over_tls(app: TestApp) {
        let shop = shop(&app, "barber").await;
        app.add_login(&shop.slug, &shop.key, "owner@example.com", "owner").await;
        let response = app.client.post(app.url("/api/v1/session"))
            .header("x-forwarded-proto", "https")
            .json(&json!({"email": "owner@example.com", "password": TEST_PASSWORD}))
            .send().await.unwrap();
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(set_cookie.contains("; Secure"), "{set_cookie}");
        // A forwarded scheme from a peer that is not a trusted proxy is not believed.
        let response = app.client.post(app.url("/api/v1/session"))
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-for", "127.0.0.2")
            .json(&json!({"email": "owner@example.com", "password": TEST_PASSWORD}))
            .send().await.unwrap();
        assert!(response.headers()["set-cookie"].to_str().unwrap().contains("; Secure"), "the proxy 127.0.0.1 is trusted");
        // A login form posted cross-site (not JSON) is refused.
        let response = app.client.post(app.url("/api/v1/session"))
            .header("content-type", "text/plain")
            .body(json!({"email": "owner@example.com", "password": TEST_PASSWORD}).to_string())
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 415);
    }
}

on_both_backends! {
    async fn forwarded_headers_from_strangers_are_not_believed(app: TestApp) {
        let shop = shop(&app, "barber").await;
        app.add_login(&shop.slug, &shop.key, "owner@example.com", "owner").await;
        let response = app.client.post(app.url("/api/v1/session"))
            .header("x-forwarded-proto", "https")
            .header("forwarded", "for=198.51.100.1;proto=https")
            .json(&json!({"email": "owner@example.com", "password": TEST_PASSWORD}))
            .send().await.unwrap();
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(!set_cookie.contains("; Secure"), "no trusted proxy is configured: {set_cookie}");
    }
}
