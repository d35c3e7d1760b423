//! Helpers shared by the client behaviour suites (`client_*.rs`).
//!
//! Every server here listens on 127.0.0.1 and is stopped when the test
//! drops it; every wait is bounded by [`bounded`].
#![allow(dead_code)]

use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudflare_orgs::{Client, ClientBuilder};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use wiremock::MockServer;

/// A 32-character account id, as the API uses.
pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// An organization id.
pub const ORG_ID: &str = "a7b9c3d5e1f24681a3c5e7f9b1d3f5a7";
/// The token test clients authenticate with.
pub const TOKEN: &str = "tok-3c1c0f6b9a";

/// Upper bound on any single test step, so a bug shows up as a failure
/// rather than a hung test run. Far above what any step needs.
pub const HANG: Duration = Duration::from_secs(60);

/// Awaits `future`, failing the test if it does not finish within [`HANG`].
pub async fn bounded<F: IntoFuture>(future: F) -> F::Output {
    tokio::time::timeout(HANG, future.into_future())
        .await
        .expect("the client hung instead of finishing")
}

/// A builder pointed at `server` with a bearer token and retries that wait
/// only a millisecond.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
}

/// A client built by [`builder`].
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("valid client configuration")
}

/// A successful Cloudflare envelope around `result`.
pub fn envelope(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// A successful envelope with `result_info`.
pub fn envelope_with_info(result: Value, result_info: Value) -> Value {
    json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": result,
        "result_info": result_info,
    })
}

/// An account as the API returns it.
pub fn account(id: &str) -> Value {
    json!({ "id": id, "name": format!("Account {id}"), "type": "standard" })
}

/// An audit log entry.
pub fn audit_log(id: &str) -> Value {
    json!({ "id": id, "action": { "type": "create", "result": "success" } })
}

/// An organization.
pub fn organization(id: &str) -> Value {
    json!({
        "id": id,
        "name": format!("Org {id}"),
        "create_time": "2024-01-02T03:04:05Z",
        "meta": {}
    })
}

/// The values of header `name` in every request `server` received.
pub async fn header_values(server: &MockServer, name: &str) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|r| {
            r.headers
                .get(name)
                .map(|v| v.to_str().expect("ASCII header").to_owned())
        })
        .collect()
}

/// A TCP server on 127.0.0.1 that accepts connections, reads the start of
/// the request and then resets the connection, counting accepts. It stops
/// after `limit` connections or when dropped.
pub struct ResettingServer {
    pub addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ResettingServer {
    pub async fn start(limit: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        let task = tokio::spawn(async move {
            for _ in 0..limit {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                // Wait for the request to arrive, then close with unread
                // data and a zero linger: the peer sees a reset.
                let mut buf = [0u8; 16];
                let _ = tokio::time::timeout(HANG, stream.read(&mut buf)).await;
                let _ = stream.set_zero_linger();
                drop(stream);
            }
        });
        Self {
            addr,
            accepted,
            task,
        }
    }

    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for ResettingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
