//! The `tracing` feature: a span per call with the method, path template
//! and operation id, an event per attempt with its status, attempt number
//! and request id, an event per retry with its delay, and no credential in
//! anything recorded.
//!
//! A small subscriber records the spans and events of the client's own
//! targets; each test runs on one thread (`#[tokio::test]`), where that
//! subscriber is the default.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cloudflare_orgs::{Client, Credentials};
use common::{ACCOUNT_ID, account, bounded, envelope};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record as SpanValues};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "owner@example.com";
const KEY: &str = "key-5e1f0c9a7d3b";

/// A span or an event: its name (an event's message), the span it is in,
/// and its fields as text.
#[derive(Debug, Clone)]
struct Record {
    kind: &'static str,
    name: String,
    span: Option<u64>,
    id: Option<u64>,
    fields: BTreeMap<String, String>,
}

impl Record {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// Records everything the client's targets emit.
#[derive(Clone, Default)]
struct Recorder {
    records: Arc<Mutex<Vec<Record>>>,
    entered: Arc<Mutex<Vec<u64>>>,
}

impl Recorder {
    fn records(&self) -> Vec<Record> {
        self.records.lock().unwrap().clone()
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("cloudflare_orgs")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut records = self.records.lock().unwrap();
        let id = records.len() as u64 + 1;
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        records.push(Record {
            kind: "span",
            name: span.metadata().name().to_owned(),
            span: self.entered.lock().unwrap().last().copied(),
            id: Some(id),
            fields,
        });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &SpanValues<'_>) {
        let mut records = self.records.lock().unwrap();
        if let Some(r) = records.iter_mut().find(|r| r.id == Some(span.into_u64())) {
            values.record(&mut Fields(&mut r.fields));
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let name = fields.remove("message").unwrap_or_default();
        self.records.lock().unwrap().push(Record {
            kind: "event",
            name,
            span: self.entered.lock().unwrap().last().copied(),
            id: None,
            fields,
        });
    }

    fn enter(&self, span: &Id) {
        self.entered.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, _span: &Id) {
        self.entered.lock().unwrap().pop();
    }
}

/// A client with both a token and an API key, so that a leak of either
/// shows.
fn client(server: &MockServer) -> Client {
    common::builder(server)
        .credentials(Credentials::api_key(EMAIL, KEY))
        .build()
        .unwrap()
}

fn ok_account(ray: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("cf-ray", ray)
        .set_body_json(envelope(account(ACCOUNT_ID)))
}

/// The records of getting one account, with `first` answering the first
/// attempt and a success with request id `ray-ok` every later one.
async fn get_account(first: ResponseTemplate) -> Vec<Record> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT_ID}")))
        .respond_with(ok_account("ray-ok"))
        .with_priority(2)
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    bounded(client(&server).accounts().get(ACCOUNT_ID))
        .await
        .unwrap();
    let records = recorder.records();
    assert_no_secret(&records, &server).await;
    records
}

/// No credential value, nor the header that carries it, is in `records`,
/// while the server did receive them.
async fn assert_no_secret(records: &[Record], server: &MockServer) {
    let received = server.received_requests().await.unwrap();
    let sent = received
        .first()
        .and_then(|r| r.headers.get("x-auth-key"))
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(sent.as_deref(), Some(KEY), "the credential is sent");
    let text = format!("{records:?}");
    for secret in [KEY, EMAIL, "x-auth-key", "x-auth-email", "authorization"] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&secret.to_ascii_lowercase()),
            "`{secret}` is recorded: {text}"
        );
    }
}

/// The one span of the call, checked for its fields.
fn the_span(records: &[Record]) -> u64 {
    let spans: Vec<&Record> = records.iter().filter(|r| r.kind == "span").collect();
    assert_eq!(spans.len(), 1, "{records:#?}");
    let span = spans[0];
    assert_eq!(span.name, "request");
    assert_eq!(span.field("method"), Some("GET"));
    assert_eq!(span.field("path"), Some("/accounts/{account_id}"));
    assert_eq!(span.field("operation"), Some("accounts-account-details"));
    span.id.unwrap()
}

fn events(records: &[Record]) -> Vec<&Record> {
    records.iter().filter(|r| r.kind == "event").collect()
}

fn assert_common_fields(event: &Record, span: u64) {
    assert_eq!(event.span, Some(span), "{event:?}");
    assert_eq!(event.field("method"), Some("GET"), "{event:?}");
    assert_eq!(
        event.field("path"),
        Some("/accounts/{account_id}"),
        "{event:?}"
    );
}

#[tokio::test]
async fn a_call_has_a_span_and_an_event_for_its_attempt() {
    let records = get_account(ok_account("ray-first")).await;
    let span = the_span(&records);
    let events = events(&records);
    assert_eq!(events.len(), 1, "{records:#?}");
    let response = events[0];
    assert_eq!(response.name, "response");
    assert_common_fields(response, span);
    assert_eq!(response.field("status"), Some("200"));
    assert_eq!(response.field("attempt"), Some("0"));
    assert_eq!(response.field("request_id"), Some("ray-first"));
}

#[tokio::test]
async fn a_retried_503_has_an_event_per_attempt_and_for_the_retry() {
    let unavailable = ResponseTemplate::new(503)
        .insert_header("cf-ray", "ray-503")
        .insert_header("retry-after-ms", "7");
    let records = get_account(unavailable).await;
    let span = the_span(&records);
    let events = events(&records);
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["response", "retrying", "response"], "{records:#?}");
    for event in &events {
        assert_common_fields(event, span);
    }
    let (first, retry, second) = (events[0], events[1], events[2]);
    assert_eq!(first.field("status"), Some("503"));
    assert_eq!(first.field("attempt"), Some("0"));
    assert_eq!(first.field("request_id"), Some("ray-503"));
    assert_eq!(retry.field("status"), Some("503"));
    assert_eq!(retry.field("attempt"), Some("1"));
    assert_eq!(retry.field("delay_ms"), Some("7"));
    assert_eq!(second.field("status"), Some("200"));
    assert_eq!(second.field("attempt"), Some("1"));
    assert_eq!(second.field("request_id"), Some("ray-ok"));
}

#[tokio::test]
async fn a_response_without_a_request_id_records_none() {
    let records =
        get_account(ResponseTemplate::new(200).set_body_json(envelope(account(ACCOUNT_ID)))).await;
    let events = events(&records);
    assert_eq!(events.len(), 1, "{records:#?}");
    assert_eq!(events[0].field("request_id"), None, "{records:#?}");
}
