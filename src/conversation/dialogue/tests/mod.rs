//! The dialogue's flows run against the in-memory desk: a small salon, real free times from
//! the scheduling core, and messages read by the real understanding module.

mod care;
mod flows;
mod repair;
mod spanish;
mod table;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::{Dialogue, Effect, TurnInput};
use crate::conversation::desk::Desk;
use crate::conversation::desk::memory::MemoryDesk;
use crate::conversation::message::Reply;
use crate::conversation::payload::Payload;
use crate::conversation::reading::understand;
use crate::conversation::state::{DialogueState, Expecting};
use crate::conversation::texts::Texts;
use crate::languages::Locale;
use crate::understanding::Understanding;

/// One customer chatting with the salon.
struct Chat {
    desk: MemoryDesk,
    state: DialogueState,
    texts: Texts,
    effects: Vec<Effect>,
}

impl Chat {
    fn new() -> Self {
        Self::in_language(Locale::En)
    }

    /// A customer whose conversation is in `locale`.
    fn in_language(locale: Locale) -> Self {
        Self::with(MemoryDesk::salon(), locale)
    }

    /// A customer of the demo barber writing in `locale`.
    fn at_barber(locale: Locale) -> Self {
        Self::with(MemoryDesk::barber(), locale)
    }

    fn with(desk: MemoryDesk, locale: Locale) -> Self {
        let texts = Texts::new(locale, desk.calendar().business.tz);
        Self {
            desk,
            state: DialogueState::default(),
            texts,
            effects: Vec::new(),
        }
    }

    fn say(&mut self, text: &str) -> Vec<Reply> {
        let understanding = understand(
            text,
            self.desk.calendar(),
            Some(self.texts.locale),
            self.desk.now(),
        );
        self.turn(TurnInput {
            text: Some(text.to_owned()),
            ..input(understanding)
        })
    }

    fn tap(&mut self, payload: Payload) -> Vec<Reply> {
        self.turn(TurnInput {
            payload: Some(payload),
            ..input(Understanding::default())
        })
    }

    fn turn(&mut self, input: TurnInput) -> Vec<Reply> {
        let (replies, effects) = Dialogue::new(&mut self.desk, &mut self.state, self.texts)
            .respond(input)
            .expect("the turn runs");
        self.effects = effects;
        replies
    }

    fn expecting(&self) -> Expecting {
        self.state.expecting
    }

    /// The choices last offered, decoded.
    fn offered(&self) -> Vec<Payload> {
        self.state
            .offered
            .iter()
            .filter_map(|c| Payload::decode(&c.payload))
            .collect()
    }

    /// The first offered choice that is a slot.
    fn first_slot(&self) -> Payload {
        self.offered()
            .into_iter()
            .find(|p| matches!(p, Payload::Slot { .. }))
            .expect("a slot is offered")
    }
}

fn input(understanding: Understanding) -> TurnInput {
    TurnInput {
        text: None,
        payload: None,
        understanding,
        opening: false,
        unsupported: false,
        link: None,
    }
}

/// Whether any reply says `text`.
fn said(replies: &[Reply], text: &str) -> bool {
    replies.iter().any(|r| r.text.contains(text))
}

/// The titles of the last reply's choices.
fn titles(replies: &[Reply]) -> Vec<&str> {
    replies
        .last()
        .map(|r| r.choices.iter().map(|c| c.title.as_str()).collect())
        .unwrap_or_default()
}

fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 2).expect("a valid date")
}

/// A wall time in Berlin on `date`.
fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = date.and_hms_opt(hour, minute, 0).expect("a valid time");
    chrono_tz::Europe::Berlin
        .from_local_datetime(&time)
        .single()
        .expect("one instant")
        .to_utc()
}
