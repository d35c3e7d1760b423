//! Compiled examples on the crate's entry points: the client, the
//! pagination streams and the error type, as doc attributes on the crate
//! root's re-exports (rustdoc shows a re-export's docs above the item's
//! own). The runtime defines those items but is copied verbatim, so it
//! cannot name the crate or its operations; the examples are emitted here.
//!
//! Only a standalone crate gets them: in a module included by another
//! crate, they would be that crate's doctests, naming a crate it is not.
//! Each is one doctest, so there are few. The code is built with `quote!`
//! and formatted by prettyplease; the function around it is hidden.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{Ctx, ident};
use super::templates::{feature_gate, first_simple_list};
use crate::diagnostics::Error;
use crate::ir::Operation;

/// The doc attributes of the entry points' re-exports.
pub struct EntryDocs {
    /// On `Client`: building one from the environment, or with
    /// credentials, a base URL and client-wide settings.
    pub client: TokenStream,
    /// On `Pages`: `pages()` and `items()` of a list operation.
    pub pages: TokenStream,
    /// On `Error`: matching variants, statuses and error codes.
    pub error: TokenStream,
}

/// The examples for the crate `ctx` describes.
pub fn entry_docs(ctx: &Ctx<'_>) -> Result<EntryDocs, Error> {
    Ok(EntryDocs {
        client: client(ctx)?,
        pages: pages(ctx)?,
        error: error(ctx)?,
    })
}

fn client(ctx: &Ctx<'_>) -> Result<TokenStream, Error> {
    let lib = ident(&ctx.api.krate.lib);
    // The first kind of credentials, with a placeholder for each secret.
    let credentials = ctx.api.auth.credentials.first().map(|c| {
        let method = ident(&c.method);
        let secrets = c.schemes.iter().map(|&s| {
            let placeholder = format!("<{}>", ctx.api.auth.schemes[s].key);
            quote!(#placeholder)
        });
        quote!(.#method(#(#secrets),*))
    });
    let code = doctest(
        quote! {
            use std::time::Duration;
            use #lib::{Client, Error};
        },
        quote!(fn example() -> Result<(), Error>),
        quote! {
            let from_env = Client::from_env()?;
            let configured = Client::builder()
                #credentials
                .base_url("http://127.0.0.1:8080")
                .timeout(Duration::from_secs(10))
                .max_retries(5)
                .build()?;
            Ok(())
        },
        2,
    )?;
    let text = format!(
        "Build a client once and share it (clones share one connection pool):\n\
         `Client::from_env()` takes the credentials and the base URL from the\n\
         environment (see the crate documentation), `Client::builder()` takes\n\
         them, and settings for every request, in code.\n\
         \n\
         ```rust,no_run\n{code}```\n"
    );
    Ok(attrs(&text))
}

fn pages(ctx: &Ctx<'_>) -> Result<TokenStream, Error> {
    let lib = ident(&ctx.api.krate.lib);
    let intro = "A list operation's request streams its pages with `.pages()`, each a\n\
                 [`Page`] (the items, `result_info`, status and headers), or the items of\n\
                 every page with `.items()`. The next page is fetched only when the\n\
                 stream is polled. Both streams are `Unpin`, so `try_next()` (from\n\
                 `futures_util::TryStreamExt`) needs no pinning.\n";
    let Some(op) = first_simple_list(ctx) else {
        return Ok(attrs(intro));
    };
    // Hidden from the reader by `doctest`.
    let gate = feature_gate(ctx, op);
    let (params_use, call) = call(ctx, op);
    let params_use = (!params_use.is_empty()).then(|| quote!(#gate #params_use));
    let code = doctest(
        quote! {
            use futures_util::TryStreamExt;
            use #lib::{Client, Error};
            #params_use
        },
        quote!(#gate async fn example() -> Result<(), Error>),
        quote! {
            let client = Client::from_env()?;
            let mut pages = #call.pages();
            while let Some(page) = pages.try_next().await? {
                println!("{} items, {:?}", page.items.len(), page.result_info);
            }
            let mut items = #call.items();
            while let Some(item) = items.try_next().await? {
                println!("{item:?}");
            }
            Ok(())
        },
        2,
    )?;
    Ok(attrs(&format!("{intro}\n```rust,no_run\n{code}```\n")))
}

fn error(ctx: &Ctx<'_>) -> Result<TokenStream, Error> {
    let lib = ident(&ctx.api.krate.lib);
    let code = doctest(
        quote! {
            use #lib::{ApiError, Error, StatusCode};

            fn describe(error: &Error) -> String {
                match error {
                    Error::Api(api) if api.status == StatusCode::NOT_FOUND => "not found".to_owned(),
                    Error::Api(api) => {
                        let codes: Vec<i64> = api.errors.iter().filter_map(|e| e.code).collect();
                        format!("{}, error codes {codes:?}", api.status)
                    }
                    Error::Timeout(_) | Error::Connection(_) => "unreachable".to_owned(),
                    other => other.to_string(),
                }
            }
        },
        quote!(fn main()),
        quote! {
            let refused: Error = ApiError::new(StatusCode::FORBIDDEN)
                .with_error(9109, "not allowed")
                .into();
            let described = describe(&refused);
            assert_eq!(described, "403 Forbidden, error codes [9109]");
            assert_eq!(refused.status(), Some(StatusCode::FORBIDDEN));
            let missing: Error = ApiError::new(StatusCode::NOT_FOUND).into();
            let described = describe(&missing);
            assert_eq!(described, "not found");
            assert!(missing.is_not_found());
        },
        1,
    )?;
    let text = format!(
        "Match on the variant, and on an API error's status (the [`StatusCode`]\n\
         constants) and error codes; the helpers (`status()`, `is_not_found()`,\n\
         `is_rate_limited()`, `is_retryable()`, `api_errors()`, `request_id()`)\n\
         answer the usual questions. `ApiError` values can be built, for tests:\n\
         \n\
         ```rust\n{code}```\n"
    );
    Ok(attrs(&text))
}

/// A call of `op` with placeholder strings for its path parameters and
/// its params struct's `new()`, and the `use` of that struct.
fn call(ctx: &Ctx<'_>, op: &Operation) -> (TokenStream, TokenStream) {
    let lib = ident(&ctx.api.krate.lib);
    let call = super::params::call_tokens(ctx, op);
    let path = op.path_params.iter().map(|p| {
        let placeholder = format!("<{}>", p.wire);
        quote!(#placeholder)
    });
    let Some(params) = &op.params else {
        return (TokenStream::new(), quote!(#call(#(#path),*)));
    };
    let name = ident(&params.name);
    (
        quote!(use #lib::params::#name;),
        quote!(#call(#(#path,)* #name::new())),
    )
}

/// The text of a doctest: the `items` (`use`s, helpers), then the body of
/// the function `signature`. Hidden from the reader: `cfg` attributes, the
/// function's signature, and its last `hidden` lines (the closing brace,
/// and `Ok(())`).
fn doctest(
    items: TokenStream,
    signature: TokenStream,
    body: TokenStream,
    hidden: usize,
) -> Result<String, Error> {
    let hide = |line: &str| format!("# {line}\n");
    let mut text = String::new();
    for line in unparse(items)?.lines() {
        // A blank line between the `use`s and a helper function.
        if line.starts_with("fn ") && !text.is_empty() {
            text.push('\n');
        }
        if line.starts_with("#[cfg(") {
            text.push_str(&hide(line));
        } else {
            text.push_str(&format!("{line}\n"));
        }
    }
    text.push('\n');
    let function = unparse(quote!(#signature { #body }))?;
    let lines: Vec<&str> = function.lines().collect();
    // The signature ends at the first line that opens the body.
    let body_start = lines
        .iter()
        .position(|l| l.ends_with('{'))
        .map_or(0, |i| i + 1);
    let tail = lines.len().saturating_sub(hidden).max(body_start);
    for (i, line) in lines.iter().enumerate() {
        let line = line.strip_prefix("    ").unwrap_or(line);
        if i < body_start || i >= tail {
            text.push_str(&hide(line));
        } else {
            text.push_str(&format!("{line}\n"));
        }
    }
    Ok(text)
}

fn unparse(tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::InvalidOutput {
        file: "src/lib.rs".into(),
        message: format!("a doc example does not parse: {e}"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Doc attributes of `text`, one per line.
fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doctest_hides_its_function_and_cfg_lines() {
        let text = doctest(
            quote! {
                use a::B;
                #[cfg(feature = "f")]
                use a::C;
                fn helper() {}
            },
            quote!(#[cfg(feature = "f")] async fn example() -> Result<(), B>),
            quote! {
                let c = C::new();
                Ok(())
            },
            2,
        )
        .expect("the example formats");
        let expected = "use a::B;\n\
                        # #[cfg(feature = \"f\")]\n\
                        use a::C;\n\
                        \n\
                        fn helper() {}\n\
                        \n\
                        # #[cfg(feature = \"f\")]\n\
                        # async fn example() -> Result<(), B> {\n\
                        let c = C::new();\n\
                        # Ok(())\n\
                        # }\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn example_text_becomes_one_doc_attribute_per_line() {
        let tokens = attrs("a\n\n```rust\nlet x = \"```\";\n```\n");
        let item: syn::ItemStruct = syn::parse2(quote!(#tokens struct S;)).expect("an item");
        let lines: Vec<String> = item
            .attrs
            .iter()
            .map(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue {
                    value:
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }),
                    ..
                }) if a.path().is_ident("doc") => s.value(),
                other => panic!("not a doc attribute: {}", quote!(#other)),
            })
            .collect();
        assert_eq!(lines, [" a", "", " ```rust", " let x = \"```\";", " ```"]);
    }
}
