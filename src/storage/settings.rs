//! Server-wide values kept in the database, so every instance behind a load balancer agrees on
//! them without extra configuration.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConnection, StorageResult};

/// Returns the stored value of `key`, storing `make()` first if there is none. Two instances
/// racing here both end up with the value that was stored first.
pub fn get_or_init(
    conn: &mut DbConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> StorageResult<String> {
    if let Some(value) = get(conn, key)? {
        return Ok(value);
    }
    let inserted = diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(make())))
        .execute(conn);
    match inserted.map_err(super::StorageError::from) {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {}
        Err(e) => return Err(e),
    }
    get(conn, key)?.ok_or_else(|| super::StorageError::Corrupt(format!("setting {key} vanished")))
}

pub fn get(conn: &mut DbConnection, key: &str) -> StorageResult<Option<String>> {
    Ok(settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()?)
}
