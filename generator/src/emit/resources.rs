//! The resource tree and endpoint functions:
//! `client.accounts().members().list(account_id, params)`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::text_attrs;
use super::params::{body_ty, style, write_body};
use super::rust::{Ctx, ident};
use crate::ir::names::reserved::locals;
use crate::ir::{Api, Operation, Pagination, Param, ResponseKind, Segment, TypeRef};

/// Accessors on the client for the top-level resources.
pub fn client_accessors(ctx: &Ctx<'_>) -> TokenStream {
    let root = &ctx.root;
    let accessors = ctx.api.resources[0].children.iter().map(|&c| {
        let r = &ctx.api.resources[c];
        let accessor = ident(&r.accessor);
        let name = ident(&r.name);
        let cfg = ctx.cfg(r.feature);
        let doc = text_attrs(&format!("Operations under `/{}`.", r.path.join("/")));
        quote! {
            #cfg
            #doc
            pub fn #accessor(&self) -> #root::resources::#name<'_> {
                #root::resources::#name { client: self }
            }
        }
    });
    quote! {
        impl #root::Client {
            #(#accessors)*
        }
    }
}

/// Indices of the resources of one group (the root is the client itself).
pub fn units(api: &Api, group: Option<usize>) -> Vec<usize> {
    (1..api.resources.len())
        .filter(|&i| api.resources[i].feature == group)
        .collect()
}

/// One resource struct and its operations.
pub fn render(ctx: &Ctx<'_>, unit: usize) -> TokenStream {
    resource(ctx, unit)
}

fn resource(ctx: &Ctx<'_>, index: usize) -> TokenStream {
    let root = &ctx.root;
    let r = &ctx.api.resources[index];
    let name = ident(&r.name);
    let doc = text_attrs(&format!(
        "Operations under `/{}`. Obtained from `{}`.",
        r.path.join("/"),
        accessor_chain(ctx, index)
    ));
    let children = r.children.iter().map(|&c| {
        let child = &ctx.api.resources[c];
        let accessor = ident(&child.accessor);
        let child_name = ident(&child.name);
        let doc = text_attrs(&format!("Operations under `/{}`.", child.path.join("/")));
        quote! {
            #doc
            pub fn #accessor(&self) -> #root::resources::#child_name<'a> {
                #root::resources::#child_name { client: self.client }
            }
        }
    });
    let ops = r
        .operations
        .iter()
        .map(|&o| endpoint(ctx, &ctx.api.operations[o]));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            pub(crate) client: &'a #root::Client,
        }

        impl<'a> #name<'a> {
            #(#children)*
            #(#ops)*
        }
    }
}

pub(super) fn accessor_chain(ctx: &Ctx<'_>, index: usize) -> String {
    let chain: Vec<String> = ctx
        .api
        .accessors(index)
        .iter()
        .map(|a| format!("{a}()"))
        .collect();
    format!("client.{}", chain.join("."))
}

/// The client method's path parameter arguments: `&str` for strings,
/// the parameter's own type otherwise.
pub(super) fn path_param_args(ctx: &Ctx<'_>, op: &Operation) -> Vec<TokenStream> {
    op.path_params
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            if Ctx::is_string(&p.ty) {
                quote!(#n: &str)
            } else {
                let t = ctx.ty(&p.ty);
                quote!(#n: #t)
            }
        })
        .collect()
}

/// The arguments that encode path parameter `p` into the path
/// (`name, value, style, explode`), as the runtime's encoders take them.
pub(super) fn path_param_encoding(ctx: &Ctx<'_>, p: &Param) -> TokenStream {
    let n = ident(&p.name);
    let wire = &p.wire;
    let style = style(ctx, p.style);
    let explode = p.explode;
    let value = if Ctx::is_string(&p.ty) {
        quote!(#n)
    } else {
        quote!(&#n)
    };
    quote!(#wire, #value, #style, #explode)
}

/// The runtime's `Paging` value for an operation's pagination style.
pub(super) fn paging(ctx: &Ctx<'_>, p: &Pagination) -> TokenStream {
    let root = &ctx.root;
    match p {
        Pagination::PageNumber {
            page_param,
            total_pages,
        } => {
            quote!(#root::pagination::Paging::PageNumber { param: #page_param, total_pages: &[#(#total_pages),*] })
        }
        Pagination::Cursor { param, next } => {
            quote!(#root::pagination::Paging::Cursor { param: #param, next: &[#(#next),*] })
        }
        Pagination::PageToken { param, next } => {
            quote!(#root::pagination::Paging::PageToken { param: #param, next: &[#(#next),*] })
        }
    }
}

/// The result type an operation's request yields.
/// The runtime function that decodes the operation's response: for JSON
/// whose result or result info holds maps, the one taking their wire forms
/// (so map entries that do not fit are skipped, see the runtime's
/// `de::Wire`).
fn decoder(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let root = &ctx.root;
    let (name, lenient) = match op.response.kind {
        ResponseKind::Envelope => ("decode_envelope", true),
        ResponseKind::Json => ("decode_json", true),
        ResponseKind::Text => ("decode_text", false),
        ResponseKind::Bytes => ("decode_bytes", false),
        ResponseKind::Empty => ("decode_empty", false),
    };
    let (result, info) = (&op.response.ty, &op.response.info);
    if !(lenient && (result.holds_map() || info.holds_map())) {
        let name = ident(name);
        return quote!(#root::request::#name);
    }
    let name = quote::format_ident!("{name}_as");
    let mut wire = ctx.wire_form(result);
    if op.response.nullable {
        wire = quote!(::std::option::Option<#wire>);
    }
    let info = ctx.wire_form(info);
    quote!(#root::request::#name::<#wire, #info>)
}

pub(super) fn result_ty(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let t = match op.response.kind {
        ResponseKind::Empty => quote!(()),
        _ => ctx.ty(&op.response.ty),
    };
    if op.response.nullable && op.response.kind != ResponseKind::Empty {
        quote!(::std::option::Option<#t>)
    } else {
        t
    }
}

fn endpoint_doc(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let mut text = String::new();
    match (&op.docs.summary, &op.docs.description) {
        (Some(s), Some(d)) if s.trim() != d.trim() => {
            text.push_str(&format!("{}\n\n{}", s.trim(), d.trim()))
        }
        (Some(s), _) => text.push_str(s.trim()),
        (None, Some(d)) => text.push_str(d.trim()),
        (None, None) => text.push_str(&format!("`{} {}`", op.method, op.path)),
    }
    text.push_str(&format!(
        "\n\n`{} {}` (operation `{}`).",
        op.method, op.path, op.id
    ));
    match &op.security {
        Some(kinds) if !kinds.is_empty() => {
            let names: Vec<String> = kinds
                .iter()
                .map(|k| format!("`Credentials::{}`", ctx.api.auth.credentials[*k].variant))
                .collect();
            text.push_str(&format!(" Accepts {}.", names.join(" or ")));
        }
        None => text.push_str(" Sent without credentials."),
        _ => {}
    }
    if op.pagination.is_some()
        || matches!(op.response.ty, TypeRef::Array(_)) && op.response.kind != ResponseKind::Text
    {
        text.push_str(" Use `.pages()` or `.items()` on the request to stream every page.");
    }
    super::docs::text_attrs(&text)
}

fn endpoint(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let root = &ctx.root;
    // Bound next to the path parameters, whose names the IR keeps apart.
    let parts = ident(locals::PARTS);
    let params = ident(locals::PARAMS);
    let body = ident(locals::BODY);
    let fn_name = ident(&op.fn_name);
    let doc = endpoint_doc(ctx, op);
    let deprecated = if op.docs.deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    };
    let mut args = path_param_args(ctx, op);
    let mut steps: Vec<TokenStream> = Vec::new();
    for seg in &op.segments {
        match seg {
            Segment::Literal(text) => steps.push(quote!(#parts.literal(#text);)),
            Segment::Param(i) => {
                let encoding = path_param_encoding(ctx, &op.path_params[*i]);
                steps.push(quote!(#parts.path_param(#encoding);));
            }
        }
    }
    if let Some(p) = &op.params {
        let t = ident(&p.name);
        args.push(quote!(#params: #root::params::#t));
        steps.push(quote!(#root::request::WriteParams::write(#params, &mut #parts);));
    } else if let Some(b) = &op.body {
        let t = body_ty(ctx, b);
        if b.required {
            args.push(quote!(#body: #t));
            steps.push(write_body(ctx, b, quote!(&#body)));
        } else {
            args.push(quote!(#body: ::std::option::Option<#t>));
            let call = write_body(ctx, b, quote!(#body));
            steps.push(quote!(if let ::std::option::Option::Some(#body) = &#body { #call }));
        }
    }
    if op.response.accept != "application/json" {
        let accept = &op.response.accept;
        steps.push(quote!(#parts.accept(#accept);));
    }
    if op.security.is_some() {
        steps.push(quote!(#parts.authenticate();));
    }
    if let Some(p) = &op.pagination {
        let paging = paging(ctx, p);
        steps.push(quote!(#parts.paginate(#paging);));
    }
    let result = result_ty(ctx, op);
    let info = ctx.ty(&op.response.info);
    let decoder = decoder(ctx, op);
    let method = ident(&op.method);
    let (id, path) = (&op.id, &op.path);
    quote! {
        #doc
        #deprecated
        pub fn #fn_name(&self, #(#args),*) -> #root::Request<#result, #info> {
            let mut #parts = #root::request::RequestParts::new(::reqwest::Method::#method);
            #parts.operation(#id, #path);
            #(#steps)*
            #root::Request::new(self.client, #parts, #decoder)
        }
    }
}
