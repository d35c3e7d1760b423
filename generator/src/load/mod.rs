//! Stage 1: read a YAML or JSON description, with every file it refers
//! to, into one [`openapiv3::OpenAPI`].
//!
//! Loading does four things, in order:
//! 1. parses the entry file into a JSON tree (the raw tree is kept beside
//!    the typed document: validation needs facts the typed model drops, and
//!    every diagnostic points into it);
//! 2. bundles the files reached through relative `$ref`s into that tree
//!    (`load/bundle.rs`), so every later stage sees one document with local refs;
//! 3. brings an OpenAPI 3.1 document into the 3.0 model the pipeline works
//!    on (`load/openapi31.rs`), with a warning wherever that loses information;
//! 4. drops constraints the typed model cannot hold (an integer `minimum`
//!    beyond 64 bits), with a warning each (`load/fit.rs`), and reads the typed
//!    model.
//!
//! The document owns the one `$ref` resolver the later stages use
//! ([`Document::resolve`], [`Document::deref`], [`resolve`]).

mod bundle;
mod document;
mod fit;
pub mod grammar;
mod openapi31;
mod sources;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use document::{
    MAX_REF_HOPS, METHODS, method_of, operations, percent_decode, resolve, resolve_chain,
    template_variables,
};
pub use sources::{SourceFile, Sources};

use crate::diagnostics::{Diagnostic, Error, Position};

/// The OpenAPI version line a document was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.x.
    V3_0,
    /// OpenAPI 3.1.x, normalised into the 3.0 model when loaded.
    V3_1,
}

/// A loaded OpenAPI document.
#[derive(Debug)]
pub struct Document {
    /// Where it was read from (used in every diagnostic).
    pub path: PathBuf,
    /// The files it was read from, to locate diagnostics by file, line and
    /// column.
    pub sources: Sources,
    /// The document as a plain JSON tree: bundled, and in the 3.0 model.
    pub raw: Value,
    /// The typed document.
    pub api: openapiv3::OpenAPI,
    /// The version the document was written for.
    pub version: Version,
    /// Warnings found while loading (3.1 constructs the 3.0 model cannot
    /// hold, constraints that do not fit, `$ref`s in string places).
    pub warnings: Vec<Diagnostic>,
    /// Webhooks the document describes: requests the API sends, which a
    /// client does not make.
    pub webhooks: usize,
}

/// Reads and parses `path` and the files it refers to.
pub fn load(path: &Path) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_bytes(path, &bytes)
}

/// Parses `bytes` as if read from `path`; files it refers to are read
/// relative to `path`.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<Document, Error> {
    let fail = |kind, position, message: String| Error::Parse {
        file: path.to_path_buf(),
        kind,
        position,
        message,
    };
    let (text, mut raw) = read_tree(path, bytes)?;
    let version = check_version(&raw).map_err(|(kind, message)| fail(kind, None, message))?;
    let mut sources = Sources::new(SourceFile::new(path.to_path_buf(), text, bytes));
    let mut warnings = Vec::new();
    let webhooks = match version {
        Version::V3_1 => openapi31::take_webhooks(&mut raw),
        Version::V3_0 => 0,
    };
    let mut raw =
        bundle::bundle(path, raw, &mut sources, &mut warnings).map_err(|mut errors| {
            sources.locate(&mut errors);
            Error::Invalid {
                file: path.to_path_buf(),
                diagnostics: errors,
            }
        })?;
    if version == Version::V3_1 {
        openapi31::normalise(&mut raw, &mut warnings);
    }
    fit::fit(&mut raw, &mut warnings);
    let api = typed(&raw).map_err(|(pointer, message)| {
        let mut located = [Diagnostic::error("invalid-openapi", pointer, "")];
        sources.locate(&mut located);
        let [d] = located;
        Error::Parse {
            file: d.file.unwrap_or_else(|| path.to_path_buf()),
            kind: "invalid-openapi",
            position: d.position,
            message: format!("{message} (at {})", d.pointer),
        }
    })?;
    Ok(Document {
        path: path.to_path_buf(),
        sources,
        raw,
        api,
        version,
        warnings,
        webhooks,
    })
}

/// Decodes and parses one file of a description into a JSON tree.
fn read_tree(path: &Path, bytes: &[u8]) -> Result<(String, Value), Error> {
    let fail = |kind, position, message: String| Error::Parse {
        file: path.to_path_buf(),
        kind,
        position,
        message,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t).to_owned(),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(fail(
                "not-text",
                Some(Position { line, column: 1 }),
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {at}); expected a YAML or JSON OpenAPI document"
                ),
            ));
        }
    };
    if text.contains('\0') {
        return Err(fail(
            "not-text",
            None,
            "the file contains NUL bytes; expected a YAML or JSON OpenAPI document".into(),
        ));
    }
    if text.trim().is_empty() {
        return Err(fail(
            "empty-document",
            None,
            "the file is empty; expected an OpenAPI 3.0 or 3.1 document".into(),
        ));
    }
    let raw = parse_tree(&text).map_err(|(position, message)| {
        let kind = if looks_like_json(&text) {
            "invalid-json"
        } else {
            "invalid-yaml"
        };
        fail(kind, position, message)
    })?;
    Ok((text, raw))
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Parses YAML or JSON into a JSON tree. JSON goes through `serde_json`
/// (faster on multi-megabyte specs); everything else through `serde_yaml`.
fn parse_tree(text: &str) -> Result<Value, (Option<Position>, String)> {
    if looks_like_json(text) {
        match serde_json::from_str(text) {
            Ok(tree) => return Ok(tree),
            // A number beyond `f64` (`1e400`): the YAML reader keeps it as
            // text, and a constraint holding it is dropped later.
            Err(e) if e.to_string().starts_with("number out of range") => {}
            Err(e) => {
                return Err((
                    Some(Position {
                        line: e.line(),
                        column: e.column(),
                    }),
                    e.to_string(),
                ));
            }
        }
    }
    let mut patched = std::borrow::Cow::Borrowed(text);
    let mut yaml: serde_yaml::Value = loop {
        let e = match serde_yaml::from_str(&patched) {
            Ok(v) => break v,
            Err(e) => e,
        };
        // An integer beyond 128 bits... or beyond 64: the YAML value model
        // stops at 64 bits. Read it as the float JSON would make of it (a
        // constraint holding it is dropped later, with a warning).
        let message = e.to_string();
        if (message.contains(" as i128") || message.contains(" as u128"))
            && let Some(l) = e.location()
            && let Some(fixed) = as_float_literal(&patched, l.index())
        {
            patched = std::borrow::Cow::Owned(fixed);
            continue;
        }
        let position = e.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
        });
        return Err((position, message));
    };
    yaml.apply_merge().map_err(|e| (None, e.to_string()))?;
    yaml_to_json(yaml, "#").map_err(|m| (None, m))
}

/// `text` with the integer literal starting at byte `at` written as a
/// float (`123…` becomes `123….0`), or `None` if no integer starts there.
fn as_float_literal(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let sign = usize::from(rest.starts_with(['-', '+']));
    let digits = rest[sign..]
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'_')
        .count();
    if digits == 0 {
        return None;
    }
    let end = at + sign + digits;
    Some(format!("{}.0{}", &text[..end], &text[end..]))
}

/// Converts a YAML tree to JSON: scalar keys (YAML allows `200:`) become
/// strings, anything JSON cannot hold is an error naming its pointer.
fn yaml_to_json(value: serde_yaml::Value, at: &str) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // Infinite or NaN: JSON cannot hold it, so it stays text.
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(n.to_string()))
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &format!("{at}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(format!(
                            "{at}: mapping keys must be scalars, found {}",
                            describe_yaml(&other)
                        ));
                    }
                };
                let child = crate::diagnostics::child(at, &key);
                let v = yaml_to_json(v, &child)?;
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            return Err(format!(
                "{at}: YAML tags such as `{}` are not supported in OpenAPI documents",
                t.tag
            ));
        }
    })
}

fn describe_yaml(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Sequence(_) => "a sequence",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Null => "null",
        _ => "a tagged value",
    }
}

/// Finds the version line of the document, rejecting what is not OpenAPI
/// 3.0 or 3.1 before typed parsing, so the user sees "unsupported version"
/// rather than a confusing field error.
fn check_version(raw: &Value) -> Result<Version, (&'static str, String)> {
    let Some(root) = raw.as_object() else {
        return Err((
            "not-openapi",
            format!(
                "the document root is {}, not a mapping; expected an OpenAPI 3.0 or 3.1 document",
                describe_json(raw)
            ),
        ));
    };
    if let Some(v) = root.get("swagger") {
        return Err((
            "unsupported-version",
            format!(
                "Swagger (OpenAPI) {} documents are not supported; convert it to OpenAPI 3.x first",
                scalar_text(v)
            ),
        ));
    }
    let Some(version) = root.get("openapi") else {
        return Err((
            "not-openapi",
            "the document has no `openapi` field; expected an OpenAPI 3.0 or 3.1 document".into(),
        ));
    };
    let version = scalar_text(version);
    let line = |minor: &str| {
        version == minor
            || version
                .strip_prefix(minor)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
    };
    if line("3.0") {
        Ok(Version::V3_0)
    } else if line("3.1") {
        Ok(Version::V3_1)
    } else {
        Err((
            "unsupported-version",
            format!(
                "OpenAPI version {version} is not supported; only 3.0.x and 3.1.x documents are"
            ),
        ))
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn describe_json(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// Deserializes the typed model, reporting the JSON pointer of the first
/// node that does not fit. `openapiv3` contains an `expect` on a path we
/// believe unreachable; a panic there is still turned into an error.
fn typed(raw: &Value) -> Result<openapiv3::OpenAPI, (String, String)> {
    let attempt = catch_unwind(AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw)
    }));
    match attempt {
        Ok(Ok(api)) => Ok(api),
        Ok(Err(e)) => {
            let pointer = path_to_pointer(e.path());
            let message = e.into_inner().to_string();
            Err(refine(raw, pointer, message))
        }
        Err(_) => Err((
            "#".into(),
            "the OpenAPI model could not be read from this document".into(),
        )),
    }
}

/// `openapiv3` reads path items and components through flattened maps,
/// which hide the failing entry from the error path. Re-reading the entries
/// of such a map one by one finds the precise place.
fn refine(raw: &Value, pointer: String, message: String) -> (String, String) {
    fn entry<T: serde::de::DeserializeOwned>(
        base: &str,
        value: &Value,
    ) -> Option<(String, String)> {
        let map = value.as_object()?;
        for (key, item) in map {
            if key.starts_with("x-") {
                continue;
            }
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(item) {
                let inner = path_to_pointer(e.path());
                let at = format!(
                    "{}{}",
                    crate::diagnostics::child(base, key),
                    inner.trim_start_matches('#')
                );
                return Some((at, e.into_inner().to_string()));
            }
        }
        None
    }
    let found = match pointer.as_str() {
        "#/paths" => raw
            .get("paths")
            .and_then(|p| entry::<openapiv3::PathItem>("#/paths", p)),
        "#/components" => raw.get("components").and_then(|c| {
            entry::<openapiv3::Schema>("#/components/schemas", c.get("schemas")?)
                .or_else(|| {
                    entry::<openapiv3::Parameter>("#/components/parameters", c.get("parameters")?)
                })
                .or_else(|| {
                    entry::<openapiv3::Response>("#/components/responses", c.get("responses")?)
                })
                .or_else(|| {
                    entry::<openapiv3::RequestBody>(
                        "#/components/requestBodies",
                        c.get("requestBodies")?,
                    )
                })
        }),
        _ => None,
    };
    found.unwrap_or((pointer, message))
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut tokens = Vec::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => tokens.push(index.to_string()),
            Segment::Map { key } => tokens.push(key.clone()),
            Segment::Enum { variant } => tokens.push(variant.clone()),
            Segment::Unknown => {}
        }
    }
    crate::diagnostics::pointer(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        load_bytes(Path::new("in.yaml"), text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn minimal_yaml_loads() {
        let doc = load_bytes(Path::new("in.yaml"), MINIMAL.as_bytes()).unwrap();
        assert_eq!(doc.api.info.title, "t");
    }

    #[test]
    fn integer_response_codes_become_string_keys() {
        let text = format!(
            "{MINIMAL}  /a:\n    get:\n      responses:\n        200: {{description: ok}}\n"
        )
        .replace("paths: {}\n", "paths:\n");
        let doc = load_bytes(Path::new("in.yaml"), text.as_bytes()).unwrap();
        assert!(doc.raw["paths"]["/a"]["get"]["responses"]["200"].is_object());
    }

    #[test]
    fn invalid_yaml_reports_line_and_column() {
        let e = err("openapi: 3.0.3\ninfo: [unclosed\n");
        assert!(e.starts_with("in.yaml:"), "{e}");
        assert!(e.contains("invalid-yaml"), "{e}");
    }

    #[test]
    fn version_checks() {
        assert!(err("swagger: '2.0'\n").contains("Swagger"));
        assert!(
            err("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
                .contains("3.2.0 is not supported")
        );
        assert!(err("openapi: 3.1.x\ninfo: {title: t, version: '1'}\n").contains("3.1.x"));
        let doc = load_bytes(
            Path::new("in.yaml"),
            b"openapi: 3.1.2\ninfo: {title: t, version: '1'}\n",
        )
        .unwrap();
        assert_eq!(doc.version, Version::V3_1);
        assert!(err("- a\n").contains("not a mapping"));
        assert!(err("a: 1\n").contains("no `openapi` field"));
        assert!(err("  \n").contains("empty"));
    }

    #[test]
    fn wrong_types_name_the_pointer() {
        let e = err(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n",
        );
        assert!(e.contains("#/paths/~1a/get/responses"), "{e}");
    }

    #[test]
    fn numbers_beyond_64_bits_load_and_their_constraints_are_dropped() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: integer, minimum: -99999999999999999999999, maximum: 3, example: 123456789012345678901234567890123456789012}\n    B: {type: number, maximum: .inf}\n";
        let doc = load_bytes(Path::new("in.yaml"), yaml.as_bytes()).unwrap();
        let kinds: Vec<_> = doc
            .warnings
            .iter()
            .map(|w| (w.kind, w.pointer.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("constraint-dropped", "#/components/schemas/A/minimum"),
                ("constraint-dropped", "#/components/schemas/B/maximum")
            ]
        );
        assert_eq!(doc.raw["components"]["schemas"]["A"]["maximum"], 3);
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"type": "number", "minimum": -1e400}}}}"#;
        let doc = load_bytes(Path::new("in.json"), json.as_bytes()).unwrap();
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(as_float_literal("a: 12_3, b", 3).unwrap(), "a: 12_3.0, b");
        assert_eq!(as_float_literal("a: x", 3), None);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(err(&deep).contains("invalid-yaml"));
        let deep_json = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(err(&deep_json).contains("invalid-json"));
    }
}
