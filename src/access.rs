//! Who may do what: business API keys and the tokens that let a customer manage one booking.
//!
//! API keys are random and shown once; only their SHA-256 is stored (a slow password hash adds
//! nothing for 256 random bits, and lookups by hash stay a single indexed query). Manage tokens
//! are an HMAC of the booking id under a key kept in the database, so every instance can check
//! them and reminders can repeat the link without storing the token; that key is stored sealed
//! (see [`crate::vault`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::storage::{DbConnection, StorageError, StorageResult, settings};
pub use crate::vault::MANAGE_KEY_SETTING;
use crate::vault::{Binding, Vault};

const API_KEY_PREFIX: &str = "csk_";

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn generate_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token(32))
}

pub fn hash_api_key(key: &str) -> String {
    hash_secret(key)
}

/// The SHA-256 of a random secret (API key, calendar feed token), as stored and looked up.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A calendar feed token: whoever holds it can read one staff member's bookings.
pub fn generate_feed_token() -> String {
    random_token(32)
}

/// Whether a bearer token looks like an API key rather than a manage token.
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(API_KEY_PREFIX)
}

/// Server-wide secret keys, shared by all instances through the database.
#[derive(Clone)]
pub struct Secrets {
    manage_key: Vec<u8>,
}

impl Secrets {
    /// The manage-link key, made on first start. Only a sealed value is accepted: a plain one
    /// written into the database by someone without the secret key would let them sign links.
    pub fn load(conn: &mut DbConnection, vault: &Vault) -> StorageResult<Self> {
        let binding = Binding::setting(MANAGE_KEY_SETTING);
        let stored = settings::get_or_init(conn, MANAGE_KEY_SETTING, || {
            vault.seal(&binding, &random_token(32))
        })?;
        let encoded = vault
            .open(&binding, &stored)
            .map_err(|e| StorageError::corrupt(format!("setting {MANAGE_KEY_SETTING}"), e))?;
        let manage_key = URL_SAFE_NO_PAD.decode(encoded.as_bytes()).map_err(|_| {
            StorageError::corrupt(format!("setting {MANAGE_KEY_SETTING}"), "not base64")
        })?;
        Ok(Self { manage_key })
    }

    /// For tests and tools that need a fixed key.
    pub fn from_key(key: &[u8]) -> Self {
        Self {
            manage_key: key.to_vec(),
        }
    }

    /// A keyed hash of `subject` for one purpose (manage tokens, one-time codes, chat links):
    /// different purposes never share a value.
    pub fn mac(&self, purpose: &str, subject: &str) -> Vec<u8> {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.manage_key).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(subject.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The token that lets whoever holds it view, move or cancel this one booking, in the
    /// booking's current link version (staff revoking a link bump it; version 0 is the form
    /// links had before versions existed, so they keep working).
    pub fn manage_token(&self, booking_id: &str, version: i32) -> String {
        let subject = match version {
            0 => booking_id.to_owned(),
            v => format!("{booking_id}:v{v}"),
        };
        URL_SAFE_NO_PAD.encode(self.mac("booking", &subject))
    }

    /// The page where a customer sees, moves or cancels this booking; every message repeats it.
    pub fn manage_url(
        &self,
        public_url: &str,
        slug: &str,
        booking_id: &str,
        version: i32,
    ) -> String {
        format!(
            "{public_url}/b/{slug}/manage/{booking_id}?token={}",
            self.manage_token(booking_id, version)
        )
    }

    pub fn verify_manage_token(&self, booking_id: &str, version: i32, token: &str) -> bool {
        constant_time_eq(
            self.manage_token(booking_id, version).as_bytes(),
            token.trim().as_bytes(),
        )
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_tokens_are_per_booking_and_per_key() {
        let secrets = Secrets::from_key(b"k1");
        let token = secrets.manage_token("b1", 0);
        assert!(secrets.verify_manage_token("b1", 0, &token));
        assert!(!secrets.verify_manage_token("b2", 0, &token));
        assert!(!Secrets::from_key(b"k2").verify_manage_token("b1", 0, &token));
        assert!(!secrets.verify_manage_token("b1", 0, ""));
        // A revoked link (older version) stops working; the new one works.
        let renewed = secrets.manage_token("b1", 1);
        assert!(!secrets.verify_manage_token("b1", 1, &token));
        assert!(secrets.verify_manage_token("b1", 1, &renewed));
    }

    #[test]
    fn api_keys_are_random_and_hashed() {
        let (a, b) = (generate_api_key(), generate_api_key());
        assert_ne!(a, b);
        assert!(is_api_key(&a));
        assert_eq!(hash_api_key(&a).len(), 64);
    }
}
