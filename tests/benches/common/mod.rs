//! What the client and decode benchmarks share: the canned response
//! bodies, a raw envelope type, and a minimal HTTP/1.1 server on 127.0.0.1.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// A 32-character account id, as the API uses.
pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The bearer token both clients send.
pub const TOKEN: &str = "tok-3c1c0f6b9a";
/// Entries on the audit log page.
pub const PAGE_ENTRIES: usize = 1000;

/// One audit log entry with every field the API documents filled in.
pub fn audit_entry(i: usize) -> Value {
    json!({
        "id": format!("{i:032x}"),
        "account": { "id": ACCOUNT_ID, "name": "Acme Corp Production" },
        "action": {
            "description": "Add Member",
            "result": if i.is_multiple_of(7) { "failure" } else { "success" },
            "time": format!("2024-10-30T14:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            "type": (["create", "update", "delete", "view"][i % 4]),
        },
        "actor": {
            "id": format!("{:032x}", i * 7919),
            "context": (["dash", "api_key", "api_token", "oauth"][i % 4]),
            "email": format!("user{i}@acme.example"),
            "ip_address": format!("198.51.100.{}", i % 250),
            "token_id": format!("{:032x}", i * 104729),
            "token_name": "ci deploy",
            "type": (["user", "account", "cloudflare_admin"][i % 3]),
        },
        "raw": {
            "cf_ray_id": format!("{:016x}", i * 31337),
            "method": (["POST", "PUT", "DELETE", "GET"][i % 4]),
            "status_code": 200,
            "uri": format!("/accounts/{ACCOUNT_ID}/members/{i}"),
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0",
        },
        "resource": {
            "id": format!("{:032x}", i * 65537),
            "product": "members",
            "type": "member",
            "scope": { "account": ACCOUNT_ID },
            "request": { "email": format!("new.hire{i}@acme.example"), "roles": ["admin"] },
            "response": { "status": "pending" },
        },
        "zone": { "id": format!("{:032x}", i * 257), "name": "acme.example" },
    })
}

/// A successful envelope holding a page of [`PAGE_ENTRIES`] audit log entries.
pub fn audit_page() -> Vec<u8> {
    let result: Vec<Value> = (0..PAGE_ENTRIES).map(audit_entry).collect();
    serde_json::to_vec(&json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": result,
        "result_info": { "count": PAGE_ENTRIES.to_string(), "cursor": "ASqdKd7dKgxh-aZ8bm0mZos1BtW4BdEqifCzNkEeGRzi" },
    }))
    .unwrap()
}

/// A successful envelope holding one account.
pub fn account() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": {
            "id": ACCOUNT_ID,
            "name": "Acme Corp Production",
            "type": "standard",
            "created_on": "2014-03-01T12:21:02.0000Z",
            "settings": { "enforce_twofactor": false, "abuse_contact_email": "abuse@acme.example" },
        },
    }))
    .unwrap()
}

/// The envelope as a hand-written client would declare it.
#[derive(serde::Deserialize)]
pub struct Envelope<T> {
    pub success: bool,
    #[serde(default)]
    pub errors: Vec<Value>,
    #[serde(default)]
    pub messages: Vec<Value>,
    pub result: T,
    #[serde(default)]
    pub result_info: Option<Value>,
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering every GET with a
/// canned 200 response: the audit page for paths containing `/logs/audit`,
/// the account otherwise. It runs on its own thread and stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let account = response(&account());
        let page = response(&audit_page());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let accept = async {
                    loop {
                        let Ok((socket, _)) = listener.accept().await else {
                            continue;
                        };
                        socket.set_nodelay(true).unwrap();
                        tokio::spawn(serve(socket, account.clone(), page.clone()));
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stopped => {}
                }
            });
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn response(body: &[u8]) -> bytes::Bytes {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.into()
}

/// Answers the requests of one connection until the client closes it.
/// Requests are GETs without a body: a request ends at its blank line.
async fn serve(mut socket: tokio::net::TcpStream, account: bytes::Bytes, page: bytes::Bytes) {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let line_end = buf.iter().position(|b| *b == b'\r').unwrap_or(end);
        let marker = b"/logs/audit";
        let audit = buf[..line_end].windows(marker.len()).any(|w| w == marker);
        let body = if audit { &page } else { &account };
        if socket.write_all(body).await.is_err() {
            return;
        }
        buf.drain(..end);
    }
}

/// Seconds per iteration of each variant, measured in alternation.
pub struct Paired {
    pub name: String,
    pub variants: Vec<String>,
    /// Median seconds per iteration, per variant.
    pub medians: Vec<f64>,
    /// Median over rounds of each variant's time divided by the first's.
    pub ratios: Vec<f64>,
    pub rounds: usize,
    pub batch: u64,
}

/// Measures variants in alternation so that drift in the machine's load
/// (it is shared) affects them alike: every round times one batch of each,
/// rotating which goes first. `run(variant, iterations)` returns the time
/// `iterations` calls took. Batches are sized to about 40 ms.
pub fn paired(
    name: &str,
    variants: &[&str],
    rounds: usize,
    mut run: impl FnMut(usize, u64) -> std::time::Duration,
) -> Paired {
    let one = (0..variants.len())
        .map(|v| {
            run(v, 1);
            run(v, 3).as_secs_f64() / 3.0
        })
        .fold(0.0, f64::max)
        .max(1e-7);
    let batch = ((0.04 / one) as u64).clamp(1, 100_000);
    let mut times = vec![Vec::with_capacity(rounds); variants.len()];
    for round in 0..rounds {
        for k in 0..variants.len() {
            let v = (round + k) % variants.len();
            times[v].push(run(v, batch).as_secs_f64() / batch as f64);
        }
    }
    let ratios = (0..variants.len())
        .map(|v| median((0..rounds).map(|r| times[v][r] / times[0][r]).collect()))
        .collect();
    let medians = times.into_iter().map(median).collect();
    let paired = Paired {
        name: name.to_owned(),
        variants: variants.iter().map(|v| v.to_string()).collect(),
        medians,
        ratios,
        rounds,
        batch,
    };
    paired.report();
    paired
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Paired {
    /// Prints the figures and writes them to
    /// `target/bench/paired-NAME.json` for `scripts/bench`.
    fn report(&self) {
        println!(
            "{} (alternating, {} rounds of {} iterations):",
            self.name, self.rounds, self.batch
        );
        for (i, v) in self.variants.iter().enumerate() {
            println!(
                "  {v:<16} {:>12.1} µs/iter {:>10.0} /s  {:.3}x {}",
                self.medians[i] * 1e6,
                1.0 / self.medians[i],
                self.ratios[i],
                self.variants[0]
            );
        }
        let variants: serde_json::Map<String, Value> = self
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    v.clone(),
                    json!({ "seconds": self.medians[i], "ratio_to_first": self.ratios[i] }),
                )
            })
            .collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
        let written = std::fs::create_dir_all(&dir).and_then(|()| {
            let doc = json!({
                "name": self.name, "rounds": self.rounds, "batch": self.batch,
                "first": self.variants[0], "variants": variants,
            });
            std::fs::write(
                dir.join(format!("paired-{}.json", self.name)),
                serde_json::to_vec_pretty(&doc).unwrap(),
            )
        });
        if let Err(e) = written {
            eprintln!("could not write the paired figures: {e}");
        }
    }
}
