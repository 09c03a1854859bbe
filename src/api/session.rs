//! Logging in and out of the staff page, and resetting a forgotten password. A login sets an
//! HttpOnly, SameSite=Lax session cookie (Secure when served over TLS) and returns the CSRF
//! token the page must send back in `X-CSRF-Token` on every state-changing request.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::client::request_origin;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, SESSION_COOKIE, authenticate, session_token};
use super::json::{local_time, utc_time};
use super::users::UserView;
use crate::accounts::{self, Password, SESSION_HOURS};
use crate::booking::BusinessProfile;
use crate::storage::accounts::{Session, User};
use crate::storage::models::Business;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBusinessView {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: UserView,
    pub business: SessionBusinessView,
    /// Send it back as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE.
    pub csrf_token: String,
    pub expires_at: String,
    /// The server's current time in the business's zone (the page's clock follows it).
    pub now: String,
    /// Today's local date at the business.
    pub today: String,
}

/// Whether cookies must be `Secure`: the public URL is https, or the request came over TLS
/// (directly, or as a trusted proxy reports in `X-Forwarded-Proto` / `Forwarded`).
fn served_over_tls(req: &HttpRequest, state: &AppState) -> bool {
    state.config.public_url.starts_with("https://") || request_origin(req).https
}

fn session_cookie(value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    )
}

fn session_view(
    state: &AppState,
    session: &Session,
    user: &User,
    business: &Business,
) -> Result<SessionView, ApiError> {
    let tz = BusinessProfile::from_row(business)?.tz;
    let now = state.now();
    Ok(SessionView {
        user: UserView::from(user),
        business: SessionBusinessView {
            slug: business.slug.clone(),
            name: business.name.clone(),
            time_zone: tz.name().to_owned(),
        },
        csrf_token: session.csrf_token.clone(),
        expires_at: utc_time(session.expires_at),
        now: local_time(now, tz),
        today: now.with_timezone(&tz).date_naive().to_string(),
    })
}

/// A cross-site form cannot send JSON without a CORS preflight: no logging a victim into an
/// attacker's account, no reset mails from other sites' forms.
fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the request as JSON (content-type: application/json)",
        ))
    }
}

/// Logs in with email and password. Wrong credentials are 401; too many failures for the login
/// or from the client's address are 429 with `Retry-After`; 503 `busy` with `Retry-After` when
/// the server is checking as many passwords as it can at once.
#[utoipa::path(post, path = "/api/v1/session", operation_id = "session_log_in", security(()), tag = "session", request_body = LoginBody,
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, description = "too_many_attempts", body = ErrorBody), (status = 503, description = "busy", body = ErrorBody)))]
pub async fn log_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    require_json(&req)?;
    let client = request_origin(&req).client.key();
    let grant = accounts::log_in(
        &state.db,
        &state.passwords,
        &body.email,
        body.password,
        client,
        state.now(),
    )
    .await?;
    let view = session_view(&state, &grant.session, &grant.user, &grant.business)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "set-cookie",
            session_cookie(
                &grant.token,
                SESSION_HOURS * 3600,
                served_over_tls(&req, &state),
            ),
        ))
        .insert_header(("cache-control", "no-store"))
        .json(view))
}

/// The logged-in user, their business and the CSRF token (401 without a live session).
#[utoipa::path(get, path = "/api/v1/session", operation_id = "session_current", tag = "session", security(("session" = [])),
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody)))]
pub async fn current(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let access = match session_token(&req) {
        Some(_) => authenticate(&req).await?,
        None => None,
    };
    let Some((session, business)) = access.and_then(|a| Some((a.session?, a.business))) else {
        return Err(ApiError::unauthorized("not logged in"));
    };
    let view = session_view(&state, &session.session, &session.user, &business)?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(view))
}

/// Logs out: the session ends on the server and the cookie is removed.
#[utoipa::path(delete, path = "/api/v1/session", operation_id = "session_log_out", tag = "session", security(("session" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, description = "csrf_failed", body = ErrorBody)))]
pub async fn log_out(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // Checks the CSRF token like every other state-changing request.
    let session = match session_token(&req) {
        Some(_) => authenticate(&req).await?.and_then(|a| a.session),
        None => None,
    };
    if let Some(session) = session {
        accounts::log_out(&state.db, session.token_hash).await?;
    }
    Ok(HttpResponse::NoContent()
        .insert_header((
            "set-cookie",
            session_cookie("", 0, served_over_tls(&req, &state)),
        ))
        .finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    /// The login name.
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasswordResetAccepted {
    pub message: String,
}

/// Asks for a link to set a new password. Always 202, whether or not the login exists; an
/// active login gets the link by email (valid for an hour, once). Limited per login name and per
/// client address (429 `too_many_attempts`).
#[utoipa::path(post, path = "/api/v1/session/password-reset", operation_id = "session_request_password_reset", security(()), tag = "session", request_body = PasswordResetBody,
    responses((status = 202, body = PasswordResetAccepted), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "too_many_attempts or rate_limited", body = ErrorBody)))]
pub async fn request_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<PasswordResetBody>,
) -> Result<HttpResponse, ApiError> {
    require_json(&req)?;
    let client = request_origin(&req).client.key();
    let link = accounts::reset::request(&state.db, &body.email, client, state.now()).await?;
    // Sent after answering, so that an existing login does not answer more slowly.
    if let Some(link) = link {
        let email = link.email(&state.config.public_url);
        let mailer = state.mailer.clone();
        actix_web::rt::spawn(async move {
            match mailer.send(email).await {
                Ok(()) => tracing::info!(login = %link.email, "password reset link sent"),
                Err(e) => {
                    tracing::warn!(login = %link.email, cause = %e, "password reset link not sent")
                }
            }
        });
    }
    Ok(HttpResponse::Accepted().json(PasswordResetAccepted {
        message: "If this address has a login, a link to set a new password is on its way."
            .to_owned(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmBody {
    /// The `token` of the emailed link.
    pub token: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasswordResetDone {
    /// The login whose password was set, to log in with.
    pub email: String,
}

/// Sets a new password with an emailed link's token: every session of the login ends and a
/// lockout after failed logins is lifted. 400 `invalid_token`, 410 `token_used` or
/// `token_expired`, 422 for a password that is too short or long.
#[utoipa::path(post, path = "/api/v1/session/password-reset/confirm", operation_id = "session_confirm_password_reset", security(()), tag = "session", request_body = PasswordResetConfirmBody,
    responses((status = 200, body = PasswordResetDone), (status = 400, description = "invalid_token", body = ErrorBody),
        (status = 410, description = "token_used or token_expired", body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, description = "busy", body = ErrorBody)))]
pub async fn confirm_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<PasswordResetConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    require_json(&req)?;
    let password = Password::parse("password", &body.password)?;
    let email = accounts::reset::confirm(
        &state.db,
        &state.passwords,
        &body.token,
        password,
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(PasswordResetDone { email }))
}
