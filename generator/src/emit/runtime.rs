//! The runtime's description-dependent part: `config.rs`, the one module
//! the runtime reads what the description and the configuration decide
//! from (defaults, environment variable, user agent, request id header,
//! envelope field names).
//! Everything is data, so one runtime source compiles for every
//! configuration.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{inner_text_attrs, text_attrs};
use super::rust::Ctx;

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
