//! What the platforms' menus say in German: "Sie", as the chat addresses customers.

use crate::languages::menus::Menus;

pub(super) const MENUS: Menus = Menus {
    greeting: "Hallo {first_name}! Hier buchen Sie Ihren Termin bei {business} – jederzeit.",
    greeting_short: "Hallo {first_name}! Hier buchen Sie Ihren Termin – jederzeit.",
    ask_book: "Ich möchte einen Termin buchen",
    ask_prices: "Was kosten Ihre Leistungen?",
    ask_hours: "Wann haben Sie geöffnet?",
    ask_human: "Ich möchte mit einem Mitarbeiter sprechen",
    command_book: "Termin buchen",
    command_prices: "Leistungen und Preise",
    command_hours: "Öffnungszeiten",
    command_my_bookings: "Ihre Termine ansehen, verschieben oder absagen",
    description: "Buchen Sie Ihren Termin bei {business} jederzeit per Chat: Schreiben Sie uns einfach hier. Auf demselben Weg können Sie Termine auch verschieben oder absagen.",
};
