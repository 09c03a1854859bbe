//! The emails about a booking, in German.

use crate::languages::mail::MailTexts;

pub(super) const MAIL: MailTexts = MailTexts {
    greeting_customer: "Hallo {customer},",
    greeting_business: "{business},",

    confirmed_subject: "Termin bestätigt: {service} am {date}",
    confirmed_opening: "Ihr Termin bei {business} ist bestätigt.",
    rescheduled_subject: "Termin verschoben: {service} jetzt am {date}",
    rescheduled_opening: "Ihr Termin bei {business} wurde verschoben.",
    cancelled_subject: "Termin abgesagt: {service} am {date}",
    cancelled_opening: "Ihr Termin bei {business} wurde abgesagt.",
    reminder_subject: "Erinnerung: {service} bei {business} am {date}",
    reminder_opening: "wir erinnern Sie an Ihren Termin bei {business}.",
    new_link_subject: "Ein neuer Link zu Ihrem Termin: {service} am {date}",
    new_link_opening: "{business} hat Ihrem Termin einen neuen Link gegeben; der bisherige funktioniert nicht mehr.",

    business_confirmed_subject: "Neue Buchung: {customer}, {service} am {date}",
    business_confirmed_opening: "{customer} hat gebucht.",
    business_rescheduled_subject: "Buchung verschoben: {customer}, {service} jetzt am {date}",
    business_rescheduled_opening: "die Buchung von {customer} wurde verschoben.",
    business_cancelled_subject: "Buchung abgesagt: {customer}, {service} am {date}",
    business_cancelled_opening: "die Buchung von {customer} wurde abgesagt.",
    business_reminder_subject: "Demnächst: {customer}, {service} am {date}",
    business_reminder_opening: "{customer} kommt bald.",

    service_label: "Leistung",
    staff_label: "Bei",
    when_label: "Wann",
    place_label: "Wo",
    reference_label: "Buchungsnummer",
    customer_label: "Kunde",
    notes_label: "Notizen",
    manage_link: "Termin ansehen, verschieben oder absagen",
    chat_link: "Mit uns chatten (wir wissen dann, dass Sie es sind)",

    when: "{date}, {from}–{until} Uhr ({zone}, UTC{offset})",
};
