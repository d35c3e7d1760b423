//! Per-request cost of the generated client against a hand-written raw
//! `reqwest` call for the same request, both against the same local server
//! (127.0.0.1, keep-alive, canned envelope; see `common/mod.rs`).
//!
//! ```text
//! cargo bench -p tests --bench client
//! ```
//!
//! - `get_account`: `client.accounts().get(id)` against
//!   `GET /accounts/{id}`, decoded into `models::Account`;
//! - `audit_page`: `client.accounts().logs().audit().list(..)` against a
//!   page of 1,000 audit log entries, decoded into `Vec<models::AuditLog>`.
//!
//! The raw call sends the same method, URL, bearer token, `Accept` and
//! `User-Agent` headers, with the same 60 s timeout, checks the status, reads
//! the body and decodes the envelope into the same generated models
//! (`raw_typed`), and for the page also into `serde_json::Value`
//! (`raw_value`). Each client runs on a current-thread tokio runtime; the
//! server has its own thread.
//!
//! After criterion's figures, the variants are measured once more in
//! alternation (see `common::paired`), which gives the ratios
//! `scripts/bench` reports: the machine is shared, and load drifts between
//! criterion's one-after-the-other measurements.

mod common;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cloudflare_orgs::Client;
use cloudflare_orgs::models::{Account, AuditLog};
use cloudflare_orgs::params::AccountsLogsAuditListParams;
use common::{ACCOUNT_ID, Envelope, PAGE_ENTRIES, Server, TOKEN};
use criterion::{Criterion, criterion_group, criterion_main};
use reqwest::header::{ACCEPT, USER_AGENT};
use serde::de::DeserializeOwned;

const TIMEOUT: Duration = Duration::from_secs(60);
const UA: &str = "cloudflare-orgs/0.1.0";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The raw call: one request, status check, body, envelope decode.
async fn raw<T: DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, UA)
        .timeout(TIMEOUT)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let body = response.bytes().await.unwrap();
    let envelope: Envelope<T> = serde_json::from_slice(&body).unwrap();
    assert!(envelope.success);
    envelope.result
}

/// Times `iters` sequential calls of `call` on `rt`.
fn timed<F, Fut>(rt: &tokio::runtime::Runtime, iters: u64, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future,
{
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            std::hint::black_box(call().await);
        }
        start.elapsed()
    })
}

fn client_overhead(c: &mut Criterion) {
    let server = Server::start();
    let base = server.base_url();
    let rt = runtime();
    let client = Client::builder()
        .base_url(&base)
        .api_token(TOKEN)
        .build()
        .unwrap();
    // The raw client needs a crypto provider (see Cargo.toml): the same
    // `ring` the generated client uses.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Without decompression, as the generated client: the tests enable
    // `reqwest`'s `gzip` feature, which would otherwise add a header and a
    // decoding layer to the raw side only.
    let http = reqwest::Client::builder().no_gzip().build().unwrap();
    let account_url = format!("{base}/accounts/{ACCOUNT_ID}");
    let since = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let before = NaiveDate::from_ymd_opt(2024, 11, 1).unwrap();
    let page_url = format!("{base}/accounts/{ACCOUNT_ID}/logs/audit?since={since}&before={before}");

    // Each variant once, shared by criterion and the alternating rounds.
    let (client, http) = (&client, &http);
    let (account_url, page_url) = (account_url.as_str(), page_url.as_str());
    let account_client = || async move { client.accounts().get(ACCOUNT_ID).await.unwrap() };
    let account_raw = || async move { raw::<Account>(http, account_url).await };
    let page_client = || async move {
        let params = AccountsLogsAuditListParams::new(since, before);
        client
            .accounts()
            .logs()
            .audit()
            .list(ACCOUNT_ID, params)
            .await
            .unwrap()
    };
    let page_raw = || async move { raw::<Vec<AuditLog>>(http, page_url).await };
    let page_value = || async move { raw::<serde_json::Value>(http, page_url).await };

    // Both clients must get what the server sent.
    rt.block_on(async {
        assert_eq!(account_client().await, account_raw().await);
        let (ours, theirs) = (page_client().await, page_raw().await);
        assert_eq!(ours.len(), PAGE_ENTRIES);
        assert_eq!(ours, theirs);
    });

    let mut g = c.benchmark_group("get_account");
    g.bench_function("client", |b| {
        b.iter_custom(|iters| timed(&rt, iters, account_client))
    });
    g.bench_function("raw_typed", |b| {
        b.iter_custom(|iters| timed(&rt, iters, account_raw))
    });
    g.finish();

    let mut g = c.benchmark_group("audit_page");
    g.bench_function("client", |b| {
        b.iter_custom(|iters| timed(&rt, iters, page_client))
    });
    g.bench_function("raw_typed", |b| {
        b.iter_custom(|iters| timed(&rt, iters, page_raw))
    });
    g.bench_function("raw_value", |b| {
        b.iter_custom(|iters| timed(&rt, iters, page_value))
    });
    g.finish();

    // The ratios: the same calls, alternating, so load drift hits all alike.
    common::paired(
        "get_account",
        &["raw_typed", "client"],
        ROUNDS,
        |v, n| match v {
            0 => timed(&rt, n, account_raw),
            _ => timed(&rt, n, account_client),
        },
    );
    common::paired(
        "audit_page",
        &["raw_typed", "client", "raw_value"],
        ROUNDS,
        |v, n| match v {
            0 => timed(&rt, n, page_raw),
            1 => timed(&rt, n, page_client),
            _ => timed(&rt, n, page_value),
        },
    );
    drop(server);
}

/// Rounds of the alternating measurement.
const ROUNDS: usize = 100;

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = client_overhead
}
criterion_main!(benches);
