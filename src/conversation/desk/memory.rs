//! A desk in memory for the dialogue's unit tests: one small salon (two staff members, two
//! services, weekday hours), or the demo barber (three staff members on different days, a
//! combined service), whose free times come from the pure scheduling core, with its bookings,
//! customers and one-time codes kept in vectors the tests can look into.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::{Attempt, CodeRequest, Desk, HoldOutcome, NoRoute, ReferenceCheck};
use super::{Booking, Customer, CustomerQuestion};
use crate::booking::{
    BookingContact, BookingDetails, BusinessCalendar, BusinessProfile, CustomerContact,
    OfferedSlot, ServiceProfile, StaffCalendar,
};
use crate::conversation::state::Answer;
use crate::customers::codes::{CodeCheck, CodeRoute};
use crate::customers::{Identity, IdentityKind, ProvenContact, Region};
use crate::domain::{BookingPolicy, ChatPolicy, ServiceTiming, WeeklyHours};
use crate::error::AppError;
use crate::languages::Locale;
use crate::scheduling::{Interval, Refusal, ResourceSchedule, SlotRequest, Timeline, free_slots};

/// The conversation every booking made through this desk belongs to.
pub const CONVERSATION: &str = "conversation";
/// The code every request sends.
pub const CODE: &str = "123456";

#[derive(Clone)]
pub struct MemoryDesk {
    calendar: BusinessCalendar,
    now: DateTime<Utc>,
    pub bookings: Vec<Booking>,
    pub customers: Vec<Customer>,
    pub questions: Vec<CustomerQuestion>,
    pub answers: Vec<(String, Answer)>,
    /// The customer the conversation proved to be.
    pub customer_id: Option<String>,
    /// The business can text phone numbers.
    pub sms: bool,
    /// The client address holds enough slots: times are noted, not held.
    pub holds_capped: bool,
    pub sender_phone: Option<String>,
    /// Where codes went, in order.
    pub codes_sent: Vec<Identity>,
    pending_code: Option<(Identity, u32)>,
}

/// Monday 1 March 2027, 09:00 in Berlin.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0)
        .single()
        .expect("a valid instant")
}

impl MemoryDesk {
    pub fn salon() -> Self {
        Self::with(salon_calendar())
    }

    /// The demo barber of `src/demo.rs`.
    pub fn barber() -> Self {
        Self::with(barber_calendar())
    }

    fn with(calendar: BusinessCalendar) -> Self {
        Self {
            calendar,
            now: monday_morning(),
            bookings: Vec::new(),
            customers: Vec::new(),
            questions: Vec::new(),
            answers: Vec::new(),
            customer_id: None,
            sms: true,
            holds_capped: false,
            sender_phone: None,
            codes_sent: Vec::new(),
            pending_code: None,
        }
    }

    pub fn calendar_mut(&mut self) -> &mut BusinessCalendar {
        &mut self.calendar
    }

    /// A confirmed booking of `service` with `staff` at `start`, made in this conversation when
    /// `here`, else elsewhere by someone with `phone`.
    pub fn add_booking(
        &mut self,
        service_id: &str,
        staff_id: &str,
        start: DateTime<Utc>,
        here: bool,
        phone: &str,
    ) -> Booking {
        let mut booking = self.booking_row(service_id, staff_id, start, "confirmed");
        booking.conversation_id = here.then(|| CONVERSATION.to_owned());
        booking.customer_name = "Someone".to_owned();
        booking.customer_phone = Some(phone.to_owned());
        self.bookings.push(booking.clone());
        booking
    }

    pub fn booking(&self, id: &str) -> Option<&Booking> {
        self.bookings.iter().find(|b| b.id == id)
    }

    fn booking_row(
        &self,
        service_id: &str,
        staff_id: &str,
        start: DateTime<Utc>,
        status: &str,
    ) -> Booking {
        let number = self.bookings.len();
        let duration = self
            .calendar
            .service(service_id)
            .map_or(30, |s| s.timing.duration_minutes);
        let at = start.naive_utc();
        Booking {
            id: format!("b{number}"),
            business_id: self.calendar.business.id.clone(),
            reference: format!("K6P-DK{}", ['3', '4', '6', '7', '9'][number % 5]),
            service_id: service_id.to_owned(),
            staff_id: staff_id.to_owned(),
            customer_id: None,
            status: status.to_owned(),
            start_at: at,
            end_at: at + Duration::minutes(duration.into()),
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            hold_expires_at: None,
            channel: "web".to_owned(),
            notes: String::new(),
            sequence: 0,
            cancelled_at: None,
            cancelled_by: None,
            created_at: self.now.naive_utc(),
            updated_at: self.now.naive_utc(),
            arrived_at: None,
            attendance_confirmed_at: None,
            customer_name: String::new(),
            customer_phone: None,
            customer_email: None,
            conversation_id: Some(CONVERSATION.to_owned()),
            held_by: None,
            manage_version: 0,
        }
    }

    fn details(&self, booking: &Booking) -> BookingDetails {
        let service = self
            .calendar
            .service(&booking.service_id)
            .map(|s| s.name.clone());
        let staff = self.calendar.staff_name(&booking.staff_id);
        BookingDetails::new(
            booking.clone(),
            self.calendar.business.clone(),
            service.unwrap_or_default(),
            staff.unwrap_or_default().to_owned(),
        )
    }

    /// Free slots of `performers`, ignoring the booking `except` (the one being moved).
    fn free(
        &self,
        service: &ServiceProfile,
        performers: &[&str],
        from: NaiveDate,
        to: NaiveDate,
        except: Option<&str>,
    ) -> Vec<OfferedSlot> {
        let busy_of = |staff: &str| -> Vec<Interval> {
            self.bookings
                .iter()
                .filter(|b| b.staff_id == staff && Some(b.id.as_str()) != except)
                .filter(|b| b.status == "confirmed" || b.status == "held")
                .map(|b| {
                    let (start, end) = (b.start_at.and_utc(), b.end_at.and_utc());
                    Interval::new(start.timestamp(), end.timestamp())
                })
                .collect()
        };
        let busy: Vec<(&str, Vec<Interval>)> =
            performers.iter().map(|id| (*id, busy_of(id))).collect();
        let schedules: Vec<ResourceSchedule<'_, &str>> = busy
            .iter()
            .filter_map(|(id, busy)| {
                let member = self.calendar.staff_member(id)?;
                Some(ResourceSchedule {
                    resource: member.id.as_str(),
                    calendar: self.calendar.calendar_of(member),
                    busy,
                })
            })
            .collect();
        let request = SlotRequest {
            from,
            to,
            now: self.now,
            policy: self.calendar.business.policy,
            timing: service.timing,
        };
        let timeline = Timeline::for_dates(self.calendar.business.tz, from, to);
        let mut offered: Vec<OfferedSlot> = Vec::new();
        for slot in free_slots(&timeline, &request, &schedules) {
            if offered.last().is_none_or(|last| last.start != slot.start) {
                offered.push(OfferedSlot {
                    start: slot.start,
                    end: slot.end,
                    staff_id: slot.resource.to_owned(),
                });
            }
        }
        offered
    }

    /// The free slot starting at `start`, with `staff` or anyone.
    fn free_at(
        &mut self,
        service_id: &str,
        staff: Option<&str>,
        start: DateTime<Utc>,
        except: Option<&str>,
    ) -> Option<OfferedSlot> {
        let service = self.calendar.service(service_id)?.clone();
        let performers: Vec<&str> = match staff {
            Some(id) => vec![id],
            None => service.staff_ids.iter().map(String::as_str).collect(),
        };
        let date = start.with_timezone(&self.calendar.business.tz).date_naive();
        self.free(&service, &performers, date, date, except)
            .into_iter()
            .find(|s| s.start.timestamp() == start.timestamp())
    }

    fn book(
        &mut self,
        booking: Booking,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> BookingDetails {
        let mut booking = booking;
        booking.status = "confirmed".to_owned();
        booking.customer_id = self.customer_id.clone();
        booking.customer_name = contact.name.as_str().to_owned();
        booking.customer_phone = contact.phone.as_ref().map(|p| p.as_str().to_owned());
        booking.customer_email = contact.email.as_ref().map(|e| e.as_str().to_owned());
        for answer in answers {
            self.answers.push((booking.id.clone(), answer.clone()));
        }
        let details = self.details(&booking);
        match self.bookings.iter_mut().find(|b| b.id == booking.id) {
            Some(row) => *row = booking,
            None => self.bookings.push(booking),
        }
        details
    }
}

impl Desk for MemoryDesk {
    fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    fn now(&self) -> DateTime<Utc> {
        self.now
    }

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
        Ok(self.free(service, &performers, from, to, None))
    }

    fn hold(
        &mut self,
        service_id: &str,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<HoldOutcome, AppError> {
        self.bookings.retain(|b| b.status != "held");
        if self.holds_capped {
            return Ok(HoldOutcome::NotHeld);
        }
        let local = start.with_timezone(&self.calendar.business.tz).date_naive();
        if local > self.horizon() {
            return Ok(HoldOutcome::Refused(Refusal::BeyondHorizon));
        }
        let Some(slot) = self.free_at(service_id, staff, start, None) else {
            return Ok(HoldOutcome::Refused(Refusal::Taken));
        };
        let held = self.booking_row(service_id, &slot.staff_id, start, "held");
        let details = self.details(&held);
        self.bookings.push(held);
        Ok(HoldOutcome::Held(Box::new(details)))
    }

    fn release(&mut self, booking_id: &str) -> Result<(), AppError> {
        self.bookings
            .retain(|b| !(b.id == booking_id && b.status == "held"));
        Ok(())
    }

    fn confirm(
        &mut self,
        booking_id: &str,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError> {
        let held = self
            .bookings
            .iter()
            .find(|b| b.id == booking_id && b.status == "held")
            .cloned();
        Ok(match held {
            Some(held) => Ok(self.book(held, contact, answers)),
            None => Err(Refusal::Taken),
        })
    }

    fn book_now(
        &mut self,
        service_id: &str,
        staff: &str,
        start: DateTime<Utc>,
        contact: &CustomerContact,
        answers: &[Answer],
    ) -> Result<Attempt<BookingDetails>, AppError> {
        if self.free_at(service_id, Some(staff), start, None).is_none() {
            return Ok(Err(Refusal::Taken));
        }
        let row = self.booking_row(service_id, staff, start, "confirmed");
        Ok(Ok(self.book(row, contact, answers)))
    }

    fn sender_phone(&self) -> Option<String> {
        self.sender_phone.clone()
    }

    fn prove(&mut self, identity: &Identity, contact: &ProvenContact) -> Result<(), AppError> {
        let (phone, email) = match identity.kind {
            IdentityKind::Phone => (Some(identity.value.clone()), contact.email.clone()),
            IdentityKind::Email => (contact.phone.clone(), Some(identity.value.clone())),
            IdentityKind::Messenger | IdentityKind::Telegram => (None, None),
        };
        let known = self.customers.iter().find(|c| {
            identity.matches_contact(c.phone.as_deref(), c.email.as_deref(), Region::default())
        });
        let id = match known {
            Some(customer) => customer.id.clone(),
            None => {
                let id = format!("c{}", self.customers.len());
                self.customers.push(Customer {
                    id: id.clone(),
                    business_id: self.calendar.business.id.clone(),
                    name: contact.name.clone(),
                    phone,
                    email,
                    created_at: self.now.naive_utc(),
                    updated_at: self.now.naive_utc(),
                    erased_at: None,
                });
                id
            }
        };
        // What the proven contact booked before is theirs now.
        for booking in &mut self.bookings {
            if identity.matches_contact(
                booking.customer_phone.as_deref(),
                booking.customer_email.as_deref(),
                Region::default(),
            ) {
                booking.customer_id = Some(id.clone());
            }
        }
        self.customer_id = Some(id);
        Ok(())
    }

    fn region(&mut self) -> Result<Region, AppError> {
        Ok(Region::default())
    }

    fn customer(&mut self) -> Result<Option<Customer>, AppError> {
        let id = self.customer_id.as_deref();
        Ok(self
            .customers
            .iter()
            .find(|c| Some(c.id.as_str()) == id)
            .cloned())
    }

    fn upcoming(&mut self) -> Result<Vec<BookingDetails>, AppError> {
        let now = self.now.naive_utc();
        let mut mine: Vec<&Booking> = self
            .bookings
            .iter()
            .filter(|b| b.status == "confirmed" && b.start_at > now)
            .filter(|b| {
                b.conversation_id.as_deref() == Some(CONVERSATION)
                    || (b.customer_id.is_some() && b.customer_id == self.customer_id)
            })
            .collect();
        mine.sort_by_key(|b| b.start_at);
        Ok(mine.into_iter().map(|b| self.details(b)).collect())
    }

    fn confirm_attendance(&mut self, booking_id: &str) -> Result<(), AppError> {
        let now = self.now.naive_utc();
        if let Some(booking) = self.bookings.iter_mut().find(|b| b.id == booking_id) {
            booking.attendance_confirmed_at = Some(now);
        }
        Ok(())
    }

    fn cancel(&mut self, booking_id: &str) -> Result<Result<BookingDetails, AppError>, AppError> {
        let cutoff_minutes = self.calendar.business.policy.cancellation_cutoff_minutes;
        let latest = (self.now + Duration::minutes(cutoff_minutes.into())).naive_utc();
        let Some(booking) = self.bookings.iter_mut().find(|b| b.id == booking_id) else {
            return Err(AppError::NotFound("booking"));
        };
        if booking.start_at < latest {
            return Ok(Err(AppError::CutoffPassed { cutoff_minutes }));
        }
        booking.status = "cancelled".to_owned();
        let cancelled = booking.clone();
        Ok(Ok(self.details(&cancelled)))
    }

    fn move_to(
        &mut self,
        booking_id: &str,
        start: DateTime<Utc>,
        staff: Option<&str>,
    ) -> Result<Result<BookingDetails, AppError>, AppError> {
        let Some(booking) = self.booking(booking_id).cloned() else {
            return Err(AppError::NotFound("booking"));
        };
        let staff = staff.unwrap_or(&booking.staff_id).to_owned();
        let free = self.free_at(&booking.service_id, Some(&staff), start, Some(booking_id));
        if free.is_none() {
            return Ok(Err(AppError::Refused(Refusal::Taken)));
        }
        let length = booking.end_at - booking.start_at;
        let moved = Booking {
            start_at: start.naive_utc(),
            end_at: start.naive_utc() + length,
            staff_id: staff,
            ..booking
        };
        let details = self.details(&moved);
        if let Some(row) = self.bookings.iter_mut().find(|b| b.id == booking_id) {
            *row = moved;
        }
        Ok(Ok(details))
    }

    fn questions(&mut self) -> Result<Vec<CustomerQuestion>, AppError> {
        Ok(self.questions.clone())
    }

    fn answered_before(&mut self) -> Result<Vec<String>, AppError> {
        Ok(self
            .answers
            .iter()
            .map(|(_, a)| a.question_id.clone())
            .collect())
    }

    fn known_contact(&mut self) -> Result<Option<BookingContact>, AppError> {
        if let Some(customer) = self.customer()? {
            return Ok(Some(BookingContact {
                name: customer.name,
                phone: customer.phone,
                email: customer.email,
            }));
        }
        Ok(self
            .bookings
            .iter()
            .filter(|b| b.conversation_id.as_deref() == Some(CONVERSATION))
            .filter(|b| b.status == "confirmed")
            .max_by_key(|b| b.created_at)
            .and_then(BookingContact::of))
    }

    fn manage_link(&self, booking: &Booking) -> String {
        format!("https://salon.test/manage/{}", booking.id)
    }

    fn chat_page(&self) -> String {
        format!("https://salon.test/b/{}/chat", self.calendar.business.slug)
    }

    fn code_route(&mut self, identity: &Identity) -> Result<Result<CodeRoute, NoRoute>, AppError> {
        Ok(match identity.kind {
            IdentityKind::Email => Ok(CodeRoute::Email(identity.value.clone())),
            IdentityKind::Phone if !identity.value.starts_with('+') => {
                Err(NoRoute::NeedsCountryCode)
            }
            IdentityKind::Phone if self.sms => Ok(CodeRoute::Sms(identity.value.clone())),
            _ => Err(NoRoute::NoSms),
        })
    }

    fn request_code(
        &mut self,
        identity: &Identity,
        _locale: Locale,
    ) -> Result<CodeRequest, AppError> {
        if let Err(no) = self.code_route(identity)? {
            return Ok(CodeRequest::NoRoute(no));
        }
        self.codes_sent.push(identity.clone());
        self.pending_code = Some((identity.clone(), 0));
        Ok(CodeRequest::Sent {
            masked: identity.masked(),
        })
    }

    fn check_code(&mut self, typed: &str) -> Result<CodeCheck, AppError> {
        let Some((identity, tries)) = self.pending_code.take() else {
            return Ok(CodeCheck::NoCode);
        };
        if typed == CODE {
            return Ok(CodeCheck::Proven(identity));
        }
        let tries = tries + 1;
        let tries_left = crate::customers::codes::MAX_TRIES - tries as i32;
        if tries_left <= 0 {
            return Ok(CodeCheck::UsedUp);
        }
        self.pending_code = Some((identity, tries));
        Ok(CodeCheck::Wrong { tries_left })
    }

    fn check_reference(
        &mut self,
        reference: &str,
        identity: &Identity,
        locale: Locale,
    ) -> Result<ReferenceCheck, AppError> {
        let matched = self.bookings.iter().any(|b| {
            b.reference == reference
                && identity.matches_contact(
                    b.customer_phone.as_deref(),
                    b.customer_email.as_deref(),
                    Region::default(),
                )
        });
        if matched {
            self.request_code(identity, locale)?;
        }
        Ok(ReferenceCheck::Checked)
    }
}

fn week(days: &[(&str, &[(&str, &str)])]) -> WeeklyHours {
    let json: BTreeMap<String, Vec<[String; 2]>> = days
        .iter()
        .map(|(day, spans)| {
            let spans = spans
                .iter()
                .map(|(from, to)| [(*from).to_owned(), (*to).to_owned()])
                .collect();
            ((*day).to_owned(), spans)
        })
        .collect();
    WeeklyHours::parse(&json).expect("valid hours")
}

fn staff(id: &str, name: &str, weekly: WeeklyHours) -> StaffCalendar {
    StaffCalendar {
        id: id.to_owned(),
        name: name.to_owned(),
        weekly,
        exceptions: Vec::new(),
    }
}

fn service(
    id: &str,
    name: &str,
    synonyms: &[&str],
    timing: (i64, i64),
    staff: &[&str],
) -> ServiceProfile {
    ServiceProfile {
        id: id.to_owned(),
        name: name.to_owned(),
        synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
        timing: ServiceTiming::new(timing.0, 0, timing.1).expect("valid timing"),
        price_cents: None,
        currency: "EUR".to_owned(),
        staff_ids: staff.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn business(id: &str, name: &str) -> BusinessProfile {
    BusinessProfile {
        id: id.to_owned(),
        slug: id.to_owned(),
        name: name.to_owned(),
        tz: chrono_tz::Europe::Berlin,
        locale: Locale::En,
        address: "Teststraße 1, Berlin".to_owned(),
        phone: Some("+49301234567".to_owned()),
        notification_email: None,
        policy: BookingPolicy::default(),
        chat: ChatPolicy::default(),
        config_version: 1,
        privacy_url: None,
        manage_link_days: 30,
        reminder_offsets_minutes: vec![24 * 60],
    }
}

/// Salon Test in Berlin: Anna and Ben cut hair on weekdays 09:00–17:00; only Anna colours.
fn salon_calendar() -> BusinessCalendar {
    let day = [("09:00", "17:00")];
    let weekly = week(&[
        ("mon", &day),
        ("tue", &day),
        ("wed", &day),
        ("thu", &day),
        ("fri", &day),
    ]);
    BusinessCalendar {
        business: business("salon", "Salon Test"),
        services: vec![
            service("cut", "Haircut", &[], (30, 0), &["anna", "ben"]),
            service("colour", "Colouring", &[], (60, 0), &["anna"]),
        ],
        staff: vec![
            staff("anna", "Anna", weekly.clone()),
            staff("ben", "Ben", weekly),
        ],
        exceptions: Vec::new(),
        faq: crate::booking::Faq::default(),
    }
}

/// The demo barber: Sam works Tuesday to Saturday, Alex Monday to Friday, Jordan Wednesday to
/// Saturday; Skin Fade is not Jordan's.
fn barber_calendar() -> BusinessCalendar {
    let lunch: &[(&str, &str)] = &[("09:00", "12:30"), ("13:30", "18:00")];
    let long: &[(&str, &str)] = &[("10:00", "13:00"), ("14:00", "19:00")];
    let longer: &[(&str, &str)] = &[("10:00", "13:00"), ("14:00", "20:00")];
    let sam = week(&[
        ("tue", lunch),
        ("wed", lunch),
        ("thu", lunch),
        ("fri", lunch),
        ("sat", &[("09:00", "14:00")]),
    ]);
    let alex = week(&[
        ("mon", long),
        ("tue", long),
        ("wed", long),
        ("thu", longer),
        ("fri", longer),
    ]);
    let jordan = week(&[
        ("wed", lunch),
        ("thu", lunch),
        ("fri", lunch),
        ("sat", &[("09:00", "16:00")]),
    ]);
    let everyone = ["sam", "alex", "jordan"];
    BusinessCalendar {
        business: business("barber", "Demo Barber"),
        services: vec![
            service(
                "haircut",
                "Haircut",
                &["cut", "trim", "haarschnitt"],
                (30, 0),
                &everyone,
            ),
            service(
                "fade",
                "Skin Fade",
                &["fade", "skin fade"],
                (45, 0),
                &everyone[..2],
            ),
            service(
                "beard",
                "Beard Trim",
                &["beard", "bart", "bartpflege"],
                (20, 0),
                &everyone,
            ),
            service(
                "haircut-beard",
                "Haircut & Beard",
                &["cut and beard", "full service"],
                (50, 10),
                &everyone,
            ),
        ],
        staff: vec![
            staff("sam", "Sam", sam),
            staff("alex", "Alex", alex),
            staff("jordan", "Jordan", jordan),
        ],
        exceptions: Vec::new(),
        faq: crate::booking::Faq::default(),
    }
}
