//! With a time chosen: the customer's name and contact, the business's own questions, and the
//! explicit confirmation that books.

use super::Dialogue;
use crate::booking::CustomerContact;
use crate::conversation::desk::{CustomerQuestion, Desk};
use crate::conversation::payload::Payload;
use crate::conversation::state::{Answer, Expecting};
use crate::domain::{ContactRequirement, EmailAddress, PersonName, PhoneNumber};
use crate::error::AppError;
use crate::understanding::{Intent, Understanding};

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// With a slot held: ask for what is still missing, then for confirmation.
    pub(super) fn collect_details(&mut self) -> Result<(), AppError> {
        let requirement = self.desk.calendar().business.chat.contact_requirement;
        if let Some(customer) = self.desk.known_contact()? {
            let draft = self.draft();
            draft.name.get_or_insert(customer.name);
            if draft.phone.is_none() {
                draft.phone = customer.phone;
            }
            if draft.email.is_none() {
                draft.email = customer.email;
            }
        }
        if let Some(phone) = self.desk.sender_phone() {
            self.draft().phone.get_or_insert(phone);
        }
        let draft = self.state.draft.clone().unwrap_or_default();
        if draft.name.is_none() {
            self.ask(self.texts.ask_name(), vec![], Expecting::Name);
            return Ok(());
        }
        let (has_phone, has_email) = (draft.phone.is_some(), draft.email.is_some());
        if !requirement.satisfied_by(has_phone, has_email) {
            let (text, expecting) = match requirement {
                ContactRequirement::Phone => (self.texts.ask_phone(), Expecting::Phone),
                ContactRequirement::Email => (self.texts.ask_email(), Expecting::Email),
                ContactRequirement::PhoneAndEmail if !has_phone => {
                    (self.texts.ask_phone(), Expecting::Phone)
                }
                ContactRequirement::PhoneAndEmail => (self.texts.ask_email(), Expecting::Email),
                ContactRequirement::PhoneOrEmail => (self.texts.ask_contact(), Expecting::Contact),
            };
            self.ask(text, vec![], expecting);
            return Ok(());
        }
        if let Some(question) = self.next_question()? {
            let prompt = question.prompt(self.texts.locale).to_owned();
            let choices = if question.kind == "yes_no" {
                vec![
                    self.choice(self.texts.button_yes(), Payload::Yes),
                    self.choice(self.texts.button_no(), Payload::No),
                ]
            } else {
                Vec::new()
            };
            self.ask(prompt, choices, Expecting::Question);
            return Ok(());
        }
        self.ask_confirm()
    }

    /// The first of the business's questions not yet answered by this customer.
    /// The customer's name, perhaps with a phone number or email address in the same message.
    pub(super) fn name_given(&mut self, u: &Understanding, text: &str) -> Result<(), AppError> {
        let Some(name) = person_name(u, text) else {
            self.ask(self.texts.invalid_name(), vec![], Expecting::Name);
            return Ok(());
        };
        self.draft().name = Some(name);
        if let Some(phone) = &u.phone {
            self.draft().phone = Some(phone.clone());
        }
        if let Some(email) = &u.email {
            self.draft().email = Some(email.clone());
        }
        self.collect_details()
    }

    /// A phone number or email address, as the question asked for one or either.
    pub(super) fn contact_given(&mut self, u: &Understanding, text: &str) -> Result<(), AppError> {
        let wanted = self.state.expecting;
        let phone = u
            .phone
            .as_deref()
            .or(text.chars().any(|c| c.is_ascii_digit()).then_some(text))
            .and_then(|p| PhoneNumber::parse("phone", p).ok())
            .filter(|_| wanted != Expecting::Email);
        let email = u
            .email
            .as_deref()
            .or(text.contains('@').then_some(text))
            .and_then(|e| EmailAddress::parse("email", e).ok())
            .filter(|_| wanted != Expecting::Phone);
        if phone.is_none() && email.is_none() {
            let text = if wanted == Expecting::Email {
                self.texts.invalid_email()
            } else {
                self.texts.invalid_phone()
            };
            self.ask(text, vec![], wanted);
            return Ok(());
        }
        if let Some(phone) = phone {
            self.draft().phone = Some(phone.into_inner());
        }
        if let Some(email) = email {
            self.draft().email = Some(email.into_inner());
        }
        self.collect_details()
    }

    pub(super) fn next_question(&mut self) -> Result<Option<CustomerQuestion>, AppError> {
        let answered_now: Vec<String> = self
            .state
            .draft
            .as_ref()
            .map(|d| d.answers.iter().map(|a| a.question_id.clone()).collect())
            .unwrap_or_default();
        let answered_before = self.desk.answered_before()?;
        Ok(self
            .desk
            .questions()?
            .into_iter()
            .find(|q| !answered_now.contains(&q.id) && !answered_before.contains(&q.id)))
    }

    pub(super) fn answer_business_question(
        &mut self,
        u: &Understanding,
        text: &str,
    ) -> Result<bool, AppError> {
        let Some(question) = self.next_question()? else {
            self.collect_details()?;
            return Ok(true);
        };
        let answer = if question.kind == "yes_no" {
            match (Self::is_yes(u), Self::is_no(u)) {
                (true, _) => self.texts.button_yes(),
                (_, true) => self.texts.button_no(),
                _ => return Ok(false),
            }
        } else {
            let answer: String = text.chars().take(500).collect();
            if answer.trim().is_empty() {
                return Ok(false);
            }
            answer
        };
        let asked = question.prompt(self.texts.locale).to_owned();
        self.draft().answers.push(Answer {
            question_id: question.id,
            question: asked,
            answer,
        });
        self.collect_details()?;
        Ok(true)
    }

    pub(super) fn offer_changes(&mut self) {
        let choices = vec![
            self.choice(self.texts.button_other_day(), Payload::OtherDay),
            self.choice(self.texts.button_stop(), Payload::Stop),
        ];
        self.ask(self.texts.what_to_change(), choices, Expecting::Nothing);
    }

    pub(super) fn ask_confirm(&mut self) -> Result<(), AppError> {
        let Some((start, staff)) = self.chosen() else {
            return self.advance();
        };
        let service = self.current_service().map(|s| s.name).unwrap_or_default();
        let summary = self
            .texts
            .summary(&service, &self.staff_name(&staff), start);
        let choices = vec![
            self.choice(self.texts.button_confirm(), Payload::Yes),
            self.choice(self.texts.button_change(), Payload::Change),
            self.choice(self.texts.button_stop(), Payload::Stop),
        ];
        self.ask(self.texts.confirm(&summary), choices, Expecting::Confirm);
        Ok(())
    }

    pub(super) fn confirm_booking(&mut self) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (Some((start, staff)), Some(name)) = (self.chosen(), draft.name.clone()) else {
            return self.advance();
        };
        let contact = match CustomerContact::parse_walk_in(
            &name,
            draft.phone.as_deref(),
            draft.email.as_deref(),
        ) {
            Ok(contact) => contact,
            // What the draft holds was checked when it was given; a state from an older
            // version that no longer passes is asked for again.
            Err(_) => {
                let draft = self.draft();
                (draft.name, draft.phone, draft.email) = (None, None, None);
                return self.collect_details();
            }
        };
        let booked = match (&draft.hold, self.current_service()) {
            (Some(hold), _) => self
                .desk
                .confirm(&hold.booking_id, &contact, &draft.answers)?,
            (None, Some(service)) => {
                self.desk
                    .book_now(&service.id, &staff, start, &contact, &draft.answers)?
            }
            (None, None) => return self.advance(),
        };
        match booked {
            Ok(details) => {
                self.remember_booked(&details.booking);
                let summary = self.summary_of(&details);
                let link = self.desk.manage_link(&details.booking);
                self.state.draft = None;
                self.say(
                    self.texts
                        .booked(&summary, &details.booking.reference, &link),
                );
                let menu = vec![
                    self.choice(self.texts.button_my_bookings(), Payload::MyBookings),
                    self.choice(self.texts.button_book(), Payload::Book),
                ];
                self.ask(self.texts.anything_else(), menu, Expecting::Nothing);
                Ok(())
            }
            Err(_) => {
                // The hold lapsed, or the noted time was taken, meanwhile.
                let draft_now = self.draft();
                draft_now.hold = None;
                draft_now.pick = None;
                let Some(service) = self.current_service() else {
                    return self.advance();
                };
                let local = start.with_timezone(&self.desk.calendar().business.tz);
                self.offer_nearest(
                    self.texts.hold_lost(),
                    &service,
                    draft.staff_id.as_deref(),
                    local.date_naive(),
                    local.time(),
                )
            }
        }
    }
}

/// A name from "I'm Anna", or the whole message when it looks like one. A name that is also a
/// staff member's ("Sam Miller") reads as a wish to book with them, which it is not here.
pub(super) fn person_name(u: &Understanding, text: &str) -> Option<String> {
    if let Some(name) = &u.name {
        return PersonName::parse("name", name)
            .ok()
            .map(PersonName::into_inner);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let plausible = (1..=5).contains(&words.len())
        && text.chars().count() <= 80
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphabetic() || "-'.".contains(c)))
        && (u.intent.is_none() || (u.intent == Some(Intent::Book) && u.staff.is_some()));
    plausible.then(|| {
        words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                match chars.next() {
                    Some(first) if w.chars().all(|c| !c.is_uppercase()) => {
                        first.to_uppercase().chain(chars).collect()
                    }
                    _ => (*w).to_owned(),
                }
            })
            .collect::<Vec<String>>()
            .join(" ")
    })
}
