//! Fixed-shape files rendered from `templates/` with minijinja.

use minijinja::{Environment, UndefinedBehavior};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use super::OutputFile;
use super::auth::env_vars;
use super::docs::sanitize;
use super::params::{call_path, call_tokens};
use super::rust::{Ctx, ident};
use crate::diagnostics::Error;
use crate::ir::{FloatKind, IntKind, Operation, ResponseKind, Segment, TypeKind, TypeRef};

/// Templates, compiled into the generator so it works from any directory.
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "Cargo.toml",
        "Cargo.toml",
        include_str!("../../../templates/Cargo.toml.j2"),
    ),
    (
        "README.md",
        "README.md",
        include_str!("../../../templates/README.md.j2"),
    ),
];

fn environment() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Error::Template {
            name: "syntax".into(),
            message: e.to_string(),
        })?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.add_filter("toml", toml_string);
    for (name, _, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| Error::Template {
                name: (*name).to_owned(),
                message: e.to_string(),
            })?;
    }
    Ok(env)
}

/// Renders the fixed-shape text files of the crate.
pub fn render_crate(ctx: &Ctx<'_>) -> Result<Vec<OutputFile>, Error> {
    let env = environment()?;
    let context = minijinja::Value::from(minijinja::value::Serde(context(ctx)?));
    TEMPLATES
        .iter()
        .map(|(name, path, _)| {
            let template = env.get_template(name).map_err(|e| Error::Template {
                name: (*name).to_owned(),
                message: e.to_string(),
            })?;
            let contents = template.render(&context).map_err(|e| Error::Template {
                name: (*name).to_owned(),
                message: format!("{e:#}"),
            })?;
            Ok(OutputFile {
                path: (*path).to_owned(),
                contents,
            })
        })
        .collect()
}

fn context(ctx: &Ctx<'_>) -> Result<Value, Error> {
    let api = ctx.api;
    let features: Vec<Value> = api
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let accessor = api
                .resources
                .iter()
                .find(|r| r.path.len() == 1 && r.feature == Some(i))
                .map(|r| r.accessor.clone())
                .unwrap_or_else(|| f.name.clone());
            json!({ "name": f.name, "accessor": accessor })
        })
        .collect();
    let credentials: Vec<Value> = api
        .auth
        .credentials
        .iter()
        .map(|c| {
            let env = env_vars(ctx, c)
                .map(|vars| {
                    vars.iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                })
                .unwrap_or_else(|| "(none)".into());
            json!({ "variant": c.variant, "method": c.method, "env": env })
        })
        .collect();
    let operations: Vec<Value> = api
        .operations
        .iter()
        .map(|op| {
            json!({
                "method": op.method,
                "path": op.path.replace('|', "\\|"),
                "call": format!("{}(..)", call_path(ctx, op)),
                "summary": table_cell(op.docs.summary.as_deref().or(op.docs.description.as_deref()).unwrap_or("")),
            })
        })
        .collect();
    Ok(json!({
        "package": api.krate.package,
        "lib": api.krate.lib,
        "version": api.krate.version,
        "description": api.krate.description,
        "description_text": text_line(&api.krate.description),
        "license": api.krate.license,
        "title": table_cell(&api.krate.title),
        "api_version": table_cell(&api.krate.api_version),
        "base_url": api.client.base_url,
        "base_url_env": api.client.base_url_env,
        "request_id_header": api.client.request_id_header,
        "max_retries": api.client.max_retries,
        "timeout_secs": api.client.timeout_secs,
        "uses": { "chrono": api.uses.chrono },
        "gated": api.gated,
        "envelope": api.envelope.is_some(),
        "default_full": api.default_full,
        "features": features,
        "credentials": credentials,
        "operations": operations,
        "paginated": api.operations.iter().any(|o| o.pagination.is_some()),
        "example": example(ctx)?,
        "pagination_example": pagination_example(ctx)?,
        "mock_example": mock_example(ctx)?,
    }))
}

/// Text safe inside a Markdown table cell (and as rustdoc).
fn table_cell(text: &str) -> String {
    let first = sanitize(text).lines().next().unwrap_or_default().to_owned();
    first.replace('|', "\\|")
}

/// Markdown text on one line: the lines of `text`, sanitized, joined.
fn text_line(text: &str) -> String {
    sanitize(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `toml` filter: `text` as a TOML basic string, quotes included,
/// with every character TOML does not allow there escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The README's usage example: build a client from the environment and
/// call the first operation that needs no arguments beyond strings.
fn example(ctx: &Ctx<'_>) -> Result<String, Error> {
    let lib = ident(&ctx.api.krate.lib);
    let op = ctx.api.operations.iter().find(|op| simple(op));
    let gate = op.map(|op| feature_gate(ctx, op));
    let call = op.map(|op| {
        let call = placeholder_call(ctx, op);
        quote! {
            let result = #call.await?;
            println!("{result:?}");
        }
    });
    let file = quote! {
        use #lib::{Client, Error};

        #gate
        async fn example() -> Result<(), Error> {
            let client = Client::from_env()?;
            #call
            Ok(())
        }
    };
    unparse(file).map(|text| hide_cfg_lines(&text))
}

/// The first paginated operation callable with placeholder strings and
/// default params: the one the pagination examples use.
pub(super) fn first_simple_list<'m>(ctx: &Ctx<'m>) -> Option<&'m Operation> {
    ctx.api
        .operations
        .iter()
        .find(|op| op.pagination.is_some() && simple(op))
}

/// `#[cfg(feature = "..")]` when `op` exists only with its resource's
/// feature, which may be off by default: the doctest then compiles to
/// nothing instead of failing.
pub(super) fn feature_gate(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    match op.feature.filter(|_| ctx.api.gated) {
        Some(f) => {
            let feature = &ctx.api.features[f].name;
            quote!(#[cfg(feature = #feature)])
        }
        None => TokenStream::new(),
    }
}

/// Doctest text with its `cfg` attribute lines hidden from the reader.
fn hide_cfg_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with("#[cfg(") {
                format!("# {line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// The README's pagination example: every item of the first list
/// operation that needs no arguments beyond strings, read with `try_next`
/// and no pinning. `None` when no such operation is paginated.
fn pagination_example(ctx: &Ctx<'_>) -> Result<Option<String>, Error> {
    let lib = ident(&ctx.api.krate.lib);
    let Some(op) = first_simple_list(ctx) else {
        return Ok(None);
    };
    let call = placeholder_call(ctx, op);
    let gate = feature_gate(ctx, op);
    let file = quote! {
        use futures_util::TryStreamExt;
        use #lib::{Client, Error};

        #gate
        async fn example() -> Result<(), Error> {
            let client = Client::from_env()?;
            let mut items = #call.items();
            while let Some(item) = items.try_next().await? {
                println!("{item:?}");
            }
            Ok(())
        }
    };
    unparse(file).map(|text| Some(hide_cfg_lines(&text)))
}

/// The README's test with the mock kit, a doctest that runs when the
/// `mock` feature (and the operation's own feature) is on and is an empty
/// `main` otherwise: start the mock, give the first operation whose reply
/// can be built from constructors a typed reply, call it with a client of
/// the mock, compare the result and what `received()` saw. Any description
/// gets one: without such an operation, the first operation callable with
/// placeholders answers a 404 error; without that either, the test checks
/// the mock's client.
fn mock_example(ctx: &Ctx<'_>) -> Result<String, Error> {
    let lib = ident(&ctx.api.krate.lib);
    // Types as the doctest, a crate of its own, names them.
    let public = Ctx {
        api: ctx.api,
        root: quote!(#lib),
    };
    let found = ctx
        .api
        .operations
        .iter()
        .filter(|op| simple(op) && op.response.kind != ResponseKind::Empty)
        .find_map(|op| {
            let build = |qualified: Option<TokenStream>| {
                let mut names = Names {
                    qualified,
                    ..Names::default()
                };
                reply_value(&public, &op.response.ty, 0, &mut names).map(|v| (op, v, names))
            };
            // Models are imported by name, unless one would hide a name
            // the test uses.
            let found = build(None)?;
            if found
                .2
                .used
                .iter()
                .any(|n| TEST_NAMES.contains(&n.as_str()))
            {
                build(Some(quote!(#lib::models)))
            } else {
                Some(found)
            }
        });
    let (body, feature, models) = match found {
        Some((op, value, names)) => {
            let value = if op.response.nullable {
                quote!(Some(#value))
            } else {
                value
            };
            let MockCalls {
                values,
                call,
                mock_call,
                params,
                args,
            } = mock_calls(ctx, op);
            let sent_params = params.map(|p| quote! { assert!(sent[0].sent_params(#p)); });
            let method = &op.method;
            let path = sent_path(op, &values).map(|path| {
                quote! { assert_eq!(sent[0].path, #path); }
            });
            let feature = operation_feature(ctx, op);
            let body = quote! {
                let mock = MockServer::start().await;
                let reply = #value;
                #mock_call.returns(reply.clone()).await;
                let client = mock.client();
                let result = #call(#(#args),*).await?;
                assert_eq!(result, reply);
                let sent = #mock_call.received().await;
                assert_eq!(sent.len(), 1);
                assert_eq!(sent[0].method, #method);
                #path
                #sent_params
            };
            let used: Vec<_> = names.used.iter().map(|n| ident(n)).collect();
            let models = match used.as_slice() {
                [] => TokenStream::new(),
                [one] => quote!(use #lib::models::#one;),
                many => quote!(use #lib::models::{#(#many),*};),
            };
            (body, feature, models)
        }
        None => match ctx.api.operations.iter().find(|op| simple(op)) {
            Some(op) => failing_example(ctx, op),
            None => {
                let body = quote! {
                    let mock = MockServer::start().await;
                    let client = mock.client();
                    assert!(mock.uri().starts_with("http://127.0.0.1:"));
                    let _ = client;
                };
                (body, None, TokenStream::new())
            }
        },
    };
    let file = quote! {
        async fn main() -> Result<(), #lib::Error> {
            use #lib::mock::MockServer;
            #models
            #body
            Ok(())
        }
    };
    let text = unparse(file)?;
    let cfg = match feature {
        Some(feature) => format!("all(feature = \"mock\", feature = \"{feature}\")"),
        None => "feature = \"mock\"".to_owned(),
    };
    // The wrapper is hidden (`# ` lines); the body is what the reader sees.
    let mut out = format!("# #[cfg({cfg})]\n# #[tokio::main(flavor = \"current_thread\")]\n");
    for line in text.lines() {
        if line.starts_with("async fn main") || line == "}" {
            out.push_str(&format!("# {line}\n"));
        } else if line.trim() == "Ok(())" {
            out.push_str("# Ok(())\n");
        } else {
            out.push_str(line.strip_prefix("    ").unwrap_or(line));
            out.push('\n');
        }
    }
    out.push_str(&format!("# #[cfg(not({cfg}))]\n# fn main() {{}}\n"));
    Ok(out)
}

/// The README's mock test for an operation whose reply cannot be built
/// from constructors: the mock answers the API's 404, which the call
/// reports. The body, the feature it needs and no models to import.
fn failing_example(ctx: &Ctx<'_>, op: &Operation) -> (TokenStream, Option<String>, TokenStream) {
    let MockCalls {
        call,
        mock_call,
        args,
        ..
    } = mock_calls(ctx, op);
    let body = quote! {
        let mock = MockServer::start().await;
        #mock_call.fails(404, 1003, "not found").await;
        let client = mock.client();
        let error = #call(#(#args),*).await.expect_err("the mock answers 404");
        assert!(error.is_not_found());
        let sent = #mock_call.received().await;
        assert_eq!(sent.len(), 1);
    };
    (body, operation_feature(ctx, op), TokenStream::new())
}

/// How the README's mock test calls an operation, on the mock and on the
/// client, with the same path values and default params.
struct MockCalls {
    /// The path parameters' values, in order.
    values: Vec<String>,
    /// The client's method, without arguments.
    call: TokenStream,
    /// The mock's endpoint for those path values.
    mock_call: TokenStream,
    /// The params argument, when the operation has params.
    params: Option<TokenStream>,
    /// The client call's arguments: path values, then params.
    args: Vec<TokenStream>,
}

fn mock_calls(ctx: &Ctx<'_>, op: &Operation) -> MockCalls {
    let values: Vec<String> = op.path_params.iter().map(|p| path_value(&p.wire)).collect();
    let chain = ctx.api.accessors(op.resource).into_iter().map(ident);
    let f = ident(&op.fn_name);
    let mock_call = quote!(mock #(.#chain())* .#f(#(#values),*));
    let params = op.params.as_ref().map(|_| quote!(Default::default()));
    let args = values
        .iter()
        .map(|v| quote!(#v))
        .chain(params.clone())
        .collect();
    MockCalls {
        call: call_tokens(ctx, op),
        values,
        mock_call,
        params,
        args,
    }
}

/// The cargo feature an operation's resource needs, when resources are
/// features.
fn operation_feature(ctx: &Ctx<'_>, op: &Operation) -> Option<String> {
    ctx.api
        .gated
        .then(|| ctx.api.resources[op.resource].feature)
        .flatten()
        .map(|i| ctx.api.features[i].name.clone())
}

/// The value the README's mock test passes for path parameter `wire`:
/// its letters and digits, lowercased, with `-1` (`account_id` gives
/// `account-id-1`), so it needs no percent-encoding.
fn path_value(wire: &str) -> String {
    let mut out = String::new();
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    if !out.ends_with('-') {
        out.push('-');
    }
    out.push('1');
    out
}

/// The path a request of `op` with these path parameter values is sent to,
/// when its literal segments are characters that are sent as they are.
fn sent_path(op: &Operation, values: &[String]) -> Option<String> {
    let mut path = String::new();
    for segment in &op.segments {
        match segment {
            Segment::Literal(text) => {
                let plain = text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c));
                if !plain {
                    return None;
                }
                path.push_str(text);
            }
            Segment::Param(i) => path.push_str(values.get(*i)?),
        }
    }
    path.starts_with('/').then_some(path)
}

/// An expression of type `ty` built from public constructors (`new(..)`
/// with a value for each required field, `default()`, known enum
/// variants), for the README's mock test; `None` for what cannot be built
/// that way (unions, newtypes, maps, the runtime's timestamps and secrets, types nested
/// too deep or recursive).
fn reply_value(
    ctx: &Ctx<'_>,
    ty: &TypeRef,
    depth: usize,
    names: &mut Names,
) -> Option<TokenStream> {
    const MAX_DEPTH: usize = 3;
    let value = match ty {
        TypeRef::String => quote!(String::from("example")),
        TypeRef::Bool => quote!(true),
        TypeRef::Int(IntKind::I32) => quote!(1i32),
        TypeRef::Int(IntKind::I64) => quote!(1i64),
        TypeRef::Int(IntKind::U32) => quote!(1u32),
        TypeRef::Int(IntKind::U64) => quote!(1u64),
        TypeRef::Float(FloatKind::F32) => quote!(1.5f32),
        TypeRef::Float(FloatKind::F64) => quote!(1.5f64),
        TypeRef::Date => quote!(chrono::NaiveDate::default()),
        TypeRef::DateTime => quote!(chrono::DateTime::<chrono::Utc>::default()),
        TypeRef::Bytes => quote!(Vec::<u8>::from(*b"example")),
        TypeRef::Json => quote!(serde_json::Value::Null),
        TypeRef::JsonObject => quote!(serde_json::Map::new()),
        TypeRef::Array(inner) => {
            let item = reply_value(ctx, inner, depth + 1, names)?;
            quote!(Vec::from([#item]))
        }
        TypeRef::Named(id) => {
            if depth > MAX_DEPTH || names.building.contains(&id.0) {
                return None;
            }
            let def = ctx.api.ty(*id);
            let t = names.name(&def.name);
            match &def.kind {
                TypeKind::Struct(s) => {
                    names.building.push(id.0);
                    let args = s
                        .fields
                        .iter()
                        .filter(|f| !f.optional())
                        .map(|f| field_value(ctx, f, depth + 1, names))
                        .collect::<Option<Vec<_>>>();
                    names.building.pop();
                    let args = args?;
                    if args.is_empty() && s.fields.iter().all(crate::ir::Field::optional) {
                        quote!(#t::default())
                    } else {
                        quote!(#t::new(#(#args),*))
                    }
                }
                TypeKind::Enum(e) => {
                    let variant = ident(&e.variants.first()?.name);
                    quote!(#t::#variant)
                }
                TypeKind::Union(_) | TypeKind::Newtype(_) => return None,
            }
        }
        TypeRef::Map(_) | TypeRef::DateOrDateTime | TypeRef::Secret | TypeRef::Unit => return None,
    };
    Some(value)
}

/// The argument for a required field in `new(..)`: a list takes its items
/// (none), a string its example from the description when it has one.
fn field_value(
    ctx: &Ctx<'_>,
    field: &crate::ir::Field,
    depth: usize,
    names: &mut Names,
) -> Option<TokenStream> {
    match &field.ty {
        TypeRef::Array(inner) => {
            let t = short_ty(ctx, inner, names);
            Some(quote!(Vec::<#t>::new()))
        }
        TypeRef::String => {
            let text = match &field.constraints.example {
                Some(serde_json::Value::String(example))
                    if example.len() <= 40 && !example.chars().any(char::is_control) =>
                {
                    example.clone()
                }
                _ => field.wire.clone(),
            };
            Some(quote!(#text))
        }
        ty => reply_value(ctx, ty, depth, names),
    }
}

/// The Rust type of `ty` with models by their name alone, imported.
fn short_ty(ctx: &Ctx<'_>, ty: &TypeRef, names: &mut Names) -> TokenStream {
    match ty {
        TypeRef::Named(id) => names.name(&ctx.api.ty(*id).name),
        TypeRef::Array(inner) => {
            let inner = short_ty(ctx, inner, names);
            quote!(Vec<#inner>)
        }
        other => ctx.ty(other),
    }
}

/// The names the README's mock test uses besides the models, which an
/// imported model must not hide.
const TEST_NAMES: &[&str] = &[
    "MockServer",
    "Vec",
    "String",
    "Some",
    "Default",
    "Ok",
    "Result",
    "Option",
];

/// The models a value of the README's mock test names (imported by a
/// `use` unless `qualified` gives their module), and the structs being
/// built, which a field must not need again.
#[derive(Default)]
struct Names {
    used: std::collections::BTreeSet<String>,
    building: Vec<usize>,
    qualified: Option<TokenStream>,
}

impl Names {
    /// The path of model `name` in the test.
    fn name(&mut self, name: &str) -> TokenStream {
        let id = ident(name);
        match &self.qualified {
            Some(module) => quote!(#module::#id),
            None => {
                self.used.insert(name.to_owned());
                quote!(#id)
            }
        }
    }
}

/// A call of `op` with placeholder strings for its path parameters and
/// default params.
fn placeholder_call(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let call = call_tokens(ctx, op);
    let args = op.path_params.iter().map(|p| {
        let placeholder = format!("<{}>", p.wire);
        quote!(#placeholder)
    });
    let params = op.params.as_ref().map(|_| quote!(Default::default()));
    let args = args.chain(params);
    quote!(#call(#(#args),*))
}

fn unparse(file: TokenStream) -> Result<String, Error> {
    let parsed: syn::File = syn::parse2(file).map_err(|e| Error::InvalidOutput {
        file: "README.md".into(),
        message: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&parsed))
}

/// Whether an operation can be called with placeholder strings and default
/// params.
pub(super) fn simple(op: &Operation) -> bool {
    op.method == "GET"
        && op.path_params.iter().all(|p| p.ty == TypeRef::String)
        && op
            .params
            .as_ref()
            .is_none_or(|p| p.fields.iter().all(|f| !f.required))
        && op.body.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with every kind of character a TOML basic string must escape.
    const NASTY: &str = "a \"quoted\" \\back\\slash\\ 'single'\nnew line\r\ttab \u{0}\u{1b}\u{7f}\u{85} ünïcödé ✓ 🦀 \"\"\" '''";

    #[test]
    fn toml_filter_round_trips_any_text() {
        for text in [NASTY, "", "plain", "\\", "\"", "\\\"", "\\u0041"] {
            let doc: toml_edit::DocumentMut = format!("key = {}\n", toml_string(text))
                .parse()
                .unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(doc["key"].as_str(), Some(text));
        }
    }

    #[test]
    fn mock_test_path_values_need_no_encoding() {
        assert_eq!(path_value("account_id"), "account-id-1");
        assert_eq!(path_value("itemId"), "itemid-1");
        for wire in ["", "__", "a b/c", "ünï", "{x}", "-"] {
            let value = path_value(wire);
            assert!(value.ends_with('1'), "{wire:?}: {value}");
            assert!(
                value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{wire:?}: {value}"
            );
        }
    }

    #[test]
    fn markdown_text_is_one_line() {
        assert_eq!(text_line("one\n\n  two\r\nthree\u{1b}"), "one two three");
    }
}
