//! Staff logins, their sessions, and failed login attempts.
//!
//! Sessions are looked up by the SHA-256 of the cookie value, together with their user, in one
//! query per request. Failed logins are rows rather than counters in memory so that a rate
//! limit holds across every instance behind a load balancer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Business;
use super::schema::{businesses, login_failures, sessions, users};
use super::{DbConnection, StorageResult, new_id};

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

pub fn record_login_failure(
    conn: &mut DbConnection,
    subject: &str,
    at: NaiveDateTime,
) -> StorageResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(new_id()),
            login_failures::subject.eq(subject),
            login_failures::failed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failed logins for `subject` at or after `since`.
pub fn login_failures_since(
    conn: &mut DbConnection,
    subject: &str,
    since: NaiveDateTime,
) -> StorageResult<i64> {
    Ok(login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::failed_at.ge(since))
        .count()
        .get_result(conn)?)
}

/// Forgets the failures of `subject` (after a successful login).
pub fn clear_login_failures(conn: &mut DbConnection, subject: &str) -> StorageResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)?;
    Ok(())
}

/// Forgets failures older than any rate-limit window looks at.
pub fn prune_login_failures(conn: &mut DbConnection, before: NaiveDateTime) -> StorageResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(before)))
        .execute(conn)?;
    Ok(())
}
