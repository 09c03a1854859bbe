//! The customer's existing bookings: listing them, choosing one, cancelling, moving, keeping
//! it, and confirming attendance.

use super::Dialogue;
use super::answers::has_booking_details;
use crate::conversation::desk::Desk;
use crate::conversation::message::Choice;
use crate::conversation::payload::Payload;
use crate::conversation::state::{Action, Draft, Expecting};
use crate::error::AppError;
use crate::understanding::Understanding;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// Lists, cancels or moves existing bookings, once the customer is known.
    pub(super) fn manage(&mut self, action: Action, u: &Understanding) -> Result<(), AppError> {
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
    pub(super) fn target_booking(
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
                    .with_timezone(&self.desk.calendar().business.tz)
                    .time();
                self.state.draft = Some(Draft {
                    service_id: Some(booking.booking.service_id.clone()),
                    staff_id: Some(booking.booking.staff_id.clone()),
                    time: Some(local_time),
                    moving: Some(booking.booking.id.clone()),
                    ..Draft::default()
                });
                if let Some(direction) = u.shift
                    && u.date.is_none()
                    && u.time.is_none()
                {
                    let local = booking
                        .start()
                        .with_timezone(&self.desk.calendar().business.tz);
                    self.shift_draft(local.date_naive(), local_time, direction, u.shift_minutes);
                    return self.advance();
                }
                if has_booking_details(u) || u.date_range.is_some() {
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
    pub(super) fn confirm_attendance(
        &mut self,
        id: &str,
        u: &Understanding,
    ) -> Result<(), AppError> {
        let Some(booking) = self.desk.own_booking(id)? else {
            return self.manage(Action::List, u);
        };
        self.desk.confirm_attendance(id)?;
        let summary = self.summary_of(&booking);
        let menu = self.main_menu();
        self.ask(self.texts.see_you(&summary), menu, Expecting::Nothing);
        Ok(())
    }

    pub(super) fn ask_confirm_move(&mut self) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (Some(id), Some((start, staff))) = (draft.moving.clone(), draft.chosen.clone()) else {
            return self.advance();
        };
        let Some(booking) = self.desk.own_booking(&id)? else {
            self.state.draft = None;
            return self.manage(Action::Move, &Understanding::default());
        };
        self.state.target = Some(id);
        let old = self.texts.when(booking.start());
        let new = match staff.filter(|s| *s != booking.booking.staff_id) {
            Some(other) => self.texts.when_with_staff(start, &self.staff_name(&other)),
            None => self.texts.when(start),
        };
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

    pub(super) fn cancel_target(&mut self) -> Result<(), AppError> {
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

    pub(super) fn move_target(&mut self) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (Some(id), Some((start, staff))) = (draft.moving.clone(), draft.chosen.clone()) else {
            return self.advance();
        };
        match self.desk.move_to(&id, start, staff.as_deref())? {
            Ok(moved) => {
                self.remember_booked(&moved.booking);
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

    pub(super) fn keep_target(&mut self) {
        self.state.target = None;
        self.state.draft = None;
        let menu = self.main_menu();
        self.ask(self.texts.kept(), menu, Expecting::Nothing);
    }

    pub(super) fn explain_refusal(&mut self, refusal: AppError) {
        let text = match refusal {
            AppError::CutoffPassed { .. } => self
                .texts
                .too_late(self.desk.calendar().business.phone.as_deref()),
            _ => self.texts.cannot_change(),
        };
        let choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
        self.ask(text, choices, Expecting::Nothing);
    }
}
