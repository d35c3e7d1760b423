//! Streams over paginated list operations: [`Pages`] and [`Items`], whose
//! documentation gives the rules that end them.
// Every pagination style is supported; a given API uses only some.
#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::stream::{FusedStream, Stream};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::config;
use super::error::{ApiMessage, Error};
use super::request::{self, RawResponse, Request, RequestParts};

/// How many digests of pages and of cursors a stream keeps.
const REMEMBERED: usize = 1024;

/// How much of a cursor an error message quotes.
const CURSOR_EXCERPT: usize = 64;

/// How an operation asks for its next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// `?page=N`, up to the total page count at `total_pages` in the body.
    PageNumber {
        param: &'static str,
        total_pages: &'static [&'static str],
    },
    /// `?cursor=X`, with the next cursor at `next` in the body.
    Cursor {
        param: &'static str,
        next: &'static [&'static str],
    },
    /// `?page_token=X`, with the next token at `next` in the body.
    PageToken {
        param: &'static str,
        next: &'static [&'static str],
    },
}

impl Paging {
    /// Where in the body the value that leads to the next page is.
    fn path(self) -> &'static [&'static str] {
        match self {
            Paging::PageNumber { total_pages, .. } => total_pages,
            Paging::Cursor { next, .. } | Paging::PageToken { next, .. } => next,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T, I = serde_json::Value> {
    /// The items on this page.
    pub items: Vec<T>,
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

impl<T, I> Page<T, I> {
    /// A page of `items` as a `200 OK` response without metadata, messages
    /// or headers; the `with_*` methods set those. For tests of code that
    /// consumes pages.
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            result_info: None,
            messages: Vec::new(),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
        }
    }

    /// Sets the body that [`Page::body`] and [`Page::json`] read.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<bytes::Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The page's response body as received (the whole envelope, where
    /// the API has one), for what the API description lacks.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The page's response body decoded as `J`, e.g. a
    /// `serde_json::Value`. A body that does not decode is
    /// [`Error::Decode`] with the path of the value that failed.
    pub fn json<J: serde::de::DeserializeOwned>(&self) -> Result<J, Error> {
        request::raw_json(self.status, &self.headers, &self.body)
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
}

impl<T: Send + 'static, I: Send + 'static> Request<Vec<T>, I> {
    /// Every page, fetched lazily one after the other: a [`Pages`] stream.
    /// It ends after the last page or after the first error; [`Pages`]
    /// lists every rule that ends it.
    pub fn pages(self) -> Pages<T, I> {
        let mut seen = Seen::new();
        if let Some(Paging::Cursor { param, .. } | Paging::PageToken { param, .. }) =
            self.parts.paging
            && let Some((_, start)) = self.parts.query.iter().rev().find(|(k, _)| k == param)
        {
            // The cursor the caller started from counts as followed.
            seen.follow(start);
        }
        Pages {
            next: Some(Ok(self.parts.clone())),
            fetching: None,
            max_pages: self.client.max_pages(),
            fetched: 0,
            seen,
            request: self,
        }
    }

    /// Every item of every page, fetched lazily page by page: an [`Items`]
    /// stream. It ends after the last item or after the first error, by
    /// the same rules as [`Request::pages`].
    pub fn items(self) -> Items<T, I> {
        Items {
            pages: self.pages(),
            items: Vec::new().into_iter(),
        }
    }
}

/// A request for one page in flight, returning the request for the page
/// with the response.
type Fetch = Pin<Box<dyn Future<Output = (RequestParts, Result<RawResponse, Error>)> + Send>>;

/// The pages of a list operation, as a [`Stream`] of [`Page`]s, from
/// [`Request::pages`].
///
/// Named, `Unpin` and `Send`: `while let Some(page) = pages.try_next().await?`
/// works without pinning, and a stream can be kept in a struct or sent to
/// a task. Pages are fetched one at a time, when the stream is polled; a
/// request failing ends the stream with its error (after the client's
/// retries).
///
/// How the next page is requested depends on the operation: numbered pages,
/// an opaque cursor, a page token, or a single page. A stream ends after
/// its last page, and always ends, whatever the server does:
///
/// - **Page numbers** end at the page whose number reaches the total page
///   count the response reports. A count that cannot be read (missing,
///   `null`, negative, fractional, text that is not a number) is unknown:
///   the stream then ends at the first empty page. An absurd count
///   (`1e9`) is read as it is, and the rules below end the stream.
/// - **Cursors and page tokens** end at a response without a next cursor
///   (missing, `null` or empty).
/// - **Empty pages** do not end a stream that has more to fetch: an empty
///   page before the reported total, or one that still carries a next
///   cursor, is yielded (with no items) and the stream continues, so that
///   nothing after it is lost. An empty page ends only a page-number stream
///   without a readable total.
/// - **Repeats**: a page whose items are the same as those of an earlier
///   page of the stream means the server ignores the page asked for; the
///   stream ends with [`Error::Pagination`] instead of that page. A next
///   cursor or token the stream already followed (including the one it
///   started from) means a loop; the stream yields the page that carried
///   it, then ends with [`Error::Pagination`]. Only the items are compared,
///   not the metadata beside them, which a server may echo from the request.
///   The stream remembers a 64-bit keyed digest of each of the last 1,024
///   pages and cursors, never the pages or cursors themselves, so its memory
///   stays small however long the cursors are.
/// - **Page limit**: a stream fetches at most [`DEFAULT_MAX_PAGES`] (1,000)
///   pages, or what [`ClientBuilder::max_pages`] or [`Pages::max_pages`]
///   set; one that would need more ends with [`Error::Pagination`] naming
///   the limit, after the last page it was allowed. This also ends a server
///   that hands out fresh cursors or new items forever.
///
/// [`DEFAULT_MAX_PAGES`]: super::client::DEFAULT_MAX_PAGES
/// [`ClientBuilder::max_pages`]: super::client::ClientBuilder::max_pages
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<T, I = serde_json::Value> {
    request: Request<Vec<T>, I>,
    /// The next page to fetch, or an error to report before ending.
    next: Option<Result<RequestParts, Error>>,
    fetching: Option<Fetch>,
    max_pages: u32,
    fetched: u32,
    seen: Seen,
}

// Nothing in a stream is ever pinned in place: the request in flight is
// boxed, and items are only moved out.
impl<T, I> Unpin for Pages<T, I> {}

impl<T, I> fmt::Debug for Pages<T, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("request", &self.request)
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .field("done", &self.is_terminated())
            .finish_non_exhaustive()
    }
}

impl<T, I> Pages<T, I> {
    /// Fetches at most `pages` pages (`0` counts as `1`) instead of the
    /// client's limit ([`ClientBuilder::max_pages`]); a stream that would
    /// need more ends with [`Error::Pagination`] after the last page it was
    /// allowed.
    ///
    /// [`ClientBuilder::max_pages`]: super::client::ClientBuilder::max_pages
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The items of the remaining pages, as an [`Items`] stream.
    pub fn into_items(self) -> Items<T, I> {
        Items {
            pages: self,
            items: Vec::new().into_iter(),
        }
    }

    /// Turns a response into the page it holds, and sets up the next one.
    fn receive(
        &mut self,
        parts: RequestParts,
        response: Result<RawResponse, Error>,
    ) -> Result<Page<T, I>, Error> {
        let raw = response?;
        let decoded = (self.request.decode)(&raw)?;
        match self
            .seen
            .advance(parts, &raw.body, decoded.result.is_empty())
        {
            Ok(next) => self.next = next.map(Ok),
            Err(Advance::Repeated(e)) => return Err(e),
            // This page is new; the error follows it.
            Err(Advance::Loop(e)) => self.next = Some(Err(e)),
        }
        let mut page = Page::new(decoded.result)
            .with_messages(decoded.messages)
            .with_status(raw.status)
            .with_headers(raw.headers)
            .with_body(raw.body);
        page.result_info = decoded.result_info;
        Ok(page)
    }

    fn limit_reached(&self) -> Error {
        Error::Pagination(format!(
            "stopped after {} pages, the most one stream fetches, while the server has more; \
             raise the limit with `max_pages(..)` on the stream or `ClientBuilder::max_pages`",
            self.max_pages
        ))
    }
}

impl<T, I> Stream for Pages<T, I> {
    type Item = Result<Page<T, I>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let fetch = match &mut this.fetching {
            Some(fetch) => fetch,
            None => {
                let parts = match this.next.take() {
                    None => return Poll::Ready(None),
                    Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Some(Ok(parts)) => parts,
                };
                if this.fetched >= this.max_pages {
                    return Poll::Ready(Some(Err(this.limit_reached())));
                }
                this.fetched += 1;
                let client = this.request.client.clone();
                let options = this.request.options.clone();
                this.fetching.insert(Box::pin(async move {
                    let response = request::execute(&client, &parts, &options).await;
                    (parts, response)
                }))
            }
        };
        let (parts, response) = ready!(fetch.as_mut().poll(cx));
        this.fetching = None;
        Poll::Ready(Some(this.receive(parts, response)))
    }
}

impl<T, I> FusedStream for Pages<T, I> {
    fn is_terminated(&self) -> bool {
        self.next.is_none() && self.fetching.is_none()
    }
}

/// The items of every page of a list operation, as a [`Stream`], from
/// [`Request::items`] or [`Pages::into_items`]. It ends by the rules of
/// [`Pages`], and is `Unpin` and `Send` too.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<T, I = serde_json::Value> {
    pages: Pages<T, I>,
    /// What is left of the current page.
    items: std::vec::IntoIter<T>,
}

impl<T, I> Unpin for Items<T, I> {}

impl<T, I> fmt::Debug for Items<T, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.items.len())
            .finish()
    }
}

impl<T, I> Items<T, I> {
    /// Fetches at most `pages` pages: see [`Pages::max_pages`].
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.pages = self.pages.max_pages(pages);
        self
    }
}

impl<T, I> Stream for Items<T, I> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.items = page.items.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = self.pages.is_terminated().then_some(self.items.len());
        (self.items.len(), upper)
    }
}

impl<T, I> FusedStream for Items<T, I> {
    fn is_terminated(&self) -> bool {
        self.items.len() == 0 && self.pages.is_terminated()
    }
}

/// What a stream remembers to recognise a server that repeats itself.
struct Seen {
    /// Keys the digests, so a server cannot choose values that collide.
    hasher: RandomState,
    /// Digests of the items of recent non-empty pages.
    pages: Recent,
    /// Digests of recent cursors and tokens followed.
    cursors: Recent,
}

/// Why pagination cannot go on.
enum Advance {
    /// The page just received repeats an earlier one; drop it.
    Repeated(Error),
    /// The page just received is new, but following it would loop.
    Loop(Error),
}

impl Seen {
    fn new() -> Self {
        Self {
            hasher: RandomState::new(),
            pages: Recent::default(),
            cursors: Recent::default(),
        }
    }

    /// Records a cursor as followed; false if it was already.
    fn follow(&mut self, cursor: &str) -> bool {
        let digest = self.hasher.hash_one(cursor);
        self.cursors.insert(digest)
    }

    /// The request for the page after the one just received, if any.
    fn advance(
        &mut self,
        mut parts: RequestParts,
        body: &[u8],
        empty: bool,
    ) -> Result<Option<RequestParts>, Advance> {
        let Some(paging) = parts.paging else {
            return Ok(None);
        };
        let scan = scan(body, paging.path(), &self.hasher);
        if !empty
            && let Some(items) = scan.items
            && !self.pages.insert(items)
        {
            return Err(Advance::Repeated(Error::Pagination(
                "the server returned the same content as for an earlier page; stopping instead of yielding it again"
                    .into(),
            )));
        }
        match paging {
            Paging::PageNumber { param, .. } => {
                let current: u64 = parts
                    .query
                    .iter()
                    .rev()
                    .find(|(k, _)| k == param)
                    .and_then(|(_, v)| number(&serde_json::Value::String(v.clone())))
                    .unwrap_or(1);
                match scan.value.as_ref().and_then(number) {
                    Some(total) if current >= total => return Ok(None),
                    None if empty => return Ok(None),
                    _ => {}
                }
                parts.set_query(param, current.saturating_add(1).to_string());
            }
            Paging::Cursor { param, .. } | Paging::PageToken { param, .. } => {
                let Some(token) = scan.value.as_ref().and_then(text) else {
                    return Ok(None);
                };
                if !self.follow(&token) {
                    return Err(Advance::Loop(Error::Pagination(format!(
                        "the server returned `{}` as the next `{param}` again; stopping instead of looping",
                        excerpt(&token)
                    ))));
                }
                parts.set_query(param, token);
            }
        }
        Ok(Some(parts))
    }
}

/// The start of a cursor, for an error message.
fn excerpt(cursor: &str) -> String {
    match cursor.char_indices().nth(CURSOR_EXCERPT) {
        Some((at, _)) => format!("{}…", &cursor[..at]),
        None => cursor.to_owned(),
    }
}

/// The last [`REMEMBERED`] digests inserted.
#[derive(Default)]
struct Recent {
    set: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Recent {
    /// Remembers `digest`; false if it is among the remembered ones.
    fn insert(&mut self, digest: u64) -> bool {
        if !self.set.insert(digest) {
            return false;
        }
        self.order.push_back(digest);
        if self.order.len() > REMEMBERED
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        true
    }
}

/// What pagination needs from a page's body.
#[derive(Default)]
struct Scanned {
    /// The value at the pagination path (total page count or next cursor).
    value: Option<serde_json::Value>,
    /// A digest of the items.
    items: Option<u64>,
}

/// Reads the value at `path` and a digest of the items from a page's
/// body: in one pass when the items are a field of the envelope beside the
/// pagination metadata, else the digest is of the whole body.
fn scan(body: &[u8], path: &[&str], hasher: &RandomState) -> Scanned {
    match config::ENVELOPE {
        Some(fields) => {
            let seed = EnvelopeScan {
                path,
                items: fields.result,
                hasher,
            };
            let mut de = serde_json::Deserializer::from_slice(body);
            seed.deserialize(&mut de).unwrap_or_default()
        }
        None => Scanned {
            value: probe(body, path),
            items: digest(body, hasher),
        },
    }
}

/// A digest of a whole JSON document.
fn digest(body: &[u8], hasher: &RandomState) -> Option<u64> {
    let mut state = hasher.build_hasher();
    let mut de = serde_json::Deserializer::from_slice(body);
    Digest(&mut state).deserialize(&mut de).ok()?;
    Some(state.finish())
}

/// Finds the value at `path` and the digest of the field `items` of an
/// envelope.
struct EnvelopeScan<'a> {
    path: &'a [&'a str],
    items: &'a str,
    hasher: &'a RandomState,
}

impl<'de> DeserializeSeed<'de> for EnvelopeScan<'_> {
    type Value = Scanned;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Scanned, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeScan<'_> {
    type Value = Scanned;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scanned, A::Error> {
        let mut scanned = Scanned::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == self.items {
                let mut state = self.hasher.build_hasher();
                map.next_value_seed(Digest(&mut state))?;
                scanned.items = Some(state.finish());
            } else if let Some((head, rest)) = self.path.split_first()
                && key == *head
            {
                scanned.value = map.next_value_seed(Probe(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(scanned)
    }
}

/// Feeds every token of a JSON value into a hasher, tagged by kind, so
/// that values of different shapes give different digests.
struct Digest<'h, H>(&'h mut H);

impl<'de, H: Hasher> DeserializeSeed<'de> for Digest<'_, H> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, H: Hasher> Visitor<'de> for Digest<'_, H> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        self.0.write_u8(if value { 1 } else { 2 });
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        self.0.write_u8(3);
        self.0.write_i64(value);
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.0.write_u8(4);
        self.0.write_u64(value);
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        self.0.write_u8(5);
        self.0.write_u64(value.to_bits());
        Ok(())
    }

    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        self.0.write_u8(6);
        self.0.write_usize(value.len());
        self.0.write(value.as_bytes());
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.write_u8(7);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.write_u8(8);
        while seq.next_element_seed(Digest(&mut *self.0))?.is_some() {}
        self.0.write_u8(9);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.write_u8(10);
        while map.next_key_seed(Digest(&mut *self.0))?.is_some() {
            map.next_value_seed(Digest(&mut *self.0))?;
        }
        self.0.write_u8(11);
        Ok(())
    }
}

/// A non-negative whole number, also from text or a whole float (`2.0`).
fn number(value: &serde_json::Value) -> Option<u64> {
    let whole = |f: f64| (f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64).then_some(f as u64);
    match value {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().and_then(whole)),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .ok()
            .or_else(|| s.trim().parse().ok().and_then(whole)),
        _ => None,
    }
}

fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The value at a dotted path in a JSON body, read without building the
/// rest of the document.
fn probe(body: &[u8], path: &[&str]) -> Option<serde_json::Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    Probe(path).deserialize(&mut de).ok().flatten()
}

struct Probe<'p>(&'p [&'p str]);

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Option<serde_json::Value>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        match self.0.split_first() {
            None => serde::Deserialize::deserialize(deserializer).map(Some),
            Some((head, rest)) => deserializer.deserialize_any(ProbeVisitor { head, rest }),
        }
    }
}

struct ProbeVisitor<'p> {
    head: &'p str,
    rest: &'p [&'p str],
}

impl<'de> Visitor<'de> for ProbeVisitor<'_> {
    type Value = Option<serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.head {
                found = map.next_value_seed(Probe(self.rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reads_nested_values_only() {
        let body = br#"{"result":[{"a":1}],"result_info":{"cursor":"abc","count":2}}"#;
        assert_eq!(
            probe(body, &["result_info", "cursor"]),
            Some(serde_json::json!("abc"))
        );
        assert_eq!(probe(body, &["result_info", "missing"]), None);
        assert_eq!(probe(body, &["result", "a"]), None);
        assert_eq!(probe(b"not json", &["a"]), None);
    }

    fn digests(body: &str) -> Scanned {
        let hasher = RandomState::new();
        scan(body.as_bytes(), &["result_info", "cursor"], &hasher)
    }

    #[test]
    fn page_digests_cover_the_items_only() {
        let hasher = RandomState::new();
        let one = |body: &str| scan(body.as_bytes(), &["result_info", "page"], &hasher);
        let a = one(r#"{"result": [{"id": 1}], "result_info": {"page": 1}}"#);
        let b = one(r#"{"result_info": {"page": 2}, "result": [ {"id" : 1} ], "messages": []}"#);
        assert_eq!(a.items, b.items);
        assert_eq!(
            (a.value, b.value),
            (Some(serde_json::json!(1)), Some(serde_json::json!(2)))
        );
        // Any difference in the items shows.
        for other in [
            r#"{"result": [{"id": 2}]}"#,
            r#"{"result": [{"id": "1"}]}"#,
            r#"{"result": [{"id": 1.0}]}"#,
            r#"{"result": [{"ID": 1}]}"#,
            r#"{"result": [{"id": 1}, {"id": 1}]}"#,
            r#"{"result": [[{"id": 1}]]}"#,
            r#"{"result": [{"id": [1]}]}"#,
            r#"{"result": []}"#,
        ] {
            assert_ne!(one(other).items, a.items, "{other}");
        }
        assert!(one("not json").items.is_none());
        assert!(
            digests(r#"{"result_info": {"cursor": "c"}}"#)
                .items
                .is_none()
        );
        assert_eq!(
            digests(r#"{"result": [], "result_info": {"cursor": "c"}}"#).value,
            Some(serde_json::json!("c"))
        );
        // Two streams key their digests differently.
        assert_ne!(
            digests(r#"{"result": [1]}"#).items,
            digests(r#"{"result": [1]}"#).items
        );
    }

    #[test]
    fn recent_digests_are_bounded() {
        let mut recent = Recent::default();
        for digest in 0..(REMEMBERED as u64 * 3) {
            assert!(recent.insert(digest));
            assert!(!recent.insert(digest));
        }
        assert_eq!(recent.set.len(), REMEMBERED);
        assert_eq!(recent.order.len(), REMEMBERED);
        // The oldest are forgotten; the latest are still known.
        assert!(recent.insert(0));
        assert!(!recent.insert(REMEMBERED as u64 * 3 - 1));
    }

    #[test]
    fn long_cursors_are_quoted_in_part() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(1000);
        let quoted = excerpt(&long);
        assert_eq!(quoted.chars().count(), CURSOR_EXCERPT + 1);
        assert!(quoted.ends_with('…'));
    }

    #[test]
    fn numbers_from_any_whole_representation() {
        use serde_json::json;
        assert_eq!(number(&json!(3)), Some(3));
        assert_eq!(number(&json!(3.0)), Some(3));
        assert_eq!(number(&json!("3")), Some(3));
        assert_eq!(number(&json!("3.0")), Some(3));
        assert_eq!(number(&json!(2.5)), None);
        assert_eq!(number(&json!(-1)), None);
        assert_eq!(number(&json!(-1.0)), None);
        assert_eq!(number(&json!(1e9)), Some(1_000_000_000));
        assert_eq!(number(&json!(1e300)), None);
        assert_eq!(number(&json!("x")), None);
        assert_eq!(number(&json!(null)), None);
    }
}
