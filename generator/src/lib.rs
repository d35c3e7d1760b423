//! An OpenAPI 3.0 and 3.1 to async Rust client generator.
//!
//! The pipeline runs in one direction, one module per stage:
//! [`load`] reads the document, [`validate`] checks what the typed model
//! cannot, [`ir`] decides every name and type, [`emit`] renders Rust and
//! fixed-shape files, and [`write`](mod@write) puts them on disk atomically.
//!
//! ```no_run
//! let spec = std::path::Path::new("spec/openapi.yaml");
//! let (config, _) = generator::Config::discover(spec)?;
//! let generated = generator::generate(spec, &config)?;
//! generator::write::write(std::path::Path::new("generated"), &generated.files)?;
//! # Ok::<(), generator::Error>(())
//! ```

pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
mod locate;
pub mod previous;
pub mod validate;
pub mod write;

use std::path::Path;

pub use config::Config;
pub use diagnostics::{Diagnostic, Error, Severity};
pub use emit::OutputFile;

/// What one generation run produced.
#[derive(Debug)]
pub struct Generated {
    /// The files of the crate, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings about degraded constructs, each with a JSON pointer. Their
    /// line and column are filled in on request by [`Generated::locate`],
    /// which costs a pass over the source.
    pub warnings: Vec<Diagnostic>,
    /// Counts for the summary line.
    pub stats: Stats,
    /// The model the files were emitted from, e.g. to compare with the
    /// previous description's ([`diff::compare`]).
    pub model: ir::Api,
    /// The files of the spec, to locate diagnostics by file, line and
    /// column.
    sources: load::Sources,
}

impl Generated {
    /// Fills in the file, line and column of diagnostics from this run.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        self.sources.locate(diagnostics);
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations emitted.
    pub operations: usize,
    /// Operations in the document.
    pub operations_in_spec: usize,
    /// Named model types emitted.
    pub types: usize,
    /// Params builders emitted.
    pub params: usize,
    /// Webhooks in the document: requests the API makes, not the client.
    pub webhooks: usize,
}

/// Runs the whole pipeline on the spec at `path`, in memory.
pub fn generate(path: &Path, config: &Config) -> Result<Generated, Error> {
    let mut doc = load::load(path)?;
    let built = build_for_emit(&mut doc, config)?;
    // Emission reads only the model. The document's JSON tree and typed
    // model are several times the size of its text: freeing them first
    // lowers the peak memory, which emission sets.
    let sources = std::mem::take(&mut doc.sources);
    drop(doc);
    emit_built(built, sources)
}

/// Builds the model of the spec at `path` without emitting anything; its
/// warnings are dropped. [`diff::compare`] compares two models.
pub fn model(path: &Path, config: &Config) -> Result<ir::Api, Error> {
    let mut doc = load::load(path)?;
    Ok(build_api_with(&mut doc, config, false)?.0)
}

/// Generates the client as one Rust source file to `include!` from a
/// `build.rs` output, at `module_path` (e.g. `crate::api`).
///
/// ```no_run
/// // build.rs
/// let spec = std::path::Path::new("api/openapi.yaml");
/// println!("cargo:rerun-if-changed={}", spec.display());
/// let code = generator::generate_module(spec, &generator::Config::default(), "crate::api")
///     .unwrap_or_else(|e| panic!("{e}"));
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("api.rs");
/// std::fs::write(out, code).unwrap();
/// // src/lib.rs: pub mod api { include!(concat!(env!("OUT_DIR"), "/api.rs")); }
/// ```
pub fn generate_module(path: &Path, config: &Config, module_path: &str) -> Result<String, Error> {
    let mut doc = load::load(path)?;
    let (mut api, _) = build_api(&mut doc, config)?;
    // Cargo features belong to the including crate, not to the module.
    api.gated = false;
    emit::emit_module(&api, module_path)
}

/// Generates conformance cases for the client generated from the same spec
/// and configuration, as one Rust source file to `include!` where the
/// client crate is reachable at `crate_path` (e.g. `::cloudflare_orgs`).
///
/// For every operation there are two cases, `required` (path parameters,
/// required parameters and required body fields only) and `full` (every
/// optional parameter and body field set too), each built through the
/// client's own constructors and setters with values taken from the spec's
/// examples, allowed values, defaults, formats and bounds. The file also
/// lists every operation (`OPERATIONS`), every case (`CASES`, with the
/// reason when a case could not be built), the credential kinds
/// (`CREDENTIAL_KINDS`) and made-up credentials of each kind
/// (`credentials`). `tests/src/bin/conformance.rs` runs them against a
/// spec-driven mock server.
pub fn generate_conformance(
    path: &Path,
    config: &Config,
    crate_path: &str,
) -> Result<String, Error> {
    let mut doc = load::load(path)?;
    let (api, _) = build_api(&mut doc, config)?;
    emit::emit_conformance(&api, crate_path)
}

fn build_api(
    doc: &mut load::Document,
    config: &Config,
) -> Result<(ir::Api, Vec<Diagnostic>), Error> {
    build_api_with(doc, config, true)
}

/// [`build_api`]; `strict` as in [`Config::check`].
fn build_api_with(
    doc: &mut load::Document,
    config: &Config,
    strict: bool,
) -> Result<(ir::Api, Vec<Diagnostic>), Error> {
    let mut diagnostics = std::mem::take(&mut doc.warnings);
    diagnostics.extend(validate::validate(doc));
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        diagnostics.retain(|d| d.severity == Severity::Error);
        return Err(invalid(doc, diagnostics));
    }
    let config_errors = config.check(doc, strict);
    if !config_errors.is_empty() {
        return Err(config.invalid(config_errors));
    }
    let (api, ir_warnings) = ir::build(doc, config).map_err(|errors| {
        // Errors about pinned names point into the configuration.
        if errors.iter().any(|d| Config::is_names_pointer(&d.pointer)) {
            config.invalid(errors)
        } else {
            invalid(doc, errors)
        }
    })?;
    diagnostics.extend(ir_warnings);
    Ok((api, diagnostics))
}

/// Runs validation, IR and emission on an already loaded document.
pub fn generate_document(mut doc: load::Document, config: &Config) -> Result<Generated, Error> {
    let built = build_for_emit(&mut doc, config)?;
    emit_built(built, doc.sources)
}

/// What emission needs: the model, the warnings and the spec's operation
/// count.
struct Built {
    api: ir::Api,
    diagnostics: Vec<Diagnostic>,
    operations_in_spec: usize,
    webhooks: usize,
}

fn build_for_emit(doc: &mut load::Document, config: &Config) -> Result<Built, Error> {
    let (api, diagnostics) = build_api(doc, config)?;
    Ok(Built {
        api,
        diagnostics,
        operations_in_spec: doc.operations().count(),
        webhooks: doc.webhooks,
    })
}

fn emit_built(built: Built, sources: load::Sources) -> Result<Generated, Error> {
    let Built {
        api,
        diagnostics,
        operations_in_spec,
        webhooks,
    } = built;
    let files = emit::emit(&api)?;
    let stats = Stats {
        operations: api.operations.len(),
        operations_in_spec,
        types: api.types.len(),
        params: api.operations.iter().filter(|o| o.params.is_some()).count(),
        webhooks,
    };
    Ok(Generated {
        files,
        warnings: diagnostics,
        model: api,
        sources,
        stats,
    })
}

fn invalid(doc: &load::Document, diagnostics: Vec<Diagnostic>) -> Error {
    Error::Invalid {
        file: doc.path.clone(),
        diagnostics: locate_all(doc, diagnostics),
    }
}

/// Fills in file, line and column of each diagnostic.
pub fn locate_all(doc: &load::Document, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    doc.sources.locate(&mut diagnostics);
    diagnostics
}
