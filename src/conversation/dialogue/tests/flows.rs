//! One test per flow: new booking, details, existing bookings, proof, small talk.

use super::{Chat, at, said, tuesday};
use crate::conversation::desk::memory::CODE;
use crate::conversation::dialogue::Effect;
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;

#[test]
fn a_full_sentence_books_after_name_contact_and_confirmation() {
    let mut chat = Chat::new();
    let replies = chat.say("Haircut with Anna tomorrow at 10:00");
    let held = &chat.desk.bookings[0];
    assert_eq!(held.status, "held");
    assert_eq!(held.staff_id, "anna");
    assert_eq!(held.start_at.and_utc(), at(tuesday(), 10, 0));
    assert!(said(&replies, &chat.texts.ask_name()));
    assert_eq!(chat.expecting(), Expecting::Name);

    chat.say("jonas weber");
    assert_eq!(chat.expecting(), Expecting::Contact);
    chat.say("+49 151 23456789");
    assert_eq!(chat.expecting(), Expecting::Confirm);
    let replies = chat.tap(Payload::Yes);

    let booking = &chat.desk.bookings[0];
    assert_eq!(booking.status, "confirmed");
    assert_eq!(booking.customer_name, "Jonas Weber");
    assert_eq!(booking.customer_phone.as_deref(), Some("+4915123456789"));
    assert!(said(&replies, &booking.reference));
    assert!(chat.state.draft.is_none());
    assert_eq!(chat.expecting(), Expecting::Nothing);
}

#[test]
fn missing_pieces_are_asked_for_one_at_a_time() {
    let mut chat = Chat::new();
    chat.say("I would like to book an appointment");
    assert_eq!(chat.expecting(), Expecting::Service);
    assert!(chat.offered().contains(&Payload::Service("colour".into())));

    chat.tap(Payload::Service("colour".into()));
    assert_eq!(chat.expecting(), Expecting::Day);
    assert!(chat.offered().contains(&Payload::Day(tuesday())));

    chat.tap(Payload::Day(tuesday()));
    assert_eq!(chat.expecting(), Expecting::Slot);
    chat.tap(chat.first_slot());
    assert_eq!(chat.expecting(), Expecting::Name);
    assert_eq!(chat.desk.bookings[0].service_id, "colour");
    assert_eq!(chat.desk.bookings[0].staff_id, "anna");
}

#[test]
fn a_taken_time_offers_the_nearest_free_ones() {
    let mut chat = Chat::new();
    let ten = at(tuesday(), 10, 0);
    chat.desk
        .add_booking("cut", "anna", ten, false, "+4915100000001");
    chat.desk
        .add_booking("cut", "ben", ten, false, "+4915100000002");
    let replies = chat.say("Haircut tomorrow at 10:00");

    assert!(said(&replies, &chat.texts.taken(ten)));
    assert_eq!(chat.expecting(), Expecting::Slot);
    let starts: Vec<i64> = chat
        .offered()
        .into_iter()
        .filter_map(|p| match p {
            Payload::Slot { start, .. } => Some(start),
            _ => None,
        })
        .collect();
    assert!(!starts.is_empty());
    assert!(!starts.contains(&ten.timestamp()));
    assert!(starts.contains(&at(tuesday(), 10, 30).timestamp()));
    assert!(chat.desk.bookings.iter().all(|b| b.status != "held"));
}

#[test]
fn offered_times_name_the_service_and_the_staff_member_asked_for() {
    let friday = tuesday() + chrono::Days::new(3);
    let mut chat = Chat::new();
    let replies = chat.say("Haircut with Ben on Friday afternoon");
    assert_eq!(chat.expecting(), Expecting::Slot);
    assert!(
        said(&replies, "Haircut with Ben — free on Friday 5 March:"),
        "{replies:?}"
    );
    assert!(said(
        &replies,
        &chat.texts.slots_on("Haircut", Some("Ben"), friday)
    ));

    let mut chat = Chat::new();
    let replies = chat.say("Haircut on Friday");
    assert!(
        said(&replies, "Haircut — free on Friday 5 March:"),
        "{replies:?}"
    );

    let mut chat = Chat::new();
    let replies = chat.say("Haircut with Anna at 15:00");
    assert!(
        said(&replies, "Haircut with Anna — these times are free:"),
        "{replies:?}"
    );
}

#[test]
fn contact_details_are_checked_and_remembered_for_the_next_booking() {
    let mut chat = Chat::new();
    chat.say("Haircut tomorrow at 11:00");
    chat.say("Jonas Weber");
    let replies = chat.say("no idea");
    assert!(said(&replies, &chat.texts.invalid_phone()));
    assert_eq!(chat.expecting(), Expecting::Contact);
    chat.say("jo@example.com");
    chat.tap(Payload::Yes);
    assert_eq!(chat.desk.bookings[0].status, "confirmed");

    // The second booking asks neither name nor contact again.
    chat.say("Haircut tomorrow at 14:00");
    assert_eq!(chat.expecting(), Expecting::Confirm);
}

#[test]
fn a_contact_requirement_asks_for_exactly_what_it_needs() {
    let mut chat = Chat::new();
    chat.desk.calendar_mut().business.chat.contact_requirement =
        crate::domain::ContactRequirement::PhoneAndEmail;
    chat.say("Haircut tomorrow at 11:00");
    chat.say("Jonas Weber");
    assert_eq!(chat.expecting(), Expecting::Phone);
    chat.say("+49 151 23456789");
    assert_eq!(chat.expecting(), Expecting::Email);
    chat.say("jo@example.com");
    assert_eq!(chat.expecting(), Expecting::Confirm);
}

#[test]
fn an_own_booking_is_cancelled_after_confirmation() {
    let mut chat = Chat::new();
    let booking = chat.desk.add_booking(
        "cut",
        "ben",
        at(tuesday() + chrono::Days::new(2), 15, 0),
        true,
        "+4915100000003",
    );
    chat.say("I need to cancel my booking");
    assert_eq!(chat.expecting(), Expecting::ConfirmCancel);
    chat.tap(Payload::Yes);
    assert_eq!(
        chat.desk.booking(&booking.id).map(|b| b.status.as_str()),
        Some("cancelled")
    );
    assert_eq!(chat.expecting(), Expecting::Nothing);
}

#[test]
fn a_booking_inside_the_cutoff_is_kept_and_explained() {
    let mut chat = Chat::new();
    let booking = chat
        .desk
        .add_booking("cut", "ben", at(tuesday(), 8, 0), true, "+4915100000003");
    chat.tap(Payload::Cancel(booking.id.clone()));
    chat.tap(Payload::Yes);
    assert_eq!(
        chat.desk.booking(&booking.id).map(|b| b.status.as_str()),
        Some("confirmed")
    );
    assert!(!chat.state.offered.is_empty());
}

#[test]
fn an_own_booking_moves_to_another_day_at_the_same_time() {
    let mut chat = Chat::new();
    let thursday = tuesday() + chrono::Days::new(2);
    let booking = chat
        .desk
        .add_booking("cut", "ben", at(thursday, 15, 0), true, "+4915100000003");
    chat.say("can I move my appointment?");
    assert_eq!(chat.expecting(), Expecting::Day);
    let friday = thursday + chrono::Days::new(1);
    chat.tap(Payload::Day(friday));
    assert_eq!(chat.expecting(), Expecting::Slot);
    let slot = chat.first_slot();
    let Payload::Slot { start, .. } = slot else {
        unreachable!("first_slot is a slot")
    };
    chat.tap(slot);
    assert_eq!(chat.expecting(), Expecting::ConfirmMove);
    chat.tap(Payload::Yes);
    let moved = chat.desk.booking(&booking.id).expect("still there");
    assert_eq!(moved.start_at.and_utc().timestamp(), start);
    assert!(moved.start_at.and_utc() > at(friday, 0, 0));
    assert_eq!(moved.status, "confirmed");
}

#[test]
fn an_own_booking_moves_by_the_time_the_customer_asks_for() {
    let mut chat = Chat::new();
    let thursday = tuesday() + chrono::Days::new(2);
    let booking = chat
        .desk
        .add_booking("cut", "ben", at(thursday, 15, 0), true, "+4915100000003");
    chat.say("could we make it an hour later?");
    assert_eq!(chat.expecting(), Expecting::ConfirmMove);
    chat.tap(Payload::Yes);
    let moved = chat.desk.booking(&booking.id).expect("still there");
    assert_eq!(moved.start_at.and_utc(), at(thursday, 16, 0));
}

#[test]
fn a_bit_later_offers_the_same_day_after_the_booked_time() {
    let mut chat = Chat::new();
    let thursday = tuesday() + chrono::Days::new(2);
    chat.desk
        .add_booking("cut", "ben", at(thursday, 15, 0), true, "+4915100000003");
    chat.say("geht es auch etwas später?");
    assert_eq!(chat.expecting(), Expecting::Slot);
    let offered = chat.offered();
    assert!(!offered.is_empty());
    for payload in offered {
        if let Payload::Slot { start, .. } = payload {
            assert!(start > at(thursday, 15, 0).timestamp(), "{start}");
            assert!(
                start < at(thursday + chrono::Days::new(1), 0, 0).timestamp(),
                "{start}"
            );
        }
    }
}

#[test]
fn a_reference_with_its_contact_earns_a_code_that_shows_the_booking() {
    let mut chat = Chat::new();
    let elsewhere =
        chat.desk
            .add_booking("cut", "anna", at(tuesday(), 12, 0), false, "+4915123456789");
    chat.say("show my bookings");
    assert_eq!(chat.expecting(), Expecting::VerifyContact);

    let message = format!(
        "my booking is {} and my phone +49 151 23456789",
        elsewhere.reference
    );
    chat.say(&message);
    assert_eq!(chat.expecting(), Expecting::Code);
    assert_eq!(chat.desk.codes_sent.len(), 1);

    let replies = chat.say(CODE);
    assert!(said(&replies, &chat.texts.proven()));
    assert!(said(&replies, &elsewhere.reference));
}

#[test]
fn a_reference_that_does_not_match_answers_the_same_and_sends_nothing() {
    let mut chat = Chat::new();
    chat.desk
        .add_booking("cut", "anna", at(tuesday(), 12, 0), false, "+4915123456789");
    chat.tap(Payload::Verify);
    chat.say("booking K6P-DK3 phone +49 151 99999999");
    assert_eq!(chat.expecting(), Expecting::Code);
    assert!(chat.desk.codes_sent.is_empty());
    let replies = chat.say(CODE);
    assert!(said(&replies, &chat.texts.code_wrong(4)));
}

#[test]
fn a_code_to_an_email_proves_the_customer_and_a_wrong_one_does_not() {
    let mut chat = Chat::new();
    chat.tap(Payload::Verify);
    chat.say("jo@example.com");
    assert_eq!(chat.expecting(), Expecting::Code);
    let replies = chat.say("000000");
    assert!(said(&replies, &chat.texts.code_wrong(4)));
    assert_eq!(chat.expecting(), Expecting::Code);
    let replies = chat.say(CODE);
    assert!(said(&replies, &chat.texts.proven()));
    assert!(chat.desk.customer_id.is_some());
}

#[test]
fn a_phone_without_country_code_is_explained_not_texted() {
    let mut chat = Chat::new();
    chat.tap(Payload::Verify);
    let replies = chat.say("0151 23456789");
    assert!(said(&replies, &chat.texts.code_needs_country()));
    assert!(chat.desk.codes_sent.is_empty());
}

#[test]
fn small_talk_greets_helps_hands_off_and_offers_a_person_when_lost() {
    let mut chat = Chat::new();
    let replies = chat.say("hello");
    assert!(said(&replies, &chat.texts.greeting("Salon Test")));
    assert_eq!(chat.expecting(), Expecting::Service);

    let replies = chat.say("help");
    assert!(said(&replies, &chat.texts.help()));

    chat.say("xq zzv");
    let replies = chat.say("xq zzv");
    assert!(said(&replies, &chat.texts.unclear_often()));
    assert_eq!(chat.offered().first(), Some(&Payload::Human));

    let replies = chat.say("I want to talk to a human");
    assert!(said(&replies, &chat.texts.handed_off()));
    assert_eq!(chat.effects, vec![Effect::Handoff]);
}
