//! The client and its builder.
//!
//! A client holds the defaults every request and stream starts from: base
//! URL, credentials, retries and backoff, timeout, the response size limit
//! ([`DEFAULT_MAX_RESPONSE_SIZE`]) and the page limit of a stream
//! ([`DEFAULT_MAX_PAGES`]). The base URL must be `http(s)` without a query
//! or fragment; a user name and password in it become `Authorization:
//! Basic` and are kept out of every URL the client shows. The default HTTP
//! client never decompresses, and follows at most 10 redirects, within the
//! origin, stopping at a loop.
// Credential helpers go unused by APIs without credentials of that kind.
#![allow(dead_code)]

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Credentials;
use super::config::{self, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
use super::error::Error;

/// Default delay before the first retry when the server does not say how
/// long to wait; it doubles with each retry.
pub const DEFAULT_RETRY_BACKOFF_INITIAL: Duration = Duration::from_millis(500);
/// Default upper bound of the delay between retries.
pub const DEFAULT_RETRY_BACKOFF_MAX: Duration = Duration::from_secs(8);
/// Most redirects the default HTTP client follows for one request.
const MAX_REDIRECTS: usize = 10;
/// Default limit of a response body's size: 32 MiB, far above any JSON
/// page this kind of API returns, and far below what would strain memory.
/// See [`ClientBuilder::max_response_size`].
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;
/// Default number of pages one stream fetches at most: 1,000. See
/// [`ClientBuilder::max_pages`].
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// A secret string: a credential the client sends, or a secret the server
/// returns (a new token's value). Its `Debug` output never shows the value;
/// [`Secret::expose`] does. It serializes as the plain string.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// An API client. Cheap to clone: clones share one connection pool.
///
/// Build one with [`Client::builder`] or [`Client::from_env`], then call
/// operations through the resource accessors.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without the user name and password it may have been given with.
    base_url: String,
    /// `Authorization: Basic` from the user name and password of the base
    /// URL, if it had them.
    url_auth: Option<reqwest::header::HeaderValue>,
    credentials: Option<Credentials>,
    max_retries: u32,
    timeout: Duration,
    backoff: Backoff,
    user_agent: reqwest::header::HeaderValue,
    default_headers: reqwest::header::HeaderMap,
    max_response_size: u64,
    max_pages: u32,
}

/// Bounds of the exponential backoff between retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
}

impl Backoff {
    /// The bounds a client has unless configured otherwise.
    pub(crate) const DEFAULT: Backoff = Backoff {
        initial: DEFAULT_RETRY_BACKOFF_INITIAL,
        max: DEFAULT_RETRY_BACKOFF_MAX,
    };
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("max_retries", &self.inner.max_retries)
            .field("timeout", &self.inner.timeout)
            .field(
                "retry_backoff",
                &(self.inner.backoff.initial, self.inner.backoff.max),
            )
            .field("user_agent", &self.inner.user_agent)
            .field("max_response_size", &self.inner.max_response_size)
            .field("max_pages", &self.inner.max_pages)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the default base URL, retries and timeout, and no
    /// credentials.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from environment variables: credentials from
    /// the variables each kind of [`Credentials`] names, and the base URL
    /// from the one [`DEFAULT_BASE_URL`] names, if any, when it is set. See
    /// [`ClientBuilder::from_vars`].
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env()?.build()
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default number of retries.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// The default timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The default limit of a response body's size, in bytes.
    pub fn max_response_size(&self) -> u64 {
        self.inner.max_response_size
    }

    /// The default number of pages a stream fetches at most.
    pub fn max_pages(&self) -> u32 {
        self.inner.max_pages
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn credentials(&self) -> Option<&Credentials> {
        self.inner.credentials.as_ref()
    }

    pub(crate) fn user_agent(&self) -> &reqwest::header::HeaderValue {
        &self.inner.user_agent
    }

    pub(crate) fn default_headers(&self) -> &reqwest::header::HeaderMap {
        &self.inner.default_headers
    }

    pub(crate) fn url_auth(&self) -> Option<&reqwest::header::HeaderValue> {
        self.inner.url_auth.as_ref()
    }

    pub(crate) fn backoff(&self) -> Backoff {
        self.inner.backoff
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: BaseUrl,
    credentials: Option<Credentials>,
    max_retries: u32,
    timeout: Duration,
    backoff: Backoff,
    user_agent: Option<String>,
    default_headers: reqwest::header::HeaderMap,
    proxy: Option<BaseUrl>,
    /// The first problem of a setting, reported by `build()`.
    invalid: Option<String>,
    http: Option<reqwest::Client>,
    max_response_size: u64,
    max_pages: u32,
}

/// A base URL as given, whose `Debug` output hides a password in it.
struct BaseUrl(String);

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_password(&self.0), f)
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: BaseUrl(DEFAULT_BASE_URL.to_owned()),
            credentials: None,
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            backoff: Backoff::DEFAULT,
            user_agent: None,
            default_headers: reqwest::header::HeaderMap::new(),
            proxy: None,
            invalid: None,
            http: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl ClientBuilder {
    /// Sends requests to `url` instead of the default base URL.
    ///
    /// An `http` or `https` URL, which may end with a path that every
    /// request path is appended to, but not with a query or a fragment
    /// ([`ClientBuilder::build`] rejects those). A user name and password
    /// in it (`https://user:password@host/`) are taken out of the URL and
    /// sent as `Authorization: Basic` on every request that carries no
    /// `Authorization` header of its own credentials; they never appear in
    /// `Debug` output or error messages.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = BaseUrl(url.into());
        self
    }

    /// Authenticates every request with `credentials`.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Retries failed attempts up to `retries` times (default
    /// [`DEFAULT_MAX_RETRIES`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Gives up on an attempt after `timeout` (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the delay before the first retry (default 0.5 s) and the most
    /// any retry waits (default 8 s) when the server does not say how long to
    /// wait. The delay doubles with each retry up to `max`, and is shortened
    /// by up to a quarter at random so that many clients do not retry in
    /// lockstep. `max` below `initial` is raised to `initial`.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Backoff {
            initial,
            max: max.max(initial),
        };
        self
    }

    /// Rejects a response whose body is larger than `bytes` (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB) with
    /// [`Error::ResponseTooLarge`]; [`Request::max_response_size`] overrides
    /// it for one request. The size is counted as the body arrives, so a
    /// longer body is never read into memory: the client stops reading at
    /// the limit (or before, when the `Content-Length` header announces
    /// more) and closes the connection. The body counted is the one the
    /// HTTP client delivers: the default client never decompresses (it
    /// sends no `Accept-Encoding`, whatever `reqwest` features another
    /// crate enables), and a client given with
    /// [`ClientBuilder::http_client`] that does is held to the limit on the
    /// decompressed body.
    ///
    /// Error responses are read up to 64 KiB at most (enough for the
    /// server's error items; [`ApiError::body`] keeps 1 KiB of it), and a
    /// response that is retried is read no further than that either.
    ///
    /// [`Request::max_response_size`]: super::request::Request::max_response_size
    /// [`ApiError::body`]: super::error::ApiError::body
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Fetches at most `pages` pages in one stream of pages or items
    /// (default [`DEFAULT_MAX_PAGES`], 1,000); a stream that would need more
    /// ends with [`Error::Pagination`] naming the limit, after the last page
    /// it was allowed. `max_pages(..)` on a stream overrides it for that
    /// stream; `0` counts as `1`. See the `pagination` module for every
    /// rule that ends a stream.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Replaces the `User-Agent` header (by default the package name and
    /// version, `name/version`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends this header on every request, replacing one of the same name
    /// given earlier. A header the operation sets from its params, or one
    /// given with [`Request::header`], replaces it for that request; the
    /// credentials' headers and `x-retry-count` are always the client's
    /// own. Name and value may be strings (`.default_header("x-team",
    /// "billing")`) or [`HeaderName`] and [`HeaderValue`]; one that is not
    /// valid in HTTP makes [`ClientBuilder::build`] fail with
    /// [`Error::Config`]. The value is marked sensitive, so the `Debug`
    /// output of header maps redacts it, in case it is a secret.
    ///
    /// [`Request::header`]: super::request::Request::header
    /// [`HeaderName`]: reqwest::header::HeaderName
    /// [`HeaderValue`]: reqwest::header::HeaderValue
    pub fn default_header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<reqwest::header::HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<reqwest::header::HeaderValue>,
        V::Error: fmt::Display,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                self.default_headers.insert(name, value);
            }
            (Err(e), _) => {
                self.invalid
                    .get_or_insert(format!("a default header name: {e}"));
            }
            // The value is not quoted: it may be a credential.
            (Ok(name), Err(e)) => {
                self.invalid
                    .get_or_insert(format!("default header `{name}`: {e}"));
            }
        }
        self
    }

    /// Sends every request through the proxy at `url` (`http://` or
    /// `https://`, with `user:password@` for a proxy that
    /// needs them), instead of the proxy the `HTTP_PROXY`/`HTTPS_PROXY`
    /// environment variables name, if any. An invalid URL makes
    /// [`ClientBuilder::build`] fail with [`Error::Config`], and so does
    /// giving a proxy together with [`ClientBuilder::http_client`]: that
    /// client has its own proxy settings.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(BaseUrl(url.into()));
        self
    }

    /// Uses a preconfigured `reqwest` client (proxies, TLS, connection pool).
    /// Its own timeout, if any, also applies, and so does its redirect
    /// policy: the default client follows redirects only within the same
    /// origin, so that credential headers never reach another host.
    ///
    /// This crate enables `reqwest`'s `rustls-no-provider` feature and gives
    /// its own client a `ring` TLS configuration. A `reqwest` client built
    /// elsewhere needs a crypto provider of its own: enable `reqwest`'s
    /// `rustls` feature in your crate, or install a process-wide one, e.g.
    /// `rustls::crypto::ring::default_provider().install_default()`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Reads credentials, and the base URL where the API has a variable for
    /// it, from the process environment. See [`ClientBuilder::from_vars`].
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_vars(|name| std::env::var(name).ok())
    }

    /// Reads credentials, and the base URL where the API has a variable for
    /// it (see [`DEFAULT_BASE_URL`]), through `lookup` (a variable name to
    /// its value), so configuration can come from somewhere other than the
    /// process environment. Empty values count as unset.
    ///
    /// Exactly one complete set of credentials must be present (the
    /// variables of one kind of [`Credentials`]), unless credentials were
    /// already given to this builder: then the variables may be absent, and
    /// a complete set found replaces them. A partial set (one variable of a
    /// pair) or two kinds at once is an error naming the variables.
    pub fn from_vars(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let lookup = |name: &str| lookup(name).filter(|v| !v.is_empty());
        if let Some(credentials) = Credentials::from_vars(&lookup, self.credentials.is_some())? {
            self.credentials = Some(credentials);
        }
        if let Some(url) = config::BASE_URL_ENV.and_then(lookup) {
            self.base_url = BaseUrl(url);
        }
        Ok(self)
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] when the base URL is not an `http(s)`
    /// URL or has a query or fragment, when credentials or the user agent
    /// cannot be sent as header values, or when the HTTP client cannot be
    /// set up.
    pub fn build(self) -> Result<Client, Error> {
        let (base_url, url_auth) = split_base_url(self.base_url.0.trim_end_matches('/'))?;
        if let Some(credentials) = &self.credentials {
            // Reject credentials that cannot be sent (e.g. a line break
            // in a token) now rather than on the first request.
            credentials.apply(super::request::AuthTarget {
                headers: &mut reqwest::header::HeaderMap::new(),
                query: &mut Vec::new(),
                cookies: &mut Vec::new(),
            })?;
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| config::USER_AGENT.to_owned());
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        if let Some(problem) = self.invalid {
            return Err(Error::Config(problem));
        }
        let proxy = match &self.proxy {
            Some(url) => {
                let shown = redact_password(&url.0);
                let proxy = reqwest::Proxy::all(url.0.as_str()).map_err(|e| {
                    Error::Config(format!("proxy `{shown}` is not valid: {}", e.without_url()))
                })?;
                Some(proxy)
            }
            None => None,
        };
        let http = match self.http {
            Some(_) if proxy.is_some() => {
                return Err(Error::Config(
                    "a proxy was given together with `http_client(..)`; configure the proxy on that client"
                        .into(),
                ));
            }
            Some(http) => http,
            // Decompression is off even where another crate enables
            // `reqwest`'s `gzip`, `brotli`, `deflate` or `zstd` feature:
            // the size limit then bounds what the server sends, and a small
            // compressed body can never inflate past it.
            None => {
                let mut builder = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls_config()?)
                    .redirect(same_origin_redirects())
                    .no_gzip()
                    .no_brotli()
                    .no_deflate()
                    .no_zstd();
                if let Some(proxy) = proxy {
                    builder = builder.proxy(proxy);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("could not create the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                url_auth,
                credentials: self.credentials,
                max_retries: self.max_retries,
                timeout: self.timeout,
                backoff: self.backoff,
                user_agent,
                default_headers: self.default_headers,
                max_response_size: self.max_response_size,
                max_pages: self.max_pages,
            }),
        })
    }
}

/// Checks a base URL, and takes the user name and password out of it (as an
/// `Authorization: Basic` value), if it has them, so that they cannot show
/// in any URL the client reports.
fn split_base_url(text: &str) -> Result<(String, Option<reqwest::header::HeaderValue>), Error> {
    let shown = redact_password(text);
    let problem = |what: &str| Error::Config(format!("base URL `{shown}` {what}"));
    let mut url =
        reqwest::Url::parse(text).map_err(|e| problem(&format!("is not a valid URL ({e})")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(problem("is not an http(s) URL"));
    }
    // Request paths are appended to the base URL: after a query they would
    // become part of it, and after a fragment they would never be sent.
    if url.query().is_some() {
        return Err(problem(
            "has a query (`?..`); put parameters on requests instead",
        ));
    }
    if url.fragment().is_some() {
        return Err(problem(
            "has a fragment (`#..`), which would cut off every request path",
        ));
    }
    if url.username().is_empty() && url.password().is_none() {
        return Ok((text.to_owned(), None));
    }
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8_lossy()
            .into_owned()
    };
    let user = decode(url.username());
    let password = url.password().map(decode).unwrap_or_default();
    let basic = super::encoding::base64(format!("{user}:{password}").as_bytes());
    let value = sensitive(&format!("Basic {basic}"))?;
    // Setting a user name or password only fails for URLs without a host,
    // which http(s) URLs always have.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok((url.as_str().trim_end_matches('/').to_owned(), Some(value)))
}

/// `url` with the password of its user information, if any, replaced by
/// `[REDACTED]`. Works on text that does not parse as a URL too.
pub(crate) fn redact_password(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => {
                format!("{}:[REDACTED]{}", &url[..start + colon], &url[start + at..]).into()
            }
            None => url.into(),
        },
        None => url.into(),
    }
}

/// TLS 1.2 and 1.3 with the operating system's certificate verifier, as
/// `reqwest`'s own rustls default, but on the `ring` crypto provider: its
/// build takes a fraction of the time of the default provider's
/// (`aws-lc-sys`), which dominated a cold build of this crate. Set here
/// rather than as the process-wide default provider, so an application
/// stays free to install its own.
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::Config(format!("could not configure TLS: {e}")))?
        .with_no_client_auth();
    // A preconfigured backend gets no ALPN from reqwest; offer HTTP/2 first,
    // as reqwest does for its own configuration.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Follows redirects only to the origin (scheme, host and port) of the
/// original request. `reqwest` drops `Authorization` and `Cookie` on a
/// redirect to another host, but not custom credential headers such as API
/// keys, so those redirects are not followed: the 3xx response is returned
/// as an error instead. A redirect back to a URL already visited, or an
/// eleventh redirect, is [`Error::Redirect`].
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().contains(attempt.url()) {
            attempt
                .error("redirect loop: the server redirected back to a URL it had redirected from")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// A header value that logging and `Debug` output of `reqwest` redact.
pub(crate) fn sensitive(value: &str) -> Result<reqwest::header::HeaderValue, Error> {
    let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        Error::Config("credentials contain characters not allowed in HTTP headers".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A header name from the API description.
pub(crate) fn header_name(name: &str) -> Result<reqwest::header::HeaderName, Error> {
    reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))
}

/// Explains which variables of a credential kind are missing.
pub(crate) fn partial_credentials(names: &[&str], values: &[Option<String>]) -> String {
    let set: Vec<String> = names
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_some())
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    let unset: Vec<String> = names
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    let verb = |n: usize| if n == 1 { "is" } else { "are" };
    let (set_verb, unset_verb) = (verb(set.len()), verb(unset.len()));
    let (set, unset) = (set.join(" and "), unset.join(" and "));
    format!("{set} {set_verb} set but {unset} {unset_verb} not")
}

/// Picks the one complete set of credentials found in the environment.
///
/// With `optional` (the builder already has credentials), finding none is
/// not an error.
pub(crate) fn choose_credentials<C>(
    found: Vec<(&'static str, C)>,
    partial: Vec<String>,
    expected: &str,
    optional: bool,
) -> Result<Option<C>, Error> {
    if !partial.is_empty() {
        return Err(Error::Config(format!(
            "incomplete credentials in the environment: {}",
            partial.join("; ")
        )));
    }
    let mut found = found;
    match found.len() {
        0 if optional => Ok(None),
        0 => Err(Error::Config(format!(
            "no credentials in the environment: set {expected}"
        ))),
        1 => Ok(found.pop().map(|(_, c)| c)),
        _ => {
            let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
            Err(Error::Config(format!(
                "conflicting credentials in the environment: {} are all set; set only one kind",
                names.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_header_values_are_redacted() {
        let value = sensitive("s3cr3t-value").unwrap();
        assert!(value.is_sensitive());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-auth-key", value);
        let shown = format!("{headers:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        let shown = format!("{:?}", Secret::new("s3cr3t-value"));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(sensitive("line\nbreak").is_err());
    }

    #[test]
    fn credential_choice() {
        let none: Vec<(&'static str, u8)> = Vec::new();
        let missing =
            choose_credentials(none.clone(), Vec::new(), "`A`, or `B`", false).unwrap_err();
        assert!(missing.to_string().contains("set `A`, or `B`"), "{missing}");
        assert!(
            choose_credentials(none, Vec::new(), "`A`", true)
                .unwrap()
                .is_none()
        );
        let two = vec![("`A`", 1u8), ("`B`", 2u8)];
        let conflict = choose_credentials(two, Vec::new(), "`A`", true).unwrap_err();
        assert!(
            conflict.to_string().contains("`A`, `B` are all set"),
            "{conflict}"
        );
        let partial = partial_credentials(&["E", "K"], &[Some("e".into()), None]);
        assert_eq!(partial, "`E` is set but `K` is not");
        assert_eq!(
            choose_credentials(vec![("`A`", 1u8)], Vec::new(), "`A`", false).unwrap(),
            Some(1)
        );
    }

    #[test]
    fn passwords_in_urls_are_redacted() {
        for (url, shown) in [
            ("https://u:p4ss@h/v1", "https://u:[REDACTED]@h/v1"),
            ("https://u:p@ss@h:8/x?q#f", "https://u:[REDACTED]@h:8/x?q#f"),
            ("u:p4ss@h", "u:[REDACTED]@h"),
            ("https://user@h/a:b@c", "https://user@h/a:b@c"),
            ("https://h/v1", "https://h/v1"),
            ("", ""),
        ] {
            assert_eq!(redact_password(url), shown, "{url}");
        }
    }

    #[test]
    fn base_url_credentials_are_taken_out() {
        let (url, auth) = split_base_url("http://Al%20addin:op%3Aen@127.0.0.1:9/v4").unwrap();
        assert_eq!(url, "http://127.0.0.1:9/v4");
        let auth = auth.unwrap();
        assert!(auth.is_sensitive());
        let expected = format!(
            "Basic {}",
            super::super::encoding::base64(b"Al addin:op:en")
        );
        assert_eq!(auth.to_str().unwrap(), expected);
        let (url, auth) = split_base_url("http://127.0.0.1:9/v4").unwrap();
        assert_eq!((url.as_str(), auth), ("http://127.0.0.1:9/v4", None));
        for bad in [
            "http://h/v4?a=1",
            "http://h/v4?",
            "http://h/v4#x",
            "ftp://h",
            "nope",
        ] {
            assert!(
                matches!(split_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
        let Err(e) = split_base_url("ftp://u:s3cr3t@h") else {
            panic!()
        };
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }

    #[test]
    fn a_proxy_and_an_http_client_of_ones_own_do_not_go_together() {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config().unwrap())
            .build()
            .unwrap();
        let err = ClientBuilder::default()
            .proxy("http://127.0.0.1:9")
            .http_client(http.clone())
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(ClientBuilder::default().http_client(http).build().is_ok());
    }

    #[test]
    fn retry_backoff_max_is_at_least_initial() {
        let builder =
            ClientBuilder::default().retry_backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!(builder.backoff.max, Duration::from_secs(2));
    }
}
