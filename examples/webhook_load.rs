//! Signed Facebook Messenger webhooks at a fixed arrival rate against the release server, with
//! the replies caught by a fake Graph API in this process.
//!
//! What it measures, for `--rate` events per second over `--seconds`:
//! - the **accept latency** of `POST /webhooks/messenger`: from the moment an event was *planned*
//!   to be sent to its 200. The load is open-loop (every event has its planned time, whatever
//!   the server did before), so a stall shows up as latency instead of as fewer requests
//!   (no coordinated omission);
//! - the **reply latency**: from an event's planned time to the arrival of Chairside's answer
//!   to it at the fake Graph API (`POST /{version}/me/messages`), i.e. webhook, turn, outbox,
//!   job worker and Send API call together;
//! - events never answered within `--drain` seconds after the run, the server's peak RSS
//!   (`VmHWM`) and where the CPU went (server, this process, the whole machine).
//!
//! Every sender (`--senders` PSIDs, default 1,000) has one conversation and writes in order: its
//! next message goes only once the previous one was accepted, as Meta delivers one thread's
//! events. Events are dealt round-robin, so at the default 1,000/s each sender writes about once
//! a second.
//!
//! How replies are matched to events: exactly, through the server's own transcript. The fake
//! Send API answers every call with a fresh `message_id` numbered in order of arrival; the
//! server stores it with the reply, beside the id of the customer message the reply answers
//! (`conversation_messages.platform_message_id` and `in_reply_to`, whose `external_id` is the
//! event's `mid`). After the run (the server stopped) this reads those pairs from the database,
//! so each reply leads to its event and to the moment it arrived. An event's reply latency is
//! its first reply's; a turn's further replies are not timed. An event is unanswered when none
//! of its replies reached the fake API by the end of the drain.
//!
//! For comparison, and as the fallback when the database cannot be read, the report also
//! matches by per-sender order: a reply counts for the latest event of its recipient sent
//! before it arrived. That needs nothing from the server, but once replies lag by more than a
//! sender's pause between messages (about a second here) it credits them to later events:
//! latencies look shorter and earlier events look unanswered ("overtaken").
//!
//! Any non-2xx answer (or a failed connection) makes the run invalid: it says so loudly and
//! exits with status 1. The last line of a valid run starts with `webhooks:` and has a fixed
//! format for scripts.
//!
//! ```sh
//! cargo build --release && cargo run --release --example webhook_load -- --rate 1000 --seconds 10 \
//!     [--database postgres://postgres@127.0.0.1:5432/some_db] [--server target/release/chairside] \
//!     [--senders 1000] [--drain 10] [--show]
//! ```
//!
//! Without `--database` the server gets a fresh SQLite file in a temporary directory. Give
//! PostgreSQL a fresh database each run too (`CREATE DATABASE …`, `DROP DATABASE … WITH
//! (FORCE)` after): every run makes its own business and page, but a used database may still
//! hold the last run's unsent replies, which the new server would send during the run.
//! `--show` prints the first sender's conversation, to see what the dialogue answered.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

const ADMIN_TOKEN: &str = "webhook-load-admin-token";
const PAGE_TOKEN: &str = "webhook-load-page-access-token";
const VERIFY_TOKEN: &str = "webhook-load-verify-token";
/// The fake Send API numbers its `message_id`s from 1 in order of arrival, so that the id the
/// server stores with a reply leads back to the moment it arrived.
const MESSAGE_ID_PREFIX: &str = "m_webhook_load_";
/// The kernel reports process times in these units on every Linux architecture (`USER_HZ`).
const TICKS_PER_SECOND: f64 = 100.0;

type Result<T> = std::result::Result<T, String>;

struct Args {
    server: PathBuf,
    database: Option<String>,
    rate: f64,
    seconds: f64,
    senders: usize,
    drain: Duration,
    show: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: webhook_load [--rate EVENTS_PER_S] [--seconds S] [--senders N] [--drain S] \
         [--database postgres://…] [--server PATH] [--show]"
    );
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut args = Args {
        server: PathBuf::from("target/release/chairside"),
        database: None,
        rate: 1000.0,
        seconds: 10.0,
        senders: 1000,
        drain: Duration::from_secs(10),
        show: false,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        if flag == "--show" {
            args.show = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            usage();
        }
        let Some(value) = raw.next() else { usage() };
        let number = |v: &str| -> f64 {
            v.parse()
                .ok()
                .filter(|n: &f64| n.is_finite() && *n > 0.0)
                .unwrap_or_else(|| {
                    eprintln!("{flag}: {v:?} is not a positive number");
                    usage()
                })
        };
        match flag.as_str() {
            "--rate" => args.rate = number(&value),
            "--seconds" => args.seconds = number(&value),
            "--senders" => args.senders = number(&value).round() as usize,
            "--drain" => args.drain = Duration::from_secs_f64(number(&value)),
            "--database" => args.database = Some(value),
            "--server" => args.server = PathBuf::from(value),
            _ => usage(),
        }
    }
    args.senders = args.senders.max(1);
    args
}

// ---------------------------------------------------------------------------------------------
// The fake Graph API

/// One Send API call Chairside made.
struct Reply {
    at: Instant,
    psid: String,
    text: String,
}

#[derive(Clone)]
struct Graph {
    page_id: String,
    replies: Arc<Mutex<Vec<Reply>>>,
    /// Calls with another token or to another path: each one is a bug in the setup or the server.
    unexpected: Arc<AtomicU64>,
}

fn bearer(req: &HttpRequest) -> &str {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
}

fn invalid_token() -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": {"message": "Invalid OAuth access token.",
        "type": "OAuthException", "code": 190, "fbtrace_id": "webhook-load"}}))
}

/// `GET /{version}/me`: Chairside asks whose page the token is before it trusts the connection.
async fn graph_me(req: HttpRequest, graph: web::Data<Graph>) -> HttpResponse {
    if bearer(&req) != PAGE_TOKEN {
        graph.unexpected.fetch_add(1, Ordering::Relaxed);
        return invalid_token();
    }
    HttpResponse::Ok().json(json!({"id": graph.page_id}))
}

/// `POST /{version}/me/messages`, answered as Meta's Send API answers.
async fn graph_send(req: HttpRequest, body: web::Bytes, graph: web::Data<Graph>) -> HttpResponse {
    let at = Instant::now();
    if bearer(&req) != PAGE_TOKEN {
        graph.unexpected.fetch_add(1, Ordering::Relaxed);
        return invalid_token();
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let psid = parsed["recipient"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut text = parsed["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if let Some(choices) = parsed["message"]["quick_replies"].as_array() {
        let titles: Vec<&str> = choices.iter().filter_map(|c| c["title"].as_str()).collect();
        text.push_str(&format!(" [{}]", titles.join(" | ")));
    }
    let number = {
        let mut replies = graph.replies.lock().expect("reply log poisoned");
        replies.push(Reply {
            at,
            psid: psid.clone(),
            text,
        });
        replies.len()
    };
    HttpResponse::Ok()
        .json(json!({"recipient_id": psid, "message_id": format!("{MESSAGE_ID_PREFIX}{number}")}))
}

/// `POST /{version}/me/messenger_profile`: Chairside sets the page's menus up once it is active.
async fn graph_profile(req: HttpRequest, graph: web::Data<Graph>) -> HttpResponse {
    if bearer(&req) != PAGE_TOKEN {
        graph.unexpected.fetch_add(1, Ordering::Relaxed);
        return invalid_token();
    }
    HttpResponse::Ok().json(json!({"result": "success"}))
}

async fn graph_other(graph: web::Data<Graph>) -> HttpResponse {
    graph.unexpected.fetch_add(1, Ordering::Relaxed);
    HttpResponse::BadRequest()
        .json(json!({"error": {"message": "Unsupported request.", "code": 100}}))
}

fn start_graph(page_id: &str) -> Result<(Graph, u16)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot bind the fake Graph API: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let graph = Graph {
        page_id: page_id.to_owned(),
        replies: Arc::default(),
        unexpected: Arc::default(),
    };
    let data = web::Data::new(graph.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/{version}/me/messages", web::post().to(graph_send))
            .route(
                "/{version}/me/messenger_profile",
                web::post().to(graph_profile),
            )
            .route("/{version}/me", web::get().to(graph_me))
            .default_service(web::to(graph_other))
    })
    // One thread is plenty for a few thousand tiny answers a second, and leaves the cores to
    // the server under test.
    .workers(1)
    .listen(listener)
    .map_err(|e| format!("cannot listen for the fake Graph API: {e}"))?
    .run();
    actix_web::rt::spawn(server);
    Ok((graph, port))
}

// ---------------------------------------------------------------------------------------------
// The server under test

struct Server {
    child: Child,
    log: PathBuf,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `Some(status)` once the process has ended.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn generate_key(binary: &Path) -> Result<String> {
    let output = Command::new(binary)
        .arg("generate-key")
        .output()
        .map_err(|e| {
            format!(
                "cannot run {} generate-key ({e}); build it with `cargo build --release`",
                binary.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "{} generate-key failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn start_server(args: &Args, database_url: &str, graph_port: u16, work: &Path) -> Result<Server> {
    let key = generate_key(&args.server)?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let log = std::env::temp_dir().join(format!("webhook_load-server-{}.log", std::process::id()));
    let out = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(&args.server)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("CHAIRSIDE_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("CHAIRSIDE_DEMO", "false")
        .env("CHAIRSIDE_LOG", "warn")
        // Every event comes from this one address; the per-client limits would refuse most.
        .env("CHAIRSIDE_RATE_LIMITS", "off")
        .env(
            "CHAIRSIDE_GRAPH_API_BASE",
            format!("http://127.0.0.1:{graph_port}"),
        )
        .env("CHAIRSIDE_PUBLIC_URL", &base)
        .env("CHAIRSIDE_SECRET_KEY", key)
        // Mail would otherwise land in ./mail of whatever directory this runs in.
        .env("CHAIRSIDE_MAIL_DIR", work.join("mail"))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {} serve: {e}", args.server.display()))?;
    Ok(Server { child, log, base })
}

async fn wait_healthy(client: &reqwest::Client, server: &mut Server) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = server.exited() {
            return Err(format!(
                "the server exited at start ({status}):\n{}",
                server.log_lines().join("\n")
            ));
        }
        let health = client.get(format!("{}/healthz", server.base)).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "no answer from {}/healthz within 30 s:\n{}",
        server.base,
        server.log_lines().join("\n")
    ))
}

// ---------------------------------------------------------------------------------------------
// Setting up a business with a Messenger page

async fn api(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Value,
) -> Result<Value> {
    let response = client
        .request(method.clone(), &url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!("{method} {url} answered {status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{method} {url}: not JSON ({e}): {text}"))
}

fn id_of(value: &Value, what: &str) -> Result<String> {
    value["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("the created {what} has no id: {value}"))
}

/// A barber open every day with four staff and two services, and a Messenger page that Meta's
/// handshake has made active; returns the app secret to sign with.
async fn set_up_business(
    client: &reqwest::Client,
    base: &str,
    slug: &str,
    page_id: &str,
) -> Result<String> {
    let post = reqwest::Method::POST;
    let business = api(
        client,
        post.clone(),
        format!("{base}/api/v1/businesses"),
        ADMIN_TOKEN,
        json!({"slug": slug, "name": "Webhook Load Barber", "time_zone": "Europe/Berlin",
               "min_notice_minutes": 0, "booking_horizon_days": 90}),
    )
    .await?;
    let key = business["api_key"]
        .as_str()
        .ok_or_else(|| format!("POST /api/v1/businesses returned no api_key: {business}"))?
        .to_owned();
    let day = json!([["08:00", "20:00"]]);
    let week: serde_json::Map<String, Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .map(|d| (d.to_owned(), day.clone()))
        .collect();
    let mut staff = Vec::new();
    for name in ["Sam", "Alex", "Jordan", "Robin"] {
        let created = api(
            client,
            post.clone(),
            format!("{base}/api/v1/businesses/{slug}/staff"),
            &key,
            json!({"name": name, "hours": week}),
        )
        .await?;
        staff.push(id_of(&created, "staff member")?);
    }
    for (name, minutes) in [("Haircut", 30), ("Beard Trim", 20)] {
        api(
            client,
            post.clone(),
            format!("{base}/api/v1/businesses/{slug}/services"),
            &key,
            json!({"name": name, "duration_minutes": minutes, "staff_ids": staff}),
        )
        .await?;
    }
    let app_secret = format!("webhook-load-{}", uuid::Uuid::new_v4().simple());
    api(
        client,
        reqwest::Method::PUT,
        format!("{base}/api/v1/businesses/{slug}/channels/messenger"),
        &key,
        json!({"page_id": page_id, "page_access_token": PAGE_TOKEN, "app_secret": app_secret,
               "verify_token": VERIFY_TOKEN}),
    )
    .await?;
    // Meta's subscription handshake: with the fake `GET /me` confirming the page, the claim
    // becomes active before the run, so no measured event pays for that check.
    let challenge = "1158201444";
    let handshake = client
        .get(format!(
            "{base}/webhooks/messenger?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge={challenge}"
        ))
        .send()
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let status = handshake.status();
    let echoed = handshake.text().await.unwrap_or_default();
    if !status.is_success() || echoed != challenge {
        return Err(format!("the handshake answered {status}: {echoed}"));
    }
    let list = client
        .get(format!("{base}/api/v1/businesses/{slug}/channels"))
        .bearer_auth(&key)
        .send()
        .await
        .map_err(|e| format!("GET channels: {e}"))?
        .json::<Value>()
        .await
        .map_err(|e| format!("GET channels: {e}"))?;
    let messenger = list["channels"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["platform"] == "messenger"));
    match messenger.and_then(|m| m["status"].as_str()) {
        Some("active") => Ok(app_secret),
        _ => Err(format!(
            "the Messenger connection is not active after the handshake: {list}"
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// The load

/// One event, ready to go: the bytes are signed before the run so that the client's own work
/// during it is a POST and nothing else.
struct Planned {
    offset: Duration,
    body: bytes::Bytes,
    signature: String,
    text: String,
}

/// What became of one event.
#[derive(Clone, Copy)]
struct Outcome {
    planned: Instant,
    sent: Instant,
    done: Instant,
    /// 0: the connection failed or timed out.
    status: u16,
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn psid(sender: usize) -> String {
    // PSIDs are 16-digit numbers scoped to the page.
    format!("{}", 6_100_000_000_000_000_u64 + sender as u64)
}

/// What sender `n` types, in order: a booking with varied wording, thanks, and a second booking
/// chosen from the offered days and times. Longer runs start over.
fn conversation(n: usize) -> Vec<String> {
    const GREETINGS: [&str; 4] = ["hi", "hello", "hey there", "hi, are you open this week?"];
    const ASKS: [&str; 6] = [
        "haircut tomorrow at 3",
        "can i get a haircut tmrw around 3",
        "a haircut next week on thursday",
        "beard trim on friday at 10am",
        "do you have anything for a haircut tomorrow evening",
        "haircut the day after tomorrow at half past 2",
    ];
    const NAMES: [&str; 5] = [
        "Anna Schmidt",
        "Ben Meyer",
        "Chris Wagner",
        "Dana Fischer",
        "Eli Becker",
    ];
    vec![
        GREETINGS[n % GREETINGS.len()].to_owned(),
        ASKS[n % ASKS.len()].to_owned(),
        NAMES[n % NAMES.len()].to_owned(),
        format!("+49 170 {:07}", n),
        "yes".to_owned(),
        "thanks!".to_owned(),
        "can i also book a beard trim next week".to_owned(),
        "the second one".to_owned(),
        "the first one".to_owned(),
        "yes please".to_owned(),
    ]
}

fn plan(args: &Args, page_id: &str, secret: &str, run: &str) -> Vec<Vec<Planned>> {
    let total = (args.rate * args.seconds).round() as usize;
    let wall_start = chrono::Utc::now().timestamp_millis();
    let mut senders: Vec<Vec<Planned>> = (0..args.senders).map(|_| Vec::new()).collect();
    let scripts: Vec<Vec<String>> = (0..args.senders).map(conversation).collect();
    for i in 0..total {
        let (sender, k) = (i % args.senders, i / args.senders);
        let offset = Duration::from_secs_f64(i as f64 / args.rate);
        let script = &scripts[sender];
        let text = script[k % script.len()].clone();
        let at = wall_start + offset.as_millis() as i64;
        let who = psid(sender);
        let body = serde_json::to_vec(
            &json!({"object": "page", "entry": [{"id": page_id, "time": at,
            "messaging": [{"sender": {"id": who}, "recipient": {"id": page_id}, "timestamp": at,
                "message": {"mid": format!("m_{run}_{sender}_{k}"), "text": text}}]}]}),
        )
        .expect("a JSON value serialises");
        let signature = sign(secret, &body);
        senders[sender].push(Planned {
            offset,
            body: body.into(),
            signature,
            text,
        });
    }
    senders
}

async fn post_event(client: &reqwest::Client, url: &str, event: &Planned) -> u16 {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", &event.signature)
        .body(event.body.clone())
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// One sender's events, each at its planned time or — when the previous one is still being
/// accepted — as soon as that one is; the delay counts against the server either way.
async fn run_sender(
    client: reqwest::Client,
    url: String,
    start: Instant,
    events: Vec<Planned>,
) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(events.len());
    for event in &events {
        let planned = start + event.offset;
        tokio::time::sleep_until(planned.into()).await;
        let sent = Instant::now();
        let status = post_event(&client, &url, event).await;
        outcomes.push(Outcome {
            planned,
            sent,
            done: Instant::now(),
            status,
        });
    }
    outcomes
}

/// A first event outside the figures, to see that the whole path answers before timing it.
async fn warm_up(
    client: &reqwest::Client,
    url: &str,
    graph: &Graph,
    page_id: &str,
    secret: &str,
) -> Result<()> {
    let who = "6099999999999999";
    let now = chrono::Utc::now().timestamp_millis();
    let body = serde_json::to_vec(
        &json!({"object": "page", "entry": [{"id": page_id, "time": now,
        "messaging": [{"sender": {"id": who}, "recipient": {"id": page_id}, "timestamp": now,
            "message": {"mid": format!("m_warmup_{now}"), "text": "hi"}}]}]}),
    )
    .expect("a JSON value serialises");
    let event = Planned {
        offset: Duration::ZERO,
        signature: sign(secret, &body),
        body: body.into(),
        text: "hi".to_owned(),
    };
    let status = post_event(client, url, &event).await;
    if !(200..300).contains(&status) {
        return Err(format!("the warm-up event was answered {status}"));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let answered = graph
            .replies
            .lock()
            .expect("reply log poisoned")
            .iter()
            .any(|r| r.psid == who);
        if answered {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("the warm-up event was accepted but got no reply at the fake Graph API within 10 s".into())
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// User plus system CPU time of a process or thread, from `/proc/<what>/stat`.
fn cpu_seconds(what: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{what}/stat")).unwrap_or_default();
    // The command name may contain spaces; the fields after it are fixed.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / TICKS_PER_SECOND
}

/// CPU seconds of each thread of a process, by thread id, with the thread's name.
fn thread_seconds(pid: &str) -> HashMap<String, (String, f64)> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return HashMap::new();
    };
    tasks
        .filter_map(|task| task.ok())
        .map(|task| {
            let tid = task.file_name().to_string_lossy().into_owned();
            let path = format!("{pid}/task/{tid}");
            let name = std::fs::read_to_string(format!("/proc/{path}/comm")).unwrap_or_default();
            (tid, (name.trim().to_owned(), cpu_seconds(&path)))
        })
        .collect()
}

/// Busy and total time of all cores, from `/proc/stat`.
fn machine_ticks() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let times: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: f64 = times.iter().sum();
    let idle_and_iowait =
        times.get(3).copied().unwrap_or(0.0) + times.get(4).copied().unwrap_or(0.0);
    (total - idle_and_iowait, total)
}

/// CPU seconds of every process named `postgres` on this machine: the database server's share
/// of a PostgreSQL run (other databases' backends included, if any are busy).
fn postgres_seconds() -> f64 {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    procs
        .filter_map(|p| p.ok())
        .map(|p| p.file_name().to_string_lossy().into_owned())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|pid| cpu_seconds(&pid))
        .sum()
}

struct Sample {
    at: Instant,
    server: f64,
    postgres: f64,
    threads: HashMap<String, (String, f64)>,
    own: f64,
    machine: (f64, f64),
}

fn sample(server_pid: &str) -> Sample {
    Sample {
        at: Instant::now(),
        server: cpu_seconds(server_pid),
        postgres: postgres_seconds(),
        threads: thread_seconds(server_pid),
        own: cpu_seconds("self"),
        machine: machine_ticks(),
    }
}

/// Where the CPU went between two samples, as one line, and the server's busiest threads
/// (grouped by name: the HTTP workers share one) as another.
fn cpu_report(before: &Sample, after: &Sample) -> (String, String) {
    let seconds = (after.at - before.at).as_secs_f64().max(1e-9);
    let percent = |a: f64, b: f64| 100.0 * (b - a) / seconds;
    let (busy, total) = (
        after.machine.0 - before.machine.0,
        after.machine.1 - before.machine.1,
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let summary = format!(
        "CPU during the run: server {:.0}% of one core, postgres processes {:.0}%, this process (client and fake Graph API) {:.0}%, machine {:.0}% of {cores} cores busy (other processes included)",
        percent(before.server, after.server),
        percent(before.postgres, after.postgres),
        percent(before.own, after.own),
        100.0 * busy / total.max(1.0),
    );
    let mut by_name: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut busiest_one = (0.0, "");
    for (tid, (name, secs)) in &after.threads {
        let used = secs - before.threads.get(tid).map_or(0.0, |(_, s)| *s);
        let entry = by_name.entry(name).or_default();
        entry.0 += used;
        entry.1 += 1;
        if used > busiest_one.0 {
            busiest_one = (used, name);
        }
    }
    let mut threads: Vec<(&str, (f64, usize))> = by_name.into_iter().collect();
    threads.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    let busiest: Vec<String> = threads
        .iter()
        .take(6)
        .filter(|(_, (secs, _))| *secs > 0.0)
        .map(|(name, (secs, count))| format!("{name} ×{count} {:.0}%", 100.0 * secs / seconds))
        .collect();
    // Threads that ended before the second sample are missing here, not in the process total.
    (
        summary,
        format!(
            "  server threads still alive at the end: {}; the busiest single one: {} {:.0}%",
            busiest.join(", "),
            busiest_one.1,
            100.0 * busiest_one.0 / seconds
        ),
    )
}

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Nearest-rank percentiles of durations, in milliseconds.
struct Percentiles(Vec<Duration>);

impl Percentiles {
    fn new(mut durations: Vec<Duration>) -> Self {
        durations.sort();
        Self(durations)
    }

    fn ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        self.0[rank - 1].as_secs_f64() * 1e3
    }

    fn line(&self) -> String {
        format!(
            "p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.ms(0.5),
            self.ms(0.9),
            self.ms(0.99),
            self.ms(1.0)
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The arrival of the first reply to each event, and how many events had none.
struct Matched {
    first: Vec<Vec<Option<Instant>>>,
    how: &'static str,
}

/// The per-sender order rule: a reply counts for the latest event of its recipient sent before
/// it arrived. Needs nothing but the replies' recipients and times.
fn match_by_order(outcomes: &[Vec<Outcome>], replies: &[Reply]) -> Matched {
    let mut by_psid: HashMap<&str, Vec<Instant>> = HashMap::new();
    for reply in replies {
        by_psid.entry(&reply.psid).or_default().push(reply.at);
    }
    let first = outcomes
        .iter()
        .enumerate()
        .map(|(n, events)| {
            let mut first = vec![None; events.len()];
            for &at in by_psid.get(psid(n).as_str()).map_or(&[][..], Vec::as_slice) {
                let later = events.partition_point(|o| o.sent <= at);
                if let Some(slot) = later.checked_sub(1).map(|k| &mut first[k]) {
                    *slot = Some(slot.map_or(at, |seen: Instant| seen.min(at)));
                }
            }
            first
        })
        .collect();
    Matched {
        first,
        how: "by per-sender order",
    }
}

/// One outbound message in the server's transcript: the customer message it answers (the
/// event's `mid`) and the `message_id` the fake Graph API gave it, if it was sent.
#[derive(diesel::QueryableByName)]
struct TranscriptReply {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    answers: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    sent_as: Option<String>,
}

const TRANSCRIPT: &str = "SELECT i.external_id AS answers, o.platform_message_id AS sent_as \
     FROM conversation_messages o JOIN conversation_messages i ON i.id = o.in_reply_to \
     WHERE o.direction = 'out'";

fn read_transcript(database_url: &str, sqlite: bool) -> Result<Vec<TranscriptReply>> {
    use diesel::{Connection, RunQueryDsl};
    let query = diesel::sql_query(TRANSCRIPT);
    let loaded = if sqlite {
        let mut conn = diesel::SqliteConnection::establish(database_url)
            .map_err(|e| format!("opening {database_url}: {e}"))?;
        query.load(&mut conn)
    } else {
        // libpq and the crate share one OpenSSL, which must be initialised before libpq does.
        chairside::storage::prepare_tls();
        let mut conn = diesel::PgConnection::establish(database_url)
            .map_err(|e| format!("connecting to {database_url}: {e}"))?;
        query.load(&mut conn)
    };
    loaded.map_err(|e| format!("reading the transcript: {e}"))
}

/// Exact matching: the server keeps, for every reply, the customer message it answers and
/// the `message_id` the Send API returned; the fake Graph API numbered those ids in order of
/// arrival. Also returns, per event, how many replies were queued but never sent.
fn match_by_transcript(
    outcomes: &[Vec<Outcome>],
    replies: &[Reply],
    transcript: &[TranscriptReply],
    run: &str,
) -> (Matched, usize) {
    let mut first: Vec<Vec<Option<Instant>>> =
        outcomes.iter().map(|e| vec![None; e.len()]).collect();
    let mut unsent = 0;
    let prefix = format!("m_{run}_");
    for row in transcript {
        // Other runs' and the warm-up's messages have other prefixes.
        let Some((sender, k)) = row
            .answers
            .as_deref()
            .and_then(|mid| mid.strip_prefix(&prefix))
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(s, k)| Some((s.parse::<usize>().ok()?, k.parse::<usize>().ok()?)))
        else {
            continue;
        };
        let Some(slot) = first.get_mut(sender).and_then(|f| f.get_mut(k)) else {
            continue;
        };
        let arrived = row
            .sent_as
            .as_deref()
            .and_then(|id| id.strip_prefix(MESSAGE_ID_PREFIX))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| replies.get(n.checked_sub(1)?))
            .map(|r| r.at);
        match arrived {
            Some(at) => *slot = Some(slot.map_or(at, |seen: Instant| seen.min(at))),
            None => unsent += 1,
        }
    }
    (
        Matched {
            first,
            how: "through the server's transcript",
        },
        unsent,
    )
}

/// Reply latencies from the planned time and from the 200, and the unanswered events: those
/// whose sender wrote again before any reply, and the sender's last ones.
struct ReplyFigures {
    latency: Percentiles,
    after_accept: Percentiles,
    overtaken: usize,
    unanswered_last: usize,
}

impl ReplyFigures {
    fn of(outcomes: &[Vec<Outcome>], matched: &Matched) -> Self {
        let (mut latency, mut after_accept) = (Vec::new(), Vec::new());
        let (mut overtaken, mut unanswered_last) = (0, 0);
        for (events, first) in outcomes.iter().zip(&matched.first) {
            for (k, (event, reply)) in events.iter().zip(first).enumerate() {
                match reply {
                    Some(at) => {
                        latency.push(*at - event.planned);
                        after_accept.push(at.saturating_duration_since(event.done));
                    }
                    None if k + 1 < events.len() => overtaken += 1,
                    None => unanswered_last += 1,
                }
            }
        }
        Self {
            latency: Percentiles::new(latency),
            after_accept: Percentiles::new(after_accept),
            overtaken,
            unanswered_last,
        }
    }

    fn unanswered(&self) -> usize {
        self.overtaken + self.unanswered_last
    }
}

fn print_show(
    events: &[String],
    outcomes: &[Outcome],
    first: &[Option<Instant>],
    replies: &[&Reply],
) {
    println!(
        "-- sender 0 ({}), replies shown after the latest event sent before them:",
        psid(0)
    );
    let mut next_reply = 0;
    for (k, (text, outcome)) in events.iter().zip(outcomes).enumerate() {
        let reply = first
            .get(k)
            .copied()
            .flatten()
            .map_or("no reply".to_owned(), |at| {
                format!("first reply {:.1} ms", ms(at - outcome.planned))
            });
        println!(
            "  > {text:?} (HTTP {} {:.1} ms after its planned time, {reply})",
            outcome.status,
            ms(outcome.done - outcome.planned),
        );
        let until = outcomes.get(k + 1).map(|o| o.sent);
        while let Some(reply) = replies.get(next_reply) {
            if until.is_some_and(|u| reply.at >= u) {
                break;
            }
            println!(
                "  < +{:.0} ms: {}",
                ms(reply.at - outcome.planned),
                reply.text.replace('\n', " / ")
            );
            next_reply += 1;
        }
    }
}

async fn jobs_metrics(client: &reqwest::Client, base: &str) -> Vec<String> {
    let Ok(response) = client.get(format!("{base}/metrics")).send().await else {
        return Vec::new();
    };
    response
        .text()
        .await
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("chairside_jobs_finished_total{"))
        .map(str::to_owned)
        .collect()
}

/// Waits until every sender's last event has a reply and no reply has come for a second (a
/// backlog of older replies must not pass for answers to the last events), or the drain
/// period ends.
async fn drain(graph: &Graph, outcomes: &[Vec<Outcome>], period: Duration) {
    let last_sent: HashMap<String, Instant> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(n, o)| o.last().map(|last| (psid(n), last.sent)))
        .collect();
    let end = Instant::now() + period;
    while Instant::now() < end {
        let (answered, newest) = {
            let replies = graph.replies.lock().expect("reply log poisoned");
            let answered: std::collections::HashSet<&str> = replies
                .iter()
                .filter(|r| last_sent.get(&r.psid).is_some_and(|&at| r.at >= at))
                .map(|r| r.psid.as_str())
                .collect();
            (answered.len(), replies.last().map(|r| r.at))
        };
        let quiet = newest.is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
        if answered == last_sent.len() && quiet {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::main]
async fn main() {
    let args = parse_args();
    match run(&args).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(message) => {
            eprintln!("webhook_load: {message}");
            std::process::exit(2);
        }
    }
}

/// `Ok(false)` when the run is not a valid figure.
async fn run(args: &Args) -> Result<bool> {
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    // A page of its own per run, so a reused PostgreSQL database holds no other claim on it.
    let page_id = format!(
        "10{:013}",
        chrono::Utc::now().timestamp_millis() % 10_000_000_000_000
    );
    let slug = format!("wh-load-{run_id}");
    let work = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
    let (database_url, backend) = match &args.database {
        // The server's own rule: a `postgres` URL, or else a SQLite file.
        Some(url) if url.starts_with("postgres") => (url.clone(), "postgres"),
        Some(path) => (path.clone(), "sqlite"),
        None => (
            work.path().join("webhooks.db").display().to_string(),
            "sqlite",
        ),
    };
    let (graph, graph_port) = start_graph(&page_id)?;
    let mut server = start_server(args, &database_url, graph_port, work.path())?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.senders + 16)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    wait_healthy(&client, &mut server).await?;
    let with_log = |message: String| format!("{message} (server log: {})", server.log.display());
    let secret = set_up_business(&client, &server.base, &slug, &page_id)
        .await
        .map_err(with_log)?;
    let url = format!("{}/webhooks/messenger", server.base);
    warm_up(&client, &url, &graph, &page_id, &secret)
        .await
        .map_err(with_log)?;

    let planned = plan(args, &page_id, &secret, &run_id);
    let total: usize = planned.iter().map(Vec::len).sum();
    let shown: Vec<String> = planned
        .first()
        .map(|events| events.iter().map(|e| e.text.clone()).collect())
        .unwrap_or_default();
    println!(
        "webhook_load: {backend}, {total} events at {}/s over {} s from {} senders",
        args.rate, args.seconds, args.senders
    );
    // Another process busy on the same cores makes every figure here worse; say so up front.
    let idle_before = machine_ticks();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_after = machine_ticks();
    let busy_before =
        100.0 * (idle_after.0 - idle_before.0) / (idle_after.1 - idle_before.1).max(1.0);
    println!("machine busy in the second before the run: {busy_before:.0}%");
    if busy_before > 20.0 {
        eprintln!(
            "!! the machine was {busy_before:.0}% busy before the run started: other processes share its cores"
        );
    }
    let pid = server.pid().to_string();
    let replies_before = graph.replies.lock().expect("reply log poisoned").len();
    // A moment for the tasks to be spawned and waiting before the first planned time.
    let start = Instant::now() + Duration::from_millis(200);
    let tasks: Vec<_> = planned
        .into_iter()
        .map(|events| actix_web::rt::spawn(run_sender(client.clone(), url.clone(), start, events)))
        .collect();
    tokio::time::sleep_until(start.into()).await;
    let before = sample(&pid);
    let mut outcomes: Vec<Vec<Outcome>> = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(
            task.await
                .map_err(|e| format!("a sender task failed: {e}"))?,
        );
    }
    let during = sample(&pid);
    let replies_while_sending = graph.replies.lock().expect("reply log poisoned").len();
    drain(&graph, &outcomes, args.drain).await;
    let drained = Instant::now();
    let rss = peak_rss_mb(server.pid());
    let jobs = jobs_metrics(&client, &server.base).await;
    let exited = server.exited();
    let log = server.log_lines();
    let log_path = server.log.clone();
    // Stopped before its database is read, so that nothing changes under the reading.
    drop(server);
    if log.is_empty() {
        let _ = std::fs::remove_file(&log_path);
    }

    let flat: Vec<&Outcome> = outcomes.iter().flatten().collect();
    let accepted = flat
        .iter()
        .filter(|o| (200..300).contains(&o.status))
        .count();
    let mut refused: BTreeMap<u16, usize> = BTreeMap::new();
    for o in flat.iter().filter(|o| !(200..300).contains(&o.status)) {
        *refused.entry(o.status).or_default() += 1;
    }
    let non_2xx = flat.len() - accepted;
    let accept = Percentiles::new(flat.iter().map(|o| o.done - o.planned).collect());
    let send_lag = Percentiles::new(flat.iter().map(|o| o.sent - o.planned).collect());
    let last_accept = flat.iter().map(|o| o.done).max().unwrap_or(start);
    // Over the offered period, or until the last accept if that came later: a server that
    // keeps up scores the offered rate, one that falls behind scores what it managed.
    let accept_rate = accepted as f64 / (last_accept - start).as_secs_f64().max(args.seconds);

    let replies = graph.replies.lock().expect("reply log poisoned");
    let by_order = match_by_order(&outcomes, &replies);
    let transcript = read_transcript(&database_url, backend == "sqlite");
    let (matched, unsent) = match &transcript {
        Ok(rows) => match_by_transcript(&outcomes, &replies, rows, &run_id),
        Err(_) => (match_by_order(&outcomes, &replies), 0),
    };
    let figures = ReplyFigures::of(&outcomes, &matched);
    let order_figures = ReplyFigures::of(&outcomes, &by_order);
    let sent_replies = replies.len() - replies_before;

    println!(
        "sent {} events in {:.2} s; accepted (2xx) {accepted}, non-2xx {non_2xx}; accepted rate {accept_rate:.1}/s",
        flat.len(),
        (during.at - before.at).as_secs_f64()
    );
    println!(
        "accept latency from the planned send time: {}",
        accept.line()
    );
    println!(
        "  of it, waiting to be sent (this client late, or the sender's previous event not yet accepted): {}",
        send_lag.line()
    );
    println!(
        "Send API calls: {sent_replies} ({:.2} per event), {} while sending and {} in the {:.1} s drain; unexpected Graph API calls: {}",
        sent_replies as f64 / flat.len().max(1) as f64,
        replies_while_sending - replies_before,
        replies.len() - replies_while_sending,
        (drained - during.at).as_secs_f64(),
        graph.unexpected.load(Ordering::Relaxed)
    );
    if let Err(why) = &transcript {
        eprintln!("!! cannot read the transcript ({why}); replies are matched by per-sender order");
    }
    println!(
        "reply latency from the planned send time, matched {}: {}",
        matched.how,
        figures.latency.line()
    );
    println!("  from the 200: {}", figures.after_accept.line());
    println!(
        "  unanswered: {} ({} the sender wrote again after, {} last events of their sender; {unsent} replies queued and never sent)",
        figures.unanswered(),
        figures.overtaken,
        figures.unanswered_last,
    );
    println!(
        "  matched by per-sender order instead (a reply counts for its sender's latest event sent before it): {}; {} without a reply ({} overtaken by the sender's next event)",
        order_figures.latency.line(),
        order_figures.unanswered(),
        order_figures.overtaken
    );
    let (cpu, threads) = cpu_report(&before, &during);
    println!("{cpu}\n{threads}");
    for line in &jobs {
        println!("  {line}");
    }
    if !log.is_empty() {
        println!(
            "server log ({}): {} lines, the first ones:",
            log_path.display(),
            log.len()
        );
        for line in log.iter().take(15) {
            println!("  {line}");
        }
    }
    if args.show {
        let psid0 = psid(0);
        let mine: Vec<&Reply> = replies.iter().filter(|r| r.psid == psid0).collect();
        print_show(&shown, &outcomes[0], &matched.first[0], &mine);
    }

    let mut valid = true;
    if non_2xx > 0 {
        let counts: Vec<String> = refused
            .iter()
            .map(|(status, n)| match status {
                0 => format!("{n} × no answer (connection failed or timed out)"),
                s => format!("{n} × HTTP {s}"),
            })
            .collect();
        eprintln!(
            "\n!!!!! INVALID RUN: {non_2xx} of {} webhook calls were not accepted: {}. These figures are not a measurement. !!!!!\n",
            flat.len(),
            counts.join(", ")
        );
        valid = false;
    }
    if let Some(status) = exited {
        eprintln!("\n!!!!! INVALID RUN: the server exited during the run ({status}) !!!!!\n");
        valid = false;
    }
    if !valid {
        println!(
            "webhooks: INVALID, {non_2xx} of {} events not accepted",
            flat.len()
        );
        return Ok(false);
    }
    println!(
        "webhooks: {:.0} events/s offered, {accept_rate:.1}/s accepted, accept p50 {:.1} ms p90 {:.1} ms p99 {:.1} ms max {:.1} ms, reply p50 {:.1} ms p90 {:.1} ms p99 {:.1} ms, {} unanswered, peak RSS {:.1} MB, {backend}{}",
        args.rate,
        accept.ms(0.5),
        accept.ms(0.9),
        accept.ms(0.99),
        accept.ms(1.0),
        figures.latency.ms(0.5),
        figures.latency.ms(0.9),
        figures.latency.ms(0.99),
        figures.unanswered(),
        rss.unwrap_or(f64::NAN),
        if transcript.is_ok() {
            ""
        } else {
            ", replies matched by order"
        }
    );
    Ok(true)
}
