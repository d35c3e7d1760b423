//! Encoding support shared by the generated structs.
//!
//! A struct's `Serialize` impl is one call per field on an [`Object`], in
//! the order the fields are declared, then its additional properties. The
//! calls return nothing: the first error is kept and returned by
//! [`Object::end`], and every call after it does nothing. That is a
//! fraction of the code serde's derive emits per struct (a field count
//! summed from one test per optional field, then a test and an early
//! return per field), and for an API with thousands of models the crate
//! compiles that much faster.
// An API whose models declare no struct does not use them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A struct being written as a map of its wire names to its values.
pub(crate) struct Object<M: SerializeMap> {
    map: Result<M, M::Error>,
}

/// Starts writing a struct.
pub(crate) fn object<S: Serializer>(serializer: S) -> Object<S::SerializeMap> {
    Object {
        map: serializer.serialize_map(None),
    }
}

impl<M: SerializeMap> Object<M> {
    /// Writes a field that is always sent (a required one; `None` of a
    /// required nullable field is sent as `null`).
    pub(crate) fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Ok(map) = &mut self.map
            && let Err(error) = map.serialize_entry(name, value)
        {
            self.map = Err(error);
        }
    }

    /// Writes an optional field when it is set; `None` is left out.
    pub(crate) fn optional<T: Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// Writes the additional properties after the declared fields.
    pub(crate) fn others<T: Serialize>(&mut self, others: &BTreeMap<String, T>) {
        for (name, value) in others {
            self.field(name, value);
        }
    }

    /// Ends the struct, or returns the first error a field met.
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        self.map?.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Point {
        x: i64,
        label: Option<String>,
        note: Option<String>,
        others: BTreeMap<String, bool>,
    }

    /// As the generator writes it: `x` and `note` required (`note`
    /// nullable), `label` optional.
    impl Serialize for Point {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = object(serializer);
            object.field("x", &self.x);
            object.optional("label", &self.label);
            object.field("note", &self.note);
            object.others(&self.others);
            object.end()
        }
    }

    #[test]
    fn fields_are_written_in_order_and_unset_optional_ones_left_out() {
        let mut point = Point {
            x: 1,
            label: None,
            note: None,
            others: BTreeMap::from([("on".into(), true)]),
        };
        let text = serde_json::to_string(&point).unwrap();
        assert_eq!(text, r#"{"x":1,"note":null,"on":true}"#);
        point.label = Some("a".into());
        point.note = Some("b".into());
        let value = serde_json::to_value(&point).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"x": 1, "label": "a", "note": "b", "on": true})
        );
    }

    /// A value that fails to serialize.
    struct Broken;

    impl Serialize for Broken {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("broken value"))
        }
    }

    #[test]
    fn the_first_error_is_returned_and_nothing_after_it_written() {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut object = object(&mut serializer);
        object.field("a", &1);
        object.field("b", &Broken);
        object.field("c", &2);
        let error = object.end().unwrap_err();
        assert_eq!(error.to_string(), "broken value");
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":1,"b":"#);
    }
}
