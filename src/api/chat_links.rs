//! Signed chat links for a customer the business knows: followed, they open the chat (web,
//! Messenger, Telegram) already knowing the customer (see `customers::links`).

use actix_web::{HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Owner, PathId};
use super::json::utc_time;
use crate::customers::links::{self, LinkSubject};
use crate::domain::check_range;
use crate::storage::{channels, customers, to_db_time};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatLinkBody {
    /// How long the link works, in hours (1–720, default 24). It works once.
    pub valid_hours: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChatLinkView {
    pub token: String,
    pub expires_at: String,
    /// The business's web chat, opened with the link.
    pub web_url: String,
    /// An m.me link carrying the token as its `ref`, when Messenger is connected.
    pub messenger_url: Option<String>,
    /// For Telegram: `https://t.me/<your bot>?start=` followed by this.
    pub telegram_start: String,
}

/// A link that opens the chat knowing this customer (API key or owner).
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/customers/{id}/chat-link", operation_id = "chat_links_create", tag = "chat",
    params(("slug" = String, Path), ("id" = String, Path)), request_body(content = Option<ChatLinkBody>),
    responses((status = 201, body = ChatLinkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    Owner { business, .. }: Owner,
    PathId(customer_id): PathId,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: ChatLinkBody = if body.iter().all(u8::is_ascii_whitespace) {
        ChatLinkBody::default()
    } else {
        super::extract::parse_json(&body)?
    };
    let hours = check_range("valid_hours", body.valid_hours.unwrap_or(24), 1..=720)?;
    let expires = state.now() + Duration::hours(hours.into());
    let business_id = business.id.clone();
    let page = state
        .db
        .read(move |conn| {
            customers::find(conn, &business_id, &customer_id)?
                .ok_or_else(|| ApiError::not_found("customer"))?;
            // Only a proven page: a link to a page the business merely claims would lead the
            // customer to someone else's inbox.
            let page =
                channels::find(conn, &business_id, "messenger")?.and_then(|row| row.routing_key);
            Ok::<_, ApiError>((customer_id, page))
        })
        .await?;
    let (customer_id, page) = page;
    let token = links::issue(
        &state.secrets,
        &business.id,
        &LinkSubject::Customer(customer_id),
        expires,
    )
    .ok_or_else(|| ApiError::not_found("customer"))?;
    Ok(HttpResponse::Created().json(ChatLinkView {
        web_url: format!(
            "{}/b/{}/chat?link={token}",
            state.config.public_url, business.slug
        ),
        messenger_url: page.map(|p| format!("https://m.me/{p}?ref={token}")),
        telegram_start: token.clone(),
        expires_at: utc_time(to_db_time(expires)),
        token,
    }))
}
