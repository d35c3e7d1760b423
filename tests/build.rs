//! Generates, at build time:
//!
//! - a client from a fixture spec, the way a downstream crate would use the
//!   generator from its own `build.rs` (`petstore.rs`);
//! - the conformance cases of the checked-in client from `spec/openapi.yaml`
//!   (`conformance.rs`), run by `src/bin/conformance.rs` against Prism, so
//!   every operation of the spec gets its cases without anyone writing them;
//! - a client and its conformance cases from `fixtures/conformance/openapi.yaml`,
//!   a spec of values and bodies that are hard to build, so the case
//!   emitter's output is compiled for all of them (`hazards*.rs`).

use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let spec = Path::new("fixtures/build/openapi.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let config = generator::Config::default();
    let code = generator::generate_module(spec, &config, "crate::petstore")
        .unwrap_or_else(|e| panic!("{e}"));
    write(&out.join("petstore.rs"), &code);

    let spec = Path::new("../spec/openapi.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let (config, config_path) = generator::Config::discover(spec).unwrap_or_else(|e| panic!("{e}"));
    if let Some(path) = config_path {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let code = generator::generate_conformance(spec, &config, "::cloudflare_orgs")
        .unwrap_or_else(|e| panic!("{e}"));
    write(&out.join("conformance.rs"), &code);

    let spec = Path::new("fixtures/conformance/openapi.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let config = generator::Config::default();
    let code = generator::generate_module(spec, &config, "crate::hazards")
        .unwrap_or_else(|e| panic!("{e}"));
    write(&out.join("hazards.rs"), &code);
    let code = generator::generate_conformance(spec, &config, "crate::hazards")
        .unwrap_or_else(|e| panic!("{e}"));
    write(&out.join("hazards_conformance.rs"), &code);
}

fn write(path: &Path, code: &str) {
    std::fs::write(path, code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
