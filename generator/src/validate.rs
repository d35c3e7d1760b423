//! Stage 2: structural checks the typed model cannot express.
//!
//! Errors stop generation: dangling or external `$ref`s, pure `$ref` cycles,
//! path templates that disagree with their parameters, duplicate
//! operationIds, undefined security schemes. Warnings flag defects the
//! generator can work around (duplicate `required` entries, `enum: [null]`
//! without `nullable`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, child, pointer};
use crate::load::Document;

/// HTTP methods in the order OpenAPI lists them in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Runs every check; the result holds errors and warnings.
pub fn validate(doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_refs(&doc.raw, &mut out);
    check_operation_ids(&doc.api, &mut out);
    check_paths(&doc.api, &doc.raw, &mut out);
    check_security(&doc.api, &mut out);
    check_schema_defects(&doc.raw, "#", &mut out);
    out
}

/// Resolves a local reference (`#/components/schemas/A`) in the raw tree.
pub fn resolve<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    raw.pointer(&decoded)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// Every `$ref` must be local, resolve, and not loop through other refs only.
fn check_refs(raw: &Value, out: &mut Vec<Diagnostic>) {
    let mut refs = Vec::new();
    collect_refs(raw, "#".to_owned(), &mut refs);
    for (at, reference) in refs {
        let at_ref = child(&at, "$ref");
        if !reference.starts_with('#') {
            let file = reference.split('#').next().unwrap_or_default();
            out.push(Diagnostic::error(
                "external-ref",
                at_ref,
                format!(
                    "external reference `{reference}` is not supported (refers to file `{file}`); bundle the document into one file first"
                ),
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
        }
    }
}

fn collect_refs(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((at.clone(), r.clone()));
            }
            for (k, v) in map {
                if k == "example" || k == "examples" || k.starts_with("x-") {
                    continue; // free-form data, not part of the description
                }
                collect_refs(v, child(&at, k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, child(&at, i.to_string()), out);
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

fn check_operation_ids(api: &OpenAPI, out: &mut Vec<Diagnostic>) {
    let mut first_seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, method, op) in operations(api) {
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

/// All operations of inline path items, in document order.
pub fn operations(
    api: &OpenAPI,
) -> impl Iterator<Item = (&str, &'static str, &openapiv3::Operation)> {
    api.paths
        .paths
        .iter()
        .filter_map(|(p, item)| item.as_item().map(|i| (p, i)))
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| method_of(item, m).map(|op| (path.as_str(), *m, op)))
        })
}

/// The operation of `item` for a lowercase method name.
pub fn method_of<'a>(
    item: &'a openapiv3::PathItem,
    method: &str,
) -> Option<&'a openapiv3::Operation> {
    match method {
        "get" => item.get.as_ref(),
        "put" => item.put.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        "options" => item.options.as_ref(),
        "head" => item.head.as_ref(),
        "patch" => item.patch.as_ref(),
        "trace" => item.trace.as_ref(),
        _ => None,
    }
}

/// Splits `/a/{b}/c` into its template variable names, or explains why the
/// template is malformed.
pub fn template_variables(path: &str) -> Result<Vec<String>, String> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!("unbalanced `}}` in path template `{path}`"));
        }
        let after = &rest[open + 1..];
        let close = after
            .find(['{', '}'])
            .filter(|i| after.as_bytes()[*i] == b'}')
            .ok_or_else(|| format!("unclosed `{{` in path template `{path}`"))?;
        let name = &after[..close];
        if name.is_empty() {
            return Err(format!("empty `{{}}` in path template `{path}`"));
        }
        vars.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Ok(vars)
}

fn check_paths(api: &OpenAPI, raw: &Value, out: &mut Vec<Diagnostic>) {
    for (path, item) in &api.paths.paths {
        let item_ptr = pointer(["paths", path]);
        let ReferenceOr::Item(item) = item else {
            out.push(Diagnostic::error(
                "unsupported",
                child(&item_ptr, "$ref"),
                "path items given as `$ref` are not supported; inline the path item",
            ));
            continue;
        };
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
        let shared = path_params(&item.parameters, raw);
        for m in METHODS {
            let Some(op) = method_of(item, m) else {
                continue;
            };
            let op_ptr = child(&item_ptr, m);
            let mut declared: BTreeMap<String, String> = shared
                .iter()
                .map(|(n, i)| {
                    (
                        n.clone(),
                        pointer(["paths", path, "parameters", &i.to_string()]),
                    )
                })
                .collect();
            for (name, i) in path_params(&op.parameters, raw) {
                declared.insert(name, child(&child(&op_ptr, "parameters"), i.to_string()));
            }
            let wanted: BTreeSet<&String> = vars.iter().collect();
            for v in &wanted {
                if !declared.contains_key(*v) {
                    out.push(Diagnostic::error(
                        "path-param-missing",
                        op_ptr.clone(),
                        format!("path template variable `{{{v}}}` has no `in: path` parameter"),
                    ));
                }
            }
            for (name, at) in &declared {
                if !wanted.contains(name) {
                    out.push(Diagnostic::error(
                        "path-param-unused",
                        at.clone(),
                        format!(
                            "path parameter `{name}` does not appear in the path template `{path}`"
                        ),
                    ));
                }
            }
        }
    }
}

/// Names of `in: path` parameters (resolving refs), with their index.
fn path_params(params: &[ReferenceOr<Parameter>], raw: &Value) -> Vec<(String, usize)> {
    params
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let param = match p {
                ReferenceOr::Item(p) => p.clone(),
                ReferenceOr::Reference { reference } => {
                    serde_json::from_value(resolve(raw, reference)?.clone()).ok()?
                }
            };
            match param {
                Parameter::Path { parameter_data, .. } => Some((parameter_data.name, i)),
                _ => None,
            }
        })
        .collect()
}

fn check_security(api: &OpenAPI, out: &mut Vec<Diagnostic>) {
    let defined: BTreeSet<&String> = api
        .components
        .as_ref()
        .map(|c| c.security_schemes.keys().collect())
        .unwrap_or_default();
    let mut check = |reqs: &[openapiv3::SecurityRequirement], at: String| {
        for (i, req) in reqs.iter().enumerate() {
            for name in req.keys() {
                if !defined.contains(name) {
                    out.push(Diagnostic::error(
                        "undefined-security-scheme",
                        child(&at, i.to_string()),
                        format!(
                            "security scheme `{name}` is not defined in components.securitySchemes"
                        ),
                    ));
                }
            }
        }
    };
    if let Some(reqs) = &api.security {
        check(reqs, "#/security".into());
    }
    for (path, method, op) in operations(api) {
        if let Some(reqs) = &op.security {
            check(reqs, pointer(["paths", path, method, "security"]));
        }
    }
}

/// Warnings about schema defects the generator works around.
fn check_schema_defects(value: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(required)) = map.get("required") {
                let mut seen = HashSet::new();
                for r in required {
                    if !seen.insert(r) {
                        out.push(Diagnostic::warning(
                            "duplicate-required",
                            child(at, "required"),
                            format!(
                                "{r} is listed more than once in `required`; duplicates are ignored"
                            ),
                        ));
                    }
                }
            }
            if let Some(Value::Array(values)) = map.get("enum") {
                let nullable = map.get("nullable") == Some(&Value::Bool(true));
                if values.iter().any(Value::is_null) && !nullable {
                    out.push(Diagnostic::warning(
                        "enum-null",
                        child(at, "enum"),
                        "`enum` contains null but the schema is not `nullable`; treated as nullable",
                    ));
                }
            }
            for (k, v) in map {
                if k == "example" || k == "examples" || k == "default" || k.starts_with("x-") {
                    continue;
                }
                check_schema_defects(v, &child(at, k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_schema_defects(v, &child(at, i.to_string()), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn diags(yaml: &str) -> Vec<Diagnostic> {
        let doc = crate::load::load_bytes(Path::new("t.yaml"), yaml.as_bytes()).unwrap();
        validate(&doc)
    }

    fn kinds(yaml: &str) -> Vec<&'static str> {
        diags(yaml).into_iter().map(|d| d.kind).collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn templates_parse() {
        assert_eq!(template_variables("/a/{b}/c/{d}").unwrap(), vec!["b", "d"]);
        assert!(template_variables("/a/{b").is_err());
        assert!(template_variables("/a/b}").is_err());
        assert!(template_variables("/a/{}").is_err());
    }

    #[test]
    fn dangling_external_and_cyclic_refs() {
        let k = kinds(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    C: {{$ref: '#/components/schemas/Nope'}}\n    D: {{$ref: 'other.yaml#/X'}}\n"
        ));
        assert!(k.contains(&"ref-cycle"));
        assert!(k.contains(&"dangling-ref"));
        assert!(k.contains(&"external-ref"));
    }

    #[test]
    fn path_parameters_must_match_the_template() {
        let d = diags(&format!(
            "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      parameters:\n        - {{name: other, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        let k: Vec<_> = d.iter().map(|d| d.kind).collect();
        assert_eq!(k, vec!["path-param-missing", "path-param-unused"]);
        assert_eq!(d[1].pointer, "#/paths/~1a~1{id}/get/parameters/0");
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
    fn defects_are_warnings() {
        let d = diags(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, required: [a, a], properties: {{a: {{type: string}}}}}}\n    B: {{type: object, enum: [null]}}\n"
        ));
        assert!(
            d.iter()
                .all(|d| d.severity == crate::diagnostics::Severity::Warning)
        );
        assert_eq!(d.len(), 2);
    }
}
