//! Decoding a page of 1,000 audit log entries (the whole envelope, about
//! 1 MB of JSON) into the generated typed models against decoding it into
//! `serde_json::Value`.
//!
//! ```text
//! cargo bench -p tests --bench decode
//! ```
//!
//! - `typed`: `serde_json::from_slice` into the envelope with
//!   `Vec<models::AuditLog>` as its result, as the client runtime decodes;
//! - `typed_with_path`: the same through `serde_path_to_error`, which the
//!   client runtime does only after a failure, to report the JSON path of
//!   the failing value;
//! - `value`: `serde_json::from_slice::<serde_json::Value>`.
//!
//! Throughput is reported in bytes of JSON per second. The variants are then
//! measured once more in alternation (`common::paired`) for the ratios.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use cloudflare_orgs::models::AuditLog;
use common::Envelope;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

type Page = Envelope<Vec<AuditLog>>;

fn typed(body: &[u8]) -> Page {
    let page: Page = serde_json::from_slice(body).unwrap();
    assert_eq!(page.result.len(), common::PAGE_ENTRIES);
    page
}

fn typed_with_path(body: &[u8]) -> Page {
    let mut de = serde_json::Deserializer::from_slice(body);
    let page: Page = serde_path_to_error::deserialize(&mut de).unwrap();
    de.end().unwrap();
    assert_eq!(page.result.len(), common::PAGE_ENTRIES);
    page
}

fn value(body: &[u8]) -> serde_json::Value {
    let page: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        page["result"].as_array().unwrap().len(),
        common::PAGE_ENTRIES
    );
    page
}

fn decode(c: &mut Criterion) {
    let body = common::audit_page();
    let mut g = c.benchmark_group("decode_audit_page");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("typed", |b| b.iter(|| typed(&body)));
    g.bench_function("typed_with_path", |b| b.iter(|| typed_with_path(&body)));
    g.bench_function("value", |b| b.iter(|| value(&body)));
    g.finish();

    common::paired(
        "decode_audit_page",
        &["value", "typed", "typed_with_path"],
        60,
        |variant, n| {
            let start = Instant::now();
            for _ in 0..n {
                match variant {
                    0 => drop(black_box(value(&body))),
                    1 => drop(black_box(typed(&body))),
                    _ => drop(black_box(typed_with_path(&body))),
                }
            }
            start.elapsed()
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = decode
}
criterion_main!(benches);
