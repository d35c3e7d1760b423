//! Sum types: string enums, and unions of alternatives (`oneOf`, `anyOf`,
//! several success responses).
//!
//! A union is simplified before it becomes a type: alternatives that only
//! admit `null` make it nullable instead; a union left with one alternative
//! is that alternative; a union of string enums is one enum of all their
//! values, and a union of strings of which one is not an enum is `String`.
//! Alternatives of the same Rust type are kept once. With a discriminator
//! whose mapping (or referenced schema names) tags every alternative, the
//! tag selects the alternative; otherwise alternatives are tried in order.

use std::collections::HashSet;
use std::rc::Rc;

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::naming::NameChoice;
use super::schema::{Shape, docs_of, is_null_only};
use super::{Resolved, TypeSpace};
use crate::diagnostics::child;
use crate::ir::names::derived::{self, Alternative, Kind};
use crate::ir::names::{Namespace, reserved};
use crate::ir::refs::SchemaRef;
use crate::ir::{Docs, EnumVariant, StringEnum, TypeKind, TypeRef, Union, UnionVariant};

/// A kept alternative: its position, its schema and what it points to.
type Kept<'a> = (usize, ReferenceOr<Schema>, Option<SchemaRef<'a>>);

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

impl<'a> TypeSpace<'a> {
    /// A string enum of `values` (duplicates dropped), with a catch-all.
    pub(super) fn string_enum(&mut self, values: Vec<String>) -> TypeKind {
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
    pub(super) fn union(
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
        let mut kept: Vec<Kept<'a>> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let target = match v {
                ReferenceOr::Reference { reference } => self.schemas.lookup(reference),
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
            if self.dates_or_date_times(&kept) {
                return Some(Resolved::typed(TypeRef::DateOrDateTime, nullable));
            }
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

    /// Whether the alternatives are plain strings of `format: date` and
    /// `format: date-time`, both present: one `Timestamp` takes either.
    fn dates_or_date_times(&self, kept: &[Kept<'a>]) -> bool {
        let formats: Option<Vec<String>> = kept
            .iter()
            .map(|(_, _, t)| match t.as_deref().map(Shape::of) {
                Some(Shape::Str { values, format }) if values.is_empty() => format,
                _ => None,
            })
            .collect();
        formats.is_some_and(|f| {
            f.iter().all(|f| f == "date" || f == "date-time")
                && f.iter().any(|f| f == "date")
                && f.iter().any(|f| f == "date-time")
        })
    }

    /// The alternatives of a union named `name`.
    fn union_kind(
        &mut self,
        kept: &[Kept<'a>],
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

    /// A union of already resolved types (several success responses).
    pub fn union_of(&mut self, hint: &str, types: Vec<TypeRef>, at: &str) -> TypeRef {
        let id = self.allocate(None);
        let name = self.names.name(&NameChoice::Hint(hint.to_owned()), at, id);
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{build, kind_of, named};
    use crate::ir::{TypeKind, TypeRef};

    #[test]
    fn null_alternatives_make_the_union_nullable() {
        let (r, types) = build("oneOf: [{nullable: true}, {type: integer}]");
        assert_eq!(r.ty, TypeRef::Int(crate::ir::IntKind::I64));
        assert!(r.nullable);
        assert!(types.is_empty());
        let (r, _) = build("anyOf: [{enum: [null]}]");
        assert_eq!((r.ty, r.nullable), (TypeRef::Json, true));
    }

    #[test]
    fn string_alternatives_merge_into_one_enum_or_string() {
        let (r, types) =
            build("oneOf: [{type: string, enum: [a, b]}, {type: string, enum: [b, Unknown]}]");
        let TypeKind::Enum(e) = kind_of(&types, &r.ty) else {
            panic!("an enum")
        };
        let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "Unknown"]);
        assert_eq!(e.other, "Unknown2");
        let (r, types) = build("oneOf: [{type: string, enum: [a]}, {type: string}]");
        assert_eq!(r.ty, TypeRef::String);
        assert!(types.is_empty());
    }

    #[test]
    fn alternatives_are_named_by_reference_title_or_kind() {
        let (r, types) = build(
            "oneOf: [{$ref: '#/components/schemas/pet_cat'}, {title: a dog, type: object, properties: {bark: {type: boolean}}}, {type: integer}, {type: array, items: {type: string}}, {type: integer, format: int32}]",
        );
        let TypeKind::Union(u) = kind_of(&types, &r.ty) else {
            panic!("a union")
        };
        let names: Vec<&str> = u.variants.iter().map(|v| v.name.as_str()).collect();
        // `i32` differs from `i64`, so both integers stay, numbered.
        assert_eq!(names, ["PetCat", "ADog", "Integer", "Array", "Integer2"]);
        assert_eq!(u.other, "Unknown");
        assert!(u.discriminator.is_none());
        // The inline alternative is named after the union and its variant.
        assert_eq!(named(&types, &u.variants[1].ty), "ThingADog");
    }

    #[test]
    fn the_same_type_twice_is_one_alternative() {
        let (r, types) = build(
            "oneOf: [{$ref: '#/components/schemas/pet_cat'}, {$ref: '#/components/schemas/pet_cat'}, {type: boolean}]",
        );
        let TypeKind::Union(u) = kind_of(&types, &r.ty) else {
            panic!("a union")
        };
        assert_eq!(u.variants.len(), 2);
    }

    #[test]
    fn a_discriminator_tags_every_alternative_or_none() {
        let (r, types) = build(
            "oneOf: [{$ref: '#/components/schemas/pet_cat'}, {$ref: '#/components/schemas/Dog'}]\ndiscriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/pet_cat'}}",
        );
        let TypeKind::Union(u) = kind_of(&types, &r.ty) else {
            panic!("a union")
        };
        assert_eq!(u.discriminator.as_deref(), Some("kind"));
        assert_eq!(u.variants[0].tags, ["cat"]);
        // Unmapped references are tagged with their schema name.
        assert_eq!(u.variants[1].tags, ["Dog"]);
        let (r, types) = build(
            "oneOf: [{$ref: '#/components/schemas/Dog'}, {type: object, properties: {a: {type: string}}}]\ndiscriminator: {propertyName: kind}",
        );
        let TypeKind::Union(u) = kind_of(&types, &r.ty) else {
            panic!("a union")
        };
        assert!(
            u.discriminator.is_none(),
            "an inline alternative has no tag"
        );
    }

    #[test]
    fn one_alternative_is_that_alternative() {
        let (r, types) = build("oneOf: [{$ref: '#/components/schemas/Dog'}]");
        assert_eq!(named(&types, &r.ty), "Dog");
    }
}
