//! Questions to the business: what a customer asks about when they are not (yet) booking.

use serde::{Deserialize, Serialize};

use super::Intent;
use super::faq::{self, FaqIndex, FaqMatch};
use super::intent::Cue;
use super::text::{Kind, Text};
use crate::languages::vocabulary::Subject;
use crate::languages::{ALL, Language};

/// What a question is about. The business's own data answers all but [`Topic::Faq`] (its own
/// FAQ entries) and [`Topic::Other`] (a question nothing here answers: staff are asked).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Price,
    Duration,
    Services,
    Hours,
    Location,
    Phone,
    Website,
    /// Who works when.
    Staff,
    Cancellation,
    /// How far ahead one can book.
    Horizon,
    Reminders,
    Faq,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 13] = [
        Topic::Price,
        Topic::Duration,
        Topic::Services,
        Topic::Hours,
        Topic::Location,
        Topic::Phone,
        Topic::Website,
        Topic::Staff,
        Topic::Cancellation,
        Topic::Horizon,
        Topic::Reminders,
        Topic::Faq,
        Topic::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Price => "price",
            Topic::Duration => "duration",
            Topic::Services => "services",
            Topic::Hours => "hours",
            Topic::Location => "location",
            Topic::Phone => "phone",
            Topic::Website => "website",
            Topic::Staff => "staff",
            Topic::Cancellation => "cancellation",
            Topic::Horizon => "horizon",
            Topic::Reminders => "reminders",
            Topic::Faq => "faq",
            Topic::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}

/// What the other parsers found that tells a question from a request.
pub(super) struct Found {
    pub intent: Option<Intent>,
    pub staff: bool,
    pub service: bool,
    pub when: bool,
    /// An offered option was picked ("the second one").
    pub choice: bool,
    /// A clock time or a part of the day: a staff member named with one is asked for a slot.
    pub time: bool,
    pub shift: bool,
    /// The message gives a phone number or an e-mail address: it answers, it does not ask.
    pub contact: bool,
}

/// A question the message asks, and whether it asks about this very moment ("are you open
/// now?").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Question {
    pub topic: Topic,
    pub now: bool,
}

/// The words of the message that say what a question is about, and the shape of the message.
struct Asked {
    subjects: Vec<(usize, Subject)>,
    /// A question mark, or a word that opens questions ("what", "habt", "hay") among the first
    /// three of a clause (after a greeting).
    question: bool,
    /// Such a word opens a clause.
    opened: bool,
    /// Words of a request for a time: "book", "appointment".
    request: bool,
    /// "free", "available", "hay", "habt" (unless it opens the question).
    free: bool,
    /// Words of a wish: "I'd like", "come".
    wish: bool,
    /// "do" after the first word: "do you do perms?".
    does: bool,
    cancel: bool,
    /// "my", "it": about the customer's own booking.
    own: bool,
}

impl Asked {
    fn has(&self, kind: Subject) -> bool {
        self.subjects.iter().any(|(_, s)| *s == kind)
    }

    fn first(&self, kinds: &[Subject]) -> Option<usize> {
        self.subjects
            .iter()
            .find(|(_, s)| kinds.contains(s))
            .map(|(i, _)| *i)
    }

    /// `kind` right after "how", "how much" or "cuánto": "how long", "how many minutes",
    /// "cuánto tiempo".
    fn after_how(&self, text: &Text, kind: Subject) -> bool {
        self.subjects.iter().any(|&(i, s)| {
            s == kind
                && i > 0
                && (text.cue(i - 1) == Cue::How
                    || self.subjects.contains(&(i - 1, Subject::HowMuch))
                    || (s != Subject::Much
                        && self.subjects.contains(&(i - 1, Subject::Much))
                        && self.after_how(text, Subject::Much)))
        })
    }
}

/// Subjects on their own name a topic in any language's message ("Öffnungszeiten?" in an
/// English conversation); the others are read in the message's language only.
fn is_strong(kind: Subject) -> bool {
    matches!(
        kind,
        Subject::Price
            | Subject::Duration
            | Subject::Hours
            | Subject::Address
            | Subject::Phone
            | Subject::Website
            | Subject::Reminder
    )
}

pub(super) fn subject_of(text: &Text, i: usize) -> Option<Subject> {
    text.live(i).filter(|t| t.kind == Kind::Word)?;
    let word = text.word(i);
    let look = |language: &Language| {
        let table = language.vocabulary.subjects;
        table
            .binary_search_by(|(key, _)| key.cmp(&word))
            .ok()
            .map(|j| table[j].1)
    };
    if let Some(own) = text.reading.and_then(|l| look(l.language())) {
        return Some(own);
    }
    // Another language's words count only as nouns that name a topic outright ("Öffnungszeiten"
    // in an English conversation), which are not short.
    if text.reading.is_some() && word.len() < 5 {
        return None;
    }
    ALL.iter()
        .filter(|l| Some(l.locale) != text.reading)
        .filter_map(|l| look(l))
        .find(|kind| text.reading.is_none() || is_strong(*kind))
}

fn read(text: &Text) -> Asked {
    let mut asked = Asked {
        subjects: Vec::new(),
        question: false,
        opened: false,
        request: false,
        free: false,
        cancel: false,
        own: false,
        wish: false,
        does: false,
    };
    // A question may open a later clause ("thanks! and where are you?") after a greeting.
    let mut clause_words = 0;
    for i in 0..text.len() {
        if text.is_punct(i, '?') || text.is_punct(i, '¿') {
            asked.question = true;
        }
        if text.is_clause_break(i) {
            clause_words = 0;
        }
        let Some(token) = text.live(i).filter(|t| t.kind == Kind::Word) else {
            continue;
        };
        let subject = subject_of(text, i);
        let lead = matches!(
            token.cue,
            Cue::Greeting | Cue::Good | Cue::Filler | Cue::Thanks | Cue::Also
        );
        let mut opener = false;
        if !lead {
            clause_words += 1;
            if clause_words <= 3 && opens_question(text, i) {
                asked.opened = true;
                asked.question = true;
                opener = true;
            }
            if clause_words > 1 && token.cue == Cue::Do && !asked.own {
                asked.does = true;
            }
        }
        match subject {
            Some(Subject::OpenAtEnd) if !ends_clause(text, i) => {}
            Some(Subject::OpenAtEnd) => asked.subjects.push((i, Subject::Open)),
            Some(kind) => asked.subjects.push((i, kind)),
            None => {}
        }
        match token.cue {
            Cue::Book | Cue::Appointment | Cue::Appointments | Cue::Booked => asked.request = true,
            Cue::Free if subject != Some(Subject::Open) && !opener => asked.free = true,
            Cue::Want | Cue::Come => asked.wish = true,
            Cue::Cancel => asked.cancel = true,
            Cue::My | Cue::It => asked.own = true,
            _ => {}
        }
    }
    asked
}

fn opens_question(text: &Text, i: usize) -> bool {
    let word = text.word(i);
    let opens = |l: &Language| l.vocabulary.question_openers.contains(&word);
    match text.reading {
        Some(lang) => opens(lang.language()),
        None => ALL.iter().any(|l| opens(l)),
    }
}

/// The last word of the message or of its clause.
fn ends_clause(text: &Text, i: usize) -> bool {
    i + 1 >= text.len() || text.is_clause_break(i + 1)
}

/// What the message asks, if it asks something: a topic the business's data answers, an entry
/// of its FAQ (with the entry's id), or another question for the team.
pub(super) fn ask(
    text: &Text,
    found: &Found,
    faq: Option<&FaqIndex>,
) -> (Option<Question>, Option<String>) {
    if found.shift || found.contact {
        return (None, None);
    }
    let asked = read(text);
    // A question may come with a greeting, a "yes", "ok?" or a wish to book; the other
    // intents are requests the dialogue must act on.
    let open = match found.intent {
        None | Some(Intent::Greeting | Intent::Yes | Intent::No | Intent::Help | Intent::Book) => {
            true
        }
        // "do you take amex": "take" without an option picked.
        Some(Intent::Choice) => !found.choice,
        _ => false,
    };
    let question = topic(&asked, text, found)
        .or_else(|| (open && asks_for_service(&asked, found)).then_some(Topic::Services))
        .map(|topic| Question {
            topic,
            now: asked.has(Subject::Now),
        });
    let free = open && !found.when && !found.staff;
    let consulted = free && (question.is_some() || asked.question || !found.service);
    // The words the message is about, read once for the FAQ and for telling another question.
    let keys = if consulted || (open && asked.question) {
        faq::keys(text)
    } else {
        Vec::new()
    };
    if !keys.is_empty() {
        let matched = faq.and_then(|index| index.best(&keys));
        // With a day or a staff member named, only the owner's very question beats a booking.
        let enough = |m: &FaqMatch| match (consulted, question.is_some()) {
            (true, false) => true,
            (true, true) => m.score >= faq::STRONG,
            (false, _) => m.score >= faq::DECISIVE && !asked.request,
        };
        if let Some(m) = matched.filter(enough) {
            let faq = Question {
                topic: Topic::Faq,
                now: false,
            };
            return (Some(faq), Some(m.id));
        }
    }
    let asks_nothing = !asked.request && !asked.free && !asked.wish;
    let unanswered = match found.intent {
        None | Some(Intent::Greeting | Intent::Yes | Intent::No) => true,
        Some(Intent::Book) => asks_nothing,
        _ => false,
    };
    if question.is_none()
        && unanswered
        && asked.question
        && free
        && (!found.service || asked.has(Subject::Sell))
        && !keys.is_empty()
    {
        let other = Question {
            topic: Topic::Other,
            now: false,
        };
        return (Some(other), None);
    }
    (question, None)
}

/// The topic the business's data answers, when the intent leaves room for a question.
fn topic(asked: &Asked, text: &Text, found: &Found) -> Option<Topic> {
    if asked.subjects.is_empty() && !asked.does {
        return None;
    }
    let topic = policy_topic(asked, text).or_else(|| data_topic(asked, text, found))?;
    let allowed = match found.intent {
        Some(Intent::Cancel) => topic == Topic::Cancellation,
        Some(
            Intent::Reschedule
            | Intent::ListBookings
            | Intent::Privacy
            | Intent::Human
            | Intent::Choice,
        ) => false,
        _ => true,
    };
    allowed.then_some(topic)
}

/// Cancellation, booking horizon and reminders: rules of the business, named by words that
/// rarely mean anything else together.
fn policy_topic(asked: &Asked, text: &Text) -> Option<Topic> {
    let how = (0..text.len()).any(|i| text.cue(i) == Cue::How);
    let terms = [Subject::Policy, Subject::Charge, Subject::Price];
    let ahead = [Subject::Advance, Subject::HowMuch, Subject::Before];
    let weak = asked.question && !asked.own && (how || ahead.iter().any(|k| asked.has(*k)));
    let terms_named = terms.iter().any(|t| asked.has(*t));
    // "what if I don't come, do I have to pay?": a no-show is a late cancellation.
    let no_show = asked.has(Subject::Charge)
        && asked.wish
        && (0..text.len()).any(|i| matches!(text.cue(i), Cue::Not | Cue::No));
    if no_show && asked.question {
        return Some(Topic::Cancellation);
    }
    if (asked.cancel && (terms_named || weak)) || asked.has(Subject::CancelPolicy) {
        return Some(Topic::Cancellation);
    }
    if asked.has(Subject::Advance) && asked.request && !asked.cancel {
        return Some(Topic::Horizon);
    }
    let texted = asked.has(Subject::Message) && asked.has(Subject::Before);
    (asked.has(Subject::Reminder) || texted).then_some(Topic::Reminders)
}

/// Prices, durations, services, hours, the address, the phone, the website, who works: the
/// earliest named wins ("wie lange dauert es und was kostet es" asks the duration first).
fn data_topic(asked: &Asked, text: &Text, found: &Found) -> Option<Topic> {
    let q = asked.question;
    let hours_words = [Subject::Hours, Subject::Open, Subject::Close];
    let hours_named = hours_words.iter().any(|k| asked.has(*k));
    let time_words = asked.has(Subject::Duration)
        || asked.after_how(text, Subject::Long)
        || (asked.has(Subject::HowMuch) && asked.has(Subject::Long));
    let mut candidates: Vec<(Option<usize>, Topic)> = Vec::new();
    // "is a haircut quick? like 20 mins?": a length of time asked about a service.
    let length = found.service && q && !found.when && asked.has(Subject::Long);
    if (time_words || length) && !hours_named && !asked.has(Subject::Advance) {
        let at = asked.first(&[Subject::Duration, Subject::Long, Subject::HowMuch]);
        candidates.push((at, Topic::Duration));
    }
    // "was nehmt ihr für nen Haarschnitt": paying for a service named.
    let charged = asked.has(Subject::Charge) && found.service && q && !asked.cancel;
    let price = asked.has(Subject::Price)
        || charged
        || (!time_words
            && !hours_named
            && !asked.has(Subject::Team)
            && (asked.after_how(text, Subject::Much) || asked.has(Subject::HowMuch)));
    if price {
        let at = asked.first(&[
            Subject::Price,
            Subject::Much,
            Subject::HowMuch,
            Subject::Charge,
        ]);
        candidates.push((at, Topic::Price));
    }
    let hours = asked.has(Subject::Hours)
        || ((asked.has(Subject::Open) || asked.has(Subject::Close))
            && (q || asked.has(Subject::Now))
            && !asked.request);
    if hours {
        candidates.push((asked.first(&hours_words), Topic::Hours));
    }
    let named = (found.staff || asked.has(Subject::Who)) && asked.has(Subject::Works);
    let who_does = asked.has(Subject::Who) && asked.has(Subject::Offer);
    let counted = [
        Subject::Works,
        Subject::Who,
        Subject::Much,
        Subject::HowMuch,
    ];
    let team = asked.has(Subject::Team) && counted.iter().any(|k| asked.has(*k));
    let staff = (named || who_does || team)
        && (q || asked.has(Subject::Who))
        && !asked.request
        && !asked.free
        && !asked.wish
        && !found.time;
    if staff {
        let words = [Subject::Works, Subject::Who, Subject::Team];
        candidates.push((asked.first(&words), Topic::Staff));
    }
    if asked.has(Subject::Address) || (asked.has(Subject::Where) && q && !asked.request && !staff) {
        candidates.push((
            asked.first(&[Subject::Address, Subject::Where]),
            Topic::Location,
        ));
    }
    let number = asked.has(Subject::Number) && q && found.intent != Some(Intent::Human);
    if asked.has(Subject::Phone) || number {
        candidates.push((
            asked.first(&[Subject::Phone, Subject::Number]),
            Topic::Phone,
        ));
    }
    if asked.has(Subject::Website) {
        candidates.push((asked.first(&[Subject::Website]), Topic::Website));
    }
    let offer = (asked.has(Subject::Offer) || asked.does) && !asked.has(Subject::Sell);
    if offer && q && !found.when && !asked.request && !staff {
        candidates.push((asked.first(&[Subject::Offer]), Topic::Services));
    }
    candidates
        .into_iter()
        .min_by_key(|(at, _)| at.unwrap_or(usize::MAX))
        .map(|(_, topic)| topic)
}

/// "do you do beard trims?", "¿hacéis degradados?": a service named in a question that
/// starts like one and asks for no time.
fn asks_for_service(asked: &Asked, found: &Found) -> bool {
    let sought = !asked.request && !asked.free && !asked.wish && !asked.has(Subject::Sell);
    found.service && !found.when && !found.staff && sought && asked.opened
}
