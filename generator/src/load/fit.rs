//! Schema constraints the typed model cannot hold are dropped, each with a
//! `constraint-dropped` warning, rather than failing the whole document.
//!
//! YAML and JSON can write numbers no 64-bit type holds: an integer
//! `minimum` of `1e30`, a `maxLength` of `-1`, a `maximum` of `.inf`. A
//! client can be generated without such a bound (it only ever narrowed what
//! is sent), so the bound goes and the document loads. An integral float
//! where an integer is expected (`minimum: 1.0`) is read as that integer,
//! silently: nothing is lost.

use serde_json::{Map, Number, Value};

use super::grammar::Kind;
use crate::diagnostics::{Diagnostic, child, push_token};

/// Keywords holding a count (`usize` in the model).
const COUNTS: [&str; 6] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Keywords holding a number bound (`i64` for integers, else `f64`).
const BOUNDS: [&str; 3] = ["minimum", "maximum", "multipleOf"];

/// Drops every constraint of the document that does not fit its type.
pub(super) fn fit(raw: &mut Value, warnings: &mut Vec<Diagnostic>) {
    walk(raw, Kind::Root, &mut String::from("#"), warnings);
}

fn walk(value: &mut Value, kind: Kind, at: &mut String, warnings: &mut Vec<Diagnostic>) {
    if matches!(kind, Kind::Data | Kind::Text) {
        return;
    }
    match value {
        Value::Object(map) => {
            if kind == Kind::Schema {
                fit_schema(map, at, warnings);
            }
            for (key, v) in map.iter_mut() {
                if v.is_object() || v.is_array() {
                    let len = push_token(at, key);
                    walk(v, kind.child(key), at, warnings);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                let index = i.to_string();
                let len = push_token(at, &index);
                walk(v, kind.child(&index), at, warnings);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn fit_schema(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Diagnostic>) {
    let integer = map.get("type").and_then(Value::as_str) == Some("integer");
    let mut drop = |map: &mut Map<String, Value>, key: &str, why: &str| {
        let value = map.shift_remove(key).unwrap_or_default();
        warnings.push(Diagnostic::warning(
            "constraint-dropped",
            child(at, key),
            format!("`{key}: {value}` {why}; the constraint is left out"),
        ));
    };
    for key in COUNTS {
        let Some(v) = map.get(key) else { continue };
        match as_count(v) {
            Some(n) if Some(n) == v.as_u64() => {}
            Some(n) => {
                map.insert(key.into(), Value::Number(n.into()));
            }
            None => drop(map, key, "is not a count a 64-bit length can hold"),
        }
    }
    for key in BOUNDS {
        let Some(v) = map.get(key) else { continue };
        if integer {
            match as_integer(v) {
                Some(n) if v.as_i64() == Some(n) => {}
                Some(n) => {
                    map.insert(key.into(), Value::Number(n.into()));
                }
                None => drop(map, key, "does not fit a 64-bit integer"),
            }
        } else if !v.as_f64().is_some_and(f64::is_finite) {
            drop(map, key, "is not a finite number");
        }
    }
    if integer
        && let Some(Value::Array(values)) = map.get("enum")
        && values
            .iter()
            .any(|v| !(v.is_null() || v.is_i64() || as_integer(v).is_some()))
    {
        drop(map, "enum", "lists values that are not 64-bit integers");
    }
    if integer && let Some(Value::Array(values)) = map.get_mut("enum") {
        for v in values.iter_mut() {
            if !v.is_i64()
                && let Some(n) = as_integer(v)
            {
                *v = Value::Number(Number::from(n));
            }
        }
    }
}

/// A non-negative integral number that fits `usize`.
fn as_count(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return usize::try_from(n).is_ok().then_some(n);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f >= 0.0 && f <= usize::MAX as f64).then_some(f as u64)
}

/// An integral number that fits `i64`.
fn as_integer(v: &Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let f = v.as_f64()?;
    // The bounds are exactly representable: -2^63 and 2^63.
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f))
        .then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fitted(schema: Value) -> (Value, usize) {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        let mut warnings = Vec::new();
        fit(&mut doc, &mut warnings);
        (doc["components"]["schemas"]["S"].clone(), warnings.len())
    }

    #[test]
    fn oversized_bounds_are_dropped_with_a_warning() {
        assert_eq!(
            fitted(json!({"type": "integer", "minimum": 1e30, "maximum": 18446744073709551615u64})),
            (json!({"type": "integer"}), 2)
        );
        assert_eq!(
            fitted(json!({"type": "string", "maxLength": -1, "minLength": 1e300})),
            (json!({"type": "string"}), 2)
        );
        assert_eq!(
            fitted(json!({"type": "number", "maximum": ".inf"})),
            (json!({"type": "number"}), 1)
        );
        assert_eq!(
            fitted(json!({"type": "integer", "enum": [1, 1e40]})),
            (json!({"type": "integer"}), 1)
        );
    }

    #[test]
    fn integral_floats_are_read_as_integers() {
        assert_eq!(
            fitted(
                json!({"type": "integer", "minimum": 1.0, "maxLength": 2.0, "enum": [3.0, null]})
            ),
            (
                json!({"type": "integer", "minimum": 1, "maxLength": 2, "enum": [3, null]}),
                0
            )
        );
        assert_eq!(
            fitted(json!({"type": "number", "minimum": 1.5})),
            (json!({"type": "number", "minimum": 1.5}), 0)
        );
    }

    #[test]
    fn examples_are_not_schemas() {
        let mut doc = json!({"components": {"schemas": {"S": {"type": "object", "example": {"maxLength": -1}}}}});
        let mut warnings = Vec::new();
        fit(&mut doc, &mut warnings);
        assert!(warnings.is_empty());
        assert_eq!(
            doc["components"]["schemas"]["S"]["example"]["maxLength"],
            -1
        );
    }
}
