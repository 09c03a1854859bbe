//! The messaging platforms' webhooks. Each call is checked first (signature or secret token,
//! on the raw bytes), then its events are handed to the conversation engine one by one. The
//! answer is 200 once every turn has committed with its replies queued; an error answers 500 so
//! that the platform delivers again, and the engine answers a redelivered message only once.
//!
//! What a refused call costs is bounded: bodies are read up to [`MAX_WEBHOOK_BYTES`]; a Meta
//! call is checked only against the secrets of the connections that claim the pages or numbers
//! it names (one cheap lookup, no secret touched when it names none); Telegram and SMS answer
//! an unknown address exactly as a wrong secret, so business slugs cannot be probed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::CappedBody;
use crate::channels::connection::{self, Connection, Proof};
use crate::channels::ownership::Verdict;
use crate::channels::{InboundEvent, messenger, signature, telegram, twilio, whatsapp};
use crate::domain::Platform;
use crate::storage::to_db_time;

/// Meta's and the others' calls are a few KiB; a batch of WhatsApp changes stays far below.
pub const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

type WebhookBody = CappedBody<MAX_WEBHOOK_BYTES>;

/// A Meta call names the pages or numbers of one app; beyond this many distinct ones it is not
/// a call Meta makes, and the rest are not looked up.
const MAX_ACCOUNTS_PER_CALL: usize = 16;
/// At most this many distinct secrets are tried on one call, so that claims piled onto one page
/// cannot make every call to it expensive. The active connection's secret comes first.
const MAX_SECRETS_PER_CALL: usize = 16;

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
/// configured; a pending claim with that token becomes active if Meta confirms its page.
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
    let directory = Arc::clone(&state.directory);
    let matching: Vec<Arc<Connection>> = state
        .db
        .read(move |conn| directory.of_platform(conn, platform))
        .await?
        .into_iter()
        .filter(|c| {
            c.secret("verify_token")
                .is_some_and(|v| crate::access::constant_time_eq(v.as_bytes(), token.as_bytes()))
        })
        .collect();
    if matching.is_empty() {
        return Err(ApiError::forbidden("unknown verify token"));
    }
    let pending: Vec<Arc<Connection>> = matching.into_iter().filter(|c| !c.is_active()).collect();
    // Meta saves the subscription only once it has its challenge back, whatever the claim's
    // fate: an unconfirmed claim is tried again at the first signed call.
    confirm(&state, pending, Proof::Handshake).await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body(challenge))
}

/// Activates the claims that Meta confirms own their page or number. Returns the ids of the
/// confirmed claims, and whether Meta could not be asked about some.
async fn confirm(
    state: &AppState,
    claims: Vec<Arc<Connection>>,
    proof: Proof,
) -> Result<Confirmed, ApiError> {
    let mut confirmed = Vec::new();
    let mut unreachable = false;
    for claim in claims {
        match state.ownership.check(&claim).await {
            Verdict::Owner => confirmed.push(claim),
            Verdict::NotOwner(why) => {
                tracing::warn!(platform = claim.platform.as_str(), business = %claim.business_id, ?proof, %why, "a channel claim is not its page's owner; it stays pending");
            }
            Verdict::Unreachable(why) => {
                tracing::warn!(platform = claim.platform.as_str(), business = %claim.business_id, %why, "cannot confirm a channel claim now");
                unreachable = true;
            }
        }
    }
    let ids = confirmed.iter().map(|c| c.id.clone()).collect();
    if !confirmed.is_empty() {
        let now = to_db_time(state.now());
        state
            .db
            .write(move |conn| {
                for claim in &confirmed {
                    connection::activate(conn, claim, proof, now)?;
                }
                Ok::<_, ApiError>(())
            })
            .await?;
    }
    Ok(Confirmed { ids, unreachable })
}

struct Confirmed {
    ids: HashSet<String>,
    unreachable: bool,
}

#[utoipa::path(get, path = "/webhooks/messenger", operation_id = "webhooks_messenger_verify", tag = "webhooks",
    params(("hub.mode" = Option<String>, Query), ("hub.verify_token" = Option<String>, Query), ("hub.challenge" = Option<String>, Query)),
    responses((status = 200, description = "The challenge, echoed", content_type = "text/plain"), (status = 403, body = super::error::ErrorBody)))]
pub async fn messenger_verify(
    query: web::Query<Handshake>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    verify(Platform::Messenger, query, state).await
}

#[utoipa::path(get, path = "/webhooks/whatsapp", operation_id = "webhooks_whatsapp_verify", tag = "webhooks",
    params(("hub.mode" = Option<String>, Query), ("hub.verify_token" = Option<String>, Query), ("hub.challenge" = Option<String>, Query)),
    responses((status = 200, description = "The challenge, echoed", content_type = "text/plain"), (status = 403, body = super::error::ErrorBody)))]
pub async fn whatsapp_verify(
    query: web::Query<Handshake>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    verify(Platform::WhatsApp, query, state).await
}

/// How to read one of Meta's platforms' bodies.
struct MetaReader {
    platform: Platform,
    accounts: fn(&serde_json::Value) -> Vec<String>,
    events: fn(&serde_json::Value) -> Vec<InboundEvent>,
}

#[utoipa::path(post, path = "/webhooks/messenger", operation_id = "webhooks_messenger_events", tag = "webhooks",
    request_body(content = Object, description = "The platform's event, signed as the platform signs it"),
    responses((status = 200, description = "Accepted"), (status = 401, body = super::error::ErrorBody), (status = 413, body = super::error::ErrorBody)))]
pub async fn messenger_events(
    req: HttpRequest,
    body: WebhookBody,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let reader = MetaReader {
        platform: Platform::Messenger,
        accounts: messenger::accounts,
        events: messenger::events,
    };
    meta_events(reader, req, body.0, state).await
}

#[utoipa::path(post, path = "/webhooks/whatsapp", operation_id = "webhooks_whatsapp_events", tag = "webhooks",
    request_body(content = Object, description = "The platform's event, signed as the platform signs it"),
    responses((status = 200, description = "Accepted"), (status = 401, body = super::error::ErrorBody), (status = 413, body = super::error::ErrorBody)))]
pub async fn whatsapp_events(
    req: HttpRequest,
    body: WebhookBody,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let reader = MetaReader {
        platform: Platform::WhatsApp,
        accounts: whatsapp::accounts,
        events: whatsapp::events,
    };
    meta_events(reader, req, body.0, state).await
}

fn unsigned() -> ApiError {
    ApiError::unauthorized("the X-Hub-Signature-256 header is missing or does not match the body")
}

/// One webhook URL serves every business on Meta's platforms. The pages or numbers the body
/// names choose which connections' app secrets to check the signature with — nothing else in
/// the body is believed before it is checked. Each page's events go to the connection that
/// signed for it if it is the active one, or once Meta confirms that the claim owns the page.
async fn meta_events(
    reader: MetaReader,
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let platform = reader.platform;
    let digest =
        signature::meta_digest(header(&req, "x-hub-signature-256")).ok_or_else(unsigned)?;
    let payload = json_body(&body)?;
    let mut accounts = (reader.accounts)(&payload);
    accounts.sort();
    accounts.dedup();
    accounts.truncate(MAX_ACCOUNTS_PER_CALL);
    let directory = Arc::clone(&state.directory);
    let looked_up = accounts.clone();
    let claims = state
        .db
        .read(move |conn| directory.claiming(conn, platform, &looked_up))
        .await?;
    let mut checks = SignatureChecks::new(&body, &digest);
    let receivers: HashMap<String, Arc<Connection>> = accounts
        .into_iter()
        .filter_map(|account| {
            let receiver = checks.receiver(&claims, &account)?;
            Some((account, receiver))
        })
        .collect();
    state
        .metrics
        .record_signature_checks(platform.as_str(), checks.computed());
    if receivers.is_empty() {
        return Err(unsigned());
    }
    let claims = receivers
        .values()
        .filter(|c| !c.is_active())
        .cloned()
        .collect();
    let confirmed = confirm(&state, claims, Proof::Signature).await?;
    if confirmed.unreachable {
        // Meta delivers again later; by then it can say whose page this is.
        return Err(ApiError::new(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "platform_unreachable",
            "cannot confirm with Meta who owns this account now; deliver again later",
        ));
    }
    for event in (reader.events)(&payload) {
        let receiver = receivers
            .get(&event.account)
            .filter(|c| c.is_active() || confirmed.ids.contains(&c.id));
        let Some(receiver) = receiver else {
            tracing::info!(platform = platform.as_str(), account = %event.account, "webhook event for an account no active signing connection holds; ignored");
            continue;
        };
        let business_id = receiver.business_id.clone();
        handle(&state, event, &business_id, platform).await?;
    }
    Ok(HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body("EVENT_RECEIVED"))
}

/// The signature of one call checked against candidate secrets, each distinct secret at most
/// once and no more than [`MAX_SECRETS_PER_CALL`] of them.
struct SignatureChecks<'a> {
    body: &'a [u8],
    digest: &'a [u8],
    verdicts: HashMap<String, bool>,
}

impl<'a> SignatureChecks<'a> {
    fn new(body: &'a [u8], digest: &'a [u8]) -> Self {
        Self {
            body,
            digest,
            verdicts: HashMap::new(),
        }
    }

    /// How many HMACs were computed.
    fn computed(&self) -> usize {
        self.verdicts.len()
    }

    /// The connection that receives `account`'s events: among the claims on it whose secret
    /// signed the call, the active one, else the most recently entered claim.
    fn receiver(&mut self, claims: &[Arc<Connection>], account: &str) -> Option<Arc<Connection>> {
        let mut candidates: Vec<&Arc<Connection>> = claims
            .iter()
            .filter(|c| c.claimed_key().as_deref() == Some(account))
            .collect();
        candidates.sort_by_key(|c| (!c.is_active(), std::cmp::Reverse(c.updated_at)));
        candidates
            .into_iter()
            .find(|c| c.secret("app_secret").is_some_and(|s| self.signed_with(s)))
            .cloned()
    }

    fn signed_with(&mut self, secret: &str) -> bool {
        if let Some(verdict) = self.verdicts.get(secret) {
            return *verdict;
        }
        if self.verdicts.len() >= MAX_SECRETS_PER_CALL {
            return false;
        }
        let verdict = signature::meta_matches(secret, self.body, self.digest);
        self.verdicts.insert(secret.to_owned(), verdict);
        verdict
    }
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

/// The connection of the business whose slug a Telegram or SMS webhook URL carries, if it has
/// one to that platform.
async fn slug_connection(
    state: &AppState,
    slug: String,
    platform: Platform,
) -> Result<Option<Arc<Connection>>, ApiError> {
    let directory = Arc::clone(&state.directory);
    Ok(state
        .db
        .read(move |conn| directory.by_slug(conn, &slug, platform))
        .await?)
}

/// The one answer to a slug-addressed call that cannot be verified, whether the slug is
/// unknown, the business has no such connection or the secret is wrong.
fn unverified(platform: Platform) -> ApiError {
    ApiError::unauthorized(match platform {
        Platform::Twilio => {
            "the X-Twilio-Signature header is missing or does not match a number connected at this URL (is CHAIRSIDE_PUBLIC_URL the URL Twilio calls?)"
        }
        _ => {
            "the X-Telegram-Bot-Api-Secret-Token header is missing or does not match a bot connected at this URL"
        }
    })
}

#[utoipa::path(post, path = "/webhooks/telegram/{slug}", operation_id = "webhooks_telegram_update", tag = "webhooks", params(("slug" = String, Path)),
    request_body(content = Object, description = "The platform's event, signed as the platform signs it"),
    responses((status = 200, description = "Accepted"), (status = 401, body = super::error::ErrorBody), (status = 413, body = super::error::ErrorBody)))]
pub async fn telegram_update(
    req: HttpRequest,
    path: web::Path<String>,
    body: WebhookBody,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let connection = slug_connection(&state, path.into_inner(), Platform::Telegram).await?;
    let given = header(&req, "x-telegram-bot-api-secret-token");
    let connection = connection
        .filter(|c| {
            c.secret("secret_token")
                .is_some_and(|secret| signature::telegram_valid(secret, given))
        })
        .ok_or_else(|| unverified(Platform::Telegram))?;
    let update = json_body(&body.0)?;
    let read = telegram::read_update(&update);
    if let Some(event) = read.event {
        handle(&state, event, &connection.business_id, Platform::Telegram).await?;
    }
    Ok(match read.callback_query_id {
        Some(id) => HttpResponse::Ok().json(telegram::acknowledge(&id)),
        None => HttpResponse::Ok().finish(),
    })
}

/// Checked in place of a missing connection's auth token, so that an unknown slug costs the
/// same signature computation as a known one and timing does not tell them apart.
const NO_AUTH_TOKEN: &str = "no connection at this URL";

#[utoipa::path(post, path = "/webhooks/twilio/{slug}", operation_id = "webhooks_twilio_message", tag = "webhooks", params(("slug" = String, Path)),
    request_body(content = Object, content_type = "application/x-www-form-urlencoded", description = "Twilio's message, signed with X-Twilio-Signature"),
    responses((status = 200, description = "Accepted"), (status = 403, body = super::error::ErrorBody), (status = 413, body = super::error::ErrorBody)))]
pub async fn twilio_message(
    req: HttpRequest,
    path: web::Path<String>,
    body: WebhookBody,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // Read before the slug is looked up: a malformed body is refused alike at every URL.
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body.0).map_err(|e| {
        ApiError::bad_request("invalid_form", format!("the body is not a form: {e}"))
    })?;
    let connection = slug_connection(&state, path.into_inner(), Platform::Twilio).await?;
    let url = format!("{}{}", state.config.public_url, req.uri());
    let token = connection
        .as_deref()
        .and_then(|c| c.secret("auth_token"))
        .unwrap_or(NO_AUTH_TOKEN);
    let signed = signature::twilio_valid(token, &url, &params, header(&req, "x-twilio-signature"));
    let connection = connection
        .filter(|_| signed)
        .ok_or_else(|| unverified(Platform::Twilio))?;
    if let Some(event) = twilio::read_message(&params) {
        handle(&state, event, &connection.business_id, Platform::Twilio).await?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(twilio::EMPTY_TWIML))
}
