//! Decoding support shared by the generated structs.
//!
//! A struct's `Deserialize` impl names the struct and its wire names, in
//! the order of [`table_order`], and hands over to [`object`]. Its [`Fill`]
//! impl declares how each field decodes, as a tuple type of [`Slots`] (the
//! `i`th slot holds the field with the `i`th wire name), and builds the
//! struct from the filled slots. The visitor, the key lookup (a binary
//! search in the wire names), the storing of each value in its slot and
//! the skipping of undeclared keys are written once, here, generic over
//! the tuple. For an API with thousands of models that is a fraction of
//! the code serde's derive (a field enum with three visitors and a
//! sequence visitor no JSON response needs) or a loop per struct would
//! emit, and compiling the crate takes that much less time: per struct,
//! the compiler checks one body that moves the slots into the fields.
// An API whose models declare no struct does not use them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

/// How a generated struct is built from the keys of a map.
pub(crate) trait Fill: Sized {
    /// One slot per declared field, in the order of the wire names:
    /// a tuple of [`Req`], [`Opt`], [`ReqWire`] and [`OptWire`], nested in
    /// tuples of at most 16 for a struct with more fields.
    type Slots: Slots;
    /// What becomes of undeclared keys: [`Skip`], or [`Keep`] for a struct
    /// with additional properties.
    type Others: Others;

    /// The struct from its filled slots, or the wire name of an absent
    /// required field.
    fn build(slots: Self::Slots, others: Self::Others) -> Result<Self, &'static str>;
}

/// Decodes the struct `T` named `name` whose declared wire names are
/// `fields`, sorted by [`table_order`] so that a key is found by binary
/// search (field `i` is `fields[i]`, in slot `i`). Unknown keys are skipped
/// (or kept when the struct has additional properties), a missing `Option`
/// field is `None` and a missing required field is serde's "missing field"
/// error, as with serde's derive; a repeated key keeps its last value,
/// where the derive rejects it.
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

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let names = FieldNames {
            fields: self.fields,
            keep_others: T::Others::KEEP,
        };
        let mut slots = T::Slots::empty();
        let mut others = T::Others::empty();
        while let Some(key) = map.next_key_seed(names)? {
            match key {
                Key::Field(index) => slots.put(index, &mut map)?,
                Key::Other(key) => others.keep(key, &mut map)?,
                Key::Unknown => skip(&mut map)?,
            }
        }
        T::build(slots, others).map_err(de::Error::missing_field)
    }
}

/// Storage for the values of some of a struct's fields: one field (the
/// slot types below) or a tuple of them.
pub(crate) trait Slots {
    /// The number of fields held.
    const LEN: usize;

    /// Every field absent.
    fn empty() -> Self;

    /// Decodes the current value into field `index` (below [`Slots::LEN`];
    /// a value for any other index is skipped).
    fn put<'de, M: MapAccess<'de>>(&mut self, index: usize, map: &mut M) -> Result<(), M::Error>;
}

/// A field that is not an `Option`: `null` is an error, as for any value
/// of `T` that does not accept it.
pub(crate) struct Req<T>(Option<T>);

/// An `Option` field: `null` is `None`.
pub(crate) struct Opt<T>(pub Option<T>);

/// A field that is not an `Option` and whose type holds maps, decoded in
/// its wire form `W`.
pub(crate) struct ReqWire<W: Wire>(Option<W::Value>);

/// An `Option` field whose type holds maps, decoded in its wire form `W`:
/// `null` is `None`.
pub(crate) struct OptWire<W: Wire>(pub Option<W::Value>);

impl<T> Req<T> {
    /// The value, or the error naming the field (`wire`) when it was
    /// absent.
    pub(crate) fn take(self, wire: &'static str) -> Result<T, &'static str> {
        self.0.ok_or(wire)
    }
}

impl<W: Wire> ReqWire<W> {
    /// The value, or the error naming the field (`wire`) when it was
    /// absent.
    pub(crate) fn take(self, wire: &'static str) -> Result<W::Value, &'static str> {
        self.0.ok_or(wire)
    }
}

impl<T: DeserializeOwned> Slots for Req<T> {
    const LEN: usize = 1;

    fn empty() -> Self {
        Req(None)
    }

    fn put<'de, M: MapAccess<'de>>(&mut self, _: usize, map: &mut M) -> Result<(), M::Error> {
        self.0 = Some(map.next_value()?);
        Ok(())
    }
}

impl<T: DeserializeOwned> Slots for Opt<T> {
    const LEN: usize = 1;

    fn empty() -> Self {
        Opt(None)
    }

    fn put<'de, M: MapAccess<'de>>(&mut self, _: usize, map: &mut M) -> Result<(), M::Error> {
        self.0 = map.next_value()?;
        Ok(())
    }
}

impl<W: Wire> Slots for ReqWire<W> {
    const LEN: usize = 1;

    fn empty() -> Self {
        ReqWire(None)
    }

    fn put<'de, M: MapAccess<'de>>(&mut self, _: usize, map: &mut M) -> Result<(), M::Error> {
        self.0 = Some(map.next_value::<W>()?.into_value());
        Ok(())
    }
}

impl<W: Wire> Slots for OptWire<W> {
    const LEN: usize = 1;

    fn empty() -> Self {
        OptWire(None)
    }

    fn put<'de, M: MapAccess<'de>>(&mut self, _: usize, map: &mut M) -> Result<(), M::Error> {
        self.0 = map.next_value::<Option<W>>()?.into_value();
        Ok(())
    }
}

/// [`Slots`] for tuples of slots: field `index` is in the first element
/// whose fields reach past it.
macro_rules! tuple_slots {
    ($($slot:ident $n:tt),*) => {
        impl<$($slot: Slots),*> Slots for ($($slot,)*) {
            const LEN: usize = 0 $(+ $slot::LEN)*;

            // `()` for the struct without fields.
            #[allow(clippy::unused_unit)]
            fn empty() -> Self {
                ($($slot::empty(),)*)
            }

            // The index left after the last element is not read.
            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn put<'de, M: MapAccess<'de>>(
                &mut self,
                mut index: usize,
                map: &mut M,
            ) -> Result<(), M::Error> {
                $(
                    if index < $slot::LEN {
                        return self.$n.put(index, map);
                    }
                    index -= $slot::LEN;
                )*
                skip(map)
            }
        }
    };
}

tuple_slots!();
tuple_slots!(S0 0);
tuple_slots!(S0 0, S1 1);
tuple_slots!(S0 0, S1 1, S2 2);
tuple_slots!(S0 0, S1 1, S2 2, S3 3);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11);
tuple_slots!(S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12);
tuple_slots!(
    S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13
);
tuple_slots!(
    S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13,
    S14 14
);
tuple_slots!(
    S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13,
    S14 14, S15 15
);

/// What a struct does with undeclared keys.
pub(crate) trait Others {
    /// Whether undeclared keys are kept (else their values are skipped
    /// unread).
    const KEEP: bool;

    /// Nothing kept yet.
    fn empty() -> Self;

    /// Takes the value of the undeclared key `key`.
    fn keep<'de, M: MapAccess<'de>>(&mut self, key: String, map: &mut M) -> Result<(), M::Error>;
}

/// Undeclared keys are skipped: a struct without additional properties.
pub(crate) struct Skip;

/// Undeclared keys are kept in a map when their value fits the additional
/// properties' type `W` (see [`Fit`]), skipped otherwise.
pub(crate) struct Keep<W: Wire>(pub BTreeMap<String, W::Value>);

impl Others for Skip {
    const KEEP: bool = false;

    fn empty() -> Self {
        Skip
    }

    fn keep<'de, M: MapAccess<'de>>(&mut self, _: String, map: &mut M) -> Result<(), M::Error> {
        skip(map)
    }
}

impl<W: Wire> Others for Keep<W> {
    const KEEP: bool = true;

    fn empty() -> Self {
        Keep(BTreeMap::new())
    }

    fn keep<'de, M: MapAccess<'de>>(&mut self, key: String, map: &mut M) -> Result<(), M::Error> {
        keep::<W, M>(&mut self.0, key, map)
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
        type Slots = (Req<i64>, OptWire<Entries<Plain<i64>>>, Opt<String>);
        type Others = Keep<Plain<bool>>;

        fn build((f0, f1, f2): Self::Slots, others: Self::Others) -> Result<Self, &'static str> {
            Ok(Point {
                x: f0.take("x")?,
                label: f2.0,
                tags: f1.0,
                others: others.0,
            })
        }
    }

    /// More fields than one tuple of slots holds, as the generator nests
    /// them: tuples of at most 16.
    #[derive(Debug, PartialEq)]
    struct Wide([Option<i64>; 20]);

    type Sixteen = (
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Opt<i64>,
        Req<i64>,
    );

    impl Fill for Wide {
        type Slots = (Sixteen, (Opt<i64>, Opt<i64>, Opt<i64>, Opt<i64>));
        type Others = Skip;

        fn build(
            (
                (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15),
                (b0, b1, b2, b3),
            ): Self::Slots,
            _: Skip,
        ) -> Result<Self, &'static str> {
            Ok(Wide([
                a0.0,
                a1.0,
                a2.0,
                a3.0,
                a4.0,
                a5.0,
                a6.0,
                a7.0,
                a8.0,
                a9.0,
                a10.0,
                a11.0,
                a12.0,
                a13.0,
                a14.0,
                Some(a15.take("f15")?),
                b0.0,
                b1.0,
                b2.0,
                b3.0,
            ]))
        }
    }

    #[test]
    fn nested_slots_put_each_field_in_its_own_place() {
        const WIDE: &[&str] = &[
            "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
            "f14", "f15", "f16", "f17", "f18", "f19",
        ];
        let decode = |json: &str| {
            object::<Wide, _>(&mut serde_json::Deserializer::from_str(json), "Wide", WIDE)
        };
        let json = (0..20)
            .map(|i| format!("\"f{i}\": {}", i * 10))
            .collect::<Vec<_>>()
            .join(", ");
        let got = decode(&format!("{{{json}, \"extra\": 1}}")).unwrap();
        assert_eq!(got, Wide(std::array::from_fn(|i| Some(i as i64 * 10))));
        let sparse = decode(r#"{"f15": 1, "f19": 2, "f16": 3}"#).unwrap();
        let mut want = [None; 20];
        want[15] = Some(1);
        want[19] = Some(2);
        want[16] = Some(3);
        assert_eq!(sparse, Wide(want));
        let missing = decode(r#"{"f0": 1}"#).unwrap_err().to_string();
        assert!(missing.starts_with("missing field `f15`"), "{missing}");
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
