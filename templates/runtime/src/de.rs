//! Decoding support shared by the generated structs.
//!
//! Each struct's `Deserialize` impl is a single `visit_map` that asks
//! [`FieldKey`] which declared field a key names. That is a fraction of the
//! code serde's derive emits per struct (a field enum with three visitors and
//! a sequence visitor no JSON response needs), and for an API with
//! thousands of models it roughly halves the time to compile the crate.
// An API whose models declare no struct does not use them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};

/// A map key of a generated struct, decoded by [`FieldKey`].
pub(crate) enum Key {
    /// The index of a declared field in the struct's field list.
    Field(usize),
    /// An undeclared key, kept for the struct's additional properties.
    Other(String),
    /// An undeclared key whose value is skipped.
    Unknown,
}

/// Decodes a map key into a [`Key`] with the struct's own `match` on its
/// wire field names (a `match` on constant strings compiles to faster
/// comparisons than a search through a list of names).
pub(crate) struct FieldKey<F> {
    /// The index of the declared field a wire name denotes, if any.
    pub index: F,
    /// Whether undeclared keys are kept (`Key::Other`) or skipped.
    pub keep_others: bool,
}

impl<F: Fn(&str) -> Option<usize>> FieldKey<F> {
    fn key(&self, name: &str) -> Key {
        match (self.index)(name) {
            Some(index) => Key::Field(index),
            None if self.keep_others => Key::Other(name.to_owned()),
            None => Key::Unknown,
        }
    }
}

impl<'de, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for FieldKey<F> {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F: Fn(&str) -> Option<usize>> Visitor<'_> for FieldKey<F> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(self.key(name))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
        match std::str::from_utf8(name) {
            Ok(name) => Ok(self.key(name)),
            Err(_) => Ok(Key::Unknown),
        }
    }
}

/// How a value whose type holds maps decodes: like the type itself, except
/// that a map entry whose value does not fit the map's value type is
/// skipped (see [`Entries`]), at any depth. The generated code names a wire
/// form only where a type holds a map (`Vec<Entries<Plain<i64>>>` for
/// `Vec<BTreeMap<String, i64>>`); other values decode as they are.
pub(crate) trait Wire: DeserializeOwned {
    /// The type this wire form decodes to.
    type Value;

    /// The decoded value.
    fn into_value(self) -> Self::Value;
}

/// A value decoded by its own `Deserialize`: the leaves of a wire form.
pub(crate) struct Plain<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Plain<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Plain)
    }
}

impl<T: DeserializeOwned> Wire for Plain<T> {
    type Value = T;

    fn into_value(self) -> T {
        self.0
    }
}

impl<W: Wire> Wire for Vec<W> {
    type Value = Vec<W::Value>;

    fn into_value(self) -> Self::Value {
        self.into_iter().map(Wire::into_value).collect()
    }
}

impl<W: Wire> Wire for Option<W> {
    type Value = Option<W::Value>;

    fn into_value(self) -> Self::Value {
        self.map(Wire::into_value)
    }
}

/// Decodes `W`'s value: `deserialize_with` of a union alternative or a
/// newtype whose type holds a map.
pub(crate) fn wire<'de, W: Wire, D: de::Deserializer<'de>>(
    deserializer: D,
) -> Result<W::Value, D::Error> {
    W::deserialize(deserializer).map(Wire::into_value)
}

/// A value decoded as `W` when it fits, else `None`: how a map entry from
/// `additionalProperties` decodes. Its keys are not declared, so, like an
/// unknown field, an entry whose value does not match the declared value
/// schema is skipped rather than failing the whole response.
pub(crate) struct Fit<W: Wire>(pub Option<W::Value>);

impl<'de, W: Wire> Deserialize<'de> for Fit<W> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Fit(W::deserialize(value).ok().map(Wire::into_value)))
    }
}

/// A map typed by `additionalProperties`, decoded entry by entry with
/// [`Fit`]: entries whose value does not fit are skipped.
pub(crate) struct Entries<W: Wire>(pub BTreeMap<String, W::Value>);

impl<'de, W: Wire> Deserialize<'de> for Entries<W> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<W>(PhantomData<W>);
        impl<'de, W: Wire> Visitor<'de> for Visit<W> {
            type Value = Entries<W>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<W>, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some((key, Fit(value))) = map.next_entry::<String, Fit<W>>()? {
                    if let Some(value) = value {
                        entries.insert(key, value);
                    }
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
}

impl<W: Wire> Wire for Entries<W> {
    type Value = BTreeMap<String, W::Value>;

    fn into_value(self) -> Self::Value {
        self.0
    }
}

/// The value of a required field, or serde's "missing field" error.
pub(crate) fn required<T, E: de::Error>(value: Option<T>, wire: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_that_do_not_fit_are_skipped_and_the_rest_kept() {
        let map: Entries<Plain<i64>> =
            serde_json::from_str(r#"{"a": 1, "b": true, "c": {"x": 1}, "d": 4, "e": null}"#)
                .unwrap();
        assert_eq!(map.0, BTreeMap::from([("a".into(), 1), ("d".into(), 4)]));
        let objects: Entries<Plain<serde_json::Map<String, serde_json::Value>>> =
            serde_json::from_str(r#"{"flags": {"on": true}, "is_enterprise": true}"#).unwrap();
        assert_eq!(objects.0.keys().collect::<Vec<_>>(), ["flags"]);
        let fit: Fit<Plain<String>> = serde_json::from_str("5").unwrap();
        assert_eq!(fit.0, None);
        // Not a map at all is still an error.
        assert!(serde_json::from_str::<Entries<Plain<i64>>>("[1]").is_err());
    }

    fn decode<W: Wire>(json: &str) -> serde_json::Result<W::Value> {
        serde_json::from_str::<W>(json).map(Wire::into_value)
    }

    #[test]
    fn maps_at_any_depth_skip_the_entries_that_do_not_fit() {
        type Counts = Entries<Plain<i64>>;
        let listed = decode::<Vec<Counts>>(r#"[{"a": 1, "b": "x"}, {}, {"c": true, "d": 2}]"#);
        assert_eq!(
            listed.unwrap(),
            [
                BTreeMap::from([("a".into(), 1)]),
                BTreeMap::new(),
                BTreeMap::from([("d".into(), 2)]),
            ]
        );
        // An inner entry that does not fit is skipped; the outer entry stays.
        let nested = decode::<Entries<Counts>>(r#"{"x": {"a": 1, "b": []}, "y": 3, "z": {}}"#);
        assert_eq!(
            nested.unwrap(),
            BTreeMap::from([
                ("x".into(), BTreeMap::from([("a".into(), 1)])),
                ("z".into(), BTreeMap::new()),
            ])
        );
        let absent = decode::<Option<Counts>>("null").unwrap();
        assert_eq!(absent, None);
        let present = decode::<Option<Counts>>(r#"{"a": 1, "b": null}"#).unwrap();
        assert_eq!(present, Some(BTreeMap::from([("a".into(), 1)])));
        // Lists stay strict: an item of the wrong type fails the list.
        assert!(decode::<Vec<Counts>>(r#"[{"a": 1}, 5]"#).is_err());
        assert!(decode::<Vec<Plain<i64>>>(r#"[1, "2"]"#).is_err());
        // So does a value that is no map where one is declared.
        assert!(decode::<Entries<Counts>>("[]").is_err());
    }

    #[test]
    fn wire_decodes_through_any_deserializer() {
        let value = serde_json::json!({"a": [1, 2], "b": "no"});
        let map = wire::<Entries<Vec<Plain<u8>>>, _>(value).unwrap();
        assert_eq!(map, BTreeMap::from([("a".into(), vec![1, 2])]));
    }
}
