//! Output never depends on the order a description lists its paths, its
//! component schemas or its security schemes in: reordering them gives
//! byte-identical files, so a reordered (or re-exported) description
//! renames nothing.

use std::path::{Path, PathBuf};

use generator::{Config, load};
use serde_json::Value;

/// `spec/openapi.yaml` and every fixture.
fn descriptions() -> Vec<PathBuf> {
    let root = tests::workspace();
    let mut out = vec![root.join("spec/openapi.yaml")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .filter_map(|e| {
            ["openapi.yaml", "openapi.json"]
                .iter()
                .map(|f| e.path().join(f))
                .find(|p| p.is_file())
        })
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 10,
        "expected the fixtures, found {fixtures:?}"
    );
    out.extend(fixtures);
    out
}

/// Reverses the entries of the object at `pointer`, if there is one.
fn reverse_at(raw: &mut Value, pointer: &str) {
    if let Some(Value::Object(map)) = raw.pointer_mut(pointer) {
        let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
        *map = entries.into_iter().rev().collect();
    }
}

/// The files generated from `raw`, loaded as if it were the file at `path`.
fn generate(path: &Path, raw: &Value, config: &Config) -> Vec<(String, String)> {
    let bytes = serde_json::to_vec(raw).expect("a JSON tree serializes");
    let doc = load::load_bytes(path, &bytes).expect("the reordered description loads");
    generator::generate_document(doc, config)
        .unwrap_or_else(|e| panic!("{} does not generate:\n{e}", path.display()))
        .files
        .into_iter()
        .map(|f| {
            let contents = without_input_digests(&f.path, f.contents);
            (f.path, contents)
        })
        .collect()
}

/// `.stats.yml` records the SHA-256 of the input bytes, which reordering
/// changes by construction; every other line of it must still match.
fn without_input_digests(path: &str, contents: String) -> String {
    if path != ".stats.yml" {
        return contents;
    }
    contents
        .lines()
        .filter(|line| !line.trim_start().starts_with("sha256:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn reordering_paths_schemas_and_security_schemes_changes_no_file() {
    let orders: [(&str, &[&str]); 4] = [
        ("paths reversed", &["/paths"]),
        ("component schemas reversed", &["/components/schemas"]),
        (
            "security schemes reversed",
            &["/components/securitySchemes"],
        ),
        (
            "all reversed",
            &[
                "/paths",
                "/components/schemas",
                "/components/securitySchemes",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for spec in descriptions() {
        let (config, _) = Config::discover(&spec).expect("the config is valid");
        let doc = load::load(&spec).expect("the description loads");
        let original = generate(&spec, &doc.raw, &config);
        for (label, pointers) in orders {
            let mut raw = doc.raw.clone();
            for pointer in pointers {
                reverse_at(&mut raw, pointer);
            }
            assert_ne!(raw, Value::Null);
            let reordered = generate(&spec, &raw, &config);
            let differing: Vec<&str> = original
                .iter()
                .zip(&reordered)
                .filter(|(a, b)| a != b)
                .map(|(a, _)| a.0.as_str())
                .collect();
            if original.len() != reordered.len() || !differing.is_empty() {
                failures.push(format!(
                    "{} with {label}: {} files differ: {differing:?}",
                    spec.display(),
                    differing.len().max(1)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
