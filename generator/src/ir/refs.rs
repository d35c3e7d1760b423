//! The one place the IR follows `$ref`s.
//!
//! Every reference the model builder meets (schemas, parameters, request
//! bodies, responses, the raw nodes behind a parameter's style) is followed
//! by [`target`], which delegates to the document's own resolver
//! ([`crate::load::resolve`]); nothing else in the IR resolves a reference.
//!
//! Validation has already rejected dangling references and pure `$ref`
//! cycles, so a chain ends; [`MAX_ALIAS_DEPTH`] still bounds every walk, so
//! a document that slipped past validation degrades instead of looping.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{child, unescape_token};

/// How many references (or single-schema compositions) in a row are
/// followed before giving up: a chain that long is a cycle.
pub const MAX_ALIAS_DEPTH: usize = 64;

/// The pointer prefix of component schemas.
pub const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// The node a local reference (`#/components/schemas/A`) points to.
pub fn target<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    crate::load::resolve(raw, reference)
}

/// The next reference of a `{$ref: ...}` node.
fn next_ref(node: &Value) -> Option<&str> {
    node.get("$ref").and_then(Value::as_str)
}

/// The node at `reference`, with `{$ref}` nodes followed to the definition.
pub fn follow<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    let mut node = target(raw, reference)?;
    for _ in 0..MAX_ALIAS_DEPTH {
        match next_ref(node) {
            Some(next) => node = target(raw, next)?,
            None => return Some(node),
        }
    }
    None
}

/// Where the node at `pointer` is written: the pointer with every reference
/// met on the way followed (`#/paths/~1a/get/parameters/0/schema`, where
/// parameter 0 is a `$ref` to `#/components/parameters/P`, is written at
/// `#/components/parameters/P/schema`). A reference at the end is not
/// followed: the pointer then designates the reference itself. `None` when
/// the pointer does not point to anything.
pub fn locate(raw: &Value, pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix('#')?;
    let mut at = String::from("#");
    let mut node = raw;
    if rest.is_empty() {
        return Some(at);
    }
    for token in rest.strip_prefix('/')?.split('/') {
        for _ in 0..MAX_ALIAS_DEPTH {
            let Some(next) = next_ref(node) else { break };
            node = target(raw, next)?;
            at = next.to_owned();
        }
        let token = unescape_token(token);
        node = match node {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
        at = child(&at, &token);
    }
    Some(at)
}

/// An item of type `T` (parameter, request body, response), following its
/// reference through the raw tree when it is one.
pub fn item<'r, T: DeserializeOwned + Clone>(
    raw: &Value,
    item: &'r ReferenceOr<T>,
) -> Option<Cow<'r, T>> {
    match item {
        ReferenceOr::Item(t) => Some(Cow::Borrowed(t)),
        ReferenceOr::Reference { reference } => {
            serde_json::from_value(follow(raw, reference)?.clone())
                .ok()
                .map(Cow::Owned)
        }
    }
}

/// The last token of a reference (`Account` for `#/components/schemas/Account`).
pub fn last_token(reference: &str) -> String {
    unescape_token(reference.rsplit('/').next().unwrap_or_default())
}

/// A schema borrowed from the document or parsed from a non-component `$ref`.
#[derive(Clone)]
pub enum SchemaRef<'a> {
    /// Part of the typed document.
    Borrowed(&'a Schema),
    /// Parsed on demand from the raw tree (or copied from an inline schema).
    Shared(Rc<Schema>),
}

impl Deref for SchemaRef<'_> {
    type Target = Schema;
    fn deref(&self) -> &Schema {
        match self {
            SchemaRef::Borrowed(s) => s,
            SchemaRef::Shared(s) => s,
        }
    }
}

/// Finds the schemas references point to. Component schemas come from the
/// typed document; any other target (a schema inside a path, a parameter's
/// schema) is parsed from the raw tree once and kept.
pub struct Schemas<'a> {
    api: &'a OpenAPI,
    raw: &'a Value,
    parsed: HashMap<String, Rc<Schema>>,
}

impl<'a> Schemas<'a> {
    /// A lookup over one document.
    pub fn new(api: &'a OpenAPI, raw: &'a Value) -> Self {
        Self {
            api,
            raw,
            parsed: HashMap::new(),
        }
    }

    /// The schema a reference points to, following alias chains (a
    /// component that is only a `$ref`).
    pub fn lookup(&mut self, reference: &str) -> Option<SchemaRef<'a>> {
        let mut current = reference.to_owned();
        for _ in 0..MAX_ALIAS_DEPTH {
            match self.step(&current)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => current = reference,
            }
        }
        None
    }

    /// One reference: the schema, or the next reference of an alias.
    fn step(&mut self, reference: &str) -> Option<ReferenceOr<SchemaRef<'a>>> {
        if let Some(key) = reference.strip_prefix(COMPONENT_SCHEMAS)
            && let Some(components) = &self.api.components
            && let Some(entry) = components.schemas.get(&unescape_token(key))
        {
            return Some(match entry {
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                ReferenceOr::Item(s) => ReferenceOr::Item(SchemaRef::Borrowed(s)),
            });
        }
        if let Some(s) = self.parsed.get(reference) {
            return Some(ReferenceOr::Item(SchemaRef::Shared(s.clone())));
        }
        let node = target(self.raw, reference)?;
        if let Some(next) = next_ref(node) {
            return Some(ReferenceOr::Reference {
                reference: next.to_owned(),
            });
        }
        let schema: Rc<Schema> = Rc::new(serde_json::from_value(node.clone()).ok()?);
        self.parsed.insert(reference.to_owned(), schema.clone());
        Some(ReferenceOr::Item(SchemaRef::Shared(schema)))
    }

    /// The schema behind a schema-or-reference.
    pub fn deref(&mut self, schema: &ReferenceOr<Schema>) -> Option<SchemaRef<'a>> {
        match schema {
            ReferenceOr::Reference { reference } => self.lookup(reference),
            ReferenceOr::Item(s) => Some(SchemaRef::Shared(Rc::new(s.clone()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapiv3::{Parameter, SchemaKind, Type};

    fn doc(components: &str) -> crate::load::Document {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Alias'\n        - name: inline\n          in: query\n          schema: {{type: object, properties: {{x: {{type: integer}}}}}}\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n{components}"
        );
        crate::load::load_bytes(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    const COMPONENTS: &str = "  parameters:\n    Alias: {$ref: '#/components/parameters/Real'}\n    Real: {name: real, in: query, schema: {type: string}}\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/C'}\n    C: {type: boolean}\n";

    #[test]
    fn follow_walks_reference_chains_to_the_definition() {
        let d = doc(COMPONENTS);
        let node = follow(&d.raw, "#/components/parameters/Alias").unwrap();
        assert_eq!(node["name"], "real");
        assert!(target(&d.raw, "#/components/parameters/Nope").is_none());
    }

    #[test]
    fn items_behind_references_are_parsed() {
        let d = doc(COMPONENTS);
        let op = d.api.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        let p: Cow<'_, Parameter> = item(&d.raw, &op.parameters[0]).unwrap();
        assert_eq!(p.parameter_data_ref().name, "real");
        assert!(matches!(
            item(&d.raw, &op.parameters[1]).unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn schema_lookup_follows_component_aliases_and_parses_other_targets_once() {
        let d = doc(COMPONENTS);
        let mut schemas = Schemas::new(&d.api, &d.raw);
        let c = schemas.lookup("#/components/schemas/A").unwrap();
        assert!(matches!(c.schema_kind, SchemaKind::Type(Type::Boolean(_))));
        assert!(matches!(c, SchemaRef::Borrowed(_)));
        let at = "#/paths/~1a/get/parameters/1/schema";
        let first = schemas.lookup(at).unwrap();
        assert!(matches!(
            first.schema_kind,
            SchemaKind::Type(Type::Object(_))
        ));
        let (SchemaRef::Shared(a), Some(SchemaRef::Shared(b))) = (first, schemas.lookup(at)) else {
            panic!("a path schema is parsed, not borrowed");
        };
        assert!(Rc::ptr_eq(&a, &b), "parsed once");
        assert!(schemas.lookup("#/components/schemas/Missing").is_none());
    }

    #[test]
    fn alias_cycles_end() {
        let d = doc(
            "  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        );
        assert!(
            Schemas::new(&d.api, &d.raw)
                .lookup("#/components/schemas/A")
                .is_none()
        );
        assert!(follow(&d.raw, "#/components/schemas/A").is_none());
    }

    #[test]
    fn locations_follow_references_on_the_way_but_not_at_the_end() {
        let d = doc(COMPONENTS);
        let raw = &d.raw;
        assert_eq!(
            locate(raw, "#/paths/~1a/get/parameters/0/schema").as_deref(),
            Some("#/components/parameters/Real/schema")
        );
        assert_eq!(
            locate(raw, "#/paths/~1a/get/parameters/1/schema").as_deref(),
            Some("#/paths/~1a/get/parameters/1/schema")
        );
        assert_eq!(
            locate(raw, "#/components/schemas/A").as_deref(),
            Some("#/components/schemas/A")
        );
        assert_eq!(locate(raw, "#").as_deref(), Some("#"));
        assert_eq!(locate(raw, "#/paths/~1b"), None);
        assert_eq!(locate(raw, "#/paths/~1a/get/parameters/9"), None);
        assert_eq!(locate(raw, "#/openapi/x"), None);
        assert_eq!(locate(raw, "paths"), None);
    }

    #[test]
    fn last_tokens_are_unescaped() {
        assert_eq!(last_token("#/components/schemas/a~1b"), "a/b");
        assert_eq!(last_token("#/paths/~1x/get"), "get");
    }
}
