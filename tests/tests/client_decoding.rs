//! Responses carrying data the description does not forbid decode: a map
//! entry (`additionalProperties`) whose value does not fit the declared
//! value schema is skipped, like an unknown field, instead of failing the
//! call.

mod common;

use common::{ORG_ID, bounded, client, envelope, organization};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serving(result: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(result)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_organization_whose_meta_has_a_new_scalar_field_decodes() {
    let mut org = organization(ORG_ID);
    // `OrganizationMeta` keeps undeclared fields in a map of objects
    // (`additionalProperties: {type: object}`); a boolean is not one.
    org["meta"] = json!({
        "managed_by": "tenant",
        "is_enterprise": true,
        "billing": {"plan": "enterprise"},
        "seats": 40,
    });
    let server = serving(org).await;
    let org = bounded(client(&server).organizations().get(ORG_ID))
        .await
        .expect("decodes");
    assert_eq!(org.id, ORG_ID);
    let meta = org.meta;
    assert_eq!(meta.managed_by.as_deref(), Some("tenant"));
    let kept: Vec<(&str, serde_json::Value)> = meta
        .additional_properties
        .iter()
        .map(|(k, v)| (k.as_str(), serde_json::Value::Object(v.clone())))
        .collect();
    assert_eq!(kept, [("billing", json!({"plan": "enterprise"}))]);
}

#[tokio::test]
async fn a_member_whose_meta_map_has_a_scalar_entry_decodes() {
    // `OrganizationMember.meta` is a map of objects.
    let member = json!({
        "id": "m1", "status": "active",
        "user": {"id": "u1", "email": "u1@example.com", "name": "U",
                 "two_factor_authentication_enabled": false},
        "meta": {"sso": {"provider": "okta"}, "is_enterprise": true, "level": 3},
        "create_time": "2024-01-02T03:04:05Z", "update_time": "2024-01-02T03:04:05Z",
    });
    let server = serving(member).await;
    let member = bounded(client(&server).organizations().members().get(ORG_ID, "m1"))
        .await
        .expect("decodes");
    assert_eq!(member.id, "m1");
    let keys: Vec<&str> = member.meta.keys().map(String::as_str).collect();
    assert_eq!(keys, ["sso"]);
    assert_eq!(member.meta["sso"]["provider"], "okta");
}
