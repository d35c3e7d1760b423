//! The command line contract: exit codes, messages that name the file and
//! the place, and output that is never damaged by a failed run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GOOD: &str = "openapi: 3.0.3
info: {title: Good, version: '1'}
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
      properties:
        id: {type: string}
";

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .output()
        .expect("generator runs")
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = std::fs::metadata(&path).expect("metadata");
                out.insert(
                    path.clone(),
                    (
                        std::fs::read(&path).expect("readable"),
                        meta.modified().expect("mtime"),
                    ),
                );
            }
        }
    }
    out
}

/// Generates a good crate into `out`, then runs the generator on `bad` into
/// the same directory and returns its stderr after checking the contract.
fn rejects(name: &str, file: &str, bad: &[u8], expected: &[&str]) -> String {
    let dir = scratch(name);
    let out = dir.join("out");
    let good = dir.join("good.yaml");
    std::fs::write(&good, GOOD).unwrap();
    let first = run(&[
        "--spec",
        good.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&out);
    assert!(before.len() > 10);

    let spec = dir.join(file);
    std::fs::write(&spec, bad).unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(
        result.status.code(),
        Some(2),
        "exit code for {name}; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
    assert!(
        stderr.contains(spec.to_str().unwrap()),
        "{name}: message does not name the file:\n{stderr}"
    );
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "{name}: expected `{fragment}` in:\n{stderr}"
        );
    }
    assert_eq!(
        snapshot(&out),
        before,
        "{name}: the existing output changed"
    );
    stderr
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let stderr = rejects(
        "yaml",
        "bad.yaml",
        b"openapi: 3.0.3\ninfo: {title: t\npaths: {}\n",
        &["error[invalid-yaml]"],
    );
    assert!(stderr.contains("bad.yaml:3:"), "{stderr}");
}

#[test]
fn invalid_json_reports_line_and_column() {
    rejects(
        "json",
        "bad.json",
        b"{\n  \"openapi\": \"3.0.3\",\n  \"info\": }\n",
        &["error[invalid-json]", "bad.json:3:"],
    );
}

#[test]
fn empty_file() {
    rejects("empty", "empty.yaml", b"", &["error[empty-document]"]);
}

#[test]
fn binary_garbage() {
    rejects(
        "binary",
        "garbage.yaml",
        &[0x00, 0xff, 0xfe, 0x89, b'P', b'N', b'G', 0x00],
        &["error[not-text]"],
    );
}

#[test]
fn not_openapi() {
    rejects(
        "not-openapi",
        "other.yaml",
        b"name: my-app\nversion: 2\n",
        &["error[not-openapi]", "no `openapi` field"],
    );
    rejects(
        "scalar",
        "scalar.yaml",
        b"just a string\n",
        &["error[not-openapi]", "not a mapping"],
    );
}

#[test]
fn swagger_2() {
    rejects(
        "swagger",
        "swagger.yaml",
        b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &["error[unsupported-version]", "Swagger"],
    );
}

#[test]
fn openapi_3_2() {
    rejects(
        "v32",
        "v32.yaml",
        b"openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &[
            "error[unsupported-version]",
            "3.2.0",
            "only 3.0.x and 3.1.x",
        ],
    );
}

#[test]
fn dangling_ref() {
    let spec = GOOD.replace(
        "#/components/schemas/Item'",
        "#/components/schemas/Missing'",
    );
    rejects(
        "dangling",
        "dangling.yaml",
        spec.as_bytes(),
        &[
            "error[dangling-ref]",
            "#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref",
            "dangling.yaml:14:",
        ],
    );
}

#[test]
fn external_ref_to_a_missing_file() {
    let spec = GOOD.replace("'#/components/schemas/Item'", "'missing.yaml#/Item'");
    rejects(
        "external",
        "external.yaml",
        spec.as_bytes(),
        &["error[missing-file]", "missing.yaml", "external.yaml:14:"],
    );
}

#[test]
fn pure_ref_cycle() {
    let spec = format!(
        "{GOOD}    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    rejects(
        "cycle",
        "cycle.yaml",
        spec.as_bytes(),
        &["error[ref-cycle]", "#/components/schemas/A/$ref"],
    );
}

/// Generates `spec` (a defective document) into a fresh directory: it must
/// succeed with the expected warnings, and fail with `--deny-warnings`
/// without touching the output. Returns the lenient run's stdout and
/// stderr.
fn warns(name: &str, spec: &str, expected: &[&str]) -> String {
    let dir = scratch(name);
    let file = dir.join("spec.yaml");
    let out = dir.join("out");
    std::fs::write(&file, spec).unwrap();
    let lenient = run(&[
        "--spec",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&lenient.stderr).into_owned();
    assert!(lenient.status.success(), "{name}: {stderr}");
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "{name}: expected `{fragment}` in:\n{stderr}"
        );
    }
    let before = snapshot(&out);
    let strict = run(&[
        "--spec",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--deny-warnings",
    ]);
    let strict_err = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(2), "{name}: {strict_err}");
    for fragment in expected {
        let as_error = fragment.replace("warning[", "error[");
        assert!(
            strict_err.contains(&as_error),
            "{name}: expected `{as_error}` in:\n{strict_err}"
        );
    }
    assert_eq!(snapshot(&out), before, "{name}: the output changed");
    format!("{}{stderr}", String::from_utf8_lossy(&lenient.stdout))
}

#[test]
fn path_template_and_parameters_disagree() {
    let spec = GOOD.replace("{name: id, in: path", "{name: key, in: path");
    let stderr = warns(
        "template",
        &spec,
        &[
            "spec.yaml:5:5: warning[path-param-missing]",
            "it becomes a required string parameter",
            "spec.yaml:8:11: warning[path-param-unused]",
            "#/paths/~1items~1{id}/get/parameters/0",
        ],
    );
    assert!(stderr.contains("generated 1/1 operations"), "{stderr}");
}

#[test]
fn duplicate_operation_ids() {
    let spec = GOOD.replace(
        "components:",
        "  /other:\n    get:\n      operationId: getItem\n      responses: {'204': {description: none}}\ncomponents:",
    );
    rejects(
        "dupes",
        "dupes.yaml",
        spec.as_bytes(),
        &[
            "error[duplicate-operation-id]",
            "#/paths/~1other/get/operationId",
            "already used at #/paths/~1items~1{id}/get/operationId",
        ],
    );
}

#[test]
fn wrong_types() {
    let spec = GOOD.replace(
        "required: true, schema: {type: string}",
        "required: true, schema: 42",
    );
    rejects(
        "types",
        "types.yaml",
        spec.as_bytes(),
        &["error[invalid-openapi]", "#/paths/~1items~1{id}"],
    );
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    let depth = 20_000;
    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    rejects(
        "deep-yaml",
        "deep.yaml",
        yaml.as_bytes(),
        &["error[invalid-yaml]"],
    );
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    rejects(
        "deep-json",
        "deep.json",
        json.as_bytes(),
        &["error[invalid-json]"],
    );
}

#[test]
fn missing_spec_file_is_an_io_error() {
    let dir = scratch("missing");
    let result = run(&[
        "--spec",
        dir.join("nope.yaml").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("nope.yaml"));
    assert!(!dir.join("out").exists());
}

#[test]
fn unknown_arguments_are_usage_errors() {
    let result = run(&["--frobnicate"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("unknown argument `--frobnicate`"));
}

#[test]
fn check_reports_stale_output_with_exit_code_1() {
    let dir = scratch("check");
    let spec = dir.join("spec.yaml");
    let out = dir.join("out");
    std::fs::write(&spec, GOOD).unwrap();
    let missing = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("missing: src/lib.rs"));
    assert!(!out.exists(), "--check must not write");
    assert!(
        run(&[
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let fresh = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fresh.stdout)
    );
    std::fs::write(out.join("src/models/mod.rs"), "// edited").unwrap();
    let stale = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stdout).contains("changed: src/models/mod.rs"));
}

#[test]
fn unchanged_files_are_not_rewritten_and_stale_ones_are_removed() {
    let dir = scratch("rewrite");
    let spec = dir.join("spec.yaml");
    let out = dir.join("out");
    let extra = GOOD.replace(
        "components:",
        "  /tags:\n    get:\n      operationId: listTags\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n      responses: {'204': {description: none}}\ncomponents:",
    );
    std::fs::write(&spec, &extra).unwrap();
    assert!(
        run(&[
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    assert!(out.join("src/params/tags.rs").exists());
    std::fs::write(out.join("src/notes.rs"), "// written by hand").unwrap();
    let before = snapshot(&out);
    std::fs::write(&spec, GOOD).unwrap();
    let second = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(second.status.success());
    let after = snapshot(&out);
    assert!(
        !out.join("src/params/tags.rs").exists(),
        "a file the spec no longer produces is removed"
    );
    assert!(
        out.join("src/notes.rs").exists(),
        "a file without the generated header is kept"
    );
    let untouched = out.join("src/client.rs");
    assert_eq!(
        before[&untouched], after[&untouched],
        "an unchanged file keeps its bytes and mtime"
    );
}

#[test]
fn output_is_identical_across_processes() {
    let dir = scratch("determinism");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/generator.yaml");
    let mut outputs = Vec::new();
    for run_index in 0..3 {
        let out = dir.join(format!("out{run_index}"));
        let result = run(&[
            "--spec",
            spec.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let files: BTreeMap<PathBuf, Vec<u8>> = snapshot(&out)
            .into_iter()
            .map(|(p, (bytes, _))| (p.strip_prefix(&out).unwrap().to_path_buf(), bytes))
            .collect();
        outputs.push(files);
    }
    assert!(outputs[0].len() > 10);
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[1], outputs[2]);
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let dir = scratch("deny");
    let spec = dir.join("spec.yaml");
    let out = dir.join("out");
    let defective = GOOD.replace(
        "        id: {type: string}\n",
        "        id: {type: string}\n      required: [id, id]\n",
    );
    std::fs::write(&spec, defective).unwrap();
    let lenient = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(lenient.status.success());
    assert!(String::from_utf8_lossy(&lenient.stderr).contains("warning[duplicate-required]"));
    let strict = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--deny-warnings",
    ]);
    assert_eq!(strict.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.contains("error[duplicate-required]"), "{stderr}");
    assert!(stderr.contains("spec.yaml:"), "{stderr}");
}
