//! Signed chat links: a token Chairside gives one customer, carried by an m.me `ref`, a Telegram
//! `/start` parameter or a web chat URL. Following it ties that chat (its platform identity, or
//! the web conversation) to the customer once, so the chat knows them from then on.
//!
//! A token names what it proves and until when, signed under the server's key together with the
//! business it belongs to: `cl_` and 44 URL-safe characters, short enough for Telegram's 64. Two
//! kinds exist:
//! - a **customer** link, which the business asks for (the API) for a customer it knows;
//! - a **booking email** link, put only into emails sent to a booking's email address: following
//!   it proves that address, as clicking a link in a mail does.
//!
//! A link is used once: its hash is kept until it would have expired, and a second chat that
//! follows it gets nothing from it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::access::{Secrets, constant_time_eq};

pub const PREFIX: &str = "cl_";
const MAC_BYTES: usize = 12;
const TOKEN_BYTES: usize = 1 + 16 + 4 + MAC_BYTES;

/// How long a link in a booking's email works.
pub const EMAIL_LINK_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkSubject {
    /// A customer record, by id.
    Customer(String),
    /// The email address a booking was made with, by the booking's id.
    BookingEmail(String),
}

impl LinkSubject {
    fn tag(&self) -> u8 {
        match self {
            Self::Customer(_) => b'c',
            Self::BookingEmail(_) => b'e',
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::Customer(id) | Self::BookingEmail(id) => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLink {
    pub subject: LinkSubject,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not a token of ours, or not for this business.
    Invalid,
    Expired,
}

fn mac(secrets: &Secrets, business_id: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = secrets.mac("chat-link", &format!("{business_id}:{}", hex::encode(body)));
    mac.truncate(MAC_BYTES);
    mac
}

/// The token for `subject`, valid until `expires`. `None` for an id that is not a UUID (ids
/// of this server always are).
pub fn issue(
    secrets: &Secrets,
    business_id: &str,
    subject: &LinkSubject,
    expires: DateTime<Utc>,
) -> Option<String> {
    let uuid = uuid::Uuid::parse_str(subject.id()).ok()?;
    let seconds = u32::try_from(expires.timestamp().max(0)).unwrap_or(u32::MAX);
    let mut body = Vec::with_capacity(TOKEN_BYTES);
    body.push(subject.tag());
    body.extend_from_slice(uuid.as_bytes());
    body.extend_from_slice(&seconds.to_be_bytes());
    let tag = mac(secrets, business_id, &body);
    body.extend_from_slice(&tag);
    Some(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(body)))
}

/// Reads and checks a token for `business_id`.
pub fn read(
    secrets: &Secrets,
    business_id: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<ChatLink, LinkError> {
    let raw = token
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(LinkError::Invalid)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.as_bytes())
        .map_err(|_| LinkError::Invalid)?;
    if bytes.len() != TOKEN_BYTES {
        return Err(LinkError::Invalid);
    }
    let (body, tag) = bytes.split_at(TOKEN_BYTES - MAC_BYTES);
    if !constant_time_eq(&mac(secrets, business_id, body), tag) {
        return Err(LinkError::Invalid);
    }
    let uuid = uuid::Uuid::from_slice(&body[1..17])
        .map_err(|_| LinkError::Invalid)?
        .to_string();
    let seconds = u32::from_be_bytes([body[17], body[18], body[19], body[20]]);
    let expires = DateTime::from_timestamp(i64::from(seconds), 0).ok_or(LinkError::Invalid)?;
    let subject = match body[0] {
        b'c' => LinkSubject::Customer(uuid),
        b'e' => LinkSubject::BookingEmail(uuid),
        _ => return Err(LinkError::Invalid),
    };
    if expires <= now {
        return Err(LinkError::Expired);
    }
    Ok(ChatLink { subject, expires })
}

/// Whether text looks like a chat link token (so it is read as one, not as words).
pub fn is_token(text: &str) -> bool {
    text.trim().strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == (TOKEN_BYTES * 4).div_ceil(3)
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// What is kept of a used token: its hash.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Where a booking's email link expires.
pub fn email_link_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(EMAIL_LINK_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const CUSTOMER: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn tokens_round_trip_fit_telegram_and_are_bound_to_their_business() {
        let secrets = Secrets::from_key(b"k");
        let subject = LinkSubject::Customer(CUSTOMER.to_owned());
        let expires = now() + Duration::days(1);
        let token = issue(&secrets, "biz", &subject, expires).unwrap();
        assert!(token.len() <= 64, "{token}");
        assert!(is_token(&token));
        assert!(
            token[PREFIX.len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let link = read(&secrets, "biz", &token, now()).unwrap();
        assert_eq!(link.subject, subject);
        assert_eq!(link.expires, expires);
        assert_eq!(
            read(&secrets, "other", &token, now()),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            read(&Secrets::from_key(b"j"), "biz", &token, now()),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            read(&secrets, "biz", &token, expires + Duration::seconds(1)),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn altered_tokens_are_refused() {
        let secrets = Secrets::from_key(b"k");
        let subject = LinkSubject::BookingEmail(CUSTOMER.to_owned());
        let token = issue(&secrets, "biz", &subject, now() + Duration::days(1)).unwrap();
        let mut bytes = token.into_bytes();
        let last = bytes.len() - 5;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        assert_eq!(
            read(&secrets, "biz", &altered, now()),
            Err(LinkError::Invalid)
        );
        for junk in ["", "cl_", "cl_abc", "hello", "cl_!!!!"] {
            assert_eq!(read(&secrets, "biz", junk, now()), Err(LinkError::Invalid));
        }
        assert_eq!(
            issue(&secrets, "biz", &LinkSubject::Customer("x".into()), now()),
            None
        );
    }
}
