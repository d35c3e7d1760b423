//! `tracing` instrumentation, with the crate's `tracing` feature: a span
//! per call of an operation (`method`, `path` template, `operation` id)
//! and an event per attempt (`status`, `attempt`, `request_id`) and per
//! retry (`attempt`, `delay_ms`). Without the feature every item here is
//! an empty stand-in the compiler removes, and `tracing` is not a
//! dependency.
//!
//! Nothing secret is recorded: no header, query or body value, only the
//! path template (not the path with its parameters), and the request id
//! the server sent in the configured request id header.
// The runtime supports every kind of operation; a given API uses only some
// of them, and the stand-ins ignore what they are given.
#![allow(dead_code)]

pub(crate) use imp::{Operation, attempt, failed_attempt, instrument, retry};

#[cfg(feature = "tracing")]
mod imp {
    use std::future::Future;
    use std::time::Duration;

    use reqwest::header::HeaderMap;
    use reqwest::{Method, StatusCode};

    use super::super::error;

    /// What a call records of its operation: its id and path template.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Operation {
        id: &'static str,
        path: &'static str,
    }

    impl Operation {
        /// No operation: a request the runtime builds itself.
        pub(crate) const NONE: Self = Self { id: "", path: "" };

        pub(crate) fn new(id: &'static str, path: &'static str) -> Self {
            Self { id, path }
        }
    }

    /// `call` inside the span of one call of the operation.
    pub(crate) fn instrument<F: Future>(
        method: &Method,
        operation: Operation,
        call: F,
    ) -> impl Future<Output = F::Output> {
        let span = tracing::debug_span!(
            "request",
            method = %method,
            path = operation.path,
            operation = operation.id,
        );
        tracing::Instrument::instrument(call, span)
    }

    /// An attempt that got a response.
    pub(crate) fn attempt(
        method: &Method,
        operation: Operation,
        attempt: u32,
        status: StatusCode,
        headers: &HeaderMap,
    ) {
        // The request id is looked up only when the event is recorded.
        tracing::debug!(
            method = %method,
            path = operation.path,
            attempt,
            status = status.as_u16(),
            request_id = error::request_id(headers).as_deref(),
            "response",
        );
    }

    /// An attempt that got no response, or a broken one. Only the kind of
    /// failure is recorded: the error's text may quote the URL.
    pub(crate) fn failed_attempt(
        method: &Method,
        operation: Operation,
        attempt: u32,
        e: &reqwest::Error,
    ) {
        let failure = if e.is_timeout() {
            "timeout"
        } else if e.is_connect() {
            "connect"
        } else {
            "transport"
        };
        tracing::debug!(
            method = %method,
            path = operation.path,
            attempt,
            failure,
            "request failed",
        );
    }

    /// A retry: attempt `attempt` is sent after `delay`.
    pub(crate) fn retry(
        method: &Method,
        operation: Operation,
        attempt: u32,
        status: Option<StatusCode>,
        delay: Duration,
    ) {
        tracing::info!(
            method = %method,
            path = operation.path,
            attempt,
            status = status.map(|s| s.as_u16()),
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying",
        );
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    use std::future::Future;
    use std::time::Duration;

    use reqwest::header::HeaderMap;
    use reqwest::{Method, StatusCode};

    /// Nothing: without the `tracing` feature no call records its operation.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Operation;

    impl Operation {
        pub(crate) const NONE: Self = Self;

        pub(crate) fn new(_id: &'static str, _path: &'static str) -> Self {
            Self
        }
    }

    pub(crate) fn instrument<F: Future>(
        _method: &Method,
        _operation: Operation,
        call: F,
    ) -> impl Future<Output = F::Output> {
        call
    }

    pub(crate) fn attempt(
        _method: &Method,
        _operation: Operation,
        _attempt: u32,
        _status: StatusCode,
        _headers: &HeaderMap,
    ) {
    }

    pub(crate) fn failed_attempt(
        _method: &Method,
        _operation: Operation,
        _attempt: u32,
        _e: &reqwest::Error,
    ) {
    }

    pub(crate) fn retry(
        _method: &Method,
        _operation: Operation,
        _attempt: u32,
        _status: Option<StatusCode>,
        _delay: Duration,
    ) {
    }
}
