//! A Spanish customer books end to end: first with only what reads the same in every language —
//! taps, a number, a name, a phone number — so that the replies are checked whatever the
//! Spanish vocabulary knows; then in Spanish words, which also needs the vocabulary.

use super::{Chat, said, titles, tuesday};
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::languages::Locale;

#[test]
fn a_spanish_customer_books_with_taps_and_numbers() {
    let mut chat = Chat::in_language(Locale::Es);
    let replies = chat.tap(Payload::Book);
    assert_eq!(chat.expecting(), Expecting::Service);
    assert!(said(&replies, "¿Qué servicio quieres?"), "{replies:?}");

    let replies = chat.tap(Payload::Service("cut".into()));
    assert_eq!(chat.expecting(), Expecting::Day);
    assert!(
        said(&replies, "¿Qué día te viene bien para Haircut?"),
        "{replies:?}"
    );
    let days = titles(&replies);
    assert_eq!(days.first(), Some(&"lun 01/03"), "{days:?}");
    assert!(
        days.contains(&"mar 02/03") && days.contains(&"Otro día"),
        "{days:?}"
    );

    let replies = chat.tap(Payload::Day(tuesday()));
    assert_eq!(chat.expecting(), Expecting::Slot);
    assert!(
        said(&replies, "Haircut — horas libres el martes 2 de marzo:"),
        "{replies:?}"
    );
    let second = titles(&replies)[1].to_owned();
    assert!(
        second.len() == 5 && second.contains(':'),
        "24-hour times: {second}"
    );

    // The second offered time, by its number.
    let replies = chat.say("2");
    assert_eq!(chat.expecting(), Expecting::Name);
    let summary = format!("Haircut con Anna el martes 2 de marzo a las {second}");
    assert!(
        said(
            &replies,
            &format!("Te guardo {summary} durante 10 minutos.")
        ),
        "{replies:?}"
    );
    assert!(said(&replies, "¿Me dices tu nombre?"), "{replies:?}");

    chat.say("Lucía García");
    assert_eq!(chat.expecting(), Expecting::Contact);
    let replies = chat.say("+34 612 345 678");
    assert_eq!(chat.expecting(), Expecting::Confirm);
    assert!(
        said(
            &replies,
            &format!("{summary} (hora de Europe/Berlin). ¿Te lo reservo?")
        ),
        "{replies:?}"
    );
    assert_eq!(titles(&replies), ["Sí, reservar", "Cambiar", "Dejarlo"]);

    let replies = chat.tap(Payload::Yes);
    let booking = &chat.desk.bookings[0];
    assert_eq!(booking.status, "confirmed");
    assert_eq!(booking.customer_name, "Lucía García");
    assert_eq!(booking.customer_phone.as_deref(), Some("+34612345678"));
    assert!(
        said(
            &replies,
            &format!(
                "¡Reservado! {summary}. Tu número de reserva es {}.",
                booking.reference
            )
        ),
        "{replies:?}"
    );
    assert_eq!(chat.expecting(), Expecting::Nothing);
}

#[test]
fn a_spanish_customer_books_and_cancels_in_spanish_words() {
    let mut chat = Chat::in_language(Locale::Es);
    // A Spanish salon names its services in Spanish.
    chat.desk.calendar_mut().services[0].synonyms = vec!["corte".into()];
    let replies = chat.say("hola, quería un corte con Ben mañana a las 11");
    assert_eq!(chat.expecting(), Expecting::Name, "{replies:?}");
    let summary = "Haircut con Ben el martes 2 de marzo a las 11:00";
    assert!(
        said(&replies, &format!("Te guardo {summary}")),
        "{replies:?}"
    );
    chat.say("Lucía García");
    chat.say("lucia@example.es");
    assert_eq!(chat.expecting(), Expecting::Confirm);
    let replies = chat.say("sí, perfecto");
    assert_eq!(chat.desk.bookings[0].status, "confirmed");
    assert!(said(&replies, "¡Reservado!"), "{replies:?}");

    let replies = chat.say("¿qué citas tengo?");
    assert!(said(&replies, "Tus próximas citas:"), "{replies:?}");
    let replies = chat.say("quiero cancelar mi cita");
    assert_eq!(chat.expecting(), Expecting::ConfirmCancel, "{replies:?}");
    chat.say("sí");
    assert_eq!(chat.desk.bookings[0].status, "cancelled");
}
