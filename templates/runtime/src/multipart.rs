//! `multipart/form-data` request bodies, built by the caller.

use std::hash::{BuildHasher, RandomState};
use std::time::Instant;

use reqwest::header::HeaderValue;

use super::request::Body;

/// A `multipart/form-data` request body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<MultipartPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MultipartPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: bytes::Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(MultipartPart {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: value.into().into(),
        });
        self
    }

    /// Adds a file field.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<bytes::Bytes>,
    ) -> Self {
        self.parts.push(MultipartPart {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// The encoded form, with a random boundary.
    pub(crate) fn encode(&self) -> Result<Body, String> {
        let boundary = format!(
            "----form-{:016x}",
            RandomState::new().hash_one(Instant::now())
        );
        let quote = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "%22")
                .replace(['\r', '\n'], " ")
        };
        let mut data = Vec::new();
        for part in &self.parts {
            data.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            data.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"",
                    quote(&part.name)
                )
                .as_bytes(),
            );
            if let Some(file_name) = &part.file_name {
                data.extend_from_slice(format!("; filename=\"{}\"", quote(file_name)).as_bytes());
            }
            data.extend_from_slice(b"\r\n");
            if let Some(ct) = &part.content_type {
                data.extend_from_slice(format!("Content-Type: {}\r\n", quote(ct)).as_bytes());
            }
            data.extend_from_slice(b"\r\n");
            data.extend_from_slice(&part.data);
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .map_err(|e| e.to_string())?;
        Ok(Body {
            content_type,
            data: data.into(),
        })
    }
}
