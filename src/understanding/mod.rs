//! Natural-language understanding for Chairside: turns one customer chat
//! message (English, German or Spanish) into structured booking fields.
//!
//! The module is pure: no I/O, no clock reads, no global mutable state, and it
//! never panics. All word knowledge lives in static tables sorted at compile
//! time. Dates and times are resolved against [`Context::now`], the business's
//! local wall-clock time.
//!
//! Conventions the dialogue can rely on:
//! * A bare weekday ("friday", "am Freitag") is the next such day strictly
//!   after today (so on a Friday it means a week later). "this friday" is the
//!   one in the current Monday–Sunday week, today included (or the coming one
//!   once passed). "next friday", "friday next week" and "Freitag nächste
//!   Woche" mean the Friday of the next Monday–Sunday week (so on a Tuesday
//!   "next Wednesday" is eight days ahead), as English speakers and the SGD
//!   labels use it. German "nächsten Freitag", "kommenden Freitag" and "this
//!   coming friday" are the first Friday strictly after today.
//! * A bare day of the month ("the 14th", "am 14.") is this month if not yet
//!   past, else the next month that has that day ("the 31st" in June is 31 July).
//!   A day and month without a year is the next such date, today included;
//!   impossible dates (30 February) yield no date.
//! * A bare hour ("at 3", "um 4", "halb vier") is put inside the opening hours
//!   (default 08:00–20:00): 3 → 15:00, 10 → 10:00. An explicit marker wins:
//!   am/pm, "in the evening", "abends", a 24-hour form such as "09:45" or "15 Uhr".
//! * "after 4", "before noon", "ab 16 Uhr", "bis 14 Uhr" give `time` (the anchor,
//!   as SGD's annotators mark it), `time_relation`, and the implied `time_range`
//!   bounded by the opening hours. "between 2 and 5" gives only `time_range`.
//!   Parts of the day ("morning", "nachmittags") give a `time_range` clipped to
//!   the opening hours when no clock time is named.
//! * When a message names several dates or times, the one not under a negation
//!   ("not tomorrow", "freitag geht nicht") and most specific wins; ties go to
//!   the earliest mention, except that the target of a move wins over its
//!   source ("von morgen auf übermorgen").
//! * Intent priority when several apply: cancel > reschedule > list_bookings >
//!   human > choice > book (explicit verb: book, buchen, reserve) > no/yes >
//!   book (implied: a service, a staff member, "I'd like…", "is anything
//!   free") > help > greeting. A bare slot answer ("tomorrow at 3") has no
//!   intent. `confirmation` keeps a yes/no even when another intent wins.
//!   "I can't make it" is a cancellation, or a reschedule when it names another
//!   date or time.
//! * "the sixth", "den ersten" give both `choice` and a day-of-month `date`
//!   (the dialogue knows whether it offered options); "the second one", "die
//!   zweite", "option 2", "#2", "2" give only `choice`.
//! * `lang` is the language detected in this message (`None` when it has no
//!   telling word, e.g. "15:00"); `Context::lang` is only a hint for parsing.

mod care;
mod contact;
mod date;
mod faq;
mod holidays;
mod intent;
mod language;
mod lexicon;
mod matching;
mod scope;
mod shift;
mod text;
mod time;
mod words;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize, Serializer};

pub use care::Topic;
pub use faq::{FaqExamples, FaqIndex, FaqMatch};
pub use shift::ShiftDirection;

pub use crate::languages::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Book,
    Reschedule,
    Cancel,
    ListBookings,
    Human,
    Help,
    /// Asks for their personal data to be deleted.
    Privacy,
    Greeting,
    Yes,
    No,
    Choice,
}

impl Intent {
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Book => "book",
            Intent::Reschedule => "reschedule",
            Intent::Cancel => "cancel",
            Intent::ListBookings => "list_bookings",
            Intent::Human => "human",
            Intent::Help => "help",
            Intent::Privacy => "privacy",
            Intent::Greeting => "greeting",
            Intent::Yes => "yes",
            Intent::No => "no",
            Intent::Choice => "choice",
        }
    }
}

/// A service the business offers, as configured by the owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceName<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub synonyms: &'a [&'a str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffName<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// How to read "5/3": 5 March (`DayMonth`) or May 3 (`MonthDay`).
/// Dotted dates ("5.3.") are always day.month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    #[default]
    DayMonth,
    MonthDay,
}

impl DateOrder {
    /// The order customary in a language (English: US order); day-month when unknown.
    pub fn for_lang(lang: Option<Locale>) -> DateOrder {
        match lang {
            Some(l) if l.language().vocabulary.month_first => DateOrder::MonthDay,
            _ => DateOrder::DayMonth,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The customer's/business's local wall-clock now.
    pub now: NaiveDateTime,
    /// Kept for callers that validate results; `now` is already local.
    pub time_zone: chrono_tz::Tz,
    /// Preferred language hint; `None` = detect.
    pub lang: Option<Locale>,
    pub services: &'a [ServiceName<'a>],
    pub staff: &'a [StaffName<'a>],
    /// Business day span used to resolve bare hours; `None` = 08:00–20:00.
    pub opening: Option<(NaiveTime, NaiveTime)>,
    /// How to read "5/3"; `Context::with_lang` sets the customary order.
    pub date_order: DateOrder,
    /// The business's own questions and answers.
    pub faq: Option<&'a FaqIndex>,
}

impl<'a> Context<'a> {
    /// A context with no services or staff, default hours and day-month order.
    pub fn new(now: NaiveDateTime, time_zone: chrono_tz::Tz) -> Context<'a> {
        Context {
            now,
            time_zone,
            lang: None,
            services: &[],
            staff: &[],
            opening: None,
            date_order: DateOrder::default(),
            faq: None,
        }
    }

    /// Sets the language hint and the date order customary for it.
    pub fn with_lang(mut self, lang: Option<Locale>) -> Context<'a> {
        self.lang = lang;
        self.date_order = DateOrder::for_lang(lang);
        self
    }

    pub fn with_services(mut self, services: &'a [ServiceName<'a>]) -> Context<'a> {
        self.services = services;
        self
    }

    pub fn with_staff(mut self, staff: &'a [StaffName<'a>]) -> Context<'a> {
        self.staff = staff;
        self
    }

    pub fn with_opening(mut self, from: NaiveTime, to: NaiveTime) -> Context<'a> {
        self.opening = Some((from, to));
        self
    }

    pub fn with_faq(mut self, faq: &'a FaqIndex) -> Context<'a> {
        self.faq = Some(faq);
        self
    }

    pub fn with_date_order(mut self, order: DateOrder) -> Context<'a> {
        self.date_order = order;
        self
    }

    /// Opening hours, falling back to 08:00–20:00 when unset or inverted.
    pub fn opening_hours(&self) -> (NaiveTime, NaiveTime) {
        match self.opening {
            Some((from, to)) if from < to => (from, to),
            _ => (hm(8, 0), hm(20, 0)),
        }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    #[serde(serialize_with = "ser_time")]
    pub from: NaiveTime,
    #[serde(serialize_with = "ser_time")]
    pub to: NaiveTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DateRange {
    #[serde(serialize_with = "ser_date")]
    pub from: NaiveDate,
    #[serde(serialize_with = "ser_date")]
    pub to: NaiveDate,
}

/// How the date was expressed, so the dialogue can confirm a weekday-only
/// date ("Friday, that is 14 March?").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// today, tomorrow, übermorgen, in 3 days, in two weeks
    Relative,
    /// a weekday without a day number: friday, next tuesday, Freitag nächste Woche
    Weekday,
    /// a day number without a month: the 14th, am 14.
    DayOfMonth,
    /// month and day given: March 5th, 5.3., 2019-03-05
    Calendar,
}

/// How `time` was qualified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeRelation {
    At,
    Around,
    After,
    Before,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Understanding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// Service id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Staff id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_date"
    )]
    pub date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_kind: Option<DateKind>,
    /// A date was named that does not exist ("31 April", "30. Februar").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub impossible_date: bool,
    /// A span of days: "next week", "am Wochenende".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_range: Option<DateRange>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_time"
    )]
    pub time: Option<NaiveTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_relation: Option<TimeRelation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_range: Option<TimeRange>,
    /// 1-based pick among offered options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<u32>,
    /// "the last one": the dialogue knows how many options it offered.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub choice_last: bool,
    /// A yes/no found in the message even when another intent won
    /// ("yes, book it for 3" is `Book` with confirmation `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<bool>,
    /// Detected language of this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<Locale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// "+" and digits when a country code was given, else digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// "2 people", "zu zweit".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_size: Option<u32>,
    /// "could we make it later", "eine Stunde früher": a move relative to the booked time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftDirection>,
    /// How far, when said ("an hour later" is 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift_minutes: Option<u32>,
    /// A question to the business: "how much is a fade?", "wo seid ihr?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<Topic>,
    /// The question is about this moment: "are you open now?".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub asks_now: bool,
    /// The id of the business's FAQ entry the question matches (`question` is `faq`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faq: Option<String>,
    /// The message changes something said before rather than starting afresh: "actually",
    /// "instead", "lieber", "mejor", "and with Alex?", "is Jordan free then?".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub revision: bool,
    /// The staff member is named as the one wanted ("with Sam", "bei Alex", "con Jordan"), not
    /// merely mentioned: a bare "Sam" may be the customer's own name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub staff_introduced: bool,
}

fn ser_time<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&t.format("%H:%M"))
}

fn ser_date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

fn ser_opt_time<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => ser_time(t, s),
        None => s.serialize_none(),
    }
}

fn ser_opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_date(d, s),
        None => s.serialize_none(),
    }
}

/// Language of a message, or `None` when it carries no telling word ("15:00").
pub fn detect_language(text: &str) -> Option<Locale> {
    text::Text::new(text).lang
}

/// Whether the message thanks or says goodbye ("thanks!", "danke schön", "bye"): the
/// dialogue answers it politely instead of as a puzzle.
pub fn is_closing(input: &str) -> bool {
    let text = text::Text::new(input);
    (0..text.len()).any(|i| {
        crate::languages::ALL
            .iter()
            .any(|l| l.vocabulary.closings.contains(&text.word(i)))
    })
}

/// Everything the date and time parsers resolve against, computed once per
/// message from the caller's [`Context`] and the detected language.
struct ParseContext {
    today: NaiveDate,
    now: NaiveTime,
    lang: Option<Locale>,
    order: DateOrder,
    open: NaiveTime,
    close: NaiveTime,
    /// The business's zone, which says whose named days apply: Thanksgiving in Toronto is not
    /// Thanksgiving in New York.
    zone: chrono_tz::Tz,
}

impl ParseContext {
    /// Read only when a named day is mentioned, not for every message.
    fn country(&self) -> holidays::Country {
        holidays::Country::of_zone(self.zone.name())
    }
}

/// Understands one customer message. Never panics; unknown input yields an
/// `Understanding` with every field empty.
pub fn understand(input: &str, ctx: &Context) -> Understanding {
    let mut text = text::Text::read(input, ctx.lang);
    let detected = text.lang;
    let (open, close) = ctx.opening_hours();
    let cx = ParseContext {
        today: ctx.now.date(),
        now: ctx.now.time(),
        lang: text.reading,
        order: ctx.date_order,
        open,
        close,
        zone: ctx.time_zone,
    };
    let contact = contact::extract(&mut text);
    intent::mask_greetings(&mut text);
    let penalties = scope::penalties(&text);
    let mut used = vec![false; text.len()];
    let dates = date::find(&text, &cx, &mut used);
    let times = time::find(&text, &cx, &mut used);
    let chosen_date = date::pick(&text, &dates, &penalties);
    let chosen_time = time::pick(&times, &penalties, &cx);

    let service = matching::match_service(&text, &used, ctx.services);
    let staff = matching::match_staff(&text, &used, ctx.staff, &penalties);
    if let Some(u) = staff.and_then(|(_, tok)| used.get_mut(tok)) {
        *u = true;
    }
    let shift = shift::find(&text);
    let signals = intent::Signals {
        shift: shift.is_some(),
        service: service.is_some(),
        staff: staff.is_some(),
        when: chosen_date.date.is_some() || chosen_time.time.is_some(),
        fresh_when: chosen_date.clean || chosen_time.clean,
    };
    let found = intent::detect(&text, &signals);
    let name = contact::name(&text, &used);
    let asked = care::Found {
        intent: found.intent,
        staff: staff.is_some(),
        service: service.is_some(),
        when: signals.when,
        time: chosen_time.time.is_some() || chosen_time.range.is_some(),
        choice: found.choice.is_some() || found.choice_last,
        shift: shift.is_some(),
        contact: contact.email.is_some() || contact.phone.is_some(),
    };
    let (question, faq) = care::ask(&text, &asked, ctx.faq);
    // "are you open now?" asks about today.
    let date = match question {
        Some(q) if q.now && chosen_date.date.is_none() => Some(cx.today),
        _ => chosen_date.date,
    };

    Understanding {
        intent: found.intent,
        service: service
            .and_then(|i| ctx.services.get(i))
            .map(|s| s.id.to_string()),
        staff: staff
            .and_then(|(i, _)| ctx.staff.get(i))
            .map(|s| s.id.to_string()),
        date,
        date_kind: chosen_date.kind,
        impossible_date: chosen_date.impossible,
        date_range: chosen_date.range,
        time: chosen_time.time,
        time_relation: chosen_time.relation,
        time_range: chosen_time.range,
        choice: found.choice,
        choice_last: found.choice_last,
        confirmation: found.confirmation,
        lang: detected,
        name,
        email: contact.email,
        phone: contact.phone,
        party_size: contact.party_size,
        shift: shift.map(|s| s.direction),
        shift_minutes: shift.and_then(|s| s.minutes),
        question: question.map(|q| q.topic),
        asks_now: question.is_some_and(|q| q.now),
        faq,
        revision: found.revision,
        staff_introduced: staff.is_some_and(|(_, tok)| matching::introduced(&text, tok)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context<'static> {
        let now = NaiveDate::from_ymd_opt(2019, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        Context::new(now, chrono_tz::America::Los_Angeles)
    }

    #[test]
    fn closings() {
        for yes in [
            "Thanks!",
            "thank you so much",
            "danke schön",
            "Vielen Dank",
            "bye",
            "tschüss",
        ] {
            assert!(is_closing(yes), "{yes}");
        }
        for no in ["haircut tomorrow", "thursday", "", "🙂"] {
            assert!(!is_closing(no), "{no}");
        }
    }

    #[test]
    fn serializes_only_what_was_understood() {
        let u = understand("book it tomorrow at 3pm", &ctx());
        let json = serde_json::to_value(&u).unwrap_or_default();
        assert_eq!(json["intent"], "book");
        assert_eq!(json["date"], "2019-03-02");
        assert_eq!(json["time"], "15:00");
        assert!(json.get("choice").is_none());
        assert!(json.get("choice_last").is_none());
        let u = understand("between 2 and 4", &ctx());
        let json = serde_json::to_value(&u).unwrap_or_default();
        assert_eq!(json["time_range"]["from"], "14:00");
        assert_eq!(json["time_range"]["to"], "16:00");
    }

    #[test]
    fn a_change_of_something_said_before_and_a_staff_member_asked_for() {
        let staff = [
            StaffName {
                id: "sam",
                name: "Sam",
            },
            StaffName {
                id: "alex",
                name: "Alex",
            },
        ];
        let ctx = ctx().with_staff(&staff);
        for (input, revision, introduced) in [
            ("and with Alex?", true, true),
            ("is Alex free then?", true, false),
            ("hat Alex dann Zeit?", true, false),
            ("lieber bei Alex", true, true),
            ("¿y con Alex?", true, true),
            ("mejor con Alex", true, true),
            ("¿entonces con Sam?", true, true),
            ("can I come on friday instead", true, false),
            ("what about friday", true, false),
            ("Sam", false, false),
            ("Sam Miller", false, false),
            ("haircut with Sam tomorrow", false, true),
        ] {
            let u = understand(input, &ctx);
            assert_eq!(
                (u.revision, u.staff_introduced),
                (revision, introduced),
                "{input}"
            );
        }
        assert!(understand("is Alex free then?", &ctx).date.is_none());
    }

    #[test]
    fn empty_and_odd_input() {
        for input in ["", " ", "🙂🙂🙂", "\u{0}", "the 31st", "2027-02-30", "??"] {
            let _ = understand(input, &ctx());
        }
        assert_eq!(understand("", &ctx()), Understanding::default());
    }
}
