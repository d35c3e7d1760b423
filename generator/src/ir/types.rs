//! Schemas to Rust types.
//!
//! Component schemas that need a nominal type (objects with properties,
//! string enums, unions, `allOf` compositions) get their name reserved up
//! front, in document order, so inline schemas never take a component's name
//! and a component's name does not change when another one starts being
//! used. Types are created on first use, so unused components cost nothing.
//! A type's id is registered before its fields are converted, which lets
//! recursive schemas refer to themselves; `graph::box_cycles` later boxes
//! the edges that need it.
//!
//! Primitive and array components are not types of their own: `AccountId:
//! {type: string}` becomes `String` at the use site.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::names::derived::{self, Alternative, Kind};
use super::names::{self, Namespace, reserved};
use super::refs::{COMPONENT_SCHEMAS, MAX_ALIAS_DEPTH, SchemaRef, Schemas};
use super::{
    Constraints, Docs, EnumVariant, Field, FloatKind, IntKind, StringEnum, Struct, TypeDef, TypeId,
    TypeKind, TypeRef, Union, UnionVariant,
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

/// The name a nominal type will get: a component's reserved name, or one
/// claimed from a hint when (and only if) a type is actually created.
#[derive(Debug, Clone)]
enum NameChoice {
    Reserved(String),
    Hint(String),
}

impl NameChoice {
    fn hint(&self) -> &str {
        match self {
            NameChoice::Reserved(s) | NameChoice::Hint(s) => s,
        }
    }
}

/// The properties of an object schema, with `allOf` parts merged.
#[derive(Debug, Clone, Default)]
pub struct ObjectParts {
    /// Properties: schema and pointer, in first-seen order; a later part's
    /// schema replaces an earlier one's.
    pub props: IndexMap<String, (ReferenceOr<Schema>, String)>,
    /// Required property names.
    pub required: BTreeSet<String>,
    /// Additional properties schema (`Some(None)` for `true`).
    pub additional: Option<Option<(ReferenceOr<Schema>, String)>>,
}

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
    /// Reserved names of nominal components, by `$ref` string.
    component_names: HashMap<String, String>,
    names: Namespace,
    /// Reserved names already given to a type.
    used_reserved: HashSet<String>,
    /// Inline types by structure, so identical inline shapes share a type.
    shapes: HashMap<String, TypeId>,
    /// The naming hints of every use of a shared inline type.
    shape_hints: HashMap<TypeId, Vec<String>>,
}

impl<'a> TypeSpace<'a> {
    /// Reserves the names of all nominal component schemas.
    pub fn new(doc: &'a Document) -> Self {
        let mut names = Namespace::pascal();
        let mut component_names = HashMap::new();
        if let Some(components) = &doc.api.components {
            for (key, schema) in &components.schemas {
                if let ReferenceOr::Item(schema) = schema
                    && is_nominal(schema)
                {
                    let name = names.claim(&derived::component(key));
                    component_names.insert(
                        format!(
                            "{COMPONENT_SCHEMAS}{}",
                            crate::diagnostics::escape_token(key)
                        ),
                        name,
                    );
                }
            }
        }
        Self {
            doc,
            schemas: Schemas::new(&doc.api, &doc.raw),
            warnings: Vec::new(),
            defs: Vec::new(),
            named: HashMap::new(),
            structural: HashMap::new(),
            active: HashSet::new(),
            collapsing: HashSet::new(),
            component_names,
            names,
            used_reserved: HashSet::new(),
            shapes: HashMap::new(),
            shape_hints: HashMap::new(),
        }
    }

    /// The finished types, in creation order, and the warnings collected.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        self.name_shared_types();
        let types = self
            .defs
            .into_iter()
            .map(|d| d.expect("every allocated type is completed before finish"))
            .collect();
        (types, self.warnings)
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
        self.names.claim(&derived::inline(hint))
    }

    fn take_name(&mut self, choice: &NameChoice) -> String {
        match choice {
            NameChoice::Reserved(name) if self.used_reserved.insert(name.clone()) => name.clone(),
            other => self.claim_name(other.hint()),
        }
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

    /// The schema a reference points to, following alias chains.
    pub fn lookup(&mut self, reference: &str) -> Option<SchemaRef<'a>> {
        self.schemas.lookup(reference)
    }

    fn resolve_ref(&mut self, reference: &str, at: &str) -> Resolved {
        if let Some(id) = self.named.get(reference) {
            return self.named_resolved(*id);
        }
        if let Some(r) = self.structural.get(reference) {
            return r.clone();
        }
        let Some(schema) = self.lookup(reference) else {
            self.warn(
                "unresolved-ref",
                child(at, "$ref"),
                format!("`{reference}` could not be read as a schema; using `serde_json::Value`"),
            );
            return Resolved::plain(TypeRef::Json);
        };
        let at_def = reference.to_owned();
        let choice = match self.component_names.get(reference) {
            Some(name) => NameChoice::Reserved(name.clone()),
            None => NameChoice::Hint(derived::reference_hint(reference)),
        };
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
            let mut name = self.take_name(&choice);
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

    fn named_resolved(&self, id: TypeId) -> Resolved {
        Resolved::plain(TypeRef::Named(id))
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

    fn complete(&mut self, id: TypeId, def: TypeDef) {
        self.defs[id.0] = Some(def);
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
        let pointer = pointer.into();
        self.complete(
            id,
            TypeDef {
                name,
                pointer,
                docs,
                kind,
                in_request: false,
                example,
                feature: None,
            },
        );
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
        let shape = Shape::of(schema);
        let result = match shape {
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

    fn string_enum(&mut self, values: Vec<String>) -> TypeKind {
        let mut ns = Namespace::pascal();
        let mut seen = HashSet::new();
        let variants = values
            .into_iter()
            .filter(|v| seen.insert(v.clone()))
            .map(|value| EnumVariant {
                name: ns.claim(&derived::enum_variant(&value)),
                value,
            })
            .collect();
        TypeKind::Enum(StringEnum {
            variants,
            other: ns.claim(reserved::CATCH_ALL),
        })
    }

    /// A union, or the single remaining alternative, or a string when all
    /// alternatives are strings.
    fn union(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        outer: &Schema,
        choice: &NameChoice,
        at: &str,
        reference: Option<&str>,
    ) -> Option<Resolved> {
        let keyword = if matches!(outer.schema_kind, SchemaKind::AnyOf { .. }) {
            "anyOf"
        } else {
            "oneOf"
        };
        let mut nullable = false;
        let mut kept: Vec<(usize, ReferenceOr<Schema>, Option<SchemaRef<'a>>)> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let target = match v {
                ReferenceOr::Reference { reference } => self.lookup(reference),
                ReferenceOr::Item(s) => Some(SchemaRef::Shared(Rc::new(s.clone()))),
            };
            if target.as_deref().is_some_and(is_null_only) {
                nullable = true;
                continue;
            }
            kept.push((i, v.clone(), target));
        }
        let variants_at = child(at, keyword);
        match kept.len() {
            0 => {
                return Some(Resolved::typed(TypeRef::Json, nullable));
            }
            1 => {
                let (i, v, _) = &kept[0];
                let mut r = self.resolve_with(v, choice, &child(&variants_at, i.to_string()));
                r.nullable |= nullable;
                return Some(r);
            }
            _ => {}
        }
        // All alternatives are strings: one enum if all are enums, else String.
        let strings: Option<Vec<Vec<String>>> = kept
            .iter()
            .map(|(_, _, t)| match t.as_deref().map(Shape::of) {
                Some(Shape::Str { values, .. }) => Some(values),
                _ => None,
            })
            .collect();
        if let Some(strings) = strings {
            if strings.iter().all(|v| !v.is_empty()) {
                let example = outer.schema_data.example.clone();
                let id = self.register(
                    reference,
                    choice,
                    at,
                    docs_of(outer),
                    example,
                    |space, _| space.string_enum(strings.concat()),
                );
                return Some(Resolved::typed(TypeRef::Named(id), nullable));
            }
            return Some(Resolved::typed(TypeRef::String, nullable));
        }
        let mapping = outer.schema_data.discriminator.clone();
        let example = outer.schema_data.example.clone();
        let id = self.register(
            reference,
            choice,
            at,
            docs_of(outer),
            example,
            |space, name| space.union_kind(&kept, mapping.as_ref(), name, &variants_at),
        );
        Some(Resolved::typed(TypeRef::Named(id), nullable))
    }

    /// The alternatives of a union named `name`.
    fn union_kind(
        &mut self,
        kept: &[(usize, ReferenceOr<Schema>, Option<SchemaRef<'a>>)],
        mapping: Option<&openapiv3::Discriminator>,
        name: &str,
        variants_at: &str,
    ) -> TypeKind {
        let mut ns = Namespace::pascal();
        let mut out: Vec<UnionVariant> = Vec::new();
        for (i, v, target) in kept {
            let label = derived::alternative(alternative_label(v, target.as_deref()), *i);
            let variant_name = ns.claim(&label);
            let resolved = self.resolve(
                v,
                &derived::alternative_hint(name, &variant_name),
                &child(variants_at, i.to_string()),
            );
            if out.iter().any(|o| o.ty == resolved.ty) {
                continue; // the same type twice adds nothing
            }
            let tags = match (mapping, v) {
                (Some(d), ReferenceOr::Reference { reference }) => {
                    let mut tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, r)| *r == reference)
                        .map(|(k, _)| k.clone())
                        .collect();
                    if tags.is_empty() {
                        tags.push(derived::reference_hint(reference));
                    }
                    tags
                }
                _ => Vec::new(),
            };
            out.push(UnionVariant {
                name: variant_name,
                ty: resolved.ty,
                tags,
                boxed: false,
            });
        }
        let discriminator = mapping
            .map(|d| d.property_name.clone())
            .filter(|_| out.iter().all(|v| !v.tags.is_empty()));
        let other = ns.claim(reserved::CATCH_ALL);
        TypeKind::Union(Union {
            variants: out,
            discriminator,
            other,
        })
    }

    /// Registers a named type built by `build` (which receives the name to
    /// derive inner names from).
    ///
    /// A component, or a schema that takes a component's reserved name, is
    /// registered before it is built, so recursive references find it.
    /// An inline schema cannot refer to itself, so it is built first and
    /// shared by structure: when an identical inline shape already exists
    /// (same fields with the same types, same values, same alternatives),
    /// that type is reused instead of emitting a copy. Named components
    /// are never merged.
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
            let name = self.take_name(choice);
            let kind = build(self, &name);
            self.define(id, name, at.to_owned(), docs, kind, example);
            return id;
        }
        let hint = derived::inline(choice.hint());
        let kind = build(self, &hint);
        let key = shape_key(&kind);
        if let Some(&id) = self.shapes.get(&key) {
            self.shape_hints.entry(id).or_default().push(hint);
            return id;
        }
        let id = self.allocate(None);
        let name = self.take_name(choice);
        self.define(id, name, at.to_owned(), docs, kind, example);
        self.shapes.insert(key, id);
        self.shape_hints.insert(id, vec![hint]);
        id
    }

    /// Renames each inline type shared by several uses after what the
    /// uses' names have in common (`AccountsListDirection` and
    /// `OrganizationsListDirection` share `ListDirection`), when that name
    /// is free; otherwise it keeps the name of its first use.
    fn name_shared_types(&mut self) {
        let mut shared: Vec<(TypeId, Vec<String>)> = self
            .shape_hints
            .drain()
            .filter(|(_, hints)| hints.len() > 1)
            .collect();
        shared.sort_by_key(|(id, _)| *id);
        for (id, hints) in shared {
            let Some(name) = derived::shared(&hints) else {
                continue;
            };
            if !self.names.contains(&name)
                && let Some(Some(def)) = self.defs.get_mut(id.0)
            {
                self.names.reserve(&name);
                def.name = name;
            }
        }
    }

    fn build_struct(&mut self, parts: &ObjectParts, name: &str) -> Struct {
        let mut ns = Namespace::snake();
        let mut fields = Vec::with_capacity(parts.props.len());
        for (wire, (schema, at)) in &parts.props {
            let hint = derived::property(name, wire);
            let resolved = self.resolve(schema, &hint, at);
            let docs = match (schema, &resolved.ty) {
                (ReferenceOr::Reference { .. }, TypeRef::Named(_)) => Docs::default(),
                _ => resolved.docs.clone(),
            };
            let field_name = ns.claim(&names::snake_name(wire, "field"));
            fields.push(Field {
                setter: reserved::setter_name(&field_name),
                name: field_name,
                wire: wire.clone(),
                ty: resolved.ty,
                required: parts.required.contains(wire),
                nullable: resolved.nullable,
                boxed: false,
                docs,
                constraints: resolved.constraints,
            });
        }
        let additional = match &parts.additional {
            Some(Some((schema, at))) => Some((
                ns.claim(reserved::ADDITIONAL_PROPERTIES),
                self.resolve(schema, &derived::value(name), at).ty,
            )),
            _ => None,
        };
        Struct { fields, additional }
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
                    let item = self.resolve_boxed(items, &derived::item(hint), &child(at, "items"));
                    constraints.items = Some(Box::new(item.constraints));
                    TypeRef::Array(Box::new(item.ty))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            Shape::Object { .. } | Shape::AllOf(_) => match self.object_parts(schema, at) {
                Ok(parts) if parts.props.is_empty() => match parts.additional {
                    Some(Some((ap, ap_at))) => {
                        let value = self.resolve(&ap, &derived::value(hint), &ap_at);
                        constraints.values = Some(Box::new(value.constraints));
                        TypeRef::Map(Box::new(value.ty))
                    }
                    _ => TypeRef::JsonObject,
                },
                Ok(_) => unreachable_nominal(),
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

    /// The schema behind a schema-or-reference.
    pub fn deref_schema(&mut self, schema: &ReferenceOr<Schema>) -> Option<SchemaRef<'a>> {
        self.schemas.deref(schema)
    }

    /// Whether a schema (after references) is an array.
    pub fn is_array(&mut self, schema: &ReferenceOr<Schema>) -> bool {
        self.is_array_within(schema, MAX_ALIAS_DEPTH)
    }

    fn is_array_within(&mut self, schema: &ReferenceOr<Schema>, depth: usize) -> bool {
        let Some(s) = self.deref_schema(schema) else {
            return false;
        };
        let Some(depth) = depth.checked_sub(1) else {
            return false;
        };
        match Shape::of(&s) {
            Shape::Array(_) => true,
            Shape::AllOf(_) => match self.object_parts(&s, "#") {
                Err(AllOfProblem::SingleAlternative(part, _)) => self.is_array_within(&part, depth),
                _ => false,
            },
            Shape::OneOf(v) | Shape::AnyOf(v) => {
                let v = v.to_vec();
                let non_null: Vec<_> = v
                    .iter()
                    .filter(|x| !self.deref_schema(x).as_deref().is_some_and(is_null_only))
                    .cloned()
                    .collect();
                non_null.len() == 1 && self.is_array_within(&non_null[0], depth)
            }
            _ => false,
        }
    }

    /// The merged properties of an object schema behind a reference, if it
    /// is an object.
    pub fn properties_of(&mut self, schema: &ReferenceOr<Schema>, at: &str) -> Option<ObjectParts> {
        self.properties_within(schema, at, MAX_ALIAS_DEPTH)
    }

    fn properties_within(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        depth: usize,
    ) -> Option<ObjectParts> {
        let depth = depth.checked_sub(1)?;
        let (s, at) = match schema {
            ReferenceOr::Reference { reference } => (self.lookup(reference)?, reference.clone()),
            ReferenceOr::Item(s) => (SchemaRef::Shared(Rc::new(s.clone())), at.to_owned()),
        };
        match self.object_parts(&s, &at) {
            Ok(p) => Some(p),
            Err(AllOfProblem::SingleAlternative(part, part_at)) => {
                self.properties_within(&part, &part_at, depth)
            }
            Err(AllOfProblem::NotAnObject(_)) => None,
        }
    }

    /// Whether a dotted property path exists in an object schema.
    pub fn has_path(&mut self, schema: &ReferenceOr<Schema>, path: &[String]) -> bool {
        let Some((first, rest)) = path.split_first() else {
            return true;
        };
        let Some(parts) = self.properties_of(schema, "#") else {
            return false;
        };
        match parts.props.get(first) {
            Some((prop, _)) => rest.is_empty() || self.has_path(&prop.clone(), rest),
            None => false,
        }
    }

    /// A union of already resolved types (several success responses).
    pub fn union_of(&mut self, hint: &str, types: Vec<TypeRef>, at: &str) -> TypeRef {
        let id = self.allocate(None);
        let name = self.claim_name(hint);
        let mut ns = Namespace::pascal();
        let variants = types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| UnionVariant {
                name: ns.claim(&derived::positional(i)),
                ty,
                tags: Vec::new(),
                boxed: false,
            })
            .collect();
        let other = ns.claim(reserved::CATCH_ALL);
        self.define(
            id,
            name,
            at.to_owned(),
            Docs::default(),
            TypeKind::Union(Union {
                variants,
                discriminator: None,
                other,
            }),
            None,
        );
        TypeRef::Named(id)
    }

    /// Merges an object schema and its `allOf` parts. A composition with a
    /// single non-empty alternative is reported as such, so the caller can
    /// use that alternative directly.
    pub fn object_parts(&mut self, schema: &Schema, at: &str) -> Result<ObjectParts, AllOfProblem> {
        let mut parts = ObjectParts::default();
        let mut visiting = HashSet::new();
        if let Shape::AllOf(all) = Shape::of(schema) {
            let meaningful: Vec<(usize, &ReferenceOr<Schema>)> = all
                .iter()
                .enumerate()
                .filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_empty_schema(s)))
                .collect();
            if let [(i, only)] = meaningful.as_slice()
                && !has_own_properties(schema)
            {
                return Err(AllOfProblem::SingleAlternative(
                    Box::new((*only).clone()),
                    child(&child(at, "allOf"), i.to_string()),
                ));
            }
        }
        self.merge_into(&mut parts, schema, at, &mut visiting)?;
        Ok(parts)
    }

    fn merge_into(
        &mut self,
        parts: &mut ObjectParts,
        schema: &Schema,
        at: &str,
        visiting: &mut HashSet<String>,
    ) -> Result<(), AllOfProblem> {
        let (props, required, additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                o.required.as_slice(),
                o.additional_properties.as_ref(),
            ),
            SchemaKind::Any(a) => (
                Some(&a.properties),
                a.required.as_slice(),
                a.additional_properties.as_ref(),
            ),
            SchemaKind::AllOf { .. } => (None, &[][..], None),
            _ if is_empty_schema(schema) => (None, &[][..], None),
            _ => return Err(AllOfProblem::NotAnObject(at.to_owned())),
        };
        let all_of: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => &a.all_of,
            _ => &[],
        };
        if let SchemaKind::Any(a) = &schema.schema_kind
            && (!a.one_of.is_empty() || !a.any_of.is_empty())
        {
            self.warn(
                "untyped-schema",
                at.to_owned(),
                "`oneOf`/`anyOf` next to `properties` is ignored; only the properties are typed",
            );
        }
        for (i, part) in all_of.iter().enumerate() {
            let part_at = child(&child(at, "allOf"), i.to_string());
            match part {
                ReferenceOr::Reference { reference } => {
                    if !visiting.insert(reference.clone()) {
                        continue;
                    }
                    let target = self
                        .lookup(reference)
                        .ok_or(AllOfProblem::NotAnObject(part_at))?;
                    self.merge_into(parts, &target, reference, visiting)?;
                    visiting.remove(reference);
                }
                ReferenceOr::Item(s) => self.merge_into(parts, s, &part_at, visiting)?,
            }
        }
        if let Some(props) = props {
            for (name, prop) in props {
                let prop_at = child(&child(at, "properties"), name);
                parts
                    .props
                    .insert(name.clone(), (prop.clone().unbox(), prop_at));
            }
        }
        parts.required.extend(required.iter().cloned());
        if let Some(ap) = additional {
            parts.additional = Some(match ap {
                AdditionalProperties::Any(true) => None,
                AdditionalProperties::Any(false) => return Ok(()),
                AdditionalProperties::Schema(s) => {
                    Some(((**s).clone(), child(at, "additionalProperties")))
                }
            });
        }
        Ok(())
    }
}

/// Why an `allOf` cannot become one struct.
#[derive(Debug)]
pub enum AllOfProblem {
    /// Only one part carries anything; use it directly.
    SingleAlternative(Box<ReferenceOr<Schema>>, String),
    /// A part is not an object (pointer to it).
    NotAnObject(String),
}

fn unreachable_nominal() -> TypeRef {
    // Objects with properties are nominal and never reach structural_type;
    // degrade rather than panic if that invariant is ever broken.
    TypeRef::Json
}

/// The normalized shape of a schema, whichever way openapiv3 parsed it.
enum Shape<'s> {
    Str {
        values: Vec<String>,
        format: Option<String>,
    },
    Int(Option<String>),
    Num(Option<String>),
    Bool,
    Array(Option<&'s ReferenceOr<Box<Schema>>>),
    Object {
        has_props: bool,
    },
    AllOf(&'s [ReferenceOr<Schema>]),
    OneOf(&'s [ReferenceOr<Schema>]),
    AnyOf(&'s [ReferenceOr<Schema>]),
    Not,
    Any,
}

fn format_name<T: std::fmt::Debug>(
    f: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(known(i).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'s> Shape<'s> {
    fn of(schema: &'s Schema) -> Shape<'s> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Shape::Str {
                values: s.enumeration.iter().flatten().cloned().collect(),
                format: format_name(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                }),
            },
            SchemaKind::Type(Type::Integer(i)) => Shape::Int(format_name(&i.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            })),
            SchemaKind::Type(Type::Number(n)) => Shape::Num(format_name(&n.format, |f| match f {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            })),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Bool,
            SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref()),
            SchemaKind::Type(Type::Object(o)) => Shape::Object {
                has_props: !o.properties.is_empty(),
            },
            SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
            SchemaKind::OneOf { one_of } => Shape::OneOf(one_of),
            SchemaKind::AnyOf { any_of } => Shape::AnyOf(any_of),
            SchemaKind::Not { .. } => Shape::Not,
            SchemaKind::Any(a) => Self::of_any(a),
        }
    }

    /// Mixed schemas: composition keywords win, then `type`, then what the
    /// other keywords imply.
    fn of_any(a: &'s AnySchema) -> Shape<'s> {
        if !a.all_of.is_empty() {
            return Shape::AllOf(&a.all_of);
        }
        if !a.properties.is_empty() {
            return Shape::Object { has_props: true };
        }
        if !a.one_of.is_empty() {
            return Shape::OneOf(&a.one_of);
        }
        if !a.any_of.is_empty() {
            return Shape::AnyOf(&a.any_of);
        }
        let strings = || {
            a.enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        match a.typ.as_deref() {
            Some("string") => Shape::Str {
                values: strings(),
                format: a.format.clone(),
            },
            Some("integer") => Shape::Int(a.format.clone()),
            Some("number") => Shape::Num(a.format.clone()),
            Some("boolean") => Shape::Bool,
            Some("array") => Shape::Array(a.items.as_ref()),
            Some("object") => Shape::Object { has_props: false },
            _ if a.items.is_some() => Shape::Array(a.items.as_ref()),
            _ if a.additional_properties.is_some() => Shape::Object { has_props: false },
            _ => match a.enumeration.iter().find(|v| !v.is_null()) {
                Some(serde_json::Value::String(_)) => Shape::Str {
                    values: strings(),
                    format: None,
                },
                Some(serde_json::Value::Bool(_)) => Shape::Bool,
                Some(serde_json::Value::Number(n)) if n.is_f64() => Shape::Num(None),
                Some(serde_json::Value::Number(_)) => Shape::Int(None),
                _ => Shape::Any,
            },
        }
    }
}

/// Whether a schema gets a named Rust type.
fn is_nominal(schema: &Schema) -> bool {
    match Shape::of(schema) {
        Shape::Str { values, .. } => !values.is_empty(),
        Shape::Object { has_props } => has_props,
        Shape::AllOf(_) | Shape::OneOf(_) | Shape::AnyOf(_) => true,
        _ => false,
    }
}

fn has_own_properties(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => !a.properties.is_empty(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        _ => false,
    }
}

/// `{}` or a schema with only annotations.
fn is_empty_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

/// A schema that only admits `null` (`{nullable: true}`, `enum: [null]`).
fn is_null_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => {
            let only_null_enum =
                !a.enumeration.is_empty() && a.enumeration.iter().all(|v| v.is_null());
            let bare = AnySchema {
                enumeration: Vec::new(),
                typ: None,
                ..a.clone()
            } == AnySchema::default();
            bare && (only_null_enum
                || (a.typ.as_deref() == Some("null"))
                || (schema.schema_data.nullable && a.enumeration.is_empty() && a.typ.is_none()))
        }
        SchemaKind::Type(Type::String(s)) => {
            !s.enumeration.is_empty() && s.enumeration.iter().all(Option::is_none)
        }
        _ => false,
    }
}

/// `nullable: true`, or an enum that lists null.
fn is_nullable(schema: &Schema) -> bool {
    if schema.schema_data.nullable {
        return true;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Number(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Boolean(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Any(a) => a.enumeration.iter().any(serde_json::Value::is_null),
        _ => false,
    }
}

/// Title and description of a schema.
pub fn docs_of(schema: &Schema) -> Docs {
    Docs {
        summary: schema.schema_data.title.clone(),
        description: schema.schema_data.description.clone(),
        deprecated: schema.schema_data.deprecated,
    }
}

/// What names a union alternative, read from its schema.
fn alternative_label<'s>(
    v: &'s ReferenceOr<Schema>,
    target: Option<&'s Schema>,
) -> Alternative<'s> {
    if let ReferenceOr::Reference { reference } = v {
        return Alternative::Reference(reference);
    }
    let Some(schema) = target else {
        return Alternative::Position;
    };
    if let Some(title) = &schema.schema_data.title {
        return Alternative::Title(title);
    }
    match Shape::of(schema) {
        Shape::Str { .. } => Alternative::Kind(Kind::String),
        Shape::Int(_) => Alternative::Kind(Kind::Integer),
        Shape::Num(_) => Alternative::Kind(Kind::Number),
        Shape::Bool => Alternative::Kind(Kind::Boolean),
        Shape::Array(_) => Alternative::Kind(Kind::Array),
        Shape::Object { .. } | Shape::AllOf(_) => Alternative::Kind(Kind::Object),
        _ => Alternative::Position,
    }
}

/// The value constraints a schema states directly.
fn constraints_of(schema: &Schema) -> Constraints {
    let mut c = Constraints {
        example: schema.schema_data.example.clone(),
        default: schema.schema_data.default.clone(),
        ..Constraints::default()
    };
    let json = |v: Option<serde_json::Value>| v.unwrap_or(serde_json::Value::Null);
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            c.allowed = t
                .enumeration
                .iter()
                .map(|v| json(v.clone().map(Into::into)))
                .collect();
            c.format = format_name(&t.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            });
            c.pattern = t.pattern.clone();
            c.min_length = t.min_length;
            c.max_length = t.max_length;
        }
        SchemaKind::Type(Type::Integer(t)) => {
            c.allowed = t
                .enumeration
                .iter()
                .map(|v| json(v.map(Into::into)))
                .collect();
            c.format = format_name(&t.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            });
            c.minimum = t.minimum.map(|v| v as f64);
            c.maximum = t.maximum.map(|v| v as f64);
            c.exclusive_minimum = t.exclusive_minimum;
            c.exclusive_maximum = t.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(t)) => {
            c.allowed = t
                .enumeration
                .iter()
                .map(|v| {
                    json(
                        v.and_then(serde_json::Number::from_f64)
                            .map(serde_json::Value::Number),
                    )
                })
                .collect();
            c.minimum = t.minimum;
            c.maximum = t.maximum;
            c.exclusive_minimum = t.exclusive_minimum;
            c.exclusive_maximum = t.exclusive_maximum;
        }
        SchemaKind::Type(Type::Boolean(t)) => {
            c.allowed = t
                .enumeration
                .iter()
                .map(|v| json(v.map(Into::into)))
                .collect();
        }
        SchemaKind::Type(Type::Array(t)) => {
            c.min_items = t.min_items;
            c.max_items = t.max_items;
        }
        SchemaKind::Any(a) => {
            c.allowed = a.enumeration.clone();
            c.format = a.format.clone();
            c.pattern = a.pattern.clone();
            c.min_length = a.min_length;
            c.max_length = a.max_length;
            c.minimum = a.minimum;
            c.maximum = a.maximum;
            c.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
            c.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        _ => {}
    }
    c
}

/// A key that is equal for two types exactly when they would emit the same
/// Rust definition (names of fields and variants, wire names, types,
/// optionality), ignoring documentation.
fn shape_key(kind: &TypeKind) -> String {
    use std::fmt::Write as _;
    let mut key = String::new();
    match kind {
        TypeKind::Struct(s) => {
            key.push_str("struct");
            for f in &s.fields {
                let _ = write!(
                    key,
                    "|{}={}:{:?}:{}{}",
                    f.name, f.wire, f.ty, f.required, f.nullable
                );
            }
            if let Some((name, ty)) = &s.additional {
                let _ = write!(key, "|+{name}:{ty:?}");
            }
        }
        TypeKind::Enum(e) => {
            key.push_str("enum");
            for v in &e.variants {
                let _ = write!(key, "|{}={:?}", v.name, v.value);
            }
            let _ = write!(key, "|{}", e.other);
        }
        TypeKind::Union(u) => {
            let _ = write!(key, "union|{:?}", u.discriminator);
            for v in &u.variants {
                let _ = write!(key, "|{}:{:?}:{:?}", v.name, v.ty, v.tags);
            }
            let _ = write!(key, "|{}", u.other);
        }
        TypeKind::Newtype(ty) => {
            let _ = write!(key, "newtype|{ty:?}");
        }
    }
    key
}
