//! Customers' data for owners: find, link by hand, export, erase; hints in staff views; the
//! retention of chat transcripts. Both backends, the real server, real mail files.

use chairside::storage::StorageError;
use chairside::storage::schema::{allocations, conversation_messages, conversations, jobs};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, SqliteConnection};
use serde_json::{Value, json};

use crate::chat::{Chat, barber, text};
use crate::helpers::*;
use crate::on_both_backends;
use crate::proof::{VERA_EMAIL, vera_proven};

/// Every spelling of Vera that must be gone after her erasure.
const VERA_TRACES: [&str; 5] = [
    "vera@example.com",
    "Vera Vogel",
    "V. Vogel",
    "+491701111111",
    "1701111111",
];

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    col: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `table.column` for every text column of every table that holds `needle` (any case).
fn text_columns_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let url = app.database.url().to_owned();
    let mut hits = Vec::new();
    macro_rules! scan {
        ($conn:expr, $columns:expr, $contains:expr) => {{
            let conn = $conn;
            let columns: Vec<Column> = diesel::sql_query($columns).load(conn).expect("columns");
            assert!(
                columns.len() > 40,
                "every table's text columns are searched"
            );
            for c in columns {
                let query = format!(
                    "SELECT count(*) AS n FROM \"{}\" WHERE {}(lower(\"{}\"), lower($1)) > 0",
                    c.tbl, $contains, c.col
                );
                let found: Count = diesel::sql_query(query)
                    .bind::<Text, _>(needle)
                    .get_result(conn)
                    .expect("count");
                if found.n > 0 {
                    hits.push(format!("{}.{}", c.tbl, c.col));
                }
            }
        }};
    }
    match app.backend {
        Backend::Sqlite => scan!(
            &mut SqliteConnection::establish(&url).expect("sqlite"),
            "SELECT m.name AS tbl, p.name AS col FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND upper(p.type) LIKE '%TEXT%'",
            "instr"
        ),
        Backend::Postgres => scan!(
            &mut PgConnection::establish(&url).expect("postgres"),
            "SELECT table_name::text AS tbl, column_name::text AS col FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')",
            "strpos"
        ),
    }
    hits
}

/// The SQLite database file and its write-ahead log, as bytes.
fn sqlite_files(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let db = app.database.url().to_owned();
    [db.clone(), format!("{db}-wal")]
        .into_iter()
        .filter_map(|path| Some((path.clone(), std::fs::read(&path).ok()?)))
        .collect()
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every mail file's raw text.
fn mail_files(app: &TestApp) -> Vec<String> {
    let dir = app
        .state
        .mailer
        .mail_dir()
        .expect("file transport")
        .to_owned();
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read(e.path()).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn job_statuses(app: &TestApp, prefix: &str) -> Vec<String> {
    let pattern = format!("{prefix}%");
    app.state
        .db
        .read_blocking(move |conn| {
            jobs::table
                .filter(jobs::dedupe_key.like(pattern))
                .select(jobs::status)
                .load(conn)
                .map_err(StorageError::from)
        })
        .unwrap()
}

fn allocations_of(app: &TestApp, booking_id: &str) -> i64 {
    let id = booking_id.to_owned();
    app.state
        .db
        .read_blocking(move |conn| {
            allocations::table
                .filter(allocations::booking_id.eq(id))
                .count()
                .get_result(conn)
                .map_err(StorageError::from)
        })
        .unwrap()
}

/// The staff view's hint on the booking with this reference on a local date.
async fn hint_on(app: &TestApp, key: &str, date: &str, reference: &str) -> Value {
    let (status, day) = app
        .get(
            &format!("/api/v1/businesses/barber/schedule?date={date}"),
            Some(key),
        )
        .await;
    assert_eq!(status, 200, "{day}");
    day["staff"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["bookings"].as_array().unwrap().clone())
        .find(|b| b["reference"] == reference)
        .unwrap_or_else(|| panic!("{reference} not on {date}: {day}"))["customer_hint"]
        .clone()
}

/// Waits (at most 10 s) for `done`.
async fn eventually(mut done: impl FnMut() -> bool, what: &str) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("not within 10 s: {what}");
}

on_both_backends! {
    async fn a_customer_is_found_merged_exported_and_erased(app: TestApp) {
        let shop = barber(&app).await;
        let (status, _) = app.post("/api/v1/businesses/barber/questions", Some(&shop.key),
            json!({"prompt_en": "Do you need parking?", "kind": "yes_no"})).await;
        assert_eq!(status, 201);
        // Vera books by API and proves her email in a chat, then books again there and answers
        // the business's question.
        let (first, mut chat) = vera_proven(&app, &shop).await;
        let replies = chat.say("a haircut on saturday at 10").await;
        assert!(text(&replies).contains("Do you need parking?"), "{}", text(&replies));
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        chat.say("yes").await;
        // A booking over the phone with her number and address typed otherwise, never linked.
        let (status, phoned) = app.book("barber", json!({"service_id": shop.haircut, "staff_id": shop.sam,
            "start": "2027-03-08T15:00:00+01:00", "notes": "prefers Sam",
            "customer": {"name": "V. Vogel", "phone": "0049 (170) 111-1111", "email": "VERA@example.com"}})).await;
        assert_eq!(status, 201, "{phoned}");
        // Someone else, who must keep everything.
        let (status, otto) = app.book("barber", json!({"service_id": shop.haircut,
            "start": "2027-03-08T16:00:00+01:00", "customer": {"name": "Otto Other", "email": "otto@example.com"}})).await;
        assert_eq!(status, 201, "{otto}");
        let phoned_ref = phoned["reference"].as_str().unwrap();

        // The staff view hints at Vera.
        let hint = hint_on(&app, &shop.key, "2027-03-08", phoned_ref).await;
        assert!(hint["text"].as_str().unwrap().starts_with("same email as Vera V., "), "{hint}");
        assert!(hint_on(&app, &shop.key, "2027-03-08", otto["reference"].as_str().unwrap()).await.is_null());

        // The owner finds her by phone in another format: the unlinked booking is a candidate.
        let (status, found) = app.get("/api/v1/businesses/barber/customers?q=%2B49%20170%20111%201111", Some(&shop.key)).await;
        assert_eq!(status, 200, "{found}");
        let unlinked: Vec<&str> = found["unlinked_bookings"].as_array().unwrap().iter()
            .map(|b| b["reference"].as_str().unwrap()).collect();
        assert_eq!(unlinked, vec![phoned_ref], "{found}");
        // By email: her record, proven by that address.
        let (status, found) = app.get("/api/v1/businesses/barber/customers?q=Vera%40Example.com", Some(&shop.key)).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["customers"].as_array().unwrap().len(), 1, "{found}");
        let vera = &found["customers"][0];
        assert_eq!(vera["identities"][0]["value"], VERA_EMAIL);
        let id = vera["id"].as_str().unwrap().to_owned();
        // By name, any case.
        let (_, by_name) = app.get("/api/v1/businesses/barber/customers?q=vOgEl", Some(&shop.key)).await;
        assert_eq!(by_name["customers"][0]["id"], id.as_str(), "{by_name}");
        assert_eq!(by_name["unlinked_bookings"][0]["reference"], phoned_ref, "{by_name}");

        // Staff confirm the phoned booking is hers: linked, twice is once, the hint is gone.
        let path = format!("/api/v1/businesses/barber/customers/{id}");
        let (status, linked) = app.post(&format!("{path}/bookings"), Some(&shop.key), json!({"booking_ids": [phoned["id"]]})).await;
        assert_eq!((status, linked["linked"].as_u64()), (200, Some(1)), "{linked}");
        let (_, again) = app.post(&format!("{path}/bookings"), Some(&shop.key), json!({"booking_ids": [phoned["id"]]})).await;
        assert_eq!(again["linked"], 0, "{again}");
        assert!(hint_on(&app, &shop.key, "2027-03-08", phoned_ref).await.is_null());

        // What would go, said before it goes.
        let (status, detail) = app.get(&path, Some(&shop.key)).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["erasure_preview"]["bookings"], 3, "{detail}");
        assert!(detail["erasure_preview"]["messages"].as_u64().unwrap() >= 8, "{detail}");
        assert!(detail["erasure_preview"]["pending_messages"].as_u64().unwrap() >= 1, "{detail}");

        // The export holds what was stored.
        let response = app.client.get(app.url(&format!("{path}/export"))).bearer_auth(&shop.key).send().await.unwrap();
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let (status, export) = read(response).await;
        assert_eq!(status, 200, "{export}");
        assert_eq!(export["format"], "chairside.customer-export/1");
        assert_eq!(export["customer"]["email"], VERA_EMAIL);
        let booked: Vec<&Value> = export["bookings"].as_array().unwrap().iter().collect();
        assert_eq!(booked.len(), 3, "{export}");
        assert!(booked.iter().any(|b| b["reference"] == first["reference"]));
        assert!(booked.iter().any(|b| b["notes"] == "prefers Sam" && b["customer"]["phone"] == "+491701111111"));
        let answers: Vec<&Value> = booked.iter().flat_map(|b| b["answers"].as_array().unwrap()).collect();
        assert_eq!(answers.len(), 1, "{export}");
        assert_eq!(answers[0]["question"], "Do you need parking?");
        let transcript = export["conversations"][0]["messages"].as_array().unwrap();
        assert!(transcript.iter().any(|m| m["text"] == "my bookings"), "{export}");
        assert!(transcript.iter().any(|m| m["text"] == VERA_EMAIL), "{export}");
        let sent = export["messages_sent"].as_array().unwrap();
        assert!(sent.iter().any(|j| j["kind"] == "notification.reminder" && j["status"] == "pending"), "{export}");
        assert!(sent.iter().any(|j| j["kind"] == "notification.email"), "{export}");
        assert!(!export.to_string().contains("Otto"), "nobody else's data");

        // Her mail was written to files (no SMTP server).
        eventually(|| mail_files(&app).iter().any(|m| m.contains(phoned_ref)), "the phoned booking's mail").await;
        assert!(!mail_to(&app, VERA_EMAIL).is_empty());

        // Erase.
        let (status, erased) = app.send("DELETE", &path, Some(&shop.key), Value::Null).await;
        assert_eq!(status, 200, "{erased}");
        assert_eq!(erased["already_erased"], false);
        assert_eq!(erased["bookings_anonymised"], 3, "{erased}");
        assert_eq!(erased["conversations_deleted"], 1, "{erased}");
        assert_eq!(erased["identities_deleted"], 1, "{erased}");
        assert!(erased["jobs_cancelled"].as_u64().unwrap() >= 1, "{erased}");
        assert!(erased["mail_files_deleted"].as_u64().unwrap() >= 2, "{erased}");
        // Idempotent.
        let (status, again) = app.send("DELETE", &path, Some(&shop.key), Value::Null).await;
        assert_eq!((status, again["already_erased"].as_bool()), (200, Some(true)), "{again}");

        // Nothing names her: not a text column of any table, not the database file, not a mail.
        for trace in VERA_TRACES {
            assert_eq!(text_columns_holding(&app, trace), Vec::<String>::new(), "{trace} left in the database");
            assert!(!mail_files(&app).iter().any(|m| m.to_lowercase().contains(&trace.to_lowercase())), "{trace} left in a mail file");
        }
        let key = chat.conversation.clone();
        assert_eq!(text_columns_holding(&app, &key), Vec::<String>::new(), "the conversation is gone");
        if app.backend == Backend::Sqlite {
            for (file, bytes) in sqlite_files(&app) {
                for trace in ["vera@example.com", "Vera Vogel", "V. Vogel", "+491701111111", "prefers Sam", "my bookings"] {
                    assert!(!holds(&bytes, trace), "{trace:?} left in the bytes of {file}");
                }
                assert!(holds(&bytes, "Otto Other") || file.ends_with("-wal"), "the search can find what is there");
            }
        }
        // Otto keeps everything.
        assert_eq!(text_columns_holding(&app, "otto@example.com"), vec!["bookings.customer_email".to_owned()]);

        // The bookings stay as anonymous time blocks: the slot is still taken.
        let (status, block) = app.get(&format!("/api/v1/bookings/{}", phoned["id"].as_str().unwrap()), Some(&shop.key)).await;
        assert_eq!(status, 200, "{block}");
        assert_eq!((block["status"].as_str(), &block["customer"], block["notes"].as_str()), (Some("confirmed"), &Value::Null, Some("")));
        assert_eq!(allocations_of(&app, phoned["id"].as_str().unwrap()), 1);
        let (status, clash) = app.book("barber", json!({"service_id": shop.haircut, "staff_id": shop.sam,
            "start": "2027-03-08T15:00:00+01:00", "customer": {"name": "Newcomer", "email": "new@example.com"}})).await;
        assert_eq!((status, clash["error"]["code"].as_str()), (409, Some("slot_unavailable")), "{clash}");
        // Her queued reminders were cancelled.
        let reminders = job_statuses(&app, &format!("reminder:{}:", phoned["id"].as_str().unwrap()));
        assert!(!reminders.is_empty() && reminders.iter().all(|s| s == "cancelled"), "{reminders:?}");
        // The record is empty and says when it was erased.
        let (_, record) = app.get(&path, Some(&shop.key)).await;
        assert_eq!(record["customer"]["name"], "", "{record}");
        assert!(record["customer"]["erased_at"].is_string(), "{record}");
    }

    async fn only_owners_may_and_bad_input_is_refused(app: TestApp) {
        let shop = barber(&app).await;
        app.add_login("barber", &shop.key, "owner@example.com", "owner").await;
        app.add_login("barber", &shop.key, "staff@example.com", "staff").await;
        let owner = app.log_in("owner@example.com", TEST_PASSWORD).await;
        let staff = app.log_in("staff@example.com", TEST_PASSWORD).await;
        let (status, booked) = app.book("barber", json!({"service_id": shop.haircut,
            "start": "2027-03-05T10:00:00+01:00", "customer": {"name": "Ida Ink", "email": "ida@example.com"}})).await;
        assert_eq!(status, 201, "{booked}");
        // An owner merges the booking into a new record from the page's session.
        let (status, made) = app.send_as(&owner, "POST", "/api/v1/businesses/barber/customers",
            json!({"booking_ids": [booked["id"]]})).await;
        assert_eq!(status, 201, "{made}");
        let id = made["customer_id"].as_str().unwrap();
        let path = format!("/api/v1/businesses/barber/customers/{id}");
        let (status, detail) = app.send_as(&owner, "GET", &path, Value::Null).await;
        assert_eq!((status, detail["customer"]["email"].as_str()), (200, Some("ida@example.com")), "{detail}");

        // The staff role can do none of it.
        for (method, route, body) in [
            ("GET", "/api/v1/businesses/barber/customers?q=ida".to_owned(), Value::Null),
            ("POST", "/api/v1/businesses/barber/customers".to_owned(), json!({"booking_ids": [booked["id"]]})),
            ("GET", path.clone(), Value::Null),
            ("GET", format!("{path}/export"), Value::Null),
            ("POST", format!("{path}/bookings"), json!({"booking_ids": [booked["id"]]})),
            ("DELETE", path.clone(), Value::Null),
        ] {
            let (status, body) = app.send_as(&staff, method, &route, body).await;
            assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{method} {route}: {body}");
        }
        let (status, _) = app.get("/api/v1/businesses/barber/customers?q=ida", None).await;
        assert_eq!(status, 401);

        // Bad input: clear 4xx with the JSON error shape.
        for query in ["", "?q=", "?q=i", "?q=a%40b"] {
            let (status, body) = app.get(&format!("/api/v1/businesses/barber/customers{query}"), Some(&shop.key)).await;
            assert_eq!((status, body["error"]["field"].as_str()), (422, Some("q")), "{query}: {body}");
        }
        let (status, body) = app.get("/api/v1/businesses/barber/customers/nobody", Some(&shop.key)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
        let (status, body) = app.send("DELETE", "/api/v1/businesses/barber/customers/nobody", Some(&shop.key), Value::Null).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = app.post(&format!("{path}/bookings"), Some(&shop.key), json!({"booking_ids": []})).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("booking_ids")), "{body}");
        let (status, body) = app.post(&format!("{path}/bookings"), Some(&shop.key), json!({"booking_ids": ["no-such-booking"]})).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = app.post(&format!("{path}/bookings"), Some(&shop.key), json!({"ids": []})).await;
        assert_eq!(status, 422, "{body}");
        // A booking that is someone else's cannot be merged into another record.
        let (status, body) = app.post("/api/v1/businesses/barber/customers", Some(&shop.key), json!({"booking_ids": [booked["id"]]})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("booking_linked")), "{body}");
        // Another business's key sees nothing of this one.
        let other = app.create_business("other", "Europe/Berlin", json!({})).await;
        let (status, _) = app.get(&path, Some(&other)).await;
        assert_eq!(status, 403);
        let (status, _) = app.get(&format!("/api/v1/businesses/other/customers/{id}"), Some(&other)).await;
        assert_eq!(status, 404);
    }

    async fn old_transcripts_are_purged_and_recent_ones_kept(app: TestApp) {
        let shop = barber(&app).await;
        let (status, body) = app.send("PATCH", "/api/v1/businesses/barber", Some(&shop.key), json!({"transcript_retention_days": 1})).await;
        assert_eq!(status, 200, "{body}");
        let mut old = Chat::new(&app, "old");
        old.say("hello").await;
        app.clock.advance(chrono::Duration::hours(12));
        let mut recent = Chat::new(&app, "recent");
        recent.say("hello").await;
        let count = |key: String| {
            app.state.db.read_blocking(move |conn| {
                conversation_messages::table
                    .inner_join(conversations::table)
                    .filter(conversations::external_key.eq(key))
                    .count()
                    .get_result::<i64>(conn)
                    .map_err(StorageError::from)
            }).unwrap()
        };
        assert!(count(old.conversation.clone()) >= 2);
        // A day and six hours on: the old chat is past one day, the recent one is not.
        app.clock.advance(chrono::Duration::hours(18));
        eventually(|| count(old.conversation.clone()) == 0, "the old transcript is purged").await;
        assert!(count(recent.conversation.clone()) >= 2, "the recent transcript stays");
        // The next purge is planned for the next day.
        let planned = job_statuses(&app, "privacy.retention:2027-03-03");
        assert_eq!(planned, vec!["pending".to_owned()]);
    }
}
