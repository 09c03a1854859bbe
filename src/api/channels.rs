//! A business's messaging channel connections (owner session or API key). Secrets are
//! write-only: a view names the secrets that are set, never their values.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::{Map, Value};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Owner};
use crate::channels::connection::{self, Connection};
use crate::channels::menus;
use crate::domain::Platform;
use crate::storage::channels;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    pub platform: String,
    /// The public settings (page id, phone number id, account SID, sending number, templates).
    #[schema(value_type = Object)]
    pub settings: Map<String, Value>,
    /// Which secrets are stored; their values are never returned.
    pub secrets_set: Vec<String>,
    /// `active`: receives the platform's events and sends. `pending`: a Messenger page or
    /// WhatsApp number entered but not yet proven — by Meta's subscription handshake (only while
    /// no other business holds it) or by a webhook call signed with this connection's app
    /// secret; until then it receives and sends nothing, and blocks nobody.
    #[schema(value_type = String, example = "active")]
    pub status: &'static str,
    /// Where the platform must send its webhooks.
    pub webhook_url: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// How the platform's own entry points were last set up (Messenger's greeting and ice
    /// breakers, Telegram's commands, the WhatsApp profile); absent before the first time.
    pub menus: Option<MenusView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MenusView {
    /// `pending`, `running`, `done`, `failed` (the platform refused; see `error`) or `cancelled`
    /// (nothing to set up, e.g. a WhatsApp number of a business without an address).
    #[schema(example = "done")]
    pub status: String,
    /// Why it failed, was not needed, or is being tried again, in the platform's words.
    pub error: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<menus::State> for MenusView {
    fn from(state: menus::State) -> Self {
        MenusView {
            status: state.status,
            error: state.error,
            updated_at: state.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelListView {
    pub channels: Vec<ChannelView>,
}

fn view(
    state: &AppState,
    slug: &str,
    connection: &Connection,
    updated_at: chrono::NaiveDateTime,
    menus: Option<menus::State>,
) -> ChannelView {
    ChannelView {
        platform: connection.platform.as_str().to_owned(),
        settings: connection.settings().clone(),
        secrets_set: connection.secrets_set(),
        status: connection.status.as_str(),
        webhook_url: webhook_url(&state.config.public_url, connection.platform, slug),
        updated_at: updated_at.and_utc(),
        menus: menus.map(MenusView::from),
    }
}

/// The URL to enter in the platform's console.
pub fn webhook_url(public_url: &str, platform: Platform, slug: &str) -> String {
    match platform {
        Platform::Messenger | Platform::WhatsApp => {
            format!("{public_url}/webhooks/{}", platform.as_str())
        }
        Platform::Telegram | Platform::Twilio => {
            format!("{public_url}/webhooks/{}/{slug}", platform.as_str())
        }
    }
}

/// The route's `{platform}`; one the server does not know is no such resource (404).
pub struct PlatformPath(Platform);

impl FromRequest for PlatformPath {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = req.match_info().get("platform").unwrap_or_default();
        std::future::ready(
            Platform::parse("platform", raw)
                .map(PlatformPath)
                .map_err(|_| ApiError::not_found("channel platform")),
        )
    }
}

/// The connected platforms.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/channels", operation_id = "channels_list", tag = "channels",
    params(("slug" = String, Path)), responses((status = 200, body = ChannelListView), (status = 403, body = ErrorBody)))]
pub async fn list(
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = business.id.clone();
    let rows = state
        .db
        .read(move |conn| {
            let rows = channels::of_business(conn, &id)?;
            let mut with_menus = Vec::with_capacity(rows.len());
            for row in rows {
                let menus = menus::state(conn, &row.id)?;
                with_menus.push((row, menus));
            }
            Ok::<_, ApiError>(with_menus)
        })
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for (row, menus) in rows {
        let connection = Connection::from_row(&row, &state.vault)?;
        views.push(view(
            &state,
            &business.slug,
            &connection,
            row.updated_at,
            menus,
        ));
    }
    Ok(HttpResponse::Ok().json(ChannelListView { channels: views }))
}

/// Connects a platform or changes its connection; a secret left out keeps its stored value.
#[utoipa::path(put, path = "/api/v1/businesses/{slug}/channels/{platform}", operation_id = "channels_put", tag = "channels",
    params(("slug" = String, Path), ("platform" = String, Path, description = "messenger, whatsapp, telegram or twilio")),
    request_body(content = Object, description = "messenger: page_id, page_access_token, app_secret, verify_token; whatsapp: phone_number_id, access_token, app_secret, verify_token, templates?; telegram: bot_token, secret_token; twilio: account_sid, auth_token, from_number"),
    responses((status = 200, body = ChannelView), (status = 422, body = ErrorBody)))]
pub async fn put(
    owner: Owner,
    PlatformPath(platform): PlatformPath,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let slug = owner.business.slug.clone();
    let vault = state.vault.clone();
    let (connection, updated_at, menus) = owner
        .write(&state, move |conn, business, now| {
            let (connection, updated_at) =
                connection::save(conn, &vault, business, platform, input, now)?;
            let menus = menus::state(conn, &connection.id)?;
            Ok((connection, updated_at, menus))
        })
        .await?;
    // A connection that became active has its menus to set up.
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(view(&state, &slug, &connection, updated_at, menus)))
}

/// Disconnects a platform: its webhooks are refused from now on.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/channels/{platform}", operation_id = "channels_delete", tag = "channels",
    params(("slug" = String, Path), ("platform" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    Owner { business, .. }: Owner,
    PlatformPath(platform): PlatformPath,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let deleted = state
        .db
        .write(move |conn| channels::delete(conn, &business.id, platform.as_str()))
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found("channel connection"))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MenusQueued {
    pub platform: String,
    /// The job that makes the platform's calls; its outcome is kept with the job.
    pub job_id: String,
    #[schema(value_type = String, example = "queued")]
    pub status: &'static str,
}

/// Sets the platform's own entry points up again, as on activation: Messenger's Get Started
/// button, greeting and ice breakers; Telegram's command list; the WhatsApp business profile's
/// address and description. The calls are made by a job, retried while the platform is down.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/channels/{platform}/menus", operation_id = "channels_menus", tag = "channels",
    params(("slug" = String, Path), ("platform" = String, Path, description = "messenger, whatsapp or telegram")),
    responses((status = 202, body = MenusQueued), (status = 404, body = ErrorBody), (status = 409, description = "The connection is pending: it sends nothing until it is proven", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn menus(
    owner: Owner,
    PlatformPath(platform): PlatformPath,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let vault = state.vault.clone();
    let job_id = owner
        .write(&state, move |conn, business, now| {
            menus::plan_on_request(conn, &vault, business, platform, now.and_utc())
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Accepted().json(MenusQueued {
        platform: platform.as_str().to_owned(),
        job_id,
        status: "queued",
    }))
}
