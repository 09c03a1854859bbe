//! Utterances per second on the SGD corpus, single thread.
//!
//! `cargo run --release --example throughput` (set CHAIRSIDE_SGD_PATH to use another file).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use chairside::understanding::{Context, DateOrder, ServiceName, StaffName, understand};
use chrono::{NaiveDateTime, NaiveTime};

const SERVICES: [ServiceName; 4] = [
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

type Turn = (String, NaiveDateTime, chrono_tz::Tz);

/// Runs every turn `rounds` times and prints the rate.
fn measure(label: &str, turns: &[Turn], rounds: usize, with_business: bool) {
    let open = NaiveTime::from_hms_opt(9, 0, 0).expect("09:00");
    let close = NaiveTime::from_hms_opt(19, 0, 0).expect("19:00");
    let start = Instant::now();
    let mut understood = 0usize;
    for _ in 0..rounds {
        for (text, now, tz) in turns {
            let mut ctx = Context::new(*now, *tz).with_date_order(DateOrder::MonthDay);
            if with_business {
                ctx = ctx
                    .with_services(&SERVICES)
                    .with_staff(&STAFF)
                    .with_opening(open, close);
            }
            let u = understand(black_box(text), &ctx);
            understood += usize::from(u.date.is_some() || u.time.is_some());
        }
    }
    let elapsed = start.elapsed();
    let n = rounds * turns.len();
    println!(
        "{label}: {n} utterances in {:.2?}: {:.0} utterances/s ({:.2} µs each; {understood} with a date or time)",
        elapsed,
        n as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
}

fn corpus_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CHAIRSIDE_SGD_PATH") {
        return PathBuf::from(p);
    }
    let rel = "shared/data/sgd/salon-dentist.train.jsonl";
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [dir.join("..").join(rel), dir.join("../..").join(rel)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| dir.join("..").join(rel))
}

fn main() {
    let path = corpus_path();
    let data = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let turns: Vec<Turn> = data
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|row| {
            let text = row["text"].as_str()?.to_string();
            let now =
                NaiveDateTime::parse_from_str(row["now"].as_str()?, "%Y-%m-%dT%H:%M:%S").ok()?;
            let tz = row["time_zone"].as_str()?.parse().ok()?;
            Some((text, now, tz))
        })
        .collect();
    assert!(!turns.is_empty(), "no turns in {}", path.display());
    measure("no services/staff (as scored)", &turns, 200, false);
    measure("barber: 4 services, 3 staff", &turns, 200, true);
}
