//! One-time codes as stored: a keyed hash, the contact it was sent to, tries and expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::VerificationCode;
use super::schema::verification_codes;
use super::{DbConnection, StorageResult};

pub fn insert(conn: &mut DbConnection, code: &VerificationCode) -> StorageResult<()> {
    diesel::insert_into(verification_codes::table)
        .values(code)
        .execute(conn)?;
    Ok(())
}

/// The conversation's newest code not yet used (it may have expired or be tried out).
pub fn live_of_conversation(
    conn: &mut DbConnection,
    conversation_id: &str,
) -> StorageResult<Option<VerificationCode>> {
    Ok(verification_codes::table
        .filter(verification_codes::conversation_id.eq(conversation_id))
        .filter(verification_codes::consumed_at.is_null())
        .order(verification_codes::created_at.desc())
        .select(VerificationCode::as_select())
        .first(conn)
        .optional()?)
}

/// Ends every code of the conversation still waiting (a new one replaces them).
pub fn retire_of_conversation(
    conn: &mut DbConnection,
    conversation_id: &str,
    now: NaiveDateTime,
) -> StorageResult<usize> {
    Ok(diesel::update(
        verification_codes::table
            .filter(verification_codes::conversation_id.eq(conversation_id))
            .filter(verification_codes::consumed_at.is_null()),
    )
    .set(verification_codes::consumed_at.eq(now))
    .execute(conn)?)
}

pub fn consume(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> StorageResult<()> {
    diesel::update(verification_codes::table.find(id))
        .set(verification_codes::consumed_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Counts a wrong try; returns the tries so far.
pub fn count_try(conn: &mut DbConnection, id: &str) -> StorageResult<i32> {
    diesel::update(verification_codes::table.find(id))
        .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
        .execute(conn)?;
    Ok(verification_codes::table
        .find(id)
        .select(verification_codes::attempts)
        .first(conn)?)
}

/// Forgets codes that ended before `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> StorageResult<usize> {
    Ok(
        diesel::delete(verification_codes::table.filter(verification_codes::expires_at.lt(before)))
            .execute(conn)?,
    )
}
