//! Decoding support shared by the generated structs.
//!
//! Each struct's `Deserialize` impl is a single `visit_map` that asks
//! [`FieldKey`] which declared field a key names. That is a fraction of the
//! code serde's derive emits per struct (a field enum with three visitors and
//! a sequence visitor no JSON response needs), and for an API with
//! thousands of models it roughly halves the time to compile the crate.
// An API whose models declare no struct does not use them.
#![allow(dead_code)]

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

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

/// The value of a required field, or serde's "missing field" error.
pub(crate) fn required<T, E: de::Error>(value: Option<T>, wire: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(wire))
}
