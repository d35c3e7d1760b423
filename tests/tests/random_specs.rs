//! Property: for any small spec built from a grammar of hazards (keywords,
//! symbols, recursion, composition, every parameter location and query
//! style, every body media type, error and extra success responses), the
//! generator never panics, and whenever it succeeds every Rust file it
//! emits parses. A sample of such specs is also compiled, whole crates with
//! `clippy -D warnings`.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Value, json};

const NAMES: &[&str] = &[
    "type", "self", "Self", "match", "id", "ID", "Id", "fooBar", "foo_bar", "foo-bar", "1st", "+",
    "-", "$", "@type", "名前", "", "new", "crate", "Option", "Result", "String", "value", "a.b",
    "x y",
];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES).prop_map(str::to_owned)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "format": "date", "nullable": true})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer", "format": "uint64"})),
        Just(json!({"type": "number", "format": "float"})),
        Just(json!({"type": "boolean"})),
        Just(json!({})),
        Just(json!({"type": "object"})),
        Just(json!({"enum": [null]})),
        prop::collection::vec(name(), 1..4).prop_map(|v| json!({"type": "string", "enum": v})),
        (0..4usize).prop_map(|i| json!({"$ref": format!("#/components/schemas/S{i}")})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec((name(), inner.clone()), 0..4).prop_map(|props| {
                let required: Vec<&String> = props.iter().map(|(n, _)| n).take(1).collect();
                json!({"type": "object", "required": required, "properties": props.iter().cloned().collect::<serde_json::Map<_, _>>()})
            }),
            inner.clone().prop_map(|i| json!({"type": "array", "items": i})),
            inner.clone().prop_map(|i| json!({"type": "object", "additionalProperties": i})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"allOf": v})),
            inner.prop_map(|i| json!({"allOf": [i], "nullable": true, "description": "*/ <b>x</b> [y]\n```\nz"})),
        ]
    })
}

/// Query styles, `""` standing for none given.
const QUERY_STYLES: &[&str] = &["", "form", "spaceDelimited", "pipeDelimited", "deepObject"];

const BODY_MEDIA: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "text/plain",
];

fn parameter() -> impl Strategy<Value = Value> {
    (
        name(),
        prop::sample::select(&["query", "header", "cookie"][..]),
        schema(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(QUERY_STYLES),
    )
        .prop_map(|(n, location, schema, required, explode, style)| {
            let mut p = json!({"name": format!("p{n}"), "in": location, "required": required, "explode": explode, "schema": schema});
            if location == "query" && !style.is_empty() {
                p["style"] = json!(style);
            }
            p
        })
}

fn operation() -> impl Strategy<Value = Value> {
    (
        prop::option::of(name()),
        prop::collection::vec(parameter(), 0..3),
        prop::option::of((schema(), prop::sample::select(BODY_MEDIA), any::<bool>())),
        schema(),
        prop::sample::select(&["200", "201", "204"][..]),
        prop::option::of(schema()),
    )
        .prop_map(|(id, params, body, response, status, error)| {
            let mut op = json!({"parameters": params, "responses": {}});
            if let Some(id) = id {
                op["operationId"] = json!(id);
            }
            if let Some((body, media, required)) = body {
                op["requestBody"] = json!({"required": required, "content": {media: {"schema": body}}});
            }
            if let Some(error) = error {
                op["responses"]["4XX"] =
                    json!({"description": "error", "content": {"application/json": {"schema": error}}});
            }
            if status == "201" {
                // A second success response of another media type.
                op["responses"]["202"] =
                    json!({"description": "queued", "content": {"text/plain": {"schema": {"type": "string"}}}});
            }
            op["responses"][status] = if status == "204" {
                json!({"description": "none"})
            } else {
                json!({"description": "ok", "content": {"application/json": {"schema": response}}})
            };
            op
        })
}

fn spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(schema(), 4..5),
        prop::collection::vec((name(), prop::sample::select(&["get", "post", "put", "delete"][..]), operation()), 1..5),
    )
        .prop_map(|(schemas, ops)| {
            let mut paths = serde_json::Map::new();
            let mut ids = std::collections::HashSet::new();
            for (i, (segment, method, mut op)) in ops.into_iter().enumerate() {
                // Keep operationIds unique so most cases get past validation.
                if let Some(id) = op.get("operationId").and_then(Value::as_str).map(str::to_owned)
                    && !ids.insert(id.clone())
                {
                    op["operationId"] = json!(format!("{id}{i}"));
                }
                let path = format!("/r{i}/{}/{{id}}", segment.replace(['{', '}', '/'], ""));
                let params = op["parameters"].as_array_mut().expect("array");
                params.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}));
                paths.entry(path).or_insert_with(|| json!({}))[method] = op;
            }
            let components: serde_json::Map<String, Value> =
                schemas.into_iter().enumerate().map(|(i, s)| (format!("S{i}"), s)).collect();
            json!({
                "openapi": "3.0.3",
                "info": {"title": "Random", "version": "1"},
                "paths": paths,
                "components": {"schemas": components},
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generation_never_panics_and_emits_valid_rust(spec in spec()) {
        let text = serde_json::to_string_pretty(&spec).expect("serializable");
        let path = Path::new("random.json");
        let config = generator::Config::default();
        let outcome = generator::load::load_bytes(path, text.as_bytes())
            .and_then(|doc| generator::generate_document(doc, &config));
        match outcome {
            Ok(generated) => {
                for file in generated.files.iter().filter(|f| f.path.ends_with(".rs")) {
                    if let Err(e) = syn::parse_file(&file.contents) {
                        prop_assert!(false, "{} does not parse: {e}\nspec:\n{text}", file.path);
                    }
                }
            }
            // Invalid random specs (e.g. duplicate operationIds) must be
            // reported as diagnostics, which is fine.
            Err(generator::Error::Invalid { diagnostics, .. }) => prop_assert!(!diagnostics.is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {other}\nspec:\n{text}"),
        }
    }
}

/// Guards the property against vacuity: most random specs must get through
/// the whole pipeline, not just be rejected.
#[test]
fn most_random_specs_generate() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let config = generator::Config::default();
    let mut ok = 0;
    for _ in 0..32 {
        let spec = spec().new_tree(&mut runner).expect("strategy").current();
        let text = serde_json::to_string(&spec).expect("serializable");
        if generator::load::load_bytes(Path::new("random.json"), text.as_bytes())
            .and_then(|doc| generator::generate_document(doc, &config))
            .is_ok()
        {
            ok += 1;
        }
    }
    assert!(ok >= 24, "only {ok} of 32 random specs generated");
}

/// Random specs generated and compiled by
/// [`random_specs_compile_without_warnings`]; `RANDOM_SPECS_COMPILE=N`
/// compiles N specs drawn with a fresh seed instead, to search further.
const COMPILED_SPECS: usize = 24;

/// Whole crates from random specs compile cleanly: one workspace of them
/// under `target/fixture-check`, sharing the fixture compile test's target
/// directory (and so its built dependencies). Each crate keeps its
/// `spec.json`, so a failure can be reproduced with the CLI.
#[test]
fn random_specs_compile_without_warnings() {
    use proptest::strategy::ValueTree;
    let search = std::env::var("RANDOM_SPECS_COMPILE")
        .ok()
        .and_then(|v| v.parse().ok());
    let count = search.unwrap_or(COMPILED_SPECS);
    let mut runner = match search {
        Some(_) => proptest::test_runner::TestRunner::default(),
        None => proptest::test_runner::TestRunner::deterministic(),
    };
    let base = tests::workspace().join("target/fixture-check");
    let ws = base.join("random-specs");
    let _ = std::fs::remove_dir_all(&ws);
    let config = generator::Config::default();
    let mut members = Vec::new();
    for i in 0..count {
        let mut spec = spec().new_tree(&mut runner).expect("strategy").current();
        // Distinct titles give distinct package names within the workspace.
        spec["info"]["title"] = json!(format!("Random {i}"));
        let text = serde_json::to_string_pretty(&spec).expect("serializable");
        let generated = generator::load::load_bytes(Path::new("spec.json"), text.as_bytes())
            .and_then(|doc| generator::generate_document(doc, &config));
        let Ok(generated) = generated else { continue };
        let dir = ws.join(format!("c{i}"));
        generator::write::write(&dir, &generated.files).expect("crate is written");
        std::fs::write(dir.join("spec.json"), &text).expect("spec is written");
        members.push(format!("c{i}"));
    }
    assert!(
        members.len() * 4 >= count * 3,
        "only {} of {count} random specs generated",
        members.len()
    );
    if let Err(problems) = tests::check_generated_workspace(&ws, &base.join("target"), &members) {
        panic!(
            "random spec crates under {} do not compile cleanly (each has its spec.json):\n{problems}",
            ws.display()
        );
    }
}
