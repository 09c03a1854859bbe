//! Messages to customers: kept in the transcript, and for platform channels queued as durable
//! `chat.send` jobs in the same transaction, so none is lost and none is sent twice. Web chat
//! has no push: the widget receives the replies in the HTTP response and polls for staff
//! messages.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::message::{Choice, Reply};
use crate::domain::Channel;
use crate::jobs::{self, JobSpec};
use crate::storage::models::{Conversation, ConversationMessage};
use crate::storage::{DbConnection, JsonText, StorageResult, conversations, new_id, to_db_time};

/// The job kind that delivers outbound messages through their channel, one after another.
pub const SEND_JOB: &str = "chat.send";

/// The key of the job that sends a stored message (the first of those one reply queued).
pub fn send_job_key(message_id: &str) -> String {
    format!("{SEND_JOB}:{message_id}")
}

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

/// Why a message is sent, which decides how it may go out once the platform's customer-service
/// window has closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An answer to the customer's message.
    Reply,
    /// News about a booking: a reminder, a change the business made.
    Update,
    /// A person at the business writing.
    Staff,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reply => "reply",
            Purpose::Update => "update",
            Purpose::Staff => "staff",
        }
    }

    pub fn parse(raw: &str) -> Self {
        match raw {
            "update" => Purpose::Update,
            "staff" => Purpose::Staff,
            _ => Purpose::Reply,
        }
    }
}

/// A WhatsApp template to use for an update sent outside the window, and the values for its
/// parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUse {
    /// `reminder` or `booking_update`.
    pub kind: String,
    pub values: BTreeMap<String, String>,
}

/// Who sends, why, and in answer to what.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub author: Author,
    pub purpose: Purpose,
    pub template: Option<TemplateUse>,
    pub in_reply_to: Option<String>,
    /// Names the message for good: queuing it again under the same key does nothing, so a
    /// job that queues it may safely run twice.
    pub key: Option<String>,
}

impl Outbound {
    pub fn bot_reply(in_reply_to: Option<&str>) -> Self {
        Self {
            author: Author::Bot,
            purpose: Purpose::Reply,
            template: None,
            in_reply_to: in_reply_to.map(str::to_owned),
            key: None,
        }
    }

    pub fn staff() -> Self {
        Self {
            author: Author::Staff,
            purpose: Purpose::Staff,
            template: None,
            in_reply_to: None,
            key: None,
        }
    }
}

/// Stores the messages and queues their delivery.
pub fn queue(
    conn: &mut DbConnection,
    conversation: &Conversation,
    replies: &[Reply],
    outbound: Outbound,
    now: DateTime<Utc>,
) -> StorageResult<Vec<String>> {
    if replies.is_empty() {
        return Ok(Vec::new());
    }
    let pushed = conversation.channel != Channel::Web.as_str();
    let template = outbound
        .template
        .as_ref()
        .map(JsonText::encode_as)
        .transpose()?;
    let mut ids = Vec::with_capacity(replies.len());
    for (n, reply) in replies.iter().enumerate() {
        let id = match &outbound.key {
            Some(key) => {
                let id =
                    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("{key}#{n}").as_bytes())
                        .to_string();
                if conversations::message(conn, &id)?.is_some() {
                    ids.push(id);
                    continue;
                }
                id
            }
            None => new_id(),
        };
        let message = ConversationMessage {
            id,
            choices: (!reply.choices.is_empty())
                .then(|| JsonText::encode_as(&reply.choices))
                .transpose()?,
            in_reply_to: outbound.in_reply_to.clone(),
            purpose: outbound.purpose.as_str().to_owned(),
            template: template.clone(),
            ..ConversationMessage::new(
                &conversation.id,
                conversations::OUT,
                outbound.author.as_str(),
                reply.text.clone(),
                to_db_time(now),
            )
        };
        conversations::add_message(conn, &message)?;
        ids.push(message.id);
    }
    // One job for the messages of one reply, sent in order: jobs of one batch run at once, so
    // a job per message let "May I have your name?" overtake the offer it follows.
    if let (true, Some(first)) = (pushed, ids.first()) {
        let spec = JobSpec::new(SEND_JOB, json!({ "message_ids": ids }), now)
            .for_business(&conversation.business_id)
            .keyed(send_job_key(first));
        jobs::enqueue(conn, &spec, now)?;
    }
    conversations::touch_outbound(conn, &conversation.id, to_db_time(now))?;
    Ok(ids)
}

/// A stored outbound message as the reply it was.
pub fn reply_of(message: &ConversationMessage) -> StorageResult<Reply> {
    let choices: Vec<Choice> = message.decode_choices()?.unwrap_or_default();
    Ok(Reply {
        text: message.text.clone(),
        choices,
    })
}
