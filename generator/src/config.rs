//! The optional generator configuration that sits next to the spec
//! (`generator.yaml`). API conventions that an OpenAPI document cannot express
//! (a response envelope, pagination styles, credential names, environment
//! variables, resource naming overrides) live here rather than in Rust code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Error};

/// The file name looked up next to the spec when no config is given.
pub const DEFAULT_FILE_NAME: &str = "generator.yaml";

/// Generator configuration. Every field has a default, so an empty file (or
/// no file at all) is valid.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Package metadata of the generated crate.
    #[serde(rename = "crate")]
    pub krate: CrateConfig,
    /// Client runtime defaults.
    pub client: ClientConfig,
    /// The response envelope wrapping every JSON result, if the API uses one.
    pub envelope: Option<EnvelopeConfig>,
    /// Credential names and environment variables.
    pub auth: AuthConfig,
    /// Pagination conventions, tried in order for each list operation.
    pub pagination: Vec<PaginationRule>,
    /// Per-operation overrides, keyed by operationId.
    pub operations: BTreeMap<String, OperationOverride>,
    /// How the generated crate is split into cargo features.
    pub features: FeaturesConfig,
    /// Pinned type names: a JSON pointer into the description, where a
    /// schema is written or used (`#/components/schemas/Account`,
    /// `#/paths/~1accounts/get/parameters/0/schema`), and the name of the
    /// type made from it. References on the way are followed, so a use site
    /// and the place the schema is written pin the same type.
    pub names: BTreeMap<String, String>,
    /// The file this configuration was read from, to locate its errors.
    #[serde(skip)]
    source: Option<Source>,
}

/// A configuration file's path and text.
#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    text: String,
}

/// Package metadata of the generated crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrateConfig {
    /// Package name; defaults to a slug of the spec's `info.title`.
    pub name: Option<String>,
    /// Package version.
    pub version: String,
    /// One-line package description; defaults to one derived from `info.title`.
    pub description: Option<String>,
    /// SPDX license expression.
    pub license: String,
}

impl Default for CrateConfig {
    fn default() -> Self {
        Self {
            name: None,
            version: "0.1.0".into(),
            description: None,
            license: "MIT OR Apache-2.0".into(),
        }
    }
}

/// Client runtime defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Default base URL; defaults to the spec's first server.
    pub base_url: Option<String>,
    /// Environment variable that overrides the base URL in `from_env()`.
    pub base_url_env: Option<String>,
    /// Response header carrying the server's request id, reported in errors.
    pub request_id_header: Option<String>,
    /// Default number of retries after the first attempt.
    pub max_retries: u32,
    /// Default per-request timeout in seconds.
    pub timeout_secs: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            base_url_env: None,
            request_id_header: None,
            max_retries: 2,
            timeout_secs: 60,
        }
    }
}

/// Field names of a response envelope such as
/// `{success, errors, messages, result, result_info}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvelopeConfig {
    /// Field holding the payload.
    pub result: String,
    /// Boolean field that is `false` on failure.
    pub success: Option<String>,
    /// Array of `{code, message, documentation_url, source}` error items.
    pub errors: Option<String>,
    /// Array of informational messages.
    pub messages: Option<String>,
    /// Pagination metadata.
    pub result_info: Option<String>,
}

impl Default for EnvelopeConfig {
    fn default() -> Self {
        Self {
            result: "result".into(),
            success: None,
            errors: None,
            messages: None,
            result_info: None,
        }
    }
}

/// Credential names and environment variables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Per security scheme (by its key in `components.securitySchemes`).
    pub schemes: BTreeMap<String, SchemeConfig>,
    /// Credential kinds, in the order `from_env()` reports them. A kind is a
    /// set of schemes sent together (one security requirement object).
    /// Defaults to the distinct requirement objects of the spec.
    pub credentials: Vec<CredentialConfig>,
}

/// Settings of one security scheme.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemeConfig {
    /// Environment variable holding the secret.
    pub env: Option<String>,
}

/// One credential kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialConfig {
    /// Rust-facing name (PascalCase variant, snake_case constructor).
    pub name: String,
    /// The schemes sent together.
    pub schemes: Vec<String>,
}

/// A pagination convention.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaginationRule {
    /// Numbered pages: `?page=N&per_page=M`, stopping at `total_pages`.
    PageNumber {
        /// Query parameter with the 1-based page number.
        page_param: String,
        /// Query parameter with the page size, if any.
        per_page_param: Option<String>,
        /// Dotted path in the response body to the total page count.
        total_pages: String,
    },
    /// Opaque cursor echoed back in a query parameter.
    Cursor {
        /// Query parameter carrying the cursor.
        cursor_param: String,
        /// Dotted path in the response body to the next cursor.
        next_cursor: String,
    },
    /// Opaque page token echoed back in a query parameter.
    PageToken {
        /// Query parameter carrying the token.
        token_param: String,
        /// Dotted path in the response body to the next token.
        next_token: String,
    },
}

/// Naming override of one operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OperationOverride {
    /// Dotted resource path, e.g. `accounts.tokens`.
    pub resource: Option<String>,
    /// Method name on the resource, e.g. `verify`.
    pub method: Option<String>,
}

/// How the generated crate is split into cargo features.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeaturesConfig {
    /// One cargo feature per top-level resource, plus `full`.
    pub per_resource: bool,
    /// Whether `full` is a default feature. When false, users opt in to each
    /// resource they need.
    pub default_full: bool,
}

impl Default for FeaturesConfig {
    fn default() -> Self {
        Self {
            per_resource: false,
            default_full: true,
        }
    }
}

impl Config {
    /// Reads a configuration file.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml(&text, path)
    }

    /// Parses configuration text; `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Self, Error> {
        let source = Some(Source {
            path: path.to_path_buf(),
            text: text.to_owned(),
        });
        if text.trim().is_empty() {
            return Ok(Self {
                source,
                ..Self::default()
            });
        }
        let de = serde_yaml::Deserializer::from_str(text);
        let config: Self = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            let position = inner.location().map(|l| crate::diagnostics::Position {
                line: l.line(),
                column: l.column(),
            });
            let message = inner.to_string();
            // The position is reported in front, as `file:line:col`.
            let message = match message.rsplit_once(" at line ") {
                Some((head, _)) if position.is_some() => head.to_owned(),
                _ => message,
            };
            Error::Parse {
                file: path.to_path_buf(),
                kind: "invalid-config",
                position,
                message: format!("at `{at}`: {message}"),
            }
        })?;
        Ok(Self { source, ..config })
    }

    /// The pointer into the configuration of the pinned name for `key`
    /// (`#/names/...`); diagnostics about pins point there.
    pub fn names_pointer(key: &str) -> String {
        crate::diagnostics::pointer(["names", key])
    }

    /// Whether a diagnostic points into the configuration's `names`.
    pub fn is_names_pointer(pointer: &str) -> bool {
        pointer.starts_with("#/names/")
    }

    /// An error reporting `diagnostics`, which point into this
    /// configuration, with the file's name and their lines and columns.
    pub fn invalid(&self, mut diagnostics: Vec<Diagnostic>) -> Error {
        let file = match &self.source {
            Some(source) => {
                let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
                let found = crate::locate::positions(&source.text, &pointers);
                for (d, position) in diagnostics.iter_mut().zip(found) {
                    d.position = d.position.or(position);
                }
                source.path.clone()
            }
            None => PathBuf::from(DEFAULT_FILE_NAME),
        };
        Error::Invalid { file, diagnostics }
    }

    /// Loads `generator.yaml` next to `spec` if it exists, else the defaults.
    pub fn discover(spec: &Path) -> Result<(Self, Option<PathBuf>), Error> {
        let candidate = spec
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(DEFAULT_FILE_NAME);
        if candidate.is_file() {
            Ok((Self::from_file(&candidate)?, Some(candidate)))
        } else {
            Ok((Self::default(), None))
        }
    }
}

/// What the values of a configuration become, checked before anything is
/// generated from them. Each problem is an `invalid-config` error at the
/// value's pointer into the configuration (`#/crate/name`).
impl Config {
    /// Every problem with this configuration for generating from `doc`.
    /// With `strict`, overrides of operations and security schemes the
    /// document does not define are errors too (a previous description,
    /// read with today's configuration, may lack them).
    pub fn check(&self, doc: &crate::load::Document, strict: bool) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut error = |at: &[&str], message: String| {
            out.push(Diagnostic::error(
                "invalid-config",
                crate::diagnostics::pointer(at.iter().copied()),
                message,
            ));
        };
        let k = &self.krate;
        if let Some(name) = &k.name
            && let Some(why) = crate::ir::names::package_problem(name)
        {
            error(
                &["crate", "name"],
                format!("`{name}` is not a package name: {why}"),
            );
        }
        if let Err(e) = semver::Version::parse(&k.version) {
            error(
                &["crate", "version"],
                format!("`{}` is not a semantic version: {e}", k.version),
            );
        }
        if k.license.trim().is_empty() {
            error(&["crate", "license"], "the license cannot be empty".into());
        }
        let c = &self.client;
        if let Some(url) = &c.base_url
            && let Some(why) = url_problem(url)
        {
            error(
                &["client", "base_url"],
                format!("`{url}` is not a base URL: {why}"),
            );
        }
        if let Some(env) = &c.base_url_env
            && let Some(why) = env_problem(env)
        {
            error(
                &["client", "base_url_env"],
                format!("`{env}` is not an environment variable name: {why}"),
            );
        }
        if let Some(header) = &c.request_id_header
            && let Some(why) = header_problem(header)
        {
            error(
                &["client", "request_id_header"],
                format!("`{header}` is not a header name: {why}"),
            );
        }
        if c.timeout_secs == 0 {
            error(
                &["client", "timeout_secs"],
                "a timeout of 0 seconds fails every request".into(),
            );
        }
        if let Some(e) = &self.envelope {
            let fields = [
                ("result", Some(&e.result)),
                ("success", e.success.as_ref()),
                ("errors", e.errors.as_ref()),
                ("messages", e.messages.as_ref()),
                ("result_info", e.result_info.as_ref()),
            ];
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for (key, value) in fields {
                let Some(value) = value else { continue };
                if value.is_empty() {
                    error(
                        &["envelope", key],
                        "an envelope field name cannot be empty".into(),
                    );
                } else if let Some(other) = seen.insert(value, key) {
                    error(
                        &["envelope", key],
                        format!("`{value}` already names the envelope's `{other}` field"),
                    );
                }
            }
        }
        for (i, rule) in self.pagination.iter().enumerate() {
            let i = i.to_string();
            let (params, paths): (QueryParams<'_>, ResponsePaths<'_>) = match rule {
                PaginationRule::PageNumber {
                    page_param,
                    per_page_param,
                    total_pages,
                } => (
                    vec![
                        ("page_param", Some(page_param)),
                        ("per_page_param", per_page_param.as_ref()),
                    ],
                    vec![("total_pages", total_pages)],
                ),
                PaginationRule::Cursor {
                    cursor_param,
                    next_cursor,
                } => (
                    vec![("cursor_param", Some(cursor_param))],
                    vec![("next_cursor", next_cursor)],
                ),
                PaginationRule::PageToken {
                    token_param,
                    next_token,
                } => (
                    vec![("token_param", Some(token_param))],
                    vec![("next_token", next_token)],
                ),
            };
            for (key, param) in params {
                if param.is_some_and(|p| p.is_empty()) {
                    error(
                        &["pagination", &i, key],
                        "a query parameter name cannot be empty".into(),
                    );
                }
            }
            for (key, path) in paths {
                if path.split('.').any(str::is_empty) {
                    error(
                        &["pagination", &i, key],
                        format!(
                            "`{path}` is not a dotted path of field names such as `result_info.total_pages`"
                        ),
                    );
                }
            }
        }
        let schemes: Vec<&str> = doc
            .api
            .components
            .iter()
            .flat_map(|c| c.security_schemes.keys())
            .map(String::as_str)
            .collect();
        for (key, scheme) in &self.auth.schemes {
            if strict && !schemes.contains(&key.as_str()) {
                error(
                    &["auth", "schemes", key],
                    format!(
                        "security scheme `{key}` is not defined in the document's components.securitySchemes"
                    ),
                );
            }
            if let Some(env) = &scheme.env
                && let Some(why) = env_problem(env)
            {
                error(
                    &["auth", "schemes", key, "env"],
                    format!("`{env}` is not an environment variable name: {why}"),
                );
            }
        }
        let mut credentials: BTreeMap<String, usize> = BTreeMap::new();
        for (i, credential) in self.auth.credentials.iter().enumerate() {
            let at = i.to_string();
            if let Some(why) = ident_problem(&credential.name) {
                error(
                    &["auth", "credentials", &at, "name"],
                    format!("`{}` cannot name a credential kind: {why}", credential.name),
                );
            } else {
                let variant = crate::ir::names::type_name(&credential.name, "Credentials");
                if let Some(first) = credentials.insert(variant.clone(), i) {
                    error(
                        &["auth", "credentials", &at, "name"],
                        format!(
                            "`{}` is the credential kind `{variant}` again (credential {first})",
                            credential.name
                        ),
                    );
                }
            }
            if credential.schemes.is_empty() {
                error(
                    &["auth", "credentials", &at, "schemes"],
                    "a credential kind sends at least one security scheme".into(),
                );
            }
            for (j, key) in credential.schemes.iter().enumerate() {
                if !schemes.contains(&key.as_str()) {
                    error(
                        &["auth", "credentials", &at, "schemes", &j.to_string()],
                        format!(
                            "security scheme `{key}` is not defined in the document's components.securitySchemes"
                        ),
                    );
                }
            }
        }
        let ids: std::collections::BTreeSet<&str> = doc
            .operations()
            .filter_map(|(_, _, op)| op.operation_id.as_deref())
            .collect();
        for (id, o) in &self.operations {
            if strict && !ids.contains(id.as_str()) {
                error(
                    &["operations", id],
                    format!("the document has no operation with operationId `{id}`"),
                );
            }
            if let Some(resource) = &o.resource {
                for segment in resource.split('.') {
                    if let Some(why) = ident_problem(segment) {
                        error(
                            &["operations", id, "resource"],
                            format!(
                                "`{resource}` is not a dotted resource path such as `accounts.tokens`: `{segment}` {why}"
                            ),
                        );
                        break;
                    }
                }
            }
            if let Some(method) = &o.method
                && let Some(why) = ident_problem(method)
            {
                error(
                    &["operations", id, "method"],
                    format!("`{method}` cannot name a method: it {why}"),
                );
            }
        }
        out
    }
}

/// The query parameters of a pagination rule, by key.
type QueryParams<'a> = Vec<(&'a str, Option<&'a String>)>;
/// The response paths of a pagination rule, by key.
type ResponsePaths<'a> = Vec<(&'a str, &'a String)>;

/// Why `name` cannot be written as a Rust identifier, if it cannot: names
/// from the configuration are converted to the case of what they name,
/// but not invented.
fn ident_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!(
            "holds {c:?}; names are made of ASCII letters, digits and `_`"
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("starts with a digit".into());
    }
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Some("has no letter or digit".into());
    }
    None
}

/// Why `name` is not a portable environment variable name (letters,
/// digits and `_`, not starting with a digit), if it is not.
fn env_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!(
            "it holds {c:?}; variable names are made of ASCII letters, digits and `_`"
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("it starts with a digit".into());
    }
    None
}

/// Why `name` is not an HTTP header name (an RFC 9110 token), if it is not.
fn header_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    name.chars().find(|c| !token(*c)).map(|c| {
        format!(
            "it holds {c:?}; header names are made of ASCII letters, digits and !#$%&'*+-.^_`|~"
        )
    })
}

/// Why `url` cannot be the default base URL, if it cannot.
fn url_problem(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("it does not start with `http://` or `https://`".into());
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Some("it names no host".into());
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(*c))
    {
        return Some(format!("it holds {c:?}, which a URL cannot"));
    }
    None
}

/// `text` (a configuration file) with `crate.version` set to `version`,
/// everything else (comments, order, layout) left as it was: the value is
/// replaced where it stands, or a `version:` line is added to a block
/// `crate:` mapping, or a `crate:` section is appended. A file whose
/// `crate` entry is written another way (flow style, empty) is refused with
/// a message saying what to write by hand.
pub fn with_crate_version(text: &str, version: &str) -> Result<String, String> {
    use saphyr_parser::{Event, Parser};
    let by_hand = |why: &str| format!("{why}; set `crate.version: {version}` by hand");
    let mut events = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        events.push((event, span));
    }
    let Some(root) = events.iter().position(|(e, _)| {
        matches!(
            e,
            Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..)
        )
    }) else {
        return Ok(append_crate_section(text, version));
    };
    let is_flow = |i: usize| char_at(text, events[i].1.start.index()) == Some('{');
    if !matches!(events[root].0, Event::MappingStart(..)) || is_flow(root) {
        return Err(by_hand("the file is not a block mapping"));
    }
    let Some(value) = entry_value(&events, root, "crate") else {
        return Ok(append_crate_section(text, version));
    };
    if !matches!(events[value].0, Event::MappingStart(..)) || is_flow(value) {
        return Err(by_hand("`crate` is not a block mapping"));
    }
    let updated = match entry_value(&events, value, "version") {
        Some(v) => {
            let start = byte_offset(text, events[v].1.start.index());
            let end = match &events[v].0 {
                Event::Scalar(value, style, ..) => scalar_end(text, start, value, *style),
                _ => None,
            }
            .ok_or_else(|| by_hand("`crate.version` is not a one-line value"))?;
            format!("{}{version}{}", &text[..start], &text[end..])
        }
        None => {
            let first_key = events[value + 1].1.start;
            let line_start = text[..byte_offset(text, first_key.index())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let indent = " ".repeat(first_key.col());
            format!(
                "{}{indent}version: {version}\n{}",
                &text[..line_start],
                &text[line_start..]
            )
        }
    };
    match Config::from_yaml(&updated, Path::new("generator.yaml")) {
        Ok(c) if c.krate.version == version => Ok(updated),
        _ => Err(by_hand("the file could not be updated safely")),
    }
}

fn append_crate_section(text: &str, version: &str) -> String {
    let separator = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    format!("{text}{separator}crate:\n  version: {version}\n")
}

/// The index of the value event of `key` in the mapping starting at
/// `mapping`, if it has that key.
fn entry_value(
    events: &[(saphyr_parser::Event<'_>, saphyr_parser::Span)],
    mapping: usize,
    key: &str,
) -> Option<usize> {
    use saphyr_parser::Event;
    let mut i = mapping + 1;
    while i < events.len() && !matches!(events[i].0, Event::MappingEnd) {
        let value = skip_node(events, i);
        if matches!(&events[i].0, Event::Scalar(k, ..) if k == key) {
            return Some(value);
        }
        i = skip_node(events, value);
    }
    None
}

/// The index just past the node starting at `i`.
fn skip_node(events: &[(saphyr_parser::Event<'_>, saphyr_parser::Span)], i: usize) -> usize {
    use saphyr_parser::Event;
    let mut depth = 0usize;
    let mut j = i;
    while j < events.len() {
        match events[j].0 {
            Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        j += 1;
        if depth == 0 {
            break;
        }
    }
    j
}

/// Where a one-line scalar starting at byte `start` ends in the text.
fn scalar_end(
    text: &str,
    start: usize,
    value: &str,
    style: saphyr_parser::ScalarStyle,
) -> Option<usize> {
    use saphyr_parser::ScalarStyle;
    let rest = &text[start..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let closing = match style {
        ScalarStyle::Plain => return line.starts_with(value).then(|| start + value.len()),
        ScalarStyle::SingleQuoted => {
            // `''` is an escaped quote inside single quotes.
            let mut chars = line.char_indices().skip(1).peekable();
            loop {
                let (i, c) = chars.next()?;
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                        continue;
                    }
                    break i;
                }
            }
        }
        ScalarStyle::DoubleQuoted => {
            let mut chars = line.char_indices().skip(1);
            loop {
                match chars.next()? {
                    (_, '\\') => {
                        chars.next();
                    }
                    (i, '"') => break i,
                    _ => {}
                }
            }
        }
        _ => return None,
    };
    Some(start + closing + 1)
}

fn char_at(text: &str, index: usize) -> Option<char> {
    text.chars().nth(index)
}

/// The byte offset of the character at `index`.
fn byte_offset(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_version_is_replaced_in_place() {
        let text = "# conventions\ncrate:\n  name: x # the package\n  version: 0.1.0 # bumped by --bump-version\n  license: MIT\nclient:\n  max_retries: 3\n";
        let updated = with_crate_version(text, "0.2.0").unwrap();
        assert_eq!(updated, text.replace("version: 0.1.0", "version: 0.2.0"));
        for quoted in ["'0.1.0'", "\"0.1.0\""] {
            let text = text.replace("0.1.0", quoted);
            let updated = with_crate_version(&text, "1.0.0-rc.1").unwrap();
            assert_eq!(updated, text.replace(quoted, "1.0.0-rc.1"));
        }
    }

    #[test]
    fn crate_version_is_added_where_missing() {
        let updated = with_crate_version("crate:\n    name: x\nclient: {}\n", "0.2.0").unwrap();
        assert_eq!(
            updated,
            "crate:\n    version: 0.2.0\n    name: x\nclient: {}\n"
        );
        let updated = with_crate_version("client:\n  max_retries: 1", "0.2.0").unwrap();
        assert_eq!(
            updated,
            "client:\n  max_retries: 1\ncrate:\n  version: 0.2.0\n"
        );
        assert_eq!(
            with_crate_version("", "0.3.0").unwrap(),
            "crate:\n  version: 0.3.0\n"
        );
        assert_eq!(
            with_crate_version("# nothing yet\n", "0.3.0").unwrap(),
            "# nothing yet\ncrate:\n  version: 0.3.0\n"
        );
    }

    #[test]
    fn other_layouts_are_refused_with_what_to_do() {
        for text in [
            "crate: {name: x, version: 0.1.0}\n",
            "{crate: {}}\n",
            "- a\n",
            "crate:\n",
        ] {
            let e = with_crate_version(text, "0.2.0").unwrap_err();
            assert!(
                e.contains("set `crate.version: 0.2.0` by hand"),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn empty_config_is_default() {
        let c = Config::from_yaml("", Path::new("g.yaml")).unwrap();
        assert!(c.envelope.is_none());
        assert_eq!(c.client.max_retries, 2);
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_path() {
        let err = Config::from_yaml("client:\n  retries: 3\n", Path::new("g.yaml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("g.yaml"), "{msg}");
        assert!(msg.contains("client"), "{msg}");
        assert!(msg.contains("retries"), "{msg}");
    }

    #[test]
    fn pagination_rules_parse_by_style() {
        let c = Config::from_yaml(
            "pagination:\n  - style: cursor\n    cursor_param: cursor\n    next_cursor: result_info.cursor\n",
            Path::new("g.yaml"),
        )
        .unwrap();
        assert!(
            matches!(&c.pagination[0], PaginationRule::Cursor { cursor_param, .. } if cursor_param == "cursor")
        );
    }
}
