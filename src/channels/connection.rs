//! A business's connection to one platform: which fields it has, which of them are secret, how
//! each is checked, and how a connection is stored (public settings and write-only secrets as
//! two JSON objects, the secrets sealed by the [`Vault`] for this business and platform).
//!
//! Ownership of a Messenger page or WhatsApp number: entering its id only claims it, and a
//! claim blocks nobody — any number of businesses may claim the same id. A claim becomes the
//! *active* connection for its id, the one that receives its events and sends for it, when
//! Meta's subscription handshake (with the claim's own verify token) or a webhook call signed
//! with the claim's own app secret arrives *and* Meta confirms that the claim's access token
//! belongs to that page or number ([`super::ownership`]). A confirmed claim takes over from
//! the connection active before, which becomes a claim again. A squatter chose its own verify
//! token and app secret, so it can make those calls itself, but it has no token for someone
//! else's page: it never becomes active and never takes over a working owner.
//!
//! Telegram and SMS webhooks carry the business's slug in their URL, so their connections are
//! active from the start.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use chrono::NaiveDateTime;

use crate::domain::{PhoneNumber, Platform, ValidationError};
use crate::error::AppError;
use crate::storage::json_text::decode_json;
use crate::storage::models::ChannelConnection;
use crate::storage::{DbConnection, JsonText, StorageError, StorageResult, channels, new_id};
use crate::vault::{Binding, Vault};

/// What a field of a connection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// A platform's numeric id (a page id, a phone number id).
    NumericId,
    /// A token or secret: printable, no spaces.
    Token,
    /// Telegram's webhook secret: 1–256 of `A-Z a-z 0-9 _ -`.
    TelegramSecret,
    /// `<bot id>:<key>`.
    TelegramBotToken,
    /// `AC` and 32 letters or digits.
    TwilioAccount,
    Phone,
    Templates,
}

#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    secret: bool,
    /// Optional fields may be left out; required secrets only when the connection is new.
    required: bool,
    check: Check,
}

const fn public(name: &'static str, check: Check) -> Field {
    Field {
        name,
        secret: false,
        required: true,
        check,
    }
}

const fn secret(name: &'static str, check: Check) -> Field {
    Field {
        name,
        secret: true,
        required: true,
        check,
    }
}

const MESSENGER: &[Field] = &[
    public("page_id", Check::NumericId),
    secret("page_access_token", Check::Token),
    secret("app_secret", Check::Token),
    secret("verify_token", Check::Token),
];
const WHATSAPP: &[Field] = &[
    public("phone_number_id", Check::NumericId),
    secret("access_token", Check::Token),
    secret("app_secret", Check::Token),
    secret("verify_token", Check::Token),
    Field {
        name: "templates",
        secret: false,
        required: false,
        check: Check::Templates,
    },
];
const TELEGRAM: &[Field] = &[
    secret("bot_token", Check::TelegramBotToken),
    secret("secret_token", Check::TelegramSecret),
];
const TWILIO: &[Field] = &[
    public("account_sid", Check::TwilioAccount),
    secret("auth_token", Check::Token),
    public("from_number", Check::Phone),
];

fn fields(platform: Platform) -> &'static [Field] {
    match platform {
        Platform::Messenger => MESSENGER,
        Platform::WhatsApp => WHATSAPP,
        Platform::Telegram => TELEGRAM,
        Platform::Twilio => TWILIO,
    }
}

/// The public field that routes inbound events to the business, where one webhook URL serves
/// every business.
pub fn routing_field(platform: Platform) -> Option<&'static str> {
    match platform {
        Platform::Messenger => Some("page_id"),
        Platform::WhatsApp => Some("phone_number_id"),
        Platform::Telegram | Platform::Twilio => None,
    }
}

/// Values a WhatsApp template's parameters may name (`code`: a one-time code, for the
/// `verification_code` template).
pub const TEMPLATE_VALUES: [&str; 9] = [
    "customer_name",
    "business",
    "service",
    "staff",
    "date",
    "time",
    "reference",
    "manage_url",
    "code",
];

/// Which occasions may have a template.
pub const TEMPLATE_KINDS: [&str; 3] = ["reminder", "booking_update", "verification_code"];

/// An approved WhatsApp template that stands in for an update outside the 24-hour window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub language: String,
    /// The body's `{{1}}`, `{{2}}`, … in order, each one of [`TEMPLATE_VALUES`].
    #[serde(default)]
    pub parameters: Vec<String>,
    /// The template has quick-reply buttons; the message's choices become their payloads.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quick_replies: bool,
}

/// Whether a connection has proven that it belongs to the page or number it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Claimed, not proven: receives nothing, sends nothing, blocks nobody.
    Pending,
    /// Receives the platform's events for its page or number and sends for it.
    Active,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
        }
    }
}

/// The call at which a claim's ownership was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// Meta's subscription handshake answered with the claim's verify token.
    Handshake,
    /// A webhook call signed with the claim's app secret.
    Signature,
}

/// A connection as the channel code uses it.
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: String,
    pub business_id: String,
    pub platform: Platform,
    pub status: Status,
    /// Grows with every stored change (see [`super::Directory`]).
    pub version: i64,
    pub updated_at: NaiveDateTime,
    settings: Map<String, Value>,
    secrets: Map<String, Value>,
}

impl Connection {
    pub fn from_row(row: &ChannelConnection, vault: &Vault) -> Result<Self, StorageError> {
        let corrupt = || {
            StorageError::corrupt(
                format!("channel connection {}", row.id),
                "not a known platform",
            )
        };
        let secrets = vault
            .open(
                &Binding::channel_secrets(&row.business_id, &row.platform),
                &row.secrets,
            )
            .map_err(|e| {
                StorageError::corrupt(format!("secrets of channel connection {}", row.id), e)
            })?;
        let platform = Platform::parse("platform", &row.platform).map_err(|_| corrupt())?;
        let status = if routing_field(platform).is_none() || row.routing_key.is_some() {
            Status::Active
        } else {
            Status::Pending
        };
        Ok(Self {
            id: row.id.clone(),
            business_id: row.business_id.clone(),
            platform,
            status,
            version: row.version,
            updated_at: row.updated_at,
            settings: row.decode_settings()?,
            secrets: decode_json(&secrets, "channel_connections.secrets", &row.id)?,
        })
    }

    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }

    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).and_then(Value::as_str)
    }

    pub fn secret(&self, name: &str) -> Option<&str> {
        self.secrets.get(name).and_then(Value::as_str)
    }

    pub fn settings(&self) -> &Map<String, Value> {
        &self.settings
    }

    /// The names of the stored secrets, never their values.
    pub fn secrets_set(&self) -> Vec<String> {
        self.secrets.keys().cloned().collect()
    }

    pub fn template(&self, kind: &str) -> Option<Template> {
        let templates = self.settings.get("templates")?;
        serde_json::from_value(templates.get(kind)?.clone()).ok()
    }

    pub fn settings_json(&self) -> StorageResult<JsonText<Map<String, Value>>> {
        JsonText::encode(&self.settings)
    }

    pub fn secrets_json(&self) -> String {
        Value::Object(self.secrets.clone()).to_string()
    }

    /// The secrets as stored.
    pub fn sealed_secrets(&self, vault: &Vault) -> String {
        vault.seal(
            &Binding::channel_secrets(&self.business_id, self.platform.as_str()),
            &self.secrets_json(),
        )
    }

    /// The page or number id the connection names, proven or not.
    pub fn claimed_key(&self) -> Option<String> {
        routing_field(self.platform).and_then(|f| self.setting(f).map(str::to_owned))
    }

    /// Applies what the owner entered: every public field given anew, secrets kept where left
    /// out. `existing` is the stored connection, if any.
    pub fn configure(
        business_id: &str,
        platform: Platform,
        input: Map<String, Value>,
        existing: Option<&Connection>,
    ) -> Result<Self, ValidationError> {
        let known = fields(platform);
        if let Some(unknown) = input
            .keys()
            .find(|k| known.iter().all(|f| f.name != k.as_str()))
        {
            return Err(ValidationError::new(
                unknown.as_str(),
                format!(
                    "is not a field of a {} connection (fields: {})",
                    platform.as_str(),
                    known.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let mut settings = Map::new();
        let mut secrets = Map::new();
        for field in known {
            let given = input.get(field.name).filter(|v| !is_blank(v));
            let value = match (given, field.secret) {
                (Some(value), _) => checked(field, value)?,
                (None, true) => match existing.and_then(|e| e.secrets.get(field.name)) {
                    Some(kept) => kept.clone(),
                    None if field.required => return Err(missing(field, platform)),
                    None => continue,
                },
                (None, false) if field.required => return Err(missing(field, platform)),
                (None, false) => continue,
            };
            if field.secret {
                secrets.insert(field.name.to_owned(), value);
            } else {
                settings.insert(field.name.to_owned(), value);
            }
        }
        Ok(Self {
            id: existing.map_or_else(new_id, |e| e.id.clone()),
            business_id: business_id.to_owned(),
            platform,
            status: Status::Pending,
            version: existing.map_or(1, |e| e.version + 1),
            updated_at: existing.map_or(NaiveDateTime::MIN, |e| e.updated_at),
            settings,
            secrets,
        })
    }
}

fn is_blank(value: &Value) -> bool {
    value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty())
}

fn missing(field: &Field, platform: Platform) -> ValidationError {
    ValidationError::new(
        field.name,
        format!("is required for a {} connection", platform.as_str()),
    )
}

fn checked(field: &Field, value: &Value) -> Result<Value, ValidationError> {
    let invalid = |why: &str| ValidationError::new(field.name, why.to_owned());
    let raw = match (field.check, value.as_str()) {
        (Check::Templates, _) => return templates(field.name, value),
        (Check::Phone, Some(raw)) => {
            return PhoneNumber::parse(field.name, raw)
                .map(|p| Value::String(p.as_str().to_owned()));
        }
        (_, Some(raw)) => raw.trim(),
        (_, None) => return Err(invalid("must be a string")),
    };
    let ok = match field.check {
        Check::NumericId => raw.len() <= 32 && raw.bytes().all(|b| b.is_ascii_digit()),
        Check::Token => {
            raw.len() <= 1024 && raw.chars().all(|c| c.is_ascii_graphic() || !c.is_ascii())
        }
        Check::TelegramSecret => {
            raw.len() <= 256
                && raw
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }
        Check::TelegramBotToken => raw.split_once(':').is_some_and(|(id, key)| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && !key.is_empty()
                && key.len() <= 256
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }),
        Check::TwilioAccount => {
            raw.len() == 34
                && raw.starts_with("AC")
                && raw.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        Check::Phone | Check::Templates => true,
    };
    if !ok {
        return Err(invalid(match field.check {
            Check::NumericId => "must be the platform's numeric id",
            Check::TelegramSecret => "must be 1–256 of the characters A–Z, a–z, 0–9, _ and -",
            Check::TelegramBotToken => "must be a bot token as BotFather gives it (123456:ABC…)",
            Check::TwilioAccount => "must be a Twilio account SID (AC followed by 32 characters)",
            _ => "must be at most 1024 characters without spaces",
        }));
    }
    Ok(Value::String(raw.to_owned()))
}

fn templates(name: &str, value: &Value) -> Result<Value, ValidationError> {
    let parsed: BTreeMap<String, Template> =
        serde_json::from_value(value.clone()).map_err(|e| {
            ValidationError::new(
                name,
                format!("must map an occasion to {{name, language, parameters}}: {e}"),
            )
        })?;
    for (kind, template) in &parsed {
        let field = format!("{name}.{kind}");
        if !TEMPLATE_KINDS.contains(&kind.as_str()) {
            return Err(ValidationError::new(
                field,
                format!("occasions with templates: {}", TEMPLATE_KINDS.join(", ")),
            ));
        }
        let word = |s: &str, max: usize| {
            !s.is_empty()
                && s.len() <= max
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !word(&template.name, 512) {
            return Err(ValidationError::new(
                format!("{field}.name"),
                "must be the template's name as approved (letters, digits, _)",
            ));
        }
        if !word(&template.language, 16) {
            return Err(ValidationError::new(
                format!("{field}.language"),
                "must be a language code such as en_US or de",
            ));
        }
        if template.parameters.len() > 10 {
            return Err(ValidationError::new(
                format!("{field}.parameters"),
                "at most 10 parameters",
            ));
        }
        if let Some(unknown) = template
            .parameters
            .iter()
            .find(|p| !TEMPLATE_VALUES.contains(&p.as_str()))
        {
            return Err(ValidationError::new(
                format!("{field}.parameters"),
                format!("{unknown:?} is not one of: {}", TEMPLATE_VALUES.join(", ")),
            ));
        }
    }
    serde_json::to_value(parsed).map_err(|e| ValidationError::new(name, e.to_string()))
}

/// The business's connection to a platform, if it has one.
pub fn load(
    conn: &mut DbConnection,
    vault: &Vault,
    business_id: &str,
    platform: Platform,
) -> Result<Option<Connection>, StorageError> {
    channels::find(conn, business_id, platform.as_str())?
        .map(|row| Connection::from_row(&row, vault))
        .transpose()
}

/// Connects a business to a platform, or changes its connection.
pub fn save(
    conn: &mut DbConnection,
    vault: &Vault,
    business_id: &str,
    platform: Platform,
    input: Map<String, Value>,
    now: NaiveDateTime,
) -> Result<(Connection, NaiveDateTime), AppError> {
    let existing = load(conn, vault, business_id, platform)?;
    let mut connection = Connection::configure(business_id, platform, input, existing.as_ref())?;
    let claimed_key = connection.claimed_key();
    // A proof is of one page or number: naming another one starts a new claim.
    let still_proven = existing
        .as_ref()
        .is_some_and(|e| e.is_active() && e.claimed_key() == claimed_key);
    connection.status = if claimed_key.is_none() || still_proven {
        Status::Active
    } else {
        Status::Pending
    };
    connection.updated_at = now;
    // The platform's menus are set up when the connection starts to speak: it was not active
    // before, or it speaks with new credentials now.
    let activated = connection.is_active()
        && existing.as_ref().is_none_or(|e| {
            !e.is_active() || super::menus::credentials(e) != super::menus::credentials(&connection)
        });
    channels::upsert(
        conn,
        &ChannelConnection {
            id: connection.id.clone(),
            business_id: business_id.to_owned(),
            platform: platform.as_str().to_owned(),
            routing_key: claimed_key.clone().filter(|_| connection.is_active()),
            claimed_key,
            settings: connection.settings_json()?,
            secrets: connection.sealed_secrets(vault),
            created_at: now,
            updated_at: now,
            version: connection.version,
        },
    )?;
    if activated {
        super::menus::plan_on_activation(
            conn,
            business_id,
            &connection.id,
            platform,
            connection.version,
            now.and_utc(),
        )?;
    }
    Ok((connection, now))
}

/// Makes a claim whose ownership Meta confirmed the active connection for its page or number;
/// the one active before becomes a claim again. Returns whether it is now the active one.
pub fn activate(
    conn: &mut DbConnection,
    claim: &Connection,
    proof: Proof,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    let Some(key) = claim.claimed_key() else {
        return Ok(claim.is_active());
    };
    let platform = claim.platform.as_str();
    let promoted = channels::promote(conn, platform, &key, &claim.id, now)?;
    if promoted {
        tracing::info!(platform, account = %key, business = %claim.business_id, ?proof, "Meta confirmed a channel claim; it is now the active connection");
        // The version it became active at, which keys this activation's set-up.
        if let Some(row) = channels::find(conn, &claim.business_id, platform)?
            && row.id == claim.id
        {
            super::menus::plan_on_activation(
                conn,
                &claim.business_id,
                &row.id,
                claim.platform,
                row.version,
                now.and_utc(),
            )?;
        }
    }
    Ok(promoted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn secrets_are_kept_when_left_out_and_required_when_new() {
        let first = Connection::configure(
            "b",
            Platform::Telegram,
            input(json!({"bot_token": "123:abc", "secret_token": "s_1"})),
            None,
        )
        .unwrap();
        let again = Connection::configure(
            "b",
            Platform::Telegram,
            input(json!({"secret_token": ""})),
            Some(&first),
        )
        .unwrap();
        assert_eq!(again.secret("bot_token"), Some("123:abc"));
        assert_eq!(again.secret("secret_token"), Some("s_1"));
        let err =
            Connection::configure("b", Platform::Telegram, input(json!({})), None).unwrap_err();
        assert_eq!(err.field, "bot_token");
    }

    #[test]
    fn fields_are_checked() {
        let cases = [
            (
                Platform::Telegram,
                json!({"bot_token": "123:abc", "secret_token": "has space"}),
                "secret_token",
            ),
            (
                Platform::Messenger,
                json!({"page_id": "12a", "page_access_token": "t", "app_secret": "s", "verify_token": "v"}),
                "page_id",
            ),
            (
                Platform::Twilio,
                json!({"account_sid": "AC1", "auth_token": "t", "from_number": "+4930123456"}),
                "account_sid",
            ),
            (
                Platform::Messenger,
                json!({"page_id": "1", "page_access_token": "t", "app_secret": "s", "verify_token": "v", "extra": 1}),
                "extra",
            ),
            (
                Platform::WhatsApp,
                json!({"phone_number_id": "1", "access_token": "t", "app_secret": "s", "verify_token": "v",
                "templates": {"reminder": {"name": "r", "language": "en", "parameters": ["password"]}}}),
                "templates.reminder.parameters",
            ),
        ];
        for (platform, value, field) in cases {
            let err = Connection::configure("b", platform, input(value), None).unwrap_err();
            assert_eq!(err.field, field);
        }
    }

    #[test]
    fn templates_are_stored_and_read_back() {
        let c = Connection::configure("b", Platform::WhatsApp, input(json!({"phone_number_id": "1", "access_token": "t", "app_secret": "s", "verify_token": "v",
            "templates": {"reminder": {"name": "appointment_reminder", "language": "en_US", "parameters": ["service", "time"]}}})), None).unwrap();
        let t = c.template("reminder").unwrap();
        assert_eq!(t.parameters, ["service", "time"]);
        assert!(c.template("booking_update").is_none());
        assert_eq!(c.claimed_key().as_deref(), Some("1"));
        assert!(!c.settings_json().unwrap().as_str().contains("\"t\""));
    }
}
