//! The command line of the API change report: `--against` a file or a git
//! revision, the three formats, `--fail-on-breaking` and its exit code,
//! `--bump-version` and `--changelog`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
        size: {type: string}
";

/// SPEC with `size` an integer: one breaking change.
fn breaking() -> String {
    SPEC.replace("size: {type: string}", "size: {type: integer}")
}

/// SPEC with an optional `color`: one additive change.
fn additive() -> String {
    SPEC.replace(
        "size: {type: string}\n",
        "size: {type: string}\n        color: {type: string}\n",
    )
}

const CONFIG: &str = "# the shop client\ncrate:\n  name: shop\n  version: 0.3.1 # released\n";

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-changes")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The previous release, `dir/old/openapi.yaml` (SPEC) with its
/// configuration, a bare copy `dir/bare.yaml`, and `dir/spec/openapi.yaml`
/// (`current`) with the same configuration.
fn setup(name: &str, current: &str) -> PathBuf {
    let dir = scratch(name);
    for sub in ["old", "spec"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join("generator.yaml"), CONFIG).unwrap();
    }
    std::fs::write(dir.join("old/openapi.yaml"), SPEC).unwrap();
    std::fs::write(dir.join("bare.yaml"), SPEC).unwrap();
    std::fs::write(dir.join("spec/openapi.yaml"), current).unwrap();
    dir
}

/// A command that finds the repository by its directory: the test may run
/// under git (a hook, `git rebase --exec`) whose `GIT_DIR` and
/// `GIT_WORK_TREE` would point it at the enclosing repository.
fn isolated(program: &str) -> Command {
    let mut command = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            command.env_remove(key);
        }
    }
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    isolated(env!("CARGO_BIN_EXE_generator"))
        .current_dir(dir)
        .args(["--spec", "spec/openapi.yaml", "--out", "out"])
        .args(args)
        .output()
        .expect("generator runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

#[test]
fn the_text_report_follows_the_summary_line() {
    let dir = setup("text", &breaking());
    let o = run(&dir, &["--against", "old/openapi.yaml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("generated 1/1 operations"), "{out}");
    assert_eq!(
        lines[1],
        "API changes against old/openapi.yaml: 1 breaking, 0 additive, 0 internal"
    );
    assert!(
        out.contains("breaking  models::Item::size: type changed from `Option<String>` to `Option<i64>`\n          at #/components/schemas/Item/properties/size\n"),
        "{out}"
    );
    assert!(
        out.contains("version: 0.3.1 -> 0.4.0 (breaking changes bump the minor version before 1.0); crate.version is 0.3.1: --bump-version sets it"),
        "{out}"
    );
    assert!(
        dir.join("out/Cargo.toml").is_file(),
        "generation went ahead"
    );
}

#[test]
fn fail_on_breaking_exits_3_and_writes_nothing() {
    let dir = setup("fail", &breaking());
    let o = run(
        &dir,
        &["--against", "old/openapi.yaml", "--fail-on-breaking"],
    );
    assert_eq!(code(&o), 3, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("1 breaking"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "1 breaking changes against old/openapi.yaml: nothing written (--fail-on-breaking)"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("out").exists(), "nothing written");
    // With --check the output is compared, and a current output still
    // fails on the breaking change.
    assert_eq!(code(&run(&dir, &[])), 0);
    let o = run(
        &dir,
        &[
            "--check",
            "--against",
            "old/openapi.yaml",
            "--fail-on-breaking",
        ],
    );
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    assert!(stdout(&o).contains("out is up to date"), "{}", stdout(&o));
    // Stale output is reported as such first.
    std::fs::write(dir.join("out/README.md"), "edited").unwrap();
    let o = run(
        &dir,
        &[
            "--check",
            "--against",
            "old/openapi.yaml",
            "--fail-on-breaking",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn additive_changes_pass_fail_on_breaking() {
    let dir = setup("additive", &additive());
    let o = run(
        &dir,
        &["--against", "old/openapi.yaml", "--fail-on-breaking"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("additive  models::Item::color: optional field `color: Option<String>` added, with setter `color(..)`"),
        "{out}"
    );
    assert!(out.contains("version: 0.3.1 -> 0.3.2"), "{out}");
}

#[test]
fn json_and_markdown_are_the_whole_standard_output() {
    let dir = setup("formats", &breaking());
    let o = run(&dir, &["--against", "old/openapi.yaml", "--report", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    assert_eq!(json["format"], 1);
    assert_eq!(json["counts"]["breaking"], 1);
    assert_eq!(json["version"]["proposed"], "0.4.0");
    assert_eq!(json["changes"][0]["kind"], "field-type-changed");
    assert_eq!(json["changes"][0]["before"], "Option<String>");
    assert_eq!(json["changes"][0]["after"], "Option<i64>");
    assert_eq!(json["current"]["files"][0]["path"], "openapi.yaml");
    assert!(
        stderr(&o).contains("generated 1/1 operations"),
        "{}",
        stderr(&o)
    );

    let o = run(
        &dir,
        &["--against", "old/openapi.yaml", "--report", "markdown"],
    );
    let md = stdout(&o);
    assert!(md.starts_with("## API changes\n\nAgainst `old/openapi.yaml`: **1 breaking**, 0 additive, 0 internal. Next version: **0.4.0**"), "{md}");
    assert!(md.contains("### Breaking changes\n\n- `models::Item::size`: type changed from `Option<String>` to `Option<i64>` (`#/components/schemas/Item/properties/size`)\n"), "{md}");

    let o = run(
        &dir,
        &[
            "--against",
            "old/openapi.yaml",
            "--report",
            "markdown",
            "--report-file",
            "report.md",
        ],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(std::fs::read_to_string(dir.join("report.md")).unwrap(), md);
    assert!(stdout(&o).starts_with("generated "), "{}", stdout(&o));
}

#[test]
fn report_flags_need_against_and_valid_values() {
    let dir = setup("flags", SPEC);
    for args in [
        &["--changelog"][..],
        &["--fail-on-breaking"],
        &["--report", "json"],
        &["--bump-version"],
    ] {
        let o = run(&dir, args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            stderr(&o).contains("needs --against FILE|REV"),
            "{}",
            stderr(&o)
        );
    }
    let o = run(&dir, &["--against", "old/openapi.yaml", "--report", "yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown report format `yaml`"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &dir,
        &["--against", "old/openapi.yaml", "--bump-version", "--check"],
    );
    assert_eq!(code(&o), 2);
    let o = run(&dir, &["--against", "missing.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--against missing.yaml: no such file, and"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("out").exists(), "nothing written on errors");
}

#[test]
fn bump_version_and_changelog_record_the_release() {
    let dir = setup("release", &breaking());
    // Without the bump, the changelog refuses an entry under the old version.
    let o = run(&dir, &["--against", "old/openapi.yaml", "--changelog"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "generator.yaml: error[invalid-config]: at `crate.version`: 0.3.1 is below 0.4.0"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("out").exists());

    let o = run(
        &dir,
        &[
            "--against",
            "old/openapi.yaml",
            "--bump-version",
            "--changelog",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("crate.version set to 0.4.0 in spec/generator.yaml"),
        "{}",
        stdout(&o)
    );
    let config = std::fs::read_to_string(dir.join("spec/generator.yaml")).unwrap();
    assert_eq!(
        config,
        CONFIG.replace("0.3.1", "0.4.0"),
        "only the version changed"
    );
    let cargo = std::fs::read_to_string(dir.join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("version = \"0.4.0\""), "{cargo}");
    let changelog = std::fs::read_to_string(dir.join("out/CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog
            .contains("\n## 0.4.0\n\nGenerated from Shop 1 (1 operations; `openapi.yaml` sha256 `"),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Breaking changes\n\n- `models::Item::size`"),
        "{changelog}"
    );

    // Running it again changes nothing (the previous release's
    // configuration says 0.3.1), and --check agrees.
    let o = run(
        &dir,
        &[
            "--against",
            "old/openapi.yaml",
            "--bump-version",
            "--changelog",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stdout(&o).contains("crate.version set"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("out/CHANGELOG.md")).unwrap(),
        changelog
    );
    let o = run(
        &dir,
        &["--check", "--against", "old/openapi.yaml", "--changelog"],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = run(&dir, &["--check"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn without_the_previous_configuration_the_version_is_not_bumped() {
    let dir = setup("bare", &breaking());
    let o = run(&dir, &["--against", "bare.yaml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("version: 0.3.1 -> 0.4.0 (breaking changes bump the minor version before 1.0; the previous version is unknown, taken to be the configured one); crate.version is 0.3.1\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&dir, &["--against", "bare.yaml", "--bump-version"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--against bare.yaml: --bump-version needs the previous crate version, and it is unknown: there is no generator.yaml next to it"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("spec/generator.yaml")).unwrap(),
        CONFIG
    );
    // The changelog entry then goes under the configured version.
    let o = run(&dir, &["--against", "bare.yaml", "--changelog"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let changelog = std::fs::read_to_string(dir.join("out/CHANGELOG.md")).unwrap();
    assert!(changelog.contains("\n## 0.3.1\n"), "{changelog}");
}

fn git(dir: &Path, args: &[&str]) {
    let o = isolated("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn against_a_git_revision_reads_the_spec_directory_as_it_was() {
    let dir = setup("git", SPEC);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "spec"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    // The configuration at HEAD is used for HEAD: a different version
    // there shows in the proposal.
    std::fs::write(dir.join("spec/openapi.yaml"), breaking()).unwrap();
    let bumped = CONFIG.replace("0.3.1", "0.5.0");
    std::fs::write(dir.join("spec/generator.yaml"), &bumped).unwrap();
    let o = run(&dir, &["--against", "HEAD", "--report", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["against"], "HEAD");
    assert_eq!(json["changes"][0]["item"], "models::Item::size");
    assert_eq!(json["previous"]["crate_version"], "0.3.1");
    assert_eq!(json["current"]["crate_version"], "0.5.0");
    assert_eq!(json["version"]["previous_known"], true);
    assert_eq!(json["version"]["proposed"], "0.5.0");
    std::fs::write(dir.join("spec/generator.yaml"), CONFIG).unwrap();

    // A broken previous description is named by revision and path.
    std::fs::write(dir.join("spec/openapi.yaml"), "openapi: [\n").unwrap();
    git(&dir, &["commit", "-q", "-am", "broken"]);
    std::fs::write(dir.join("spec/openapi.yaml"), SPEC).unwrap();
    let o = run(&dir, &["--against", "HEAD"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("HEAD:spec/openapi.yaml:"),
        "{}",
        stderr(&o)
    );
    let o = run(&dir, &["--against", "HEAD~1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("API changes against HEAD~1: none"),
        "{}",
        stdout(&o)
    );
    let o = run(&dir, &["--against", "no-such-branch"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a git revision"), "{}", stderr(&o));
}

#[test]
fn a_revision_of_a_multi_file_description_brings_its_other_files() {
    let dir = scratch("git-multi");
    std::fs::create_dir_all(dir.join("spec/schemas")).unwrap();
    let entry = SPEC
        .split("components:")
        .next()
        .unwrap()
        .replace("#/components/schemas/Item", "schemas/item.yaml");
    std::fs::write(dir.join("spec/openapi.yaml"), entry).unwrap();
    let item =
        "type: object\nrequired: [id]\nproperties:\n  id: {type: string}\n  size: {type: string}\n";
    std::fs::write(dir.join("spec/schemas/item.yaml"), item).unwrap();
    std::fs::write(dir.join("spec/generator.yaml"), CONFIG).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "spec"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    std::fs::write(
        dir.join("spec/schemas/item.yaml"),
        item.replace("size: {type: string}", "size: {type: integer}"),
    )
    .unwrap();
    let o = run(&dir, &["--against", "HEAD", "--report", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["counts"]["breaking"], 1, "{json:#}");
    assert_eq!(json["changes"][0]["kind"], "field-type-changed");
    let files = |side: &str| -> Vec<String> {
        json[side]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(files("previous"), ["openapi.yaml", "schemas/item.yaml"]);
    assert_eq!(files("current"), ["openapi.yaml", "schemas/item.yaml"]);
    assert_ne!(
        json["previous"]["files"][1]["sha256"],
        json["current"]["files"][1]["sha256"]
    );
    assert_eq!(
        json["previous"]["files"][0]["sha256"],
        json["current"]["files"][0]["sha256"]
    );
}
