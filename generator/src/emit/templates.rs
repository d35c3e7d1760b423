//! Fixed-shape files rendered from `templates/` with minijinja.

use minijinja::{Environment, UndefinedBehavior};
use quote::quote;
use serde_json::{Value, json};

use super::OutputFile;
use super::auth::env_vars;
use super::docs::sanitize;
use super::params::{call_path, call_tokens};
use super::rust::{Ctx, ident};
use crate::diagnostics::Error;
use crate::ir::{Operation, TypeRef};

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
        "default_full": api.default_full,
        "features": features,
        "credentials": credentials,
        "operations": operations,
        "paginated": api.operations.iter().any(|o| o.pagination.is_some()),
        "example": example(ctx)?,
        "pagination_example": pagination_example(ctx)?,
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
    let call = ctx.api.operations.iter().find(|op| simple(op)).map(|op| {
        let call = placeholder_call(ctx, op);
        quote! {
            let result = #call.await?;
            println!("{result:?}");
        }
    });
    let file = quote! {
        use #lib::{Client, Error};

        async fn example() -> Result<(), Error> {
            let client = Client::from_env()?;
            #call
            Ok(())
        }
    };
    unparse(file)
}

/// The README's pagination example: every item of the first list
/// operation that needs no arguments beyond strings, read with `try_next`
/// and no pinning. `None` when no such operation is paginated.
fn pagination_example(ctx: &Ctx<'_>) -> Result<Option<String>, Error> {
    let lib = ident(&ctx.api.krate.lib);
    let Some(op) = ctx
        .api
        .operations
        .iter()
        .find(|op| op.pagination.is_some() && simple(op))
    else {
        return Ok(None);
    };
    let call = placeholder_call(ctx, op);
    let file = quote! {
        use futures_util::TryStreamExt;
        use #lib::{Client, Error};

        async fn example() -> Result<(), Error> {
            let client = Client::from_env()?;
            let mut items = #call.items();
            while let Some(item) = items.try_next().await? {
                println!("{item:?}");
            }
            Ok(())
        }
    };
    unparse(file).map(Some)
}

/// A call of `op` with placeholder strings for its path parameters and
/// default params.
fn placeholder_call(ctx: &Ctx<'_>, op: &Operation) -> proc_macro2::TokenStream {
    let call = call_tokens(ctx, op);
    let args = op.path_params.iter().map(|p| {
        let placeholder = format!("<{}>", p.wire);
        quote!(#placeholder)
    });
    let params = op.params.as_ref().map(|_| quote!(Default::default()));
    let args = args.chain(params);
    quote!(#call(#(#args),*))
}

fn unparse(file: proc_macro2::TokenStream) -> Result<String, Error> {
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
    fn markdown_text_is_one_line() {
        assert_eq!(text_line("one\n\n  two\r\nthree\u{1b}"), "one two three");
    }
}
