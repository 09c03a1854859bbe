//! Questions in the middle of other things: the answer comes, and the step goes on.

use chrono::Days;

use super::*;

#[test]
fn a_question_during_a_cancellation_keeps_the_confirmation() {
    let mut chat = Chat::new();
    let thursday = tuesday() + Days::new(2);
    let own = chat
        .desk
        .add_booking("cut", "ben", at(thursday, 15, 0), true, "+4915100000003");
    chat.tap(Payload::Cancel(own.id.clone()));
    assert_eq!(chat.expecting(), Expecting::ConfirmCancel);
    let replies = chat.say("what's your phone number?");
    assert!(
        said(&replies, "You can call us on +49301234567."),
        "{replies:?}"
    );
    assert_eq!(chat.expecting(), Expecting::ConfirmCancel, "{replies:?}");
    chat.say("yes");
    let status = chat.desk.booking(&own.id).map(|b| b.status.clone());
    assert_eq!(
        status.as_deref(),
        Some("cancelled"),
        "the confirmation still cancels"
    );
}

#[test]
fn an_unknown_question_goes_to_the_team_only_when_the_customer_agrees() {
    let mut chat = Chat::new();
    let replies = chat.say("do you sell beard oil?");
    assert!(
        said(&replies, "I don't know that — shall I ask the team?"),
        "{replies:?}"
    );
    assert_eq!(titles(&replies), ["Ask the team", "No"]);
    chat.say("no");
    assert!(chat.effects.is_empty());
    chat.say("do you sell beard oil?");
    let replies = chat.say("yes");
    assert!(
        said(&replies, "I've passed your question to the team."),
        "{replies:?}"
    );
    assert_eq!(chat.effects, vec![Effect::Handoff]);
}

#[test]
fn menus_ask_for_prices_and_hours() {
    let mut chat = Chat::new();
    let replies = chat.tap(Payload::Ask(crate::understanding::Topic::Price));
    assert!(
        said(&replies, "Our prices:\nHaircut: 30 min (price on request)"),
        "{replies:?}"
    );
    let replies = chat.tap(Payload::Ask(crate::understanding::Topic::Hours));
    assert!(said(&replies, "Monday–Friday: 09:00–17:00"), "{replies:?}");
    assert!(said(&replies, "Saturday–Sunday: closed"), "{replies:?}");
}

#[test]
fn a_german_customer_is_answered_in_german() {
    let mut chat = Chat::in_language(Locale::De);
    let replies = chat.say("habt ihr am samstag offen?");
    assert!(
        said(&replies, "Am Samstag, 6. März haben wir geschlossen."),
        "{replies:?}"
    );
    let replies = chat.say("wo seid ihr?");
    assert!(
        said(&replies, "Sie finden uns hier: Teststraße 1, Berlin."),
        "{replies:?}"
    );
    assert!(
        said(&replies, "query=Teststra%C3%9Fe+1%2C+Berlin"),
        "{replies:?}"
    );
}

#[test]
fn a_conversation_opened_with_a_question_still_links_the_privacy_notice() {
    let mut chat = Chat::new();
    chat.desk.calendar_mut().business.privacy_url = Some("https://salon.test/privacy".to_owned());
    let understanding = understand(
        "where are you located?",
        chat.desk.calendar(),
        Some(Locale::En),
        chat.desk.now(),
    );
    let replies = chat.turn(TurnInput {
        text: Some("where are you located?".to_owned()),
        opening: true,
        ..input(understanding)
    });
    assert!(
        said(
            &replies,
            "How we handle your data: https://salon.test/privacy"
        ),
        "{replies:?}"
    );
    assert!(said(&replies, "Teststraße 1, Berlin"), "{replies:?}");
}
