//! Argon2 work on a bounded pool.
//!
//! Each hash takes about 19 MiB and tens of milliseconds of one core, by design. Unbounded, a
//! flood of logins would run hundreds at once and take gigabytes; here at most
//! [`HashingPool::for_this_machine`] run together (twice the cores: enough to keep the cores
//! busy while others wait for the database), and a request that finds no free place is refused
//! at once with 503 and `Retry-After: 1` rather than queued. A place is taken before anything
//! else is done for a login, so a refused login costs nothing.
//!
//! Each place owns its Argon2 working memory and hands it on to the next request: allocating
//! 19 MiB per hash from whichever blocking thread runs it leaves the allocator holding a block
//! that size in every thread's arena (measured: 289 MiB after a flood on two cores), while the
//! pool's own blocks bound it at places × 19 MiB. So hashes are made and checked with
//! `hash_password_into_with_memory`, to the same PHC strings as the crate's own
//! `hash_password`/`verify_password`.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Password;
use crate::error::AppError;
use crate::storage::StorageError;

/// The places for Argon2 work. Cheap to clone.
#[derive(Clone)]
pub struct HashingPool {
    places: Arc<Semaphore>,
    /// Working memory of places not in use (at most one per place).
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

/// The right to run one Argon2 hash or check now, with the memory to run it in.
pub struct HashingPlace {
    _permit: OwnedSemaphorePermit,
    memory: Vec<Block>,
    pool: HashingPool,
}

impl Drop for HashingPlace {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        if !memory.is_empty() {
            self.pool.stash().push(memory);
        }
    }
}

impl HashingPool {
    pub fn new(places: usize) -> Self {
        Self {
            places: Arc::new(Semaphore::new(places.max(1))),
            memory: Arc::default(),
        }
    }

    fn stash(&self) -> std::sync::MutexGuard<'_, Vec<Vec<Block>>> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Twice the machine's cores.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(2 * cores)
    }

    /// A free place, or [`AppError::Busy`] at once.
    pub fn place(&self) -> Result<HashingPlace, AppError> {
        let permit = Arc::clone(&self.places)
            .try_acquire_owned()
            .map_err(|_| AppError::Busy {
                retry_after_seconds: 1,
            })?;
        let memory = self.stash().pop().unwrap_or_default();
        Ok(HashingPlace {
            _permit: permit,
            memory,
            pool: self.clone(),
        })
    }
}

impl HashingPlace {
    /// Argon2id with a fresh random salt, on the blocking pool.
    pub async fn hash(self, password: &Password) -> Result<String, AppError> {
        let password = password.as_str().to_owned();
        self.run(move |memory| hash_in(memory, &password)).await
    }

    /// Checks a password against a stored hash; an unknown login is checked against a dummy
    /// hash so that it takes as long as a known one and does not reveal which logins exist.
    pub async fn verify(self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move |memory| {
            let hash = stored.as_deref().unwrap_or_else(|| dummy_hash());
            Ok(verify_in(memory, &password, hash) && stored.is_some())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        mut self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        // The place goes with the work: a request cancelled mid-hash keeps it until the hash ends.
        tokio::task::spawn_blocking(move || work(&mut self.memory))
            .await
            .map_err(|_| AppError::Storage(StorageError::TaskAborted))?
    }
}

/// `memory` grown to what `params` need (once per place, in practice).
fn working_memory<'m>(memory: &'m mut Vec<Block>, params: &Params) -> &'m mut [Block] {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    &mut memory[..params.block_count()]
}

/// Argon2id with the crate's default parameters and a fresh random salt, as a PHC string.
fn hash_in(memory: &mut Vec<Block>, password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt_string = SaltString::encode_b64(&salt).map_err(hashing_failed)?;
    let params = Params::DEFAULT;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::default()
        .hash_password_into_with_memory(
            password.as_bytes(),
            &salt,
            &mut out,
            working_memory(memory, &params),
        )
        .map_err(|e| hashing_failed(e.into()))?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).map_err(hashing_failed)?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(hashing_failed)?),
    }
    .to_string())
}

/// Whether `password` is the one `stored` (a PHC string) was made from; anything unreadable
/// matches nothing.
fn verify_in(memory: &mut Vec<Block>, password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let (Ok(algorithm), Ok(params), Ok(salt)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        salt.decode_b64(&mut salt_bytes),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
        .unwrap_or_default();
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        working_memory(memory, &params),
    );
    hashed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

fn hashing_failed(e: argon2::password_hash::Error) -> AppError {
    StorageError::corrupt("password hash", e).into()
}

/// Argon2id with a fresh random salt; takes tens of milliseconds by design. Only for callers
/// outside any request (the demo's command), which need no place on the pool.
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    hash_in(&mut Vec::new(), password)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not the password of anyone").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_agree_with_the_crates_own() {
        let mut memory = Vec::new();
        let ours = hash_in(&mut memory, "long enough password").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"long enough password", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"another password", &parsed)
                .is_err()
        );
        let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"long enough password", &salt)
            .unwrap()
            .to_string();
        assert!(verify_in(&mut memory, "long enough password", &theirs));
        assert!(!verify_in(&mut memory, "long enough passwort", &theirs));
        // Other parameters (an older or a future default) are read from the stored string.
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).unwrap(),
        );
        let light = light
            .hash_password(b"pw-long-enough", &salt)
            .unwrap()
            .to_string();
        assert!(verify_in(&mut memory, "pw-long-enough", &light));
        for broken in [
            "",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$",
            "not a hash",
            &ours[..ours.len() - 3],
        ] {
            assert!(
                !verify_in(&mut memory, "long enough password", broken),
                "{broken}"
            );
        }
        assert_eq!(memory.len(), Params::DEFAULT.block_count());
    }

    #[tokio::test]
    async fn places_are_bounded_and_come_back() {
        let pool = HashingPool::new(2);
        let first = pool.place().expect("a place");
        let second = pool.place().expect("a place");
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
        // The working memory went back with the places: two blocks at most, reused.
        assert_eq!(pool.stash().len(), 1);
        drop(second);
        let (a, b) = (pool.place().unwrap(), pool.place().unwrap());
        assert_eq!(
            (a.memory.len(), b.memory.len()),
            (Params::DEFAULT.block_count(), 0)
        );
    }
}
