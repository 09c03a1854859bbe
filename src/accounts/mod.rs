//! Staff logins for the staff web page: users, passwords, sessions, and the login rate limit.
//!
//! Passwords are hashed with Argon2id (the crate's defaults) off the async workers and outside
//! any database transaction: a login must not hold the SQLite write lock while it hashes.
//!
//! A session is a random cookie value; the database keeps only its SHA-256 (as for API keys),
//! together with a CSRF token that the page sends back in a header on every state-changing
//! request. Sessions end after [`SESSION_HOURS`], at logout, when the password changes, and when
//! the login is deactivated.
//!
//! Failed logins are rows, counted per login name and per client address over
//! [`FAILURE_WINDOW_MINUTES`]; since they live in the database, the limit holds however many
//! instances serve the logins. While a login name is locked even the right password is refused,
//! so guessing cannot go on in parallel.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;

use crate::access;
use crate::domain::{EmailAddress, UserRole, ValidationError, required_text};
use crate::error::AppError;
use crate::storage::accounts::{self as rows, Session, User, UserChanges};
use crate::storage::models::Business;
use crate::storage::{Database, DbConnection, StorageError, businesses, new_id, to_db_time};

/// How long a session lasts: a working day, so a shared tablet does not stay logged in forever.
pub const SESSION_HOURS: i64 = 12;
/// The span over which failed logins are counted.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failed logins allowed per login name within the window.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failed logins allowed per client address within the window (many names from one place).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 200;

/// A password good enough to store.
pub struct Password(String);

impl Password {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must have at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must have at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// A random password for generated logins (the demo owner).
    pub fn generate() -> Self {
        Self(access::random_token(15))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The login name: an email address, compared without regard to case.
pub fn login_name(field: &str, raw: &str) -> Result<String, ValidationError> {
    Ok(EmailAddress::parse(field, raw)?.as_str().to_lowercase())
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: UserRole,
    pub password: Password,
}

impl NewUser {
    pub fn parse(email: &str, name: &str, role: &str, password: &str) -> Result<Self, AppError> {
        Ok(Self {
            email: login_name("email", email)?,
            name: required_text("name", name, 100)?,
            role: UserRole::parse("role", role)?,
            password: Password::parse("password", password)?,
        })
    }
}

#[derive(Default)]
pub struct UserUpdate {
    pub name: Option<String>,
    pub role: Option<UserRole>,
    pub password: Option<Password>,
    pub active: Option<bool>,
}

/// What a successful login gives the browser.
pub struct SessionGrant {
    /// The cookie value; only its hash is stored.
    pub token: String,
    pub session: Session,
    pub user: User,
    pub business: Business,
}

/// A session found from its cookie.
pub struct ActiveSession {
    pub token_hash: String,
    pub session: Session,
    pub user: User,
}

impl ActiveSession {
    pub fn role(&self) -> UserRole {
        UserRole::parse("role", &self.user.role).unwrap_or(UserRole::Staff)
    }
}

fn hashing_failed(e: argon2::password_hash::Error) -> AppError {
    StorageError::Corrupt(format!("password hashing failed: {e}")).into()
}

/// Argon2id with a fresh random salt; takes tens of milliseconds by design.
fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(hashing_failed)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(hashing_failed)?
        .to_string())
}

/// Hashes on the blocking pool, never on an async worker.
async fn hash_password(password: &Password) -> Result<String, AppError> {
    let password = password.as_str().to_owned();
    run_blocking(move || hash_blocking(&password)).await
}

/// Checks a password against a stored hash; an unknown login is checked against a dummy hash so
/// that it takes as long as a known one and does not reveal which logins exist.
async fn password_matches(password: String, stored: Option<String>) -> Result<bool, AppError> {
    run_blocking(move || {
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

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not the password of anyone").unwrap_or_default())
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Storage(StorageError::TaskAborted))?
}

/// A new login's row, its password already hashed.
fn user_row(
    business_id: &str,
    (email, name, role): (&str, &str, UserRole),
    password_hash: String,
    now: DateTime<Utc>,
) -> User {
    let now = to_db_time(now);
    User {
        id: new_id(),
        business_id: business_id.to_owned(),
        email: email.to_owned(),
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        password_hash,
        active: 1,
        created_at: now,
        updated_at: now,
    }
}

fn email_taken() -> AppError {
    AppError::Conflict {
        code: "email_taken",
        message: "a login with this email address already exists".to_owned(),
        details: None,
    }
}

/// Adds a login to a business.
pub async fn create_user(
    db: &Database,
    business_id: String,
    user: NewUser,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let hash = hash_password(&user.password).await?;
    let identity = (user.email.as_str(), user.name.as_str(), user.role);
    let row = user_row(&business_id, identity, hash, now);
    db.write(move |conn| {
        if rows::user_by_email(conn, &row.email)?.is_some() {
            return Err(email_taken());
        }
        rows::insert_user(conn, &row).map_err(|e| {
            if e.is_unique_violation() {
                email_taken()
            } else {
                e.into()
            }
        })?;
        Ok(row)
    })
    .await
}

/// Changes a login. A new password or a deactivation ends the login's other sessions; a
/// business always keeps at least one active owner.
pub async fn update_user(
    db: &Database,
    business_id: String,
    user_id: String,
    update: UserUpdate,
    acting_session: Option<String>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let password_hash = match update.password {
        Some(password) => Some(hash_password(&password).await?),
        None => None,
    };
    let changes = UserChanges {
        name: update.name,
        role: update.role.map(|r| r.as_str().to_owned()),
        password_hash,
        active: update.active.map(i32::from),
    };
    db.write(move |conn| {
        let before =
            rows::find_user(conn, &business_id, &user_id)?.ok_or(AppError::NotFound("user"))?;
        rows::update_user(conn, &user_id, &changes, to_db_time(now))?;
        if rows::active_owners(conn, &business_id)? == 0 {
            return Err(AppError::conflict(
                "last_owner",
                "the business must keep at least one active owner login",
            ));
        }
        if changes.active == Some(0) {
            rows::delete_sessions_of(conn, &user_id, None)?;
        } else if changes.password_hash.is_some() {
            rows::delete_sessions_of(conn, &user_id, acting_session.as_deref())?;
        }
        let after =
            rows::find_user(conn, &business_id, &before.id)?.ok_or(AppError::NotFound("user"))?;
        Ok(after)
    })
    .await
}

pub async fn list_users(db: &Database, business_id: String) -> Result<Vec<User>, AppError> {
    db.read(move |conn| Ok(rows::users_of(conn, &business_id)?))
        .await
}

/// The subjects whose failures count against a login: the name and the client address.
fn failure_subjects(email: &str, client: &str) -> [(String, i64); 2] {
    [
        (format!("login:{email}"), MAX_FAILURES_PER_LOGIN),
        (format!("address:{client}"), MAX_FAILURES_PER_ADDRESS),
    ]
}

/// Checks a login name and password and opens a session; refuses while too many recent
/// attempts failed for this name or from this address.
pub async fn log_in(
    db: &Database,
    email: &str,
    password: String,
    client: String,
    now: DateTime<Utc>,
) -> Result<SessionGrant, AppError> {
    let wrong = || AppError::Unauthenticated("the email address or the password is wrong");
    // A malformed name counts as a wrong one: no hint about what exists.
    let email = login_name("email", email).unwrap_or_else(|_| email.trim().to_lowercase());
    let subjects = failure_subjects(&email, &client);
    let window_start = to_db_time(now - Duration::minutes(FAILURE_WINDOW_MINUTES));

    let (subjects_checked, lookup_email) = (subjects.clone(), email.clone());
    let user = db
        .read(move |conn| {
            for (subject, limit) in &subjects_checked {
                if rows::login_failures_since(conn, subject, window_start)? >= *limit {
                    return Err(AppError::RateLimited {
                        retry_after_seconds: FAILURE_WINDOW_MINUTES * 60,
                    });
                }
            }
            Ok(rows::user_by_email(conn, &lookup_email)?.filter(|u| u.active == 1))
        })
        .await?;

    if !password_matches(password, user.as_ref().map(|u| u.password_hash.clone())).await? {
        db.write(move |conn| {
            rows::prune_login_failures(conn, window_start)?;
            for (subject, _) in &subjects {
                rows::record_login_failure(conn, subject, to_db_time(now))?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
        return Err(wrong());
    }
    let user = user.ok_or_else(wrong)?;
    let token = access::random_token(32);
    let session = Session {
        token_hash: access::hash_api_key(&token),
        user_id: user.id.clone(),
        csrf_token: access::random_token(32),
        created_at: to_db_time(now),
        expires_at: to_db_time(now + Duration::hours(SESSION_HOURS)),
    };
    let login_subject = subjects[0].0.clone();
    db.write(move |conn| {
        rows::delete_expired_sessions(conn, to_db_time(now))?;
        rows::clear_login_failures(conn, &login_subject)?;
        rows::insert_session(conn, &session)?;
        let business =
            businesses::by_id(conn, &user.business_id)?.ok_or(AppError::NotFound("business"))?;
        Ok(SessionGrant {
            token,
            session,
            user,
            business,
        })
    })
    .await
}

/// The live session for a cookie value, with its user, and the user's business.
pub fn session_for_token(
    conn: &mut DbConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ActiveSession, Business)>, StorageError> {
    let token_hash = access::hash_api_key(token);
    Ok(
        rows::live_session(conn, &token_hash, to_db_time(now))?.map(|(session, user, business)| {
            (
                ActiveSession {
                    token_hash,
                    session,
                    user,
                },
                business,
            )
        }),
    )
}

pub async fn log_out(db: &Database, token_hash: String) -> Result<(), AppError> {
    db.write(move |conn| Ok(rows::delete_session(conn, &token_hash)?))
        .await
}

/// Creates or resets the demo owner login; returns its new password.
pub fn reset_demo_owner(
    conn: &mut DbConnection,
    business_id: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Password, AppError> {
    let password = Password::generate();
    let hash = hash_blocking(password.as_str())?;
    match rows::user_by_email(conn, email)? {
        Some(user) => {
            let changes = UserChanges {
                password_hash: Some(hash),
                active: Some(1),
                role: Some(UserRole::Owner.as_str().to_owned()),
                ..Default::default()
            };
            rows::update_user(conn, &user.id, &changes, to_db_time(now))?;
            rows::delete_sessions_of(conn, &user.id, None)?;
        }
        None => {
            let identity = (email, "Demo Owner", UserRole::Owner);
            rows::insert_user(conn, &user_row(business_id, identity, hash, now))?;
        }
    }
    Ok(password)
}
