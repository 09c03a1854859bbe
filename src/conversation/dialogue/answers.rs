//! Reading a message as an answer to what was just asked: a choice typed out, yes or no, a
//! name, a contact, a business question's answer, a reference or a code.

use chrono::DateTime;

use super::Dialogue;
use crate::conversation::desk::Desk;
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::error::AppError;
use crate::understanding::{Intent, Understanding};

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// "the second one", "2", or the title of a choice typed out.
    pub(super) fn choice_in_words(&self, u: &Understanding, text: Option<&str>) -> Option<Payload> {
        let offered = &self.state.offered;
        if offered.is_empty() {
            return None;
        }
        let typed = text
            .map(|t| t.trim().trim_end_matches(['.', '!']).to_lowercase())
            .unwrap_or_default();
        if let Some(c) = offered.iter().find(|c| c.title.to_lowercase() == typed) {
            return Payload::decode(&c.payload);
        }
        if u.choice_last {
            return offered.last().and_then(|c| Payload::decode(&c.payload));
        }
        if let Some(n) = u.choice
            && n >= 1
            && (n as usize) <= offered.len()
            && (u.intent == Some(Intent::Choice) || u.date.is_none())
        {
            return Payload::decode(&offered[n as usize - 1].payload);
        }
        // A time that matches one of the offered slots ("15:30").
        if self.state.expecting == Expecting::Slot
            && let Some(time) = u.time
            && u.date.is_none()
        {
            let tz = self.desk.calendar().business.tz;
            return offered
                .iter()
                .filter_map(|c| Payload::decode(&c.payload))
                .find(|p| match p {
                    Payload::Slot { start, .. } => DateTime::from_timestamp(*start, 0)
                        .is_some_and(|s| s.with_timezone(&tz).time() == time),
                    _ => false,
                });
        }
        None
    }

    pub(super) fn is_yes(u: &Understanding) -> bool {
        u.intent == Some(Intent::Yes) || (u.confirmation == Some(true) && !has_booking_details(u))
    }

    pub(super) fn is_no(u: &Understanding) -> bool {
        u.intent == Some(Intent::No) || (u.confirmation == Some(false) && !has_booking_details(u))
    }

    /// Answers to a free-text question (name, phone, email, a business question, a reference).
    /// Returns `false` when the message is something else, e.g. a new request.
    pub(super) fn answered_question(
        &mut self,
        u: &Understanding,
        text: Option<&str>,
    ) -> Result<bool, AppError> {
        let text = text.unwrap_or_default().trim();
        let changes_request = Self::changes_booking(u, text)
            || matches!(
                u.intent,
                Some(
                    Intent::Cancel
                        | Intent::Reschedule
                        | Intent::Human
                        | Intent::Help
                        | Intent::ListBookings
                        | Intent::Privacy
                )
            );
        match self.state.expecting {
            Expecting::Name if !changes_request => self.name_given(u, text).map(|()| true),
            Expecting::Phone | Expecting::Email | Expecting::Contact if !changes_request => {
                self.contact_given(u, text).map(|()| true)
            }
            Expecting::Question if !changes_request => self.answer_business_question(u, text),
            Expecting::Reference | Expecting::VerifyContact => {
                self.proof_given(u, text, changes_request)
            }
            Expecting::ReferenceContact if !changes_request => {
                self.reference_contact_given(u, text).map(|()| true)
            }
            Expecting::Code => self.code_typed(text),
            _ => Ok(false),
        }
    }

    /// Yes or no to the question just asked.
    pub(super) fn answered_yes_no(&mut self, u: &Understanding) -> Result<bool, AppError> {
        let (yes, no) = (Self::is_yes(u), Self::is_no(u));
        if !yes && !no {
            return Ok(false);
        }
        match (self.state.expecting, yes) {
            // A tapped Yes or No to one of the business's yes/no questions.
            (Expecting::Question, _) => return self.answer_business_question(u, ""),
            (Expecting::Confirm, true) => self.confirm_booking()?,
            (Expecting::Confirm, false) => self.offer_changes(),
            (Expecting::ConfirmCancel, true) => self.cancel_target()?,
            (Expecting::ConfirmMove, true) => self.move_target()?,
            (Expecting::ConfirmCancel | Expecting::ConfirmMove, false) => self.keep_target(),
            (Expecting::AskTeam, yes) => self.ask_team(yes)?,
            _ if u.intent == Some(Intent::Yes) && !self.drafting() => self.greet()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Whether the message says anything about a wanted booking.
pub(super) fn has_booking_details(u: &Understanding) -> bool {
    u.service.is_some()
        || u.staff.is_some()
        || u.date.is_some()
        || u.time.is_some()
        || u.time_range.is_some()
}
