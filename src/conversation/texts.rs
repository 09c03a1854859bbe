//! Everything the bot says, in the conversation's language: the phrases come from the
//! language's record (`languages::{en,de,es}/replies.rs`), the dates and times from its
//! patterns; this module only fills in the values. Times are shown in the business's zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::languages::phrases::fill;
use crate::languages::replies::{Buttons, Replies};
use crate::languages::{Language, Locale};

/// The phrases of one conversation: its language and the business's zone.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub locale: Locale,
    language: &'static Language,
    tz: Tz,
}

impl Texts {
    pub fn new(locale: Locale, tz: Tz) -> Self {
        Self {
            locale,
            language: locale.language(),
            tz,
        }
    }

    fn replies(&self) -> &'static Replies {
        &self.language.replies
    }

    fn buttons(&self) -> &'static Buttons {
        &self.language.buttons
    }

    pub fn local(&self, instant: DateTime<Utc>) -> DateTime<Tz> {
        instant.with_timezone(&self.tz)
    }

    /// "15:30", or "3:30 pm" where the language's readers expect the 12-hour clock.
    pub fn time(&self, instant: DateTime<Utc>) -> String {
        self.language
            .time_of_day(self.local(instant).time(), self.tz.name())
    }

    /// "Fri 14 Mar" / "Fr 14.03." — short enough for a button.
    pub fn short_date(&self, date: NaiveDate) -> String {
        self.language.short_date(date)
    }

    /// "Friday 14 March" / "Freitag, 14. März".
    pub fn long_date(&self, date: NaiveDate) -> String {
        self.language.long_date(date)
    }

    /// A button title for a slot: "Fri 14 Mar 15:30", or just the time.
    pub fn slot_title(&self, start: DateTime<Utc>, with_date: bool) -> String {
        if !with_date {
            return self.time(start);
        }
        let date = self.short_date(self.local(start).date_naive());
        fill(
            self.language.dates.slot,
            &[("date", &date), ("time", &self.time(start))],
        )
    }

    /// "Friday 14 March at 15:30" / "Freitag, 14. März um 15:30".
    pub fn when(&self, start: DateTime<Utc>) -> String {
        let date = self.long_date(self.local(start).date_naive());
        fill(
            self.language.dates.date_at_time,
            &[("date", &date), ("time", &self.time(start))],
        )
    }

    /// "Haircut with Sam on Friday 14 March at 15:30".
    pub fn summary(&self, service: &str, staff: &str, start: DateTime<Utc>) -> String {
        fill(
            self.replies().summary,
            &[
                ("service", service),
                ("staff", staff),
                ("when", &self.when(start)),
            ],
        )
    }

    pub fn zone_note(&self) -> String {
        let zone = self.tz.name().replace('_', " ");
        fill(self.replies().zone_note, &[("zone", &zone)])
    }

    // --- buttons -------------------------------------------------------------------------------

    pub fn button_book(&self) -> String {
        self.buttons().book.to_owned()
    }
    pub fn button_my_bookings(&self) -> String {
        self.buttons().my_bookings.to_owned()
    }
    pub fn button_new_code(&self) -> String {
        self.buttons().new_code.to_owned()
    }
    pub fn button_other_bookings(&self) -> String {
        self.buttons().other_bookings.to_owned()
    }
    pub fn button_human(&self) -> String {
        self.buttons().human.to_owned()
    }
    pub fn button_other_day(&self) -> String {
        self.buttons().other_day.to_owned()
    }
    pub fn button_confirm(&self) -> String {
        self.buttons().confirm.to_owned()
    }
    pub fn button_change(&self) -> String {
        self.buttons().change.to_owned()
    }
    pub fn button_stop(&self) -> String {
        self.buttons().stop.to_owned()
    }
    pub fn button_yes_cancel(&self) -> String {
        self.buttons().yes_cancel.to_owned()
    }
    pub fn button_keep(&self) -> String {
        self.buttons().keep.to_owned()
    }
    pub fn button_yes_move(&self) -> String {
        self.buttons().yes_move.to_owned()
    }
    pub fn button_cancel_one(&self) -> String {
        self.buttons().cancel_one.to_owned()
    }
    pub fn button_move_one(&self) -> String {
        self.buttons().move_one.to_owned()
    }
    pub fn button_attend(&self) -> String {
        self.buttons().attend.to_owned()
    }
    pub fn button_reschedule(&self) -> String {
        self.buttons().reschedule.to_owned()
    }
    pub fn button_cancel_booking(&self) -> String {
        self.buttons().cancel_booking.to_owned()
    }
    pub fn button_yes(&self) -> String {
        self.buttons().yes.to_owned()
    }
    pub fn button_no(&self) -> String {
        self.buttons().no.to_owned()
    }

    // --- sentences -----------------------------------------------------------------------------

    pub fn greeting(&self, business: &str) -> String {
        fill(self.replies().greeting, &[("business", business)])
    }

    pub fn welcome_back(&self, business: &str, name: &str, next: Option<&str>) -> String {
        let r = self.replies();
        let template = match (name.trim().is_empty(), next) {
            (true, None) => r.welcome_back,
            (false, None) => r.welcome_back_named,
            (true, Some(_)) => r.welcome_back_next,
            (false, Some(_)) => r.welcome_back_named_next,
        };
        fill(
            template,
            &[
                ("business", business),
                ("name", name),
                ("next", next.unwrap_or_default()),
            ],
        )
    }

    pub fn help(&self) -> String {
        self.replies().help.to_owned()
    }

    pub fn ask_service(&self) -> String {
        self.replies().ask_service.to_owned()
    }

    pub fn ask_day(&self, service: &str) -> String {
        fill(self.replies().ask_day, &[("service", service)])
    }

    /// What free times are offered for: the service, and the staff member if one was asked for.
    fn offered_for(&self, service: &str, staff: Option<&str>) -> String {
        match staff {
            Some(staff) => fill(
                self.replies().service_by_staff,
                &[("service", service), ("staff", staff)],
            ),
            None => service.to_owned(),
        }
    }

    /// "Skin Fade with Sam — free on Friday 4 December:", free times on that day following.
    pub fn slots_on(&self, service: &str, staff: Option<&str>, date: NaiveDate) -> String {
        fill(
            self.replies().free_on,
            &[
                ("what", &self.offered_for(service, staff)),
                ("date", &self.long_date(date)),
            ],
        )
    }

    /// "Skin Fade with Sam — these times are free:".
    pub fn slots_matching(&self, service: &str, staff: Option<&str>) -> String {
        fill(
            self.replies().free_times,
            &[("what", &self.offered_for(service, staff))],
        )
    }

    pub fn day_full(&self, date: NaiveDate) -> String {
        fill(self.replies().day_full, &[("date", &self.long_date(date))])
    }

    pub fn taken(&self, start: DateTime<Utc>) -> String {
        fill(self.replies().taken, &[("when", &self.when(start))])
    }

    pub fn nothing_free(&self) -> String {
        self.replies().nothing_free.to_owned()
    }

    pub fn date_passed(&self, date: NaiveDate) -> String {
        fill(
            self.replies().date_passed,
            &[("date", &self.long_date(date))],
        )
    }

    pub fn impossible_date(&self) -> String {
        self.replies().impossible_date.to_owned()
    }

    pub fn too_far_ahead(&self, days: i32) -> String {
        fill(self.replies().too_far_ahead, &[("days", &days.to_string())])
    }

    pub fn held(&self, summary: &str, minutes: i32) -> String {
        fill(
            self.replies().held,
            &[("summary", summary), ("minutes", &minutes.to_string())],
        )
    }

    pub fn ask_name(&self) -> String {
        self.replies().ask_name.to_owned()
    }

    pub fn ask_phone(&self) -> String {
        self.replies().ask_phone.to_owned()
    }

    pub fn ask_email(&self) -> String {
        self.replies().ask_email.to_owned()
    }

    pub fn ask_contact(&self) -> String {
        self.replies().ask_contact.to_owned()
    }

    pub fn invalid_phone(&self) -> String {
        self.replies().invalid_phone.to_owned()
    }

    pub fn invalid_email(&self) -> String {
        self.replies().invalid_email.to_owned()
    }

    pub fn invalid_name(&self) -> String {
        self.replies().invalid_name.to_owned()
    }

    pub fn confirm(&self, summary: &str) -> String {
        fill(
            self.replies().confirm,
            &[("summary", summary), ("zone_note", &self.zone_note())],
        )
    }

    pub fn booked(&self, summary: &str, reference: &str, link: &str) -> String {
        fill(
            self.replies().booked,
            &[
                ("summary", summary),
                ("reference", reference),
                ("link", link),
            ],
        )
    }

    pub fn hold_lost(&self) -> String {
        self.replies().hold_lost.to_owned()
    }

    pub fn what_to_change(&self) -> String {
        self.replies().what_to_change.to_owned()
    }

    pub fn dropped(&self) -> String {
        self.replies().dropped.to_owned()
    }

    pub fn unclear(&self) -> String {
        self.replies().unclear.to_owned()
    }

    pub fn unclear_often(&self) -> String {
        self.replies().unclear_often.to_owned()
    }

    pub fn unsupported(&self) -> String {
        self.replies().unsupported.to_owned()
    }

    pub fn handed_off(&self) -> String {
        self.replies().handed_off.to_owned()
    }

    pub fn handed_back(&self) -> String {
        self.replies().handed_back.to_owned()
    }

    pub fn no_bookings(&self) -> String {
        self.replies().no_bookings.to_owned()
    }

    /// The heading, then one bulleted line per booking.
    pub fn your_bookings(&self, lines: &[String]) -> String {
        let mut text = self.replies().your_bookings.to_owned();
        for line in lines {
            text.push_str("\n• ");
            text.push_str(line);
        }
        text
    }

    pub fn which_booking(&self) -> String {
        self.replies().which_booking.to_owned()
    }

    pub fn confirm_cancel(&self, summary: &str) -> String {
        fill(self.replies().confirm_cancel, &[("summary", summary)])
    }

    pub fn cancelled(&self, summary: &str) -> String {
        fill(self.replies().cancelled, &[("summary", summary)])
    }

    pub fn kept(&self) -> String {
        self.replies().kept.to_owned()
    }

    pub fn too_late(&self, phone: Option<&str>) -> String {
        match phone {
            Some(phone) => fill(self.replies().too_late, &[("phone", phone)]),
            None => self.replies().too_late_without_phone.to_owned(),
        }
    }

    pub fn cannot_change(&self) -> String {
        self.replies().cannot_change.to_owned()
    }

    pub fn ask_new_time(&self, summary: &str) -> String {
        fill(self.replies().ask_new_time, &[("summary", summary)])
    }

    pub fn confirm_move(&self, old: &str, new: &str) -> String {
        fill(self.replies().confirm_move, &[("old", old), ("new", new)])
    }

    pub fn moved(&self, summary: &str, reference: &str, link: &str) -> String {
        fill(
            self.replies().moved,
            &[
                ("summary", summary),
                ("reference", reference),
                ("link", link),
            ],
        )
    }

    pub fn you_are_welcome(&self) -> String {
        self.replies().you_are_welcome.to_owned()
    }

    pub fn reminder(&self, summary: &str) -> String {
        fill(self.replies().reminder, &[("summary", summary)])
    }

    pub fn see_you(&self, summary: &str) -> String {
        fill(self.replies().see_you, &[("summary", summary)])
    }

    pub fn anything_else(&self) -> String {
        self.replies().anything_else.to_owned()
    }

    pub fn no_service_staff(&self) -> String {
        self.replies().no_service_staff.to_owned()
    }

    pub fn staff_unknown_for_service(&self, staff: &str, service: &str) -> String {
        fill(
            self.replies().staff_unknown_for_service,
            &[("staff", staff), ("service", service)],
        )
    }

    /// Appended to the greeting when the business names its privacy notice.
    pub fn privacy_notice(&self, url: &str) -> String {
        fill(self.replies().privacy_notice, &[("url", url)])
    }

    pub fn noted(&self, summary: &str) -> String {
        fill(self.replies().noted, &[("summary", summary)])
    }

    pub fn ask_proof(&self) -> String {
        self.replies().ask_proof.to_owned()
    }

    pub fn code_sent(&self, masked: &str) -> String {
        fill(self.replies().code_sent, &[("contact", masked)])
    }

    pub fn code_no_sms(&self) -> String {
        self.replies().code_no_sms.to_owned()
    }

    pub fn code_needs_country(&self) -> String {
        self.replies().code_needs_country.to_owned()
    }

    pub fn code_limited(&self, minutes: i64) -> String {
        fill(
            self.replies().code_limited,
            &[("minutes", &minutes.to_string())],
        )
    }

    pub fn code_wrong(&self, tries_left: i32) -> String {
        match tries_left {
            1 => self.replies().code_wrong_one_try_left.to_owned(),
            n => fill(self.replies().code_wrong, &[("tries", &n.to_string())]),
        }
    }

    pub fn code_used_up(&self) -> String {
        self.replies().code_used_up.to_owned()
    }

    pub fn code_expired(&self) -> String {
        self.replies().code_expired.to_owned()
    }

    pub fn code_digits(&self) -> String {
        self.replies().code_digits.to_owned()
    }

    pub fn proven(&self) -> String {
        self.replies().proven.to_owned()
    }

    pub fn ask_reference_contact_for_code(&self) -> String {
        self.replies().ask_reference_contact_for_code.to_owned()
    }

    pub fn reference_checked(&self, reference: &str) -> String {
        fill(
            self.replies().reference_checked,
            &[("reference", reference)],
        )
    }

    pub fn reference_limited(&self, minutes: i64) -> String {
        fill(
            self.replies().reference_limited,
            &[("minutes", &minutes.to_string())],
        )
    }

    pub fn privacy_request(&self, business: &str) -> String {
        fill(self.replies().privacy_request, &[("business", business)])
    }

    pub fn link_expired(&self) -> String {
        self.replies().link_expired.to_owned()
    }

    pub fn link_used(&self) -> String {
        self.replies().link_used.to_owned()
    }
}
