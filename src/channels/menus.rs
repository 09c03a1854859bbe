//! Each platform's own entry points to the chat, set up by Chairside when a connection becomes
//! active and again when its owner asks: Messenger's Get Started button, welcome greeting and ice
//! breakers (the Messenger Profile API), Telegram's command list (`setMyCommands`), and the
//! address and description of the WhatsApp business profile. SMS has none.
//!
//! One `channel.menus` job per connection makes a platform's calls, re-armed at each activation
//! and each request. It remembers the version the connection became active at, so a second
//! handshake, a redelivered webhook call or a restart never sets a platform up twice for one
//! activation; the calls replace what was set before, so an attempt repeated after a crash does
//! no harm. A platform's refusal (a 4xx: a missing permission, a wrong token) fails the job in
//! the platform's words, which the connection's view shows the owner ([`state`]); trouble on the
//! platform's side (a 5xx, a timeout, a rate limit) is retried by the queue.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::sender::call_platform;
use super::{ApiRequest, Connection, Delivery, Endpoints, graph, messenger, telegram, whatsapp};
use crate::domain::{Platform, ValidationError};
use crate::error::AppError;
use crate::jobs::{self, ClaimedJob, JobFuture, JobHandler, JobSpec, Outcome};
use crate::languages::Locale;
use crate::languages::menus::Menus;
use crate::storage::jobs::find_by_key;
use crate::storage::{Database, DbConnection, StorageError, StorageResult, businesses, channels};
use crate::vault::Vault;

pub const MENUS_JOB: &str = "channel.menus";

/// Which of a language's menu texts an entry of a platform's menu shows.
pub type Text = fn(&Menus) -> &'static str;

/// The business as a platform's menus show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    pub business: String,
    pub address: String,
    /// The business's language: what a platform shows where it has no text for a customer's own.
    pub locale: Locale,
}

impl Menu {
    /// Every language Chairside speaks but the business's own.
    pub fn other_locales(&self) -> impl Iterator<Item = Locale> + '_ {
        Locale::all().filter(move |locale| *locale != self.locale)
    }
}

/// What setting up a platform takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Setup {
    /// These calls, in order.
    Calls(Vec<ApiRequest>),
    /// None: the reason, for the job's record.
    Nothing(String),
}

/// The calls that set `connection`'s platform up for `menu`, or why there are none; `Err` when
/// the connection lacks what the calls need.
pub fn setup(endpoints: &Endpoints, connection: &Connection, menu: &Menu) -> Result<Setup, String> {
    let base = endpoints.base(connection.platform);
    Ok(match connection.platform {
        Platform::Messenger => Setup::Calls(vec![messenger::profile(base, connection, menu)?]),
        Platform::Telegram => Setup::Calls(telegram::commands(base, connection, menu)?),
        Platform::WhatsApp => match whatsapp::profile(base, connection, menu)? {
            Some(call) => Setup::Calls(vec![call]),
            None => Setup::Nothing(
                "the business has no address for its WhatsApp profile; set one and ask again"
                    .to_owned(),
            ),
        },
        Platform::Twilio => Setup::Nothing("SMS has no menus to set up".to_owned()),
    })
}

fn has_menus(platform: Platform) -> bool {
    platform != Platform::Twilio
}

/// What a connection speaks with: its page or number, and the token the menus are set with. A
/// new token is a new start — another bot, or a page token that now has the permission the
/// last one lacked — so its menus are set up again.
pub fn credentials(connection: &Connection) -> (Option<String>, Option<&str>) {
    let token = match connection.platform {
        Platform::Messenger => "page_access_token",
        Platform::WhatsApp => "access_token",
        Platform::Telegram => "bot_token",
        Platform::Twilio => "auth_token",
    };
    (connection.claimed_key(), connection.secret(token))
}

/// The one menus job of a connection.
fn key(connection_id: &str) -> String {
    format!("{MENUS_JOB}:{connection_id}")
}

/// Sets the connection's menus job to run now; `activation` is the version of the connection's
/// last activation.
fn arm(
    conn: &mut DbConnection,
    business_id: &str,
    connection_id: &str,
    platform: Platform,
    activation: Option<i64>,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    let payload = json!({"connection_id": connection_id, "platform": platform.as_str(), "activation": activation});
    let spec = JobSpec::new(MENUS_JOB, payload, now)
        .for_business(business_id)
        .keyed(key(connection_id));
    jobs::schedule(conn, &spec, now)
}

/// The activation the connection's menus job was last armed for.
fn armed_for(conn: &mut DbConnection, connection_id: &str) -> StorageResult<Option<i64>> {
    Ok(match find_by_key(conn, &key(connection_id))? {
        Some(job) => job.decode_payload()?["activation"].as_i64(),
        None => None,
    })
}

/// Plans the set-up of a connection that became active at `version`, inside the transaction
/// that made it active; once per activation, however often it is called.
pub fn plan_on_activation(
    conn: &mut DbConnection,
    business_id: &str,
    connection_id: &str,
    platform: Platform,
    version: i64,
    now: DateTime<Utc>,
) -> StorageResult<bool> {
    if !has_menus(platform) || armed_for(conn, connection_id)? == Some(version) {
        return Ok(false);
    }
    arm(
        conn,
        business_id,
        connection_id,
        platform,
        Some(version),
        now,
    )?;
    Ok(true)
}

/// Plans the set-up again, now, on the owner's request; returns the job's id. Asking again while
/// it waits re-arms the same job rather than piling up calls.
pub fn plan_on_request(
    conn: &mut DbConnection,
    vault: &Vault,
    business_id: &str,
    platform: Platform,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    if !has_menus(platform) {
        return Err(ValidationError::new("platform", "SMS has no menus to set up").into());
    }
    let connection = super::connection::load(conn, vault, business_id, platform)?
        .ok_or(AppError::NotFound("channel connection"))?;
    if !connection.is_active() {
        return Err(AppError::Conflict {
            code: "channel_pending",
            message: super::sender::not_proven(platform),
            details: None,
        });
    }
    let activation = armed_for(conn, &connection.id)?;
    arm(conn, business_id, &connection.id, platform, activation, now)?;
    find_by_key(conn, &key(&connection.id))?
        .map(|job| job.id)
        .ok_or(AppError::NotFound("menus job"))
}

/// How the set-up of a connection's menus went last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The job's status: `pending`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    /// Why it failed, was cancelled, or is being tried again, in the platform's words.
    pub error: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// The state of a connection's menus; `None` before they were first set up.
pub fn state(conn: &mut DbConnection, connection_id: &str) -> StorageResult<Option<State>> {
    Ok(find_by_key(conn, &key(connection_id))?.map(|job| State {
        status: job.status,
        error: job.last_error,
        updated_at: job.updated_at,
    }))
}

/// Runs `channel.menus` jobs.
#[derive(Clone)]
pub struct MenuSetter {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    vault: Vault,
    http: reqwest::Client,
    endpoints: Endpoints,
}

impl MenuSetter {
    pub fn new(db: Database, vault: Vault, endpoints: Endpoints) -> Self {
        let http = super::platform_client(StdDuration::from_secs(20));
        Self {
            inner: Arc::new(Inner {
                db,
                vault,
                http,
                endpoints,
            }),
        }
    }
}

impl JobHandler for MenuSetter {
    fn kinds(&self) -> Vec<&'static str> {
        vec![MENUS_JOB]
    }

    fn run(&self, job: ClaimedJob) -> JobFuture {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.set_up(job).await })
    }
}

/// What the reading before the calls found.
enum Prepared {
    Calls(Platform, Vec<ApiRequest>),
    Moot(String),
    Impossible(String),
}

impl Inner {
    async fn set_up(&self, job: ClaimedJob) -> Outcome {
        let (Some(business_id), Some(connection_id)) = (
            job.business_id.clone(),
            job.payload["connection_id"].as_str().map(str::to_owned),
        ) else {
            return Outcome::Failed("the job names no business or connection".to_owned());
        };
        let Some(platform) = job.payload["platform"]
            .as_str()
            .and_then(|p| Platform::parse("platform", p).ok())
        else {
            return Outcome::Failed("the job names no platform".to_owned());
        };
        let (vault, endpoints) = (self.vault.clone(), self.endpoints.clone());
        let prepared = self
            .db
            .read(move |conn| {
                prepare(
                    conn,
                    &vault,
                    &endpoints,
                    &business_id,
                    &connection_id,
                    platform,
                )
            })
            .await;
        let (platform, calls) = match prepared {
            Ok(Prepared::Calls(platform, calls)) => (platform, calls),
            Ok(Prepared::Moot(reason)) => return Outcome::Cancelled(reason),
            Ok(Prepared::Impossible(reason)) => return Outcome::Failed(reason),
            Err(e) => {
                return Outcome::Retry {
                    error: e.to_string(),
                    after: None,
                };
            }
        };
        let what = what_is_set(platform);
        for call in calls {
            let delivery = match call_platform(&self.http, call).await {
                Ok((status, body)) => classify(platform, status, &body),
                // Setting a menu again replaces it: an attempt that broke off is simply repeated.
                Err(e) => Delivery::Retry {
                    reason: format!(
                        "cannot reach {}: {}",
                        platform_name(platform),
                        e.without_url()
                    ),
                    after: None,
                },
            };
            match delivery {
                Delivery::Sent(_) => {}
                Delivery::Retry { reason, after } => {
                    return Outcome::Retry {
                        error: format!("{what} not set yet: {reason}"),
                        after,
                    };
                }
                Delivery::Permanent(reason) => {
                    return Outcome::Failed(format!(
                        "{} refused to set {what}: {reason}",
                        platform_name(platform)
                    ));
                }
            }
        }
        Outcome::Done
    }
}

fn prepare(
    conn: &mut DbConnection,
    vault: &Vault,
    endpoints: &Endpoints,
    business_id: &str,
    connection_id: &str,
    platform: Platform,
) -> Result<Prepared, StorageError> {
    let Some(business) = businesses::by_id(conn, business_id)? else {
        return Ok(Prepared::Moot("the business no longer exists".to_owned()));
    };
    let row = channels::find(conn, business_id, platform.as_str())?;
    let Some(row) = row.filter(|row| row.id == connection_id) else {
        return Ok(Prepared::Moot(format!(
            "the {} connection was removed or replaced",
            platform.as_str()
        )));
    };
    let connection = Connection::from_row(&row, vault)?;
    if !connection.is_active() {
        return Ok(Prepared::Moot(super::sender::not_proven(platform)));
    }
    let menu = Menu {
        business: business.name,
        address: business.address,
        locale: Locale::from_tag(&business.locale).unwrap_or_default(),
    };
    Ok(match setup(endpoints, &connection, &menu) {
        Ok(Setup::Calls(calls)) => Prepared::Calls(platform, calls),
        Ok(Setup::Nothing(reason)) => Prepared::Moot(reason),
        Err(reason) => Prepared::Impossible(reason),
    })
}

/// Reads a platform's answer to a set-up call.
fn classify(platform: Platform, status: u16, body: &Value) -> Delivery {
    match platform {
        Platform::Messenger | Platform::WhatsApp => graph::classify(status, body, |_| None),
        Platform::Telegram => telegram::classify_setup(status, body),
        Platform::Twilio => Delivery::Permanent("SMS has no menus".to_owned()),
    }
}

fn what_is_set(platform: Platform) -> &'static str {
    match platform {
        Platform::Messenger => "the page's Get Started button, greeting and ice breakers",
        Platform::Telegram => "the bot's command list",
        Platform::WhatsApp => "the business profile's address and description",
        Platform::Twilio => "nothing",
    }
}

fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Messenger => "Messenger",
        Platform::Telegram => "Telegram",
        Platform::WhatsApp => "WhatsApp",
        Platform::Twilio => "Twilio",
    }
}
