//! Conversations and their transcripts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Conversation, ConversationMessage};
use super::schema::{conversation_messages, conversations};
use super::{DbConnection, StorageResult};

pub const IN: &str = "in";
pub const OUT: &str = "out";

pub fn find_by_key(
    conn: &mut DbConnection,
    business_id: &str,
    channel: &str,
    external_key: &str,
) -> StorageResult<Option<Conversation>> {
    Ok(conversations::table
        .filter(conversations::business_id.eq(business_id))
        .filter(conversations::channel.eq(channel))
        .filter(conversations::external_key.eq(external_key))
        .select(Conversation::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<Conversation>> {
    Ok(conversations::table
        .filter(conversations::id.eq(id))
        .filter(conversations::business_id.eq(business_id))
        .select(Conversation::as_select())
        .first(conn)
        .optional()?)
}

/// A conversation by id alone, for background work that has no business in hand.
pub fn by_id(conn: &mut DbConnection, id: &str) -> StorageResult<Option<Conversation>> {
    Ok(conversations::table
        .find(id)
        .select(Conversation::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, conversation: &Conversation) -> StorageResult<()> {
    diesel::insert_into(conversations::table)
        .values(conversation)
        .execute(conn)?;
    Ok(())
}

/// Takes the conversation's row lock for the rest of the transaction, so two instances
/// handling two messages of one conversation take turns instead of overwriting each other's
/// state. (SQLite's single writer already serialises them.)
pub fn lock(conn: &mut DbConnection, id: &str) -> StorageResult<()> {
    if let DbConnection::Postgres(c) = conn {
        conversations::table
            .find(id)
            .select(conversations::id)
            .for_update()
            .first::<String>(c)?;
    }
    Ok(())
}

/// Writes every changeable column of `conversation`.
pub fn save(conn: &mut DbConnection, conversation: &Conversation) -> StorageResult<()> {
    diesel::update(conversations::table.find(&conversation.id))
        .set((
            conversations::customer_id.eq(&conversation.customer_id),
            conversations::locale.eq(&conversation.locale),
            conversations::owner.eq(&conversation.owner),
            conversations::handed_off_at.eq(conversation.handed_off_at),
            conversations::state.eq(&conversation.state),
            conversations::last_inbound_at.eq(conversation.last_inbound_at),
            conversations::last_outbound_at.eq(conversation.last_outbound_at),
            conversations::updated_at.eq(conversation.updated_at),
            conversations::privacy_request_at.eq(conversation.privacy_request_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn add_message(conn: &mut DbConnection, message: &ConversationMessage) -> StorageResult<()> {
    diesel::insert_into(conversation_messages::table)
        .values(message)
        .execute(conn)?;
    Ok(())
}

/// The inbound message with this platform id, if it was received before.
pub fn inbound_by_external_id(
    conn: &mut DbConnection,
    conversation_id: &str,
    external_id: &str,
) -> StorageResult<Option<ConversationMessage>> {
    Ok(conversation_messages::table
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .filter(conversation_messages::direction.eq(IN))
        .filter(conversation_messages::external_id.eq(external_id))
        .select(ConversationMessage::as_select())
        .first(conn)
        .optional()?)
}

/// The answers given to one inbound message, in order.
pub fn replies_to(
    conn: &mut DbConnection,
    inbound_id: &str,
) -> StorageResult<Vec<ConversationMessage>> {
    Ok(conversation_messages::table
        .filter(conversation_messages::in_reply_to.eq(inbound_id))
        .order((conversation_messages::created_at, conversation_messages::id))
        .select(ConversationMessage::as_select())
        .load(conn)?)
}

pub fn message(conn: &mut DbConnection, id: &str) -> StorageResult<Option<ConversationMessage>> {
    Ok(conversation_messages::table
        .find(id)
        .select(ConversationMessage::as_select())
        .first(conn)
        .optional()?)
}

/// The transcript, oldest first; only messages after `after` (a message id) when given.
pub fn transcript(
    conn: &mut DbConnection,
    conversation_id: &str,
    after: Option<&str>,
    limit: i64,
) -> StorageResult<Vec<ConversationMessage>> {
    let mut query = conversation_messages::table
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .into_boxed();
    if let Some(after) = after {
        // Ids are time-ordered (UUIDv7), so "after" is a plain comparison.
        query = query.filter(conversation_messages::id.gt(after.to_owned()));
    }
    let mut messages: Vec<ConversationMessage> = query
        .order(conversation_messages::id.desc())
        .limit(limit)
        .select(ConversationMessage::as_select())
        .load(conn)?;
    messages.reverse();
    Ok(messages)
}

/// The business's conversations, most recently active first, optionally only one owner's.
pub fn list(
    conn: &mut DbConnection,
    business_id: &str,
    owner: Option<&str>,
    limit: i64,
) -> StorageResult<Vec<Conversation>> {
    let mut query = conversations::table
        .filter(conversations::business_id.eq(business_id))
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(conversations::owner.eq(owner));
    }
    Ok(query
        .order((conversations::updated_at.desc(), conversations::id.desc()))
        .limit(limit)
        .select(Conversation::as_select())
        .load(conn)?)
}

pub fn touch_outbound(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> StorageResult<()> {
    diesel::update(conversations::table.find(id))
        .set((
            conversations::last_outbound_at.eq(Some(now)),
            conversations::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// One state of a conversation, as the live stream compares them: its id, when it last
/// changed, its owner and its newest message. The newest message tells two changes apart that
/// fall within one tick of the clock.
pub type ChangeMark = (String, NaiveDateTime, String, Option<String>);

/// The business's conversations changed at or after `since` (by `updated_at`, indexed), as
/// [`ChangeMark`]s, oldest change first.
pub fn changed_since(
    conn: &mut DbConnection,
    business_id: &str,
    since: NaiveDateTime,
) -> StorageResult<Vec<ChangeMark>> {
    let changed: Vec<(String, NaiveDateTime, String)> = conversations::table
        .filter(conversations::business_id.eq(business_id))
        .filter(conversations::updated_at.ge(since))
        .order((conversations::updated_at, conversations::id))
        .limit(1_000)
        .select((
            conversations::id,
            conversations::updated_at,
            conversations::owner,
        ))
        .load(conn)?;
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = changed.iter().map(|c| c.0.as_str()).collect();
    let newest: std::collections::HashMap<String, Option<String>> = conversation_messages::table
        .filter(conversation_messages::conversation_id.eq_any(&ids))
        .group_by(conversation_messages::conversation_id)
        .select((
            conversation_messages::conversation_id,
            diesel::dsl::max(conversation_messages::id),
        ))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .collect();
    Ok(changed
        .into_iter()
        .map(|(id, at, owner)| {
            let last = newest.get(&id).cloned().flatten();
            (id, at, owner, last)
        })
        .collect())
}

/// When the business's conversations last changed, if it has any.
pub fn last_change(
    conn: &mut DbConnection,
    business_id: &str,
) -> StorageResult<Option<NaiveDateTime>> {
    Ok(conversations::table
        .filter(conversations::business_id.eq(business_id))
        .select(diesel::dsl::max(conversations::updated_at))
        .first(conn)?)
}

/// Who wrote the conversation's newest message that is not the bot's: `customer`, `staff`,
/// or `None` when only the bot has spoken.
pub fn last_human_author(
    conn: &mut DbConnection,
    conversation_id: &str,
) -> StorageResult<Option<String>> {
    Ok(conversation_messages::table
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .filter(conversation_messages::author.ne("bot"))
        .order(conversation_messages::id.desc())
        .select(conversation_messages::author)
        .first(conn)
        .optional()?)
}

/// The customer's most recently active conversation on a channel.
pub fn latest_of_customer(
    conn: &mut DbConnection,
    business_id: &str,
    channel: &str,
    customer_id: &str,
) -> StorageResult<Option<Conversation>> {
    Ok(conversations::table
        .filter(conversations::business_id.eq(business_id))
        .filter(conversations::channel.eq(channel))
        .filter(conversations::customer_id.eq(customer_id))
        .order(conversations::updated_at.desc())
        .select(Conversation::as_select())
        .first(conn)
        .optional()?)
}

/// Notes that the platform is about to be called for this message. Committed before the call,
/// so that after a crash the message is known to have possibly gone out.
pub fn mark_send_started(
    conn: &mut DbConnection,
    message_id: &str,
    at: NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(conversation_messages::table.find(message_id))
        .set(conversation_messages::send_started_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

pub fn mark_sent(
    conn: &mut DbConnection,
    message_id: &str,
    platform_message_id: Option<&str>,
    at: NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(conversation_messages::table.find(message_id))
        .set((
            conversation_messages::sent_at.eq(Some(at)),
            conversation_messages::platform_message_id.eq(platform_message_id),
            conversation_messages::delivery_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records why a message did not go out. `definitely_unsent` clears the send mark, so a later
/// attempt may send it; otherwise the mark stays and it is never tried again.
pub fn mark_not_sent(
    conn: &mut DbConnection,
    message_id: &str,
    error: &str,
    definitely_unsent: bool,
) -> StorageResult<()> {
    let error = Some(error.chars().take(500).collect::<String>());
    let query = diesel::update(conversation_messages::table.find(message_id));
    if definitely_unsent {
        query
            .set((
                conversation_messages::delivery_error.eq(error),
                conversation_messages::send_started_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    } else {
        query
            .set(conversation_messages::delivery_error.eq(error))
            .execute(conn)?;
    }
    Ok(())
}
