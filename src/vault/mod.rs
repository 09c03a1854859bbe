//! Secrets at rest: every stored value that must be read back in the clear (platform tokens,
//! the manage-link signing key) is sealed with XChaCha20-Poly1305 under the server's secret key.
//!
//! A sealed value reads `enc:v<version>:<base64url(nonce ‖ ciphertext)>`. The version names the
//! key it was sealed under, so a rotation is visible in every row. The associated data binds a
//! value to the place it protects (table, column, row), so a sealed value copied into another
//! row — another business's connection, say — does not open there.
//!
//! The key never lives in the database. What the database holds is a key check (a known marker
//! sealed under the key), so a wrong key is refused at start instead of silently sealing new
//! values under a second key. Values that only need comparing (API keys, sessions, feed tokens,
//! one-time codes) are hashed elsewhere and never need the key.
//!
//! - [`key`]: the key itself, and where it comes from (the environment or a key file);
//! - [`at_rest`]: every protected value in the database, sealed at start and re-sealed by
//!   `chairside rotate-key`.

pub mod at_rest;
pub mod key;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

pub use at_rest::{MANAGE_KEY_SETTING, Unlocked, rotate, unlock};
pub use key::{KeySource, MasterKey};

use crate::storage::StorageError;

const PREFIX: &str = "enc:v";
const NONCE_LEN: usize = 24;
/// The environment variable that holds the key; named in every message about a key.
pub const KEY_VARIABLE: &str = "CHAIRSIDE_SECRET_KEY";
/// The new key `chairside rotate-key` seals under, when given.
pub const NEW_KEY_VARIABLE: &str = "CHAIRSIDE_NEW_SECRET_KEY";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "{KEY_VARIABLE} is not set. With PostgreSQL there is no key file: every instance needs \
         the same key. Make one with `chairside generate-key` and set {KEY_VARIABLE} to it"
    )]
    MissingKey,
    #[error(
        "{0} is not a secret key: expected the base64 of 32 bytes, as `chairside generate-key` \
         prints"
    )]
    MalformedKey(String),
    #[error(
        "the secret key from {0} does not open this database's secrets: start with the key they \
         were sealed under (set {KEY_VARIABLE}); Chairside never re-keys a database by itself"
    )]
    WrongKey(String),
    #[error(
        "this database's secrets are sealed, but its key file {0} is missing: restore it, or set \
         {KEY_VARIABLE} to the key"
    )]
    MissingKeyFile(String),
    #[error("key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the new key in {NEW_KEY_VARIABLE} is the current key")]
    SameKey,
    #[error("a sealed value ({0}) cannot be opened with this key")]
    Unreadable(String),
    #[error(
        "a stored secret ({0}) is in plain text although this database's secrets are sealed: \
         it was not written by Chairside and is not trusted; restore the row from a backup or \
         delete it"
    )]
    PlainValue(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Where a sealed value lives; part of what it is sealed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding(String);

impl Binding {
    /// A value in the settings table.
    pub fn setting(key: &str) -> Self {
        Self(format!("settings.value/{key}"))
    }

    /// A business's secrets for one platform.
    pub fn channel_secrets(business_id: &str, platform: &str) -> Self {
        Self(format!(
            "channel_connections.secrets/{business_id}/{platform}"
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key in use and its version. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
    key: MasterKey,
    version: u32,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Vault {
    pub fn new(key: MasterKey, version: u32) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.bytes().into()),
            key,
            version,
        }
    }

    /// A vault with `key` as the next version, for a rotation.
    pub fn successor(&self, key: MasterKey) -> Result<Self, VaultError> {
        if key == self.key {
            return Err(VaultError::SameKey);
        }
        Ok(Self::new(key, self.version + 1))
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn key(&self) -> &MasterKey {
        &self.key
    }

    /// Whether a stored value is sealed (by any key version), rather than plain text from
    /// before values were sealed.
    pub fn is_sealed(stored: &str) -> bool {
        sealed_version(stored).is_some()
    }

    pub fn seal(&self, binding: &Binding, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = associated_data(self.version, binding);
        // Sealing fails only for messages over 256 GiB; nothing stored comes near.
        let ciphertext = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any message under 256 GiB");
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}:{}", self.version, URL_SAFE_NO_PAD.encode(raw))
    }

    /// The plain text of a value this vault's key sealed for `binding`.
    pub fn open(&self, binding: &Binding, stored: &str) -> Result<String, VaultError> {
        let unreadable = || VaultError::Unreadable(binding.as_str().to_owned());
        let (version, body) = split_sealed(stored).ok_or_else(unreadable)?;
        if version != self.version {
            return Err(unreadable());
        }
        let raw = URL_SAFE_NO_PAD
            .decode(body.as_bytes())
            .map_err(|_| unreadable())?;
        if raw.len() < NONCE_LEN {
            return Err(unreadable());
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let aad = associated_data(version, binding);
        let plaintext = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| unreadable())?;
        String::from_utf8(plaintext).map_err(|_| unreadable())
    }
}

/// The key version a sealed value names.
pub fn sealed_version(stored: &str) -> Option<u32> {
    split_sealed(stored).map(|(version, _)| version)
}

fn split_sealed(stored: &str) -> Option<(u32, &str)> {
    let (version, body) = stored.strip_prefix(PREFIX)?.split_once(':')?;
    let version = version.parse().ok().filter(|v| *v > 0)?;
    Some((version, body))
}

/// The version is bound too, so a value cannot be relabelled as sealed under another key.
fn associated_data(version: u32, binding: &Binding) -> String {
    format!("chairside/v{version}/{}", binding.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(version: u32) -> Vault {
        Vault::new(MasterKey::generate(), version)
    }

    #[test]
    fn sealed_values_open_only_where_and_with_what_they_were_sealed() {
        let vault = vault(1);
        let here = Binding::channel_secrets("b1", "telegram");
        let sealed = vault.seal(&here, r#"{"bot_token":"123:abc"}"#);
        assert!(sealed.starts_with("enc:v1:"));
        assert!(!sealed.contains("123:abc"));
        assert!(Vault::is_sealed(&sealed));
        assert_eq!(
            vault.open(&here, &sealed).unwrap(),
            r#"{"bot_token":"123:abc"}"#
        );
        // Another row, another key, another version label, a flipped byte: all refused.
        let elsewhere = Binding::channel_secrets("b2", "telegram");
        assert!(vault.open(&elsewhere, &sealed).is_err());
        assert!(
            Vault::new(MasterKey::generate(), 1)
                .open(&here, &sealed)
                .is_err()
        );
        let relabelled = sealed.replacen("enc:v1:", "enc:v2:", 1);
        assert!(
            Vault::new(vault.key().clone(), 2)
                .open(&here, &relabelled)
                .is_err()
        );
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(
            vault
                .open(&here, &String::from_utf8(tampered).unwrap())
                .is_err()
        );
        assert!(vault.open(&here, "enc:v1:").is_err());
        assert!(vault.open(&here, "{}").is_err());
    }

    #[test]
    fn each_seal_is_fresh_and_plain_text_is_told_apart() {
        let vault = vault(3);
        let binding = Binding::setting("manage_token_key");
        assert_ne!(vault.seal(&binding, "k"), vault.seal(&binding, "k"));
        assert_eq!(sealed_version(&vault.seal(&binding, "k")), Some(3));
        for plain in ["{}", "abc", "enc:", "enc:v0:xx", "enc:vx:yy"] {
            assert!(!Vault::is_sealed(plain), "{plain}");
        }
    }

    #[test]
    fn a_rotation_needs_a_new_key() {
        let vault = vault(1);
        assert!(matches!(
            vault.successor(vault.key().clone()),
            Err(VaultError::SameKey)
        ));
        assert_eq!(vault.successor(MasterKey::generate()).unwrap().version(), 2);
    }
}
