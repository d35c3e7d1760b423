//! Each kind of change on a small description, compared as built.

use std::path::Path;

use super::*;
use crate::config::Config;

const BASE: &str = "openapi: 3.0.3
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: kind, in: query, required: true, schema: {$ref: '#/components/schemas/Kind'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{pet_id}:
    get:
      operationId: getPet
      parameters:
        - {name: pet_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        tag: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        owner: {$ref: '#/components/schemas/Owner'}
    Kind:
      type: string
      enum: [cat, dog]
    Owner:
      oneOf:
        - {$ref: '#/components/schemas/Person'}
        - {type: string}
    Person:
      type: object
      properties:
        name: {type: string}
";

fn api(yaml: &str) -> Api {
    let doc = crate::load::load_bytes(Path::new("pets.yaml"), yaml.as_bytes())
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    crate::ir::build(&doc, &Config::default())
        .unwrap_or_else(|e| panic!("{e:?}"))
        .0
}

fn report(old: &str, new: &str) -> Report {
    compare(&api(old), &api(new))
}

/// `(class, kind, item)` of every change.
fn changes(old: &str, new: &str) -> Vec<(Class, &'static str, String)> {
    report(old, new)
        .changes
        .into_iter()
        .map(|c| (c.class, c.kind, c.item))
        .collect()
}

/// BASE with one replacement, which must apply.
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE has no `{from}`");
    BASE.replacen(from, to, 1)
}

fn one(class: Class, kind: &'static str, item: &str) -> Vec<(Class, &'static str, String)> {
    vec![(class, kind, item.to_owned())]
}

#[test]
fn the_same_description_has_no_changes() {
    let r = report(BASE, BASE);
    assert_eq!(r.changes, Vec::new());
    assert_eq!(r.highest(), None);
    assert_eq!(r.previous, r.current);
}

#[test]
fn an_optional_field_is_additive_and_a_required_one_breaking() {
    let optional = with(
        "        tag: {type: string}\n",
        "        tag: {type: string}\n        age: {type: integer}\n",
    );
    assert_eq!(
        changes(BASE, &optional),
        one(Class::Additive, "optional-field-added", "models::Pet::age")
    );
    let required = optional.replace("required: [id, name]", "required: [id, name, age]");
    assert_eq!(
        changes(BASE, &required),
        one(Class::Breaking, "required-field-added", "models::Pet::age")
    );
}

#[test]
fn a_removed_field_points_into_the_previous_description() {
    let r = report(BASE, &with("        tag: {type: string}\n", ""));
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    let c = &r.changes[0];
    assert_eq!(
        (c.class, c.kind, c.item.as_str()),
        (Class::Breaking, "field-removed", "models::Pet::tag")
    );
    assert_eq!(c.document, Document::Previous);
    assert_eq!(
        c.pointer.as_deref(),
        Some("#/components/schemas/Pet/properties/tag")
    );
}

#[test]
fn a_field_type_change_is_breaking_with_both_types() {
    let r = report(
        BASE,
        &with(
            "        tag: {type: string}",
            "        tag: {type: integer}",
        ),
    );
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    let c = &r.changes[0];
    assert_eq!((c.class, c.kind), (Class::Breaking, "field-type-changed"));
    assert_eq!(
        (c.before.as_deref(), c.after.as_deref()),
        (Some("Option<String>"), Some("Option<i64>"))
    );
    assert_eq!(
        c.pointer.as_deref(),
        Some("#/components/schemas/Pet/properties/tag")
    );
    assert_eq!(c.document, Document::Current);
}

#[test]
fn requiredness_changes_are_breaking_but_nullability_of_an_option_is_not() {
    let required = with("required: [id, name]", "required: [id, name, tag]");
    assert_eq!(
        changes(BASE, &required),
        one(Class::Breaking, "field-now-required", "models::Pet::tag")
    );
    assert_eq!(
        changes(&required, BASE),
        one(Class::Breaking, "field-now-optional", "models::Pet::tag")
    );
    // Optional either way: the Rust type stays `Option<String>`.
    let nullable = with(
        "        tag: {type: string}",
        "        tag: {type: string, nullable: true}",
    );
    assert_eq!(
        changes(BASE, &nullable),
        one(
            Class::Internal,
            "field-presence-changed",
            "models::Pet::tag"
        )
    );
    // A required field that becomes nullable turns into an `Option`.
    let name_nullable = with(
        "        name: {type: string}",
        "        name: {type: string, nullable: true}",
    );
    let got = changes(BASE, &name_nullable);
    assert!(
        got.contains(&(
            Class::Breaking,
            "field-now-optional",
            "models::Pet::name".into()
        )),
        "{got:#?}"
    );
}

#[test]
fn reordered_required_fields_break_the_constructor() {
    let swapped = with(
        "        id: {type: string}\n        name: {type: string}\n",
        "        name: {type: string}\n        id: {type: string}\n",
    );
    assert_eq!(
        changes(BASE, &swapped),
        one(
            Class::Breaking,
            "constructor-order-changed",
            "models::Pet::new"
        )
    );
}

#[test]
fn a_renamed_property_is_a_removal_and_a_required_addition() {
    let renamed = with("required: [id, name]", "required: [id, title]").replacen(
        "        name: {type: string}",
        "        title: {type: string}",
        1,
    );
    assert_eq!(
        changes(BASE, &renamed),
        vec![
            (Class::Breaking, "field-removed", "models::Pet::name".into()),
            (
                Class::Breaking,
                "required-field-added",
                "models::Pet::title".into()
            ),
        ]
    );
}

#[test]
fn a_wire_name_change_under_the_same_rust_name_is_internal() {
    let camel = with("        tag: {type: string}", "        Tag: {type: string}");
    assert_eq!(
        changes(BASE, &camel),
        one(
            Class::Internal,
            "field-wire-name-changed",
            "models::Pet::tag"
        )
    );
}

#[test]
fn enum_values_added_are_additive_and_removed_ones_breaking() {
    let more = with("enum: [cat, dog]", "enum: [cat, dog, bird]");
    assert_eq!(
        changes(BASE, &more),
        one(Class::Additive, "variant-added", "models::Kind::Bird")
    );
    assert_eq!(
        changes(&more, BASE),
        one(Class::Breaking, "variant-removed", "models::Kind::Bird")
    );
}

#[test]
fn reordered_enum_values_are_internal() {
    let reordered = with("enum: [cat, dog]", "enum: [dog, cat]");
    assert_eq!(
        changes(BASE, &reordered),
        one(Class::Internal, "variant-order-changed", "models::Kind")
    );
    // A value added in the middle keeps the order of the others.
    let middle = with("enum: [cat, dog]", "enum: [cat, cow, dog]");
    assert_eq!(
        changes(BASE, &middle),
        one(Class::Additive, "variant-added", "models::Kind::Cow")
    );
}

#[test]
fn union_alternatives() {
    let more = with(
        "        - {type: string}\n",
        "        - {type: string}\n        - {type: array, items: {type: string}}\n",
    );
    let got = changes(BASE, &more);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].0, got[0].1),
        (Class::Additive, "union-variant-added")
    );
    let got = changes(&more, BASE);
    assert_eq!(
        (got[0].0, got[0].1),
        (Class::Breaking, "union-variant-removed")
    );
}

#[test]
fn types_added_removed_and_changed_in_kind() {
    let extra = with(
        "        owner: {$ref: '#/components/schemas/Owner'}\n",
        "        owner: {$ref: '#/components/schemas/Owner'}\n        toy: {$ref: '#/components/schemas/Toy'}\n",
    ) + "    Toy:\n      type: object\n      properties:\n        id: {type: string}\n";
    assert_eq!(
        changes(BASE, &extra),
        vec![
            (
                Class::Additive,
                "optional-field-added",
                "models::Pet::toy".into()
            ),
            (Class::Additive, "type-added", "models::Toy".into()),
        ]
    );
    let got = changes(&extra, BASE);
    assert!(
        got.contains(&(Class::Breaking, "type-removed", "models::Toy".into())),
        "{got:#?}"
    );
    let kind = extra.replace(
        "    Toy:\n      type: object\n      properties:\n        id: {type: string}\n",
        "    Toy:\n      type: string\n      enum: [ball]\n",
    );
    assert_eq!(
        changes(&extra, &kind),
        one(Class::Breaking, "type-kind-changed", "models::Toy")
    );
}

#[test]
fn operations_added_removed_and_moved() {
    let extra = with(
        "  /pets/{pet_id}:\n",
        "  /pets/{pet_id}/toys:\n    get:\n      operationId: listToys\n      parameters:\n        - {name: pet_id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: none}\n  /pets/{pet_id}:\n",
    );
    let got = changes(BASE, &extra);
    assert!(
        got.contains(&(
            Class::Additive,
            "operation-added",
            "client.pets().toys().get".into()
        )),
        "{got:#?}"
    );
    assert!(
        got.contains(&(
            Class::Additive,
            "resource-added",
            "client.pets().toys()".into()
        )),
        "{got:#?}"
    );
    assert!(got.iter().all(|c| c.0 == Class::Additive), "{got:#?}");
    let got = changes(&extra, BASE);
    assert!(
        got.contains(&(
            Class::Breaking,
            "operation-removed",
            "client.pets().toys().get".into()
        )),
        "{got:#?}"
    );
    // The same operationId at another path is one move.
    let moved = extra.replace("/pets/{pet_id}/toys:", "/pets/{pet_id}/playthings:");
    let got = changes(&extra, &moved);
    assert!(
        got.contains(&(
            Class::Breaking,
            "operation-moved",
            "client.pets().playthings().get".into()
        )),
        "{got:#?}"
    );
    assert!(
        !got.iter()
            .any(|c| c.1 == "operation-removed" || c.1 == "operation-added"),
        "{got:#?}"
    );
}

#[test]
fn parameters_optional_added_is_additive_required_breaking() {
    let optional = with(
        "        - {name: limit, in: query, schema: {type: integer}}\n",
        "        - {name: limit, in: query, schema: {type: integer}}\n        - {name: sort, in: query, schema: {type: string}}\n",
    );
    assert_eq!(
        changes(BASE, &optional),
        one(
            Class::Additive,
            "optional-param-added",
            "params::PetsListParams::sort"
        )
    );
    let required = with(
        "        - {name: limit, in: query, schema: {type: integer}}",
        "        - {name: limit, in: query, required: true, schema: {type: integer}}",
    );
    assert_eq!(
        changes(BASE, &required),
        one(
            Class::Breaking,
            "param-now-required",
            "params::PetsListParams::limit"
        )
    );
    let typed = with(
        "        - {name: limit, in: query, schema: {type: integer}}",
        "        - {name: limit, in: query, schema: {type: string}}",
    );
    assert_eq!(
        changes(BASE, &typed),
        one(
            Class::Breaking,
            "param-type-changed",
            "params::PetsListParams::limit"
        )
    );
}

#[test]
fn the_first_query_parameter_adds_an_argument() {
    let first = with(
        "        - {name: pet_id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: pet_id, in: path, required: true, schema: {type: string}}\n        - {name: fields, in: query, schema: {type: string}}\n",
    );
    let r = report(BASE, &first);
    let c = r
        .changes
        .iter()
        .find(|c| c.kind == "params-argument-added")
        .unwrap_or_else(|| panic!("{:#?}", r.changes));
    assert_eq!(
        (c.class, c.item.as_str()),
        (Class::Breaking, "client.pets().get")
    );
    assert_eq!(
        c.before.as_deref(),
        Some("fn get(&str) -> Request<Pet, Value>")
    );
    assert_eq!(
        c.after.as_deref(),
        Some("fn get(&str, PetsGetParams) -> Request<Pet, Value>")
    );
}

#[test]
fn response_and_body_types() {
    let response = with(
        "            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}",
        "            application/json:\n              schema: {type: array, items: {type: string}}",
    );
    assert_eq!(
        changes(BASE, &response),
        one(Class::Breaking, "response-changed", "client.pets().list")
    );
    let body = with(
        "        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pet'}",
        "        required: false\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pet'}",
    );
    assert_eq!(
        changes(BASE, &body),
        one(
            Class::Breaking,
            "body-argument-changed",
            "client.pets().create"
        )
    );
}

#[test]
fn http_details_under_the_same_call_are_internal() {
    let path = BASE
        .replace("/pets/{pet_id}:", "/pets/{id}:")
        .replace("name: pet_id", "name: id");
    let got = changes(BASE, &path);
    assert!(
        got.contains(&(
            Class::Internal,
            "http-request-changed",
            "client.pets().get".into()
        )),
        "{got:#?}"
    );
    assert!(
        got.contains(&(
            Class::Internal,
            "path-parameters-renamed",
            "client.pets().get".into()
        )),
        "{got:#?}"
    );
    assert!(got.iter().all(|c| c.0 == Class::Internal), "{got:#?}");
}

#[test]
fn a_type_renamed_in_place_is_reported_once() {
    let renamed = BASE
        .replace("    Kind:\n", "    Species:\n")
        .replace("schemas/Kind'", "schemas/Species'");
    // Another pointer, the only type of that shape: renamed, not every use
    // changed.
    assert_eq!(
        changes(BASE, &renamed),
        one(Class::Breaking, "type-renamed", "models::Kind")
    );
    // Two candidates of the same shape: a removal and an addition.
    let twice = renamed.replace(
        "    Person:\n      type: object\n      properties:\n",
        "    Breed:\n      type: string\n      enum: [cat, dog]\n    Person:\n      type: object\n      properties:\n        breed: {$ref: '#/components/schemas/Breed'}\n",
    );
    let got = changes(BASE, &twice);
    assert!(
        got.contains(&(Class::Breaking, "type-removed", "models::Kind".into())),
        "{got:#?}"
    );
    assert!(
        got.contains(&(
            Class::Breaking,
            "field-type-changed",
            "models::Pet::kind".into()
        )),
        "{got:#?}"
    );
    // The same pointer under another name (as when an inline name changes).
    let mut old = api(BASE);
    let new = api(BASE);
    let kind = old
        .types
        .iter_mut()
        .find(|t| t.name == "Kind")
        .expect("Kind");
    kind.name = "Sort".into();
    let r = compare(&old, &new);
    let got: Vec<_> = r
        .changes
        .iter()
        .map(|c| (c.class, c.kind, c.item.as_str()))
        .collect();
    // Named as downstream code knows it: by its previous name.
    assert_eq!(got, vec![(Class::Breaking, "type-renamed", "models::Sort")]);
    assert_eq!(r.changes[0].before.as_deref(), Some("Sort"));
    assert_eq!(r.changes[0].after.as_deref(), Some("Kind"));
}

#[test]
fn a_rename_that_keeps_the_old_name_as_an_alias_is_additive() {
    let mut old = api(BASE);
    let mut new = api(BASE);
    fn kind(api: &mut Api) -> &mut crate::ir::TypeDef {
        api.types
            .iter_mut()
            .find(|t| t.name == "Kind")
            .expect("Kind")
    }
    kind(&mut old).name = "Sort".into();
    kind(&mut new).aliases = vec!["Sort".into()];
    let r = compare(&old, &new);
    let got: Vec<_> = r
        .changes
        .iter()
        .map(|c| (c.class, c.kind, c.item.as_str()))
        .collect();
    assert_eq!(got, vec![(Class::Additive, "type-aliased", "models::Sort")]);
    assert!(r.changes[0].message.contains("kept as an alias"));
    // Dropping the alias again breaks code naming it; adding one does not.
    let (mut before, mut after) = (api(BASE), api(BASE));
    kind(&mut before).aliases = vec!["Sort".into()];
    kind(&mut after).aliases = vec!["Order".into()];
    let got: Vec<_> = compare(&before, &after)
        .changes
        .iter()
        .map(|c| (c.class, c.kind, c.item.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Class::Breaking, "alias-removed", "models::Sort".to_owned()),
            (Class::Additive, "alias-added", "models::Kind".to_owned()),
        ]
    );
}

#[test]
fn deprecations_are_additive() {
    let deprecated = with(
        "      operationId: getPet\n",
        "      operationId: getPet\n      deprecated: true\n",
    );
    assert_eq!(
        changes(BASE, &deprecated),
        one(Class::Additive, "operation-deprecated", "client.pets().get")
    );
}

#[test]
fn reports_sort_breaking_first_and_summaries_describe_each_side() {
    let mixed = with("enum: [cat, dog]", "enum: [cat, bird]");
    let r = report(BASE, &mixed);
    let classes: Vec<Class> = r.changes.iter().map(|c| c.class).collect();
    assert_eq!(classes, vec![Class::Breaking, Class::Additive]);
    assert_eq!(r.highest(), Some(Class::Breaking));
    assert!(r.is_breaking());
    assert_eq!(r.current.operations, 3);
    assert_eq!(r.current.files[0].path, "pets.yaml");
    assert_ne!(r.previous.files[0].sha256, r.current.files[0].sha256);
}

#[test]
fn renderings_carry_every_change() {
    let mixed = with("enum: [cat, dog]", "enum: [cat, bird]");
    let r = report(BASE, &mixed);
    let v = propose_version(&r, true).unwrap();
    let text = render(&r, Some(&v), "HEAD", Format::Text);
    assert!(
        text.starts_with("API changes against HEAD: 1 breaking, 1 additive, 0 internal\n"),
        "{text}"
    );
    assert!(
        text.contains("breaking  models::Kind::Dog: variant `Dog` (`dog`) removed"),
        "{text}"
    );
    assert!(
        text.contains(
            "version: 0.1.0 -> 0.2.0 (breaking changes bump the minor version before 1.0)"
        ),
        "{text}"
    );
    let md = render(&r, Some(&v), "HEAD", Format::Markdown);
    assert!(md.contains("**1 breaking**"), "{md}");
    assert!(
        md.contains("### Breaking changes\n\n- `models::Kind::Dog`"),
        "{md}"
    );
    assert!(
        md.contains("### Additions\n\n- `models::Kind::Bird`"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render(&r, Some(&v), "HEAD", Format::Json)).unwrap();
    assert_eq!(json["counts"]["breaking"], 1);
    assert_eq!(json["version"]["proposed"], "0.2.0");
    assert_eq!(json["changes"][0]["kind"], "variant-removed");
    assert_eq!(json["changes"][0]["pointer"], "#/components/schemas/Kind");
}

#[test]
fn changelog_entries_go_on_top_and_replace_their_own_version() {
    let r = report(BASE, &with("enum: [cat, dog]", "enum: [cat, dog, bird]"));
    let first = update_changelog(None, "0.1.1", &r);
    assert!(first.starts_with("# Changelog\n"), "{first}");
    assert!(
        first.contains("## 0.1.1\n\nGenerated from Pets 1.0 (3 operations; `pets.yaml` sha256 `"),
        "{first}"
    );
    assert!(
        first.contains("### Additions\n\n- `models::Kind::Bird`"),
        "{first}"
    );
    assert_eq!(
        update_changelog(Some(&first), "0.1.1", &r),
        first,
        "idempotent"
    );
    let r2 = report(BASE, &with("enum: [cat, dog]", "enum: [cat]"));
    let second = update_changelog(Some(&first), "0.2.0", &r2);
    let (newer, older) = (
        second.find("## 0.2.0").unwrap(),
        second.find("## 0.1.1").unwrap(),
    );
    assert!(newer < older, "{second}");
    assert!(second.starts_with("# Changelog\n"), "{second}");
    // Hand-written text around the entries survives.
    let edited = second.replace("## 0.1.1\n", "## 0.1.1\n\nHand-written note.\n");
    let again = update_changelog(Some(&edited), "0.2.0", &r2);
    assert!(again.contains("Hand-written note."), "{again}");
    assert_eq!(again.matches("## 0.2.0").count(), 1, "{again}");
}

fn api_with(yaml: &str, config: &str) -> Api {
    let doc = crate::load::load_bytes(Path::new("pets.yaml"), yaml.as_bytes()).unwrap();
    let config = Config::from_yaml(config, Path::new("generator.yaml")).unwrap();
    crate::ir::build(&doc, &config)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .0
}

fn config_changes(old: &str, new: &str, yaml: &str) -> Vec<(Class, &'static str, String)> {
    compare(&api_with(yaml, old), &api_with(yaml, new))
        .changes
        .into_iter()
        .map(|c| (c.class, c.kind, c.item))
        .collect()
}

#[test]
fn crate_names_and_client_defaults() {
    let got = config_changes("crate: {name: pets}\n", "crate: {name: pet-store}\n", BASE);
    assert_eq!(
        got,
        vec![
            (Class::Breaking, "library-renamed", "crate pet-store".into()),
            (Class::Breaking, "package-renamed", "crate pet-store".into()),
        ]
    );
    let got = config_changes(
        "client: {max_retries: 2}\n",
        "client: {max_retries: 5}\n",
        BASE,
    );
    assert_eq!(
        got,
        one(Class::Internal, "client-default-changed", "Client")
    );
    // The crate's own version is not an API change.
    assert_eq!(
        config_changes(
            "crate: {version: 0.1.0}\n",
            "crate: {version: 0.2.0}\n",
            BASE
        ),
        vec![]
    );
}

#[test]
fn cargo_features() {
    let gated = "features: {per_resource: true}\n";
    let got = config_changes("", gated, BASE);
    assert_eq!(
        got,
        one(Class::Additive, "features-introduced", "cargo features")
    );
    assert_eq!(
        config_changes(gated, "", BASE),
        one(Class::Breaking, "features-removed", "cargo features")
    );
    let opt_in = "features: {per_resource: true, default_full: false}\n";
    assert_eq!(
        config_changes(gated, opt_in, BASE),
        one(
            Class::Breaking,
            "default-features-changed",
            "feature `full`"
        )
    );
    let extra = with(
        "  /pets/{pet_id}:\n",
        "  /toys:\n    get:\n      operationId: listToys\n      responses:\n        '204': {description: none}\n  /pets/{pet_id}:\n",
    );
    let got = compare(&api_with(BASE, gated), &api_with(&extra, gated));
    let feature = got
        .changes
        .iter()
        .find(|c| c.kind == "feature-added")
        .expect("feature added");
    assert_eq!(feature.item, "feature `toys`");
    assert_eq!(feature.pointer.as_deref(), Some("#/paths/~1toys/get"));
    let got = compare(&api_with(&extra, gated), &api_with(BASE, gated));
    assert!(
        got.changes
            .iter()
            .any(|c| (c.class, c.kind) == (Class::Breaking, "feature-removed"))
    );
}

#[test]
fn credential_kinds() {
    let secured = with("components:\n", "security: [{token: []}]\ncomponents:\n  securitySchemes:\n    token: {type: http, scheme: bearer}\n    key: {type: apiKey, in: header, name: X-Key}\n")
        .replacen("components:\n  schemas:", "  schemas:", 1);
    let one_kind = "auth:\n  credentials:\n    - {name: Token, schemes: [token]}\n";
    let two_kinds = "auth:\n  credentials:\n    - {name: Token, schemes: [token]}\n    - {name: Key, schemes: [key]}\n";
    let got = config_changes(one_kind, two_kinds, &secured);
    assert_eq!(
        got,
        one(Class::Additive, "credential-added", "Credentials::Key")
    );
    assert_eq!(
        config_changes(two_kinds, one_kind, &secured),
        one(Class::Breaking, "credential-removed", "Credentials::Key")
    );
    let both = "auth:\n  credentials:\n    - {name: Token, schemes: [token, key]}\n";
    let got = config_changes(one_kind, both, &secured);
    assert!(
        got.contains(&(
            Class::Breaking,
            "credential-changed",
            "Credentials::Token".into()
        )),
        "{got:#?}"
    );
    let env = "auth:\n  schemes:\n    token: {env: PET_TOKEN}\n  credentials:\n    - {name: Token, schemes: [token]}\n";
    assert_eq!(
        config_changes(one_kind, env, &secured),
        one(
            Class::Internal,
            "credential-environment-changed",
            "Credentials::Token"
        )
    );
}
