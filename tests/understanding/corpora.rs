//! Accuracy on labelled corpora: the SGD salon/dentist turns and our own
//! German and English barber sets. A turn is right when every field in its
//! `expected` object matches the serialised output (`null` = must be absent).
//!
//! Run with `cargo test --test corpora -- --nocapture` to see the failures.

use std::path::{Path, PathBuf};

use crate::common::{Business, DE, EN, ES, SGD, evaluate};

const FLOOR: f64 = 0.97;

fn assert_floor(name: &str, path: &Path, business: &Business) {
    let (right, total) = evaluate(name, path, business);
    hold_to_floor(name, right, total);
}

fn hold_to_floor(name: &str, right: usize, total: usize) {
    assert!(total > 0, "{name}: empty corpus");
    let accuracy = right as f64 / total as f64;
    assert!(
        accuracy >= FLOOR,
        "{name}: accuracy {:.1}% below {:.0}%",
        accuracy * 100.0,
        FLOOR * 100.0
    );
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `CHAIRSIDE_SGD_PATH` (another copy or split of the corpus), else the copy in `tests/data/`.
fn sgd_path() -> PathBuf {
    std::env::var_os("CHAIRSIDE_SGD_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("tests/data/sgd/salon-dentist.train.jsonl"))
}

#[test]
fn sgd_salon_dentist() {
    assert_floor("sgd", &sgd_path(), &SGD);
}

#[test]
fn german_barber() {
    assert_floor(
        "de",
        &manifest_dir().join("tests/data/de-utterances.jsonl"),
        &DE,
    );
}

#[test]
fn english_barber() {
    assert_floor(
        "en",
        &manifest_dir().join("tests/data/en-utterances.jsonl"),
        &EN,
    );
}

#[test]
fn spanish_barber() {
    assert_floor(
        "es",
        &manifest_dir().join("tests/data/es-utterances.jsonl"),
        &ES,
    );
}

#[test]
fn english_long_tail() {
    assert_floor(
        "en-longtail",
        &manifest_dir().join("tests/data/en-longtail.jsonl"),
        &EN,
    );
}

#[test]
fn german_long_tail() {
    assert_floor(
        "de-longtail",
        &manifest_dir().join("tests/data/de-longtail.jsonl"),
        &DE,
    );
}

/// Questions to the business in three languages, read against the FAQ in `common.rs`; every
/// language is scored before any is held to the floor, so one run shows all the misses.
#[test]
fn care_questions() {
    let scores: Vec<(String, usize, usize)> = [("en", &EN), ("de", &DE), ("es", &ES)]
        .into_iter()
        .map(|(lang, business)| {
            let name = format!("care-{lang}");
            let path = manifest_dir().join(format!("tests/data/{name}.jsonl"));
            let (right, total) = evaluate(&name, &path, business);
            (name, right, total)
        })
        .collect();
    for (name, right, total) in scores {
        assert!(total > 0, "{name}: empty corpus");
        let accuracy = right as f64 / total as f64;
        assert!(
            accuracy >= FLOOR,
            "{name}: accuracy {:.1}% below {:.0}%",
            accuracy * 100.0,
            FLOOR * 100.0
        );
    }
}
