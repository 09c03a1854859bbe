//! Offering free times: the nearest to a time that is taken, the days that have any, and the
//! choices that carry them.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Timelike, Utc};

use super::Dialogue;
use crate::booking::{OfferedSlot, ServiceProfile};
use crate::conversation::desk::Desk;
use crate::conversation::message::Choice;
use crate::conversation::payload::Payload;
use crate::conversation::state::{Draft, Expecting};
use crate::error::AppError;

/// How many free times one message offers.
pub(super) const OFFERS: usize = 6;
/// How far ahead the dialogue looks for free times.
pub(super) const SEARCH_DAYS: u64 = 21;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// The wanted time is not free: say so and offer the nearest free ones.
    pub(super) fn taken(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        start: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let local = start.with_timezone(&self.desk.calendar().business.tz);
        let text = if start <= self.desk.now() {
            self.texts.date_passed(local.date_naive())
        } else {
            self.texts.taken(start)
        };
        self.offer_nearest(text, service, staff, local.date_naive(), local.time())
    }

    /// Says `text` over the free times nearest to `time` on `date`, or that nothing is free.
    pub(super) fn offer_nearest(
        &mut self,
        text: String,
        service: &ServiceProfile,
        staff: Option<&str>,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Result<(), AppError> {
        let alternatives = self.nearest(service, staff, date, time)?;
        if alternatives.is_empty() {
            return self.nothing_free();
        }
        let multi_day = spans_days(&alternatives, self.desk.calendar().business.tz);
        self.offer(text, alternatives, multi_day, staff);
        Ok(())
    }

    /// Free times nearest to `time` on `date`: the same day first, then the days around it.
    pub(super) fn nearest(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Result<Vec<OfferedSlot>, AppError> {
        let tz = self.desk.calendar().business.tz;
        let slots = self
            .desk
            .slots(service, staff, date - Days::new(3), date + Days::new(10))?;
        let distance = |s: &OfferedSlot| seconds_from(s, time, tz);
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

    pub(super) fn offer_around(
        &mut self,
        service: &ServiceProfile,
        staff: Option<&str>,
        date: NaiveDate,
        time: NaiveTime,
        exact: bool,
    ) -> Result<(), AppError> {
        let text = match (exact, self.instant(date, time)) {
            (true, Some(start)) => self.texts.taken(start),
            _ => self.texts.day_full(date),
        };
        self.offer_nearest(text, service, staff, date, time)
    }

    pub(super) fn nothing_free(&mut self) -> Result<(), AppError> {
        let choices = vec![
            self.choice(self.texts.button_other_day(), Payload::OtherDay),
            self.choice(self.texts.button_human(), Payload::Human),
        ];
        self.ask(self.texts.nothing_free(), choices, Expecting::Day);
        Ok(())
    }

    /// Offers slots as choices; the payload keeps "anyone" when no staff member was asked for.
    pub(super) fn offer(
        &mut self,
        text: String,
        slots: Vec<OfferedSlot>,
        with_date: bool,
        staff: Option<&str>,
    ) {
        let choices = slots
            .iter()
            .map(|s| {
                let title = self.texts.slot_title(s.start.to_utc(), with_date);
                self.slot_choice(title, s, staff)
            })
            .collect();
        self.offer_choices(text, choices);
    }

    pub(super) fn slot_choice(
        &self,
        title: String,
        slot: &OfferedSlot,
        staff: Option<&str>,
    ) -> Choice {
        let payload = Payload::Slot {
            start: slot.start.timestamp(),
            staff: staff.map(str::to_owned),
        };
        self.choice(title, payload)
    }

    /// Asks `text` over free times' choices, with "another day" after them.
    pub(super) fn offer_choices(&mut self, text: String, mut choices: Vec<Choice>) {
        choices.push(self.choice(self.texts.button_other_day(), Payload::OtherDay));
        self.ask(text, choices, Expecting::Slot);
    }

    /// Offers the next days that still have free times.
    /// The days to look in: a span the customer named, or the coming weeks.
    pub(super) fn search_window(&self, draft: &Draft) -> (NaiveDate, NaiveDate) {
        let today = self.desk.today();
        match draft.days {
            Some((from, to)) if to >= today => (from.max(today), to),
            _ => (today, today + Days::new(SEARCH_DAYS)),
        }
    }

    pub(super) fn ask_day(&mut self, service: &ServiceProfile) -> Result<(), AppError> {
        let draft = self.state.draft.clone().unwrap_or_default();
        let (from, to) = self.search_window(&draft);
        self.offer_days(service, from, to)
    }

    pub(super) fn offer_days(
        &mut self,
        service: &ServiceProfile,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), AppError> {
        let staff = self.state.draft.as_ref().and_then(|d| d.staff_id.clone());
        let tz = self.desk.calendar().business.tz;
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
    pub(super) fn ask_other_day(&mut self) -> Result<(), AppError> {
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
                    s.with_timezone(&self.desk.calendar().business.tz)
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
}

/// How far a slot's local start lies from `time` of day, in seconds.
pub(super) fn seconds_from(slot: &OfferedSlot, time: NaiveTime, tz: chrono_tz::Tz) -> i64 {
    let start = slot.start.with_timezone(&tz).time();
    (i64::from(start.num_seconds_from_midnight()) - i64::from(time.num_seconds_from_midnight()))
        .abs()
}

/// The time to look around when only a day is known.
pub(super) fn noon() -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
}

pub(super) fn in_range(
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
pub(super) fn spread(slots: Vec<OfferedSlot>, n: usize) -> Vec<OfferedSlot> {
    if slots.len() <= n {
        return slots;
    }
    let len = slots.len();
    (0..n)
        .map(|i| slots[i * (len - 1) / (n - 1)].clone())
        .collect()
}

/// The slots on the first `days` days that have any.
pub(super) fn first_days(
    slots: Vec<OfferedSlot>,
    days: usize,
    tz: chrono_tz::Tz,
) -> Vec<OfferedSlot> {
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

pub(super) fn spans_days(slots: &[OfferedSlot], tz: chrono_tz::Tz) -> bool {
    let mut days = slots
        .iter()
        .map(|s| s.start.with_timezone(&tz).date_naive());
    let first = days.next();
    days.any(|d| Some(d) != first)
}
