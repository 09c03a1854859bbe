//! The dialogue: one customer message in, the next replies out.
//!
//! The customer may say everything at once or one thing at a time, in any order; the dialogue
//! keeps what it learned in a [`Draft`] and asks only for what is still missing: the service,
//! then a time (offering free ones), then — with the slot already held — contact details and
//! the business's own questions, then an explicit confirmation. Existing bookings are listed,
//! cancelled and moved the same way. Every reply ends with a question or choices, so no
//! message leads to a dead end.

mod answers;
mod care;
mod details;
mod manage;
mod new_booking;
mod offers;
mod repair;
mod small_talk;
mod verify;

#[cfg(test)]
mod tests;

use chrono::DateTime;

use super::desk::Desk;
use super::message::{Choice, Reply};
use super::payload::Payload;
use super::state::{Action, DialogueState, Draft, Expecting};
use super::texts::Texts;
use crate::booking::{BookingDetails, ServiceProfile};
use crate::error::AppError;
use crate::understanding::{Intent, Understanding};
use answers::has_booking_details;

/// What the engine must do beyond replying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Hand the conversation to staff.
    Handoff,
    /// The customer asked for their data to be deleted: staff must see it.
    PrivacyRequest,
}

/// A signed chat link the customer followed to open the chat, and what came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFollowed {
    /// The chat now knows the customer.
    Tied,
    /// Used before, from another chat.
    Used,
    Expired,
    /// Not a link of this business, or it names nothing that still exists.
    Unknown,
}

/// One customer message, read.
pub struct TurnInput {
    /// The text as written (trimmed, shortened), when the customer wrote something.
    pub text: Option<String>,
    /// A tapped choice.
    pub payload: Option<Payload>,
    pub understanding: Understanding,
    /// The conversation has just been opened (first message, or opened from a link).
    pub opening: bool,
    /// The customer sent something that is not text (a photo, a sticker…).
    pub unsupported: bool,
    /// The chat was opened by following a signed chat link.
    pub link: Option<LinkFollowed>,
}

/// One turn of the conversation, answered through the desk `D`.
pub struct Dialogue<'d, D: Desk + ?Sized> {
    desk: &'d mut D,
    state: &'d mut DialogueState,
    texts: Texts,
    replies: Vec<Reply>,
    effects: Vec<Effect>,
}

impl<'d, D: Desk + ?Sized> Dialogue<'d, D> {
    pub fn new(desk: &'d mut D, state: &'d mut DialogueState, texts: Texts) -> Self {
        Self {
            desk,
            state,
            texts,
            replies: Vec::new(),
            effects: Vec::new(),
        }
    }

    /// Handles one message and returns the replies and effects.
    pub fn respond(mut self, input: TurnInput) -> Result<(Vec<Reply>, Vec<Effect>), AppError> {
        self.dispatch(&input)?;
        if self.drafting_new_booking() {
            self.state.last_booked = None;
        }
        // Remember the question we end on, so it can be repeated after a puzzling answer.
        if let Some(last) = self.replies.last() {
            self.state.offered = last.choices.clone();
            self.state.last_question = Some(last.clone());
        }
        Ok((self.replies, self.effects))
    }

    fn dispatch(&mut self, input: &TurnInput) -> Result<(), AppError> {
        let u = &input.understanding;
        if input.unsupported {
            self.say(self.texts.unsupported());
            return self.repeat_question();
        }
        if let Some(link) = input.link {
            return self.greet_from_link(link);
        }
        if let Some(payload) = input.payload.clone() {
            return self.on_payload(payload, u);
        }
        // A question is answered at any step, and the step's question asked again; one that
        // opens the conversation still gets the privacy notice the greeting would have linked.
        if let Some(topic) = u.question {
            if input.opening {
                let url = self.desk.calendar().business.privacy_url.clone();
                if let Some(url) = url {
                    self.say(self.texts.privacy_notice(&url));
                }
            }
            return self.answer_question(topic, u, input.text.as_deref());
        }
        if self.answered_question(u, input.text.as_deref())? {
            return Ok(());
        }
        if let Some(payload) = self.choice_in_words(u, input.text.as_deref()) {
            return self.on_payload(payload, u);
        }
        if self.answered_yes_no(u)? {
            return Ok(());
        }
        if self.revised_last_booking(u)? {
            return Ok(());
        }
        match u.intent {
            Some(Intent::Privacy) => return self.privacy_request(),
            Some(Intent::Human) => return self.handoff(),
            Some(Intent::Help) => return self.help(),
            Some(Intent::ListBookings) => return self.manage(Action::List, u),
            Some(Intent::Cancel) if self.drafting_new_booking() => return self.stop_draft(),
            Some(Intent::Cancel) => return self.manage(Action::Cancel, u),
            Some(Intent::Reschedule) if self.drafting() => {}
            Some(Intent::Reschedule) => return self.manage(Action::Move, u),
            _ => {}
        }
        if u.impossible_date {
            self.fill(u);
            self.say(self.texts.impossible_date());
            self.draft().date = None;
            return match self.current_service().or_else(|| self.only_service()) {
                Some(service) => self.ask_day(&service),
                None => self.advance(),
            };
        }
        if has_booking_details(u)
            || u.intent == Some(Intent::Book)
            || u.intent == Some(Intent::Reschedule)
        {
            self.fill(u);
            return self.advance();
        }
        if input.opening || u.intent == Some(Intent::Greeting) {
            return self.greet();
        }
        if input
            .text
            .as_deref()
            .is_some_and(crate::understanding::is_closing)
        {
            let menu = self.main_menu();
            self.ask(self.texts.you_are_welcome(), menu, Expecting::Nothing);
            return Ok(());
        }
        if matches!(
            self.state.expecting,
            Expecting::Reference
                | Expecting::ReferenceContact
                | Expecting::VerifyContact
                | Expecting::Code
        ) {
            return self.repeat_question();
        }
        self.unclear()
    }

    fn say(&mut self, text: String) {
        self.replies.push(Reply::text(text));
    }

    fn ask(&mut self, text: String, choices: Vec<Choice>, expecting: Expecting) {
        self.state.unclear = 0;
        self.state.expecting = expecting;
        self.replies.push(Reply::with_choices(text, choices));
    }

    fn choice(&self, title: String, payload: Payload) -> Choice {
        Choice::new(title, payload.encode())
    }

    fn draft(&mut self) -> &mut Draft {
        self.state.draft.get_or_insert_with(Draft::default)
    }

    fn drafting(&self) -> bool {
        self.state.draft.is_some()
    }

    fn drafting_new_booking(&self) -> bool {
        self.state
            .draft
            .as_ref()
            .is_some_and(|d| d.moving.is_none())
    }

    fn main_menu(&self) -> Vec<Choice> {
        vec![
            self.choice(self.texts.button_book(), Payload::Book),
            self.choice(self.texts.button_my_bookings(), Payload::MyBookings),
            self.choice(self.texts.button_human(), Payload::Human),
        ]
    }

    fn service_choices(&self) -> Vec<Choice> {
        self.desk
            .calendar()
            .services
            .iter()
            .take(10)
            .map(|s| self.choice(s.name.clone(), Payload::Service(s.id.clone())))
            .collect()
    }

    fn current_service(&self) -> Option<ServiceProfile> {
        let id = self.state.draft.as_ref()?.service_id.as_deref()?;
        self.desk.service(id)
    }

    fn staff_name(&self, id: &str) -> String {
        self.desk
            .calendar()
            .staff_name(id)
            .unwrap_or_default()
            .to_owned()
    }

    fn summary_of(&self, details: &BookingDetails) -> String {
        self.texts
            .summary(&details.service_name, &details.staff_name, details.start())
    }

    fn on_payload(&mut self, payload: Payload, u: &Understanding) -> Result<(), AppError> {
        match payload {
            Payload::Book => {
                self.stop_hold()?;
                self.state.draft = Some(Draft::default());
                self.fill(u);
                self.advance()
            }
            Payload::MyBookings => self.manage(Action::List, u),
            Payload::Help => self.help(),
            Payload::Human => self.handoff(),
            Payload::Yes | Payload::No => {
                let mut synthetic = u.clone();
                synthetic.intent = Some(if payload == Payload::Yes {
                    Intent::Yes
                } else {
                    Intent::No
                });
                if !self.answered_yes_no(&synthetic)? {
                    self.unclear()?;
                }
                Ok(())
            }
            Payload::Change => {
                self.offer_changes();
                Ok(())
            }
            Payload::Stop => self.stop_draft(),
            Payload::OtherDay => self.ask_other_day(),
            Payload::Service(id) => {
                if self.desk.service(&id).is_none() {
                    return self.unclear();
                }
                let draft = self.draft();
                if draft.service_id.as_deref() != Some(id.as_str()) {
                    draft.service_id = Some(id);
                    // A different service may not fit the time held for the old one.
                    self.stop_hold()?;
                }
                self.advance()
            }
            Payload::Day(date) => {
                let draft = self.draft();
                draft.date = Some(date);
                draft.time = None;
                draft.chosen = None;
                self.advance()
            }
            Payload::Slot { start, staff } => match DateTime::from_timestamp(start, 0) {
                Some(start) => self.pick_slot(start, staff),
                None => self.unclear(),
            },
            Payload::CancelOne => self.manage(Action::Cancel, u),
            Payload::MoveOne => self.manage(Action::Move, u),
            Payload::Attend(id) => self.confirm_attendance(&id, u),
            // The engine follows links before the dialogue runs; one seen here opened the chat.
            Payload::ChatLink(_) => self.greet(),
            Payload::Verify => {
                self.ask_for_proof();
                Ok(())
            }
            Payload::NewCode => match self.state.proof.as_ref().and_then(|p| p.contact.clone()) {
                Some(contact) => self.send_code(contact),
                None => {
                    self.ask_for_proof();
                    Ok(())
                }
            },
            Payload::Ask(topic) => self.answer_question(topic, u, None),
            Payload::Cancel(id) => self.target_booking(&id, Action::Cancel, u),
            Payload::Move(id) => self.target_booking(&id, Action::Move, u),
        }
    }
}
