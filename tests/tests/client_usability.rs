//! What a crate using the client needs beyond calling the API: values of
//! the client's own types built by hand for its tests, headers by their
//! string forms, client-wide defaults, extra query and body fields, the raw
//! JSON of a response, and opaque transport errors.

mod common;

use chrono::NaiveDate;
use cloudflare_orgs::models::{Account, AccountType, PageResultInfo};
use cloudflare_orgs::params::{AccountsListParams, AccountsLogsAuditListParams};
use cloudflare_orgs::{ApiError, ApiMessage, ApiResponse, DecodeError, Error, Multipart, Page};
use cloudflare_orgs::{Client, HeaderName, HeaderValue, TransportError};
use common::{
    ACCOUNT_ID, ORG_ID, account, bounded, builder, client, envelope, header_values, organization,
};
use futures_util::TryStreamExt;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

/// Code of a downstream crate: what it does with an error of the client.
fn explain(e: &Error) -> String {
    if e.is_not_found() {
        return format!("gone ({})", e.request_id().unwrap_or("no id"));
    }
    match e.api_errors().first() {
        Some(item) => format!("failed: {item}"),
        None => format!("failed: {e}"),
    }
}

#[test]
fn api_errors_can_be_built_for_tests_of_error_handling() {
    let e: Error = ApiError::new(StatusCode::NOT_FOUND)
        .with_error(1003, "no such account")
        .with_request_id("8f1e2d3c4b5a6978-LHR")
        .into();
    assert!(e.is_not_found());
    assert!(!e.is_retryable());
    assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(explain(&e), "gone (8f1e2d3c4b5a6978-LHR)");
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(
        api.errors,
        vec![ApiMessage::new("no such account").with_code(1003)]
    );

    let mut headers = HeaderMap::new();
    headers.insert("x-should-retry", "true".parse().unwrap());
    let item = ApiMessage::new("busy")
        .with_code(7)
        .with_pointer("/name")
        .with_documentation_url("https://example.com/7");
    let e = Error::from(
        ApiError::new(StatusCode::BAD_REQUEST)
            .with_errors(vec![item.clone()])
            .with_messages(vec![ApiMessage::new("note")])
            .with_headers(headers)
            .with_body("x".repeat(5000)),
    );
    assert!(e.is_retryable(), "x-should-retry: true is honoured");
    assert_eq!(explain(&e), "failed: [7] busy (at /name)");
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.messages[0].message, "note");
    assert_eq!(
        api.errors[0].documentation_url.as_deref(),
        Some("https://example.com/7")
    );
    assert!(
        api.body.len() <= 1024 + '…'.len_utf8(),
        "{}",
        api.body.len()
    );

    let e = Error::from(
        DecodeError::new(StatusCode::OK, "result.id", "missing field").with_request_id("r1"),
    );
    assert_eq!(e.request_id(), Some("r1"));
    assert!(
        e.to_string().contains("at `result.id`: missing field"),
        "{e}"
    );
}

#[test]
fn pages_and_responses_can_be_built_for_tests() {
    let account = Account::new("a1", "Account", AccountType::Standard);
    let page: Page<Account, PageResultInfo> =
        Page::new(vec![account.clone()]).with_result_info(PageResultInfo::new().total_pages(1.0));
    assert_eq!(page.items, vec![account.clone()]);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.result_info.and_then(|i| i.total_pages), Some(1.0));
    assert!(page.messages.is_empty() && page.headers.is_empty());

    let mut headers = HeaderMap::new();
    headers.insert("cf-ray", "r-2".parse().unwrap());
    let response: ApiResponse<Account> = ApiResponse::new(account.clone())
        .with_status(StatusCode::CREATED)
        .with_headers(headers)
        .with_messages(vec![ApiMessage::new("created")]);
    assert_eq!(response.result, account);
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.request_id().as_deref(), Some("r-2"));
    assert_eq!(response.messages[0].message, "created");
    assert!(response.result_info.is_none());
}

#[test]
fn params_and_multipart_bodies_compare_equal() {
    let a = AccountsListParams::new().name("acme").page(2);
    assert_eq!(a.clone(), AccountsListParams::new().name("acme").page(2));
    assert_ne!(a, AccountsListParams::new().name("acme").page(3));
    let audit = AccountsLogsAuditListParams::new(
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
    );
    assert_eq!(audit, audit.clone());
    let form = Multipart::new()
        .text("a", "1")
        .file("f", "x.txt", "text/plain", b"hi".to_vec());
    assert_eq!(form, form.clone());
    assert_ne!(form, Multipart::new().text("a", "1"));
}

/// A server answering anything with `result` in the envelope.
async fn echo(result: serde_json::Value) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(envelope(result)))
        .mount(&server)
        .await;
    server
}

async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn request_headers_are_given_as_strings_and_bad_ones_are_errors() {
    let server = echo(account(ACCOUNT_ID)).await;
    let client = client(&server);
    bounded(
        client
            .accounts()
            .get(ACCOUNT_ID)
            .header("x-trace-id", "trace-1"),
    )
    .await
    .unwrap();
    let typed = (
        HeaderName::from_static("x-typed"),
        HeaderValue::from_static("yes"),
    );
    bounded(client.accounts().get(ACCOUNT_ID).header(typed.0, typed.1))
        .await
        .unwrap();
    assert_eq!(
        header_values(&server, "x-trace-id").await,
        [Some("trace-1".to_owned()), None]
    );
    assert_eq!(
        header_values(&server, "x-typed").await[1].as_deref(),
        Some("yes")
    );
    for (name, value) in [("bad name", "v"), ("x-ok", "line\nbreak"), ("", "v")] {
        let err = bounded(client.accounts().get(ACCOUNT_ID).header(name, value))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
        assert!(
            !err.to_string().contains("line"),
            "values are not quoted: {err}"
        );
    }
    assert_eq!(
        received(&server).await.len(),
        2,
        "nothing sent for bad headers"
    );
}

#[tokio::test]
async fn default_headers_are_sent_on_every_request_and_give_way_to_the_request() {
    let server = echo(account(ACCOUNT_ID)).await;
    let client = builder(&server)
        .default_header("x-team", "billing")
        .default_header("user-agent", "my-app/1.0")
        .default_header(
            HeaderName::from_static("x-other"),
            HeaderValue::from_static("o"),
        )
        .build()
        .unwrap();
    bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    bounded(
        client
            .accounts()
            .get(ACCOUNT_ID)
            .header("x-team", "support"),
    )
    .await
    .unwrap();
    assert_eq!(
        header_values(&server, "x-team").await,
        [Some("billing".to_owned()), Some("support".to_owned())]
    );
    assert_eq!(
        header_values(&server, "x-other").await[0].as_deref(),
        Some("o")
    );
    assert_eq!(
        header_values(&server, "user-agent").await[0].as_deref(),
        Some("my-app/1.0")
    );
    // Credentials are the client's own.
    let sent = received(&server).await;
    assert_eq!(sent[0].headers.get_all("x-team").iter().count(), 1);
    let auth = builder(&server)
        .default_header("authorization", "Bearer other")
        .build()
        .unwrap();
    bounded(auth.accounts().get(ACCOUNT_ID)).await.unwrap();
    let last = received(&server).await.pop().unwrap();
    assert_eq!(
        last.headers.get("authorization").unwrap(),
        &format!("Bearer {}", common::TOKEN)
    );
    // A default value may be a secret: `Debug` output redacts it.
    let shown = format!("{:?}", builder(&server).default_header("x-key", "s3cr3t"));
    assert!(!shown.contains("s3cr3t"), "{shown}");
    for (name, value) in [("bad name", "v"), ("x-ok", "line\nbreak")] {
        let err = builder(&server)
            .default_header(name, value)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
}

#[tokio::test]
async fn extra_query_parameters_and_body_fields_are_sent() {
    // Both an organization and an account.
    let mut result = organization(ORG_ID);
    result["type"] = json!("standard");
    let server = echo(result).await;
    let client = client(&server);
    let org = cloudflare_orgs::models::OrganizationRequest::new("Acme APAC").parent(
        cloudflare_orgs::models::OrganizationParentRequest::new(ORG_ID),
    );
    bounded(
        client
            .organizations()
            .create(org)
            .query("dry_run", "true & more")
            .body_field("beta_flag", json!({"on": true}))
            .body_field("name", json!("renamed")),
    )
    .await
    .unwrap();
    bounded(
        client
            .accounts()
            .get(ACCOUNT_ID)
            .query("extra", "1")
            .query("extra", "2")
            .body_field("k", json!(1)),
    )
    .await
    .unwrap();
    let sent = received(&server).await;
    assert_eq!(sent[0].url.query(), Some("dry_run=true%20%26%20more"));
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["beta_flag"], json!({"on": true}));
    assert_eq!(body["name"], json!("renamed"));
    assert_eq!(
        body["parent"]["id"],
        json!(ORG_ID),
        "the typed body is kept"
    );
    assert_eq!(sent[1].url.query(), Some("extra=1&extra=2"));
    assert_eq!(
        sent[1].headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[1].body).unwrap(),
        json!({"k": 1})
    );
}

#[tokio::test]
async fn the_raw_json_of_a_response_is_available() {
    let server = wiremock::MockServer::start().await;
    let mut body = envelope(account(ACCOUNT_ID));
    body["result"]["undocumented"] = json!({"depth": 3});
    body["extra_top"] = json!("t");
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let client = client(&server);
    let response = bounded(client.accounts().get(ACCOUNT_ID).send_with_meta())
        .await
        .unwrap();
    assert_eq!(response.result.id, ACCOUNT_ID);
    let raw: serde_json::Value = response.json().unwrap();
    assert_eq!(raw, body);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(response.body()).unwrap(),
        body
    );
    // Fields that never decode, so never read.
    #[allow(dead_code)]
    #[derive(serde::Deserialize, Debug)]
    struct Mine {
        result: MineResult,
    }
    #[allow(dead_code)]
    #[derive(serde::Deserialize, Debug)]
    struct MineResult {
        undocumented: Depth,
    }
    #[allow(dead_code)]
    #[derive(serde::Deserialize, Debug)]
    struct Depth {
        depth: String,
    }
    let err = response.json::<Mine>().unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "result.undocumented.depth");

    let lists = wiremock::MockServer::start().await;
    let mut body = envelope(json!([account(ACCOUNT_ID)]));
    body["extra_top"] = json!("t");
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body))
        .mount(&lists)
        .await;
    let mut pages = common::client(&lists)
        .accounts()
        .list(AccountsListParams::new())
        .pages();
    let first = bounded(pages.try_next()).await.unwrap().unwrap();
    let raw: serde_json::Value = first.json().unwrap();
    assert_eq!(raw["extra_top"], json!("t"));
    assert!(!first.body().is_empty());
}

#[tokio::test]
async fn transport_errors_are_opaque_with_their_source() {
    use std::error::Error as _;
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let Error::Connection(transport) = &err else {
        panic!("{err:?}")
    };
    let transport: &TransportError = transport;
    assert!(
        transport.is_connect() && !transport.is_timeout(),
        "{transport:?}"
    );
    assert!(transport.source().is_some());
    assert!(err.source().is_some());
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn the_proxy_setting_routes_requests_through_the_proxy() {
    // The mock server stands in for an HTTP proxy: a proxied plain-HTTP
    // request arrives there for a host that does not exist.
    let proxy = echo(account(ACCOUNT_ID)).await;
    let client = Client::builder()
        .base_url("http://api.example.invalid/client/v4")
        .proxy(proxy.uri())
        .max_retries(0)
        .build()
        .unwrap();
    bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    let sent = received(&proxy).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].headers.get("host").unwrap(), "api.example.invalid");
    assert!(
        sent[0]
            .url
            .path()
            .ends_with(&format!("/accounts/{ACCOUNT_ID}")),
        "{}",
        sent[0].url
    );
    // Building a client with a proxy needs no process-wide TLS provider,
    // and neither does an https base URL.
    let https = Client::builder()
        .base_url("https://api.example.invalid")
        .proxy("http://user:s3cr3t@127.0.0.1:9")
        .build();
    assert!(https.is_ok(), "{https:?}");
    let err = Client::builder()
        .proxy("::not a url::")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let err = Client::builder()
        .proxy("http://user:s3cr3t@bad host")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
}

/// The types of the client's signatures are its own re-exports, and so is
/// the `reqwest` of `http_client(..)`: no direct dependency needed.
#[test]
fn signature_types_are_reexported() {
    fn _with_http(client: cloudflare_orgs::reqwest::Client) -> cloudflare_orgs::ClientBuilder {
        Client::builder().http_client(client)
    }
    let status: cloudflare_orgs::StatusCode = cloudflare_orgs::StatusCode::NOT_FOUND;
    let mut headers = cloudflare_orgs::HeaderMap::new();
    headers.insert(
        cloudflare_orgs::HeaderName::from_static("cf-ray"),
        cloudflare_orgs::HeaderValue::from_static("r"),
    );
    let e: Error = ApiError::new(status).with_headers(headers).into();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn lists_take_arrays_and_vecs_of_str_and_union_variants_convert() {
    use cloudflare_orgs::models::{AccountsMembersCreateBody, CreateAccountMemberWithRoles};
    use cloudflare_orgs::params::OrganizationsListParams;
    let server = echo(json!({})).await;
    let client = client(&server);
    // A payload whose type only one variant has converts with `.into()`.
    let body: AccountsMembersCreateBody =
        CreateAccountMemberWithRoles::new("ada@example.com", ["r1"]).into();
    assert_eq!(
        body,
        AccountsMembersCreateBody::CreateAccountMemberWithRoles(CreateAccountMemberWithRoles::new(
            "ada@example.com",
            vec![String::from("r1")]
        ))
    );
    bounded(client.accounts().members().create(ACCOUNT_ID, body))
        .await
        .unwrap();
    let body = CreateAccountMemberWithRoles::new("bob@example.com", vec!["r1", "r2"]);
    bounded(client.accounts().members().create(ACCOUNT_ID, body.into()))
        .await
        .unwrap();
    let lists = echo(json!([])).await;
    let client = common::client(&lists);
    for params in [
        OrganizationsListParams::new().id(["o1"]),
        OrganizationsListParams::new().id(vec!["o1", "o2"]),
        OrganizationsListParams::new().id(vec![String::from("o3")]),
    ] {
        bounded(client.organizations().list(params)).await.unwrap();
    }
    let sent = received(&server).await;
    let roles: Vec<serde_json::Value> = sent
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["roles"].clone())
        .collect();
    assert_eq!(roles, [json!(["r1"]), json!(["r1", "r2"])]);
    let queries: Vec<Option<String>> = received(&lists)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [
            Some("id=o1".to_owned()),
            Some("id=o1&id=o2".to_owned()),
            Some("id=o3".to_owned())
        ]
    );
}

#[tokio::test]
async fn integer_params_take_any_primitive_and_out_of_range_fails_when_sent() {
    let server = echo(json!([])).await;
    let client = client(&server);
    let wanted: usize = 3;
    bounded(
        client
            .accounts()
            .list(AccountsListParams::new().page(wanted).per_page(50u8)),
    )
    .await
    .unwrap();
    let sent = received(&server).await;
    assert_eq!(sent[0].url.query(), Some("page=3&per_page=50"));

    let e = bounded(
        client
            .accounts()
            .list(AccountsListParams::new().page(1).per_page(u64::MAX)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidArgument(m) if m.contains("per_page") && m.contains("18446744073709551615")),
        "{e:?}"
    );
    assert_eq!(received(&server).await.len(), 1, "nothing was sent");
}
