//! Businesses' connections to messaging platforms.
//!
//! A Messenger page or WhatsApp number can be claimed by several businesses (`claimed_key`);
//! `routing_key` marks the one proven claim that receives and sends for it, and its unique
//! index keeps that to one per platform and id.

use diesel::prelude::*;

use super::models::ChannelConnection;
use super::schema::{businesses, channel_connections};
use super::{DbConnection, StorageResult};

/// A connection's id and version: enough to tell whether a parsed copy is still current.
pub type Stamp = (String, i64);

pub fn of_business(
    conn: &mut DbConnection,
    business_id: &str,
) -> StorageResult<Vec<ChannelConnection>> {
    Ok(channel_connections::table
        .filter(channel_connections::business_id.eq(business_id))
        .order(channel_connections::platform)
        .select(ChannelConnection::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    platform: &str,
) -> StorageResult<Option<ChannelConnection>> {
    Ok(channel_connections::table
        .filter(channel_connections::business_id.eq(business_id))
        .filter(channel_connections::platform.eq(platform))
        .select(ChannelConnection::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> StorageResult<Vec<ChannelConnection>> {
    Ok(channel_connections::table
        .filter(channel_connections::id.eq_any(ids))
        .select(ChannelConnection::as_select())
        .load(conn)?)
}

/// Every connection to one platform (the handshake names no page, only a verify token).
pub fn stamps_of_platform(conn: &mut DbConnection, platform: &str) -> StorageResult<Vec<Stamp>> {
    Ok(channel_connections::table
        .filter(channel_connections::platform.eq(platform))
        .select((channel_connections::id, channel_connections::version))
        .load(conn)?)
}

/// The connections that claim one of `keys` on a platform, proven or not.
pub fn stamps_claiming(
    conn: &mut DbConnection,
    platform: &str,
    keys: &[String],
) -> StorageResult<Vec<Stamp>> {
    Ok(channel_connections::table
        .filter(channel_connections::platform.eq(platform))
        .filter(channel_connections::claimed_key.eq_any(keys))
        .select((channel_connections::id, channel_connections::version))
        .load(conn)?)
}

/// The connection to a platform of the business with that slug.
pub fn stamp_by_slug(
    conn: &mut DbConnection,
    slug: &str,
    platform: &str,
) -> StorageResult<Option<Stamp>> {
    Ok(channel_connections::table
        .inner_join(businesses::table)
        .filter(businesses::slug.eq(slug))
        .filter(channel_connections::platform.eq(platform))
        .select((channel_connections::id, channel_connections::version))
        .first(conn)
        .optional()?)
}

/// Makes connection `id`, which claims `key`, the active one for it; the one active before
/// goes back to being a claim. Returns false when `id` no longer claims `key`.
pub fn promote(
    conn: &mut DbConnection,
    platform: &str,
    key: &str,
    id: &str,
    now: chrono::NaiveDateTime,
) -> StorageResult<bool> {
    // Demote first: the unique index on (platform, routing_key) allows one holder at a time.
    diesel::update(
        channel_connections::table
            .filter(channel_connections::platform.eq(platform))
            .filter(channel_connections::routing_key.eq(key))
            .filter(channel_connections::id.ne(id)),
    )
    .set((
        channel_connections::routing_key.eq(None::<String>),
        channel_connections::version.eq(channel_connections::version + 1),
        channel_connections::updated_at.eq(now),
    ))
    .execute(conn)?;
    let promoted = diesel::update(
        channel_connections::table
            .filter(channel_connections::id.eq(id))
            .filter(channel_connections::claimed_key.eq(key)),
    )
    .set((
        channel_connections::routing_key.eq(key),
        channel_connections::version.eq(channel_connections::version + 1),
        channel_connections::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(promoted > 0)
}

/// Creates the connection or replaces the stored one of the same business and platform.
pub fn upsert(conn: &mut DbConnection, row: &ChannelConnection) -> StorageResult<()> {
    let updated = diesel::update(
        channel_connections::table
            .filter(channel_connections::business_id.eq(&row.business_id))
            .filter(channel_connections::platform.eq(&row.platform)),
    )
    .set((
        channel_connections::routing_key.eq(&row.routing_key),
        channel_connections::claimed_key.eq(&row.claimed_key),
        channel_connections::settings.eq(&row.settings),
        channel_connections::secrets.eq(&row.secrets),
        channel_connections::updated_at.eq(row.updated_at),
        channel_connections::version.eq(channel_connections::version + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(channel_connections::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut DbConnection, business_id: &str, platform: &str) -> StorageResult<bool> {
    let deleted = diesel::delete(
        channel_connections::table
            .filter(channel_connections::business_id.eq(business_id))
            .filter(channel_connections::platform.eq(platform)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// Every connection of every business (to seal or re-seal their secrets).
pub fn all(conn: &mut DbConnection) -> StorageResult<Vec<ChannelConnection>> {
    Ok(channel_connections::table
        .order((
            channel_connections::business_id,
            channel_connections::platform,
        ))
        .select(ChannelConnection::as_select())
        .load(conn)?)
}

/// Replaces the stored secrets of one connection, leaving everything else as it is.
pub fn set_secrets(
    conn: &mut DbConnection,
    business_id: &str,
    platform: &str,
    secrets: &str,
) -> StorageResult<()> {
    diesel::update(
        channel_connections::table
            .filter(channel_connections::business_id.eq(business_id))
            .filter(channel_connections::platform.eq(platform)),
    )
    // A new version, so that every instance's cached connection is parsed again.
    .set((
        channel_connections::secrets.eq(secrets),
        channel_connections::version.eq(channel_connections::version + 1),
    ))
    .execute(conn)?;
    Ok(())
}
