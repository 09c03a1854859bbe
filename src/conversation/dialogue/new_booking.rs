//! Putting a new booking (or a move) together: taking in what the customer said, finding a
//! time, and holding or noting the one they pick.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

use super::Dialogue;
use super::offers::{OFFERS, first_days, in_range, noon, spread};
use crate::booking::{OfferedSlot, ServiceProfile};
use crate::conversation::desk::{Desk, HoldOutcome};
use crate::conversation::state::{Expecting, Hold, Pick};
use crate::domain::{EmailAddress, PhoneNumber};
use crate::error::AppError;
use crate::scheduling::Refusal;
use crate::understanding::Understanding;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// Takes what the message says about the wanted booking into the draft.
    pub(super) fn fill(&mut self, u: &Understanding) {
        self.shift_drafted(u);
        let known_service = u
            .service
            .as_ref()
            .filter(|id| self.desk.service(id).is_some())
            .cloned();
        let known_staff = u
            .staff
            .as_ref()
            .filter(|id| self.desk.calendar().staff_member(id).is_some())
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
    pub(super) fn advance(&mut self) -> Result<(), AppError> {
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

    pub(super) fn only_service(&self) -> Option<ServiceProfile> {
        match self.desk.calendar().services.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        }
    }

    /// Drops a requested staff member who does not perform the service, saying so.
    pub(super) fn check_staff(&mut self, service: &ServiceProfile) {
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
    pub(super) fn still_wanted(&self, start: DateTime<Utc>, staff: &str) -> bool {
        let Some(draft) = &self.state.draft else {
            return false;
        };
        let local = start.with_timezone(&self.desk.calendar().business.tz);
        draft.date.is_none_or(|d| d == local.date_naive())
            && draft.time.is_none_or(|t| t == local.time())
            && draft.staff_id.as_ref().is_none_or(|s| s == staff)
            && draft
                .range
                .is_none_or(|(from, to)| from <= local.time() && local.time() < to)
    }

    /// Finds a time from what is known: an exact time is tried at once; otherwise free times
    /// are offered.
    pub(super) fn find_time(&mut self, service: &ServiceProfile) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let staff = draft.staff_id.clone();
        // Offers name what they are for: the service, and the staff member asked for.
        let staff_name = staff.as_deref().map(|id| self.staff_name(id));
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
                        .too_far_ahead(self.desk.calendar().business.policy.booking_horizon_days),
                );
                self.draft().date = None;
                return self.ask_day(service);
            }
        }
        if let Some(date) = draft.date {
            let time = draft.time.or(draft.range.map(|r| r.0));
            match staff.as_deref() {
                Some(staff) => {
                    if let Some(weekly) = self.day_off(staff, date) {
                        return self.staff_off(service, staff, date, weekly, time);
                    }
                }
                None if self.nobody_in(service, date) => {
                    let time = time.unwrap_or_else(noon);
                    return self.offer_nearest(
                        self.texts.closed_on(date),
                        service,
                        None,
                        date,
                        time,
                    );
                }
                None => {}
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
                let fitting = in_range(slots, draft.range, self.desk.calendar().business.tz);
                if fitting.is_empty() {
                    let time = draft.range.map_or_else(noon, |r| r.0);
                    return self.offer_around(service, staff.as_deref(), date, time, false);
                }
                let text = self
                    .texts
                    .slots_on(&service.name, staff_name.as_deref(), date);
                self.offer(text, spread(fitting, OFFERS), false, staff.as_deref());
                Ok(())
            }
            (None, Some(time)) => {
                let slots = self.desk.slots(service, staff.as_deref(), first, last)?;
                let tz = self.desk.calendar().business.tz;
                let at_time: Vec<OfferedSlot> = slots
                    .iter()
                    .filter(|s| s.start.with_timezone(&tz).time() == time)
                    .take(3)
                    .cloned()
                    .collect();
                if at_time.is_empty() {
                    return self.offer_around(service, staff.as_deref(), first, time, false);
                }
                let text = self
                    .texts
                    .slots_matching(&service.name, staff_name.as_deref());
                self.offer(text, at_time, true, staff.as_deref());
                Ok(())
            }
            (None, None) if draft.range.is_some() => {
                let slots = self.desk.slots(service, staff.as_deref(), first, last)?;
                let fitting = in_range(slots, draft.range, self.desk.calendar().business.tz);
                let first_days = first_days(fitting, 3, self.desk.calendar().business.tz);
                if first_days.is_empty() {
                    return self.nothing_free();
                }
                let text = self
                    .texts
                    .slots_matching(&service.name, staff_name.as_deref());
                self.offer(text, spread(first_days, OFFERS), true, staff.as_deref());
                Ok(())
            }
            (None, None) => self.ask_day(service),
        }
    }

    /// The instant of a local date and time; the earlier one when the time happens twice.
    pub(super) fn instant(&self, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        match self
            .desk
            .calendar()
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
    pub(super) fn try_start(
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
            let local = start.with_timezone(&self.desk.calendar().business.tz);
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
                        .held(&summary, self.desk.calendar().business.chat.hold_minutes),
                );
                self.collect_details()
            }
            HoldOutcome::NotHeld => self.note(service, staff, start),
            HoldOutcome::Refused(Refusal::BeyondHorizon) => {
                self.say(
                    self.texts
                        .too_far_ahead(self.desk.calendar().business.policy.booking_horizon_days),
                );
                self.draft().date = None;
                self.ask_day(service)
            }
            HoldOutcome::Refused(_) => self.taken(service, staff, start),
        }
    }

    /// Notes a free time without holding it (this client address holds enough already); it is
    /// booked at the confirmation if still free.
    pub(super) fn note(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let date = start
            .with_timezone(&self.desk.calendar().business.tz)
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
        let local = start.with_timezone(&self.desk.calendar().business.tz);
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
    pub(super) fn chosen(&self) -> Option<(DateTime<Utc>, String)> {
        let draft = self.state.draft.as_ref()?;
        draft
            .hold
            .as_ref()
            .map(|h| (h.start, h.staff_id.clone()))
            .or_else(|| draft.pick.as_ref().map(|p| (p.start, p.staff_id.clone())))
    }

    /// The customer chose a slot from a list (or a stale button from earlier).
    pub(super) fn pick_slot(
        &mut self,
        start: DateTime<Utc>,
        staff: Option<String>,
    ) -> Result<(), AppError> {
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
        let local = start.with_timezone(&self.desk.calendar().business.tz);
        let draft = self.draft();
        draft.date = Some(local.date_naive());
        draft.time = Some(local.time());
        draft.range = None;
        if staff.is_some() {
            draft.staff_id = staff.clone();
        }
        self.try_start(&service, staff.as_deref(), start)
    }

    pub(super) fn stop_hold(&mut self) -> Result<(), AppError> {
        if let Some(draft) = self.state.draft.as_mut() {
            draft.pick = None;
        }
        if let Some(hold) = self.state.draft.as_mut().and_then(|d| d.hold.take()) {
            self.desk.release(&hold.booking_id)?;
        }
        Ok(())
    }

    pub(super) fn stop_draft(&mut self) -> Result<(), AppError> {
        self.stop_hold()?;
        self.state.draft = None;
        let menu = self.main_menu();
        self.ask(self.texts.dropped(), menu, Expecting::Nothing);
        Ok(())
    }
}
