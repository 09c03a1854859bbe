//! The worker side of the outbox: sends one stored message through its platform.
//!
//! At most once: before the platform is called, the message is marked as being sent, in a
//! committed transaction. If the process dies during the call, the mark remains and the
//! message is never tried again (it may have arrived; the customer must not get it twice) —
//! it is failed with that reason instead, visible to staff. An answer that proves the message
//! did not go out (a rate limit, a refused connection, a server error) clears the mark, and the
//! job tries again with backoff.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    ApiRequest, Auth, Body, Connection, Delivery, Outgoing, TemplateUse, messenger, telegram,
    twilio, whatsapp,
};
use crate::clock::Clock;
use crate::config::Config;
use crate::conversation::outbox::{self, Purpose, SEND_JOB};
use crate::domain::{Channel, Platform};
use crate::jobs::{ClaimedJob, JobFuture, JobHandler, Outcome};
use crate::languages::Locale;
use crate::storage::models::{Conversation, ConversationMessage};
use crate::storage::{Database, DbConnection, StorageError, channels, conversations, to_db_time};
use crate::vault::Vault;

/// Where each platform's API is; configurable so tests and staging talk to local servers.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub graph: String,
    pub telegram: String,
    pub twilio: String,
}

impl Endpoints {
    pub fn from_config(config: &Config) -> Self {
        Self {
            graph: config.graph_api_base.clone(),
            telegram: config.telegram_api_base.clone(),
            twilio: config.twilio_api_base.clone(),
        }
    }

    pub(super) fn base(&self, platform: Platform) -> &str {
        match platform {
            Platform::Messenger | Platform::WhatsApp => &self.graph,
            Platform::Telegram => &self.telegram,
            Platform::Twilio => &self.twilio,
        }
    }
}

/// Renders a message for its platform: the API call to make, or why it cannot go out.
pub fn render(
    endpoints: &Endpoints,
    connection: &Connection,
    conversation: &Conversation,
    message: &ConversationMessage,
    now: DateTime<Utc>,
) -> Result<ApiRequest, String> {
    let reply = outbox::reply_of(message).map_err(|corrupt| corrupt.to_string())?;
    let template: Option<TemplateUse> = message
        .decode_template()
        .map_err(|corrupt| corrupt.to_string())?;
    let out = Outgoing {
        recipient: &conversation.external_key,
        reply: &reply,
        purpose: Purpose::parse(&message.purpose),
        template: template.as_ref(),
        since_customer: conversation.last_inbound_at.map(|at| now - at.and_utc()),
        locale: conversation
            .locale
            .as_deref()
            .and_then(Locale::from_tag)
            .unwrap_or_default(),
    };
    let base = endpoints.base(connection.platform);
    match connection.platform {
        Platform::Messenger => messenger::request(base, connection, &out),
        Platform::WhatsApp => whatsapp::request(base, connection, &out),
        Platform::Telegram => telegram::request(base, connection, &out),
        Platform::Twilio => twilio::request(base, connection, &out),
    }
}

pub fn classify(platform: Platform, status: u16, body: &Value) -> Delivery {
    match platform {
        Platform::Messenger => messenger::classify(status, body),
        Platform::WhatsApp => whatsapp::classify(status, body),
        Platform::Telegram => telegram::classify(status, body),
        Platform::Twilio => twilio::classify(status, body),
    }
}

/// Sends `chat.send` jobs.
#[derive(Clone)]
pub struct ChannelSender {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    vault: Vault,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    endpoints: Endpoints,
}

impl ChannelSender {
    pub fn new(db: Database, vault: Vault, clock: Arc<dyn Clock>, endpoints: Endpoints) -> Self {
        let http = super::platform_client(StdDuration::from_secs(20));
        Self {
            inner: Arc::new(Inner {
                db,
                vault,
                clock,
                http,
                endpoints,
            }),
        }
    }
}

impl JobHandler for ChannelSender {
    fn kinds(&self) -> Vec<&'static str> {
        vec![SEND_JOB]
    }

    fn run(&self, job: ClaimedJob) -> JobFuture {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.send(job).await })
    }
}

/// What the transaction before the call found.
enum Prepared {
    Send(Platform, ApiRequest),
    AlreadySent,
    /// An earlier attempt began calling the platform and never recorded the result.
    MaybeSent,
    Moot(String),
    Undeliverable(String),
}

impl Inner {
    /// Sends the job's messages in order. One that cannot go out yet (a retry) holds back
    /// those after it, so they never arrive before it; one that fails for good does not.
    async fn send(&self, job: ClaimedJob) -> Outcome {
        let ids = message_ids(&job.payload);
        if ids.is_empty() {
            return Outcome::Failed("the job names no message".to_owned());
        }
        let mut failed = None;
        for message_id in ids {
            match self.send_one(message_id).await {
                Outcome::Done | Outcome::Cancelled(_) => {}
                Outcome::Failed(reason) => failed = Some(reason),
                waiting @ (Outcome::Retry { .. } | Outcome::Released) => return waiting,
            }
        }
        failed.map_or(Outcome::Done, Outcome::Failed)
    }

    async fn send_one(&self, message_id: String) -> Outcome {
        let now = self.clock.now();
        let (endpoints, id) = (self.endpoints.clone(), message_id.clone());
        let vault = self.vault.clone();
        let prepared = self
            .db
            .write_in_background(move |conn| prepare(conn, &vault, &endpoints, &id, now))
            .await;
        let (platform, request) = match prepared {
            Ok(Prepared::Send(platform, request)) => (platform, request),
            Ok(Prepared::AlreadySent) => return Outcome::Done,
            Ok(Prepared::MaybeSent) => {
                return self
                    .record(
                        &message_id,
                        "an earlier attempt stopped while calling the platform; not sent again, because it may already have arrived",
                        false,
                        Outcome::Failed,
                    )
                    .await;
            }
            Ok(Prepared::Moot(reason)) => return Outcome::Cancelled(reason),
            Ok(Prepared::Undeliverable(reason)) => {
                return self
                    .record(&message_id, &reason, true, Outcome::Failed)
                    .await;
            }
            Err(e) => {
                return Outcome::Retry {
                    error: e.to_string(),
                    after: None,
                };
            }
        };
        let delivery = match self.call(request).await {
            Ok((status, body)) => classify(platform, status, &body),
            Err(e) if e.is_connect() => Delivery::Retry {
                reason: format!("cannot reach the platform: {}", without_url(&e)),
                after: None,
            },
            Err(e) => {
                let reason = format!(
                    "the call to the platform broke off ({}); not sent again, because it may already have arrived",
                    without_url(&e)
                );
                return self
                    .record(&message_id, &reason, false, Outcome::Failed)
                    .await;
            }
        };
        match delivery {
            Delivery::Sent(platform_id) => {
                let at = to_db_time(self.clock.now());
                let result = self
                    .db
                    .write_in_background(move |conn| {
                        conversations::mark_sent(conn, &message_id, platform_id.as_deref(), at)
                    })
                    .await;
                match result {
                    Ok(()) => Outcome::Done,
                    // Sent, but not recorded: the send mark stays, so it is not sent again.
                    Err(e) => {
                        Outcome::Failed(format!("sent, but the result was not recorded: {e}"))
                    }
                }
            }
            Delivery::Retry { reason, after } => {
                self.record(&message_id, &reason, true, |error| Outcome::Retry {
                    error,
                    after,
                })
                .await
            }
            Delivery::Permanent(reason) => {
                self.record(&message_id, &reason, true, Outcome::Failed)
                    .await
            }
        }
    }

    async fn call(&self, request: ApiRequest) -> Result<(u16, Value), reqwest::Error> {
        call_platform(&self.http, request).await
    }

    /// Notes why the message did not go out and turns the reason into the job's outcome.
    async fn record(
        &self,
        message_id: &str,
        reason: &str,
        definitely_unsent: bool,
        outcome: impl FnOnce(String) -> Outcome,
    ) -> Outcome {
        let (id, error) = (message_id.to_owned(), reason.to_owned());
        if let Err(e) = self
            .db
            .write_in_background(move |conn| {
                conversations::mark_not_sent(conn, &id, &error, definitely_unsent)
            })
            .await
        {
            tracing::warn!(message = %message_id, error = %e, "could not record a delivery failure");
        }
        outcome(reason.to_owned())
    }
}

/// The messages a send job delivers: `message_ids` in order, or the one `message_id` of jobs
/// queued before replies were sent as one job.
fn message_ids(payload: &Value) -> Vec<String> {
    match (&payload["message_ids"], payload["message_id"].as_str()) {
        (Value::Array(ids), _) => ids
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect(),
        (_, Some(id)) => vec![id.to_owned()],
        _ => Vec::new(),
    }
}

/// Makes one call to a platform's API: its status and JSON answer (`null` when not JSON).
pub(super) async fn call_platform(
    http: &reqwest::Client,
    request: ApiRequest,
) -> Result<(u16, Value), reqwest::Error> {
    let mut call = http.post(&request.url);
    call = match request.auth {
        Auth::None => call,
        Auth::Bearer(token) => call.bearer_auth(token),
        Auth::Basic { user, password } => call.basic_auth(user, Some(password)),
    };
    call = match &request.body {
        Body::Json(value) => call.json(value),
        Body::Form(fields) => call.form(fields),
    };
    let response = call.send().await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// Why a pending claim does not send: only the proven owner of a page or number speaks for it.
pub fn not_proven(platform: Platform) -> String {
    format!(
        "the business's {} connection is pending: it has not yet been proven by the platform's handshake or a signed webhook call",
        platform.as_str()
    )
}

/// A platform's URL may hold a token (Telegram's bot token is part of the path): errors are
/// reported without it.
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<platform API>");
    }
    text
}

/// In one transaction: finds the message, its conversation and the connection, renders the
/// call, and marks the message as being sent.
fn prepare(
    conn: &mut DbConnection,
    vault: &Vault,
    endpoints: &Endpoints,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Prepared, StorageError> {
    let Some(message) = conversations::message(conn, message_id)? else {
        return Ok(Prepared::Moot("the message no longer exists".to_owned()));
    };
    if message.sent_at.is_some() {
        return Ok(Prepared::AlreadySent);
    }
    if message.send_started_at.is_some() {
        return Ok(Prepared::MaybeSent);
    }
    let Some(conversation) = conversations::by_id(conn, &message.conversation_id)? else {
        return Ok(Prepared::Moot(
            "the conversation no longer exists".to_owned(),
        ));
    };
    let platform = Channel::parse("channel", &conversation.channel)
        .ok()
        .and_then(Platform::of_channel);
    let Some(platform) = platform else {
        return Ok(Prepared::Moot(format!(
            "{} conversations are not pushed",
            conversation.channel
        )));
    };
    let Some(row) = channels::find(conn, &conversation.business_id, platform.as_str())? else {
        return Ok(Prepared::Undeliverable(format!(
            "the business has no {} connection",
            platform.as_str()
        )));
    };
    let connection = Connection::from_row(&row, vault)?;
    if !connection.is_active() {
        return Ok(Prepared::Undeliverable(not_proven(platform)));
    }
    match render(endpoints, &connection, &conversation, &message, now) {
        Ok(request) => {
            conversations::mark_send_started(conn, message_id, to_db_time(now))?;
            Ok(Prepared::Send(platform, request))
        }
        Err(reason) => Ok(Prepared::Undeliverable(reason)),
    }
}
