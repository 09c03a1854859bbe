//! Understanding throughput, one core: the SGD salon/dentist turns, every labelled turn of the
//! English, German and Spanish corpora read against a business with 10 services, and the same
//! turns with the questions customers ask against that business with an FAQ of 50 entries.
//!
//!     cargo bench --bench understanding

use chairside::understanding::{
    Context, FaqExamples, FaqIndex, ServiceName, StaffName, understand,
};
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

/// The care corpora's questions, in the three languages.
fn questions() -> Vec<String> {
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    ["care-en.jsonl", "care-de.jsonl", "care-es.jsonl"]
        .iter()
        .flat_map(|name| texts_of(&data.join(name)))
        .collect()
}

/// 50 entries in three languages: the care corpora's seven (`tests/data/care-faq.json`), and 43
/// more of the kinds owners write (two phrasings in English, one in German and one in Spanish).
fn faq_examples() -> Vec<FaqExamples> {
    let things = [
        ("wifi", "WLAN", "wifi"),
        ("a toilet", "eine Toilette", "baño"),
        ("coffee", "Kaffee", "café"),
        (
            "student discounts",
            "Studentenrabatt",
            "descuento para estudiantes",
        ),
        ("a loyalty card", "eine Treuekarte", "tarjeta de cliente"),
        ("beard oil", "Bartöl", "aceite para barba"),
        ("hair wax", "Haarwachs", "cera"),
        ("air conditioning", "eine Klimaanlage", "aire acondicionado"),
        ("a waiting area", "einen Wartebereich", "sala de espera"),
        ("magazines", "Zeitschriften", "revistas"),
        ("a kids' corner", "eine Kinderecke", "rincón infantil"),
        ("towels", "Handtücher", "toallas"),
        (
            "a dress code",
            "eine Kleiderordnung",
            "código de vestimenta",
        ),
        ("lockers", "Schließfächer", "taquillas"),
        ("a lift", "einen Aufzug", "ascensor"),
        ("bike racks", "Fahrradständer", "aparcabicis"),
        ("vegan products", "vegane Produkte", "productos veganos"),
        ("a shower", "eine Dusche", "ducha"),
        ("phone chargers", "Ladekabel", "cargadores"),
        (
            "English speakers",
            "englischsprachige Friseure",
            "barberos que hablan inglés",
        ),
        ("hair washing", "Haarwäsche", "lavado de pelo"),
        ("a newsletter", "einen Newsletter", "boletín"),
        ("home visits", "Hausbesuche", "servicio a domicilio"),
        ("group bookings", "Gruppenbuchungen", "reservas de grupo"),
        ("wedding packages", "Hochzeitspakete", "paquetes de boda"),
        (
            "hair products for sale",
            "Haarprodukte zum Kaufen",
            "productos de pelo",
        ),
        ("a refund policy", "Rückerstattung", "reembolsos"),
        (
            "late arrival rules",
            "Regeln bei Verspätung",
            "normas si llego tarde",
        ),
        ("masks", "Maskenpflicht", "mascarillas"),
        ("an allergy policy", "Allergieinfos", "alergias"),
        ("music requests", "Musikwünsche", "peticiones de música"),
        ("a terrace", "eine Terrasse", "terraza"),
        ("drinks", "Getränke", "bebidas"),
        ("TV", "einen Fernseher", "tele"),
        (
            "photos before and after",
            "Vorher-Nachher-Fotos",
            "fotos del antes y después",
        ),
        ("a second location", "eine zweite Filiale", "otro local"),
        ("jobs", "offene Stellen", "ofertas de trabajo"),
        ("training courses", "Kurse", "cursos"),
        (
            "beard shaping for kids",
            "Bart für Jugendliche",
            "barba para jóvenes",
        ),
        (
            "senior discounts",
            "Seniorenrabatt",
            "descuento para mayores",
        ),
        ("invoices", "Rechnungen", "facturas"),
        ("tips", "Trinkgeld", "propinas"),
        ("a deposit", "eine Anzahlung", "señal"),
    ];
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/care-faq.json");
    let mut entries: Vec<FaqExamples> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable FAQ"))
            .expect("FAQ JSON");
    for (n, (en, de, es)) in things.iter().enumerate() {
        entries.push(FaqExamples {
            id: format!("entry-{n}"),
            examples: vec![
                format!("Do you have {en}?"),
                format!("Is there {en}?"),
                format!("Habt ihr {de}?"),
                format!("¿Tenéis {es}?"),
            ],
        });
    }
    entries
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
    let entries = faq_examples();
    assert_eq!(entries.len(), 50);
    let index = FaqIndex::new(&entries);
    let with_faq = salon.with_faq(&index);
    let asked: Vec<String> = mixed.iter().cloned().chain(questions()).collect();
    group.throughput(Throughput::Elements(asked.len() as u64));
    group.bench_function(
        "the same turns and the questions, 10 services, 3 staff and an FAQ of 50 entries",
        |b| {
            b.iter(|| {
                asked
                    .iter()
                    .filter(|t| understand(black_box(t), &with_faq).question.is_some())
                    .count()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
