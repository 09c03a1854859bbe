//! One customer message, handled in one transaction: the conversation is found (or started)
//! and locked, a redelivered message is recognised and answered as before, the message is kept
//! in the transcript, the dialogue runs, and its replies are stored and queued for delivery.
//! State lives in the database only, so a restart or another instance carries on mid-way.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::desk::{ChatRules, Links, StoredDesk};
use super::dialogue::{Dialogue, Effect, LinkFollowed, TurnInput};
use super::inbox;
use super::message::{Inbound, InboundContent, Reply};
use super::outbox::{self, Outbound};
use super::owner::{OWNER_BOT, OWNER_HUMAN};
use super::payload::Payload;
pub use super::reading::understand;
use super::state::DialogueState;
use super::texts::Texts;
use crate::booking::{BusinessCalendar, CalendarCache};
use crate::customers::codes::CodeDelivery;
use crate::customers::links::{self, LinkSubject};
use crate::customers::{self, CodeCourier, Identity, NoCourier, Region};
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::jobs::JobQueue;
use crate::languages::Locale;
use crate::storage::models::{Conversation, ConversationMessage};
use crate::storage::{
    Database, DbConnection, bookings, businesses, conversations, customers as customer_records,
    identities, new_id, to_db_time,
};
use crate::understanding::Understanding;

/// How much of a message is read; the rest of a very long message is kept but not parsed.
const READ_CHARS: usize = 1_000;
/// How much of a message is kept in the transcript.
const KEEP_CHARS: usize = 4_000;

/// What became of an inbound message.
#[derive(Debug, Clone)]
pub struct TurnOutcome {
    pub conversation_id: String,
    pub replies: Vec<Reply>,
    /// The message was received before; `replies` are the ones given then.
    pub duplicate: bool,
    /// Staff own the conversation; the bot said nothing.
    pub with_staff: bool,
    /// The newest message of the conversation after this turn, so a client polling for later
    /// messages (staff replies) starts after it.
    pub last_message_id: Option<String>,
}

/// Handles customer messages for every channel.
#[derive(Clone)]
pub struct ConversationEngine {
    db: Database,
    calendars: Arc<CalendarCache>,
    links: Links,
    jobs: JobQueue,
    rules: ChatRules,
    courier: Arc<dyn CodeCourier>,
}

impl ConversationEngine {
    pub fn new(db: Database, calendars: Arc<CalendarCache>, links: Links, jobs: JobQueue) -> Self {
        Self {
            db,
            calendars,
            links,
            jobs,
            rules: ChatRules::default(),
            courier: Arc::new(NoCourier),
        }
    }

    pub fn with_rules(mut self, rules: ChatRules) -> Self {
        self.rules = rules;
        self
    }

    /// Who carries one-time codes to customers.
    pub fn with_courier(mut self, courier: Arc<dyn CodeCourier>) -> Self {
        self.courier = courier;
        self
    }

    pub async fn handle(
        &self,
        inbound: Inbound,
        now: DateTime<Utc>,
    ) -> Result<TurnOutcome, AppError> {
        let (calendars, links, rules, inbound) = (
            Arc::clone(&self.calendars),
            self.links.clone(),
            self.rules,
            Arc::new(inbound),
        );
        let (outcome, codes) = crate::booking::write_with_retries(&self.db, move |conn| {
            turn(conn, &calendars, &links, &rules, &inbound, now)
        })
        .await?;
        self.jobs.wake();
        // Only once the turn has committed: a code whose turn rolled back would not check.
        for delivery in codes {
            let courier = Arc::clone(&self.courier);
            actix_web::rt::spawn(async move {
                let business = delivery.business_id.clone();
                if let Err(reason) = courier.deliver(delivery).await {
                    tracing::warn!(%business, %reason, "a one-time code could not be sent");
                }
            });
        }
        Ok(outcome)
    }

    /// Staff take a conversation over: the bot stays silent until they hand it back or the
    /// business's handoff timeout passes.
    pub async fn take_over(
        &self,
        business_id: String,
        conversation_id: String,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.db
            .write(move |conn| -> Result<(), AppError> {
                let mut conversation = load(conn, &business_id, &conversation_id)?;
                conversation.owner = OWNER_HUMAN.to_owned();
                conversation.handed_off_at = Some(to_db_time(now));
                conversation.updated_at = to_db_time(now);
                conversations::save(conn, &conversation)?;
                Ok(())
            })
            .await
    }

    /// Staff hand the conversation back to the bot, which tells the customer so.
    pub async fn hand_back(
        &self,
        business_id: String,
        conversation_id: String,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let calendars = Arc::clone(&self.calendars);
        self.db
            .write(move |conn| -> Result<(), AppError> {
                let mut conversation = load(conn, &business_id, &conversation_id)?;
                if conversation.owner == OWNER_BOT {
                    return Ok(());
                }
                let business =
                    businesses::by_id(conn, &business_id)?.ok_or(AppError::NotFound("business"))?;
                let calendar = calendars.get(conn, &business)?;
                let texts = Texts::new(
                    conversation_locale(&conversation, &calendar),
                    calendar.business.tz,
                );
                conversation.owner = OWNER_BOT.to_owned();
                conversation.handed_off_at = None;
                conversation.updated_at = to_db_time(now);
                let mut state = DialogueState::load(&conversation)?;
                state.expecting = Default::default();
                conversation.state = state.to_json()?;
                conversations::save(conn, &conversation)?;
                outbox::queue(
                    conn,
                    &conversation,
                    &[Reply::text(texts.handed_back())],
                    Outbound::bot_reply(None),
                    now,
                )?;
                Ok(())
            })
            .await?;
        self.jobs.wake();
        Ok(())
    }

    /// A message from staff to the customer, delivered through the conversation's channel.
    pub async fn staff_reply(
        &self,
        business_id: String,
        conversation_id: String,
        text: String,
        now: DateTime<Utc>,
    ) -> Result<String, AppError> {
        let id = self
            .db
            .write(move |conn| {
                let conversation = load(conn, &business_id, &conversation_id)?;
                let ids = outbox::queue(
                    conn,
                    &conversation,
                    &[Reply::text(text)],
                    Outbound::staff(),
                    now,
                )?;
                ids.into_iter().next().ok_or(AppError::NotFound("message"))
            })
            .await?;
        self.jobs.wake();
        Ok(id)
    }
}

fn load(
    conn: &mut DbConnection,
    business_id: &str,
    conversation_id: &str,
) -> Result<Conversation, AppError> {
    conversations::find(conn, business_id, conversation_id)?
        .ok_or(AppError::NotFound("conversation"))
}

fn conversation_locale(conversation: &Conversation, calendar: &BusinessCalendar) -> Locale {
    conversation
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or(calendar.business.locale)
}

fn turn(
    conn: &mut DbConnection,
    calendars: &CalendarCache,
    links: &Links,
    rules: &ChatRules,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> Result<(TurnOutcome, Vec<CodeDelivery>), AppError> {
    let business =
        businesses::by_id(conn, &inbound.business_id)?.ok_or(AppError::NotFound("business"))?;
    let calendar = calendars.get(conn, &business)?;
    let (mut conversation, started) = open_conversation(conn, inbound, now)?;
    if let Some(previous) =
        conversations::inbound_by_external_id(conn, &conversation.id, &inbound.message_id)?
    {
        let answers = conversations::replies_to(conn, &previous.id)?;
        let last_message_id = Some(answers.last().map_or(previous.id.clone(), |m| m.id.clone()));
        let replies = answers
            .iter()
            .map(outbox::reply_of)
            .collect::<Result<_, _>>()?;
        let outcome = TurnOutcome {
            conversation_id: conversation.id,
            replies,
            duplicate: true,
            with_staff: false,
            last_message_id,
        };
        return Ok((outcome, Vec::new()));
    }
    let received = record_inbound(conn, &conversation, inbound, now)?;
    conversation.last_inbound_at = Some(to_db_time(now));
    conversation.updated_at = to_db_time(now);
    recognise_sender(conn, &mut conversation, inbound)?;
    let followed = follow_link(conn, &links.secrets, &mut conversation, inbound, now)?;

    if conversation.owner == OWNER_HUMAN {
        let returns_at = inbox::bot_returns_at(
            &conversation,
            calendar.business.chat.handoff_timeout_minutes,
        );
        if returns_at.is_none_or(|at| now < at) {
            conversations::save(conn, &conversation)?;
            let outcome = TurnOutcome {
                conversation_id: conversation.id,
                replies: Vec::new(),
                duplicate: false,
                with_staff: true,
                last_message_id: Some(received.id),
            };
            return Ok((outcome, Vec::new()));
        }
        conversation.owner = OWNER_BOT.to_owned();
        conversation.handed_off_at = None;
    }

    let mut input = read(inbound, &conversation, &calendar, started, now);
    if let Some(followed) = followed {
        // The link opened the chat; what it said is now known, it asks for nothing else.
        input.payload = None;
        input.opening = true;
        input.link = Some(followed);
    }
    if let Some(detected) = input.understanding.lang {
        conversation.locale = Some(detected.as_str().to_owned());
    }
    let locale = conversation
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .or(inbound.locale)
        .unwrap_or(calendar.business.locale);
    conversation.locale = Some(locale.as_str().to_owned());
    let texts = Texts::new(locale, calendar.business.tz);
    let mut state = DialogueState::load(&conversation)?;
    let (replies, effects, codes) = {
        let mut desk = StoredDesk::new(
            conn,
            Arc::clone(&calendar),
            calendars,
            &mut conversation,
            links,
            rules,
            inbound,
            now,
        );
        let (replies, effects) = Dialogue::new(&mut desk, &mut state, texts).respond(input)?;
        (replies, effects, desk.into_deliveries())
    };
    if effects.contains(&Effect::PrivacyRequest) {
        conversation.privacy_request_at = Some(to_db_time(now));
    }
    if effects.contains(&Effect::Handoff) || effects.contains(&Effect::PrivacyRequest) {
        conversation.owner = OWNER_HUMAN.to_owned();
        conversation.handed_off_at = Some(to_db_time(now));
    }
    conversation.state = state.to_json()?;
    conversations::save(conn, &conversation)?;
    let sent = outbox::queue(
        conn,
        &conversation,
        &replies,
        Outbound::bot_reply(Some(&received.id)),
        now,
    )?;
    let last_message_id = Some(sent.last().cloned().unwrap_or(received.id));
    let outcome = TurnOutcome {
        conversation_id: conversation.id,
        replies,
        duplicate: false,
        with_staff: false,
        last_message_id,
    };
    Ok((outcome, codes))
}

/// Finds the conversation of this thread or starts one; locks it for this turn.
fn open_conversation(
    conn: &mut DbConnection,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> Result<(Conversation, bool), AppError> {
    let channel = inbound.channel.as_str();
    if let Some(found) = conversations::find_by_key(
        conn,
        &inbound.business_id,
        channel,
        &inbound.conversation_key,
    )? {
        conversations::lock(conn, &found.id)?;
        // Re-read under the lock: another instance may have just finished a turn.
        let fresh = conversations::find(conn, &inbound.business_id, &found.id)?.unwrap_or(found);
        return Ok((fresh, false));
    }
    let conversation = Conversation {
        id: new_id(),
        business_id: inbound.business_id.clone(),
        channel: channel.to_owned(),
        external_key: inbound.conversation_key.clone(),
        customer_id: None,
        locale: inbound.locale.map(|l| l.as_str().to_owned()),
        owner: OWNER_BOT.to_owned(),
        handed_off_at: None,
        state: DialogueState::default().to_json()?,
        last_inbound_at: None,
        last_outbound_at: None,
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        privacy_request_at: None,
    };
    // Two first messages racing: the loser's insert fails on the unique key and its turn is
    // run again, finding the winner's conversation.
    conversations::insert(conn, &conversation)?;
    Ok((conversation, true))
}

fn record_inbound(
    conn: &mut DbConnection,
    conversation: &Conversation,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> Result<ConversationMessage, AppError> {
    let (text, payload) = match &inbound.content {
        InboundContent::Text(text) => (text.chars().take(KEEP_CHARS).collect(), None),
        InboundContent::Choice { payload, title } => (
            title.clone().unwrap_or_default(),
            Some(payload.chars().take(200).collect()),
        ),
        InboundContent::Opened => (String::new(), None),
        InboundContent::Unsupported { kind } => (format!("[{kind}]"), None),
    };
    let message = ConversationMessage {
        external_id: Some(inbound.message_id.clone()),
        payload,
        ..ConversationMessage::new(
            &conversation.id,
            conversations::IN,
            "customer",
            text,
            to_db_time(now),
        )
    };
    conversations::add_message(conn, &message)?;
    Ok(message)
}

/// Ties the conversation to the customer the platform's sender has proven to be before, unless
/// it already knows whom it serves.
fn recognise_sender(
    conn: &mut DbConnection,
    conversation: &mut Conversation,
    inbound: &Inbound,
) -> Result<(), AppError> {
    if conversation.customer_id.is_none()
        && let Some(identity) = &inbound.sender.identity
    {
        conversation.customer_id = customers::recognise(conn, &conversation.business_id, identity)?;
    }
    Ok(())
}

/// Follows a signed chat link the message carries: checks it, uses it up, and ties the chat to
/// the customer it names (see `customers::links`). `None` when the message carries no link.
fn follow_link(
    conn: &mut DbConnection,
    secrets: &crate::access::Secrets,
    conversation: &mut Conversation,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> Result<Option<LinkFollowed>, AppError> {
    let InboundContent::Choice { payload, .. } = &inbound.content else {
        return Ok(None);
    };
    let Some(Payload::ChatLink(token)) = Payload::decode(payload) else {
        return Ok(None);
    };
    let business_id = conversation.business_id.clone();
    let link = match links::read(secrets, &business_id, &token, now) {
        Ok(link) => link,
        Err(links::LinkError::Expired) => return Ok(Some(LinkFollowed::Expired)),
        Err(links::LinkError::Invalid) => return Ok(Some(LinkFollowed::Unknown)),
    };
    let (named, contact) = match &link.subject {
        LinkSubject::Customer(id) => match customer_records::find(conn, &business_id, id)? {
            Some(customer) => (Named::Customer(customer.id), None),
            None => return Ok(Some(LinkFollowed::Unknown)),
        },
        LinkSubject::BookingEmail(booking_id) => {
            match booking_contact(conn, &business_id, booking_id)? {
                Some((email, contact)) => (Named::Email(Identity::email(&email)), Some(contact)),
                None => return Ok(Some(LinkFollowed::Unknown)),
            }
        }
    };
    let already = match &named {
        Named::Customer(id) => Some(id.clone()),
        Named::Email(identity) => customers::recognise(conn, &business_id, identity)?,
    };
    let fresh = identities::use_chat_link(
        conn,
        &business_id,
        &links::token_hash(&token),
        to_db_time(now),
        to_db_time(link.expires),
    )?;
    // Followed again from the chat it already tied: nothing new. From another chat: nothing.
    if !fresh {
        let same_chat = already.is_some() && already == conversation.customer_id;
        return Ok(Some(if same_chat {
            LinkFollowed::Tied
        } else {
            LinkFollowed::Used
        }));
    }
    let customer = match named {
        Named::Customer(id) => id,
        Named::Email(identity) => customers::prove(
            conn,
            &business_id,
            &identity,
            conversation.customer_id.as_deref(),
            &contact.unwrap_or_default(),
            Region::default(),
            now,
        )?,
    };
    if let Some(identity) = &inbound.sender.identity
        && customers::recognise(conn, &business_id, identity)?.is_none()
    {
        customers::prove(
            conn,
            &business_id,
            identity,
            Some(&customer),
            &customers::ProvenContact::default(),
            Region::default(),
            now,
        )?;
    }
    conversation.customer_id = Some(customer);
    Ok(Some(LinkFollowed::Tied))
}

/// Whom a chat link names.
enum Named {
    Customer(String),
    Email(Identity),
}

/// The email address a booking was made with, and its contact as a new record would start.
fn booking_contact(
    conn: &mut DbConnection,
    business_id: &str,
    booking_id: &str,
) -> Result<Option<(EmailAddress, customers::ProvenContact)>, AppError> {
    let Some(booking) = bookings::find(conn, booking_id)?.filter(|b| b.business_id == business_id)
    else {
        return Ok(None);
    };
    let Some(email) = booking
        .customer_email
        .as_deref()
        .and_then(|e| EmailAddress::parse("email", e).ok())
    else {
        return Ok(None);
    };
    let contact = customers::ProvenContact {
        name: booking.customer_name,
        phone: booking.customer_phone,
        email: Some(email.as_str().to_owned()),
    };
    Ok(Some((email, contact)))
}

/// Reads the message: a tap, or text through the understanding module.
fn read(
    inbound: &Inbound,
    conversation: &Conversation,
    calendar: &BusinessCalendar,
    started: bool,
    now: DateTime<Utc>,
) -> TurnInput {
    let (text, payload, unsupported) = match &inbound.content {
        InboundContent::Text(text) => (
            Some(text.trim().chars().take(READ_CHARS).collect::<String>()),
            None,
            false,
        ),
        // A forged or unknown payload decodes to nothing and reads like an unclear message.
        InboundContent::Choice { payload, .. } => (None, Payload::decode(payload), false),
        InboundContent::Opened => (None, None, false),
        InboundContent::Unsupported { .. } => (None, None, true),
    };
    let hint = conversation
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .or(inbound.locale)
        .or(Some(calendar.business.locale));
    let understanding = match &text {
        Some(text) if !text.is_empty() => understand(text, calendar, hint, now),
        _ => Understanding::default(),
    };
    let opening = started || inbound.content == InboundContent::Opened;
    TurnInput {
        text,
        payload,
        understanding,
        opening,
        unsupported,
        link: None,
    }
}
