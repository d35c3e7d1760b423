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

/// Methods of the generated `Client`; accessors of top-level resources
/// avoid them.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    CONSTRUCTOR,
    "base_url",
    "credentials",
    "request",
    "max_retries",
    "timeout",
];

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
        let lists: [&[&str]; 4] = [
            CLIENT_METHODS,
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
}
