//! Edge-case fixture specs (`tests/fixtures/<name>/openapi.*`), one hazard
//! each: their generated code is snapshotted, and all of it must compile
//! without warnings (clippy included) in one temporary workspace, each
//! fixture under its own config and some under a matrix of other configs.

use std::path::{Path, PathBuf};

use generator::config::EnvelopeConfig;
use generator::{Config, Generated};

/// The provenance file holds the fixture's digest, which any edit of the
/// fixture changes; its format is covered by the spec snapshots.
const PROVENANCE_FILE: &str = ".stats.yml";

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = tests::workspace().join("tests/fixtures");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir() && e.file_name() != "build")
        .filter_map(|e| {
            let spec = ["openapi.yaml", "openapi.json"]
                .iter()
                .map(|f| e.path().join(f))
                .find(|p| p.is_file())?;
            Some((e.file_name().to_string_lossy().into_owned(), spec))
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 10,
        "expected the edge-case fixtures, found {out:?}"
    );
    out
}

fn own_config(spec: &Path) -> Config {
    Config::discover(spec).expect("fixture config is valid").0
}

fn generate(spec: &Path, config: &Config) -> Generated {
    generator::generate(spec, config)
        .unwrap_or_else(|e| panic!("{} does not generate:\n{e}", spec.display()))
}

/// One crate of the compile check: a fixture generated under a config.
struct Case {
    /// Directory in the check workspace, and the package name.
    name: String,
    spec: PathBuf,
    config: Config,
}

/// Every fixture under its own config, then the config matrix.
fn cases() -> Vec<Case> {
    let own = fixtures().into_iter().map(|(name, spec)| Case {
        config: own_config(&spec),
        name,
        spec,
    });
    own.chain(config_matrix()).collect()
}

/// Fixtures under configs other than their own, for settings whose
/// combinations generate different code. Each `(fixture, variant, config)`
/// is compiled as the crate `<fixture>-<variant>`; covering another setting
/// (pagination styles, credential shapes, features, module mode) adds its
/// variants here.
fn config_matrix() -> Vec<Case> {
    let mut matrix: Vec<(&str, String, Config)> = Vec::new();
    let envelope = fixture_spec("envelope");
    for (variant, config) in envelope_subsets(&own_config(&envelope)) {
        matrix.push(("envelope", variant, config));
    }
    matrix
        .into_iter()
        .map(|(fixture, variant, mut config)| {
            let name = format!("{fixture}-{variant}");
            // Package names must be unique in the check workspace.
            config.krate.name = Some(name.clone());
            Case {
                name,
                spec: fixture_spec(fixture),
                config,
            }
        })
        .collect()
}

fn fixture_spec(fixture: &str) -> PathBuf {
    tests::workspace()
        .join("tests/fixtures")
        .join(fixture)
        .join("openapi.yaml")
}

/// `base` with no envelope, and with every subset of the envelope's
/// optional fields next to `result`: 17 configs.
fn envelope_subsets(base: &Config) -> Vec<(String, Config)> {
    let mut out = Vec::new();
    let mut none = base.clone();
    none.envelope = None;
    out.push(("absent".to_owned(), none));
    for bits in 0..16u8 {
        let on = |bit: u8, field: &str| (bits & (1 << bit) != 0).then(|| field.to_owned());
        let envelope = EnvelopeConfig {
            result: "result".into(),
            success: on(0, "success"),
            errors: on(1, "errors"),
            messages: on(2, "messages"),
            result_info: on(3, "result_info"),
        };
        let fields = [
            Some("result"),
            envelope.success.as_deref(),
            envelope.errors.as_deref(),
            envelope.messages.as_deref(),
            envelope.result_info.as_deref().map(|_| "info"),
        ];
        let variant = fields.into_iter().flatten().collect::<Vec<_>>().join("-");
        let mut config = base.clone();
        config.envelope = Some(envelope);
        out.push((variant, config));
    }
    out
}

#[test]
fn config_matrix_covers_every_envelope_subset() {
    let names: std::collections::BTreeSet<String> =
        config_matrix().into_iter().map(|c| c.name).collect();
    assert_eq!(names.len(), 17, "{names:?}");
    assert!(names.contains("envelope-absent"), "{names:?}");
    assert!(names.contains("envelope-result"), "{names:?}");
    assert!(
        names.contains("envelope-result-success-errors-messages-info"),
        "{names:?}"
    );
}

#[test]
fn fixture_outputs_match_snapshots() {
    let runtime = tests::runtime_files();
    let mut failed = Vec::new();
    for (name, spec) in fixtures() {
        let generated = generate(&spec, &own_config(&spec));
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots/fixtures");
        let warnings: Vec<String> = generated
            .warnings
            .iter()
            .map(|w| format!("{}: {} (at {})", w.kind, w.message, w.pointer))
            .collect();
        let mut check = |snapshot: String, contents: &str| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                settings.bind(|| insta::assert_snapshot!(snapshot.clone(), contents));
            }));
            if outcome.is_err() {
                failed.push(snapshot);
            }
        };
        check(format!("{name}__warnings"), &warnings.join("\n"));
        for file in generated
            .files
            .iter()
            .filter(|f| !runtime.contains(&f.path) && f.path != PROVENANCE_FILE)
        {
            check(
                format!("{name}__{}", file.path.replace('/', "__")),
                &file.contents,
            );
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ: {failed:?} (review with `cargo insta review`)"
    );
}

#[test]
fn fixture_outputs_compile_without_warnings() {
    let root = tests::workspace();
    // Inside target/ so cargo and git ignore it; the target dir is shared
    // across runs so only changed fixtures are rechecked.
    let base = root.join("target/fixture-check");
    let ws = base.join("workspace");
    let mut members = Vec::new();
    for case in cases() {
        let generated = generate(&case.spec, &case.config);
        generator::write::write(&ws.join(&case.name), &generated.files)
            .expect("fixture crate is written");
        members.push(case.name);
    }
    if let Err(problems) = tests::check_generated_workspace(&ws, &base.join("target"), &members) {
        panic!("fixture crates do not compile cleanly:\n{problems}");
    }
}
