//! What the platforms' menus say in English.

use crate::languages::menus::Menus;

pub(super) const MENUS: Menus = Menus {
    greeting: "Hi {first_name}! Book your appointment at {business} right here, any time.",
    greeting_short: "Hi {first_name}! Book your appointment right here, any time.",
    ask_book: "I'd like to book an appointment",
    ask_prices: "What are your prices?",
    ask_hours: "When are you open?",
    ask_human: "I'd like to talk to a person",
    command_book: "Book an appointment",
    command_prices: "Our services and prices",
    command_hours: "Opening hours",
    command_my_bookings: "See, move or cancel your appointments",
    description: "Book your appointment at {business} by chat, any time: just write to us here. You can move or cancel an appointment the same way.",
};
