//! What goes on the wire: path segments that cannot escape, query strings
//! with the spec's exact names and styles, dates in RFC 3339, JSON bodies,
//! standard and per-request headers, the attempt header.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use cloudflare_orgs::models::{
    AccountRequest, AccountType, AccountsLogsAuditListDirection, AccountsMembersUpdateBody,
    CreateTokenRequest, OrganizationRequest, PermissionGroupRequest, PolicyEffect, RoleRequest,
    SubscriptionRequest, TokenPolicyRequest, TokenPolicyResources, UpdateAccountMemberWithRoles,
};
use cloudflare_orgs::params::{
    AccountsListParams, AccountsLogsAuditHistoryListParams, AccountsLogsAuditListParams,
    OrganizationsBillableUsageListParams, OrganizationsListParams,
};
use common::{ACCOUNT_ID, ORG_ID, account, bounded, client, envelope};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server answering anything with `result`, recording requests.
async fn echo(result: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(result)))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn path_and_query(request: &Request) -> String {
    match request.url.query() {
        Some(q) => format!("{}?{q}", request.url.path()),
        None => request.url.path().to_owned(),
    }
}

#[tokio::test]
async fn path_parameters_never_leave_their_segment() {
    let server = echo(account(ACCOUNT_ID)).await;
    let client = client(&server);
    let cases = [
        ("../x", "/accounts/..%2Fx"),
        ("../../organizations", "/accounts/..%2F..%2Forganizations"),
        ("a/b", "/accounts/a%2Fb"),
        ("a?b=c#d", "/accounts/a%3Fb%3Dc%23d"),
        ("%2e%2e", "/accounts/%252e%252e"),
        ("..%2f", "/accounts/..%252f"),
        ("a b+c&d;e", "/accounts/a%20b%2Bc%26d%3Be"),
        ("...", "/accounts/..."),
        ("ünï", "/accounts/%C3%BCn%C3%AF"),
        ("\\..\\x", "/accounts/%5C..%5Cx"),
    ];
    for (id, _) in cases {
        bounded(client.accounts().get(id)).await.unwrap();
    }
    let paths: Vec<String> = requests(&server).await.iter().map(path_and_query).collect();
    let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn every_path_parameter_is_encoded_on_its_own() {
    let server = echo(json!({ "id": "m" })).await;
    bounded(client(&server).accounts().members().get("a/..", "../../x"))
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(
        path_and_query(&sent[0]),
        "/accounts/a%2F../members/..%2F..%2Fx"
    );
}

#[tokio::test]
async fn query_parameters_use_the_wire_names_and_repeat_exploded_lists() {
    let server = echo(json!([])).await;
    let params = AccountsLogsAuditListParams::new(
        NaiveDate::from_ymd_opt(2024, 10, 30).unwrap(),
        NaiveDate::from_ymd_opt(2024, 10, 31).unwrap(),
    )
    .account_name(vec!["a b".to_owned(), "c&d=e".to_owned()])
    .account_name_not(vec!["x,y".to_owned()])
    .raw_status_code(vec![200, 404])
    .direction(AccountsLogsAuditListDirection::Asc)
    .limit(100);
    bounded(
        client(&server)
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, params),
    )
    .await
    .unwrap();
    let sent = requests(&server).await;
    assert_eq!(
        path_and_query(&sent[0]),
        format!(
            "/accounts/{ACCOUNT_ID}/logs/audit?account_name=a%20b&account_name=c%26d%3De\
             &raw_status_code=200&raw_status_code=404&account_name.not=x%2Cy\
             &since=2024-10-30&before=2024-10-31&direction=asc&limit=100"
        )
    );
}

#[tokio::test]
async fn dotted_filter_names_are_sent_verbatim() {
    let server = echo(json!([])).await;
    let params = OrganizationsListParams::new()
        .id(vec!["o1".to_owned(), "o2".to_owned()])
        .name_starts_with("Acme Co")
        .containing_account(ACCOUNT_ID)
        .parent_id(ORG_ID)
        .page_size(50);
    bounded(client(&server).organizations().list(params))
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(
        path_and_query(&sent[0]),
        format!(
            "/organizations?id=o1&id=o2&name.startsWith=Acme%20Co\
             &containing.account={ACCOUNT_ID}&parent.id={ORG_ID}&page_size=50"
        )
    );
}

#[tokio::test]
async fn dates_and_timestamps_are_rfc_3339() {
    let server = echo(json!([])).await;
    let client = client(&server);
    let at = Utc
        .with_ymd_and_hms(2024, 10, 30, 12, 34, 56)
        .unwrap()
        .checked_add_signed(chrono::TimeDelta::milliseconds(789))
        .unwrap();
    let params = AccountsLogsAuditHistoryListParams::new(
        at,
        NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    );
    bounded(
        client
            .accounts()
            .logs()
            .audit()
            .history()
            .list(ACCOUNT_ID, "entry1", params),
    )
    .await
    .unwrap();
    let whole = Utc.with_ymd_and_hms(2025, 2, 3, 4, 5, 6).unwrap();
    let params = AccountsLogsAuditHistoryListParams::new(
        whole,
        NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 2, 4).unwrap(),
    );
    bounded(
        client
            .accounts()
            .logs()
            .audit()
            .history()
            .list(ACCOUNT_ID, "entry2", params),
    )
    .await
    .unwrap();
    let usage = OrganizationsBillableUsageListParams::new()
        .from(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        .to(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    bounded(
        client
            .organizations()
            .billable()
            .usage()
            .list(ORG_ID, usage),
    )
    .await
    .unwrap();
    let queries: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "action_time=2024-10-30T12%3A34%3A56.789Z&since=2024-01-02&before=2024-12-31",
            "action_time=2025-02-03T04%3A05%3A06Z&since=2025-02-01&before=2025-02-04",
            "from=2024-02-29&to=2024-03-01",
        ]
    );
}

#[tokio::test]
async fn whole_numbers_are_sent_without_a_fraction() {
    let server = echo(json!([])).await;
    let params = AccountsListParams::new().page(3).per_page(50);
    bounded(client(&server).accounts().list(params))
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(path_and_query(&sent[0]), "/accounts?page=3&per_page=50");
}

#[tokio::test]
async fn counts_take_the_integer_types_callers_hold() {
    let server = echo(json!([])).await;
    let client = client(&server);
    let (page, per_page, limit): (i64, u32, u16) = (2, 50, 500);
    let params = AccountsListParams::new().page(page).per_page(per_page);
    let _: Option<i64> = params.per_page;
    bounded(client.accounts().list(params)).await.unwrap();
    let day = NaiveDate::from_ymd_opt(2024, 10, 30).unwrap();
    let audit = AccountsLogsAuditListParams::new(day, day).limit(limit);
    bounded(client.accounts().logs().audit().list(ACCOUNT_ID, audit))
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(path_and_query(&sent[0]), "/accounts?page=2&per_page=50");
    assert_eq!(
        path_and_query(&sent[1]),
        format!("/accounts/{ACCOUNT_ID}/logs/audit?since=2024-10-30&before=2024-10-30&limit=500")
    );
}

#[tokio::test]
async fn audit_windows_take_dates_timestamps_and_text() {
    let server = echo(json!([])).await;
    let client = client(&server);
    let day = NaiveDate::from_ymd_opt(2024, 10, 30).unwrap();
    let noon = Utc.with_ymd_and_hms(2024, 10, 31, 12, 30, 0).unwrap();
    let windows = [
        AccountsLogsAuditListParams::new(day, noon),
        AccountsLogsAuditListParams::new("2024-10-30T08:00:00+02:00", String::from("2024-11-01")),
    ];
    for audit in windows {
        bounded(client.accounts().logs().audit().list(ACCOUNT_ID, audit))
            .await
            .unwrap();
    }
    let sent = requests(&server).await;
    assert_eq!(
        path_and_query(&sent[0]),
        format!(
            "/accounts/{ACCOUNT_ID}/logs/audit?since=2024-10-30&before=2024-10-31T12%3A30%3A00Z"
        )
    );
    assert_eq!(
        path_and_query(&sent[1]),
        format!(
            "/accounts/{ACCOUNT_ID}/logs/audit?since=2024-10-30T08%3A00%3A00%2B02%3A00&before=2024-11-01"
        )
    );
}

#[tokio::test]
async fn json_bodies_and_standard_headers() {
    let server = echo(account(ACCOUNT_ID)).await;
    let client = client(&server);
    let body =
        serde_json::from_value(json!({ "name": "Main \"quoted\"", "type": "enterprise" })).unwrap();
    bounded(client.accounts().create(body)).await.unwrap();
    bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent[0].method.as_str(), "POST");
    assert_eq!(
        sent[0].body_json::<serde_json::Value>().unwrap(),
        json!({ "name": "Main \"quoted\"", "type": "enterprise" })
    );
    let header =
        |r: &Request, name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        header(&sent[0], "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(&sent[1], "content-type"), None);
    assert!(sent[1].body.is_empty());
    for request in &sent {
        assert_eq!(
            header(request, "accept").as_deref(),
            Some("application/json")
        );
    }
}

#[tokio::test]
async fn read_only_properties_are_neither_required_nor_sent() {
    let server = echo(json!({})).await;
    let client = client(&server);
    // Each request type takes only what the client may send; what the
    // server sets (`readOnly`: ids, timestamps, metadata, names of roles
    // and groups) is not a field, so it can be neither demanded nor sent.
    let _ = bounded(
        client
            .organizations()
            .create(OrganizationRequest::new("Acme APAC")),
    )
    .await;
    let roles = UpdateAccountMemberWithRoles::new().roles(vec![RoleRequest::new("r1")]);
    let _ = bounded(client.accounts().members().update(
        ACCOUNT_ID,
        "m1",
        AccountsMembersUpdateBody::UpdateAccountMemberWithRoles(roles),
    ))
    .await;
    let policy = TokenPolicyRequest::new(
        PolicyEffect::Allow,
        vec![PermissionGroupRequest::new("pg1")],
        TokenPolicyResources::ResourceMap(
            [("com.cloudflare.api.account.a".to_owned(), "*".to_owned())].into(),
        ),
    );
    let _ = bounded(
        client
            .accounts()
            .tokens()
            .create(ACCOUNT_ID, CreateTokenRequest::new("ci", vec![policy])),
    )
    .await;
    let account = AccountRequest::new(ACCOUNT_ID, "Main", AccountType::Standard);
    let _ = bounded(client.accounts().update(ACCOUNT_ID, account)).await;
    let _ = bounded(
        client
            .accounts()
            .subscriptions()
            .create(ACCOUNT_ID, SubscriptionRequest::new()),
    )
    .await;
    let bodies: Vec<serde_json::Value> = requests(&server)
        .await
        .iter()
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"name": "Acme APAC"}),
            json!({"roles": [{"id": "r1"}]}),
            json!({"name": "ci", "policies": [{
                "effect": "allow",
                "permission_groups": [{"id": "pg1"}],
                "resources": {"com.cloudflare.api.account.a": "*"},
            }]}),
            json!({"id": ACCOUNT_ID, "name": "Main", "type": "standard"}),
            json!({}),
        ]
    );
}

#[tokio::test]
async fn per_request_headers_are_sent() {
    let server = echo(account(ACCOUNT_ID)).await;
    let client = client(&server);
    bounded(client.accounts().get(ACCOUNT_ID).header(
        reqwest::header::HeaderName::from_static("x-trace-id"),
        reqwest::header::HeaderValue::from_static("trace-1"),
    ))
    .await
    .unwrap();
    // Only that request.
    bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    assert_eq!(
        common::header_values(&server, "x-trace-id").await,
        [Some("trace-1".to_owned()), None]
    );
}

#[tokio::test]
async fn a_retry_count_set_by_the_caller_is_replaced() {
    let server = echo(account(ACCOUNT_ID)).await;
    bounded(client(&server).accounts().get(ACCOUNT_ID).header(
        reqwest::header::HeaderName::from_static("x-retry-count"),
        reqwest::header::HeaderValue::from_static("7"),
    ))
    .await
    .unwrap();
    let sent = requests(&server).await;
    let values: Vec<_> = sent[0].headers.get_all("x-retry-count").iter().collect();
    assert_eq!(values, ["0"]);
}

/// The ClientHello the default client sends to an `https` base URL: read
/// by a plain TCP listener on 127.0.0.1, which then hangs up.
async fn client_hello(client_for: impl FnOnce(String) -> cloudflare_orgs::Client) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut hello = Vec::new();
        let mut chunk = [0u8; 4096];
        // One TLS record: a 5-byte header, then as many bytes as it says.
        while hello.len() < 5
            || hello.len() < 5 + usize::from(u16::from_be_bytes([hello[3], hello[4]]))
        {
            let read =
                tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut chunk));
            let n = read.await.expect("the ClientHello arrives").unwrap();
            assert!(
                n > 0 && hello.len() < 65_536,
                "connection closed mid-record"
            );
            hello.extend_from_slice(&chunk[..n]);
        }
        hello
    });
    let client = client_for(base);
    let result = client.accounts().get(ACCOUNT_ID).await;
    assert!(
        matches!(result, Err(cloudflare_orgs::Error::Connection(_))),
        "a server that hangs up is a connection error, got {result:?}"
    );
    server.await.unwrap()
}

#[tokio::test]
async fn https_uses_tls_offering_http2_then_http1_without_a_global_crypto_provider() {
    let hello = client_hello(|base| {
        cloudflare_orgs::Client::builder()
            .base_url(base)
            .api_token("token")
            .max_retries(0)
            .build()
            .unwrap()
    })
    .await;
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    assert_eq!(hello[5], 0x01, "a ClientHello");
    // ALPN protocol list: "h2" (2 bytes), then "http/1.1" (8 bytes).
    let alpn = b"\x02h2\x08http/1.1";
    assert!(
        hello.windows(alpn.len()).any(|w| w == alpn),
        "ALPN offers h2 then http/1.1"
    );
    // The client carries its own TLS configuration; the application's
    // choice of process-wide provider stays open.
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}
