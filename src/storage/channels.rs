//! Businesses' connections to messaging platforms.

use diesel::prelude::*;

use super::models::ChannelConnection;
use super::schema::channel_connections;
use super::{DbConnection, StorageResult};

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

/// Every business's connection to one platform (a shared webhook checks its signature against
/// each app secret).
pub fn of_platform(
    conn: &mut DbConnection,
    platform: &str,
) -> StorageResult<Vec<ChannelConnection>> {
    Ok(channel_connections::table
        .filter(channel_connections::platform.eq(platform))
        .select(ChannelConnection::as_select())
        .load(conn)?)
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
        channel_connections::settings.eq(&row.settings),
        channel_connections::secrets.eq(&row.secrets),
        channel_connections::updated_at.eq(row.updated_at),
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
    .set(channel_connections::secrets.eq(secrets))
    .execute(conn)?;
    Ok(())
}
