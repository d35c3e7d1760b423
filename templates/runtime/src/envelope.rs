//! The response envelope some APIs wrap every result in, such as
//! `{"success": true, "errors": [], "messages": [], "result": {..}}`.
//!
//! Its field names are data ([`Fields`], set in `config`), so one decoder
//! serves every configuration: a field the envelope does not have is never
//! matched, and its value stays `None`.
// An API without an envelope does not use it.
#![allow(dead_code)]

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::error::{self, ApiMessage, Error};
use super::request::{self, Decoded, RawResponse};

/// Field names of a response envelope; `None` for a field it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields {
    /// The payload.
    pub(crate) result: &'static str,
    /// A boolean that is `false` when the request failed.
    pub(crate) success: Option<&'static str>,
    /// A list of error items.
    pub(crate) errors: Option<&'static str>,
    /// A list of informational messages.
    pub(crate) messages: Option<&'static str>,
    /// Pagination and count metadata.
    pub(crate) result_info: Option<&'static str>,
}

// Positions of the fields in `Fields::names`.
const SUCCESS: usize = 0;
const ERRORS: usize = 1;
const MESSAGES: usize = 2;
const RESULT: usize = 3;
const RESULT_INFO: usize = 4;

impl Fields {
    fn names(&self) -> [Option<&'static str>; 5] {
        [
            self.success,
            self.errors,
            self.messages,
            Some(self.result),
            self.result_info,
        ]
    }

    /// The position of the field a key names; the first one wins when a
    /// configuration gives two fields the same name.
    fn index(&self, key: &str) -> Option<usize> {
        self.names().iter().position(|name| *name == Some(key))
    }
}

/// Decodes a key into the position of the field it names, if any.
impl<'de> DeserializeSeed<'de> for Fields {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Fields {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.index(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key)
            .ok()
            .and_then(|key| self.index(key)))
    }
}

/// A decoded envelope: the result and its metadata typed, the rest kept
/// as JSON to be read leniently.
pub(crate) struct Envelope<T, I> {
    success: Option<bool>,
    errors: Option<serde_json::Value>,
    messages: Option<serde_json::Value>,
    result: Option<T>,
    result_info: Option<I>,
}

impl<T, I> Envelope<T, I> {
    /// Whether the envelope says the request failed.
    fn failed(&self) -> bool {
        self.success == Some(false)
    }

    /// The error for a response whose envelope says it failed.
    fn into_error(self, raw: &RawResponse) -> Error {
        Error::Api(Box::new(error::ApiError {
            status: raw.status,
            errors: ApiMessage::lenient_list(self.errors.as_ref()),
            messages: ApiMessage::lenient_list(self.messages.as_ref()),
            request_id: error::request_id(&raw.headers),
            headers: raw.headers.clone(),
            body: error::excerpt(&raw.body),
        }))
    }
}

/// Decodes an [`Envelope`] whose fields have the given names.
struct EnvelopeSeed<T, I> {
    fields: Fields,
    types: PhantomData<fn() -> (T, I)>,
}

impl<T, I> EnvelopeSeed<T, I> {
    fn new(fields: Fields) -> Self {
        Self {
            fields,
            types: PhantomData,
        }
    }
}

// Not derived: the derive would require `T: Clone` and `I: Clone`.
impl<T, I> Clone for EnvelopeSeed<T, I> {
    fn clone(&self) -> Self {
        Self::new(self.fields)
    }
}

impl<'de, T: Deserialize<'de>, I: Deserialize<'de>> DeserializeSeed<'de> for EnvelopeSeed<T, I> {
    type Value = Envelope<T, I>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>, I: Deserialize<'de>> Visitor<'de> for EnvelopeSeed<T, I> {
    type Value = Envelope<T, I>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct Envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let fields = self.fields;
        let names = fields.names();
        let mut seen = [false; 5];
        let mut envelope = Envelope {
            success: None,
            errors: None,
            messages: None,
            result: None,
            result_info: None,
        };
        // The keys decode through `Fields` itself, one seed for every
        // result type rather than one per operation.
        while let Some(key) = map.next_key_seed(fields)? {
            let Some(index) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(&mut seen[index], true) {
                let name = names[index].unwrap_or(fields.result);
                return Err(de::Error::duplicate_field(name));
            }
            match index {
                SUCCESS => envelope.success = map.next_value()?,
                ERRORS => envelope.errors = map.next_value()?,
                MESSAGES => envelope.messages = map.next_value()?,
                RESULT => envelope.result = map.next_value()?,
                RESULT_INFO => envelope.result_info = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(envelope)
    }
}

/// Decodes an enveloped response and unwraps its result.
pub(crate) fn decode<T: DeserializeOwned, I: DeserializeOwned>(
    raw: &RawResponse,
    fields: Fields,
) -> Result<Decoded<T, I>, Error> {
    if request::is_blank(&raw.body) {
        return Ok(Decoded {
            result: request::absent(raw, fields.result)?,
            result_info: None,
            messages: Vec::new(),
        });
    }
    let envelope = match request::parse_seed(raw, &raw.body, EnvelopeSeed::<T, I>::new(fields)) {
        Ok(envelope) => envelope,
        // A failed request often carries a result of another shape (or
        // none); report the server's errors rather than the decode failure.
        Err(e) => {
            let seed = EnvelopeSeed::<IgnoredAny, IgnoredAny>::new(fields);
            return match request::from_slice_seed(&raw.body, seed) {
                Ok(lenient) if lenient.failed() => Err(lenient.into_error(raw)),
                _ => Err(e),
            };
        }
    };
    if envelope.failed() {
        return Err(envelope.into_error(raw));
    }
    let result = match envelope.result {
        Some(result) => result,
        None => request::absent(raw, fields.result)?,
    };
    Ok(Decoded {
        result,
        result_info: envelope.result_info,
        messages: ApiMessage::lenient_list(envelope.messages.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    use super::*;

    const ALL: Fields = Fields {
        result: "result",
        success: Some("success"),
        errors: Some("errors"),
        messages: Some("messages"),
        result_info: Some("result_info"),
    };

    const RESULT_ONLY: Fields = Fields {
        result: "result",
        success: None,
        errors: None,
        messages: None,
        result_info: None,
    };

    fn raw(body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.to_owned().into(),
        }
    }

    fn decoded<T: DeserializeOwned, I: DeserializeOwned>(
        fields: Fields,
        body: &str,
    ) -> Result<Decoded<T, I>, Error> {
        decode(&raw(body), fields)
    }

    #[test]
    fn every_field_is_read_where_the_config_names_it() {
        let body = r#"{"success": true, "errors": [], "messages": [{"code": 7, "message": "hi"}],
            "result": [1, 2], "result_info": {"page": 1}, "extra": {"ignored": [1]}}"#;
        let d: Decoded<Vec<u8>, BTreeMap<String, u8>> = decoded(ALL, body).unwrap();
        assert_eq!(d.result, [1, 2]);
        assert_eq!(
            d.result_info,
            Some(BTreeMap::from([("page".to_owned(), 1)]))
        );
        assert_eq!(d.messages.len(), 1);
        assert_eq!(d.messages[0].code, Some(7));

        let renamed = Fields {
            result: "data",
            success: Some("ok"),
            errors: Some("problems"),
            messages: Some("notes"),
            result_info: Some("paging"),
        };
        let body = r#"{"ok": true, "notes": ["n"], "data": 5, "paging": 3, "result": "not this"}"#;
        let d: Decoded<u8, u8> = decoded(renamed, body).unwrap();
        assert_eq!((d.result, d.result_info), (5, Some(3)));
        assert_eq!(d.messages[0].message, "n");
    }

    #[test]
    fn fields_the_envelope_lacks_are_never_read() {
        // Values that would not decode as the missing fields' types.
        let body =
            r#"{"success": "yes", "errors": 1, "messages": 2, "result_info": "x", "result": 4}"#;
        let d: Decoded<u8, u8> = decoded(RESULT_ONLY, body).unwrap();
        assert_eq!(d.result, 4);
        assert_eq!(d.result_info, None);
        assert!(d.messages.is_empty());
        let with_success = Fields {
            success: Some("success"),
            ..RESULT_ONLY
        };
        let e = decoded::<u8, u8>(with_success, body).err().unwrap();
        assert!(
            matches!(&e, Error::Decode(d) if d.path == "success"),
            "{e:?}"
        );
    }

    #[test]
    fn an_unsuccessful_envelope_is_an_api_error() {
        // The result has another shape than the operation's: the server's
        // errors are reported, not the decode failure.
        let body = r#"{"success": false, "errors": [{"code": 1003, "message": "bad"}],
            "messages": ["m"], "result": "unexpected"}"#;
        let e = decoded::<Vec<u8>, u8>(ALL, body).err().unwrap();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.errors[0].code, Some(1003));
        assert_eq!(api.messages[0].message, "m");

        let body = r#"{"success": false, "errors": [{"message": "bad"}], "result": null}"#;
        let without_errors = Fields {
            errors: None,
            ..ALL
        };
        let e = decoded::<Option<u8>, u8>(without_errors, body)
            .err()
            .unwrap();
        assert!(
            matches!(&e, Error::Api(api) if api.errors.is_empty()),
            "{e:?}"
        );
        let without_success = Fields {
            success: None,
            ..ALL
        };
        let d: Decoded<Option<u8>, u8> = decoded(without_success, body).unwrap();
        assert_eq!(d.result, None);
    }

    #[test]
    fn decode_errors_name_the_path_and_duplicates_are_rejected() {
        let e = decoded::<BTreeMap<String, u8>, u8>(ALL, r#"{"result": {"id": "x"}}"#)
            .err()
            .unwrap();
        assert!(
            matches!(&e, Error::Decode(d) if d.path == "result.id"),
            "{e:?}"
        );
        let e = decoded::<u8, u8>(ALL, r#"{"result": 1, "result": 2}"#)
            .err()
            .unwrap();
        assert!(e.to_string().contains("duplicate field `result`"), "{e}");
        let e = decoded::<u8, u8>(ALL, r#"[1, 2]"#).err().unwrap();
        assert!(e.to_string().contains("expected struct Envelope"), "{e}");
        let e = decoded::<u8, u8>(ALL, r#"{"result": 1} trailing"#)
            .err()
            .unwrap();
        assert!(matches!(e, Error::Decode(_)), "{e:?}");
    }

    #[test]
    fn an_absent_result_is_empty_where_the_type_allows() {
        let d: Decoded<Vec<u8>, u8> = decoded(ALL, " \n").unwrap();
        assert!(d.result.is_empty());
        let d: Decoded<Option<u8>, u8> = decoded(ALL, r#"{"success": true}"#).unwrap();
        assert_eq!(d.result, None);
        let e = decoded::<u8, u8>(ALL, r#"{"success": true}"#)
            .err()
            .unwrap();
        assert!(
            matches!(&e, Error::Decode(d) if d.path == "result"),
            "{e:?}"
        );
    }

    #[test]
    fn the_first_of_two_fields_with_one_name_wins() {
        let same = Fields {
            result_info: Some("result"),
            ..ALL
        };
        let d: Decoded<u8, u8> = decoded(same, r#"{"result": 9}"#).unwrap();
        assert_eq!((d.result, d.result_info), (9, None));
    }
}
