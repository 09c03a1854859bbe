//! Proving who the customer is before their bookings are shown: a one-time code sent to a
//! contact, or a booking reference with the contact it was made with.

use super::Dialogue;
use crate::conversation::desk::{CodeRequest, Desk, NoRoute, ReferenceCheck};
use crate::conversation::message::Choice;
use crate::conversation::payload::Payload;
use crate::conversation::state::{Action, Expecting, Proof};
use crate::customers::Identity;
use crate::customers::codes::{self, CodeCheck};
use crate::domain::{BookingReference, EmailAddress, PhoneNumber};
use crate::error::AppError;
use crate::understanding::Understanding;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    pub(super) fn ask_for_proof(&mut self) {
        self.state.proof.get_or_insert_with(Proof::default);
        let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
        self.ask(self.texts.ask_proof(), choices, Expecting::VerifyContact);
    }

    pub(super) fn code_choices(&self) -> Vec<Choice> {
        vec![
            self.choice(self.texts.button_new_code(), Payload::NewCode),
            self.choice(self.texts.button_human(), Payload::Human),
        ]
    }

    /// The phone number or email address in a message, as an identity.
    pub(super) fn typed_contact(
        &mut self,
        u: &Understanding,
        text: &str,
    ) -> Result<Option<Identity>, AppError> {
        let email = u.email.as_deref().or(text.contains('@').then_some(text));
        let email = email.and_then(|e| EmailAddress::parse("email", e).ok());
        let phone = u
            .phone
            .as_deref()
            .or(text.chars().any(|c| c.is_ascii_digit()).then_some(text));
        let phone = phone.and_then(|p| PhoneNumber::parse("phone", p).ok());
        self.desk.contact_identity(phone.as_ref(), email.as_ref())
    }

    /// Says why a code cannot go to a contact; `false` when it can.
    /// A reference or a contact to prove a booking with; `false` when the message is a new
    /// request instead.
    pub(super) fn proof_given(
        &mut self,
        u: &Understanding,
        text: &str,
        changes_request: bool,
    ) -> Result<bool, AppError> {
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

    /// The contact a reference was booked with, to send a code to.
    pub(super) fn reference_contact_given(
        &mut self,
        u: &Understanding,
        text: &str,
    ) -> Result<(), AppError> {
        match self.typed_contact(u, text)? {
            Some(identity) => self.check_reference(identity),
            None => {
                let text = self.texts.ask_reference_contact_for_code();
                self.ask(text, Vec::new(), Expecting::ReferenceContact);
                Ok(())
            }
        }
    }

    /// A code typed out; `false` when the message has no digits at all.
    pub(super) fn code_typed(&mut self, text: &str) -> Result<bool, AppError> {
        match codes::read_typed(text) {
            Ok(code) => self.enter_code(&code)?,
            Err(0) => return Ok(false),
            Err(_) => {
                let choices = self.code_choices();
                self.ask(self.texts.code_digits(), choices, Expecting::Code);
            }
        }
        Ok(true)
    }

    pub(super) fn explain_no_route(
        &mut self,
        identity: &Identity,
        expecting: Expecting,
    ) -> Result<bool, AppError> {
        let text = match self.desk.code_route(identity)? {
            Ok(_) => return Ok(false),
            Err(NoRoute::NoSms) => self.texts.code_no_sms(),
            Err(NoRoute::NeedsCountryCode) => self.texts.code_needs_country(),
        };
        let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
        self.ask(text, choices, expecting);
        Ok(true)
    }

    pub(super) fn send_code(&mut self, identity: Identity) -> Result<(), AppError> {
        if self.explain_no_route(&identity, Expecting::VerifyContact)? {
            return Ok(());
        }
        match self.desk.request_code(&identity, self.texts.locale)? {
            CodeRequest::Sent { masked } => {
                let proof = self.state.proof.get_or_insert_with(Proof::default);
                proof.contact = Some(identity);
                proof.wrong = 0;
                let choices = self.code_choices();
                self.ask(self.texts.code_sent(&masked), choices, Expecting::Code);
            }
            CodeRequest::Limited {
                retry_after_seconds,
            } => {
                let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
                let text = self.texts.code_limited(minutes(retry_after_seconds));
                self.ask(text, choices, Expecting::Nothing);
            }
            CodeRequest::NoRoute(_) => {
                self.explain_no_route(&identity, Expecting::VerifyContact)?;
            }
        }
        Ok(())
    }

    /// A booking reference was given; its contact is asked for (or read from the same message).
    pub(super) fn reference_given(
        &mut self,
        reference: BookingReference,
        u: &Understanding,
        text: &str,
    ) -> Result<(), AppError> {
        let proof = self.state.proof.get_or_insert_with(Proof::default);
        proof.reference = Some(reference.as_str().to_owned());
        // The reference itself is not a phone number: read the contact from the rest.
        let rest = text.replace(reference.as_str(), " ");
        match self.typed_contact(u, &rest)? {
            Some(identity) => self.check_reference(identity),
            None => {
                let text = self.texts.ask_reference_contact_for_code();
                self.ask(text, Vec::new(), Expecting::ReferenceContact);
                Ok(())
            }
        }
    }

    pub(super) fn check_reference(&mut self, identity: Identity) -> Result<(), AppError> {
        let Some(reference) = self.state.proof.as_ref().and_then(|p| p.reference.clone()) else {
            return self.send_code(identity);
        };
        if self.explain_no_route(&identity, Expecting::ReferenceContact)? {
            return Ok(());
        }
        match self
            .desk
            .check_reference(&reference, &identity, self.texts.locale)?
        {
            ReferenceCheck::Checked => {
                let proof = self.state.proof.get_or_insert_with(Proof::default);
                proof.contact = Some(identity);
                proof.wrong = 0;
                let choices = self.code_choices();
                let text = self.texts.reference_checked(&reference);
                self.ask(text, choices, Expecting::Code);
            }
            ReferenceCheck::Limited {
                retry_after_seconds,
            } => {
                let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
                let text = self.texts.reference_limited(minutes(retry_after_seconds));
                self.ask(text, choices, Expecting::Nothing);
            }
        }
        Ok(())
    }

    pub(super) fn enter_code(&mut self, code: &str) -> Result<(), AppError> {
        let check = self.desk.check_code(code)?;
        let proof = self.state.proof.get_or_insert_with(Proof::default);
        let text = match check {
            CodeCheck::Proven(identity) => {
                self.state.proof = None;
                self.desk
                    .prove(&identity, &crate::customers::ProvenContact::default())?;
                self.say(self.texts.proven());
                let action = self.state.action.unwrap_or(Action::List);
                return self.manage(action, &Understanding::default());
            }
            // No code is waiting: answered like a wrong one, so that a reference that did not
            // match cannot be told from one that did.
            CodeCheck::Wrong { .. } | CodeCheck::NoCode => {
                proof.wrong += 1;
                let left = codes::MAX_TRIES - i32::try_from(proof.wrong).unwrap_or(i32::MAX);
                match check {
                    CodeCheck::Wrong { tries_left } => self.texts.code_wrong(tries_left.min(left)),
                    _ if left > 0 => self.texts.code_wrong(left),
                    _ => self.texts.code_used_up(),
                }
            }
            CodeCheck::Expired => self.texts.code_expired(),
            CodeCheck::UsedUp => self.texts.code_used_up(),
        };
        let choices = self.code_choices();
        self.ask(text, choices, Expecting::Code);
        Ok(())
    }
}

/// A booking reference in a message, in any case, with or without its dash. A word of the
/// reference alphabet is taken for one when it is written like one (a digit, a dash, capitals),
/// when it is the whole message, or when the message speaks of a booking: "fragen" alone in a
/// sentence is a word.
pub(super) fn reference_in(text: &str) -> Option<BookingReference> {
    const SPEAKS_OF_BOOKING: [&str; 9] = [
        "booking",
        "reference",
        "ref",
        "appointment",
        "number",
        "buchung",
        "nummer",
        "termin",
        "code",
    ];
    let lower = text.to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':' || c == ';')
        .map(|w| w.trim_matches(['.', '!', '?', '(', ')', '"', '\'']))
        .filter(|w| !w.is_empty())
        .collect();
    let context = words.len() == 1 || SPEAKS_OF_BOOKING.iter().any(|w| lower.contains(w));
    // Six digits are a phone number's end far more often than a reference.
    words
        .iter()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .find_map(|w| {
            let written_as_reference = w.chars().any(|c| c.is_ascii_digit() || c == '-')
                || w.chars().all(|c| !c.is_lowercase());
            (written_as_reference || context)
                .then(|| BookingReference::parse("reference", w).ok())
                .flatten()
        })
}

/// Whole minutes to wait, at least one.
pub(super) fn minutes(seconds: i64) -> i64 {
    (seconds + 59).div_euclid(60).max(1)
}
