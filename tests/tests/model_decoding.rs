//! How generated structs decode: the rules of serde's derive (unknown keys
//! skipped, `Option` fields may be absent or null, required fields must be
//! present), plus additional properties kept in their map (those that do
//! not fit its value type skipped) and a repeated key keeping its last
//! value. The structs' `Deserialize` impls are
//! generated, not derived, so these rules are pinned here.

use cloudflare_orgs::models::{Account, AccountType, OrganizationMeta};
use serde_json::json;
use tests::hazards::models::{Pet, Thing};

fn account_json() -> serde_json::Value {
    json!({
        "id": "023e105f4ecef8ad9ca31a8372d0c353",
        "name": "Demo Account",
        "type": "standard",
        "created_on": "2014-03-01T12:21:02.0000Z",
        "settings": {"enforce_twofactor": true, "abuse_contact_email": "abuse@example.com"},
    })
}

#[test]
fn declared_fields_decode_by_their_wire_names() {
    let account: Account = serde_json::from_value(account_json()).unwrap();
    assert_eq!(account.id, "023e105f4ecef8ad9ca31a8372d0c353");
    assert_eq!(account.name, "Demo Account");
    // `type` on the wire, `type_` in Rust.
    assert_eq!(account.type_, AccountType::Standard);
    assert_eq!(
        account.created_on.unwrap().to_rfc3339(),
        "2014-03-01T12:21:02+00:00"
    );
    let settings = account.settings.unwrap();
    assert_eq!(settings.enforce_twofactor, Some(true));
    assert_eq!(
        settings.abuse_contact_email.as_deref(),
        Some("abuse@example.com")
    );
}

#[test]
fn undeclared_keys_are_skipped_whatever_their_value() {
    let mut value = account_json();
    let object = value.as_object_mut().unwrap();
    object.insert(
        "new_field".into(),
        json!({"nested": [1, {"deep": null}], "x": "y"}),
    );
    object.insert("another".into(), json!([true, 1.5, "s"]));
    let account: Account = serde_json::from_value(value).unwrap();
    let expected: Account = serde_json::from_value(account_json()).unwrap();
    assert_eq!(account, expected);
}

#[test]
fn optional_fields_may_be_absent_or_null() {
    let absent: Account = serde_json::from_value(json!({
        "id": "a", "name": "n", "type": "standard",
    }))
    .unwrap();
    assert_eq!(absent.created_on, None);
    assert_eq!(absent.settings, None);
    let null: Account = serde_json::from_value(json!({
        "id": "a", "name": "n", "type": "standard", "created_on": null, "settings": null,
    }))
    .unwrap();
    assert_eq!(null, absent);
}

#[test]
fn a_missing_required_field_is_an_error_naming_it() {
    let mut value = account_json();
    value.as_object_mut().unwrap().remove("name");
    let error = serde_json::from_value::<Account>(value).unwrap_err();
    assert_eq!(error.to_string(), "missing field `name`");
}

#[test]
fn a_required_nullable_field_may_be_null_or_absent_but_others_must_be_present() {
    let pet = json!({"pet_type": "cat", "lives": 7});
    let null: Thing =
        serde_json::from_value(json!({"name": "abc", "note": null, "pet": pet})).unwrap();
    assert_eq!(null.note, None);
    assert!(matches!(null.pet, Pet::Cat(ref cat) if cat.lives == Some(7)));
    let absent: Thing = serde_json::from_value(json!({"name": "abc", "pet": pet})).unwrap();
    assert_eq!(absent, null);
    let error = serde_json::from_value::<Thing>(json!({"name": "abc", "note": "n"})).unwrap_err();
    assert_eq!(error.to_string(), "missing field `pet`");
}

#[test]
fn recursive_fields_decode_through_their_box() {
    let thing: Thing = serde_json::from_value(json!({
        "name": "abc", "note": "n", "pet": {"pet_type": "dog", "bark": "loud"},
        "tree": {"label": "root", "children": [{"label": "leaf", "children": []}]},
    }))
    .unwrap();
    let tree = thing.tree.unwrap();
    assert_eq!(tree.label, "root");
    assert_eq!(tree.children.unwrap()[0].label, "leaf");
}

#[test]
fn a_value_of_the_wrong_type_names_the_expected_struct() {
    let error = serde_json::from_value::<Account>(json!("not an object")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: string \"not an object\", expected struct Account"
    );
    let error = serde_json::from_str::<Account>(r#"{"id": "a", "name": 5, "type": "standard"}"#)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid type: integer `5`, expected a string"),
        "{error}"
    );
}

#[test]
fn a_repeated_key_keeps_its_last_value() {
    let account: Account = serde_json::from_str(
        r#"{"id": "a", "name": "first", "type": "standard", "name": "second"}"#,
    )
    .unwrap();
    assert_eq!(account.name, "second");
}

#[test]
fn undeclared_keys_are_kept_where_the_schema_allows_additional_properties() {
    let meta: OrganizationMeta = serde_json::from_value(json!({
        "managed_by": "tenant",
        "billing": {"plan": "enterprise"},
        "limits": {"accounts": 10},
    }))
    .unwrap();
    assert_eq!(meta.managed_by.as_deref(), Some("tenant"));
    let keys: Vec<&str> = meta
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["billing", "limits"]);
    assert_eq!(meta.additional_properties["billing"]["plan"], "enterprise");
    // The schema says additional properties are objects; one that is not
    // is skipped like an unknown field, and the rest still decodes.
    let meta: OrganizationMeta = serde_json::from_value(json!({
        "managed_by": "tenant", "billing": 5, "is_enterprise": true, "limits": {"accounts": 10},
    }))
    .unwrap();
    assert_eq!(meta.managed_by.as_deref(), Some("tenant"));
    let keys: Vec<&str> = meta
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["limits"]);
}

#[test]
fn decoding_what_was_encoded_gives_the_same_value() {
    let account: Account = serde_json::from_value(account_json()).unwrap();
    let again: Account = serde_json::from_value(serde_json::to_value(&account).unwrap()).unwrap();
    assert_eq!(again, account);

    let meta: OrganizationMeta =
        serde_json::from_value(json!({"hierarchy_tags": ["a", "b"], "extra": {"k": "v"}})).unwrap();
    let encoded = serde_json::to_value(&meta).unwrap();
    assert_eq!(
        encoded,
        json!({"hierarchy_tags": ["a", "b"], "extra": {"k": "v"}})
    );
    assert_eq!(
        serde_json::from_value::<OrganizationMeta>(encoded).unwrap(),
        meta
    );
}

#[test]
fn decoding_borrows_keys_from_a_byte_slice_too() {
    // `from_slice` hands keys over as borrowed strings, `from_reader` as
    // owned ones; both must find the same fields.
    let bytes = serde_json::to_vec(&account_json()).unwrap();
    let from_slice: Account = serde_json::from_slice(&bytes).unwrap();
    let from_reader: Account = serde_json::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(from_slice, from_reader);
    assert_eq!(from_slice.name, "Demo Account");
}
