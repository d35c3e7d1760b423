//! Decoding support shared by the generated structs.
//!
//! A struct's `Deserialize` impl names the struct and its wire names, in
//! the order of [`table_order`], and hands over to [`object`]; its
//! [`Fill`] impl keeps one local per field, stores each value with one
//! call on [`Fields`], and builds the struct from the locals. The visitor,
//! the key lookup (a binary search in the wire names) and the skipping of
//! undeclared keys are written once, here. For an API with thousands of
//! models that is a fraction of the code serde's derive (a field enum with
//! three visitors and a sequence visitor no JSON response needs) or a
//! visitor per struct would emit, and compiling the crate takes that much
//! less time: one function body per struct does the work, with one `?` per
//! key.
// An API whose models declare no struct does not use them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

/// How a generated struct is built from the keys of a map.
pub(crate) trait Fill: Sized {
    /// Reads every key of `fields` and builds the struct, or fails with
    /// serde's "missing field" error for an absent required field.
    fn fill<'de, A: MapAccess<'de>>(fields: &mut Fields<'de, A>) -> Result<Self, A::Error>;
}

/// Decodes the struct `T` named `name` whose declared wire names are
/// `fields`, sorted by [`table_order`] so that a key is found by binary
/// search (field `i` is `fields[i]`). Unknown keys are skipped (or kept
/// when the struct has additional properties), a missing `Option` field is
/// `None` and a missing required field is serde's "missing field" error, as
/// with serde's derive; a repeated key keeps its last value, where the
/// derive rejects it.
pub(crate) fn object<'de, T: Fill, D: de::Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &'static [&'static str],
) -> Result<T, D::Error> {
    let visitor = Object::<T> {
        name,
        fields,
        marker: PhantomData,
    };
    deserializer.deserialize_struct(name, fields, visitor)
}

struct Object<T> {
    name: &'static str,
    fields: &'static [&'static str],
    marker: PhantomData<T>,
}

impl<'de, T: Fill> Visitor<'de> for Object<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::fill(&mut Fields {
            map,
            fields: self.fields,
            marker: PhantomData,
        })
    }
}

/// The keys of the map a struct decodes from, read by its [`Fill`] impl:
/// [`Fields::next`] yields the table index of each declared key, and one
/// of the `put` calls stores its value.
pub(crate) struct Fields<'de, A> {
    map: A,
    fields: &'static [&'static str],
    marker: PhantomData<fn() -> &'de ()>,
}

impl<'de, A: MapAccess<'de>> Fields<'de, A> {
    /// The table index of the next declared key, skipping the values of
    /// undeclared ones; `None` at the end of the map.
    pub(crate) fn next(&mut self) -> Result<Option<usize>, A::Error> {
        let names = FieldNames {
            fields: self.fields,
            keep_others: false,
        };
        while let Some(key) = self.map.next_key_seed(names)? {
            if let Key::Field(field) = key {
                return Ok(Some(field));
            }
            skip(&mut self.map)?;
        }
        Ok(None)
    }

    /// [`Fields::next`] for a struct with additional properties: the value
    /// of an undeclared key is kept in `others` when it fits their type
    /// `W` (see [`Fit`]), skipped otherwise.
    pub(crate) fn next_keeping<W: Wire>(
        &mut self,
        others: &mut BTreeMap<String, W::Value>,
    ) -> Result<Option<usize>, A::Error> {
        let names = FieldNames {
            fields: self.fields,
            keep_others: true,
        };
        while let Some(key) = self.map.next_key_seed(names)? {
            match key {
                Key::Field(field) => return Ok(Some(field)),
                Key::Other(key) => keep::<W, A>(others, key, &mut self.map)?,
                Key::Unknown => skip(&mut self.map)?,
            }
        }
        Ok(None)
    }

    /// Reads the rest of the map for a struct that declares no field,
    /// keeping nothing.
    pub(crate) fn skip_rest(&mut self) -> Result<(), A::Error> {
        while self.next()?.is_some() {}
        Ok(())
    }

    /// Reads the rest of the map for a struct that declares no field,
    /// keeping what fits the additional properties.
    pub(crate) fn keep_rest<W: Wire>(
        &mut self,
        others: &mut BTreeMap<String, W::Value>,
    ) -> Result<(), A::Error> {
        while self.next_keeping::<W>(others)?.is_some() {}
        Ok(())
    }

    /// The value of a field that is not an `Option`: `null` is an error, as
    /// for any value of `T` that does not accept it.
    pub(crate) fn put<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// The value of an `Option` field: `null` is `None`.
    pub(crate) fn put_nullable<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = self.map.next_value()?;
        Ok(())
    }

    /// The value of a field that is not an `Option` and whose type holds
    /// maps, decoded in its wire form `W`.
    pub(crate) fn put_wire<W: Wire>(
        &mut self,
        slot: &mut Option<W::Value>,
    ) -> Result<(), A::Error> {
        *slot = Some(self.map.next_value::<W>()?.into_value());
        Ok(())
    }

    /// The value of an `Option` field whose type holds maps, decoded in its
    /// wire form `W`: `null` is `None`.
    pub(crate) fn put_wire_nullable<W: Wire>(
        &mut self,
        slot: &mut Option<W::Value>,
    ) -> Result<(), A::Error> {
        *slot = self.map.next_value::<Option<W>>()?.into_value();
        Ok(())
    }

    /// Skips the value of the current key.
    pub(crate) fn skip(&mut self) -> Result<(), A::Error> {
        skip(&mut self.map)
    }

    /// The error for the absent required field `field`.
    pub(crate) fn missing(&self, field: &'static str) -> A::Error {
        de::Error::missing_field(field)
    }
}

/// A map key of a generated struct, decoded by [`FieldNames`].
enum Key {
    /// The index of a declared field in the table.
    Field(usize),
    /// An undeclared key, kept for the struct's additional properties.
    Other(String),
    /// An undeclared key whose value is skipped.
    Unknown,
}

/// Decodes a map key into a [`Key`] by binary search in the wire names.
#[derive(Clone, Copy)]
struct FieldNames {
    fields: &'static [&'static str],
    keep_others: bool,
}

impl FieldNames {
    fn key(self, name: &str) -> Key {
        match self
            .fields
            .binary_search_by(|field| table_order(field, name))
        {
            Ok(index) => Key::Field(index),
            Err(_) if self.keep_others => Key::Other(name.to_owned()),
            Err(_) => Key::Unknown,
        }
    }
}

/// The order of the wire names given to [`object`]: by length, then byte
/// by byte (the generator sorts the same way). Most comparisons of the
/// search are then settled by the lengths alone.
pub(crate) fn table_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl<'de> DeserializeSeed<'de> for FieldNames {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldNames {
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

/// Skips the value of the current key.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// An undeclared key kept in the additional properties when its value fits
/// their type `W` (see [`Fit`]); skipped otherwise.
pub(crate) fn keep<'de, W: Wire, A: MapAccess<'de>>(
    others: &mut BTreeMap<String, W::Value>,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    if let Some(value) = map.next_value::<Fit<W>>()?.0 {
        others.insert(key, value);
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct with a table as the generator writes one: a required
    /// field, an optional one, a map-holding one and additional properties.
    #[derive(Debug, PartialEq)]
    struct Point {
        x: i64,
        label: Option<String>,
        tags: Option<BTreeMap<String, i64>>,
        others: BTreeMap<String, bool>,
    }

    impl Fill for Point {
        fn fill<'de, A: MapAccess<'de>>(fields: &mut Fields<'de, A>) -> Result<Self, A::Error> {
            let mut f0 = None;
            let mut f1 = None;
            let mut f2 = None;
            let mut others = BTreeMap::new();
            while let Some(field) = fields.next_keeping::<Plain<bool>>(&mut others)? {
                match field {
                    0 => fields.put(&mut f0),
                    1 => fields.put_wire_nullable::<Entries<Plain<i64>>>(&mut f1),
                    2 => fields.put_nullable(&mut f2),
                    _ => fields.skip(),
                }?;
            }
            let Some(f0) = f0 else {
                return Err(fields.missing("x"));
            };
            Ok(Point {
                x: f0,
                label: f2,
                tags: f1,
                others,
            })
        }
    }

    const POINT_FIELDS: &[&str] = &["x", "tags", "label"];

    fn point(json: &str) -> serde_json::Result<Point> {
        object::<Point, _>(
            &mut serde_json::Deserializer::from_str(json),
            "Point",
            POINT_FIELDS,
        )
    }

    #[test]
    fn a_table_decodes_its_struct_by_the_rules_of_the_derive() {
        let got = point(
            r#"{"x": 1, "x": 2, "label": null, "tags": {"a": 1, "b": "no"}, "on": true, "n": 5}"#,
        );
        assert_eq!(
            got.unwrap(),
            Point {
                x: 2,
                label: None,
                tags: Some(BTreeMap::from([("a".into(), 1)])),
                others: BTreeMap::from([("on".into(), true)]),
            }
        );
        let missing = point(r#"{"label": "a"}"#).unwrap_err().to_string();
        assert!(missing.starts_with("missing field `x`"), "{missing}");
        let null = point(r#"{"x": null}"#).unwrap_err().to_string();
        assert!(
            null.starts_with("invalid type: null, expected i64"),
            "{null}"
        );
        let list = point("[1]").unwrap_err().to_string();
        assert!(
            list.starts_with("invalid type: sequence, expected struct Point"),
            "{list}"
        );
        // Keys handed over as owned strings (a reader) find the same fields.
        let owned = object::<Point, _>(
            &mut serde_json::Deserializer::from_reader(&br#"{"x": 3, "label": "b"}"#[..]),
            "Point",
            POINT_FIELDS,
        );
        assert_eq!(owned.unwrap().label.as_deref(), Some("b"));
    }

    #[test]
    fn every_name_of_a_sorted_table_is_found_and_no_other() {
        let fields = &["", "a", "b", "z", "ab", "ba", "type"];
        assert!(fields.is_sorted_by(|a, b| table_order(a, b).is_lt()));
        let names = FieldNames {
            fields,
            keep_others: false,
        };
        for (i, name) in names.fields.iter().enumerate() {
            assert!(matches!(names.key(name), Key::Field(f) if f == i), "{name}");
        }
        for other in ["A", "aa", "c", "types", "zz", "bb", "TYPE"] {
            assert!(matches!(names.key(other), Key::Unknown), "{other}");
        }
    }

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
