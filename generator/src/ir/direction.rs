//! Request and response forms of types.
//!
//! A property marked `readOnly` is set by the server: it is never required
//! or sent in a request. One marked `writeOnly` is sent by the client only:
//! it is never required in a response. The rule, per named type:
//!
//! - A type *differs by direction* when one of its fields is `readOnly` or
//!   `writeOnly`, or when it refers (through fields, list items, map
//!   values, union alternatives, newtypes; at any depth) to a type that
//!   does.
//! - A type that differs and is used only in requests loses its `readOnly`
//!   fields; one used only in responses has its `writeOnly` fields
//!   optional. Either way it stays one type with its own name.
//! - A type that differs and is used both ways keeps its name (and the
//!   aliases of merged use sites) for the response form, and gets a second
//!   type, the request form, named by [`derived::request_variant`]
//!   (`Organization` and `OrganizationRequest`).
//!   The request form leaves out the `readOnly` fields and refers to the
//!   request forms of the types it contains; request bodies and parameters
//!   use it.
//! - Types that do not differ are untouched, and shared by both directions.
//!
//! Names of request forms are claimed after every other type name, in
//! creation order, so they never take a name another type had and are the
//! same on every run.

use std::collections::BTreeSet;

use super::graph::{all_edges, named_in, reachable, request_roots, response_roots};
use super::names::{Namespace, derived};
use super::{Access, Operation, TypeDef, TypeId, TypeKind, TypeRef};

/// Gives every type that differs by direction its request and response
/// forms, and points the operations' requests at the request forms.
pub fn split(types: &mut Vec<TypeDef>, ops: &mut [Operation], names: &mut Namespace) {
    let differs = differing(types);
    if differs.is_empty() {
        return;
    }
    let requests = sent(types, ops.iter().flat_map(request_roots).collect());
    let responses = reachable(types, ops.iter().flat_map(response_roots).collect());
    // Request forms of the types used both ways, in creation order.
    let mut forms: Vec<Option<TypeId>> = vec![None; types.len()];
    let mut next = types.len();
    for id in &differs {
        if requests.contains(id) && responses.contains(id) {
            forms[id.0] = Some(TypeId(next));
            next += 1;
        }
    }
    let mut added = Vec::new();
    for id in &differs {
        let def = &mut types[id.0];
        let in_request = requests.contains(id);
        let in_response = responses.contains(id);
        if in_request && in_response {
            let mut form = def.clone();
            form.name = names.claim(&derived::request_variant(&def.name));
            // The aliases keep the use sites' names for the type that keeps
            // its name; declared on both forms they would clash.
            form.aliases.clear();
            form.docs.description = Some(derived::request_variant_doc(
                form.docs.description.as_deref(),
                &def.name,
            ));
            request_form(&mut form.kind, &forms);
            added.push(form);
        }
        if in_response {
            response_form(&mut def.kind);
        } else if in_request {
            request_form(&mut def.kind, &forms);
        }
    }
    types.extend(added);
    for op in ops {
        for p in &mut op.path_params {
            to_request(&mut p.ty, &forms);
        }
        for p in op.params.iter_mut().flat_map(|p| &mut p.fields) {
            to_request(&mut p.ty, &forms);
        }
        if let Some(body) = &mut op.body {
            to_request(&mut body.ty, &forms);
        }
    }
}

/// Types reachable from the given request roots through what a request
/// sends: a `readOnly` field leads nowhere.
fn sent(types: &[TypeDef], roots: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &types[id.0].kind {
            TypeKind::Struct(s) => {
                for f in s.fields.iter().filter(|f| f.access != Access::ReadOnly) {
                    named_in(&f.ty, &mut stack);
                }
                if let Some((_, ty)) = &s.additional {
                    named_in(ty, &mut stack);
                }
            }
            _ => stack.extend(all_edges(&types[id.0])),
        }
    }
    seen
}

/// Types with a `readOnly` or `writeOnly` field, and every type that can
/// reach one, in creation order.
fn differing(types: &[TypeDef]) -> BTreeSet<TypeId> {
    let mut referrers: Vec<Vec<TypeId>> = vec![Vec::new(); types.len()];
    for (i, def) in types.iter().enumerate() {
        for target in all_edges(def) {
            referrers[target.0].push(TypeId(i));
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = types
        .iter()
        .enumerate()
        .filter(|(_, def)| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.access != Access::ReadWrite),
            _ => false,
        })
        .map(|(i, _)| TypeId(i))
        .collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(referrers[id.0].iter().copied());
        }
    }
    seen
}

/// A use-site type with every named type replaced by its request form.
fn to_request(ty: &mut TypeRef, forms: &[Option<TypeId>]) {
    match ty {
        TypeRef::Named(id) => {
            if let Some(Some(form)) = forms.get(id.0) {
                *id = *form;
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => to_request(inner, forms),
        _ => {}
    }
}

/// Without `readOnly` fields, referring to request forms.
fn request_form(kind: &mut TypeKind, forms: &[Option<TypeId>]) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.retain(|f| f.access != Access::ReadOnly);
            for f in &mut s.fields {
                to_request(&mut f.ty, forms);
            }
            if let Some((_, ty)) = &mut s.additional {
                to_request(ty, forms);
            }
        }
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                to_request(&mut v.ty, forms);
            }
        }
        TypeKind::Newtype(ty) => to_request(ty, forms),
        TypeKind::Enum(_) => {}
    }
}

/// With `writeOnly` fields optional.
fn response_form(kind: &mut TypeKind) {
    if let TypeKind::Struct(s) = kind {
        for f in &mut s.fields {
            if f.access == Access::WriteOnly {
                f.required = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::ir::{Api, TypeKind, TypeRef};

    /// `POST /things` sends `body` and returns `result`; `GET /things`
    /// returns `listed`; `components` are the component schemas.
    fn api(body: &str, result: &str, listed: &str, components: &str) -> Api {
        let spec = format!(
            "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things:
    get:
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {listed}}}}}}}
    post:
      requestBody: {{content: {{application/json: {{schema: {body}}}}}}}
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {result}}}}}}}
components:
  schemas:
{components}"
        );
        let doc = crate::load::load_bytes(std::path::Path::new("spec.yaml"), spec.as_bytes())
            .expect("test spec loads");
        crate::ir::build(&doc, &Config::default())
            .expect("test spec builds")
            .0
    }

    fn schema(name: &str) -> String {
        format!("{{$ref: '#/components/schemas/{name}'}}")
    }

    /// Each struct's name with its fields as `wire` or `wire?` (optional).
    fn shapes(api: &Api) -> Vec<String> {
        let mut out: Vec<String> = api
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Struct(s) => Some(format!(
                    "{}: {}",
                    t.name,
                    s.fields
                        .iter()
                        .map(|f| {
                            let ty = match &f.ty {
                                TypeRef::Named(id) => format!(" {}", api.ty(*id).name),
                                TypeRef::Array(inner) => match &**inner {
                                    TypeRef::Named(id) => format!(" [{}]", api.ty(*id).name),
                                    _ => String::new(),
                                },
                                _ => String::new(),
                            };
                            let opt = if f.optional() { "?" } else { "" };
                            format!("{}{opt}{ty}", f.wire)
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    fn body_type(api: &Api) -> &str {
        let op = api.operations.iter().find(|o| o.method == "POST").unwrap();
        match &op.body.as_ref().unwrap().ty {
            TypeRef::Named(id) => &api.ty(*id).name,
            other => panic!("a named body, not {other:?}"),
        }
    }

    const THING: &str = "    Thing:
      type: object
      required: [id, name, meta, secret]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        meta: {allOf: [{$ref: '#/components/schemas/Meta'}], readOnly: true}
        owner: {$ref: '#/components/schemas/Owner'}
        parts: {type: array, items: {$ref: '#/components/schemas/Part'}}
        secret: {type: string, writeOnly: true}
    Meta: {type: object, properties: {a: {type: string}}}
    Owner: {type: object, readOnly: true, properties: {b: {type: string}}}
    Part:
      type: object
      required: [key, label]
      properties:
        key: {allOf: [{$ref: '#/components/schemas/Key'}]}
        label: {type: string}
    Key: {type: string, readOnly: true}
    Plain: {type: object, properties: {c: {type: string}}}
";

    #[test]
    fn a_type_used_both_ways_gets_a_request_form_and_nested_uses_follow() {
        let api = api(&schema("Thing"), &schema("Thing"), &schema("Plain"), THING);
        assert_eq!(
            shapes(&api),
            [
                // Only reached through read-only properties: one type.
                "Meta: a?",
                "Owner: b?",
                "Part: key, label",
                "PartRequest: label",
                "Plain: c?",
                // The response: every field, the write-only one optional.
                "Thing: id, name, meta Meta, owner? Owner, parts? [Part], secret?",
                // The request: no read-only field (directly, through `allOf`
                // or a referenced schema), nested types in their request
                // form, the write-only field required.
                "ThingRequest: name, parts? [PartRequest], secret",
            ]
        );
        assert_eq!(body_type(&api), "ThingRequest");
    }

    #[test]
    fn use_site_aliases_stay_with_the_response_form() {
        // Two identical inline objects merge into one type, which keeps the
        // other use site's name as an alias; used both ways, it also gets a
        // request form, which must not declare the same alias again.
        let settings =
            "{type: object, properties: {id: {type: string, readOnly: true}, x: {type: string}}}";
        let components = format!(
            "    Thing: {{type: object, properties: {{settings: {settings}}}}}
    Other: {{type: object, properties: {{settings: {settings}}}}}
"
        );
        let api = api(
            &schema("Thing"),
            &schema("Thing"),
            &schema("Other"),
            &components,
        );
        let aliased: Vec<(&str, &[String])> = api
            .types
            .iter()
            .filter(|t| !t.aliases.is_empty())
            .map(|t| (t.name.as_str(), t.aliases.as_slice()))
            .collect();
        assert_eq!(aliased.len(), 1, "{aliased:?}");
        let (name, _) = aliased[0];
        let request = format!("{name}Request");
        assert!(
            api.types.iter().any(|t| t.name == request),
            "{name} has a request form"
        );
    }

    #[test]
    fn a_type_used_one_way_stays_one_type() {
        // Only sent: the read-only fields go, the name stays.
        let only_sent = api(&schema("Thing"), &schema("Plain"), &schema("Plain"), THING);
        let names = shapes(&only_sent);
        assert!(
            names.contains(&"Thing: name, parts? [Part], secret".to_owned()),
            "{names:?}"
        );
        assert!(names.contains(&"Part: label".to_owned()), "{names:?}");
        assert_eq!(body_type(&only_sent), "Thing");
        // Only received: the write-only field is optional, nothing else
        // changes.
        let only_received = api(&schema("Plain"), &schema("Thing"), &schema("Thing"), THING);
        assert_eq!(
            shapes(&only_received),
            [
                "Meta: a?",
                "Owner: b?",
                "Part: key, label",
                "Plain: c?",
                "Thing: id, name, meta Meta, owner? Owner, parts? [Part], secret?",
            ]
        );
    }

    #[test]
    fn types_without_direction_are_shared_and_request_names_never_collide() {
        let components = format!(
            "{THING}    ThingRequest: {{type: object, properties: {{d: {{type: string}}}}}}\n"
        );
        let api = api(
            &schema("Thing"),
            &schema("Thing"),
            &schema("ThingRequest"),
            &components,
        );
        assert_eq!(body_type(&api), "ThingRequest2");
        let names = shapes(&api);
        assert!(names.contains(&"ThingRequest: d?".to_owned()), "{names:?}");
        // `Plain` is not used; `Meta` and `Owner` do not differ and stay
        // single.
        assert_eq!(
            api.types
                .iter()
                .filter(|t| t.name.starts_with("Meta"))
                .count(),
            1
        );
    }
}
