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

use super::de::{FieldKey, Key};
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
        loop {
            let key = FieldKey {
                index: |key: &str| fields.index(key),
                keep_others: false,
            };
            let index = match map.next_key_seed(key)? {
                None => break,
                Some(Key::Field(index)) => index,
                Some(Key::Other(_) | Key::Unknown) => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
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
