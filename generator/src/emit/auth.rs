//! `auth.rs`: the `Credentials` enum, how each kind is sent, and how it is
//! read from environment variables.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{inner_text_attrs, text_attrs};
use super::rust::{Ctx, ident};
use crate::ir::names::reserved::locals;
use crate::ir::{Credential, Placement, Scheme};

/// Human readable list of the environment variables of each credential
/// kind, e.g. "`A`, or `B` and `C`".
pub fn env_list(ctx: &Ctx<'_>) -> String {
    let kinds: Vec<String> = ctx
        .api
        .auth
        .credentials
        .iter()
        .filter_map(|c| env_vars(ctx, c))
        .map(|vars| {
            vars.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    if kinds.is_empty() {
        "(no environment variables are configured)".into()
    } else {
        kinds.join(", or ")
    }
}

/// The environment variables of a credential kind, if all its schemes have one.
pub fn env_vars<'a>(ctx: &'a Ctx<'_>, c: &Credential) -> Option<Vec<&'a str>> {
    c.schemes
        .iter()
        .map(|s| ctx.api.auth.schemes[*s].env.as_deref())
        .collect()
}

fn schemes<'a>(ctx: &'a Ctx<'_>, c: &Credential) -> Vec<&'a Scheme> {
    c.schemes
        .iter()
        .map(|s| &ctx.api.auth.schemes[*s])
        .collect()
}

/// The `auth.rs` file.
pub fn file(ctx: &Ctx<'_>) -> TokenStream {
    let root = &ctx.root;
    let target = ident(locals::TARGET);
    let found = ident(locals::FOUND);
    let module_doc = inner_text_attrs(
        "Credentials, how each kind is sent, and how they are read from the environment.",
    );
    let variants = ctx.api.auth.credentials.iter().map(|c| variant(ctx, c));
    let constructors = ctx.api.auth.credentials.iter().map(|c| constructor(ctx, c));
    let builder_methods = ctx
        .api
        .auth
        .credentials
        .iter()
        .map(|c| builder_method(ctx, c));
    let apply_arms = ctx.api.auth.credentials.iter().map(|c| apply_arm(ctx, c));
    let debug_arms = ctx.api.auth.credentials.iter().map(|c| {
        let v = ident(&c.variant);
        let text = format!("{}([REDACTED])", c.variant);
        quote!(Self::#v { .. } => f.write_str(#text),)
    });
    // With no credential kinds the enum is uninhabited: match on the value.
    let (apply_body, debug_body) = if ctx.api.auth.credentials.is_empty() {
        (quote!(match *self {}), quote!(let _ = f; match *self {}))
    } else {
        (
            quote! {
                match self {
                    #(#apply_arms)*
                }
                ::std::result::Result::Ok(())
            },
            quote! {
                match self {
                    #(#debug_arms)*
                }
            },
        )
    };
    let lookups: Vec<TokenStream> = ctx
        .api
        .auth
        .credentials
        .iter()
        .filter_map(|c| lookup(ctx, c))
        .collect();
    let expected = env_list(ctx);
    let from_vars_body = if lookups.is_empty() {
        quote! {
            let _ = (lookup, optional);
            ::std::result::Result::Ok(::std::option::Option::None)
        }
    } else {
        quote! {
            let mut #found: ::std::vec::Vec<(&'static str, Self)> = ::std::vec::Vec::new();
            let mut partial: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#lookups)*
            #root::client::choose_credentials(#found, partial, #expected, optional)
        }
    };
    quote! {
        #module_doc

        use #root::client::ClientBuilder;
        use #root::error::Error;

        /// The credentials a client authenticates with. A client holds one
        /// kind and sends exactly that kind on every request that needs
        /// authentication.
        #[derive(Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Credentials {
            #(#variants)*
        }

        impl Credentials {
            #(#constructors)*

            /// Adds these credentials to a request.
            #[allow(unused_variables)]
            pub(crate) fn apply(&self, #target: #root::request::AuthTarget<'_>) -> ::std::result::Result<(), Error> {
                #apply_body
            }

            /// Reads credentials through `lookup`. `None` when no kind of
            /// credentials has environment variables, or when none is set and
            /// credentials are `optional` (already configured).
            pub(crate) fn from_vars(
                lookup: &dyn Fn(&str) -> ::std::option::Option<::std::string::String>,
                optional: bool,
            ) -> ::std::result::Result<::std::option::Option<Self>, Error> {
                #from_vars_body
            }
        }

        impl ::std::fmt::Debug for Credentials {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #debug_body
            }
        }

        impl ClientBuilder {
            #(#builder_methods)*
        }
    }
}

fn scheme_doc(s: &Scheme) -> String {
    let how = match &s.placement {
        Placement::Bearer => "an `Authorization: Bearer` header".to_owned(),
        Placement::Basic => "an `Authorization: Basic` header (`user:password`)".to_owned(),
        Placement::Header(h) => format!("the `{h}` header"),
        Placement::Query(q) => format!("the `{q}` query parameter"),
        Placement::Cookie(c) => format!("the `{c}` cookie"),
    };
    match &s.env {
        Some(env) => format!("Sent in {how}; read from `{env}`."),
        None => format!("Sent in {how}."),
    }
}

fn variant(ctx: &Ctx<'_>, c: &Credential) -> TokenStream {
    let root = &ctx.root;
    let v = ident(&c.variant);
    let schemes = schemes(ctx, c);
    let fields = schemes.iter().map(|s| {
        let f = ident(&s.field);
        let doc = text_attrs(&scheme_doc(s));
        quote!(#doc #f: #root::client::Secret,)
    });
    let names: Vec<String> = schemes.iter().map(|s| format!("`{}`", s.key)).collect();
    let doc = text_attrs(&format!(
        "The {} security scheme{}.",
        names.join(" and "),
        if names.len() > 1 { "s together" } else { "" }
    ));
    quote!(#doc #v { #(#fields)* },)
}

fn constructor(ctx: &Ctx<'_>, c: &Credential) -> TokenStream {
    let root = &ctx.root;
    let v = ident(&c.variant);
    let m = ident(&c.method);
    let fields: Vec<_> = schemes(ctx, c).iter().map(|s| ident(&s.field)).collect();
    let doc = text_attrs(&format!(
        "`Credentials::{}` from its secret values.",
        c.variant
    ));
    quote! {
        #doc
        pub fn #m(#(#fields: impl ::std::convert::Into<#root::client::Secret>),*) -> Self {
            Self::#v { #(#fields: #fields.into()),* }
        }
    }
}

fn builder_method(ctx: &Ctx<'_>, c: &Credential) -> TokenStream {
    let root = &ctx.root;
    let m = ident(&c.method);
    let fields: Vec<_> = schemes(ctx, c).iter().map(|s| ident(&s.field)).collect();
    let doc = text_attrs(&format!("Authenticates with `Credentials::{}`.", c.variant));
    quote! {
        #doc
        pub fn #m(self, #(#fields: impl ::std::convert::Into<#root::client::Secret>),*) -> Self {
            self.credentials(Credentials::#m(#(#fields),*))
        }
    }
}

fn apply_arm(ctx: &Ctx<'_>, c: &Credential) -> TokenStream {
    let root = &ctx.root;
    // The secret fields are bound beside `target`; the IR keeps them apart.
    let target = ident(locals::TARGET);
    let v = ident(&c.variant);
    let schemes = schemes(ctx, c);
    let fields: Vec<_> = schemes.iter().map(|s| ident(&s.field)).collect();
    let sends = schemes.iter().map(|s| {
        let f = ident(&s.field);
        match &s.placement {
            Placement::Bearer => quote! {
                #target.headers.insert(::reqwest::header::AUTHORIZATION, #root::client::sensitive(&::std::format!("Bearer {}", #f.expose()))?);
            },
            Placement::Basic => quote! {
                #target.headers.insert(::reqwest::header::AUTHORIZATION, #root::client::sensitive(&::std::format!("Basic {}", #root::encoding::base64(#f.expose().as_bytes())))?);
            },
            Placement::Header(name) => quote! {
                #target.headers.insert(#root::client::header_name(#name)?, #root::client::sensitive(#f.expose())?);
            },
            Placement::Query(name) => quote! {
                #target.query.push((::std::string::String::from(#name), #f.expose().to_owned()));
            },
            Placement::Cookie(name) => quote! {
                #target.cookies.push(::std::format!("{}={}", #name, #f.expose()));
            },
        }
    });
    quote! {
        Self::#v { #(#fields),* } => {
            #(#sends)*
        }
    }
}

fn lookup(ctx: &Ctx<'_>, c: &Credential) -> Option<TokenStream> {
    let root = &ctx.root;
    // The secret fields are bound before `found` is used; the IR keeps them apart.
    let found = ident(locals::FOUND);
    let vars = env_vars(ctx, c)?;
    let v = ident(&c.variant);
    let fields: Vec<_> = schemes(ctx, c).iter().map(|s| ident(&s.field)).collect();
    let label = vars
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    Some(quote! {
        {
            let names = [#(#vars),*];
            let values = names.map(lookup);
            if values.iter().all(::std::option::Option::is_some) {
                let [#(#fields),*] = values.map(::std::option::Option::unwrap_or_default);
                #found.push((#label, Self::#v { #(#fields: #fields.into()),* }));
            } else if values.iter().any(::std::option::Option::is_some) {
                partial.push(#root::client::partial_credentials(&names, &values));
            }
        }
    })
}
