//! The staff inbox's view of conversations: whether a customer is waiting for staff, when the
//! bot answers again, and noticing conversation changes for the live stream.
//!
//! "Waiting" needs no read-marks: a conversation staff own waits while its newest message that
//! is not the bot's came from the customer. One front desk shares one inbox, so whoever
//! answers clears it for everybody.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::owner::OWNER_HUMAN;
use crate::booking::ChangeFeed;
use crate::storage::models::Conversation;
use crate::storage::{DbConnection, StorageResult, conversations};

/// When the bot answers again in a conversation staff own: `timeout_minutes` after staff's
/// last word (the handoff, a take-over or a reply), so the bot never breaks into a conversation
/// staff are still having. While staff own a conversation the bot is silent, so any outbound
/// message after the handoff is theirs. `None` for the bot's own conversations.
pub fn bot_returns_at(conversation: &Conversation, timeout_minutes: i32) -> Option<DateTime<Utc>> {
    if conversation.owner != OWNER_HUMAN {
        return None;
    }
    let last_staff_word = conversation
        .handed_off_at
        .max(conversation.last_outbound_at)?;
    Some(last_staff_word.and_utc() + Duration::minutes(timeout_minutes.into()))
}

/// Staff own the conversation and the customer's newest message has no staff answer yet.
pub fn is_waiting(conn: &mut DbConnection, conversation: &Conversation) -> StorageResult<bool> {
    if conversation.owner != OWNER_HUMAN {
        return Ok(false);
    }
    Ok(conversations::last_human_author(conn, &conversation.id)?.as_deref() == Some("customer"))
}

/// Conversations for the live stream: a message in, a reply out, a handoff or hand-back.
pub struct ConversationFeed;

impl ChangeFeed for ConversationFeed {
    type Mark = conversations::ChangeMark;

    fn id(mark: &Self::Mark) -> &str {
        &mark.0
    }

    fn changed_at(mark: &Self::Mark) -> NaiveDateTime {
        mark.1
    }

    fn changed_since(
        conn: &mut DbConnection,
        business_id: &str,
        since: NaiveDateTime,
    ) -> StorageResult<Vec<Self::Mark>> {
        conversations::changed_since(conn, business_id, since)
    }

    fn last_change(
        conn: &mut DbConnection,
        business_id: &str,
    ) -> StorageResult<Option<NaiveDateTime>> {
        conversations::last_change(conn, business_id)
    }
}
