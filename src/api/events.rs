//! Live updates for the staff page: a server-sent event stream per business.
//!
//! `event: ready` first (the page then reloads what it shows, so nothing written between its
//! first load and the stream's start is missed); `event: bookings` with
//! `{"changed":[booking ids]}` whenever bookings change and `event: conversations` with
//! `{"changed":[conversation ids]}` whenever a conversation does (a customer's message, a
//! reply, a handoff), whichever instance wrote them; a comment line as a heartbeat so proxies
//! keep the connection and a closed tab is noticed.
//!
//! Each tick asks the database two indexed questions (bookings and conversations changed
//! lately), so the inbox is live across instances for the price of one more small query per
//! open page per second, and needs no broker between instances.
//!
//! A stream opened with a staff session ends with the session: every [`POLLS_PER_SESSION_CHECK`]
//! ticks it asks whether the session is still live (one lookup by primary key), so logging out,
//! a deactivation or a new password closes it within a few seconds. A login may hold
//! [`MAX_STREAMS_PER_LOGIN`] streams open on one instance (a few tabs); the next is refused with
//! 429 `too_many_streams`, so one login cannot tie up the server's connections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Member;
use crate::accounts;
use crate::booking::{BookingFeed, ChangeFeed, ChangeWatcher};
use crate::conversation::ConversationFeed;

/// How often the stream asks the database for changes.
const POLL_INTERVAL: Duration = Duration::from_millis(1000);
/// Polls between heartbeats (5 s). A heartbeat is also how a closed tab is noticed: the write
/// fails and the stream's place among its login's streams comes free.
const POLLS_PER_HEARTBEAT: u32 = 5;
/// Polls between checks that the session is still live (2 s).
pub const POLLS_PER_SESSION_CHECK: u32 = 2;
/// Open streams one login may hold on one instance.
pub const MAX_STREAMS_PER_LOGIN: usize = 5;

/// The open streams of this instance, counted per login.
#[derive(Clone, Default)]
pub struct OpenStreams {
    per_login: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open stream's place; dropping it (the stream ended) gives the place back.
struct StreamPlace {
    login: String,
    streams: OpenStreams,
}

impl OpenStreams {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.per_login.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(&self, login: &str) -> Option<StreamPlace> {
        let mut counts = self.counts();
        let open = counts.entry(login.to_owned()).or_default();
        if *open >= MAX_STREAMS_PER_LOGIN {
            return None;
        }
        *open += 1;
        Some(StreamPlace {
            login: login.to_owned(),
            streams: self.clone(),
        })
    }

    /// How many streams `login` holds open here.
    pub fn open_for(&self, login: &str) -> usize {
        self.counts().get(login).copied().unwrap_or(0)
    }
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut counts = self.streams.counts();
        if let Some(open) = counts.get_mut(&self.login) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                counts.remove(&self.login);
            }
        }
    }
}

/// The session a stream lives on, checked now and then.
struct Session {
    token_hash: String,
    state: web::Data<AppState>,
    _place: StreamPlace,
}

impl Session {
    async fn is_live(&self) -> bool {
        let now = self.state.now();
        accounts::session_is_live(&self.state.db, self.token_hash.clone(), now)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(cause = %e, "session check of a change stream failed");
                false
            })
    }
}

struct Stream {
    bookings: ChangeWatcher<BookingFeed>,
    conversations: ChangeWatcher<ConversationFeed>,
    /// `None` for the API key, whose streams have no session to end.
    session: Option<Session>,
    greeted: bool,
    quiet_polls: u32,
    polls: u32,
}

/// One `event:` block naming what changed, or nothing when nothing did.
async fn changes<F: ChangeFeed>(
    watcher: &mut ChangeWatcher<F>,
    event: &str,
) -> Result<String, crate::error::AppError> {
    let changed = watcher.poll().await?;
    if changed.is_empty() {
        return Ok(String::new());
    }
    let data = serde_json::json!({ "changed": changed });
    Ok(format!("event: {event}\ndata: {data}\n\n"))
}

impl Stream {
    /// The next chunk to send; `None` ends the stream (the browser reconnects by itself).
    async fn next_chunk(&mut self) -> Option<String> {
        if !self.greeted {
            self.greeted = true;
            return Some("retry: 3000\nevent: ready\ndata: {}\n\n".to_owned());
        }
        loop {
            tokio::time::sleep(POLL_INTERVAL).await;
            self.polls = self.polls.wrapping_add(1);
            if let Some(session) = &self.session
                && self.polls.is_multiple_of(POLLS_PER_SESSION_CHECK)
                && !session.is_live().await
            {
                return None;
            }
            let news = match (
                changes(&mut self.bookings, "bookings").await,
                changes(&mut self.conversations, "conversations").await,
            ) {
                (Ok(bookings), Ok(conversations)) => bookings + &conversations,
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!(cause = %e, "change stream stopped");
                    return None;
                }
            };
            if !news.is_empty() {
                self.quiet_polls = 0;
                return Some(news);
            }
            self.quiet_polls += 1;
            if self.quiet_polls >= POLLS_PER_HEARTBEAT {
                self.quiet_polls = 0;
                return Some(": still here\n\n".to_owned());
            }
        }
    }
}

/// Server-sent events announcing changes to the business's bookings and conversations (API
/// key or any staff session). A session's stream ends within a few seconds of the session.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/events", operation_id = "events_stream", tag = "bookings",
    params(("slug" = String, Path)),
    responses((status = 200, description = "text/event-stream: `ready`, then `bookings` and `conversations` events with {\"changed\":[ids]}"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, description = "too_many_streams", body = ErrorBody)))]
pub async fn stream(
    Member {
        business, session, ..
    }: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let login = session
        .as_ref()
        .map(|s| (s.user.id.clone(), s.token_hash.clone()));
    let session = match login {
        None => None,
        Some((user_id, token_hash)) => Some(Session {
            token_hash,
            _place: state.streams.open(&user_id).ok_or_else(too_many_streams)?,
            state: state.clone(),
        }),
    };
    let bookings = ChangeWatcher::start(state.db.clone(), business.id.clone()).await?;
    let conversations = ChangeWatcher::start(state.db.clone(), business.id).await?;
    let chunks = futures_util::stream::unfold(
        Stream {
            bookings,
            conversations,
            session,
            greeted: false,
            quiet_polls: 0,
            polls: 0,
        },
        |mut stream| async move {
            let chunk = stream.next_chunk().await?;
            Some((Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), stream))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        // Tells nginx not to buffer the stream.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(chunks))
}

fn too_many_streams() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_streams",
        format!(
            "this login already has {MAX_STREAMS_PER_LOGIN} live pages open; close one and reload"
        ),
    )
    .with_retry_after(5)
}
