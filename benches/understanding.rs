//! Understanding throughput, one core: the SGD salon/dentist turns, and every labelled turn of
//! the English, German and Spanish corpora read against a business with 10 services.
//!
//!     cargo bench --bench understanding

use chairside::understanding::{Context, ServiceName, StaffName, understand};
use chrono::NaiveDateTime;
use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};

fn corpus() -> Vec<String> {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = std::env::var_os("CHAIRSIDE_SGD_PATH")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| manifest.join("tests/data/sgd/salon-dentist.train.jsonl"));
    texts_of(&path)
}

/// Every turn of the barber corpora in the three languages, long tails included.
fn three_languages() -> Vec<String> {
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    [
        "en-utterances.jsonl",
        "de-utterances.jsonl",
        "es-utterances.jsonl",
        "en-longtail.jsonl",
        "de-longtail.jsonl",
    ]
    .iter()
    .flat_map(|name| texts_of(&data.join(name)))
    .collect()
}

fn texts_of(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("readable corpus")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = corpus();
    let now = NaiveDateTime::parse_from_str("2019-03-01T09:00:00", "%Y-%m-%dT%H:%M:%S").unwrap();
    let tz = chrono_tz::America::Los_Angeles;
    let services = [
        ServiceName {
            id: "cut",
            name: "Haircut",
            synonyms: &["trim"],
        },
        ServiceName {
            id: "fade",
            name: "Skin Fade",
            synonyms: &["fade"],
        },
        ServiceName {
            id: "beard",
            name: "Beard Trim",
            synonyms: &[],
        },
        ServiceName {
            id: "both",
            name: "Haircut & Beard",
            synonyms: &[],
        },
    ];
    let staff = [
        StaffName {
            id: "sam",
            name: "Sam",
        },
        StaffName {
            id: "alex",
            name: "Alex",
        },
        StaffName {
            id: "jo",
            name: "Jordan",
        },
    ];
    let plain = Context::new(now, tz);
    let barber = Context::new(now, tz)
        .with_services(&services)
        .with_staff(&staff);
    let mut group = c.benchmark_group("understanding");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("SGD turns, no services", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| understand(black_box(t), &plain).time.is_some())
                .count()
        })
    });
    group.bench_function("SGD turns, barber with 4 services and 3 staff", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| understand(black_box(t), &barber).time.is_some())
                .count()
        })
    });
    group.finish();

    let mixed = three_languages();
    let ten = [
        ("cut", "Haircut"),
        ("fade", "Skin Fade"),
        ("beard", "Beard Trim"),
        ("both", "Haircut & Beard"),
        ("herren", "Herrenhaarschnitt"),
        ("bart", "Bartpflege"),
        ("farbe", "Färben"),
        ("corte", "Corte de pelo"),
        ("barba", "Arreglo de barba"),
        ("tinte", "Tinte"),
    ]
    .map(|(id, name)| ServiceName {
        id,
        name,
        synonyms: &[],
    });
    let salon = Context::new(now, tz).with_services(&ten).with_staff(&staff);
    let mut group = c.benchmark_group("understanding, three languages");
    group.throughput(Throughput::Elements(mixed.len() as u64));
    group.bench_function(
        "English, German and Spanish turns, 10 services and 3 staff",
        |b| {
            b.iter(|| {
                mixed
                    .iter()
                    .filter(|t| understand(black_box(t), &salon).date.is_some())
                    .count()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
