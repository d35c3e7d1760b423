//! The runtime in every generated crate: the modules of
//! `templates/runtime/src`, embedded verbatim (an ordinary crate of the
//! workspace, so they are compiled, formatted, linted and tested as
//! written), the crate root declaring them, and `config.rs`, the one
//! module the runtime reads what the description and the configuration
//! decide from (defaults, environment variable, user agent, request id
//! header, envelope field names). Everything that varies is data, so one
//! runtime source compiles for every configuration.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::OutputFile;
use super::docs::{inner_text_attrs, text_attrs};
use super::examples::entry_docs;
use super::rust::{Ctx, HEADER, format_file, format_fragment, ident};
use crate::diagnostics::Error;

/// A module of the runtime crate that every generated crate carries.
struct Module {
    name: &'static str,
    source: &'static str,
}

macro_rules! modules {
    ($($name:literal),* $(,)?) => {
        &[$(Module {
            name: $name,
            source: include_str!(concat!("../../../templates/runtime/src/", $name, ".rs")),
        }),*]
    };
}

/// Every module of `templates/runtime/src` except the crate's own `lib.rs`
/// and its stand-ins for the generated modules. All are always included;
/// only `mock` needs a dependency of its own, and it is compiled only with
/// the `mock` feature (see [`lib_file`]).
const MODULES: &[Module] = modules![
    "client",
    "de",
    "encoding",
    "envelope",
    "error",
    "macros",
    "mock",
    "multipart",
    "pagination",
    "request",
    "retry",
    "ser",
    "trace",
];

/// Where a module's unit tests start. By convention they are the last item
/// of the file; they run in the runtime crate, so generated crates are
/// spared them (and the dependencies tests may want).
const TESTS: &str = "\n\n#[cfg(test)]\nmod tests {\n";

/// The runtime modules as files of the generated crate.
pub fn files() -> Vec<OutputFile> {
    MODULES
        .iter()
        .map(|m| OutputFile {
            path: format!("src/{}.rs", m.name),
            contents: format!("{HEADER}{}", without_tests(m.source)),
        })
        .collect()
}

/// `source` up to its `#[cfg(test)] mod tests`, if it has one.
fn without_tests(source: &str) -> &str {
    match source.find(TESTS) {
        // Keep the line break that ends the item before the tests.
        Some(at) => &source[..=at],
        None => source,
    }
}

/// The crate root: lints, every module, and the public names, each group
/// formatted on its own and set apart by a blank line. With `examples`, the
/// re-exports of the client, the pagination streams and the error type
/// carry compiled examples (see [`super::examples`]).
pub fn lib_file(ctx: &Ctx<'_>, examples: bool) -> Result<OutputFile, Error> {
    const PATH: &str = "src/lib.rs";
    let attributes = quote! {
        #![doc = include_str!("../README.md")]
        #![forbid(unsafe_code)]
        #![allow(deprecated)]
        #![allow(clippy::type_complexity)]
    };
    // One list in name order, as rustfmt orders module declarations. The
    // generated modules keep prettyplease's formatting, whatever rustfmt
    // version is installed, so `cargo fmt --check` passes on any toolchain.
    // The mock kit costs nothing unless the `mock` feature asks for it.
    let mock = quote!(#[cfg(feature = "mock")]);
    let mut modules: Vec<(&str, TokenStream)> = MODULES
        .iter()
        .map(|m| match m.name {
            "mock" => (m.name, quote!(#mock pub)),
            _ => (m.name, TokenStream::new()),
        })
        .collect();
    let skip = quote!(#[rustfmt::skip]);
    for name in ["auth", "config"] {
        modules.push((name, skip.clone()));
    }
    for name in ["models", "params", "resources"] {
        modules.push((name, quote!(#skip pub)));
    }
    modules.push(("mock_resources", quote!(#mock #skip pub)));
    modules.sort_by_key(|(name, _)| *name);
    let modules = modules.iter().map(|(name, prefix)| {
        let name = ident(name);
        quote!(#prefix mod #name;)
    });
    let docs = examples.then(|| entry_docs(ctx)).transpose()?;
    let client_doc = docs.as_ref().map(|d| &d.client);
    let pages_doc = docs.as_ref().map(|d| &d.pages);
    let error_doc = docs.as_ref().map(|d| &d.error);
    // The types of dates and timestamps in the API, so that callers build
    // them with this very version.
    let chrono = ctx.api.uses.chrono.then(|| {
        quote! {
            /// The date and time library of this crate's API (`NaiveDate` and
            /// `DateTime<Utc>` fields and parameters, and what [`Timestamp`]
            /// converts from), re-exported so that values can be built with
            /// this very version. It is built without its `clock` feature:
            /// `Utc::now()` needs a `chrono` dependency of your own that
            /// enables it (the two are one crate in the build).
            pub use chrono;
        }
    });
    // In the order rustfmt sorts them, since the crate root is not skipped.
    let exports = quote! {
        pub use auth::Credentials;
        #chrono
        #client_doc
        pub use client::Client;
        pub use client::{ClientBuilder, Secret};
        pub use client::{DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_SIZE};
        pub use config::{DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
        pub use encoding::{Integer, Timestamp};
        #error_doc
        pub use error::Error;
        pub use error::{ApiError, ApiMessage, DecodeError, TransportError};
        pub use multipart::Multipart;
        #pages_doc
        pub use pagination::Pages;
        pub use pagination::{Items, Page};
        pub use request::{ApiResponse, RETRY_COUNT_HEADER, Request};
        /// The HTTP client underneath, re-exported as the escape hatch for what
        /// the builder does not cover: build a `reqwest::Client` with this very
        /// version and pass it to `ClientBuilder::http_client`. Apart from that
        /// method and the `http` types re-exported below, no `reqwest` type is
        /// part of this crate's API (transport failures are [`TransportError`]).
        pub use reqwest;
        pub use reqwest::StatusCode;
        pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

        /// A `Result` whose error is this crate's [`Error`].
        pub type Result<T, E = Error> = std::result::Result<T, E>;
    };
    let groups = [
        format_file(PATH, attributes)?,
        format_fragment(PATH, quote!(#(#modules)*))?,
        format_fragment(PATH, exports)?,
    ];
    Ok(OutputFile {
        path: PATH.to_owned(),
        contents: groups.join("\n"),
    })
}

/// The `config.rs` file.
pub fn config_file(ctx: &Ctx<'_>) -> TokenStream {
    let client = &ctx.api.client;
    let krate = &ctx.api.krate;
    let module_doc = inner_text_attrs(
        "What the API description and the generator's configuration decide for\n\
         the client; the rest of the runtime reads it from here.",
    );
    let base_url = &client.base_url;
    let base_url_doc = text_attrs(&match &client.base_url_env {
        Some(env) => format!(
            "Default base URL of the API. `Client::from_env` reads it from\n`{env}` instead, \
             when that is set."
        ),
        None => "Default base URL of the API.".to_owned(),
    });
    let max_retries = Literal::u32_unsuffixed(client.max_retries);
    let timeout_secs = Literal::u64_unsuffixed(client.timeout_secs);
    let base_url_env = option(client.base_url_env.as_deref());
    let user_agent = format!("{}/{}", krate.package, krate.version);
    let request_id_header = option(client.request_id_header.as_deref());
    let root = &ctx.root;
    let envelope = match &ctx.api.envelope {
        Some(e) => {
            let result = &e.result;
            let success = option(e.success.as_deref());
            let errors = option(e.errors.as_deref());
            let messages = option(e.messages.as_deref());
            let result_info = option(e.result_info.as_deref());
            quote! {
                Some(#root::envelope::Fields {
                    result: #result,
                    success: #success,
                    errors: #errors,
                    messages: #messages,
                    result_info: #result_info,
                })
            }
        }
        None => quote!(None),
    };
    quote! {
        #module_doc

        use std::time::Duration;

        #base_url_doc
        pub const DEFAULT_BASE_URL: &str = #base_url;
        /// Default number of retries after a failed attempt.
        pub const DEFAULT_MAX_RETRIES: u32 = #max_retries;
        /// Default timeout of one attempt, including reading the body.
        pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(#timeout_secs);
        /// Environment variable that overrides the base URL in `from_env()`.
        pub(crate) const BASE_URL_ENV: Option<&str> = #base_url_env;
        /// The `User-Agent` header unless the client sets another: the
        /// package name and version.
        pub(crate) const USER_AGENT: &str = #user_agent;
        /// Response header carrying the server's request id.
        pub(crate) const REQUEST_ID_HEADER: Option<&str> = #request_id_header;
        /// Field names of the envelope that responses wrap their result in,
        /// if they do.
        pub(crate) const ENVELOPE: Option<#root::envelope::Fields> = #envelope;
    }
}

/// `Some("text")` or `None`, as tokens. The module declares nothing that
/// could shadow the prelude's names.
fn option(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_are_left_out_and_nothing_else() {
        for m in MODULES {
            let kept = without_tests(m.source);
            assert!(
                !kept.contains("cfg(test)"),
                "{}.rs keeps a test item",
                m.name
            );
            syn::parse_file(kept).unwrap_or_else(|e| panic!("{}.rs without tests: {e}", m.name));
            let left_out = syn::parse_file(&m.source[kept.len()..])
                .unwrap_or_else(|e| panic!("{}.rs tests: {e}", m.name));
            match left_out.items.as_slice() {
                [] => {}
                [syn::Item::Mod(tests)] => assert_eq!(tests.ident, "tests", "{}.rs", m.name),
                other => panic!("{}.rs: {} items after its tests", m.name, other.len()),
            }
        }
        assert_eq!(without_tests("fn a() {}\n"), "fn a() {}\n");
        let source = "fn a() {}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
        assert_eq!(without_tests(source), "fn a() {}\n");
    }

    #[test]
    fn every_runtime_module_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("templates/runtime/src is readable")
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
            .filter(|name| name != "lib")
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
        assert_eq!(
            on_disk,
            embedded,
            "MODULES must list every file of {}",
            dir.display()
        );
    }
}
