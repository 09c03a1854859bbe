//! The customer pages in English.

use crate::languages::pages::{BookingStatusNames, ChatPageTexts, ManagePageTexts, PageTexts};

pub(super) const PAGES: PageTexts = PageTexts {
    chat: ChatPageTexts {
        title: "Book an appointment",
        widget_button: "Book an appointment",
        subtitle: "Book, move or cancel an appointment",
        input_label: "Your message",
        input_placeholder: "e.g. a haircut tomorrow at 3",
        send: "Send",
        link: "Manage your booking",
        choices: "Choices",
        staff: "Team",
        unreachable: "We couldn't reach the server. Please try again in a moment.",
        opened_from_link: "Opened from a link",
        hello: "Hello",
    },
    manage: ManagePageTexts {
        title: "Your appointment",
        loading: "Loading…",
        service: "Service",
        staff: "With",
        when: "When",
        reference: "Reference",
        status: "Status",
        move_heading: "Change the time",
        day: "Day",
        no_times: "No free times that day.",
        cancel_heading: "Cancel",
        cancel: "Cancel this appointment",
        cancel_sure: "Really cancel this appointment?",
        cancelled: "Your appointment is cancelled.",
        moved: "Your appointment has been moved.",
        not_found: "This booking was not found, or the link is not valid.",
        date_locale: "en-GB",
        statuses: BookingStatusNames {
            held: "held",
            confirmed: "confirmed",
            cancelled: "cancelled",
            completed: "completed",
            no_show: "missed",
            expired: "expired",
        },
    },
};
