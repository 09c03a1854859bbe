//! Conversation repair: the customer changes one thing and keeps the rest — another staff
//! member at the same time, an hour later, another day — at any step: while free times are
//! offered, while details are asked for, at the confirmation, and just after booking, when a
//! change of mind moves the booking just made. A staff member asked for on a day they do not
//! work is said to be off, never "taken", with whoever else is free then and their own next
//! free times.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use super::Dialogue;
use super::offers::{noon, seconds_from};
use crate::booking::{OfferedSlot, ServiceProfile};
use crate::conversation::desk::{Booking, Desk};
use crate::conversation::message::Choice;
use crate::conversation::state::{Action, Booked};
use crate::error::AppError;
use crate::understanding::{Intent, ShiftDirection, Understanding};

/// How long after booking a change of mind still means that booking.
const JUST_BOOKED_MINUTES: i64 = 30;
/// Other staff members' times offered beside the free times of the one asked for.
const OTHERS: usize = 2;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// Whether a message sent in answer to a detail question (name, contact, the business's
    /// question) changes the booking instead. A bare "Sam" asked for a name is a name; "with
    /// Sam", "Sam then?" and "lieber Sam" ask for the staff member.
    pub(super) fn changes_booking(u: &Understanding, text: &str) -> bool {
        let staff = u.staff.is_some() && (u.staff_introduced || u.revision || text.contains('?'));
        staff
            || u.service.is_some()
            || u.date.is_some()
            || u.time.is_some()
            || u.time_range.is_some()
            || u.shift.is_some()
    }

    /// "An hour later", "actually earlier" about the time already drafted, held or chosen for
    /// a move: the draft takes the shifted time and lets go of the old one.
    pub(super) fn shift_drafted(&mut self, u: &Understanding) {
        let Some(direction) = u.shift else {
            return;
        };
        if u.date.is_some() || u.time.is_some() || u.time_range.is_some() {
            return;
        }
        let Some((date, time)) = self.drafted_start() else {
            return;
        };
        self.shift_draft(date, time, direction, u.shift_minutes);
        if let Some(draft) = self.state.draft.as_mut() {
            draft.chosen = None;
        }
    }

    /// The local day and time the draft stands at: the slot held or noted, the new time of a
    /// move, or the day and time asked for.
    fn drafted_start(&self) -> Option<(NaiveDate, NaiveTime)> {
        let draft = self.state.draft.as_ref()?;
        let start = self
            .chosen()
            .map(|(start, _)| start)
            .or_else(|| draft.chosen.as_ref().map(|(start, _)| *start));
        match start {
            Some(start) => {
                let local = start.with_timezone(&self.desk.calendar().business.tz);
                Some((local.date_naive(), local.time()))
            }
            None => Some((draft.date?, draft.time?)),
        }
    }

    /// "An hour later": the same day at the shifted time; "a bit later": the same day, any time
    /// after (or before) the one it shifts from.
    pub(super) fn shift_draft(
        &mut self,
        date: NaiveDate,
        from: NaiveTime,
        direction: ShiftDirection,
        minutes: Option<u32>,
    ) {
        let Some(draft) = self.state.draft.as_mut() else {
            return;
        };
        draft.date = Some(date);
        draft.days = None;
        let by = minutes.map(|m| Duration::minutes(i64::from(m)));
        let shifted = by.and_then(|by| {
            let (time, wrapped) = match direction {
                ShiftDirection::Later => from.overflowing_add_signed(by),
                ShiftDirection::Earlier => from.overflowing_sub_signed(by),
            };
            (wrapped == 0).then_some(time)
        });
        match (shifted, direction) {
            (Some(time), _) => {
                draft.time = Some(time);
                draft.range = None;
            }
            (None, ShiftDirection::Later) => {
                draft.time = None;
                let after = from + Duration::minutes(1);
                draft.range = Some((
                    after.max(from),
                    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(from),
                ));
            }
            (None, ShiftDirection::Earlier) => {
                draft.time = None;
                draft.range = Some((NaiveTime::MIN, from));
            }
        }
    }

    /// Remembers the booking just made or moved, for a change of mind in the next messages.
    pub(super) fn remember_booked(&mut self, booking: &Booking) {
        self.state.last_booked = Some(Booked {
            booking_id: booking.id.clone(),
            at: self.desk.now(),
        });
    }

    /// Right after booking, "kann ich doch lieber übermorgen kommen?", "is Jordan free then?"
    /// or "an hour later?" moves that booking, keeping what the message does not change.
    /// Returns `false` when the message is something else (a new request, another service).
    pub(super) fn revised_last_booking(&mut self, u: &Understanding) -> Result<bool, AppError> {
        let Some(last) = self.state.last_booked.clone() else {
            return Ok(false);
        };
        let recent = self.desk.now() - last.at <= Duration::minutes(JUST_BOOKED_MINUTES);
        let changes = u.staff.is_some()
            || u.date.is_some()
            || u.date_range.is_some()
            || u.time.is_some()
            || u.time_range.is_some()
            || u.shift.is_some();
        // "and another haircut on Saturday" is a second booking; "a haircut on Friday
        // instead" (a reschedule) is not.
        let changing = u.intent == Some(Intent::Reschedule) || (u.revision && u.service.is_none());
        let other_request = matches!(
            u.intent,
            Some(
                Intent::Cancel
                    | Intent::ListBookings
                    | Intent::Human
                    | Intent::Help
                    | Intent::Privacy
            )
        );
        if self.drafting() || !recent || !changes || !changing || other_request {
            return Ok(false);
        }
        let Some(booking) = self.desk.own_booking(&last.booking_id)? else {
            return Ok(false);
        };
        if u.service
            .as_ref()
            .is_some_and(|s| *s != booking.booking.service_id)
        {
            return Ok(false);
        }
        // Another staff member or time alone keeps the booked day; the move flow alone would
        // ask for a day.
        let mut revised = u.clone();
        if u.date.is_none() && u.date_range.is_none() && u.shift.is_none() {
            let tz = self.desk.calendar().business.tz;
            revised.date = Some(booking.start().with_timezone(&tz).date_naive());
        }
        self.target_booking(&last.booking_id, Action::Move, &revised)?;
        Ok(true)
    }

    /// `Some(weekly)` when `staff` does not work on `date`: `weekly` when never on that weekday,
    /// else for a closure or special day.
    pub(super) fn day_off(&self, staff: &str, date: NaiveDate) -> Option<bool> {
        let calendar = self.desk.calendar();
        let member = calendar.staff_member(staff)?;
        if !calendar.calendar_of(member).hours_on(date).is_closed() {
            return None;
        }
        Some(member.weekly.on(date.weekday()).is_closed())
    }

    /// Whether nobody who performs `service` works on `date`.
    pub(super) fn nobody_in(&self, service: &ServiceProfile, date: NaiveDate) -> bool {
        service
            .staff_ids
            .iter()
            .all(|staff| self.day_off(staff, date).is_some())
    }

    /// `staff` is off on `date`: says so, and offers whoever else is free then and the staff
    /// member's own nearest free times on other days.
    pub(super) fn staff_off(
        &mut self,
        service: &ServiceProfile,
        staff: &str,
        date: NaiveDate,
        weekly: bool,
        time: Option<NaiveTime>,
    ) -> Result<(), AppError> {
        let name = self.staff_name(staff);
        self.say(self.texts.staff_off(&name, date, weekly));
        let time = time.unwrap_or_else(noon);
        let tz = self.desk.calendar().business.tz;
        let distance = |s: &OfferedSlot| seconds_from(s, time, tz);
        // Each other performer's nearest time: a list of anyone's free times would show only
        // whoever is least busy.
        let mut others: Vec<OfferedSlot> = Vec::new();
        for other in service.staff_ids.iter().filter(|s| *s != staff) {
            let nearest = self
                .desk
                .slots(service, Some(other), date, date)?
                .into_iter()
                .min_by_key(|s| (distance(s), s.start.timestamp()));
            others.extend(nearest);
        }
        others.sort_by_key(|s| (distance(s), s.start.timestamp()));
        others.truncate(OTHERS);
        others.sort_by_key(|s| s.start.timestamp());
        let own = self.nearest(service, Some(staff), date, time)?;
        let text = match (others.is_empty(), own.is_empty()) {
            (true, true) => return self.nothing_free(),
            (false, false) => self.texts.staff_off_offers(&name),
            (true, false) => self.texts.staff_off_own(&name),
            (false, true) => self.texts.staff_off_others(),
        };
        let mut choices: Vec<Choice> = others
            .iter()
            .map(|s| {
                let with = self.staff_name(&s.staff_id);
                let title = self.texts.time_with_staff(s.start.to_utc(), &with);
                self.slot_choice(title, s, Some(&s.staff_id))
            })
            .collect();
        choices.extend(own.iter().map(|s| {
            let title = self.texts.slot_title(s.start.to_utc(), true);
            self.slot_choice(title, s, Some(staff))
        }));
        self.offer_choices(text, choices);
        Ok(())
    }
}
