//! Everything the bot says, in English and German, and how it writes dates and times.
//!
//! German addresses customers with "Sie", as businesses do. Times are shown in the business's
//! zone; English in zones of the Americas uses the 12-hour clock, everything else 24 hours.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::languages::Locale;

/// The phrases of one conversation: its language and the business's zone.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub locale: Locale,
    tz: Tz,
}

impl Texts {
    pub fn new(locale: Locale, tz: Tz) -> Self {
        Self { locale, tz }
    }

    fn de(&self) -> bool {
        self.locale == Locale::De
    }

    /// Picks the English or the German phrase.
    fn pick(&self, en: &str, de: &str) -> String {
        if self.de() {
            de.to_owned()
        } else {
            en.to_owned()
        }
    }

    fn twelve_hour(&self) -> bool {
        !self.de() && self.tz.name().starts_with("America/")
    }

    pub fn local(&self, instant: DateTime<Utc>) -> DateTime<Tz> {
        instant.with_timezone(&self.tz)
    }

    pub fn time(&self, instant: DateTime<Utc>) -> String {
        let local = self.local(instant);
        if self.twelve_hour() {
            let (pm, hour) = local.hour12();
            let suffix = if pm { "pm" } else { "am" };
            match local.minute() {
                0 => format!("{hour} {suffix}"),
                m => format!("{hour}:{m:02} {suffix}"),
            }
        } else {
            format!("{:02}:{:02}", local.hour(), local.minute())
        }
    }

    fn weekday(&self, day: Weekday) -> &'static str {
        self.locale.weekday_name(day)
    }

    /// "Fri 14 Mar" / "Fr 14.03." — short enough for a button.
    pub fn short_date(&self, date: NaiveDate) -> String {
        let day = &self.weekday(date.weekday())[..if self.de() { 2 } else { 3 }];
        if self.de() {
            format!("{day} {:02}.{:02}.", date.day(), date.month())
        } else {
            format!(
                "{day} {} {}",
                date.day(),
                &Locale::En.month_name(date.month0())[..3]
            )
        }
    }

    /// "Friday 14 March" / "Freitag, 14. März".
    pub fn long_date(&self, date: NaiveDate) -> String {
        if self.de() {
            format!(
                "{}, {}. {}",
                self.weekday(date.weekday()),
                date.day(),
                Locale::De.month_name(date.month0())
            )
        } else {
            format!(
                "{} {} {}",
                self.weekday(date.weekday()),
                date.day(),
                Locale::En.month_name(date.month0())
            )
        }
    }

    /// A button title for a slot: "Fri 14 Mar 15:30".
    pub fn slot_title(&self, start: DateTime<Utc>, with_date: bool) -> String {
        if with_date {
            format!(
                "{} {}",
                self.short_date(self.local(start).date_naive()),
                self.time(start)
            )
        } else {
            self.time(start)
        }
    }

    /// "Friday 14 March at 15:30" / "Freitag, 14. März um 15:30".
    pub fn when(&self, start: DateTime<Utc>) -> String {
        let date = self.long_date(self.local(start).date_naive());
        if self.de() {
            format!("{date} um {}", self.time(start))
        } else {
            format!("{date} at {}", self.time(start))
        }
    }

    /// "Haircut with Sam on Friday 14 March at 15:30".
    pub fn summary(&self, service: &str, staff: &str, start: DateTime<Utc>) -> String {
        if self.de() {
            format!("{service} bei {staff} am {}", self.when(start))
        } else {
            format!("{service} with {staff} on {}", self.when(start))
        }
    }

    pub fn zone_note(&self) -> String {
        let zone = self.tz.name().replace('_', " ");
        if self.de() {
            format!("(Zeitzone {zone})")
        } else {
            format!("({zone} time)")
        }
    }

    // --- buttons -------------------------------------------------------------------------------

    pub fn button_book(&self) -> String {
        self.pick("Book", "Termin buchen")
    }
    pub fn button_my_bookings(&self) -> String {
        self.pick("My bookings", "Meine Termine")
    }
    pub fn button_new_code(&self) -> String {
        self.pick("Send a new code", "Neuer Code")
    }
    pub fn button_other_bookings(&self) -> String {
        self.pick("Other bookings", "Weitere Termine")
    }
    pub fn button_human(&self) -> String {
        self.pick("Talk to a person", "Mitarbeiter")
    }
    pub fn button_other_day(&self) -> String {
        self.pick("Another day", "Anderer Tag")
    }
    pub fn button_confirm(&self) -> String {
        self.pick("Yes, book it", "Ja, buchen")
    }
    pub fn button_change(&self) -> String {
        self.pick("Change", "Ändern")
    }
    pub fn button_stop(&self) -> String {
        self.pick("Stop", "Abbrechen")
    }
    pub fn button_yes_cancel(&self) -> String {
        self.pick("Yes, cancel it", "Ja, absagen")
    }
    pub fn button_keep(&self) -> String {
        self.pick("No, keep it", "Nein, behalten")
    }
    pub fn button_yes_move(&self) -> String {
        self.pick("Yes, move it", "Ja, verschieben")
    }
    pub fn button_cancel_one(&self) -> String {
        self.pick("Cancel one", "Termin absagen")
    }
    pub fn button_move_one(&self) -> String {
        self.pick("Move one", "Verschieben")
    }
    pub fn button_attend(&self) -> String {
        self.pick("Confirm", "Bestätigen")
    }
    pub fn button_reschedule(&self) -> String {
        self.pick("Reschedule", "Verschieben")
    }
    pub fn button_cancel_booking(&self) -> String {
        self.pick("Cancel", "Absagen")
    }
    pub fn button_yes(&self) -> String {
        self.pick("Yes", "Ja")
    }
    pub fn button_no(&self) -> String {
        self.pick("No", "Nein")
    }

    // --- sentences -----------------------------------------------------------------------------

    pub fn greeting(&self, business: &str) -> String {
        if self.de() {
            format!("Hallo und willkommen bei {business}! Was darf ich für Sie buchen?")
        } else {
            format!("Hi, welcome to {business}! What would you like to book?")
        }
    }

    pub fn welcome_back(&self, business: &str, name: &str, next: Option<&str>) -> String {
        if name.trim().is_empty() {
            return match (self.de(), next) {
                (true, Some(next)) => format!(
                    "Willkommen zurück bei {business}! Ihr nächster Termin: {next}. Was darf ich für Sie tun?"
                ),
                (true, None) => {
                    format!("Willkommen zurück bei {business}! Was darf ich für Sie buchen?")
                }
                (false, Some(next)) => format!(
                    "Welcome back to {business}! Your next appointment: {next}. How can I help?"
                ),
                (false, None) => {
                    format!("Welcome back to {business}! What would you like to book?")
                }
            };
        }
        match (self.de(), next) {
            (true, Some(next)) => format!(
                "Willkommen zurück bei {business}, {name}! Ihr nächster Termin: {next}. Was darf ich für Sie tun?"
            ),
            (true, None) => {
                format!("Willkommen zurück bei {business}, {name}! Was darf ich für Sie buchen?")
            }
            (false, Some(next)) => format!(
                "Welcome back to {business}, {name}! Your next appointment: {next}. How can I help?"
            ),
            (false, None) => {
                format!("Welcome back to {business}, {name}! What would you like to book?")
            }
        }
    }

    pub fn help(&self) -> String {
        self.pick(
            "I can book, move or cancel appointments. Just write what you need, e.g. \"haircut tomorrow at 3\", or tap a button.",
            "Ich kann Termine buchen, verschieben oder absagen. Schreiben Sie einfach, was Sie möchten, z. B. \"Haarschnitt morgen um 15 Uhr\", oder tippen Sie auf eine Schaltfläche.",
        )
    }

    pub fn ask_service(&self) -> String {
        self.pick(
            "Which service would you like?",
            "Welche Leistung möchten Sie?",
        )
    }

    pub fn ask_day(&self, service: &str) -> String {
        if self.de() {
            format!(
                "Für welchen Tag möchten Sie {service} buchen? Diese Tage haben noch freie Termine:"
            )
        } else {
            format!(
                "Which day would you like for your {service}? These days still have free times:"
            )
        }
    }

    pub fn slots_on(&self, date: NaiveDate) -> String {
        if self.de() {
            format!("Am {} ist noch frei:", self.long_date(date))
        } else {
            format!("Free on {}:", self.long_date(date))
        }
    }

    pub fn slots_matching(&self) -> String {
        self.pick("These times are free:", "Diese Termine sind frei:")
    }

    pub fn day_full(&self, date: NaiveDate) -> String {
        if self.de() {
            format!(
                "Am {} ist leider nichts mehr frei. Die nächsten freien Termine:",
                self.long_date(date)
            )
        } else {
            format!(
                "Sorry, {} is fully booked. The nearest free times:",
                self.long_date(date)
            )
        }
    }

    pub fn taken(&self, start: DateTime<Utc>) -> String {
        if self.de() {
            format!(
                "{} ist leider schon vergeben. Die nächsten freien Termine:",
                self.when(start)
            )
        } else {
            format!(
                "Sorry, {} is already taken. The nearest free times:",
                self.when(start)
            )
        }
    }

    pub fn nothing_free(&self) -> String {
        self.pick(
            "Sorry, I couldn't find a free time for that in the coming weeks.",
            "Leider habe ich dafür in den nächsten Wochen keinen freien Termin gefunden.",
        )
    }

    pub fn date_passed(&self, date: NaiveDate) -> String {
        if self.de() {
            format!("Der {} ist schon vorbei.", self.long_date(date))
        } else {
            format!("{} has already passed.", self.long_date(date))
        }
    }

    pub fn impossible_date(&self) -> String {
        self.pick(
            "That date doesn't exist in the calendar.",
            "Dieses Datum gibt es im Kalender nicht.",
        )
    }

    pub fn too_far_ahead(&self, days: i32) -> String {
        if self.de() {
            format!("Wir nehmen Buchungen bis zu {days} Tage im Voraus an.")
        } else {
            format!("We take bookings up to {days} days ahead.")
        }
    }

    pub fn held(&self, summary: &str, minutes: i32) -> String {
        if self.de() {
            format!("Ich halte {summary} für {minutes} Minuten für Sie frei.")
        } else {
            format!("I'm holding {summary} for you for {minutes} minutes.")
        }
    }

    pub fn ask_name(&self) -> String {
        self.pick("May I have your name?", "Wie ist Ihr Name?")
    }

    pub fn ask_phone(&self) -> String {
        self.pick(
            "What's your phone number?",
            "Unter welcher Telefonnummer erreichen wir Sie?",
        )
    }

    pub fn ask_email(&self) -> String {
        self.pick(
            "What's your email address?",
            "Wie lautet Ihre E-Mail-Adresse?",
        )
    }

    pub fn ask_contact(&self) -> String {
        self.pick(
            "What's your phone number or email address, in case we need to reach you?",
            "Unter welcher Telefonnummer oder E-Mail-Adresse erreichen wir Sie, falls nötig?",
        )
    }

    pub fn invalid_phone(&self) -> String {
        self.pick(
            "That doesn't look like a phone number. Please send just the number, e.g. +49 170 1234567.",
            "Das sieht nicht nach einer Telefonnummer aus. Bitte schicken Sie nur die Nummer, z. B. 0170 1234567.",
        )
    }

    pub fn invalid_email(&self) -> String {
        self.pick(
            "That doesn't look like an email address. Please send it like name@example.com.",
            "Das sieht nicht nach einer E-Mail-Adresse aus. Bitte im Format name@beispiel.de.",
        )
    }

    pub fn invalid_name(&self) -> String {
        self.pick(
            "Please tell me your name, e.g. \"Anna Schmidt\".",
            "Bitte nennen Sie mir Ihren Namen, z. B. \"Anna Schmidt\".",
        )
    }

    pub fn confirm(&self, summary: &str) -> String {
        if self.de() {
            format!(
                "{summary} {}. Soll ich das verbindlich buchen?",
                self.zone_note()
            )
        } else {
            format!("{summary} {}. Shall I book it?", self.zone_note())
        }
    }

    pub fn booked(&self, summary: &str, reference: &str, link: &str) -> String {
        if self.de() {
            format!(
                "Gebucht! {summary}. Ihre Buchungsnummer: {reference}. Ändern oder absagen können Sie hier: {link}"
            )
        } else {
            format!(
                "You're booked! {summary}. Your reference is {reference}. To change or cancel: {link}"
            )
        }
    }

    pub fn hold_lost(&self) -> String {
        self.pick(
            "Sorry, that time was just taken by someone else. The nearest free times:",
            "Dieser Termin wurde leider gerade vergeben. Die nächsten freien Termine:",
        )
    }

    pub fn what_to_change(&self) -> String {
        self.pick(
            "What would you like to change? Tell me another day or time, or another service.",
            "Was möchten Sie ändern? Nennen Sie mir einfach einen anderen Tag, eine andere Uhrzeit oder Leistung.",
        )
    }

    pub fn dropped(&self) -> String {
        self.pick(
            "OK, I've dropped that booking request.",
            "In Ordnung, ich habe die Anfrage verworfen.",
        )
    }

    pub fn unclear(&self) -> String {
        self.pick(
            "Sorry, I didn't quite get that.",
            "Entschuldigung, das habe ich nicht ganz verstanden.",
        )
    }

    pub fn unclear_often(&self) -> String {
        self.pick(
            "Sorry, I'm not getting it. Would you like to talk to a person?",
            "Entschuldigung, ich komme nicht weiter. Möchten Sie mit einem Mitarbeiter sprechen?",
        )
    }

    pub fn unsupported(&self) -> String {
        self.pick(
            "Thanks! I can only read text, though — could you type your request?",
            "Danke! Ich kann allerdings nur Text lesen — könnten Sie Ihr Anliegen kurz schreiben?",
        )
    }

    pub fn handed_off(&self) -> String {
        self.pick(
            "I've passed your message to our team. Someone will reply here as soon as possible.",
            "Ich habe Ihre Nachricht an unser Team weitergegeben. Jemand meldet sich hier so bald wie möglich.",
        )
    }

    pub fn handed_back(&self) -> String {
        self.pick(
            "You're back with the booking assistant. How can I help?",
            "Sie sind wieder beim Buchungsassistenten. Wie kann ich helfen?",
        )
    }

    pub fn no_bookings(&self) -> String {
        self.pick(
            "You have no upcoming appointments with us.",
            "Sie haben keine anstehenden Termine bei uns.",
        )
    }

    pub fn your_bookings(&self, lines: &[String]) -> String {
        let head = self.pick("Your upcoming appointments:", "Ihre anstehenden Termine:");
        format!(
            "{head}\n{}",
            lines
                .iter()
                .map(|l| format!("• {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }

    pub fn which_booking(&self) -> String {
        self.pick("Which appointment?", "Welcher Termin?")
    }

    pub fn confirm_cancel(&self, summary: &str) -> String {
        if self.de() {
            format!("{summary} absagen?")
        } else {
            format!("Cancel {summary}?")
        }
    }

    pub fn cancelled(&self, summary: &str) -> String {
        if self.de() {
            format!("Abgesagt: {summary}.")
        } else {
            format!("Cancelled: {summary}.")
        }
    }

    pub fn kept(&self) -> String {
        self.pick(
            "OK, I've left it as it is.",
            "In Ordnung, der Termin bleibt bestehen.",
        )
    }

    pub fn too_late(&self, phone: Option<&str>) -> String {
        match (self.de(), phone) {
            (true, Some(p)) => format!("Für eine Änderung online ist es leider zu spät. Bitte rufen Sie uns an: {p}."),
            (true, None) => "Für eine Änderung online ist es leider zu spät. Bitte melden Sie sich direkt bei uns.".into(),
            (false, Some(p)) => format!("Sorry, it's too late to change this online. Please call us: {p}."),
            (false, None) => "Sorry, it's too late to change this online. Please get in touch with us directly.".into(),
        }
    }

    pub fn cannot_change(&self) -> String {
        self.pick(
            "Sorry, that appointment can't be changed here any more. Please talk to a person.",
            "Dieser Termin lässt sich hier leider nicht mehr ändern. Bitte sprechen Sie mit einem Mitarbeiter.",
        )
    }

    pub fn ask_new_time(&self, summary: &str) -> String {
        if self.de() {
            format!("Auf wann möchten Sie {summary} verschieben?")
        } else {
            format!("When would you like to move {summary} to?")
        }
    }

    pub fn confirm_move(&self, old: &str, new: &str) -> String {
        if self.de() {
            format!("Ihren Termin von {old} auf {new} verschieben?")
        } else {
            format!("Move your appointment from {old} to {new}?")
        }
    }

    pub fn moved(&self, summary: &str, reference: &str, link: &str) -> String {
        if self.de() {
            format!(
                "Verschoben! {summary}. Buchungsnummer: {reference}. Ändern oder absagen: {link}"
            )
        } else {
            format!("Moved! {summary}. Reference {reference}. To change or cancel: {link}")
        }
    }

    pub fn ask_reference(&self) -> String {
        self.pick(
            "I can't see any bookings for you in this chat yet. What's your booking reference? It looks like K7Q-4MX.",
            "Ich sehe in diesem Chat noch keine Buchung von Ihnen. Wie lautet Ihre Buchungsnummer? Sie sieht so aus: K7Q-4MX.",
        )
    }

    pub fn ask_reference_contact(&self) -> String {
        self.pick(
            "Thanks! To make sure it's yours: which phone number or email address did you book with?",
            "Danke! Zur Sicherheit: Mit welcher Telefonnummer oder E-Mail-Adresse haben Sie gebucht?",
        )
    }

    pub fn reference_not_found(&self) -> String {
        self.pick(
            "I couldn't find a booking with that reference. Please check it, or talk to a person.",
            "Unter dieser Nummer finde ich keine Buchung. Bitte prüfen Sie sie, oder sprechen Sie mit einem Mitarbeiter.",
        )
    }

    pub fn reference_mismatch(&self) -> String {
        self.pick(
            "That doesn't match the booking, sorry. Please try again or talk to a person.",
            "Das passt leider nicht zur Buchung. Bitte versuchen Sie es erneut oder sprechen Sie mit einem Mitarbeiter.",
        )
    }

    pub fn you_are_welcome(&self) -> String {
        self.pick(
            "You're welcome! Anything else I can do for you?",
            "Gern geschehen! Kann ich sonst noch etwas für Sie tun?",
        )
    }

    pub fn reminder(&self, summary: &str) -> String {
        if self.de() {
            format!("Erinnerung: {summary}. Bis bald!")
        } else {
            format!("Reminder: {summary}. See you soon!")
        }
    }

    pub fn see_you(&self, summary: &str) -> String {
        if self.de() {
            format!("Danke für die Bestätigung! Bis dann: {summary}.")
        } else {
            format!("Thanks for confirming! See you then: {summary}.")
        }
    }

    pub fn anything_else(&self) -> String {
        self.pick(
            "Anything else I can do for you?",
            "Kann ich sonst noch etwas für Sie tun?",
        )
    }

    pub fn no_service_staff(&self) -> String {
        self.pick(
            "Sorry, nobody offers that at the moment.",
            "Das bietet im Moment leider niemand an.",
        )
    }

    pub fn staff_unknown_for_service(&self, staff: &str, service: &str) -> String {
        if self.de() {
            format!("{staff} bietet {service} leider nicht an — ich schaue bei allen Kollegen.")
        } else {
            format!("{staff} doesn't do {service}, so I'm looking at everyone else.")
        }
    }

    /// Appended to the greeting when the business names its privacy notice.
    pub fn privacy_notice(&self, url: &str) -> String {
        if self.de() {
            format!("Wie wir mit Ihren Daten umgehen: {url}")
        } else {
            format!("How we handle your data: {url}")
        }
    }

    pub fn noted(&self, summary: &str) -> String {
        if self.de() {
            format!("Ich habe {summary} für Sie vorgemerkt.")
        } else {
            format!("I've noted {summary} for you.")
        }
    }

    pub fn ask_proof(&self) -> String {
        self.pick(
            "To show bookings made outside this chat, I need to check it's you. What's your phone number or email address? I'll send you a 6-digit code there. (Your booking reference works too, like K7Q-4MX.)",
            "Um Termine zu zeigen, die nicht in diesem Chat gebucht wurden, muss ich prüfen, dass Sie es sind. Wie lautet Ihre Telefonnummer oder E-Mail-Adresse? Ich schicke Ihnen dorthin einen 6-stelligen Code. (Ihre Buchungsnummer wie K7Q-4MX geht auch.)",
        )
    }

    pub fn code_sent(&self, masked: &str) -> String {
        if self.de() {
            format!(
                "Ich habe Ihnen einen 6-stelligen Code an {masked} geschickt. Bitte tippen Sie ihn hier ein – er gilt 10 Minuten."
            )
        } else {
            format!(
                "I've sent a 6-digit code to {masked}. Please type it here — it's valid for 10 minutes."
            )
        }
    }

    pub fn code_no_sms(&self) -> String {
        self.pick(
            "I can't send a text message to a phone number from here. Please give me your email address instead — or use the link in your booking confirmation, which manages that booking.",
            "Von hier aus kann ich keine SMS an eine Telefonnummer schicken. Nennen Sie mir bitte stattdessen Ihre E-Mail-Adresse – oder nutzen Sie den Link in Ihrer Buchungsbestätigung, mit dem Sie den Termin verwalten.",
        )
    }

    pub fn code_needs_country(&self) -> String {
        self.pick(
            "Please give me the number with its country code, like +49 151 23456789.",
            "Bitte nennen Sie die Nummer mit Ländervorwahl, etwa +49 151 23456789.",
        )
    }

    pub fn code_limited(&self, minutes: i64) -> String {
        if self.de() {
            format!(
                "Dorthin habe ich gerade schon mehrere Codes geschickt. Bitte versuchen Sie es in {minutes} Minuten noch einmal, oder nutzen Sie den Link in Ihrer Buchungsbestätigung."
            )
        } else {
            format!(
                "I've sent several codes there already. Please try again in {minutes} minutes, or use the link in your booking confirmation."
            )
        }
    }

    pub fn code_wrong(&self, tries_left: i32) -> String {
        match (self.de(), tries_left) {
            (true, 1) => "Dieser Code stimmt nicht. Sie haben noch einen Versuch.".to_owned(),
            (true, n) => format!("Dieser Code stimmt nicht. Sie haben noch {n} Versuche."),
            (false, 1) => "That code isn't right. You have one more try.".to_owned(),
            (false, n) => format!("That code isn't right. You have {n} more tries."),
        }
    }

    pub fn code_used_up(&self) -> String {
        self.pick(
            "That code has been tried too often. Shall I send you a new one?",
            "Dieser Code wurde zu oft versucht. Soll ich Ihnen einen neuen schicken?",
        )
    }

    pub fn code_expired(&self) -> String {
        self.pick(
            "That code has expired. Shall I send you a new one?",
            "Dieser Code ist abgelaufen. Soll ich Ihnen einen neuen schicken?",
        )
    }

    pub fn code_digits(&self) -> String {
        self.pick(
            "A code has 6 digits — please type the one I sent you.",
            "Ein Code hat 6 Ziffern – bitte tippen Sie den ein, den ich Ihnen geschickt habe.",
        )
    }

    pub fn proven(&self) -> String {
        self.pick("Thanks — that's you.", "Danke – Sie sind bestätigt.")
    }

    pub fn ask_reference_contact_for_code(&self) -> String {
        self.pick(
            "Thanks! Which phone number or email address did you book with? I'll send a code there to make sure it's you.",
            "Danke! Mit welcher Telefonnummer oder E-Mail-Adresse haben Sie gebucht? Ich schicke dorthin einen Code, um sicherzugehen, dass Sie es sind.",
        )
    }

    pub fn reference_checked(&self, reference: &str) -> String {
        if self.de() {
            format!(
                "Falls {reference} mit dieser Kontaktangabe gebucht wurde, habe ich gerade einen 6-stelligen Code dorthin geschickt. Bitte tippen Sie ihn hier ein."
            )
        } else {
            format!(
                "If {reference} was booked with that contact, I've just sent a 6-digit code there. Please type it here."
            )
        }
    }

    pub fn reference_limited(&self, minutes: i64) -> String {
        if self.de() {
            format!(
                "Für diese Buchungsnummer gab es zu viele Versuche. Bitte versuchen Sie es in {minutes} Minuten noch einmal oder sprechen Sie mit einem Mitarbeiter."
            )
        } else {
            format!(
                "There have been too many tries for this booking reference. Please try again in {minutes} minutes, or talk to a person."
            )
        }
    }

    pub fn privacy_request(&self, business: &str) -> String {
        if self.de() {
            format!(
                "Ich habe Ihre Bitte, Ihre Daten zu löschen, an das Team von {business} weitergegeben. Man kümmert sich darum und meldet sich hier bei Ihnen."
            )
        } else {
            format!(
                "I've passed your request to delete your data to the team at {business}. They'll take care of it and confirm here."
            )
        }
    }

    pub fn link_expired(&self) -> String {
        self.pick(
            "That link has expired, but I'm happy to help you here.",
            "Dieser Link ist abgelaufen, aber ich helfe Ihnen gern hier weiter.",
        )
    }

    pub fn link_used(&self) -> String {
        self.pick(
            "That link was already used in another chat, but I'm happy to help you here.",
            "Dieser Link wurde bereits in einem anderen Chat verwendet, aber ich helfe Ihnen gern hier weiter.",
        )
    }
}
