//! Notifications: emails through a real SMTP server, calendar files checked by an independent
//! parser, reminders that move and vanish with their booking and go out once, and mail failures
//! that never cost a booking.

use chairside::booking::BookingRequest;
use chairside::clock::Clock;
use chairside::domain::{Channel, RequestedStart};
use chairside::notifications::{self, EMAIL_JOB};
use chairside::storage::models::Job;
use chairside::storage::{StorageError, bookings as booking_rows, jobs as job_rows, to_db_time};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mail::*;
use crate::on_both_backends;

const DESK: &str = "desk@shop.example";

struct Shop {
    slug: String,
    key: String,
    staff: String,
    service: String,
}

/// A Berlin business open around the clock with a 30-minute service; `settings` adds to or
/// overrides the business fields.
async fn open_shop(app: &TestApp, slug: &str, settings: Value) -> Shop {
    let mut body = json!({
        "notification_email": DESK,
        "address": "Torstraße 1, 10119 Berlin",
        "min_notice_minutes": 0,
    });
    if let (Some(target), Some(extra)) = (body.as_object_mut(), settings.as_object()) {
        target.extend(extra.clone());
    }
    let key = app.create_business(slug, "Europe/Berlin", body).await;
    let staff = app
        .add_staff(slug, &key, "Sam", every_day(json!([["00:00", "24:00"]])))
        .await;
    let service = app
        .add_service(
            slug,
            &key,
            json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [staff]}),
        )
        .await;
    Shop {
        slug: slug.to_owned(),
        key,
        staff,
        service,
    }
}

async fn book(app: &TestApp, shop: &Shop, start: &str, email: Option<&str>) -> Value {
    // Customers are recognised by phone or email: an email alone keeps each test's customers apart.
    let customer = match email {
        Some(email) => json!({"name": "Ben Becker", "email": email}),
        None => json!({"name": "Ben Becker", "phone": "+49 170 1234567"}),
    };
    let (status, booking) = app
        .book(
            &shop.slug,
            json!({"service_id": shop.service, "start": start, "customer": customer}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    booking
}

async fn job(app: &TestApp, key: String) -> Option<Job> {
    app.state
        .db
        .read(move |conn| job_rows::find_by_key(conn, &key))
        .await
        .expect("read jobs")
}

fn id_of(booking: &Value) -> String {
    booking["id"].as_str().expect("booking id").to_owned()
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("an RFC 3339 time")
        .to_utc()
}

fn subjects(messages: &[Vec<u8>]) -> Vec<(String, String)> {
    messages
        .iter()
        .map(|raw| {
            let mail = parse_mail(raw);
            (mail.to, mail.subject)
        })
        .collect()
}

fn for_recipient<'a>(mails: &'a [Received], to: &str) -> &'a Received {
    mails
        .iter()
        .find(|m| m.to == to)
        .unwrap_or_else(|| panic!("no mail to {to}"))
}

on_both_backends! {
    configure without_workers;

    async fn booking_emails_reach_a_real_smtp_server_with_their_calendar_file(app: TestApp) {
        let sink = SmtpSink::start();
        let worker = notification_worker_with(&app, smtp_mailer(&sink.url()));
        let shop = open_shop(&app, "salon", json!({"locale": "de"})).await;
        let booking = book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("ben@example.com")).await;
        let (id, token) = (id_of(&booking), booking["manage_token"].as_str().unwrap().to_owned());
        let manage_url = booking["manage_url"].as_str().unwrap().to_owned();
        assert_eq!(manage_url, format!("http://chairside.test/b/salon/manage/{id}?token={token}"));

        assert_eq!(drain(&worker).await, 2);
        let mails: Vec<Received> = sink.messages().iter().map(|m| parse_mail(m)).collect();
        assert_eq!(mails.len(), 2);
        let customer = for_recipient(&mails, "ben@example.com");
        assert_eq!(customer.from, "chairside@localhost");
        assert_eq!(customer.reply_to.as_deref(), Some(DESK));
        assert_eq!(customer.subject, "Termin bestätigt: Haircut am Mittwoch, 10. März 2027");
        for needle in [
            "Hallo Ben Becker,",
            "Ihr Termin bei salon shop ist bestätigt.",
            "Leistung: Haircut",
            "Bei: Sam",
            "Wann: Mittwoch, 10. März 2027, 10:00–10:30 Uhr (Europe/Berlin, UTC+01:00)",
            "Wo: salon shop, Torstraße 1, 10119 Berlin",
            booking["reference"].as_str().unwrap(),
            manage_url.as_str(),
        ] {
            assert!(customer.text.contains(needle), "{needle:?} missing from:\n{}", customer.text);
        }
        assert!(customer.html.contains(&format!("<a href=\"{manage_url}\">")), "{}", customer.html);
        assert_eq!(customer.calendar_method, "REQUEST");
        let ics = check_ics(&customer.calendar);
        assert_eq!(ics["method"], "REQUEST");
        let event = &ics["events"][0];
        assert_eq!(event["uid"], format!("{id}@chairside"));
        assert_eq!(event["sequence"], 0);
        assert_eq!(event["status"], "CONFIRMED");
        assert_eq!((event["start"].as_str(), event["end"].as_str()), (Some("2027-03-10T09:00:00Z"), Some("2027-03-10T09:30:00Z")));
        assert_eq!(event["location"], "salon shop, Torstraße 1, 10119 Berlin");
        assert!(event["description"].as_str().unwrap().contains(&manage_url));
        assert_eq!(event["alarms"], json!(["-PT1H"]));
        assert_eq!(event["organizer"], format!("mailto:{DESK}"));

        let desk = for_recipient(&mails, DESK);
        assert_eq!(desk.subject, "Neue Buchung: Ben Becker, Haircut am Mittwoch, 10. März 2027");
        assert_eq!(desk.reply_to.as_deref(), Some("ben@example.com"));
        assert!(desk.text.contains("Kunde: Ben Becker, ben@example.com"), "{}", desk.text);

        // Moved: a new version of the same event.
        let (status, _) = app
            .post(&format!("/api/v1/bookings/{id}/reschedule?token={token}"), None, json!({"start": "2027-03-11T11:00:00+01:00"}))
            .await;
        assert_eq!(status, 200);
        assert_eq!(drain(&worker).await, 2);
        let received: Vec<Received> = sink.messages()[2..].iter().map(|m| parse_mail(m)).collect();
        let moved = for_recipient(&received, "ben@example.com");
        assert_eq!(moved.subject, "Termin verschoben: Haircut jetzt am Donnerstag, 11. März 2027");
        let event = check_ics(&moved.calendar)["events"][0].clone();
        assert_eq!((event["uid"].as_str(), event["sequence"].as_i64()), (Some(format!("{id}@chairside").as_str()), Some(1)));
        assert_eq!(event["start"], "2027-03-11T10:00:00Z");

        // Cancelled: the calendar app is told to remove it.
        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel?token={token}"), None, json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(drain(&worker).await, 2);
        let all = sink.messages();
        assert_eq!(all.len(), 6, "{:?}", subjects(&all));
        let received: Vec<Received> = all[4..].iter().map(|m| parse_mail(m)).collect();
        let cancelled = for_recipient(&received, "ben@example.com");
        assert_eq!(cancelled.subject, "Termin abgesagt: Haircut am Donnerstag, 11. März 2027");
        assert!(!cancelled.text.contains(&manage_url), "no manage link for a cancelled booking");
        assert_eq!(cancelled.calendar_method, "CANCEL");
        let ics = check_ics(&cancelled.calendar);
        assert_eq!(ics["method"], "CANCEL");
        assert_eq!((ics["events"][0]["sequence"].as_i64(), ics["events"][0]["status"].as_str()), (Some(2), Some("CANCELLED")));
        assert_eq!(ics["events"][0]["alarms"], json!([]));
    }

    async fn calendar_files_are_right_across_a_daylight_saving_change(app: TestApp) {
        let key = app.create_business("night", "Europe/Berlin", json!({"address": "Nachtweg 1"})).await;
        let other_key = app.create_business("other", "Europe/Berlin", json!({})).await;
        let nox = app.add_staff("night", &key, "Nox", every_day(json!([["00:00", "24:00"]]))).await;
        let long = app
            .add_service("night", &key, json!({"name": "Long \"Night\" Cut; with, commas", "duration_minutes": 90, "staff_ids": [nox]}))
            .await;
        // 01:30 CET; clocks jump from 02:00 to 03:00, so 90 minutes later it is 04:00 CEST.
        let (status, booking) = app
            .book("night", json!({"service_id": long, "start": "2027-03-28T01:30:00+01:00", "customer": customer("Ben")}))
            .await;
        assert_eq!(status, 201, "{booking}");
        assert_eq!(booking["end"], "2027-03-28T04:00:00+02:00");
        let (id, token) = (id_of(&booking), booking["manage_token"].as_str().unwrap().to_owned());

        let path = format!("/api/v1/bookings/{id}/calendar.ics");
        let response = app.client.get(app.url(&format!("{path}?token={token}"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/calendar; charset=utf-8; method=REQUEST"
        );
        let ics = check_ics(&response.text().await.unwrap());
        let event = &ics["events"][0];
        assert_eq!((event["start"].as_str(), event["end"].as_str()), (Some("2027-03-28T00:30:00Z"), Some("2027-03-28T02:00:00Z")));
        assert_eq!(event["summary"], "Long \"Night\" Cut; with, commas – night shop");
        assert!(event["description"].as_str().unwrap().contains("01:30–04:00 (Europe/Berlin, UTC+01:00)"));
        assert_eq!(event["url"], booking["manage_url"]);

        // The same access rules as the booking itself.
        assert_eq!(app.get(&path, None).await.0, 401);
        assert_eq!(app.get(&format!("{path}?token=nonsense"), None).await.0, 403);
        assert_eq!(app.get(&path, Some(&other_key)).await.0, 404);
        let (status, _) = app.get(&path, Some(&key)).await;
        assert_eq!(status, 200);
        assert_eq!(app.get("/api/v1/bookings/no-such-booking/calendar.ics", Some(&key)).await.0, 404);
        let (_, openapi) = app.get("/api/v1/openapi.json", None).await;
        for documented in ["/api/v1/bookings/{id}/calendar.ics", "/calendars/{token}.ics", "/api/v1/businesses/{slug}/notifications"] {
            assert!(openapi["paths"].get(documented).is_some(), "{documented} is not in the OpenAPI document");
        }

        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&key), json!({})).await;
        assert_eq!(status, 200);
        let response = app.client.get(app.url(&format!("{path}?token={token}"))).send().await.unwrap();
        let ics = check_ics(&response.text().await.unwrap());
        assert_eq!(ics["method"], "CANCEL");
        assert_eq!(ics["events"][0]["status"], "CANCELLED");
        assert_eq!(ics["events"][0]["sequence"], 1);
        assert_eq!(ics["events"][0]["start"], "2027-03-28T00:30:00Z");
    }

    async fn staff_feeds_show_their_bookings_and_rotate(app: TestApp) {
        let shop = open_shop(&app, "feedy", json!({})).await;
        let kim = app.add_staff("feedy", &shop.key, "Kim", every_day(json!([["09:00", "18:00"]]))).await;
        let color = app.add_service("feedy", &shop.key, json!({"name": "Color", "duration_minutes": 30, "staff_ids": [kim]})).await;
        let kept = book(&app, &shop, "2027-03-10T10:00:00+01:00", None).await;
        let dropped = book(&app, &shop, "2027-03-11T10:00:00+01:00", None).await;
        app.post(&format!("/api/v1/bookings/{}/cancel", id_of(&dropped)), Some(&shop.key), json!({})).await;
        let (status, _) = app
            .book("feedy", json!({"service_id": color, "start": "2027-03-10T12:00:00+01:00", "customer": {"name": "Kai", "phone": "+49 170 7654321"}}))
            .await;
        assert_eq!(status, 201, "Kim's booking");

        let rotate = format!("/api/v1/businesses/feedy/staff/{}/calendar-feed", shop.staff);
        assert_eq!(app.post(&rotate, None, json!({})).await.0, 401);
        assert_eq!(app.post(&format!("/api/v1/businesses/feedy/staff/{kim}x/calendar-feed"), Some(&shop.key), json!({})).await.0, 404);
        let (status, created) = app.post(&rotate, Some(&shop.key), json!({})).await;
        assert_eq!(status, 201, "{created}");
        let url = created["url"].as_str().unwrap().to_owned();
        let path = url.strip_prefix("http://chairside.test").expect("a public URL").to_owned();
        assert!(path.starts_with("/calendars/") && path.ends_with(".ics"), "{path}");

        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let feed = check_ics(&response.text().await.unwrap());
        assert_eq!(feed["name"], "Sam – feedy shop");
        let events = feed["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "cancelled bookings and other staff are left out: {feed}");
        assert_eq!(events[0]["uid"], format!("{}@chairside", id_of(&kept)));
        assert_eq!(events[0]["summary"], "Haircut – Ben Becker");
        assert!(events[0]["description"].as_str().unwrap().contains("+491701234567"));

        // Only the hash is stored; a new token ends the old one.
        let token = path.trim_start_matches("/calendars/").trim_end_matches(".ics").to_owned();
        let stored = app.state.db.read(move |conn| {
            chairside::storage::notifications::feed_by_hash(conn, &chairside::access::hash_secret(&token))
        }).await.unwrap().expect("stored by hash");
        assert_eq!(stored.token_hash.len(), 64);
        assert!(!stored.token_hash.contains(&path[11..20]), "the token itself is not stored");
        let (_, rotated) = app.post(&rotate, Some(&shop.key), json!({})).await;
        let new_path = rotated["url"].as_str().unwrap().trim_start_matches("http://chairside.test").to_owned();
        assert_ne!(new_path, path);
        assert_eq!(app.get(&path, None).await.0, 404);
        assert_eq!(app.get(&new_path, None).await.0, 200);
        assert_eq!(app.get("/calendars/nonsense.ics", None).await.0, 404);
    }

    async fn reminders_move_and_vanish_with_their_booking(app: TestApp) {
        let worker = notification_worker(&app);
        let shop = open_shop(&app, "remind", json!({})).await;
        let booking = book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("ben@example.com")).await;
        let id = id_of(&booking);
        let day_before = job(&app, format!("reminder:{id}:1440")).await.expect("24 h reminder");
        let two_hours = job(&app, format!("reminder:{id}:120")).await.expect("2 h reminder");
        assert_eq!((day_before.status.as_str(), day_before.run_at), ("pending", to_db_time(at("2027-03-09T09:00:00Z"))));
        assert_eq!((two_hours.status.as_str(), two_hours.run_at), ("pending", to_db_time(at("2027-03-10T07:00:00Z"))));

        // A booking made inside a reminder's window gets only the reminders still ahead.
        let soon = book(&app, &shop, "2027-03-01T12:00:00+01:00", None).await;
        assert!(job(&app, format!("reminder:{}:1440", id_of(&soon))).await.is_none());
        assert_eq!(job(&app, format!("reminder:{}:120", id_of(&soon))).await.unwrap().run_at, to_db_time(at("2027-03-01T09:00:00Z")));

        let mut outbox = Outbox::of(&app);
        drain(&worker).await;
        assert_eq!(outbox.new_messages().len(), 3, "two for the first booking, one to the desk for the second");

        app.clock.set(at("2027-03-09T08:59:59Z"));
        drain(&worker).await;
        assert!(outbox.new_messages().is_empty(), "nothing due yet");
        let late = job(&app, format!("reminder:{}:120", id_of(&soon))).await.unwrap();
        assert_eq!(late.status, "cancelled", "the clock jumped past that appointment: no reminder");
        app.clock.set(at("2027-03-09T09:00:00Z"));
        drain(&worker).await;
        assert_eq!(outbox.new_messages(), [
            ("ben@example.com".to_owned(), "Reminder: Haircut at remind shop on Wednesday, 10 March 2027".to_owned()),
            (DESK.to_owned(), "Upcoming: Ben Becker, Haircut on Wednesday, 10 March 2027".to_owned()),
        ]);
        assert_eq!(job(&app, format!("reminder:{id}:1440")).await.unwrap().status, "done");

        // Moved two days later: the day-before reminder comes again, for the new day.
        let (status, _) = app
            .post(&format!("/api/v1/bookings/{id}/reschedule"), Some(&shop.key), json!({"start": "2027-03-12T10:00:00+01:00"}))
            .await;
        assert_eq!(status, 200);
        let moved = job(&app, format!("reminder:{id}:1440")).await.unwrap();
        assert_eq!((moved.status.as_str(), moved.run_at), ("pending", to_db_time(at("2027-03-11T09:00:00Z"))));
        assert_eq!(job(&app, format!("reminder:{id}:120")).await.unwrap().run_at, to_db_time(at("2027-03-12T07:00:00Z")));
        drain(&worker).await;
        assert_eq!(outbox.new_messages().len(), 2, "the change is announced");

        // Cancelled: its reminders never go out.
        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&shop.key), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(job(&app, format!("reminder:{id}:1440")).await.unwrap().status, "cancelled");
        assert_eq!(job(&app, format!("reminder:{id}:120")).await.unwrap().status, "cancelled");
        app.clock.set(at("2027-03-12T08:30:00Z"));
        drain(&worker).await;
        let after = outbox.new_messages();
        assert_eq!(after.len(), 2, "{after:?}");
        assert!(after.iter().all(|(_, s)| s.starts_with("Booking cancelled")), "only the cancellation: {after:?}");
    }

    async fn an_overdue_reminder_goes_out_once_after_downtime_unless_the_appointment_began(app: TestApp) {
        let shop = open_shop(&app, "downtime", json!({})).await;
        let later = id_of(&book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("ben@example.com")).await);
        let tomorrow = id_of(&book(&app, &shop, "2027-03-02T10:00:00+01:00", Some("ben@example.com")).await);
        let mut outbox = Outbox::of(&app);
        drain(&notification_worker(&app)).await;
        assert_eq!(outbox.new_messages().len(), 4, "confirmations");
        let mail_dir = app.state.mailer.mail_dir().unwrap().to_owned();
        let (backend, clock) = (app.backend, app.clock.clone());

        // The service is down for nine days.
        let database = app.stop().await;
        clock.set(at("2027-03-09T12:00:00Z"));
        let mut config = chairside::config::Config::for_tests(database.url());
        config.run_workers = false;
        config.mail_dir = mail_dir;
        let app = spawn_with_config(database, backend, clock, config).await;
        let worker = notification_worker(&app);
        drain(&worker).await;
        drain(&worker).await;

        let sent = outbox.new_messages();
        assert_eq!(sent.len(), 2, "the day-before reminder of the later booking, once: {sent:?}");
        assert!(sent.iter().all(|(_, s)| s.contains("Wednesday, 10 March 2027")), "{sent:?}");
        assert_eq!(job(&app, format!("reminder:{later}:1440")).await.unwrap().status, "done");
        assert_eq!(job(&app, format!("reminder:{later}:120")).await.unwrap().status, "pending");
        for offset in [1440, 120] {
            let missed = job(&app, format!("reminder:{tomorrow}:{offset}")).await.unwrap();
            assert_eq!(missed.status, "cancelled");
            assert!(missed.last_error.unwrap().contains("already begun"));
        }
    }

    async fn a_send_interrupted_by_a_crash_is_not_repeated(app: TestApp) {
        let shop = open_shop(&app, "crash", json!({})).await;
        let id = id_of(&book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("ben@example.com")).await);
        // A worker takes the two confirmation emails and dies while sending them.
        let now = to_db_time(app.clock.now());
        let claimed = app
            .state
            .db
            .write(move |conn| {
                let claimed = job_rows::claim(conn, &[EMAIL_JOB], "dead-worker", 10, now, now + Duration::minutes(5))?;
                for c in &claimed {
                    job_rows::mark_started(conn, &c.job.id, "dead-worker", now)?;
                }
                Ok::<_, chairside::storage::StorageError>(claimed)
            })
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        app.clock.advance(Duration::minutes(6));
        assert_eq!(drain(&notification_worker(&app)).await, 2);
        assert!(files_written(&app).is_empty(), "nothing is sent a second time");
        let customer = job(&app, format!("email:{id}:0:confirmed:customer")).await.unwrap();
        assert_eq!(customer.status, "failed");
        assert!(customer.last_error.unwrap().contains("may already have arrived"));

        let (status, listed) = app.get("/api/v1/businesses/crash/notifications?status=failed", Some(&shop.key)).await;
        assert_eq!(status, 200);
        let listed = listed["notifications"].as_array().unwrap().clone();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|n| n["booking_id"] == id.as_str() && n["kind"] == EMAIL_JOB && n["status"] == "failed"));
        assert!(listed.iter().any(|n| n["audience"] == "customer" && n["occasion"] == "confirmed"));
        let (status, pending) = app.get("/api/v1/businesses/crash/notifications?status=pending", Some(&shop.key)).await;
        assert_eq!(status, 200);
        let offsets: Vec<i64> = pending["notifications"].as_array().unwrap().iter().filter_map(|n| n["offset_minutes"].as_i64()).collect();
        assert_eq!(offsets.len(), 2, "the two reminders wait: {pending}");
        let (status, error) = app.get("/api/v1/businesses/crash/notifications?status=lost", Some(&shop.key)).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some("status")));
    }

    async fn competing_workers_send_each_reminder_once(app: TestApp) {
        let shop = open_shop(&app, "busy-day", json!({"notification_email": null})).await;
        let starts: Vec<DateTime<Utc>> = (0..30).map(|i| Utc.with_ymd_and_hms(2027, 3, 10, 8, 0, 0).unwrap() + Duration::minutes(30 * i)).collect();
        for (i, start) in starts.iter().enumerate() {
            let (status, body) = app
                .book("busy-day", json!({"service_id": shop.service, "start": start.to_rfc3339(), "customer": {"name": format!("C{i}"), "email": format!("c{i}@example.com")}}))
                .await;
            assert_eq!(status, 201, "{body}");
        }
        let mut outbox = Outbox::of(&app);
        drain(&notification_worker(&app)).await;
        assert_eq!(outbox.new_messages().len(), 30, "confirmations");
        // Every day-before reminder is due, none of the two-hour ones.
        app.clock.set(at("2027-03-09T23:00:00Z"));
        let (a, b) = (notification_worker(&app), notification_worker(&app));
        let (ran_a, ran_b) = futures_util::future::join(drain(&a), drain(&b)).await;
        assert_eq!(ran_a + ran_b, 60, "30 reminders and 30 emails");
        let reminded: Vec<String> = outbox.new_messages().into_iter().map(|(to, _)| to).collect();
        let mut expected: Vec<String> = (0..30).map(|i| format!("c{i}@example.com")).collect();
        expected.sort();
        assert_eq!(reminded, expected, "every customer exactly once");
    }

    async fn mail_failures_are_classified_and_never_cost_a_booking(app: TestApp) {
        let sink = SmtpSink::start();
        let worker = notification_worker_with(&app, smtp_mailer(&sink.url()));
        let shop = open_shop(&app, "flaky", json!({"notification_email": "reject-desk@shop.example"})).await;
        let busy = id_of(&book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("busy@example.com")).await);
        let broken = id_of(&book(&app, &shop, "2027-03-10T11:00:00+01:00", Some("ok@example.com")).await);
        // An address that passed validation once but cannot be sent to (changed in the database).
        let customer_of_broken = broken.clone();
        app.state.db.write(move |conn| {
            use chairside::storage::schema::bookings;
            use diesel::prelude::*;
            diesel::update(bookings::table.find(&customer_of_broken))
                .set(bookings::customer_email.eq("ok at example"))
                .execute(conn)?;
            Ok::<_, StorageError>(())
        }).await.unwrap();
        drain(&worker).await;
        assert!(sink.messages().is_empty());

        let tempfail = job(&app, format!("email:{busy}:0:confirmed:customer")).await.unwrap();
        assert_eq!((tempfail.status.as_str(), tempfail.attempts), ("pending", 1), "451 is tried again later");
        assert!(tempfail.last_error.unwrap().contains("451"));
        let rejected = job(&app, format!("email:{busy}:0:confirmed:business")).await.unwrap();
        assert_eq!((rejected.status.as_str(), rejected.attempts), ("failed", 1), "550 is final");
        assert!(rejected.last_error.unwrap().contains("550"));
        let malformed = job(&app, format!("email:{broken}:0:confirmed:customer")).await.unwrap();
        assert_eq!(malformed.status, "failed");
        assert!(malformed.last_error.unwrap().contains("\"ok at example\" is not an email address"));

        // A mail server that is down: the booking stands, the message waits.
        let down = smtp_mailer(&format!("smtp://127.0.0.1:{}", {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        }));
        let third = book(&app, &shop, "2027-03-10T12:00:00+01:00", Some("carl@example.com")).await;
        drain(&notification_worker_with(&app, down)).await;
        let waiting = job(&app, format!("email:{}:0:confirmed:customer", id_of(&third))).await.unwrap();
        assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
        assert!(waiting.last_error.unwrap().contains("could not take the message"));
        for id in [&busy, &broken] {
            let (status, found) = app.get(&format!("/api/v1/bookings/{id}"), Some(&shop.key)).await;
            assert_eq!((status, found["status"].as_str()), (200, Some("confirmed")));
        }
        // When it is back, the waiting message goes out.
        app.clock.advance(Duration::minutes(1));
        drain(&worker).await;
        assert_eq!(subjects(&sink.messages()), [("carl@example.com".to_owned(), "Booking confirmed: Haircut on Wednesday, 10 March 2027".to_owned())]);
    }

    async fn a_spanish_business_writes_its_emails_in_spanish(app: TestApp) {
        let shop = open_shop(&app, "peluqueria", json!({"locale": "es"})).await;
        book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("lucia@example.es")).await;
        drain(&notification_worker(&app)).await;
        let mails: Vec<Received> = files_written(&app).iter().map(|m| parse_mail(m)).collect();
        let customer = for_recipient(&mails, "lucia@example.es");
        assert_eq!(customer.subject, "Cita confirmada: Haircut el miércoles, 10 de marzo de 2027");
        for needle in [
            "Hola, Ben Becker:",
            "Su cita en peluqueria shop está confirmada.",
            "Servicio: Haircut",
            "Cuándo: miércoles, 10 de marzo de 2027, de 10:00 a 10:30 (Europe/Berlin, UTC+01:00)",
            "Ver, cambiar o cancelar su cita:",
        ] {
            assert!(customer.text.contains(needle), "{needle:?} missing from:\n{}", customer.text);
        }
        assert!(customer.html.contains("<html lang=\"es\">"), "{}", customer.html);
        let desk = for_recipient(&mails, DESK);
        assert_eq!(desk.subject, "Nueva reserva: Ben Becker, Haircut el miércoles, 10 de marzo de 2027");

        // The owner's settings take Spanish, and refuse what Chairside does not speak.
        let path = format!("/api/v1/businesses/{}", shop.slug);
        let (status, business) = app.send("PATCH", &path, Some(&shop.key), json!({"locale": "de"})).await;
        assert_eq!((status, business["locale"].as_str()), (200, Some("de")), "{business}");
        let (status, business) = app.send("PATCH", &path, Some(&shop.key), json!({"locale": "es"})).await;
        assert_eq!((status, business["locale"].as_str()), (200, Some("es")), "{business}");
        let (status, err) = app.send("PATCH", &path, Some(&shop.key), json!({"locale": "fr"})).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("locale")), "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("\"es\""), "{err}");
    }

    async fn a_reminder_planned_before_a_cancellation_is_not_sent(app: TestApp) {
        let shop = open_shop(&app, "late-cancel", json!({"notification_email": null})).await;
        let id = id_of(&book(&app, &shop, "2027-03-10T10:00:00+01:00", Some("ben@example.com")).await);
        let mut outbox = Outbox::of(&app);
        let worker = notification_worker(&app);
        drain(&worker).await;
        assert_eq!(outbox.new_messages().len(), 1, "the confirmation");

        // The reminder comes due and plans its email; before the email goes out, the booking is
        // cancelled.
        app.clock.set(at("2027-03-09T09:00:00Z"));
        assert_eq!(worker.run_batch().await.unwrap(), 1, "the reminder alone");
        let key = format!("email:{id}:0:reminder-1440:customer");
        assert_eq!(job(&app, key.clone()).await.expect("planned email").status, "pending");
        let (status, _) = app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&shop.key), json!({})).await;
        assert_eq!(status, 200);
        drain(&worker).await;
        let skipped = job(&app, key).await.unwrap();
        assert_eq!(skipped.status, "cancelled");
        assert!(skipped.last_error.unwrap().contains("changed after this message was planned"));
        assert_eq!(
            outbox.new_messages(),
            [("ben@example.com".to_owned(), "Booking cancelled: Haircut on Wednesday, 10 March 2027".to_owned())],
            "the cancellation goes out, the reminder does not"
        );
    }

    async fn holds_are_announced_only_once_confirmed(app: TestApp) {
        let shop = open_shop(&app, "holdy", json!({})).await;
        let now = app.clock.now();
        let request = BookingRequest {
            service_id: shop.service.clone(),
            staff_id: None,
            start: RequestedStart::parse("start", "2027-03-10T10:00:00+01:00").unwrap(),
            customer: Some(chairside::booking::CustomerContact::parse("Ben", None, Some("ben@example.com")).unwrap()),
            customer_id: None,
            conversation_id: None,
            held_by: None,
            notes: String::new(),
            channel: Channel::Telegram,
            hold_until: Some(now + Duration::minutes(10)),
            by_business: false,
        };
        let held = app.state.scheduler.book("holdy".into(), request, now).await.unwrap();
        let id = held.booking.id.clone();
        assert!(job(&app, format!("reminder:{id}:1440")).await.is_none());
        assert!(job(&app, format!("email:{id}:0:confirmed:customer")).await.is_none());

        let confirmed = id.clone();
        app.state.db.write(move |conn| {
            let mut booking = booking_rows::find(conn, &confirmed)?.unwrap();
            booking.status = "confirmed".to_owned();
            booking.hold_expires_at = None;
            booking_rows::save(conn, &booking)?;
            notifications::hold_confirmed(conn, &booking, now)
        }).await.unwrap();
        assert_eq!(job(&app, format!("reminder:{id}:1440")).await.unwrap().status, "pending");
        drain(&notification_worker(&app)).await;
        let sent = subjects(&files_written(&app));
        assert_eq!(sent.len(), 2, "{sent:?}");
        // The chat reminder is skipped until the conversation outbox exists; email still goes.
        app.clock.set(at("2027-03-09T09:00:00Z"));
        drain(&notification_worker(&app)).await;
        assert_eq!(files_written(&app).len(), 4);
    }
}

on_both_backends! {
    async fn reminder_offsets_are_a_validated_business_setting(app: TestApp) {
        let shop = open_shop(&app, "offsets", json!({})).await;
        let (_, business) = app.get("/api/v1/businesses/offsets", Some(&shop.key)).await;
        assert_eq!(business["reminder_offsets_minutes"], json!([1440, 120]));
        let patch = |body: Value| app.send("PATCH", "/api/v1/businesses/offsets", Some(&shop.key), body);
        let (status, error) = patch(json!({"reminder_offsets_minutes": [60, 0]})).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some("reminder_offsets_minutes[1]")));
        let (status, error) = patch(json!({"reminder_offsets_minutes": [60, 60]})).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some("reminder_offsets_minutes")));
        let (status, error) = patch(json!({"reminder_offsets_minutes": "soon"})).await;
        assert_eq!(status, 422, "{error}");
        let (status, updated) = patch(json!({"reminder_offsets_minutes": [30, 2880]})).await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["reminder_offsets_minutes"], json!([2880, 30]));

        let id = id_of(&book(&app, &shop, "2027-03-10T10:00:00+01:00", None).await);
        assert_eq!(job(&app, format!("reminder:{id}:2880")).await.unwrap().run_at, to_db_time(at("2027-03-08T09:00:00Z")));
        assert!(job(&app, format!("reminder:{id}:30")).await.is_some());
        assert!(job(&app, format!("reminder:{id}:1440")).await.is_none());

        let (status, none) = patch(json!({"reminder_offsets_minutes": []})).await;
        assert_eq!((status, none["reminder_offsets_minutes"].clone()), (200, json!([])));
        let quiet = id_of(&book(&app, &shop, "2027-03-11T10:00:00+01:00", None).await);
        assert!(job(&app, format!("reminder:{quiet}:30")).await.is_none());
    }
}
