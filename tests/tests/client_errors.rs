//! The response envelope and the error type: unwrapping `result`,
//! `success: false`, each error kind and its helpers, decode errors with
//! paths and bounded excerpts, lenient decoding of unknown enum values and
//! extra fields, errors found before sending and redirect loops (never
//! retried), and messages safe to log.

mod common;

use cloudflare_orgs::models::{AccountType, AccountsMembersCreateBody};
use cloudflare_orgs::{ApiMessage, Client, Error};
use common::{ACCOUNT_ID, account, bounded, builder, client, envelope, envelope_with_info};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn serve(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

fn account_path() -> String {
    format!("/accounts/{ACCOUNT_ID}")
}

#[tokio::test]
async fn the_result_is_unwrapped_from_the_envelope() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200).set_body_json(envelope(json!({
            "id": ACCOUNT_ID,
            "name": "Main",
            "type": "enterprise",
            "created_on": "2024-05-06T07:08:09.123Z",
            "settings": { "enforce_twofactor": true }
        }))),
    )
    .await;
    let account = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(account.id, ACCOUNT_ID);
    assert_eq!(account.name, "Main");
    assert_eq!(account.type_, AccountType::Enterprise);
    assert_eq!(
        account.created_on.unwrap().to_rfc3339(),
        "2024-05-06T07:08:09.123+00:00"
    );
}

#[tokio::test]
async fn send_with_meta_returns_status_headers_messages_and_result_info() {
    let server = MockServer::start().await;
    let mut body = envelope_with_info(
        json!([account("a1"), account("a2")]),
        json!({ "page": 1, "per_page": 2, "count": 2, "total_count": 9, "total_pages": 5 }),
    );
    body["messages"] = json!([{ "code": 10001, "message": "deprecated soon" }]);
    serve(
        &server,
        "GET",
        "/accounts",
        ResponseTemplate::new(200)
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-LHR")
            .set_body_json(body),
    )
    .await;
    let response = bounded(
        client(&server)
            .accounts()
            .list(Default::default())
            .send_with_meta(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.result.len(), 2);
    assert_eq!(response.result[1].id, "a2");
    let info = response.result_info.as_ref().unwrap();
    assert_eq!(
        (info.page, info.total_pages, info.total_count),
        (Some(1.0), Some(5.0), Some(9.0))
    );
    assert_eq!(response.messages.len(), 1);
    assert_eq!(response.messages[0].code, Some(10001));
    assert_eq!(response.messages[0].message, "deprecated soon");
    assert_eq!(
        response.request_id().as_deref(),
        Some("8f1e2d3c4b5a6978-LHR")
    );
    assert_eq!(
        response.headers.get("cf-ray").unwrap(),
        "8f1e2d3c4b5a6978-LHR"
    );
}

fn failure_body() -> serde_json::Value {
    json!({
        "success": false,
        "errors": [{
            "code": 1003,
            "message": "Invalid or missing account name",
            "documentation_url": "https://developers.cloudflare.com/api/",
            "source": { "pointer": "/name" }
        }, {
            "code": "7003",
            "message": "Could not route"
        }],
        "messages": [{ "code": 1, "message": "see the docs" }],
        "result": null
    })
}

fn assert_failure(err: &Error, status: StatusCode) {
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status, status);
    assert_eq!(err.status(), Some(status));
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[0].code, Some(1003));
    assert_eq!(api.errors[0].message, "Invalid or missing account name");
    assert_eq!(
        api.errors[0].documentation_url.as_deref(),
        Some("https://developers.cloudflare.com/api/")
    );
    assert_eq!(api.errors[0].pointer.as_deref(), Some("/name"));
    // A numeric code sent as a string is still read.
    assert_eq!(api.errors[1].code, Some(7003));
    assert_eq!(err.api_errors(), api.errors.as_slice());
    assert_eq!(api.messages.len(), 1);
    assert_eq!(api.messages[0].message, "see the docs");
    assert_eq!(api.request_id.as_deref(), Some("8f1e2d3c4b5a6978-SJC"));
    assert_eq!(err.request_id(), Some("8f1e2d3c4b5a6978-SJC"));
    let text = err.to_string();
    assert!(
        text.contains("[1003] Invalid or missing account name (at /name)")
            && text.contains("8f1e2d3c4b5a6978-SJC"),
        "{text}"
    );
}

#[tokio::test]
async fn success_false_with_a_2xx_status_is_an_api_error() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/accounts",
        ResponseTemplate::new(200)
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-SJC")
            .set_body_json(failure_body()),
    )
    .await;
    let body = serde_json::from_value(json!({ "name": "x" })).unwrap();
    let err = bounded(client(&server).accounts().create(body))
        .await
        .unwrap_err();
    assert_failure(&err, StatusCode::OK);
    assert!(!err.is_retryable() && !err.is_not_found() && !err.is_rate_limited());
}

#[tokio::test]
async fn success_false_is_reported_even_when_the_result_has_another_shape() {
    let server = MockServer::start().await;
    let mut body = failure_body();
    body["result"] = json!({ "unexpected": "shape" });
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200)
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-SJC")
            .set_body_json(body),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert_failure(&err, StatusCode::OK);
}

#[tokio::test]
async fn an_error_status_carries_the_envelope_errors() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(404)
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-SJC")
            .set_body_json(failure_body()),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert_failure(&err, StatusCode::NOT_FOUND);
    assert!(err.is_not_found());
    assert!(!err.is_retryable() && !err.is_rate_limited() && !err.is_timeout());
}

#[tokio::test]
async fn rate_limiting_is_reported_once_retries_are_exhausted() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(429).set_body_json(json!({
            "success": false,
            "errors": [{ "code": 971, "message": "Please wait and consider throttling your request speed" }],
            "messages": [],
            "result": null
        })),
    )
    .await;
    let client = common::builder(&server).max_retries(0).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.api_errors()[0].code, Some(971));
}

#[tokio::test]
async fn x_should_retry_decides_whether_an_error_is_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/a"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/b"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server).max_retries(0).build().unwrap();
    let err = bounded(client.accounts().get("a")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(!err.is_retryable());
    let err = bounded(client.accounts().get("b")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_html_502_page_is_an_api_error_with_the_page_excerpt() {
    let server = MockServer::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>";
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(502)
            .insert_header("content-type", "text/html")
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-AMS")
            .set_body_string(page),
    )
    .await;
    let client = common::builder(&server).max_retries(0).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert!(api.errors.is_empty());
    assert_eq!(api.body, page);
    assert_eq!(api.request_id.as_deref(), Some("8f1e2d3c4b5a6978-AMS"));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn an_error_body_with_a_plain_message_is_read() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(403).set_body_json(json!({ "message": "forbidden here" })),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(err.api_errors()[0].message, "forbidden here");
}

fn decode_error(err: &Error) -> &cloudflare_orgs::DecodeError {
    match err {
        Error::Decode(e) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let server = MockServer::start().await;
    let body = r#"{"success": true, "errors": [], "result": {"id": "abc", "name": "#;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .insert_header("cf-ray", "8f1e2d3c4b5a6978-FRA")
            .set_body_string(body),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let decode = decode_error(&err);
    assert_eq!(decode.status, StatusCode::OK);
    assert_eq!(decode.path, "result.name");
    assert!(decode.message.contains("EOF"), "{}", decode.message);
    assert_eq!(decode.body, body);
    assert_eq!(decode.request_id.as_deref(), Some("8f1e2d3c4b5a6978-FRA"));
    assert!(!err.is_retryable());
    assert_eq!(err.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn a_value_of_the_wrong_type_reports_its_path() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/accounts",
        ResponseTemplate::new(200).set_body_json(envelope(json!([
            account("a1"),
            { "id": "a2", "name": 42, "type": "standard" }
        ]))),
    )
    .await;
    let err = bounded(client(&server).accounts().list(Default::default()))
        .await
        .unwrap_err();
    let decode = decode_error(&err);
    assert_eq!(decode.path, "result[1].name");
    assert!(
        decode.message.contains("invalid type"),
        "{}",
        decode.message
    );
    assert!(err.to_string().contains("`result[1].name`"), "{err}");
}

#[tokio::test]
async fn a_missing_required_field_reports_its_path() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200)
            .set_body_json(envelope(json!({ "id": "a1", "type": "standard" }))),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let decode = decode_error(&err);
    assert_eq!(decode.path, "result");
    assert!(
        decode.message.contains("missing field `name`"),
        "{}",
        decode.message
    );
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_decode_error() {
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html><html><body>Attention Required!</body></html>";
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html")
            .set_body_string(page),
    )
    .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let decode = decode_error(&err);
    assert_eq!(decode.body, page);
    assert!(err.to_string().contains("Attention Required!"), "{err}");
}

#[tokio::test]
async fn body_excerpts_are_bounded() {
    let server = MockServer::start().await;
    let huge = format!("<html>{}</html>", "é".repeat(100_000));
    Mock::given(method("GET"))
        .and(path("/accounts/a"))
        .respond_with(ResponseTemplate::new(200).set_body_string(huge.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/b"))
        .respond_with(ResponseTemplate::new(500).set_body_string(huge.clone()))
        .mount(&server)
        .await;
    let client = common::builder(&server).max_retries(0).build().unwrap();
    let err = bounded(client.accounts().get("a")).await.unwrap_err();
    let decode = decode_error(&err);
    assert!(
        decode.body.len() <= 1024 + '…'.len_utf8(),
        "{}",
        decode.body.len()
    );
    assert!(decode.body.starts_with("<html>éé") && decode.body.ends_with('…'));
    let err = bounded(client.accounts().get("b")).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(
        api.body.len() <= 1024 + '…'.len_utf8(),
        "{}",
        api.body.len()
    );
    assert!(err.to_string().len() < 2048);
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_decode() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        &account_path(),
        ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "errors": [],
            "messages": [],
            "result": {
                "id": ACCOUNT_ID,
                "name": "Main",
                "type": "galactic",
                "brand_new_field": { "nested": [1, 2, 3] },
                "settings": { "enforce_twofactor": false, "another_new_setting": "x" },
                "managed_by": { "parent_org_id": "o1", "yet_another": null }
            },
            "result_info": { "unexpected": true },
            "new_top_level_field": 1
        })),
    )
    .await;
    let account = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    assert_eq!(account.type_, AccountType::Unknown("galactic".into()));
    assert_eq!(account.type_.as_str(), "galactic");
    // The unknown value is sent back verbatim.
    assert_eq!(
        serde_json::to_value(&account.type_).unwrap(),
        json!("galactic")
    );
}

#[tokio::test]
async fn a_missing_or_null_result_decodes_when_the_type_allows_it() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/accounts/a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/accounts/b"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(bounded(client.accounts().delete("a")).await.unwrap(), None);
    assert_eq!(bounded(client.accounts().delete("b")).await.unwrap(), None);
    // A required object that is missing is a decode error, not a panic.
    let err = bounded(client.accounts().get("c")).await.unwrap_err();
    assert_eq!(decode_error(&err).path, "result");
}

#[tokio::test]
async fn invalid_arguments_are_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!(null))))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    for id in ["", ".", ".."] {
        let err = bounded(client.accounts().get(id)).await.unwrap_err();
        let Error::InvalidArgument(message) = &err else {
            panic!("{id:?}: expected an invalid argument error, got {err:?}");
        };
        assert!(message.contains("account_id"), "{message}");
        assert_eq!(err.status(), None);
        assert!(!err.is_retryable());
    }
    let err = bounded(client.accounts().members().get(ACCOUNT_ID, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("member_id")),
        "{err:?}"
    );
    let body: AccountsMembersCreateBody =
        serde_json::from_value(json!({ "email": "a@example.com", "roles": ["r"] })).unwrap();
    let err = bounded(client.accounts().members().create("", body))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(1)
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(1),
        )
        .build()
        .unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    assert!(err.is_retryable() && !err.is_timeout());
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn api_messages_display_code_text_and_pointer() {
    let message: ApiMessage = serde_json::from_value(json!({
        "code": 1003, "message": "bad", "pointer": "/a"
    }))
    .unwrap();
    assert_eq!(message.to_string(), "[1003] bad (at /a)");
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_url_too_long_to_send_is_an_invalid_argument_and_not_retried() {
    let server = MockServer::start().await;
    let id = "a".repeat(70_000);
    let err = bounded(client(&server).accounts().get(&id))
        .await
        .unwrap_err();
    let Error::InvalidArgument(message) = &err else {
        panic!("expected an invalid argument, got {err:?}");
    };
    assert!(message.contains("bytes long"), "{message}");
    assert!(!err.is_retryable());
    assert!(err.to_string().len() < 300, "{}", err.to_string().len());
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn a_request_the_http_client_refuses_is_a_local_error_and_not_retried() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = MockServer::start().await;
    let https_only = reqwest::Client::builder().https_only(true).build().unwrap();
    let client = builder(&server).http_client(https_only).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_redirect_loop_is_its_own_error_and_not_retried() {
    let server = MockServer::start().await;
    let target = format!("/accounts/{ACCOUNT_ID}");
    Mock::given(path(target.clone()))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    // A longer loop, through another URL.
    Mock::given(path("/accounts/a"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/accounts/b"))
        .mount(&server)
        .await;
    Mock::given(path("/accounts/b"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/accounts/a"))
        .mount(&server)
        .await;
    let client = client(&server);
    for (id, requests) in [(ACCOUNT_ID, 1), ("a", 2)] {
        let before = request_count(&server).await;
        let err = bounded(client.accounts().get(id)).await.unwrap_err();
        let Error::Redirect(message) = &err else {
            panic!("expected a redirect error, got {err:?}");
        };
        assert!(message.contains("loop"), "{message}");
        assert!(!err.is_retryable());
        assert_eq!(request_count(&server).await - before, requests, "{id}");
    }
}

#[tokio::test]
async fn too_many_redirects_are_a_redirect_error() {
    let server = MockServer::start().await;
    let redirect = |request: &Request| {
        let n: u64 = request
            .url
            .path()
            .trim_start_matches("/accounts/r")
            .parse()
            .unwrap_or(0);
        ResponseTemplate::new(302)
            .insert_header("location", format!("/accounts/r{}", n + 1).as_str())
    };
    Mock::given(method("GET"))
        .respond_with(redirect)
        .mount(&server)
        .await;
    let err = bounded(client(&server).accounts().get("r0"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Redirect(m) if m.contains("10")),
        "{err:?}"
    );
    // The request and ten redirects, once: no retry.
    assert_eq!(request_count(&server).await, 11);
}

#[tokio::test]
async fn server_text_cannot_forge_log_lines() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("cf-ray", "ray\t1")
                .set_body_json(json!({
                    "success": false,
                    "errors": [{ "code": 1, "message": "denied\r\n2024-01-01 INFO admin logged in\u{1b}[2K" }],
                    "messages": [],
                    "result": null
                })),
        )
        .mount(&server)
        .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(
        text.contains(r"denied\r\n2024-01-01 INFO admin logged in\u{1b}[2K"),
        "{text}"
    );
    // The error keeps the server's text as it was.
    assert!(err.api_errors()[0].message.contains('\n'));
}

#[tokio::test]
async fn error_messages_are_bounded() {
    let server = MockServer::start().await;
    // Within what the client reads of an error body (64 KiB).
    let errors: Vec<serde_json::Value> = (0..50)
        .map(|i| json!({ "code": i, "message": "x".repeat(1000) }))
        .collect();
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({ "success": false, "errors": errors })),
        )
        .mount(&server)
        .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.len() <= 4096, "{}", text.len());
    assert!(
        text.starts_with("API error: HTTP 400 Bad Request: [0] xxx"),
        "{text}"
    );
    assert!(text.ends_with('…'), "{text}");
    // The error itself keeps every item.
    assert_eq!(err.api_errors().len(), 50);
}
