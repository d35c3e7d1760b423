//! How parameter values are written into paths, query strings, headers
//! and cookies, following each parameter's OpenAPI `style` and `explode`.
// Every style is supported; a given API uses only some.
#![allow(dead_code)]

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// Characters left as they are: RFC 3986 "unreserved". Everything else is
/// percent-encoded, so a value can never leave its path segment or query
/// pair (`/`, `?`, `#`, `&`, `=` and `+` are all encoded).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Serialization styles of OpenAPI parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `form`: `name=a&name=b` exploded, `name=a,b` otherwise.
    Form,
    /// `simple`: `a,b`.
    Simple,
    /// `spaceDelimited`: `name=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `name=a|b`.
    PipeDelimited,
    /// `deepObject`: `name[key]=value`.
    DeepObject,
    /// `label` (path): `.a.b`.
    Label,
    /// `matrix` (path): `;name=a`.
    Matrix,
}

/// A primitive integer (`i8`..`i128`, `u8`..`u128`, `isize`, `usize`),
/// which integer parameters take whatever their type in the API: one that
/// does not fit makes the request fail with
/// [`Error::InvalidArgument`](super::Error::InvalidArgument) when sent.
/// Sealed: only the primitives implement it.
pub trait Integer: sealed::Sealed + Copy + std::fmt::Display {
    /// The value, if it fits in an `i128` (every one but large `u128`s).
    #[doc(hidden)]
    fn wide(self) -> Option<i128>;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Integer for $t {
            fn wide(self) -> Option<i128> {
                i128::try_from(self).ok()
            }
        }
    )*};
}

integers!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

/// A date or a timestamp, for values the API takes in either form (e.g. a
/// `since` that is a date, taken as UTC midnight, or an RFC 3339
/// timestamp). Built with `From` from a `chrono::NaiveDate`, a
/// `chrono::DateTime<Utc>` (in crates whose API uses dates) or the text as
/// the server expects it (`"2024-01-31"`, `"2024-01-31T12:00:00Z"`), which
/// is sent as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// The text sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

/// `value` as the parameter's type `T`, or `None` with the problem noted
/// in `problem` (the first one is kept), to be reported when the request
/// is sent.
pub(crate) fn integer<T: TryFrom<i128>>(
    name: &str,
    value: impl Integer,
    problem: &mut Option<String>,
) -> Option<T> {
    match value.wide().and_then(|wide| T::try_from(wide).ok()) {
        Some(v) => Some(v),
        None => {
            problem.get_or_insert_with(|| {
                format!(
                    "`{name}`: {value} is out of range for {}",
                    std::any::type_name::<T>()
                )
            });
            None
        }
    }
}

/// Percent-encodes a path segment or query component.
pub(crate) fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A parameter value reduced to what the styles work with.
enum Shape {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, Value)>),
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) => number(n),
        other => other.to_string(),
    }
}

/// A number as text. Whole floating-point values are written without a
/// fraction (`2`, not `2.0`): OpenAPI `type: number` parameters such as page
/// numbers are floats in Rust, but servers expect integers on the wire.
fn number(n: &serde_json::Number) -> String {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= EXACT => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

fn shape<T: Serialize + ?Sized>(value: &T) -> Result<Shape, String> {
    finite(value)?;
    let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
    Ok(match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().map(scalar).collect()),
        Value::Object(map) => {
            Shape::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => Shape::Scalar(scalar(&other)),
    })
}

/// Rejects a value holding a NaN or infinite number anywhere. JSON has no
/// such numbers, and `serde_json` turns them into `null`, which would drop
/// the parameter (or send `null`) instead of telling the caller.
pub(crate) fn finite<T: Serialize + ?Sized>(value: &T) -> Result<(), String> {
    value.serialize(FiniteCheck).map_err(|e| e.0)
}

/// A serializer that only looks for non-finite floats.
struct FiniteCheck;

#[derive(Debug)]
struct NotFinite(String);

impl std::fmt::Display for NotFinite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotFinite {}

impl serde::ser::Error for NotFinite {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        NotFinite(message.to_string())
    }
}

fn check_float(value: f64) -> Result<(), NotFinite> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(NotFinite(format!(
            "`{value}` is not a finite number, and cannot be sent"
        )))
    }
}

/// Serializer methods that accept their value.
macro_rules! accept {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), NotFinite> {
            Ok(())
        })*
    };
}

impl serde::Serializer for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    accept!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_f32(self, value: f32) -> Result<(), NotFinite> {
        check_float(f64::from(value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), NotFinite> {
        check_float(value)
    }

    fn serialize_none(self) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotFinite> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, NotFinite> {
        Ok(self)
    }
}

/// The compound parts of [`FiniteCheck`]: every element, key, value and
/// field is checked in turn.
macro_rules! compound {
    ($($trait:ident: $method:ident),* $(,)?) => {
        $(impl serde::ser::$trait for FiniteCheck {
            type Ok = ();
            type Error = NotFinite;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NotFinite> {
                value.serialize(FiniteCheck)
            }

            fn end(self) -> Result<(), NotFinite> {
                Ok(())
            }
        })*
    };
}

compound!(
    SerializeSeq: serialize_element,
    SerializeTuple: serialize_element,
    SerializeTupleStruct: serialize_field,
    SerializeTupleVariant: serialize_field,
);

impl serde::ser::SerializeMap for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NotFinite> {
        key.serialize(FiniteCheck)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NotFinite> {
        value.serialize(FiniteCheck)
    }

    fn end(self) -> Result<(), NotFinite> {
        Ok(())
    }
}

/// Struct fields: named, and with `skip_field` defaults.
macro_rules! fields {
    ($($trait:ident),* $(,)?) => {
        $(impl serde::ser::$trait for FiniteCheck {
            type Ok = ();
            type Error = NotFinite;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _: &'static str,
                value: &T,
            ) -> Result<(), NotFinite> {
                value.serialize(FiniteCheck)
            }

            fn end(self) -> Result<(), NotFinite> {
                Ok(())
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

/// The text of a path parameter (not yet percent-encoded per piece: the
/// returned string is already encoded).
pub(crate) fn path_value<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, String> {
    let shape = shape(value).map_err(|e| format!("path parameter `{name}`: {e}"))?;
    let pieces: Vec<String> = match shape {
        Shape::Absent => Vec::new(),
        Shape::Scalar(s) => vec![encode(&s)],
        Shape::List(items) => items.iter().map(|s| encode(s)).collect(),
        Shape::Object(pairs) => pairs
            .iter()
            .flat_map(|(k, v)| {
                if explode {
                    vec![format!("{}={}", encode(k), encode(&scalar(v)))]
                } else {
                    vec![encode(k), encode(&scalar(v))]
                }
            })
            .collect(),
    };
    let text = match style {
        Style::Label => {
            let sep = if explode { "." } else { "," };
            format!(".{}", pieces.join(sep))
        }
        Style::Matrix => {
            if explode {
                pieces
                    .iter()
                    .map(|p| format!(";{}={p}", encode(name)))
                    .collect()
            } else {
                format!(";{}={}", encode(name), pieces.join(","))
            }
        }
        _ => pieces.join(","),
    };
    if text.is_empty() {
        return Err(format!("path parameter `{name}` is empty"));
    }
    if text == "." || text == ".." {
        return Err(format!(
            "path parameter `{name}` cannot be `{text}`: it would change the path"
        ));
    }
    Ok(text)
}

/// Appends a query parameter as `(name, value)` pairs, not yet encoded.
pub(crate) fn query_pairs<T: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<(), String> {
    match shape(value)? {
        Shape::Absent => {}
        Shape::Scalar(s) => out.push((name.to_owned(), s)),
        Shape::List(items) => match (style, explode) {
            (Style::SpaceDelimited, _) => out.push((name.to_owned(), items.join(" "))),
            (Style::PipeDelimited, _) => out.push((name.to_owned(), items.join("|"))),
            (_, true) => out.extend(items.into_iter().map(|v| (name.to_owned(), v))),
            (_, false) => out.push((name.to_owned(), items.join(","))),
        },
        Shape::Object(pairs) => match (style, explode) {
            (Style::DeepObject, _) => {
                deep_object(out, name, &Value::Object(pairs.into_iter().collect()))
            }
            (_, true) => out.extend(pairs.into_iter().map(|(k, v)| (k, scalar(&v)))),
            (_, false) => {
                let flat: Vec<String> = pairs
                    .into_iter()
                    .flat_map(|(k, v)| [k, scalar(&v)])
                    .collect();
                out.push((name.to_owned(), flat.join(",")));
            }
        },
    }
    Ok(())
}

fn deep_object(out: &mut Vec<(String, String)>, prefix: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                deep_object(out, &format!("{prefix}[{k}]"), v);
            }
        }
        Value::Array(items) => {
            for v in items {
                deep_object(out, &format!("{prefix}[]"), v);
            }
        }
        Value::Null => {}
        other => out.push((prefix.to_owned(), scalar(other))),
    }
}

/// The value of a header parameter (`simple` style).
pub(crate) fn header_value<T: Serialize + ?Sized>(
    value: &T,
    explode: bool,
) -> Result<Option<String>, String> {
    Ok(match shape(value)? {
        Shape::Absent => None,
        Shape::Scalar(s) => Some(s),
        Shape::List(items) => Some(items.join(",")),
        Shape::Object(pairs) => Some(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    if explode {
                        format!("{k}={}", scalar(&v))
                    } else {
                        format!("{k},{}", scalar(&v))
                    }
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
    })
}

/// Encodes `(name, value)` pairs as a query string.
pub(crate) fn query_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// Standard base64 with padding (for HTTP Basic credentials).
pub(crate) fn base64(data: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_convert_when_they_fit_and_note_the_first_problem() {
        let mut problem = None;
        assert_eq!(integer::<i64>("limit", 5usize, &mut problem), Some(5));
        assert_eq!(integer::<i64>("limit", -5i8, &mut problem), Some(-5));
        assert_eq!(integer::<i64>("limit", u128::MAX, &mut problem), None);
        assert_eq!(integer::<i64>("page", u64::MAX, &mut problem), None);
        assert_eq!(integer::<u32>("n", -1i32, &mut problem), None);
        assert_eq!(
            problem.as_deref(),
            Some("`limit`: 340282366920938463463374607431768211455 is out of range for i64")
        );
    }

    #[test]
    fn path_values_stay_in_their_segment() {
        assert_eq!(
            path_value("id", "../x", Style::Simple, false).unwrap(),
            "..%2Fx"
        );
        assert_eq!(
            path_value("id", "a/b?c#d", Style::Simple, false).unwrap(),
            "a%2Fb%3Fc%23d"
        );
        assert!(path_value("id", "", Style::Simple, false).is_err());
        assert!(path_value("id", "..", Style::Simple, false).is_err());
    }

    #[test]
    fn query_styles() {
        let mut out = Vec::new();
        query_pairs(&mut out, "s", &["a", "b"], Style::Form, true).unwrap();
        query_pairs(&mut out, "t", &["a", "b"], Style::Form, false).unwrap();
        query_pairs(
            &mut out,
            "d",
            &serde_json::json!({"k": {"n": 1}}),
            Style::DeepObject,
            true,
        )
        .unwrap();
        query_pairs(&mut out, "none", &Option::<String>::None, Style::Form, true).unwrap();
        assert_eq!(query_string(&out), "s=a&s=b&t=a%2Cb&d%5Bk%5D%5Bn%5D=1");
    }

    #[test]
    fn whole_floats_are_written_as_integers() {
        let mut out = Vec::new();
        query_pairs(&mut out, "page", &2.0_f64, Style::Form, true).unwrap();
        query_pairs(&mut out, "neg", &-3.0_f64, Style::Form, true).unwrap();
        query_pairs(&mut out, "half", &0.5_f64, Style::Form, true).unwrap();
        query_pairs(&mut out, "int", &7_i64, Style::Form, true).unwrap();
        query_pairs(&mut out, "list", &[1.0_f64, 2.5], Style::Form, false).unwrap();
        assert_eq!(
            query_string(&out),
            "page=2&neg=-3&half=0.5&int=7&list=1%2C2.5"
        );
        assert_eq!(
            path_value("n", &4.0_f64, Style::Simple, false).unwrap(),
            "4"
        );
        assert_eq!(
            header_value(&1e3_f64, false).unwrap().as_deref(),
            Some("1000")
        );
    }

    #[test]
    fn non_finite_numbers_are_rejected_wherever_they_are() {
        let mut out = Vec::new();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = query_pairs(&mut out, "page", &bad, Style::Form, true).unwrap_err();
            assert!(e.contains("not a finite number"), "{e}");
            assert!(query_pairs(&mut out, "l", &[1.0, bad], Style::Form, true).is_err());
            assert!(query_pairs(&mut out, "o", &Some(bad), Style::Form, true).is_err());
            let nested = std::collections::BTreeMap::from([("k", vec![bad])]);
            assert!(query_pairs(&mut out, "d", &nested, Style::DeepObject, true).is_err());
            let e = path_value("n", &bad, Style::Simple, false).unwrap_err();
            assert!(e.starts_with("path parameter `n`"), "{e}");
            assert!(header_value(&bad, false).is_err());
            assert!(header_value(&(bad as f32), false).is_err());
        }
        assert!(out.is_empty(), "{out:?}");
        assert!(finite(&(1.5, "x", [Some(2.0_f32), None], ())).is_ok());
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    }
}
