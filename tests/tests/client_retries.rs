//! Retries and timeouts: which failures are retried and how often,
//! `retry-after-ms` / `retry-after` / `x-should-retry`, the attempt header,
//! no replay of a POST the server may have acted on, connection resets and
//! timeouts.
//!
//! Nothing here measures time. Where a test is about the server's requested
//! delay, the client's own backoff is set to an hour: if the client ignored
//! the server and backed off instead, the test would hang and fail at the
//! [`common::bounded`] limit. Where a test is about falling back to backoff,
//! the backoff is a millisecond and the server asks for an hour.

mod common;

use std::time::{Duration, SystemTime};

use cloudflare_orgs::models::CreateAccountRequest;
use cloudflare_orgs::{Client, Error, RETRY_COUNT_HEADER};
use common::{ACCOUNT_ID, ResettingServer, account, bounded, envelope, header_values};
use reqwest::StatusCode;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOUR: Duration = Duration::from_secs(3600);
const MS: Duration = Duration::from_millis(1);

/// A client whose own backoff would take an hour.
fn patient_client(server: &MockServer) -> Client {
    common::builder(server)
        .retry_backoff(HOUR, HOUR)
        .build()
        .unwrap()
}

/// A client whose own backoff is a millisecond.
fn quick_client(server: &MockServer) -> Client {
    common::client(server)
}

fn ok_account() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID)))
}

/// Answers every request for `GET /accounts/{ACCOUNT_ID}` with `response`,
/// expecting exactly `times` requests.
async fn always(server: &MockServer, verb: &str, response: ResponseTemplate, times: u64) {
    let route = if verb == "POST" {
        "/accounts".to_owned()
    } else {
        format!("/accounts/{ACCOUNT_ID}")
    };
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// Answers the first request with `first`, and later ones with a success.
async fn once_then_ok(server: &MockServer, first: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .respond_with(first)
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .respond_with(ok_account())
        .expect(1)
        .with_priority(2)
        .mount(server)
        .await;
}

async fn attempts(server: &MockServer) -> Vec<Option<String>> {
    header_values(server, RETRY_COUNT_HEADER).await
}

fn counts(n: usize) -> Vec<Option<String>> {
    (0..n).map(|i| Some(i.to_string())).collect()
}

fn new_account() -> CreateAccountRequest {
    CreateAccountRequest::new("created")
}

#[tokio::test]
async fn a_first_attempt_is_numbered_zero() {
    let server = MockServer::start().await;
    always(&server, "GET", ok_account(), 1).await;
    bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(attempts(&server).await, counts(1));
}

#[tokio::test]
async fn rate_limiting_is_retried_after_retry_after_ms() {
    let server = MockServer::start().await;
    always(
        &server,
        "GET",
        ResponseTemplate::new(429).insert_header("retry-after-ms", "10"),
        3,
    )
    .await;
    let err = bounded(patient_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    // Two retries by default, each numbered.
    assert_eq!(attempts(&server).await, counts(3));
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    once_then_ok(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
    )
    .await;
    let account = bounded(patient_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(account.id, ACCOUNT_ID);
    assert_eq!(attempts(&server).await, counts(2));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    once_then_ok(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
    )
    .await;
    bounded(patient_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(attempts(&server).await, counts(2));
}

#[tokio::test]
async fn retry_after_ms_takes_precedence_over_retry_after() {
    let server = MockServer::start().await;
    once_then_ok(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after-ms", "5")
            .insert_header("retry-after", "3600"),
    )
    .await;
    bounded(patient_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
}

/// A `retry-after-ms` that is not a number of milliseconds (`NaN`, `inf`,
/// negative) counts as absent, so a valid `retry-after` still decides. A
/// `POST` answered 503 is replayed only when the server gave a delay, which
/// makes the difference visible in the request count, without timing.
#[tokio::test]
async fn an_unreadable_retry_after_ms_gives_way_to_retry_after() {
    for ms in ["NaN", "inf", "-1"] {
        let server = MockServer::start().await;
        let response = ResponseTemplate::new(503)
            .insert_header("retry-after-ms", ms)
            .insert_header("retry-after", "0");
        always(&server, "POST", response, 3).await;
        let err = bounded(quick_client(&server).accounts().create(new_account()))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE), "{ms}");
        assert_eq!(attempts(&server).await, counts(3), "{ms}");
    }
}

#[tokio::test]
async fn a_requested_delay_beyond_60_seconds_falls_back_to_backoff() {
    for (name, value) in [
        ("retry-after", "3600"),
        ("retry-after-ms", "120000"),
        ("retry-after", "Wed, 01 Jan 2098 00:00:00 GMT"),
    ] {
        let server = MockServer::start().await;
        always(
            &server,
            "GET",
            ResponseTemplate::new(429).insert_header(name, value),
            3,
        )
        .await;
        let err = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "{name}: {err:?}");
    }
}

#[tokio::test]
async fn retryable_statuses_are_retried_with_backoff() {
    for status in [408, 409, 429, 500, 502, 503, 504, 520] {
        let server = MockServer::start().await;
        always(&server, "GET", ResponseTemplate::new(status), 3).await;
        let err = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.is_retryable());
        assert_eq!(attempts(&server).await, counts(3), "{status}");
    }
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 405, 422] {
        let server = MockServer::start().await;
        always(&server, "GET", ResponseTemplate::new(status), 1).await;
        let err = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn a_transient_failure_is_retried_into_a_success() {
    let server = MockServer::start().await;
    once_then_ok(&server, ResponseTemplate::new(500)).await;
    let account = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(account.id, ACCOUNT_ID);
    assert_eq!(attempts(&server).await, counts(2));
}

#[tokio::test]
async fn max_retries_is_configurable_per_client_and_per_request() {
    // (client setting, request setting, expected attempts)
    for (per_client, per_request, expected) in [
        (None, None, 3),
        (Some(0), None, 1),
        (Some(5), None, 6),
        (Some(5), Some(1), 2),
        (Some(0), Some(3), 4),
    ] {
        let server = MockServer::start().await;
        always(&server, "GET", ResponseTemplate::new(500), expected).await;
        let mut builder = common::builder(&server);
        if let Some(n) = per_client {
            builder = builder.max_retries(n);
        }
        let client = builder.build().unwrap();
        let mut request = client.accounts().get(ACCOUNT_ID);
        if let Some(n) = per_request {
            request = request.max_retries(n);
        }
        let err = bounded(request).await.unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(
            attempts(&server).await,
            counts(expected as usize),
            "{per_client:?} {per_request:?}"
        );
    }
}

#[tokio::test]
async fn x_should_retry_false_stops_retries() {
    for status in [429, 500, 503] {
        let server = MockServer::start().await;
        always(
            &server,
            "GET",
            ResponseTemplate::new(status)
                .insert_header("x-should-retry", "false")
                .insert_header("retry-after-ms", "1"),
            1,
        )
        .await;
        let err = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn x_should_retry_true_retries_any_status() {
    let server = MockServer::start().await;
    always(
        &server,
        "GET",
        ResponseTemplate::new(400).insert_header("x-should-retry", "true"),
        3,
    )
    .await;
    let err = bounded(quick_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn a_post_is_not_replayed_after_the_server_may_have_acted() {
    for status in [500, 502, 503, 504, 408, 409] {
        let server = MockServer::start().await;
        always(&server, "POST", ResponseTemplate::new(status), 1).await;
        let err = bounded(quick_client(&server).accounts().create(new_account()))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        // Retrying may still be right for the caller, who knows whether the
        // operation is safe to repeat.
        assert!(err.is_retryable());
    }
}

#[tokio::test]
async fn a_post_is_replayed_when_the_server_asks_for_it() {
    let cases = [
        ResponseTemplate::new(429),
        ResponseTemplate::new(429).insert_header("retry-after-ms", "1"),
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        ResponseTemplate::new(503).insert_header("retry-after-ms", "1"),
        ResponseTemplate::new(500).insert_header("x-should-retry", "true"),
    ];
    for response in cases {
        let server = MockServer::start().await;
        always(&server, "POST", response, 3).await;
        let err = bounded(quick_client(&server).accounts().create(new_account()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Api(_)), "{err:?}");
        let requests = server.received_requests().await.unwrap();
        // The same body every time.
        assert!(
            requests.iter().all(|r| r.body == br#"{"name":"created"}"#),
            "{requests:?}"
        );
        assert_eq!(attempts(&server).await, counts(3));
    }
}

#[tokio::test]
async fn put_and_delete_are_retried_like_get() {
    for verb in ["PUT", "DELETE"] {
        let server = MockServer::start().await;
        always(&server, verb, ResponseTemplate::new(500), 3).await;
        let client = quick_client(&server);
        let err = if verb == "PUT" {
            let body = serde_json::from_value(account(ACCOUNT_ID)).unwrap();
            bounded(client.accounts().update(ACCOUNT_ID, body))
                .await
                .unwrap_err()
        } else {
            bounded(client.accounts().delete(ACCOUNT_ID))
                .await
                .unwrap_err()
        };
        assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    }
}

/// A server that takes far longer to answer than the tests' timeouts.
fn slow() -> ResponseTemplate {
    ok_account().set_delay(Duration::from_secs(20))
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let server = MockServer::start().await;
    always(&server, "GET", slow(), 3).await;
    let client = common::builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout() && err.is_retryable());
    assert_eq!(attempts(&server).await, counts(3));
}

#[tokio::test]
async fn the_timeout_is_configurable_per_request() {
    let server = MockServer::start().await;
    always(&server, "GET", slow(), 1).await;
    let client = common::client(&server);
    assert_eq!(client.timeout(), Duration::from_secs(60));
    let err = bounded(
        client
            .accounts()
            .get(ACCOUNT_ID)
            .timeout(Duration::from_millis(200))
            .max_retries(0),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_post_is_not_replayed_after_a_timeout() {
    let server = MockServer::start().await;
    always(&server, "POST", slow(), 1).await;
    let client = common::builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = bounded(client.accounts().create(new_account()))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

fn reset_client(server: &ResettingServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_token(common::TOKEN)
        .retry_backoff(MS, MS)
        .build()
        .unwrap()
}

#[tokio::test]
async fn connection_resets_are_retried() {
    let server = ResettingServer::start(10).await;
    let err = bounded(reset_client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_post_is_not_replayed_after_a_connection_reset() {
    let server = ResettingServer::start(10).await;
    let err = bounded(reset_client(&server).accounts().create(new_account()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    assert_eq!(server.accepted(), 1);
}
