//! The two migration trees, `migrations/sqlite` and `migrations/postgres`, must describe the
//! same schema history: a migration written for one backend and forgotten for the other would
//! leave the backends' schemas apart, found only when a query fails on one of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const BACKENDS: [&str; 2] = ["sqlite", "postgres"];

fn tree(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
}

/// The migration folders of one backend, by name.
fn migrations(backend: &str) -> BTreeSet<String> {
    let dir = tree(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let [sqlite, postgres] = BACKENDS.map(migrations);
    assert!(!sqlite.is_empty(), "no migrations found");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration trees differ; only in sqlite: {only_sqlite:?}, only in postgres: {only_postgres:?}"
    );
}

#[test]
fn every_migration_can_be_applied_and_reverted() {
    for backend in BACKENDS {
        for name in migrations(backend) {
            for script in ["up.sql", "down.sql"] {
                let path = tree(backend).join(&name).join(script);
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }
}
