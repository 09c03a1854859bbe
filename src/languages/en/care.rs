//! What the chat answers to questions, in English.

use crate::languages::care::CareTexts;

pub(super) const CARE: CareTexts = CareTexts {
    money: "{symbol}{amount}",
    decimal_separator: ".",
    minutes: "{minutes} min",
    hours: "{hours} h",
    hours_minutes: "{hours} h {minutes} min",
    span: "{from}–{to}",
    and: " and ",
    day_run: "{first}–{last}",

    price: "{service} is {price} and takes {duration}.",
    price_unlisted: "{service} takes {duration}. The price isn't listed here — the team can tell you.",
    price_by_staff: "With {staff}: {price}.",
    price_list: "Our prices:",
    price_line: "{service}: {price}, {duration}",
    price_line_unlisted: "{service}: {duration} (price on request)",
    duration: "{service} takes about {duration}.",
    duration_list: "How long each takes:",
    duration_line: "{service}: {duration}",
    offered: "Yes, we do {service} ({price}).",
    offered_unlisted: "Yes, we do {service}.",
    closest: "That isn't on our list as such. The closest we offer is {service}.",
    service_list: "Here's what we offer:",

    open_on: "On {date} we're open {hours}.",
    closed_on: "We're closed on {date}.",
    open_now: "Yes, we're open now, until {until}.",
    closed_now: "We're closed right now. We open again on {when}.",
    closed_for_now: "We're closed right now, and no opening hours are set for the coming weeks.",
    week: "Our opening hours:",
    week_line: "{days}: {hours}",
    week_closed: "{days}: closed",
    closures_ahead: "Closed on: {dates}.",

    address: "You'll find us at {address}.\nMap: {map}",
    phone: "You can call us on {phone}.",
    website: "You can book online any time here: {url}",
    not_listed: "I don't have that here — shall I ask the team?",

    staff_works: "{staff} works on {date}, {hours}.",
    staff_off: "{staff} isn't in on {date}.",
    staff_week: "{staff} usually works {days}.",
    staff_no_days: "{staff} has no working days set at the moment.",
    who_works: "Working on {date}:",
    staff_line: "{staff}: {hours}",

    cancellation: "You can cancel or move an appointment yourself up to {cutoff} before it starts.",
    cancellation_any_time: "You can cancel or move an appointment yourself at any time before it starts.",
    horizon: "You can book up to {days} days ahead, and at the latest {notice} before the appointment.",
    reminders: "We send you a reminder {offsets} before your appointment.",
    no_reminders: "We don't send reminders, but your confirmation has a calendar file you can add to your phone.",

    dont_know: "I don't know that — shall I ask the team?",
    asked_team: "I've passed your question to the team. Someone will answer here as soon as possible.",
    too_far: "That's further ahead than we plan: we take bookings up to {days} days ahead.",

    button_book_service: "Book {service}",
    button_times: "Times {date}",
    button_prices: "Prices",
    button_hours: "Opening hours",
    button_ask_team: "Ask the team",
};
