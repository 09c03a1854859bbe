//! Sending email: over SMTP (lettre with rustls) when `CHAIRSIDE_SMTP_URL` is set, otherwise as
//! `.eml` files in `CHAIRSIDE_MAIL_DIR`, so a demo needs no mail server.
//!
//! A failed send is classified for the job queue: a temporary failure (server unreachable,
//! timeout, 4xx reply) is tried again later; a permanent one (5xx reply such as an unknown
//! recipient, an address that cannot be parsed) never will succeed.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, ConfigError};
use crate::jobs::WorkerConfig;

/// How long one SMTP conversation may take before it counts as a temporary failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Idle SMTP connections kept for reuse: as many as a job worker sends at once (every lane's),
/// so that a burst does not close connections only to open them again.
pub fn smtp_pool_size() -> u32 {
    let worker = WorkerConfig::default();
    u32::try_from(worker.concurrency * worker.lanes.max(1)).unwrap_or(u32::MAX)
}

/// An email ready to send: plain text and HTML alternatives, optionally a calendar file.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<CalendarFile>,
}

/// An iCalendar attachment; `method` (REQUEST, CANCEL) is repeated in its content type, where
/// mail clients look for it to offer "add to calendar".
#[derive(Debug, Clone)]
pub struct CalendarFile {
    pub method: &'static str,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("{0}")]
    Temporary(String),
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
}

/// Where mail goes. Cheap to clone: SMTP connections are pooled and shared.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// Call inside the Tokio runtime that will send: the SMTP connection pool keeps a task there.
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        let from = config
            .mail_from
            .parse::<Mailbox>()
            .map_err(|e| ConfigError {
                name: "CHAIRSIDE_MAIL_FROM",
                message: format!("{:?} is not a mailbox: {e}", config.mail_from),
            })?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| ConfigError {
                        name: "CHAIRSIDE_SMTP_URL",
                        message: format!("not a usable SMTP URL: {e}"),
                    })?
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(PoolConfig::new().max_size(smtp_pool_size()))
                    .build(),
            ),
            None => Transport::Files {
                dir: config.mail_dir.clone(),
                transport: AsyncFileTransport::new(&config.mail_dir),
            },
        };
        Ok(Self { transport, from })
    }

    /// Where mail lands when no SMTP server is configured.
    pub fn mail_dir(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Files { dir, .. } => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// The sender's address, which calendar files name as the organizer when the business has no
    /// address of its own.
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    pub async fn send(&self, email: Email) -> Result<(), SendError> {
        let message = self.build(email)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(format!("the mail server refused the message: {e}"))
                } else {
                    SendError::Temporary(format!("the mail server could not take the message: {e}"))
                }
            }),
            Transport::Files { dir, transport } => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| {
                    SendError::Temporary(format!("cannot create {}: {e}", dir.display()))
                })?;
                transport.send(message).await.map(drop).map_err(|e| {
                    SendError::Temporary(format!("cannot write to {}: {e}", dir.display()))
                })
            }
        }
    }

    fn build(&self, email: Email) -> Result<Message, SendError> {
        let mailbox = |raw: &str| {
            raw.parse::<Mailbox>()
                .map_err(|e| SendError::Permanent(format!("{raw:?} is not an email address: {e}")))
        };
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&email.to)?)
            .subject(email.subject);
        if let Some(reply_to) = &email.reply_to {
            builder = builder.reply_to(mailbox(reply_to)?);
        }
        let body = MultiPart::alternative_plain_html(email.text, email.html);
        let body = match email.calendar {
            None => MultiPart::mixed().multipart(body),
            Some(file) => {
                let content_type = ContentType::parse(&format!(
                    "text/calendar; charset=utf-8; method={}",
                    file.method
                ))
                .map_err(|e| SendError::Permanent(format!("calendar content type: {e}")))?;
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new("booking.ics".to_owned()).body(file.content, content_type),
                )
            }
        };
        builder
            .multipart(body)
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }
}
