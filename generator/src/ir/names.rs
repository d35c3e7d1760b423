//! Rust identifiers from arbitrary API names. This module and its two
//! children are the only place names are made; every rule is stated once,
//! here:
//!
//! - how a raw name becomes an identifier, and how collisions are resolved
//!   (below);
//! - [`derived`]: what a thing without a name of its own is called after
//!   its use site (the `Params`, `Item`, `Value`, `Variant{i}` suffixes,
//!   resource and method names, shared inline types);
//! - [`reserved`]: names the generated code already uses (the constructor,
//!   the client's methods, catch-all variants, the emitters' local names).
//!
//! From a raw name to an identifier:
//!
//! 1. Characters that are not ASCII letters or digits separate words. When a
//!    name has no letters or digits at all (`+`, `*`, `-1`'s sign), its
//!    symbols are spelled out (`Plus`, `Star`, `Minus1`).
//! 2. heck converts the words to `PascalCase` (types, variants) or
//!    `snake_case` (fields, functions, modules).
//! 3. A leading digit gets a prefix (`V` for variants, `Type` for types,
//!    `_` for snake case).
//! 4. Rust keywords get a trailing underscore (`type_`, `Self_`).
//! 5. Within one namespace, a name already taken gets the smallest free
//!    numeric suffix (`Name2`, `name_2`) in the order names are claimed.
//!    That order never depends on the order the document lists its paths
//!    or component schemas in: operations are visited sorted by path (byte
//!    order), then by method in OpenAPI's order; colliding component names
//!    follow their own rule (the key that already is its type name first,
//!    then by key); names pinned in the configuration are reserved before
//!    any other.

pub mod derived;
pub mod reserved;

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every Rust edition, plus names that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Words for symbols, used when a name consists of symbols only.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '\\' => "backslash",
        '.' => "dot",
        ',' => "comma",
        ':' => "colon",
        ';' => "semicolon",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "bang",
        '?' => "question",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "pipe",
        '~' => "tilde",
        '^' => "caret",
        '_' => "underscore",
        '(' | ')' => "paren",
        '[' | ']' => "bracket",
        '{' | '}' => "brace",
        '\'' | '"' | '`' => "quote",
        ' ' => "space",
        _ => return None,
    })
}

/// Splits `raw` into words for heck. Sign characters in front of a digit
/// are kept as words so `+1` and `-1` stay distinct.
fn words(raw: &str) -> String {
    let has_alnum = raw.chars().any(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        let before_digit = chars.peek().is_some_and(char::is_ascii_digit);
        let at_word_start = out.is_empty() || out.ends_with(' ');
        let spell = !has_alnum || ((c == '-' || c == '+') && before_digit && at_word_start);
        match symbol_word(c).filter(|_| spell) {
            Some(w) => {
                out.push(' ');
                out.push_str(w);
                out.push(' ');
            }
            None => out.push(' '),
        }
    }
    out
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// A `PascalCase` name for a type; `fallback` is used when nothing is left.
pub fn type_name(raw: &str, fallback: &str) -> String {
    pascal(raw, fallback, "Type")
}

/// A `PascalCase` name for an enum variant.
pub fn variant_name(raw: &str, fallback: &str) -> String {
    pascal(raw, fallback, "V")
}

fn pascal(raw: &str, fallback: &str, digit_prefix: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = fallback.to_upper_camel_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{digit_prefix}{name}");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A `snake_case` name for a field, parameter, function or module.
pub fn snake_name(raw: &str, fallback: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_snake_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    if is_keyword(&name) || name == "_" {
        name.push('_');
    }
    name
}

/// Package names a generated crate never takes: its dependencies' (a
/// crate cannot depend on a package of its own name), the standard
/// library's crates and cargo's reserved names.
pub const RESERVED_PACKAGES: &[&str] = &[
    "alloc",
    "build",
    "bytes",
    "chrono",
    "core",
    "deps",
    "examples",
    "futures-util",
    "httpdate",
    "incremental",
    "percent-encoding",
    "proc-macro",
    "reqwest",
    "rustls",
    "rustls-platform-verifier",
    "serde",
    "serde-json",
    "serde-path-to-error",
    "std",
    "test",
    "tokio",
    "wiremock",
];

/// Why `name` cannot be the package name of a generated crate (whose
/// library is `name` with `-` as `_`), if it cannot.
pub fn package_problem(name: &str) -> Option<String> {
    let lib = name.replace('-', "_");
    if name.is_empty() {
        return Some("a package name cannot be empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Some(format!(
            "a package name is made of ASCII letters, digits, `-` and `_`, and {c:?} is none of them"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some("a package name starts with an ASCII letter".into());
    }
    if is_keyword(&lib) || is_keyword(name) {
        return Some(format!(
            "its library would be `{lib}`, a Rust keyword, which cannot name a crate"
        ));
    }
    let normal = lib.to_ascii_lowercase().replace('_', "-");
    if RESERVED_PACKAGES.contains(&normal.as_str()) {
        return Some(format!(
            "`{name}` is the name of a dependency of the generated crate, a standard crate or a directory cargo reserves"
        ));
    }
    if name.len() > 64 {
        return Some("a package name has at most 64 characters".into());
    }
    None
}

/// The package name of a crate generated from a description titled
/// `title`: a kebab-case slug of it, always a valid package name (an
/// `api-` prefix when it would start with a digit, a `-client` suffix when
/// it would be a keyword or a reserved name, `api-client` when nothing is
/// left).
pub fn package_name(title: &str) -> String {
    let mut slug = words(title).to_snake_case().replace('_', "-");
    slug.truncate(48);
    let mut slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        slug = "api-client".into();
    }
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        slug = format!("api-{slug}");
    }
    if package_problem(&slug).is_some() {
        slug.push_str("-client");
    }
    slug
}

/// The `SCREAMING_SNAKE_CASE` form of a snake name (for constants).
pub fn upper_snake(snake: &str) -> String {
    snake.trim_end_matches('_').to_ascii_uppercase()
}

/// Names already used in one Rust namespace.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    snake: bool,
}

impl Namespace {
    /// A namespace of `PascalCase` names (suffix `2`, `3`, ...).
    pub fn pascal() -> Self {
        Self::default()
    }

    /// A namespace of `snake_case` names (suffix `_2`, `_3`, ...).
    pub fn snake() -> Self {
        Self {
            snake: true,
            ..Self::default()
        }
    }

    /// Marks `name` as used without claiming a variant of it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Whether `name` is already used.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base`, or the first free suffixed form of it.
    pub fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        let stem = base.trim_end_matches('_');
        (2..)
            .map(|n| {
                if self.snake {
                    format!("{stem}_{n}")
                } else {
                    format!("{stem}{n}")
                }
            })
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names() {
        assert_eq!(type_name("iam_account", "X"), "IamAccount");
        assert_eq!(
            type_name("organizations-api_Organization", "X"),
            "OrganizationsApiOrganization"
        );
        assert_eq!(type_name("2fa settings", "X"), "Type2faSettings");
        assert_eq!(type_name("Self", "X"), "Self_");
        assert_eq!(type_name("", "fallback"), "Fallback");
        assert_eq!(variant_name("api_key", "x"), "ApiKey");
        assert_eq!(variant_name("+1", "x"), "Plus1");
        assert_eq!(variant_name("-1", "x"), "Minus1");
        assert_eq!(variant_name("*", "x"), "Star");
        assert_eq!(variant_name("", "empty"), "Empty");
        assert_eq!(variant_name("200", "x"), "V200");
        assert_eq!(variant_name("日本", "value"), "Value");
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake_name("type", "x"), "type_");
        assert_eq!(snake_name("name.startsWith", "x"), "name_starts_with");
        assert_eq!(snake_name("action.type.not", "x"), "action_type_not");
        assert_eq!(snake_name("X-Auth-Email", "x"), "x_auth_email");
        assert_eq!(snake_name("1st", "x"), "_1st");
        assert_eq!(snake_name("self", "x"), "self_");
        assert_eq!(snake_name("_", "x"), "underscore");
        assert_eq!(snake_name("$", "x"), "dollar");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut ns = Namespace::pascal();
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
        assert_eq!(ns.claim("Foo"), "Foo3");
        let mut sn = Namespace::snake();
        assert_eq!(sn.claim("type_"), "type_");
        assert_eq!(sn.claim("type_"), "type_2");
    }
}
