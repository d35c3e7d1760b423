//! Streams over paginated list operations.
//!
//! Every list operation can be consumed page by page ([`Request::pages`]) or
//! item by item ([`Request::items`]). How the next page is requested depends
//! on the operation: numbered pages, an opaque cursor, or a page token, or a
//! single page. Iteration always ends: at the last page the server reports,
//! at an empty page, or with an error when the server repeats itself (a
//! cursor or token it already gave, or the same page content again).
// Every pagination style is supported; a given API uses only some.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, RandomState};

use futures_util::stream::{self, Stream, TryStreamExt};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{ApiMessage, Error};
use super::request::{self, Request, RequestParts};

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
}

impl<T: Send + 'static, I: Send + 'static> Request<Vec<T>, I> {
    /// Every page, fetched lazily one after the other. The stream ends after
    /// the last page or after the first error.
    ///
    /// A server that hands out a cursor or token it already gave ends the
    /// stream with [`Error::Pagination`] after the page that carried it, and
    /// one that answers the next page number with the same content as the
    /// previous page ends it with that error instead of the repeated page.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T, I>, Error>> + Send + 'static {
        let mut seen = HashSet::new();
        if let Some(Paging::Cursor { param, .. } | Paging::PageToken { param, .. }) =
            self.parts.paging
            && let Some((_, start)) = self.parts.query.iter().rev().find(|(k, _)| k == param)
        {
            // The cursor the caller started from counts as followed.
            seen.insert(start.clone());
        }
        let state = State {
            next: Some(Ok(self.parts.clone())),
            request: self,
            seen,
            hasher: RandomState::new(),
            last_body: None,
        };
        stream::unfold(state, |mut state| async move {
            let parts = match state.next.take()? {
                Ok(parts) => parts,
                Err(e) => return Some((Err(e), state)),
            };
            let raw = match request::execute(&state.request.client, &parts, &state.request.options)
                .await
            {
                Ok(raw) => raw,
                Err(e) => return Some((Err(e), state)),
            };
            let decoded = match (state.request.decode)(&raw) {
                Ok(d) => d,
                Err(e) => return Some((Err(e), state)),
            };
            match state.advance(parts, &raw.body, decoded.result.is_empty()) {
                Ok(next) => state.next = next.map(Ok),
                Err(Advance::Repeated(e)) => return Some((Err(e), state)),
                // This page is new; the error follows it.
                Err(Advance::Loop(e)) => state.next = Some(Err(e)),
            }
            let page = Page {
                items: decoded.result,
                result_info: decoded.result_info,
                messages: decoded.messages,
                status: raw.status,
                headers: raw.headers,
            };
            Some((Ok(page), state))
        })
    }

    /// Every item of every page, fetched lazily page by page. The stream
    /// ends after the last item or after the first error.
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }
}

struct State<T, I> {
    request: Request<Vec<T>, I>,
    /// The next page to fetch, or an error to report before ending.
    next: Option<Result<RequestParts, Error>>,
    /// Cursors and tokens already followed.
    seen: HashSet<String>,
    hasher: RandomState,
    /// Hash of the previous page's body (to detect a server ignoring `page`).
    last_body: Option<u64>,
}

/// Why pagination cannot go on.
enum Advance {
    /// The page just received repeats the previous one; drop it.
    Repeated(Error),
    /// The page just received is new, but following it would loop.
    Loop(Error),
}

impl<T, I> State<T, I> {
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
        if empty {
            return Ok(None);
        }
        match paging {
            Paging::PageNumber { param, total_pages } => {
                let current: u64 = parts
                    .query
                    .iter()
                    .rev()
                    .find(|(k, _)| k == param)
                    .and_then(|(_, v)| number(&serde_json::Value::String(v.clone())))
                    .unwrap_or(1);
                let total = probe(body, total_pages).and_then(|v| number(&v));
                if total.is_some_and(|t| current >= t) {
                    return Ok(None);
                }
                let hash = self.hasher.hash_one(body);
                if self.last_body == Some(hash) {
                    return Err(Advance::Repeated(Error::Pagination(format!(
                        "the server returned the same content for `{param}` {} and {current}; stopping instead of looping",
                        current.saturating_sub(1)
                    ))));
                }
                self.last_body = Some(hash);
                parts.set_query(param, current.saturating_add(1).to_string());
            }
            Paging::Cursor { param, next } | Paging::PageToken { param, next } => {
                let Some(token) = probe(body, next).and_then(|v| text(&v)) else {
                    return Ok(None);
                };
                if !self.seen.insert(token.clone()) {
                    return Err(Advance::Loop(Error::Pagination(format!(
                        "the server returned `{token}` as the next `{param}` again; stopping instead of looping"
                    ))));
                }
                parts.set_query(param, token);
            }
        }
        Ok(Some(parts))
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

    #[test]
    fn numbers_from_any_whole_representation() {
        use serde_json::json;
        assert_eq!(number(&json!(3)), Some(3));
        assert_eq!(number(&json!(3.0)), Some(3));
        assert_eq!(number(&json!("3")), Some(3));
        assert_eq!(number(&json!("3.0")), Some(3));
        assert_eq!(number(&json!(2.5)), None);
        assert_eq!(number(&json!(-1)), None);
        assert_eq!(number(&json!("x")), None);
        assert_eq!(number(&json!(null)), None);
    }
}
