//! The client against servers that send too much: bodies larger than the
//! response size limit, with or without a `Content-Length`, endless error
//! bodies on every retry, and compressed bodies while `reqwest`'s `gzip`
//! feature is on.
//!
//! The raw TCP servers here listen on 127.0.0.1, serve a fixed number of
//! connections and bytes, and record how much of a body the client took,
//! so a client that reads without end fails an assertion instead of
//! hanging.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_orgs::{Client, DEFAULT_MAX_RESPONSE_SIZE, Error};
use common::{ACCOUNT_ID, TOKEN, account, bounded, builder, client, envelope};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json_response(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The value the README, the generated README (`templates/README.md.j2`)
/// and the runtime's docs state.
#[test]
fn the_default_response_size_limit_is_the_documented_value() {
    assert_eq!(DEFAULT_MAX_RESPONSE_SIZE, 32 * 1024 * 1024);
    let client = Client::builder().build().unwrap();
    assert_eq!(client.max_response_size(), DEFAULT_MAX_RESPONSE_SIZE);
}

/// A raw HTTP/1.1 server on 127.0.0.1 that answers each of `connections`
/// connections with `head` and then up to `body_len` bytes of `fill` in
/// chunked encoding, until the client stops reading. It records how many
/// body bytes each connection took.
struct FloodServer {
    addr: std::net::SocketAddr,
    written: Arc<Mutex<Vec<u64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FloodServer {
    async fn start(connections: usize, head: &'static str, body_len: u64) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let written = Arc::new(Mutex::new(Vec::new()));
        let record = written.clone();
        let task = tokio::spawn(async move {
            for _ in 0..connections {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                read_request_head(&mut stream).await;
                let sent = flood(&mut stream, head, body_len).await;
                record.lock().unwrap().push(sent);
            }
        });
        Self {
            addr,
            written,
            task,
        }
    }

    fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn written(&self) -> Vec<u64> {
        self.written.lock().unwrap().clone()
    }
}

impl Drop for FloodServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request_head(stream: &mut tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 1 << 20 {
        match tokio::time::timeout(common::HANG, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
            _ => return,
        }
    }
}

/// Writes `head` and a chunked body of `body_len` bytes; returns how many
/// body bytes were written before the client hung up.
async fn flood(stream: &mut tokio::net::TcpStream, head: &str, body_len: u64) -> u64 {
    const CHUNK: usize = 64 * 1024;
    let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', CHUNK));
    chunk.extend_from_slice(b"\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let mut sent = 0;
    while sent < body_len {
        let write = tokio::time::timeout(common::HANG, stream.write_all(&chunk)).await;
        if !matches!(write, Ok(Ok(()))) {
            return sent;
        }
        sent += CHUNK as u64;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    sent
}

const OK_CHUNKED: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
const UNAVAILABLE_CHUNKED: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";

/// Far more than any socket buffer between the two ends holds.
const FLOOD: u64 = 256 * 1024 * 1024;
/// What the sockets between client and server may hold on top of what the
/// client read.
const SOCKET_SLACK: u64 = 32 * 1024 * 1024;

fn flood_client(uri: String) -> cloudflare_orgs::ClientBuilder {
    Client::builder()
        .base_url(uri)
        .api_token(TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_while_it_streams_in() {
    let server = FloodServer::start(1, OK_CHUNKED, FLOOD).await;
    let client = flood_client(server.uri())
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let Error::ResponseTooLarge { status, limit, .. } = &err else {
        panic!("expected a response-too-large error, got {err:?}");
    };
    assert_eq!((status.as_u16(), *limit), (200, 1024 * 1024));
    assert!(!err.is_retryable());
    // Give the server task the moment it needs to see the hang-up.
    let written = bounded(async {
        loop {
            if let Some(&sent) = server.written().first() {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(
        written < 1024 * 1024 + SOCKET_SLACK,
        "the client read {written} bytes"
    );
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_unless_the_request_allows_it() {
    let server = MockServer::start().await;
    let mut big = envelope(account(ACCOUNT_ID));
    big["result"]["name"] = json!("x".repeat(200_000));
    Mock::given(method("GET"))
        .respond_with(json_response(big))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server).max_response_size(100_000).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 100_000, .. }),
        "{err:?}"
    );
    let account = bounded(client.accounts().get(ACCOUNT_ID).max_response_size(1 << 20))
        .await
        .unwrap();
    assert_eq!(account.name.len(), 200_000);
}

/// A `Content-Length` over the limit fails at once: the client does not
/// wait for a body it would refuse (this server sends none, then hangs up).
#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_before_it_arrives() {
    const HEAD: &str =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n";
    let server = FloodServer::start(1, HEAD, 0).await;
    let client = flood_client(server.uri()).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == DEFAULT_MAX_RESPONSE_SIZE),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_bodies_are_read_only_as_far_as_the_error_needs() {
    // Three attempts, each answered with an endless 503 body.
    let server = FloodServer::start(3, UNAVAILABLE_CHUNKED, FLOOD).await;
    let client = flood_client(server.uri()).build().unwrap();
    let err = bounded(client.accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status.as_u16(), 503);
    assert!(
        api.body.len() <= 1024 + '…'.len_utf8(),
        "{}",
        api.body.len()
    );
    let written = bounded(async {
        loop {
            let written = server.written();
            if written.len() == 3 {
                return written;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    for sent in written {
        assert!(
            sent < SOCKET_SLACK,
            "the client read {sent} bytes of an error body"
        );
    }
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block:
/// what a server sends with `content-encoding: gzip`.
fn gzip(data: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let len = u16::try_from(data.len()).expect("one stored block");
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.push(1); // the final block, stored
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// This crate enables `reqwest`'s `gzip` feature (see Cargo.toml), as any
/// crate in an application's dependency graph may: the client still asks
/// for no compression and decompresses nothing, so what the size limit
/// counts is what the server sent.
#[tokio::test]
async fn the_client_never_decompresses_even_with_reqwest_gzip_enabled() {
    let server = MockServer::start().await;
    let plain = serde_json::to_vec(&envelope(account(ACCOUNT_ID))).unwrap();
    let compressed = gzip(&plain);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_raw(compressed, "application/json"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let err = bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Decode(_)),
        "the body was decompressed: {err:?}"
    );
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].headers.get("accept-encoding"), None);
    // The same response, through a `reqwest` client that decompresses, is
    // an account: the feature is on.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = bounded(reqwest::get(format!("{}/accounts/x", server.uri())))
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bounded(response.bytes()).await.unwrap()).unwrap();
    assert_eq!(body["result"]["id"], ACCOUNT_ID);
}
