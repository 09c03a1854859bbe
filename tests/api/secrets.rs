//! Secrets at rest: what the database holds after a business connected its platforms (read
//! from the SQLite files themselves and from a `pg_dump`), how the real binary refuses a
//! missing or wrong key, rows from before sealing, and `chairside rotate-key` — on both
//! backends.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chairside::access::MANAGE_KEY_SETTING;
use chairside::config::Config;
use chairside::storage::StorageError;
use chairside::storage::schema::{channel_connections, settings};
use chairside::vault::{Binding, MasterKey};
use diesel::prelude::*;
use serde_json::json;

use crate::channels::{FakePlatform, sample, telegram};
use crate::helpers::*;

const BOT_TOKEN: &str = "987654:Bot-Token_kept-sealed";
const TELEGRAM_SECRET: &str = "tg_secret_kept_sealed";
const PAGE_TOKEN: &str = "page-access-token-kept-sealed";
const APP_SECRET: &str = "meta-app-secret-kept-sealed";
const VERIFY_TOKEN: &str = "verify-token-kept-sealed";
const PAGE_ID: &str = "4455667788";

/// A shop connected to Telegram and Messenger with the secrets above, and one booking;
/// returns the booking's id and manage token.
async fn connected_shop(app: &TestApp) -> (String, String) {
    let key = app
        .create_business("shop", "Europe/Berlin", json!({}))
        .await;
    let sam = app
        .add_staff("shop", &key, "Sam", every_day(json!([["09:00", "18:00"]])))
        .await;
    let cut = app
        .add_service(
            "shop",
            &key,
            json!({"name": "Haircut", "duration_minutes": 30, "staff_ids": [sam]}),
        )
        .await;
    let connections = [
        (
            "telegram",
            json!({"bot_token": BOT_TOKEN, "secret_token": TELEGRAM_SECRET}),
        ),
        (
            "messenger",
            json!({"page_id": PAGE_ID, "page_access_token": PAGE_TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN}),
        ),
    ];
    for (platform, body) in connections {
        let path = format!("/api/v1/businesses/shop/channels/{platform}");
        let (status, view) = app.send("PUT", &path, Some(&key), body).await;
        assert_eq!(status, 200, "{platform}: {view}");
    }
    let (status, booking) = app
        .book(
            "shop",
            json!({"service_id": cut, "staff_id": sam, "start": "2027-03-10T10:00:00+01:00",
                "customer": {"name": "Anna Schmidt", "email": "anna@example.com"}}),
        )
        .await;
    assert_eq!(status, 201, "{booking}");
    let id = booking["id"].as_str().expect("id").to_owned();
    let token = booking["manage_token"].as_str().expect("token").to_owned();
    (id, token)
}

/// The manage-link key in the clear, opened with the running server's vault.
async fn manage_key(app: &TestApp) -> String {
    let stored = stored_setting(app, MANAGE_KEY_SETTING).await.expect("key");
    app.state
        .vault
        .open(&Binding::setting(MANAGE_KEY_SETTING), &stored)
        .expect("the running server opens its own manage key")
}

async fn stored_setting(app: &TestApp, key: &'static str) -> Option<String> {
    app.state
        .db
        .read(move |conn| {
            settings::table
                .filter(settings::key.eq(key))
                .select(settings::value)
                .first::<String>(conn)
                .optional()
                .map_err(StorageError::from)
        })
        .await
        .expect("read setting")
}

async fn stored_channel_secrets(app: &TestApp) -> Vec<String> {
    app.state
        .db
        .read(|conn| {
            channel_connections::table
                .select(channel_connections::secrets)
                .load::<String>(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("read connections")
}

/// Everything the database keeps on disk: the SQLite file with its write-ahead log, or a
/// full `pg_dump` (every row of every table).
fn stored_bytes(database: &TestDatabase) -> Vec<u8> {
    match database {
        TestDatabase::Sqlite { url, .. } => ["", "-wal", "-shm"]
            .iter()
            .filter_map(|suffix| std::fs::read(format!("{url}{suffix}")).ok())
            .flatten()
            .collect(),
        TestDatabase::Postgres { url, .. } => {
            let dump = Command::new("pg_dump")
                .args(["--no-owner", url])
                .output()
                .expect("pg_dump runs");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            dump.stdout
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No channel secret and no form of the manage key is found, while public values are (so the
/// search looks where the data is).
fn assert_nothing_secret_in(database: &TestDatabase, manage_key: &str) {
    // The SQLite files are read one after another while the server may checkpoint its log
    // into the main file, so one reading can miss pages in transit; read again until the
    // public values are seen, and look for secrets in that reading.
    let mut bytes = stored_bytes(database);
    for _ in 0..50 {
        if contains(&bytes, PAGE_ID.as_bytes()) && contains(&bytes, b"anna@example.com") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        bytes = stored_bytes(database);
    }
    assert!(
        contains(&bytes, PAGE_ID.as_bytes()),
        "the public page id is stored"
    );
    assert!(
        contains(&bytes, b"anna@example.com"),
        "the booking is stored"
    );
    let raw_key = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        manage_key,
    )
    .expect("the manage key is base64");
    for secret in [
        BOT_TOKEN,
        TELEGRAM_SECRET,
        PAGE_TOKEN,
        APP_SECRET,
        VERIFY_TOKEN,
        manage_key,
    ] {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{secret} is stored in the clear"
        );
    }
    assert!(
        !contains(&bytes, &raw_key),
        "the manage key's bytes are stored"
    );
}

async fn assert_channels_and_link_work(
    app: &TestApp,
    fake: &FakePlatform,
    booking: &(String, String),
) {
    let mut update = sample("telegram/update_text.courier.json");
    update["message"]["text"] = json!("hi");
    assert_eq!(telegram(app, &update, "wrong").await.0, 401);
    assert_eq!(telegram(app, &update, TELEGRAM_SECRET).await.0, 200);
    let calls = fake.wait_for(1).await;
    assert_eq!(calls[0].path, format!("/bot{BOT_TOKEN}/sendMessage"));
    let handshake = format!(
        "/webhooks/messenger?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=c42"
    );
    let response = app
        .client
        .get(app.url(&handshake))
        .send()
        .await
        .expect("handshake");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap_or_default(), "c42");
    let (id, token) = booking;
    let (status, seen) = app
        .get(&format!("/api/v1/bookings/{id}?token={token}"), None)
        .await;
    assert_eq!(status, 200, "{seen}");
}

fn backend_of(database: &TestDatabase) -> Backend {
    match database {
        TestDatabase::Sqlite { .. } => Backend::Sqlite,
        TestDatabase::Postgres { .. } => Backend::Postgres,
    }
}

fn key_file(database: &TestDatabase) -> Option<PathBuf> {
    match database {
        TestDatabase::Sqlite { url, .. } => Some(PathBuf::from(format!("{url}.key"))),
        TestDatabase::Postgres { .. } => None,
    }
}

/// The key the server of a test database starts with (the test configuration's, else the
/// key file's).
fn current_key(database: &TestDatabase) -> String {
    match key_file(database) {
        Some(path) => std::fs::read_to_string(path)
            .expect("key file")
            .trim()
            .to_owned(),
        None => Config::for_tests(database.url())
            .secret_key
            .expect("a PostgreSQL test key")
            .to_base64(),
    }
}

/// Starts a server on `database` whose platform calls reach `fake`, with `key` if given.
async fn start(
    database: Arc<TestDatabase>,
    fake: &FakePlatform,
    key: Option<MasterKey>,
) -> TestApp {
    let mut config = Config::for_tests(database.url());
    config.telegram_api_base = fake.url.clone();
    config.graph_api_base = fake.url.clone();
    if key.is_some() {
        config.secret_key = key;
    }
    let backend = backend_of(&database);
    let clock = chairside::clock::ManualClock::new(default_now());
    spawn_with_config(database, backend, clock, config).await
}

/// What a run of the real binary did.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `chairside <args>` on `database` with only `env` of the key variables set; a run that
/// has not ended after 30 s (a server that started) is killed and fails the test.
fn chairside(database: &TestDatabase, args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_chairside"));
    command
        .args(args)
        .env_remove("CHAIRSIDE_SECRET_KEY")
        .env_remove("CHAIRSIDE_NEW_SECRET_KEY")
        .env("DATABASE_URL", database.url())
        .env("BIND", "127.0.0.1:0")
        .env("CHAIRSIDE_DEMO", "false")
        .env("CHAIRSIDE_RUN_JOBS", "false")
        .env("CHAIRSIDE_MAIL_DIR", dir.path())
        .env("CHAIRSIDE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chairside {args:?} was still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("output");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn assert_refused(run: &Run, wanted: &[&str]) {
    assert!(!run.success, "started: {}{}", run.stdout, run.stderr);
    for words in wanted {
        assert!(
            run.stderr.contains(words),
            "{words:?} not in: {}",
            run.stderr
        );
    }
}

crate::on_each_backend!(
    the_stored_database_holds_no_secret_in_the_clear,
    plain_secrets_from_before_are_sealed_at_start,
    rotate_key_keeps_every_channel_and_manage_link,
    a_missing_or_wrong_key_is_refused_at_start,
);

async fn the_stored_database_holds_no_secret_in_the_clear(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    connected_shop(&app).await;
    let signing_key = manage_key(&app).await;
    for stored in stored_channel_secrets(&app).await {
        assert!(stored.starts_with("enc:v1:"), "{stored}");
    }
    assert_nothing_secret_in(&app.database, &signing_key);
    // Once the server is gone the write-ahead log is folded into the file: still nothing.
    let database = app.stop().await;
    assert_nothing_secret_in(&database, &signing_key);
}

async fn plain_secrets_from_before_are_sealed_at_start(backend: Backend) {
    let fake = FakePlatform::start();
    let Some(database) = TestDatabase::create(backend) else {
        return;
    };
    let database = Arc::new(database);
    let app = start(Arc::clone(&database), &fake, None).await;
    let booking = connected_shop(&app).await;
    let signing_key = manage_key(&app).await;
    // The database as a version before sealing left it: plain values, no key check, no key file.
    let (vault, plain_key) = (app.state.vault.clone(), signing_key.clone());
    app.state
        .db
        .write(move |conn| {
            for (business_id, platform, sealed) in channel_connections::table
                .select((
                    channel_connections::business_id,
                    channel_connections::platform,
                    channel_connections::secrets,
                ))
                .load::<(String, String, String)>(conn)?
            {
                let plain = vault
                    .open(&Binding::channel_secrets(&business_id, &platform), &sealed)
                    .expect("opens");
                diesel::update(
                    channel_connections::table
                        .filter(channel_connections::business_id.eq(&business_id))
                        .filter(channel_connections::platform.eq(&platform)),
                )
                .set(channel_connections::secrets.eq(plain))
                .execute(conn)?;
            }
            diesel::update(settings::table.filter(settings::key.eq(MANAGE_KEY_SETTING)))
                .set(settings::value.eq(&plain_key))
                .execute(conn)?;
            diesel::delete(settings::table.filter(settings::key.eq("secret_key_check")))
                .execute(conn)?;
            Ok::<_, StorageError>(())
        })
        .await
        .expect("unseal");
    let plain = stored_channel_secrets(&app).await;
    assert!(plain.iter().any(|s| s.contains(BOT_TOKEN)), "{plain:?}");
    drop(app.stop().await);
    if let Some(path) = key_file(&database) {
        std::fs::remove_file(path).expect("remove the key file");
    }

    let app = start(Arc::clone(&database), &fake, None).await;
    for stored in stored_channel_secrets(&app).await {
        assert!(stored.starts_with("enc:v1:"), "{stored}");
    }
    let stored_key = stored_setting(&app, MANAGE_KEY_SETTING).await.expect("key");
    assert!(stored_key.starts_with("enc:v1:"), "{stored_key}");
    assert_eq!(manage_key(&app).await, signing_key, "the same key, sealed");
    assert_channels_and_link_work(&app, &fake, &booking).await;
    // The replaced plain values left no copy in free pages or the log.
    assert_nothing_secret_in(&app.database, &signing_key);

    // Once sealed, a plain value is not sealed again but refused: whoever wrote it into the
    // database does not get to choose the manage-link key.
    let chosen = "Y2hvc2VuLWJ5LWFuLWludHJ1ZGVyLTMyLWJ5dGVzLg";
    app.state
        .db
        .write(move |conn| {
            diesel::update(settings::table.filter(settings::key.eq(MANAGE_KEY_SETTING)))
                .set(settings::value.eq(chosen))
                .execute(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("plant a plain key");
    let database = app.stop().await;
    let key = current_key(&database);
    let env: &[(&str, &str)] = match backend {
        Backend::Sqlite => &[],
        Backend::Postgres => &[("CHAIRSIDE_SECRET_KEY", &key)],
    };
    let run = chairside(&database, &["serve"], env);
    assert_refused(&run, &["settings.value/manage_token_key", "plain text"]);
}

async fn rotate_key_keeps_every_channel_and_manage_link(backend: Backend) {
    let fake = FakePlatform::start();
    let Some(database) = TestDatabase::create(backend) else {
        return;
    };
    let database = Arc::new(database);
    let app = start(Arc::clone(&database), &fake, None).await;
    let booking = connected_shop(&app).await;
    let signing_key = manage_key(&app).await;
    drop(app.stop().await);

    let old_key = current_key(&database);
    let new_key = MasterKey::generate();
    let new_text = new_key.to_base64();
    let run = match backend {
        // The key file is the key: it is replaced.
        Backend::Sqlite => chairside(&database, &["rotate-key"], &[]),
        Backend::Postgres => chairside(
            &database,
            &["rotate-key"],
            &[
                ("CHAIRSIDE_SECRET_KEY", &old_key),
                ("CHAIRSIDE_NEW_SECRET_KEY", &new_text),
            ],
        ),
    };
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("under key version 2"), "{}", run.stdout);
    assert!(!run.stdout.contains(&new_text), "a given key is not echoed");
    let restart_key = match key_file(&database) {
        Some(path) => {
            let written = std::fs::read_to_string(&path).expect("key file");
            assert_ne!(written.trim(), old_key);
            assert!(!path.with_extension("key.new").exists());
            None
        }
        None => Some(new_key),
    };

    let app = start(Arc::clone(&database), &fake, restart_key).await;
    for stored in stored_channel_secrets(&app).await {
        assert!(stored.starts_with("enc:v2:"), "{stored}");
    }
    assert_eq!(
        manage_key(&app).await,
        signing_key,
        "the signing key is kept"
    );
    assert_channels_and_link_work(&app, &fake, &booking).await;
    let database = app.stop().await;

    // The old key opens nothing any more.
    let run = chairside(&database, &["serve"], &[("CHAIRSIDE_SECRET_KEY", &old_key)]);
    assert_refused(&run, &["CHAIRSIDE_SECRET_KEY", "does not open"]);
}

async fn a_missing_or_wrong_key_is_refused_at_start(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else {
        return;
    };
    let database = Arc::new(database);
    let malformed = chairside(
        &database,
        &["serve"],
        &[("CHAIRSIDE_SECRET_KEY", "not-a-key")],
    );
    assert_refused(&malformed, &["CHAIRSIDE_SECRET_KEY", "base64 of 32 bytes"]);
    if backend == Backend::Postgres {
        let missing = chairside(&database, &["serve"], &[]);
        assert_refused(
            &missing,
            &["CHAIRSIDE_SECRET_KEY", "chairside generate-key"],
        );
    }
    let generated = chairside(&database, &["generate-key"], &[]);
    assert!(generated.success, "{}", generated.stderr);
    let other_key = generated.stdout.trim().to_owned();
    MasterKey::parse(&other_key, "generate-key").expect("a key");

    // A first start makes the key check (and, for SQLite, a key file only its owner reads).
    let fake = FakePlatform::start();
    drop(start(Arc::clone(&database), &fake, None).await.stop().await);
    if let Some(path) = key_file(&database) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    let wrong = chairside(
        &database,
        &["serve"],
        &[("CHAIRSIDE_SECRET_KEY", &other_key)],
    );
    assert_refused(
        &wrong,
        &["CHAIRSIDE_SECRET_KEY", "does not open", "never re-keys"],
    );
    if let Some(path) = key_file(&database) {
        let kept = std::fs::read_to_string(&path).expect("key file");
        std::fs::remove_file(&path).expect("remove the key file");
        let missing = chairside(&database, &["serve"], &[]);
        assert_refused(
            &missing,
            &["key file", "is missing", "CHAIRSIDE_SECRET_KEY"],
        );
        assert!(!path.exists(), "no new key file replaces a lost one");
        std::fs::write(&path, kept).expect("restore");
    }
    // Nothing was changed by the refusals: the right key still opens the database.
    let right_key = current_key(&database);
    let mut env = vec![("CHAIRSIDE_NEW_SECRET_KEY", other_key.as_str())];
    if backend == Backend::Postgres {
        env.push(("CHAIRSIDE_SECRET_KEY", right_key.as_str()));
    }
    let rotated = chairside(&database, &["rotate-key"], &env);
    assert!(rotated.success, "{}{}", rotated.stdout, rotated.stderr);
}
