//! Names the generated code already uses, so names made from the API avoid
//! them. Each list says where the name lives; the emitters use these
//! constants for the names they write, so the two cannot drift apart.

use super::Namespace;

/// Every struct that has required values is built with `new(..)`, so no
/// method, setter or resource accessor is called `new` (Rust convention
/// reserves it for constructors returning `Self`).
pub const CONSTRUCTOR: &str = "new";

/// The setter of a field on its own: its name, except that the setter of a
/// field named `new` is `with_new` (see [`CONSTRUCTOR`]).
pub fn setter_name(field: &str) -> String {
    if field == CONSTRUCTOR {
        format!("with_{field}")
    } else {
        field.to_owned()
    }
}

/// The setters of a struct's fields, in field order: [`setter_name`] of
/// each, except that when another field is itself called `with_new`, the
/// setter of `new` takes the first free numbered form (`with_new_2`).
pub fn setter_names(fields: &[&str]) -> Vec<String> {
    let mut taken = Namespace::snake();
    taken.reserve(CONSTRUCTOR);
    for field in fields.iter().filter(|f| **f != CONSTRUCTOR) {
        taken.reserve(field);
    }
    fields
        .iter()
        .map(|field| match *field {
            CONSTRUCTOR => taken.claim(&setter_name(field)),
            other => other.to_owned(),
        })
        .collect()
}

/// The runtime sources that define the types top-level resource
/// accessors are methods of, with those types: the `Client`, and the
/// `MockServer` of the mock kit, which has one accessor per resource too.
const ACCESSOR_HOSTS: &[(&str, &str)] = &[
    (
        "Client",
        include_str!("../../../../templates/runtime/src/client.rs"),
    ),
    (
        "MockServer",
        include_str!("../../../../templates/runtime/src/mock.rs"),
    ),
];

/// The method of the generated mock kit's `MockServer` that builds a
/// client pointing at it, written next to the resource accessors.
pub const MOCK_CLIENT: &str = "client";

/// Inherent functions of the runtime's `Client` and `MockServer` (public
/// or not), read from the runtime's own source, so the list cannot drift
/// from it; accessors of top-level resources avoid them. Sorted, with
/// [`CONSTRUCTOR`] and [`MOCK_CLIENT`].
pub fn client_methods() -> &'static [String] {
    static METHODS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    METHODS.get_or_init(|| {
        let mut out = vec![CONSTRUCTOR.to_owned(), MOCK_CLIENT.to_owned()];
        for (host, source) in ACCESSOR_HOSTS {
            out.extend(inherent_functions(source, host));
        }
        out.sort();
        out.dedup();
        out
    })
}

/// The names of the functions of `impl {host} { .. }` blocks in `source`.
/// The runtime is compiled and tested as a crate of its own, so it parses;
/// a source that did not would reserve nothing beyond the constructor,
/// which `client_methods_are_read_from_the_runtime` rules out.
fn inherent_functions(source: &str, host: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(source) else {
        return Vec::new();
    };
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
            _ => None,
        })
        .filter(|block| {
            matches!(&*block.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == host))
        })
        .flat_map(|block| &block.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Cargo features every generated crate has; resource features avoid them.
pub const FEATURES: &[&str] = &["default", "full"];

/// The variant of every enum and union that keeps values this version of
/// the client does not know. Known variants are named first, so a value
/// spelled `Unknown` becomes `Unknown` and the catch-all `Unknown2`.
pub const CATCH_ALL: &str = "Unknown";

/// The field of a struct that keeps properties its schema does not list.
/// Claimed after the listed properties, so a property of that name keeps it.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";

/// Local names the emitted code binds next to names made from the API.
pub mod locals {
    /// Endpoint functions: the params struct argument.
    pub const PARAMS: &str = "params";
    /// Endpoint functions: the request body argument. Params structs: the
    /// request body field.
    pub const BODY: &str = "body";
    /// Params structs with integer parameters: the first value that did not
    /// fit its parameter's type, reported when the request is sent.
    pub const INVALID_ARGUMENT: &str = "invalid_argument";
    /// Endpoint functions: the request being built.
    pub const PARTS: &str = "parts";
    /// `Credentials::apply`: where the secrets of a credential kind are
    /// written, bound beside the kind's secret fields.
    pub const TARGET: &str = "target";
    /// `Credentials::from_vars`: the kinds found so far, used after the
    /// secret fields of a kind are bound.
    pub const FOUND: &str = "found";

    /// Names path parameters (endpoint function arguments) avoid.
    pub const ENDPOINT_ARGUMENTS: &[&str] = &[PARAMS, BODY, PARTS];
    /// Names security scheme fields avoid.
    pub const CREDENTIAL_FIELDS: &[&str] = &[TARGET, FOUND];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_avoid_the_constructor() {
        assert_eq!(setter_name("new"), "with_new");
        assert_eq!(setter_name("name"), "name");
        assert_eq!(setter_names(&["new", "name"]), ["with_new", "name"]);
    }

    #[test]
    fn setters_avoid_each_other() {
        assert_eq!(
            setter_names(&["new", "with_new", "with_new_2"]),
            ["with_new_3", "with_new", "with_new_2"]
        );
        assert_eq!(
            setter_names(&["with_new", "new"]),
            ["with_new", "with_new_2"]
        );
    }

    #[test]
    fn reserved_names_are_never_claimed() {
        let client: Vec<&str> = client_methods().iter().map(String::as_str).collect();
        let lists: [&[&str]; 4] = [
            &client,
            FEATURES,
            locals::ENDPOINT_ARGUMENTS,
            locals::CREDENTIAL_FIELDS,
        ];
        for list in lists {
            let mut ns = Namespace::snake();
            for name in list {
                ns.reserve(name);
            }
            for name in list {
                assert_eq!(ns.claim(name), format!("{name}_2"));
            }
        }
    }

    #[test]
    fn client_methods_are_read_from_the_runtime() {
        let methods = client_methods();
        for name in [
            "backoff",
            "base_url",
            "builder",
            "client",
            "client_builder",
            "credentials",
            "from_env",
            "http",
            "max_pages",
            "max_response_size",
            "max_retries",
            "new",
            "server",
            "start",
            "timeout",
            "uri",
            "url_auth",
            "user_agent",
        ] {
            assert!(methods.iter().any(|m| m == name), "{name}: {methods:?}");
        }
        assert_eq!(
            inherent_functions(
                "impl Client { fn a() {} }\nimpl X for Client { fn b() {} }\nimpl Other { fn c() {} }",
                "Client"
            ),
            ["a"]
        );
    }
}
