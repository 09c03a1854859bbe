//! Staff logins, their sessions, and their password-reset links.
//!
//! Sessions and reset links are looked up by the SHA-256 of their token; a session comes with
//! its user in one query per request. (Failed logins are counted in `attempts`.)

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Business;
use super::schema::{businesses, password_resets, sessions, users};
use super::{DbConnection, StorageResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub business_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<String>,
    pub password_hash: Option<String>,
    pub active: Option<i32>,
}

impl UserChanges {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.password_hash.is_none()
            && self.active.is_none()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert_user(conn: &mut DbConnection, user: &User) -> StorageResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)?;
    Ok(())
}

pub fn user_by_email(conn: &mut DbConnection, email: &str) -> StorageResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn user_by_id(conn: &mut DbConnection, id: &str) -> StorageResult<Option<User>> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// A user of this business (another business's user is `None`, like a missing one).
pub fn find_user(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<User>> {
    Ok(users::table
        .filter(users::id.eq(id))
        .filter(users::business_id.eq(business_id))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn users_of(conn: &mut DbConnection, business_id: &str) -> StorageResult<Vec<User>> {
    Ok(users::table
        .filter(users::business_id.eq(business_id))
        .order((users::email, users::id))
        .select(User::as_select())
        .load(conn)?)
}

/// How many active owners the business has (it must keep one).
pub fn active_owners(conn: &mut DbConnection, business_id: &str) -> StorageResult<i64> {
    Ok(users::table
        .filter(users::business_id.eq(business_id))
        .filter(users::role.eq("owner"))
        .filter(users::active.eq(1))
        .count()
        .get_result(conn)?)
}

pub fn update_user(
    conn: &mut DbConnection,
    id: &str,
    changes: &UserChanges,
    now: NaiveDateTime,
) -> StorageResult<()> {
    if !changes.is_empty() {
        diesel::update(users::table.find(id))
            .set(changes)
            .execute(conn)?;
    }
    diesel::update(users::table.find(id))
        .set(users::updated_at.eq(now))
        .execute(conn)?;
    Ok(())
}

pub fn insert_session(conn: &mut DbConnection, session: &Session) -> StorageResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    Ok(())
}

/// The live session with this token hash, its active user and the user's business, in one
/// query (it runs on every request of the staff page).
pub fn live_session(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<Option<(Session, User, Business)>> {
    Ok(sessions::table
        .inner_join(users::table.inner_join(businesses::table))
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(1))
        .select((
            Session::as_select(),
            User::as_select(),
            Business::as_select(),
        ))
        .first(conn)
        .optional()?)
}

pub fn delete_session(conn: &mut DbConnection, token_hash: &str) -> StorageResult<()> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Ends every session of a user, except `keep` (the one making the change, if any).
pub fn delete_sessions_of(
    conn: &mut DbConnection,
    user_id: &str,
    keep: Option<&str>,
) -> StorageResult<()> {
    let query = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .into_boxed();
    let query = match keep {
        Some(hash) => query.filter(sessions::token_hash.ne(hash)),
        None => query,
    };
    let doomed: Vec<String> = query.select(sessions::token_hash).load(conn)?;
    diesel::delete(sessions::table.filter(sessions::token_hash.eq_any(&doomed))).execute(conn)?;
    Ok(())
}

pub fn delete_expired_sessions(conn: &mut DbConnection, now: NaiveDateTime) -> StorageResult<()> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?;
    Ok(())
}

/// Whether the session with this token hash is still live: not expired, not ended, its login
/// active. One indexed lookup; open event streams ask it every few seconds.
pub fn session_is_live(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let found: i64 = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(1))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets)]
pub struct PasswordReset {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Issues a reset link for a user; the user's earlier links stop working.
pub fn replace_password_reset(conn: &mut DbConnection, reset: &PasswordReset) -> StorageResult<()> {
    delete_password_resets_of(conn, &reset.user_id)?;
    diesel::insert_into(password_resets::table)
        .values(reset)
        .execute(conn)?;
    Ok(())
}

pub fn password_reset(
    conn: &mut DbConnection,
    token_hash: &str,
) -> StorageResult<Option<PasswordReset>> {
    Ok(password_resets::table
        .find(token_hash)
        .select(PasswordReset::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a reset link used, unless it already was; whether this call marked it.
pub fn use_password_reset(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let marked = diesel::update(
        password_resets::table
            .find(token_hash)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    Ok(marked == 1)
}

/// Forgets the user's reset links.
pub fn delete_password_resets_of(conn: &mut DbConnection, user_id: &str) -> StorageResult<()> {
    diesel::delete(password_resets::table.filter(password_resets::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(())
}

/// Forgets reset links that expired before `before`.
pub fn delete_expired_password_resets(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> StorageResult<()> {
    diesel::delete(password_resets::table.filter(password_resets::expires_at.lt(before)))
        .execute(conn)?;
    Ok(())
}
