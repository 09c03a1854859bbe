//! Many customers at once: the database never lets two bookings of one staff member overlap.

use std::collections::HashMap;

use chairside::storage::schema::{allocations, bookings};
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

/// Every live allocation, straight from the database: (resource, from, until).
fn live_allocations(app: &TestApp) -> Vec<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    app.state
        .db
        .read_blocking(|conn| {
            allocations::table
                .select((
                    allocations::resource_id,
                    allocations::occupied_from,
                    allocations::occupied_until,
                ))
                .load(conn)
                .map_err(chairside::storage::StorageError::from)
        })
        .expect("allocations")
}

fn assert_no_overlaps(app: &TestApp) -> usize {
    let mut by_resource: HashMap<String, Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime)>> =
        HashMap::new();
    for (resource, from, until) in live_allocations(app) {
        by_resource.entry(resource).or_default().push((from, until));
    }
    let mut total = 0;
    for (resource, mut spans) in by_resource {
        spans.sort();
        for pair in spans.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "{resource}: {:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
        total += spans.len();
    }
    total
}

on_both_backends! {
    async fn a_hundred_customers_race_for_one_slot_and_one_wins(app: TestApp) {
        let key = app.create_business("rush", "Europe/Berlin", json!({})).await;
        let sam = app.add_staff("rush", &key, "Sam", every_day(json!([["09:00", "18:00"]]))).await;
        let cut = app.add_service("rush", &key, json!({"name": "Cut", "duration_minutes": 30, "buffer_before_minutes": 5, "staff_ids": [sam]})).await;
        let requests = (0..100).map(|i| {
            let body = json!({"service_id": cut, "staff_id": sam, "start": "2027-03-10T10:00:00+01:00",
                "customer": {"name": format!("Customer {i}"), "phone": format!("+49170{i:07}")}});
            let app = &app;
            async move { app.book("rush", body).await }
        });
        let results = join_all(requests).await;
        let created = results.iter().filter(|(s, _)| *s == 201).count();
        let refused = results.iter().filter(|(s, b)| *s == 409 && b["error"]["code"] == "slot_unavailable").count();
        assert_eq!((created, refused), (1, 99), "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
        let rows: i64 = app
            .state
            .db
            .read_blocking(|conn| bookings::table.count().get_result(conn).map_err(chairside::storage::StorageError::from))
            .unwrap();
        assert_eq!(rows, 1, "exactly one booking row");
        assert_eq!(assert_no_overlaps(&app), 1);
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("chairside_bookings_created_total 1"), "{metrics}");
        assert!(metrics.contains("chairside_booking_conflicts_total 99"), "{metrics}");
    }

    async fn random_overlapping_requests_never_double_book(app: TestApp) {
        let key = app.create_business("busy", "America/New_York", json!({"slot_interval_minutes": 5})).await;
        let hours = every_day(json!([["08:00", "12:00"]]));
        let mut staff = Vec::new();
        for name in ["Ann", "Bea", "Cid"] {
            staff.push(app.add_staff("busy", &key, name, hours.clone()).await);
        }
        let short = app.add_service("busy", &key, json!({"name": "Short", "duration_minutes": 20, "buffer_after_minutes": 5, "staff_ids": staff})).await;
        let long = app.add_service("busy", &key, json!({"name": "Long", "duration_minutes": 55, "buffer_before_minutes": 10, "staff_ids": staff})).await;
        // A fixed pseudo-random sequence: reproducible, and dense enough to collide a lot.
        let mut seed: u64 = 0x5eed;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let requests: Vec<_> = (0..200)
            .map(|i| {
                let minute = 8 * 60 + next(40) * 5;
                let service = if next(2) == 0 { &short } else { &long };
                let staff_id = match next(4) { 3 => None, s => Some(staff[s as usize].clone()) };
                json!({"service_id": service, "staff_id": staff_id,
                    "start": format!("2027-03-1{}T{:02}:{:02}:00-05:00", 5 + next(2), minute / 60, minute % 60),
                    "customer": {"name": format!("C{i}"), "email": format!("c{i}@example.com")}})
            })
            .collect();
        let results = join_all(requests.into_iter().map(|body| {
            let app = &app;
            async move { app.book("busy", body).await }
        }))
        .await;
        let created = results.iter().filter(|(s, _)| *s == 201).count();
        assert!(results.iter().all(|(s, _)| *s == 201 || *s == 409), "{:?}", results.iter().filter(|r| r.0 != 201 && r.0 != 409).collect::<Vec<_>>());
        assert!(created > 10, "only {created} bookings succeeded");
        assert_eq!(assert_no_overlaps(&app), created);
    }
}
