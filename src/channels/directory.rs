//! Which connection answers for which page, number or slug: parsed connections kept per
//! instance and revalidated by version.
//!
//! A webhook call first reads only the (id, version) pairs of the connections it could concern
//! — one indexed query that returns no secret — and parses a stored connection again only
//! when its version moved on. So a forged call that names no known page costs no secret at
//! all, and a real one costs no JSON parsing (nor, where secrets are encrypted at rest, any
//! decryption) while its connection stays unchanged. Every change to a connection bumps its
//! version in the same transaction, which keeps instances behind a load balancer consistent
//! without messaging between them, as the calendar cache does.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::Connection;
use crate::domain::Platform;
use crate::storage::channels::{self, Stamp};
use crate::storage::{DbConnection, StorageResult};
use crate::vault::Vault;

/// Past this many parsed connections the cache starts over, so that connections deleted long
/// ago cannot pile up.
const MAX_CACHED: usize = 10_000;

pub struct Directory {
    vault: Vault,
    cached: RwLock<HashMap<String, Arc<Connection>>>,
}

impl Directory {
    /// A directory that opens connections' secrets with `vault`.
    pub fn new(vault: Vault) -> Self {
        Self {
            vault,
            cached: RwLock::default(),
        }
    }

    /// The connections, active or pending, that claim one of `keys` on `platform`.
    pub fn claiming(
        &self,
        conn: &mut DbConnection,
        platform: Platform,
        keys: &[String],
    ) -> StorageResult<Vec<Arc<Connection>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let stamps = channels::stamps_claiming(conn, platform.as_str(), keys)?;
        self.current(conn, stamps)
    }

    /// Every connection to `platform`.
    pub fn of_platform(
        &self,
        conn: &mut DbConnection,
        platform: Platform,
    ) -> StorageResult<Vec<Arc<Connection>>> {
        let stamps = channels::stamps_of_platform(conn, platform.as_str())?;
        self.current(conn, stamps)
    }

    /// The connection to `platform` of the business with that slug.
    pub fn by_slug(
        &self,
        conn: &mut DbConnection,
        slug: &str,
        platform: Platform,
    ) -> StorageResult<Option<Arc<Connection>>> {
        let stamps = channels::stamp_by_slug(conn, slug, platform.as_str())?;
        Ok(self.current(conn, stamps.into_iter().collect())?.pop())
    }

    /// The cached connection for each stamp, parsing anew those whose version changed.
    fn current(
        &self,
        conn: &mut DbConnection,
        stamps: Vec<Stamp>,
    ) -> StorageResult<Vec<Arc<Connection>>> {
        let mut found = Vec::with_capacity(stamps.len());
        let mut stale = Vec::new();
        {
            let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
            for (id, version) in stamps {
                match cached.get(&id) {
                    Some(c) if c.version == version => found.push(Arc::clone(c)),
                    _ => stale.push(id),
                }
            }
        }
        if stale.is_empty() {
            return Ok(found);
        }
        let fresh = channels::by_ids(conn, &stale)?
            .iter()
            .map(|row| Connection::from_row(row, &self.vault).map(Arc::new))
            .collect::<StorageResult<Vec<_>>>()?;
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        if cached.len() + fresh.len() > MAX_CACHED {
            cached.clear();
        }
        for connection in fresh {
            cached.insert(connection.id.clone(), Arc::clone(&connection));
            found.push(connection);
        }
        Ok(found)
    }
}
