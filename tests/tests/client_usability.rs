//! What a crate using the client needs beyond calling the API: values of
//! the client's own types built by hand for its tests, headers by their
//! string forms, client-wide defaults, extra query and body fields, the raw
//! JSON of a response, and opaque transport errors.

mod common;

use chrono::NaiveDate;
use cloudflare_orgs::models::{Account, AccountType, PageResultInfo};
use cloudflare_orgs::params::{AccountsListParams, AccountsLogsAuditListParams};
use cloudflare_orgs::{ApiError, ApiMessage, ApiResponse, DecodeError, Error, Multipart, Page};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

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
