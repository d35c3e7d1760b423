//! The generated mock kit (feature `mock`): typed replies, every
//! pagination style, every error helper, matching and `received()`.

mod common;

use std::time::Duration;

use cloudflare_orgs::Error;
use cloudflare_orgs::mock::MockServer;
use cloudflare_orgs::models::{
    Account, AuditLog, Organization, OrganizationMember, OrganizationRequest,
};
use cloudflare_orgs::params::{AccountsListParams, AccountsLogsAuditListParams};
use common::{ACCOUNT_ID, ORG_ID, account, audit_log, bounded, organization};
use futures_util::TryStreamExt;
use serde_json::json;

fn model<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid model")
}

fn accounts(ids: &[&str]) -> Vec<Account> {
    ids.iter().map(|id| model(account(id))).collect()
}

fn member(id: &str) -> OrganizationMember {
    model(member_json(id))
}

/// An organization member as the API returns it.
fn member_json(id: &str) -> serde_json::Value {
    json!({
        "id": id, "status": "active", "user": {
            "id": format!("u-{id}"), "email": format!("{id}@example.com"), "name": id,
            "two_factor_authentication_enabled": false
        },
        "meta": {}, "create_time": "2024-01-02T03:04:05Z", "update_time": "2024-01-02T03:04:05Z"
    })
}

#[tokio::test]
async fn returns_a_model_for_the_path_parameters_given() {
    let mock = MockServer::start().await;
    mock.accounts()
        .get(ACCOUNT_ID)
        .returns(model(account(ACCOUNT_ID)))
        .await;
    let client = mock.client();
    let got = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .expect("the account");
    assert_eq!(got.id, ACCOUNT_ID);
    // Another id is not mocked: wiremock answers 404.
    let other = bounded(client.accounts().get("other"))
        .await
        .expect_err("not mocked");
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn page_numbers_lead_pages_and_items_through_every_page() {
    let mock = MockServer::start().await;
    mock.accounts()
        .list()
        .pages([accounts(&["a", "b"]), accounts(&["c"]), accounts(&["d"])])
        .await;
    let client = mock.client();
    let pages: Vec<Vec<String>> = bounded(
        client
            .accounts()
            .list(AccountsListParams::new())
            .pages()
            .map_ok(|p| p.items.into_iter().map(|a| a.id).collect())
            .try_collect(),
    )
    .await
    .expect("every page");
    assert_eq!(pages, [vec!["a", "b"], vec!["c"], vec!["d"]]);
}

#[tokio::test]
async fn cursors_lead_items_through_every_page() {
    let mock = MockServer::start().await;
    let logs =
        |ids: &[&str]| -> Vec<AuditLog> { ids.iter().map(|id| model(audit_log(id))).collect() };
    mock.accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID)
        .pages([logs(&["1", "2"]), logs(&["3"])])
        .await;
    let client = mock.client();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let ids: Vec<Option<String>> = bounded(
        client
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, AccountsLogsAuditListParams::new(day, day))
            .items()
            .map_ok(|log| log.id)
            .try_collect(),
    )
    .await
    .expect("every item");
    assert_eq!(ids, [Some("1".into()), Some("2".into()), Some("3".into())]);
}

#[tokio::test]
async fn page_tokens_lead_items_through_every_page() {
    let mock = MockServer::start().await;
    let orgs = |ids: &[&str]| -> Vec<Organization> {
        ids.iter().map(|id| model(organization(id))).collect()
    };
    mock.organizations()
        .list()
        .pages([orgs(&["o1"]), orgs(&["o2"]), orgs(&["o3"])])
        .await;
    let client = mock.client();
    let ids: Vec<String> = bounded(
        client
            .organizations()
            .list(Default::default())
            .items()
            .map_ok(|o| o.id)
            .try_collect(),
    )
    .await
    .expect("every item");
    assert_eq!(ids, ["o1", "o2", "o3"]);
    // The client asked for page one, then followed the two tokens.
    let sent = mock.organizations().list().received().await;
    let tokens: Vec<Option<&str>> = sent.iter().map(|r| r.query_param("page_token")).collect();
    assert_eq!(tokens, [None, Some("mock-page-2"), Some("mock-page-3")]);
}

#[tokio::test]
async fn an_operation_without_pagination_takes_one_page() {
    let mock = MockServer::start().await;
    mock.accounts()
        .organizations()
        .list(ACCOUNT_ID)
        .pages([vec![model(organization(ORG_ID))]])
        .await;
    let client = mock.client();
    let pages: Vec<_> = bounded(
        client
            .accounts()
            .organizations()
            .list(ACCOUNT_ID)
            .pages()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("one page");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items[0].id, ORG_ID);
}

#[tokio::test]
async fn fails_gives_an_api_error_with_code_and_message() {
    let mock = MockServer::start().await;
    mock.organizations()
        .get(ORG_ID)
        .fails(409, 1003, "Member already exists")
        .await;
    let client = mock.client();
    let error = bounded(client.organizations().get(ORG_ID))
        .await
        .expect_err("an error");
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.status.as_u16(), 409);
    assert_eq!(api.errors.len(), 1);
    assert_eq!(api.errors[0].code, Some(1003));
    assert_eq!(api.errors[0].message, "Member already exists");
}

#[tokio::test]
async fn rate_limited_answers_429_with_retry_after() {
    let mock = MockServer::start().await;
    mock.accounts()
        .get(ACCOUNT_ID)
        .rate_limited(Duration::from_secs(7))
        .await;
    let client = mock
        .client_builder()
        .api_token("t")
        .max_retries(0)
        .build()
        .expect("a client");
    let error = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .expect_err("an error");
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(
        api.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("7")
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn server_error_is_retried_then_reported() {
    let mock = MockServer::start().await;
    mock.accounts().get(ACCOUNT_ID).server_error(503).await;
    let client = mock.client();
    let error = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .expect_err("an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.api_errors()[0].message, "internal server error");
    // The first attempt and each of the client's retries.
    let attempts = client.max_retries() as usize + 1;
    assert_eq!(
        mock.accounts().get(ACCOUNT_ID).received().await.len(),
        attempts
    );
}

#[tokio::test]
async fn a_delayed_reply_times_out() {
    let mock = MockServer::start().await;
    mock.accounts()
        .get(ACCOUNT_ID)
        .delayed(Duration::from_secs(30))
        .returns(model(account(ACCOUNT_ID)))
        .await;
    let client = mock
        .client_builder()
        .api_token("t")
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .expect("a client");
    let error = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .expect_err("a timeout");
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn received_decodes_the_body_and_compares_params() {
    let mock = MockServer::start().await;
    let org: Organization = model(organization(ORG_ID));
    mock.organizations().create().returns(org.clone()).await;
    mock.accounts().list().pages([accounts(&["a"])]).await;
    let client = mock.client();
    let request = OrganizationRequest::new(org.name.clone());
    bounded(client.organizations().create(request.clone()))
        .await
        .expect("created");
    let params = AccountsListParams::new().name("dev").per_page(5);
    bounded(client.accounts().list(params.clone()))
        .await
        .expect("listed");

    let sent = mock.organizations().create().received().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body.as_ref(), Some(&request));
    assert_eq!(sent[0].header("authorization"), Some("Bearer test"));

    let listed = mock.accounts().list().received().await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].sent_params(params));
    assert!(!listed[0].sent_params(AccountsListParams::new().name("prod")));
}

#[tokio::test]
async fn with_params_and_with_body_select_the_reply() {
    let mock = MockServer::start().await;
    mock.accounts()
        .list()
        .with_params(AccountsListParams::new().name("dev"))
        .returns(accounts(&["dev"]))
        .await;
    mock.accounts().list().returns(accounts(&["any"])).await;
    let first = OrganizationRequest::new("first");
    let second = OrganizationRequest::new("second");
    mock.organizations()
        .create()
        .with_body(&first)
        .returns(model::<Organization>(organization("first")))
        .await;
    let client = mock.client();

    let dev = bounded(
        client
            .accounts()
            .list(AccountsListParams::new().name("dev")),
    )
    .await
    .expect("dev");
    assert_eq!(dev[0].id, "dev");
    let any = bounded(client.accounts().list(AccountsListParams::new()))
        .await
        .expect("any");
    assert_eq!(any[0].id, "any");
    let created = bounded(client.organizations().create(first.clone()))
        .await
        .expect("first");
    assert_eq!(created.id, "first");
    let unmatched = bounded(client.organizations().create(second))
        .await
        .expect_err("no mock");
    assert_eq!(unmatched.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        mock.organizations()
            .create()
            .with_body(&first)
            .received()
            .await
            .len(),
        1
    );
}

// The same downstream test twice: with the mock kit (one endpoint per
// block), then with raw wiremock, writing the envelopes and the page
// tokens by hand. Both assert the same counts.

#[tokio::test]
async fn counts_members_of_the_organizations_of_an_account() {
    let mock = MockServer::start().await;
    // GET /accounts/{account_id}/organizations
    let orgs = vec![model(organization("o1")), model(organization("o2"))];
    let account_orgs = mock.accounts().organizations().list(ACCOUNT_ID);
    account_orgs.returns(orgs).await;
    // GET /organizations/o1/members, two pages
    let members = mock.organizations().members();
    let o1_pages = [vec![member("m1"), member("m2")], vec![member("m3")]];
    members.list("o1").pages(o1_pages).await;
    // GET /organizations/o2/members, one page
    members.list("o2").pages([vec![member("m4")]]).await;

    let counts = member_counts(&mock.client(), ACCOUNT_ID)
        .await
        .expect("counts");
    assert_eq!(counts, [("o1".to_owned(), 3), ("o2".to_owned(), 1)]);
}

#[tokio::test]
async fn counts_members_of_the_organizations_of_an_account_with_raw_wiremock() {
    use common::envelope_with_info;
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, ResponseTemplate};

    let server = wiremock::MockServer::start().await;
    // GET /accounts/{account_id}/organizations
    let orgs = json!([organization("o1"), organization("o2")]);
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}/organizations")))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::envelope(orgs)))
        .mount(&server)
        .await;
    // GET /organizations/o1/members, two pages
    let page_1 = json!([member_json("m1"), member_json("m2")]);
    Mock::given(method("GET"))
        .and(path("/organizations/o1/members"))
        .and(query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope_with_info(
            page_1,
            json!({ "next_page_token": "p2" }),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/organizations/o1/members"))
        .and(query_param("page_token", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope_with_info(json!([member_json("m3")]), json!({}))),
        )
        .mount(&server)
        .await;
    // GET /organizations/o2/members, one page
    Mock::given(method("GET"))
        .and(path("/organizations/o2/members"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope_with_info(json!([member_json("m4")]), json!({}))),
        )
        .mount(&server)
        .await;

    let counts = member_counts(&common::client(&server), ACCOUNT_ID)
        .await
        .expect("counts");
    assert_eq!(counts, [("o1".to_owned(), 3), ("o2".to_owned(), 1)]);
}

/// The downstream function under test: each organization of an account
/// with its number of members.
async fn member_counts(
    client: &cloudflare_orgs::Client,
    account_id: &str,
) -> cloudflare_orgs::Result<Vec<(String, usize)>> {
    let mut counts = Vec::new();
    for org in client.accounts().organizations().list(account_id).await? {
        let members: Vec<_> = client
            .organizations()
            .members()
            .list(&org.id, Default::default())
            .items()
            .try_collect()
            .await?;
        counts.push((org.id, members.len()));
    }
    Ok(counts)
}
