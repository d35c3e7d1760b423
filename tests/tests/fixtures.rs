//! Edge-case fixture specs (`tests/fixtures/<name>/openapi.*`), one hazard
//! each: their generated code is snapshotted, and all of it must compile
//! without warnings (clippy included) in one temporary workspace, each
//! fixture under its own config and some under a matrix of other configs.

mod configs;

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
    /// Compiled with the `mock` feature (the mock kit) on.
    mock: bool,
    /// Compiled with the `tracing` feature on.
    tracing: bool,
    /// Generated as a module (`generate_module`) included by a crate of
    /// its own, rather than as a crate.
    module: bool,
}

/// Every fixture under its own config, then the config matrix.
fn cases() -> Vec<Case> {
    let own = fixtures().into_iter().map(|(name, spec)| Case {
        config: own_config(&spec),
        // Every description's mock kit must compile, so each fixture's own
        // crate has it on; the config matrix checks crates without it.
        mock: true,
        tracing: false,
        module: false,
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
    for (variant, config) in configs_variants(&own_config(&fixture_spec("configs"))) {
        matrix.push(("configs", variant, config));
    }
    // The `tracing` feature, on for a crate of its own; every other crate
    // is checked without it.
    let operations = own_config(&fixture_spec("operations"));
    matrix.push(("operations", "tracing".into(), operations));
    matrix
        .into_iter()
        .map(|(fixture, variant, mut config)| {
            let name = format!("{fixture}-{variant}");
            // Package names must be unique in the check workspace.
            config.krate.name = Some(name.clone());
            Case {
                mock: variant.contains("mock"),
                tracing: variant == "tracing",
                module: variant.starts_with("module"),
                name,
                spec: fixture_spec(fixture),
                config,
            }
        })
        .collect()
}

/// The `configs` fixture under every pagination style (and none), every
/// credential shape (derived from the description, one scheme, a pair of
/// schemes), features off and opted into, with and without the mock kit,
/// envelope field names that no description has, and as a module; plus
/// two random valid configurations (`configs/mod.rs`, fixed seeds).
fn configs_variants(base: &Config) -> Vec<(String, Config)> {
    use generator::config::{CredentialConfig, PaginationRule};
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut Config)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    let rules = [
        (
            "page-number",
            PaginationRule::PageNumber {
                page_param: "page".into(),
                per_page_param: Some("per_page".into()),
                total_pages: "result_info.total_pages".into(),
            },
        ),
        (
            "cursor",
            PaginationRule::Cursor {
                cursor_param: "cursor".into(),
                next_cursor: "result_info.cursor".into(),
            },
        ),
    ];
    for (style, rule) in rules {
        out.push((
            format!("paging-{style}"),
            with(&|c| c.pagination = vec![rule.clone()]),
        ));
    }
    out.push(("paging-none".into(), with(&|c| c.pagination.clear())));
    out.push((
        "auth-derived".into(),
        with(&|c| {
            c.auth.credentials.clear();
            c.auth.schemes.clear();
        }),
    ));
    out.push((
        "auth-pair".into(),
        with(&|c| {
            c.auth.credentials = vec![CredentialConfig {
                name: "Pair".into(),
                schemes: vec!["secret".into(), "key".into()],
            }];
        }),
    ));
    out.push((
        "features-off-mock".into(),
        with(&|c| c.features.per_resource = false),
    ));
    out.push((
        "features-opt-in".into(),
        with(&|c| c.features.default_full = false),
    ));
    out.push((
        "features-opt-in-mock".into(),
        with(&|c| c.features.default_full = false),
    ));
    out.push((
        "strings".into(),
        with(&|c| {
            let odd = |field: &str| format!("{field} \"q\" \\ \n ü ✓");
            c.envelope = Some(EnvelopeConfig {
                result: odd("result"),
                success: Some(odd("success")),
                errors: Some(odd("errors")),
                messages: Some(odd("messages")),
                result_info: Some(odd("result_info")),
            });
            c.pagination = vec![PaginationRule::PageToken {
                token_param: odd("token"),
                next_token: "ö.\"".into(),
            }];
        }),
    ));
    out.push(("module".into(), base.clone()));
    out.push((
        "module-derived-mock".into(),
        with(&|c| {
            c.auth.credentials.clear();
            c.envelope = None;
        }),
    ));
    for seed in [1, 2] {
        out.push((
            format!("random-{seed}"),
            configs::random_valid(seed).config(),
        ));
    }
    out
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
fn config_matrix_covers_every_setting() {
    let matrix = config_matrix();
    let names: std::collections::BTreeSet<String> = matrix.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names.len(), 17 + 13 + 1, "{names:?}");
    let configs: Vec<&Case> = matrix
        .iter()
        .filter(|c| c.name.starts_with("configs-"))
        .collect();
    let generated: Vec<(&Case, Generated)> = configs
        .iter()
        .map(|c| (*c, generate(&c.spec, &c.config)))
        .collect();
    let own = generate(
        &fixture_spec("configs"),
        &own_config(&fixture_spec("configs")),
    );
    let all = generated.iter().map(|(_, g)| g).chain([&own]);
    let mut styles = std::collections::HashSet::new();
    let mut shapes = std::collections::BTreeSet::new();
    for g in all {
        for op in &g.model.operations {
            if let Some(p) = &op.pagination {
                styles.insert(std::mem::discriminant(p));
            }
        }
        for c in &g.model.auth.credentials {
            shapes.insert(c.schemes.len());
        }
    }
    assert_eq!(styles.len(), 3, "every pagination style is generated");
    assert_eq!(
        shapes,
        [1, 2].into(),
        "one-scheme and two-scheme credentials"
    );
    let flags = |f: &dyn Fn(&Case) -> bool| generated.iter().filter(|(c, _)| f(c)).count();
    assert!(
        flags(&|c: &Case| c.mock
            && c.config.features.per_resource
            && !c.config.features.default_full)
            > 0
    );
    assert!(flags(&|c| c.mock && !c.config.features.per_resource) > 0);
    assert!(flags(&|c: &Case| c.module) >= 2);
    assert!(names.contains("envelope-absent"), "{names:?}");
    assert!(names.contains("envelope-absent"), "{names:?}");
    assert!(names.contains("envelope-result"), "{names:?}");
    assert!(
        names.contains("envelope-result-success-errors-messages-info"),
        "{names:?}"
    );
}

#[test]
fn config_matrix_checks_a_crate_with_the_tracing_feature() {
    let traced: Vec<String> = config_matrix()
        .into_iter()
        .filter(|c| c.tracing)
        .map(|c| c.name)
        .collect();
    assert_eq!(traced, ["operations-tracing"]);
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
    let mut features = Vec::new();
    for case in cases() {
        let generated = generate(&case.spec, &case.config);
        let package = generated.model.krate.package.clone();
        let mut files = generated.files;
        if case.module {
            files = module_crate(&case, files);
        }
        generator::write::write(&ws.join(&case.name), &files).expect("fixture crate is written");
        if case.mock {
            features.push(format!("{package}/mock"));
        }
        if case.tracing {
            features.push(format!("{package}/tracing"));
        }
        members.push(case.name);
    }
    if let Err(problems) =
        tests::check_generated_workspace_with(&ws, &base.join("target"), &members, &features)
    {
        panic!("fixture crates do not compile cleanly:\n{problems}");
    }
}

/// A crate that includes the case's client as the module `crate::api`
/// (`generate_module`), with the generated crate's manifest.
fn module_crate(case: &Case, files: Vec<generator::OutputFile>) -> Vec<generator::OutputFile> {
    let code = generator::generate_module(&case.spec, &case.config, "crate::api")
        .unwrap_or_else(|e| panic!("{}: no module:\n{e}", case.name));
    let mut out: Vec<generator::OutputFile> = files
        .into_iter()
        .filter(|f| f.path == "Cargo.toml")
        .collect();
    assert_eq!(out.len(), 1, "{}: the crate has a manifest", case.name);
    out.push(generator::OutputFile {
        path: "src/lib.rs".into(),
        contents: "//! A crate with a generated client module.\n\n/// The generated client.\npub mod api {\n    include!(\"api.rs\");\n}\n".into(),
    });
    out.push(generator::OutputFile {
        path: "src/api.rs".into(),
        contents: code,
    });
    out
}

/// The doctests of a crate whose resources are opt-in features (none on by
/// default) pass with no feature on, where the README's examples of gated
/// operations compile to nothing, and with every feature on, where they
/// run. The fixture compile check above builds no doctests.
#[test]
fn readme_doctests_pass_with_resources_opted_out_and_in() {
    let base = tests::workspace().join("target/fixture-doctest");
    let case = config_matrix()
        .into_iter()
        .find(|c| c.name == "configs-features-opt-in")
        .expect("the opt-in case is in the matrix");
    assert!(
        !case.config.features.default_full && case.config.features.per_resource,
        "resources are opt-in features"
    );
    let generated = generate(&case.spec, &case.config);
    let package = generated.model.krate.package.clone();
    let cargo = one_crate_workspace(&base, &case.name, &generated);
    for features in [None, Some("--all-features")] {
        let output = cargo()
            .args(["test", "--doc", "--quiet", "-p", &package])
            .args(features)
            .output()
            .expect("cargo runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "doctests fail with {features:?}:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("test result: ok"),
            "no doctest ran with {features:?}:\n{stdout}"
        );
    }
}

/// A crate split into features compiles with each feature alone on: a type
/// shared by some features is compiled exactly when one of them is (the
/// `features` fixture's `Pair` is used by `alpha` and `beta`, not `gamma`).
/// The compile check above builds the crate with its defaults only.
#[test]
fn each_feature_alone_compiles_its_shared_types() {
    let base = tests::workspace().join("target/fixture-features");
    let spec = fixture_spec("features");
    let config = own_config(&spec);
    assert!(config.features.per_resource && !config.features.default_full);
    let generated = generate(&spec, &config);
    let models = generated
        .files
        .iter()
        .find(|f| f.path == "src/models/mod.rs")
        .expect("shared models are written");
    assert!(
        models.contents.contains(concat!(
            "/// `Pair` (from `#/components/schemas/Pair`).\n",
            "#[cfg(any(feature = \"alpha\", feature = \"beta\"))]\n",
        )),
        "Pair is gated on the features using it:\n{}",
        models.contents
    );
    let package = generated.model.krate.package.clone();
    let cargo = one_crate_workspace(&base, "features", &generated);
    let features: Vec<&str> = generated
        .model
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(features, ["alpha", "beta", "gamma"]);
    for feature in features {
        let output = cargo()
            .args(["check", "--quiet", "-p", &package, "--features", feature])
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !stderr.contains("warning"),
            "the crate does not compile cleanly with `{feature}` alone:\n{stderr}"
        );
    }
}

/// Writes `generated` as the only member `name` of a workspace in
/// `base/workspace` (with the repository's `Cargo.lock`); returns a maker of
/// cargo commands run there, with the target directory `base/target`.
fn one_crate_workspace(
    base: &Path,
    name: &str,
    generated: &Generated,
) -> impl Fn() -> std::process::Command {
    let ws = base.join("workspace");
    generator::write::write(&ws.join(name), &generated.files).expect("fixture crate is written");
    std::fs::write(
        ws.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{name:?}]\n"),
    )
    .expect("workspace manifest is written");
    std::fs::copy(tests::workspace().join("Cargo.lock"), ws.join("Cargo.lock"))
        .expect("lockfile is copied");
    let target = base.join("target");
    move || {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = std::process::Command::new(cargo);
        command
            .current_dir(&ws)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS");
        command
    }
}
