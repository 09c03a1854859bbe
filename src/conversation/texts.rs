//! Everything the bot says, in the conversation's language: the phrases come from the
//! language's record (`languages::{en,de,es}/replies.rs`), the dates and times from its
//! patterns; this module only fills in the values. Times are shown in the business's zone.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::languages::care::CareTexts;
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

    /// The answers to questions about the business, and their units.
    pub fn care(&self) -> &'static CareTexts {
        &self.language.care
    }

    /// "Monday"; 0 is Monday.
    pub fn weekday(&self, index: usize) -> &'static str {
        self.language.weekdays[index % 7]
    }

    /// "15:30" or "3:30 pm" for a wall-clock minute of the day.
    pub fn clock(&self, minute: u16) -> String {
        if minute >= 24 * 60 {
            return "24:00".to_owned();
        }
        let minute = u32::from(minute);
        let time = chrono::NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or_default();
        self.language.time_of_day(time, self.tz.name())
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
    /// "Sam doesn't work on Mondays." when `weekly`, else "Sam isn't in on Monday 8 March."
    pub fn staff_off(&self, staff: &str, date: NaiveDate, weekly: bool) -> String {
        if weekly {
            let weekdays =
                self.language.weekdays_plural[date.weekday().num_days_from_monday() as usize];
            fill(
                self.replies().staff_off_weekday,
                &[("staff", staff), ("weekdays", weekdays)],
            )
        } else {
            fill(
                self.replies().staff_off_date,
                &[("staff", staff), ("date", &self.long_date(date))],
            )
        }
    }

    pub fn staff_off_offers(&self, staff: &str) -> String {
        fill(self.replies().staff_off_offers, &[("staff", staff)])
    }

    pub fn staff_off_own(&self, staff: &str) -> String {
        fill(self.replies().staff_off_own, &[("staff", staff)])
    }

    pub fn staff_off_others(&self) -> String {
        self.replies().staff_off_others.to_owned()
    }

    pub fn closed_on(&self, date: NaiveDate) -> String {
        fill(self.replies().closed_on, &[("date", &self.long_date(date))])
    }

    /// "10:00 with Alex": a free time's button when it is not with the staff member asked for.
    pub fn time_with_staff(&self, start: DateTime<Utc>, staff: &str) -> String {
        fill(
            self.replies().with_staff,
            &[("what", &self.time(start)), ("staff", staff)],
        )
    }

    /// "Monday 8 March at 10:00 with Alex".
    pub fn when_with_staff(&self, start: DateTime<Utc>, staff: &str) -> String {
        fill(
            self.replies().with_staff,
            &[("what", &self.when(start)), ("staff", staff)],
        )
    }

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

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::Texts;
    use crate::languages::Locale;

    /// Every text the dialogue can ask for, with sample values.
    fn everything(t: &Texts) -> Vec<(&'static str, String)> {
        let start = Utc.with_ymd_and_hms(2027, 3, 5, 14, 30, 0).unwrap();
        let date = NaiveDate::from_ymd_opt(2027, 3, 5).unwrap();
        let summary = t.summary("Haircut", "Sam", start);
        let lines = [summary.clone(), summary.clone()];
        macro_rules! texts {
            ($($name:ident($($arg:expr),*)),* $(,)?) => {
                vec![$((stringify!($name), t.$name($($arg),*))),*]
            };
        }
        let mut all = texts![
            time(start),
            short_date(date),
            long_date(date),
            when(start),
            zone_note(),
            button_book(),
            button_my_bookings(),
            button_new_code(),
            button_other_bookings(),
            button_human(),
            button_other_day(),
            button_confirm(),
            button_change(),
            button_stop(),
            button_yes_cancel(),
            button_keep(),
            button_yes_move(),
            button_cancel_one(),
            button_move_one(),
            button_attend(),
            button_reschedule(),
            button_cancel_booking(),
            button_yes(),
            button_no(),
            greeting("Salon"),
            help(),
            ask_service(),
            ask_day("Haircut"),
            slots_on("Haircut", Some("Sam"), date),
            slots_on("Haircut", None, date),
            slots_matching("Haircut", Some("Sam")),
            slots_matching("Haircut", None),
            day_full(date),
            taken(start),
            nothing_free(),
            date_passed(date),
            impossible_date(),
            too_far_ahead(60),
            held(&summary, 10),
            ask_name(),
            ask_phone(),
            ask_email(),
            ask_contact(),
            invalid_phone(),
            invalid_email(),
            invalid_name(),
            confirm(&summary),
            booked(&summary, "K7Q-4MX", "https://x"),
            hold_lost(),
            what_to_change(),
            dropped(),
            unclear(),
            unclear_often(),
            unsupported(),
            handed_off(),
            handed_back(),
            no_bookings(),
            your_bookings(&lines),
            which_booking(),
            confirm_cancel(&summary),
            cancelled(&summary),
            kept(),
            too_late(Some("+49 30 1234567")),
            too_late(None),
            cannot_change(),
            ask_new_time(&summary),
            confirm_move(&t.when(start), &t.when(start)),
            moved(&summary, "K7Q-4MX", "https://x"),
            you_are_welcome(),
            reminder(&summary),
            see_you(&summary),
            anything_else(),
            no_service_staff(),
            staff_unknown_for_service("Sam", "Haircut"),
            staff_off("Sam", date, true),
            staff_off("Sam", date, false),
            staff_off_offers("Sam"),
            staff_off_own("Sam"),
            staff_off_others(),
            closed_on(date),
            time_with_staff(start, "Sam"),
            when_with_staff(start, "Sam"),
            privacy_notice("https://x"),
            noted(&summary),
            ask_proof(),
            code_sent("j•••@example.com"),
            code_no_sms(),
            code_needs_country(),
            code_limited(30),
            code_wrong(1),
            code_wrong(3),
            code_used_up(),
            code_expired(),
            code_digits(),
            proven(),
            ask_reference_contact_for_code(),
            reference_checked("K7Q-4MX"),
            reference_limited(30),
            privacy_request("Salon"),
            link_expired(),
            link_used(),
        ];
        for (name, next) in [
            ("Ana", None),
            ("", None),
            ("Ana", Some("x")),
            (" ", Some("x")),
        ] {
            all.push(("welcome_back", t.welcome_back("Salon", name, next)));
        }
        all.push(("slot_title", t.slot_title(start, true)));
        all.push(("slot_title", t.slot_title(start, false)));
        all
    }

    #[test]
    fn every_text_of_every_language_is_written_out() {
        let mut failures = Vec::new();
        for locale in Locale::all() {
            for zone in [chrono_tz::Europe::Madrid, chrono_tz::America::New_York] {
                for (name, text) in everything(&Texts::new(locale, zone)) {
                    if text.trim().is_empty() || text.contains(['{', '}']) {
                        failures.push(format!("{locale:?} {zone}: {name} reads {text:?}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn spanish_reads_like_a_spanish_salon() {
        let t = Texts::new(Locale::Es, chrono_tz::Europe::Madrid);
        let start = Utc.with_ymd_and_hms(2025, 3, 14, 14, 30, 0).unwrap();
        let friday = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(t.slot_title(start, true), "vie 14/03 15:30");
        assert_eq!(t.when(start), "viernes 14 de marzo a las 15:30");
        assert_eq!(
            t.summary("Corte", "Sam", start),
            "Corte con Sam el viernes 14 de marzo a las 15:30"
        );
        assert_eq!(
            t.slots_on("Skin Fade", Some("Sam"), friday),
            "Skin Fade con Sam — horas libres el viernes 14 de marzo:"
        );
        assert_eq!(
            t.code_wrong(1),
            "Ese código no es correcto. Te queda un intento."
        );
        assert_eq!(
            t.code_wrong(3),
            "Ese código no es correcto. Te quedan 3 intentos."
        );
        // The 24-hour clock in the Americas too.
        let mexico = Texts::new(Locale::Es, chrono_tz::America::Mexico_City);
        assert_eq!(mexico.time(start), "08:30");
    }

    #[test]
    fn offers_name_the_service_and_the_staff_member_in_english_and_german() {
        let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let en = Texts::new(Locale::En, chrono_tz::Europe::London);
        let de = Texts::new(Locale::De, chrono_tz::Europe::Berlin);
        assert_eq!(
            en.slots_on("Skin Fade", Some("Sam"), friday),
            "Skin Fade with Sam — free on Friday 4 December:"
        );
        assert_eq!(
            de.slots_on("Skin Fade", Some("Sam"), friday),
            "Skin Fade bei Sam – frei am Freitag, 4. Dezember:"
        );
        assert_eq!(
            en.slots_matching("Haircut", None),
            "Haircut — these times are free:"
        );
    }
}
