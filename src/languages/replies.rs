//! What the chat says: the titles of its buttons and every sentence of its replies, one field
//! per phrase. Each language fills these records in its own `replies.rs`; the conversation's
//! `Texts` fills in the values. Values are already written in the language: `{when}` is
//! "Friday 14 March at 15:30", `{summary}` is a whole [`Replies::summary`].

use super::phrases::phrases;

phrases! {
    /// The titles of the chat's buttons (and of their numbered lines where a platform has no
    /// buttons): short, a platform cuts them at 20 characters.
    pub struct Buttons {
        book,
        my_bookings,
        new_code,
        other_bookings,
        /// Hands the conversation to staff.
        human,
        other_day,
        /// Books the time held.
        confirm,
        change,
        /// Drops the booking being prepared.
        stop,
        yes_cancel,
        keep,
        yes_move,
        cancel_one,
        move_one,
        /// A reminder's "I'll be there".
        attend,
        reschedule,
        cancel_booking,
        yes,
        no,
        /// The button that opens a WhatsApp list of choices.
        open_list,
    }
}

phrases! {
    /// Every sentence the chat writes.
    pub struct Replies {
        /// "Haircut with Sam on Friday 14 March at 15:30".
        summary(service, staff, when),
        /// "(Europe/Berlin time)", after a summary.
        zone_note(zone),
        /// "Skin Fade with Sam", where free times are offered for a staff member asked for.
        service_by_staff(service, staff),

        /// The first reply in a new conversation.
        greeting(business),
        /// A known customer comes back without a name on file, without a booking ahead.
        welcome_back(business),
        welcome_back_named(business, name),
        /// With the next appointment, a summary.
        welcome_back_next(business, next),
        welcome_back_named_next(business, name, next),
        /// Appended to the greeting when the business names its privacy notice.
        privacy_notice(url),
        help,
        you_are_welcome,
        anything_else,
        unclear,
        unclear_often,
        /// A photo, a sticker, a voice message.
        unsupported,
        handed_off,
        handed_back,
        /// The customer asked for their data to be deleted.
        privacy_request(business),

        ask_service,
        /// Days with free times follow as buttons.
        ask_day(service),
        /// Free times on one day follow; `{what}` is the service, or a [`Replies::service_by_staff`].
        free_on(what, date),
        /// Free times at the time asked for, or in the part of the day asked for, follow.
        free_times(what),
        /// The nearest free times follow.
        day_full(date),
        taken(when),
        hold_lost,
        nothing_free,
        date_passed(date),
        impossible_date,
        too_far_ahead(days),
        no_service_staff,
        staff_unknown_for_service(staff, service),
        /// The staff member asked for never works on that weekday; `{weekdays}` is "Mondays".
        staff_off_weekday(staff, weekdays),
        /// The staff member asked for is off that day (a closure, special hours).
        staff_off_date(staff, date),
        /// After a day off: free times then with others, and with the staff member on other days.
        staff_off_offers(staff),
        /// After a day off: only the staff member's free times on other days.
        staff_off_own(staff),
        /// After a day off: only other staff members free at that time.
        staff_off_others,
        /// Nobody who performs the service works that day; the nearest free times follow.
        closed_on(date),
        /// A time, or a date with a time, and who it is with: "10:00 with Alex" (a free time's
        /// button), "Monday 8 March at 10:00 with Alex" (a move to another staff member).
        with_staff(what, staff),

        held(summary, minutes),
        /// Taken note of a time without holding it.
        noted(summary),
        ask_name,
        ask_phone,
        ask_email,
        ask_contact,
        invalid_phone,
        invalid_email,
        invalid_name,
        confirm(summary, zone_note),
        booked(summary, reference, link),
        what_to_change,
        dropped,

        no_bookings,
        /// The customer's bookings follow, one line each.
        your_bookings,
        which_booking,
        confirm_cancel(summary),
        cancelled(summary),
        kept,
        too_late(phone),
        too_late_without_phone,
        cannot_change,
        ask_new_time(summary),
        /// `{old}` and `{new}` are dates with times.
        confirm_move(old, new),
        moved(summary, reference, link),
        reminder(summary),
        see_you(summary),

        ask_proof,
        /// `{contact}` is masked: "j•••@example.com".
        code_sent(contact),
        code_no_sms,
        code_needs_country,
        code_limited(minutes),
        code_wrong_one_try_left,
        code_wrong(tries),
        code_used_up,
        code_expired,
        code_digits,
        proven,
        ask_reference_contact_for_code,
        reference_checked(reference),
        reference_limited(minutes),
        link_expired,
        link_used,

        /// Under numbered choices, where a platform has no buttons.
        reply_with_number,
        /// The message around a one-time code, by SMS, WhatsApp or email.
        code_message(code, business, minutes),
        /// The subject of that message by email.
        code_subject(code, business),
    }
}
