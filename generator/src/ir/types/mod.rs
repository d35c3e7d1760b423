//! Schemas to Rust types.
//!
//! The type space resolves every schema the operations use into a
//! [`TypeRef`], creating named types on first use, so unused components
//! cost nothing. Its parts, each with one concern:
//!
//! - [`schema`]: reading one schema (shape, nullability, docs, constraints);
//! - [`compose`]: `allOf` merged into one object, and questions asked of
//!   merged objects;
//! - [`unions`]: string enums and unions (`oneOf`, `anyOf`);
//! - [`naming`]: which name each type gets (rules in [`crate::ir::names`]);
//! - [`dedupe`]: identical inline shapes shared as one type;
//! - this module: the registry of types and the resolution that ties the
//!   parts together, with its cycle guards.
//!
//! A type's id is registered before its fields are converted, which lets
//! recursive schemas refer to themselves; `graph::box_cycles` later boxes
//! the edges that need it. Primitive and array components are not types of
//! their own: `AccountId: {type: string}` becomes `String` at the use site.
//! References are followed through [`crate::ir::refs`].

mod compose;
mod dedupe;
mod naming;
mod schema;
mod unions;

use std::collections::{HashMap, HashSet};

use openapiv3::{ReferenceOr, Schema};

pub use compose::ObjectParts;
use compose::{AllOfProblem, MergeCache, Merger};
use dedupe::{ShapeKey, Shapes};
use naming::{NameChoice, TypeNames};
use schema::{Shape, constraints_of, docs_of, is_nominal, is_nullable, is_sensitive};

/// How many `$ref`/`allOf` steps [`TypeSpace::is_sensitive`] follows.
const MAX_SENSITIVE_DEPTH: usize = 8;

use super::names::{self, Namespace, reserved};
use super::pins::Pins;
use super::refs::Schemas;
use super::{
    Constraints, Docs, Field, FloatKind, IntKind, Struct, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::diagnostics::{Diagnostic, child};
use crate::load::Document;

/// A schema resolved at a use site.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The Rust type (without `Option`).
    pub ty: TypeRef,
    /// The value may be `null`.
    pub nullable: bool,
    /// Documentation of the schema, for the use site (field, parameter).
    pub docs: Docs,
    /// Valid values, for the use site.
    pub constraints: Constraints,
}

impl Resolved {
    /// A type with nothing else known about it.
    pub fn plain(ty: TypeRef) -> Self {
        Self {
            ty,
            nullable: false,
            docs: Docs::default(),
            constraints: Constraints::default(),
        }
    }

    fn typed(ty: TypeRef, nullable: bool) -> Self {
        Self {
            nullable,
            ..Self::plain(ty)
        }
    }
}

/// What [`TypeSpace::finish`] returns: the types, the warnings and the
/// type namespace.
pub type Finished = (Vec<TypeDef>, Vec<Diagnostic>, Namespace);

/// Builds named types on demand.
pub struct TypeSpace<'a> {
    doc: &'a Document,
    schemas: Schemas<'a>,
    warnings: Vec<Diagnostic>,
    defs: Vec<Option<TypeDef>>,
    /// `$ref` string to the named type created for it.
    named: HashMap<String, TypeId>,
    /// `$ref` string to the structural type it resolved to.
    structural: HashMap<String, Resolved>,
    /// Structural `$ref`s being resolved (cycle guard).
    active: HashSet<String>,
    /// Nominal `$ref`s being resolved before they have a type of their own
    /// (cycle guard for a union that collapses onto its one alternative).
    collapsing: HashSet<String>,
    names: TypeNames<'a>,
    shapes: Shapes,
    /// Referenced `allOf` parts merged so far.
    merged: MergeCache,
}

impl<'a> TypeSpace<'a> {
    /// A type space over `doc`, with the pinned names and the names of its
    /// nominal component schemas reserved.
    pub fn new(doc: &'a Document, pins: Pins) -> Self {
        Self {
            doc,
            schemas: Schemas::new(&doc.api, &doc.raw),
            warnings: Vec::new(),
            defs: Vec::new(),
            named: HashMap::new(),
            structural: HashMap::new(),
            active: HashSet::new(),
            collapsing: HashSet::new(),
            names: TypeNames::new(doc, pins),
            shapes: Shapes::default(),
            merged: MergeCache::default(),
        }
    }

    /// The finished types, in creation order, the warnings collected and
    /// the type namespace (for names claimed later); or the configuration
    /// errors about pinned names.
    pub fn finish(mut self) -> Result<Finished, Vec<Diagnostic>> {
        self.names
            .rename_shared(&mut self.defs, self.shapes.shared());
        let errors = self.names.errors(&self.defs);
        if !errors.is_empty() {
            return Err(errors);
        }
        let types = self
            .defs
            .into_iter()
            .map(|d| d.expect("every allocated type is completed before finish"))
            .collect();
        Ok((types, self.warnings, self.names.into_namespace()))
    }

    /// The document being converted.
    pub fn doc(&self) -> &'a Document {
        self.doc
    }

    /// Records a warning.
    pub fn warn(&mut self, kind: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(kind, at, message));
    }

    /// Claims a unique type name derived from `hint`.
    pub fn claim_name(&mut self, hint: &str) -> String {
        self.names.claim(hint)
    }

    /// Resolves a schema or reference at `at`; `hint` names inline types.
    pub fn resolve(&mut self, schema: &ReferenceOr<Schema>, hint: &str, at: &str) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, at),
            ReferenceOr::Item(schema) => {
                self.resolve_inline(schema, &NameChoice::Hint(hint.to_owned()), at)
            }
        }
    }

    /// Like [`Self::resolve`] for a response that is the value itself (not
    /// a property of one): a secret string there has no struct whose
    /// `Debug` could hide it, so it becomes the runtime's `Secret`.
    pub fn resolve_response(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        at: &str,
    ) -> Resolved {
        let mut resolved = self.resolve(schema, hint, at);
        if resolved.ty == TypeRef::String && self.is_sensitive(schema) {
            resolved.ty = TypeRef::Secret;
        }
        resolved
    }

    /// Like [`Self::resolve`] for boxed schemas (properties, items).
    pub fn resolve_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        at: &str,
    ) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, at),
            ReferenceOr::Item(schema) => {
                self.resolve_inline(schema, &NameChoice::Hint(hint.to_owned()), at)
            }
        }
    }

    fn merger(&mut self) -> Merger<'_, 'a> {
        Merger {
            schemas: &mut self.schemas,
            warnings: &mut self.warnings,
            cache: &mut self.merged,
        }
    }

    /// Whether a schema (after references) is an array.
    pub fn is_array(&mut self, schema: &ReferenceOr<Schema>) -> bool {
        self.merger().is_array(schema)
    }

    /// The merged properties of an object schema behind a reference, if it
    /// is an object.
    pub fn properties_of(&mut self, schema: &ReferenceOr<Schema>, at: &str) -> Option<ObjectParts> {
        self.merger().properties_of(schema, at)
    }

    /// Whether a dotted property path exists in an object schema.
    pub fn has_path(&mut self, schema: &ReferenceOr<Schema>, path: &[String]) -> bool {
        self.merger().has_path(schema, path)
    }

    fn object_parts(&mut self, schema: &Schema, at: &str) -> Result<ObjectParts, AllOfProblem> {
        self.merger().object_parts(schema, at)
    }

    fn resolve_ref(&mut self, reference: &str, at: &str) -> Resolved {
        if let Some(id) = self.named.get(reference) {
            return Resolved::plain(TypeRef::Named(*id));
        }
        if let Some(r) = self.structural.get(reference) {
            return r.clone();
        }
        let Some(schema) = self.schemas.lookup(reference) else {
            self.warn(
                "unresolved-ref",
                child(at, "$ref"),
                format!("`{reference}` could not be read as a schema; using `serde_json::Value`"),
            );
            return Resolved::plain(TypeRef::Json);
        };
        let at_def = reference.to_owned();
        let choice = self.names.for_reference(reference);
        if is_nominal(&schema) {
            if !self.collapsing.insert(reference.to_owned()) {
                // Reached itself again before getting a type: a oneOf/anyOf
                // whose only alternative leads back to it says nothing.
                self.warn(
                    "untyped-schema",
                    at_def,
                    format!("`{reference}` is defined only in terms of itself; using `serde_json::Value`"),
                );
                return Resolved::plain(TypeRef::Json);
            }
            let nominal = self.nominal(&schema, &choice, &at_def, Some(reference));
            self.collapsing.remove(reference);
            if let Some(r) = nominal {
                if !self.named.contains_key(reference) {
                    // Collapsed onto another type (e.g. a oneOf of one alternative).
                    self.structural.insert(reference.to_owned(), r.clone());
                }
                return r;
            }
        }
        if !self.active.insert(reference.to_owned()) {
            // A structural schema that contains itself (an array of objects
            // pointing back to the array): it becomes a newtype, registered
            // now and completed when the outer resolution finishes.
            return Resolved::plain(TypeRef::Named(self.allocate(Some(reference))));
        }
        let mut resolved = self.structural_type(&schema, &choice, &at_def);
        self.active.remove(reference);
        if let Some(&id) = self.named.get(reference) {
            if resolved.ty == TypeRef::Named(id) {
                // Only itself again (an allOf of itself, or a chain of them
                // back to it): no value is described beyond "any".
                self.warn(
                    "untyped-schema",
                    at_def.clone(),
                    format!("`{reference}` is defined only in terms of itself; using `serde_json::Value`"),
                );
                resolved.ty = TypeRef::Json;
            }
            let mut name = self.names.name(&choice, &at_def, id);
            // The wrapped type was resolved first and may have taken the
            // component's own name; the component keeps it, since every
            // reference to the component names the newtype.
            if let (NameChoice::Reserved(own), TypeRef::Named(inner)) = (&choice, &resolved.ty)
                && let Some(Some(def)) = self.defs.get_mut(inner.0)
                && def.name == *own
            {
                std::mem::swap(&mut def.name, &mut name);
            }
            let docs = std::mem::take(&mut resolved.docs);
            self.define(
                id,
                name,
                at_def,
                docs,
                TypeKind::Newtype(resolved.ty),
                schema.schema_data.example.clone(),
            );
            resolved.ty = TypeRef::Named(id);
            return resolved;
        }
        self.structural
            .insert(reference.to_owned(), resolved.clone());
        resolved
    }

    fn resolve_inline(&mut self, schema: &Schema, choice: &NameChoice, at: &str) -> Resolved {
        if is_nominal(schema)
            && let Some(r) = self.nominal(schema, choice, at, None)
        {
            return r;
        }
        self.structural_type(schema, choice, at)
    }

    fn resolve_with(
        &mut self,
        schema: &ReferenceOr<Schema>,
        choice: &NameChoice,
        at: &str,
    ) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, at),
            ReferenceOr::Item(schema) => self.resolve_inline(schema, choice, at),
        }
    }

    fn allocate(&mut self, reference: Option<&str>) -> TypeId {
        let id = TypeId(self.defs.len());
        self.defs.push(None);
        if let Some(r) = reference {
            self.named.insert(r.to_owned(), id);
        }
        id
    }

    /// Completes an allocated type from its parts.
    fn define(
        &mut self,
        id: TypeId,
        name: String,
        pointer: impl Into<String>,
        docs: Docs,
        kind: TypeKind,
        example: Option<serde_json::Value>,
    ) {
        self.defs[id.0] = Some(TypeDef {
            name,
            pointer: pointer.into(),
            docs,
            kind,
            in_request: false,
            example,
            feature: None,
            gate: Vec::new(),
            aliases: Vec::new(),
        });
    }

    /// Creates the named type for a nominal schema; `None` when it turns
    /// out not to need one (e.g. a `oneOf` of one alternative).
    fn nominal(
        &mut self,
        schema: &Schema,
        choice: &NameChoice,
        at: &str,
        reference: Option<&str>,
    ) -> Option<Resolved> {
        let nullable = is_nullable(schema);
        let docs = docs_of(schema);
        let result = match Shape::of(schema) {
            Shape::Str { values, .. } if !values.is_empty() => {
                let example = schema.schema_data.example.clone();
                let id = self.register(reference, choice, at, docs, example, |space, _| {
                    space.string_enum(values)
                });
                TypeRef::Named(id)
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants) => {
                let variants: Vec<ReferenceOr<Schema>> = variants.to_vec();
                return self
                    .union(&variants, schema, choice, at, reference)
                    .map(|mut r| {
                        r.nullable |= nullable;
                        r
                    });
            }
            _ => {
                let parts = match self.object_parts(schema, at) {
                    Ok(parts) if !parts.props.is_empty() => parts,
                    _ => return None,
                };
                let example = schema.schema_data.example.clone();
                let id = self.register(reference, choice, at, docs, example, |space, name| {
                    TypeKind::Struct(space.build_struct(&parts, name))
                });
                TypeRef::Named(id)
            }
        };
        let mut resolved = Resolved::typed(result, nullable);
        resolved.constraints = constraints_of(schema);
        Some(resolved)
    }

    /// Registers a named type built by `build` (which receives the name to
    /// derive inner names from).
    ///
    /// A component, or a schema that takes a component's reserved name, is
    /// registered before it is built, so recursive references find it.
    /// An inline schema cannot refer to itself, so it is built first and
    /// shared by structure (see [`dedupe`]).
    fn register(
        &mut self,
        reference: Option<&str>,
        choice: &NameChoice,
        at: &str,
        docs: Docs,
        example: Option<serde_json::Value>,
        build: impl FnOnce(&mut Self, &str) -> TypeKind,
    ) -> TypeId {
        let inline = reference.is_none() && matches!(choice, NameChoice::Hint(_));
        if !inline {
            let id = self.allocate(reference);
            let name = self.names.name(choice, at, id);
            let kind = build(self, &name);
            self.define(id, name, at.to_owned(), docs, kind, example);
            return id;
        }
        let hint = names::derived::inline(choice.hint());
        let kind = build(self, &hint);
        let key = ShapeKey::of(&kind);
        if let Some(id) = self.shapes.reuse(&key, &hint) {
            self.names.reuse(&mut self.defs, id, at);
            return id;
        }
        let id = self.allocate(None);
        let name = self.names.name(choice, at, id);
        self.define(id, name, at.to_owned(), docs, kind, example);
        self.shapes.insert(key, id, hint);
        id
    }

    fn build_struct(&mut self, parts: &ObjectParts, name: &str) -> Struct {
        let mut ns = Namespace::snake();
        let mut fields = Vec::with_capacity(parts.props.len());
        for (wire, (schema, at)) in &parts.props {
            let hint = names::derived::property(name, wire);
            let resolved = self.resolve(schema, &hint, at);
            let docs = match (schema, &resolved.ty) {
                (ReferenceOr::Reference { .. }, TypeRef::Named(_)) => Docs::default(),
                _ => resolved.docs.clone(),
            };
            let field_name = ns.claim(&names::snake_name(wire, "field"));
            let sensitive = self.is_sensitive(schema);
            fields.push(Field {
                setter: String::new(),
                name: field_name,
                wire: wire.clone(),
                pointer: at.clone(),
                ty: resolved.ty,
                required: parts.required.contains(wire),
                nullable: resolved.nullable,
                boxed: false,
                sensitive,
                docs,
                constraints: resolved.constraints,
                access: self.merger().access(schema),
            });
        }
        let names: Vec<&str> = fields.iter().map(|f: &Field| f.name.as_str()).collect();
        let setters = reserved::setter_names(&names);
        for (field, setter) in fields.iter_mut().zip(setters) {
            field.setter = setter;
        }
        let additional = match &parts.additional {
            Some(Some((schema, at))) => Some((
                ns.claim(reserved::ADDITIONAL_PROPERTIES),
                self.resolve(schema, &names::derived::value(name), at).ty,
            )),
            _ => None,
        };
        Struct { fields, additional }
    }

    /// Whether a property holds a secret: its schema, or a schema it refers
    /// to on the way, says `format: password` or `x-sensitive: true`.
    fn is_sensitive(&mut self, schema: &ReferenceOr<Schema>) -> bool {
        let mut current = schema.clone();
        for _ in 0..MAX_SENSITIVE_DEPTH {
            let reference = match current {
                ReferenceOr::Item(s) => {
                    if is_sensitive(&s) {
                        return true;
                    }
                    // A property written `allOf: [$ref]` to carry its own
                    // description is the schema it refers to.
                    match &s.schema_kind {
                        openapiv3::SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                            current = all_of[0].clone();
                            continue;
                        }
                        _ => return false,
                    }
                }
                ReferenceOr::Reference { reference } => reference,
            };
            match self.schemas.lookup(&reference) {
                Some(s) => current = ReferenceOr::Item((*s).clone()),
                None => return false,
            }
        }
        false
    }

    /// Resolves a schema that gets no name of its own.
    fn structural_type(&mut self, schema: &Schema, choice: &NameChoice, at: &str) -> Resolved {
        let hint = choice.hint();
        let nullable = is_nullable(schema);
        let docs = docs_of(schema);
        let mut constraints = constraints_of(schema);
        let ty = match Shape::of(schema) {
            Shape::Str { format, .. } => match format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                _ => TypeRef::String,
            },
            Shape::Int(format) => TypeRef::Int(match format.as_deref() {
                Some("int32") | Some("int16") | Some("int8") => IntKind::I32,
                Some("uint32") | Some("uint16") | Some("uint8") => IntKind::U32,
                Some("uint64") | Some("uint") => IntKind::U64,
                _ => IntKind::I64,
            }),
            Shape::Num(format) => TypeRef::Float(match format.as_deref() {
                Some("float") => FloatKind::F32,
                _ => FloatKind::F64,
            }),
            Shape::Bool => TypeRef::Bool,
            Shape::Array(items) => match items {
                Some(items) => {
                    let item =
                        self.resolve_boxed(items, &names::derived::item(hint), &child(at, "items"));
                    constraints.items = Some(Box::new(item.constraints));
                    TypeRef::Array(Box::new(item.ty))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            Shape::Object { .. } | Shape::AllOf(_) => match self.object_parts(schema, at) {
                Ok(parts) if parts.props.is_empty() => match parts.additional {
                    Some(Some((ap, ap_at))) => {
                        let value = self.resolve(&ap, &names::derived::value(hint), &ap_at);
                        constraints.values = Some(Box::new(value.constraints));
                        TypeRef::Map(Box::new(value.ty))
                    }
                    _ => TypeRef::JsonObject,
                },
                // Objects with properties are nominal and never get here;
                // degrade rather than panic if that is ever not so.
                Ok(_) => TypeRef::Json,
                Err(AllOfProblem::SingleAlternative(part, part_at)) => {
                    let mut r = self.resolve_with(&part, choice, &part_at);
                    r.nullable |= nullable;
                    if r.docs.description.is_none() {
                        r.docs = docs;
                    }
                    if r.constraints.example.is_none() {
                        r.constraints.example = constraints.example;
                    }
                    return r;
                }
                Err(AllOfProblem::NotAnObject(part_at)) => {
                    self.warn(
                        "untyped-schema",
                        part_at,
                        "`allOf` combines schemas that are not all objects; using `serde_json::Value`",
                    );
                    TypeRef::Json
                }
            },
            Shape::OneOf(_) | Shape::AnyOf(_) => TypeRef::Json,
            Shape::Not => {
                self.warn(
                    "untyped-schema",
                    at.to_owned(),
                    "`not` schemas cannot be typed; using `serde_json::Value`",
                );
                TypeRef::Json
            }
            Shape::Any => TypeRef::Json,
        };
        Resolved {
            ty,
            nullable,
            docs,
            constraints,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Components every test document has.
    const COMPONENTS: &str = "    Dog: {type: object, properties: {name: {type: string}}}\n    pet_cat: {type: object, properties: {lives: {type: integer}}}\n";

    fn document(components: &str) -> Document {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{COMPONENTS}{components}"
        );
        crate::load::load_bytes(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    /// Resolves the inline schema `yaml` (a YAML mapping's body) named
    /// `Thing`, with the test components available.
    pub(crate) fn build(yaml: &str) -> (Resolved, Vec<TypeDef>) {
        let (r, types, _) = build_in("", &[yaml]);
        (r.into_iter().next().unwrap(), types)
    }

    /// Resolves each inline schema in turn, all named `Thing`, next to the
    /// extra `components`; returns the warnings too.
    pub(crate) fn build_in(
        components: &str,
        schemas: &[&str],
    ) -> (Vec<Resolved>, Vec<TypeDef>, Vec<Diagnostic>) {
        let doc = document(components);
        let mut space = TypeSpace::new(&doc, Pins::default());
        let resolved = schemas
            .iter()
            .enumerate()
            .map(|(i, yaml)| {
                let schema: ReferenceOr<Schema> =
                    serde_yaml::from_str(yaml).expect("test schema parses");
                space.resolve(&schema, "Thing", &format!("#/test/{i}"))
            })
            .collect();
        let (types, warnings, _) = space.finish().expect("no pins, no errors");
        (resolved, types, warnings)
    }

    pub(crate) fn kind_of<'t>(types: &'t [TypeDef], ty: &TypeRef) -> &'t TypeKind {
        match ty {
            TypeRef::Named(id) => &types[id.0].kind,
            other => panic!("expected a named type, got {other:?}"),
        }
    }

    pub(crate) fn named<'t>(types: &'t [TypeDef], ty: &TypeRef) -> &'t str {
        match ty {
            TypeRef::Named(id) => &types[id.0].name,
            other => panic!("expected a named type, got {other:?}"),
        }
    }

    fn fields(types: &[TypeDef], ty: &TypeRef) -> Vec<(String, TypeRef)> {
        match kind_of(types, ty) {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.ty.clone()))
                .collect(),
            other => panic!("expected a struct, got {other:?}"),
        }
    }

    #[test]
    fn primitives_map_to_rust_types_by_format() {
        let cases = [
            ("{type: string, format: date-time}", TypeRef::DateTime),
            ("{type: string, format: date}", TypeRef::Date),
            ("{type: string, format: uuid}", TypeRef::String),
            ("{type: integer, format: int32}", TypeRef::Int(IntKind::I32)),
            (
                "{type: integer, format: uint64}",
                TypeRef::Int(IntKind::U64),
            ),
            ("{type: integer}", TypeRef::Int(IntKind::I64)),
            (
                "{type: number, format: float}",
                TypeRef::Float(FloatKind::F32),
            ),
            ("{type: boolean}", TypeRef::Bool),
            ("{}", TypeRef::Json),
            ("{type: object}", TypeRef::JsonObject),
            (
                "{type: object, additionalProperties: {type: boolean}}",
                TypeRef::Map(Box::new(TypeRef::Bool)),
            ),
            (
                "{type: array, items: {type: string}}",
                TypeRef::Array(Box::new(TypeRef::String)),
            ),
            ("{type: array}", TypeRef::Array(Box::new(TypeRef::Json))),
        ];
        for (yaml, ty) in cases {
            let (r, types) = build(yaml);
            assert_eq!(r.ty, ty, "{yaml}");
            assert!(types.is_empty(), "{yaml} makes no named type");
        }
    }

    #[test]
    fn a_union_of_date_and_date_time_strings_is_one_timestamp() {
        let cases = [
            (
                "{oneOf: [{type: string, format: date}, {type: string, format: date-time}]}",
                TypeRef::DateOrDateTime,
            ),
            (
                "{anyOf: [{type: string, format: date-time}, {type: string, format: date}]}",
                TypeRef::DateOrDateTime,
            ),
            // Another string, or only one of the two formats, stays text.
            (
                "{oneOf: [{type: string, format: date}, {type: string}]}",
                TypeRef::String,
            ),
            (
                "{oneOf: [{type: string, format: date}, {type: string, format: date}, {type: string, format: uuid}]}",
                TypeRef::String,
            ),
        ];
        for (yaml, ty) in cases {
            let (r, types) = build(yaml);
            assert_eq!(r.ty, ty, "{yaml}");
            assert!(types.is_empty(), "{yaml} makes no named type");
        }
    }

    #[test]
    fn components_keep_their_names_and_inline_types_are_named_after_their_use() {
        let (r, types) = build(
            "{type: object, properties: {dog: {$ref: '#/components/schemas/Dog'}, state: {type: string, enum: [on, off]}, tags: {type: array, items: {type: object, properties: {k: {type: string}}}}}}",
        );
        assert_eq!(named(&types, &r.ty), "Thing");
        let f = fields(&types, &r.ty);
        assert_eq!(named(&types, &f[0].1), "Dog");
        assert_eq!(named(&types, &f[1].1), "ThingState");
        let TypeRef::Array(item) = &f[2].1 else {
            panic!("tags is a list")
        };
        assert_eq!(named(&types, item), "ThingTagsItem");
    }

    #[test]
    fn identical_inline_shapes_share_one_type_named_after_what_their_uses_share() {
        let (r, types, _) = build_in(
            "",
            &[
                "{type: object, properties: {a: {type: object, properties: {mode: {type: string, enum: [x, y]}}}, b: {type: object, properties: {mode: {type: string, enum: [x, y]}}}}}",
            ],
        );
        let f = fields(&types, &r[0].ty);
        assert_eq!(f[0].1, f[1].1, "one type for both");
        // `ThingA` and `ThingB` end differently: the first use names it.
        assert_eq!(named(&types, &f[0].1), "ThingA");
        let (r, types, _) = build_in(
            "",
            &[
                "{type: object, properties: {a_mode: {type: string, enum: [x]}, b_mode: {type: string, enum: [x]}}}",
            ],
        );
        let f = fields(&types, &r[0].ty);
        assert_eq!(named(&types, &f[0].1), "Mode");
        // A component of the same shape is never merged.
        let (r, types, _) = build_in(
            "    Cat: {type: object, properties: {lives: {type: integer}}}\n",
            &[
                "{type: object, properties: {lives: {type: integer}}}",
                "{$ref: '#/components/schemas/Cat'}",
            ],
        );
        assert_ne!(r[0].ty, r[1].ty);
        assert_eq!(types.len(), 2);
    }

    #[test]
    fn recursive_components_refer_to_themselves() {
        let (r, types, warnings) = build_in(
            "    Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}\n",
            &["{$ref: '#/components/schemas/Node'}"],
        );
        assert!(warnings.is_empty());
        let f = fields(&types, &r[0].ty);
        assert_eq!(f[0].1, r[0].ty);
    }

    #[test]
    fn a_structural_component_that_contains_itself_is_a_newtype() {
        let (r, types, _) = build_in(
            "    Tree: {type: array, items: {type: object, properties: {children: {$ref: '#/components/schemas/Tree'}}}}\n",
            &["{$ref: '#/components/schemas/Tree'}"],
        );
        let TypeKind::Newtype(TypeRef::Array(item)) = kind_of(&types, &r[0].ty) else {
            panic!("a newtype around the list")
        };
        assert_eq!(named(&types, &r[0].ty), "Tree");
        assert_eq!(fields(&types, item)[0].1, r[0].ty);
    }

    #[test]
    fn schemas_defined_only_by_themselves_degrade_with_a_warning() {
        let (r, types, warnings) = build_in(
            "    Loop: {oneOf: [{$ref: '#/components/schemas/Loop'}]}\n    Self: {allOf: [{$ref: '#/components/schemas/Self'}]}\n",
            &[
                "{$ref: '#/components/schemas/Loop'}",
                "{$ref: '#/components/schemas/Self'}",
            ],
        );
        assert_eq!(r[0].ty, TypeRef::Json);
        // A structural schema keeps its newtype, around `Value`.
        assert!(matches!(
            kind_of(&types, &r[1].ty),
            TypeKind::Newtype(TypeRef::Json)
        ));
        let kinds: Vec<&str> = warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, ["untyped-schema", "untyped-schema"]);
    }

    #[test]
    fn unreadable_references_and_not_degrade_with_a_warning() {
        let (r, _, warnings) = build_in(
            "",
            &[
                "{$ref: '#/components/schemas/Missing'}",
                "{not: {type: string}}",
            ],
        );
        assert_eq!((&r[0].ty, &r[1].ty), (&TypeRef::Json, &TypeRef::Json));
        let at: Vec<(&str, &str)> = warnings
            .iter()
            .map(|w| (w.kind, w.pointer.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("unresolved-ref", "#/test/0/$ref"),
                ("untyped-schema", "#/test/1")
            ]
        );
    }

    #[test]
    fn fields_take_snake_names_setters_and_the_additional_properties_map() {
        let (r, types) = build(
            "{type: object, required: [Type], properties: {Type: {type: string}, new: {type: string}, additional_properties: {type: string}}, additionalProperties: {type: integer}}",
        );
        let TypeKind::Struct(s) = kind_of(&types, &r.ty) else {
            panic!("a struct")
        };
        let names: Vec<(&str, &str, bool)> = s
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.setter.as_str(), f.required))
            .collect();
        assert_eq!(
            names,
            [
                ("type_", "type_", true),
                ("new", "with_new", false),
                ("additional_properties", "additional_properties", false)
            ]
        );
        assert_eq!(
            s.additional,
            Some((
                "additional_properties_2".to_owned(),
                TypeRef::Int(IntKind::I64)
            ))
        );
    }

    #[test]
    fn a_response_that_is_a_secret_string_is_a_secret_and_other_strings_stay_strings() {
        let doc = document("    Value: {type: string, x-sensitive: true}\n");
        let mut space = TypeSpace::new(&doc, Pins::default());
        let resolved: Vec<TypeRef> = [
            "{type: string, format: password}",
            "{type: string, x-sensitive: true}",
            "{$ref: '#/components/schemas/Value'}",
            "{type: string}",
            "{type: integer, x-sensitive: true}",
        ]
        .iter()
        .enumerate()
        .map(|(i, yaml)| {
            let schema: ReferenceOr<Schema> =
                serde_yaml::from_str(yaml).expect("test schema parses");
            space
                .resolve_response(&schema, "Thing", &format!("#/test/{i}"))
                .ty
        })
        .collect();
        assert_eq!(
            resolved,
            [
                TypeRef::Secret,
                TypeRef::Secret,
                TypeRef::Secret,
                TypeRef::String,
                TypeRef::Int(IntKind::I64)
            ]
        );
    }

    #[test]
    fn secrets_are_properties_marked_password_or_x_sensitive_also_behind_refs() {
        let (r, types, _) = build_in(
            "    Value: {type: string, x-sensitive: true}\n",
            &[
                "{type: object, properties: {a: {type: string, format: password}, b: {type: string, x-sensitive: true}, c: {$ref: '#/components/schemas/Value'}, d: {allOf: [{$ref: '#/components/schemas/Value'}], description: d}, e: {type: string}, f: {type: string, x-sensitive: false}, value: {type: string}}}",
            ],
        );
        let TypeKind::Struct(s) = kind_of(&types, &r[0].ty) else {
            panic!("a struct")
        };
        let secret: Vec<(&str, bool)> = s
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.sensitive))
            .collect();
        assert_eq!(
            secret,
            [
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", true),
                ("e", false),
                ("f", false),
                ("value", false)
            ]
        );
    }
}
