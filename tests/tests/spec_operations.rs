//! `spec/openapi.yaml` must describe every operation of the organizations,
//! accounts and audit APIs: the 41 the official SDK documents name, and the
//! 8 more the real API has. An accidental deletion fails here. It also keeps
//! what the spec promises the client's users: counts are integers, and every
//! field and parameter says what it is.

use std::collections::BTreeSet;

const SDK_OPERATIONS: &[&str] = &[
    "GET /accounts",
    "POST /accounts",
    "GET /accounts/{account_id}",
    "PUT /accounts/{account_id}",
    "DELETE /accounts/{account_id}",
    "GET /accounts/{account_id}/logs/audit",
    "GET /accounts/{account_id}/members",
    "POST /accounts/{account_id}/members",
    "GET /accounts/{account_id}/members/{member_id}",
    "PUT /accounts/{account_id}/members/{member_id}",
    "DELETE /accounts/{account_id}/members/{member_id}",
    "GET /accounts/{account_id}/organizations",
    "GET /accounts/{account_id}/profile",
    "PUT /accounts/{account_id}/profile",
    "GET /accounts/{account_id}/roles",
    "GET /accounts/{account_id}/roles/{role_id}",
    "GET /accounts/{account_id}/subscriptions",
    "POST /accounts/{account_id}/subscriptions",
    "PUT /accounts/{account_id}/subscriptions/{subscription_identifier}",
    "DELETE /accounts/{account_id}/subscriptions/{subscription_identifier}",
    "GET /accounts/{account_id}/tokens",
    "POST /accounts/{account_id}/tokens",
    "GET /accounts/{account_id}/tokens/{token_id}",
    "PUT /accounts/{account_id}/tokens/{token_id}",
    "DELETE /accounts/{account_id}/tokens/{token_id}",
    "PUT /accounts/{account_id}/tokens/{token_id}/value",
    "GET /accounts/{account_id}/tokens/permission_groups",
    "GET /accounts/{account_id}/tokens/verify",
    "GET /organizations",
    "POST /organizations",
    "GET /organizations/{organization_id}",
    "PUT /organizations/{organization_id}",
    "DELETE /organizations/{organization_id}",
    "GET /organizations/{organization_id}/accounts",
    "GET /organizations/{organization_id}/logs/audit",
    "GET /organizations/{organization_id}/members",
    "POST /organizations/{organization_id}/members",
    "GET /organizations/{organization_id}/members/{member_id}",
    "DELETE /organizations/{organization_id}/members/{member_id}",
    "GET /organizations/{organization_id}/profile",
    "PUT /organizations/{organization_id}/profile",
];

const BEYOND_SDK: &[&str] = &[
    "POST /accounts/move",
    "GET /accounts/{account_id}/logs/audit/{id}/history",
    "GET /accounts/{account_id}/logs/audit/product_categories",
    "POST /accounts/{account_id}/subscriptions/{subscription_identifier}/action/append",
    "GET /organizations/{organization_id}/billable/usage",
    "GET /organizations/{organization_id}/logs/audit/{id}/history",
    "POST /organizations/{organization_id}/members:batchCreate",
    "GET /organizations/{organization_id}/shares",
];

fn spec_operations() -> (BTreeSet<String>, Vec<(String, openapiv3::Operation)>) {
    let text = std::fs::read_to_string(tests::workspace().join("spec/openapi.yaml"))
        .expect("spec is readable");
    let api: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("spec parses as OpenAPI 3.0");
    assert!(
        api.openapi.starts_with("3.0."),
        "spec must be OpenAPI 3.0.x, is {}",
        api.openapi
    );
    let mut keys = BTreeSet::new();
    let mut ops = Vec::new();
    for (path, item) in &api.paths.paths {
        let item = item.as_item().expect("path items are inline");
        for (method, op) in item.iter() {
            let key = format!("{} {path}", method.to_uppercase());
            assert!(keys.insert(key.clone()), "{key} appears twice");
            ops.push((key, op.clone()));
        }
    }
    (keys, ops)
}

#[test]
fn every_sdk_operation_is_described() {
    assert_eq!(SDK_OPERATIONS.len(), 41);
    let (keys, _) = spec_operations();
    let missing: Vec<&&str> = SDK_OPERATIONS
        .iter()
        .filter(|k| !keys.contains(**k))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from spec/openapi.yaml: {missing:?}"
    );
}

#[test]
fn operations_beyond_the_sdk_are_described() {
    let (keys, _) = spec_operations();
    let missing: Vec<&&str> = BEYOND_SDK.iter().filter(|k| !keys.contains(**k)).collect();
    assert!(
        missing.is_empty(),
        "missing from spec/openapi.yaml: {missing:?}"
    );
    assert_eq!(
        keys.len(),
        SDK_OPERATIONS.len() + BEYOND_SDK.len(),
        "unexpected operations: {keys:?}"
    );
}

#[test]
fn every_operation_has_id_tag_and_summary() {
    let (_, ops) = spec_operations();
    let mut ids = BTreeSet::new();
    for (key, op) in ops {
        let id = op
            .operation_id
            .unwrap_or_else(|| panic!("{key} has no operationId"));
        assert!(ids.insert(id.clone()), "operationId {id} is used twice");
        assert_eq!(op.tags.len(), 1, "{key} should have exactly one tag");
        assert!(
            op.summary.is_some_and(|s| !s.trim().is_empty()),
            "{key} has no summary"
        );
    }
}

/// The spec as plain YAML, for checks that walk it without the model.
fn spec_yaml() -> serde_yaml::Value {
    let text = std::fs::read_to_string(tests::workspace().join("spec/openapi.yaml"))
        .expect("spec is readable");
    serde_yaml::from_str(&text).expect("spec is YAML")
}

/// A parameter with its `$ref` (to `#/components/parameters/..`) followed.
fn parameter<'a>(spec: &'a serde_yaml::Value, p: &'a serde_yaml::Value) -> &'a serde_yaml::Value {
    match p.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/parameters/")
                .unwrap_or_else(|| panic!("unexpected parameter reference {r}"));
            &spec["components"]["parameters"][name]
        }
        None => p,
    }
}

#[test]
fn page_numbers_sizes_and_limits_are_integers() {
    const COUNTS: &[&str] = &["page", "per_page", "page_size", "limit"];
    let spec = spec_yaml();
    let paths = spec["paths"].as_mapping().expect("paths is a mapping");
    let mut seen = 0;
    for (path, item) in paths {
        for (method, op) in item.as_mapping().expect("path item is a mapping") {
            let Some(params) = op.get("parameters").and_then(|p| p.as_sequence()) else {
                continue;
            };
            for p in params.iter().map(|p| parameter(&spec, p)) {
                let name = p["name"].as_str().expect("parameter has a name");
                if !COUNTS.contains(&name) {
                    continue;
                }
                seen += 1;
                assert_eq!(
                    p["schema"]["type"].as_str(),
                    Some("integer"),
                    "{} {} parameter `{name}` is a count but not an integer",
                    method.as_str().unwrap_or_default(),
                    path.as_str().unwrap_or_default(),
                );
            }
        }
    }
    assert!(seen >= 17, "expected the paging parameters, found {seen}");
}

fn described(v: &serde_yaml::Value) -> bool {
    v.get("description")
        .and_then(|d| d.as_str())
        .is_some_and(|d| !d.trim().is_empty())
}

/// Pointers of the properties and parameters under `node` that lack a
/// description, with `at` the pointer of `node`.
fn undescribed(node: &serde_yaml::Value, at: &str, out: &mut Vec<String>) {
    match node {
        serde_yaml::Value::Mapping(map) => {
            if let Some(props) = map.get("properties").and_then(|p| p.as_mapping()) {
                for (name, prop) in props {
                    if !described(prop) {
                        out.push(format!("{at}/properties/{}", name.as_str().unwrap_or("?")));
                    }
                }
            }
            if let Some(params) = map.get("parameters").and_then(|p| p.as_sequence()) {
                for (i, p) in params.iter().enumerate() {
                    if p.get("$ref").is_none() && !described(p) {
                        out.push(format!("{at}/parameters/{i}"));
                    }
                }
            }
            for (key, value) in map {
                let key = key
                    .as_str()
                    .unwrap_or("?")
                    .replace('~', "~0")
                    .replace('/', "~1");
                undescribed(value, &format!("{at}/{key}"), out);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                undescribed(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_and_parameter_is_described() {
    let spec = spec_yaml();
    let mut missing = Vec::new();
    undescribed(&spec, "#", &mut missing);
    let shared = spec["components"]["parameters"]
        .as_mapping()
        .expect("components.parameters is a mapping");
    for (name, p) in shared {
        if !described(p) {
            missing.push(format!(
                "#/components/parameters/{}",
                name.as_str().unwrap_or("?")
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "{} properties or parameters have no description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
