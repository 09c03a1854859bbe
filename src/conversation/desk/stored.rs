//! The desk over the database: everything runs inside the turn's transaction; attempts that
//! may lose a race (a hold, a move) run in a savepoint, so losing one leaves the turn able to
//! offer alternatives instead of failing.

mod proof;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::booking::{
    self, Actor, BookingContact, BookingDetails, BookingRequest, BusinessCalendar, CalendarCache,
    CustomerContact, OfferedSlot, ServiceProfile,
};
use crate::customers::codes::{CodeCheck, CodeDelivery, CodeRoute};
use crate::customers::{self, Identity, Region};
use crate::domain::{Channel, RequestedStart};
use crate::error::AppError;
use crate::languages::Locale;
use crate::scheduling::Refusal;
use crate::storage::models::{Booking, BookingAnswer, Conversation, Customer, CustomerQuestion};
use crate::storage::{
    DbConnection, bookings, channels as channel_rows, customers as customer_records, questions,
    to_db_time,
};

use super::{Attempt, ChatRules, CodeRequest, Desk, HoldOutcome, Links, NoRoute, ReferenceCheck};
use crate::conversation::message::Inbound;
use crate::conversation::state::Answer;

pub struct StoredDesk<'a> {
    conn: &'a mut DbConnection,
    calendar: Arc<BusinessCalendar>,
    calendars: &'a CalendarCache,
    conversation: &'a mut Conversation,
    links: &'a Links,
    rules: &'a ChatRules,
    channel: Channel,
    now: DateTime<Utc>,
    /// Who the platform vouches the sender is (none on the web chat).
    identity: Option<Identity>,
    /// The web chat customer's client address.
    client: Option<String>,
    region: Option<Region>,
    /// One-time codes to send once the turn has committed.
    deliveries: Vec<CodeDelivery>,
}

impl<'a> StoredDesk<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        conn: &'a mut DbConnection,
        calendar: Arc<BusinessCalendar>,
        calendars: &'a CalendarCache,
        conversation: &'a mut Conversation,
        links: &'a Links,
        rules: &'a ChatRules,
        inbound: &Inbound,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            conn,
            calendar,
            calendars,
            conversation,
            links,
            rules,
            channel: inbound.channel,
            now,
            identity: inbound.sender.identity.clone(),
            client: inbound.client.clone(),
            region: None,
            deliveries: Vec::new(),
        }
    }

    pub fn into_deliveries(self) -> Vec<CodeDelivery> {
        self.deliveries
    }
}

/// What the desk does on its own behalf.
impl StoredDesk<'_> {
    /// A booking of this conversation, for its proven customer if there is one.
    fn request(
        &self,
        service_id: &str,
        staff: Option<&str>,
        start: DateTime<Utc>,
        contact: Option<&CustomerContact>,
    ) -> BookingRequest {
        BookingRequest {
            service_id: service_id.to_owned(),
            staff_id: staff.map(str::to_owned),
            start: RequestedStart::Instant(start),
            customer: contact.cloned(),
            customer_id: self.conversation.customer_id.clone(),
            conversation_id: Some(self.conversation.id.clone()),
            held_by: None,
            notes: String::new(),
            channel: self.channel,
            hold_until: None,
            by_business: false,
        }
    }

    fn keep_answers(&mut self, booking_id: &str, answers: &[Answer]) -> Result<(), AppError> {
        for answer in answers {
            questions::add_answer(
                self.conn,
                &BookingAnswer {
                    booking_id: booking_id.to_owned(),
                    question_id: answer.question_id.clone(),
                    customer_id: self.conversation.customer_id.clone(),
                    question: answer.question.clone(),
                    answer: answer.answer.clone(),
                    created_at: to_db_time(self.now),
                },
            )?;
        }
        Ok(())
    }

    /// On a platform that vouches for its senders, the first booking makes the sender a
    /// customer the chat knows next time.
    fn prove_sender(&mut self, contact: &CustomerContact) -> Result<(), AppError> {
        let (None, Some(identity)) = (&self.conversation.customer_id, self.identity.clone()) else {
            return Ok(());
        };
        let proven = customers::ProvenContact {
            name: contact.name.as_str().to_owned(),
            phone: contact.phone.as_ref().map(|p| p.as_str().to_owned()),
            email: contact.email.as_ref().map(|e| e.as_str().to_owned()),
        };
        self.prove(&identity, &proven)
    }

    /// The public settings of the business's connection to a platform, if it has one.
    fn connection_settings(
        &mut self,
        platform: crate::domain::Platform,
    ) -> Result<Option<serde_json::Value>, AppError> {
        Ok(
            channel_rows::find(self.conn, &self.calendar.business.id, platform.as_str())?
                .map(|row| row.decode_settings().map(serde_json::Value::Object))
                .transpose()?,
        )
    }
}

impl Desk for StoredDesk<'_> {
    fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Free slots for `service` (with `staff`, or anyone) from `from` to `to`, never before today.
    fn slots(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OfferedSlot>, AppError> {
        let from = from.max(self.today());
        let performers = super::performers(service, staff);
        if to < from || performers.is_empty() {
            return Ok(Vec::new());
        }
        booking::offers(
            self.conn,
            &self.calendar,
            service,
            &performers,
            from,
            to,
            self.now,
        )
        .map(|offers| offers.slots)
    }

    /// Holds `start` for the customer, for the business's hold time. A conversation holds one
    /// slot at a time; a web chat that proved nobody holds nothing once its client address
    /// holds `holds_per_address` slots at the business (the time is then only noted).
    fn hold(
        &mut self,
        service_id: &str,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<HoldOutcome, AppError> {
        let db_now = to_db_time(self.now);
        for held in bookings::live_holds_of_conversation(self.conn, &self.conversation.id, db_now)?
        {
            booking::release_hold(self.conn, &held, self.now)?;
        }
        let anonymous = self.conversation.customer_id.is_none();
        if let (true, Some(cap), Some(client)) = (
            anonymous,
            self.rules.holds_per_address,
            self.client.as_deref(),
        ) {
            let held =
                bookings::live_holds_by(self.conn, &self.calendar.business.id, client, db_now)?;
            if held >= i64::from(cap) {
                return Ok(HoldOutcome::NotHeld);
            }
        }
        let request = BookingRequest {
            held_by: self.client.clone(),
            hold_until: Some(
                self.now
                    + chrono::Duration::minutes(self.calendar.business.chat.hold_minutes.into()),
            ),
            ..self.request(service_id, staff, start, None)
        };
        let (calendar, now) = (Arc::clone(&self.calendar), self.now);
        Ok(
            match attempt(self.conn, |conn| {
                booking::create_booking(conn, &calendar, &request, now)
            })? {
                Ok(held) => HoldOutcome::Held(Box::new(held)),
                Err(refusal) => HoldOutcome::Refused(refusal),
            },
        )
    }

    fn release(&mut self, booking_id: &str) -> Result<(), AppError> {
        booking::release_hold(self.conn, booking_id, self.now)
    }

    /// Confirms a hold with the contact the customer gave, storing the answers to the
    /// business's questions. The booking is linked to the conversation's customer only when
    /// the conversation proved who they are.
    fn confirm(
        &mut self,
        booking_id: &str,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError> {
        self.prove_sender(contact)?;
        let now = self.now;
        let customer_id = self.conversation.customer_id.clone();
        let confirmed = attempt(self.conn, |conn| {
            booking::confirm_hold(conn, booking_id, contact, customer_id.as_deref(), now)
        })?;
        if let Ok(details) = &confirmed {
            self.keep_answers(&details.booking.id, answers)?;
        }
        Ok(confirmed)
    }

    /// Books a time that was noted rather than held, at the confirmation.
    fn book_now(
        &mut self,
        service_id: &str,
        staff: &str,
        start: DateTime<Utc>,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError> {
        self.prove_sender(contact)?;
        let request = self.request(service_id, Some(staff), start, Some(contact));
        let (calendar, now) = (Arc::clone(&self.calendar), self.now);
        let booked = attempt(self.conn, |conn| {
            booking::create_booking(conn, &calendar, &request, now)
        })?;
        if let Ok(details) = &booked {
            self.keep_answers(&details.booking.id, answers)?;
        }
        Ok(booked)
    }

    /// The sender's own number where the platform vouches for it (WhatsApp, SMS): their
    /// phone number needs no asking.
    fn sender_phone(&self) -> Option<String> {
        self.identity
            .as_ref()
            .filter(|i| i.kind == customers::IdentityKind::Phone)
            .map(|i| i.value.clone())
    }

    /// Ties the conversation to the customer `identity` proves (creating one from `contact`).
    fn prove(
        &mut self,
        identity: &Identity,
        contact: &customers::ProvenContact,
    ) -> Result<(), AppError> {
        let region = self.region()?;
        let customer = customers::prove(
            self.conn,
            &self.calendar.business.id,
            identity,
            self.conversation.customer_id.as_deref(),
            contact,
            region,
            self.now,
        )?;
        self.conversation.customer_id = Some(customer);
        Ok(())
    }

    /// Where the business is, for numbers typed without a country code (see
    /// [`customers::region_of`]).
    fn region(&mut self) -> Result<Region, AppError> {
        if let Some(region) = self.region {
            return Ok(region);
        }
        let region = customers::region_of(
            self.conn,
            &self.calendar.business.id,
            self.calendar.business.phone.as_deref(),
        )?;
        self.region = Some(region);
        Ok(region)
    }

    /// The customer this conversation belongs to, if known.
    fn customer(&mut self) -> Result<Option<Customer>, AppError> {
        match self.conversation.customer_id.clone() {
            Some(id) => Ok(customer_records::find(
                self.conn,
                &self.calendar.business.id,
                &id,
            )?),
            None => Ok(None),
        }
    }

    /// The upcoming confirmed bookings this conversation may see and change: made in it, or
    /// its proven customer's.
    fn upcoming(&mut self) -> Result<Vec<BookingDetails>, AppError> {
        let rows = bookings::upcoming_of(
            self.conn,
            &self.calendar.business.id,
            &self.conversation.id,
            self.conversation.customer_id.as_deref(),
            to_db_time(self.now),
        )?;
        rows.into_iter()
            .map(|b| booking::details_of(self.conn, b))
            .collect()
    }

    /// Records that the customer confirmed they will come.
    fn confirm_attendance(&mut self, booking_id: &str) -> Result<(), AppError> {
        if let Some(mut booking) = bookings::find(self.conn, booking_id)? {
            booking.attendance_confirmed_at = Some(to_db_time(self.now));
            booking.updated_at = to_db_time(self.now);
            bookings::save(self.conn, &booking)?;
        }
        Ok(())
    }

    /// Cancels one of the customer's bookings; customers are bound by the cutoff.
    fn cancel(&mut self, booking_id: &str) -> Result<Result<BookingDetails, AppError>, AppError> {
        let now = self.now;
        business_rule(self.conn, |conn| {
            booking::cancel_booking(conn, booking_id, &Actor::Customer, now)
        })
    }

    /// Moves one of the customer's bookings.
    fn move_to(
        &mut self,
        booking_id: &str,
        start: DateTime<Utc>,
        staff: Option<&str>,
    ) -> Result<Result<BookingDetails, AppError>, AppError> {
        let (calendars, now) = (self.calendars, self.now);
        business_rule(self.conn, |conn| {
            booking::move_booking(
                conn,
                calendars,
                booking_id,
                &Actor::Customer,
                RequestedStart::Instant(start),
                staff,
                now,
            )
        })
    }

    fn questions(&mut self) -> Result<Vec<CustomerQuestion>, AppError> {
        Ok(questions::active_of(self.conn, &self.calendar.business.id)?)
    }

    /// The questions answered on earlier bookings of this conversation or its proven customer.
    fn answered_before(&mut self) -> Result<Vec<String>, AppError> {
        Ok(questions::answered_in(
            self.conn,
            &self.conversation.id,
            self.conversation.customer_id.as_deref(),
        )?)
    }

    /// The name and contact the customer gave before: their proven customer record's, else
    /// those of the latest booking made in this conversation (what they themselves typed here).
    fn known_contact(&mut self) -> Result<Option<BookingContact>, AppError> {
        if let Some(customer) = self.customer()? {
            return Ok(Some(BookingContact {
                name: customer.name,
                phone: customer.phone,
                email: customer.email,
            }));
        }
        Ok(
            bookings::latest_of_conversation(self.conn, &self.conversation.id)?
                .as_ref()
                .and_then(BookingContact::of),
        )
    }

    fn manage_link(&self, booking: &Booking) -> String {
        self.links.manage(&self.calendar.business.slug, booking)
    }

    fn chat_page(&self) -> String {
        self.links.chat_page(&self.calendar.business.slug)
    }

    fn code_route(&mut self, identity: &Identity) -> Result<Result<CodeRoute, NoRoute>, AppError> {
        self.route_code(identity)
    }

    fn request_code(
        &mut self,
        identity: &Identity,
        locale: Locale,
    ) -> Result<CodeRequest, AppError> {
        self.issue_code(identity, locale)
    }

    fn check_code(&mut self, typed: &str) -> Result<CodeCheck, AppError> {
        self.check_typed_code(typed)
    }

    fn check_reference(
        &mut self,
        reference: &str,
        identity: &Identity,
        locale: Locale,
    ) -> Result<ReferenceCheck, AppError> {
        self.check_reference_contact(reference, identity, locale)
    }
}

/// Runs `work` in a savepoint; a refusal or a lost race becomes `Err(refusal)` and leaves the
/// surrounding transaction usable.
fn attempt<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<Attempt<T>, AppError> {
    match business_rule(conn, work)? {
        Ok(value) => Ok(Ok(value)),
        Err(AppError::Refused(refusal)) => Ok(Err(refusal)),
        Err(other) => Err(other),
    }
}

/// Runs `work` in a savepoint and hands back the refusals the dialogue explains to the
/// customer (refused, too late, not changeable); anything else is a real error.
fn business_rule<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<Result<T, AppError>, AppError> {
    use diesel::Connection;
    match conn.transaction(work) {
        Ok(value) => Ok(Ok(value)),
        Err(AppError::Storage(e)) if e.is_overlap() => Ok(Err(AppError::Refused(Refusal::Taken))),
        Err(
            e @ (AppError::Refused(_)
            | AppError::CutoffPassed { .. }
            | AppError::NotChangeable(_)
            | AppError::Conflict { .. }),
        ) => Ok(Err(e)),
        Err(other) => Err(other),
    }
}
