//! Stage 3: the language-level model of what will be emitted.
//!
//! Everything the emitters need is decided here, once: Rust names (with
//! collisions resolved), types (with recursion boxed), how each parameter is
//! encoded on the wire, which envelope field holds the result, how each list
//! paginates, which cargo feature owns each item. Emitters read only this
//! model, never the OpenAPI document.

mod auth;
mod direction;
mod graph;
pub mod names;
mod operations;
mod pins;
mod refs;
mod resources;
mod types;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::Document;

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// The whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// Package metadata of the generated crate.
    pub krate: CrateInfo,
    /// Client runtime settings.
    pub client: ClientInfo,
    /// The response envelope, when the API wraps results in one.
    pub envelope: Option<Envelope>,
    /// Credential kinds and the schemes behind them.
    pub auth: Auth,
    /// Named types, in creation order: the order operations use them, with
    /// operations sorted by path (emitters sort types by name).
    pub types: Vec<TypeDef>,
    /// Operations, sorted by path template (byte order), then by method in
    /// OpenAPI's order (get, put, post, delete, options, head, patch,
    /// trace), whatever order the document lists them in.
    pub operations: Vec<Operation>,
    /// The resource tree; index 0 is the client itself.
    pub resources: Vec<Resource>,
    /// Top-level resource groups; each owns a module file and, when
    /// `gated`, a cargo feature.
    pub features: Vec<Feature>,
    /// Whether groups are behind cargo features.
    pub gated: bool,
    /// Whether `full` is a default feature.
    pub default_full: bool,
    /// Which optional runtime pieces the generated code needs.
    pub uses: Uses,
    /// The input files the model was built from.
    pub sources: Vec<Source>,
}

/// One input file, identified by its bytes (provenance of the crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path relative to the root document's directory, `/`-separated.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

/// Package metadata.
#[derive(Debug, Clone)]
pub struct CrateInfo {
    /// Package name (`cloudflare-orgs`).
    pub package: String,
    /// Library name (`cloudflare_orgs`).
    pub lib: String,
    /// Package version.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// SPDX license expression.
    pub license: String,
    /// `info.title` of the spec.
    pub title: String,
    /// `info.version` of the spec.
    pub api_version: String,
    /// `info.description` of the spec.
    pub api_description: Option<String>,
}

/// Client runtime settings.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    /// Default base URL.
    pub base_url: String,
    /// Environment variable overriding the base URL.
    pub base_url_env: Option<String>,
    /// Response header carrying the request id.
    pub request_id_header: Option<String>,
    /// Default retries.
    pub max_retries: u32,
    /// Default timeout in seconds.
    pub timeout_secs: u64,
}

/// Field names of the response envelope.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Field holding the payload.
    pub result: String,
    /// Boolean success flag.
    pub success: Option<String>,
    /// Error items.
    pub errors: Option<String>,
    /// Informational messages.
    pub messages: Option<String>,
    /// Pagination metadata.
    pub result_info: Option<String>,
}

/// Authentication model.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    /// Security schemes, sorted by key.
    pub schemes: Vec<Scheme>,
    /// Credential kinds a client can be configured with.
    pub credentials: Vec<Credential>,
}

/// One security scheme.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Key in `components.securitySchemes`.
    pub key: String,
    /// Field name in credential variants (`snake_case`).
    pub field: String,
    /// How the secret is sent.
    pub placement: Placement,
    /// Environment variable for `from_env()`.
    pub env: Option<String>,
    /// Description from the spec.
    pub description: Option<String>,
}

/// Where a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// `Authorization: Basic base64(<user>:<password>)`, secret is `user:password`.
    Basic,
    /// A header with the given name.
    Header(String),
    /// A query parameter with the given name.
    Query(String),
    /// A cookie with the given name.
    Cookie(String),
}

/// One credential kind: schemes sent together.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Variant name (`ApiToken`).
    pub variant: String,
    /// Constructor / builder method name (`api_token`).
    pub method: String,
    /// Indices into [`Auth::schemes`].
    pub schemes: Vec<usize>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name, unique among types.
    pub name: String,
    /// Where it was defined.
    pub pointer: String,
    /// Documentation from the spec.
    pub docs: Docs,
    /// Shape.
    pub kind: TypeKind,
    /// Whether a request may contain it.
    pub in_request: bool,
    /// An example value of the whole type, from the spec.
    pub example: Option<serde_json::Value>,
    /// Owning feature, or `None` when shared.
    pub feature: Option<usize>,
    /// For a shared type, the features whose operations use it, one of
    /// which must be on for it to be compiled; empty when it is always
    /// compiled (used by every feature, or by operations outside them).
    pub gate: Vec<usize>,
    /// Other public names of the same type (`pub type Alias = Name;`),
    /// sorted: the names its uses would have given it alone, kept when
    /// identical inline types are merged under a shared name. Unique among
    /// type names and aliases.
    pub aliases: Vec<String>,
}

/// Documentation text from the spec (sanitized when emitted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// Short summary or title.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Marked deprecated in the spec.
    pub deprecated: bool,
}

/// What the spec says about valid values at a use site, beyond the type:
/// used to document parameters and to build conformance requests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// An example value from the spec.
    pub example: Option<serde_json::Value>,
    /// The default value from the spec.
    pub default: Option<serde_json::Value>,
    /// Allowed values of a primitive (named enums list theirs in the type).
    pub allowed: Vec<serde_json::Value>,
    /// `format`.
    pub format: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum` (exclusive when `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `maximum` (exclusive when `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// Constraints of array items.
    pub items: Option<Box<Constraints>>,
    /// Constraints of map values (`additionalProperties`).
    pub values: Option<Box<Constraints>>,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// A string enum with a catch-all variant.
    Enum(StringEnum),
    /// A union of alternatives (`oneOf`/`anyOf`).
    Union(Union),
    /// A newtype around another type (breaks alias recursion).
    Newtype(TypeRef),
}

/// A struct.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in document order.
    pub fields: Vec<Field>,
    /// Field name and value type of additional properties kept in a
    /// flattened map, if any.
    pub additional: Option<(String, TypeRef)>,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// Name of the chained setter (differs from `name` only for `new`).
    pub setter: String,
    /// Name on the wire.
    pub wire: String,
    /// Pointer to the property's schema.
    pub pointer: String,
    /// Value type (without the `Option`).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Heap-allocated to break a recursive containment cycle.
    pub boxed: bool,
    /// A secret (`format: password` or `x-sensitive: true` on the property
    /// or the schema it refers to): `Debug` prints `"<redacted>"` for it.
    pub sensitive: bool,
    /// Documentation.
    pub docs: Docs,
    /// Valid values.
    pub constraints: Constraints,
    /// `readOnly` or `writeOnly` in the spec.
    pub access: Access,
}

/// Which direction a property travels in (`readOnly`, `writeOnly`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Access {
    /// Sent and received.
    #[default]
    ReadWrite,
    /// `readOnly`: set by the server; never required or sent in a request.
    ReadOnly,
    /// `writeOnly`: sent by the client; never required in a response.
    WriteOnly,
}

impl Field {
    /// Whether the Rust type is `Option<T>`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// Known values.
    pub variants: Vec<EnumVariant>,
    /// Name of the catch-all variant that keeps unknown values.
    pub other: String,
}

/// One known enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// Value on the wire.
    pub value: String,
}

/// A union of alternatives.
#[derive(Debug, Clone)]
pub struct Union {
    /// Alternatives, tried in order when there is no discriminator.
    pub variants: Vec<UnionVariant>,
    /// Property whose value selects the alternative, if the spec names one.
    pub discriminator: Option<String>,
    /// Name of the catch-all variant holding any other JSON value.
    pub other: String,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust name.
    pub name: String,
    /// Payload type.
    pub ty: TypeRef,
    /// Discriminator values selecting this alternative.
    pub tags: Vec<String>,
    /// Heap-allocated to break a recursive containment cycle.
    pub boxed: bool,
}

/// A type at a use site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A named type.
    Named(TypeId),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// An integer.
    Int(IntKind),
    /// A floating point number.
    Float(FloatKind),
    /// A calendar date (`format: date`).
    Date,
    /// A timestamp (`format: date-time`).
    DateTime,
    /// A date or a timestamp (a union of `format: date` and `format:
    /// date-time` strings): the runtime's `Timestamp`.
    DateOrDateTime,
    /// A string the server returns as a secret (`format: password` or
    /// `x-sensitive: true` on a response that is the string itself): the
    /// runtime's `Secret`, kept out of `Debug`.
    Secret,
    /// Raw bytes (`format: binary`, octet-stream bodies).
    Bytes,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// No content.
    Unit,
}

impl TypeRef {
    /// Whether a value of this type holds a map of its own (not inside a
    /// named type): such values decode in the runtime's lenient wire form,
    /// which skips map entries that do not fit.
    pub fn holds_map(&self) -> bool {
        match self {
            TypeRef::Map(_) => true,
            TypeRef::Array(inner) => inner.holds_map(),
            _ => false,
        }
    }
}

/// Integer widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
}

/// Float widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatKind {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId, or one derived from method and path.
    pub id: String,
    /// Pointer to the operation object.
    pub pointer: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as in the spec.
    pub path: String,
    /// Path pieces; parameters index into `path_params`.
    pub segments: Vec<Segment>,
    /// Owning resource (index into [`Api::resources`]).
    pub resource: usize,
    /// Path of the owning resource (`["accounts", "members"]`).
    pub resource_path: Vec<String>,
    /// Method name on the resource.
    pub fn_name: String,
    /// PascalCase stem for names derived from this operation.
    pub stem: String,
    /// Summary and description.
    pub docs: Docs,
    /// Path parameters in template order.
    pub path_params: Vec<Param>,
    /// The params struct, when the operation has query/header/cookie
    /// parameters.
    pub params: Option<ParamsStruct>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// What a successful response decodes to.
    pub response: Response,
    /// How the list paginates (only for array results).
    pub pagination: Option<Pagination>,
    /// Credential kinds (indices into [`Auth::credentials`]) the spec
    /// accepts; `None` when the operation is sent without credentials.
    pub security: Option<Vec<usize>>,
    /// Owning feature.
    pub feature: Option<usize>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Fixed text.
    Literal(String),
    /// A path parameter (index into `path_params`).
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Request header.
    Header,
    /// Cookie header.
    Cookie,
}

/// Serialization style of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form` (query, cookie).
    Form,
    /// `simple` (path, header).
    Simple,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Name of the chained setter (differs from `name` only for `new`).
    pub setter: String,
    /// Name on the wire.
    pub wire: String,
    /// Pointer to the parameter object (where the operation or its path
    /// lists it).
    pub pointer: String,
    /// Location.
    pub location: Location,
    /// Value type (without `Option`).
    pub ty: TypeRef,
    /// Must be set.
    pub required: bool,
    /// Serialization style.
    pub style: Style,
    /// Whether arrays and objects are exploded.
    pub explode: bool,
    /// Documentation.
    pub docs: Docs,
    /// Valid values.
    pub constraints: Constraints,
}

/// The params struct of an operation.
#[derive(Debug, Clone)]
pub struct ParamsStruct {
    /// Rust name.
    pub name: String,
    /// Query, header and cookie parameters, required first, then in spec order.
    pub fields: Vec<Param>,
    /// Whether the request body is a field of this struct (`body`).
    pub has_body: bool,
}

/// Media types of request bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMedia {
    /// `application/json` (and `+json` types).
    Json(String),
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/*`.
    Text(String),
    /// Anything else, sent as bytes.
    Binary(String),
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Media type.
    pub media: BodyMedia,
    /// Rust type.
    pub ty: TypeRef,
    /// Must be sent.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
    /// An example body from the spec (media type `example`, or the first of
    /// `examples`).
    pub example: Option<serde_json::Value>,
}

/// How a successful response decodes.
#[derive(Debug, Clone)]
pub struct Response {
    /// Envelope, plain JSON, text, bytes or nothing.
    pub kind: ResponseKind,
    /// Type of the result (the envelope's `result` when enveloped).
    pub ty: TypeRef,
    /// The result may be null or absent.
    pub nullable: bool,
    /// Type of the envelope's `result_info` (`Json` when unspecified).
    pub info: TypeRef,
    /// The `Accept` header to send: the media type of the decoded response
    /// (with JSON, at lower priority, for error bodies).
    pub accept: String,
}

/// Response decoding modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// JSON envelope; the result is unwrapped.
    Envelope,
    /// Plain JSON.
    Json,
    /// Text body.
    Text,
    /// Binary body.
    Bytes,
    /// No body.
    Empty,
}

/// Pagination of a list operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// Numbered pages.
    PageNumber {
        /// Wire name of the page parameter.
        page_param: String,
        /// Path of the total page count in the response body.
        total_pages: Vec<String>,
    },
    /// Opaque cursor.
    Cursor {
        /// Wire name of the cursor parameter.
        param: String,
        /// Path of the next cursor in the response body.
        next: Vec<String>,
    },
    /// Opaque page token.
    PageToken {
        /// Wire name of the token parameter.
        param: String,
        /// Path of the next token in the response body.
        next: Vec<String>,
    },
}

/// A node of the resource tree.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Struct name (`AccountsMembers`); empty for the root.
    pub name: String,
    /// Accessor method on the parent (`members`).
    pub accessor: String,
    /// Path from the root (`["accounts", "members"]`).
    pub path: Vec<String>,
    /// Parent resource (`None` for the root).
    pub parent: Option<usize>,
    /// Children (indices).
    pub children: Vec<usize>,
    /// Operations (indices into [`Api::operations`]).
    pub operations: Vec<usize>,
    /// Owning feature.
    pub feature: Option<usize>,
}

/// A cargo feature owning one top-level resource.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Feature name (also the module file stem).
    pub name: String,
}

pub use names::reserved::setter_name;

/// Optional pieces of the runtime that the generated code needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    /// `chrono` for dates and timestamps.
    pub chrono: bool,
    /// The runtime's `Timestamp`, which then converts from `chrono` types.
    pub timestamp: bool,
    /// Form-encoded bodies.
    pub form: bool,
    /// Multipart bodies.
    pub multipart: bool,
}

impl Api {
    /// The named type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Accessor names from the client down to a resource:
    /// `["accounts", "members"]` for `client.accounts().members()`.
    pub fn accessors(&self, resource: usize) -> Vec<&str> {
        let mut chain = Vec::new();
        let mut r = resource;
        while let Some(parent) = self.resources[r].parent {
            chain.push(self.resources[r].accessor.as_str());
            r = parent;
        }
        chain.reverse();
        chain
    }
}

/// Builds the model; returns it with the warnings collected on the way.
/// Errors about the configuration's pinned names point into the
/// configuration (see [`Config::is_names_pointer`]); all others into the
/// document.
pub fn build(doc: &Document, config: &Config) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let pins = pins::Pins::new(doc, config)?;
    let auth = auth::build(&doc.api, &config.auth, &mut warnings)?;
    let mut space = types::TypeSpace::new(doc, pins);
    let mut ops = operations::build(config, &mut space, &auth, &mut warnings)?;
    let (resources, features) = resources::tree(&mut ops);
    let (mut types, type_warnings, mut type_names) = space.finish()?;
    warnings.extend(type_warnings);
    direction::split(&mut types, &mut ops, &mut type_names);
    graph::box_cycles(&mut types);
    graph::mark_request_types(&mut types, &ops);
    graph::assign_features(&mut types, &ops, &features);
    let uses = graph::uses(&types, &ops);
    let krate = crate_info(doc, config);
    let client = client_info(doc, config);
    let envelope = config.envelope.as_ref().map(|e| Envelope {
        result: e.result.clone(),
        success: e.success.clone(),
        errors: e.errors.clone(),
        messages: e.messages.clone(),
        result_info: e.result_info.clone(),
    });
    Ok((
        Api {
            krate,
            client,
            envelope,
            auth,
            types,
            operations: ops,
            resources,
            features,
            gated: config.features.per_resource,
            default_full: config.features.default_full,
            uses,
            sources: doc
                .sources
                .digests()
                .into_iter()
                .map(|(path, sha256)| Source { path, sha256 })
                .collect(),
        },
        warnings,
    ))
}

fn crate_info(doc: &Document, config: &Config) -> CrateInfo {
    let info = &doc.api.info;
    let package = config
        .krate
        .name
        .clone()
        .unwrap_or_else(|| names::package_name(&info.title));
    let lib = package.replace('-', "_");
    CrateInfo {
        lib,
        description: config
            .krate
            .description
            .clone()
            .unwrap_or_else(|| format!("Async Rust client for {}", info.title.trim())),
        package,
        version: config.krate.version.clone(),
        license: config.krate.license.clone(),
        title: info.title.clone(),
        api_version: info.version.clone(),
        api_description: info.description.clone(),
    }
}

fn client_info(doc: &Document, config: &Config) -> ClientInfo {
    let c = &config.client;
    ClientInfo {
        base_url: c
            .base_url
            .clone()
            .or_else(|| doc.api.servers.first().map(server_url))
            .unwrap_or_else(|| "http://localhost".into()),
        base_url_env: c.base_url_env.clone(),
        request_id_header: c.request_id_header.clone(),
        max_retries: c.max_retries,
        timeout_secs: c.timeout_secs,
    }
}

/// A server URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    url.trim_end_matches('/').to_owned()
}
