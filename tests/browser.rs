//! The pages end to end in a real browser: the real server on a random port with a fresh
//! database, driven by scripts in `tests/browser/` (playwright-core controlling Debian's
//! headless Chromium): `day_view.mjs` (the staff page's day, settings, phone and paper),
//! `chat.mjs` (the chat widget on another site, the inbox, the chat settings) and
//! `settings.mjs` (reminders, privacy settings and messaging channels in the owner's settings),
//! `customers.mjs` (the owner's customers page: search, merge, export, erase) and `reset.mjs`
//! (a forgotten password reset through a link mailed over real SMTP). Screenshots
//! land in `target/browser-artifacts/`. The scenarios take turns: two Chromiums at once on a
//! small machine would distort the day view's timing.
//!
//! Without node, Chromium or `tests/browser/node_modules` (`npm ci` in tests/browser), the test
//! prints a loud BROWSER TESTS DID NOT RUN notice; with `CI=true` it fails instead.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "api/mail.rs"]
mod mail;

use std::path::{Path, PathBuf};
use std::process::Command;

use chairside::clock::Clock;
use helpers::*;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const STAFF_NAMES: [&str; 10] = [
    "Sam", "Alex", "Jordan", "Kim", "Lee", "Max", "Noa", "Pat", "Robin", "Tay",
];
/// The server's "today" in the tests (Monday), and a busy Wednesday for the timing.
const TODAY: &str = "2027-03-01";
const BUSY_DAY: &str = "2027-03-03";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn artifacts_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("browser-artifacts")
}

/// What is missing to run the browser tests, if anything.
fn missing_tools() -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        return Some(format!(
            "{CHROMIUM} is not installed (apt-get install chromium)"
        ));
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".to_owned());
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        return Some(
            "tests/browser/node_modules is missing (run `npm ci` in tests/browser)".to_owned(),
        );
    }
    None
}

fn tools_or_skip() -> bool {
    let Some(missing) = missing_tools() else {
        return true;
    };
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("the browser tests must run on CI, but {missing}");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! BROWSER TESTS DID NOT RUN: {missing}\n\
         !!! Set CI=true to make this an error.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

/// A walk-in made with the API key (no notice limits), returning its id.
async fn walk_in(app: &TestApp, key: &str, body: Value) -> String {
    let (status, booking) = app
        .post("/api/v1/businesses/barber/walk-ins", Some(key), body)
        .await;
    assert_eq!(status, 201, "{booking}");
    booking["id"].as_str().expect("id").to_owned()
}

/// Ten staff working 08:00–20:00 every day, one 30-minute haircut they all do, a few bookings
/// today, and 150 on the busy day; an owner and a staff login.
async fn barber_shop(app: &TestApp) -> Value {
    let key = app
        .create_business("barber", "Europe/Berlin", json!({}))
        .await;
    let mut staff = Vec::new();
    for name in STAFF_NAMES {
        let hours = every_day(json!([["08:00", "20:00"]]));
        staff.push(app.add_staff("barber", &key, name, hours).await);
    }
    let cut = app
        .add_service(
            "barber",
            &key,
            json!({"name": "Haircut", "duration_minutes": 30, "price_cents": 2800, "staff_ids": staff}),
        )
        .await;
    let (status, anna) = app
        .book("barber", json!({"service_id": cut, "staff_id": staff[0], "start": format!("{TODAY}T10:00"),
            "customer": {"name": "Anna Schmidt", "phone": "+49 170 1234567"}, "notes": "short on the sides"}))
        .await;
    assert_eq!(status, 201, "{anna}");
    let ben = walk_in(
        app,
        &key,
        json!({"service_id": cut, "staff_id": staff[0], "start": format!("{TODAY}T11:00"),
        "customer": {"name": "Ben Walker"}}),
    )
    .await;
    walk_in(
        app,
        &key,
        json!({"service_id": cut, "staff_id": staff[1], "start": format!("{TODAY}T09:30"),
        "customer": {"name": "Chris Early"}}),
    )
    .await;
    for (column, member) in staff.iter().enumerate() {
        for slot in 0..15 {
            let minutes = 8 * 60 + slot * 45;
            let start = format!("{BUSY_DAY}T{:02}:{:02}", minutes / 60, minutes % 60);
            walk_in(app, &key, json!({"service_id": cut, "staff_id": member, "start": start,
                "customer": {"name": format!("Customer {column}-{slot}"), "phone": format!("+49 170 {:07}", column * 100 + slot)}})).await;
        }
    }
    app.add_login("barber", &key, "owner@barber.example", "owner")
        .await;
    app.add_login("barber", &key, "kim@barber.example", "staff")
        .await;
    json!({
        "baseUrl": app.address,
        "slug": "barber",
        "apiKey": key,
        "owner": {"email": "owner@barber.example", "password": TEST_PASSWORD},
        "staff": {"email": "kim@barber.example", "password": TEST_PASSWORD},
        "today": TODAY,
        "busyDay": BUSY_DAY,
        "serviceId": cut,
        "samId": staff[0],
        "annaId": anna["id"],
        "benId": ben,
        "staffCount": STAFF_NAMES.len(),
        "artifacts": artifacts_dir(),
        "chromium": CHROMIUM,
    })
}

/// Browser scenarios run one at a time.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `tests/browser/{script}` with `setup` (JSON, as its one argument) and checks that it
/// passed.
async fn run_scenario(script: &str, setup: Value) {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    std::fs::create_dir_all(artifacts_dir()).expect("artifacts directory");
    let script = browser_dir().join(script);
    // The server runs on this thread's runtime; the browser waits on a blocking thread.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .arg(setup.to_string())
            .current_dir(browser_dir())
            .output()
    })
    .await
    .expect("node ran")
    .expect("node started");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    // Loud notices (lines starting with `!!!`, like steps skipped until an API exists) are
    // written past the test harness's capture, so a passing run shows them too.
    let notices: String = stdout
        .lines()
        .filter(|line| line.starts_with("!!!"))
        .map(|line| format!("{line}\n"))
        .collect();
    if !notices.is_empty() {
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(format!("\n{notices}\n").as_bytes());
    }
    assert!(
        output.status.success(),
        "the browser scenario failed (screenshots in {}):\n{stdout}\n{stderr}",
        artifacts_dir().display()
    );
    assert!(stdout.contains("ALL BROWSER SCENARIOS PASSED"), "{stdout}");
}

#[actix_web::test]
async fn the_staff_page_works_in_a_real_browser() {
    if !tools_or_skip() {
        return;
    }
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite always runs");
    let setup = barber_shop(&app).await;
    run_scenario("day_view.mjs", setup).await;
}

/// A salon for the chat: Sam and Alex work 09:00–18:00 every day; a haircut and a beard trim;
/// an owner and a staff login. Also the demo business, whose widget the home page shows.
async fn chat_salon(app: &TestApp) -> Value {
    let now = app.clock.now();
    app.state
        .db
        .write_blocking(|conn| chairside::demo::create(conn, now))
        .expect("demo created");
    let slug = "corner-cuts";
    let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
    let mut staff = Vec::new();
    for name in ["Sam", "Alex"] {
        let hours = every_day(json!([["09:00", "18:00"]]));
        staff.push(app.add_staff(slug, &key, name, hours).await);
    }
    app.add_service(
        slug,
        &key,
        json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": staff, "synonyms": ["cut"]}),
    )
    .await;
    app.add_service(
        slug,
        &key,
        json!({"name": "Beard Trim", "duration_minutes": 20, "staff_ids": [staff[0]], "synonyms": ["beard"]}),
    )
    .await;
    app.add_login(slug, &key, "owner@corner-cuts.example", "owner")
        .await;
    app.add_login(slug, &key, "kim@corner-cuts.example", "staff")
        .await;
    json!({
        "baseUrl": app.address,
        "slug": slug,
        "businessName": "corner-cuts shop",
        "apiKey": key,
        "owner": {"email": "owner@corner-cuts.example", "password": TEST_PASSWORD},
        "staff": {"email": "kim@corner-cuts.example", "password": TEST_PASSWORD},
        "today": TODAY,
        "artifacts": artifacts_dir(),
        "chromium": CHROMIUM,
    })
}

#[actix_web::test]
async fn the_chat_widget_and_the_inbox_work_in_a_real_browser() {
    if !tools_or_skip() {
        return;
    }
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite always runs");
    let setup = chat_salon(&app).await;
    run_scenario("chat.mjs", setup).await;
}

/// A small shop for the owner's settings: one staff member, an owner and a staff login.
async fn settings_shop(app: &TestApp) -> Value {
    let slug = "studio";
    let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
    app.add_staff(slug, &key, "Sam", every_day(json!([["09:00", "18:00"]])))
        .await;
    app.add_login(slug, &key, "owner@studio.example", "owner")
        .await;
    app.add_login(slug, &key, "kim@studio.example", "staff")
        .await;
    json!({
        "baseUrl": app.address,
        "slug": slug,
        "apiKey": key,
        "owner": {"email": "owner@studio.example", "password": TEST_PASSWORD},
        "staff": {"email": "kim@studio.example", "password": TEST_PASSWORD},
        "artifacts": artifacts_dir(),
        "chromium": CHROMIUM,
    })
}

#[actix_web::test]
async fn reminders_and_channels_settings_work_in_a_real_browser() {
    if !tools_or_skip() {
        return;
    }
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite always runs");
    let setup = settings_shop(&app).await;
    run_scenario("settings.mjs", setup).await;
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_in_a_real_browser() {
    if !tools_or_skip() {
        return;
    }
    let sink = mail::SmtpSink::start();
    let smtp_url = sink.url();
    let app = spawn_app_with(Backend::Sqlite, move |config| {
        config.smtp_url = Some(smtp_url);
    })
    .await
    .expect("SQLite always runs");
    let slug = "studio";
    let key = app.create_business(slug, "Europe/Berlin", json!({})).await;
    app.add_login(slug, &key, "owner@studio.example", "owner")
        .await;
    let setup = json!({
        "baseUrl": app.address,
        "publicUrl": app.state.config.public_url,
        "mailDir": sink.dir.path(),
        "owner": {"email": "owner@studio.example", "password": TEST_PASSWORD},
        "artifacts": artifacts_dir(),
        "chromium": CHROMIUM,
    });
    run_scenario("reset.mjs", setup).await;
    // The SMTP connection pool must be dropped while a runtime still runs.
    app.stop().await;
}

/// A shop where Rosa booked twice by phone, her number typed two ways, never linked; an owner
/// and a staff login.
async fn privacy_shop(app: &TestApp) -> Value {
    let setup = settings_shop(app).await;
    let key = setup["apiKey"].as_str().expect("key").to_owned();
    let ria = app
        .add_staff(
            "studio",
            &key,
            "Ria",
            every_day(json!([["09:00", "18:00"]])),
        )
        .await;
    let service = app
        .add_service(
            "studio",
            &key,
            json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [ria]}),
        )
        .await;
    let mut bookings = Vec::new();
    for (start, phone) in [
        ("2027-03-02T10:00", "+49 170 9998877"),
        ("2027-03-03T11:00", "0049 (170) 999-88-77"),
    ] {
        let (status, booked) = app
            .book(
                "studio",
                json!({"service_id": service, "start": start,
                    "customer": {"name": "Rosa Rot", "phone": phone}}),
            )
            .await;
        assert_eq!(status, 201, "{booked}");
        bookings.push(booked["id"].clone());
    }
    let mut setup = setup;
    setup["bookings"] = Value::Array(bookings);
    setup
}

#[actix_web::test]
async fn customers_are_found_exported_and_erased_in_a_real_browser() {
    if !tools_or_skip() {
        return;
    }
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite always runs");
    let setup = privacy_shop(&app).await;
    run_scenario("customers.mjs", setup).await;
}
