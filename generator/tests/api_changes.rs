//! One fixture pair per kind of change (`fixtures/diff/<name>/old.yaml`
//! and `new.yaml`, both generated with `fixtures/diff/generator.yaml`),
//! with the API change report between them snapshotted
//! (`snapshots/api_changes__<name>.snap`): what the maintainer would read.

use std::path::{Path, PathBuf};

use generator::Config;
use generator::diff::{self, Format};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn pairs() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/diff exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.join("old.yaml").is_file() && p.join("new.yaml").is_file())
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, p)
        })
        .collect();
    out.sort();
    out
}

/// The text report of one pair, against `old.yaml`.
fn report(dir: &Path) -> (diff::Report, String) {
    let config = Config::from_file(&fixtures_dir().join("generator.yaml")).expect("valid config");
    let model = |file: &str| {
        generator::model(&dir.join(file), &config)
            .unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
    };
    let report = diff::compare(&model("old.yaml"), &model("new.yaml"));
    let version = diff::propose_version(&report, true).expect("valid versions");
    let text = diff::render(&report, Some(&version), "old.yaml", Format::Text);
    (report, text)
}

#[test]
fn every_fixture_pair_matches_its_report_snapshot() {
    let pairs = pairs();
    assert!(
        pairs.len() >= 25,
        "expected the change fixtures, found {}",
        pairs.len()
    );
    let mut failed = Vec::new();
    for (name, dir) in &pairs {
        let (report, text) = report(dir);
        assert!(
            !report.changes.is_empty(),
            "{name}: the pair shows no change"
        );
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut settings = insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(true);
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text));
        }));
        if outcome.is_err() {
            failed.push(name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "reports differ for: {failed:?} (review with `cargo insta review`)"
    );
}

/// The eight changes of the original survey, by the verdict that matters.
#[test]
fn the_surveyed_changes_get_the_verdicts_the_emitted_code_allows() {
    let expect = [
        ("optional_field_added", false),
        ("enum_value_added", false),
        ("required_property_renamed", true),
        ("param_made_required", true),
        ("operation_added", false),
        ("operation_removed", true),
        ("field_type_changed", true),
        ("operation_reusing_enum", false),
    ];
    for (name, breaking) in expect {
        let (report, text) = report(&fixtures_dir().join(name));
        assert_eq!(report.is_breaking(), breaking, "{name}:\n{text}");
    }
    // The enum merged under a shared name keeps its old name as an alias.
    let (report, text) = report(&fixtures_dir().join("operation_reusing_enum"));
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.kind == "type-aliased" && c.message.contains("kept as an alias")),
        "{text}"
    );
    assert!(
        !report.changes.iter().any(|c| c.kind == "type-renamed"),
        "{text}"
    );
}

/// The same inputs give the same report, byte for byte.
#[test]
fn reports_are_deterministic() {
    for (_, dir) in pairs().iter().take(5) {
        let (a, text_a) = report(dir);
        let (b, text_b) = report(dir);
        assert_eq!(a, b);
        assert_eq!(text_a, text_b);
    }
}
