//! When to retry a failed attempt, and how long to wait first.
//!
//! Only failures the server or the network may not repeat are retried
//! (see `request::execute`): never an invalid argument or configuration,
//! a request the HTTP client refuses to build, a redirect loop or a body
//! over the size limit.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::client::Backoff;
use super::error;

/// Longest delay a server may ask for before the client falls back to its
/// own backoff.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Whether to retry an error response, and after how long.
pub(crate) fn retry_delay(
    status: StatusCode,
    headers: &HeaderMap,
    idempotent: bool,
    attempt: u32,
    bounds: Backoff,
) -> Option<Duration> {
    let server_delay = server_delay(headers);
    let asked = match error::should_retry(headers) {
        Some(true) => true,
        Some(false) => return None,
        None => {
            if !error::retryable_status(status) {
                return None;
            }
            status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::SERVICE_UNAVAILABLE && server_delay.is_some())
        }
    };
    // A non-idempotent request may already have taken effect; replay it
    // only when the server asked for it.
    if !idempotent && !asked {
        return None;
    }
    Some(server_delay.unwrap_or_else(|| backoff(attempt, bounds)))
}

/// The delay a server asked for with `retry-after-ms` or `retry-after`
/// (seconds or an HTTP date), when it is between 0 and 60 seconds.
///
/// The first header that holds a readable delay decides: a value that is
/// not a finite, non-negative number (`NaN`, `inf`, `-1`, `soon`) counts as
/// absent, so it never hides the other header.
fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let millis = text("retry-after-ms").and_then(|ms| duration(ms, 1e-3));
    let delay = millis.or_else(|| {
        text("retry-after").and_then(|value| {
            duration(value, 1.0).or_else(|| {
                httpdate::parse_http_date(value).ok().map(|at| {
                    at.duration_since(SystemTime::now())
                        .unwrap_or(Duration::ZERO)
                })
            })
        })
    });
    delay.filter(|d| *d <= MAX_SERVER_DELAY)
}

/// `text` as a number of units of `unit` seconds, if it is a finite,
/// non-negative number.
fn duration(text: &str, unit: f64) -> Option<Duration> {
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Duration::try_from_secs_f64(value * unit).ok()
}

/// Exponential backoff from `bounds.initial` (0.5 s by default), capped at
/// `bounds.max` (8 s by default), reduced by up to 25% at random so that
/// many clients do not retry in lockstep.
pub(crate) fn backoff(attempt: u32, bounds: Backoff) -> Duration {
    let base = bounds
        .initial
        .saturating_mul(1u32 << attempt.min(16))
        .min(bounds.max);
    let random = RandomState::new().hash_one(Instant::now());
    let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
    base.mul_f64(1.0 - 0.25 * fraction)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    const DEFAULT_BACKOFF: Backoff = Backoff::DEFAULT;

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = DEFAULT_BACKOFF;
        assert_eq!(b.initial, Duration::from_millis(500));
        assert_eq!(b.max, Duration::from_secs(8));
        for _ in 0..100 {
            assert!(backoff(0, b) <= b.initial && backoff(0, b) >= b.initial.mul_f64(0.75));
            assert!(
                backoff(1, b) <= Duration::from_secs(1)
                    && backoff(1, b) >= Duration::from_millis(750)
            );
            assert!(
                backoff(2, b) <= Duration::from_secs(2)
                    && backoff(2, b) >= Duration::from_millis(1500)
            );
            assert!(backoff(30, b) <= b.max && backoff(30, b) >= b.max.mul_f64(0.75));
            assert!(backoff(u32::MAX, b) <= b.max);
        }
        let small = Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(4),
        };
        assert!(backoff(10, small) <= Duration::from_millis(4));
    }

    #[test]
    fn server_delays() {
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(server_delay(&headers(&[("retry-after", "3600")])), None);
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = server_delay(&headers(&[("retry-after", &date)])).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        // `retry-after-ms` wins; an unreadable one gives way to `retry-after`.
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "5"), ("retry-after", "2")])),
            Some(Duration::from_millis(5))
        );
        assert_eq!(
            server_delay(&headers(&[
                ("retry-after-ms", "soon"),
                ("retry-after", "2")
            ])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(server_delay(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "NaN")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "tomorrow")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after-ms", "60001")])), None);
        // An unreadable `retry-after-ms` never hides a readable `retry-after`.
        for ms in ["NaN", "nan", "inf", "-inf", "-5", "1e400"] {
            assert_eq!(
                server_delay(&headers(&[("retry-after-ms", ms), ("retry-after", "2")])),
                Some(Duration::from_secs(2)),
                "{ms}"
            );
            assert_eq!(
                server_delay(&headers(&[("retry-after-ms", ms)])),
                None,
                "{ms}"
            );
        }
    }

    #[test]
    fn retry_decisions() {
        let none = HeaderMap::new();
        let b = DEFAULT_BACKOFF;
        assert!(retry_delay(StatusCode::INTERNAL_SERVER_ERROR, &none, true, 0, b).is_some());
        assert!(retry_delay(StatusCode::INTERNAL_SERVER_ERROR, &none, false, 0, b).is_none());
        assert!(retry_delay(StatusCode::TOO_MANY_REQUESTS, &none, false, 0, b).is_some());
        assert!(retry_delay(StatusCode::BAD_REQUEST, &none, true, 0, b).is_none());
        assert!(
            retry_delay(
                StatusCode::BAD_REQUEST,
                &headers(&[("x-should-retry", "true")]),
                false,
                0,
                b
            )
            .is_some()
        );
        assert!(
            retry_delay(
                StatusCode::SERVICE_UNAVAILABLE,
                &headers(&[("x-should-retry", "false")]),
                true,
                0,
                b
            )
            .is_none()
        );
        assert!(
            retry_delay(
                StatusCode::SERVICE_UNAVAILABLE,
                &headers(&[("retry-after", "1")]),
                false,
                0,
                b
            )
            .is_some()
        );
        assert!(retry_delay(StatusCode::SERVICE_UNAVAILABLE, &none, false, 0, b).is_none());
        for status in [408, 409, 429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(retry_delay(status, &none, true, 0, b).is_some(), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(retry_delay(status, &none, true, 0, b).is_none(), "{status}");
        }
    }
}
