//! Nothing may panic, whatever the customer types and whatever "now" is.

use chairside::understanding::{Context, Locale, ServiceName, StaffName, understand};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

const SERVICES: [ServiceName; 3] = [
    ServiceName {
        id: "cut",
        name: "Herrenhaarschnitt",
        synonyms: &["Haircut", "cut"],
    },
    ServiceName {
        id: "beard",
        name: "Beard Trim",
        synonyms: &[],
    },
    ServiceName {
        id: "x",
        name: "",
        synonyms: &["", "&", "😀"],
    },
];
const STAFF: [StaffName; 3] = [
    StaffName {
        id: "sam",
        name: "Sam",
    },
    StaffName {
        id: "will",
        name: "Will",
    },
    StaffName {
        id: "empty",
        name: "",
    },
];

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("valid test timestamp")
}

fn ctx(now: NaiveDateTime, lang: Option<Locale>) -> Context<'static> {
    Context::new(now, chrono_tz::Europe::Berlin)
        .with_lang(lang)
        .with_services(&SERVICES)
        .with_staff(&STAFF)
}

/// Words the parsers react to, so random sentences exercise their paths.
const VOCAB: &str = "(the|am|um|pm|a\\.m\\.|halb|viertel|nach|vor|quarter|to|past|31st|29\\.|2\\.|\
morgen|heute|next|week|woche|between|and|bis|from|ab|after|before|not|nicht|#|option|\
the last|zweite|in|days|wochen|hours|\\+49|0151|@|\\$|€|people|o'clock|uhr|tonight|feb|\
march|märz|friday|freitag|monday|jan|dec|2027-02-30|5/3|14\\.3\\.|15:30|1530|99|0|24|\
cancel|absagen|book|ja|no|my name is|ich bin|I'm|😀|👍|ß|Ä|-|:|\\.|,|\\?| |\
mañana|pasado|a las|y media|menos cuarto|de la tarde|por la|el 14|la semana que viene|\
dentro de|en ocho|nochebuena|boxing day|2\\. weihnachtstag|the day before|after next|\
saturday week|fortnight|an hour later|más tarde|retrasar|lieber|instead|¿|¡|ñ|Ñ|do\\.|so\\.)";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_unicode(s in any::<String>()) {
        let _ = understand(&s, &ctx(at(2025, 3, 31, 9), None));
    }

    #[test]
    fn sentences_from_parser_words(parts in prop::collection::vec(VOCAB, 0..40), day in 0u32..400, de in any::<bool>()) {
        let text = parts.join(" ");
        let now = at(2024, 1, 1, 8) + chrono::Duration::days(i64::from(day));
        let lang = Locale::all().nth(day as usize % 3).filter(|_| de);
        let _ = understand(&text, &ctx(now, lang));
    }
}

#[test]
fn extreme_clocks_and_inputs() {
    let nows = [
        NaiveDateTime::MIN,
        NaiveDateTime::MAX,
        at(2024, 2, 29, 23),
        at(2025, 12, 31, 23),
        at(2025, 1, 31, 0),
    ];
    let inputs = [
        String::new(),
        "the 31st".to_string(),
        "am 31.".to_string(),
        "2027-02-30 at 25:61".to_string(),
        "feb 29, in 400 weeks, in 999 days, in 12 months, next weekend, a week from next friday"
            .to_string(),
        "😀".repeat(3000),
        "9".repeat(10_000),
        "morgen um halb 4 ".repeat(700),
        "at 3pm between 2 and 5 ".repeat(500),
        "a@b.c @@ +++ (((( ---- 0000 ".repeat(400),
    ];
    for now in nows {
        let mut c = ctx(now, None);
        c.opening = Some((NaiveTime::MIN, NaiveTime::MIN));
        for input in &inputs {
            let _ = understand(input, &c);
            let _ = understand(input, &ctx(now, Some(Locale::De)));
        }
    }
}

/// Languages Chairside does not speak, right-to-left scripts and emoji between words book,
/// cancel and move nothing, and name no day.
#[test]
fn messages_in_other_languages_ask_for_nothing() {
    use chairside::understanding::Intent;
    let inputs = [
        "Bonjour, je voudrais un rendez-vous demain",
        "Ciao, vorrei prenotare per venerdì",
        "أريد موعدا غدا من فضلك",
        "אני רוצה תור מחר",
        "我想预约明天",
        "🙂 💈 ✂️ 🙏",
    ];
    for lang in [None, Some(Locale::En), Some(Locale::De), Some(Locale::Es)] {
        for input in inputs {
            let u = understand(input, &ctx(at(2025, 3, 12, 10), lang));
            assert!(
                !matches!(
                    u.intent,
                    Some(Intent::Book | Intent::Cancel | Intent::Reschedule)
                ),
                "{input:?} ({lang:?}) → {:?}",
                u.intent
            );
            assert_eq!(u.date, None, "{input:?} ({lang:?})");
        }
    }
}
