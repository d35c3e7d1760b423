//! Generates a client from a fixture spec at build time, the way a
//! downstream crate would use the generator from its own `build.rs`.

use std::path::{Path, PathBuf};

fn main() {
    let spec = Path::new("fixtures/build/openapi.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let config = generator::Config::default();
    let code = generator::generate_module(spec, &config, "crate::petstore")
        .unwrap_or_else(|e| panic!("{e}"));
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("petstore.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
