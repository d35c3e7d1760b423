//! Fails when the checked-in `generated/` crate is not what the generator
//! produces from `spec/` now.

use generator::{Config, write};

#[test]
fn checked_in_crate_is_up_to_date() {
    let root = tests::workspace();
    let spec = root.join("spec/openapi.yaml");
    let (config, _) = Config::discover(&spec).expect("spec/generator.yaml is valid");
    let generated = generator::generate(&spec, &config).expect("the spec generates");
    let differences =
        write::check(&root.join("generated"), &generated.files).expect("generated/ is readable");
    let listing: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert!(
        differences.is_empty(),
        "generated/ is stale; run `cargo run -p generator`:\n{}",
        listing.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let spec = tests::workspace().join("spec/openapi.yaml");
    let (config, _) = Config::discover(&spec).expect("spec/generator.yaml is valid");
    let first = generator::generate(&spec, &config).expect("the spec generates");
    let second = generator::generate(&spec, &config).expect("the spec generates");
    assert_eq!(first.files, second.files);
}
