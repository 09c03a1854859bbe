//! The conversation engine: customers book, move and cancel by chatting.
//!
//! Channel-neutral: a channel (web chat, Messenger, WhatsApp, Telegram, SMS) turns what its
//! platform sends into an [`Inbound`] and hands it to the [`ConversationEngine`]; the replies
//! come back as text with choices, stored in the transcript and — for platforms that push —
//! queued for delivery. Understanding free text is the pure `understanding` module's job; the
//! [`dialogue`] decides what to say; the [`desk`] is its access to availability and bookings.

pub mod desk;
pub mod dialogue;
pub mod engine;
pub mod inbox;
pub mod message;
pub mod outbox;
pub mod owner;
pub mod payload;
pub mod reading;
pub mod state;
pub mod texts;

pub use desk::{ChatRules, Links};
pub use engine::{ConversationEngine, TurnOutcome};
pub use inbox::ConversationFeed;
pub use message::{Choice, Inbound, InboundContent, Reply, Sender};
pub use owner::{OWNER_BOT, OWNER_HUMAN};

use crate::booking::BookingDetails;
use crate::languages::Locale;

/// The chat message that reminds a customer of a booking, with buttons that act on it:
/// confirm they will come, move it, or cancel it.
pub fn reminder_reply(details: &BookingDetails, locale: Locale) -> Reply {
    let texts = texts::Texts::new(locale, details.business.tz);
    let summary = texts.summary(&details.service_name, &details.staff_name, details.start());
    let id = details.booking.id.clone();
    Reply::with_choices(
        texts.reminder(&summary),
        vec![
            Choice::new(
                texts.button_attend(),
                payload::Payload::Attend(id.clone()).encode(),
            ),
            Choice::new(
                texts.button_reschedule(),
                payload::Payload::Move(id.clone()).encode(),
            ),
            Choice::new(
                texts.button_cancel_booking(),
                payload::Payload::Cancel(id).encode(),
            ),
        ],
    )
}
