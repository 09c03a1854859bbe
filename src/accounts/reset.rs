//! Forgotten passwords: a single-use link by email, valid for [`RESET_LINK_MINUTES`].
//!
//! Asking for a link answers the same whether or not the login exists; only an active login gets
//! a mail. The link's token is random and only its SHA-256 is stored; a new link replaces the
//! login's earlier ones. Setting the new password through it ends every session of the login and
//! forgets its failed logins, which lifts a lockout.
//!
//! Requests are counted in `attempts` per login name and per client address (always on), so
//! nobody can bury someone's inbox in reset mails.

use chrono::{DateTime, Duration, Utc};

use super::{HashingPool, Password, login_name, login_subject};
use crate::access;
use crate::error::{AppError, TokenRefusal};
use crate::notifications::mail::Email;
use crate::storage::accounts::{self as rows, PasswordReset, UserChanges};
use crate::storage::attempts::{self, Limit};
use crate::storage::{Database, businesses, to_db_time};

/// How long a reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;
/// Reset mails per login name within an hour.
pub const MAX_RESETS_PER_LOGIN: i64 = 3;
/// Reset requests per client address within an hour.
pub const MAX_RESETS_PER_ADDRESS: i64 = 10;

/// A reset link to mail to a login.
#[derive(Debug)]
pub struct ResetLink {
    pub email: String,
    pub name: String,
    pub business_name: String,
    /// The token for the link; only its hash is stored.
    pub token: String,
}

impl ResetLink {
    /// `{public_url}/staff/reset?token=…`.
    pub fn url(&self, public_url: &str) -> String {
        format!("{public_url}/staff/reset?token={}", self.token)
    }

    pub fn email(&self, public_url: &str) -> Email {
        let url = self.url(public_url);
        let text = format!(
            "Hello {name},\n\n\
             someone (hopefully you) asked to set a new password for the Chairside login \
             {email} of {business}.\n\n\
             Set a new password here within {RESET_LINK_MINUTES} minutes:\n{url}\n\n\
             The link works once. If you did not ask for it, ignore this mail: your password \
             stays as it is.\n",
            name = self.name,
            email = self.email,
            business = self.business_name,
        );
        let escape = crate::html::escape;
        let html = format!(
            "<p>Hello {name},</p>\
             <p>someone (hopefully you) asked to set a new password for the Chairside login \
             {email} of {business}.</p>\
             <p><a href=\"{url}\">Set a new password</a> within {RESET_LINK_MINUTES} minutes.</p>\
             <p>The link works once. If you did not ask for it, ignore this mail: your password \
             stays as it is.</p>",
            name = escape(&self.name),
            email = escape(&self.email),
            business = escape(&self.business_name),
            url = escape(&url),
        );
        Email {
            to: self.email.clone(),
            reply_to: None,
            subject: format!("Set a new password for {}", self.business_name),
            text,
            html,
            calendar: None,
        }
    }
}

fn reset_limits(email: &str, client: &str) -> [Limit; 2] {
    let hour = Duration::hours(1);
    [
        Limit::new(format!("reset:name:{email}"), MAX_RESETS_PER_LOGIN, hour),
        Limit::new(
            format!("reset:address:{client}"),
            MAX_RESETS_PER_ADDRESS,
            hour,
        ),
    ]
}

/// Counts a reset request and, for an active login, issues a new link (to mail). An unknown
/// login is counted the same way, so the answer tells nothing.
pub async fn request(
    db: &Database,
    email: &str,
    client: String,
    now: DateTime<Utc>,
) -> Result<Option<ResetLink>, AppError> {
    let email = login_name("email", email)?;
    let [by_name, by_address] = reset_limits(&email, &client);
    let at = to_db_time(now);
    let token = access::random_token(32);
    let token_hash = access::hash_secret(&token);
    db.write(move |conn| {
        attempts::prune_prefix(conn, "reset:", at - by_name.window)?;
        // Kept a day past expiry, so that a late click still hears "expired".
        rows::delete_expired_password_resets(conn, at - Duration::days(1))?;
        if let Err(full) = attempts::reserve(conn, &[by_name, by_address], at)? {
            return Err(AppError::RateLimited {
                retry_after_seconds: full.retry_after_seconds,
            });
        }
        let Some(user) = rows::user_by_email(conn, &email)?.filter(|u| u.active == 1) else {
            return Ok(None);
        };
        let business =
            businesses::by_id(conn, &user.business_id)?.ok_or(AppError::NotFound("business"))?;
        rows::replace_password_reset(
            conn,
            &PasswordReset {
                token_hash,
                user_id: user.id.clone(),
                created_at: at,
                expires_at: to_db_time(now + Duration::minutes(RESET_LINK_MINUTES)),
                used_at: None,
            },
        )?;
        Ok(Some(ResetLink {
            email: user.email,
            name: user.name,
            business_name: business.name,
            token,
        }))
    })
    .await
}

fn usable(reset: Option<PasswordReset>, now: DateTime<Utc>) -> Result<PasswordReset, AppError> {
    let reset = reset.ok_or(AppError::Token(TokenRefusal::Unknown))?;
    if reset.used_at.is_some() {
        return Err(AppError::Token(TokenRefusal::Used));
    }
    if reset.expires_at <= to_db_time(now) {
        return Err(AppError::Token(TokenRefusal::Expired));
    }
    Ok(reset)
}

/// Sets a new password through a reset link: the link is used up (and kept, to say so), every session of the login
/// ends, and its failed logins are forgotten. Returns the login name.
pub async fn confirm(
    db: &Database,
    passwords: &HashingPool,
    token: &str,
    password: Password,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token_hash = access::hash_secret(token.trim());
    // A bad link costs no Argon2 work.
    let lookup = token_hash.clone();
    usable(
        db.read(move |conn| Ok::<_, AppError>(rows::password_reset(conn, &lookup)?))
            .await?,
        now,
    )?;
    let password_hash = passwords.place()?.hash(&password).await?;
    let at = to_db_time(now);
    db.write(move |conn| {
        let reset = usable(rows::password_reset(conn, &token_hash)?, now)?;
        if !rows::use_password_reset(conn, &token_hash, at)? {
            return Err(AppError::Token(TokenRefusal::Used));
        }
        let user = rows::user_by_id(conn, &reset.user_id)?
            .filter(|u| u.active == 1)
            .ok_or(AppError::Token(TokenRefusal::Unknown))?;
        let changes = UserChanges {
            password_hash: Some(password_hash),
            ..Default::default()
        };
        rows::update_user(conn, &user.id, &changes, at)?;
        rows::delete_sessions_of(conn, &user.id, None)?;
        attempts::clear(conn, &login_subject(&user.email))?;
        Ok(user.email)
    })
    .await
}
