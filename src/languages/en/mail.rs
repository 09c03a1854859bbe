//! The emails about a booking, in English.

use crate::languages::mail::MailTexts;

pub(super) const MAIL: MailTexts = MailTexts {
    greeting_customer: "Hello {customer},",
    greeting_business: "{business},",

    confirmed_subject: "Booking confirmed: {service} on {date}",
    confirmed_opening: "your booking at {business} is confirmed.",
    rescheduled_subject: "Booking moved: {service} now on {date}",
    rescheduled_opening: "your booking at {business} has been moved to a new time.",
    cancelled_subject: "Booking cancelled: {service} on {date}",
    cancelled_opening: "your booking at {business} has been cancelled.",
    reminder_subject: "Reminder: {service} at {business} on {date}",
    reminder_opening: "this is a reminder of your appointment at {business}.",
    new_link_subject: "A new link for your booking: {service} on {date}",
    new_link_opening: "{business} has given your booking a new link; the one you had before no longer works.",

    business_confirmed_subject: "New booking: {customer}, {service} on {date}",
    business_confirmed_opening: "{customer} has booked.",
    business_rescheduled_subject: "Booking moved: {customer}, {service} now on {date}",
    business_rescheduled_opening: "the booking of {customer} has been moved.",
    business_cancelled_subject: "Booking cancelled: {customer}, {service} on {date}",
    business_cancelled_opening: "the booking of {customer} has been cancelled.",
    business_reminder_subject: "Upcoming: {customer}, {service} on {date}",
    business_reminder_opening: "{customer} is coming soon.",

    service_label: "Service",
    staff_label: "With",
    when_label: "When",
    place_label: "Where",
    reference_label: "Reference",
    customer_label: "Customer",
    notes_label: "Notes",
    manage_link: "See, move or cancel your booking",
    chat_link: "Chat with us (we will know it's you)",

    when: "{date}, {from}–{until} ({zone}, UTC{offset})",
};
