//! Every protected value in the database, in one list: what the first start with a key seals
//! (data from before values were sealed) and what a key rotation re-seals. A new kind
//! of stored secret is added to [`protected_values`] and [`Place`], nowhere else.
//!
//! Both run inside one writing transaction that first takes the set-up lock, so two instances
//! starting together, or a start during a rotation, never see half of the rows changed.

use std::path::PathBuf;

use super::key::{self, KeySource, MasterKey};
use super::{Binding, Vault, VaultError, sealed_version};
use crate::storage::{self, Database, DbConnection, StorageResult, channels, settings};

/// The setting that holds [`KEY_CHECK_MARKER`] sealed under the current key.
const KEY_CHECK_SETTING: &str = "secret_key_check";
const KEY_CHECK_MARKER: &str = "chairside secret key check";
/// The setting that holds the manage-link key (see `access::Secrets`).
pub const MANAGE_KEY_SETTING: &str = "manage_token_key";
/// Settings whose values are sealed.
const SEALED_SETTINGS: [&str; 1] = [MANAGE_KEY_SETTING];
/// The tables protected values live in.
const TABLES: [&str; 2] = ["settings", "channel_connections"];

/// A protected value's place in the database.
enum Place {
    Setting(&'static str),
    ChannelSecrets {
        business_id: String,
        platform: String,
    },
}

impl Place {
    fn binding(&self) -> Binding {
        match self {
            Place::Setting(key) => Binding::setting(key),
            Place::ChannelSecrets {
                business_id,
                platform,
            } => Binding::channel_secrets(business_id, platform),
        }
    }

    fn store(&self, conn: &mut DbConnection, value: &str) -> StorageResult<()> {
        match self {
            Place::Setting(key) => settings::set(conn, key, value),
            Place::ChannelSecrets {
                business_id,
                platform,
            } => channels::set_secrets(conn, business_id, platform, value),
        }
    }
}

struct Protected {
    place: Place,
    stored: String,
}

fn protected_values(conn: &mut DbConnection) -> StorageResult<Vec<Protected>> {
    let mut values = Vec::new();
    for key in SEALED_SETTINGS {
        if let Some(stored) = settings::get(conn, key)? {
            values.push(Protected {
                place: Place::Setting(key),
                stored,
            });
        }
    }
    for row in channels::all(conn)? {
        values.push(Protected {
            place: Place::ChannelSecrets {
                business_id: row.business_id,
                platform: row.platform,
            },
            stored: row.secrets,
        });
    }
    Ok(values)
}

/// The key a database opened with, and where it came from.
#[derive(Debug)]
pub struct Unlocked {
    pub vault: Vault,
    pub source: KeySource,
    /// Plain values found and sealed by this start.
    pub sealed_now: usize,
}

/// Finds the key (the configured one, else the SQLite key file, made on first start), checks
/// it against the database's key check, and seals any value still stored in plain text.
pub fn unlock(db: &Database, configured: Option<&MasterKey>) -> Result<Unlocked, VaultError> {
    let key_file = db.file().map(key::key_file_of);
    let unlocked = db.write_blocking(|conn| {
        settings::lock_for_setup(conn)?;
        let (vault, source, sealed_now) = match settings::get(conn, KEY_CHECK_SETTING)? {
            Some(check) => {
                let (vault, source) = open_check(&check, configured, key_file.as_ref())?;
                check_sealed(conn, &vault)?;
                (vault, source, 0)
            }
            None => {
                let (key, source) = first_key(configured, key_file, db)?;
                let vault = Vault::new(key, 1);
                settings::set(conn, KEY_CHECK_SETTING, &key_check(&vault))?;
                let sealed_now = seal_plain(conn, &vault)?;
                (vault, source, sealed_now)
            }
        };
        Ok::<_, VaultError>(Unlocked {
            vault,
            source,
            sealed_now,
        })
    })?;
    // The plain values just replaced are still on disk until their space is rewritten.
    if unlocked.sealed_now > 0 {
        db.rewrite_files(&TABLES)?;
    }
    Ok(unlocked)
}

fn key_check(vault: &Vault) -> String {
    vault.seal(&Binding::setting(KEY_CHECK_SETTING), KEY_CHECK_MARKER)
}

fn opens_check(vault: &Vault, check: &str) -> bool {
    vault
        .open(&Binding::setting(KEY_CHECK_SETTING), check)
        .is_ok_and(|marker| marker == KEY_CHECK_MARKER)
}

/// The key of a database that has one: it must open the key check.
fn open_check(
    check: &str,
    configured: Option<&MasterKey>,
    key_file: Option<&PathBuf>,
) -> Result<(Vault, KeySource), VaultError> {
    let version = sealed_version(check)
        .ok_or_else(|| VaultError::Unreadable(format!("setting {KEY_CHECK_SETTING}")))?;
    let (key, source) = match (configured, key_file) {
        (Some(key), _) => (key.clone(), KeySource::Environment),
        (None, Some(path)) => match key::read_key_file(path)? {
            Some(key) => (key, KeySource::File(path.clone())),
            None => return Err(VaultError::MissingKeyFile(path.display().to_string())),
        },
        (None, None) => return Err(VaultError::MissingKey),
    };
    let vault = Vault::new(key, version);
    if opens_check(&vault, check) {
        return Ok((vault, source));
    }
    // A rotation that committed but stopped before its new key file replaced the old one.
    if let KeySource::File(path) = &source
        && let Some(pending) = key::read_key_file(&key::pending_key_file(path))?
    {
        let vault = Vault::new(pending, version);
        if opens_check(&vault, check) {
            key::promote_pending(path)?;
            tracing::warn!(path = %path.display(), "finished an interrupted key rotation");
            return Ok((vault, source));
        }
    }
    Err(VaultError::WrongKey(source.describe()))
}

/// The key of a database that has none yet.
fn first_key(
    configured: Option<&MasterKey>,
    key_file: Option<PathBuf>,
    db: &Database,
) -> Result<(MasterKey, KeySource), VaultError> {
    if let Some(key) = configured {
        return Ok((key.clone(), KeySource::Environment));
    }
    match (db.backend(), key_file) {
        (storage::Backend::Postgres, _) => Err(VaultError::MissingKey),
        (storage::Backend::Sqlite, None) => Ok((MasterKey::generate(), KeySource::Ephemeral)),
        (storage::Backend::Sqlite, Some(path)) => {
            // A key file left from an earlier database of the same name is used, not replaced:
            // whoever kept it may still need it.
            let key = match key::read_key_file(&path)? {
                Some(key) => key,
                None => {
                    let key = MasterKey::generate();
                    key::write_key_file(&path, &key)?;
                    tracing::info!(path = %path.display(), "created the secret key file; back it up with the database");
                    key
                }
            };
            Ok((key, KeySource::File(path)))
        }
    }
}

/// Once a database has a key check, everything Chairside stores in it is sealed. A plain value
/// then was written by someone else, and sealing it would make their value (a manage-link key
/// they chose, say) trusted: the start is refused instead. A value this key cannot open (an
/// instance that kept running through a rotation wrote it under the old key) is reported; the
/// rest of the service works, and that connection must be entered again.
fn check_sealed(conn: &mut DbConnection, vault: &Vault) -> Result<(), VaultError> {
    for value in protected_values(conn)? {
        let binding = value.place.binding();
        if !Vault::is_sealed(&value.stored) {
            return Err(VaultError::PlainValue(binding.as_str().to_owned()));
        }
        if let Err(e) = vault.open(&binding, &value.stored) {
            tracing::error!("{e}; enter it again");
        }
    }
    Ok(())
}

/// Seals every protected value still stored in plain text (a database from before values were
/// sealed); returns how many there were.
fn seal_plain(conn: &mut DbConnection, vault: &Vault) -> Result<usize, VaultError> {
    let mut sealed = 0;
    for value in protected_values(conn)? {
        if !Vault::is_sealed(&value.stored) {
            value
                .place
                .store(conn, &vault.seal(&value.place.binding(), &value.stored))?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// Opens every protected value with `current` and seals it with `next`, and moves the key
/// check to `next`; returns how many values were re-sealed.
fn reseal(conn: &mut DbConnection, current: &Vault, next: &Vault) -> Result<usize, VaultError> {
    settings::lock_for_setup(conn)?;
    let check = settings::get(conn, KEY_CHECK_SETTING)?.unwrap_or_default();
    if !opens_check(current, &check) {
        return Err(VaultError::WrongKey(
            "the running rotation (the key changed meanwhile)".to_owned(),
        ));
    }
    let values = protected_values(conn)?;
    for value in &values {
        let binding = value.place.binding();
        let plain = if Vault::is_sealed(&value.stored) {
            current.open(&binding, &value.stored)?
        } else {
            value.stored.clone()
        };
        value.place.store(conn, &next.seal(&binding, &plain))?;
    }
    settings::set(conn, KEY_CHECK_SETTING, &key_check(next))?;
    Ok(values.len())
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    pub vault: Vault,
    pub resealed: usize,
    /// Where the current key came from, and so where the new one must go.
    pub source: KeySource,
}

/// Re-seals every protected value under `new_key` as the next key version, in one
/// transaction. With a key file, the new key is written beside it first and replaces it once
/// the transaction has committed.
pub fn rotate(
    db: &Database,
    configured: Option<&MasterKey>,
    new_key: MasterKey,
) -> Result<Rotated, VaultError> {
    let current = unlock(db, configured)?;
    let next = current.vault.successor(new_key)?;
    if let KeySource::File(path) = &current.source {
        let pending = key::pending_key_file(path);
        // A pending key that does not open the database is from a rotation that never
        // committed.
        if pending.exists() {
            std::fs::remove_file(&pending).map_err(|source| VaultError::KeyFile {
                path: pending.display().to_string(),
                source,
            })?;
        }
        key::write_key_file(&pending, next.key())?;
    }
    let resealed = db.write_blocking(|conn| reseal(conn, &current.vault, &next));
    if let KeySource::File(path) = &current.source {
        match &resealed {
            Ok(_) => key::promote_pending(path)?,
            Err(_) => {
                let _ = std::fs::remove_file(key::pending_key_file(path));
            }
        }
    }
    let resealed = resealed?;
    // Values sealed under the old key would otherwise stay readable by whoever has it.
    db.rewrite_files(&TABLES)?;
    Ok(Rotated {
        vault: next,
        resealed,
        source: current.source,
    })
}
