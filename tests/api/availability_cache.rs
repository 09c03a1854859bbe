//! Kept availability answers are never wrong: after every change — a booking, a cancellation, a
//! hold, a closure, new hours, time passing — an instance that keeps answers gives byte for byte
//! what an instance computing each one afresh gives, on the same database, whichever instance
//! made the change.

use chrono::Duration;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

/// A fixed pseudo-random sequence, so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.roll(items.len() as u64) as usize]
    }
}

struct Shop {
    key: String,
    staff: Vec<String>,
    services: Vec<String>,
    bookings: Vec<String>,
    holds_end: Vec<chrono::DateTime<chrono::Utc>>,
}

/// Status and body exactly as sent.
async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn queries(shop: &Shop) -> Vec<String> {
    let mut queries = Vec::new();
    for service in &shop.services {
        for staff in [None, Some(&shop.staff[0])] {
            // Today (minimum notice bites), the week of the change to daylight saving time
            // (14 March in New York), and a day near the end of the horizon.
            for (from, to) in [
                ("2027-03-01", "2027-03-02"),
                ("2027-03-12", "2027-03-15"),
                ("2027-03-29", "2027-03-31"),
            ] {
                let staff = staff.map(|s| format!("&staff_id={s}")).unwrap_or_default();
                queries.push(format!(
                    "/api/v1/businesses/cache/availability?service_id={service}&from={from}&to={to}{staff}"
                ));
            }
        }
    }
    queries
}

/// Every query answered alike by both instances, the keeping one asked twice.
async fn assert_same_answers(keeping: &TestApp, fresh: &TestApp, shop: &Shop, step: &str) {
    for query in queries(shop) {
        let expected = raw_get(fresh, &query).await;
        assert_eq!(expected.0, 200, "{step}: {query}: {}", expected.1);
        for attempt in ["first", "second"] {
            let kept = raw_get(keeping, &query).await;
            assert_eq!(kept, expected, "{step}, {attempt} ask: {query}");
        }
    }
}

/// A random change through `app`, described for the failure message.
async fn change(app: &TestApp, shop: &mut Shop, dice: &mut Dice) -> String {
    let base = "/api/v1/businesses/cache";
    // Mostly today, where time passing changes the answer, and the days around the change.
    let any_day = 1 + dice.roll(31);
    let day = *dice.pick(&[1, 1, 1, 2, 13, 14, 15, 30, any_day]);
    let minute = if day == 1 {
        10 * 60 + dice.roll(16) * 15
    } else {
        8 * 60 + dice.roll(40) * 15
    };
    let start = format!("2027-03-{day:02}T{:02}:{:02}:00", minute / 60, minute % 60);
    match dice.roll(9) {
        0 | 1 => {
            let service = dice.pick(&shop.services).clone();
            let staff = (dice.roll(2) == 0).then(|| dice.pick(&shop.staff).clone());
            let body = json!({"service_id": service, "staff_id": staff, "start": start, "customer": customer("Ann")});
            let (status, booking) = app.book("cache", body).await;
            if status == 201 {
                shop.bookings
                    .push(booking["id"].as_str().unwrap_or_default().to_owned());
            }
            format!("booking {start}: {status}")
        }
        2 if !shop.bookings.is_empty() => {
            let id = shop
                .bookings
                .swap_remove(dice.roll(shop.bookings.len() as u64) as usize);
            let (status, _) = app
                .post(
                    &format!("/api/v1/bookings/{id}/cancel"),
                    Some(&shop.key),
                    json!({}),
                )
                .await;
            format!("cancelling {id}: {status}")
        }
        3 => {
            let now = chairside::clock::Clock::now(&app.clock);
            let minutes = 1 + dice.roll(10) as i64;
            let service = dice.pick(&shop.services).clone();
            let request = hold(service, None, &start, now + Duration::minutes(minutes));
            let held = app.state.scheduler.book("cache".into(), request, now).await;
            if held.is_ok() {
                shop.holds_end.push(now + Duration::minutes(minutes));
            }
            format!("holding {start} for {minutes} min: {}", held.is_ok())
        }
        4 => {
            let date = format!("2027-03-{day:02}");
            let mut body = json!({"date": date, "affected_bookings": "keep"});
            if dice.roll(2) == 0 {
                body["staff_id"] = json!(dice.pick(&shop.staff));
            }
            if dice.roll(2) == 0 {
                body["hours"] = json!([["10:00", "13:00"]]);
            }
            let (status, _) = app
                .post(&format!("{base}/closures"), Some(&shop.key), body.clone())
                .await;
            format!("closure {body}: {status}")
        }
        5 => {
            let staff = dice.pick(&shop.staff).clone();
            let end = 12 + dice.roll(8);
            let hours = every_day(json!([["08:00", format!("{end}:00")]]));
            let (status, _) = app
                .send(
                    "PUT",
                    &format!("{base}/staff/{staff}/hours"),
                    Some(&shop.key),
                    hours,
                )
                .await;
            format!("hours of {staff} until {end}:00: {status}")
        }
        _ => {
            // To the moments an answer changes by itself: a quarter hour's edge (the slot grid,
            // minimum notice and the horizon are all quarter hours here) and a hold's end, a
            // second either side; or simply on.
            let now = chairside::clock::Clock::now(&app.clock);
            let to_quarter = 900 - now.timestamp().rem_euclid(900);
            let mut steps = vec![
                to_quarter - 1,
                to_quarter,
                to_quarter + 1,
                1,
                2,
                59,
                61,
                3600,
            ];
            for end in &shop.holds_end {
                let left = (*end - now).num_seconds();
                if left > 0 {
                    steps.extend([left - 1, left, left + 1].into_iter().filter(|s| *s > 0));
                }
            }
            let seconds = *dice.pick(&steps);
            app.clock.advance(Duration::seconds(seconds));
            format!("{seconds} s later")
        }
    }
}

const STEPS: u64 = 100;

on_both_backends! {
    async fn kept_answers_equal_fresh_ones_through_random_changes(app: TestApp) {
        let key = app.create_business("cache", "America/New_York", json!({
            "slot_interval_minutes": 15, "min_notice_minutes": 90, "booking_horizon_days": 30
        })).await;
        let hours = every_day(json!([["08:00", "12:00"], ["13:00", "18:00"]]));
        let mut staff = Vec::new();
        for name in ["Ann", "Bea", "Cid"] {
            staff.push(app.add_staff("cache", &key, name, hours.clone()).await);
        }
        let services = vec![
            app.add_service("cache", &key, json!({"name": "Cut", "duration_minutes": 30, "staff_ids": staff})).await,
            app.add_service("cache", &key, json!({"name": "Colour", "duration_minutes": 55, "buffer_before_minutes": 10, "buffer_after_minutes": 5, "staff_ids": staff})).await,
        ];
        let mut config = chairside::config::Config::for_tests(app.database.url());
        config.availability_cache = false;
        let fresh = spawn_with_config(app.database.clone(), app.backend, app.clock.clone(), config).await;
        assert!(fresh.state.scheduler.answer_cache_usage().is_none());
        let mut shop = Shop { key, staff, services, bookings: Vec::new(), holds_end: Vec::new() };

        // 09:58:30 in New York: minimum notice cuts through today's working hours.
        app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 1, 14, 58, 30).unwrap());
        let mut dice = Dice(0xcac4e);
        assert_same_answers(&app, &fresh, &shop, "at the start").await;
        for step in 0..STEPS {
            // Changes come through either instance: the keeping one must notice both.
            let through = if dice.roll(2) == 0 { &app } else { &fresh };
            let what = change(through, &mut shop, &mut dice).await;
            assert_same_answers(&app, &fresh, &shop, &format!("after step {step}, {what}")).await;
        }
        let usage = app.state.scheduler.answer_cache_usage().expect("a cache");
        // Every query was asked twice in a row after each step: at least the second ask of
        // each was answered from the cache.
        let asked = (STEPS + 1) * queries(&shop).len() as u64;
        assert!(usage.served >= asked, "{usage:?} for {asked} repeated asks");
        assert!(usage.answers > 0 && usage.bytes > 0, "{usage:?}");
    }

    async fn a_kept_answer_ends_with_the_first_hold_it_counted(app: TestApp) {
        let key = app.create_business("cache", "America/New_York", json!({"min_notice_minutes": 0})).await;
        let ann = app.add_staff("cache", &key, "Ann", every_day(json!([["08:00", "18:00"]]))).await;
        let cut = app.add_service("cache", &key, json!({"name": "Cut", "duration_minutes": 30, "staff_ids": [ann]})).await;
        let utc = |h, m, s| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 1, h, m, s).unwrap();
        app.clock.set(utc(15, 0, 20));
        let request = hold(cut.clone(), Some(ann.clone()), "2027-03-05T10:00:00", utc(15, 1, 20));
        app.state.scheduler.book("cache".into(), request, utc(15, 0, 20)).await.expect("held");
        let query = format!("/api/v1/businesses/cache/availability?service_id={cut}&from=2027-03-05&staff_id={ann}");
        let offers_ten = |body: &str| body.contains(r#""start":"2027-03-05T10:00:00-05:00""#);
        // Within one minute of the clock, (15:01:00, 15:02:00]: first while the hold counts…
        app.clock.set(utc(15, 1, 10));
        let (_, held) = raw_get(&app, &query).await;
        assert!(!offers_ten(&held), "{held}");
        assert_eq!(raw_get(&app, &query).await.1, held);
        // …then after it ended: the same minute, the same versions, another answer.
        app.clock.set(utc(15, 1, 20));
        let (_, free) = raw_get(&app, &query).await;
        assert!(offers_ten(&free), "{free}");
    }
}
