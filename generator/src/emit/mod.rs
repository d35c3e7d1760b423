//! Stage 4: the model to files.
//!
//! Data-driven Rust (models, params, resources, credentials, the crate
//! root and the runtime's `config` module) is built with `quote!`, checked
//! by parsing it with `syn` and formatted with `prettyplease`. The runtime
//! modules are the files of the `templates/runtime` crate, copied verbatim.
//! The fixed-shape text files (Cargo.toml, README) come from the minijinja
//! templates in `templates/`. All of it is compiled into the generator.

mod auth;
mod conformance;
mod docs;
mod examples;
mod mock;
mod models;
mod params;
mod provenance;
mod resources;
mod runtime;
mod rust;
mod templates;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::diagnostics::Error;
use crate::ir::Api;
use rust::{Ctx, format_file, ident};

/// The start of every generated Rust file.
pub const GENERATED_MARKER: &str = "// @generated";

/// One generated file, with a path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `src/models/mod.rs`.
    pub path: String,
    /// File contents.
    pub contents: String,
}

/// Emits the files of a standalone crate, sorted by path.
pub fn emit(api: &Api) -> Result<Vec<OutputFile>, Error> {
    emit_with_root(api, quote!(crate), true)
}

/// Emits the client as one Rust source file for `include!`, with every
/// module inline. `module_path` is where the file is included, e.g.
/// `crate::api` for `mod api { include!(...); }` at the crate root.
pub fn emit_module(api: &Api, module_path: &str) -> Result<String, Error> {
    let root: syn::Path = syn::parse_str(module_path).map_err(|e| Error::InvalidOutput {
        file: "module path".into(),
        message: format!("`{module_path}` is not a Rust path: {e}"),
    })?;
    // The crate root's doc examples name the crate: not for a module.
    let files = emit_with_root(api, quote!(#root), false)?;
    let mut file = parse(&files, "src/lib.rs")?;
    // Crate-level attributes (docs from the README, lints) do not apply
    // inside another crate's module, nor does the crate's `mock` feature:
    // the mock kit comes with the crate, not with an included module.
    file.attrs.clear();
    file.items.retain(|item| !is_mock_module(item));
    file.items = inline_modules(&files, std::mem::take(&mut file.items), "src")?;
    // Nor does the crate's `tracing` feature: the including crate may have
    // no feature of that name, so the module keeps only its stand-ins.
    file.items.iter_mut().for_each(without_tracing);
    Ok(format!("{}{}", rust::HEADER, prettyplease::unparse(&file)))
}

/// Emits the conformance cases of the client as one Rust source file for
/// `include!`: one case per operation and variant (`required`, `full`),
/// built through the client at `crate_path` (e.g. `::my_client`), and a
/// table of every operation. See [`crate::generate_conformance`].
pub fn emit_conformance(api: &Api, crate_path: &str) -> Result<String, Error> {
    let root: syn::Path = syn::parse_str(crate_path).map_err(|e| Error::InvalidOutput {
        file: "crate path".into(),
        message: format!("`{crate_path}` is not a Rust path: {e}"),
    })?;
    conformance::file(&Ctx {
        api,
        root: quote!(#root),
    })
}

/// Leaves in the runtime's `trace` module only the stand-ins that record
/// nothing: drops the module gated on `feature = "tracing"` and the gate of
/// the one on `not(feature = "tracing")`.
fn without_tracing(item: &mut syn::Item) {
    let syn::Item::Mod(trace) = item else { return };
    let Some((_, items)) = trace.content.as_mut().filter(|_| trace.ident == "trace") else {
        return;
    };
    let gate = |attr: &syn::Attribute, on: &str| {
        attr.path().is_ident("cfg")
            && attr.meta.to_token_stream().to_string().replace(' ', "") == on
    };
    items.retain(|item| {
        !matches!(item, syn::Item::Mod(m) if m.attrs.iter().any(|a| gate(a, r#"cfg(feature="tracing")"#)))
    });
    for item in items {
        if let syn::Item::Mod(m) = item {
            m.attrs
                .retain(|a| !gate(a, r#"cfg(not(feature="tracing"))"#));
        }
    }
}

/// `mod mock;` or `mod mock_resources;`, the mock kit's modules.
fn is_mock_module(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Mod(m) if m.ident == "mock" || m.ident == "mock_resources")
}

fn parse(files: &[OutputFile], path: &str) -> Result<syn::File, Error> {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .ok_or_else(|| Error::InvalidOutput {
            file: path.into(),
            message: "module file was not generated".into(),
        })?;
    syn::parse_file(&file.contents).map_err(|e| Error::InvalidOutput {
        file: path.into(),
        message: e.to_string(),
    })
}

/// Replaces each `mod x;` with `mod x { .. }` holding the items of
/// `dir/x.rs` or `dir/x/mod.rs`; the file's inner attributes move inside.
fn inline_modules(
    files: &[OutputFile],
    items: Vec<syn::Item>,
    dir: &str,
) -> Result<Vec<syn::Item>, Error> {
    items
        .into_iter()
        .map(|item| match item {
            syn::Item::Mod(mut m) if m.content.is_none() => {
                let name = m.ident.to_string();
                let flat = format!("{dir}/{name}.rs");
                let path = if files.iter().any(|f| f.path == flat) {
                    flat
                } else {
                    format!("{dir}/{name}/mod.rs")
                };
                let file = parse(files, &path)?;
                let inner = inline_modules(files, file.items, &format!("{dir}/{name}"))?;
                m.attrs.retain(|a| {
                    a.path()
                        .segments
                        .first()
                        .is_none_or(|s| s.ident != "rustfmt")
                });
                m.attrs
                    .push(syn::parse_quote!(#[allow(deprecated, clippy::type_complexity)]));
                // The file's inner attributes (`//!` docs, lint levels) apply to
                // the module; written before it, they do the same.
                m.attrs.extend(file.attrs.into_iter().map(|mut a| {
                    a.style = syn::AttrStyle::Outer;
                    a
                }));
                m.content = Some((Default::default(), inner));
                m.semi = None;
                Ok(syn::Item::Mod(m))
            }
            other => Ok(other),
        })
        .collect()
}

/// Items per emission job: big groups are split so both cores stay busy
/// and no single token tree gets large. Each worker's allocator keeps the
/// memory of its largest job, so small jobs keep the peak low: on
/// `spec/openapi.yaml`, 10 items per job peak at 14 MiB where 200 did at
/// 20 MiB, with no change in time (see BENCHMARKS.md).
const CHUNK: usize = 10;

/// One unit of emission work; jobs run in parallel and each yields files
/// or fragments of files.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// Every file rendered from templates.
    Templates,
    /// The runtime modules, `src/config.rs` and the crate root, with doc
    /// examples on the root's re-exports when `true`.
    Runtime(bool),
    /// `src/auth.rs`.
    Auth,
    /// `.stats.yml`.
    Provenance,
    /// `src/mock_resources.rs`.
    Mock,
    /// Items `chunk * CHUNK ..` of a group (`None`: the shared `mod.rs`).
    Chunk(Module, Option<usize>, usize),
}

/// The grouped modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Module {
    Models,
    Params,
    Resources,
}

impl Module {
    const ALL: [Module; 3] = [Module::Models, Module::Params, Module::Resources];

    fn name(self) -> &'static str {
        match self {
            Module::Models => "models",
            Module::Params => "params",
            Module::Resources => "resources",
        }
    }

    fn doc(self) -> &'static str {
        match self {
            Module::Models => "Data types of requests and responses.",
            Module::Params => {
                "Parameters of operations that take query, header or cookie parameters."
            }
            Module::Resources => {
                "The resource tree: one struct per path prefix, with its operations."
            }
        }
    }

    fn units(self, api: &Api, group: Option<usize>) -> Vec<usize> {
        match self {
            Module::Models => models::units(api, group),
            Module::Params => params::units(api, group),
            Module::Resources => resources::units(api, group),
        }
    }

    fn render(self, ctx: &Ctx<'_>, unit: usize) -> TokenStream {
        match self {
            Module::Models => models::render(ctx, unit),
            Module::Params => params::render(ctx, unit),
            Module::Resources => resources::render(ctx, unit),
        }
    }

    fn path(self, api: &Api, group: Option<usize>) -> String {
        match group {
            Some(g) => format!("src/{}/{}.rs", self.name(), api.features[g].name),
            None => format!("src/{}/mod.rs", self.name()),
        }
    }

    /// What a file starts with: module docs, and in `mod.rs` the group
    /// submodules and the client accessors.
    fn head(self, ctx: &Ctx<'_>, group: Option<usize>) -> TokenStream {
        if let Some(g) = group {
            let doc = docs::inner_text_attrs(&format!(
                "Part of `{}` for the `{}` resource.",
                self.name(),
                ctx.api.features[g].name
            ));
            return doc;
        }
        let submodules = (0..ctx.api.features.len())
            .filter(|g| !self.units(ctx.api, Some(*g)).is_empty())
            .map(|g| {
                let m = ident(&ctx.api.features[g].name);
                let cfg = ctx.cfg(Some(g));
                quote! {
                    #cfg
                    mod #m;
                    #cfg
                    pub use #m::*;
                }
            });
        let extra = match self {
            Module::Resources => resources::client_accessors(ctx),
            Module::Models => models::timestamp_conversions(ctx),
            Module::Params => TokenStream::new(),
        };
        let doc = docs::inner_text_attrs(self.doc());
        quote! {
            #doc
            #(#submodules)*
            #extra
        }
    }
}

/// The files of the crate at `root`; `examples` adds the crate root's doc
/// examples, which name the crate (see [`examples`]).
fn emit_with_root(api: &Api, root: TokenStream, examples: bool) -> Result<Vec<OutputFile>, Error> {
    let mut jobs = Vec::new();
    for module in Module::ALL {
        let groups = (0..api.features.len()).map(Some).chain([None]);
        for group in groups {
            let units = module.units(api, group).len();
            if units == 0 && group.is_some() {
                continue;
            }
            let chunks = units.div_ceil(CHUNK).max(1);
            jobs.extend((0..chunks).map(|c| Job::Chunk(module, group, c)));
        }
    }
    jobs.extend([
        Job::Templates,
        Job::Runtime(examples),
        Job::Auth,
        Job::Provenance,
        Job::Mock,
    ]);
    // Fragments arrive in job order, so chunks of a file join in order.
    let mut files: Vec<OutputFile> = Vec::new();
    for fragment in run_parallel(api, &root.to_string(), &jobs)? {
        match files.last_mut() {
            Some(last) if last.path == fragment.path => last.contents.push_str(&fragment.contents),
            _ => files.push(fragment),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Runs the jobs on all available cores, the calling thread being one of
/// the workers (so its allocator cache, which holds the memory the
/// document was freed into, serves emission too). Token streams cannot
/// cross threads, so each worker parses the root path itself. The first
/// failing job (in job order) decides the error, keeping failures
/// deterministic.
fn run_parallel(api: &Api, root: &str, jobs: &[Job]) -> Result<Vec<OutputFile>, Error> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<JobResult>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, jobs.len().max(1));
    let work = || {
        let root: TokenStream = match root.parse() {
            Ok(r) => r,
            Err(e) => {
                let err = Error::InvalidOutput {
                    file: "module path".into(),
                    message: e.to_string(),
                };
                lock(&results).push((0, Err(err)));
                return;
            }
        };
        let ctx = Ctx { api, root };
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            let outcome = run_job(&ctx, *job);
            lock(&results).push((i, outcome));
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let mut files = Vec::new();
    for (_, outcome) in results {
        files.extend(outcome?);
    }
    Ok(files)
}

/// A job's index and what it produced.
type JobResult = (usize, Result<Vec<OutputFile>, Error>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn run_job(ctx: &Ctx<'_>, job: Job) -> Result<Vec<OutputFile>, Error> {
    match job {
        Job::Templates => templates::render_crate(ctx),
        Job::Auth => Ok(vec![rust_file("src/auth.rs", auth::file(ctx))?]),
        Job::Runtime(examples) => {
            let mut files = runtime::files();
            files.push(rust_file("src/config.rs", runtime::config_file(ctx))?);
            files.push(runtime::lib_file(ctx, examples)?);
            Ok(files)
        }
        Job::Provenance => Ok(vec![provenance::file(ctx.api)?]),
        Job::Mock => Ok(vec![rust_file("src/mock_resources.rs", mock::file(ctx))?]),
        Job::Chunk(module, group, chunk) => {
            let units = module.units(ctx.api, group);
            let end = units.len().min((chunk + 1) * CHUNK);
            let items = units[(chunk * CHUNK).min(end)..end]
                .iter()
                .map(|&u| module.render(ctx, u));
            let path = module.path(ctx.api, group);
            let contents = if chunk == 0 {
                let head = module.head(ctx, group);
                format_file(&path, quote!(#head #(#items)*))?
            } else {
                rust::format_fragment(&path, quote!(#(#items)*))?
            };
            Ok(vec![OutputFile { path, contents }])
        }
    }
}

fn rust_file(path: &str, tokens: TokenStream) -> Result<OutputFile, Error> {
    Ok(OutputFile {
        path: path.to_owned(),
        contents: format_file(path, tokens)?,
    })
}
