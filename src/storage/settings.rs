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
    get(conn, key)?
        .ok_or_else(|| super::StorageError::corrupt(format!("setting {key}"), "vanished"))
}

pub fn get(conn: &mut DbConnection, key: &str) -> StorageResult<Option<String>> {
    Ok(settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// Stores `value` as `key`, replacing what was there.
pub fn set(conn: &mut DbConnection, key: &str, value: &str) -> StorageResult<()> {
    let updated = diesel::update(settings::table.filter(settings::key.eq(key)))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

/// Serialises server set-up work (the secret key check, sealing stored secrets) across
/// instances until the surrounding transaction ends. SQLite needs nothing: a writing
/// transaction there already holds the only write lock.
pub fn lock_for_setup(conn: &mut DbConnection) -> StorageResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SETUP_LOCK_KEY})")).execute(pg)?;
    }
    Ok(())
}

/// An arbitrary key for the PostgreSQL advisory lock of [`lock_for_setup`].
const SETUP_LOCK_KEY: i64 = 0x0C4A_1251_DE01;
