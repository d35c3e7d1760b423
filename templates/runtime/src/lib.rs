//! The runtime of every generated client: the client and its builder,
//! requests and retries, response decoding, pagination and errors.
//!
//! The generator embeds each module of this crate verbatim into every crate
//! it generates (`generator/src/emit/runtime.rs` lists them), leaving out
//! its `#[cfg(test)] mod tests`, which runs here. This crate exists so that
//! the runtime is compiled, formatted, linted and tested as it is written.
//!
//! Modules refer to each other with `super::` paths, which work both at a
//! crate root and inside the module a `build.rs` includes the client into.
//! What depends on the API description comes from two generated modules:
//! `auth` (the credential kinds) and `config` (defaults, the user agent,
//! the request id header, the envelope's field names). Here they are
//! stand-ins, generated from `fixture/` and checked in under `src/stand_in/`;
//! `tests/tests/runtime.rs` fails when they differ from what the generator
//! emits (`UPDATE_STAND_INS=1` rewrites them).
#![forbid(unsafe_code)]

#[path = "stand_in/auth.rs"]
#[rustfmt::skip]
mod auth;
mod client;
#[path = "stand_in/config.rs"]
#[rustfmt::skip]
mod config;
mod de;
mod encoding;
mod envelope;
mod error;
mod macros;
#[cfg(feature = "mock")]
pub mod mock;
mod multipart;
mod pagination;
mod request;
mod retry;
mod ser;
mod trace;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, Secret};
pub use client::{DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_SIZE};
pub use config::{DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
pub use encoding::{Integer, Timestamp};
pub use error::{ApiError, ApiMessage, DecodeError, Error, TransportError};
pub use multipart::Multipart;
pub use pagination::{Items, Page, Pages};
pub use request::{ApiResponse, RETRY_COUNT_HEADER, Request};
/// The HTTP client underneath, re-exported as the escape hatch for what
/// the builder does not cover: build a `reqwest::Client` with this very
/// version and pass it to `ClientBuilder::http_client`. Apart from that
/// method and the `http` types re-exported below, no `reqwest` type is
/// part of this crate's API (transport failures are [`TransportError`]).
pub use reqwest;
pub use reqwest::StatusCode;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
