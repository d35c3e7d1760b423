//! The document's own `$ref` resolver and the helpers every later stage
//! uses to walk it.
//!
//! After loading, every `$ref` is local (`#/components/schemas/Pet`): other
//! files were bundled in. References are JSON pointers, percent-decoded
//! (`#/components/schemas/A%20B`) and `~0`/`~1`-unescaped.

use std::borrow::Cow;

use openapiv3::{OpenAPI, ReferenceOr};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Document;

/// How many `$ref` hops a lookup follows before giving up (validation
/// reports real cycles; this bounds the walk on any input).
pub const MAX_REF_HOPS: usize = 64;

/// HTTP methods in the order OpenAPI lists them in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Resolves a local reference (`#/components/schemas/A`) or pointer in a
/// JSON tree, without following further `$ref`s.
pub fn resolve<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    raw.pointer(&percent_decode(fragment))
}

/// Resolves a reference and every `$ref` the target itself is made of, at
/// most [`MAX_REF_HOPS`] deep.
pub fn resolve_chain<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    let mut target = resolve(raw, reference)?;
    for _ in 0..MAX_REF_HOPS {
        match target.get("$ref").and_then(Value::as_str) {
            Some(next) => target = resolve(raw, next)?,
            None => return Some(target),
        }
    }
    None
}

/// Decodes `%XX` escapes (a `$ref` is a URI reference); invalid escapes and
/// non-UTF-8 results leave the text as it was.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(s),
    }
}

impl Document {
    /// The node a local reference or pointer designates (one hop).
    pub fn resolve(&self, reference: &str) -> Option<&Value> {
        resolve(&self.raw, reference)
    }

    /// The object behind a reference, following `$ref` chains, read as `T`.
    pub fn lookup<T: DeserializeOwned>(&self, reference: &str) -> Option<T> {
        serde_json::from_value(resolve_chain(&self.raw, reference)?.clone()).ok()
    }

    /// The object itself, or the one its `$ref` leads to.
    pub fn deref<'r, T: DeserializeOwned + Clone>(
        &self,
        item: &'r ReferenceOr<T>,
    ) -> Option<Cow<'r, T>> {
        match item {
            ReferenceOr::Item(t) => Some(Cow::Borrowed(t)),
            ReferenceOr::Reference { reference } => self.lookup(reference).map(Cow::Owned),
        }
    }

    /// A parameter or the one its `$ref` leads to.
    pub fn parameter<'r>(
        &self,
        item: &'r ReferenceOr<openapiv3::Parameter>,
    ) -> Option<Cow<'r, openapiv3::Parameter>> {
        self.deref(item)
    }

    /// A request body or the one its `$ref` leads to.
    pub fn request_body<'r>(
        &self,
        item: &'r ReferenceOr<openapiv3::RequestBody>,
    ) -> Option<Cow<'r, openapiv3::RequestBody>> {
        self.deref(item)
    }

    /// A response or the one its `$ref` leads to.
    pub fn response<'r>(
        &self,
        item: &'r ReferenceOr<openapiv3::Response>,
    ) -> Option<Cow<'r, openapiv3::Response>> {
        self.deref(item)
    }

    /// A header or the one its `$ref` leads to.
    pub fn header<'r>(
        &self,
        item: &'r ReferenceOr<openapiv3::Header>,
    ) -> Option<Cow<'r, openapiv3::Header>> {
        self.deref(item)
    }

    /// A schema or the one its `$ref` leads to.
    pub fn schema<'r>(
        &self,
        item: &'r ReferenceOr<openapiv3::Schema>,
    ) -> Option<Cow<'r, openapiv3::Schema>> {
        self.deref(item)
    }

    /// The node at a pointer built by [`crate::diagnostics::pointer`], to
    /// edit; call [`Document::resync`] afterwards.
    pub fn raw_mut(&mut self, at: &str) -> Option<&mut Value> {
        self.raw.pointer_mut(at.strip_prefix('#')?)
    }

    /// Reads the typed model of the path item or component holding `at`
    /// again from the raw tree, after the raw tree was edited there.
    pub fn resync(&mut self, at: &str) {
        fn read<T: DeserializeOwned>(raw: &Value, at: &str) -> Option<T> {
            serde_json::from_value(raw.pointer(at)?.clone()).ok()
        }
        let tokens: Vec<String> = at
            .strip_prefix('#')
            .unwrap_or(at)
            .split('/')
            .skip(1)
            .map(crate::diagnostics::unescape_token)
            .collect();
        let unit = crate::diagnostics::pointer(tokens.iter().take(3));
        let unit = unit.trim_start_matches('#');
        match tokens
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["security", ..] => {
                self.api.security = read(&self.raw, "/security");
            }
            ["paths", path, ..] => {
                let unit = crate::diagnostics::pointer(["paths", path]);
                if let Some(item) = read(&self.raw, unit.trim_start_matches('#')) {
                    self.api.paths.paths.insert((*path).to_owned(), item);
                }
            }
            ["components", section, name, ..] => {
                let Some(c) = self.api.components.as_mut() else {
                    return;
                };
                let name = (*name).to_owned();
                match *section {
                    "schemas" => {
                        if let Some(v) = read(&self.raw, unit) {
                            c.schemas.insert(name, v);
                        }
                    }
                    "parameters" => {
                        if let Some(v) = read(&self.raw, unit) {
                            c.parameters.insert(name, v);
                        }
                    }
                    "responses" => {
                        if let Some(v) = read(&self.raw, unit) {
                            c.responses.insert(name, v);
                        }
                    }
                    "requestBodies" => {
                        if let Some(v) = read(&self.raw, unit) {
                            c.request_bodies.insert(name, v);
                        }
                    }
                    "headers" => {
                        if let Some(v) = read(&self.raw, unit) {
                            c.headers.insert(name, v);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// All operations, in document order.
    pub fn operations(&self) -> impl Iterator<Item = (&str, &'static str, &openapiv3::Operation)> {
        operations(&self.api)
    }
}

/// All operations of a document's path items, in document order (path
/// items given as `$ref` were inlined when the document was loaded).
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_parse() {
        assert_eq!(template_variables("/a/{b}/c/{d}").unwrap(), vec!["b", "d"]);
        assert!(template_variables("/a/{b").is_err());
        assert!(template_variables("/a/b}").is_err());
        assert!(template_variables("/a/{}").is_err());
    }

    #[test]
    fn references_are_decoded_and_unescaped() {
        let raw = json!({"components": {"schemas": {
            "A B": {"type": "string"},
            "a/b~c": {"type": "integer"},
            "Alias": {"$ref": "#/components/schemas/A%20B"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }}});
        assert_eq!(
            resolve(&raw, "#/components/schemas/A%20B"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(
            resolve(&raw, "#/components/schemas/a~1b~0c"),
            Some(&json!({"type": "integer"}))
        );
        assert_eq!(
            resolve_chain(&raw, "#/components/schemas/Alias"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(resolve_chain(&raw, "#/components/schemas/Loop"), None);
        assert_eq!(resolve(&raw, "other.yaml#/x"), None);
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%ff"), "%ff");
    }
}
