//! Shared by the corpus tests and `examples/evaluate.rs`: the businesses the
//! corpora were written for and the per-turn check.

#![allow(dead_code)]

use std::path::Path;

use std::sync::LazyLock;

use chairside::understanding::{
    Context, DateOrder, FaqExamples, FaqIndex, Locale, ServiceName, StaffName, understand,
};
use chrono::{NaiveDateTime, NaiveTime};
use serde_json::Value;

const BARBER_EN: [ServiceName; 4] = [
    ServiceName {
        id: "haircut",
        name: "Haircut",
        synonyms: &[],
    },
    ServiceName {
        id: "skin-fade",
        name: "Skin Fade",
        synonyms: &["fade"],
    },
    ServiceName {
        id: "beard-trim",
        name: "Beard Trim",
        synonyms: &[],
    },
    ServiceName {
        id: "haircut-beard",
        name: "Haircut & Beard",
        synonyms: &[],
    },
];

const BARBER_DE: [ServiceName; 3] = [
    ServiceName {
        id: "herrenhaarschnitt",
        name: "Herrenhaarschnitt",
        synonyms: &[],
    },
    ServiceName {
        id: "bartpflege",
        name: "Bartpflege",
        synonyms: &[],
    },
    ServiceName {
        id: "faerben",
        name: "Färben",
        synonyms: &[],
    },
];

const BARBER_ES: [ServiceName; 5] = [
    ServiceName {
        id: "corte",
        name: "Corte de pelo",
        synonyms: &[],
    },
    ServiceName {
        id: "degradado",
        name: "Degradado",
        synonyms: &["fade"],
    },
    ServiceName {
        id: "barba",
        name: "Arreglo de barba",
        synonyms: &[],
    },
    ServiceName {
        id: "corte-barba",
        name: "Corte y barba",
        synonyms: &[],
    },
    ServiceName {
        id: "tinte",
        name: "Tinte",
        synonyms: &[],
    },
];

const STAFF: [StaffName; 3] = [
    StaffName {
        id: "sam",
        name: "Sam",
    },
    StaffName {
        id: "alex",
        name: "Alex",
    },
    StaffName {
        id: "jordan",
        name: "Jordan",
    },
];

/// The FAQ the care corpora were written against (`tests/data/care-faq.json`, described in
/// `tests/data/CONVENTIONS.md`): each entry's examples in the three languages, as an owner who
/// serves all three would enter them.
pub static FAQ_INDEX: LazyLock<FaqIndex> = LazyLock::new(|| {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/care-faq.json");
    let data = std::fs::read_to_string(&path).expect("the care FAQ is readable");
    let entries: Vec<FaqExamples> = serde_json::from_str(&data).expect("the care FAQ is JSON");
    FaqIndex::new(&entries)
});

/// The business a corpus was written for.
pub struct Business {
    services: &'static [ServiceName<'static>],
    staff: &'static [StaffName<'static>],
    opening: (u32, u32),
    order: DateOrder,
}

/// SGD: no services or staff given, default opening hours, US dates.
pub const SGD: Business = Business {
    services: &[],
    staff: &[],
    opening: (8, 20),
    order: DateOrder::MonthDay,
};
/// English barber: Haircut, Skin Fade (fade), Beard Trim, Haircut & Beard; open 9–19.
pub const EN: Business = Business {
    services: &BARBER_EN,
    staff: &STAFF,
    opening: (9, 19),
    order: DateOrder::MonthDay,
};
/// German barber: Herrenhaarschnitt, Bartpflege, Färben; open 9–18.
pub const DE: Business = Business {
    services: &BARBER_DE,
    staff: &STAFF,
    opening: (9, 18),
    order: DateOrder::DayMonth,
};

/// Spanish barber: Corte de pelo, Degradado (fade), Arreglo de barba, Corte y barba, Tinte;
/// open 10–21.
pub const ES: Business = Business {
    services: &BARBER_ES,
    staff: &STAFF,
    opening: (10, 21),
    order: DateOrder::DayMonth,
};

pub fn business(name: &str) -> Option<&'static Business> {
    match name {
        "sgd" => Some(&SGD),
        "en" => Some(&EN),
        "de" => Some(&DE),
        "es" => Some(&ES),
        _ => None,
    }
}

fn hour(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour")
}

/// Outcome of one turn: `None` if right, else a description of what differed.
pub fn check(line: &str, business: &Business) -> Option<String> {
    let row: Value = serde_json::from_str(line).expect("valid JSON line");
    let text = row["text"].as_str().expect("text");
    let now = NaiveDateTime::parse_from_str(row["now"].as_str().expect("now"), "%Y-%m-%dT%H:%M:%S")
        .expect("now timestamp");
    let tz = row["time_zone"]
        .as_str()
        .expect("time_zone")
        .parse()
        .expect("known time zone");
    let mut ctx = Context::new(now, tz)
        .with_faq(&FAQ_INDEX)
        .with_services(business.services)
        .with_staff(business.staff)
        .with_opening(hour(business.opening.0), hour(business.opening.1));
    ctx.lang = row["lang"].as_str().and_then(Locale::from_tag);
    ctx.date_order = business.order;
    let got = serde_json::to_value(understand(text, &ctx)).expect("serialisable");
    let expected = row["expected"].as_object().expect("expected object");
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(key, want)| got.get(key.as_str()).unwrap_or(&Value::Null) != *want)
        .map(|(key, want)| {
            format!(
                "{key}: want {want}, got {}",
                got.get(key.as_str()).unwrap_or(&Value::Null)
            )
        })
        .collect();
    (!wrong.is_empty()).then(|| format!("{} | {text:?} | {}", row["id"], wrong.join("; ")))
}

/// Prints every failure and returns (right, total).
pub fn evaluate(name: &str, path: &Path, business: &Business) -> (usize, usize) {
    let data = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let lines: Vec<&str> = data.lines().filter(|l| !l.trim().is_empty()).collect();
    let failures: Vec<String> = lines.iter().filter_map(|l| check(l, business)).collect();
    for f in &failures {
        println!("  {f}");
    }
    let right = lines.len() - failures.len();
    println!(
        "{name}: {right}/{} fully right ({:.1}%)",
        lines.len(),
        100.0 * right as f64 / lines.len().max(1) as f64
    );
    (right, lines.len())
}
