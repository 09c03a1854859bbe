//! The dialogue: one customer message in, the next replies out.
//!
//! The customer may say everything at once or one thing at a time, in any order; the dialogue
//! keeps what it learned in a [`Draft`] and asks only for what is still missing: the service,
//! then a time (offering free ones), then — with the slot already held — contact details and
//! the business's own questions, then an explicit confirmation. Existing bookings are listed,
//! cancelled and moved the same way. Every reply ends with a question or choices, so no
//! message leads to a dead end.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

use super::desk::{Desk, HoldOutcome};
use super::message::{Choice, Reply};
use super::payload::Payload;
use super::state::{Action, Answer, DialogueState, Draft, Expecting, Hold, Pick, Proof};
use super::texts::Texts;
use super::verification::{CodeRequest, NoRoute, ReferenceCheck};
use crate::booking::{BookingDetails, CustomerContact, OfferedSlot, ServiceProfile};
use crate::customers::Identity;
use crate::customers::codes::{self, CodeCheck};
use crate::domain::{BookingReference, ContactRequirement, EmailAddress, PersonName, PhoneNumber};
use crate::error::AppError;
use crate::scheduling::Refusal;
use crate::storage::models::CustomerQuestion;
use crate::understanding::{Intent, Understanding};

/// How many free times one message offers.
const OFFERS: usize = 6;
/// How far ahead the dialogue looks for free times.
const SEARCH_DAYS: u64 = 21;

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

pub struct Dialogue<'d, 'a> {
    desk: &'d mut Desk<'a>,
    state: &'d mut DialogueState,
    texts: Texts,
    replies: Vec<Reply>,
    effects: Vec<Effect>,
}

impl<'d, 'a> Dialogue<'d, 'a> {
    pub fn new(desk: &'d mut Desk<'a>, state: &'d mut DialogueState, texts: Texts) -> Self {
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
        if self.answered_question(u, input.text.as_deref())? {
            return Ok(());
        }
        if let Some(payload) = self.choice_in_words(u, input.text.as_deref()) {
            return self.on_payload(payload, u);
        }
        if self.answered_yes_no(u)? {
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

    // --- small helpers -------------------------------------------------------------------------

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
            .calendar
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
            .calendar
            .staff_name(id)
            .unwrap_or_default()
            .to_owned()
    }

    fn summary_of(&self, details: &BookingDetails) -> String {
        self.texts
            .summary(&details.service_name, &details.staff_name, details.start())
    }

    // --- understanding what was said ------------------------------------------------------------

    /// "the second one", "2", or the title of a choice typed out.
    fn choice_in_words(&self, u: &Understanding, text: Option<&str>) -> Option<Payload> {
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
            let tz = self.desk.calendar.business.tz;
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

    fn is_yes(u: &Understanding) -> bool {
        u.intent == Some(Intent::Yes) || (u.confirmation == Some(true) && !has_booking_details(u))
    }

    fn is_no(u: &Understanding) -> bool {
        u.intent == Some(Intent::No) || (u.confirmation == Some(false) && !has_booking_details(u))
    }

    /// Answers to a free-text question (name, phone, email, a business question, a reference).
    /// Returns `false` when the message is something else, e.g. a new request.
    fn answered_question(
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
    fn answered_yes_no(&mut self, u: &Understanding) -> Result<bool, AppError> {
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
            Payload::Cancel(id) => self.target_booking(&id, Action::Cancel, u),
            Payload::Move(id) => self.target_booking(&id, Action::Move, u),
        }
    }

    // --- booking --------------------------------------------------------------------------------

    /// Takes what the message says about the wanted booking into the draft.
    fn fill(&mut self, u: &Understanding) {
        let known_service = u
            .service
            .as_ref()
            .filter(|id| self.desk.service(id).is_some())
            .cloned();
        let known_staff = u
            .staff
            .as_ref()
            .filter(|id| self.desk.calendar.staff_member(id).is_some())
            .cloned();
        let draft = self.draft();
        let before = (
            draft.service_id.clone(),
            draft.staff_id.clone(),
            draft.date,
            draft.time,
            draft.range,
        );
        if let Some(service) = known_service {
            draft.service_id = Some(service);
        }
        if let Some(staff) = known_staff {
            draft.staff_id = Some(staff);
        }
        // A new day alone keeps the time asked for before ("actually make it Saturday").
        if let Some(date) = u.date {
            draft.date = Some(date);
            draft.days = None;
        } else if let Some(span) = u.date_range {
            draft.date = None;
            draft.days = Some((span.from, span.to));
        }
        if let Some(range) = u.time_range {
            draft.range = Some((range.from, range.to));
            draft.time = u.time.filter(|_| u.time_relation.is_none());
        } else if let Some(time) = u.time {
            draft.time = Some(time);
            draft.range = None;
        }
        if let Some(name) = &u.name {
            draft.name = Some(name.clone());
        }
        if let Some(phone) = u
            .phone
            .as_ref()
            .and_then(|p| PhoneNumber::parse("phone", p).ok())
        {
            draft.phone = Some(phone.into_inner());
        }
        if let Some(email) = u
            .email
            .as_ref()
            .and_then(|e| EmailAddress::parse("email", e).ok())
        {
            draft.email = Some(email.into_inner());
        }
        let after = (
            draft.service_id.clone(),
            draft.staff_id.clone(),
            draft.date,
            draft.time,
            draft.range,
        );
        if before != after {
            draft.chosen = None;
        }
    }

    /// Moves the booking (or move) forward by one step: whatever is missing first.
    fn advance(&mut self) -> Result<(), AppError> {
        let Some(service) = self.current_service().or_else(|| self.only_service()) else {
            let (text, choices) = (self.texts.ask_service(), self.service_choices());
            self.ask(text, choices, Expecting::Service);
            return Ok(());
        };
        self.draft().service_id = Some(service.id.clone());
        self.check_staff(&service);
        if service.staff_ids.is_empty() {
            let menu = self.main_menu();
            self.ask(self.texts.no_service_staff(), menu, Expecting::Nothing);
            return Ok(());
        }
        let moving = self
            .state
            .draft
            .as_ref()
            .is_some_and(|d| d.moving.is_some());
        if let Some((start, staff)) = self.chosen() {
            if self.still_wanted(start, &staff) {
                return self.collect_details();
            }
            self.stop_hold()?;
        }
        if moving
            && self
                .state
                .draft
                .as_ref()
                .is_some_and(|d| d.chosen.is_some())
        {
            return self.ask_confirm_move();
        }
        self.find_time(&service)
    }

    fn only_service(&self) -> Option<ServiceProfile> {
        match self.desk.calendar.services.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        }
    }

    /// Drops a requested staff member who does not perform the service, saying so.
    fn check_staff(&mut self, service: &ServiceProfile) {
        let Some(staff) = self.state.draft.as_ref().and_then(|d| d.staff_id.clone()) else {
            return;
        };
        if !service.staff_ids.contains(&staff) {
            let name = self.staff_name(&staff);
            self.say(self.texts.staff_unknown_for_service(&name, &service.name));
            self.draft().staff_id = None;
        }
    }

    /// Whether the chosen time still matches what the customer asks for.
    fn still_wanted(&self, start: DateTime<Utc>, staff: &str) -> bool {
        let Some(draft) = &self.state.draft else {
            return false;
        };
        let local = start.with_timezone(&self.desk.calendar.business.tz);
        draft.date.is_none_or(|d| d == local.date_naive())
            && draft.time.is_none_or(|t| t == local.time())
            && draft.staff_id.as_ref().is_none_or(|s| s == staff)
            && draft
                .range
                .is_none_or(|(from, to)| from <= local.time() && local.time() < to)
    }

    /// Finds a time from what is known: an exact time is tried at once; otherwise free times
    /// are offered.
    fn find_time(&mut self, service: &ServiceProfile) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let staff = draft.staff_id.clone();
        let today = self.desk.today();
        let (first, last) = self.search_window(&draft);
        if let Some(date) = draft.date {
            if date < today {
                self.say(self.texts.date_passed(date));
                self.draft().date = None;
                return self.ask_day(service);
            }
            if date > self.desk.horizon() {
                self.say(
                    self.texts
                        .too_far_ahead(self.desk.calendar.business.policy.booking_horizon_days),
                );
                self.draft().date = None;
                return self.ask_day(service);
            }
        }
        match (draft.date, draft.time) {
            (Some(date), Some(time)) => {
                let Some(start) = self.instant(date, time) else {
                    return self.offer_around(service, staff.as_deref(), date, time, true);
                };
                self.try_start(service, staff.as_deref(), start)
            }
            (Some(date), None) => {
                let slots = self.desk.slots(service, staff.as_deref(), date, date)?;
                let fitting = in_range(slots, draft.range, self.desk.calendar.business.tz);
                if fitting.is_empty() {
                    let time = draft.range.map_or_else(
                        || NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default(),
                        |r| r.0,
                    );
                    return self.offer_around(service, staff.as_deref(), date, time, false);
                }
                let text = self.texts.slots_on(date);
                self.offer(text, spread(fitting, OFFERS), false, staff.as_deref());
                Ok(())
            }
            (None, Some(time)) => {
                let slots = self.desk.slots(service, staff.as_deref(), first, last)?;
                let tz = self.desk.calendar.business.tz;
                let at_time: Vec<OfferedSlot> = slots
                    .iter()
                    .filter(|s| s.start.with_timezone(&tz).time() == time)
                    .take(3)
                    .cloned()
                    .collect();
                if at_time.is_empty() {
                    return self.offer_around(service, staff.as_deref(), first, time, false);
                }
                let text = self.texts.slots_matching();
                self.offer(text, at_time, true, staff.as_deref());
                Ok(())
            }
            (None, None) if draft.range.is_some() => {
                let slots = self.desk.slots(service, staff.as_deref(), first, last)?;
                let fitting = in_range(slots, draft.range, self.desk.calendar.business.tz);
                let first_days = first_days(fitting, 3, self.desk.calendar.business.tz);
                if first_days.is_empty() {
                    return self.nothing_free();
                }
                let text = self.texts.slots_matching();
                self.offer(text, spread(first_days, OFFERS), true, staff.as_deref());
                Ok(())
            }
            (None, None) => self.ask_day(service),
        }
    }

    /// The instant of a local date and time; the earlier one when the time happens twice.
    fn instant(&self, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        match self
            .desk
            .calendar
            .business
            .tz
            .from_local_datetime(&date.and_time(time))
        {
            LocalResult::Single(t) => Some(t.to_utc()),
            LocalResult::Ambiguous(a, _) => Some(a.to_utc()),
            LocalResult::None => None,
        }
    }

    /// Tries an exact start: a new booking holds it, a move remembers it for confirmation.
    fn try_start(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let moving = self
            .state
            .draft
            .as_ref()
            .is_some_and(|d| d.moving.is_some());
        if moving {
            let local = start.with_timezone(&self.desk.calendar.business.tz);
            let date = local.date_naive();
            let free = self
                .desk
                .slots(service, staff, date, date)?
                .into_iter()
                .find(|s| s.start.timestamp() == start.timestamp());
            return match free {
                Some(slot) => {
                    self.draft().chosen =
                        Some((start, staff.map(str::to_owned).or(Some(slot.staff_id))));
                    self.ask_confirm_move()
                }
                None => self.taken(service, staff, start),
            };
        }
        match self.desk.hold(&service.id, staff, start)? {
            HoldOutcome::Held(held) => {
                let summary = self.summary_of(&held);
                let hold = Hold {
                    booking_id: held.booking.id.clone(),
                    start,
                    staff_id: held.booking.staff_id.clone(),
                };
                let draft = self.draft();
                draft.hold = Some(hold);
                let local = start.with_timezone(&held.business.tz);
                draft.date = Some(local.date_naive());
                draft.time = Some(local.time());
                self.say(
                    self.texts
                        .held(&summary, self.desk.calendar.business.chat.hold_minutes),
                );
                self.collect_details()
            }
            HoldOutcome::NotHeld => self.note(service, staff, start),
            HoldOutcome::Refused(Refusal::BeyondHorizon) => {
                self.say(
                    self.texts
                        .too_far_ahead(self.desk.calendar.business.policy.booking_horizon_days),
                );
                self.draft().date = None;
                self.ask_day(service)
            }
            HoldOutcome::Refused(_) => self.taken(service, staff, start),
        }
    }

    /// Notes a free time without holding it (this client address holds enough already); it is
    /// booked at the confirmation if still free.
    fn note(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let date = start
            .with_timezone(&self.desk.calendar.business.tz)
            .date_naive();
        let free = self
            .desk
            .slots(service, staff, date, date)?
            .into_iter()
            .find(|s| s.start.timestamp() == start.timestamp());
        let Some(slot) = free else {
            return self.taken(service, staff, start);
        };
        let summary = self
            .texts
            .summary(&service.name, &self.staff_name(&slot.staff_id), start);
        let local = start.with_timezone(&self.desk.calendar.business.tz);
        let draft = self.draft();
        draft.pick = Some(Pick {
            start,
            staff_id: slot.staff_id,
        });
        draft.date = Some(local.date_naive());
        draft.time = Some(local.time());
        self.say(self.texts.noted(&summary));
        self.collect_details()
    }

    /// The time chosen for the booking being prepared, held or noted: its start and staff.
    fn chosen(&self) -> Option<(DateTime<Utc>, String)> {
        let draft = self.state.draft.as_ref()?;
        draft
            .hold
            .as_ref()
            .map(|h| (h.start, h.staff_id.clone()))
            .or_else(|| draft.pick.as_ref().map(|p| (p.start, p.staff_id.clone())))
    }

    /// The wanted time is not free: say so and offer the nearest free ones.
    fn taken(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let local = start.with_timezone(&self.desk.calendar.business.tz);
        let alternatives = self.nearest(service, staff, local.date_naive(), local.time())?;
        if alternatives.is_empty() {
            return self.nothing_free();
        }
        let text = if start <= self.desk.now {
            self.texts.date_passed(local.date_naive())
        } else {
            self.texts.taken(start)
        };
        let multi_day = spans_days(&alternatives, self.desk.calendar.business.tz);
        self.offer(text, alternatives, multi_day, staff);
        Ok(())
    }

    /// Free times nearest to `time` on `date`: the same day first, then the days around it.
    fn nearest(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Result<Vec<OfferedSlot>, AppError> {
        let tz = self.desk.calendar.business.tz;
        let slots = self
            .desk
            .slots(service, staff, date - Days::new(3), date + Days::new(10))?;
        let distance = |s: &OfferedSlot| {
            let t = s.start.with_timezone(&tz).time();
            (t.num_seconds_from_midnight() as i64 - time.num_seconds_from_midnight() as i64).abs()
        };
        let on = |day: NaiveDate| {
            slots
                .iter()
                .filter(move |s| s.start.with_timezone(&tz).date_naive() == day)
        };
        let mut same_day: Vec<OfferedSlot> = on(date).cloned().collect();
        same_day.sort_by_key(|s| (distance(s), s.start.timestamp()));
        let mut chosen: Vec<OfferedSlot> = same_day.into_iter().take(3).collect();
        for offset in [1i64, -1, 2, -2, 3, 4, 5, 6, 7, 8, 9, 10] {
            if chosen.len() >= 4 {
                break;
            }
            let Some(day) = date.checked_add_signed(chrono::Duration::days(offset)) else {
                continue;
            };
            if let Some(best) = on(day).min_by_key(|s| (distance(s), s.start.timestamp())) {
                chosen.push(best.clone());
            }
        }
        chosen.sort_by_key(|s| s.start.timestamp());
        Ok(chosen)
    }

    fn offer_around(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        date: NaiveDate,
        time: NaiveTime,
        exact: bool,
    ) -> Result<(), AppError> {
        let alternatives = self.nearest(service, staff, date, time)?;
        if alternatives.is_empty() {
            return self.nothing_free();
        }
        let text = match (exact, self.instant(date, time)) {
            (true, Some(start)) => self.texts.taken(start),
            _ => self.texts.day_full(date),
        };
        let multi_day = spans_days(&alternatives, self.desk.calendar.business.tz);
        self.offer(text, alternatives, multi_day, staff);
        Ok(())
    }

    fn nothing_free(&mut self) -> Result<(), AppError> {
        let choices = vec![
            self.choice(self.texts.button_other_day(), Payload::OtherDay),
            self.choice(self.texts.button_human(), Payload::Human),
        ];
        self.ask(self.texts.nothing_free(), choices, Expecting::Day);
        Ok(())
    }

    /// Offers slots as choices; the payload keeps "anyone" when no staff member was asked for.
    fn offer(
        &mut self,
        text: String,
        slots: Vec<OfferedSlot>,
        with_date: bool,
        staff: Option<&str>,
    ) {
        let mut choices: Vec<Choice> = slots
            .iter()
            .map(|s| {
                let start = s.start.to_utc();
                let payload = Payload::Slot {
                    start: start.timestamp(),
                    staff: staff.map(str::to_owned),
                };
                self.choice(self.texts.slot_title(start, with_date), payload)
            })
            .collect();
        choices.push(self.choice(self.texts.button_other_day(), Payload::OtherDay));
        self.ask(text, choices, Expecting::Slot);
    }

    /// Offers the next days that still have free times.
    /// The days to look in: a span the customer named, or the coming weeks.
    fn search_window(&self, draft: &Draft) -> (NaiveDate, NaiveDate) {
        let today = self.desk.today();
        match draft.days {
            Some((from, to)) if to >= today => (from.max(today), to),
            _ => (today, today + Days::new(SEARCH_DAYS)),
        }
    }

    fn ask_day(&mut self, service: &ServiceProfile) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (from, to) = self.search_window(&draft);
        self.offer_days(service, from, to)
    }

    fn offer_days(
        &mut self,
        service: &ServiceProfile,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), AppError> {
        let staff = self.state.draft.as_ref().and_then(|d| d.staff_id.clone());
        let tz = self.desk.calendar.business.tz;
        let slots = self.desk.slots(service, staff.as_deref(), from, to)?;
        let mut days: Vec<NaiveDate> = slots
            .iter()
            .map(|s| s.start.with_timezone(&tz).date_naive())
            .collect();
        days.dedup();
        if days.is_empty() {
            return self.nothing_free();
        }
        let mut choices: Vec<Choice> = days
            .iter()
            .take(5)
            .map(|d| self.choice(self.texts.short_date(*d), Payload::Day(*d)))
            .collect();
        choices.push(self.choice(self.texts.button_other_day(), Payload::OtherDay));
        let text = self.texts.ask_day(&service.name);
        self.ask(text, choices, Expecting::Day);
        Ok(())
    }

    /// "Another day": the days after those just offered.
    fn ask_other_day(&mut self) -> Result<(), AppError> {
        let Some(service) = self.current_service().or_else(|| self.only_service()) else {
            return self.advance();
        };
        let last_offered = self
            .state
            .offered
            .iter()
            .filter_map(|c| Payload::decode(&c.payload))
            .filter_map(|p| match p {
                Payload::Day(d) => Some(d),
                Payload::Slot { start, .. } => DateTime::from_timestamp(start, 0).map(|s| {
                    s.with_timezone(&self.desk.calendar.business.tz)
                        .date_naive()
                }),
                _ => None,
            })
            .max();
        let from = last_offered.map_or(self.desk.today(), |d| d + Days::new(1));
        let draft = self.draft();
        draft.date = None;
        draft.days = None;
        draft.time = None;
        self.offer_days(&service, from, from + Days::new(SEARCH_DAYS))
    }

    /// The customer chose a slot from a list (or a stale button from earlier).
    fn pick_slot(&mut self, start: DateTime<Utc>, staff: Option<String>) -> Result<(), AppError> {
        let Some(service) = self.current_service().or_else(|| self.only_service()) else {
            // A tap whose context is gone: start over from the service.
            return self.advance();
        };
        self.draft().service_id = Some(service.id.clone());
        if staff
            .as_ref()
            .is_some_and(|s| !service.staff_ids.contains(s))
        {
            return self.unclear();
        }
        if let Some((chosen, chosen_staff)) = self.chosen() {
            if chosen == start && staff.as_ref().is_none_or(|s| *s == chosen_staff) {
                return self.collect_details();
            }
            self.stop_hold()?;
        }
        let local = start.with_timezone(&self.desk.calendar.business.tz);
        let draft = self.draft();
        draft.date = Some(local.date_naive());
        draft.time = Some(local.time());
        draft.range = None;
        if staff.is_some() {
            draft.staff_id = staff.clone();
        }
        self.try_start(&service, staff.as_deref(), start)
    }

    fn stop_hold(&mut self) -> Result<(), AppError> {
        if let Some(draft) = self.state.draft.as_mut() {
            draft.pick = None;
        }
        if let Some(hold) = self.state.draft.as_mut().and_then(|d| d.hold.take()) {
            self.desk.release(&hold.booking_id)?;
        }
        Ok(())
    }

    fn stop_draft(&mut self) -> Result<(), AppError> {
        self.stop_hold()?;
        self.state.draft = None;
        let menu = self.main_menu();
        self.ask(self.texts.dropped(), menu, Expecting::Nothing);
        Ok(())
    }

    fn offer_changes(&mut self) {
        let choices = vec![
            self.choice(self.texts.button_other_day(), Payload::OtherDay),
            self.choice(self.texts.button_stop(), Payload::Stop),
        ];
        self.ask(self.texts.what_to_change(), choices, Expecting::Nothing);
    }

    /// With a slot held: ask for what is still missing, then for confirmation.
    fn collect_details(&mut self) -> Result<(), AppError> {
        let requirement = self.desk.calendar.business.chat.contact_requirement;
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
            let prompt = match self.texts.locale {
                crate::domain::Locale::De => question.prompt_de.clone(),
                crate::domain::Locale::En => question.prompt_en.clone(),
            };
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
    fn next_question(&mut self) -> Result<Option<CustomerQuestion>, AppError> {
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

    fn answer_business_question(
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
        let asked = match self.texts.locale {
            crate::domain::Locale::De => question.prompt_de.clone(),
            crate::domain::Locale::En => question.prompt_en.clone(),
        };
        self.draft().answers.push(Answer {
            question_id: question.id,
            question: asked,
            answer,
        });
        self.collect_details()?;
        Ok(true)
    }

    fn ask_confirm(&mut self) -> Result<(), AppError> {
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

    fn confirm_booking(&mut self) -> Result<(), AppError> {
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
                let local = start.with_timezone(&self.desk.calendar.business.tz);
                let alternatives = self.nearest(
                    &service,
                    draft.staff_id.as_deref(),
                    local.date_naive(),
                    local.time(),
                )?;
                if alternatives.is_empty() {
                    return self.nothing_free();
                }
                let multi_day = spans_days(&alternatives, self.desk.calendar.business.tz);
                self.offer(
                    self.texts.hold_lost(),
                    alternatives,
                    multi_day,
                    draft.staff_id.as_deref(),
                );
                Ok(())
            }
        }
    }

    // --- existing bookings ----------------------------------------------------------------------

    /// Lists, cancels or moves existing bookings, once the customer is known.
    fn manage(&mut self, action: Action, u: &Understanding) -> Result<(), AppError> {
        self.stop_hold()?;
        self.state.draft = None;
        self.state.action = Some(action);
        let upcoming = self.desk.upcoming()?;
        let proven = self.desk.customer()?.is_some();
        if upcoming.is_empty() && !proven {
            self.ask_for_proof();
            return Ok(());
        }
        if upcoming.is_empty() {
            let choices = vec![self.choice(self.texts.button_book(), Payload::Book)];
            self.ask(self.texts.no_bookings(), choices, Expecting::Nothing);
            return Ok(());
        }
        match action {
            Action::List => {
                let lines: Vec<String> = upcoming
                    .iter()
                    .map(|b| {
                        format!(
                            "{} ({}) {}",
                            self.summary_of(b),
                            b.booking.reference,
                            self.desk.manage_link(&b.booking)
                        )
                    })
                    .collect();
                let mut choices = vec![
                    self.choice(self.texts.button_cancel_one(), Payload::CancelOne),
                    self.choice(self.texts.button_move_one(), Payload::MoveOne),
                    self.choice(self.texts.button_book(), Payload::Book),
                ];
                if !proven {
                    choices.push(self.choice(self.texts.button_other_bookings(), Payload::Verify));
                }
                let text = self.texts.your_bookings(&lines);
                self.ask(text, choices, Expecting::Nothing);
                Ok(())
            }
            _ if upcoming.len() == 1 => {
                let id = upcoming[0].booking.id.clone();
                self.target_booking(&id, action, u)
            }
            _ => {
                let choices: Vec<Choice> = upcoming
                    .iter()
                    .take(8)
                    .map(|b| {
                        let title = self.texts.slot_title(b.start(), true);
                        let payload = match action {
                            Action::Move => Payload::Move(b.booking.id.clone()),
                            _ => Payload::Cancel(b.booking.id.clone()),
                        };
                        self.choice(title, payload)
                    })
                    .collect();
                self.ask(
                    self.texts.which_booking(),
                    choices,
                    Expecting::ChooseBooking,
                );
                Ok(())
            }
        }
    }

    /// The customer picked one of their bookings to cancel or move.
    fn target_booking(
        &mut self,
        id: &str,
        action: Action,
        u: &Understanding,
    ) -> Result<(), AppError> {
        let Some(booking) = self.desk.own_booking(id)? else {
            // Not theirs, or no longer upcoming: show what they do have.
            return self.manage(action, u);
        };
        self.state.target = Some(booking.booking.id.clone());
        let summary = self.summary_of(&booking);
        match action {
            Action::Cancel | Action::List => {
                let choices = vec![
                    self.choice(self.texts.button_yes_cancel(), Payload::Yes),
                    self.choice(self.texts.button_keep(), Payload::No),
                ];
                self.ask(
                    self.texts.confirm_cancel(&summary),
                    choices,
                    Expecting::ConfirmCancel,
                );
                Ok(())
            }
            Action::Move => {
                // Same service, same staff member, and the same time of day unless told otherwise.
                let local_time = booking
                    .start()
                    .with_timezone(&self.desk.calendar.business.tz)
                    .time();
                self.state.draft = Some(Draft {
                    service_id: Some(booking.booking.service_id.clone()),
                    staff_id: Some(booking.booking.staff_id.clone()),
                    time: Some(local_time),
                    moving: Some(booking.booking.id.clone()),
                    ..Draft::default()
                });
                if has_booking_details(u) {
                    self.fill(u);
                    return self.advance();
                }
                let choices = vec![self.choice(self.texts.button_other_day(), Payload::OtherDay)];
                self.ask(self.texts.ask_new_time(&summary), choices, Expecting::Day);
                Ok(())
            }
        }
    }

    /// The customer answered a reminder with "I'll be there".
    fn confirm_attendance(&mut self, id: &str, u: &Understanding) -> Result<(), AppError> {
        let Some(booking) = self.desk.own_booking(id)? else {
            return self.manage(Action::List, u);
        };
        self.desk.confirm_attendance(id)?;
        let summary = self.summary_of(&booking);
        let menu = self.main_menu();
        self.ask(self.texts.see_you(&summary), menu, Expecting::Nothing);
        Ok(())
    }

    fn ask_confirm_move(&mut self) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (Some(id), Some((start, _))) = (draft.moving.clone(), draft.chosen.clone()) else {
            return self.advance();
        };
        let Some(booking) = self.desk.own_booking(&id)? else {
            self.state.draft = None;
            return self.manage(Action::Move, &Understanding::default());
        };
        self.state.target = Some(id);
        let (old, new) = (self.texts.when(booking.start()), self.texts.when(start));
        let choices = vec![
            self.choice(self.texts.button_yes_move(), Payload::Yes),
            self.choice(self.texts.button_keep(), Payload::No),
        ];
        self.ask(
            self.texts.confirm_move(&old, &new),
            choices,
            Expecting::ConfirmMove,
        );
        Ok(())
    }

    fn cancel_target(&mut self) -> Result<(), AppError> {
        let Some(id) = self.state.target.take() else {
            return self.manage(Action::Cancel, &Understanding::default());
        };
        match self.desk.cancel(&id)? {
            Ok(cancelled) => {
                let summary = self.summary_of(&cancelled);
                let menu = self.main_menu();
                self.ask(self.texts.cancelled(&summary), menu, Expecting::Nothing);
            }
            Err(refusal) => self.explain_refusal(refusal),
        }
        Ok(())
    }

    fn move_target(&mut self) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (Some(id), Some((start, staff))) = (draft.moving.clone(), draft.chosen.clone()) else {
            return self.advance();
        };
        match self.desk.move_to(&id, start, staff.as_deref())? {
            Ok(moved) => {
                self.state.draft = None;
                self.state.target = None;
                let summary = self.summary_of(&moved);
                let link = self.desk.manage_link(&moved.booking);
                self.say(self.texts.moved(&summary, &moved.booking.reference, &link));
                let menu = vec![
                    self.choice(self.texts.button_my_bookings(), Payload::MyBookings),
                    self.choice(self.texts.button_book(), Payload::Book),
                ];
                self.ask(self.texts.anything_else(), menu, Expecting::Nothing);
                Ok(())
            }
            Err(AppError::Refused(_)) => {
                self.draft().chosen = None;
                let Some(service) = self.current_service() else {
                    return self.advance();
                };
                self.taken(&service, staff.as_deref(), start)
            }
            Err(other) => {
                self.state.draft = None;
                self.explain_refusal(other);
                Ok(())
            }
        }
    }

    fn keep_target(&mut self) {
        self.state.target = None;
        self.state.draft = None;
        let menu = self.main_menu();
        self.ask(self.texts.kept(), menu, Expecting::Nothing);
    }

    fn explain_refusal(&mut self, refusal: AppError) {
        let text = match refusal {
            AppError::CutoffPassed { .. } => self
                .texts
                .too_late(self.desk.calendar.business.phone.as_deref()),
            _ => self.texts.cannot_change(),
        };
        let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
        self.ask(text, choices, Expecting::Nothing);
    }

    // --- proving who the customer is ---------------------------------------------------------

    fn ask_for_proof(&mut self) {
        self.state.proof.get_or_insert_with(Proof::default);
        let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
        self.ask(self.texts.ask_proof(), choices, Expecting::VerifyContact);
    }

    fn code_choices(&self) -> Vec<Choice> {
        vec![
            self.choice(self.texts.button_new_code(), Payload::NewCode),
            self.choice(self.texts.button_human(), Payload::Human),
        ]
    }

    /// The phone number or email address in a message, as an identity.
    fn typed_contact(
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
    fn explain_no_route(
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

    fn send_code(&mut self, identity: Identity) -> Result<(), AppError> {
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
    fn reference_given(
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

    fn check_reference(&mut self, identity: Identity) -> Result<(), AppError> {
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

    fn enter_code(&mut self, code: &str) -> Result<(), AppError> {
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

    /// "Delete my data": passed to staff, who see it in the inbox.
    fn privacy_request(&mut self) -> Result<(), AppError> {
        self.stop_hold()?;
        self.state.draft = None;
        self.effects.push(Effect::PrivacyRequest);
        let business = self.desk.calendar.business.name.clone();
        self.say(self.texts.privacy_request(&business));
        Ok(())
    }

    fn greet_from_link(&mut self, link: LinkFollowed) -> Result<(), AppError> {
        match link {
            LinkFollowed::Tied | LinkFollowed::Unknown => {}
            LinkFollowed::Used => self.say(self.texts.link_used()),
            LinkFollowed::Expired => self.say(self.texts.link_expired()),
        }
        self.greet()
    }

    // --- conversation -----------------------------------------------------------------------------

    fn greet(&mut self) -> Result<(), AppError> {
        let business = self.desk.calendar.business.name.clone();
        let mut choices = self.service_choices();
        let text = match self.desk.customer()? {
            Some(customer) => {
                let next = self.desk.upcoming()?.first().map(|b| self.summary_of(b));
                choices.push(self.choice(self.texts.button_my_bookings(), Payload::MyBookings));
                self.texts
                    .welcome_back(&business, &customer.name, next.as_deref())
            }
            None => self.texts.greeting(&business),
        };
        let text = match &self.desk.calendar.business.privacy_url {
            Some(url) => format!("{text}\n\n{}", self.texts.privacy_notice(url)),
            None => text,
        };
        self.ask(text, choices, Expecting::Service);
        Ok(())
    }

    fn help(&mut self) -> Result<(), AppError> {
        let menu = self.main_menu();
        self.ask(self.texts.help(), menu, self.state.expecting);
        Ok(())
    }

    fn handoff(&mut self) -> Result<(), AppError> {
        self.effects.push(Effect::Handoff);
        self.say(self.texts.handed_off());
        Ok(())
    }

    fn unclear(&mut self) -> Result<(), AppError> {
        self.state.unclear += 1;
        if self.state.unclear >= 2 {
            let mut choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
            choices.extend(
                self.main_menu()
                    .into_iter()
                    .filter(|c| c.payload != Payload::Human.encode()),
            );
            let unclear = self.state.unclear;
            self.ask(self.texts.unclear_often(), choices, self.state.expecting);
            self.state.unclear = unclear;
            return Ok(());
        }
        self.say(self.texts.unclear());
        self.repeat_question()
    }

    /// Asks the last question again, or offers the main menu.
    fn repeat_question(&mut self) -> Result<(), AppError> {
        let unclear = self.state.unclear;
        match self.state.last_question.clone() {
            Some(question)
                if !question.choices.is_empty() || self.state.expecting != Expecting::Nothing =>
            {
                self.replies.push(question);
            }
            _ => {
                let menu = self.main_menu();
                self.ask(self.texts.help(), menu, Expecting::Nothing);
            }
        }
        self.state.unclear = unclear;
        Ok(())
    }
}

/// Whether the message says anything about a wanted booking.
fn has_booking_details(u: &Understanding) -> bool {
    u.service.is_some()
        || u.staff.is_some()
        || u.date.is_some()
        || u.time.is_some()
        || u.time_range.is_some()
}

/// A name from "I'm Anna", or the whole message when it looks like one.
fn person_name(u: &Understanding, text: &str) -> Option<String> {
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
        && u.intent.is_none();
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

/// A booking reference in a message, in any case, with or without its dash. A word of the
/// reference alphabet is taken for one when it is written like one (a digit, a dash, capitals),
/// when it is the whole message, or when the message speaks of a booking: "fragen" alone in a
/// sentence is a word.
fn reference_in(text: &str) -> Option<BookingReference> {
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
fn minutes(seconds: i64) -> i64 {
    (seconds + 59).div_euclid(60).max(1)
}

fn in_range(
    slots: Vec<OfferedSlot>,
    range: Option<(NaiveTime, NaiveTime)>,
    tz: chrono_tz::Tz,
) -> Vec<OfferedSlot> {
    match range {
        None => slots,
        Some((from, to)) => slots
            .into_iter()
            .filter(|s| {
                let t = s.start.with_timezone(&tz).time();
                from <= t && t < to
            })
            .collect(),
    }
}

/// At most `n` slots spread evenly over the list, so a full day shows morning to evening.
fn spread(slots: Vec<OfferedSlot>, n: usize) -> Vec<OfferedSlot> {
    if slots.len() <= n {
        return slots;
    }
    let len = slots.len();
    (0..n)
        .map(|i| slots[i * (len - 1) / (n - 1)].clone())
        .collect()
}

/// The slots on the first `days` days that have any.
fn first_days(slots: Vec<OfferedSlot>, days: usize, tz: chrono_tz::Tz) -> Vec<OfferedSlot> {
    let mut seen: Vec<NaiveDate> = Vec::new();
    slots
        .into_iter()
        .filter(|s| {
            let d = s.start.with_timezone(&tz).date_naive();
            if !seen.contains(&d) {
                seen.push(d);
            }
            seen.len() <= days && seen.last() == Some(&d)
        })
        .collect()
}

fn spans_days(slots: &[OfferedSlot], tz: chrono_tz::Tz) -> bool {
    let mut days = slots
        .iter()
        .map(|s| s.start.with_timezone(&tz).date_naive());
    let first = days.next();
    days.any(|d| Some(d) != first)
}
