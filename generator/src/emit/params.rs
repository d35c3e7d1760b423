//! Params builders: one struct per operation with query, header or cookie
//! parameters. Required values go to `new(..)`, optional ones have chained
//! setters, and the request body (if any) is the `body` field.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, text_attrs, value_doc_attrs};
use super::rust::{Ctx, ident};
use crate::ir::names::reserved::locals;
use crate::ir::{Api, Body, BodyMedia, Location, Operation, Param, ParamsStruct, Style, TypeRef};

/// Indices of the operations of one group that have a params struct.
pub fn units(api: &Api, group: Option<usize>) -> Vec<usize> {
    (0..api.operations.len())
        .filter(|&i| api.operations[i].feature == group && api.operations[i].params.is_some())
        .collect()
}

/// The params struct of one operation.
pub fn render(ctx: &Ctx<'_>, unit: usize) -> TokenStream {
    let op = &ctx.api.operations[unit];
    match &op.params {
        Some(p) => params_struct(ctx, op, p),
        None => TokenStream::new(),
    }
}

/// A human readable call, e.g. `client.accounts().members().list`.
pub fn call_path(ctx: &Ctx<'_>, op: &Operation) -> String {
    let mut text = String::from("client");
    for accessor in ctx.api.accessors(op.resource) {
        text.push_str(&format!(".{accessor}()"));
    }
    text.push('.');
    text.push_str(&op.fn_name);
    text
}

/// The same call as tokens (`client.accounts().members().list`), to
/// which the caller appends the arguments.
pub fn call_tokens(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let chain = ctx.api.accessors(op.resource).into_iter().map(ident);
    let f = ident(&op.fn_name);
    quote!(client #(.#chain())* .#f)
}

fn params_struct(ctx: &Ctx<'_>, op: &Operation, p: &ParamsStruct) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&p.name);
    // The body field and the `write` argument; the IR keeps field names apart.
    let body_name = ident(locals::BODY);
    let parts = ident(locals::PARTS);
    let body = op.body.as_ref().filter(|_| p.has_body);
    let fields = p.fields.iter().map(|f| {
        let n = ident(&f.name);
        let t = ctx.field_ty(&f.ty, false, !f.required);
        let docs = value_doc_attrs(&ctx.api.types, &f.docs, &f.ty, &f.constraints);
        quote!(#docs pub #n: #t,)
    });
    let body_field = body.map(|b| {
        let t = body_ty(ctx, b);
        let t = if b.required {
            t
        } else {
            quote!(::std::option::Option<#t>)
        };
        let docs = doc_attrs(&b.docs, "The request body.");
        quote!(#docs pub #body_name: #t,)
    });
    // Integer parameters take any primitive integer; one that does not fit
    // is kept in this field and fails the request when it is sent.
    let integers = p.fields.iter().any(|f| is_integer(&f.ty));
    let invalid = ident(locals::INVALID_ARGUMENT);
    let invalid_field =
        integers.then(|| quote!(#invalid: ::std::option::Option<::std::string::String>,));
    let required: Vec<&Param> = p.fields.iter().filter(|f| f.required).collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let n = ident(&f.name);
            if is_integer(&f.ty) {
                return quote!(#n: impl #root::Integer);
            }
            let (t, _) = ctx.arg(&f.ty, TokenStream::new());
            quote!(#n: #t)
        })
        .collect();
    let mut inits: Vec<TokenStream> = p
        .fields
        .iter()
        .map(|f| {
            let n = ident(&f.name);
            if f.required && is_integer(&f.ty) {
                let wire = &f.wire;
                quote!(#n: #root::encoding::integer(#wire, #n, &mut #invalid).unwrap_or_default())
            } else if f.required {
                let (_, value) = ctx.arg(&f.ty, quote!(#n));
                quote!(#n: #value)
            } else {
                quote!(#n: ::std::option::Option::None)
            }
        })
        .collect();
    // Only a required integer can be out of range in `new(..)`.
    let checked_in_new = required.iter().any(|f| is_integer(&f.ty));
    if checked_in_new {
        inits.push(quote!(#invalid));
    } else if integers {
        inits.push(quote!(#invalid: ::std::option::Option::None));
    }
    let init_invalid =
        checked_in_new.then(|| quote!(let mut #invalid = ::std::option::Option::None;));
    if let Some(b) = body {
        if b.required {
            let t = body_ty(ctx, b);
            args.push(quote!(#body_name: #t));
            inits.push(quote!(#body_name));
        } else {
            inits.push(quote!(#body_name: ::std::option::Option::None));
        }
    }
    let setters = p.fields.iter().filter(|f| !f.required).map(|f| {
        let n = ident(&f.name);
        let setter = ident(&f.setter);
        let doc = text_attrs(&format!("Sets `{}`.", f.wire));
        if is_integer(&f.ty) {
            let wire = &f.wire;
            return quote! {
                #doc
                #[must_use]
                pub fn #setter(mut self, value: impl #root::Integer) -> Self {
                    if let ::std::option::Option::Some(value) = #root::encoding::integer(#wire, value, &mut self.#invalid) {
                        self.#n = ::std::option::Option::Some(value);
                    }
                    self
                }
            };
        }
        let (t, value) = ctx.arg(&f.ty, quote!(value));
        quote! {
            #doc
            #[must_use]
            pub fn #setter(mut self, value: #t) -> Self {
                self.#n = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let body_setter = body.filter(|b| !b.required).map(|b| {
        let t = body_ty(ctx, b);
        quote! {
            /// Sets the request body.
            #[must_use]
            pub fn #body_name(mut self, value: #t) -> Self {
                self.#body_name = ::std::option::Option::Some(value);
                self
            }
        }
    });
    let writes = p.fields.iter().map(|f| write_param(ctx, f));
    let write_body = body.map(|b| {
        let access = if b.required {
            quote!(&self.#body_name)
        } else {
            quote!(#body_name)
        };
        let call = write_body(ctx, b, access);
        if b.required {
            call
        } else {
            quote!(if let ::std::option::Option::Some(#body_name) = &self.#body_name { #call })
        }
    });
    let reject = integers.then(|| {
        quote! {
            if let ::std::option::Option::Some(problem) = &self.#invalid {
                #parts.reject(::std::clone::Clone::clone(problem));
            }
        }
    });
    let derive_default = required.is_empty() && body.is_none_or(|b| !b.required);
    let default = if derive_default {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let doc = text_attrs(&format!("Parameters of `{}(..)`.", call_path(ctx, op)));
    let new_doc = text_attrs("Parameters with the required values set.");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #body_field
            #invalid_field
        }

        impl #name {
            #new_doc
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                #init_invalid
                Self { #(#inits),* }
            }
            #(#setters)*
            #body_setter
        }

        impl #root::request::WriteParams for #name {
            fn write(self, #parts: &mut #root::request::RequestParts) {
                #reject
                #(#writes)*
                #write_body
            }
        }
    }
}

/// Whether a parameter is an integer, which setters take as any primitive
/// integer.
fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Int(_))
}

/// The Rust type of a request body.
pub fn body_ty(ctx: &Ctx<'_>, b: &Body) -> TokenStream {
    let root = &ctx.root;
    match b.media {
        BodyMedia::Multipart => quote!(#root::Multipart),
        _ => ctx.ty(&b.ty),
    }
}

/// The `RequestParts` call that sends a body.
pub fn write_body(ctx: &Ctx<'_>, b: &Body, value: TokenStream) -> TokenStream {
    let _ = ctx;
    let parts = ident(locals::PARTS);
    match &b.media {
        BodyMedia::Json(ct) => quote!(#parts.json(#value, #ct);),
        BodyMedia::Form => quote!(#parts.form(#value);),
        BodyMedia::Multipart => quote!(#parts.multipart(#value);),
        BodyMedia::Text(ct) => quote!(#parts.text(::std::clone::Clone::clone(#value), #ct);),
        BodyMedia::Binary(ct) => quote!(#parts.bytes(::std::clone::Clone::clone(#value), #ct);),
    }
}

/// The runtime `Style` of a parameter.
pub fn style(ctx: &Ctx<'_>, s: Style) -> TokenStream {
    let root = &ctx.root;
    let v = ident(match s {
        Style::Form => "Form",
        Style::Simple => "Simple",
        Style::SpaceDelimited => "SpaceDelimited",
        Style::PipeDelimited => "PipeDelimited",
        Style::DeepObject => "DeepObject",
        Style::Label => "Label",
        Style::Matrix => "Matrix",
    });
    quote!(#root::encoding::Style::#v)
}

fn write_param(ctx: &Ctx<'_>, f: &Param) -> TokenStream {
    let n = ident(&f.name);
    let parts = ident(locals::PARTS);
    let wire = &f.wire;
    let explode = f.explode;
    let value = if f.required {
        quote!(&self.#n)
    } else {
        quote!(value)
    };
    let call = match f.location {
        Location::Query => {
            let style = style(ctx, f.style);
            quote!(#parts.query(#wire, #value, #style, #explode);)
        }
        Location::Header => quote!(#parts.header(#wire, #value, #explode);),
        Location::Cookie => quote!(#parts.cookie(#wire, #value, #explode);),
        Location::Path => {
            let style = style(ctx, f.style);
            quote!(#parts.path_param(#wire, #value, #style, #explode);)
        }
    };
    if f.required {
        call
    } else {
        quote!(if let ::std::option::Option::Some(value) = &self.#n { #call })
    }
}
