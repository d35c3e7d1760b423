//! Figures for the client against hostile servers on 127.0.0.1: the peak
//! memory of reading an endless body, and where each endless pagination
//! case stops. Prints figures; asserts nothing (the behaviour is tested in
//! `tests/client_hostile.rs`).
//!
//! ```text
//! cargo run --release -p tests --example hostile -- body [BYTES] [LIMIT]
//! cargo run --release -p tests --example hostile -- pagination
//! MAX_PAGES=N cargo run --release -p tests --example hostile -- pagination
//! ```
//!
//! `body` serves one `200 OK` with a chunked body of BYTES (default 2 GiB)
//! from a thread of this process and reads it with the generated client,
//! with the default response size limit or LIMIT bytes; it prints the
//! outcome, how much the server managed to send, and the process's peak
//! resident memory (`VmHWM`), which a server writing from one fixed buffer
//! barely adds to. `pagination` runs each endless case with the default
//! limits (or a page limit of N) and prints the requests made, the pages
//! yielded and how the stream ended; for 32 KiB cursors, also the change
//! in resident memory over the stream, against a raw server of this
//! process that keeps nothing (wiremock records every request it matches).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::NaiveDate;
use cloudflare_orgs::params::{AccountsListParams, AccountsLogsAuditListParams};
use cloudflare_orgs::{Client, Error, Page};
use futures_util::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// Far more pages than any case may take; a stream still going by then
/// is reported as not ending.
const GIVE_UP: usize = 100_000;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("body") => {
            let bytes = args.get(1).map_or(2 << 30, |b| b.parse().expect("BYTES"));
            let limit = args.get(2).map(|l| l.parse::<u64>().expect("LIMIT"));
            body(bytes, limit).await;
        }
        Some("pagination") => pagination().await,
        _ => {
            eprintln!("usage: hostile body [BYTES] [LIMIT] | hostile pagination");
            std::process::exit(2);
        }
    }
}

/// A field of `/proc/self/status`, in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn body(bytes: u64, limit: Option<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut head = [0u8; 8192];
        let _ = stream.read(&mut head);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        );
        const CHUNK: usize = 256 * 1024;
        let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', CHUNK));
        chunk.extend_from_slice(b"\r\n");
        let mut written = 0;
        while written < bytes {
            if stream.write_all(&chunk).is_err() {
                return;
            }
            written += CHUNK as u64;
            counter.store(written, Ordering::SeqCst);
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    });
    let mut builder = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_token("token")
        .max_retries(0);
    if let Some(limit) = limit {
        builder = builder.max_response_size(limit);
    }
    let client = builder.build().unwrap();
    println!(
        "body of {bytes} bytes, limit {} bytes; resident before: {:.1} MiB",
        client.max_response_size(),
        status_mib("VmRSS:")
    );
    let start = Instant::now();
    let outcome = client.accounts().get(ACCOUNT_ID).await;
    let elapsed = start.elapsed();
    std::thread::sleep(std::time::Duration::from_millis(200));
    match &outcome {
        Ok(_) => println!("outcome: decoded an account"),
        Err(e) => println!("outcome: {e}"),
    }
    println!(
        "server sent {:.1} MiB before the client hung up, in {elapsed:.2?}",
        sent.load(Ordering::SeqCst) as f64 / 1048576.0
    );
    println!(
        "peak resident memory (VmHWM): {:.1} MiB",
        status_mib("VmHWM:")
    );
}

fn envelope(result: Value, result_info: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result, "result_info": result_info })
}

fn account(id: &str) -> Value {
    json!({ "id": id, "name": format!("Account {id}"), "type": "standard" })
}

fn audit_log(id: &str) -> Value {
    json!({ "id": id, "action": { "type": "create", "result": "success" } })
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn server(
    respond: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) -> MockServer {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(respond)
        .mount(&server)
        .await;
    server
}

/// Requests the server received: counted by the responder, since
/// recording every request would itself take memory.
struct Counted {
    server: MockServer,
    requests: Arc<AtomicU64>,
}

async fn counted(
    respond: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) -> Counted {
    let requests = Arc::new(AtomicU64::new(0));
    let count = requests.clone();
    let server = server(move |r: &Request| {
        count.fetch_add(1, Ordering::SeqCst);
        respond(r)
    })
    .await;
    Counted { server, requests }
}

async fn report<T, I>(
    case: &str,
    counted: &Counted,
    pages: impl futures_util::Stream<Item = Result<Page<T, I>, Error>>,
) {
    // Each page is dropped as it arrives, as a caller streaming through a
    // list would, so the memory figure is the stream's (and the server's).
    let mut pages = std::pin::pin!(pages.take(GIVE_UP));
    let (mut ok, mut last) = (0, None);
    while let Some(page) = pages.next().await {
        match page {
            Ok(_) => ok += 1,
            Err(e) => last = Some(e),
        }
    }
    let end = match last {
        Some(Error::Pagination(m)) => format!("Error::Pagination: {m}"),
        Some(e) => format!("error: {e}"),
        None if ok == GIVE_UP => "did not end".into(),
        None => "ended without error".into(),
    };
    println!(
        "{case}\n    requests: {}, pages yielded: {ok}\n    {end}",
        counted.requests.load(Ordering::SeqCst),
    );
}

fn client(server: &MockServer) -> Client {
    let builder = Client::builder().base_url(server.uri()).api_token("token");
    match std::env::var("MAX_PAGES") {
        Ok(pages) => builder.max_pages(pages.parse().expect("MAX_PAGES")),
        Err(_) => builder,
    }
    .build()
    .unwrap()
}

fn audit_params() -> AccountsLogsAuditListParams {
    AccountsLogsAuditListParams::new(
        NaiveDate::from_ymd_opt(2024, 10, 30).unwrap(),
        NaiveDate::from_ymd_opt(2024, 10, 31).unwrap(),
    )
}

/// A cursor server that hands out a fresh `size`-byte cursor and fresh
/// items on every page.
async fn fresh_cursors(size: usize) -> Counted {
    counted(move |r: &Request| {
        let n = query(r, "cursor").map_or(0, |c| {
            c[..16].trim_start_matches('0').parse::<u64>().unwrap_or(0) + 1
        });
        let cursor = format!("{n:016}{}", "c".repeat(size.saturating_sub(16)));
        ResponseTemplate::new(200).set_body_json(envelope(
            json!([audit_log(&format!("l{n}"))]),
            json!({ "cursor": cursor }),
        ))
    })
    .await
}

/// A page-number server ignoring `page` but echoing it, with `total_pages`.
async fn echo_pages(total: Option<Value>, fresh: bool) -> Counted {
    counted(move |r: &Request| {
        let page: u64 = query(r, "page").map_or(1, |p| p.parse().unwrap());
        let id = if fresh {
            format!("a{page}")
        } else {
            "same".into()
        };
        let mut info = json!({ "page": page, "per_page": 1, "count": 1 });
        if let Some(total) = &total {
            info["total_pages"] = total.clone();
        }
        ResponseTemplate::new(200).set_body_json(envelope(json!([account(&id)]), info))
    })
    .await
}

/// Fresh 32 KiB cursors from a raw HTTP/1.1 server that keeps nothing,
/// with the stream's effect on resident memory.
async fn long_cursors() {
    const SIZE: usize = 32 * 1024;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicU64::new(0));
    let count = requests.clone();
    std::thread::spawn(move || {
        // One keep-alive connection at a time is all the stream uses.
        for stream in listener.incoming().take(16) {
            let Ok(stream) = stream else { return };
            let count = count.clone();
            std::thread::spawn(move || serve_cursors(stream, SIZE, &count));
        }
    });
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_token("token");
    let client = match std::env::var("MAX_PAGES") {
        Ok(pages) => client.max_pages(pages.parse().expect("MAX_PAGES")),
        Err(_) => client,
    }
    .build()
    .unwrap();
    let rss_before = status_mib("VmRSS:");
    let mut pages = client
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID, audit_params())
        .pages()
        .take(GIVE_UP);
    let (mut ok, mut last) = (0, None);
    while let Some(page) = pages.next().await {
        match page {
            Ok(_) => ok += 1,
            Err(e) => last = Some(e),
        }
    }
    println!(
        "fresh 32 KiB cursors, new items on every page (raw server)\n    requests: {}, pages yielded: {ok}, resident memory {:+.1} MiB over the stream\n    {}",
        requests.load(Ordering::SeqCst),
        status_mib("VmRSS:") - rss_before,
        last.map_or("ended without error".into(), |e| e.to_string()),
    );
}

/// Answers requests on one connection until it closes: a page of one new
/// item with the next cursor, `size` bytes long.
fn serve_cursors(mut stream: std::net::TcpStream, size: usize, count: &AtomicU64) {
    let mut buffer = Vec::new();
    let mut read = [0u8; 64 * 1024];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut read) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&read[..n]),
            }
            continue;
        };
        // Only the count matters: each page's cursor is new.
        buffer.drain(..end + 4);
        let n = count.fetch_add(1, Ordering::SeqCst);
        let cursor = format!("{n:016}{}", "c".repeat(size - 16));
        let body = envelope(
            json!([audit_log(&format!("l{n}"))]),
            json!({ "cursor": cursor }),
        )
        .to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

async fn pagination() {
    println!(
        "every case with the default limits (page limit {})\n",
        Client::builder().build().unwrap().max_pages()
    );

    let s = fresh_cursors(16).await;
    let pages = client(&s.server)
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID, audit_params())
        .pages();
    report(
        "fresh, never-repeating cursor, new items on every page",
        &s,
        pages,
    )
    .await;

    long_cursors().await;

    let totals = [
        ("1e9", Some(json!(1e9))),
        ("-1", Some(json!(-1))),
        ("2.5", Some(json!(2.5))),
        ("null", Some(Value::Null)),
        ("missing", None),
    ];
    for (name, total) in &totals {
        let s = echo_pages(total.clone(), false).await;
        let pages = client(&s.server)
            .accounts()
            .list(AccountsListParams::new())
            .pages();
        report(
            &format!("page numbers, total_pages {name}, `page` ignored and echoed, same items"),
            &s,
            pages,
        )
        .await;
    }
    for (name, total) in &totals {
        let s = echo_pages(total.clone(), true).await;
        let pages = client(&s.server)
            .accounts()
            .list(AccountsListParams::new())
            .pages();
        report(
            &format!("page numbers, total_pages {name}, new items on every page"),
            &s,
            pages,
        )
        .await;
    }

    let s = counted(|r: &Request| {
        let page: u64 = query(r, "page").map_or(1, |p| p.parse().unwrap());
        let id = if page % 2 == 1 { "A" } else { "B" };
        ResponseTemplate::new(200).set_body_json(envelope(
            json!([account(id)]),
            json!({ "page": page, "total_pages": 1e9 }),
        ))
    })
    .await;
    let pages = client(&s.server)
        .accounts()
        .list(AccountsListParams::new())
        .pages();
    report("page bodies alternating A, B, A, B", &s, pages).await;

    let s = counted(|r: &Request| {
        let next = match query(r, "cursor").as_deref() {
            Some("B") => "A",
            _ => "B",
        };
        let id = query(r, "cursor").unwrap_or_default();
        ResponseTemplate::new(200)
            .set_body_json(envelope(json!([audit_log(&id)]), json!({ "cursor": next })))
    })
    .await;
    let pages = client(&s.server)
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID, audit_params())
        .pages();
    report("cursors alternating A, B, A, B", &s, pages).await;

    let s = counted(|r: &Request| {
        let n: u64 = query(r, "cursor").map_or(0, |c| c[1..].parse::<u64>().unwrap() + 1);
        ResponseTemplate::new(200)
            .set_body_json(envelope(json!([]), json!({ "cursor": format!("c{n}") })))
    })
    .await;
    let pages = client(&s.server)
        .accounts()
        .logs()
        .audit()
        .list(ACCOUNT_ID, audit_params())
        .pages();
    report("empty pages with a fresh cursor each", &s, pages).await;
}
