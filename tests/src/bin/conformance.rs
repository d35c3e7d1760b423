//! Runs the conformance cases generated from `spec/openapi.yaml` (see
//! `build.rs`) against a spec-driven mock server (Prism), normally through
//! `tests/conformance/run`:
//!
//! ```text
//! conformance --base-url http://127.0.0.1:PORT [--served-spec FILE] [--dynamic] [--only TEXT]
//! ```
//!
//! - Every case whose operation the served description contains is sent
//!   with the client; it passes when the server answers 2xx without
//!   `sl-violations` and the response decodes into the operation's type.
//!   Failures print the status, Prism's `sl-violations` and the error.
//!   Violations of severity `Warning` (a deprecated parameter was sent) are
//!   printed and accepted.
//! - With `--dynamic`, every case is sent a second time with
//!   `Prefer: dynamic=true`: Prism then generates each response from its
//!   schema (deterministically when started with `--seed`) instead of
//!   returning the example, so decoding is checked beyond the examples.
//! - Operations of the served description that have no case are failures,
//!   named; operations of the client that the served description lacks are
//!   listed as "not in served spec" and are not failures.
//! - Prism ignores query parameters and headers it does not know, so the
//!   client's parameters are compared with the served operation's: one the
//!   served description lacks is a failure, one the client lacks a note.
//! - Error paths: a status forced with `Prefer: code=404` decodes into
//!   `Error::Api` with the envelope's errors, and a request without
//!   credentials is rejected with 401.
//!
//! Exits 0 when everything passed, 1 on any failure, 2 on bad usage.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cloudflare_orgs::{Client, Error};
use futures_util::FutureExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use tests::conformance::{self as cases, CASES, CREDENTIAL_KINDS, Case, OPERATIONS, Sent};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct Args {
    base_url: String,
    served_spec: PathBuf,
    only: Option<String>,
    dynamic: bool,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: conformance --base-url URL [--served-spec FILE] [--dynamic] [--only TEXT]\n\n\
         Sends every generated conformance case to the mock server at URL, which\n\
         serves FILE (default: spec/openapi.yaml). --dynamic sends each case again\n\
         asking for a response generated from the schema. --only runs the cases\n\
         whose operationId contains TEXT."
    );
    ExitCode::from(2)
}

fn parse_args() -> Option<Args> {
    let mut base_url = None;
    let mut served_spec = None;
    let mut only = None;
    let mut dynamic = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = Some(args.next()?),
            "--served-spec" => served_spec = Some(PathBuf::from(args.next()?)),
            "--only" => only = Some(args.next()?),
            "--dynamic" => dynamic = true,
            _ => return None,
        }
    }
    Some(Args {
        base_url: base_url?,
        served_spec: served_spec.unwrap_or_else(|| tests::workspace().join("spec/openapi.yaml")),
        only,
        dynamic,
    })
}

/// One operation of the served description.
struct ServedOp {
    method: String,
    path: String,
    id: Option<String>,
    /// Requirement objects (scheme names sent together); `None` when the
    /// operation needs no credentials.
    security: Option<Vec<BTreeSet<String>>>,
    /// Query, header (lower case) and cookie parameters: location and name.
    params: BTreeSet<(String, String)>,
    /// The operation object, for its responses.
    object: Value,
}

/// A parameter's location and name, header names in lower case.
fn param_key(location: &str, name: &str) -> (String, String) {
    let name = if location == "header" {
        name.to_ascii_lowercase()
    } else {
        name.to_owned()
    };
    (location.to_owned(), name)
}

/// A path template with parameter names dropped: `/a/{}/b`.
fn route_key(method: &str, path: &str) -> String {
    let mut key = method.to_ascii_uppercase();
    key.push(' ');
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                key.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => key.push(c),
            _ => {}
        }
    }
    key
}

fn served_operations(doc: &Value) -> Vec<ServedOp> {
    let params_of = |list: Option<&Value>| -> Vec<(String, String)> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| deref(doc, p))
            .filter_map(|p| {
                let location = p.get("in")?.as_str()?;
                let name = p.get("name")?.as_str()?;
                (location != "path").then(|| param_key(location, name))
            })
            .collect()
    };
    let global = doc.get("security");
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let security = op
                .get("security")
                .or(global)
                .and_then(Value::as_array)
                .and_then(|reqs| {
                    if reqs.is_empty() {
                        return None;
                    }
                    Some(
                        reqs.iter()
                            .map(|r| {
                                r.as_object()
                                    .map(|o| o.keys().cloned().collect())
                                    .unwrap_or_default()
                            })
                            .collect(),
                    )
                });
            let mut params: BTreeSet<(String, String)> =
                params_of(item.get("parameters")).into_iter().collect();
            params.extend(params_of(op.get("parameters")));
            out.push(ServedOp {
                params,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                security,
                object: op.clone(),
            });
        }
    }
    out
}

/// Resolves a local `$ref` (one level at a time, bounded).
fn deref<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return v;
        };
        match doc.pointer(pointer) {
            Some(next) => v = next,
            None => return v,
        }
    }
    v
}

/// The `errors` of the JSON example the served description documents for
/// `status` (exact code, then `4XX`, then `default`).
fn documented_errors(doc: &Value, op: &Value, status: u16) -> Option<Vec<Value>> {
    let responses = op.get("responses")?;
    let range = format!("{}XX", status / 100);
    let response = [status.to_string(), range, "default".to_owned()]
        .iter()
        .find_map(|k| responses.get(k))?;
    let response = deref(doc, response);
    let media = response.get("content")?.get("application/json")?;
    let example = media.get("example").or_else(|| {
        media
            .get("examples")?
            .as_object()?
            .values()
            .next()
            .map(|e| deref(doc, e))?
            .get("value")
    })?;
    example.get("errors")?.as_array().cloned()
}

/// Whether credentials sending `schemes` satisfy one of `requirements`.
fn satisfies(schemes: &[&str], requirements: &[BTreeSet<String>]) -> bool {
    requirements
        .iter()
        .any(|req| req.iter().all(|s| schemes.contains(&s.as_str())))
}

fn kind_schemes(kind: &str) -> &'static [&'static str] {
    CREDENTIAL_KINDS
        .iter()
        .find(|k| k.name == kind)
        .map(|k| k.schemes)
        .unwrap_or(&[])
}

fn violations(headers: &HeaderMap) -> Option<String> {
    headers
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Whether Prism's `sl-violations` list any violation of severity `Error`
/// (warnings, such as a deprecated parameter being sent, do not reject a
/// request). Text that is not a list of violations counts as an error.
fn has_errors(violations: &str) -> bool {
    match serde_json::from_str::<Vec<Value>>(violations) {
        Ok(list) => list.iter().any(|v| {
            v.get("severity")
                .and_then(Value::as_str)
                .is_none_or(|s| s.eq_ignore_ascii_case("error"))
        }),
        Err(_) => true,
    }
}

/// Names of the properties the served description marks `readOnly`.
fn read_only_properties(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props {
                    if schema.get("readOnly").and_then(Value::as_bool) == Some(true) {
                        out.insert(name.clone());
                    }
                }
            }
            map.values().for_each(|v| read_only_properties(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| read_only_properties(v, out)),
        _ => {}
    }
}

/// Whether Prism rejected a request body only for leaving out `readOnly`
/// properties inside an `anyOf`/`oneOf` alternative. OpenAPI 3.0 says a
/// required `readOnly` property is required in responses only, and Prism
/// applies that everywhere but inside alternatives; there it also reports
/// the umbrella `anyOf` and the other alternatives' own requirements.
/// Anything else in the list (a wrong type, a missing property that is not
/// `readOnly`, a problem outside the body) keeps the rejection a failure.
fn only_read_only_requirements(violations: &str, read_only: &BTreeSet<String>) -> bool {
    let Ok(list) = serde_json::from_str::<Vec<Value>>(violations) else {
        return false;
    };
    let code = |v: &Value| v.get("code").and_then(Value::as_str).map(str::to_owned);
    let location = |v: &Value| -> Vec<String> {
        v.get("location")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let property = |v: &Value| -> Option<String> {
        let message = v.get("message")?.as_str()?;
        let end = message.rfind('\'')?;
        let start = message[..end].rfind('\'')?;
        Some(message[start + 1..end].to_owned())
    };
    let is_read_only = |v: &Value| {
        code(v).as_deref() == Some("required")
            && location(v).starts_with(&["request".to_owned(), "body".to_owned()])
            && property(v).is_some_and(|p| read_only.contains(&p))
    };
    let is_umbrella = |v: &Value| matches!(code(v).as_deref(), Some("anyOf" | "oneOf"));
    let at_body_root =
        |v: &Value| code(v).as_deref() == Some("required") && location(v) == ["request", "body"];
    !list.is_empty()
        && list.iter().any(is_read_only)
        && list.iter().any(is_umbrella)
        && list
            .iter()
            .all(|v| is_read_only(v) || is_umbrella(v) || at_body_root(v))
}

/// At most `max` characters of `text`, marked when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_owned(),
    }
}

/// A passing case's status and Prism's warnings, if any; or what went wrong.
fn judge(
    outcome: Result<Sent, Error>,
    read_only: &BTreeSet<String>,
) -> Result<(u16, Option<String>), String> {
    match outcome {
        Ok(sent) => {
            let status = sent.status.as_u16();
            match violations(&sent.headers) {
                _ if !sent.status.is_success() => Err(format!("{status}: not a success status")),
                Some(v) if has_errors(&v) => Err(format!("{status}: sl-violations: {v}")),
                warnings => Ok((status, warnings)),
            }
        }
        Err(Error::Api(e)) => {
            let mut text = format!("{}", e.status.as_u16());
            if let Some(v) = violations(&e.headers)
                && only_read_only_requirements(&v, read_only)
            {
                return Ok((
                    e.status.as_u16(),
                    Some(format!(
                        "Prism requires readOnly properties inside an anyOf/oneOf alternative, \
                         which OpenAPI 3.0 requires in responses only: {v}"
                    )),
                ));
            }
            match violations(&e.headers) {
                Some(v) => text.push_str(&format!(": sl-violations: {v}")),
                None => text.push_str(&format!(": {}", e.body.trim())),
            }
            Err(text)
        }
        Err(Error::Decode(d)) => Err(format!(
            "{}: the response did not decode into the operation's type at `{}`: {}; body: {}",
            d.status.as_u16(),
            d.path,
            d.message,
            shorten(d.body.trim(), 200)
        )),
        Err(other) => Err(other.to_string()),
    }
}

async fn run_case(
    case: &Case,
    client: &Client,
    headers: &[(HeaderName, HeaderValue)],
) -> Result<Result<Sent, Error>, String> {
    let Ok(run) = case.run else {
        return Err("no case".into());
    };
    AssertUnwindSafe(run(client, headers))
        .catch_unwind()
        .await
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("the case panicked: {message}")
        })
}

struct Report {
    failures: Vec<String>,
    passed: usize,
}

impl Report {
    fn ok(&mut self, line: String) {
        self.passed += 1;
        println!("ok    {line}");
    }

    fn fail(&mut self, line: String) {
        println!("FAIL  {line}");
        self.failures.push(line);
    }
}

fn client(base_url: &str, kind: Option<&str>) -> Result<Client, Error> {
    let mut builder = Client::builder()
        .base_url(base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30));
    if let Some(kind) = kind {
        let credentials = cases::credentials(kind)
            .ok_or_else(|| Error::Config(format!("no credentials of kind `{kind}`")))?;
        builder = builder.credentials(credentials);
    }
    builder.build()
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(args) = parse_args() else {
        return usage();
    };
    let started = Instant::now();
    let text = match std::fs::read_to_string(&args.served_spec) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("conformance: {}: {e}", args.served_spec.display());
            return ExitCode::from(2);
        }
    };
    let doc: Value = match serde_yaml::from_str(&text) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("conformance: {}: {e}", args.served_spec.display());
            return ExitCode::from(2);
        }
    };
    let served = served_operations(&doc);
    let mut read_only = BTreeSet::new();
    read_only_properties(&doc, &mut read_only);
    let served_by_key: BTreeMap<String, &ServedOp> = served
        .iter()
        .map(|s| (route_key(&s.method, &s.path), s))
        .collect();
    let ours: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|o| route_key(o.method, o.path))
        .collect();
    let selected = |id: &str| args.only.as_deref().is_none_or(|t| id.contains(t));

    println!(
        "conformance: {} operations in {}, {} in the client ({} cases), server {}",
        served.len(),
        args.served_spec.display(),
        OPERATIONS.len(),
        CASES.len(),
        args.base_url
    );
    let mut report = Report {
        failures: Vec::new(),
        passed: 0,
    };

    // Operations the served description has and the client cannot call.
    for s in &served {
        if !ours.contains(&route_key(&s.method, &s.path)) && selected(s.id.as_deref().unwrap_or(""))
        {
            report.fail(format!(
                "{} {} ({}): no case: the client has no such operation",
                s.method,
                s.path,
                s.id.as_deref().unwrap_or("no operationId")
            ));
        }
    }

    // The examples pass checks requests and the documented examples; the
    // dynamic pass (`Prefer: dynamic=true`) has Prism generate every
    // response from its schema instead, so optional fields and values the
    // examples do not show are decoded too.
    let mut passes = vec![("examples", Vec::new())];
    if args.dynamic {
        passes.push((
            "dynamic",
            vec![(
                HeaderName::from_static("prefer"),
                HeaderValue::from_static("dynamic=true"),
            )],
        ));
    }
    // Prism ignores query parameters and headers it does not know, so
    // parameters the client sends are compared with the served ones here.
    for op in OPERATIONS.iter().filter(|o| selected(o.id)) {
        let Some(served_op) = served_by_key.get(&route_key(op.method, op.path)) else {
            continue;
        };
        let ours: BTreeSet<(String, String)> =
            op.params.iter().map(|(l, n)| param_key(l, n)).collect();
        for (location, name) in ours.difference(&served_op.params) {
            report.fail(format!(
                "{} {} ({}): the client sends {location} parameter `{name}`, which the served spec does not define",
                op.method, op.path, op.id
            ));
        }
        for (location, name) in served_op.params.difference(&ours) {
            println!(
                "note  {} {} ({}): the served spec defines {location} parameter `{name}`, which the client cannot send",
                op.method, op.path, op.id
            );
        }
    }

    let mut clients: BTreeMap<Option<&str>, Client> = BTreeMap::new();
    let mut kinds_used: BTreeMap<&str, usize> = BTreeMap::new();
    let mut passed: BTreeSet<(&str, &str)> = BTreeSet::new();
    let not_served: Vec<_> = OPERATIONS
        .iter()
        .filter(|o| selected(o.id) && !served_by_key.contains_key(&route_key(o.method, o.path)))
        .collect();
    for (pass, headers) in &passes {
        for case in CASES.iter().filter(|c| selected(c.operation)) {
            let Some(served_op) = served_by_key.get(&route_key(case.method, case.path)) else {
                continue;
            };
            let label = format!(
                "{pass:<8} {:<6} {} {} ({})",
                case.method, case.path, case.operation, case.variant
            );
            if let Err(gap) = case.run {
                report.fail(format!("{label}: no case: {gap}"));
                continue;
            }
            // Send credentials the served description accepts, so the rest
            // of the request is checked too; a difference in accepted
            // credentials is a failure of its own.
            let mut credential = case.credential;
            let mut security_note = None;
            if let (Some(kind), Some(reqs)) = (case.credential, &served_op.security)
                && !satisfies(kind_schemes(kind), reqs)
            {
                security_note = Some(format!(
                    "the client's description accepts `{kind}` here, the served one does not"
                ));
                if let Some(other) = CREDENTIAL_KINDS.iter().find(|k| satisfies(k.schemes, reqs)) {
                    credential = Some(other.name);
                }
            }
            let c = match clients.entry(credential) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    match client(&args.base_url, credential) {
                        Ok(c) => e.insert(c),
                        Err(err) => {
                            report.fail(format!("{label}: {err}"));
                            continue;
                        }
                    }
                }
            };
            let label = format!("{label} [{}]", credential.unwrap_or("no credentials"));
            let outcome = match run_case(case, c, headers).await {
                Ok(outcome) => judge(outcome, &read_only),
                Err(e) => Err(e),
            };
            match (outcome, security_note) {
                (Ok((status, warnings)), None) => {
                    report.ok(format!("{label} {status}"));
                    if *pass == "examples" {
                        if let Some(kind) = credential {
                            *kinds_used.entry(kind).or_default() += 1;
                        }
                        passed.insert((case.operation, case.variant));
                        if let Some(w) = warnings {
                            println!("      warnings (accepted): {w}");
                        }
                    }
                }
                (Ok((status, _)), Some(note)) => report.fail(format!("{label} {status}: {note}")),
                (Err(e), None) => report.fail(format!("{label} {e}")),
                (Err(e), Some(note)) => report.fail(format!("{label} {e}; also: {note}")),
            }
            if *pass == "examples" {
                for note in case.notes {
                    println!("      note: {note}");
                }
            }
        }
    }

    error_paths(&args.base_url, &doc, &served_by_key, &passed, &mut report).await;

    println!();
    if !not_served.is_empty() {
        println!("not in served spec ({}, not failures):", not_served.len());
        for op in &not_served {
            println!("  {} {} ({})", op.method, op.path, op.id);
        }
    }
    println!("credentials used by passing cases:");
    for kind in CREDENTIAL_KINDS {
        match kinds_used.get(kind.name) {
            Some(n) => println!("  {}: {n} cases", kind.name),
            None => {
                let accepted_by = served
                    .iter()
                    .filter(|s| {
                        s.security
                            .as_ref()
                            .is_some_and(|r| satisfies(kind.schemes, r))
                    })
                    .count();
                println!(
                    "  {}: none ({accepted_by} operations of the served spec accept it)",
                    kind.name
                );
            }
        }
    }
    let served_ops = served
        .iter()
        .filter(|s| ours.contains(&route_key(&s.method, &s.path)))
        .count();
    println!(
        "\nconformance: {} passed, {} failed ({}); {} of {} served operations have cases; {} client operations not in served spec ({:.1} s)",
        report.passed,
        report.failures.len(),
        passes
            .iter()
            .map(|(p, _)| *p)
            .collect::<Vec<_>>()
            .join(" + ")
            + " passes, plus error paths",
        served_ops,
        served.len(),
        not_served.len(),
        started.elapsed().as_secs_f64()
    );
    if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("\nfailures:");
        for f in &report.failures {
            println!("  {f}");
        }
        ExitCode::FAILURE
    }
}

/// `(code, message)` of each item of a JSON list of envelope messages.
fn code_and_message(items: &[Value]) -> Vec<(Option<i64>, String)> {
    items
        .iter()
        .map(|m| {
            (
                m.get("code").and_then(Value::as_i64),
                m.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

/// Checks the error of a request answered with a forced 404: `Error::Api`,
/// `is_not_found()`, and `errors` equal to the envelope's `errors` in the
/// response body (and to the documented example's, when the description
/// has one).
fn forced_error_check(err: &Error, documented: Option<&[Value]>) -> Result<String, String> {
    let Error::Api(e) = err else {
        return Err(format!("expected Error::Api, got {err:?}"));
    };
    if !err.is_not_found() {
        return Err(format!("expected status 404, got {}: {}", e.status, e.body));
    }
    let got: Vec<(Option<i64>, String)> = e
        .errors
        .iter()
        .map(|m| (m.code, m.message.clone()))
        .collect();
    let sent = serde_json::from_str::<Value>(&e.body)
        .ok()
        .and_then(|body| body.get("errors")?.as_array().map(|a| code_and_message(a)));
    match sent {
        Some(sent) if sent != got => {
            return Err(format!(
                "decoded errors {got:?} differ from the envelope's {sent:?}"
            ));
        }
        Some(_) => {}
        None if documented.is_none() => {
            return Err(format!(
                "no envelope `errors` list in the response body: {}",
                e.body
            ));
        }
        None => {}
    }
    if let Some(documented) = documented {
        let want = code_and_message(documented);
        if want != got {
            return Err(format!(
                "errors {got:?} differ from the documented example's {want:?}"
            ));
        }
    }
    let shown: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
    Ok(format!(
        "Error::Api, status 404, is_not_found(), the envelope's {} error(s){}{}",
        got.len(),
        if documented.is_some() {
            " (as in the documented example)"
        } else {
            " (the description documents no example)"
        },
        if shown.is_empty() {
            String::new()
        } else {
            format!(": {}", shown.join("; "))
        }
    ))
}

/// A forced error status decodes into `Error::Api` with the documented
/// errors, and a request without credentials is rejected.
async fn error_paths(
    base_url: &str,
    doc: &Value,
    served: &BTreeMap<String, &ServedOp>,
    passed: &BTreeSet<(&str, &str)>,
    report: &mut Report,
) {
    // The required case of the first authenticated GET (else any
    // authenticated operation) that passed, so that only the forced status
    // or the missing credentials can make the difference.
    let candidates = || {
        CASES.iter().filter(|c| {
            c.variant == "required"
                && c.credential.is_some()
                && passed.contains(&(c.operation, c.variant))
                && served
                    .get(&route_key(c.method, c.path))
                    .is_some_and(|s| s.security.is_some())
        })
    };
    let Some(case) = candidates()
        .find(|c| c.method == "GET")
        .or_else(|| candidates().next())
    else {
        report.fail("error paths: no authenticated operation to force errors on".into());
        return;
    };
    let served_op = served[&route_key(case.method, case.path)];
    let reqs = served_op.security.as_deref().unwrap_or(&[]);
    let kind = CREDENTIAL_KINDS
        .iter()
        .map(|k| k.name)
        .find(|k| Some(*k) == case.credential && satisfies(kind_schemes(k), reqs))
        .or_else(|| {
            CREDENTIAL_KINDS
                .iter()
                .find(|k| satisfies(k.schemes, reqs))
                .map(|k| k.name)
        });

    // 1. A forced 404 decodes into the API error with the envelope's errors.
    let label = format!(
        "error path: `Prefer: code=404` on {} {}",
        case.method, case.path
    );
    let expected = documented_errors(doc, &served_op.object, 404);
    let headers = [(
        HeaderName::from_static("prefer"),
        HeaderValue::from_static("code=404"),
    )];
    match client(base_url, kind) {
        Err(e) => report.fail(format!("{label}: {e}")),
        Ok(c) => match run_case(case, &c, &headers).await {
            Ok(Err(err)) => match forced_error_check(&err, expected.as_deref()) {
                Ok(line) => report.ok(format!("{label}: {line}")),
                Err(problem) => report.fail(format!("{label}: {problem}")),
            },
            Ok(Ok(sent)) => report.fail(format!("{label}: expected an error, got {}", sent.status)),
            Err(e) => report.fail(format!("{label}: {e}")),
        },
    }

    // 2. Without credentials the server rejects the request.
    let label = format!(
        "error path: no credentials on {} {}",
        case.method, case.path
    );
    match client(base_url, None) {
        Err(e) => report.fail(format!("{label}: {e}")),
        Ok(c) => match run_case(case, &c, &[]).await {
            Ok(Err(Error::Api(e))) if e.status.as_u16() == 401 => report.ok(format!(
                "{label}: Error::Api, status 401{}",
                violations(&e.headers)
                    .map(|v| format!(", sl-violations: {v}"))
                    .unwrap_or_default()
            )),
            Ok(Err(other)) => report.fail(format!(
                "{label}: expected Error::Api with status 401, got {other}"
            )),
            Ok(Ok(sent)) => report.fail(format!("{label}: expected 401, got {}", sent.status)),
            Err(e) => report.fail(format!("{label}: {e}")),
        },
    }
}

#[cfg(test)]
mod judging {
    use super::*;

    fn read_only() -> BTreeSet<String> {
        ["name", "description", "permissions"]
            .map(String::from)
            .into()
    }

    #[test]
    fn readonly_requirements_inside_alternatives_are_prisms_not_ours() {
        let v = r#"[{"location":["request","body","roles","0"],"severity":"Error","code":"required","message":"Request body property roles.0 must have required property 'name'"},{"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'policies'"},{"location":["request","body"],"severity":"Error","code":"anyOf","message":"Request body must match a schema in anyOf"}]"#;
        assert!(only_read_only_requirements(v, &read_only()));
    }

    #[test]
    fn any_other_violation_keeps_the_rejection() {
        // A required property that is not readOnly.
        let missing = r#"[{"location":["request","body","roles","0"],"severity":"Error","code":"required","message":"Request body property roles.0 must have required property 'id'"},{"location":["request","body"],"severity":"Error","code":"anyOf","message":"Request body must match a schema in anyOf"}]"#;
        assert!(!only_read_only_requirements(missing, &read_only()));
        // A wrong type beside a readOnly requirement.
        let typed = r#"[{"location":["request","body","roles","0"],"severity":"Error","code":"required","message":"Request body property roles.0 must have required property 'name'"},{"location":["request","body","roles","0","id"],"severity":"Error","code":"type","message":"must be string"},{"location":["request","body"],"severity":"Error","code":"anyOf","message":"Request body must match a schema in anyOf"}]"#;
        assert!(!only_read_only_requirements(typed, &read_only()));
        // Outside an alternative Prism applies the rule itself.
        let plain = r#"[{"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'name'"}]"#;
        assert!(!only_read_only_requirements(plain, &read_only()));
    }
}
