//! What notification tests need: a real SMTP server (aiosmtpd), an independent iCalendar parser
//! (Python's icalendar), reading delivered mail, and a job worker driven by the test's clock.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chairside::config::Config;
use chairside::jobs::{JobQueue, Worker, WorkerConfig};
use chairside::notifications::{Mailer, NotificationHandler};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use serde_json::Value;

use crate::helpers::TestApp;

const PYTHON: &str = "/usr/bin/python3";

fn tool(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools")
        .join(name)
}

/// An SMTP server on a free local port that writes every message it accepts to a folder.
/// Recipients starting with `reject` are refused with 550, `busy` with 451.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("mail folder");
        let port = free_port();
        let mut child = Command::new(PYTHON)
            .arg(tool("smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the SMTP sink (needs /usr/bin/python3 with aiosmtpd)");
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the SMTP sink exited: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the SMTP sink did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        read_messages(self.dir.path(), "eml")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Every `*.{extension}` file in `dir`, by name.
pub fn read_messages(dir: &Path, extension: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read message"))
        .collect()
}

/// The mail that the app's file transport wrote (no SMTP server configured).
pub fn files_written(app: &TestApp) -> Vec<Vec<u8>> {
    let dir = app.state.mailer.mail_dir().expect("the file transport");
    read_messages(dir, "eml")
}

/// The file transport's folder, read as "what arrived since I last looked" (its file names are
/// random, so their order says nothing).
pub struct Outbox {
    dir: PathBuf,
    seen: std::collections::HashSet<PathBuf>,
}

impl Outbox {
    pub fn of(app: &TestApp) -> Self {
        Self {
            dir: app
                .state
                .mailer
                .mail_dir()
                .expect("the file transport")
                .to_owned(),
            seen: Default::default(),
        }
    }

    /// Messages written since the last call, as (recipient, subject).
    pub fn new_messages(&mut self) -> Vec<(String, String)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut fresh = Vec::new();
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.extension().is_some_and(|e| e == "eml") && self.seen.insert(path.clone()) {
                let mail = parse_mail(&std::fs::read(&path).expect("read message"));
                fresh.push((mail.to, mail.subject));
            }
        }
        fresh.sort();
        fresh
    }
}

/// A received email taken apart, after checking its MIME structure: multipart/mixed holding a
/// multipart/alternative (text/plain, text/html) and a text/calendar attachment.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar_method: String,
    pub calendar: String,
}

pub fn parse_mail(raw: &[u8]) -> Received {
    let message = MessageParser::default().parse(raw).expect("a MIME message");
    let address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address.as_deref())
            .map(str::to_owned)
    };
    let root = message.root_part();
    assert!(
        root.is_content_type("multipart", "mixed"),
        "root is multipart/mixed"
    );
    let PartType::Multipart(children) = &root.body else {
        panic!("multipart root without parts")
    };
    assert_eq!(children.len(), 2, "alternatives and the calendar file");
    let alternative = &message.parts[children[0] as usize];
    assert!(alternative.is_content_type("multipart", "alternative"));
    let PartType::Multipart(bodies) = &alternative.body else {
        panic!("alternative without parts")
    };
    let kinds: Vec<String> = bodies
        .iter()
        .map(|i| {
            let ct = message.parts[*i as usize]
                .content_type()
                .expect("content type");
            format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
        })
        .collect();
    assert_eq!(kinds, ["text/plain", "text/html"]);
    let attachment = &message.parts[children[1] as usize];
    assert!(attachment.is_content_type("text", "calendar"));
    assert_eq!(attachment.attachment_name(), Some("booking.ics"));
    let content_type = attachment.content_type().expect("content type");
    Received {
        from: address(message.from()).expect("From"),
        to: address(message.to()).expect("To"),
        reply_to: address(message.reply_to()),
        subject: message.subject().expect("Subject").to_owned(),
        text: message.body_text(0).expect("text body").into_owned(),
        html: message.body_html(0).expect("html body").into_owned(),
        calendar_method: content_type
            .attribute("method")
            .unwrap_or_default()
            .to_owned(),
        calendar: String::from_utf8(attachment.contents().to_vec()).expect("UTF-8 calendar"),
    }
}

/// Parses an iCalendar document with Python's `icalendar` (see tests/tools/ics_check.py) and
/// returns what it found; panics with the parser's complaint when the file is not valid.
pub fn check_ics(content: &str) -> Value {
    use std::io::Write;
    let mut child = Command::new(PYTHON)
        .arg(tool("ics_check.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ics_check.py (needs /usr/bin/python3 with icalendar)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(content.as_bytes())
        .expect("write the calendar");
    let output = child.wait_with_output().expect("ics_check.py finishes");
    assert!(
        output.status.success(),
        "the calendar file is not valid: {}\n{content}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from ics_check.py")
}

/// A job worker for notifications on the app's database and clock (the app's own workers are
/// off in these tests, so that only the test decides when jobs run).
pub fn notification_worker(app: &TestApp) -> Worker {
    notification_worker_with(app, app.state.mailer.clone())
}

/// The same, sending through `mailer` (an SMTP server of the test's own).
pub fn notification_worker_with(app: &TestApp, mailer: Mailer) -> Worker {
    let state = &app.state;
    let clock: Arc<dyn chairside::clock::Clock> = Arc::new(app.clock.clone());
    Worker::new(
        state.db.clone(),
        Arc::clone(&clock),
        JobQueue::default(),
        &state.metrics,
        WorkerConfig {
            // Small batches, so that competing workers interleave.
            batch: 10,
            ..WorkerConfig::default()
        },
    )
    .with_handler(Arc::new(NotificationHandler::new(
        state.db.clone(),
        mailer,
        state.secrets.clone(),
        state.config.public_url.clone(),
        clock,
    )))
}

/// Runs batches until no job is due; returns how many ran.
pub async fn drain(worker: &Worker) -> usize {
    let mut total = 0;
    loop {
        match worker.run_batch().await.expect("run jobs") {
            0 => return total,
            n => total += n,
        }
    }
}

/// A mailer that sends to `sink`.
pub fn smtp_mailer(url: &str) -> Mailer {
    let mut config = Config::for_tests("unused.db");
    config.smtp_url = Some(url.to_owned());
    Mailer::from_config(&config).expect("SMTP mailer")
}

/// For `on_both_backends!(configure …)`: only the test runs jobs.
pub fn without_workers(config: &mut Config) {
    config.run_workers = false;
}
