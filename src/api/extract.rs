//! Request extractors that turn bad input into [`ApiError`]s with clear messages.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::domain::UserRole;
use crate::error::AppError;
use crate::storage::models::Business;
use crate::storage::{DbConnection, businesses, to_db_time};
use crate::{access, accounts};
use chrono::NaiveDateTime;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body, at most [`MAX_BODY_BYTES`]. Syntax errors are 400 `invalid_json`; a body that is
/// JSON but not the expected shape is 422 `validation_failed` naming the path of the bad field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = CappedBody::<MAX_BODY_BYTES>::from_request(req, payload);
        let admission = req
            .extensions()
            .get::<AdmissionPending>()
            .map(|p| p.0.clone());
        Box::pin(async move {
            let parsed = match body.await {
                Ok(body) => parse_json(&body.0),
                Err(e) => Err(e),
            };
            if parsed.is_err()
                && let Some(mut admission) = admission
            {
                // Ends (with an error, as nothing is ever sent) once the admission is decided.
                let _ = admission.changed().await;
            }
            parsed.map(JsonBody)
        })
    }
}

/// Holds a bad body's answer back until the caller's admission to the route is decided.
/// actix extracts a handler's arguments together and answers with the first that fails, so a
/// malformed body would otherwise be answered 400/422 — describing the body expected — to a
/// caller who may not use the route at all, and who should hear 401 or 403 first. Inserted by
/// [`admitted`]; its sender is dropped when the admission is decided.
#[derive(Clone)]
struct AdmissionPending(tokio::sync::watch::Receiver<()>);

/// The raw body, at most `MAX` bytes: a larger one is refused with 413 as soon as its
/// `Content-Length` or its bytes so far show it, so no more than `MAX` bytes are ever held.
pub struct CappedBody<const MAX: usize>(pub web::Bytes);

impl<const MAX: usize> FromRequest for CappedBody<MAX> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|len| len > MAX) {
                return Err(too_large(MAX));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::bad_request("invalid_body", format!("could not read the body: {e}"))
                })?;
                if body.len() + chunk.len() > MAX {
                    return Err(too_large(MAX));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(CappedBody(body.freeze()))
        })
    }
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the request body is larger than {} KiB", max / 1024),
    )
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the request body is empty; a JSON object was expected",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                let message = strip_position(&inner.to_string());
                ApiError::from(crate::domain::ValidationError::new(field, message))
            }
            _ => ApiError::bad_request(
                "invalid_json",
                format!("the body is not valid JSON: {inner}"),
            ),
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::bad_request("invalid_json", format!("the body is not valid JSON: {e}"))
    })?;
    Ok(value)
}

/// serde_json appends "at line 1 column 42" to data errors; the field path says it better.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The token after `Bearer ` in the Authorization header.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The cookie that carries a staff session.
pub const SESSION_COOKIE: &str = "chairside_session";
/// The header in which the staff page returns its session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are, and so what they may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The business API key (machine clients): everything.
    ApiKey,
    /// An owner's staff session: everything, through the staff page.
    Owner,
    /// A staff session: the day's work (bookings, statuses, walk-ins), reading settings.
    Staff,
}

/// Who called, proved by EITHER the business API key (`Authorization: Bearer`) OR a staff
/// session cookie; for a session, state-changing methods must also carry the session's CSRF
/// token in `X-CSRF-Token`, and a cross-site `Origin` is refused.
///
/// Routes under `/businesses/{slug}` take [`Owner`] or [`Member`] instead, which also check the
/// credentials against the slug; this one is for routes that name no business (a booking by id).
pub struct Access {
    pub business: Business,
    pub role: Role,
    /// The session, when the caller is a logged-in user.
    pub session: Option<accounts::ActiveSession>,
}

impl Access {
    /// Refuses another business's credentials, and staff when `owner_only` (the safe default for
    /// anything that changes settings).
    fn admit(&self, slug: &str, owner_only: bool) -> Result<(), ApiError> {
        if owner_only && self.role == Role::Staff {
            return Err(ApiError::forbidden(
                "only an owner of the business can change this",
            ));
        }
        if self.business.slug == slug {
            Ok(())
        } else if self.role == Role::ApiKey {
            Err(ApiError::forbidden(
                "this API key belongs to another business",
            ))
        } else {
            Err(ApiError::forbidden(
                "this login belongs to another business",
            ))
        }
    }

    /// The caller, admitted to the business of the route's `{slug}`.
    fn for_route(
        req: &HttpRequest,
        owner_only: bool,
    ) -> Pin<Box<dyn Future<Output = Result<Self, ApiError>>>> {
        let req = req.clone();
        Box::pin(async move {
            let access = authenticated(&req).await?;
            let slug = req
                .match_info()
                .get("slug")
                .ok_or_else(|| ApiError::internal(&"a business route without {slug}"))?;
            access.admit(slug, owner_only)?;
            Ok(access)
        })
    }
}

impl FromRequest for Access {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticated(&req).await })
    }
}

/// The business of the route's `{slug}`, for a caller with every right over it: its API key or
/// an owner's session. Staff get 403, and so does another business's key or login.
pub struct Owner {
    pub business: Business,
    /// The session, when the caller is a logged-in owner.
    pub session: Option<accounts::ActiveSession>,
}

impl From<Access> for Owner {
    fn from(access: Access) -> Self {
        Owner {
            business: access.business,
            session: access.session,
        }
    }
}

impl FromRequest for Owner {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        admitted(req, true)
    }
}

/// The business of the route's `{slug}`, for any of its users (staff too): the day's work and
/// reading settings. Another business's key or login gets 403.
pub struct Member {
    pub business: Business,
    pub role: Role,
    /// The session, when the caller is a logged-in user.
    pub session: Option<accounts::ActiveSession>,
}

impl From<Access> for Member {
    fn from(access: Access) -> Self {
        Member {
            business: access.business,
            role: access.role,
            session: access.session,
        }
    }
}

impl FromRequest for Member {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        admitted(req, false)
    }
}

/// The caller, admitted to the route's `{slug}` (with every right when `owner_only`), as the
/// extractor the handler asked for.
fn admitted<T: From<Access> + 'static>(
    req: &HttpRequest,
    owner_only: bool,
) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>> {
    let access = Access::for_route(req, owner_only);
    let (decided, pending) = tokio::sync::watch::channel(());
    req.extensions_mut().insert(AdmissionPending(pending));
    Box::pin(async move {
        let admitted = access.await.map(T::from);
        drop(decided);
        admitted
    })
}

/// A use case that removes one thing of a business by id: `(conn, business, id, now)`.
pub type Removal = fn(&mut DbConnection, &str, &str, NaiveDateTime) -> Result<(), AppError>;

impl Owner {
    /// The shape of every `DELETE …/{id}`: `removal` in one writing transaction, then 204.
    pub async fn remove(
        self,
        state: &AppState,
        id: String,
        removal: Removal,
    ) -> Result<HttpResponse, ApiError> {
        self.write(state, move |conn, business, now| {
            removal(conn, business, &id, now)
        })
        .await?;
        Ok(HttpResponse::NoContent().finish())
    }

    /// Runs `work` on the business in one writing transaction, at the request's time (as
    /// stored): the shape of every settings change.
    pub async fn write<T, F>(self, state: &AppState, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection, &str, NaiveDateTime) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let now = to_db_time(state.now());
        let id = self.business.id;
        Ok(state.db.write(move |conn| work(conn, &id, now)).await?)
    }
}

impl Member {
    /// Runs `work` on the business with a reading connection.
    pub async fn read<T, F>(self, state: &AppState, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection, &str) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let id = self.business.id;
        Ok(state.db.read(move |conn| work(conn, &id)).await?)
    }
}

/// The route's `{id}` segment.
pub struct PathId(pub String);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .map(|id| PathId(id.to_owned()))
                .ok_or_else(|| ApiError::internal(&"a route without {id}")),
        )
    }
}

async fn authenticated(req: &HttpRequest) -> Result<Access, ApiError> {
    authenticate(req).await?.ok_or_else(|| {
        ApiError::unauthorized(
            "send the business API key as `Authorization: Bearer <key>`, or log in",
        )
    })
}

/// The caller's business credentials: `None` when the request carries none (no bearer token,
/// no session cookie); an error when it carries invalid ones.
pub async fn authenticate(req: &HttpRequest) -> Result<Option<Access>, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(&"application state missing"))?;
    if let Some(token) = bearer_token(req) {
        let business = business_for_key(&state, token)
            .await?
            .ok_or_else(|| ApiError::unauthorized("the API key is not valid"))?;
        return Ok(Some(Access {
            business,
            role: Role::ApiKey,
            session: None,
        }));
    }
    let Some(token) = session_token(req) else {
        return Ok(None);
    };
    let now = state.now();
    let (session, business) = state
        .db
        .read(move |conn| accounts::session_for_token(conn, &token, now))
        .await?
        .ok_or_else(|| ApiError::unauthorized("your session has ended; please log in again"))?;
    if !req.method().is_safe() {
        check_same_origin(req)?;
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !access::constant_time_eq(sent.as_bytes(), session.session.csrf_token.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_failed",
                format!("this request lacks the session's {CSRF_HEADER} header; reload the page"),
            ));
        }
    }
    let role = match session.role() {
        UserRole::Owner => Role::Owner,
        UserRole::Staff => Role::Staff,
    };
    Ok(Some(Access {
        business,
        role,
        session: Some(session),
    }))
}

/// The session cookie's value. (Parsed here rather than with actix's cookie feature: the
/// value is URL-safe base64, and this is the only cookie the server reads.)
pub fn session_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all("cookie")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Refuses a browser request sent from another site (a second line behind the CSRF token).
fn check_same_origin(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(origin) = req.headers().get("origin").and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = super::client::request_origin(req).host;
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    if origin_host.eq_ignore_ascii_case(&host) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "this request comes from another site",
        ))
    }
}

pub async fn business_for_key(
    state: &AppState,
    token: String,
) -> Result<Option<Business>, ApiError> {
    if !access::is_api_key(&token) {
        return Ok(None);
    }
    let hash = access::hash_api_key(&token);
    Ok(state
        .db
        .read(move |conn| businesses::by_api_key_hash(conn, &hash))
        .await?)
}

/// Checks the admin token for operations above any one business.
pub fn require_admin(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let Some(expected) = &state.config.admin_token else {
        return Err(ApiError::forbidden(
            "creating businesses is disabled: set CHAIRSIDE_ADMIN_TOKEN on the server",
        ));
    };
    match bearer_token(req) {
        Some(token) if access::constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::unauthorized("the admin token is not valid")),
        None => Err(ApiError::unauthorized(
            "send the admin token as `Authorization: Bearer <token>`",
        )),
    }
}

/// A manage token from `?token=`, the `X-Manage-Token` header, or a bearer token that is not an
/// API key.
pub fn manage_token(req: &HttpRequest) -> Option<String> {
    let from_query =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("token").cloned());
    from_query
        .or_else(|| {
            req.headers()
                .get("x-manage-token")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .or_else(|| bearer_token(req).filter(|t| !access::is_api_key(t)))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}
