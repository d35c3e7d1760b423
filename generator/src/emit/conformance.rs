//! Conformance cases: for every operation, one request with only the
//! required values and one with every optional parameter and body field set,
//! each built through the generated client's own API (params constructors
//! and setters, model constructors and setters, endpoint functions), plus a
//! table of every operation.
//!
//! The output is one Rust source file for `include!`, meant to be run
//! against a mock server that validates requests against the same API
//! description (Prism). It is generated from the IR only, so a new
//! operation gets its cases without anyone writing them.
//!
//! Values are chosen per use site, first that fits the type: the spec's
//! `example` at the use site, the enclosing example (a body's or an
//! object's example, looked up by property name), the first allowed value,
//! the default, then a made-up value: one matching a simple `pattern`, one
//! for the format (e-mail, UUID, URI, IP address, date, timestamp, ...), or
//! `conformance` (hex digits for fixed or long lengths) within the length
//! bounds; numbers are 1 when the bounds allow it, else the nearest bound.
//! Named enums take the example's variant, else the first; unions take the
//! alternative the example's discriminator or shape points to, else the
//! first that can be built. A type already being built further out gets
//! only its required fields, so recursive types stay small.
//!
//! What cannot be built is never dropped silently: a case that cannot be
//! built at all (a multipart body) carries the reason instead of a
//! function, and a value that may not satisfy the description (a pattern
//! beyond the sampler, an untyped value without an example) is a note on
//! its case.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::rust::{Ctx, format_file, ident};
use crate::diagnostics::Error;
use crate::ir::{
    Body, BodyMedia, Constraints, FloatKind, IntKind, Location, Operation, Placement, Segment,
    Struct, TypeDef, TypeId, TypeKind, TypeRef, Union,
};

/// How deep optional fields of nested objects are filled in the full case.
const MAX_OPTIONAL_DEPTH: usize = 6;
/// How deep required fields may nest before the type is deemed impossible
/// to build (a required field that contains itself).
const MAX_DEPTH: usize = 24;

/// The two cases of every operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Path parameters, required parameters and required body fields only.
    Required,
    /// Every optional parameter and body field set too.
    Full,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Required => "required",
            Variant::Full => "full",
        }
    }
}

/// The conformance file for `ctx.api`, whose client crate is at `ctx.root`.
pub fn file(ctx: &Ctx<'_>) -> Result<String, Error> {
    let root = &ctx.root;
    let mut case_fns = Vec::new();
    let mut case_rows = Vec::new();
    let mut op_rows = Vec::new();
    for (index, op) in ctx.api.operations.iter().enumerate() {
        let id = &op.id;
        let method = &op.method;
        let path = &op.path;
        let call = super::params::call_path(ctx, op);
        let accepts: Vec<&str> = op
            .security
            .iter()
            .flatten()
            .map(|k| ctx.api.auth.credentials[*k].method.as_str())
            .collect();
        let authenticated = op.security.is_some();
        let params = op.params.iter().flat_map(|p| &p.fields).map(|f| {
            let location = match f.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
                Location::Cookie => "cookie",
            };
            let wire = &f.wire;
            quote!((#location, #wire))
        });
        op_rows.push(quote! {
            Operation {
                id: #id,
                method: #method,
                path: #path,
                call: #call,
                authenticated: #authenticated,
                accepts: &[#(#accepts),*],
                params: &[#(#params),*],
            },
        });
        for variant in [Variant::Required, Variant::Full] {
            let vname = variant.name();
            let (credential, credential_note) = credential_for(ctx, op, variant);
            let credential_tokens = match credential {
                Some(c) => quote!(::std::option::Option::Some(#c)),
                None => quote!(::std::option::Option::None),
            };
            let (run, notes) = match case_body(ctx, op, variant) {
                Ok((body, mut notes)) => {
                    notes.extend(credential_note);
                    let f = ident(&format!("case_{index}_{vname}"));
                    let doc = format!("`{id}` ({vname}): `{method} {path}`.");
                    case_fns.push(quote! {
                        #[doc = #doc]
                        #[allow(deprecated, unused_mut, clippy::all)]
                        fn #f<'a>(
                            client: &'a #root::Client,
                            headers: &'a [(::reqwest::header::HeaderName, ::reqwest::header::HeaderValue)],
                        ) -> CaseFuture<'a> {
                            ::std::boxed::Box::pin(async move {
                                let mut request = #body;
                                for (name, value) in headers {
                                    request = request.header(name.clone(), value.clone());
                                }
                                request.send_with_meta().await.map(|response| Sent {
                                    status: response.status,
                                    headers: response.headers,
                                })
                            })
                        }
                    });
                    (quote!(::std::result::Result::Ok(#f)), notes)
                }
                Err(gap) => (quote!(::std::result::Result::Err(#gap)), Vec::new()),
            };
            case_rows.push(quote! {
                Case {
                    operation: #id,
                    method: #method,
                    path: #path,
                    variant: #vname,
                    credential: #credential_tokens,
                    run: #run,
                    notes: &[#(#notes),*],
                },
            });
        }
    }
    let kinds = ctx.api.auth.credentials.iter().map(|c| {
        let name = &c.method;
        let schemes = c.schemes.iter().map(|s| &ctx.api.auth.schemes[*s].key);
        quote!(CredentialKind { name: #name, schemes: &[#(#schemes),*] },)
    });
    let credential_arms = ctx.api.auth.credentials.iter().map(|c| {
        let name = &c.method;
        let method = ident(&c.method);
        let secrets = c
            .schemes
            .iter()
            .map(|s| sample_secret(&ctx.api.auth.schemes[*s]));
        quote!(#name => ::std::option::Option::Some(#root::Credentials::#method(#(#secrets),*)),)
    });
    let tokens = quote! {
        /// The status and headers of a response whose result decoded into
        /// the operation's type.
        #[derive(Debug)]
        pub struct Sent {
            /// HTTP status.
            pub status: ::reqwest::StatusCode,
            /// Response headers.
            pub headers: ::reqwest::header::HeaderMap,
        }

        /// A running case.
        pub type CaseFuture<'a> = ::std::pin::Pin<
            ::std::boxed::Box<
                dyn ::std::future::Future<Output = ::std::result::Result<Sent, #root::Error>>
                    + ::std::marker::Send
                    + 'a,
            >,
        >;

        /// Sends a case's request with `client`, adding `headers`.
        pub type CaseFn = for<'a> fn(
            &'a #root::Client,
            &'a [(::reqwest::header::HeaderName, ::reqwest::header::HeaderValue)],
        ) -> CaseFuture<'a>;

        /// One operation of the API description the client was generated from.
        #[derive(Debug, Clone, Copy)]
        pub struct Operation {
            /// operationId.
            pub id: &'static str,
            /// HTTP method, upper case.
            pub method: &'static str,
            /// Path template.
            pub path: &'static str,
            /// How the client calls it.
            pub call: &'static str,
            /// Whether it is sent with credentials.
            pub authenticated: bool,
            /// Credential kinds it accepts (`CredentialKind::name`).
            pub accepts: &'static [&'static str],
            /// Query, header and cookie parameters the client can send:
            /// location (`query`, `header`, `cookie`) and name on the wire.
            pub params: &'static [(&'static str, &'static str)],
        }

        /// One request of one operation.
        #[derive(Debug, Clone, Copy)]
        pub struct Case {
            /// operationId.
            pub operation: &'static str,
            /// HTTP method, upper case.
            pub method: &'static str,
            /// Path template.
            pub path: &'static str,
            /// `required` (only required values) or `full` (every optional value too).
            pub variant: &'static str,
            /// The credential kind to send, `None` for an unauthenticated operation.
            pub credential: ::std::option::Option<&'static str>,
            /// The case, or why none could be built.
            pub run: ::std::result::Result<CaseFn, &'static str>,
            /// Values that may not satisfy the description (e.g. a made-up
            /// string for a `pattern`).
            pub notes: &'static [&'static str],
        }

        /// A kind of credentials the client can be configured with.
        #[derive(Debug, Clone, Copy)]
        pub struct CredentialKind {
            /// Constructor name on `Credentials`.
            pub name: &'static str,
            /// Security schemes sent together.
            pub schemes: &'static [&'static str],
        }

        /// Every operation, in document order.
        pub static OPERATIONS: &[Operation] = &[#(#op_rows)*];

        /// Two cases per operation, in document order.
        pub static CASES: &[Case] = &[#(#case_rows)*];

        /// Every credential kind, in configuration order.
        pub static CREDENTIAL_KINDS: &[CredentialKind] = &[#(#kinds)*];

        /// Credentials of a kind, with made-up secrets.
        #[allow(unreachable_patterns)]
        pub fn credentials(kind: &str) -> ::std::option::Option<#root::Credentials> {
            match kind {
                #(#credential_arms)*
                _ => ::std::option::Option::None,
            }
        }

        #(#case_fns)*
    };
    format_file("conformance.rs", tokens)
}

/// A secret of the right shape for a scheme (Prism checks presence and,
/// for HTTP schemes, shape).
fn sample_secret(scheme: &crate::ir::Scheme) -> String {
    match &scheme.placement {
        Placement::Basic => "conformance:secret".into(),
        Placement::Header(name) | Placement::Query(name) | Placement::Cookie(name)
            if name.to_ascii_lowercase().contains("email") =>
        {
            "conformance@example.com".into()
        }
        _ => format!("conformance-{}", scheme.field.replace('_', "-")),
    }
}

/// The credential kind a case sends: the first the operation accepts for
/// the required case, the last for the full case, so operations accepting
/// several kinds exercise more than one. `None` when the operation takes
/// no credentials, or when no credential kind satisfies its requirements
/// (e.g. an anonymous `{}` requirement); the latter gets a note.
fn credential_for(
    ctx: &Ctx<'_>,
    op: &Operation,
    variant: Variant,
) -> (Option<String>, Option<String>) {
    match &op.security {
        None => (None, None),
        Some(kinds) => {
            let k = match variant {
                Variant::Required => kinds.first(),
                Variant::Full => kinds.last(),
            };
            match k {
                Some(k) => (Some(ctx.api.auth.credentials[*k].method.clone()), None),
                None => (
                    None,
                    Some("no credential kind satisfies the operation's `security`; sent without credentials".to_owned()),
                ),
            }
        }
    }
}

/// The expression that builds the request of one case, and its notes.
fn case_body(
    ctx: &Ctx<'_>,
    op: &Operation,
    variant: Variant,
) -> Result<(TokenStream, Vec<String>), String> {
    let root = &ctx.root;
    let mut synth = Synth {
        ctx,
        full: variant == Variant::Full,
        notes: Vec::new(),
        skipped_depth: false,
        building: Vec::new(),
    };
    let mut args = Vec::new();
    for seg in &op.segments {
        let Segment::Param(i) = seg else { continue };
        let p = &op.path_params[*i];
        let at = format!("path parameter `{}`", p.wire);
        if Ctx::is_string(&p.ty) {
            let s = synth.string(&p.constraints, None, &at);
            args.push(quote!(#s));
        } else {
            args.push(synth.value(&p.ty, &p.constraints, None, 0, &at)?);
        }
    }
    let body = match &op.body {
        Some(b) if b.required || synth.full => Some(synth.body(b)?),
        _ => None,
    };
    if let Some(p) = &op.params {
        let name = ident(&p.name);
        let mut ctor = Vec::new();
        let mut setters = Vec::new();
        for f in &p.fields {
            let at = format!("parameter `{}`", f.wire);
            if f.required {
                ctor.push(synth.value(&f.ty, &f.constraints, None, 0, &at)?);
            } else if synth.full {
                let setter = ident(&f.setter);
                let v = synth.value(&f.ty, &f.constraints, None, 0, &at)?;
                setters.push(quote!(.#setter(#v)));
            }
        }
        match (&op.body, body) {
            (Some(b), Some(value)) if p.has_body && b.required => ctor.push(value),
            (Some(_), Some(value)) if p.has_body => setters.push(quote!(.body(#value))),
            _ => {}
        }
        args.push(quote!(#root::params::#name::new(#(#ctor),*) #(#setters)*));
    } else if let Some(b) = &op.body {
        match body {
            Some(value) if b.required => args.push(value),
            Some(value) => args.push(quote!(::std::option::Option::Some(#value))),
            None => args.push(quote!(::std::option::Option::None)),
        }
    }
    let call = super::params::call_tokens(ctx, op);
    if synth.skipped_depth {
        synth.notes.push(format!(
            "optional fields nested deeper than {MAX_OPTIONAL_DEPTH} objects are left unset"
        ));
    }
    Ok((quote!(#call(#(#args),*)), synth.notes))
}

/// Builds values of the generated types from the IR's constraints.
struct Synth<'a, 'c> {
    ctx: &'a Ctx<'c>,
    full: bool,
    notes: Vec<String>,
    skipped_depth: bool,
    /// Named types being built, outermost first: a type already being
    /// built gets only its required fields, and unions avoid alternatives
    /// that lead back into it, so recursive types stay small.
    building: Vec<TypeId>,
}

impl Synth<'_, '_> {
    fn body(&mut self, b: &Body) -> Result<TokenStream, String> {
        match &b.media {
            BodyMedia::Json(_) | BodyMedia::Form => {
                let hint = b.example.as_ref();
                self.value(&b.ty, &Constraints::default(), hint, 0, "body")
            }
            BodyMedia::Text(_) => {
                let text = b
                    .example
                    .as_ref()
                    .and_then(Value::as_str)
                    .unwrap_or("conformance");
                Ok(quote!(::std::string::String::from(#text)))
            }
            BodyMedia::Binary(_) => Ok(quote!(::std::vec::Vec::from(&b"conformance"[..]))),
            BodyMedia::Multipart => Err(
                "multipart bodies are built by the caller; the description's parts are not modelled"
                    .into(),
            ),
        }
    }

    /// The candidate values a use site offers, in order of preference.
    fn candidates<'v>(c: &'v Constraints, hint: Option<&'v Value>) -> Vec<&'v Value> {
        c.example
            .iter()
            .chain(hint)
            .chain(c.allowed.iter().filter(|v| !v.is_null()).take(1))
            .chain(c.default.iter())
            .collect()
    }

    /// A string value (not an expression: the text itself).
    fn string_text(&mut self, c: &Constraints, hint: Option<&Value>, at: &str) -> String {
        if let Some(s) = Self::candidates(c, hint)
            .into_iter()
            .find_map(Value::as_str)
        {
            return s.to_owned();
        }
        if let Some(p) = &c.pattern {
            let fits = |s: &String| {
                c.min_length.is_none_or(|n| s.chars().count() >= n)
                    && c.max_length.is_none_or(|n| s.chars().count() <= n)
            };
            if let Some(s) = sample_pattern(p).filter(fits) {
                return s;
            }
            self.notes.push(format!(
                "{at}: made-up value for pattern `{p}` (no example or allowed value, and the pattern is beyond the simple sampler)"
            ));
        }
        made_up_string(c)
    }

    /// A string literal (for `&str` arguments).
    fn string(&mut self, c: &Constraints, hint: Option<&Value>, at: &str) -> TokenStream {
        let s = self.string_text(c, hint, at);
        quote!(#s)
    }

    /// An expression of exactly the Rust type of `ty`.
    fn value(
        &mut self,
        ty: &TypeRef,
        c: &Constraints,
        hint: Option<&Value>,
        depth: usize,
        at: &str,
    ) -> Result<TokenStream, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "{at}: required fields nest more than {MAX_DEPTH} levels (a type that requires itself)"
            ));
        }
        let root = &self.ctx.root;
        let candidates = Self::candidates(c, hint);
        Ok(match ty {
            TypeRef::String => {
                let s = self.string_text(c, hint, at);
                quote!(::std::string::String::from(#s))
            }
            TypeRef::Secret => {
                let s = self.string_text(c, hint, at);
                quote!(#root::Secret::new(#s))
            }
            TypeRef::Bool => {
                let b = candidates.iter().find_map(|v| v.as_bool()).unwrap_or(true);
                quote!(#b)
            }
            TypeRef::Int(kind) => {
                let n = candidates
                    .iter()
                    .find_map(|v| integral(v).filter(|n| int_fits(*kind, *n)))
                    .unwrap_or_else(|| made_up_int(c, *kind));
                int_literal(*kind, n)
            }
            TypeRef::Float(kind) => {
                let n = candidates
                    .iter()
                    .find_map(|v| v.as_f64())
                    .unwrap_or_else(|| made_up_float(c));
                match kind {
                    FloatKind::F32 => {
                        let l = Literal::f32_suffixed(n as f32);
                        quote!(#l)
                    }
                    FloatKind::F64 => {
                        let l = Literal::f64_suffixed(n);
                        quote!(#l)
                    }
                }
            }
            TypeRef::Date => {
                let s = candidates
                    .iter()
                    .filter_map(|v| v.as_str())
                    .find(|s| is_date(s))
                    .unwrap_or("2024-01-31");
                quote!(#s.parse::<::chrono::NaiveDate>().expect("a valid date"))
            }
            TypeRef::DateTime => {
                let s = candidates
                    .iter()
                    .filter_map(|v| v.as_str())
                    .find(|s| is_date_time(s))
                    .unwrap_or("2024-01-31T12:00:00Z");
                quote!(#s.parse::<::chrono::DateTime<::chrono::Utc>>().expect("a valid timestamp"))
            }
            TypeRef::DateOrDateTime => {
                let s = candidates
                    .iter()
                    .filter_map(|v| v.as_str())
                    .find(|s| is_date(s) || is_date_time(s))
                    .unwrap_or("2024-01-31");
                quote!(#root::Timestamp::from(#s))
            }
            TypeRef::Bytes => quote!(::std::vec::Vec::from(&b"conformance"[..])),
            TypeRef::Json => {
                let v = candidates.first().map(|v| (*v).clone()).unwrap_or_else(|| {
                    self.notes.push(format!(
                        "{at}: untyped value without an example; sent as {{}}"
                    ));
                    Value::Object(Default::default())
                });
                let text = v.to_string();
                quote!(::serde_json::from_str::<::serde_json::Value>(#text).expect("valid JSON"))
            }
            TypeRef::JsonObject => {
                let v = candidates
                    .iter()
                    .find(|v| v.is_object())
                    .map(|v| (*v).clone())
                    .unwrap_or_else(|| Value::Object(Default::default()));
                let text = v.to_string();
                quote!(::serde_json::from_str::<::serde_json::Map<::std::string::String, ::serde_json::Value>>(#text).expect("a JSON object"))
            }
            TypeRef::Array(inner) => {
                let example = candidates
                    .iter()
                    .find_map(|v| v.as_array())
                    .filter(|a| !a.is_empty());
                let item_c = c.items.as_deref().cloned().unwrap_or_default();
                let count = match example {
                    Some(a) => a.len(),
                    None => c
                        .min_items
                        .unwrap_or(0)
                        .max(1)
                        .min(c.max_items.unwrap_or(usize::MAX)),
                };
                let mut items = Vec::with_capacity(count);
                for i in 0..count {
                    let hint = example.and_then(|a| a.get(i));
                    items.push(self.value(
                        inner,
                        &item_c,
                        hint,
                        depth + 1,
                        &format!("{at}[{i}]"),
                    )?);
                }
                if items.is_empty() {
                    // Typed: setters take any iterable, which names no item type.
                    let item = self.ctx.ty(inner);
                    quote!(::std::vec::Vec::<#item>::new())
                } else {
                    quote!(::std::vec![#(#items),*])
                }
            }
            TypeRef::Map(inner) => {
                let entries: Vec<(String, Option<&Value>)> = match candidates
                    .iter()
                    .find_map(|v| v.as_object())
                    .filter(|m| !m.is_empty())
                {
                    Some(m) => m.iter().map(|(k, v)| (k.clone(), Some(v))).collect(),
                    None => vec![("conformance".to_owned(), None)],
                };
                let value_c = c.values.as_deref().cloned().unwrap_or_default();
                let mut pairs = Vec::new();
                for (k, v) in entries {
                    let value = self.value(inner, &value_c, v, depth + 1, &format!("{at}.{k}"))?;
                    pairs.push(quote!((::std::string::String::from(#k), #value)));
                }
                quote!(::std::collections::BTreeMap::from([#(#pairs),*]))
            }
            TypeRef::Unit => quote!(()),
            TypeRef::Named(id) => {
                let def = self.ctx.api.ty(*id);
                let hint = candidates.first().copied().or(def.example.as_ref());
                let again = self.building.contains(id);
                self.building.push(*id);
                let built = match &def.kind {
                    TypeKind::Enum(e) => {
                        let name = ident(&def.name);
                        let chosen = candidates
                            .iter()
                            .filter_map(|v| v.as_str())
                            .find_map(|s| e.variants.iter().find(|v| v.value == s))
                            .or(e.variants.first());
                        match chosen {
                            Some(v) => {
                                let v = ident(&v.name);
                                Ok(quote!(#root::models::#name::#v))
                            }
                            None => {
                                let s = self.string_text(c, hint, at);
                                Ok(quote!(#root::models::#name::from(#s)))
                            }
                        }
                    }
                    TypeKind::Struct(s) => self.structure(def, s, hint, None, again, depth, at),
                    TypeKind::Union(u) => self.union(def, u, hint, depth, at),
                    TypeKind::Newtype(inner) => {
                        let name = ident(&def.name);
                        self.value(inner, c, hint, depth + 1, at)
                            .map(|v| quote!(#root::models::#name(#v)))
                    }
                };
                self.building.pop();
                built?
            }
        })
    }

    /// A struct through its constructor and setters. `tag` forces the value
    /// of a union's discriminator property; `again` says the type is already
    /// being built further out (only required fields then).
    #[allow(clippy::too_many_arguments)]
    fn structure(
        &mut self,
        def: &TypeDef,
        s: &Struct,
        hint: Option<&Value>,
        tag: Option<(&str, &str)>,
        again: bool,
        depth: usize,
        at: &str,
    ) -> Result<TokenStream, String> {
        let root = &self.ctx.root;
        let name = ident(&def.name);
        let fill_optional = self.full && !again && depth < MAX_OPTIONAL_DEPTH;
        if self.full && !again && !fill_optional && s.fields.iter().any(|f| !f.required) {
            self.skipped_depth = true;
        }
        let mut ctor = Vec::new();
        let mut setters = Vec::new();
        for f in &s.fields {
            let field_at = format!("{at}.{}", f.wire);
            let tag_value = tag
                .filter(|(prop, _)| *prop == f.wire)
                .map(|(_, v)| Value::String(v.to_owned()));
            let field_hint = tag_value
                .as_ref()
                .or_else(|| hint.and_then(|h| h.get(&f.wire)));
            // A required field that may be null is still sent; optional ones
            // only in the full case.
            let wanted = f.required || fill_optional || tag_value.is_some();
            if !wanted {
                continue;
            }
            let mut c = f.constraints.clone();
            if tag_value.is_some() {
                // The discriminator's value wins over any example.
                c.example = None;
            }
            let v = self.value(&f.ty, &c, field_hint, depth + 1, &field_at)?;
            if f.optional() {
                let setter = ident(&f.setter);
                setters.push(quote!(.#setter(#v)));
            } else {
                ctor.push(v);
            }
        }
        Ok(quote!(#root::models::#name::new(#(#ctor),*) #(#setters)*))
    }

    /// The first alternative that can be built, preferring one whose shape
    /// matches the example.
    fn union(
        &mut self,
        def: &TypeDef,
        u: &Union,
        hint: Option<&Value>,
        depth: usize,
        at: &str,
    ) -> Result<TokenStream, String> {
        let root = &self.ctx.root;
        let name = ident(&def.name);
        let tag = u
            .discriminator
            .as_ref()
            .and_then(|d| hint?.get(d))
            .and_then(Value::as_str);
        let mut order: Vec<usize> = (0..u.variants.len()).collect();
        order.sort_by_key(|&i| {
            let v = &u.variants[i];
            let recursive = matches!(v.ty, TypeRef::Named(id) if self.building.contains(&id));
            let tagged = tag.is_some_and(|t| v.tags.iter().any(|x| x == t));
            let fits = hint.is_none_or(|h| self.shape_fits(&v.ty, h));
            (recursive, !tagged, !fits)
        });
        let mut last_err = format!("{at}: union `{}` has no alternatives", def.name);
        for i in order {
            let v = &u.variants[i];
            let notes = self.notes.len();
            let built = match (&v.ty, &u.discriminator, v.tags.first()) {
                (TypeRef::Named(id), Some(prop), Some(tag)) => {
                    let inner = self.ctx.api.ty(*id);
                    match &inner.kind {
                        TypeKind::Struct(s) => {
                            let again = self.building.contains(id);
                            self.building.push(*id);
                            let built = self.structure(
                                inner,
                                s,
                                hint.or(inner.example.as_ref()),
                                Some((prop, tag)),
                                again,
                                depth + 1,
                                at,
                            );
                            self.building.pop();
                            built
                        }
                        _ => self.value(&v.ty, &Constraints::default(), hint, depth + 1, at),
                    }
                }
                _ => self.value(&v.ty, &Constraints::default(), hint, depth + 1, at),
            };
            match built {
                Ok(value) => {
                    let vn = ident(&v.name);
                    let value = if v.boxed {
                        quote!(::std::boxed::Box::new(#value))
                    } else {
                        value
                    };
                    return Ok(quote!(#root::models::#name::#vn(#value)));
                }
                Err(e) => {
                    self.notes.truncate(notes);
                    last_err = e;
                }
            }
        }
        Err(last_err)
    }

    /// Whether a JSON value has the shape of a type (object, array, string,
    /// number, boolean), to pick a union alternative.
    fn shape_fits(&self, ty: &TypeRef, v: &Value) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::Secret
            | TypeRef::Date
            | TypeRef::DateTime
            | TypeRef::DateOrDateTime => v.is_string(),
            TypeRef::Bool => v.is_boolean(),
            TypeRef::Int(_) => integral(v).is_some(),
            TypeRef::Float(_) => v.is_number(),
            TypeRef::Array(_) => v.is_array(),
            TypeRef::Map(_) | TypeRef::JsonObject => v.is_object(),
            TypeRef::Json | TypeRef::Bytes | TypeRef::Unit => true,
            TypeRef::Named(id) => match &self.ctx.api.ty(*id).kind {
                TypeKind::Enum(_) => v.is_string(),
                TypeKind::Struct(s) => {
                    v.as_object().is_some_and(|m| {
                        // Every required property present in the example.
                        s.fields
                            .iter()
                            .filter(|f| f.required)
                            .all(|f| m.contains_key(&f.wire))
                    })
                }
                TypeKind::Union(u) => u.variants.iter().any(|x| self.shape_fits(&x.ty, v)),
                TypeKind::Newtype(inner) => self.shape_fits(inner, v),
            },
        }
    }
}

/// A JSON number with an integral value.
fn integral(v: &Value) -> Option<i128> {
    if let Some(n) = v.as_i64() {
        return Some(n.into());
    }
    if let Some(n) = v.as_u64() {
        return Some(n.into());
    }
    v.as_f64()
        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
        .map(|f| f as i128)
}

fn int_range(kind: IntKind) -> (i128, i128) {
    match kind {
        IntKind::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntKind::I64 => (i64::MIN.into(), i64::MAX.into()),
        IntKind::U32 => (0, u32::MAX.into()),
        IntKind::U64 => (0, u64::MAX.into()),
    }
}

fn int_fits(kind: IntKind, n: i128) -> bool {
    let (lo, hi) = int_range(kind);
    (lo..=hi).contains(&n)
}

fn int_literal(kind: IntKind, n: i128) -> TokenStream {
    let l = match kind {
        IntKind::I32 => Literal::i32_suffixed(n as i32),
        IntKind::I64 => Literal::i64_suffixed(n as i64),
        IntKind::U32 => Literal::u32_suffixed(n as u32),
        IntKind::U64 => Literal::u64_suffixed(n as u64),
    };
    // A negative literal is a unary minus applied to a literal.
    if n < 0 {
        let l = match kind {
            IntKind::I32 => Literal::i32_suffixed((-n) as i32),
            _ => Literal::i64_suffixed((-n) as i64),
        };
        quote!(-#l)
    } else {
        quote!(#l)
    }
}

/// An integer within the bounds: 1 when allowed, else the nearest bound.
fn made_up_int(c: &Constraints, kind: IntKind) -> i128 {
    let (type_lo, type_hi) = int_range(kind);
    let lo = c
        .minimum
        .map(|m| {
            let m = m.ceil() as i128;
            if c.exclusive_minimum && (m as f64) <= c.minimum.unwrap_or(0.0) {
                m + 1
            } else {
                m
            }
        })
        .unwrap_or(type_lo)
        .max(type_lo);
    let hi = c
        .maximum
        .map(|m| {
            let m = m.floor() as i128;
            if c.exclusive_maximum && (m as f64) >= c.maximum.unwrap_or(0.0) {
                m - 1
            } else {
                m
            }
        })
        .unwrap_or(type_hi)
        .min(type_hi);
    1.clamp(lo, hi.max(lo))
}

/// A number within the bounds: 1 when allowed, else just inside a bound.
fn made_up_float(c: &Constraints) -> f64 {
    let lo = c
        .minimum
        .map(|m| if c.exclusive_minimum { m + 0.5 } else { m });
    let hi = c
        .maximum
        .map(|m| if c.exclusive_maximum { m - 0.5 } else { m });
    let mut n = 1.0;
    if let Some(lo) = lo
        && n < lo
    {
        n = lo;
    }
    if let Some(hi) = hi
        && n > hi
    {
        n = hi;
    }
    n
}

/// A string for a format, else `conformance` fitted to the length bounds
/// (hex digits when the length is fixed or long, like identifiers).
fn made_up_string(c: &Constraints) -> String {
    let by_format = match c.format.as_deref() {
        Some("email") => Some("conformance@example.com"),
        Some("uuid") => Some("8c0f3e5a-1b2d-4c6e-9f70-a1b2c3d4e5f6"),
        Some("uri" | "url" | "uri-reference" | "iri") => Some("https://example.com/conformance"),
        Some("hostname" | "idn-hostname") => Some("example.com"),
        Some("ipv4") => Some("192.0.2.1"),
        Some("ipv6") => Some("2001:db8::1"),
        Some("date") => Some("2024-01-31"),
        Some("date-time") => Some("2024-01-31T12:00:00Z"),
        Some("time") => Some("12:00:00Z"),
        Some("byte") => Some("Y29uZm9ybWFuY2U="),
        Some("cidr") => Some("192.0.2.0/24"),
        _ => None,
    };
    if let Some(s) = by_format {
        return s.to_owned();
    }
    const WORD: &str = "conformance";
    let min = c.min_length.unwrap_or(0);
    let max = c.max_length.unwrap_or(usize::MAX).max(min);
    let len = WORD.len().clamp(min, max);
    if len == WORD.len() && min != max {
        WORD.to_owned()
    } else {
        "0123456789abcdef".chars().cycle().take(len).collect()
    }
}

/// A string matching a simple regular expression: literals, escapes
/// (`\d`, `\w`, `\s`, `\.`), `.`, character classes (`[a-f0-9]`), groups
/// with alternatives (the first is taken), anchors and quantifiers (`?`,
/// `*`, `+`, `{n}`, `{n,}`, `{n,m}`; one repetition when zero is allowed).
/// `None` for anything else (negated classes, lookaround, backreferences).
fn sample_pattern(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let out = sample_alternatives(&chars, &mut pos)?;
    (pos == chars.len()).then_some(out)
}

/// The first alternative of a sequence, up to an unmatched `)` or the end.
fn sample_alternatives(chars: &[char], pos: &mut usize) -> Option<String> {
    let first = sample_sequence(chars, pos)?;
    while chars.get(*pos) == Some(&'|') {
        *pos += 1;
        sample_sequence(chars, pos)?;
    }
    Some(first)
}

fn sample_sequence(chars: &[char], pos: &mut usize) -> Option<String> {
    let mut out = String::new();
    while let Some(&c) = chars.get(*pos) {
        let atom = match c {
            '|' | ')' => break,
            '^' | '$' => {
                *pos += 1;
                continue;
            }
            '(' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') {
                    if chars.get(*pos + 1) != Some(&':') {
                        return None; // lookaround, named groups
                    }
                    *pos += 2;
                }
                let inner = sample_alternatives(chars, pos)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                inner
            }
            '[' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'^') {
                    return None;
                }
                let mut first = None;
                loop {
                    let c = *chars.get(*pos)?;
                    *pos += 1;
                    match c {
                        ']' if first.is_some() => break,
                        '\\' => {
                            let e = *chars.get(*pos)?;
                            *pos += 1;
                            first.get_or_insert(escape_sample(e)?);
                        }
                        c => {
                            first.get_or_insert(c);
                        }
                    }
                }
                first?.to_string()
            }
            '\\' => {
                let e = *chars.get(*pos + 1)?;
                *pos += 2;
                if e == 'b' || e == 'B' {
                    continue;
                }
                escape_sample(e)?.to_string()
            }
            '.' => {
                *pos += 1;
                "a".to_owned()
            }
            '*' | '+' | '?' | '{' => return None,
            c => {
                *pos += 1;
                c.to_string()
            }
        };
        let times = quantifier(chars, pos)?;
        out.push_str(&atom.repeat(times));
    }
    Some(out)
}

/// How often to repeat the atom before `pos`: the minimum, or once when
/// the minimum is zero.
fn quantifier(chars: &[char], pos: &mut usize) -> Option<usize> {
    let times = match chars.get(*pos) {
        Some('?' | '*' | '+') => {
            *pos += 1;
            1
        }
        Some('{') => {
            let close = chars[*pos..].iter().position(|&c| c == '}')? + *pos;
            let body: String = chars[*pos + 1..close].iter().collect();
            *pos = close + 1;
            let (min, max) = match body.split_once(',') {
                Some((min, max)) => (
                    min.trim().parse::<usize>().ok()?,
                    max.trim().parse::<usize>().ok(),
                ),
                None => {
                    let n = body.trim().parse::<usize>().ok()?;
                    (n, Some(n))
                }
            };
            if min == 0 && max != Some(0) { 1 } else { min }
        }
        _ => return Some(1),
    };
    // A lazy or possessive marker changes nothing here.
    if matches!(chars.get(*pos), Some('?' | '+')) {
        *pos += 1;
    }
    Some(times)
}

/// A character matched by an escape (`\d` gives `0`), or `None` for
/// escapes with no single-character meaning here (backreferences, `\p`).
fn escape_sample(e: char) -> Option<char> {
    match e {
        'd' => Some('0'),
        'w' => Some('a'),
        's' => Some(' '),
        'D' | 'W' | 'S' => Some('-'),
        'n' => Some('\n'),
        't' => Some('\t'),
        c if c.is_ascii_alphanumeric() => None,
        c => Some(c),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 && digits(y) && digits(m) && digits(d))
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (clock, zone) = if let Some(t) = time.strip_suffix(['Z', 'z']) {
        (t, "")
    } else if let Some(i) = time.rfind(['+', '-']) {
        (&time[..i], &time[i + 1..])
    } else {
        return false;
    };
    let clock = clock.split('.').next().unwrap_or("");
    let hms: Vec<&str> = clock.split(':').collect();
    let zone_ok = zone.is_empty()
        || matches!(zone.split(':').collect::<Vec<_>>().as_slice(), [h, m] if h.len() == 2 && m.len() == 2 && digits(h) && digits(m));
    zone_ok && hms.len() == 3 && hms.iter().all(|p| p.len() == 2 && digits(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_fit_formats_and_lengths() {
        let fixed = Constraints {
            min_length: Some(32),
            max_length: Some(32),
            ..Default::default()
        };
        assert_eq!(made_up_string(&fixed).len(), 32);
        let short = Constraints {
            max_length: Some(4),
            ..Default::default()
        };
        assert_eq!(made_up_string(&short), "0123");
        let plain = Constraints::default();
        assert_eq!(made_up_string(&plain), "conformance");
        let email = Constraints {
            format: Some("email".into()),
            ..Default::default()
        };
        assert!(made_up_string(&email).contains('@'));
    }

    #[test]
    fn numbers_respect_bounds() {
        let c = Constraints {
            minimum: Some(5.0),
            maximum: Some(50.0),
            ..Default::default()
        };
        assert_eq!(made_up_int(&c, IntKind::I64), 5);
        let c = Constraints {
            minimum: Some(1.0),
            exclusive_minimum: true,
            ..Default::default()
        };
        assert_eq!(made_up_int(&c, IntKind::I64), 2);
        let c = Constraints {
            maximum: Some(0.0),
            ..Default::default()
        };
        assert_eq!(made_up_int(&c, IntKind::I64), 0);
        assert_eq!(made_up_int(&Constraints::default(), IntKind::U32), 1);
        let c = Constraints {
            minimum: Some(0.0),
            maximum: Some(0.5),
            ..Default::default()
        };
        assert_eq!(made_up_float(&c), 0.5);
    }

    #[test]
    fn simple_patterns_are_sampled() {
        let cases = [
            ("^[a-f0-9]{32}$", "a".repeat(32)),
            ("^[A-Z]{3}$", "AAA".to_owned()),
            ("^\\d{4}-\\d{2}$", "0000-00".to_owned()),
            ("^(foo|bar)-[0-9]+$", "foo-0".to_owned()),
            ("^(?:[a-z]+\\.)*example\\.com$", "a.example.com".to_owned()),
            ("^x?y*z{0,3}$", "xyz".to_owned()),
            ("abc", "abc".to_owned()),
        ];
        for (pattern, want) in cases {
            assert_eq!(sample_pattern(pattern), Some(want), "{pattern}");
        }
        for unsupported in ["^[^a]$", "(?=a)a", "(a)\\1", "\\p{L}", "*a", "(a"] {
            assert_eq!(sample_pattern(unsupported), None, "{unsupported}");
        }
    }

    #[test]
    fn dates_and_timestamps() {
        assert!(is_date("2024-01-31"));
        assert!(!is_date("2024-1-31"));
        assert!(is_date_time("2024-01-31T12:00:00Z"));
        assert!(is_date_time("2024-01-31T12:00:00.123+02:00"));
        assert!(!is_date_time("2024-01-31 12:00:00"));
        assert!(!is_date_time("2024-01-31T12:00Z"));
    }
}
