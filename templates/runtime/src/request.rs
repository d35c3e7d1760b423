//! Building, sending and decoding requests.
//!
//! Arguments are checked before anything is sent, and a problem is
//! [`Error::InvalidArgument`], never retried: an empty path parameter, a
//! NaN or infinite number anywhere in a parameter or body (JSON has no such
//! numbers), a URL longer than the 65,534 bytes an HTTP request can carry.
//!
//! A response body is read while counting its bytes, up to the response
//! size limit (`ClientBuilder::max_response_size`, `max_response_size(..)`
//! on a request); a longer one is [`Error::ResponseTooLarge`] and is not
//! read further, nor retried. An error response is read up to 64 KiB, enough
//! for the server's error items, and one that is retried no further either;
//! what is left unread goes with its connection.
// The runtime supports every parameter style, body and response kind;
// a given API uses only some of them.
#![allow(dead_code)]

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed};

use super::client::Client;
use super::config;
use super::de::Wire;
use super::encoding::{self, Style};
use super::envelope;
use super::error::{self, ApiMessage, Error};
use super::multipart::Multipart;
use super::pagination::Paging;
use super::retry::{backoff, retry_delay};
use super::trace;

/// Request header carrying the attempt number (0 for the first attempt).
/// The client always sets it: a value given with [`Request::header`] is
/// replaced.
pub const RETRY_COUNT_HEADER: &str = "x-retry-count";

/// The longest URL the HTTP stack sends (`http::Uri` takes at most
/// `u16::MAX - 1` bytes).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// How much of an error response is read: enough for the server's error
/// items, while a longer body is cut there (and its connection closed
/// rather than drained).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// A request body ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) content_type: HeaderValue,
    pub(crate) data: bytes::Bytes,
}

impl Body {
    fn new(content_type: &'static str, data: impl Into<bytes::Bytes>) -> Self {
        Self {
            content_type: HeaderValue::from_static(content_type),
            data: data.into(),
        }
    }
}

/// Whether a content type is JSON (`application/json`, `application/*+json`).
fn is_json(content_type: &HeaderValue) -> bool {
    content_type.to_str().is_ok_and(|t| {
        let essence = t.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
            || essence.to_ascii_lowercase().ends_with("+json")
    })
}

/// One piece of a request path.
#[derive(Debug, Clone)]
enum PathPart {
    Literal(&'static str),
    Encoded(String),
}

/// Everything needed to send a request, filled in by endpoint functions.
#[derive(Debug, Clone)]
pub(crate) struct RequestParts {
    method: Method,
    path: Vec<PathPart>,
    pub(crate) query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(String, String)>,
    body: Option<Body>,
    authenticate: bool,
    /// The `Accept` header: JSON unless the operation returns another type.
    accept: &'static str,
    pub(crate) paging: Option<Paging>,
    /// The first argument problem found; reported when the request is sent.
    invalid: Option<String>,
    /// What `tracing` records of the operation (nothing without the feature).
    operation: trace::Operation,
}

impl RequestParts {
    pub(crate) fn new(method: Method) -> Self {
        Self {
            method,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            authenticate: false,
            accept: "application/json",
            paging: None,
            invalid: None,
            operation: trace::Operation::NONE,
        }
    }

    /// The operation's id and path template, for `tracing`.
    pub(crate) fn operation(&mut self, id: &'static str, path: &'static str) {
        self.operation = trace::Operation::new(id, path);
    }

    pub(crate) fn reject(&mut self, problem: String) {
        self.invalid.get_or_insert(problem);
    }

    pub(crate) fn literal(&mut self, text: &'static str) {
        self.path.push(PathPart::Literal(text));
    }

    pub(crate) fn path_param<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        explode: bool,
    ) {
        match encoding::path_value(name, value, style, explode) {
            Ok(text) => self.path.push(PathPart::Encoded(text)),
            Err(problem) => self.reject(problem),
        }
    }

    pub(crate) fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        explode: bool,
    ) {
        if let Err(e) = encoding::query_pairs(&mut self.query, name, value, style, explode) {
            self.reject(format!("query parameter `{name}`: {e}"));
        }
    }

    /// Replaces every value of a query parameter.
    pub(crate) fn set_query(&mut self, name: &str, value: String) {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_owned(), value));
    }

    pub(crate) fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) {
        match encoding::header_value(value, explode) {
            Ok(Some(v)) => self.headers.push((name, v)),
            Ok(None) => {}
            Err(e) => self.reject(format!("header `{name}`: {e}")),
        }
    }

    pub(crate) fn cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) {
        match encoding::header_value(value, explode) {
            Ok(Some(v)) => self.cookies.push((name.to_owned(), v)),
            Ok(None) => {}
            Err(e) => self.reject(format!("cookie `{name}`: {e}")),
        }
    }

    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T, content_type: &'static str) {
        if let Err(e) = encoding::finite(body) {
            return self.reject(format!("request body: {e}"));
        }
        match serde_json::to_vec(body) {
            Ok(data) => self.body = Some(Body::new(content_type, data)),
            Err(e) => self.reject(format!("request body: {e}")),
        }
    }

    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        let mut pairs = Vec::new();
        match encoding::query_pairs(&mut pairs, "", body, Style::Form, true) {
            Ok(()) => {
                let data = encoding::query_string(&pairs);
                self.body = Some(Body::new("application/x-www-form-urlencoded", data));
            }
            Err(e) => self.reject(format!("request body: {e}")),
        }
    }

    pub(crate) fn text(&mut self, body: String, content_type: &'static str) {
        self.body = Some(Body::new(content_type, body));
    }

    pub(crate) fn bytes(&mut self, body: Vec<u8>, content_type: &'static str) {
        self.body = Some(Body::new(content_type, body));
    }

    pub(crate) fn multipart(&mut self, body: &Multipart) {
        match body.encode() {
            Ok(body) => self.body = Some(body),
            Err(e) => self.reject(format!("request body: {e}")),
        }
    }

    pub(crate) fn accept(&mut self, media: &'static str) {
        self.accept = media;
    }

    pub(crate) fn authenticate(&mut self) {
        self.authenticate = true;
    }

    pub(crate) fn paginate(&mut self, paging: Paging) {
        self.paging = Some(paging);
    }

    fn idempotent(&self) -> bool {
        !matches!(self.method, Method::POST | Method::PATCH | Method::CONNECT)
    }

    fn url(&self, base_url: &str, auth_query: &[(String, String)]) -> Result<reqwest::Url, Error> {
        let mut url = String::with_capacity(base_url.len() + 64);
        url.push_str(base_url);
        for part in &self.path {
            match part {
                PathPart::Literal(text) => url.push_str(text),
                PathPart::Encoded(text) => url.push_str(text),
            }
        }
        if !self.query.is_empty() || !auth_query.is_empty() {
            url.push('?');
            let all: Vec<(String, String)> = self.query.iter().chain(auth_query).cloned().collect();
            url.push_str(&encoding::query_string(&all));
        }
        // Too long for the HTTP stack, which would fail the same way on
        // every attempt. The URL is not quoted: it is long, and its query
        // may hold credentials.
        if url.len() > MAX_URL_LEN {
            return Err(Error::InvalidArgument(format!(
                "the request URL would be {} bytes long, more than the {MAX_URL_LEN} an HTTP request can carry",
                url.len()
            )));
        }
        reqwest::Url::parse(&url)
            .map_err(|e| Error::InvalidArgument(format!("the request URL is not valid: {e}")))
    }

    fn base_headers(
        &self,
        client: &Client,
        extra: &HeaderMap,
    ) -> Result<(HeaderMap, Vec<(String, String)>), Error> {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::USER_AGENT, client.user_agent().clone());
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static(self.accept),
        );
        // Client-wide defaults replace the two above, and give way to what
        // the operation and the request set.
        headers.extend(client.default_headers().clone());
        if let Some(body) = &self.body {
            headers.insert(reqwest::header::CONTENT_TYPE, body.content_type.clone());
        }
        let mut replaced: Vec<&'static str> = Vec::new();
        for (name, value) in &self.headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::InvalidArgument(format!(
                    "header `{name}` has a value that is not allowed in HTTP headers"
                ))
            })?;
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidArgument(format!("`{name}` is not a valid header name"))
            })?;
            // The operation's header replaces a default of the same name;
            // its own repeated values are all sent.
            if !replaced.contains(name) {
                headers.remove(&header);
                replaced.push(name);
            }
            headers.append(header, value);
        }
        let mut cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut auth_query = Vec::new();
        if self.authenticate
            && let Some(credentials) = client.credentials()
        {
            credentials.apply(AuthTarget {
                headers: &mut headers,
                query: &mut auth_query,
                cookies: &mut cookies,
            })?;
        }
        let secret_cookies = cookies.len() > self.cookies.len();
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                Error::InvalidArgument(
                    "a cookie has a value that is not allowed in HTTP headers".into(),
                )
            })?;
            // Credentials sent as a cookie are redacted like other secrets.
            value.set_sensitive(secret_cookies);
            headers.insert(reqwest::header::COOKIE, value);
        }
        for (name, value) in extra {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(basic) = client.url_auth()
            && !headers.contains_key(reqwest::header::AUTHORIZATION)
        {
            headers.insert(reqwest::header::AUTHORIZATION, basic.clone());
        }
        Ok((headers, auth_query))
    }
}

/// Where credentials are written.
pub(crate) struct AuthTarget<'a> {
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) query: &'a mut Vec<(String, String)>,
    pub(crate) cookies: &'a mut Vec<String>,
}

/// A params struct that knows how to write itself into a request.
pub(crate) trait WriteParams {
    fn write(self, parts: &mut RequestParts);
}

/// Per-request settings that override the client's defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_response_size: Option<u64>,
    headers: HeaderMap,
}

/// A response as received, before decoding.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
}

/// The decoded parts of a successful response.
pub(crate) struct Decoded<T, I> {
    pub(crate) result: T,
    pub(crate) result_info: Option<I>,
    pub(crate) messages: Vec<ApiMessage>,
}

impl<W: Wire, J: Wire> Decoded<W, J> {
    /// The values of a response decoded in wire form.
    fn into_values(self) -> Decoded<W::Value, J::Value> {
        Decoded {
            result: self.result.into_value(),
            result_info: self.result_info.map(Wire::into_value),
            messages: self.messages,
        }
    }
}

/// Turns a successful response into a typed result.
pub(crate) type Decoder<T, I> = fn(&RawResponse) -> Result<Decoded<T, I>, Error>;

/// A successful response with everything that came with the result.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T, I = serde_json::Value> {
    /// The result.
    pub result: T,
    /// Pagination and count metadata, when the response carries it.
    pub result_info: Option<I>,
    /// Informational messages from the server.
    pub messages: Vec<ApiMessage>,
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as received.
    body: bytes::Bytes,
}

impl<T, I> ApiResponse<T, I> {
    /// A `200 OK` response with `result` and no metadata, messages or
    /// headers; the `with_*` methods set those. For tests of code that
    /// consumes responses.
    pub fn new(result: T) -> Self {
        Self {
            result,
            result_info: None,
            messages: Vec::new(),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
        }
    }

    /// Sets the body that [`ApiResponse::body`] and [`ApiResponse::json`]
    /// read.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<bytes::Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The response body as received (the whole envelope, where the API
    /// has one), for what the API description lacks.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The response body decoded as `T`, e.g. a `serde_json::Value` or a
    /// struct of your own with fields the API description lacks. A body
    /// that does not decode is [`Error::Decode`] with the path of the
    /// value that failed.
    pub fn json<J: DeserializeOwned>(&self) -> Result<J, Error> {
        raw_json(self.status, &self.headers, &self.body)
    }

    /// Sets the pagination and count metadata.
    #[must_use]
    pub fn with_result_info(mut self, result_info: I) -> Self {
        self.result_info = Some(result_info);
        self
    }

    /// Sets the informational messages.
    #[must_use]
    pub fn with_messages(mut self, messages: Vec<ApiMessage>) -> Self {
        self.messages = messages;
        self
    }

    /// Sets the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets the response headers.
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// The server's request id, if the response carried one.
    pub fn request_id(&self) -> Option<String> {
        error::request_id(&self.headers)
    }
}

/// A request ready to send. Await it for the result, call
/// [`Request::send_with_meta`] for the status, headers, messages and result
/// info too, and adjust it first with [`Request::timeout`],
/// [`Request::max_retries`], [`Request::max_response_size`] or
/// [`Request::header`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<T, I = serde_json::Value> {
    pub(crate) client: Client,
    pub(crate) parts: RequestParts,
    pub(crate) options: RequestOptions,
    pub(crate) decode: Decoder<T, I>,
}

impl<T, I> std::fmt::Debug for Request<T, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.parts.method)
            .field("path", &self.parts.path)
            .field("query", &self.parts.query)
            .finish_non_exhaustive()
    }
}

impl<T, I> Request<T, I> {
    pub(crate) fn new(client: &Client, parts: RequestParts, decode: Decoder<T, I>) -> Self {
        Self {
            client: client.clone(),
            parts,
            options: RequestOptions::default(),
            decode,
        }
    }

    /// Gives up on each attempt after `timeout` instead of the client's default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Retries up to `retries` times instead of the client's default.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// Rejects a response body larger than `bytes` instead of the client's
    /// limit (see [`ClientBuilder::max_response_size`]).
    ///
    /// [`ClientBuilder::max_response_size`]: super::client::ClientBuilder::max_response_size
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.options.max_response_size = Some(bytes);
        self
    }

    /// Adds a header to this request, replacing one of the same name (also
    /// a client-wide default header or one the operation sets from its
    /// params). Name and value may be strings (`.header("x-trace", "on")`)
    /// or [`HeaderName`] and [`HeaderValue`]; one that is not valid in HTTP
    /// makes the request fail with [`Error::InvalidArgument`] when sent,
    /// before anything goes out.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        N::Error: std::fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Display,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.options.headers.insert(name, value);
            }
            (Err(e), _) => self
                .parts
                .reject(format!("a header name given with `header(..)`: {e}")),
            // The value is not quoted: it may be a credential.
            (Ok(name), Err(e)) => self.parts.reject(format!("header `{name}`: {e}")),
        }
        self
    }

    /// Adds a query parameter to this request, after those of the
    /// operation's params, e.g. one the API description lacks. Sent as
    /// given (percent-encoded), on every page of a stream too.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.query.push((name.into(), value.into()));
        self
    }

    /// Sets a field of this request's JSON body, e.g. one the API
    /// description lacks, replacing a field of the same name. A request
    /// without a body gets a JSON object with this field; a body that is
    /// not a JSON object (a list, a form, bytes) makes the request fail
    /// with [`Error::InvalidArgument`] when sent.
    pub fn body_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        let name = name.into();
        let mut object = match &self.parts.body {
            None => serde_json::Map::new(),
            Some(body) if is_json(&body.content_type) => {
                match serde_json::from_slice::<serde_json::Value>(&body.data) {
                    Ok(serde_json::Value::Object(object)) => object,
                    _ => {
                        self.parts.reject(format!(
                            "`body_field(\"{name}\", ..)`: the request body is not a JSON object"
                        ));
                        return self;
                    }
                }
            }
            Some(_) => {
                self.parts.reject(format!(
                    "`body_field(\"{name}\", ..)`: the request body is not JSON"
                ));
                return self;
            }
        };
        object.insert(name, value);
        let content_type = self
            .parts
            .body
            .as_ref()
            .map_or(HeaderValue::from_static("application/json"), |b| {
                b.content_type.clone()
            });
        // Writing a `Value` cannot fail: its keys are strings.
        let data = serde_json::to_vec(&object).unwrap_or_default();
        self.parts.body = Some(Body {
            content_type,
            data: data.into(),
        });
        self
    }
}

impl<T: Send + 'static, I: Send + 'static> Request<T, I> {
    /// Sends the request and returns the result.
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_meta().await.map(|r| r.result)
    }

    /// Sends the request and returns the result with the response's status,
    /// headers, messages and result info.
    pub async fn send_with_meta(self) -> Result<ApiResponse<T, I>, Error> {
        let raw = execute(&self.client, &self.parts, &self.options).await?;
        let decoded = (self.decode)(&raw)?;
        let mut response = ApiResponse::new(decoded.result)
            .with_messages(decoded.messages)
            .with_status(raw.status)
            .with_headers(raw.headers)
            .with_body(raw.body);
        response.result_info = decoded.result_info;
        Ok(response)
    }
}

impl<T: Send + 'static, I: Send + 'static> IntoFuture for Request<T, I> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Sends a request, retrying as the server and the options allow.
pub(crate) async fn execute(
    client: &Client,
    parts: &RequestParts,
    options: &RequestOptions,
) -> Result<RawResponse, Error> {
    let call = send_attempts(client, parts, options);
    trace::instrument(&parts.method, parts.operation, call).await
}

/// [`execute`] outside its span.
async fn send_attempts(
    client: &Client,
    parts: &RequestParts,
    options: &RequestOptions,
) -> Result<RawResponse, Error> {
    if let Some(problem) = &parts.invalid {
        return Err(Error::InvalidArgument(problem.clone()));
    }
    let (headers, auth_query) = parts.base_headers(client, &options.headers)?;
    let url = parts.url(client.base_url(), &auth_query)?;
    let max_retries = options.max_retries.unwrap_or(client.max_retries());
    let timeout = options.timeout.unwrap_or(client.timeout());
    let max_size = options
        .max_response_size
        .unwrap_or(client.max_response_size());
    let backoff_bounds = client.backoff();
    let idempotent = parts.idempotent();
    // Credentials in the query string must not leak through the URL that
    // transport errors carry.
    let secret_url = !auth_query.is_empty();
    let transport_error = |e: reqwest::Error| {
        if secret_url {
            Error::from(e.without_url())
        } else {
            Error::from(e)
        }
    };
    let mut attempt: u32 = 0;
    loop {
        // The request is assembled directly rather than through a
        // builder, which would copy the prepared headers in one by one.
        let mut request = reqwest::Request::new(parts.method.clone(), url.clone());
        *request.headers_mut() = headers.clone();
        // Inserted, not appended: it replaces a value set with `header(..)`.
        request.headers_mut().insert(
            HeaderName::from_static(RETRY_COUNT_HEADER),
            HeaderValue::from(attempt),
        );
        *request.timeout_mut() = Some(timeout);
        if let Some(body) = &parts.body {
            *request.body_mut() = Some(body.data.clone().into());
        }
        let retries_left = attempt < max_retries;
        match client.http().execute(request).await {
            Err(e) => {
                trace::failed_attempt(&parts.method, parts.operation, attempt, &e);
                // A failed connection never reached the server; anything
                // later may have been acted on, so only idempotent requests
                // are replayed. A request the HTTP client refused to build,
                // or a redirect loop, would fail the same way again.
                let again = !e.is_builder() && !e.is_redirect();
                if retries_left && again && (e.is_connect() || idempotent) {
                    let delay = backoff(attempt, backoff_bounds);
                    trace::retry(&parts.method, parts.operation, attempt + 1, None, delay);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                return Err(transport_error(e));
            }
            Ok(mut response) => {
                let status = response.status();
                // Reading the body needs nothing from the header map.
                let headers = std::mem::take(response.headers_mut());
                trace::attempt(&parts.method, parts.operation, attempt, status, &headers);
                if status.is_success() {
                    match read_body(&mut response, max_size).await {
                        Ok(body) => {
                            return Ok(RawResponse {
                                status,
                                headers,
                                body,
                            });
                        }
                        Err(BodyError::TooLarge) => {
                            return Err(Error::ResponseTooLarge {
                                status,
                                limit: max_size,
                            });
                        }
                        Err(BodyError::Transport(e)) if retries_left && idempotent => {
                            trace::failed_attempt(&parts.method, parts.operation, attempt, &e);
                            let delay = backoff(attempt, backoff_bounds);
                            let next = attempt + 1;
                            trace::retry(&parts.method, parts.operation, next, None, delay);
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                            continue;
                        }
                        Err(BodyError::Transport(e)) => return Err(transport_error(e)),
                    }
                }
                let error_limit = ERROR_BODY_LIMIT.min(max_size);
                if retries_left
                    && let Some(delay) =
                        retry_delay(status, &headers, idempotent, attempt, backoff_bounds)
                {
                    // Read a short body, so the connection can be reused;
                    // a longer one is dropped with its connection.
                    let _ = read_prefix(&mut response, error_limit).await;
                    let next = attempt + 1;
                    trace::retry(&parts.method, parts.operation, next, Some(status), delay);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                let body = read_prefix(&mut response, error_limit).await;
                return Err(error::api_error(status, headers, &body));
            }
        }
    }
}

/// Why a response body could not be read.
enum BodyError {
    /// It is longer than the limit.
    TooLarge,
    /// The connection failed or timed out.
    Transport(reqwest::Error),
}

/// Reads a whole response body of at most `limit` bytes, counting as it
/// arrives: a longer body fails as soon as its `Content-Length` or the
/// bytes received pass the limit, without being read further.
async fn read_body(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<bytes::Bytes, BodyError> {
    // Memory reserved up front on the word of `Content-Length`, which a
    // server may overstate; a longer body grows the buffer as it arrives.
    const RESERVE_AT_MOST: u64 = 1024 * 1024;
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge);
    }
    let mut first: Option<bytes::Bytes> = None;
    let mut joined: Option<bytes::BytesMut> = None;
    let mut received: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            return Err(BodyError::TooLarge);
        }
        if let Some(joined) = &mut joined {
            joined.extend_from_slice(&chunk);
            continue;
        }
        // A body in one chunk, the common case, is kept without a copy.
        match first.take() {
            None => first = Some(chunk),
            Some(earlier) => {
                let reserve = announced.unwrap_or(0).min(RESERVE_AT_MOST) as usize;
                let mut buffer =
                    bytes::BytesMut::with_capacity(reserve.max(earlier.len() + chunk.len()));
                buffer.extend_from_slice(&earlier);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok(match joined {
        Some(joined) => joined.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// The first `limit` bytes of a response body, or less if it is shorter
/// or breaks off; what is not read is dropped with the connection.
async fn read_prefix(response: &mut reqwest::Response, limit: u64) -> bytes::Bytes {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut prefix = bytes::BytesMut::new();
    while prefix.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(limit - prefix.len());
                prefix.extend_from_slice(&chunk[..take]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    prefix.freeze()
}

/// Decodes a response body that was already received as `T`, reporting
/// the path of the failing value.
pub(crate) fn raw_json<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &bytes::Bytes,
) -> Result<T, Error> {
    let raw = RawResponse {
        status,
        headers: headers.clone(),
        body: body.clone(),
    };
    parse(&raw, body)
}

/// Deserializes `T` from JSON, reporting the path of the failing value.
pub(crate) fn parse<T: DeserializeOwned>(raw: &RawResponse, body: &[u8]) -> Result<T, Error> {
    parse_seed(raw, body, PhantomData::<T>)
}

/// [`parse`] for a value that `seed` decodes.
pub(crate) fn parse_seed<S, T>(raw: &RawResponse, body: &[u8], seed: S) -> Result<T, Error>
where
    S: for<'de> DeserializeSeed<'de, Value = T> + Clone,
{
    // Tracking the path slows decoding down about threefold, so it is done
    // only to explain a failure: the body is decoded again, and the result
    // of that second decode is what is returned.
    from_slice_seed(body, seed.clone()).or_else(|_| parse_tracking_path(raw, body, seed))
}

/// What `serde_json::from_slice` does, for a seed: the body must hold
/// exactly one value.
pub(crate) fn from_slice_seed<'de, S: DeserializeSeed<'de>>(
    body: &'de [u8],
    seed: S,
) -> serde_json::Result<S::Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// [`parse_seed`] with the JSON path of the value being decoded tracked.
fn parse_tracking_path<S, T>(raw: &RawResponse, body: &[u8], seed: S) -> Result<T, Error>
where
    S: for<'de> DeserializeSeed<'de, Value = T>,
{
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let tracked = seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    let value = tracked.map_err(|e| {
        let path = track.path().to_string();
        error::decode_error(raw.status, &raw.headers, &raw.body, path, e.to_string())
    })?;
    de.end().map_err(|e| {
        error::decode_error(
            raw.status,
            &raw.headers,
            &raw.body,
            ".".into(),
            e.to_string(),
        )
    })?;
    Ok(value)
}

/// `T` for a response without a result: works for `Option`, `()` and
/// lists (as empty), and is a decode error otherwise.
pub(crate) fn absent<T: DeserializeOwned>(raw: &RawResponse, what: &str) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::Null)
        .or_else(|_| serde_json::from_value(serde_json::Value::Array(Vec::new())))
        .map_err(|_| {
            error::decode_error(
                raw.status,
                &raw.headers,
                &raw.body,
                what.into(),
                "the response has no result".into(),
            )
        })
}

/// Whether a response body is empty or only whitespace.
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// Decodes an enveloped response and unwraps its result.
pub(crate) fn decode_envelope<T: DeserializeOwned, I: DeserializeOwned>(
    raw: &RawResponse,
) -> Result<Decoded<T, I>, Error> {
    match config::ENVELOPE {
        Some(fields) => envelope::decode(raw, fields),
        // Only an API with an envelope has operations that use this decoder.
        None => decode_json(raw),
    }
}

/// [`decode_envelope`] for a result or result info whose type holds maps,
/// decoded in their wire forms `W` and `J` (see [`Wire`]).
pub(crate) fn decode_envelope_as<W: Wire, J: Wire>(
    raw: &RawResponse,
) -> Result<Decoded<W::Value, J::Value>, Error> {
    decode_envelope::<W, J>(raw).map(Decoded::into_values)
}

/// [`decode_json`] for a result whose type holds maps, decoded in its wire
/// form `W` (see [`Wire`]).
pub(crate) fn decode_json_as<W: Wire, J: Wire>(
    raw: &RawResponse,
) -> Result<Decoded<W::Value, J::Value>, Error> {
    decode_json::<W, J>(raw).map(Decoded::into_values)
}

/// Decodes a plain JSON response.
pub(crate) fn decode_json<T: DeserializeOwned, I>(
    raw: &RawResponse,
) -> Result<Decoded<T, I>, Error> {
    let result = if is_blank(&raw.body) {
        absent(raw, ".")?
    } else {
        parse(raw, &raw.body)?
    };
    Ok(Decoded {
        result,
        result_info: None,
        messages: Vec::new(),
    })
}

/// Decodes a text response.
pub(crate) fn decode_text<I>(raw: &RawResponse) -> Result<Decoded<String, I>, Error> {
    Ok(Decoded {
        result: String::from_utf8_lossy(&raw.body).into_owned(),
        result_info: None,
        messages: Vec::new(),
    })
}

/// Decodes a binary response.
pub(crate) fn decode_bytes<I>(raw: &RawResponse) -> Result<Decoded<Vec<u8>, I>, Error> {
    Ok(Decoded {
        result: raw.body.to_vec(),
        result_info: None,
        messages: Vec::new(),
    })
}

/// Accepts any body of a response documented as empty.
pub(crate) fn decode_empty<I>(_raw: &RawResponse) -> Result<Decoded<(), I>, Error> {
    Ok(Decoded {
        result: (),
        result_info: None,
        messages: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::de::{Entries, Plain};
    use super::*;

    fn ok(body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.to_owned().into(),
        }
    }

    #[test]
    fn a_result_holding_maps_skips_the_entries_that_do_not_fit() {
        type Counts = Entries<Plain<i64>>;
        let expected = [BTreeMap::from([("a".to_owned(), 1)]), BTreeMap::new()];
        let plain =
            decode_json_as::<Vec<Counts>, Plain<()>>(&ok(r#"[{"a": 1, "b": "x"}, {"c": []}]"#));
        assert_eq!(plain.unwrap().result, expected);
        let body = r#"{"success": true, "errors": [], "messages": [],
            "result": [{"a": 1, "b": "x"}, {"c": []}], "result_info": {"page": 1, "next": "x"}}"#;
        let enveloped = decode_envelope_as::<Vec<Counts>, Counts>(&ok(body)).unwrap();
        assert_eq!(enveloped.result, expected);
        assert_eq!(
            enveloped.result_info,
            Some(BTreeMap::from([("page".to_owned(), 1)]))
        );
        // Without the wire form the same body fails.
        assert!(decode_json::<Vec<BTreeMap<String, i64>>, ()>(&ok(r#"[{"b": "x"}]"#)).is_err());
    }

    fn request(body: impl FnOnce(&mut RequestParts)) -> Request<()> {
        let client = Client::builder().build().unwrap();
        let mut parts = RequestParts::new(Method::POST);
        body(&mut parts);
        Request::new(&client, parts, decode_empty)
    }

    fn body_json(request: &Request<()>) -> serde_json::Value {
        serde_json::from_slice(&request.parts.body.as_ref().unwrap().data).unwrap()
    }

    #[test]
    fn body_fields_extend_a_json_object_body_only() {
        let object = request(|p| p.json(&serde_json::json!({"a": 1}), "application/merge+json"))
            .body_field("b", serde_json::json!([2]))
            .body_field("a", serde_json::json!("one"));
        assert_eq!(
            body_json(&object),
            serde_json::json!({"a": "one", "b": [2]})
        );
        let body = object.parts.body.as_ref().unwrap();
        assert_eq!(body.content_type, "application/merge+json");
        assert!(object.parts.invalid.is_none());
        let none = request(|_| {}).body_field("k", serde_json::Value::Null);
        assert_eq!(body_json(&none), serde_json::json!({"k": null}));
        for bad in [
            request(|p| p.json(&[1, 2], "application/json")),
            request(|p| p.text("a=1".into(), "text/plain")),
            request(|p| p.form(&serde_json::json!({"a": 1}))),
        ] {
            let bad = bad.body_field("k", serde_json::json!(1));
            let problem = bad.parts.invalid.as_deref().unwrap_or_default();
            assert!(problem.starts_with("`body_field(\"k\", ..)`"), "{problem}");
        }
    }
}
