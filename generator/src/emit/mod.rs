//! Stage 4: the model to files.
//!
//! Data-driven Rust (models, params, resources, credentials) is built with
//! `quote!`, checked by parsing it with `syn` and formatted with
//! `prettyplease`. Fixed-shape files (Cargo.toml, README, lib.rs and the
//! runtime modules) come from the minijinja templates in `templates/`,
//! which are compiled into the generator.

mod auth;
mod conformance;
mod docs;
mod models;
mod params;
mod resources;
mod rust;
mod templates;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::Error;
use crate::ir::Api;
use rust::{Ctx, format_file, ident};

/// The start of every generated Rust file.
pub const GENERATED_MARKER: &str = "// @generated";

/// One generated file, with a path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `src/models/mod.rs`.
    pub path: String,
    /// File contents.
    pub contents: String,
}

/// Emits the files of a standalone crate, sorted by path.
pub fn emit(api: &Api) -> Result<Vec<OutputFile>, Error> {
    emit_with_root(api, quote!(crate))
}

/// Emits the client as one Rust source file for `include!`, with every
/// module inline. `module_path` is where the file is included, e.g.
/// `crate::api` for `mod api { include!(...); }` at the crate root.
pub fn emit_module(api: &Api, module_path: &str) -> Result<String, Error> {
    let root: syn::Path = syn::parse_str(module_path).map_err(|e| Error::InvalidOutput {
        file: "module path".into(),
        message: format!("`{module_path}` is not a Rust path: {e}"),
    })?;
    let files = emit_with_root(api, quote!(#root))?;
    let mut file = parse(&files, "src/lib.rs")?;
    // Crate-level attributes (docs from the README, lints) do not apply
    // inside another crate's module.
    file.attrs.clear();
    file.items = inline_modules(&files, std::mem::take(&mut file.items), "src")?;
    Ok(format!("{}{}", rust::HEADER, prettyplease::unparse(&file)))
}

/// Emits the conformance cases of the client as one Rust source file for
/// `include!`: one case per operation and variant (`required`, `full`),
/// built through the client at `crate_path` (e.g. `::my_client`), and a
/// table of every operation. See [`crate::generate_conformance`].
pub fn emit_conformance(api: &Api, crate_path: &str) -> Result<String, Error> {
    let root: syn::Path = syn::parse_str(crate_path).map_err(|e| Error::InvalidOutput {
        file: "crate path".into(),
        message: format!("`{crate_path}` is not a Rust path: {e}"),
    })?;
    conformance::file(&Ctx {
        api,
        root: quote!(#root),
    })
}

fn parse(files: &[OutputFile], path: &str) -> Result<syn::File, Error> {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .ok_or_else(|| Error::InvalidOutput {
            file: path.into(),
            message: "module file was not generated".into(),
        })?;
    syn::parse_file(&file.contents).map_err(|e| Error::InvalidOutput {
        file: path.into(),
        message: e.to_string(),
    })
}

/// Replaces each `mod x;` with `mod x { .. }` holding the items of
/// `dir/x.rs` or `dir/x/mod.rs`; the file's inner attributes move inside.
fn inline_modules(
    files: &[OutputFile],
    items: Vec<syn::Item>,
    dir: &str,
) -> Result<Vec<syn::Item>, Error> {
    items
        .into_iter()
        .map(|item| match item {
            syn::Item::Mod(mut m) if m.content.is_none() => {
                let name = m.ident.to_string();
                let flat = format!("{dir}/{name}.rs");
                let path = if files.iter().any(|f| f.path == flat) {
                    flat
                } else {
                    format!("{dir}/{name}/mod.rs")
                };
                let file = parse(files, &path)?;
                let inner = inline_modules(files, file.items, &format!("{dir}/{name}"))?;
                m.attrs.retain(|a| {
                    a.path()
                        .segments
                        .first()
                        .is_none_or(|s| s.ident != "rustfmt")
                });
                m.attrs.push(syn::parse_quote!(#[allow(deprecated)]));
                // The file's inner attributes (`//!` docs, lint levels) apply to
                // the module; written before it, they do the same.
                m.attrs.extend(file.attrs.into_iter().map(|mut a| {
                    a.style = syn::AttrStyle::Outer;
                    a
                }));
                m.content = Some((Default::default(), inner));
                m.semi = None;
                Ok(syn::Item::Mod(m))
            }
            other => Ok(other),
        })
        .collect()
}

fn emit_with_root(api: &Api, root: TokenStream) -> Result<Vec<OutputFile>, Error> {
    let ctx = Ctx { api, root };
    let mut files = templates::render_crate(&ctx)?;
    files.push(rust_file("src/auth.rs", auth::file(&ctx))?);
    files.extend(grouped(
        &ctx,
        "models",
        "Data types of requests and responses.",
        models::items,
    )?);
    files.extend(grouped(
        &ctx,
        "params",
        "Parameters of operations that take query, header or cookie parameters.",
        params::items,
    )?);
    let accessors = resources::client_accessors(&ctx);
    files.extend(grouped_with(
        &ctx,
        "resources",
        "The resource tree: one struct per path prefix, with its operations.",
        accessors,
        resources::items,
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn rust_file(path: &str, tokens: TokenStream) -> Result<OutputFile, Error> {
    Ok(OutputFile {
        path: path.to_owned(),
        contents: format_file(path, tokens)?,
    })
}

fn grouped(
    ctx: &Ctx<'_>,
    module: &str,
    doc: &str,
    items: impl Fn(&Ctx<'_>, Option<usize>) -> TokenStream,
) -> Result<Vec<OutputFile>, Error> {
    grouped_with(ctx, module, doc, TokenStream::new(), items)
}

/// `src/<module>/mod.rs` with the shared items and one file per group that
/// has items, each re-exported so paths stay flat (`models::Account`).
fn grouped_with(
    ctx: &Ctx<'_>,
    module: &str,
    doc: &str,
    extra: TokenStream,
    items: impl Fn(&Ctx<'_>, Option<usize>) -> TokenStream,
) -> Result<Vec<OutputFile>, Error> {
    let mut files = Vec::new();
    let mut submodules = Vec::new();
    for (i, feature) in ctx.api.features.iter().enumerate() {
        let body = items(ctx, Some(i));
        if body.is_empty() {
            continue;
        }
        let path = format!("src/{module}/{}.rs", feature.name);
        let file_doc = docs::inner_text_attrs(&format!(
            "Part of `{module}` for the `{}` resource.",
            feature.name
        ));
        files.push(rust_file(&path, quote!(#file_doc #body))?);
        let m = ident(&feature.name);
        let cfg = ctx.cfg(Some(i));
        submodules.push(quote! {
            #cfg
            mod #m;
            #cfg
            pub use #m::*;
        });
    }
    let shared = items(ctx, None);
    let module_doc = docs::inner_text_attrs(doc);
    files.push(rust_file(
        &format!("src/{module}/mod.rs"),
        quote! {
            #module_doc
            #(#submodules)*
            #extra
            #shared
        },
    )?);
    Ok(files)
}
