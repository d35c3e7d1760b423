//! Reading one schema, whichever way `openapiv3` parsed it: its shape, and
//! what it says about nullability, documentation and valid values. Nothing
//! here follows references or creates types.

use openapiv3::{
    AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::ir::{Constraints, Docs};

/// The normalized shape of a schema.
pub enum Shape<'s> {
    /// A string, with its allowed values (empty when any string goes).
    Str {
        values: Vec<String>,
        format: Option<String>,
    },
    /// An integer, with its format.
    Int(Option<String>),
    /// A number, with its format.
    Num(Option<String>),
    Bool,
    /// An array, with its item schema if given.
    Array(Option<&'s ReferenceOr<Box<Schema>>>),
    /// An object; `has_props` when it lists properties.
    Object {
        has_props: bool,
    },
    AllOf(&'s [ReferenceOr<Schema>]),
    OneOf(&'s [ReferenceOr<Schema>]),
    AnyOf(&'s [ReferenceOr<Schema>]),
    Not,
    /// Anything (`{}`, or keywords that imply no type).
    Any,
}

fn format_name<T>(
    f: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(known(i).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    format_name(f, |f| match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    })
}

fn integer_format(f: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Option<String> {
    format_name(f, |f| match f {
        IntegerFormat::Int32 => "int32",
        IntegerFormat::Int64 => "int64",
    })
}

fn number_format(f: &VariantOrUnknownOrEmpty<NumberFormat>) -> Option<String> {
    format_name(f, |f| match f {
        NumberFormat::Float => "float",
        NumberFormat::Double => "double",
    })
}

impl<'s> Shape<'s> {
    /// The shape of `schema`.
    pub fn of(schema: &'s Schema) -> Shape<'s> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Shape::Str {
                values: s.enumeration.iter().flatten().cloned().collect(),
                format: string_format(&s.format),
            },
            SchemaKind::Type(Type::Integer(i)) => Shape::Int(integer_format(&i.format)),
            SchemaKind::Type(Type::Number(n)) => Shape::Num(number_format(&n.format)),
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

/// Whether a schema gets a named Rust type: string enums, objects with
/// properties and compositions do; primitives, arrays and maps do not.
pub fn is_nominal(schema: &Schema) -> bool {
    match Shape::of(schema) {
        Shape::Str { values, .. } => !values.is_empty(),
        Shape::Object { has_props } => has_props,
        Shape::AllOf(_) | Shape::OneOf(_) | Shape::AnyOf(_) => true,
        _ => false,
    }
}

/// Whether the schema lists properties of its own (beside any `allOf`).
pub fn has_own_properties(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => !a.properties.is_empty(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        _ => false,
    }
}

/// `{}` or a schema with only annotations.
pub fn is_empty_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

/// A schema that only admits `null` (`{nullable: true}`, `enum: [null]`).
pub fn is_null_only(schema: &Schema) -> bool {
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
pub fn is_nullable(schema: &Schema) -> bool {
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

/// Whether a schema marks its value as a secret: `format: password`, or
/// the `x-sensitive: true` extension (as Cloudflare's description marks
/// token values).
pub fn is_sensitive(schema: &Schema) -> bool {
    let flagged =
        schema.schema_data.extensions.get("x-sensitive") == Some(&serde_json::Value::Bool(true));
    let password = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            string_format(&s.format).as_deref() == Some("password")
        }
        SchemaKind::Any(a) => a.format.as_deref() == Some("password"),
        _ => false,
    };
    flagged || password
}

/// Title and description of a schema.
pub fn docs_of(schema: &Schema) -> Docs {
    Docs {
        summary: schema.schema_data.title.clone(),
        description: schema.schema_data.description.clone(),
        deprecated: schema.schema_data.deprecated,
    }
}

/// The value constraints a schema states directly.
pub fn constraints_of(schema: &Schema) -> Constraints {
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
            c.format = string_format(&t.format);
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
            c.format = integer_format(&t.format);
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A schema from YAML text.
    pub(crate) fn schema(yaml: &str) -> Schema {
        serde_yaml::from_str(yaml).expect("test schema parses")
    }

    fn shape_name(yaml: &str) -> String {
        match Shape::of(&schema(yaml)) {
            Shape::Str { values, format } => format!("str{values:?}{format:?}"),
            Shape::Int(f) => format!("int{f:?}"),
            Shape::Num(f) => format!("num{f:?}"),
            Shape::Bool => "bool".into(),
            Shape::Array(items) => format!("array({})", items.is_some()),
            Shape::Object { has_props } => format!("object({has_props})"),
            Shape::AllOf(p) => format!("allOf{}", p.len()),
            Shape::OneOf(p) => format!("oneOf{}", p.len()),
            Shape::AnyOf(p) => format!("anyOf{}", p.len()),
            Shape::Not => "not".into(),
            Shape::Any => "any".into(),
        }
    }

    #[test]
    fn typed_schemas_have_their_shape() {
        assert_eq!(
            shape_name("{type: string, enum: [a, b], format: uuid}"),
            r#"str["a", "b"]Some("uuid")"#
        );
        assert_eq!(
            shape_name("{type: integer, format: int32}"),
            r#"intSome("int32")"#
        );
        assert_eq!(shape_name("{type: number}"), "numNone");
        assert_eq!(
            shape_name("{type: array, items: {type: string}}"),
            "array(true)"
        );
        assert_eq!(shape_name("{type: object}"), "object(false)");
        assert_eq!(shape_name("{not: {type: string}}"), "not");
        assert_eq!(shape_name("{}"), "any");
    }

    #[test]
    fn untyped_schemas_take_the_shape_their_keywords_imply() {
        // Composition wins over properties, properties over oneOf.
        assert_eq!(
            shape_name("{properties: {a: {}}, allOf: [{}], oneOf: [{}]}"),
            "allOf1"
        );
        assert_eq!(
            shape_name("{properties: {a: {}}, oneOf: [{}]}"),
            "object(true)"
        );
        assert_eq!(shape_name("{anyOf: [{}, {}]}"), "anyOf2");
        assert_eq!(shape_name("{items: {}}"), "array(true)");
        assert_eq!(shape_name("{additionalProperties: true}"), "object(false)");
        assert_eq!(shape_name("{enum: [null, x]}"), r#"str["x"]None"#);
        assert_eq!(shape_name("{enum: [1.5]}"), "numNone");
        assert_eq!(shape_name("{enum: [1]}"), "intNone");
        assert_eq!(shape_name("{enum: [true]}"), "bool");
    }

    #[test]
    fn nominal_schemas_are_enums_objects_with_properties_and_compositions() {
        assert!(is_nominal(&schema("{type: string, enum: [a]}")));
        assert!(is_nominal(&schema("{type: object, properties: {a: {}}}")));
        assert!(is_nominal(&schema("{oneOf: [{}]}")));
        assert!(!is_nominal(&schema("{type: string}")));
        assert!(!is_nominal(&schema("{type: object}")));
        assert!(!is_nominal(&schema("{type: array, items: {}}")));
    }

    #[test]
    fn null_only_and_nullable() {
        assert!(is_null_only(&schema("{nullable: true}")));
        assert!(is_null_only(&schema("{enum: [null]}")));
        assert!(is_null_only(&schema("{type: string, enum: [null]}")));
        assert!(!is_null_only(&schema("{type: string, nullable: true}")));
        assert!(!is_null_only(&schema(
            "{nullable: true, description: x, minLength: 1}"
        )));
        assert!(is_nullable(&schema("{type: string, nullable: true}")));
        assert!(is_nullable(&schema("{type: integer, enum: [1, null]}")));
        assert!(!is_nullable(&schema("{type: integer, enum: [1]}")));
    }

    #[test]
    fn empty_schemas_carry_only_annotations() {
        assert!(is_empty_schema(&schema("{}")));
        assert!(is_empty_schema(&schema("{description: anything}")));
        assert!(!is_empty_schema(&schema("{type: object}")));
        assert!(has_own_properties(&schema(
            "{allOf: [{}], properties: {a: {}}}"
        )));
        assert!(!has_own_properties(&schema("{allOf: [{}]}")));
    }

    #[test]
    fn constraints_are_read_per_type() {
        let s = constraints_of(&schema(
            "{type: string, enum: [a, null], format: date, pattern: '^a', minLength: 1, maxLength: 3, example: a, default: a}",
        ));
        assert_eq!(
            s.allowed,
            vec![serde_json::json!("a"), serde_json::Value::Null]
        );
        assert_eq!(s.format.as_deref(), Some("date"));
        assert_eq!(s.pattern.as_deref(), Some("^a"));
        assert_eq!((s.min_length, s.max_length), (Some(1), Some(3)));
        assert_eq!(s.example, Some(serde_json::json!("a")));
        assert_eq!(s.default, Some(serde_json::json!("a")));
        let i = constraints_of(&schema(
            "{type: integer, format: int64, minimum: 1, maximum: 9, exclusiveMaximum: true}",
        ));
        assert_eq!((i.minimum, i.maximum), (Some(1.0), Some(9.0)));
        assert!(i.exclusive_maximum && !i.exclusive_minimum);
        assert_eq!(i.format.as_deref(), Some("int64"));
        let a = constraints_of(&schema("{type: array, minItems: 2, maxItems: 4}"));
        assert_eq!((a.min_items, a.max_items), (Some(2), Some(4)));
        let any = constraints_of(&schema(
            "{enum: [1, 2], minimum: 0, exclusiveMinimum: true}",
        ));
        assert_eq!(any.allowed.len(), 2);
        assert!(any.exclusive_minimum);
    }

    #[test]
    fn docs_come_from_title_description_and_deprecated() {
        let d = docs_of(&schema("{title: T, description: D, deprecated: true}"));
        assert_eq!(d.summary.as_deref(), Some("T"));
        assert_eq!(d.description.as_deref(), Some("D"));
        assert!(d.deprecated);
    }
}
