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

/// A value decoded as `T` when it fits, else `None`: how a map entry from
/// `additionalProperties` decodes. Its keys are not declared, so, like an
/// unknown field, an entry whose value does not match the declared value
/// schema is skipped rather than failing the whole response.
pub(crate) struct Fit<T>(pub Option<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Fit<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Fit(T::deserialize(value).ok()))
    }
}

/// A map typed by `additionalProperties` (a struct field of map type),
/// decoded entry by entry with [`Fit`]: entries whose value does not fit
/// are skipped.
pub(crate) struct Entries<T>(pub BTreeMap<String, T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Entries<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for Visit<T> {
            type Value = Entries<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some((key, Fit(value))) = map.next_entry::<String, Fit<T>>()? {
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

/// The value of a required field, or serde's "missing field" error.
pub(crate) fn required<T, E: de::Error>(value: Option<T>, wire: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_that_do_not_fit_are_skipped_and_the_rest_kept() {
        let map: Entries<i64> =
            serde_json::from_str(r#"{"a": 1, "b": true, "c": {"x": 1}, "d": 4, "e": null}"#)
                .unwrap();
        assert_eq!(map.0, BTreeMap::from([("a".into(), 1), ("d".into(), 4)]));
        let objects: Entries<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(r#"{"flags": {"on": true}, "is_enterprise": true}"#).unwrap();
        assert_eq!(objects.0.keys().collect::<Vec<_>>(), ["flags"]);
        let fit: Fit<String> = serde_json::from_str("5").unwrap();
        assert_eq!(fit.0, None);
        // Not a map at all is still an error.
        assert!(serde_json::from_str::<Entries<i64>>("[1]").is_err());
    }
}
