//! The server's secret key: 32 random bytes, written as base64. It comes from
//! `CHAIRSIDE_SECRET_KEY`, or — for SQLite only — from a key file beside the database file,
//! created with mode 0600 on first start. PostgreSQL has no "beside": every instance must be
//! given the key.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::{KEY_VARIABLE, VaultError};

pub const KEY_LEN: usize = 32;

#[derive(Clone)]
pub struct MasterKey([u8; KEY_LEN]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl PartialEq for MasterKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// Standard or URL-safe base64, padded or not, of exactly 32 bytes; `origin` names where the
    /// text came from for the message.
    pub fn parse(raw: &str, origin: &str) -> Result<Self, VaultError> {
        let raw = raw.trim();
        let decoded = STANDARD
            .decode(raw)
            .or_else(|_| URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')))
            .map_err(|_| VaultError::MalformedKey(origin.to_owned()))?;
        let bytes = <[u8; KEY_LEN]>::try_from(decoded.as_slice())
            .map_err(|_| VaultError::MalformedKey(origin.to_owned()))?;
        Ok(Self(bytes))
    }

    /// As `chairside generate-key` prints it and `CHAIRSIDE_SECRET_KEY` takes it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub(super) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

/// Where the key in use came from, for messages and for `rotate-key` to know where the new
/// one goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    /// An in-memory SQLite database: its secrets die with the process, and so does the key.
    Ephemeral,
}

impl KeySource {
    pub fn describe(&self) -> String {
        match self {
            KeySource::Environment => KEY_VARIABLE.to_owned(),
            KeySource::File(path) => format!("key file {}", path.display()),
            KeySource::Ephemeral => "a key for this process only".to_owned(),
        }
    }
}

/// The key file of a SQLite database file.
pub fn key_file_of(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Where a rotation writes the new key before it commits, so that a crash between the two
/// leaves the key that opens the database on disk.
pub fn pending_key_file(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::KeyFile {
        path: path.display().to_string(),
        source,
    }
}

/// The key in `path`, if the file exists.
pub fn read_key_file(path: &Path) -> Result<Option<MasterKey>, VaultError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(path)(e)),
    };
    warn_if_readable_by_others(path);
    MasterKey::parse(&text, &format!("key file {}", path.display())).map(Some)
}

/// Writes `key` to a new file only its owner may read; refuses to overwrite one.
pub fn write_key_file(path: &Path, key: &MasterKey) -> Result<(), VaultError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(file_error(path))?;
    writeln!(file, "{}", key.to_base64()).map_err(file_error(path))?;
    file.sync_all().map_err(file_error(path))
}

/// Replaces the key file with the pending one a rotation wrote.
pub fn promote_pending(key_file: &Path) -> Result<(), VaultError> {
    std::fs::rename(pending_key_file(key_file), key_file).map_err(file_error(key_file))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "the key file can be read by others than its owner; chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_bytes_of_base64() {
        let key = MasterKey::generate();
        let text = key.to_base64();
        assert_eq!(MasterKey::parse(&text, "test").unwrap(), key);
        assert_eq!(
            MasterKey::parse(&format!("  {text}\n"), "test").unwrap(),
            key
        );
        let url_safe = URL_SAFE_NO_PAD.encode(key.bytes());
        assert_eq!(MasterKey::parse(&url_safe, "test").unwrap(), key);
        for bad in ["", "not base64!", &STANDARD.encode([1u8; 16])] {
            let err = MasterKey::parse(bad, "CHAIRSIDE_SECRET_KEY").unwrap_err();
            assert!(err.to_string().contains("CHAIRSIDE_SECRET_KEY"), "{err}");
        }
        assert_eq!(format!("{key:?}"), "MasterKey(…)");
    }

    #[cfg(unix)]
    #[test]
    fn key_files_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = key_file_of(&dir.path().join("chairside.db"));
        assert!(path.ends_with("chairside.db.key"));
        assert!(read_key_file(&path).unwrap().is_none());
        let key = MasterKey::generate();
        write_key_file(&path, &key).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(read_key_file(&path).unwrap(), Some(key));
        assert!(write_key_file(&path, &MasterKey::generate()).is_err());
    }
}
