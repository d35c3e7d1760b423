//! Client construction: credentials (builder, `from_vars`, the real
//! `from_env`), exactly one auth scheme on the wire, base URL, user agent,
//! custom HTTP client, redirects, and secrets kept out of `Debug`, also a
//! password in the base URL.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use cloudflare_orgs::{Client, Credentials, DEFAULT_BASE_URL, Error, Secret};
use common::{ACCOUNT_ID, TOKEN, account, bounded, envelope};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AUTH_HEADERS: [&str; 4] = [
    "authorization",
    "x-auth-email",
    "x-auth-key",
    "x-auth-user-service-key",
];

/// A server answering `GET /accounts/{ACCOUNT_ID}` once.
async fn account_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// The credential headers of the one request `server` received, in the
/// order of [`AUTH_HEADERS`].
async fn sent_credentials(server: &MockServer) -> Vec<Option<String>> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    AUTH_HEADERS
        .iter()
        .map(|name| {
            requests[0]
                .headers
                .get(*name)
                .map(|v| v.to_str().unwrap().to_owned())
        })
        .collect()
}

async fn get_account(client: &Client) {
    let account = bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    assert_eq!(account.id, ACCOUNT_ID);
}

/// The credential headers expected on the wire, in the order of
/// [`AUTH_HEADERS`].
type Sent = [Option<String>; 4];

fn some(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[tokio::test]
async fn api_token_sends_only_a_bearer_header() {
    let server = account_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_token("tok-123")
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [some("Bearer tok-123"), None, None, None]
    );
}

#[tokio::test]
async fn api_key_sends_only_email_and_key_headers() {
    let server = account_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("user@example.com", "key-456")
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [None, some("user@example.com"), some("key-456"), None]
    );
}

#[tokio::test]
async fn user_service_key_sends_only_its_header() {
    let server = account_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .user_service_key("v1.0-service-789")
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [None, None, None, some("v1.0-service-789")]
    );
}

#[tokio::test]
async fn the_last_credentials_given_to_the_builder_win() {
    let server = account_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_token("tok-first")
        .credentials(Credentials::api_key("user@example.com", "key-second"))
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [None, some("user@example.com"), some("key-second"), None]
    );
}

#[tokio::test]
async fn without_credentials_no_auth_header_is_sent() {
    let server = account_server().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    get_account(&client).await;
    assert_eq!(sent_credentials(&server).await, [None, None, None, None]);
}

#[tokio::test]
async fn from_vars_reads_each_kind_of_credentials_and_the_base_url() {
    let cases: [(&[(&str, &str)], Sent); 3] = [
        (
            &[("CLOUDFLARE_API_TOKEN", "env-token")],
            [some("Bearer env-token"), None, None, None],
        ),
        (
            &[
                ("CLOUDFLARE_EMAIL", "env@example.com"),
                ("CLOUDFLARE_API_KEY", "env-key"),
            ],
            [None, some("env@example.com"), some("env-key"), None],
        ),
        (
            &[("CLOUDFLARE_API_USER_SERVICE_KEY", "env-service-key")],
            [None, None, None, some("env-service-key")],
        ),
    ];
    for (env, expected) in cases {
        let server = account_server().await;
        let mut env = env.to_vec();
        let uri = server.uri();
        env.push(("CLOUDFLARE_BASE_URL", &uri));
        let client = Client::builder()
            .from_vars(vars(&env))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), server.uri());
        get_account(&client).await;
        assert_eq!(sent_credentials(&server).await, expected, "{env:?}");
    }
}

#[test]
fn missing_credentials_name_every_variable() {
    let err = Client::builder().from_vars(vars(&[])).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let text = err.to_string();
    for name in [
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_EMAIL",
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_API_USER_SERVICE_KEY",
    ] {
        assert!(text.contains(name), "{text}");
    }
    // The base URL alone is not credentials.
    let err = Client::builder()
        .from_vars(vars(&[("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1")]))
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn half_of_an_api_key_pair_names_the_missing_variable() {
    let err = Client::builder()
        .from_vars(vars(&[("CLOUDFLARE_API_KEY", "k")]))
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "client configuration error: incomplete credentials in the environment: \
         `CLOUDFLARE_API_KEY` is set but `CLOUDFLARE_EMAIL` is not"
    );
    let err = Client::builder()
        .from_vars(vars(&[
            ("CLOUDFLARE_EMAIL", "e@example.com"),
            ("CLOUDFLARE_API_TOKEN", "t"),
        ]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`CLOUDFLARE_EMAIL` is set but `CLOUDFLARE_API_KEY` is not"),
        "{err}"
    );
}

#[test]
fn two_kinds_of_credentials_conflict() {
    let err = Client::builder()
        .from_vars(vars(&[
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_API_USER_SERVICE_KEY", "s"),
        ]))
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "client configuration error: conflicting credentials in the environment: \
         `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_API_USER_SERVICE_KEY` are all set; set only one kind"
    );
    let err = Client::builder()
        .from_vars(vars(&[
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_EMAIL", "e@example.com"),
            ("CLOUDFLARE_API_KEY", "k"),
        ]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`"),
        "{err}"
    );
}

#[tokio::test]
async fn empty_variables_count_as_unset() {
    let server = account_server().await;
    let uri = server.uri();
    let client = Client::builder()
        .from_vars(vars(&[
            ("CLOUDFLARE_API_TOKEN", ""),
            ("CLOUDFLARE_EMAIL", ""),
            ("CLOUDFLARE_API_USER_SERVICE_KEY", "svc"),
            ("CLOUDFLARE_BASE_URL", &uri),
        ]))
        .unwrap()
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [None, None, None, some("svc")]
    );
    // An empty base URL leaves the default alone.
    let client = Client::builder()
        .from_vars(vars(&[
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_BASE_URL", ""),
        ]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
}

#[tokio::test]
async fn environment_credentials_are_optional_when_the_builder_has_some() {
    // None in the environment: the builder's token stays.
    let server = account_server().await;
    let uri = server.uri();
    let client = Client::builder()
        .api_token("from-builder")
        .from_vars(vars(&[("CLOUDFLARE_BASE_URL", &uri)]))
        .unwrap()
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [some("Bearer from-builder"), None, None, None]
    );

    // A complete set in the environment replaces them.
    let server = account_server().await;
    let uri = server.uri();
    let client = Client::builder()
        .api_token("from-builder")
        .from_vars(vars(&[
            ("CLOUDFLARE_BASE_URL", &uri),
            ("CLOUDFLARE_API_USER_SERVICE_KEY", "from-env"),
        ]))
        .unwrap()
        .build()
        .unwrap();
    get_account(&client).await;
    assert_eq!(
        sent_credentials(&server).await,
        [None, None, None, some("from-env")]
    );

    // A partial set is still an error.
    let err = Client::builder()
        .api_token("from-builder")
        .from_vars(vars(&[("CLOUDFLARE_EMAIL", "e@example.com")]))
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

/// Set in the environment of the child process that
/// [`from_env_reads_the_process_environment`] starts.
const CHILD_MARKER: &str = "CLIENT_AUTH_FROM_ENV_CHILD";

/// Runs `Client::from_env()` for real: the test starts its own test binary
/// again, filtered to this test, with a controlled environment, so no other
/// test's environment is touched.
#[tokio::test]
async fn from_env_reads_the_process_environment() {
    if std::env::var_os(CHILD_MARKER).is_some() {
        // In the child: report what `Client::from_env()` did.
        match Client::from_env() {
            Ok(client) => {
                let result = bounded(client.accounts().get(ACCOUNT_ID)).await;
                println!("{CHILD_MARKER}:{}", result.is_ok());
            }
            Err(e) => println!("{CHILD_MARKER}:error:{e}"),
        }
        return;
    }

    let run_child = |env: Vec<(&'static str, String)>| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command.args([
            "from_env_reads_the_process_environment",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ]);
        for (name, _) in std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v))) {
            if name.starts_with("CLOUDFLARE_") {
                command.env_remove(name);
            }
        }
        command.env(CHILD_MARKER, "1");
        command.envs(env);
        let output = command.output().expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "child failed: {stdout}");
        stdout
            .lines()
            .find_map(|l| {
                let marker = format!("{CHILD_MARKER}:");
                l.find(&marker).map(|at| l[at + marker.len()..].to_owned())
            })
            .unwrap_or_else(|| panic!("no report from the child: {stdout}"))
    };

    let cases: [(Vec<(&'static str, &str)>, Sent); 3] = [
        (
            vec![("CLOUDFLARE_API_TOKEN", "proc-token")],
            [some("Bearer proc-token"), None, None, None],
        ),
        (
            vec![
                ("CLOUDFLARE_API_KEY", "proc-key"),
                ("CLOUDFLARE_EMAIL", "proc@example.com"),
            ],
            [None, some("proc@example.com"), some("proc-key"), None],
        ),
        (
            vec![("CLOUDFLARE_API_USER_SERVICE_KEY", "proc-service")],
            [None, None, None, some("proc-service")],
        ),
    ];
    for (env, expected) in cases {
        let server = account_server().await;
        let mut env: Vec<(&'static str, String)> =
            env.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
        env.push(("CLOUDFLARE_BASE_URL", server.uri()));
        let report = bounded(tokio::task::spawn_blocking(move || run_child(env)))
            .await
            .unwrap();
        assert_eq!(report, "true");
        assert_eq!(sent_credentials(&server).await, expected);
    }

    let report = bounded(tokio::task::spawn_blocking(move || run_child(Vec::new())))
        .await
        .unwrap();
    assert!(
        report.starts_with("error:client configuration error: no credentials in the environment")
            && report.contains("CLOUDFLARE_API_USER_SERVICE_KEY"),
        "{report}"
    );
    let report = bounded(tokio::task::spawn_blocking(move || {
        run_child(vec![
            ("CLOUDFLARE_API_TOKEN", "t".to_owned()),
            ("CLOUDFLARE_API_KEY", "k".to_owned()),
            ("CLOUDFLARE_EMAIL", "e@example.com".to_owned()),
        ])
    }))
    .await
    .unwrap();
    assert!(report.contains("conflicting credentials"), "{report}");
}

#[tokio::test]
async fn base_url_with_a_path_prefix_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/client/v4/accounts/{ACCOUNT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/client/v4/", server.uri()))
        .api_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("{}/client/v4", server.uri()));
    get_account(&client).await;
}

#[test]
fn defaults_come_from_the_configuration() {
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
    assert_eq!(DEFAULT_BASE_URL, "https://api.cloudflare.com/client/v4");
    assert_eq!(client.max_retries(), 2);
    assert_eq!(client.timeout(), Duration::from_secs(60));
}

#[test]
fn a_base_url_that_is_not_http_is_a_configuration_error() {
    for url in ["ftp://example.com", "not a url", ""] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
}

#[test]
fn credentials_that_cannot_be_headers_are_rejected_by_build() {
    for credentials in [
        Credentials::api_token("bad\ntoken"),
        Credentials::api_key("e@example.com", "bad\rkey"),
        Credentials::user_service_key("bad\0key"),
    ] {
        let err = Client::builder()
            .credentials(credentials)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(
            !err.to_string().contains("bad"),
            "the error shows the secret: {err}"
        );
    }
}

#[tokio::test]
async fn user_agent_names_the_crate_and_its_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    get_account(&client).await;
    let custom = Client::builder()
        .base_url(server.uri())
        .user_agent("my-service/1.2")
        .build()
        .unwrap();
    get_account(&custom).await;
    let agents = common::header_values(&server, "user-agent").await;
    assert_eq!(
        agents,
        [
            Some(format!("cloudflare-orgs/{}", generated_version())),
            some("my-service/1.2")
        ]
    );
}

/// The version in `generated/Cargo.toml`.
fn generated_version() -> String {
    let manifest =
        std::fs::read_to_string(tests::workspace().join("generated/Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap();
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

#[tokio::test]
async fn a_custom_reqwest_client_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-from-custom-client", "yes"))
        .and(header("authorization", "Bearer custom"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .expect(1)
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-custom-client", "yes".parse().unwrap());
    // A client built by the application uses the application's crypto
    // provider: with reqwest's `rustls-no-provider`, a process default.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(server.uri())
        .api_token("custom")
        .http_client(http)
        .build()
        .unwrap();
    get_account(&client).await;
}

#[tokio::test]
async fn redirects_are_followed_only_within_the_same_origin() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .expect(0)
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/moved"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("/accounts/{ACCOUNT_ID}").as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/elsewhere"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/accounts/x", other.uri()).as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .and(header("x-auth-key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("e@example.com", "k")
        .build()
        .unwrap();
    let same = bounded(client.accounts().get("moved")).await.unwrap();
    assert_eq!(same.id, ACCOUNT_ID);
    let err = bounded(client.accounts().get("elsewhere"))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::TEMPORARY_REDIRECT),
        "{err:?}"
    );
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let secrets = [
        "tok-SECRET-1",
        "mail-SECRET-2@example.com",
        "key-SECRET-3",
        "svc-SECRET-4",
    ];
    let credentials = [
        Credentials::api_token(secrets[0]),
        Credentials::api_key(secrets[1], secrets[2]),
        Credentials::user_service_key(secrets[3]),
    ];
    let mut shown = Vec::new();
    for credentials in credentials {
        shown.push(format!("{credentials:?}"));
        let builder = Client::builder().credentials(credentials);
        shown.push(format!("{builder:?}"));
        shown.push(format!("{builder:#?}"));
        let client = builder.build().unwrap();
        shown.push(format!("{client:?}"));
        shown.push(format!("{client:#?}"));
        let request = client.accounts().get(ACCOUNT_ID);
        shown.push(format!("{request:?}"));
    }
    shown.push(format!("{:?}", Secret::new(secrets[0])));
    let env_client = Client::builder()
        .from_vars(vars(&[("CLOUDFLARE_API_TOKEN", secrets[0])]))
        .unwrap();
    shown.push(format!("{env_client:?}"));
    for text in &shown {
        assert!(
            !text.contains("SECRET"),
            "a secret leaked into Debug output: {text}"
        );
    }
    // The output still says what is configured.
    assert!(shown[0].contains("ApiToken"), "{}", shown[0]);
    assert_eq!(Secret::new("x").expose(), "x");
}

#[test]
fn a_base_url_with_a_query_or_fragment_is_rejected() {
    for url in [
        "https://api.example.com/v4?x=1",
        "https://api.example.com/v4?",
        "https://api.example.com/v4#frag",
        "https://api.example.com/#",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
}

#[tokio::test]
async fn a_password_in_the_base_url_is_sent_as_basic_auth_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID))))
        .mount(&server)
        .await;
    let with_password = |uri: &str| uri.replacen("http://", "http://gate:s3cr3t-pw@", 1);
    let builder = Client::builder().base_url(with_password(&server.uri()));
    let shown_builder = format!("{builder:?}");
    let client = builder.build().unwrap();
    bounded(client.accounts().get(ACCOUNT_ID)).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    let basic = sent[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(basic, "Basic Z2F0ZTpzM2NyM3QtcHc="); // gate:s3cr3t-pw
    // Credentials of the client's own win over the URL's.
    let token = Client::builder()
        .base_url(with_password(&server.uri()))
        .api_token(TOKEN)
        .build()
        .unwrap();
    bounded(token.accounts().get(ACCOUNT_ID)).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    let bearer: Vec<_> = sent[1].headers.get_all("authorization").iter().collect();
    assert_eq!(bearer, [format!("Bearer {TOKEN}").as_str()]);

    // A transport error, and a bad base URL.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = Client::builder()
        .base_url(format!("http://gate:s3cr3t-pw@127.0.0.1:{port}/v4"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = bounded(closed.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    let bad = Client::builder()
        .base_url("ftp://gate:s3cr3t-pw@example.com")
        .build()
        .unwrap_err();
    let shown = [
        shown_builder,
        format!("{client:?}"),
        format!("{closed:#?}"),
        client.base_url().to_owned(),
        format!("{err}"),
        format!("{err:?}"),
        format!("{bad}"),
        format!("{bad:?}"),
    ];
    for text in &shown {
        assert!(!text.contains("s3cr3t"), "the password leaked: {text}");
    }
    assert!(shown[0].contains("gate:[REDACTED]@"), "{}", shown[0]);
}

/// A secret the server returns (the value of a created token, marked
/// `x-sensitive` in the description) is kept out of `Debug` like the
/// credentials sent; the value itself is still there to use.
#[tokio::test]
async fn secrets_the_server_returns_are_redacted_in_debug() {
    const VALUE: &str = "tV3pQ9xL1mZ7cN4bR8wK2yD6hF0gJ5sAeUoNiVbX";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/accounts/{ACCOUNT_ID}/tokens")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({
                "id": "0f3a9c7e5b1d42e8a6c4b2d0e9f7a5c3",
                "name": "dns-readonly",
                "status": "active",
                "value": VALUE,
            }))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let body = cloudflare_orgs::models::CreateTokenRequest::new(
        "dns-readonly",
        Vec::<cloudflare_orgs::models::TokenPolicyRequest>::new(),
    );
    let token = bounded(client.accounts().tokens().create(ACCOUNT_ID, body))
        .await
        .unwrap();
    assert_eq!(token.value.as_deref(), Some(VALUE));
    for shown in [format!("{token:?}"), format!("{token:#?}")] {
        assert!(!shown.contains(VALUE), "the token value leaked: {shown}");
        assert!(shown.contains(r#""<redacted>""#), "{shown}");
        assert!(
            shown.contains("dns-readonly"),
            "other fields still show: {shown}"
        );
    }
    assert!(format!("{token:?}").contains(r#"value: Some("<redacted>")"#));
    let absent = cloudflare_orgs::models::TokenWithValue::default();
    assert!(format!("{absent:?}").contains("value: None"));
}

/// A response that is the secret itself (rolling a token returns the new
/// value, marked `x-sensitive`) has no struct to hide it in: it comes back
/// as a `Secret`, whose `Debug` never shows it.
#[tokio::test]
async fn a_rolled_token_value_comes_back_as_a_secret() {
    const VALUE: &str = "Xq4v9TnL2mB7cR1pZ8wK5yD3hF6gJ0sA-eU_oNiVb";
    const TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!(
            "/accounts/{ACCOUNT_ID}/tokens/{TOKEN_ID}/value"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!(VALUE))))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let rolled: Secret = bounded(client.accounts().tokens().value().update(
        ACCOUNT_ID,
        TOKEN_ID,
        serde_json::Map::new(),
    ))
    .await
    .unwrap();
    assert_eq!(rolled.expose(), VALUE);
    for shown in [format!("{rolled:?}"), format!("{rolled:#?}")] {
        assert!(
            !shown.contains(VALUE),
            "the new token value leaked: {shown}"
        );
    }
}
