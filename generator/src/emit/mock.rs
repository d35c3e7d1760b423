//! The typed part of the mock kit (`src/mock_resources.rs`, behind the
//! `mock` feature): the client's resource tree on the runtime's
//! `MockServer`, one typed `Endpoint` per operation, and `client()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::text_attrs;
use super::resources::{paging, path_param_args, path_param_encoding, result_ty};
use super::rust::{Ctx, ident};
use crate::ir::{BodyMedia, Operation, Resource, ResponseKind, Segment};

/// The whole `mock_resources` module.
pub fn file(ctx: &Ctx<'_>) -> TokenStream {
    let doc = super::docs::inner_text_attrs(
        "The client's resource tree on the mock server (feature `mock`): one typed\n\
         endpoint per operation. Start from `mock::MockServer`.",
    );
    let server = server_impl(ctx);
    let resources = (1..ctx.api.resources.len()).map(|r| resource(ctx, r));
    quote! {
        #doc
        #server
        #(#resources)*
    }
}

/// Accessors for the top-level resources, and `client()`.
fn server_impl(ctx: &Ctx<'_>) -> TokenStream {
    let root = &ctx.root;
    let accessors = ctx.api.resources[0].children.iter().map(|&c| {
        let r = &ctx.api.resources[c];
        let accessor = ident(&r.accessor);
        let name = ident(&r.name);
        let cfg = ctx.cfg(r.feature);
        let doc = mocks_doc(r);
        quote! {
            #cfg
            #doc
            pub fn #accessor(&self) -> #root::mock_resources::#name<'_> {
                #root::mock_resources::#name { mock: self }
            }
        }
    });
    let credentials = match ctx.api.auth.credentials.first() {
        Some(kind) => {
            let method = ident(&kind.method);
            let values = kind.schemes.iter().map(|_| quote!("test"));
            quote!(.credentials(#root::Credentials::#method(#(#values),*)))
        }
        None => TokenStream::new(),
    };
    let client_doc = match ctx.api.auth.credentials.first() {
        Some(kind) => format!(
            "A client pointing at this server, with `Credentials::{}` of test values\n\
             and a 1 ms retry backoff.",
            kind.variant
        ),
        None => "A client pointing at this server, with a 1 ms retry backoff.".to_owned(),
    };
    let client_doc = text_attrs(&client_doc);
    let client = ident(crate::ir::names::reserved::MOCK_CLIENT);
    quote! {
        impl #root::mock::MockServer {
            #(#accessors)*

            #client_doc
            pub fn #client(&self) -> #root::Client {
                match self.client_builder() #credentials .build() {
                    ::std::result::Result::Ok(client) => client,
                    ::std::result::Result::Err(e) => {
                        ::std::panic!("the mock server's client cannot be built: {e}")
                    }
                }
            }
        }
    }
}

/// One resource of the mock tree and its operations.
fn resource(ctx: &Ctx<'_>, index: usize) -> TokenStream {
    let root = &ctx.root;
    let r = &ctx.api.resources[index];
    let name = ident(&r.name);
    let cfg = ctx.cfg(r.feature);
    let doc = mocks_doc(r);
    let children = r.children.iter().map(|&c| {
        let child = &ctx.api.resources[c];
        let accessor = ident(&child.accessor);
        let child_name = ident(&child.name);
        let doc = mocks_doc(child);
        quote! {
            #doc
            pub fn #accessor(&self) -> #root::mock_resources::#child_name<'m> {
                #root::mock_resources::#child_name { mock: self.mock }
            }
        }
    });
    let ops = r
        .operations
        .iter()
        .map(|&o| endpoint(ctx, &ctx.api.operations[o]));
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'m> {
            pub(crate) mock: &'m #root::mock::MockServer,
        }

        #cfg
        impl<'m> #name<'m> {
            #(#children)*
            #(#ops)*
        }
    }
}

/// The doc of a resource's mocks and of the accessor leading to them.
fn mocks_doc(r: &Resource) -> TokenStream {
    text_attrs(&format!(
        "Mocks of the operations under `/{}`.",
        r.path.join("/")
    ))
}

/// The mock of one operation: the client method's path parameters, an
/// endpoint typed with its result, params and body.
fn endpoint(ctx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let root = &ctx.root;
    let fn_name = ident(&op.fn_name);
    let call = super::resources::accessor_chain(ctx, op.resource).replacen("client.", "mock.", 1);
    let doc = text_attrs(&format!(
        "The mock of `{call}.{}()` (`{} {}`), for these path parameters.",
        op.fn_name, op.method, op.path
    ));
    let args = path_param_args(ctx, op);
    let pieces = op.segments.iter().map(|seg| match seg {
        Segment::Literal(text) => {
            quote!(::std::result::Result::Ok(::std::string::String::from(#text)))
        }
        Segment::Param(i) => {
            let encoding = path_param_encoding(ctx, &op.path_params[*i]);
            quote!(#root::encoding::path_value(#encoding))
        }
    });
    let result = result_ty(ctx, op);
    let info = ctx.ty(&op.response.info);
    let (params_ty, params_setup) = match &op.params {
        Some(p) => {
            let t = ident(&p.name);
            let method = ident(&op.method);
            (
                quote!(#root::params::#t),
                quote!(.params(|params: #root::params::#t| {
                    let mut parts = #root::request::RequestParts::new(::reqwest::Method::#method);
                    #root::request::WriteParams::write(params, &mut parts);
                    parts.query
                })),
            )
        }
        None => (quote!(#root::mock::NoParams), TokenStream::new()),
    };
    let (body_ty, body_setup) = match &op.body {
        Some(b) if matches!(b.media, BodyMedia::Json(_)) => (ctx.ty(&b.ty), quote!(.json_body())),
        _ => (quote!(#root::mock::NoBody), TokenStream::new()),
    };
    let reply = ident(match op.response.kind {
        ResponseKind::Envelope => "Envelope",
        ResponseKind::Json => "Json",
        ResponseKind::Text => "Text",
        ResponseKind::Bytes => "Bytes",
        ResponseKind::Empty => "Empty",
    });
    let paging = match &op.pagination {
        Some(p) => {
            let paging = paging(ctx, p);
            quote!(::std::option::Option::Some(#paging))
        }
        None => quote!(::std::option::Option::None),
    };
    let id = &op.id;
    let method = &op.method;
    quote! {
        #doc
        pub fn #fn_name(&self, #(#args),*) -> #root::mock::Endpoint<'m, #result, #info, #params_ty, #body_ty> {
            #root::mock::Endpoint::new(
                self.mock,
                #root::mock::Operation {
                    id: #id,
                    method: #method,
                    reply: #root::mock::Reply::#reply,
                    paging: #paging,
                },
                [#(#pieces),*].into_iter().collect(),
            )
            #params_setup
            #body_setup
        }
    }
}
