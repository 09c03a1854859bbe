//! Spawning the real server on a random port against a fresh database of either backend.

use std::sync::Arc;

use chairside::api::AppState;
use chairside::clock::ManualClock;
use chairside::config::Config;
use chairside::startup::Application;
use chrono::{DateTime, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server where tests reach PostgreSQL; `.ci/run` points it at the machine's server.
pub fn postgres_admin_url() -> String {
    std::env::var("CHAIRSIDE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn postgres_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("CHAIRSIDE_REQUIRE_POSTGRES").is_ok()
}

/// A database that exists for one test and is removed after it.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = dir
                    .path()
                    .join("chairside.db")
                    .to_string_lossy()
                    .into_owned();
                Some(Self::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                chairside::storage::prepare_tls();
                let mut conn = match PgConnection::establish(&admin) {
                    Ok(conn) => conn,
                    Err(e) if postgres_required() => {
                        panic!("PostgreSQL is required here but unreachable at {admin}: {e}")
                    }
                    Err(e) => {
                        eprintln!(
                            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                             !!! POSTGRESQL TESTS DID NOT RUN: cannot reach {admin}: {e}\n\
                             !!! Set CHAIRSIDE_TEST_POSTGRES_URL, or CI=true to make this an error.\n\
                             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                        );
                        return None;
                    }
                };
                let name = format!("chairside_test_{}", uuid::Uuid::new_v4().simple());
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                Some(Self::Postgres {
                    url: format!("{base}/{name}"),
                    name,
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { name, .. } = self
            && let Ok(mut conn) = PgConnection::establish(&postgres_admin_url())
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub state: actix_web::web::Data<AppState>,
    pub backend: Backend,
    handle: actix_web::dev::ServerHandle,
    // Dropped last: the server must stop before its database goes.
    pub database: Arc<TestDatabase>,
}

/// The default "now" of tests: Monday 1 March 2027, 08:00 UTC.
pub fn default_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap()
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let database = Arc::new(TestDatabase::create(backend)?);
    Some(spawn_on(database, backend, ManualClock::new(default_now())).await)
}

/// Like [`spawn_app`], with the test configuration changed first.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    let database = Arc::new(TestDatabase::create(backend)?);
    let mut config = Config::for_tests(database.url());
    configure(&mut config);
    Some(spawn_with_config(database, backend, ManualClock::new(default_now()), config).await)
}

/// Starts a server on an existing database (to test restarts).
pub async fn spawn_on(
    database: Arc<TestDatabase>,
    backend: Backend,
    clock: ManualClock,
) -> TestApp {
    let config = Config::for_tests(database.url());
    spawn_with_config(database, backend, clock, config).await
}

pub async fn spawn_with_config(
    database: Arc<TestDatabase>,
    backend: Backend,
    clock: ManualClock,
    config: Config,
) -> TestApp {
    let app =
        Application::build_with_clock(config, Arc::new(clock.clone())).expect("server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        clock,
        state,
        backend,
        handle,
        database,
    }
}

impl TestApp {
    pub async fn stop(self) -> Arc<TestDatabase> {
        self.handle.stop(true).await;
        Arc::clone(&self.database)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> (u16, Value) {
        let mut req = self.client.get(self.url(path));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        read(req.send().await.expect("request")).await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Value,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path)).json(&body);
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        read(req.send().await.expect("request")).await
    }

    pub async fn post(&self, path: &str, key: Option<&str>, body: Value) -> (u16, Value) {
        self.send("POST", path, key, body).await
    }

    /// Creates a business with the given zone and returns its API key.
    pub async fn create_business(&self, slug: &str, time_zone: &str, policies: Value) -> String {
        let mut body =
            json!({"slug": slug, "name": format!("{slug} shop"), "time_zone": time_zone});
        if let (Some(target), Some(extra)) = (body.as_object_mut(), policies.as_object()) {
            target.extend(extra.clone());
        }
        let (status, created) = self
            .post("/api/v1/businesses", Some(ADMIN_TOKEN), body)
            .await;
        assert_eq!(status, 201, "{created}");
        created["api_key"].as_str().expect("api key").to_owned()
    }

    pub async fn add_staff(&self, slug: &str, key: &str, name: &str, hours: Value) -> String {
        let (status, staff) = self
            .post(
                &format!("/api/v1/businesses/{slug}/staff"),
                Some(key),
                json!({"name": name, "hours": hours}),
            )
            .await;
        assert_eq!(status, 201, "{staff}");
        staff["id"].as_str().expect("staff id").to_owned()
    }

    pub async fn add_service(&self, slug: &str, key: &str, body: Value) -> String {
        let (status, service) = self
            .post(
                &format!("/api/v1/businesses/{slug}/services"),
                Some(key),
                body,
            )
            .await;
        assert_eq!(status, 201, "{service}");
        service["id"].as_str().expect("service id").to_owned()
    }

    /// Free slot starts (as returned) for a service on local dates.
    pub async fn slots(&self, slug: &str, query: &str) -> Vec<Value> {
        let (status, body) = self
            .get(
                &format!("/api/v1/businesses/{slug}/availability?{query}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["slots"].as_array().cloned().unwrap_or_default()
    }

    /// Runs SQL straight on the database, as a damaged or hand-edited database would be.
    pub async fn execute_sql(&self, sql: &str) {
        let sql = sql.to_owned();
        self.state
            .db
            .write(
                move |conn| -> Result<(), chairside::storage::StorageError> {
                    Ok(conn.batch_execute(&sql)?)
                },
            )
            .await
            .expect("SQL runs");
    }

    pub async fn book(&self, slug: &str, body: Value) -> (u16, Value) {
        self.post(&format!("/api/v1/businesses/{slug}/bookings"), None, body)
            .await
    }
}

pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// `{"mon":…,"sun":…}` with the same intervals every day of the week.
pub fn every_day(intervals: Value) -> Value {
    let mut week = serde_json::Map::new();
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        week.insert(day.to_owned(), intervals.clone());
    }
    Value::Object(week)
}

/// A customer for bookings.
pub fn customer(name: &str) -> Value {
    json!({"name": name, "phone": "+49 170 1234567"})
}

/// Runs each named `async fn(Backend)` once on SQLite and once on PostgreSQL, for scenarios
/// that start their servers themselves (a fake platform beside them, the real binary).
#[macro_export]
macro_rules! on_each_backend {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            }
        )+
    };
}

/// Declares a test scenario that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[allow(unused_imports)]
                use $crate::helpers::*;

                async fn scenario($app: TestApp) $body

                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = spawn_app(Backend::Sqlite).await {
                        scenario(app).await;
                    }
                }

                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = spawn_app(Backend::Postgres).await {
                        scenario(app).await;
                    }
                }
            }
        )+
    };
    // The same, with the test configuration changed by `$configure` (a `fn(&mut Config)`).
    (configure $configure:expr; $(async fn $name:ident($app:ident: TestApp) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[allow(unused_imports)]
                use $crate::helpers::*;

                async fn scenario($app: TestApp) $body

                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = spawn_app_with(Backend::Sqlite, $configure).await {
                        scenario(app).await;
                    }
                }

                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = spawn_app_with(Backend::Postgres, $configure).await {
                        scenario(app).await;
                    }
                }
            }
        )+
    };
}

/// The password every test login gets.
pub const TEST_PASSWORD: &str = "correct horse battery";

/// A logged-in browser: its session cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
    /// The `Set-Cookie` header of the login, to check its attributes.
    pub set_cookie: String,
}

impl TestApp {
    /// Adds a staff login (`role` `owner` or `staff`) with [`TEST_PASSWORD`]; returns its id.
    pub async fn add_login(&self, slug: &str, key: &str, email: &str, role: &str) -> String {
        let (status, user) = self
            .post(
                &format!("/api/v1/businesses/{slug}/users"),
                Some(key),
                json!({"email": email, "name": email, "password": TEST_PASSWORD, "role": role}),
            )
            .await;
        assert_eq!(status, 201, "{user}");
        user["id"].as_str().expect("user id").to_owned()
    }

    /// Logs in; the raw response for checking refusals.
    pub async fn try_log_in(
        &self,
        email: &str,
        password: &str,
    ) -> (u16, Value, Option<reqwest::header::HeaderMap>) {
        let response = self
            .client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request");
        let headers = response.headers().clone();
        let (status, body) = read(response).await;
        (status, body, Some(headers))
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Login {
        let (status, body, headers) = self.try_log_in(email, password).await;
        assert_eq!(status, 200, "{body}");
        let set_cookie = headers
            .and_then(|h| h.get("set-cookie")?.to_str().ok().map(str::to_owned))
            .expect("a session cookie");
        let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
        Login {
            cookie,
            csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
            set_cookie,
        }
    }

    /// A request as a logged-in browser would send it: the cookie, and `csrf` in the
    /// `X-CSRF-Token` header when given; a JSON body unless `body` is null.
    pub async fn send_with_session(
        &self,
        method: &str,
        path: &str,
        cookie: &str,
        csrf: Option<&str>,
        body: Value,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("cookie", cookie);
        if let Some(csrf) = csrf {
            req = req.header("x-csrf-token", csrf);
        }
        if !body.is_null() {
            req = req.json(&body);
        }
        read(req.send().await.expect("request")).await
    }

    /// [`TestApp::send_with_session`] with the login's own CSRF token.
    pub async fn send_as(
        &self,
        login: &Login,
        method: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        self.send_with_session(method, path, &login.cookie, Some(&login.csrf), body)
            .await
    }
}

/// Reads a server-sent event stream until `wanted` has appeared in it (at most 15 s).
pub async fn read_until(stream: &mut reqwest::Response, wanted: &str, received: &mut String) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while !received.contains(wanted) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {wanted:?} within 15 s; got {received:?}"))
            .expect("stream readable")
            .expect("stream open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The plain text of every email written to the test server's mail folder for `to`.
pub fn mail_to(app: &TestApp, to: &str) -> Vec<String> {
    let Some(dir) = app.state.mailer.mail_dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, String)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            let message = mail_parser::MessageParser::default().parse(&bytes)?;
            let addressed = message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .is_some_and(|a| a.eq_ignore_ascii_case(to));
            let when = e.metadata().and_then(|m| m.modified()).ok()?;
            addressed.then(|| (when, message.body_text(0).unwrap_or_default().into_owned()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

/// Waits (at most 10 s) for a one-time code mailed to `to` and returns its six digits.
pub async fn code_sent_to(app: &TestApp, to: &str) -> String {
    for _ in 0..200 {
        // The newest code mail (booking confirmations may arrive around it).
        let code = mail_to(app, to).iter().rev().find_map(|text| {
            let is_code = text.contains("is your code") || text.contains("ist Ihr Code");
            text.split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                .filter(|_| is_code)
                .map(str::to_owned)
        });
        if let Some(code) = code {
            return code;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let dir = app.state.mailer.mail_dir().map(|d| d.to_owned());
    let files: Vec<String> = dir
        .and_then(|d| std::fs::read_dir(d).ok())
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    panic!("no code reached {to}; mail folder: {files:?}");
}

/// A web chat's hold of `start` until `until`, as the conversation makes it.
pub fn hold(
    service_id: String,
    staff_id: Option<String>,
    start: &str,
    until: DateTime<Utc>,
) -> chairside::booking::BookingRequest {
    chairside::booking::BookingRequest {
        service_id,
        staff_id,
        start: chairside::domain::RequestedStart::parse("start", start).expect("a start"),
        customer: None,
        customer_id: None,
        conversation_id: None,
        held_by: None,
        notes: String::new(),
        channel: chairside::domain::Channel::Web,
        hold_until: Some(until),
        by_business: false,
    }
}
