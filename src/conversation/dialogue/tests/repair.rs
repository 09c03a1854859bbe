//! Changing one thing while keeping the rest, at any step, in English, German and Spanish, at
//! the demo barber (Sam works Tuesday to Saturday, Alex Monday to Friday, Jordan Wednesday to
//! Saturday).

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{Chat, at, said, tuesday};
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::languages::Locale;
use crate::scheduling::{CalendarException, ExceptionRule};

fn wednesday() -> NaiveDate {
    tuesday() + Days::new(1)
}

fn next_monday() -> NaiveDate {
    tuesday() + Days::new(6)
}

/// The slot this conversation holds: its staff member and start.
fn held(chat: &Chat) -> Option<(String, DateTime<Utc>)> {
    let held: Vec<_> = chat
        .desk
        .bookings
        .iter()
        .filter(|b| b.status == "held")
        .collect();
    assert!(held.len() <= 1, "one hold at a time: {held:?}");
    held.first()
        .map(|b| (b.staff_id.clone(), b.start_at.and_utc()))
}

/// The offered slots: start and the staff member their payload names.
fn offered_slots(chat: &Chat) -> Vec<(DateTime<Utc>, Option<String>)> {
    chat.offered()
        .into_iter()
        .filter_map(|p| match p {
            Payload::Slot { start, staff } => Some((DateTime::from_timestamp(start, 0)?, staff)),
            _ => None,
        })
        .collect()
}

/// Books `message`'s slot to the end with a name and a phone number.
fn book(chat: &mut Chat, message: &str) {
    chat.say(message);
    if chat.expecting() == Expecting::Name {
        chat.say("Kim Novak");
    }
    if chat.expecting() == Expecting::Contact {
        chat.say("+49 151 23456789");
    }
    assert_eq!(chat.expecting(), Expecting::Confirm, "{message}");
    chat.tap(Payload::Yes);
    assert!(chat.desk.bookings.iter().all(|b| b.status == "confirmed"));
}

#[test]
fn repair_switches_staff_and_keeps_day_and_time() {
    let eleven = at(wednesday(), 11, 0);
    let cases = [
        (
            Locale::En,
            "Haircut with Sam on Wednesday at 11",
            ["is Jordan free then?", "and with Alex?"],
        ),
        (
            Locale::De,
            "Haarschnitt bei Sam am Mittwoch um 11",
            ["hat Jordan dann Zeit?", "lieber bei Alex"],
        ),
        (
            Locale::Es,
            "corte con Sam el miércoles a las 11",
            ["¿y con Jordan?", "mejor con Alex"],
        ),
    ];
    for (locale, first, [second, third]) in cases {
        let mut chat = Chat::at_barber(locale);
        chat.say(first);
        assert_eq!(held(&chat), Some(("sam".into(), eleven)), "{first}");
        chat.say(second);
        assert_eq!(held(&chat), Some(("jordan".into(), eleven)), "{second}");
        assert_eq!(chat.expecting(), Expecting::Name, "{second}");
        chat.say(third);
        assert_eq!(held(&chat), Some(("alex".into(), eleven)), "{third}");
        let draft = chat.state.draft.clone().unwrap_or_default();
        assert_eq!(draft.service_id.as_deref(), Some("haircut"), "{third}");
    }
}

#[test]
fn another_staff_member_busy_then_gets_their_nearest_free_times() {
    let mut chat = Chat::at_barber(Locale::En);
    let eleven = at(wednesday(), 11, 0);
    chat.desk
        .add_booking("haircut", "jordan", eleven, false, "+4915100000001");
    chat.say("Haircut with Sam on Wednesday at 11");
    let replies = chat.say("is Jordan free then?");
    assert!(said(&replies, &chat.texts.taken(eleven)), "{replies:?}");
    assert_eq!(held(&chat), None, "Sam's hold is released");
    let offered = offered_slots(&chat);
    assert!(!offered.is_empty());
    assert!(offered.iter().all(|(_, s)| s.as_deref() == Some("jordan")));
    assert!(offered.iter().any(|(t, _)| *t == at(wednesday(), 11, 30)));
}

#[test]
fn repair_shifts_the_drafted_time() {
    let cases = [
        (
            Locale::En,
            "Haircut with Sam on Wednesday at 11",
            "what about an hour later",
            "actually can we do earlier?",
        ),
        (
            Locale::De,
            "Haarschnitt bei Sam am Mittwoch um 11",
            "geht es auch eine Stunde später?",
            "eigentlich lieber etwas früher",
        ),
        (
            Locale::Es,
            "corte con Sam el miércoles a las 11",
            "¿puede ser una hora más tarde?",
            "mejor un poco antes",
        ),
    ];
    for (locale, first, later, earlier) in cases {
        let mut chat = Chat::at_barber(locale);
        chat.say(first);
        chat.say(later);
        assert_eq!(
            held(&chat),
            Some(("sam".into(), at(wednesday(), 12, 0))),
            "{later}"
        );
        assert_eq!(chat.expecting(), Expecting::Name, "{later}");
        chat.say(earlier);
        assert_eq!(chat.expecting(), Expecting::Slot, "{earlier}");
        let offered = offered_slots(&chat);
        assert!(!offered.is_empty(), "{earlier}");
        for (start, staff) in offered {
            assert!(start < at(wednesday(), 12, 0), "{earlier}: {start}");
            assert!(start >= at(wednesday(), 9, 0), "{earlier}: {start}");
            assert_eq!(staff.as_deref(), Some("sam"), "{earlier}");
        }
    }
}

#[test]
fn a_change_at_any_step_is_applied_not_taken_for_the_answer() {
    let eleven = at(wednesday(), 11, 0);
    // Asked for a phone number.
    let mut chat = Chat::at_barber(Locale::En);
    chat.say("Haircut with Sam on Wednesday at 11");
    chat.say("Kim Novak");
    assert_eq!(chat.expecting(), Expecting::Contact);
    chat.say("actually, one hour later please");
    assert_eq!(held(&chat), Some(("sam".into(), at(wednesday(), 12, 0))));
    assert_eq!(chat.expecting(), Expecting::Contact);

    // Asked to confirm.
    chat.say("+49 151 23456789");
    assert_eq!(chat.expecting(), Expecting::Confirm);
    chat.say("and with Alex?");
    assert_eq!(held(&chat), Some(("alex".into(), at(wednesday(), 12, 0))));
    assert_eq!(chat.expecting(), Expecting::Confirm);
    chat.say("lieber am Donnerstag");
    let thursday = wednesday() + Days::new(1);
    assert_eq!(held(&chat), Some(("alex".into(), at(thursday, 12, 0))));

    // Asked one of the business's own questions.
    let mut chat = Chat::at_barber(Locale::De);
    chat.desk
        .questions
        .push(crate::conversation::desk::CustomerQuestion {
            id: "q1".into(),
            business_id: "barber".into(),
            position: 1,
            prompt_en: "Anything we should know?".into(),
            prompt_de: "Sollen wir etwas wissen?".into(),
            kind: "text".into(),
            active: 1,
            created_at: chrono::NaiveDateTime::default(),
            updated_at: chrono::NaiveDateTime::default(),
        });
    chat.say("Haarschnitt bei Sam am Mittwoch um 11");
    chat.say("Kim Novak");
    chat.say("+49 151 23456789");
    assert_eq!(chat.expecting(), Expecting::Question);
    chat.say("geht auch Jordan?");
    assert_eq!(held(&chat), Some(("jordan".into(), eleven)));
    assert_eq!(chat.expecting(), Expecting::Question);
    assert!(
        chat.state
            .draft
            .as_ref()
            .is_some_and(|d| d.answers.is_empty())
    );
}

#[test]
fn a_staff_members_name_given_as_the_customers_name_is_a_name() {
    for name in ["Sam", "Sam Miller", "jordan"] {
        let mut chat = Chat::at_barber(Locale::En);
        chat.say("Haircut with Alex on Wednesday at 11");
        assert_eq!(chat.expecting(), Expecting::Name);
        chat.say(name);
        assert_eq!(chat.expecting(), Expecting::Contact, "{name}");
        assert_eq!(held(&chat), Some(("alex".into(), at(wednesday(), 11, 0))));
        let given = chat.state.draft.as_ref().and_then(|d| d.name.clone());
        assert!(
            given.is_some_and(|g| g.eq_ignore_ascii_case(name)),
            "{name}"
        );
    }
}

#[test]
fn a_change_of_mind_just_after_booking_moves_that_booking() {
    let cases = [
        (
            Locale::En,
            "Haircut with Sam tomorrow at 10",
            "can I come the day after tomorrow instead",
            "at 11",
            "yes",
        ),
        (
            Locale::De,
            "Haarschnitt bei Sam morgen um 10",
            "kann ich doch lieber übermorgen kommen?",
            "um 11",
            "ja",
        ),
        (
            Locale::Es,
            "corte con Sam mañana a las 10",
            "¿mejor pasado mañana?",
            "a las 11",
            "sí",
        ),
    ];
    for (locale, first, change, time, yes) in cases {
        let mut chat = Chat::at_barber(locale);
        book(&mut chat, first);
        let replies = chat.say(change);
        assert_eq!(
            chat.expecting(),
            Expecting::ConfirmMove,
            "{change}: {replies:?}"
        );
        let replies = chat.say(time);
        assert_eq!(
            chat.expecting(),
            Expecting::ConfirmMove,
            "{time}: {replies:?}"
        );
        chat.say(yes);
        assert_eq!(chat.desk.bookings.len(), 1, "{change}: no second booking");
        let moved = &chat.desk.bookings[0];
        assert_eq!(moved.status, "confirmed");
        assert_eq!(moved.start_at.and_utc(), at(wednesday(), 11, 0), "{change}");
        assert_eq!(moved.staff_id, "sam");
    }
}

#[test]
fn another_staff_member_just_after_booking_moves_that_booking_to_them() {
    let cases = [
        (
            Locale::En,
            "Haircut with Sam on Wednesday at 11",
            "is Jordan free then?",
        ),
        (
            Locale::De,
            "Haarschnitt bei Sam am Mittwoch um 11",
            "hat Jordan dann Zeit?",
        ),
        (
            Locale::Es,
            "corte con Sam el miércoles a las 11",
            "¿y con Jordan?",
        ),
    ];
    for (locale, first, change) in cases {
        let mut chat = Chat::at_barber(locale);
        // Another booking ahead: the change is still about the one just made.
        chat.desk.add_booking(
            "beard",
            "alex",
            at(tuesday(), 15, 0),
            true,
            "+4915100000003",
        );
        book(&mut chat, first);
        let replies = chat.say(change);
        assert_eq!(
            chat.expecting(),
            Expecting::ConfirmMove,
            "{change}: {replies:?}"
        );
        let to = chat.texts.when_with_staff(at(wednesday(), 11, 0), "Jordan");
        assert!(said(&replies, &to), "{change}: {replies:?}");
        chat.tap(Payload::Yes);
        let moved = chat
            .desk
            .bookings
            .iter()
            .find(|b| b.service_id == "haircut")
            .expect("the haircut");
        assert_eq!(
            (moved.staff_id.as_str(), moved.start_at.and_utc()),
            ("jordan", at(wednesday(), 11, 0)),
            "{change}"
        );
        assert_eq!(chat.desk.bookings.len(), 2, "{change}");
    }
}

#[test]
fn another_week_just_after_booking_offers_that_week_at_the_booked_time() {
    let mut chat = Chat::at_barber(Locale::En);
    book(&mut chat, "Haircut with Sam tomorrow at 10");
    chat.say("can I come next week instead?");
    assert_eq!(chat.expecting(), Expecting::Slot);
    let offered = offered_slots(&chat);
    assert!(!offered.is_empty());
    for (start, staff) in offered {
        assert!(start >= at(next_monday(), 0, 0), "{start}");
        assert_eq!(chat.texts.time(start), "10:00");
        assert_eq!(staff.as_deref(), Some("sam"));
    }
}

#[test]
fn a_new_request_after_booking_is_a_new_booking() {
    let mut chat = Chat::at_barber(Locale::En);
    book(&mut chat, "Haircut with Sam tomorrow at 10");
    let replies = chat.say("and a beard trim on Friday at 3pm");
    assert_eq!(chat.expecting(), Expecting::Confirm, "{replies:?}");
    assert_eq!(chat.desk.bookings.len(), 2);
    chat.tap(Payload::Yes);
    let replies = chat.say("and another haircut on Saturday at 10");
    assert_eq!(chat.expecting(), Expecting::Confirm, "{replies:?}");
    assert_eq!(chat.desk.bookings.len(), 3);
    assert_eq!(
        chat.desk.bookings[0].start_at.and_utc(),
        at(tuesday(), 10, 0)
    );
}

#[test]
fn a_day_the_staff_member_does_not_work_is_said_and_others_are_offered() {
    let monday = next_monday();
    let cases = [
        (Locale::En, "move it to Monday at 10"),
        (Locale::De, "kann ich ihn auf Montag um 10 verschieben?"),
        (Locale::Es, "¿lo puedo cambiar al lunes a las 10?"),
    ];
    for (locale, message) in cases {
        let mut chat = Chat::at_barber(locale);
        let booking = chat.desk.add_booking(
            "haircut",
            "sam",
            at(tuesday(), 15, 0),
            true,
            "+4915100000003",
        );
        let replies = chat.say(message);
        assert!(
            said(&replies, &chat.texts.staff_off("Sam", monday, true)),
            "{message}: {replies:?}"
        );
        assert!(
            !said(&replies, &chat.texts.taken(at(monday, 10, 0))),
            "{message}"
        );
        let offered = offered_slots(&chat);
        assert!(
            offered.contains(&(at(monday, 10, 0), Some("alex".into()))),
            "{message}: {offered:?}"
        );
        assert!(
            offered
                .iter()
                .any(|(t, s)| s.as_deref() == Some("sam") && *t > at(monday, 0, 0)),
            "{message}: Sam's next days: {offered:?}"
        );
        chat.tap(Payload::Slot {
            start: at(monday, 10, 0).timestamp(),
            staff: Some("alex".into()),
        });
        assert_eq!(chat.expecting(), Expecting::ConfirmMove, "{message}");
        chat.tap(Payload::Yes);
        let moved = chat.desk.booking(&booking.id).expect("still there");
        assert_eq!(
            (moved.staff_id.as_str(), moved.start_at.and_utc()),
            ("alex", at(monday, 10, 0))
        );
    }
}

#[test]
fn a_new_booking_on_a_staff_members_day_off_or_closure_says_so() {
    let mut chat = Chat::at_barber(Locale::En);
    let replies = chat.say("Haircut with Jordan on Monday at 10");
    assert!(
        said(&replies, "Jordan doesn't work on Mondays."),
        "{replies:?}"
    );
    assert!(
        offered_slots(&chat)
            .iter()
            .any(|(_, s)| s.as_deref() == Some("alex"))
    );
    assert_eq!(held(&chat), None);

    let mut chat = Chat::at_barber(Locale::De);
    let closure = CalendarException {
        first: wednesday(),
        last: wednesday(),
        rule: ExceptionRule::Closed,
    };
    if let Some(jordan) = chat
        .desk
        .calendar_mut()
        .staff
        .iter_mut()
        .find(|s| s.id == "jordan")
    {
        jordan.exceptions.push(closure);
    }
    let replies = chat.say("Haarschnitt bei Jordan am Mittwoch");
    assert!(
        said(
            &replies,
            &chat.texts.staff_off("Jordan", wednesday(), false)
        ),
        "{replies:?}"
    );
    assert!(
        !said(&replies, &chat.texts.day_full(wednesday())),
        "{replies:?}"
    );
}

#[test]
fn several_services_named_pick_the_combined_one() {
    for (locale, message) in [
        (Locale::De, "einen Termin für Haare und Bart"),
        (Locale::En, "I'd like a haircut and beard"),
        (Locale::Es, "quiero corte y barba"),
    ] {
        let mut chat = Chat::at_barber(locale);
        chat.say(message);
        let draft = chat.state.draft.clone().unwrap_or_default();
        assert_eq!(
            draft.service_id.as_deref(),
            Some("haircut-beard"),
            "{message}"
        );
    }
}

#[test]
fn a_day_nobody_works_is_closed_not_taken() {
    let sunday = tuesday() + Days::new(5);
    let mut chat = Chat::at_barber(Locale::En);
    let replies = chat.say("Haircut on Sunday at 10");
    assert!(said(&replies, &chat.texts.closed_on(sunday)), "{replies:?}");
    assert!(!said(&replies, "taken"), "{replies:?}");
    assert_eq!(chat.expecting(), Expecting::Slot);
}
