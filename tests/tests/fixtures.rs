//! Edge-case fixture specs (`tests/fixtures/<name>/openapi.*`), one hazard
//! each: their generated code is snapshotted, and all of it must compile
//! without warnings (clippy included) in one temporary workspace.

use std::path::{Path, PathBuf};

use generator::{Config, Generated};

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

fn generate(spec: &Path) -> Generated {
    let (config, _) = Config::discover(spec).expect("fixture config is valid");
    generator::generate(spec, &config)
        .unwrap_or_else(|e| panic!("{} does not generate:\n{e}", spec.display()))
}

#[test]
fn fixture_outputs_match_snapshots() {
    let runtime = tests::runtime_files();
    let mut failed = Vec::new();
    for (name, spec) in fixtures() {
        let generated = generate(&spec);
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
            .filter(|f| !runtime.contains(&f.path))
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
    for (name, spec) in fixtures() {
        let generated = generate(&spec);
        generator::write::write(&ws.join(&name), &generated.files)
            .expect("fixture crate is written");
        members.push(name);
    }
    if let Err(problems) = tests::check_generated_workspace(&ws, &base.join("target"), &members) {
        panic!("fixture crates do not compile cleanly:\n{problems}");
    }
}
