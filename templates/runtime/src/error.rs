//! The one error type of this crate.
//!
//! Error messages (`Display`) are safe to log: text that came from the
//! server (error items, body excerpts, header values, cursors) has its
//! control characters escaped (`\n`, `\u{1b}`, also bidirectional
//! overrides), so it cannot forge log lines or terminal output, and a
//! message is cut at 4 KiB. Passwords and credentials sent in the query
//! never appear in the URLs errors carry.
// Helpers for decode and envelope errors go unused by APIs without such responses.
#![allow(dead_code)]

use std::fmt::{self, Write as _};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use super::config;

/// How many bytes of a response body errors keep for diagnosis.
const EXCERPT_LIMIT: usize = 1024;
/// The longest message (`Display`) of an error, in bytes.
const MESSAGE_LIMIT: usize = 4096;

/// Everything that can go wrong when calling the API.
///
/// Its message (`Display`) is safe to log: control characters (and
/// bidirectional text controls) in text that came from the server are
/// escaped, so they cannot forge log lines or terminal output, and a message
/// is at most 4 KiB. The values inside keep the server's text as it was.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status, or with an envelope whose
    /// success flag is false (when the API's envelope has one).
    Api(Box<ApiError>),
    /// No complete response arrived within the timeout.
    Timeout(TransportError),
    /// The connection could not be made or broke before a response arrived.
    Connection(TransportError),
    /// The server redirected in a loop, or more than 10 times. Not retried:
    /// the server would do it again.
    Redirect(String),
    /// The response body was larger than the limit
    /// (`ClientBuilder::max_response_size`, or `max_response_size(..)` on
    /// the request). The client stopped reading at the limit.
    #[non_exhaustive]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A response body did not have the documented shape.
    Decode(Box<DecodeError>),
    /// An argument was rejected before any request was sent (an empty path
    /// parameter, a NaN, a URL too long to send). Never retried.
    InvalidArgument(String),
    /// The client could not be configured (credentials, base URL).
    Config(String),
    /// Pagination could not continue: the server repeated a cursor or a
    /// page, or the stream reached its page limit.
    Pagination(String),
}

/// A failure of the HTTP transport: a timeout, or a connection that could
/// not be made or broke. Opaque, so that this crate's API does not depend
/// on the version of the HTTP client underneath; the HTTP client's own
/// error is its [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct TransportError {
    inner: reqwest::Error,
}

impl TransportError {
    /// Whether the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.is_timeout()
    }

    /// Whether the connection could not be made (nothing reached the
    /// server).
    pub fn is_connect(&self) -> bool {
        self.inner.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}

/// An error response from the server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Error items reported by the server (may be empty).
    pub errors: Vec<ApiMessage>,
    /// Informational messages reported by the server.
    pub messages: Vec<ApiMessage>,
    /// The server's request id, for support requests.
    pub request_id: Option<String>,
    /// Response headers.
    pub headers: HeaderMap,
    /// The start of the response body (at most 1 KiB), for diagnosis.
    pub body: String,
}

/// A response body that could not be decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Path of the value that failed, such as `result[3].actor.type`.
    pub path: String,
    /// What was wrong with it.
    pub message: String,
    /// The start of the response body (at most 1 KiB).
    pub body: String,
    /// The server's request id, if any.
    pub request_id: Option<String>,
}

/// An error or informational message in a response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiMessage {
    /// Numeric code, when the server gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Human readable text.
    #[serde(default)]
    pub message: String,
    /// Link to documentation about this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// JSON pointer to the part of the request the message is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl ApiMessage {
    /// Reads a message from whatever JSON the server sent, never failing:
    /// objects give their `code`, `message`, `documentation_url` and
    /// `source.pointer`; other values become the message text.
    pub(crate) fn lenient(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Object(map) => Self {
                code: map.get("code").and_then(|c| {
                    c.as_i64()
                        .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
                }),
                message: match map.get("message") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                },
                documentation_url: map
                    .get("documentation_url")
                    .and_then(|u| u.as_str())
                    .map(str::to_owned),
                pointer: map
                    .get("source")
                    .and_then(|s| s.get("pointer"))
                    .and_then(|p| p.as_str())
                    .map(str::to_owned),
            },
            serde_json::Value::String(s) => Self {
                message: s.clone(),
                ..Self::default()
            },
            other => Self {
                message: other.to_string(),
                ..Self::default()
            },
        }
    }

    /// Reads a list of messages; anything but an array gives an empty list.
    pub(crate) fn lenient_list(value: Option<&serde_json::Value>) -> Vec<Self> {
        match value {
            Some(serde_json::Value::Array(items)) => items.iter().map(Self::lenient).collect(),
            _ => Vec::new(),
        }
    }
}

impl ApiMessage {
    /// A message with this text and nothing else, e.g. for tests:
    /// `ApiMessage::new("not found").with_code(1003)`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }

    /// Sets the numeric code.
    #[must_use]
    pub fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets the documentation link.
    #[must_use]
    pub fn with_documentation_url(mut self, url: impl Into<String>) -> Self {
        self.documentation_url = Some(url.into());
        self
    }

    /// Sets the JSON pointer into the request.
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

impl ApiError {
    /// An error response with `status` and nothing else: no error items,
    /// messages, request id, headers or body. The `with_*` methods add
    /// them; with `Error::from` (or `.into()`) it becomes the [`Error::Api`]
    /// an operation returns, so code handling errors can be tested without
    /// a server:
    /// `Error::from(ApiError::new(StatusCode::NOT_FOUND).with_error(1003, "no such account"))`.
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            errors: Vec::new(),
            messages: Vec::new(),
            request_id: None,
            headers: HeaderMap::new(),
            body: String::new(),
        }
    }

    /// Adds an error item with `code` and `message`.
    #[must_use]
    pub fn with_error(mut self, code: i64, message: impl Into<String>) -> Self {
        self.errors.push(ApiMessage::new(message).with_code(code));
        self
    }

    /// Sets the error items.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<ApiMessage>) -> Self {
        self.errors = errors;
        self
    }

    /// Sets the informational messages.
    #[must_use]
    pub fn with_messages(mut self, messages: Vec<ApiMessage>) -> Self {
        self.messages = messages;
        self
    }

    /// Sets the request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the response headers.
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the body excerpt (cut to 1 KiB, as the client keeps it).
    #[must_use]
    pub fn with_body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = excerpt(body.as_ref());
        self
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl DecodeError {
    /// A decode error of a response with `status`, for the value at `path`
    /// (such as `result[3].actor.type`), explained by `message`.
    pub fn new(status: StatusCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            path: path.into(),
            message: message.into(),
            body: String::new(),
            request_id: None,
        }
    }

    /// Sets the body excerpt (cut to 1 KiB, as the client keeps it).
    #[must_use]
    pub fn with_body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = excerpt(body.as_ref());
        self
    }

    /// Sets the request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Sanitized::new(f);
        if let Some(code) = self.code {
            write!(f, "[{code}] ")?;
        }
        f.write_str(&self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server said the resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server rate-limited the request (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// Whether trying again later may succeed: timeouts, connection
    /// failures, and HTTP 408, 409, 429 and 5xx, unless the server said
    /// otherwise with `x-should-retry` (which also makes any status
    /// retryable when `true`). The client has already retried as configured
    /// before returning such an error. Errors found on this side (invalid
    /// arguments, configuration), redirect loops, bodies over the size
    /// limit and pagination errors are not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Connection(_) => true,
            Error::Api(e) => match should_retry(&e.headers) {
                Some(asked) => asked,
                None => retryable_status(e.status),
            },
            _ => false,
        }
    }

    /// The server's request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The error items the server reported (empty for other errors).
    pub fn api_errors(&self) -> &[ApiMessage] {
        match self {
            Error::Api(e) => &e.errors,
            _ => &[],
        }
    }
}

/// The server's `x-should-retry` answer, when it gave one.
pub(crate) fn should_retry(headers: &HeaderMap) -> Option<bool> {
    match headers
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

/// Statuses worth retrying.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Sanitized::new(f);
        match self {
            Error::Api(e) => {
                write!(f, "API error: HTTP {}", e.status)?;
                for (i, item) in e.errors.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    write!(f, "{item}")?;
                }
                if e.errors.is_empty() && !e.body.is_empty() {
                    write!(f, ": {}", e.body)?;
                }
                if let Some(id) = &e.request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Timeout(e) => write!(f, "request timed out: {e}"),
            Error::Connection(e) => write!(f, "connection error: {e}"),
            Error::Redirect(m) => write!(f, "redirect error: {m}"),
            Error::ResponseTooLarge { status, limit } => write!(
                f,
                "the response (HTTP {status}) is larger than the limit of {limit} bytes"
            ),
            Error::Decode(e) => {
                write!(
                    f,
                    "could not decode the response (HTTP {}) at `{}`: {}",
                    e.status, e.path, e.message
                )?;
                if !e.body.is_empty() {
                    write!(f, "; body starts with: {}", e.body)?;
                }
                Ok(())
            }
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::Config(m) => write!(f, "client configuration error: {m}"),
            Error::Pagination(m) => write!(f, "pagination error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Connection(e) => Some(e),
            _ => None,
        }
    }
}

/// Classes an error of the HTTP client: one it found in the request before
/// sending it is an invalid argument, and a redirect loop has its own kind.
impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        if e.is_builder() {
            Error::InvalidArgument(format!(
                "the HTTP client could not send the request: {}",
                causes(&e.without_url())
            ))
        } else if e.is_redirect() {
            Error::Redirect(causes(&e.without_url()))
        } else if e.is_timeout() {
            Error::Timeout(TransportError { inner: e })
        } else {
            Error::Connection(TransportError { inner: e })
        }
    }
}

/// The message of an error, followed by its sources' (`a: b: c`).
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Writes into a formatter with control characters (and bidirectional
/// text controls) escaped, and stops after [`MESSAGE_LIMIT`] bytes.
///
/// Cutting the text short is not an error: a `Display` impl that fails
/// would make `to_string()` panic.
struct Sanitized<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    /// Bytes left before the text is cut, keeping room for the `…` that
    /// marks the cut.
    left: usize,
    cut: bool,
}

impl<'a, 'b> Sanitized<'a, 'b> {
    fn new(f: &'a mut fmt::Formatter<'b>) -> Self {
        Self {
            f,
            left: MESSAGE_LIMIT - '…'.len_utf8(),
            cut: false,
        }
    }

    fn put(&mut self, text: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        if text.len() <= self.left {
            self.left -= text.len();
            return self.f.write_str(text);
        }
        let mut end = self.left;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.cut = true;
        self.f.write_str(&text[..end])?;
        self.f.write_str("…")
    }
}

/// Characters that must not reach a log or a terminal as they are.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Write for Sanitized<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(unsafe_char) {
            self.put(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            self.put(&c.escape_default().to_string())?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.put(rest)
    }
}

/// The first bytes of a body as text, cut at a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_LIMIT)];
    let text = String::from_utf8_lossy(cut);
    let mut text = text.trim_end_matches('\u{fffd}').to_owned();
    if body.len() > EXCERPT_LIMIT {
        text.push('…');
    }
    text
}

/// The request id header of a response.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    config::REQUEST_ID_HEADER
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Builds the error for a non-success response, reading whatever error
/// details the body holds.
pub(crate) fn api_error(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let errors = json.as_ref().map(error_items).unwrap_or_default();
    let messages_field = config::ENVELOPE.and_then(|fields| fields.messages);
    let messages = json
        .as_ref()
        .zip(messages_field)
        .and_then(|(json, name)| json.get(name));
    let messages = ApiMessage::lenient_list(messages);
    let mut error = ApiError::new(status)
        .with_errors(errors)
        .with_messages(messages)
        .with_body(body);
    error.request_id = request_id(&headers);
    error.headers = headers;
    error.into()
}

/// Error items of an error body: the envelope's error list, or a top-level
/// `message`.
pub(crate) fn error_items(json: &serde_json::Value) -> Vec<ApiMessage> {
    if let Some(name) = config::ENVELOPE.and_then(|fields| fields.errors) {
        let items = ApiMessage::lenient_list(json.get(name));
        if !items.is_empty() {
            return items;
        }
    }
    match json.get("message") {
        Some(_) => vec![ApiMessage::lenient(json)],
        None => Vec::new(),
    }
}

/// Builds a decode error from a failed typed parse.
pub(crate) fn decode_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    path: String,
    message: String,
) -> Error {
    let mut error = DecodeError::new(status, path, message).with_body(body);
    error.request_id = request_id(headers);
    error.into()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn api(body: &str, headers: HeaderMap) -> Error {
        api_error(StatusCode::BAD_GATEWAY, headers, body.as_bytes())
    }

    #[test]
    fn server_text_in_messages_has_its_control_characters_escaped() {
        let body = r#"{"errors": [{"code": 1, "message": "bad\r\nINFO forged line \u001b[31m\u202eevil"}]}"#;
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_bytes(b"id\t1").unwrap());
        let text = api(body, headers).to_string();
        assert!(!text.chars().any(unsafe_char), "{text:?}");
        assert!(
            text.contains(r"bad\r\nINFO forged line \u{1b}[31m\u{202e}evil"),
            "{text}"
        );
        assert!(text.contains(r"(request id id\t1)"), "{text}");
        let excerpt = api("<html>\n\t<h1>502</h1>\0", HeaderMap::new()).to_string();
        assert!(
            excerpt.ends_with(r"<html>\n\t<h1>502</h1>\u{0}"),
            "{excerpt}"
        );
        let message = ApiMessage::lenient(&serde_json::json!("a\nb")).to_string();
        assert_eq!(message, r"a\nb");
        let decode = decode_error(
            StatusCode::OK,
            &HeaderMap::new(),
            b"{\"x\":\"\x1b\"}",
            "x".into(),
            "invalid type: string \"\u{1b}\"".into(),
        );
        assert!(!decode.to_string().chars().any(unsafe_char), "{decode}");
    }

    #[test]
    fn messages_are_bounded() {
        let items: Vec<_> = (0..200)
            .map(|i| serde_json::json!({"code": i, "message": "é".repeat(500)}))
            .collect();
        let body = serde_json::json!({ "errors": items }).to_string();
        let text = api(&body, HeaderMap::new()).to_string();
        assert!(text.len() <= MESSAGE_LIMIT, "{}", text.len());
        assert!(text.len() > MESSAGE_LIMIT - 8, "{}", text.len());
        assert!(text.ends_with('…'), "{text}");
        // Escapes count towards the limit too.
        let text = Error::Pagination("\n".repeat(10_000)).to_string();
        assert!(
            text.len() <= MESSAGE_LIMIT && text.ends_with('…'),
            "{}",
            text.len()
        );
        let short = Error::InvalidArgument("fine".into()).to_string();
        assert_eq!(short, "invalid argument: fine");
    }

    #[test]
    fn local_and_redirect_errors_are_not_retryable() {
        for e in [
            Error::InvalidArgument("x".into()),
            Error::Config("x".into()),
            Error::Redirect("loop".into()),
            Error::ResponseTooLarge {
                status: StatusCode::OK,
                limit: 1,
            },
            Error::Pagination("x".into()),
        ] {
            assert!(!e.is_retryable(), "{e:?}");
        }
        let too_large = Error::ResponseTooLarge {
            status: StatusCode::OK,
            limit: 10,
        };
        assert_eq!(too_large.status(), Some(StatusCode::OK));
        assert_eq!(
            too_large.to_string(),
            "the response (HTTP 200 OK) is larger than the limit of 10 bytes"
        );
    }
}
