//! The customer pages in German.

use crate::languages::pages::{BookingStatusNames, ChatPageTexts, ManagePageTexts, PageTexts};

pub(super) const PAGES: PageTexts = PageTexts {
    chat: ChatPageTexts {
        title: "Termin buchen",
        widget_button: "Termin buchen",
        subtitle: "Termine buchen, verschieben oder absagen",
        input_label: "Ihre Nachricht",
        input_placeholder: "z. B. Haarschnitt morgen um 15 Uhr",
        send: "Senden",
        link: "Termin verwalten",
        choices: "Antwortmöglichkeiten",
        staff: "Team",
        unreachable: "Die Verbindung ist gestört. Bitte versuchen Sie es gleich noch einmal.",
        opened_from_link: "Über einen Link geöffnet",
        hello: "Hallo",
    },
    manage: ManagePageTexts {
        title: "Ihr Termin",
        loading: "Wird geladen…",
        service: "Leistung",
        staff: "Bei",
        when: "Wann",
        reference: "Buchungsnummer",
        status: "Status",
        move_heading: "Termin verschieben",
        day: "Tag",
        no_times: "An diesem Tag ist nichts frei.",
        cancel_heading: "Absagen",
        cancel: "Termin absagen",
        cancel_sure: "Diesen Termin wirklich absagen?",
        cancelled: "Der Termin wurde abgesagt.",
        moved: "Der Termin wurde verschoben.",
        not_found: "Diese Buchung wurde nicht gefunden, oder der Link ist ungültig.",
        date_locale: "de-DE",
        statuses: BookingStatusNames {
            held: "vorgemerkt",
            confirmed: "bestätigt",
            cancelled: "abgesagt",
            completed: "erledigt",
            no_show: "nicht erschienen",
            expired: "abgelaufen",
        },
    },
};
