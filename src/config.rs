//! Configuration from environment variables (all documented in README.md).

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

use crate::limits::{LimitClass, LimitSettings, Rate};
use crate::vault::{KEY_VARIABLE, MasterKey};

#[derive(Debug, Clone)]
pub struct Config {
    /// `postgres://…` for PostgreSQL; anything else is a SQLite file path.
    pub database_url: String,
    pub bind: SocketAddr,
    /// Bearer token for creating businesses; business creation is refused while unset.
    pub admin_token: Option<String>,
    /// Where customers reach this service, for links in messages (no trailing slash).
    pub public_url: String,
    pub db_pool_size: u32,
    /// Create the demo business when the database has no business yet.
    pub seed_demo: bool,
    /// HTTP worker threads; defaults to the number of cores.
    pub workers: Option<usize>,
    /// Run background job workers in this process (sending, reminders).
    pub run_workers: bool,
    /// Outgoing mail server in lettre's URL form; `None` writes mail to `mail_dir` instead.
    pub smtp_url: Option<String>,
    /// The sender of every email, e.g. `Chairside <bookings@example.com>`.
    pub mail_from: String,
    /// Where mail goes as `.eml` files when no SMTP server is configured.
    pub mail_dir: std::path::PathBuf,
    /// Meta's Graph API (Messenger and WhatsApp), without a trailing slash.
    pub graph_api_base: String,
    pub telegram_api_base: String,
    pub twilio_api_base: String,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Per-client request limits and the per-address hold cap; `CHAIRSIDE_RATE_LIMITS=off`
    /// turns them off for tests and benchmarks that send everything from one address. Limits
    /// that protect a person (one-time codes, logins) stay on regardless.
    pub rate_limits: bool,
    /// Whether availability answers are kept while their versions hold
    /// (`CHAIRSIDE_AVAILABILITY_CACHE=off` computes every one afresh, for comparisons).
    pub availability_cache: bool,
    /// How often one-time codes and booking-reference checks may be asked for; always on.
    pub proof_limits: ProofLimits,
    /// Live holds one client address may have at a business (while `rate_limits` is on).
    pub holds_per_address: u32,
    /// The rate of each per-client request limit (`CHAIRSIDE_LIMIT_<CLASS>`).
    pub limits: LimitSettings,
    /// When set, `/metrics` answers only `Authorization: Bearer <this>`.
    pub metrics_token: Option<String>,
    /// The key stored secrets are sealed under (`CHAIRSIDE_SECRET_KEY`). Required with
    /// PostgreSQL; with SQLite, unset means the key file beside the database.
    pub secret_key: Option<MasterKey>,
    /// How long a job stays claimed by a worker that stops renewing it (a process killed): the
    /// most its jobs wait before another process takes them over.
    pub job_lease: std::time::Duration,
}

/// The trusted proxies, parsed from `CHAIRSIDE_TRUSTED_PROXIES`: addresses or CIDR ranges,
/// separated by commas or spaces.
pub fn parse_trusted_proxies(raw: &str) -> Result<Vec<IpNet>, String> {
    raw.split([',', ' ', '\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR range"))
        })
        .collect()
}

/// Reads `CHAIRSIDE_LIMIT_<CLASS>` (`30/min`, or `off`) and `CHAIRSIDE_LIMIT_MAX_CLIENTS`
/// through `lookup`.
fn limit_settings(lookup: impl Fn(&str) -> Option<String>) -> Result<LimitSettings, ConfigError> {
    let mut settings = LimitSettings::default();
    for class in LimitClass::ALL {
        let Some(raw) = lookup(class.setting()) else {
            continue;
        };
        let rate = if raw.eq_ignore_ascii_case("off") {
            None
        } else {
            Some(Rate::parse(&raw).map_err(|message| ConfigError {
                name: class.setting(),
                message,
            })?)
        };
        settings.set(class, rate);
    }
    if let Some(raw) = lookup("CHAIRSIDE_LIMIT_MAX_CLIENTS") {
        settings.max_clients = raw
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| ConfigError {
                name: "CHAIRSIDE_LIMIT_MAX_CLIENTS",
                message: format!("{raw:?}: a positive number of buckets"),
            })?;
    }
    Ok(settings)
}

/// Limits that keep proving an identity from being used against someone: always on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofLimits {
    pub codes_per_contact: Rate,
    pub codes_per_client: Rate,
    pub reference_checks_per_reference: Rate,
    pub reference_checks_per_client: Rate,
}

impl Default for ProofLimits {
    fn default() -> Self {
        Self {
            codes_per_contact: Rate::fixed(3, 3600),
            codes_per_client: Rate::fixed(10, 3600),
            reference_checks_per_reference: Rate::fixed(5, 3600),
            reference_checks_per_client: Rate::fixed(20, 3600),
        }
    }
}

impl ProofLimits {
    fn from_env() -> Result<Self, ConfigError> {
        let d = Self::default();
        Ok(Self {
            codes_per_contact: rate("CHAIRSIDE_CODES_PER_CONTACT", d.codes_per_contact)?,
            codes_per_client: rate("CHAIRSIDE_CODES_PER_CLIENT", d.codes_per_client)?,
            reference_checks_per_reference: rate(
                "CHAIRSIDE_REFERENCE_CHECKS_PER_REFERENCE",
                d.reference_checks_per_reference,
            )?,
            reference_checks_per_client: rate(
                "CHAIRSIDE_REFERENCE_CHECKS_PER_CLIENT",
                d.reference_checks_per_client,
            )?,
        })
    }
}

fn rate(name: &'static str, default: Rate) -> Result<Rate, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => Rate::parse(&raw).map_err(|message| ConfigError { name, message }),
    }
}

const DEFAULT_MAIL_FROM: &str = "Chairside <chairside@localhost>";

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.parse().map_err(|e: T::Err| ConfigError {
            name,
            message: format!("{raw:?}: {e}"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let bind = parsed("BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "chairside.db".to_owned()),
            public_url: var("CHAIRSIDE_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{bind}"))
                .trim_end_matches('/')
                .to_owned(),
            bind,
            admin_token: var("CHAIRSIDE_ADMIN_TOKEN"),
            db_pool_size: parsed("CHAIRSIDE_DB_POOL_SIZE", 16)?,
            seed_demo: parsed("CHAIRSIDE_DEMO", true)?,
            run_workers: parsed("CHAIRSIDE_RUN_JOBS", true)?,
            workers: var("CHAIRSIDE_WORKERS")
                .map(|w| w.parse())
                .transpose()
                .map_err(|e: std::num::ParseIntError| ConfigError {
                    name: "CHAIRSIDE_WORKERS",
                    message: e.to_string(),
                })?,
            smtp_url: var("CHAIRSIDE_SMTP_URL"),
            mail_from: var("CHAIRSIDE_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            mail_dir: var("CHAIRSIDE_MAIL_DIR")
                .unwrap_or_else(|| "mail".to_owned())
                .into(),
            graph_api_base: base_url("CHAIRSIDE_GRAPH_API_BASE", "https://graph.facebook.com"),
            telegram_api_base: base_url("CHAIRSIDE_TELEGRAM_API_BASE", "https://api.telegram.org"),
            twilio_api_base: base_url("CHAIRSIDE_TWILIO_API_BASE", "https://api.twilio.com"),
            trusted_proxies: parse_trusted_proxies(
                &var("CHAIRSIDE_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|message| ConfigError {
                name: "CHAIRSIDE_TRUSTED_PROXIES",
                message,
            })?,
            rate_limits: switch("CHAIRSIDE_RATE_LIMITS", true)?,
            availability_cache: switch("CHAIRSIDE_AVAILABILITY_CACHE", true)?,
            proof_limits: ProofLimits::from_env()?,
            holds_per_address: parsed("CHAIRSIDE_HOLDS_PER_ADDRESS", 3)?,
            limits: limit_settings(var)?,
            metrics_token: var("CHAIRSIDE_METRICS_TOKEN"),
            secret_key: var(KEY_VARIABLE)
                .map(|raw| MasterKey::parse(&raw, KEY_VARIABLE))
                .transpose()
                .map_err(|e| ConfigError {
                    name: KEY_VARIABLE,
                    message: e.to_string(),
                })?,
            job_lease: job_lease()?,
        })
    }

    /// A configuration for tests: a given database, an ephemeral port, no demo.
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            admin_token: Some("test-admin-token".to_owned()),
            public_url: "http://chairside.test".to_owned(),
            db_pool_size: 8,
            seed_demo: false,
            workers: Some(2),
            run_workers: true,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            mail_dir: test_mail_dir(database_url),
            // Nothing listens on the discard port: a test that sends must point these at its
            // own fake platform.
            graph_api_base: "http://127.0.0.1:9".to_owned(),
            telegram_api_base: "http://127.0.0.1:9".to_owned(),
            twilio_api_base: "http://127.0.0.1:9".to_owned(),
            trusted_proxies: Vec::new(),
            // Every test request comes from 127.0.0.1; the tests of the limits turn them on.
            rate_limits: false,
            availability_cache: true,
            proof_limits: ProofLimits::default(),
            holds_per_address: 3,
            limits: LimitSettings::default(),
            metrics_token: None,
            secret_key: test_secret_key(database_url),
            job_lease: std::time::Duration::from_secs(DEFAULT_JOB_LEASE_SECONDS),
        }
    }
}

const DEFAULT_JOB_LEASE_SECONDS: u64 = 60;

fn job_lease() -> Result<std::time::Duration, ConfigError> {
    match parsed("CHAIRSIDE_JOB_LEASE_SECONDS", DEFAULT_JOB_LEASE_SECONDS)? {
        0 => Err(ConfigError {
            name: "CHAIRSIDE_JOB_LEASE_SECONDS",
            message: "must be at least 1".to_owned(),
        }),
        seconds => Ok(std::time::Duration::from_secs(seconds)),
    }
}

/// An on/off setting: `on`, `off`, `true`, `false`, `1`, `0`, `yes`, `no`.
fn switch(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("on" | "true" | "1" | "yes") => Ok(true),
        Some("off" | "false" | "0" | "no") => Ok(false),
        Some(other) => Err(ConfigError {
            name,
            message: format!("{other:?}: use on or off"),
        }),
    }
}

fn base_url(name: &str, default: &str) -> String {
    var(name)
        .unwrap_or_else(|| default.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// PostgreSQL needs a configured key; a test derives one from its database, so that a restart
/// on the same database finds the same key. SQLite tests use the key file, as production does.
fn test_secret_key(database_url: &str) -> Option<MasterKey> {
    use sha2::Digest;
    crate::storage::sqlite_file(database_url)
        .is_none()
        .then(|| {
            MasterKey::from_bytes(
                sha2::Sha256::digest(format!("chairside test key {database_url}")).into(),
            )
        })
}

/// A mail folder of its own per test server, so that no test reads another's mail: beside a
/// SQLite test database (and removed with it), else in the temporary directory.
fn test_mail_dir(database_url: &str) -> std::path::PathBuf {
    let folder = format!("chairside-test-mail-{}", uuid::Uuid::new_v4().simple());
    match std::path::Path::new(database_url).parent() {
        Some(dir) if !database_url.starts_with("postgres") && dir.is_dir() => dir.join(folder),
        _ => std::env::temp_dir().join(folder),
    }
}
