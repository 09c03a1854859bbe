//! Request extractors that turn bad input into [`ApiError`]s with clear messages.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::access;
use crate::storage::businesses;
use crate::storage::models::Business;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body, at most [`MAX_BODY_BYTES`]. Syntax errors are 400 `invalid_json`; a body that is
/// JSON but not the expected shape is 422 `validation_failed` naming the path of the bad field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::bad_request("invalid_body", format!("could not read the body: {e}"))
                })?;
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(JsonBody)
        })
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the request body is larger than {} KiB",
            MAX_BODY_BYTES / 1024
        ),
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

/// The business whose API key authenticated the request.
pub struct BusinessKey(pub Business);

impl BusinessKey {
    /// Refuses a key of another business than the one in the URL.
    pub fn for_slug(self, slug: &str) -> Result<Business, ApiError> {
        if self.0.slug == slug {
            Ok(self.0)
        } else {
            Err(ApiError::forbidden(
                "this API key belongs to another business",
            ))
        }
    }
}

impl FromRequest for BusinessKey {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = token.ok_or_else(|| {
                ApiError::unauthorized("send the business API key as `Authorization: Bearer <key>`")
            })?;
            business_for_key(&state, token)
                .await?
                .map(BusinessKey)
                .ok_or_else(|| ApiError::unauthorized("the API key is not valid"))
        })
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
    state
        .db
        .read(move |conn| businesses::by_api_key_hash(conn, &hash).map_err(ApiError::from))
        .await
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
