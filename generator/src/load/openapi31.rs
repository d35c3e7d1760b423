//! OpenAPI 3.1 documents, brought into the 3.0 model the pipeline works on.
//!
//! Exact rewrites are silent:
//! - `type: [T, "null"]` is `type: T, nullable: true`; several types become
//!   an `anyOf` of one schema per type, each with the keywords that apply
//!   to it;
//! - `const: v` is `enum: [v]`; `examples: [a, ...]` gives `example: a`;
//! - numeric `exclusiveMinimum: n` is `minimum: n, exclusiveMinimum: true`
//!   (the same for maximum);
//! - `$ref` with sibling keywords is `allOf: [{$ref}]` with the siblings;
//! - boolean schemas: `true` is `{}`, `false` is `{not: {}}`, and a
//!   property whose schema is `false` (it can never be present) is left out;
//! - `contentEncoding: base64` is `format: byte`; a `contentMediaType` that
//!   is not text is `format: binary` (a binary body or file part);
//! - `unevaluatedProperties` is `additionalProperties` where that is absent;
//! - a document without `paths`, an operation without `responses`, get
//!   empty ones; `jsonSchemaDialect`,
//!   `info.summary`, `license.identifier`, `$schema`, `$id`, `$anchor`,
//!   `$comment` are dropped (they do not change the client);
//! - `webhooks` are counted for the summary and dropped: they describe
//!   requests the API makes, which a client does not send.
//!
//! Rewrites that lose information are warnings with the pointer:
//! - `prefixItems` (tuples) become an array of any of the item schemas
//!   (`tuple-as-array`);
//! - `patternProperties` become `additionalProperties`; the key patterns
//!   are not checked (`keyword-ignored`);
//! - `if`/`then`/`else`, `dependentSchemas`, `dependentRequired`,
//!   `contains`, `propertyNames`, `unevaluatedItems`, `$dynamicRef` are
//!   ignored (`keyword-ignored`): values are typed by the rest of the schema;
//! - a `jsonSchemaDialect` other than OpenAPI's is read as OpenAPI's
//!   (`schema-dialect`);
//! - a `mutualTLS` security scheme is left out (`unsupported-security-scheme`):
//!   it is configured on the HTTP client, not per request.

use serde_json::{Map, Value, json};

use super::grammar::Kind;
use crate::diagnostics::{Diagnostic, child};

/// OpenAPI 3.1's own schema dialect.
const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Removes `webhooks`; returns how many there were.
pub(super) fn take_webhooks(raw: &mut Value) -> usize {
    raw.as_object_mut()
        .and_then(|root| root.shift_remove("webhooks"))
        .and_then(|w| {
            w.as_object()
                .map(|m| m.keys().filter(|k| !k.starts_with("x-")).count())
        })
        .unwrap_or(0)
}

/// Rewrites a bundled 3.1 document into the 3.0 model.
pub(super) fn normalise(raw: &mut Value, warnings: &mut Vec<Diagnostic>) {
    let Some(root) = raw.as_object_mut() else {
        return;
    };
    if let Some(dialect) = root.shift_remove("jsonSchemaDialect")
        && dialect.as_str() != Some(OAS_DIALECT)
    {
        warnings.push(Diagnostic::warning(
            "schema-dialect",
            "#/jsonSchemaDialect",
            format!(
                "schemas are read as OpenAPI's JSON Schema dialect, not {}",
                dialect.as_str().unwrap_or("the one named here")
            ),
        ));
    }
    root.entry("paths").or_insert_with(|| json!({}));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.shift_remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.shift_remove("identifier");
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        // Inlined where they were used when the document was bundled.
        components.shift_remove("pathItems");
        if let Some(schemes) = components
            .get_mut("securitySchemes")
            .and_then(Value::as_object_mut)
        {
            let mutual: Vec<String> = schemes
                .iter()
                .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
                .map(|(k, _)| k.clone())
                .collect();
            for name in mutual {
                schemes.shift_remove(&name);
                warnings.push(Diagnostic::warning(
                    "unsupported-security-scheme",
                    crate::diagnostics::pointer(["components", "securitySchemes", &name]),
                    format!("`{name}` is a mutualTLS scheme: configure the client certificate on the HTTP client; the scheme is left out"),
                ));
            }
        }
    }
    default_responses(raw, Kind::Root);
    walk(raw, Kind::Root, "#", warnings);
}

/// 3.1 makes `responses` optional; the model needs the (empty) map.
fn default_responses(value: &mut Value, kind: Kind) {
    if matches!(kind, Kind::Data | Kind::Text | Kind::Schema) {
        return;
    }
    if let Value::Object(map) = value {
        if kind == Kind::Operation {
            map.entry("responses").or_insert_with(|| json!({}));
            return;
        }
        for (key, v) in map.iter_mut() {
            default_responses(v, kind.child(key));
        }
    }
}

/// Visits every schema of the document, normalising each.
fn walk(value: &mut Value, kind: Kind, at: &str, warnings: &mut Vec<Diagnostic>) {
    if matches!(kind, Kind::Data | Kind::Text) {
        return;
    }
    if kind == Kind::Schema {
        schema(value, at, warnings);
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let child_kind = kind.child(key);
                if child_kind == Kind::Schema
                    && kind == Kind::Schema
                    && matches!(key.as_str(), "additionalProperties")
                    && v.is_boolean()
                {
                    continue;
                }
                walk(v, child_kind, &child(at, key), warnings);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                let index = i.to_string();
                walk(v, kind.child(&index), &child(at, &index), warnings);
            }
        }
        _ => {}
    }
}

/// Keywords that only matter to instances of one JSON type.
fn applies_to(keyword: &str) -> Option<&'static [&'static str]> {
    Some(match keyword {
        "minLength" | "maxLength" | "pattern" | "contentMediaType" | "contentEncoding" => {
            &["string"]
        }
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            &["number", "integer"]
        }
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" | "contains" => {
            &["array"]
        }
        "properties"
        | "required"
        | "additionalProperties"
        | "patternProperties"
        | "minProperties"
        | "maxProperties"
        | "unevaluatedProperties"
        | "propertyNames"
        | "dependentRequired"
        | "discriminator" => &["object"],
        _ => return None,
    })
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Normalises one schema node (its children are visited by [`walk`]).
fn schema(value: &mut Value, at: &str, warnings: &mut Vec<Diagnostic>) {
    let map = match value {
        Value::Bool(true) => {
            *value = json!({});
            return;
        }
        Value::Bool(false) => {
            *value = json!({"not": {}});
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };
    for meta in ["$schema", "$id", "$anchor", "$comment", "$dynamicAnchor"] {
        map.shift_remove(meta);
    }
    // A property whose schema is `false` can never be present.
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.retain(|_, v| *v != Value::Bool(false));
    }
    if map.contains_key("$ref") && map.keys().any(|k| k != "$ref" && !k.starts_with("x-")) {
        let reference = map.shift_remove("$ref").unwrap_or_default();
        let mut all_of = vec![json!({"$ref": reference})];
        if let Some(Value::Array(existing)) = map.shift_remove("allOf") {
            all_of.extend(existing);
        }
        map.insert("allOf".into(), Value::Array(all_of));
    }
    if let Some(c) = map.shift_remove("const") {
        map.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(Value::Array(examples)) = map.get("examples")
        && !map.contains_key("example")
        && let Some(first) = examples.first().cloned()
    {
        map.insert("example".into(), first);
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        exclusive_bound(map, exclusive, inclusive);
    }
    content_format(map);
    if let Some(unevaluated) = map.shift_remove("unevaluatedProperties")
        && !map.contains_key("additionalProperties")
    {
        map.insert("additionalProperties".into(), unevaluated);
    }
    if let Some(Value::Array(prefix)) = map.shift_remove("prefixItems") {
        let mut alternatives: Vec<Value> = Vec::new();
        for item in prefix.into_iter().chain(
            map.shift_remove("items")
                .filter(|i| *i != Value::Bool(false)),
        ) {
            if !alternatives.contains(&item) {
                alternatives.push(item);
            }
        }
        let items = match alternatives.len() {
            0 => json!({}),
            1 => alternatives.pop().unwrap_or_default(),
            _ => json!({"anyOf": alternatives}),
        };
        map.insert("items".into(), items);
        warnings.push(Diagnostic::warning(
            "tuple-as-array",
            child(at, "prefixItems"),
            "`prefixItems` (a tuple) is typed as an array whose items may be any of the item schemas",
        ));
    }
    if let Some(Value::Object(patterns)) = map.shift_remove("patternProperties") {
        if !map.contains_key("additionalProperties") && !patterns.is_empty() {
            let mut values: Vec<Value> = patterns.into_iter().map(|(_, v)| v).collect();
            let value = if values.len() == 1 {
                values.pop().unwrap_or_default()
            } else {
                json!({"anyOf": values})
            };
            map.insert("additionalProperties".into(), value);
        }
        warnings.push(Diagnostic::warning(
            "keyword-ignored",
            child(at, "patternProperties"),
            "`patternProperties` is typed as a map of its value schemas; the key patterns are not checked",
        ));
    }
    for keyword in [
        "if",
        "then",
        "else",
        "dependentSchemas",
        "dependentRequired",
        "contains",
        "minContains",
        "maxContains",
        "propertyNames",
        "unevaluatedItems",
        "$dynamicRef",
    ] {
        if map.shift_remove(keyword).is_some() {
            warnings.push(Diagnostic::warning(
                "keyword-ignored",
                child(at, keyword),
                format!("`{keyword}` has no equivalent in the generated types and is ignored; values are typed by the rest of the schema"),
            ));
        }
    }
    type_list(map);
}

/// 3.1's numeric `exclusiveMinimum: n` as 3.0's `minimum: n` plus
/// `exclusiveMinimum: true`, keeping the stricter of two bounds.
fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    let Some(Value::Number(bound)) = map.get(exclusive).cloned() else {
        return;
    };
    let lower = exclusive == "exclusiveMinimum";
    let keep_inclusive = match map.get(inclusive).and_then(Value::as_f64) {
        Some(other) => {
            let b = bound.as_f64().unwrap_or(f64::NAN);
            if lower { other > b } else { other < b }
        }
        None => false,
    };
    if keep_inclusive {
        map.shift_remove(exclusive);
    } else {
        map.insert(inclusive.into(), Value::Number(bound));
        map.insert(exclusive.into(), Value::Bool(true));
    }
}

/// `contentEncoding`/`contentMediaType` as the 3.0 string formats.
fn content_format(map: &mut Map<String, Value>) {
    let encoding = map.shift_remove("contentEncoding");
    let media = map.shift_remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => {
            "byte"
        }
        (_, Some(m)) if !is_text_media(m) => "binary",
        _ => return,
    };
    map.insert("format".into(), Value::String(format.into()));
    map.entry("type").or_insert_with(|| json!("string"));
}

fn is_text_media(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    m.starts_with("text/") || m.contains("json") || m.contains("xml") || m.ends_with("+yaml")
}

/// `type` lists: `null` becomes `nullable`, several types an `anyOf`.
fn type_list(map: &mut Map<String, Value>) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut kept: Vec<String> = Vec::new();
    for t in types.into_iter().filter(|t| t != "null") {
        if !kept.contains(&t) {
            kept.push(t);
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match kept.len() {
        0 => {
            map.insert("type".into(), json!("null"));
        }
        1 => {
            map.insert("type".into(), Value::String(kept.remove(0)));
        }
        _ => {
            map.shift_remove("type");
            // `integer` is also a `number`: when both are listed, the
            // integer alternative comes first so whole numbers keep it.
            if kept.iter().any(|t| t == "integer")
                && let Some(i) = kept.iter().position(|t| t == "number")
            {
                let number = kept.remove(i);
                kept.push(number);
            }
            let values = map.shift_remove("enum");
            let mut alternatives = Vec::new();
            for t in &kept {
                let mut alt = Map::new();
                alt.insert("type".into(), Value::String(t.clone()));
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    if let Some(types) = applies_to(&key)
                        && types.contains(&t.as_str())
                        && let Some(v) = map.get(&key)
                    {
                        alt.insert(key, v.clone());
                    }
                }
                if t == "string"
                    && let Some(format) = map.get("format")
                {
                    alt.insert("format".into(), format.clone());
                }
                if let Some(Value::Array(values)) = &values {
                    let mine: Vec<Value> = values
                        .iter()
                        .filter(|v| {
                            let jt = json_type(v);
                            jt == t || (t == "number" && jt == "integer")
                        })
                        .cloned()
                        .collect();
                    if !mine.is_empty() {
                        alt.insert("enum".into(), Value::Array(mine));
                    }
                }
                alternatives.push(Value::Object(alt));
            }
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if applies_to(&key).is_some() || key == "format" {
                    map.shift_remove(&key);
                }
            }
            map.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(schema: Value) -> (Value, Vec<&'static str>) {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let mut warnings = Vec::new();
        normalise(&mut doc, &mut warnings);
        (
            doc["components"]["schemas"]["S"].clone(),
            warnings.iter().map(|w| w.kind).collect(),
        )
    }

    #[test]
    fn exact_rewrites_are_silent() {
        assert_eq!(
            norm(json!({"type": ["string", "null"], "maxLength": 3})),
            (
                json!({"type": "string", "maxLength": 3, "nullable": true}),
                vec![]
            )
        );
        assert_eq!(
            norm(json!({"const": "a"})),
            (json!({"enum": ["a"]}), vec![])
        );
        assert_eq!(
            norm(json!({"type": "integer", "exclusiveMinimum": 0})),
            (
                json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0}),
                vec![]
            )
        );
        assert_eq!(
            norm(
                json!({"type": "integer", "minimum": 5, "exclusiveMaximum": 10, "exclusiveMinimum": 1})
            ),
            (
                json!({"type": "integer", "minimum": 5, "exclusiveMaximum": true, "maximum": 10}),
                vec![]
            )
        );
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            (
                json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]}),
                vec![]
            )
        );
        assert_eq!(
            norm(json!({"type": "object", "properties": {"a": true, "b": false}})),
            (json!({"type": "object", "properties": {"a": {}}}), vec![])
        );
        assert_eq!(
            norm(json!({"items": false})),
            (json!({"items": {"not": {}}}), vec![])
        );
        assert_eq!(
            norm(json!({"type": "string", "contentMediaType": "image/png"})),
            (json!({"type": "string", "format": "binary"}), vec![])
        );
        assert_eq!(
            norm(json!({"type": "string", "contentEncoding": "base64"})),
            (json!({"type": "string", "format": "byte"}), vec![])
        );
        assert_eq!(
            norm(json!({"type": "object", "unevaluatedProperties": false})),
            (
                json!({"type": "object", "additionalProperties": false}),
                vec![]
            )
        );
        assert_eq!(
            norm(json!({"type": "string", "examples": ["a", "b"]})),
            (
                json!({"type": "string", "examples": ["a", "b"], "example": "a"}),
                vec![]
            )
        );
    }

    #[test]
    fn several_types_become_any_of() {
        let (s, w) = norm(json!({
            "type": ["string", "integer", "null"],
            "description": "d",
            "maxLength": 4,
            "minimum": 1,
            "enum": ["a", 1, null]
        }));
        assert!(w.is_empty());
        assert_eq!(
            s,
            json!({
                "description": "d",
                "nullable": true,
                "anyOf": [
                    {"type": "string", "maxLength": 4, "enum": ["a"]},
                    {"type": "integer", "minimum": 1, "enum": [1]}
                ]
            })
        );
    }

    #[test]
    fn lossy_rewrites_warn() {
        let (s, w) = norm(json!({
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "integer"}],
            "items": false
        }));
        assert_eq!(w, vec!["tuple-as-array"]);
        assert_eq!(
            s,
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        let (s, w) = norm(json!({
            "type": "object",
            "patternProperties": {"^x": {"type": "string"}},
            "if": {"required": ["a"]},
            "then": {"required": ["b"]},
            "dependentRequired": {"a": ["b"]}
        }));
        assert_eq!(
            w,
            vec![
                "keyword-ignored",
                "keyword-ignored",
                "keyword-ignored",
                "keyword-ignored"
            ]
        );
        assert_eq!(
            s,
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
    }

    #[test]
    fn document_level_keywords() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "webhooks": {"a": {}, "b": {}},
            "components": {"securitySchemes": {"m": {"type": "mutualTLS"}}}
        });
        assert_eq!(take_webhooks(&mut doc), 2);
        let mut warnings = Vec::new();
        normalise(&mut doc, &mut warnings);
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(
            doc["info"],
            json!({"title": "t", "version": "1", "license": {"name": "MIT"}})
        );
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        let kinds: Vec<_> = warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, vec!["schema-dialect", "unsupported-security-scheme"]);
    }
}
