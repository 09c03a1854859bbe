//! Every question the dialogue can be waiting on, answered with every intent, yes, no, nonsense
//! and every kind of tap: each answer gets a reply with text, and leaves the customer with a
//! next step (choices to tap, a question to answer, or staff taking over).

use chrono::Days;

use super::{Chat, at, input, tuesday};
use crate::conversation::desk::memory::MemoryDesk;
use crate::conversation::message::Reply;
use crate::conversation::payload::Payload;
use crate::conversation::state::{DialogueState, Expecting};
use crate::languages::Locale;
use crate::understanding::{Intent, Understanding};

const EXPECTING: [Expecting; 18] = [
    Expecting::Nothing,
    Expecting::Service,
    Expecting::Day,
    Expecting::Slot,
    Expecting::Name,
    Expecting::Phone,
    Expecting::Email,
    Expecting::Contact,
    Expecting::Question,
    Expecting::Confirm,
    Expecting::ChooseBooking,
    Expecting::ConfirmCancel,
    Expecting::ConfirmMove,
    Expecting::Reference,
    Expecting::ReferenceContact,
    Expecting::VerifyContact,
    Expecting::Code,
    Expecting::AskTeam,
];

/// Fails to compile when a state is added without adding it to [`EXPECTING`].
#[allow(dead_code)]
fn every_state_is_listed(e: Expecting) {
    match e {
        Expecting::Nothing
        | Expecting::Service
        | Expecting::Day
        | Expecting::Slot
        | Expecting::Name
        | Expecting::Phone
        | Expecting::Email
        | Expecting::Contact
        | Expecting::Question
        | Expecting::Confirm
        | Expecting::ChooseBooking
        | Expecting::ConfirmCancel
        | Expecting::ConfirmMove
        | Expecting::Reference
        | Expecting::ReferenceContact
        | Expecting::VerifyContact
        | Expecting::Code
        | Expecting::AskTeam => {}
    }
}

const INTENTS: [Intent; 11] = [
    Intent::Book,
    Intent::Reschedule,
    Intent::Cancel,
    Intent::ListBookings,
    Intent::Human,
    Intent::Help,
    Intent::Privacy,
    Intent::Greeting,
    Intent::Yes,
    Intent::No,
    Intent::Choice,
];

#[allow(dead_code)]
fn every_intent_is_listed(i: Intent) {
    match i {
        Intent::Book
        | Intent::Reschedule
        | Intent::Cancel
        | Intent::ListBookings
        | Intent::Human
        | Intent::Help
        | Intent::Privacy
        | Intent::Greeting
        | Intent::Yes
        | Intent::No
        | Intent::Choice => {}
    }
}

/// One tap of every kind, naming the customer's own booking where a kind names one.
fn payloads(own: &str) -> Vec<Payload> {
    let all = vec![
        Payload::Book,
        Payload::MyBookings,
        Payload::Help,
        Payload::Human,
        Payload::Yes,
        Payload::No,
        Payload::Change,
        Payload::Stop,
        Payload::OtherDay,
        Payload::CancelOne,
        Payload::MoveOne,
        Payload::Service("cut".into()),
        Payload::Day(tuesday() + Days::new(1)),
        Payload::Slot {
            start: at(tuesday(), 14, 0).timestamp(),
            staff: None,
        },
        Payload::Cancel(own.into()),
        Payload::Move(own.into()),
        Payload::Attend(own.into()),
        Payload::ChatLink("opened".into()),
        Payload::NewCode,
        Payload::Verify,
        Payload::Ask(crate::understanding::Topic::Price),
    ];
    // Fails to compile when a kind is added without adding it above.
    for payload in &all {
        match payload {
            Payload::Book
            | Payload::MyBookings
            | Payload::Help
            | Payload::Human
            | Payload::Yes
            | Payload::No
            | Payload::Change
            | Payload::Stop
            | Payload::OtherDay
            | Payload::CancelOne
            | Payload::MoveOne
            | Payload::Service(_)
            | Payload::Day(_)
            | Payload::Slot { .. }
            | Payload::Cancel(_)
            | Payload::Move(_)
            | Payload::Attend(_)
            | Payload::ChatLink(_)
            | Payload::NewCode
            | Payload::Verify
            | Payload::Ask(_) => {}
        }
    }
    all
}

/// A chat brought to `expecting` the way a customer would get there, with one booking of
/// their own two days ahead.
fn chat_expecting(expecting: Expecting, locale: Locale) -> (Chat, String) {
    let mut chat = Chat::in_language(locale);
    let thursday = tuesday() + Days::new(2);
    let own = chat
        .desk
        .add_booking("cut", "ben", at(thursday, 15, 0), true, "+4915100000003");
    match expecting {
        Expecting::Nothing => {}
        Expecting::AskTeam => {
            chat.say("do you sell beard oil?");
        }
        Expecting::ChooseBooking | Expecting::ConfirmCancel => {
            chat.tap(Payload::Cancel(own.id.clone()));
        }
        Expecting::ConfirmMove => {
            chat.tap(Payload::Move(own.id.clone()));
            chat.tap(Payload::Day(thursday + Days::new(1)));
        }
        Expecting::Reference
        | Expecting::ReferenceContact
        | Expecting::VerifyContact
        | Expecting::Code => {
            chat.tap(Payload::Verify);
            chat.say("jo@example.com");
        }
        Expecting::Service
        | Expecting::Day
        | Expecting::Slot
        | Expecting::Name
        | Expecting::Phone
        | Expecting::Email
        | Expecting::Contact
        | Expecting::Question
        | Expecting::Confirm => {
            chat.say("Haircut tomorrow at 10:00");
        }
    }
    chat.state.expecting = expecting;
    (chat, own.id)
}

/// One message sent to a chat, and the replies it got.
type Turn = Box<dyn Fn(&mut Chat) -> Vec<Reply>>;

/// The turns to try in each state: every intent alone, yes, no, nonsense, and every tap.
fn turns(own: &str) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for intent in INTENTS {
        turns.push(Box::new(move |chat: &mut Chat| {
            let understanding = Understanding {
                intent: Some(intent),
                ..Understanding::default()
            };
            chat.turn(input(understanding))
        }));
    }
    for text in ["yes", "no", "qwertz blorp"] {
        turns.push(Box::new(move |chat: &mut Chat| chat.say(text)));
    }
    for payload in payloads(own) {
        turns.push(Box::new(move |chat: &mut Chat| chat.tap(payload.clone())));
    }
    turns
}

/// In every language: no flow may depend on the words of one.
#[test]
fn every_state_answers_every_kind_of_message_with_a_next_step() {
    let mut failures = Vec::new();
    for (locale, expecting) in Locale::all().flat_map(|l| EXPECTING.map(|e| (l, e))) {
        let (prepared, own) = chat_expecting(expecting, locale);
        let (desk, state): (MemoryDesk, DialogueState) =
            (prepared.desk.clone(), prepared.state.clone());
        for (n, turn) in turns(&own).iter().enumerate() {
            let mut chat = Chat::in_language(locale);
            (chat.desk, chat.state) = (desk.clone(), state.clone());
            let replies = turn(&mut chat);
            let case = format!("{locale:?} {expecting:?}, turn {n}");
            let Some(last) = replies.last() else {
                failures.push(format!("{case}: no reply"));
                continue;
            };
            if replies.iter().all(|r| r.text.trim().is_empty()) {
                failures.push(format!("{case}: no reply with text"));
            }
            let next_step = !last.choices.is_empty()
                || chat.state.expecting != Expecting::Nothing
                || !chat.effects.is_empty();
            if !next_step {
                failures.push(format!("{case}: a dead end: {:?}", last.text));
            }
            let asks_a_choice = matches!(
                chat.state.expecting,
                Expecting::Service | Expecting::Day | Expecting::Slot | Expecting::ChooseBooking
            );
            if asks_a_choice && chat.state.offered.is_empty() && chat.effects.is_empty() {
                failures.push(format!(
                    "{case}: asks {:?} with nothing to choose",
                    chat.state.expecting
                ));
            }
            if chat.state.expecting == Expecting::ConfirmCancel && chat.state.target.is_none() {
                failures.push(format!("{case}: confirms a cancel of nothing"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
