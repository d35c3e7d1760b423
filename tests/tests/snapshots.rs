//! Snapshot of every file generated from `spec/openapi.yaml`, but the
//! runtime modules copied verbatim from `templates/runtime`. A change to
//! the generator or the spec that alters the output fails here until the
//! new snapshot is reviewed (`cargo insta review`).

use generator::Config;

#[test]
fn generated_files_match_snapshots() {
    let spec = tests::workspace().join("spec/openapi.yaml");
    let (config, _) = Config::discover(&spec).expect("spec/generator.yaml is valid");
    let generated = generator::generate(&spec, &config).expect("the spec generates");
    assert!(
        generated.files.len() > 10,
        "expected a whole crate, got {} files",
        generated.files.len()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/spec");
    let runtime = tests::runtime_files();
    // Check every file even when one differs, then report them all.
    let failed: Vec<&str> = generated
        .files
        .iter()
        .filter(|file| !runtime.contains(&file.path))
        .filter(|file| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                settings
                    .bind(|| insta::assert_snapshot!(file.path.replace('/', "__"), file.contents));
            }));
            outcome.is_err()
        })
        .map(|file| file.path.as_str())
        .collect();
    assert!(
        failed.is_empty(),
        "snapshots differ for: {failed:?} (review with `cargo insta review`)"
    );
}
