//! Operations (methods on the resource tree), their arguments, params
//! builders, bodies and responses, and the resource tree itself.

use std::collections::{BTreeMap, BTreeSet};

use super::models::{compare_default, compare_feature};
use super::rust::Side;
use super::{Changes, Class, deprecation};
use crate::diagnostics::child;
use crate::ir::{Body, Operation, Pagination, Param, ParamsStruct, Style};

/// Compares the operations and resources of both sides.
pub fn compare(old: &Side<'_>, new: &Side<'_>, out: &mut Changes) {
    compare_resources(old, new, out);
    let previous: BTreeMap<String, &Operation> = old
        .api
        .operations
        .iter()
        .map(|o| (old.call(o), o))
        .collect();
    let current: BTreeMap<String, &Operation> = new
        .api
        .operations
        .iter()
        .map(|o| (new.call(o), o))
        .collect();
    // The same operationId under another call: one move, not a removal
    // and an addition.
    let moved: BTreeMap<&str, (&str, &Operation)> = previous
        .iter()
        .filter(|(call, _)| !current.contains_key(*call))
        .filter_map(|(call, op)| {
            let (new_call, _) = current
                .iter()
                .find(|(c, o)| o.id == op.id && !previous.contains_key(*c))?;
            Some((new_call.as_str(), (call.as_str(), *op)))
        })
        .collect();
    for (call, before) in &previous {
        if current.contains_key(call) || moved.values().any(|(c, _)| c == call) {
            continue;
        }
        out.previous(
            Class::Breaking,
            "operation-removed",
            call,
            format!("method removed (`{} {}`)", before.method, before.path),
            &before.pointer,
        )
        .before = Some(old.signature(before));
    }
    for (call, after) in &current {
        if let Some(before) = previous.get(call) {
            compare_operation(old, new, before, after, call, out);
            compare_feature(
                old,
                new,
                before.feature,
                after.feature,
                call,
                &after.pointer,
                out,
            );
        } else if let Some((old_call, before)) = moved.get(call.as_str()) {
            out.current(
                Class::Breaking,
                "operation-moved",
                call,
                format!(
                    "operation `{}` moved from `{old_call}` to `{call}`",
                    after.id
                ),
                &after.pointer,
            )
            .types(*old_call, call.as_str());
            compare_operation(old, new, before, after, call, out);
        } else {
            out.current(
                Class::Additive,
                "operation-added",
                call,
                format!("method added (`{} {}`)", after.method, after.path),
                &after.pointer,
            )
            .after = Some(new.signature(after));
        }
    }
}

/// Resource structs and their accessors (`client.accounts().members()`).
fn compare_resources(old: &Side<'_>, new: &Side<'_>, out: &mut Changes) {
    let calls = |side: &Side<'_>| -> BTreeMap<String, usize> {
        (1..side.api.resources.len())
            .map(|r| (side.resource_call(r), r))
            .collect()
    };
    let (previous, current) = (calls(old), calls(new));
    let first_pointer = |side: &Side<'_>, r: usize| {
        first_operation(side, r)
            .map(|o| o.pointer.clone())
            .unwrap_or_default()
    };
    for (call, r) in &previous {
        if !current.contains_key(call) {
            let name = &old.api.resources[*r].name;
            out.previous(
                Class::Breaking,
                "resource-removed",
                call,
                format!("accessor and `resources::{name}` removed"),
                &first_pointer(old, *r),
            );
        }
    }
    for (call, r) in &current {
        match previous.get(call) {
            None => {
                let name = &new.api.resources[*r].name;
                out.current(
                    Class::Additive,
                    "resource-added",
                    call,
                    format!("accessor and `resources::{name}` added"),
                    &first_pointer(new, *r),
                );
            }
            Some(b) => {
                let (before, after) = (&old.api.resources[*b].name, &new.api.resources[*r].name);
                if before != after {
                    out.current(
                        Class::Breaking,
                        "resource-renamed",
                        call,
                        format!("returns `resources::{after}` instead of `resources::{before}`"),
                        &first_pointer(new, *r),
                    )
                    .types(before, after);
                }
                let at = first_pointer(new, *r);
                let (fb, fa) = (old.api.resources[*b].feature, new.api.resources[*r].feature);
                compare_feature(old, new, fb, fa, call, &at, out);
            }
        }
    }
}

/// The first operation at or below a resource, to point at.
fn first_operation<'a>(side: &Side<'a>, resource: usize) -> Option<&'a Operation> {
    let api = side.api;
    let mut stack = vec![resource];
    let mut best: Option<usize> = None;
    while let Some(r) = stack.pop() {
        best = api.resources[r]
            .operations
            .iter()
            .copied()
            .chain(best)
            .min();
        stack.extend(&api.resources[r].children);
    }
    best.map(|i| &api.operations[i])
}

fn compare_operation(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Operation,
    after: &Operation,
    call: &str,
    out: &mut Changes,
) {
    let at = after.pointer.as_str();
    compare_signature(old, new, before, after, call, out);
    if let (Some(b), Some(a)) = (&before.params, &after.params) {
        compare_params(old, new, (before, b), (after, a), out);
    }
    deprecation(
        out,
        (before.docs.deprecated, after.docs.deprecated),
        call,
        "method",
        at,
        ("operation-deprecated", "operation-undeprecated"),
    );
    compare_wire(old, new, before, after, call, out);
}

/// Argument and return types of the method.
fn compare_signature(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Operation,
    after: &Operation,
    call: &str,
    out: &mut Changes,
) {
    let at = after.pointer.as_str();
    let path_types = |side: &Side<'_>, op: &Operation| -> Vec<String> {
        let n = op.path_params.len();
        side.arguments(op).into_iter().take(n).collect()
    };
    let (pb, pa) = (path_types(old, before), path_types(new, after));
    if pb != pa {
        out.current(
            Class::Breaking,
            "path-parameters-changed",
            call,
            format!(
                "path arguments changed from `({})` to `({})`",
                pb.join(", "),
                pa.join(", ")
            ),
            &child(at, "parameters"),
        )
        .types(old.signature(before), new.signature(after));
    } else {
        let names = |op: &Operation| -> Vec<String> {
            op.path_params.iter().map(|p| p.name.clone()).collect()
        };
        if names(before) != names(after) {
            out.current(
                Class::Internal,
                "path-parameters-renamed",
                call,
                format!(
                    "path arguments renamed from `({})` to `({})`",
                    names(before).join(", "),
                    names(after).join(", ")
                ),
                &child(at, "parameters"),
            );
        }
    }
    match (&before.params, &after.params) {
        (None, Some(p)) => {
            out.current(
                Class::Breaking,
                "params-argument-added",
                call,
                format!(
                    "takes a new `params: {}` argument{}",
                    p.name,
                    if p.has_body {
                        ", which also carries the body"
                    } else {
                        ""
                    }
                ),
                &child(at, "parameters"),
            )
            .types(old.signature(before), new.signature(after));
        }
        (Some(p), None) => {
            out.current(
                Class::Breaking,
                "params-argument-removed",
                call,
                format!("no longer takes `params: {}`", p.name),
                &child(at, "parameters"),
            )
            .types(old.signature(before), new.signature(after));
        }
        (Some(b), Some(a)) if b.name != a.name => {
            out.current(
                Class::Breaking,
                "params-renamed",
                call,
                format!("takes `params::{}` instead of `params::{}`", a.name, b.name),
                &child(at, "parameters"),
            )
            .types(&b.name, &a.name);
        }
        (None, None) => compare_body_argument(old, new, before, after, call, out),
        _ => {}
    }
    let (rb, ra) = (old.returns(before), new.returns(after));
    if rb != ra {
        out.current(
            Class::Breaking,
            "response-changed",
            call,
            format!("returns `{ra}` instead of `{rb}`"),
            &child(at, "responses"),
        )
        .types(rb, ra);
    }
}

/// A body passed as its own argument (operations without a params struct).
fn compare_body_argument(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Operation,
    after: &Operation,
    call: &str,
    out: &mut Changes,
) {
    let arg = |side: &Side<'_>, b: &Body| {
        let t = side.body(b);
        if b.required {
            t
        } else {
            format!("Option<{t}>")
        }
    };
    let at = child(&after.pointer, "requestBody");
    let (kind, message) = match (&before.body, &after.body) {
        (None, Some(b)) => (
            "body-argument-added",
            format!("takes a new `body: {}` argument", arg(new, b)),
        ),
        (Some(b), None) => (
            "body-argument-removed",
            format!("no longer takes `body: {}`", arg(old, b)),
        ),
        (Some(b), Some(a)) if arg(old, b) != arg(new, a) => (
            "body-argument-changed",
            format!(
                "takes `body: {}` instead of `body: {}`",
                arg(new, a),
                arg(old, b)
            ),
        ),
        _ => return,
    };
    out.current(Class::Breaking, kind, call, message, &at)
        .types(old.signature(before), new.signature(after));
}

/// The params struct: its fields, constructor and the body it carries.
fn compare_params(
    old: &Side<'_>,
    new: &Side<'_>,
    (op_b, before): (&Operation, &ParamsStruct),
    (op_a, after): (&Operation, &ParamsStruct),
    out: &mut Changes,
) {
    let item = format!("params::{}", after.name);
    let previous: BTreeMap<&str, &Param> =
        before.fields.iter().map(|p| (p.name.as_str(), p)).collect();
    let current: BTreeMap<&str, &Param> =
        after.fields.iter().map(|p| (p.name.as_str(), p)).collect();
    let declared = |side: &Side<'_>, p: &Param| side.wrapped(&p.ty, false, !p.required);
    for p in &before.fields {
        let field_item = format!("{item}::{}", p.name);
        match current.get(p.name.as_str()) {
            None => {
                out.previous(
                    Class::Breaking,
                    "param-removed",
                    field_item,
                    format!("{} `{}` removed", location(p), p.wire),
                    &p.pointer,
                );
            }
            Some(a) => compare_param(old, new, p, a, &field_item, out),
        }
    }
    for p in after
        .fields
        .iter()
        .filter(|p| !previous.contains_key(p.name.as_str()))
    {
        let field_item = format!("{item}::{}", p.name);
        if p.required {
            out.current(
                Class::Breaking,
                "required-param-added",
                field_item,
                format!(
                    "required {} `{}` added: `new(..)` takes `{}: {}`",
                    location(p),
                    p.wire,
                    p.name,
                    new.ty(&p.ty)
                ),
                &p.pointer,
            );
        } else {
            out.current(
                Class::Additive,
                "optional-param-added",
                field_item,
                format!(
                    "optional {} `{}` added: field `{}: {}`, setter `{}(..)`",
                    location(p),
                    p.wire,
                    p.name,
                    declared(new, p),
                    p.setter
                ),
                &p.pointer,
            );
        }
    }
    let body = |side: &Side<'_>, op: &Operation, p: &ParamsStruct| {
        op.body
            .as_ref()
            .filter(|_| p.has_body)
            .map(|b| (side.body(b), b.required))
    };
    let (bb, ba) = (body(old, op_b, before), body(new, op_a, after));
    compare_params_body(
        bb.clone(),
        ba.clone(),
        &item,
        &child(&op_a.pointer, "requestBody"),
        out,
    );
    let args = |side: &Side<'_>, p: &ParamsStruct, body: &Option<(String, bool)>| -> Vec<String> {
        let mut args: Vec<String> = p
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| format!("{}: {}", f.name, side.ty(&f.ty)))
            .collect();
        if let Some((t, true)) = body {
            args.push(format!("body: {t}"));
        }
        args
    };
    let (ab, aa) = (args(old, before, &bb), args(new, after, &ba));
    let kept_b: Vec<&String> = ab.iter().filter(|x| aa.contains(x)).collect();
    let kept_a: Vec<&String> = aa.iter().filter(|x| ab.contains(x)).collect();
    let at = child(&op_a.pointer, "parameters");
    if kept_b != kept_a {
        out.current(
            Class::Breaking,
            "constructor-order-changed",
            format!("{item}::new"),
            "takes its required values in another order",
            &at,
        )
        .types(
            format!("new({})", ab.join(", ")),
            format!("new({})", aa.join(", ")),
        );
    }
    compare_default(ab.is_empty(), aa.is_empty(), &item, &at, out);
}

/// The `body` field of a params struct.
fn compare_params_body(
    before: Option<(String, bool)>,
    after: Option<(String, bool)>,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    let item = format!("{item}::body");
    let declared = |(t, required): &(String, bool)| {
        if *required {
            t.clone()
        } else {
            format!("Option<{t}>")
        }
    };
    match (&before, &after) {
        (None, Some(a)) if a.1 => {
            out.current(
                Class::Breaking,
                "required-body-added",
                item,
                format!("required body `{}` added: `new(..)` takes it", a.0),
                at,
            );
        }
        (None, Some(a)) => {
            out.current(
                Class::Additive,
                "optional-body-added",
                item,
                format!("optional body `{}` added, with setter `body(..)`", a.0),
                at,
            );
        }
        (Some(b), None) => {
            out.previous(
                Class::Breaking,
                "body-removed",
                item,
                format!("body `{}` removed", declared(b)),
                at,
            );
        }
        (Some(b), Some(a)) if declared(b) != declared(a) => {
            out.current(
                Class::Breaking,
                "body-changed",
                item,
                format!("body is `{}` instead of `{}`", declared(a), declared(b)),
                at,
            )
            .types(declared(b), declared(a));
        }
        _ => {}
    }
}

fn location(p: &Param) -> &'static str {
    match p.location {
        crate::ir::Location::Path => "path parameter",
        crate::ir::Location::Query => "query parameter",
        crate::ir::Location::Header => "header",
        crate::ir::Location::Cookie => "cookie",
    }
}

fn compare_param(
    old: &Side<'_>,
    new: &Side<'_>,
    b: &Param,
    a: &Param,
    item: &str,
    out: &mut Changes,
) {
    let at = a.pointer.as_str();
    let declared = |side: &Side<'_>, p: &Param| side.wrapped(&p.ty, false, !p.required);
    let (tb, ta) = (declared(old, b), declared(new, a));
    if tb != ta {
        let same_inner = old.ty(&b.ty) == new.ty(&a.ty);
        let (kind, message) = match (b.required, a.required) {
            (false, true) if same_inner => (
                "param-now-required",
                format!(
                    "now required: `new(..)` takes `{}: {}`, the field is `{ta}` and the setter `{}(..)` is gone",
                    a.name,
                    new.ty(&a.ty),
                    b.setter
                ),
            ),
            (true, false) if same_inner => (
                "param-now-optional",
                format!(
                    "now optional: `new(..)` no longer takes it, the field is `{ta}` and the setter `{}(..)` sets it",
                    a.setter
                ),
            ),
            _ => (
                "param-type-changed",
                format!("type changed from `{tb}` to `{ta}`"),
            ),
        };
        out.current(Class::Breaking, kind, item, message, at)
            .types(tb, ta);
    }
    if (b.wire.as_str(), b.location) != (a.wire.as_str(), a.location) {
        out.current(
            Class::Internal,
            "param-wire-name-changed",
            item,
            format!(
                "sent as {} `{}` instead of {} `{}`",
                location(a),
                a.wire,
                location(b),
                b.wire
            ),
            at,
        );
    } else if (b.style, b.explode) != (a.style, a.explode) {
        out.current(
            Class::Internal,
            "param-encoding-changed",
            item,
            format!(
                "encoded with style `{}`{} instead of `{}`{}",
                style(a.style),
                if a.explode { ", exploded" } else { "" },
                style(b.style),
                if b.explode { ", exploded" } else { "" }
            ),
            at,
        );
    }
    deprecation(
        out,
        (b.docs.deprecated, a.docs.deprecated),
        item,
        "parameter",
        at,
        ("param-deprecated", "param-undeprecated"),
    );
}

fn style(s: Style) -> &'static str {
    match s {
        Style::Form => "form",
        Style::Simple => "simple",
        Style::SpaceDelimited => "spaceDelimited",
        Style::PipeDelimited => "pipeDelimited",
        Style::DeepObject => "deepObject",
        Style::Label => "label",
        Style::Matrix => "matrix",
    }
}

/// What goes over the wire for an unchanged Rust call: the HTTP method and
/// path, the media types, pagination and the credentials sent.
fn compare_wire(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Operation,
    after: &Operation,
    call: &str,
    out: &mut Changes,
) {
    let at = after.pointer.as_str();
    if (before.method.as_str(), before.path.as_str())
        != (after.method.as_str(), after.path.as_str())
    {
        out.current(
            Class::Internal,
            "http-request-changed",
            call,
            format!(
                "sends `{} {}` instead of `{} {}`",
                after.method, after.path, before.method, before.path
            ),
            at,
        )
        .types(
            format!("{} {}", before.method, before.path),
            format!("{} {}", after.method, after.path),
        );
    }
    if before.id != after.id && before.path == after.path {
        out.current(
            Class::Internal,
            "operation-id-changed",
            call,
            format!("operationId `{}` instead of `{}`", after.id, before.id),
            at,
        );
    }
    let media = |op: &Operation| op.body.as_ref().map(|b| format!("{:?}", b.media));
    if media(before).is_some() && media(after).is_some() && media(before) != media(after) {
        out.current(
            Class::Internal,
            "body-media-changed",
            call,
            format!(
                "sends its body as {} instead of {}",
                media_name(after.body.as_ref()),
                media_name(before.body.as_ref())
            ),
            &child(at, "requestBody"),
        );
    }
    if (before.response.kind, &before.response.accept)
        != (after.response.kind, &after.response.accept)
    {
        out.current(
            Class::Internal,
            "response-decoding-changed",
            call,
            format!(
                "decodes the response as {} (`Accept: {}`) instead of {} (`Accept: {}`)",
                kind_name(after),
                after.response.accept,
                kind_name(before),
                before.response.accept
            ),
            &child(at, "responses"),
        );
    }
    if before.pagination != after.pagination {
        out.current(
            Class::Internal,
            "pagination-changed",
            call,
            format!(
                "`.pages()` and `.items()` follow {} instead of {}",
                pagination(&after.pagination),
                pagination(&before.pagination)
            ),
            at,
        );
    }
    let kinds = |side: &Side<'_>, op: &Operation| -> Option<BTreeSet<String>> {
        op.security.as_ref().map(|ks| {
            ks.iter()
                .map(|k| side.api.auth.credentials[*k].variant.clone())
                .collect()
        })
    };
    let (sb, sa) = (kinds(old, before), kinds(new, after));
    if sb != sa {
        let describe = |s: &Option<BTreeSet<String>>| match s {
            None => "none (sent without credentials)".to_owned(),
            Some(s) if s.is_empty() => "any credentials".to_owned(),
            Some(s) => s
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or "),
        };
        out.current(
            Class::Internal,
            "security-changed",
            call,
            format!("accepts {} instead of {}", describe(&sa), describe(&sb)),
            at,
        );
    }
}

fn media_name(body: Option<&Body>) -> String {
    use crate::ir::BodyMedia;
    match body.map(|b| &b.media) {
        Some(BodyMedia::Json(ct)) | Some(BodyMedia::Text(ct)) | Some(BodyMedia::Binary(ct)) => {
            format!("`{ct}`")
        }
        Some(BodyMedia::Form) => "`application/x-www-form-urlencoded`".into(),
        Some(BodyMedia::Multipart) => "`multipart/form-data`".into(),
        None => "nothing".into(),
    }
}

fn kind_name(op: &Operation) -> &'static str {
    use crate::ir::ResponseKind;
    match op.response.kind {
        ResponseKind::Envelope => "an envelope",
        ResponseKind::Json => "JSON",
        ResponseKind::Text => "text",
        ResponseKind::Bytes => "bytes",
        ResponseKind::Empty => "nothing",
    }
}

fn pagination(p: &Option<Pagination>) -> String {
    match p {
        None => "a single page".into(),
        Some(Pagination::PageNumber { page_param, .. }) => format!("page numbers (`{page_param}`)"),
        Some(Pagination::Cursor { param, .. }) => format!("cursors (`{param}`)"),
        Some(Pagination::PageToken { param, .. }) => format!("page tokens (`{param}`)"),
    }
}
