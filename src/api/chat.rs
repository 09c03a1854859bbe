//! The web chat: the widget posts a customer's message and gets the replies back at once; it
//! polls for messages staff write later.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::client::ClientAddress;
use super::error::{ApiError, ErrorBody};
use super::extract::JsonBody;
use crate::conversation::{Inbound, InboundContent, Reply, Sender};
use crate::domain::{Channel, ValidationError};
use crate::languages::Locale;
use crate::storage::{businesses, conversations};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatBody {
    /// Chosen by the widget (a random UUID kept in the browser); it is the key to the
    /// conversation, so it must be hard to guess: 16 to 128 letters, digits, `-` or `_`.
    pub conversation_id: String,
    /// Unique per message; a message sent again with the same id is answered as before.
    pub message_id: String,
    pub text: Option<String>,
    /// The payload of a tapped choice.
    pub payload: Option<String>,
    /// The browser's language, e.g. `de-DE`; the customer's own words take precedence.
    pub locale: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChatResponse {
    pub replies: Vec<Reply>,
    /// Staff have taken the conversation over; their answers arrive through polling.
    pub with_staff: bool,
    /// Poll for later messages with `?after=` this id.
    pub last_message_id: Option<String>,
}

fn token(field: &str, raw: &str, min: usize) -> Result<String, ValidationError> {
    let ok = (min..=128).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(ValidationError::new(
            field,
            format!("must be {min} to 128 letters, digits, '-' or '_'"),
        ))
    }
}

async fn business_id(state: &AppState, slug: String) -> Result<String, ApiError> {
    state
        .db
        .read(move |conn| {
            businesses::by_slug(conn, &slug)?
                .map(|b| b.id)
                .ok_or_else(|| ApiError::not_found("business"))
        })
        .await
}

/// Sends one customer message (text or a tapped choice) and returns the replies.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/chat", operation_id = "chat_post", security(()), tag = "chat", params(("slug" = String, Path)),
    request_body = ChatBody,
    responses((status = 200, body = ChatResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post(
    path: web::Path<String>,
    state: web::Data<AppState>,
    client: ClientAddress,
    JsonBody(body): JsonBody<ChatBody>,
) -> Result<HttpResponse, ApiError> {
    let conversation_key = token("conversation_id", &body.conversation_id, 16)?;
    let message_id = token("message_id", &body.message_id, 1)?;
    let content = match (body.text, body.payload) {
        (Some(text), None) => InboundContent::Text(text),
        (None, Some(payload)) => InboundContent::Choice {
            payload,
            title: None,
        },
        _ => return Err(ApiError::invalid("text", "send either `text` or `payload`")),
    };
    let inbound = Inbound {
        business_id: business_id(&state, path.into_inner()).await?,
        channel: Channel::Web,
        conversation_key,
        message_id,
        content,
        locale: body.locale.as_deref().and_then(Locale::from_tag),
        sender: Sender::default(),
        client: Some(client.key()),
    };
    let outcome = state.conversations.handle(inbound, state.now()).await?;
    Ok(HttpResponse::Ok().json(ChatResponse {
        replies: outcome.replies,
        with_staff: outcome.with_staff,
        last_message_id: outcome.last_message_id,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PollQuery {
    /// Only messages after this message id.
    after: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    /// `in` from the customer, `out` to them.
    pub direction: String,
    /// `customer`, `bot` or `staff`.
    pub author: String,
    pub text: String,
    pub choices: Vec<crate::conversation::Choice>,
    pub created_at: String,
}

impl TryFrom<&crate::storage::models::ConversationMessage> for MessageView {
    type Error = crate::storage::StorageError;

    fn try_from(m: &crate::storage::models::ConversationMessage) -> Result<Self, Self::Error> {
        Ok(Self {
            id: m.id.clone(),
            direction: m.direction.clone(),
            author: m.author.clone(),
            text: m.text.clone(),
            choices: crate::conversation::outbox::reply_of(m)?.choices,
            created_at: super::json::utc_time(m.created_at),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessagesView {
    pub messages: Vec<MessageView>,
}

/// The conversation's messages (after a given one), for the widget to show staff replies.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/chat/{conversation_id}/messages", operation_id = "chat_messages", security(()), tag = "chat",
    params(("slug" = String, Path), ("conversation_id" = String, Path), PollQuery),
    responses((status = 200, body = MessagesView), (status = 404, body = ErrorBody)))]
pub async fn messages(
    path: web::Path<(String, String)>,
    query: web::Query<PollQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, key) = path.into_inner();
    let key =
        token("conversation_id", &key, 16).map_err(|_| ApiError::not_found("conversation"))?;
    let business_id = business_id(&state, slug).await?;
    let after = query.into_inner().after;
    let messages = state
        .db
        .read(move |conn| {
            let Some(conversation) =
                conversations::find_by_key(conn, &business_id, Channel::Web.as_str(), &key)?
            else {
                return Ok::<_, ApiError>(Vec::new());
            };
            Ok(conversations::transcript(
                conn,
                &conversation.id,
                after.as_deref(),
                200,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MessagesView {
        messages: messages
            .iter()
            .map(MessageView::try_from)
            .collect::<Result<_, _>>()?,
    }))
}
