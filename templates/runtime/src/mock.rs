//! A mock server for the tests of crates that use this client, behind the
//! `mock` cargo feature: [`MockServer`] has the client's resource tree, and
//! each operation's [`Endpoint`] answers with this crate's own types,
//! wrapped in the envelope and paginated the way the real API does, so
//! that `.await`, `pages()` and `items()` run unchanged against it.
//!
//! It is built on [`wiremock`]: [`MockServer::server`] gives the server
//! itself, for what the typed endpoints do not cover.
// Every reply kind and pagination style is supported; a given API uses only some.
#![allow(dead_code)]

use std::marker::PhantomData;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::{Client, ClientBuilder};
use super::config;
use super::error::ApiMessage;
use super::pagination::Paging;

/// How long [`MockServer::client_builder`]'s clients wait before a retry,
/// so that tests of retried failures do not wait on the real backoff.
const TEST_BACKOFF: Duration = Duration::from_millis(1);

/// A local mock of the API on 127.0.0.1, stopped when dropped.
///
/// `MockServer::start().await`, then one typed call per operation
/// (`mock.accounts().get(id).returns(account).await`) and
/// [`MockServer::client`] for a client pointing at it.
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a mock server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:PORT`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The underlying [`wiremock::MockServer`], to mount mocks by hand.
    pub fn server(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// A client builder pointing at this server, with a 1 ms retry
    /// backoff and no credentials; `client()` adds test credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.server.uri())
            .retry_backoff(TEST_BACKOFF, TEST_BACKOFF)
    }

    /// Removes every mock mounted so far and forgets the requests received.
    pub async fn reset(&self) {
        self.server.reset().await;
    }
}

/// How an operation's successful response is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    /// The result inside the API's envelope.
    Envelope,
    /// The result as the JSON body.
    Json,
    /// The result, a string, as a text body.
    Text,
    /// The result, bytes, as the body.
    Bytes,
    /// No body (`204 No Content`).
    Empty,
}

/// What identifies an operation's requests and how it answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    pub(crate) reply: Reply,
    pub(crate) paging: Option<Paging>,
}

/// The types an [`Endpoint`] answers with and decodes, held as a marker.
type Types<R, I, B> = fn() -> (R, I, B);

/// Turns the operation's params into the query pairs the client sends.
type EncodeParams<P> = fn(P) -> Vec<(String, String)>;

/// Decodes a JSON request body into the operation's body type.
fn decode_json<B: DeserializeOwned>(body: &[u8]) -> Option<B> {
    serde_json::from_slice(body).ok()
}

/// One operation of the mock, for one set of path parameters: say what
/// it matches (`with_params`, `with_body`), then how it answers
/// (`returns`, `pages`, `fails`, ...), which mounts it. `received()` gives
/// what the client sent it.
///
/// `R` is the operation's result type, `I` that of its `result_info`,
/// `P` its params struct and `B` its body type ([`NoParams`] and
/// [`NoBody`] when it has none, or when the body is not JSON).
#[must_use = "an endpoint is mounted by one of its replies, e.g. `.returns(value).await`"]
pub struct Endpoint<'m, R, I = serde_json::Value, P = NoParams, B = NoBody> {
    server: &'m MockServer,
    operation: Operation,
    /// The request path, encoded as the client encodes it, or why the path
    /// parameters cannot be encoded.
    path: Result<String, String>,
    encode_params: Option<EncodeParams<P>>,
    json_body: bool,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    delay: Option<Duration>,
    marker: PhantomData<Types<R, I, B>>,
}

/// The params type of an operation without query, header or cookie
/// parameters: it has no values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoParams {}

/// The body type of an operation without a JSON request body: it has no
/// values; [`Received::raw_body`] has the bytes sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum NoBody {}

impl<'m, R, I, P, B> Endpoint<'m, R, I, P, B> {
    /// An endpoint; `path` is built from the operation's segments.
    pub(crate) fn new(
        server: &'m MockServer,
        operation: Operation,
        path: Result<String, String>,
    ) -> Self {
        Self {
            server,
            operation,
            path,
            encode_params: None,
            json_body: false,
            query: Vec::new(),
            body: None,
            delay: None,
            marker: PhantomData,
        }
    }

    /// Lets `with_params` and [`Received::sent_params`] encode params.
    pub(crate) fn params(mut self, encode: EncodeParams<P>) -> Self {
        self.encode_params = Some(encode);
        self
    }

    /// Marks the request body as JSON, decoded by `received()`.
    pub(crate) fn json_body(mut self) -> Self {
        self.json_body = true;
        self
    }

    /// Matches only requests whose query carries what these params write
    /// (the client's own encoding; other query parameters may be present).
    /// Headers and cookies among the params are not compared.
    pub fn with_params(mut self, params: P) -> Self {
        if let Some(encode) = self.encode_params {
            self.query.extend(encode(params));
        }
        self
    }

    /// Matches only requests whose JSON body equals `body`.
    pub fn with_body(mut self, body: &B) -> Self
    where
        B: Serialize,
    {
        match serde_json::to_value(body) {
            Ok(value) => self.body = Some(value),
            Err(e) => self.path = Err(format!("the body cannot be written as JSON: {e}")),
        }
        self
    }

    /// Answers after `delay`, e.g. longer than the client's timeout.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers with `result`: in the envelope, as JSON, text or bytes,
    /// as the operation's responses are written.
    pub async fn returns(self, result: R)
    where
        R: Serialize,
    {
        let body = self.success_body(&result, None::<&()>);
        self.mount(vec![(Vec::new(), body)]).await;
    }

    /// Answers with `result` and `result_info` in the envelope.
    pub async fn returns_with_info(self, result: R, info: I)
    where
        R: Serialize,
        I: Serialize,
    {
        let body = self.success_body(&result, Some(&info));
        self.mount(vec![(Vec::new(), body)]).await;
    }

    /// Answers `status` with the API's error body: one error item with
    /// `code` and `message`, as [`Error::Api`](super::error::Error::Api)
    /// reports it.
    pub async fn fails(self, status: u16, code: i64, message: &str) {
        self.fails_with(status, vec![message_item(Some(code), message)])
            .await;
    }

    /// Answers `status` with the API's error body carrying `errors`.
    pub async fn fails_with(self, status: u16, errors: Vec<ApiMessage>) {
        let body = error_body(&errors);
        self.mount(vec![(Vec::new(), Body::json(status, body))])
            .await;
    }

    /// Answers `429 Too Many Requests` with `retry-after` (whole seconds)
    /// and an error item. The client retries it after that delay; a test
    /// of the error itself sets `max_retries(0)`.
    pub async fn rate_limited(self, retry_after: Duration) {
        let item = message_item(None, "rate limited");
        let mut body = Body::json(429, error_body(&[item]));
        body.headers
            .push(("retry-after", retry_after.as_secs_f64().ceil().to_string()));
        self.mount(vec![(Vec::new(), body)]).await;
    }

    /// Answers a `5xx` server error `status` with an error item. The
    /// client retries it; a test of the error itself sets `max_retries(0)`.
    pub async fn server_error(self, status: u16) {
        let item = message_item(None, "internal server error");
        self.fails_with(status, vec![item]).await;
    }

    /// Answers `status` with `body` as it is, for what the helpers do not
    /// cover.
    pub async fn responds(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        let body = Body {
            status,
            content_type: Some(content_type.to_owned()),
            data: body.into(),
            headers: Vec::new(),
        };
        self.mount(vec![(Vec::new(), body)]).await;
    }

    /// Every request this endpoint matched (path and method, plus its
    /// params and body when given), in the order received, with its body
    /// decoded into the operation's body type.
    pub async fn received(&self) -> Vec<Received<P, B>>
    where
        B: DeserializeOwned,
    {
        let requests = self.server.server.received_requests().await;
        requests
            .unwrap_or_default()
            .iter()
            .filter(|r| self.matches(r))
            .map(|r| Received {
                method: r.method.as_str().to_owned(),
                path: r.url.path().to_owned(),
                query: r.url.query_pairs().into_owned().collect(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                    .collect(),
                body: if self.json_body {
                    decode_json(&r.body)
                } else {
                    None
                },
                raw_body: r.body.clone(),
                encode_params: self.encode_params,
            })
            .collect()
    }

    /// Whether a request is one for this endpoint.
    fn matches(&self, request: &wiremock::Request) -> bool {
        self.request_match()
            .is_some_and(|rule| rule.holds(request, &[]))
    }

    /// What every request of this endpoint carries; `None` when its path
    /// parameters cannot be encoded.
    fn request_match(&self) -> Option<RequestMatch> {
        Some(RequestMatch {
            method: self.operation.method,
            path: self.path.clone().ok()?,
            query: self.query.clone(),
            body: self.body.clone(),
        })
    }

    /// The body of a successful response with `result`.
    fn success_body<T: Serialize, J: Serialize>(&self, result: &T, info: Option<&J>) -> Body {
        let value = match serde_json::to_value(result) {
            Ok(value) => value,
            Err(e) => {
                return Body::text(500, format!("the mock result cannot be written: {e}"));
            }
        };
        match self.operation.reply {
            Reply::Envelope => {
                let info = info.and_then(|i| serde_json::to_value(i).ok());
                Body::json(200, envelope(value, info))
            }
            Reply::Json => Body::json(200, value),
            Reply::Text => match value {
                serde_json::Value::String(text) => Body::text(200, text),
                other => Body::text(200, other.to_string()),
            },
            Reply::Bytes => {
                let data = serde_json::from_value::<Vec<u8>>(value).unwrap_or_default();
                Body {
                    status: 200,
                    content_type: Some("application/octet-stream".to_owned()),
                    data,
                    headers: Vec::new(),
                }
            }
            Reply::Empty => Body {
                status: 204,
                content_type: None,
                data: Vec::new(),
                headers: Vec::new(),
            },
        }
    }

    /// Mounts one mock per `(query, body)`: the query pairs are what a
    /// request must carry beyond those every request of the endpoint must.
    /// A mock with more query pairs takes precedence.
    async fn mount(self, replies: Vec<(Vec<QueryRule>, Body)>) {
        let Some(request_match) = self.request_match() else {
            let problem = self.path.as_ref().err().map_or("", String::as_str);
            panic!(
                "mock of `{}`: the path parameters cannot be encoded: {problem}",
                self.operation.id
            );
        };
        for (rules, body) in replies {
            let priority = if rules.is_empty() { 5 } else { 1 };
            let request_match = request_match.clone();
            let matcher = move |r: &wiremock::Request| request_match.holds(r, &rules);
            let mut template = wiremock::ResponseTemplate::new(body.status);
            for (name, value) in &body.headers {
                template = template.insert_header(*name, value.as_str());
            }
            if let Some(content_type) = &body.content_type {
                template = template.set_body_raw(body.data, content_type);
            }
            if let Some(delay) = self.delay {
                template = template.set_delay(delay);
            }
            wiremock::Mock::given(matcher)
                .respond_with(template)
                .with_priority(priority)
                .named(self.operation.id)
                .mount(&self.server.server)
                .await;
        }
    }
}

impl<'m, T, I, P, B> Endpoint<'m, Vec<T>, I, P, B> {
    /// Answers a list operation with these pages, each with the metadata
    /// that leads the client to the next (a total page count, or a next
    /// cursor or page token), so `pages()` yields them in order and
    /// `items()` every item. The first page answers requests without the
    /// page parameter; an operation that does not paginate takes one page.
    pub async fn pages(self, pages: impl IntoIterator<Item = Vec<T>>)
    where
        T: Serialize,
    {
        let pages: Vec<Vec<T>> = pages.into_iter().collect();
        let total = pages.len();
        let paging = match self.operation.paging {
            Some(paging) if self.operation.reply == Reply::Envelope => paging,
            _ if total <= 1 => {
                let first = pages.into_iter().next().unwrap_or_default();
                return self.returns(first).await;
            }
            _ => panic!(
                "mock of `{}`: the operation does not paginate, so it answers one page, not {total}",
                self.operation.id
            ),
        };
        let mut replies = Vec::with_capacity(total.max(1));
        let mut pages = pages;
        if pages.is_empty() {
            pages.push(Vec::new());
        }
        let total = pages.len();
        for (index, items) in pages.iter().enumerate() {
            let number = index + 1;
            let mut body = match serde_json::to_value(items) {
                Ok(value) => envelope(value, None),
                Err(e) => {
                    replies.push((Vec::new(), Body::text(500, e.to_string())));
                    continue;
                }
            };
            let (at, (rule, value)) = match paging {
                Paging::PageNumber { param, total_pages } => {
                    let rule = if number == 1 {
                        QueryRule::FirstPage(param)
                    } else {
                        QueryRule::Equals(param, number.to_string())
                    };
                    (total_pages, (rule, Some(serde_json::Value::from(total))))
                }
                Paging::Cursor { param, next } | Paging::PageToken { param, next } => {
                    let rule = if number == 1 {
                        QueryRule::Missing(param)
                    } else {
                        QueryRule::Equals(param, token(number))
                    };
                    let next_value =
                        (number < total).then(|| serde_json::Value::from(token(number + 1)));
                    (next, (rule, next_value))
                }
            };
            if let Some(value) = value {
                set_at(&mut body, at, value);
            }
            replies.push((vec![rule], Body::json(200, body)));
        }
        self.mount(replies).await;
    }
}

/// An error item with `code` and `message`.
fn message_item(code: Option<i64>, message: &str) -> ApiMessage {
    let item = ApiMessage::new(message);
    match code {
        Some(code) => item.with_code(code),
        None => item,
    }
}

/// The cursor or page token leading to page `number`.
fn token(number: usize) -> String {
    format!("mock-page-{number}")
}

/// What a request of an endpoint carries: its method, encoded path, the
/// query pairs of `with_params` and the body of `with_body`.
#[derive(Debug, Clone)]
struct RequestMatch {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
}

impl RequestMatch {
    /// Whether `request` carries all of it and meets every one of `rules`.
    fn holds(&self, request: &wiremock::Request, rules: &[QueryRule]) -> bool {
        request.method.as_str() == self.method
            && request.url.path() == self.path
            && has_query(request, &self.query)
            && rules.iter().all(|rule| rule.holds(request))
            && self.body.as_ref().is_none_or(|body| {
                serde_json::from_slice::<serde_json::Value>(&request.body)
                    .ok()
                    .as_ref()
                    == Some(body)
            })
    }
}

/// A condition on a request's query.
#[derive(Debug, Clone)]
enum QueryRule {
    /// The parameter is absent.
    Missing(&'static str),
    /// The parameter is absent or `1`.
    FirstPage(&'static str),
    /// The parameter's last value is this.
    Equals(&'static str, String),
}

impl QueryRule {
    fn holds(&self, request: &wiremock::Request) -> bool {
        let last = |name: &str| {
            request
                .url
                .query_pairs()
                .filter(|(k, _)| k == name)
                .last()
                .map(|(_, v)| v.into_owned())
        };
        match self {
            QueryRule::Missing(name) => last(name).is_none(),
            QueryRule::FirstPage(name) => last(name).is_none_or(|v| v == "1"),
            QueryRule::Equals(name, value) => last(name).as_deref() == Some(value.as_str()),
        }
    }
}

/// Whether a request's query carries every pair of `expected`.
fn has_query(request: &wiremock::Request, expected: &[(String, String)]) -> bool {
    let sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    expected.iter().all(|pair| sent.contains(pair))
}

/// A response to mount.
struct Body {
    status: u16,
    content_type: Option<String>,
    data: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Body {
    fn json(status: u16, value: serde_json::Value) -> Self {
        Self {
            status,
            content_type: Some("application/json".to_owned()),
            data: value.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    fn text(status: u16, text: String) -> Self {
        Self {
            status,
            content_type: Some("text/plain".to_owned()),
            data: text.into_bytes(),
            headers: Vec::new(),
        }
    }
}

/// `result` (and `result_info`) in the API's envelope; `result` itself when
/// the API has none.
fn envelope(result: serde_json::Value, info: Option<serde_json::Value>) -> serde_json::Value {
    let Some(fields) = config::ENVELOPE else {
        return result;
    };
    let mut body = serde_json::Map::new();
    body.insert(fields.result.to_owned(), result);
    if let Some(success) = fields.success {
        body.insert(success.to_owned(), serde_json::Value::Bool(true));
    }
    for list in [fields.errors, fields.messages].into_iter().flatten() {
        body.insert(list.to_owned(), serde_json::Value::Array(Vec::new()));
    }
    if let (Some(name), Some(info)) = (fields.result_info, info) {
        body.insert(name.to_owned(), info);
    }
    serde_json::Value::Object(body)
}

/// An error body carrying `errors`: in the envelope's error list, or the
/// first one's `message` and `code` at the top level when the API has none.
fn error_body(errors: &[ApiMessage]) -> serde_json::Value {
    let items = serde_json::to_value(errors).unwrap_or_default();
    match config::ENVELOPE {
        Some(fields) if fields.errors.is_some() => {
            let mut body = serde_json::Map::new();
            if let Some(success) = fields.success {
                body.insert(success.to_owned(), serde_json::Value::Bool(false));
            }
            if let Some(name) = fields.errors {
                body.insert(name.to_owned(), items);
            }
            if let Some(name) = fields.messages {
                body.insert(name.to_owned(), serde_json::Value::Array(Vec::new()));
            }
            body.insert(fields.result.to_owned(), serde_json::Value::Null);
            serde_json::Value::Object(body)
        }
        _ => match errors.first() {
            Some(first) => serde_json::to_value(first).unwrap_or_default(),
            None => serde_json::json!({}),
        },
    }
}

/// Sets the value at `path` in `body`, making the objects on the way.
fn set_at(body: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = body;
    for key in parents {
        if !at.get(*key).is_some_and(serde_json::Value::is_object) {
            if let Some(object) = at.as_object_mut() {
                object.insert(
                    (*key).to_owned(),
                    serde_json::Value::Object(Default::default()),
                );
            } else {
                return;
            }
        }
        let Some(next) = at.get_mut(*key) else {
            return;
        };
        at = next;
    }
    if let Some(object) = at.as_object_mut() {
        object.insert((*last).to_owned(), value);
    }
}

/// One request an [`Endpoint`] received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Received<P = NoParams, B = NoBody> {
    /// HTTP method.
    pub method: String,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers, in order (values that are not text are empty).
    pub headers: Vec<(String, String)>,
    /// The JSON body decoded into the operation's body type; `None` when
    /// there is none, it does not decode, or the body is not JSON.
    pub body: Option<B>,
    /// The body's bytes.
    pub raw_body: Vec<u8>,
    encode_params: Option<EncodeParams<P>>,
}

impl<P, B> Received<P, B> {
    /// The last value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the query carries exactly the query parameters these params
    /// write (the client's own encoding of them), no more, no fewer.
    pub fn sent_params(&self, params: P) -> bool {
        let Some(encode) = self.encode_params else {
            return false;
        };
        let mut expected = encode(params);
        let mut sent = self.query.clone();
        expected.sort();
        sent.sort();
        expected == sent
    }
}
