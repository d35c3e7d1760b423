//! Inline types shared by structure: when two inline schemas would emit the
//! same Rust definition, the second use reuses the first's type instead of
//! emitting a copy. Components are never merged (they have names of their
//! own).
//!
//! The key is built by destructuring every IR shape exhaustively, so a field
//! added to `Struct`, `Field`, `StringEnum`, `EnumVariant`, `Union` or
//! `UnionVariant` does not compile until it is either part of the key or
//! explicitly ignored here.

use std::collections::HashMap;

use crate::ir::{
    Access, EnumVariant, Field, StringEnum, Struct, TypeId, TypeKind, TypeRef, Union, UnionVariant,
};

/// Equal for two type shapes exactly when they would emit the same Rust
/// definition: names of fields and variants, wire names, types,
/// optionality, tags. Documentation and value constraints are ignored, so
/// the same shape described twice is still one type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShapeKey {
    /// A struct's fields and its additional-properties field.
    Struct {
        fields: Vec<FieldKey>,
        additional: Option<(String, TypeRef)>,
    },
    /// An enum's variants (name, wire value) and its catch-all.
    Enum {
        variants: Vec<(String, String)>,
        other: String,
    },
    /// A union's discriminator, alternatives and catch-all.
    Union {
        discriminator: Option<String>,
        variants: Vec<VariantKey>,
        other: String,
    },
    /// A newtype's inner type.
    Newtype(TypeRef),
}

/// The part of a field that shows in the emitted definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldKey {
    name: String,
    setter: String,
    wire: String,
    ty: TypeRef,
    required: bool,
    nullable: bool,
    boxed: bool,
    access: Access,
    sensitive: bool,
}

/// The part of a union alternative that shows in the emitted definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VariantKey {
    name: String,
    ty: TypeRef,
    tags: Vec<String>,
    boxed: bool,
}

impl ShapeKey {
    /// The key of a type's shape.
    pub fn of(kind: &TypeKind) -> Self {
        match kind {
            TypeKind::Struct(s) => Self::of_struct(s),
            TypeKind::Enum(e) => Self::of_enum(e),
            TypeKind::Union(u) => Self::of_union(u),
            TypeKind::Newtype(ty) => ShapeKey::Newtype(ty.clone()),
        }
    }

    fn of_struct(s: &Struct) -> Self {
        let Struct { fields, additional } = s;
        ShapeKey::Struct {
            fields: fields.iter().map(FieldKey::of).collect(),
            additional: additional.clone(),
        }
    }

    fn of_enum(e: &StringEnum) -> Self {
        let StringEnum { variants, other } = e;
        ShapeKey::Enum {
            variants: variants
                .iter()
                .map(|EnumVariant { name, value }| (name.clone(), value.clone()))
                .collect(),
            other: other.clone(),
        }
    }

    fn of_union(u: &Union) -> Self {
        let Union {
            variants,
            discriminator,
            other,
        } = u;
        ShapeKey::Union {
            discriminator: discriminator.clone(),
            variants: variants.iter().map(VariantKey::of).collect(),
            other: other.clone(),
        }
    }
}

impl FieldKey {
    fn of(f: &Field) -> Self {
        let Field {
            name,
            setter,
            wire,
            ty,
            required,
            nullable,
            boxed,
            access,
            sensitive,
            pointer: _,
            docs: _,
            constraints: _,
        } = f;
        FieldKey {
            name: name.clone(),
            setter: setter.clone(),
            wire: wire.clone(),
            ty: ty.clone(),
            required: *required,
            nullable: *nullable,
            boxed: *boxed,
            access: *access,
            sensitive: *sensitive,
        }
    }
}

impl VariantKey {
    fn of(v: &UnionVariant) -> Self {
        let UnionVariant {
            name,
            ty,
            tags,
            boxed,
        } = v;
        VariantKey {
            name: name.clone(),
            ty: ty.clone(),
            tags: tags.clone(),
            boxed: *boxed,
        }
    }
}

/// The inline types created so far, by shape, with the naming hint of
/// every use.
#[derive(Debug, Default)]
pub struct Shapes {
    by_key: HashMap<ShapeKey, TypeId>,
    hints: HashMap<TypeId, Vec<String>>,
}

impl Shapes {
    /// The type already created for this shape, recording one more use of
    /// it under `hint`.
    pub fn reuse(&mut self, key: &ShapeKey, hint: &str) -> Option<TypeId> {
        let id = *self.by_key.get(key)?;
        self.hints.entry(id).or_default().push(hint.to_owned());
        Some(id)
    }

    /// Records a new inline type and its first use.
    pub fn insert(&mut self, key: ShapeKey, id: TypeId, hint: String) {
        self.by_key.insert(key, id);
        self.hints.insert(id, vec![hint]);
    }

    /// Types used more than once, in creation order, with every use's hint
    /// in the order of use.
    pub fn shared(&self) -> Vec<(TypeId, &[String])> {
        let mut shared: Vec<(TypeId, &[String])> = self
            .hints
            .iter()
            .filter(|(_, hints)| hints.len() > 1)
            .map(|(id, hints)| (*id, hints.as_slice()))
            .collect();
        shared.sort_by_key(|(id, _)| *id);
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Constraints, Docs};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            setter: name.into(),
            wire: name.into(),
            pointer: String::new(),
            ty,
            required: false,
            nullable: false,
            boxed: false,
            sensitive: false,
            docs: Docs::default(),
            constraints: Constraints::default(),
            access: Default::default(),
        }
    }

    fn strukt(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct {
            fields,
            additional: None,
        })
    }

    #[test]
    fn documentation_and_constraints_do_not_split_a_shape() {
        let mut a = field("id", TypeRef::String);
        a.docs.description = Some("one".into());
        let mut b = field("id", TypeRef::String);
        b.docs.description = Some("two".into());
        b.constraints.min_length = Some(3);
        assert_eq!(
            ShapeKey::of(&strukt(vec![a])),
            ShapeKey::of(&strukt(vec![b]))
        );
    }

    #[test]
    fn every_emitted_difference_splits_a_shape() {
        let base = || field("id", TypeRef::String);
        let key = |f: Field| ShapeKey::of(&strukt(vec![f]));
        let changes: [fn(&mut Field); 7] = [
            |f| f.name = "other".into(),
            |f| f.setter = "with_id".into(),
            |f| f.wire = "ID".into(),
            |f| f.ty = TypeRef::Bool,
            |f| f.required = true,
            |f| f.nullable = true,
            |f| f.boxed = true,
        ];
        for change in changes {
            let mut changed = base();
            change(&mut changed);
            assert_ne!(key(base()), key(changed));
        }
        let with_additional = TypeKind::Struct(Struct {
            fields: vec![base()],
            additional: Some(("additional_properties".into(), TypeRef::Json)),
        });
        assert_ne!(key(base()), ShapeKey::of(&with_additional));
    }

    #[test]
    fn enums_unions_and_newtypes_compare_by_content() {
        let e = |values: &[&str]| {
            TypeKind::Enum(StringEnum {
                variants: values
                    .iter()
                    .map(|v| EnumVariant {
                        name: v.to_uppercase(),
                        value: (*v).into(),
                    })
                    .collect(),
                other: "Unknown".into(),
            })
        };
        assert_eq!(ShapeKey::of(&e(&["a", "b"])), ShapeKey::of(&e(&["a", "b"])));
        assert_ne!(ShapeKey::of(&e(&["a", "b"])), ShapeKey::of(&e(&["b", "a"])));
        let u = |tags: Vec<String>, discriminator: Option<String>| {
            TypeKind::Union(Union {
                variants: vec![UnionVariant {
                    name: "A".into(),
                    ty: TypeRef::Named(TypeId(0)),
                    tags,
                    boxed: false,
                }],
                discriminator,
                other: "Unknown".into(),
            })
        };
        assert_eq!(
            ShapeKey::of(&u(vec![], None)),
            ShapeKey::of(&u(vec![], None))
        );
        assert_ne!(
            ShapeKey::of(&u(vec!["a".into()], None)),
            ShapeKey::of(&u(vec![], None))
        );
        assert_ne!(
            ShapeKey::of(&u(vec![], Some("kind".into()))),
            ShapeKey::of(&u(vec![], None))
        );
        // Different kinds never share a key, whatever their content.
        assert_ne!(
            ShapeKey::of(&TypeKind::Newtype(TypeRef::String)),
            ShapeKey::of(&strukt(Vec::new()))
        );
        assert_ne!(
            ShapeKey::of(&TypeKind::Newtype(TypeRef::String)),
            ShapeKey::of(&TypeKind::Newtype(TypeRef::Array(Box::new(
                TypeRef::String
            ))))
        );
    }

    #[test]
    fn wire_names_with_separator_characters_stay_distinct() {
        // A string key joined with `|`, `=` and `:` could not tell these apart.
        let a = strukt(vec![field("a", TypeRef::String), {
            let mut f = field("b", TypeRef::String);
            f.wire = "b".into();
            f
        }]);
        let b = strukt(vec![{
            let mut f = field("a", TypeRef::String);
            f.wire = "a:String:falsefalse|b=b".into();
            f
        }]);
        assert_ne!(ShapeKey::of(&a), ShapeKey::of(&b));
    }

    #[test]
    fn shapes_record_each_use() {
        let mut shapes = Shapes::default();
        let key = ShapeKey::of(&TypeKind::Newtype(TypeRef::String));
        assert_eq!(shapes.reuse(&key, "First"), None);
        shapes.insert(key.clone(), TypeId(3), "First".into());
        assert!(shapes.shared().is_empty());
        assert_eq!(shapes.reuse(&key, "Second"), Some(TypeId(3)));
        let shared = shapes.shared();
        assert_eq!(
            shared,
            vec![(TypeId(3), &["First".to_owned(), "Second".to_owned()][..])]
        );
    }
}
