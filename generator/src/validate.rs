//! Stage 2: what the typed model cannot check, and the documented
//! recoveries for defects a client can be generated around.
//!
//! Strict about structure: what the OpenAPI schema of the document's
//! version forbids is an error and stops generation (dangling `$ref`s, pure
//! `$ref` cycles, a `$ref` to the wrong kind of object, malformed path
//! templates, path keys without `/`, response keys that are not status
//! codes, `in: path` parameters that are not `required: true`, 3.1-only
//! keywords in a 3.0 document, duplicate operationIds).
//!
//! Lenient about consistency: a defect a faithful client can be generated
//! around is a warning with a recovery applied to the document here, so
//! the IR never needs to know about it (the README lists them):
//! - `path-param-missing`: a template variable without an `in: path`
//!   parameter gets a required string path parameter;
//! - `path-param-unused`: an `in: path` parameter the template does not
//!   use is ignored;
//! - `duplicate-parameter`: the same name and location twice in one list;
//!   the last one is used;
//! - `undefined-security-scheme`: the scheme is ignored for that
//!   requirement (a requirement left with no scheme is removed);
//! - `discriminator-mapping`: a mapping entry naming a schema that is not
//!   one of the alternatives is ignored (one naming no schema at all is a
//!   `dangling-ref` error);
//! - `default-mismatch`: a `default` that its schema does not allow is
//!   ignored;
//! - `duplicate-required`, `enum-null`, `repeated-path-variable`: read as
//!   the evident intent.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, child, pointer, push_token, unescape_token};
use crate::load::grammar::Kind;
use crate::load::{Document, METHODS, Version, resolve, template_variables};

/// Runs every check and applies the recoveries; the result holds errors
/// and warnings.
pub fn validate(doc: &mut Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut repairs = Vec::new();
    check_version_keywords(doc, &mut out);
    check_refs(&doc.raw, &mut out);
    check_operation_ids(doc, &mut out);
    check_structure(&doc.raw, &mut out);
    check_paths(&doc.raw, &mut out, &mut repairs);
    check_security(&doc.raw, &mut out, &mut repairs);
    check_schemas(
        &doc.raw,
        &doc.raw,
        Kind::Root,
        &mut String::from("#"),
        &mut out,
        &mut repairs,
    );
    if !out.iter().any(|d| d.severity == crate::Severity::Error) {
        apply(doc, repairs);
    }
    out
}

/// A recovery to apply to the document.
enum Repair {
    /// Append a parameter to an operation (`#/paths/p/get`).
    AddPathParameter { operation: String, name: String },
    /// Remove one scheme from a security requirement.
    DropScheme { requirement: String, scheme: String },
    /// Remove a key of an object (a `default`, a mapping entry).
    Remove { object: String, key: String },
}

fn apply(doc: &mut Document, repairs: Vec<Repair>) {
    if repairs.is_empty() {
        return;
    }
    let mut units = BTreeSet::new();
    let mut requirements = BTreeSet::new();
    for repair in repairs {
        let (at, done) = match repair {
            Repair::AddPathParameter { operation, name } => {
                let done = doc
                    .raw_mut(&operation)
                    .and_then(Value::as_object_mut)
                    .map(|op| {
                        let params = op.entry("parameters").or_insert_with(|| json!([]));
                        if let Value::Array(list) = params {
                            list.push(json!({
                                "name": name,
                                "in": "path",
                                "required": true,
                                "schema": {"type": "string"}
                            }));
                        }
                    });
                (operation, done.is_some())
            }
            Repair::DropScheme {
                requirement,
                scheme,
            } => {
                let done = doc
                    .raw_mut(&requirement)
                    .and_then(Value::as_object_mut)
                    .and_then(|r| r.shift_remove(&scheme));
                requirements.insert(requirement.clone());
                (requirement, done.is_some())
            }
            Repair::Remove { object, key } => {
                let done = doc
                    .raw_mut(&object)
                    .and_then(Value::as_object_mut)
                    .and_then(|o| o.shift_remove(&key));
                (object, done.is_some())
            }
        };
        if done {
            units.insert(at);
        }
    }
    // Requirements left with no scheme are removed (an empty requirement
    // would mean "no credentials needed"), last index first.
    for requirement in requirements.iter().rev() {
        let Some((list, index)) = requirement.rsplit_once('/') else {
            continue;
        };
        let empty = doc
            .raw_mut(requirement)
            .is_some_and(|r| r.as_object().is_some_and(|o| o.is_empty()));
        if empty
            && let Ok(i) = index.parse::<usize>()
            && let Some(Value::Array(items)) = doc.raw_mut(list)
            && i < items.len()
        {
            items.remove(i);
        }
    }
    for at in units {
        doc.resync(&at);
    }
}

/// 3.1-only keywords in a 3.0 document.
fn check_version_keywords(doc: &Document, out: &mut Vec<Diagnostic>) {
    if doc.version != Version::V3_0 {
        return;
    }
    for key in ["webhooks", "jsonSchemaDialect"] {
        if doc.raw.get(key).is_some() {
            out.push(Diagnostic::error(
                "not-in-version",
                pointer([key]),
                format!("`{key}` is an OpenAPI 3.1 keyword; a 3.0 document cannot have it (declare `openapi: 3.1.0` if the document is 3.1)"),
            ));
        }
    }
    if doc.raw.pointer("/components/pathItems").is_some() {
        out.push(Diagnostic::error(
            "not-in-version",
            "#/components/pathItems",
            "`components/pathItems` is an OpenAPI 3.1 keyword; a 3.0 document cannot have it (declare `openapi: 3.1.0` if the document is 3.1)",
        ));
    }
}

/// Every `$ref` must be local, resolve to the kind of object its place
/// expects, and not loop through other refs only.
fn check_refs(raw: &Value, out: &mut Vec<Diagnostic>) {
    let mut refs = Vec::new();
    collect_refs(raw, Kind::Root, &mut String::from("#"), &mut refs);
    for (at, kind, reference) in refs {
        let at_ref = child(&at, "$ref");
        if !reference.starts_with('#') {
            out.push(Diagnostic::error(
                "external-ref",
                at_ref,
                format!("`{reference}` was not bundled into the document"),
            ));
            continue;
        }
        let Some(target) = resolve(raw, &reference) else {
            out.push(Diagnostic::error(
                "dangling-ref",
                at_ref,
                format!("`{reference}` does not point to anything in this document"),
            ));
            continue;
        };
        if let Some(cycle) = pure_ref_cycle(raw, &reference, target) {
            out.push(Diagnostic::error(
                "ref-cycle",
                at_ref,
                format!(
                    "`$ref` chain never reaches a definition: {}",
                    cycle.join(" -> ")
                ),
            ));
            continue;
        }
        let decoded = crate::load::percent_decode(&reference);
        if let Some(found) = Kind::at(&decoded)
            && found != kind
            && found != Kind::Data
        {
            out.push(Diagnostic::error(
                "ref-kind",
                at_ref,
                format!(
                    "`{reference}` points at {}, but {} is expected here",
                    found.noun(),
                    kind.noun()
                ),
            ));
        }
    }
}

/// The `$ref`s of the document's description (not of its example data),
/// with the kind of object each stands for.
fn collect_refs(value: &Value, kind: Kind, at: &mut String, out: &mut Vec<(String, Kind, String)>) {
    if kind == Kind::Data {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && (kind.referable() || kind == Kind::PathItem)
            {
                out.push((at.clone(), kind, r.clone()));
            }
            for (k, v) in map {
                if k != "$ref" && (v.is_object() || v.is_array()) {
                    let len = push_token(at, k);
                    collect_refs(v, kind.child(k), at, out);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let index = i.to_string();
                let len = push_token(at, &index);
                collect_refs(v, kind.child(&index), at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Follows a chain of objects that are nothing but `$ref`; returns the
/// chain if it comes back to a reference already visited.
fn pure_ref_cycle<'a>(raw: &'a Value, first: &str, mut target: &'a Value) -> Option<Vec<String>> {
    let mut seen = vec![first.to_owned()];
    while let Some(Value::String(next)) = target.get("$ref") {
        if seen.iter().any(|s| s == next) {
            seen.push(next.clone());
            return Some(seen);
        }
        seen.push(next.clone());
        target = resolve(raw, next)?;
    }
    None
}

fn check_operation_ids(doc: &Document, out: &mut Vec<Diagnostic>) {
    let mut first_seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, method, op) in doc.operations() {
        let Some(id) = op.operation_id.as_deref() else {
            continue;
        };
        let here = pointer(["paths", path, method, "operationId"]);
        if let Some(previous) = first_seen.get(id) {
            out.push(Diagnostic::error(
                "duplicate-operation-id",
                here,
                format!("operationId `{id}` is already used at {previous}"),
            ));
        } else {
            first_seen.insert(id, here);
        }
    }
}

/// Whether a `responses` key is one OpenAPI allows: `default`, a status
/// code from 100 to 599, or a range `1XX` to `5XX`.
fn is_status_key(key: &str) -> bool {
    let b = key.as_bytes();
    key == "default"
        || (b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && ((b[1].is_ascii_digit() && b[2].is_ascii_digit())
                || (b[1].eq_ignore_ascii_case(&b'x') && b[2].eq_ignore_ascii_case(&b'x'))))
}

/// Path keys, response keys and `in: path` parameters, as the OpenAPI
/// schema requires them.
fn check_structure(raw: &Value, out: &mut Vec<Diagnostic>) {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let item_at = pointer(["paths", path]);
        if !path.starts_with('/') {
            out.push(Diagnostic::error(
                "invalid-path",
                item_at.clone(),
                format!("path `{path}` does not start with `/`; paths are relative to the server URL and must begin with a slash"),
            ));
        }
        for method in METHODS {
            let Some(responses) = item
                .get(method)
                .and_then(|op| op.get("responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            for key in responses.keys() {
                if !key.starts_with("x-") && !is_status_key(key) {
                    out.push(Diagnostic::error(
                        "invalid-status-code",
                        child(&child(&child(&item_at, method), "responses"), key),
                        format!("response key `{key}` is not an HTTP status code (100 to 599), a range such as `4XX`, or `default`"),
                    ));
                }
            }
        }
    }
    let mut params = Vec::new();
    collect_parameters(raw, Kind::Root, &mut String::from("#"), &mut params);
    for (at, param) in params {
        if param.get("in").and_then(Value::as_str) == Some("path")
            && param.get("required") != Some(&Value::Bool(true))
        {
            let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
            let what = match param.get("required") {
                None => "has no `required`",
                Some(_) => "is not `required: true`",
            };
            out.push(Diagnostic::error(
                "path-param-not-required",
                at,
                format!("path parameter `{name}` {what}; a path parameter is always required, so it must say `required: true`"),
            ));
        }
    }
}

/// Every inline parameter object, with its pointer.
fn collect_parameters<'a>(
    value: &'a Value,
    kind: Kind,
    at: &mut String,
    out: &mut Vec<(String, &'a Value)>,
) {
    if matches!(kind, Kind::Data | Kind::Text | Kind::Schema) {
        return;
    }
    match value {
        Value::Object(map) => {
            if kind == Kind::Parameter && !map.contains_key("$ref") {
                out.push((at.clone(), value));
                return;
            }
            for (k, v) in map {
                if v.is_object() || v.is_array() {
                    let len = push_token(at, k);
                    collect_parameters(v, kind.child(k), at, out);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let index = i.to_string();
                let len = push_token(at, &index);
                collect_parameters(v, kind.child(&index), at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// A parameter of a path item or operation, `$ref`s followed: its name,
/// location and index in the list.
fn parameters_of<'a>(raw: &'a Value, list: Option<&'a Value>) -> Vec<(String, String, usize)> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => crate::load::resolve_chain(raw, r)?,
                None => p,
            };
            Some((
                p.get("name")?.as_str()?.to_owned(),
                p.get("in")?.as_str()?.to_owned(),
                i,
            ))
        })
        .collect()
}

fn check_paths(raw: &Value, out: &mut Vec<Diagnostic>, repairs: &mut Vec<Repair>) {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let item_ptr = pointer(["paths", path]);
        if item.get("$ref").is_some() {
            out.push(Diagnostic::error(
                "unsupported",
                child(&item_ptr, "$ref"),
                "this path item `$ref` could not be inlined",
            ));
            continue;
        }
        let vars = match template_variables(path) {
            Ok(v) => v,
            Err(msg) => {
                out.push(Diagnostic::error("invalid-path-template", item_ptr, msg));
                continue;
            }
        };
        let mut dup = HashSet::new();
        for v in &vars {
            if !dup.insert(v) {
                out.push(Diagnostic::warning(
                    "repeated-path-variable",
                    item_ptr.clone(),
                    format!("path variable `{{{v}}}` appears more than once in `{path}`; every occurrence gets the same value"),
                ));
            }
        }
        let shared_at = child(&item_ptr, "parameters");
        let shared = parameters_of(raw, item.get("parameters"));
        duplicates(&shared, &shared_at, out);
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let op_ptr = child(&item_ptr, m);
            let own_at = child(&op_ptr, "parameters");
            let own = parameters_of(raw, op.get("parameters"));
            duplicates(&own, &own_at, out);
            let mut declared: BTreeMap<&str, String> = BTreeMap::new();
            for (list, at) in [(&shared, &shared_at), (&own, &own_at)] {
                for (name, location, i) in list {
                    if location == "path" {
                        declared.insert(name, child(at, i.to_string()));
                    }
                }
            }
            let wanted: BTreeSet<&str> = vars.iter().map(String::as_str).collect();
            for v in &wanted {
                if !declared.contains_key(v) {
                    out.push(Diagnostic::warning(
                        "path-param-missing",
                        op_ptr.clone(),
                        format!("path template variable `{{{v}}}` has no `in: path` parameter; it becomes a required string parameter"),
                    ));
                    repairs.push(Repair::AddPathParameter {
                        operation: op_ptr.clone(),
                        name: (*v).to_owned(),
                    });
                }
            }
            for (name, at) in &declared {
                if !wanted.contains(name) {
                    out.push(Diagnostic::warning(
                        "path-param-unused",
                        at.clone(),
                        format!(
                            "path parameter `{name}` does not appear in the path template `{path}`; it is ignored"
                        ),
                    ));
                }
            }
        }
    }
}

/// The same name and location twice in one parameter list.
fn duplicates(list: &[(String, String, usize)], at: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (name, location, i) in list {
        if let Some(first) = seen.insert((name, location), *i) {
            out.push(Diagnostic::warning(
                "duplicate-parameter",
                child(at, i.to_string()),
                format!(
                    "`{name}` (in: {location}) is already listed at {}; the last one is used",
                    child(at, first.to_string())
                ),
            ));
        }
    }
}

fn check_security(raw: &Value, out: &mut Vec<Diagnostic>, repairs: &mut Vec<Repair>) {
    let defined: BTreeSet<&str> = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut lists: Vec<(String, &Value)> = Vec::new();
    if let Some(s) = raw.get("security") {
        lists.push(("#/security".into(), s));
    }
    for (path, item) in raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for m in METHODS {
            if let Some(s) = item.get(m).and_then(|op| op.get("security")) {
                lists.push((pointer(["paths", path, m, "security"]), s));
            }
        }
    }
    for (at, list) in lists {
        let Value::Array(reqs) = list else { continue };
        for (i, req) in reqs.iter().enumerate() {
            let Some(req) = req.as_object() else { continue };
            let req_at = child(&at, i.to_string());
            for name in req.keys() {
                if !defined.contains(name.as_str()) {
                    out.push(Diagnostic::warning(
                        "undefined-security-scheme",
                        req_at.clone(),
                        format!(
                            "security scheme `{name}` is not defined in components.securitySchemes; it is ignored for this requirement"
                        ),
                    ));
                    repairs.push(Repair::DropScheme {
                        requirement: req_at.clone(),
                        scheme: name.clone(),
                    });
                }
            }
        }
    }
}

/// Schema defects: duplicate `required` entries, `enum: [null]` without
/// `nullable`, defaults the schema does not allow, discriminator mappings
/// to schemas that are not alternatives.
fn check_schemas(
    root: &Value,
    value: &Value,
    kind: Kind,
    at: &mut String,
    out: &mut Vec<Diagnostic>,
    repairs: &mut Vec<Repair>,
) {
    if matches!(kind, Kind::Data | Kind::Text) {
        return;
    }
    match value {
        Value::Object(map) => {
            if kind == Kind::Schema {
                check_schema(root, value, at, out, repairs);
            }
            for (k, v) in map {
                if v.is_object() || v.is_array() {
                    let len = push_token(at, k);
                    check_schemas(root, v, kind.child(k), at, out, repairs);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let index = i.to_string();
                let len = push_token(at, &index);
                check_schemas(root, v, kind.child(&index), at, out, repairs);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn check_schema(
    raw: &Value,
    schema: &Value,
    at: &str,
    out: &mut Vec<Diagnostic>,
    repairs: &mut Vec<Repair>,
) {
    if let Some(Value::Array(required)) = schema.get("required") {
        let mut seen = HashSet::new();
        for r in required {
            if !seen.insert(r) {
                out.push(Diagnostic::warning(
                    "duplicate-required",
                    child(at, "required"),
                    format!("{r} is listed more than once in `required`; duplicates are ignored"),
                ));
            }
        }
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    if let Some(Value::Array(values)) = schema.get("enum")
        && values.iter().any(Value::is_null)
        && !nullable
    {
        out.push(Diagnostic::warning(
            "enum-null",
            child(at, "enum"),
            "`enum` contains null but the schema is not `nullable`; treated as nullable",
        ));
    }
    if let Some(default) = schema.get("default")
        && let Some(why) = default_mismatch(schema, default, nullable)
    {
        out.push(Diagnostic::warning(
            "default-mismatch",
            child(at, "default"),
            format!(
                "`default: {}` {why}; the default is ignored",
                short(default)
            ),
        ));
        repairs.push(Repair::Remove {
            object: at.to_owned(),
            key: "default".into(),
        });
    }
    check_mapping(raw, schema, at, out, repairs);
}

fn short(v: &Value) -> String {
    crate::diagnostics::clip(&format!("`{v}`"))
        .trim_matches('`')
        .to_owned()
}

/// Why a default is not a value of its schema, if it is not.
fn default_mismatch(schema: &Value, default: &Value, nullable: bool) -> Option<String> {
    if default.is_null() && nullable {
        return None;
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && !values.is_empty()
        && !values.contains(default)
    {
        return Some("is not one of the `enum` values".into());
    }
    let ty = schema.get("type")?.as_str()?;
    let fits = match ty {
        "string" => default.is_string(),
        "integer" => default.is_i64() || default.is_u64(),
        "number" => default.is_number(),
        "boolean" => default.is_boolean(),
        "array" => default.is_array(),
        "object" => default.is_object(),
        _ => true,
    };
    (!fits).then(|| format!("is not of the schema's type `{ty}`"))
}

/// Discriminator mapping entries must name alternatives of the schema.
fn check_mapping(
    raw: &Value,
    schema: &Value,
    at: &str,
    out: &mut Vec<Diagnostic>,
    repairs: &mut Vec<Repair>,
) {
    let Some(mapping) = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
    else {
        return;
    };
    let members: Vec<&str> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(*k)?.as_array())
        .flatten()
        .filter_map(|m| m.get("$ref")?.as_str())
        .collect();
    let mapping_at = child(&child(at, "discriminator"), "mapping");
    for (value, target) in mapping {
        let Some(target) = target.as_str() else {
            continue;
        };
        let reference = if target.contains('/') || target.starts_with('#') {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        };
        if resolve(raw, &reference).is_none() {
            out.push(Diagnostic::error(
                "dangling-ref",
                child(&mapping_at, value),
                format!("discriminator value `{value}` maps to `{target}`, which does not exist in this document"),
            ));
            continue;
        }
        // With no alternatives listed (a base schema that others extend
        // with `allOf`), any schema may be mapped.
        if members.is_empty() || members.contains(&reference.as_str()) {
            continue;
        }
        let name = unescape_token(reference.rsplit('/').next().unwrap_or(&reference));
        out.push(Diagnostic::warning(
            "discriminator-mapping",
            child(&mapping_at, value),
            format!("discriminator value `{value}` maps to `{name}`, which is not one of the alternatives; the entry is ignored"),
        ));
        repairs.push(Repair::Remove {
            object: mapping_at.clone(),
            key: value.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn load(yaml: &str) -> Document {
        crate::load::load_bytes(Path::new("t.yaml"), yaml.as_bytes()).unwrap()
    }

    fn diags(yaml: &str) -> Vec<Diagnostic> {
        validate(&mut load(yaml))
    }

    fn kinds(yaml: &str) -> Vec<&'static str> {
        diags(yaml).into_iter().map(|d| d.kind).collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn dangling_cyclic_and_wrong_kind_refs() {
        let k = kinds(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  parameters:\n    P: {{name: p, in: query, schema: {{type: string}}}}\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    C: {{$ref: '#/components/schemas/Nope'}}\n    D: {{$ref: '#/components/parameters/P'}}\n"
        ));
        assert_eq!(
            k,
            vec!["ref-cycle", "ref-cycle", "dangling-ref", "ref-kind"]
        );
    }

    #[test]
    fn path_parameters_that_disagree_are_recovered() {
        let mut doc = load(&format!(
            "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      parameters:\n        - {{name: other, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        let d = validate(&mut doc);
        let k: Vec<_> = d.iter().map(|d| d.kind).collect();
        assert_eq!(k, vec!["path-param-missing", "path-param-unused"]);
        assert!(d.iter().all(|d| d.severity == crate::Severity::Warning));
        assert_eq!(d[1].pointer, "#/paths/~1a~1{id}/get/parameters/0");
        let op = doc.api.paths.paths["/a/{id}"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(op.parameters.len(), 2);
        let added = op.parameters[1].as_item().unwrap().parameter_data_ref();
        assert_eq!((added.name.as_str(), added.required), ("id", true));
        assert_eq!(
            doc.raw["paths"]["/a/{id}"]["get"]["parameters"][1]["name"],
            "id"
        );
    }

    #[test]
    fn undefined_schemes_are_ignored() {
        let mut doc = load(&format!(
            "{HEAD}security: [{{nope: []}}, {{key: [], nope: []}}]\npaths: {{}}\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: k}}\n"
        ));
        let k: Vec<_> = validate(&mut doc).into_iter().map(|d| d.kind).collect();
        assert_eq!(
            k,
            vec!["undefined-security-scheme", "undefined-security-scheme"]
        );
        let security = doc.api.security.unwrap();
        assert_eq!(security.len(), 1);
        assert_eq!(security[0].keys().collect::<Vec<_>>(), vec!["key"]);
    }

    #[test]
    fn structure_errors() {
        let k = kinds(&format!(
            "{HEAD}paths:\n  a:\n    get:\n      parameters:\n        - {{name: x, in: path, schema: {{type: string}}}}\n      responses: {{'600': {{description: x}}, OK: {{description: ok}}, 2XX: {{description: ok}}}}\n"
        ));
        assert_eq!(
            k,
            vec![
                "invalid-path",
                "invalid-status-code",
                "invalid-status-code",
                "path-param-not-required",
                "path-param-unused"
            ]
        );
        let k = kinds(&format!(
            "{HEAD}paths: {{}}\nwebhooks: {{}}\njsonSchemaDialect: x\n"
        ));
        assert_eq!(k, vec!["not-in-version", "not-in-version"]);
    }

    #[test]
    fn duplicate_operation_ids() {
        let d = diags(&format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: x, responses: {{'200': {{description: ok}}}}}}\n"
        ));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind, "duplicate-operation-id");
        assert!(d[0].message.contains("#/paths/~1a/get/operationId"));
    }

    #[test]
    fn schema_defects_are_warnings_with_recoveries() {
        let mut doc = load(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: query, schema: {{type: integer, default: abc}}}}\n        - {{name: q, in: query, schema: {{type: string, enum: [a], default: b}}}}\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n  schemas:\n    A: {{type: object, required: [a, a], properties: {{a: {{type: string}}}}}}\n    B: {{type: object, enum: [null]}}\n    U:\n      oneOf: [{{$ref: '#/components/schemas/A'}}]\n      discriminator: {{propertyName: a, mapping: {{a: A, b: B}}}}\n"
        ));
        let d = validate(&mut doc);
        assert!(d.iter().all(|d| d.severity == crate::Severity::Warning));
        let k: Vec<_> = d.iter().map(|d| d.kind).collect();
        assert_eq!(
            k,
            vec![
                "duplicate-parameter",
                "default-mismatch",
                "default-mismatch",
                "duplicate-required",
                "enum-null",
                "discriminator-mapping"
            ]
        );
        let mapping = doc
            .raw
            .pointer("/components/schemas/U/discriminator/mapping")
            .unwrap();
        assert_eq!(mapping, &json!({"a": "A"}));
        let u = doc.api.components.as_ref().unwrap().schemas["U"]
            .as_item()
            .unwrap();
        assert_eq!(
            u.schema_data.discriminator.as_ref().unwrap().mapping.len(),
            1
        );
        assert!(
            doc.raw
                .pointer("/paths/~1a/get/parameters/0/schema/default")
                .is_none()
        );
        let op = doc.api.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        let openapiv3::ParameterSchemaOrContent::Schema(s) = &op.parameters[0]
            .as_item()
            .unwrap()
            .parameter_data_ref()
            .format
        else {
            panic!("schema")
        };
        assert!(s.as_item().unwrap().schema_data.default.is_none());
    }
}
