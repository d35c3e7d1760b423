//! Pagination: page numbers, cursors, page tokens and single pages, as
//! named, `Unpin` streams of pages and of items; termination at the last
//! page, past empty pages, with an error when the server repeats itself
//! (the same items, echoed metadata aside, or a cursor cycle), and at the
//! page limit, whatever the server reports as the total.
//!
//! Every stream is read through [`drain`], which stops after a fixed number
//! of elements, so a client that loops shows up as a failed assertion.

mod common;

use chrono::NaiveDate;
use cloudflare_orgs::models::{Account, AuditLog, CursorResultInfo, PageResultInfo};
use cloudflare_orgs::params::{
    AccountsListParams, AccountsLogsAuditListParams, OrganizationsListParams,
};
use cloudflare_orgs::{Client, DEFAULT_MAX_PAGES, Error, Items, Page, Pages};
use common::{
    ACCOUNT_ID, account, audit_log, bounded, builder, client, envelope, envelope_with_info,
    organization,
};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// Most elements any stream here may yield before the test gives up.
const LIMIT: usize = 20;

async fn drain<S: Stream>(stream: S) -> Vec<S::Item> {
    bounded(stream.take(LIMIT).collect::<Vec<_>>()).await
}

fn ids<T, I>(pages: &[Result<Page<T, I>, Error>], id: impl Fn(&T) -> String) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| p.as_ref().expect("a page").items.iter().map(&id).collect())
        .collect()
}

fn accounts(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| account(id)).collect())
}

fn logs(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| audit_log(id)).collect())
}

fn orgs(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| organization(id)).collect())
}

async fn reply(mock: MockBuilder, body: Value, times: u64, server: &MockServer) {
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .mount(server)
        .await;
}

/// The query strings of every request `server` received.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

fn page_info(page: u64, total_pages: Option<u64>) -> Value {
    let mut info = json!({ "page": page, "per_page": 2, "count": 2 });
    if let Some(total) = total_pages {
        info["total_pages"] = json!(total);
        info["total_count"] = json!(total * 2);
    }
    info
}

// ---------------------------------------------------------------- page numbers

#[tokio::test]
async fn page_numbers_run_until_total_pages() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1", "a2"]), page_info(1, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&["a3", "a4"]), page_info(2, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "3")),
        envelope_with_info(accounts(&["a5"]), page_info(3, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "4")),
        envelope_with_info(accounts(&["never"]), page_info(4, Some(3))),
        0,
        &server,
    )
    .await;

    let request = client(&server)
        .accounts()
        .list(AccountsListParams::new().per_page(2).name("prod"));
    let pages = drain(request.pages()).await;
    assert_eq!(
        ids(&pages, |a| a.id.clone()),
        [vec!["a1", "a2"], vec!["a3", "a4"], vec!["a5"]]
    );
    let info = pages[2].as_ref().unwrap().result_info.as_ref().unwrap();
    assert_eq!((info.page, info.total_pages), (Some(3.0), Some(3.0)));
    // Every page repeats the filters; page numbers are integers on the wire.
    assert_eq!(
        queries(&server).await,
        [
            "name=prod&per_page=2",
            "name=prod&per_page=2&page=2",
            "name=prod&per_page=2&page=3"
        ]
    );
}

/// The description types the counters as `number`: `2.0` and a fractional
/// count must decode, and a whole float still ends the iteration.
#[tokio::test]
async fn page_counters_sent_as_floats_decode_and_end_the_iteration() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    let info =
        |page: f64| json!({ "page": page, "per_page": 2.0, "count": 1.5, "total_pages": 2.0 });
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1", "a2"]), info(1.0)),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&["a3"]), info(2.0)),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "3")),
        envelope_with_info(accounts(&["never"]), info(3.0)),
        0,
        &server,
    )
    .await;

    let pages = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .pages(),
    )
    .await;
    assert_eq!(
        ids(&pages, |a| a.id.clone()),
        [vec!["a1", "a2"], vec!["a3"]]
    );
    let info = pages[1].as_ref().unwrap().result_info.as_ref().unwrap();
    assert_eq!(
        (info.page, info.count, info.total_pages),
        (Some(2.0), Some(1.5), Some(2.0))
    );
}

#[tokio::test]
async fn items_of_every_page_in_order() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1", "a2"]), page_info(1, Some(2))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&["a3"]), page_info(2, Some(2))),
        1,
        &server,
    )
    .await;
    let items: Vec<String> = bounded(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .items()
            .take(LIMIT)
            .map_ok(|a| a.id)
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert_eq!(items, ["a1", "a2", "a3"]);
}

#[tokio::test]
async fn page_numbers_without_a_total_stop_at_an_empty_page() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path(format!("/accounts/{ACCOUNT_ID}/members")));
    let member = |id: &str| json!({ "id": id, "status": "accepted", "user": { "email": format!("{id}@example.com") } });
    reply(
        list().and(query_param_is_missing("page")),
        envelope(json!([member("m1"), member("m2")])),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope(json!([member("m3")])),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "3")),
        envelope(json!([])),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "4")),
        envelope(json!([member("never")])),
        0,
        &server,
    )
    .await;

    let request = client(&server)
        .accounts()
        .members()
        .list(ACCOUNT_ID, Default::default());
    let pages = drain(request.pages()).await;
    assert_eq!(
        ids(&pages, |m| m.id.clone().unwrap_or_default()),
        [vec!["m1", "m2"], vec!["m3"], vec![]]
    );
}

#[tokio::test]
async fn page_numbers_continue_from_the_requested_page() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&["a3"]), page_info(2, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "3")),
        envelope_with_info(accounts(&["a5"]), page_info(3, Some(3))),
        1,
        &server,
    )
    .await;
    let pages = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new().page(2))
            .pages(),
    )
    .await;
    assert_eq!(ids(&pages, |a| a.id.clone()), [vec!["a3"], vec!["a5"]]);
    assert_eq!(queries(&server).await, ["page=2", "page=3"]);
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_is_stopped() {
    // The same page whatever is asked, with no total, or a total that
    // would take a thousand requests.
    for total in [None, Some(1000)] {
        let server = MockServer::start().await;
        reply(
            Mock::given(method("GET")).and(path("/accounts")),
            envelope_with_info(accounts(&["a1", "a2"]), page_info(1, total)),
            2,
            &server,
        )
        .await;
        let pages = drain(
            client(&server)
                .accounts()
                .list(AccountsListParams::new())
                .pages(),
        )
        .await;
        assert_eq!(pages.len(), 2, "{total:?}");
        assert_eq!(pages[0].as_ref().unwrap().items.len(), 2);
        let Err(Error::Pagination(message)) = &pages[1] else {
            panic!("expected a pagination error, got {:?}", pages[1]);
        };
        assert!(message.contains("same content"), "{message}");
    }
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1"]), page_info(1, Some(5))),
        1,
        &server,
    )
    .await;
    list()
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "success": false, "errors": [{ "code": 9109, "message": "Unauthorized" }], "result": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let pages = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .pages(),
    )
    .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    let err = pages[1].as_ref().unwrap_err();
    assert_eq!(err.api_errors()[0].code, Some(9109));
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1", "a2"]), page_info(1, Some(9))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&["a3"]), page_info(2, Some(9))),
        0,
        &server,
    )
    .await;
    let first: Vec<_> = bounded(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .items()
            .take(2)
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(first.len(), 2);
}

// --------------------------------------------------------------------- cursors

fn audit_params() -> AccountsLogsAuditListParams {
    AccountsLogsAuditListParams::new(
        NaiveDate::from_ymd_opt(2024, 10, 30).unwrap(),
        NaiveDate::from_ymd_opt(2024, 10, 31).unwrap(),
    )
}

fn audit_list() -> MockBuilder {
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}/logs/audit")))
        .and(query_param("since", "2024-10-30"))
        .and(query_param("before", "2024-10-31"))
}

fn cursor_info(cursor: Option<&str>) -> Value {
    match cursor {
        Some(c) => json!({ "count": "2", "cursor": c }),
        None => json!({ "count": "1" }),
    }
}

#[tokio::test]
async fn cursors_are_followed_until_there_is_none() {
    for last in [None, Some("")] {
        let server = MockServer::start().await;
        reply(
            audit_list().and(query_param_is_missing("cursor")),
            envelope_with_info(logs(&["l1", "l2"]), cursor_info(Some("c/1+="))),
            1,
            &server,
        )
        .await;
        reply(
            audit_list().and(query_param("cursor", "c/1+=")),
            envelope_with_info(logs(&["l3", "l4"]), cursor_info(Some("c2"))),
            1,
            &server,
        )
        .await;
        reply(
            audit_list().and(query_param("cursor", "c2")),
            envelope_with_info(logs(&["l5"]), cursor_info(last)),
            1,
            &server,
        )
        .await;
        let request = client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params().limit(2));
        let pages = drain(request.pages()).await;
        assert_eq!(
            ids(&pages, |l| l.id.clone().unwrap_or_default()),
            [vec!["l1", "l2"], vec!["l3", "l4"], vec!["l5"]],
            "{last:?}"
        );
        let info = pages[0].as_ref().unwrap().result_info.as_ref().unwrap();
        assert_eq!(info.cursor.as_deref(), Some("c/1+="));
        assert_eq!(
            queries(&server).await,
            [
                "since=2024-10-30&before=2024-10-31&limit=2",
                "since=2024-10-30&before=2024-10-31&limit=2&cursor=c%2F1%2B%3D",
                "since=2024-10-30&before=2024-10-31&limit=2&cursor=c2",
            ]
        );
    }
}

#[tokio::test]
async fn a_repeated_cursor_ends_with_an_error_instead_of_looping() {
    let server = MockServer::start().await;
    reply(
        audit_list().and(query_param_is_missing("cursor")),
        envelope_with_info(logs(&["l1"]), cursor_info(Some("A"))),
        1,
        &server,
    )
    .await;
    reply(
        audit_list().and(query_param("cursor", "A")),
        envelope_with_info(logs(&["l2"]), cursor_info(Some("A"))),
        1,
        &server,
    )
    .await;
    let pages = drain(
        client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params())
            .pages(),
    )
    .await;
    assert_eq!(pages.len(), 3);
    // The page carrying the repeated cursor is new, so it is delivered.
    assert_eq!(
        ids(&pages[..2], |l| l.id.clone().unwrap_or_default()),
        [vec!["l1"], vec!["l2"]]
    );
    let Err(Error::Pagination(message)) = &pages[2] else {
        panic!("expected a pagination error, got {:?}", pages[2]);
    };
    assert!(
        message.contains("`A`") && message.contains("cursor"),
        "{message}"
    );
}

#[tokio::test]
async fn a_cursor_cycle_is_detected() {
    let server = MockServer::start().await;
    reply(
        audit_list().and(query_param_is_missing("cursor")),
        envelope_with_info(logs(&["l1"]), cursor_info(Some("A"))),
        1,
        &server,
    )
    .await;
    reply(
        audit_list().and(query_param("cursor", "A")),
        envelope_with_info(logs(&["l2"]), cursor_info(Some("B"))),
        1,
        &server,
    )
    .await;
    reply(
        audit_list().and(query_param("cursor", "B")),
        envelope_with_info(logs(&["l3"]), cursor_info(Some("A"))),
        1,
        &server,
    )
    .await;
    let items = drain(
        client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params())
            .items(),
    )
    .await;
    assert_eq!(items.len(), 4);
    let ids: Vec<_> = items[..3]
        .iter()
        .map(|l| l.as_ref().unwrap().id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["l1", "l2", "l3"]);
    assert!(
        matches!(items[3], Err(Error::Pagination(_))),
        "{:?}",
        items[3]
    );
}

#[tokio::test]
async fn a_cursor_pointing_back_to_the_start_is_detected() {
    let server = MockServer::start().await;
    reply(
        audit_list().and(query_param("cursor", "start")),
        envelope_with_info(logs(&["l1"]), cursor_info(Some("start"))),
        1,
        &server,
    )
    .await;
    let pages = drain(
        client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params().cursor("start"))
            .pages(),
    )
    .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert!(
        matches!(pages[1], Err(Error::Pagination(_))),
        "{:?}",
        pages[1]
    );
}

/// An empty page that still carries a next cursor (a server filtering
/// after paging does that) is not the end: the items after it would be
/// lost without a word.
#[tokio::test]
async fn an_empty_cursor_page_with_a_next_cursor_is_followed() {
    let server = MockServer::start().await;
    reply(
        audit_list().and(query_param_is_missing("cursor")),
        envelope_with_info(logs(&["l1"]), cursor_info(Some("A"))),
        1,
        &server,
    )
    .await;
    reply(
        audit_list().and(query_param("cursor", "A")),
        envelope_with_info(logs(&[]), cursor_info(Some("B"))),
        1,
        &server,
    )
    .await;
    reply(
        audit_list().and(query_param("cursor", "B")),
        envelope_with_info(logs(&["l2"]), cursor_info(None)),
        1,
        &server,
    )
    .await;
    let pages = drain(
        client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params())
            .pages(),
    )
    .await;
    assert_eq!(
        ids(&pages, |l| l.id.clone().unwrap_or_default()),
        [vec!["l1"], vec![], vec!["l2"]]
    );
}

/// An empty page before the reported last page does not end the stream
/// either.
#[tokio::test]
async fn an_empty_page_before_the_total_is_followed() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/accounts"));
    reply(
        list().and(query_param_is_missing("page")),
        envelope_with_info(accounts(&["a1", "a2"]), page_info(1, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "2")),
        envelope_with_info(accounts(&[]), page_info(2, Some(3))),
        1,
        &server,
    )
    .await;
    reply(
        list().and(query_param("page", "3")),
        envelope_with_info(accounts(&["a5"]), page_info(3, Some(3))),
        1,
        &server,
    )
    .await;
    let items: Vec<String> = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .items(),
    )
    .await
    .into_iter()
    .map(|a| a.unwrap().id)
    .collect();
    assert_eq!(items, ["a1", "a2", "a5"]);
}

// ----------------------------------------------------------------- page tokens

fn org_list() -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .and(query_param("page_size", "2"))
        .and(query_param("name.startsWith", "acme"))
}

fn token_info(token: Option<&str>) -> Value {
    match token {
        Some(t) => json!({ "next_page_token": t, "total_size": 5 }),
        None => json!({ "total_size": 5 }),
    }
}

#[tokio::test]
async fn page_tokens_are_followed_until_there_is_none() {
    let server = MockServer::start().await;
    reply(
        org_list().and(query_param_is_missing("page_token")),
        envelope_with_info(orgs(&["o1", "o2"]), token_info(Some("t1"))),
        1,
        &server,
    )
    .await;
    reply(
        org_list().and(query_param("page_token", "t1")),
        envelope_with_info(orgs(&["o3", "o4"]), token_info(Some("t2"))),
        1,
        &server,
    )
    .await;
    reply(
        org_list().and(query_param("page_token", "t2")),
        envelope_with_info(orgs(&["o5"]), token_info(None)),
        1,
        &server,
    )
    .await;
    let params = OrganizationsListParams::new()
        .page_size(2)
        .name_starts_with("acme");
    let pages = drain(client(&server).organizations().list(params).pages()).await;
    assert_eq!(
        ids(&pages, |o| o.id.clone()),
        [vec!["o1", "o2"], vec!["o3", "o4"], vec!["o5"]]
    );
    let info = pages[1].as_ref().unwrap().result_info.as_ref().unwrap();
    assert_eq!(info.next_page_token.as_deref(), Some("t2"));
    assert_eq!(
        queries(&server).await,
        [
            "name.startsWith=acme&page_size=2",
            "name.startsWith=acme&page_size=2&page_token=t1",
            "name.startsWith=acme&page_size=2&page_token=t2",
        ]
    );
}

#[tokio::test]
async fn a_repeated_page_token_ends_with_an_error_instead_of_looping() {
    let server = MockServer::start().await;
    reply(
        org_list().and(query_param_is_missing("page_token")),
        envelope_with_info(orgs(&["o1"]), token_info(Some("t1"))),
        1,
        &server,
    )
    .await;
    reply(
        org_list().and(query_param("page_token", "t1")),
        envelope_with_info(orgs(&["o2"]), token_info(Some("t1"))),
        1,
        &server,
    )
    .await;
    let params = OrganizationsListParams::new()
        .page_size(2)
        .name_starts_with("acme");
    let items = drain(client(&server).organizations().list(params).items()).await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    let Err(Error::Pagination(message)) = &items[2] else {
        panic!("expected a pagination error, got {:?}", items[2]);
    };
    assert!(message.contains("page_token"), "{message}");
}

// ----------------------------------------------------------------- single page

#[tokio::test]
async fn a_list_without_pagination_is_one_page() {
    let server = MockServer::start().await;
    // Even a response that looks paginated is not followed.
    reply(
        Mock::given(method("GET")).and(path(format!(
            "/accounts/{ACCOUNT_ID}/logs/audit/product_categories"
        ))),
        envelope_with_info(
            json!([{ "value": "dns", "label": "DNS" }, { "value": "waf", "label": "WAF" }]),
            json!({ "cursor": "ignored", "next_page_token": "ignored", "total_pages": 9 }),
        ),
        1,
        &server,
    )
    .await;
    let request = client(&server)
        .accounts()
        .logs()
        .audit()
        .product_categories()
        .list(ACCOUNT_ID);
    let pages = drain(request.pages()).await;
    assert_eq!(
        ids(&pages, |c| c.value.clone().unwrap_or_default()),
        [vec!["dns", "waf"]]
    );
}

#[tokio::test]
async fn an_empty_first_page_yields_no_items() {
    let server = MockServer::start().await;
    reply(
        Mock::given(method("GET")).and(path("/accounts")),
        envelope_with_info(json!([]), page_info(1, Some(0))),
        1,
        &server,
    )
    .await;
    let items = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .items(),
    )
    .await;
    assert!(items.is_empty());
    // A null result is an empty page too.
    let server = MockServer::start().await;
    reply(
        Mock::given(method("GET")).and(path("/accounts")),
        envelope(json!(null)),
        1,
        &server,
    )
    .await;
    let items = drain(
        client(&server)
            .accounts()
            .list(AccountsListParams::new())
            .items(),
    )
    .await;
    assert!(items.is_empty());
}

// ------------------------------------------------ servers that never stop

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// The value of query parameter `name` of a request.
fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Mounts `respond` for every request.
async fn serve_with(
    server: &MockServer,
    respond: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) {
    Mock::given(any()).respond_with(respond).mount(server).await;
}

fn json_response(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn audit_pages(client: &Client) -> Pages<AuditLog, CursorResultInfo> {
    client
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID, audit_params())
        .pages()
}

fn account_pages(client: &Client) -> Pages<Account, PageResultInfo> {
    client.accounts().list(AccountsListParams::new()).pages()
}

/// The number of pages before the first error, and that error's message.
fn pages_then_error<T: std::fmt::Debug, I: std::fmt::Debug>(
    pages: &[Result<Page<T, I>, Error>],
) -> (usize, String) {
    let ok = pages.iter().take_while(|p| p.is_ok()).count();
    match pages.get(ok) {
        Some(Err(Error::Pagination(message))) => {
            assert_eq!(pages.len(), ok + 1, "the stream goes on after its error");
            (ok, message.clone())
        }
        other => panic!("expected a pagination error after {ok} pages, got {other:?}"),
    }
}

/// A cursor server that never runs dry: a fresh cursor and fresh items on
/// every page.
async fn endless_cursors() -> MockServer {
    let server = MockServer::start().await;
    serve_with(&server, |request: &Request| {
        let n: u64 = query(request, "cursor").map_or(0, |c| c[1..].parse::<u64>().unwrap() + 1);
        json_response(envelope_with_info(
            json!([audit_log(&format!("l{n}"))]),
            json!({ "cursor": format!("c{n}") }),
        ))
    })
    .await;
    server
}

#[tokio::test]
async fn fresh_cursors_forever_end_at_the_page_limit() {
    let server = endless_cursors().await;
    let pages = drain(audit_pages(&client(&server)).max_pages(7)).await;
    let (ok, message) = pages_then_error(&pages);
    assert_eq!(ok, 7);
    assert!(
        message.contains("7 pages") && message.contains("max_pages"),
        "{message}"
    );
    assert_eq!(request_count(&server).await, 7);

    // The client's limit applies to every stream; a stream's own wins.
    let server = endless_cursors().await;
    let client = builder(&server).max_pages(3).build().unwrap();
    assert_eq!(client.max_pages(), 3);
    let items = drain(
        client
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, audit_params())
            .items(),
    )
    .await;
    assert_eq!(items.len(), 4);
    assert!(
        matches!(&items[3], Err(Error::Pagination(m)) if m.contains("3 pages")),
        "{:?}",
        items[3]
    );
    let pages = drain(audit_pages(&client).max_pages(5)).await;
    assert_eq!(pages_then_error(&pages).0, 5);
    assert_eq!(request_count(&server).await, 3 + 5);
}

/// The values the README, the generated README (`templates/README.md.j2`)
/// and the runtime's docs state.
#[test]
fn the_default_page_limit_is_the_documented_value() {
    assert_eq!(DEFAULT_MAX_PAGES, 1000);
    let client = Client::builder().build().unwrap();
    assert_eq!(client.max_pages(), DEFAULT_MAX_PAGES);
    // Zero pages would make every stream an error: it counts as one.
    assert_eq!(
        Client::builder().max_pages(0).build().unwrap().max_pages(),
        1
    );
}

#[tokio::test]
async fn a_stream_that_ends_within_the_limit_has_no_error() {
    let server = MockServer::start().await;
    serve_with(&server, |request: &Request| {
        let page: u64 = query(request, "page").map_or(1, |p| p.parse().unwrap());
        json_response(envelope_with_info(
            json!([account(&format!("a{page}"))]),
            json!({ "page": page, "total_pages": 3 }),
        ))
    })
    .await;
    let pages = drain(account_pages(&client(&server)).max_pages(3)).await;
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(Result::is_ok), "{pages:?}");
}

/// A page-number server that ignores the page asked for but echoes it in
/// `result_info`, with `total_pages` set to `total`; `fresh` makes every
/// page's items new.
async fn echoing_pages(total: Option<Value>, fresh: bool) -> MockServer {
    let server = MockServer::start().await;
    serve_with(&server, move |request: &Request| {
        let page: u64 = query(request, "page").map_or(1, |p| p.parse().unwrap());
        let id = if fresh {
            format!("a{page}")
        } else {
            "same".into()
        };
        let mut info = json!({ "page": page, "per_page": 1, "count": 1 });
        if let Some(total) = &total {
            info["total_pages"] = total.clone();
        }
        json_response(envelope_with_info(json!([account(&id)]), info))
    })
    .await;
    server
}

fn untrustworthy_totals() -> Vec<Option<Value>> {
    vec![
        Some(json!(1e9)),
        Some(json!(1_000_000_000)),
        Some(json!(-1)),
        Some(json!(2.5)),
        Some(Value::Null),
        None,
    ]
}

#[tokio::test]
async fn a_server_echoing_the_page_number_around_the_same_items_is_stopped() {
    for total in untrustworthy_totals() {
        let server = echoing_pages(total.clone(), false).await;
        let pages = drain(account_pages(&client(&server))).await;
        let (ok, message) = pages_then_error(&pages);
        // The first page, then the error instead of its repeat.
        assert_eq!(ok, 1, "{total:?}");
        assert!(message.contains("same content"), "{message}");
        assert_eq!(request_count(&server).await, 2, "{total:?}");
    }
}

#[tokio::test]
async fn absurd_or_unreadable_totals_with_new_items_end_at_the_page_limit() {
    for total in untrustworthy_totals() {
        let server = echoing_pages(total.clone(), true).await;
        let pages = drain(account_pages(&client(&server)).max_pages(6)).await;
        let (ok, message) = pages_then_error(&pages);
        assert_eq!(ok, 6, "{total:?}");
        assert!(message.contains("6 pages"), "{message}");
        assert_eq!(request_count(&server).await, 6, "{total:?}");
    }
}

#[tokio::test]
async fn pages_alternating_between_two_bodies_are_stopped() {
    let server = MockServer::start().await;
    serve_with(&server, |request: &Request| {
        let page: u64 = query(request, "page").map_or(1, |p| p.parse().unwrap());
        let id = if page % 2 == 1 { "odd" } else { "even" };
        json_response(envelope_with_info(
            json!([account(id)]),
            json!({ "page": page, "total_pages": 1_000_000 }),
        ))
    })
    .await;
    let pages = drain(account_pages(&client(&server))).await;
    let (ok, message) = pages_then_error(&pages);
    assert_eq!(ok, 2);
    assert!(message.contains("same content"), "{message}");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn fresh_cursors_around_repeating_items_are_stopped() {
    let server = MockServer::start().await;
    serve_with(&server, |request: &Request| {
        let n: u64 = query(request, "cursor").map_or(0, |c| c[1..].parse::<u64>().unwrap() + 1);
        let id = ["A", "B", "C"][(n % 3) as usize];
        json_response(envelope_with_info(
            json!([audit_log(id)]),
            json!({ "cursor": format!("c{n}") }),
        ))
    })
    .await;
    let pages = drain(audit_pages(&client(&server))).await;
    assert_eq!(pages_then_error(&pages).0, 3);
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn a_cursor_cycle_longer_than_two_is_stopped() {
    let server = MockServer::start().await;
    serve_with(&server, |request: &Request| {
        let next = match query(request, "cursor").as_deref() {
            None => "c1",
            Some("c1") => "c2",
            Some("c2") => "c3",
            Some(_) => "c1",
        };
        // New items on every page: only the cursors give the cycle away.
        let id = query(request, "cursor").unwrap_or_else(|| "start".into());
        json_response(envelope_with_info(
            json!([audit_log(&id)]),
            json!({ "cursor": next }),
        ))
    })
    .await;
    let pages = drain(audit_pages(&client(&server))).await;
    let (ok, message) = pages_then_error(&pages);
    // c1, c2, c3 followed; the page pointing back to c1 is still new.
    assert_eq!(ok, 4);
    assert!(message.contains("`c1`"), "{message}");
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn a_repeated_long_cursor_is_quoted_in_part() {
    let server = MockServer::start().await;
    let cursor = "x".repeat(32 * 1024);
    let body = envelope_with_info(json!([audit_log("l1")]), json!({ "cursor": cursor }));
    serve_with(&server, move |request: &Request| {
        let items = if query(request, "cursor").is_some() {
            json!([audit_log("l2")])
        } else {
            json!([audit_log("l1")])
        };
        let mut body = body.clone();
        body["result"] = items;
        json_response(body)
    })
    .await;
    let pages = drain(audit_pages(&client(&server))).await;
    let (ok, message) = pages_then_error(&pages);
    assert_eq!(ok, 2);
    assert!(message.len() < 300, "{}", message.len());
}

// ---------------------------------------------------------- named streams

/// A stream kept in a struct and advanced with `try_next` without pinning.
struct Export {
    accounts: Items<Account, PageResultInfo>,
}

fn assert_unpin_send<T: Unpin + Send + 'static>(_: &T) {}

#[tokio::test]
async fn streams_are_named_unpin_and_send() {
    let server = echoing_pages(Some(json!(2)), true).await;
    let client = client(&server);
    let mut export = Export {
        accounts: client.accounts().list(AccountsListParams::new()).items(),
    };
    assert_unpin_send(&export.accounts);
    let mut ids = Vec::new();
    while let Some(account) = bounded(export.accounts.try_next()).await.unwrap() {
        ids.push(account.id);
    }
    assert_eq!(ids, ["a1", "a2"]);
    let mut pages = account_pages(&client);
    assert_unpin_send(&pages);
    let first = bounded(pages.try_next()).await.unwrap().unwrap();
    assert_eq!(first.items[0].id, "a1");
    let rest: Vec<_> = bounded(pages.into_items().try_collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    // Sent to another task.
    let items = client.accounts().list(AccountsListParams::new()).items();
    let spawned = tokio::spawn(async move { items.try_collect::<Vec<_>>().await });
    assert_eq!(bounded(spawned).await.unwrap().unwrap().len(), 2);
}
