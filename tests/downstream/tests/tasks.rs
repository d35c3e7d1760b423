//! Each task of the platform tool against the client's mock server: what
//! it returns, and what the client sent.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use cloudflare_orgs::chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use cloudflare_orgs::mock::MockServer;
use cloudflare_orgs::models::{
    Account, AccountMember, AccountType, AccountsLogsAuditListDirection, AccountsMembersCreateBody,
    AuditLog, AuditLogActor, BillableUsage, CreateAccountMemberWithRoles, Organization,
    OrganizationMeta, PolicyEffect, TokenPolicyResources, TokenWithValue,
};
use cloudflare_orgs::params::{
    AccountsLogsAuditListParams, OrganizationsBillableUsageListParams, OrganizationsListParams,
};
use cloudflare_orgs::{Error, StatusCode};
use serde_json::json;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ORG_ID: &str = "a7b9c3d5e1f24681a3c5e7f9b1d3f5a7";

/// Awaits `future`, failing the test instead of hanging past a minute.
async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("the task hung")
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().expect("an RFC 3339 timestamp")
}

fn day(date: &str) -> NaiveDate {
    date.parse().expect("a date")
}

fn organization(id: &str, name: &str) -> Organization {
    Organization::new(
        id,
        name,
        at("2024-01-02T03:04:05Z"),
        OrganizationMeta::new(),
    )
}

fn audit_log(id: &str, actor: Option<&str>) -> AuditLog {
    let log = AuditLog::new().id(id);
    match actor {
        Some(email) => log.actor(AuditLogActor::new().email(email)),
        None => log,
    }
}

fn usage(account: &str, unit: &str, quantity: f64) -> BillableUsage {
    serde_json::from_value(json!({
        "BillingAccountId": format!("id-{account}"), "BillingAccountName": account,
        "ChargeCategory": "Usage", "ChargeDescription": "Workers requests",
        "ChargeFrequency": "Usage-Based", "ChargePeriodStart": "2024-05-01T00:00:00Z",
        "ChargePeriodEnd": "2024-05-02T00:00:00Z", "ConsumedQuantity": quantity,
        "ConsumedUnit": unit, "HostProviderName": "Cloudflare",
        "InvoiceIssuerName": "Cloudflare", "ServiceProviderName": "Cloudflare",
        "x_BillableMetricId": "workers_requests", "x_BillableMetricName": "Workers requests"
    }))
    .expect("a billable usage record")
}

#[tokio::test]
async fn organizations_are_filtered_and_read_page_by_page() {
    let mock = MockServer::start().await;
    mock.organizations()
        .list()
        .pages([
            vec![organization("o1", "acme"), organization("o2", "acme-eu")],
            vec![organization("o3", "acme-us")],
        ])
        .await;

    let found = bounded(platform_tool::organizations_of_account(
        &mock.client(),
        ACCOUNT_ID,
        "acme",
    ))
    .await
    .expect("the organizations");
    let names: Vec<&str> = found.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["acme", "acme-eu", "acme-us"]);

    let sent = mock.organizations().list().received().await;
    assert_eq!(sent.len(), 2, "one request per page");
    let filters = OrganizationsListParams::new()
        .containing_account(ACCOUNT_ID)
        .name_contains("acme")
        .page_size(20);
    // The filters on every page, and the token of the next one after the first.
    assert!(sent[0].sent_params(filters.clone()));
    assert!(sent[1].sent_params(filters.page_token("mock-page-2")));
}

#[tokio::test]
async fn audit_log_actions_are_counted_over_the_time_range() {
    let mock = MockServer::start().await;
    mock.accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID)
        .pages([
            vec![
                audit_log("1", Some("ada@example.com")),
                audit_log("2", Some("bob@example.com")),
            ],
            vec![
                audit_log("3", Some("ada@example.com")),
                audit_log("4", None),
            ],
        ])
        .await;
    let before = at("2024-05-01T12:00:00Z");
    let since = before - TimeDelta::hours(1);

    let counts = bounded(platform_tool::actions_by_actor(
        &mock.client(),
        ACCOUNT_ID,
        since,
        before,
    ))
    .await
    .expect("the counts");
    let expected = [
        ("ada@example.com", 2),
        ("bob@example.com", 1),
        ("unknown", 1),
    ];
    assert_eq!(
        counts,
        BTreeMap::from(expected.map(|(k, v)| (k.to_owned(), v)))
    );

    let sent = mock
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID)
        .received()
        .await;
    assert_eq!(sent.len(), 2, "one request per page");
    let range = AccountsLogsAuditListParams::new(since, before)
        .direction(AccountsLogsAuditListDirection::Asc)
        .limit(100);
    assert!(sent[0].sent_params(range.clone()));
    let cursor = sent[1]
        .query_param("cursor")
        .expect("the next page's cursor");
    assert!(sent[1].sent_params(range.cursor(cursor)));
    assert_eq!(sent[0].query_param("since"), Some("2024-05-01T11:00:00Z"));
    assert_eq!(sent[0].query_param("before"), Some("2024-05-01T12:00:00Z"));
}

#[tokio::test]
async fn an_audit_log_range_may_be_days() {
    let mock = MockServer::start().await;
    let audit = mock.accounts().logs().audit();
    audit
        .list(ACCOUNT_ID)
        .returns(vec![audit_log("1", Some("ada@example.com"))])
        .await;

    let since = day("2024-05-01");
    let counts = bounded(platform_tool::actions_by_actor(
        &mock.client(),
        ACCOUNT_ID,
        since,
        since.succ_opt().expect("a next day"),
    ))
    .await
    .expect("the counts");
    assert_eq!(counts, BTreeMap::from([("ada@example.com".to_owned(), 1)]));

    let sent = audit.list(ACCOUNT_ID).received().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].query_param("since"), Some("2024-05-01"));
    assert_eq!(sent[0].query_param("before"), Some("2024-05-02"));
}

#[tokio::test]
async fn a_member_is_invited_with_roles() {
    let mock = MockServer::start().await;
    let invited = AccountMember::new().id("m1").email("ada@example.com");
    mock.accounts()
        .members()
        .create(ACCOUNT_ID)
        .returns(invited.clone())
        .await;

    let member = bounded(platform_tool::invite_member(
        &mock.client(),
        ACCOUNT_ID,
        "ada@example.com",
        &["r1", "r2"],
    ))
    .await
    .expect("invited");
    assert_eq!(member, Some(invited));

    let sent = mock
        .accounts()
        .members()
        .create(ACCOUNT_ID)
        .received()
        .await;
    let body: AccountsMembersCreateBody =
        CreateAccountMemberWithRoles::new("ada@example.com", ["r1", "r2"]).into();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body.as_ref(), Some(&body));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[0].raw_body).expect("JSON"),
        json!({ "email": "ada@example.com", "roles": ["r1", "r2"] })
    );
}

#[tokio::test]
async fn an_existing_member_is_not_an_error_but_a_refusal_is() {
    let mock = MockServer::start().await;
    let members = mock.accounts().members();
    members
        .create(ACCOUNT_ID)
        .fails(409, 1001, "already a member")
        .await;
    let client = mock.client();
    let again = bounded(platform_tool::invite_member(
        &client,
        ACCOUNT_ID,
        "ada@example.com",
        &["r1"],
    ));
    assert_eq!(again.await.expect("a conflict is no error"), None);

    mock.reset().await;
    members
        .create(ACCOUNT_ID)
        .fails(403, 9109, "not allowed")
        .await;
    let refused = bounded(platform_tool::invite_member(
        &client,
        ACCOUNT_ID,
        "ada@example.com",
        &["r1"],
    ));
    let error = refused.await.expect_err("a refusal");
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(error.api_errors()[0].code, Some(9109));
}

#[tokio::test]
async fn a_token_is_created_with_its_policy_and_its_secret_never_printed() {
    let mock = MockServer::start().await;
    let created = TokenWithValue::new()
        .id("t1")
        .name("deploys")
        .value("s3cr3t-token-value");
    mock.accounts()
        .tokens()
        .create(ACCOUNT_ID)
        .returns(created)
        .await;

    let token = bounded(platform_tool::create_token(
        &mock.client(),
        ACCOUNT_ID,
        "deploys",
        "c8fed203ed3043cba015a93ad1616f1f",
        at("2024-08-01T00:00:00Z"),
    ))
    .await
    .expect("the token");
    assert_eq!(token.id.as_deref(), Some("t1"));
    assert_eq!(token.value.as_deref(), Some("s3cr3t-token-value"));
    assert!(!format!("{token:?}").contains("s3cr3t"), "{token:?}");

    let sent = mock.accounts().tokens().create(ACCOUNT_ID).received().await;
    assert_eq!(sent.len(), 1);
    let request = sent[0].body.as_ref().expect("a token request");
    assert_eq!(request.name, "deploys");
    let [policy] = request.policies.as_slice() else {
        panic!("one policy: {:?}", request.policies)
    };
    assert_eq!(policy.effect, PolicyEffect::Allow);
    assert_eq!(
        policy.permission_groups[0].id,
        "c8fed203ed3043cba015a93ad1616f1f"
    );
    let resource = format!("com.cloudflare.api.account.{ACCOUNT_ID}");
    let TokenPolicyResources::ResourceMap(resources) = &policy.resources else {
        panic!("a resource map: {:?}", policy.resources)
    };
    assert_eq!(resources.get(&resource).map(String::as_str), Some("*"));
    assert_eq!(request.expires_on, Some(at("2024-08-01T00:00:00Z")));
    let sent: serde_json::Value = serde_json::from_slice(&sent[0].raw_body).expect("JSON");
    assert_eq!(sent["expires_on"], "2024-08-01T00:00:00Z");
}

#[tokio::test]
async fn billable_usage_is_summed_per_account_and_unit() {
    let mock = MockServer::start().await;
    mock.organizations()
        .billable()
        .usage()
        .list(ORG_ID)
        .returns(vec![
            usage("prod", "Requests", 10.0),
            usage("prod", "Requests", 5.0),
            usage("prod", "GB", 1.5),
            usage("dev", "Requests", 7.0),
        ])
        .await;
    let (from, to) = (day("2024-05-01"), day("2024-05-31"));

    let totals = bounded(platform_tool::usage_per_account(
        &mock.client(),
        ORG_ID,
        from,
        to,
    ))
    .await
    .expect("the usage");
    let expected = [
        (("dev", "Requests"), 7.0),
        (("prod", "GB"), 1.5),
        (("prod", "Requests"), 15.0),
    ];
    let expected = expected.map(|((a, u), q)| ((a.to_owned(), u.to_owned()), q));
    assert_eq!(totals, BTreeMap::from(expected));

    let sent = mock
        .organizations()
        .billable()
        .usage()
        .list(ORG_ID)
        .received()
        .await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].query_param("from"), Some("2024-05-01"));
    assert_eq!(sent[0].query_param("to"), Some("2024-05-31"));
    assert!(
        sent[0].sent_params(
            OrganizationsBillableUsageListParams::new()
                .from(from)
                .to(to)
        )
    );
}

#[tokio::test]
async fn one_request_carries_its_own_header_query_and_retries() {
    let mock = MockServer::start().await;
    let account = Account::new(ACCOUNT_ID, "Production", AccountType::Standard);
    mock.accounts().get(ACCOUNT_ID).returns(account).await;
    mock.accounts().get("broken").server_error(503).await;
    let client = mock.client();
    let timeout = Duration::from_secs(10);

    let name = bounded(platform_tool::account_name(&client, ACCOUNT_ID, timeout)).await;
    assert_eq!(name.expect("the name").as_deref(), Some("Production"));
    let sent = mock.accounts().get(ACCOUNT_ID).received().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("x-tool"), Some("platform-tool"));
    assert_eq!(sent[0].query_param("include"), Some("settings"));

    // Not mocked: the mock server answers 404.
    let missing = bounded(platform_tool::account_name(&client, "missing", timeout)).await;
    assert_eq!(missing.expect("no account is no error"), None);

    // The client retries a 503 twice by default; this request not at all.
    assert!(client.max_retries() > 0);
    let broken = bounded(platform_tool::account_name(&client, "broken", timeout)).await;
    let error = broken.expect_err("a server error");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(mock.accounts().get("broken").received().await.len(), 1);
}

#[tokio::test]
async fn one_request_has_its_own_timeout() {
    let mock = MockServer::start().await;
    mock.accounts()
        .get(ACCOUNT_ID)
        .delayed(Duration::from_secs(5))
        .returns(Account::new(
            ACCOUNT_ID,
            "Production",
            AccountType::Standard,
        ))
        .await;
    let client = mock.client();
    assert!(client.timeout() > Duration::from_secs(5));

    let slow = platform_tool::account_name(&client, ACCOUNT_ID, Duration::from_millis(100));
    let error = bounded(slow).await.expect_err("a timeout");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
}
