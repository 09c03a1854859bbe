//! The words of the emails about a booking (and of the calendar files sent with them). Each
//! language fills [`MailTexts`] in its own `mail.rs`; `notifications::templates` lays every
//! message out the same way: a greeting, an opening line that says what happened, the facts of
//! the booking under their labels, and its links.
//!
//! In subjects and openings `{date}` is the long date with its year, "Wednesday, 10 March 2027";
//! `{business}` and `{customer}` are names.

use super::phrases::phrases;

phrases! {
    pub struct MailTexts {
        /// "Hello Ben Becker," — the opening below follows it.
        greeting_customer(customer),
        /// Messages to the business start with its name.
        greeting_business(business),

        confirmed_subject(service, date),
        confirmed_opening(business),
        rescheduled_subject(service, date),
        rescheduled_opening(business),
        cancelled_subject(service, date),
        cancelled_opening(business),
        reminder_subject(service, business, date),
        reminder_opening(business),
        /// Staff revoked the booking's manage link: here is the new one.
        new_link_subject(service, date),
        new_link_opening(business),

        business_confirmed_subject(customer, service, date),
        business_confirmed_opening(customer),
        business_rescheduled_subject(customer, service, date),
        business_rescheduled_opening(customer),
        business_cancelled_subject(customer, service, date),
        business_cancelled_opening(customer),
        business_reminder_subject(customer, service, date),
        business_reminder_opening(customer),

        service_label,
        staff_label,
        when_label,
        place_label,
        reference_label,
        customer_label,
        notes_label,
        manage_link,
        /// The signed link that opens the business's chat knowing the customer.
        chat_link,

        /// The appointment's time: its local date with the year, its local start and end
        /// ("09:00"), and the zone with the UTC offset in force at the start, so a time next to
        /// a daylight-saving change cannot be misread.
        when(date, from, until, zone, offset),
    }
}
