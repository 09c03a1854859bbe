//! Questions to the business, answered from what it entered: prices, durations, services,
//! opening hours, where it is, who works when, its policies, its own FAQ. Nothing is invented:
//! what the business did not enter is said to be missing, with the team one tap away. Each
//! answer ends on the natural next step; in the middle of a booking the pending question is
//! asked again.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone, Timelike};

use super::Dialogue;
use crate::booking::ServiceProfile;
use crate::conversation::desk::Desk;
use crate::conversation::message::{Choice, Reply};
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::error::AppError;
use crate::languages::phrases::fill;
use crate::scheduling::open_on;
use crate::understanding::{Topic, Understanding};

/// How far ahead the week's answer looks for closures.
const CLOSURES_AHEAD_DAYS: u64 = 30;
/// The longest span of days answered day by day ("zwischen den Jahren", "next week").
const LISTED_DAYS: u64 = 14;

/// An answer and where it leads.
struct Answer {
    text: String,
    choices: Vec<Choice>,
    /// The business did not enter this: offer to ask the team.
    unknown: bool,
}

impl Answer {
    fn new(text: String, choices: Vec<Choice>) -> Self {
        Self {
            text,
            choices,
            unknown: false,
        }
    }

    fn unknown(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            choices: Vec::new(),
            unknown: true,
        }
    }
}

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// Answers `topic`, read from `u` (the service, staff member and day it names), written as
    /// `text`.
    pub(super) fn answer_question(
        &mut self,
        topic: Topic,
        u: &Understanding,
        text: Option<&str>,
    ) -> Result<(), AppError> {
        let answer = match topic {
            Topic::Price => self.price_answer(u),
            Topic::Duration => self.duration_answer(u),
            Topic::Services => self.services_answer(u, text.unwrap_or_default()),
            Topic::Hours => self.hours_answer(u),
            Topic::Location => self.location_answer(),
            Topic::Phone => self.phone_answer(),
            Topic::Website => {
                let url = self.desk.chat_page();
                let text = fill(self.texts.care().website, &[("url", &url)]);
                Answer::new(text, self.main_menu())
            }
            Topic::Staff => self.staff_answer(u),
            Topic::Cancellation | Topic::Horizon | Topic::Reminders => self.policy_answer(topic),
            Topic::Faq => self.faq_answer(u),
            Topic::Other => Answer::unknown(self.texts.care().dont_know),
        };
        self.give(answer)
    }

    /// Says the answer; in the middle of something, asks the pending question again (and what
    /// is not known can still go to the team with a tap).
    fn give(&mut self, answer: Answer) -> Result<(), AppError> {
        let team = self.texts.care().button_ask_team.to_owned();
        // Mid-way: a booking being made, or a step about an existing one (a confirmation, a
        // code); not the greeting's open question, which the answer's own choices replace.
        let step = self.state.expecting;
        let mid_way = !matches!(step, Expecting::Nothing | Expecting::AskTeam)
            && (self.drafting() || step != Expecting::Service);
        if mid_way {
            let choices = if answer.unknown {
                vec![self.choice(team, Payload::Human)]
            } else {
                Vec::new()
            };
            self.replies.push(Reply::with_choices(answer.text, choices));
            return self.repeat_question();
        }
        if answer.unknown {
            let choices = vec![
                self.choice(team, Payload::Yes),
                self.choice(self.texts.button_no(), Payload::No),
            ];
            self.ask(answer.text, choices, Expecting::AskTeam);
            return Ok(());
        }
        self.ask(answer.text, answer.choices, Expecting::Nothing);
        Ok(())
    }

    /// The answer to "shall I ask the team?".
    pub(super) fn ask_team(&mut self, yes: bool) -> Result<(), AppError> {
        if !yes {
            let menu = self.main_menu();
            self.ask(self.texts.anything_else(), menu, Expecting::Nothing);
            return Ok(());
        }
        self.hand_off_saying(self.texts.care().asked_team.to_owned());
        Ok(())
    }

    fn book_choice(&self, service: &ServiceProfile) -> Choice {
        let title = fill(
            self.texts.care().button_book_service,
            &[("service", &service.name)],
        );
        self.choice(title, Payload::Service(service.id.clone()))
    }

    fn price_of(&self, service: &ServiceProfile) -> Option<String> {
        let cents = service.price_cents?;
        Some(self.texts.care().money(cents, &service.currency))
    }

    fn length_of(&self, service: &ServiceProfile) -> String {
        self.texts
            .care()
            .duration(service.timing.duration_minutes.into())
    }

    fn asked_service(&self, u: &Understanding) -> Option<ServiceProfile> {
        self.desk.service(u.service.as_deref()?)
    }

    fn price_answer(&self, u: &Understanding) -> Answer {
        let care = self.texts.care();
        let Some(service) = self.asked_service(u) else {
            return Answer::new(self.service_lines(care.price_list), self.service_choices());
        };
        let text = self.priced(&service, care.price, care.price_unlisted);
        Answer::new(text, vec![self.book_choice(&service)])
    }

    /// A phrase about `service` with its price and duration, or, where the business gave no
    /// price, the phrase that says so.
    fn priced(&self, service: &ServiceProfile, with_price: &str, without: &str) -> String {
        let duration = self.length_of(service);
        match self.price_of(service) {
            Some(price) => fill(
                with_price,
                &[
                    ("service", &service.name),
                    ("price", &price),
                    ("duration", &duration),
                ],
            ),
            None => fill(
                without,
                &[("service", &service.name), ("duration", &duration)],
            ),
        }
    }

    /// A heading and one line per service with its price and duration.
    fn service_lines(&self, heading: &str) -> String {
        let care = self.texts.care();
        let mut text = heading.to_owned();
        for service in &self.desk.calendar().services {
            text.push('\n');
            text.push_str(&self.priced(service, care.price_line, care.price_line_unlisted));
        }
        text
    }

    fn duration_answer(&self, u: &Understanding) -> Answer {
        let care = self.texts.care();
        let Some(service) = self.asked_service(u) else {
            let mut text = care.duration_list.to_owned();
            for service in &self.desk.calendar().services {
                let duration = self.length_of(service);
                text.push('\n');
                text.push_str(&fill(
                    care.duration_line,
                    &[("service", &service.name), ("duration", &duration)],
                ));
            }
            return Answer::new(text, self.service_choices());
        };
        let duration = self.length_of(&service);
        let text = fill(
            care.duration,
            &[("service", &service.name), ("duration", &duration)],
        );
        Answer::new(text, vec![self.book_choice(&service)])
    }

    /// "Yes, we do X" only when X is named as the business names it; a service found by its
    /// kind ("Kinderhaarschnitt" for "Haircut") is offered as the closest, not promised.
    fn services_answer(&self, u: &Understanding, text: &str) -> Answer {
        let care = self.texts.care();
        let Some(service) = self.asked_service(u) else {
            return Answer::new(
                self.service_lines(care.service_list),
                self.service_choices(),
            );
        };
        let written = text.to_lowercase();
        let named = std::iter::once(&service.name)
            .chain(&service.synonyms)
            .any(|name| written.contains(&name.to_lowercase()));
        let answer = if named {
            self.priced(&service, care.offered, care.offered_unlisted)
        } else {
            fill(care.closest, &[("service", &service.name)])
        };
        Answer::new(answer, vec![self.book_choice(&service)])
    }

    fn calendars(&self) -> Vec<crate::scheduling::Calendar<'_>> {
        let calendar = self.desk.calendar();
        calendar
            .staff
            .iter()
            .map(|s| calendar.calendar_of(s))
            .collect()
    }

    /// "9:00–13:00 and 14:00–18:00", or `None` on a closed day.
    fn hours_text(&self, spans: &[(u16, u16)]) -> Option<String> {
        if spans.is_empty() {
            return None;
        }
        let written: Vec<(String, String)> = spans
            .iter()
            .map(|&(from, to)| (self.texts.clock(from), self.texts.clock(to)))
            .collect();
        Some(self.texts.care().spans(&written))
    }

    fn hours_answer(&self, u: &Understanding) -> Answer {
        let today = self.desk.today();
        if let Some(range) = u.date_range.filter(|_| u.date.is_none()) {
            return self.days_answer(range.from.max(today), range.to);
        }
        let Some(date) = u.date else {
            return self.week_answer();
        };
        if let Some(refusal) = self.out_of_reach(date) {
            return refusal;
        }
        let spans = open_on(&self.calendars(), date);
        if u.asks_now && date == today {
            return self.now_answer(&spans);
        }
        let care = self.texts.care();
        let long = self.texts.long_date(date);
        match self.hours_text(&spans) {
            Some(hours) => Answer::new(
                fill(care.open_on, &[("date", &long), ("hours", &hours)]),
                vec![self.times_choice(date)],
            ),
            None => Answer::new(fill(care.closed_on, &[("date", &long)]), self.main_menu()),
        }
    }

    /// A past day, or one beyond the booking horizon: nothing is promised about it.
    fn out_of_reach(&self, date: NaiveDate) -> Option<Answer> {
        if date < self.desk.today() {
            return Some(Answer::new(self.texts.date_passed(date), self.main_menu()));
        }
        if date > self.desk.horizon() {
            let days = self.desk.calendar().business.policy.booking_horizon_days;
            let text = fill(self.texts.care().too_far, &[("days", &days.to_string())]);
            return Some(Answer::new(text, self.main_menu()));
        }
        None
    }

    fn times_choice(&self, date: NaiveDate) -> Choice {
        let title = fill(
            self.texts.care().button_times,
            &[("date", &self.texts.short_date(date))],
        );
        self.choice(title, Payload::Day(date))
    }

    fn days_answer(&self, first: NaiveDate, last: NaiveDate) -> Answer {
        let care = self.texts.care();
        let last = last
            .min(first + Days::new(LISTED_DAYS - 1))
            .min(self.desk.horizon());
        if first > last {
            // A span that has passed, or that starts beyond the horizon.
            let outside = if last < self.desk.today() {
                last
            } else {
                first
            };
            return self
                .out_of_reach(outside)
                .unwrap_or_else(|| Answer::new(care.closed_for_now.to_owned(), self.main_menu()));
        }
        let calendars = self.calendars();
        let mut text = care.week.to_owned();
        let mut choices = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            let day = self.texts.short_date(date);
            let line = match self.hours_text(&open_on(&calendars, date)) {
                Some(hours) => {
                    if choices.len() < 3 {
                        choices.push(self.times_choice(date));
                    }
                    fill(care.week_line, &[("days", &day), ("hours", &hours)])
                }
                None => fill(care.week_closed, &[("days", &day)]),
            };
            text.push('\n');
            text.push_str(&line);
        }
        if first > last {
            return Answer::new(
                self.texts.care().closed_for_now.to_owned(),
                self.main_menu(),
            );
        }
        Answer::new(text, choices)
    }

    /// The usual week, runs of days with the same hours on one line, and closures ahead.
    fn week_answer(&self) -> Answer {
        let care = self.texts.care();
        let calendar = self.desk.calendar();
        let weekly: Vec<crate::scheduling::Calendar<'_>> = calendar
            .staff
            .iter()
            .map(|s| crate::scheduling::Calendar {
                weekly: &s.weekly,
                own: &[],
                business: &[],
            })
            .collect();
        // A Monday, to read each weekday's usual hours without this week's closures.
        let monday = self.desk.today()
            - Days::new(u64::from(
                self.desk.today().weekday().num_days_from_monday(),
            ));
        let days: Vec<Option<String>> = (0..7)
            .map(|d| self.hours_text(&open_on(&weekly, monday + Days::new(d))))
            .collect();
        let mut text = care.week.to_owned();
        let mut first = 0;
        while first < 7 {
            let mut last = first;
            while last + 1 < 7 && days[last + 1] == days[first] {
                last += 1;
            }
            let run = if first == last {
                self.texts.weekday(first).to_owned()
            } else {
                fill(
                    care.day_run,
                    &[
                        ("first", self.texts.weekday(first)),
                        ("last", self.texts.weekday(last)),
                    ],
                )
            };
            let line = match &days[first] {
                Some(hours) => fill(care.week_line, &[("days", &run), ("hours", hours)]),
                None => fill(care.week_closed, &[("days", &run)]),
            };
            text.push('\n');
            text.push_str(&line);
            first = last + 1;
        }
        if let Some(closures) = self.closures_ahead() {
            text.push('\n');
            text.push_str(&fill(care.closures_ahead, &[("dates", &closures)]));
        }
        Answer::new(text, self.main_menu())
    }

    /// Days in the coming weeks on which the business is closed though someone usually works.
    fn closures_ahead(&self) -> Option<String> {
        let today = self.desk.today();
        let calendars = self.calendars();
        let calendar = self.desk.calendar();
        let closed: Vec<String> = (0..CLOSURES_AHEAD_DAYS)
            .map(|d| today + Days::new(d))
            .filter(|date| {
                let usual = calendar
                    .staff
                    .iter()
                    .any(|s| !s.weekly.on(date.weekday()).intervals().is_empty());
                usual && open_on(&calendars, *date).is_empty()
            })
            .map(|date| self.texts.short_date(date))
            .collect();
        (!closed.is_empty()).then(|| self.texts.care().list(&closed))
    }

    /// Open right now, until when; or when it opens next.
    fn now_answer(&self, today_spans: &[(u16, u16)]) -> Answer {
        let care = self.texts.care();
        let tz = self.desk.calendar().business.tz;
        let local = self.desk.now().with_timezone(&tz);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        if let Some(&(_, until)) = today_spans
            .iter()
            .find(|&&(from, to)| from <= minute && minute < to)
        {
            let text = fill(care.open_now, &[("until", &self.texts.clock(until))]);
            return Answer::new(text, vec![self.times_choice(local.date_naive())]);
        }
        let calendars = self.calendars();
        let today = local.date_naive();
        let next = (0..CLOSURES_AHEAD_DAYS).find_map(|d| {
            let date = today + Days::new(d);
            open_on(&calendars, date)
                .into_iter()
                .find(|&(from, _)| d > 0 || from > minute)
                .map(|(from, _)| (date, from))
        });
        let Some((date, from)) = next else {
            return Answer::new(care.closed_for_now.to_owned(), self.main_menu());
        };
        let start = NaiveTime::from_hms_opt(u32::from(from) / 60, u32::from(from) % 60, 0)
            .map(|t| date.and_time(t))
            .and_then(|t| tz.from_local_datetime(&t).earliest());
        let when = match start {
            Some(start) => self.texts.when(start.to_utc()),
            None => self.texts.long_date(date),
        };
        Answer::new(
            fill(care.closed_now, &[("when", &when)]),
            vec![self.times_choice(date)],
        )
    }

    fn location_answer(&self) -> Answer {
        let address = self.desk.calendar().business.address.trim().to_owned();
        if address.is_empty() {
            return self.not_listed();
        }
        let query: String = form_urlencoded::byte_serialize(address.as_bytes()).collect();
        let map = format!("https://www.openstreetmap.org/search?query={query}");
        let text = fill(
            self.texts.care().address,
            &[("address", &address), ("map", &map)],
        );
        Answer::new(text, self.main_menu())
    }

    fn phone_answer(&self) -> Answer {
        match self.desk.calendar().business.phone.clone() {
            Some(phone) if !phone.trim().is_empty() => {
                let text = fill(self.texts.care().phone, &[("phone", phone.trim())]);
                Answer::new(text, self.main_menu())
            }
            _ => self.not_listed(),
        }
    }

    fn not_listed(&self) -> Answer {
        Answer::unknown(self.texts.care().not_listed)
    }

    fn staff_answer(&self, u: &Understanding) -> Answer {
        let care = self.texts.care();
        let calendar = self.desk.calendar();
        let member = u.staff.as_deref().and_then(|id| calendar.staff_member(id));
        if let Some(refusal) = u.date.and_then(|date| self.out_of_reach(date)) {
            return refusal;
        }
        let long = u.date.map(|d| self.texts.long_date(d));
        match (member, u.date, long) {
            (Some(member), Some(date), Some(long)) => {
                let spans = open_on(&[calendar.calendar_of(member)], date);
                match self.hours_text(&spans) {
                    Some(hours) => Answer::new(
                        fill(
                            care.staff_works,
                            &[("staff", &member.name), ("date", &long), ("hours", &hours)],
                        ),
                        vec![self.times_choice(date)],
                    ),
                    None => Answer::new(
                        fill(care.staff_off, &[("staff", &member.name), ("date", &long)]),
                        self.main_menu(),
                    ),
                }
            }
            (None, Some(date), Some(long)) => {
                let mut text = fill(care.who_works, &[("date", &long)]);
                let mut anyone = false;
                for member in &calendar.staff {
                    let spans = open_on(&[calendar.calendar_of(member)], date);
                    if let Some(hours) = self.hours_text(&spans) {
                        anyone = true;
                        text.push('\n');
                        text.push_str(&fill(
                            care.staff_line,
                            &[("staff", &member.name), ("hours", &hours)],
                        ));
                    }
                }
                if !anyone {
                    text = fill(care.closed_on, &[("date", &long)]);
                }
                Answer::new(text, vec![self.times_choice(date)])
            }
            (Some(member), _, _) => Answer::new(self.usual_days(member), self.main_menu()),
            (None, _, _) => {
                let lines: Vec<String> =
                    calendar.staff.iter().map(|m| self.usual_days(m)).collect();
                Answer::new(lines.join("\n"), self.main_menu())
            }
        }
    }

    /// "Sam usually works Monday, Tuesday and Friday."
    fn usual_days(&self, member: &crate::booking::StaffCalendar) -> String {
        let care = self.texts.care();
        let days: Vec<String> = (0..7)
            .filter(|&d| {
                chrono::Weekday::try_from(d as u8)
                    .is_ok_and(|w| !member.weekly.on(w).intervals().is_empty())
            })
            .map(|d| self.texts.weekday(d).to_owned())
            .collect();
        if days.is_empty() {
            return fill(care.staff_no_days, &[("staff", &member.name)]);
        }
        fill(
            care.staff_week,
            &[("staff", &member.name), ("days", &care.list(&days))],
        )
    }

    fn policy_answer(&self, topic: Topic) -> Answer {
        let care = self.texts.care();
        let business = &self.desk.calendar().business;
        let policy = &business.policy;
        let text = match topic {
            Topic::Cancellation if policy.cancellation_cutoff_minutes <= 0 => {
                care.cancellation_any_time.to_owned()
            }
            Topic::Cancellation => {
                let cutoff = care.duration(policy.cancellation_cutoff_minutes.into());
                fill(care.cancellation, &[("cutoff", &cutoff)])
            }
            Topic::Horizon => fill(
                care.horizon,
                &[
                    ("days", &policy.booking_horizon_days.to_string()),
                    ("notice", &care.duration(policy.min_notice_minutes.into())),
                ],
            ),
            _ => {
                let offsets: Vec<String> = business
                    .reminder_offsets_minutes
                    .iter()
                    .map(|&m| care.duration(m.into()))
                    .collect();
                if offsets.is_empty() {
                    care.no_reminders.to_owned()
                } else {
                    fill(care.reminders, &[("offsets", &care.list(&offsets))])
                }
            }
        };
        Answer::new(text, self.main_menu())
    }

    fn faq_answer(&self, u: &Understanding) -> Answer {
        let calendar = self.desk.calendar();
        let answer = u.faq.as_deref().and_then(|id| {
            calendar
                .faq
                .answer(id, self.texts.locale, calendar.business.locale)
        });
        match answer {
            Some(answer) => Answer::new(answer.to_owned(), self.main_menu()),
            None => Answer::unknown(self.texts.care().dont_know),
        }
    }
}
