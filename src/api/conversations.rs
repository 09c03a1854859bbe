//! The staff side of conversations: the inbox of handed-off conversations, transcripts,
//! replying, taking over and handing back (business API key or any staff session).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::chat::MessageView;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Member, PathId};
use super::json::{CustomerView, utc_time};
use crate::booking::BookingContact;
use crate::conversation::{OWNER_BOT, OWNER_HUMAN, inbox};
use crate::domain::required_text;
use crate::storage::models::{Business, Conversation};
use crate::storage::{bookings, conversations, customers};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConversationView {
    pub id: String,
    /// `web`, `messenger`, `whatsapp`, `telegram` or `sms`.
    pub channel: String,
    /// `bot`, or `human` while staff handle it.
    pub owner: String,
    pub locale: Option<String>,
    pub customer: Option<CustomerView>,
    pub handed_off_at: Option<String>,
    /// Staff own the conversation and the customer's newest message has no staff answer yet.
    pub waiting: bool,
    /// While staff own it: when the bot answers again unless staff write or hand back sooner
    /// (`handoff_timeout_minutes` after staff's last word).
    pub bot_returns_at: Option<String>,
    pub last_inbound_at: Option<String>,
    pub updated_at: String,
    /// The last message, to show in a list.
    pub last_message: Option<MessageView>,
    /// The whole transcript, when one conversation is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<MessageView>>,
}

/// The most conversations one list returns.
const MAX_LISTED: i64 = 200;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `human` for the inbox of handed-off conversations, `bot`, or all when left out.
    owner: Option<String>,
    /// At most this many (1–200, default 200).
    limit: Option<i64>,
}

fn view(
    conn: &mut crate::storage::DbConnection,
    business: &Business,
    conversation: &Conversation,
    with_transcript: bool,
) -> Result<ConversationView, ApiError> {
    // Staff see whom they talk to: the proven customer, else the contact the chat's latest
    // booking was made with.
    let customer = match &conversation.customer_id {
        Some(id) => customers::find(conn, &conversation.business_id, id)?
            .as_ref()
            .map(CustomerView::from),
        None => bookings::latest_of_conversation(conn, &conversation.id)?
            .as_ref()
            .and_then(BookingContact::of)
            .map(|c| CustomerView {
                id: None,
                name: c.name,
                phone: c.phone,
                email: c.email,
            }),
    };
    let transcript = conversations::transcript(
        conn,
        &conversation.id,
        None,
        if with_transcript { 500 } else { 1 },
    )?;
    let messages: Vec<MessageView> = transcript
        .iter()
        .map(MessageView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(ConversationView {
        id: conversation.id.clone(),
        channel: conversation.channel.clone(),
        owner: conversation.owner.clone(),
        locale: conversation.locale.clone(),
        customer,
        handed_off_at: conversation.handed_off_at.map(utc_time),
        waiting: inbox::is_waiting(conn, conversation)?,
        bot_returns_at: inbox::bot_returns_at(conversation, business.handoff_timeout_minutes)
            .map(|at| utc_time(at.naive_utc())),
        last_inbound_at: conversation.last_inbound_at.map(utc_time),
        updated_at: utc_time(conversation.updated_at),
        last_message: transcript.last().map(MessageView::try_from).transpose()?,
        messages: with_transcript.then_some(messages),
    })
}

/// Conversations, most recent first; `owner=human` is the inbox.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/conversations", operation_id = "conversations_list", tag = "chat",
    params(("slug" = String, Path), ListQuery), responses((status = 200, body = Vec<ConversationView>)))]
pub async fn list(
    query: web::Query<ListQuery>,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let owner = match query.owner.as_deref() {
        None => None,
        Some(OWNER_HUMAN) => Some(OWNER_HUMAN),
        Some(OWNER_BOT) => Some(OWNER_BOT),
        Some(other) => {
            return Err(ApiError::invalid(
                "owner",
                format!("{other:?} is not one of: human, bot"),
            ));
        }
    };
    let limit = match query.limit {
        None => MAX_LISTED,
        Some(limit) if (1..=MAX_LISTED).contains(&limit) => limit,
        Some(other) => {
            return Err(ApiError::invalid(
                "limit",
                format!("must be between 1 and {MAX_LISTED}, not {other}"),
            ));
        }
    };
    let list = state
        .db
        .read(move |conn| {
            conversations::list(conn, &business.id, owner, limit)?
                .iter()
                .map(|c| view(conn, &business, c, false))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One conversation with its transcript.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/conversations/{id}", operation_id = "conversations_get", tag = "chat",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ConversationView), (status = 404, body = ErrorBody)))]
pub async fn get(
    PathId(id): PathId,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let found = state
        .db
        .read(move |conn| {
            let conversation = conversations::find(conn, &business.id, &id)?
                .ok_or_else(|| ApiError::not_found("conversation"))?;
            view(conn, &business, &conversation, true)
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffMessageBody {
    pub text: String,
}

/// A staff member's message to the customer, delivered through the conversation's channel.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/conversations/{id}/messages", operation_id = "conversations_reply", tag = "chat",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = StaffMessageBody,
    responses((status = 201, description = "Queued for delivery"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reply(
    PathId(id): PathId,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<StaffMessageBody>,
) -> Result<HttpResponse, ApiError> {
    let text = required_text("text", &body.text, 4_000)?;
    let message_id = state
        .conversations
        .staff_reply(business.id, id, text, state.now())
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": message_id })))
}

/// Staff take the conversation over: the bot stays silent.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/conversations/{id}/take-over", operation_id = "conversations_take_over", tag = "chat",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn take_over(
    PathId(id): PathId,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .conversations
        .take_over(business.id, id, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Staff hand the conversation back to the bot, which tells the customer.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/conversations/{id}/hand-back", operation_id = "conversations_hand_back", tag = "chat",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn hand_back(
    PathId(id): PathId,
    Member { business, .. }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .conversations
        .hand_back(business.id, id, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
