//! Staff logins for the staff web page: users, passwords, sessions, the login rate limit, and
//! password resets by email ([`reset`]).
//!
//! Passwords are hashed with Argon2id (the crate's defaults) on a bounded pool ([`hashing`]),
//! off the async workers and outside any database transaction: a login must not hold the SQLite
//! write lock while it hashes.
//!
//! A session is a random cookie value; the database keeps only its SHA-256 (as for API keys),
//! together with a CSRF token that the page sends back in a header on every state-changing
//! request. Sessions end after [`SESSION_HOURS`], at logout, when the password changes, and when
//! the login is deactivated.
//!
//! Every login attempt is counted as a failure per login name and per client address
//! ([`FAILURE_WINDOW_MINUTES`]) BEFORE its password is checked, in the same transaction that
//! checks the limit (`storage::attempts::reserve`), so parallel attempts cannot all slip past the
//! check; the right password then takes its failure back. The counts live in the database, so the
//! limit holds however many instances serve the logins. While a login name is locked even the
//! right password is refused, so guessing cannot go on in parallel. These limits are always on.

pub mod hashing;
pub mod reset;

use chrono::{DateTime, Duration, Utc};

pub use hashing::{HashingPlace, HashingPool};

use crate::access;
use crate::domain::{EmailAddress, UserRole, ValidationError, required_text};
use crate::error::AppError;
use crate::storage::accounts::{self as rows, Session, User, UserChanges};
use crate::storage::attempts::{self, Limit};
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
    passwords: &HashingPool,
    business_id: String,
    user: NewUser,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let hash = passwords.place()?.hash(&user.password).await?;
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
    passwords: &HashingPool,
    business_id: String,
    user_id: String,
    update: UserUpdate,
    acting_session: Option<String>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let password_hash = match update.password {
        Some(password) => Some(passwords.place()?.hash(&password).await?),
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

/// The subject under which a login name's failures are counted.
pub fn login_subject(email: &str) -> String {
    format!("login:name:{email}")
}

/// The limits a login attempt counts against: its name and the client's address.
fn login_limits(email: &str, client: &str) -> [Limit; 2] {
    let window = Duration::minutes(FAILURE_WINDOW_MINUTES);
    [
        Limit::new(login_subject(email), MAX_FAILURES_PER_LOGIN, window),
        Limit::new(
            format!("login:address:{client}"),
            MAX_FAILURES_PER_ADDRESS,
            window,
        ),
    ]
}

/// Checks a login name and password and opens a session; refuses while too many recent
/// attempts failed for this name or from this address, and while the hashing pool is full.
pub async fn log_in(
    db: &Database,
    passwords: &HashingPool,
    email: &str,
    password: String,
    client: String,
    now: DateTime<Utc>,
) -> Result<SessionGrant, AppError> {
    let wrong = || AppError::Unauthenticated("the email address or the password is wrong");
    // A malformed name counts as a wrong one: no hint about what exists.
    let email = login_name("email", email).unwrap_or_else(|_| email.trim().to_lowercase());
    let place = passwords.place()?;
    let [by_name, by_address] = login_limits(&email, &client);
    let (name_subject, address_subject) = (by_name.subject.clone(), by_address.subject.clone());
    let at = to_db_time(now);
    let user = db
        .write(move |conn| {
            attempts::prune_prefix(conn, "login:", at - by_name.window)?;
            if let Err(full) = attempts::reserve(conn, &[by_name, by_address], at)? {
                return Err(AppError::RateLimited {
                    retry_after_seconds: full.retry_after_seconds,
                });
            }
            Ok(rows::user_by_email(conn, &email)?.filter(|u| u.active == 1))
        })
        .await?;

    let stored = user.as_ref().map(|u| u.password_hash.clone());
    if !place.verify(password, stored).await? {
        return Err(wrong());
    }
    let user = user.ok_or_else(wrong)?;
    let token = access::random_token(32);
    let session = Session {
        token_hash: access::hash_api_key(&token),
        user_id: user.id.clone(),
        csrf_token: access::random_token(32),
        created_at: at,
        expires_at: to_db_time(now + Duration::hours(SESSION_HOURS)),
    };
    db.write(move |conn| {
        rows::delete_expired_sessions(conn, at)?;
        attempts::clear(conn, &name_subject)?;
        attempts::forget_one(conn, &address_subject, at)?;
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

/// Whether the session with this token hash is still live (for long-lived requests that must
/// end with it).
pub async fn session_is_live(
    db: &Database,
    token_hash: String,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    db.read(move |conn| Ok(rows::session_is_live(conn, &token_hash, to_db_time(now))?))
        .await
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
    let hash = hashing::hash_blocking(password.as_str())?;
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
