//! Reading a message as an answer to what was just asked: a choice typed out, yes or no, a
//! name, a contact, a business question's answer, a reference or a code.

use chrono::DateTime;

use super::Dialogue;
use super::details::person_name;
use super::verify::reference_in;
use crate::conversation::desk::Desk;
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::customers::codes::{self};
use crate::domain::{EmailAddress, PhoneNumber};
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
        let changes_request = has_booking_details(u)
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
            Expecting::Name if !changes_request => {
                match person_name(u, text) {
                    Some(name) => {
                        self.draft().name = Some(name);
                        if let Some(phone) = &u.phone {
                            self.draft().phone = Some(phone.clone());
                        }
                        if let Some(email) = &u.email {
                            self.draft().email = Some(email.clone());
                        }
                        self.collect_details()?;
                    }
                    None => {
                        let (text, choices) = (self.texts.invalid_name(), vec![]);
                        self.ask(text, choices, Expecting::Name);
                    }
                }
                Ok(true)
            }
            Expecting::Phone | Expecting::Email | Expecting::Contact if !changes_request => {
                let phone = u
                    .phone
                    .as_deref()
                    .or(text.chars().any(|c| c.is_ascii_digit()).then_some(text));
                let phone = phone.and_then(|p| PhoneNumber::parse("phone", p).ok());
                let email = u.email.as_deref().or(text.contains('@').then_some(text));
                let email = email.and_then(|e| EmailAddress::parse("email", e).ok());
                let wanted = self.state.expecting;
                let accepted = match wanted {
                    Expecting::Phone => phone
                        .clone()
                        .map(|p| self.draft().phone = Some(p.into_inner()))
                        .is_some(),
                    Expecting::Email => email
                        .clone()
                        .map(|e| self.draft().email = Some(e.into_inner()))
                        .is_some(),
                    _ => {
                        let got_phone = phone
                            .clone()
                            .map(|p| self.draft().phone = Some(p.into_inner()))
                            .is_some();
                        let got_email = email
                            .clone()
                            .map(|e| self.draft().email = Some(e.into_inner()))
                            .is_some();
                        got_phone || got_email
                    }
                };
                if accepted {
                    self.collect_details()?;
                } else {
                    let text = if wanted == Expecting::Email {
                        self.texts.invalid_email()
                    } else {
                        self.texts.invalid_phone()
                    };
                    self.ask(text, vec![], wanted);
                }
                Ok(true)
            }
            Expecting::Question if !changes_request => self.answer_business_question(u, text),
            Expecting::Reference | Expecting::VerifyContact => {
                if let Some(reference) = reference_in(text) {
                    self.reference_given(reference, u, text)?;
                    return Ok(true);
                }
                if let Some(identity) = self.typed_contact(u, text)? {
                    self.send_code(identity)?;
                    return Ok(true);
                }
                if changes_request || text.is_empty() {
                    return Ok(false);
                }
                self.ask_for_proof();
                Ok(true)
            }
            Expecting::ReferenceContact if !changes_request => {
                match self.typed_contact(u, text)? {
                    Some(identity) => self.check_reference(identity)?,
                    None => {
                        let text = self.texts.ask_reference_contact_for_code();
                        self.ask(text, Vec::new(), Expecting::ReferenceContact);
                    }
                }
                Ok(true)
            }
            Expecting::Code => match codes::read_typed(text) {
                Ok(code) => {
                    self.enter_code(&code)?;
                    Ok(true)
                }
                Err(0) => Ok(false),
                Err(_) => {
                    let choices = self.code_choices();
                    self.ask(self.texts.code_digits(), choices, Expecting::Code);
                    Ok(true)
                }
            },
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
