//! The messaging platforms' webhooks. Each call is checked first (signature or secret token,
//! on the raw bytes), then its events are handed to the conversation engine one by one. The
//! answer is 200 once every turn has committed with its replies queued; an error answers 500 so
//! that the platform delivers again, and the engine answers a redelivered message only once.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use crate::channels::connection::{self, Connection};
use crate::channels::{InboundEvent, messenger, signature, telegram, twilio, whatsapp};
use crate::domain::Platform;
use crate::storage::businesses;
use crate::storage::models::Business;

/// WhatsApp sends up to 3 MB in one call.
pub const MAX_WEBHOOK_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Meta's subscription handshake: the challenge back when the verify token is one a business
/// configured.
async fn verify(
    platform: Platform,
    query: web::Query<Handshake>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Handshake {
        mode,
        verify_token,
        challenge,
    } = query.into_inner();
    let (Some("subscribe"), Some(token), Some(challenge)) =
        (mode.as_deref(), verify_token, challenge)
    else {
        return Err(ApiError::forbidden(
            "expected hub.mode=subscribe, hub.verify_token and hub.challenge",
        ));
    };
    let vault = state.vault.clone();
    let connections = state
        .db
        .read(move |conn| connection::load_all(conn, &vault, platform))
        .await?;
    let known = connections.iter().any(|c| {
        c.secret("verify_token")
            .is_some_and(|v| crate::access::constant_time_eq(v.as_bytes(), token.as_bytes()))
    });
    if !known {
        return Err(ApiError::forbidden("unknown verify token"));
    }
    Ok(HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body(challenge))
}

pub async fn messenger_verify(
    query: web::Query<Handshake>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    verify(Platform::Messenger, query, state).await
}

pub async fn whatsapp_verify(
    query: web::Query<Handshake>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    verify(Platform::WhatsApp, query, state).await
}

pub async fn messenger_events(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_events(Platform::Messenger, req, body, state, messenger::events).await
}

pub async fn whatsapp_events(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_events(Platform::WhatsApp, req, body, state, whatsapp::events).await
}

/// One webhook URL serves every business on Meta's platforms: the call must be signed with the
/// app secret of a connected business, and each event goes to the business whose page or
/// number it names — only among the businesses whose secret signed it.
async fn meta_events(
    platform: Platform,
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    read: fn(&serde_json::Value) -> Vec<InboundEvent>,
) -> Result<HttpResponse, ApiError> {
    let signed = header(&req, "x-hub-signature-256").map(str::to_owned);
    let vault = state.vault.clone();
    let connections = state
        .db
        .read(move |conn| connection::load_all(conn, &vault, platform))
        .await?;
    let signers: Vec<Connection> = connections
        .into_iter()
        .filter(|c| {
            c.secret("app_secret")
                .is_some_and(|secret| signature::meta_valid(secret, &body, signed.as_deref()))
        })
        .collect();
    if signers.is_empty() {
        return Err(ApiError::unauthorized(
            "the X-Hub-Signature-256 header is missing or does not match the body",
        ));
    }
    let payload = json_body(&body)?;
    for event in read(&payload) {
        let Some(connection) = signers
            .iter()
            .find(|c| c.routing_key().as_deref() == Some(event.account.as_str()))
        else {
            tracing::info!(platform = platform.as_str(), account = %event.account, "webhook event for an account no signing business connected; ignored");
            continue;
        };
        let business_id = connection.business_id.clone();
        handle(&state, event, &business_id, platform).await?;
    }
    Ok(HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body("EVENT_RECEIVED"))
}

fn json_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not JSON: {e}")))
}

async fn handle(
    state: &AppState,
    event: InboundEvent,
    business_id: &str,
    platform: Platform,
) -> Result<(), ApiError> {
    let inbound = event.into_inbound(business_id, platform);
    state.conversations.handle(inbound, state.now()).await?;
    Ok(())
}

/// The business a slug-addressed webhook names and its connection to the platform.
async fn slug_connection(
    state: &AppState,
    slug: String,
    platform: Platform,
) -> Result<(Business, Connection), ApiError> {
    let vault = state.vault.clone();
    state
        .db
        .read(move |conn| {
            let business =
                businesses::by_slug(conn, &slug)?.ok_or(ApiError::not_found("business"))?;
            let connection = connection::load(conn, &vault, &business.id, platform)?
                .ok_or_else(|| ApiError::not_found(&format!("{} connection", platform.as_str())))?;
            Ok((business, connection))
        })
        .await
}

pub async fn telegram_update(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (business, connection) =
        slug_connection(&state, path.into_inner(), Platform::Telegram).await?;
    let given = header(&req, "x-telegram-bot-api-secret-token");
    let valid = connection
        .secret("secret_token")
        .is_some_and(|secret| signature::telegram_valid(secret, given));
    if !valid {
        return Err(ApiError::unauthorized(
            "the X-Telegram-Bot-Api-Secret-Token header is missing or wrong",
        ));
    }
    let update = json_body(&body)?;
    let read = telegram::read_update(&update);
    if let Some(event) = read.event {
        handle(&state, event, &business.id, Platform::Telegram).await?;
    }
    Ok(match read.callback_query_id {
        Some(id) => HttpResponse::Ok().json(telegram::acknowledge(&id)),
        None => HttpResponse::Ok().finish(),
    })
}

pub async fn twilio_message(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (business, connection) =
        slug_connection(&state, path.into_inner(), Platform::Twilio).await?;
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|e| {
        ApiError::bad_request("invalid_form", format!("the body is not a form: {e}"))
    })?;
    let url = format!("{}{}", state.config.public_url, req.uri());
    let valid = connection.secret("auth_token").is_some_and(|token| {
        signature::twilio_valid(token, &url, &params, header(&req, "x-twilio-signature"))
    });
    if !valid {
        return Err(ApiError::unauthorized(
            "the X-Twilio-Signature header is missing or does not match (is CHAIRSIDE_PUBLIC_URL the URL Twilio calls?)",
        ));
    }
    if let Some(event) = twilio::read_message(&params) {
        handle(&state, event, &business.id, Platform::Twilio).await?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(twilio::EMPTY_TWIML))
}
