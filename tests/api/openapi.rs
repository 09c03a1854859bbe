//! The OpenAPI document: valid under an independent validator (`openapi-spec-validator`),
//! operation ids unique, every route that `api::configure` registers documented with its
//! methods, and every `/api/v1` route README.md names among them.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::process::Command;

use crate::helpers::*;

/// Where `.ci/run` installs the validator (Debian's python3 is externally managed, so it lives
/// in a virtual environment of its own).
fn validator() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/openapi-venv/bin/openapi-spec-validator")
}

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The (method, path) pairs that `api::configure` registers, read from its source: the route
/// table is written once, there, and this keeps the document from missing a new route.
fn registered_routes() -> BTreeSet<(String, String)> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/mod.rs"))
        .expect("read src/api/mod.rs");
    let start = source.find("pub fn configure").expect("api::configure");
    let end = start
        + source[start..]
            .find("\n}\n")
            .expect("end of api::configure");
    let table = &source[start..end];
    let mut routes = BTreeSet::new();
    let mut prefix = "";
    let mut rest = table;
    while let Some(at) = rest.find("web::") {
        rest = &rest[at + "web::".len()..];
        let kind = if rest.starts_with("scope(\"") {
            "scope"
        } else if rest.starts_with("resource(\"") {
            "resource"
        } else {
            continue;
        };
        let quoted = &rest[rest.find('"').unwrap() + 1..];
        let path = &quoted[..quoted.find('"').unwrap()];
        if kind == "scope" {
            prefix = path;
            continue;
        }
        let chain_end = rest.find("web::resource(").unwrap_or(rest.len());
        let chain_end = rest[..chain_end].find("web::scope(").unwrap_or(chain_end);
        let chain = &rest[..chain_end];
        let methods = ["get", "post", "put", "patch", "delete"];
        let mut found = false;
        for method in methods {
            if chain.contains(&format!(".{method}(")) {
                routes.insert((method.to_owned(), format!("{prefix}{path}")));
                found = true;
            }
        }
        assert!(found, "no method found for {prefix}{path}");
    }
    routes
}

/// The (method, path) pairs README.md names in code spans such as `GET, PATCH /api/v1/x/{id}`
/// or `POST …/cancel`, where `…` continues a path named before it on the same line (or, with
/// none, `/api/v1/businesses/{slug}`). Query strings are left off. Each pair is returned with
/// the paths `…` may stand for, since prose does not say how much of the earlier path it keeps.
fn readme_routes() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let mut routes = Vec::new();
    for line in readme.lines() {
        let mut earlier = "/api/v1/businesses/{slug}".to_owned();
        for span in line.split('`').skip(1).step_by(2) {
            let Some((verbs, path)) = span.rsplit_once(' ') else {
                continue;
            };
            let verbs: Vec<&str> = verbs.split(',').map(str::trim).collect();
            if !verbs.iter().all(|v| methods.contains(v)) {
                continue;
            }
            let path = path.split('?').next().unwrap_or(path);
            let candidates: Vec<String> = if let Some(rest) = path.strip_prefix('…') {
                let mut prefixes: Vec<&str> = earlier
                    .match_indices('/')
                    .map(|(at, _)| &earlier[..at])
                    .filter(|p| !p.is_empty())
                    .collect();
                prefixes.push(&earlier);
                prefixes.iter().map(|p| format!("{p}{rest}")).collect()
            } else if path.starts_with("/api/v1") {
                earlier = path.to_owned();
                vec![path.to_owned()]
            } else {
                continue;
            };
            for verb in verbs {
                routes.push((verb.to_lowercase(), candidates.clone()));
            }
        }
    }
    routes
}

#[actix_web::test]
async fn openapi_document_is_valid_and_complete() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let (status, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);

    let paths = doc["paths"].as_object().expect("paths");
    let mut operation_ids = HashSet::new();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            documented.insert((method.clone(), path.clone()));
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                operation_ids.insert(id.to_owned()),
                "operationId {id} twice"
            );
        }
    }
    let routes = registered_routes();
    assert!(routes.len() > 50, "read only {} routes", routes.len());
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes not in the document: {missing:?}"
    );
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    let named = readme_routes();
    assert!(
        named.len() > 30,
        "read only {} routes in README.md",
        named.len()
    );
    let undocumented: Vec<_> = named
        .iter()
        .filter(|(method, paths)| {
            !paths
                .iter()
                .any(|p| documented.contains(&(method.clone(), p.clone())))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "README.md names routes the document lacks: {undocumented:?}"
    );

    let validator = validator();
    if !validator.exists() {
        let install = "python3 -m venv target/openapi-venv && \
                       target/openapi-venv/bin/pip install openapi-spec-validator";
        assert!(
            !required(),
            "openapi-spec-validator missing at {}; install with: {install}",
            validator.display()
        );
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! NOT RUN: openapi-spec-validator missing, install with:\n\
             !!!   {install}\n\
             !!! (CI=true makes this an error.)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    }
    let file =
        std::env::temp_dir().join(format!("chairside-openapi-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).expect("encode")).expect("write");
    let output = Command::new(&validator)
        .arg("--validation-errors")
        .arg("all")
        .arg(&file)
        .output()
        .expect("run openapi-spec-validator");
    if output.status.success() {
        let _ = std::fs::remove_file(&file);
    }
    assert!(
        output.status.success(),
        "openapi-spec-validator refused the document:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
