//! Operations: parameters, request bodies, responses, pagination, security.

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody,
    StatusCode,
};

use super::auth::accepted;
use super::names::{self, Namespace, derived, reserved, reserved::locals};
use super::refs;
use super::resources::{self, OpFacts, OpNaming};
use super::types::{Resolved, TypeSpace};
use super::{
    Auth, Body, BodyMedia, Docs, Location, Operation, Pagination, Param, ParamsStruct, Response,
    ResponseKind, Segment, Style, TypeRef,
};
use crate::config::{Config, PaginationRule};
use crate::diagnostics::{Diagnostic, child, pointer};
use crate::load::{self, METHODS};

/// One operation as found in the document.
struct Found<'a> {
    path: &'a str,
    method: &'static str,
    op: &'a openapiv3::Operation,
    shared: &'a [ReferenceOr<Parameter>],
    pointer: String,
    id: String,
}

/// Builds every operation of the document.
pub fn build(
    config: &Config,
    space: &mut TypeSpace<'_>,
    auth: &Auth,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Operation>, Vec<Diagnostic>> {
    let doc = space.doc();
    let found = find(&doc.api);
    let facts: Vec<OpFacts> = found
        .iter()
        .map(|f| OpFacts {
            id: f.id.clone(),
            method: f.method.to_owned(),
            path: f.path.to_owned(),
            lists: success_schema(space, f).is_some_and(|(s, _)| result_is_list(space, config, &s)),
        })
        .collect();
    let namings = resources::plan(&facts, config, warnings);
    let global_security = doc.api.security.clone().unwrap_or_default();
    let mut out = Vec::with_capacity(found.len());
    let mut errors = Vec::new();
    for (f, naming) in found.iter().zip(namings) {
        match operation(config, space, auth, f, naming, &global_security) {
            Ok(op) => out.push(op),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The path items of the document in canonical order: sorted by path
/// template (byte order), so the model never depends on the order the
/// document lists its paths in. Operations of one path item follow in
/// OpenAPI's method order (get, put, post, delete, options, head, patch,
/// trace).
pub fn path_items(api: &openapiv3::OpenAPI) -> Vec<(&str, &openapiv3::PathItem)> {
    let mut items: Vec<(&str, &openapiv3::PathItem)> = api
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path.as_str(), item.as_item()?)))
        .collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    items
}

/// Every operation in canonical order (see [`path_items`]).
pub fn canonical(
    api: &openapiv3::OpenAPI,
) -> impl Iterator<Item = (&str, &'static str, &openapiv3::Operation)> {
    path_items(api).into_iter().flat_map(|(path, item)| {
        METHODS
            .iter()
            .filter_map(move |m| load::method_of(item, m).map(|op| (path, *m, op)))
    })
}

fn find(api: &openapiv3::OpenAPI) -> Vec<Found<'_>> {
    let mut ids = Namespace::snake();
    for (_, _, op) in load::operations(api) {
        if let Some(id) = &op.operation_id {
            ids.reserve(id);
        }
    }
    let mut out = Vec::new();
    for (path, item) in path_items(api) {
        for method in METHODS {
            let Some(op) = load::method_of(item, method) else {
                continue;
            };
            let id = match &op.operation_id {
                Some(id) => id.clone(),
                None => ids.claim(&derived::operation_id(method, path)),
            };
            out.push(Found {
                path,
                method,
                op,
                shared: &item.parameters,
                pointer: pointer(["paths", path, method]),
                id,
            });
        }
    }
    out
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m.ends_with("/json")
}

/// The first JSON schema among the 2xx responses, with its pointer.
fn success_schema(
    space: &mut TypeSpace<'_>,
    f: &Found<'_>,
) -> Option<(ReferenceOr<openapiv3::Schema>, String)> {
    let raw = &space.doc().raw;
    for (code, resp) in &f.op.responses.responses {
        if !is_success(code) {
            continue;
        }
        let resp = refs::item(raw, resp)?;
        for (media, m) in &resp.content {
            if is_json(media)
                && let Some(s) = &m.schema
            {
                let at = pointer([
                    "paths",
                    f.path,
                    f.method,
                    "responses",
                    &code.to_string(),
                    "content",
                    media,
                    "schema",
                ]);
                return Some((s.clone(), at));
            }
        }
    }
    None
}

fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

/// Whether the (unwrapped) result of a response schema is an array.
fn result_is_list(
    space: &mut TypeSpace<'_>,
    config: &Config,
    schema: &ReferenceOr<openapiv3::Schema>,
) -> bool {
    if let Some(env) = &config.envelope
        && let Some(parts) = space.properties_of(schema, "#")
        && let Some((result, _)) = parts.props.get(&env.result)
    {
        return space.is_array(&result.clone());
    }
    space.is_array(schema)
}

fn operation(
    config: &Config,
    space: &mut TypeSpace<'_>,
    auth: &Auth,
    f: &Found<'_>,
    naming: OpNaming,
    global_security: &[openapiv3::SecurityRequirement],
) -> Result<Operation, Diagnostic> {
    let raw = &space.doc().raw;
    let params = effective_params(raw, f);
    let mut vars = load::template_variables(f.path)
        .map_err(|m| Diagnostic::error("invalid-path-template", f.pointer.clone(), m))?;
    let mut seen = std::collections::HashSet::new();
    vars.retain(|v| seen.insert(v.clone()));
    let stem = naming.stem.clone();

    // Path parameters, in template order; they become function arguments.
    let mut arg_names = Namespace::snake();
    for reserved in locals::ENDPOINT_ARGUMENTS {
        arg_names.reserve(reserved);
    }
    let mut path_params = Vec::new();
    for var in &vars {
        let (data, at) = params
            .iter()
            .find(|(p, _)| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == var))
            .map(|(p, at)| (p.parameter_data_ref().clone(), at.clone()))
            .ok_or_else(|| Diagnostic::error("path-param-missing", f.pointer.clone(), format!("no path parameter for `{{{var}}}`")))?;
        let mut param = param(
            space,
            &data,
            Location::Path,
            Style::Simple,
            false,
            &stem,
            &at,
            &mut arg_names,
        );
        param.required = true;
        path_params.push(param);
    }
    let segments = segments(f.path, &vars);

    // Query, header and cookie parameters go into the params struct.
    let mut field_names = Namespace::snake();
    let body = request_body(space, f, &stem)?;
    if body.is_some() {
        field_names.reserve(locals::BODY);
    }
    field_names.reserve(locals::INVALID_ARGUMENT);
    let mut fields = Vec::new();
    for (p, at) in &params {
        let (location, style, explode) = match p {
            Parameter::Path { .. } => continue,
            Parameter::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                (Location::Query, style, true)
            }
            Parameter::Header { .. } => (Location::Header, Style::Simple, false),
            Parameter::Cookie { .. } => (Location::Cookie, Style::Form, true),
        };
        let data = p.parameter_data_ref();
        let explode = data.explode.unwrap_or(explode);
        fields.push(param(
            space,
            data,
            location,
            style,
            explode,
            &stem,
            at,
            &mut field_names,
        ));
    }
    let names: Vec<&str> = fields.iter().map(|f: &Param| f.name.as_str()).collect();
    let setters = reserved::setter_names(&names);
    for (field, setter) in fields.iter_mut().zip(setters) {
        field.setter = setter;
    }
    let has_params = !fields.is_empty();
    let params_struct = has_params.then(|| ParamsStruct {
        name: space.claim_name(&derived::params_struct(&stem)),
        fields,
        has_body: body.is_some(),
    });

    let response = response(space, config, f, &stem);
    let pagination = match (&response.ty, response.kind) {
        (TypeRef::Array(_), ResponseKind::Envelope | ResponseKind::Json) => {
            pagination(space, config, f, params_struct.as_ref())
        }
        _ => None,
    };
    let requirements = f.op.security.as_deref().unwrap_or(global_security);
    Ok(Operation {
        id: f.id.clone(),
        pointer: f.pointer.clone(),
        method: f.method.to_ascii_uppercase(),
        path: f.path.to_owned(),
        segments,
        resource: 0,
        resource_path: naming.resource,
        fn_name: naming.fn_name,
        stem,
        docs: Docs {
            summary: f.op.summary.clone(),
            description: f.op.description.clone(),
            deprecated: f.op.deprecated,
        },
        path_params,
        params: params_struct,
        body,
        response,
        pagination,
        security: accepted(auth, requirements),
        feature: None,
    })
}

/// Path-level parameters overridden by operation-level ones (same name and
/// location), each with its pointer.
fn effective_params(raw: &serde_json::Value, f: &Found<'_>) -> Vec<(Parameter, String)> {
    let mut out: Vec<(Parameter, String)> = Vec::new();
    let shared_at = pointer(["paths", f.path, "parameters"]);
    let own_at = child(&f.pointer, "parameters");
    let all = f
        .shared
        .iter()
        .enumerate()
        .map(|(i, p)| (p, child(&shared_at, i.to_string())))
        .chain(
            f.op.parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, child(&own_at, i.to_string()))),
        );
    for (p, at) in all {
        let Some(p) = refs::item(raw, p) else {
            continue;
        };
        let p = p.into_owned();
        let key = (location_of(&p), p.parameter_data_ref().name.clone());
        match out
            .iter_mut()
            .find(|(q, _)| (location_of(q), q.parameter_data_ref().name.clone()) == key)
        {
            Some(slot) => *slot = (p, at),
            None => out.push((p, at)),
        }
    }
    out
}

fn location_of(p: &Parameter) -> Location {
    match p {
        Parameter::Path { .. } => Location::Path,
        Parameter::Query { .. } => Location::Query,
        Parameter::Header { .. } => Location::Header,
        Parameter::Cookie { .. } => Location::Cookie,
    }
}

#[allow(clippy::too_many_arguments)]
fn param(
    space: &mut TypeSpace<'_>,
    data: &ParameterData,
    location: Location,
    style: Style,
    explode: bool,
    stem: &str,
    at: &str,
    names_in_scope: &mut Namespace,
) -> Param {
    let hint = derived::parameter(stem, &data.name);
    let resolved = match &data.format {
        ParameterSchemaOrContent::Schema(s) => space.resolve(s, &hint, &child(at, "schema")),
        ParameterSchemaOrContent::Content(content) => {
            match content.iter().find_map(|(_, m)| m.schema.as_ref()) {
                Some(s) => space.resolve(s, &hint, &child(at, "content")),
                None => Resolved::plain(TypeRef::String),
            }
        }
    };
    let style = match (location, &data.format) {
        (Location::Path, ParameterSchemaOrContent::Schema(_)) => {
            path_style(space, at).unwrap_or(style)
        }
        _ => style,
    };
    let name = names_in_scope.claim(&names::snake_name(&data.name, "param"));
    Param {
        setter: super::setter_name(&name),
        name,
        wire: data.name.clone(),
        pointer: at.to_owned(),
        location,
        ty: resolved.ty,
        required: data.required,
        style,
        explode,
        docs: Docs {
            summary: None,
            description: data.description.clone().or(resolved.docs.description),
            deprecated: data.deprecated.unwrap_or(false),
        },
        constraints: super::Constraints {
            example: data
                .example
                .clone()
                .or_else(|| first_example(&data.examples))
                .or(resolved.constraints.example.clone()),
            ..resolved.constraints
        },
    }
}

/// `label`/`matrix` path styles are read from the raw tree (openapiv3 keeps
/// them, but only behind the `Path` variant we already destructured).
fn path_style(space: &TypeSpace<'_>, at: &str) -> Option<Style> {
    match refs::follow(&space.doc().raw, at)?.get("style")?.as_str()? {
        "label" => Some(Style::Label),
        "matrix" => Some(Style::Matrix),
        _ => None,
    }
}

fn segments(path: &str, vars: &[String]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Segment::Literal(rest[..open].to_owned()));
        }
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or(rest.len() - 1);
        let name = &rest[open + 1..close];
        if let Some(i) = vars.iter().position(|v| v == name) {
            out.push(Segment::Param(i));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest.to_owned()));
    }
    out
}

fn request_body(
    space: &mut TypeSpace<'_>,
    f: &Found<'_>,
    stem: &str,
) -> Result<Option<Body>, Diagnostic> {
    let Some(rb) = &f.op.request_body else {
        return Ok(None);
    };
    let at = child(&f.pointer, "requestBody");
    let raw = &space.doc().raw;
    let rb: RequestBody = refs::item(raw, rb)
        .ok_or_else(|| {
            Diagnostic::error(
                "dangling-ref",
                at.clone(),
                "request body reference does not resolve",
            )
        })?
        .into_owned();
    let rank = |media: &str| -> u8 {
        let m = media.to_ascii_lowercase();
        if is_json(&m) {
            0
        } else if m.starts_with("application/x-www-form-urlencoded") {
            1
        } else if m.starts_with("multipart/") {
            2
        } else if m.starts_with("text/") {
            3
        } else {
            4
        }
    };
    let Some((media, content)) = rb.content.iter().min_by_key(|(m, _)| rank(m)) else {
        space.warn(
            "empty-body",
            at,
            "request body declares no media type; it is not sent",
        );
        return Ok(None);
    };
    let docs = Docs {
        summary: None,
        description: rb.description.clone(),
        deprecated: false,
    };
    let schema_at = child(&child(&child(&at, "content"), media), "schema");
    let (media, ty) = match rank(media) {
        0 | 1 => {
            let ty = match &content.schema {
                Some(s) => space.resolve(s, &derived::body(stem), &schema_at).ty,
                None => TypeRef::Json,
            };
            let media = if rank(media) == 0 {
                BodyMedia::Json(media.clone())
            } else {
                BodyMedia::Form
            };
            (media, ty)
        }
        2 => {
            space.warn(
                "untyped-body",
                schema_at,
                "multipart bodies are taken as a `Multipart` form built by the caller, not as typed fields",
            );
            (BodyMedia::Multipart, TypeRef::Json)
        }
        3 => (BodyMedia::Text(media.clone()), TypeRef::String),
        _ => (BodyMedia::Binary(media.clone()), TypeRef::Bytes),
    };
    Ok(Some(Body {
        media,
        ty,
        required: rb.required,
        docs,
        example: content
            .example
            .clone()
            .or_else(|| first_example(&content.examples)),
    }))
}

/// The value of the first inline entry of an `examples` map.
fn first_example(
    examples: &indexmap::IndexMap<String, ReferenceOr<openapiv3::Example>>,
) -> Option<serde_json::Value> {
    examples
        .values()
        .find_map(|e| e.as_item().and_then(|e| e.value.clone()))
}

/// One successful response's decoding.
struct Success {
    kind: ResponseKind,
    ty: TypeRef,
    nullable: bool,
    info: TypeRef,
    accept: String,
}

/// Accepting JSON too (at lower priority) lets error bodies arrive as JSON
/// for operations whose success response is text or bytes.
const JSON_FALLBACK: &str = "application/json;q=0.5";

fn response(space: &mut TypeSpace<'_>, config: &Config, f: &Found<'_>, stem: &str) -> Response {
    let raw = &space.doc().raw;
    let mut successes: Vec<Success> = Vec::new();
    let mut saw_empty = false;
    let codes: Vec<(String, ReferenceOr<openapiv3::Response>)> =
        f.op.responses
            .responses
            .iter()
            .filter(|(c, _)| is_success(c))
            .map(|(c, r)| (c.to_string(), r.clone()))
            .collect();
    for (code, resp) in &codes {
        let at = child(&child(&f.pointer, "responses"), code);
        let Some(resp) = refs::item(raw, resp) else {
            continue;
        };
        let resp = resp.into_owned();
        let json = resp
            .content
            .iter()
            .find(|(m, c)| is_json(m) && c.schema.is_some());
        let text = resp
            .content
            .keys()
            .find(|m| m.to_ascii_lowercase().starts_with("text/"));
        let success = if let Some((media, c)) = json {
            let schema_at = child(&child(&child(&at, "content"), media), "schema");
            let schema = c.schema.clone().expect("filtered on schema presence");
            json_success(space, config, &schema, stem, &schema_at)
        } else if let Some(media) = text {
            Success {
                kind: ResponseKind::Text,
                ty: TypeRef::String,
                nullable: false,
                info: TypeRef::Json,
                accept: format!("{media}, {JSON_FALLBACK}"),
            }
        } else if !resp.content.is_empty() {
            let media: Vec<&str> = resp.content.keys().map(String::as_str).collect();
            Success {
                kind: ResponseKind::Bytes,
                ty: TypeRef::Bytes,
                nullable: false,
                info: TypeRef::Json,
                accept: format!("{}, {JSON_FALLBACK}", media.join(", ")),
            }
        } else {
            saw_empty = true;
            continue;
        };
        if !successes
            .iter()
            .any(|s| s.kind == success.kind && s.ty == success.ty)
        {
            successes.push(success);
        }
    }
    let mut chosen = match successes.len() {
        0 => {
            return Response {
                kind: ResponseKind::Empty,
                ty: TypeRef::Unit,
                nullable: false,
                info: TypeRef::Json,
                accept: "application/json".into(),
            };
        }
        1 => successes.remove(0),
        _ => {
            // Decode the richest kind present (JSON before text before
            // bytes); other kinds are reported, not silently mistyped.
            let rank = |k: ResponseKind| match k {
                ResponseKind::Envelope | ResponseKind::Json => 0,
                ResponseKind::Text => 1,
                ResponseKind::Bytes => 2,
                ResponseKind::Empty => 3,
            };
            let best = successes.iter().map(|s| rank(s.kind)).min().unwrap_or(0);
            let (chosen, others): (Vec<Success>, Vec<Success>) =
                successes.into_iter().partition(|s| rank(s.kind) == best);
            if !others.is_empty() {
                space.warn(
                    "mixed-responses",
                    child(&f.pointer, "responses"),
                    "success responses use different media types; the JSON (or else text) one is decoded",
                );
            }
            let mut chosen = chosen.into_iter();
            let first = chosen.next().expect("the best rank comes from an element");
            let rest: Vec<TypeRef> = chosen.map(|s| s.ty).collect();
            if rest.is_empty() {
                first
            } else {
                let types = std::iter::once(first.ty.clone()).chain(rest).collect();
                Success {
                    ty: space.union_of(
                        &derived::response(stem),
                        types,
                        &child(&f.pointer, "responses"),
                    ),
                    ..first
                }
            }
        }
    };
    // A body-less success beside a JSON one decodes as `None`. Text and
    // bytes have their own empty value (the decoders read an empty body as
    // `""` or no bytes), so they stay unwrapped.
    if saw_empty && matches!(chosen.kind, ResponseKind::Json | ResponseKind::Envelope) {
        chosen.nullable = true;
    }
    Response {
        kind: chosen.kind,
        ty: chosen.ty,
        nullable: chosen.nullable,
        info: chosen.info,
        accept: chosen.accept,
    }
}

fn json_success(
    space: &mut TypeSpace<'_>,
    config: &Config,
    schema: &ReferenceOr<openapiv3::Schema>,
    stem: &str,
    at: &str,
) -> Success {
    if let Some(env) = &config.envelope
        && let Some(parts) = space.properties_of(schema, at)
        && let Some((result, result_at)) = parts.props.get(&env.result).cloned()
    {
        let resolved = space.resolve_response(&result, &derived::result(stem), &result_at);
        let info = env
            .result_info
            .as_ref()
            .and_then(|name| parts.props.get(name).cloned())
            .map(|(s, s_at)| space.resolve(&s, &derived::result_info(stem), &s_at).ty)
            .unwrap_or(TypeRef::Json);
        return Success {
            accept: "application/json".into(),
            kind: ResponseKind::Envelope,
            // An absent result decodes as an empty list or `None` where the
            // type allows it, and is a decode error otherwise; only an
            // explicitly nullable result becomes an `Option`.
            nullable: resolved.nullable,
            ty: resolved.ty,
            info,
        };
    }
    let resolved = space.resolve_response(schema, &derived::response(stem), at);
    Success {
        accept: "application/json".into(),
        kind: ResponseKind::Json,
        ty: resolved.ty,
        nullable: resolved.nullable,
        info: TypeRef::Json,
    }
}

/// The first configured pagination rule whose query parameters the
/// operation has and whose response fields its success schema has.
fn pagination(
    space: &mut TypeSpace<'_>,
    config: &Config,
    f: &Found<'_>,
    params: Option<&ParamsStruct>,
) -> Option<Pagination> {
    let has_query = |name: &str| {
        params.is_some_and(|p| {
            p.fields
                .iter()
                .any(|q| q.location == Location::Query && q.wire == name)
        })
    };
    let (schema, _) = success_schema(space, f)?;
    let path = |dotted: &str| -> Vec<String> { dotted.split('.').map(str::to_owned).collect() };
    for rule in &config.pagination {
        let candidate = match rule {
            PaginationRule::PageNumber {
                page_param,
                total_pages,
                ..
            } if has_query(page_param) => Pagination::PageNumber {
                page_param: page_param.clone(),
                total_pages: path(total_pages),
            },
            PaginationRule::Cursor {
                cursor_param,
                next_cursor,
            } if has_query(cursor_param) => Pagination::Cursor {
                param: cursor_param.clone(),
                next: path(next_cursor),
            },
            PaginationRule::PageToken {
                token_param,
                next_token,
            } if has_query(token_param) => Pagination::PageToken {
                param: token_param.clone(),
                next: path(next_token),
            },
            _ => continue,
        };
        let response_path = match &candidate {
            Pagination::PageNumber { total_pages, .. } => total_pages,
            Pagination::Cursor { next, .. } | Pagination::PageToken { next, .. } => next,
        };
        if space.has_path(&schema, response_path) {
            return Some(candidate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments() {
        let vars = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            segments("/x/{a}/y/{b}:run", &vars),
            vec![
                Segment::Literal("/x/".into()),
                Segment::Param(0),
                Segment::Literal("/y/".into()),
                Segment::Param(1),
                Segment::Literal(":run".into()),
            ]
        );
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
    }
}
