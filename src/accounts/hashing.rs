//! Argon2 work on a bounded pool.
//!
//! Each hash takes about 19 MiB and tens of milliseconds of one core, by design. Unbounded, a
//! flood of logins would run hundreds at once and take gigabytes; here at most
//! [`HashingPool::for_this_machine`] run together (twice the cores: enough to keep the cores
//! busy while others wait for the database), and a request that finds no free place is refused
//! at once with 503 and `Retry-After: 1` rather than queued. A place is taken before anything
//! else is done for a login, so a refused login costs nothing.

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Password;
use crate::error::AppError;
use crate::storage::StorageError;

/// The places for Argon2 work. Cheap to clone.
#[derive(Clone)]
pub struct HashingPool {
    places: Arc<Semaphore>,
}

/// The right to run one Argon2 hash or check now.
pub struct HashingPlace(OwnedSemaphorePermit);

impl HashingPool {
    pub fn new(places: usize) -> Self {
        Self {
            places: Arc::new(Semaphore::new(places.max(1))),
        }
    }

    /// Twice the machine's cores.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(2 * cores)
    }

    /// A free place, or [`AppError::Busy`] at once.
    pub fn place(&self) -> Result<HashingPlace, AppError> {
        Arc::clone(&self.places)
            .try_acquire_owned()
            .map(HashingPlace)
            .map_err(|_| AppError::Busy {
                retry_after_seconds: 1,
            })
    }
}

impl HashingPlace {
    /// Argon2id with a fresh random salt, on the blocking pool.
    pub async fn hash(self, password: &Password) -> Result<String, AppError> {
        let password = password.as_str().to_owned();
        self.run(move || hash_blocking(&password)).await
    }

    /// Checks a password against a stored hash; an unknown login is checked against a dummy
    /// hash so that it takes as long as a known one and does not reveal which logins exist.
    pub async fn verify(self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || {
            let hash = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let Ok(parsed) = PasswordHash::new(hash) else {
                return Ok(false);
            };
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(matches && stored.is_some())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        // The place goes with the work: a request cancelled mid-hash keeps it until the hash ends.
        let place = self.0;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(place);
            result
        })
        .await
        .map_err(|_| AppError::Storage(StorageError::TaskAborted))?
    }
}

fn hashing_failed(e: argon2::password_hash::Error) -> AppError {
    StorageError::Corrupt(format!("password hashing failed: {e}")).into()
}

/// Argon2id with a fresh random salt; takes tens of milliseconds by design. Only for callers
/// outside any request (the demo's command), which need no place on the pool.
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(hashing_failed)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(hashing_failed)?
        .to_string())
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not the password of anyone").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn places_are_bounded_and_come_back() {
        let pool = HashingPool::new(2);
        let first = pool.place().expect("a place");
        let _second = pool.place().expect("a place");
        assert!(matches!(pool.place(), Err(AppError::Busy { .. })));
        let password = Password::parse("password", "long enough password").unwrap();
        let hash = first.hash(&password).await.expect("hashed");
        let check = pool.place().expect("the place came back");
        assert!(
            check
                .verify(password.as_str().to_owned(), Some(hash))
                .await
                .unwrap()
        );
        let unknown = pool.place().expect("a place");
        assert!(!unknown.verify("whatever".to_owned(), None).await.unwrap());
    }
}
