//! Messages to customers: kept in the transcript, and for platform channels queued as durable
//! `chat.send` jobs in the same transaction, so none is lost and none is sent twice. Web chat
//! has no push: the widget receives the replies in the HTTP response and polls for staff
//! messages.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::message::{Choice, Reply};
use crate::domain::Channel;
use crate::jobs::{self, JobSpec};
use crate::storage::models::{Conversation, ConversationMessage};
use crate::storage::{DbConnection, StorageResult, conversations, new_id, to_db_time};

/// The job kind that delivers one outbound message through its channel.
pub const SEND_JOB: &str = "chat.send";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Bot,
    Staff,
}

impl Author {
    fn as_str(self) -> &'static str {
        match self {
            Author::Bot => "bot",
            Author::Staff => "staff",
        }
    }
}

/// Stores the replies (answering `in_reply_to`, if any) and queues their delivery.
pub fn queue_replies(
    conn: &mut DbConnection,
    conversation: &Conversation,
    replies: &[Reply],
    author: Author,
    in_reply_to: Option<&str>,
    now: DateTime<Utc>,
) -> StorageResult<Vec<String>> {
    if replies.is_empty() {
        return Ok(Vec::new());
    }
    let pushed = conversation.channel != Channel::Web.as_str();
    let mut ids = Vec::with_capacity(replies.len());
    for reply in replies {
        let message = ConversationMessage {
            id: new_id(),
            conversation_id: conversation.id.clone(),
            direction: conversations::OUT.to_owned(),
            author: author.as_str().to_owned(),
            external_id: None,
            text: reply.text.clone(),
            payload: None,
            choices: (!reply.choices.is_empty())
                .then(|| serde_json::to_string(&reply.choices).unwrap_or_default()),
            created_at: to_db_time(now),
            in_reply_to: in_reply_to.map(str::to_owned),
        };
        conversations::add_message(conn, &message)?;
        if pushed {
            let spec = JobSpec::new(SEND_JOB, json!({ "message_id": message.id }), now)
                .for_business(&conversation.business_id)
                .keyed(format!("{SEND_JOB}:{}", message.id));
            jobs::enqueue(conn, &spec, now)?;
        }
        ids.push(message.id);
    }
    conversations::touch_outbound(conn, &conversation.id, to_db_time(now))?;
    Ok(ids)
}

/// A stored outbound message as the reply it was.
pub fn reply_of(message: &ConversationMessage) -> Reply {
    let choices: Vec<Choice> = message
        .choices
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default();
    Reply {
        text: message.text.clone(),
        choices,
    }
}
