//! Was der Chat auf Fragen antwortet, auf Deutsch.

use crate::languages::care::CareTexts;

pub(super) const CARE: CareTexts = CareTexts {
    money: "{amount} {symbol}",
    decimal_separator: ",",
    minutes: "{minutes} Min.",
    hours: "{hours} Std.",
    hours_minutes: "{hours} Std. {minutes} Min.",
    span: "{from}–{to}",
    and: " und ",
    day_run: "{first} bis {last}",

    price: "{service} kostet {price} und dauert {duration}.",
    price_unlisted: "{service} dauert {duration}. Den Preis habe ich hier nicht – das Team sagt ihn Ihnen gern.",
    price_by_staff: "Bei {staff}: {price}.",
    price_list: "Unsere Preise:",
    price_line: "{service}: {price}, {duration}",
    price_line_unlisted: "{service}: {duration} (Preis auf Anfrage)",
    duration: "{service} dauert etwa {duration}.",
    duration_list: "So lange dauert es:",
    duration_line: "{service}: {duration}",
    offered: "Ja, wir bieten {service} an ({price}).",
    offered_unlisted: "Ja, wir bieten {service} an.",
    closest: "Das haben wir so nicht im Angebot. Am nächsten kommt {service}.",
    service_list: "Das bieten wir an:",

    open_on: "Am {date} haben wir {hours} geöffnet.",
    closed_on: "Am {date} haben wir geschlossen.",
    open_now: "Ja, wir haben gerade geöffnet, bis {until}.",
    closed_now: "Gerade haben wir geschlossen. Wir öffnen wieder am {when}.",
    closed_for_now: "Gerade haben wir geschlossen, und für die nächsten Wochen sind keine Öffnungszeiten eingetragen.",
    week: "Unsere Öffnungszeiten:",
    week_line: "{days}: {hours}",
    week_closed: "{days}: geschlossen",
    closures_ahead: "Geschlossen am: {dates}.",

    address: "Sie finden uns hier: {address}.\nKarte: {map}",
    phone: "Sie erreichen uns telefonisch unter {phone}.",
    website: "Online buchen können Sie jederzeit hier: {url}",
    not_listed: "Das habe ich hier nicht – soll ich das Team fragen?",

    staff_works: "{staff} arbeitet am {date}, {hours}.",
    staff_off: "{staff} ist am {date} nicht da.",
    staff_week: "{staff} arbeitet normalerweise {days}.",
    staff_no_days: "Für {staff} sind gerade keine Arbeitstage eingetragen.",
    who_works: "Am {date} arbeiten:",
    staff_line: "{staff}: {hours}",

    cancellation: "Sie können einen Termin bis {cutoff} vor Beginn selbst absagen oder verschieben.",
    cancellation_any_time: "Sie können einen Termin jederzeit vor Beginn selbst absagen oder verschieben.",
    horizon: "Sie können bis zu {days} Tage im Voraus buchen, spätestens {notice} vor dem Termin.",
    reminders: "Wir erinnern Sie {offsets} vor Ihrem Termin.",
    no_reminders: "Wir verschicken keine Erinnerungen, aber Ihre Bestätigung enthält eine Kalenderdatei für Ihr Handy.",

    dont_know: "Das weiß ich leider nicht – soll ich das Team fragen?",
    asked_team: "Ich habe Ihre Frage an das Team weitergegeben. Sie bekommen hier so bald wie möglich eine Antwort.",
    too_far: "So weit im Voraus planen wir noch nicht: Buchungen sind bis zu {days} Tage im Voraus möglich.",

    button_book_service: "{service} buchen",
    button_times: "Zeiten {date}",
    button_prices: "Preise",
    button_hours: "Öffnungszeiten",
    button_ask_team: "Team fragen",
};
