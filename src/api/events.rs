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

use std::time::Duration;

use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::Access;
use crate::booking::{BookingFeed, ChangeFeed, ChangeWatcher};
use crate::conversation::ConversationFeed;

/// How often the stream asks the database for changes.
const POLL_INTERVAL: Duration = Duration::from_millis(1000);
/// Polls between heartbeats (15 s).
const POLLS_PER_HEARTBEAT: u32 = 15;

struct Stream {
    bookings: ChangeWatcher<BookingFeed>,
    conversations: ChangeWatcher<ConversationFeed>,
    greeted: bool,
    quiet_polls: u32,
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
/// key or any staff session).
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/events", tag = "bookings", security(("api_key" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, description = "text/event-stream: `ready`, then `bookings` and `conversations` events with {\"changed\":[ids]}"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn stream(
    path: web::Path<String>,
    access: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let business = access.for_slug_any_role(&path)?;
    let bookings = ChangeWatcher::start(state.db.clone(), business.id.clone()).await?;
    let conversations = ChangeWatcher::start(state.db.clone(), business.id).await?;
    let chunks = futures_util::stream::unfold(
        Stream {
            bookings,
            conversations,
            greeted: false,
            quiet_polls: 0,
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
