//! One-time codes: a customer gives a phone number or an email address, Chairside sends six
//! digits there, and the customer types them back in the same conversation — which proves the
//! contact is theirs.
//!
//! A code lives 10 minutes and allows 5 tries; only a keyed hash of it is stored (six digits
//! are a million guesses offline, not under a secret key). Requests are limited per contact and
//! per client address in the `attempts` table, so the limits hold across instances and cannot be
//! used to flood someone's phone; they stay on when `CHAIRSIDE_RATE_LIMITS=off`. The plain code
//! never touches the database: it leaves the turn in memory, as a [`CodeDelivery`].

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::identity::{Identity, IdentityKind};
use crate::access::{Secrets, constant_time_eq};
use crate::config::ProofLimits;
use crate::languages::Locale;
use crate::languages::phrases::fill;
use crate::storage::attempts::{self, Exhausted};
use crate::storage::models::VerificationCode;
use crate::storage::{DbConnection, StorageResult, codes, new_id, to_db_time};

pub const CODE_DIGITS: usize = 6;
pub const CODE_MINUTES: i64 = 10;
pub const MAX_TRIES: i32 = 5;

/// Where a code goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRoute {
    Email(String),
    /// By SMS through the business's Twilio connection, to an E.164 number.
    Sms(String),
    /// On WhatsApp to this number: as text while its 24-hour window is open, else as the
    /// business's approved authentication template.
    WhatsApp {
        to: String,
        window_open: bool,
    },
}

/// A code on its way, held in memory only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDelivery {
    pub business_id: String,
    pub business_name: String,
    pub route: CodeRoute,
    pub code: String,
    pub locale: Locale,
}

impl CodeDelivery {
    /// The message around the code, in the customer's language.
    pub fn text(&self) -> String {
        fill(
            self.locale.language().replies.code_message,
            &[
                ("code", &self.code),
                ("business", &self.business_name),
                ("minutes", &CODE_MINUTES.to_string()),
            ],
        )
    }

    pub fn subject(&self) -> String {
        fill(
            self.locale.language().replies.code_subject,
            &[("code", &self.code), ("business", &self.business_name)],
        )
    }
}

/// Why no code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefused {
    /// Too many codes for this contact or from this address lately.
    Limited(Exhausted),
}

fn code_hash(secrets: &Secrets, conversation_id: &str, code: &str) -> String {
    hex::encode(secrets.mac("verification-code", &format!("{conversation_id}:{code}")))
}

/// Issues a code for `identity` in a conversation, within the limits; any earlier code of the
/// conversation stops working. `client` is who asks: a client address, or the platform sender.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    conn: &mut DbConnection,
    secrets: &Secrets,
    limits: &ProofLimits,
    business_id: &str,
    conversation_id: &str,
    identity: &Identity,
    client: &str,
    now: DateTime<Utc>,
) -> StorageResult<Result<String, CodeRefused>> {
    let reserved = attempts::reserve(
        conn,
        &[
            limits
                .codes_per_contact
                .limit(format!("code:contact:{}", identity.value)),
            limits
                .codes_per_client
                .limit(format!("code:client:{client}")),
        ],
        to_db_time(now),
    )?;
    if let Err(exhausted) = reserved {
        return Ok(Err(CodeRefused::Limited(exhausted)));
    }
    codes::retire_of_conversation(conn, conversation_id, to_db_time(now))?;
    let code = generate();
    codes::insert(
        conn,
        &VerificationCode {
            id: new_id(),
            business_id: business_id.to_owned(),
            conversation_id: conversation_id.to_owned(),
            contact_kind: identity.kind.as_str().to_owned(),
            contact_value: identity.value.clone(),
            code_hash: code_hash(secrets, conversation_id, &code),
            attempts: 0,
            created_at: to_db_time(now),
            expires_at: to_db_time(now + Duration::minutes(CODE_MINUTES)),
            consumed_at: None,
        },
    )?;
    Ok(Ok(code))
}

fn generate() -> String {
    let mut rng = rand::rng();
    (0..CODE_DIGITS)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// What typing a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Proven(Identity),
    Wrong {
        tries_left: i32,
    },
    Expired,
    /// The code was tried too often; a new one is needed.
    UsedUp,
    /// No code is waiting in this conversation.
    NoCode,
}

/// Checks a typed code against the conversation's live code; call with the conversation locked
/// (the turn's transaction), so two tries cannot race.
pub fn check(
    conn: &mut DbConnection,
    secrets: &Secrets,
    conversation_id: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> StorageResult<CodeCheck> {
    let Some(code) = codes::live_of_conversation(conn, conversation_id)? else {
        return Ok(CodeCheck::NoCode);
    };
    if code.expires_at <= to_db_time(now) {
        return Ok(CodeCheck::Expired);
    }
    if code.attempts >= MAX_TRIES {
        return Ok(CodeCheck::UsedUp);
    }
    let expected = code_hash(secrets, conversation_id, typed);
    if constant_time_eq(expected.as_bytes(), code.code_hash.as_bytes()) {
        codes::consume(conn, &code.id, to_db_time(now))?;
        let kind = IdentityKind::parse(&code.contact_kind).unwrap_or(IdentityKind::Email);
        return Ok(CodeCheck::Proven(Identity::new(kind, code.contact_value)));
    }
    let tries = codes::count_try(conn, &code.id)?;
    Ok(if tries >= MAX_TRIES {
        CodeCheck::UsedUp
    } else {
        CodeCheck::Wrong {
            tries_left: MAX_TRIES - tries,
        }
    })
}

/// The code in what a customer typed: its digits in any script, with spaces, dashes or words
/// around them ("my code is 123 456", "１２３４５６", "١٢٣٤٥٦"). `Err` with the number of digits
/// found when they are not six.
pub fn read_typed(text: &str) -> Result<String, usize> {
    let digits: String = text.chars().filter_map(decimal_digit).collect();
    if digits.len() == CODE_DIGITS {
        Ok(digits)
    } else {
        Err(digits.len())
    }
}

/// The first code point of each run of ten decimal digits in Unicode (category Nd) that people
/// type codes in: ASCII, Arabic-Indic, Persian, N'Ko, the Indic scripts, Thai, Lao, Tibetan,
/// Myanmar, Khmer, Mongolian and fullwidth.
const DIGIT_ZEROS: [u32; 24] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x19D0, 0xA9D0, 0xFF10,
];

fn decimal_digit(c: char) -> Option<char> {
    let point = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&point))
        .and_then(|zero| char::from_digit(point - zero, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_script_and_spacing() {
        assert_eq!(read_typed("123456").as_deref(), Ok("123456"));
        assert_eq!(read_typed(" 123 456 ").as_deref(), Ok("123456"));
        assert_eq!(
            read_typed("my code is 12-34-56, thanks").as_deref(),
            Ok("123456")
        );
        assert_eq!(read_typed("１２３４５６").as_deref(), Ok("123456"));
        assert_eq!(read_typed("١٢٣٤٥٦").as_deref(), Ok("123456"));
        assert_eq!(read_typed("۱۲۳۴۵۶").as_deref(), Ok("123456"));
        assert_eq!(read_typed("१२३४५६").as_deref(), Ok("123456"));
        assert_eq!(read_typed("12345"), Err(5));
        assert_eq!(read_typed("1234567"), Err(7));
        assert_eq!(read_typed("no digits"), Err(0));
    }

    #[test]
    fn generated_codes_have_six_digits() {
        for _ in 0..100 {
            let code = generate();
            assert_eq!(read_typed(&code).as_deref(), Ok(code.as_str()));
        }
    }

    #[test]
    fn hashes_are_keyed_and_per_conversation() {
        let secrets = Secrets::from_key(b"k");
        assert_ne!(
            code_hash(&secrets, "c1", "123456"),
            code_hash(&secrets, "c2", "123456")
        );
        assert_ne!(
            code_hash(&secrets, "c1", "123456"),
            code_hash(&Secrets::from_key(b"j"), "c1", "123456")
        );
    }
}
