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

/// Files under a directory with their bytes and modification times.
type Snapshot = BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)>;

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Snapshot {
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
    let before = generate_good(&good, &out);

    let spec = dir.join(file);
    std::fs::write(&spec, bad).unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = assert_refused(name, &result, expected, &out, &before);
    assert!(
        stderr.contains(spec.to_str().unwrap()),
        "{name}: message does not name the file:\n{stderr}"
    );
    stderr
}

/// Writes the valid document GOOD to `spec`, generates it into `out` and
/// returns the output's snapshot, the state a refused run must leave alone.
fn generate_good(spec: &Path, out: &Path) -> Snapshot {
    std::fs::write(spec, GOOD).unwrap();
    let first = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(out);
    assert!(before.len() > 10);
    before
}

/// Asserts a run was refused: exit 2, no panic, every `expected` fragment
/// in its standard error, and `out` as it was. Returns the standard error.
fn assert_refused(
    name: &str,
    result: &std::process::Output,
    expected: &[&str],
    out: &Path,
    before: &Snapshot,
) -> String {
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(
        result.status.code(),
        Some(2),
        "exit code for {name}; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "{name}: expected `{fragment}` in:\n{stderr}"
        );
    }
    assert_eq!(
        snapshot(out),
        *before,
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

#[test]
fn response_keys_must_be_status_codes() {
    let spec = GOOD.replace(
        "        '200':\n",
        "        '600': {description: odd}\n        OK: {description: ok}\n        '200':\n",
    );
    rejects(
        "status",
        "status.yaml",
        spec.as_bytes(),
        &[
            "status.yaml:10:9: error[invalid-status-code]: response key `600`",
            "status.yaml:11:9: error[invalid-status-code]: response key `OK`",
            "(at #/paths/~1items~1{id}/get/responses/OK)",
        ],
    );
}

#[test]
fn path_keys_start_with_a_slash() {
    let spec = GOOD.replace("  /items/{id}:", "  items/{id}:");
    rejects(
        "slash",
        "slash.yaml",
        spec.as_bytes(),
        &[
            "slash.yaml:4:3: error[invalid-path]",
            "does not start with `/`",
            "(at #/paths/items~1{id})",
        ],
    );
}

#[test]
fn path_parameters_must_be_required() {
    for (name, replacement, what) in [
        ("optional", "required: false", "is not `required: true`"),
        ("unsaid", "x-note: none", "has no `required`"),
    ] {
        let spec = GOOD.replace("required: true", replacement);
        rejects(
            name,
            "param.yaml",
            spec.as_bytes(),
            &[
                "param.yaml:8:11: error[path-param-not-required]",
                what,
                "(at #/paths/~1items~1{id}/get/parameters/0)",
            ],
        );
    }
}

#[test]
fn refs_to_the_wrong_kind_of_object() {
    let spec = format!(
        "{}  parameters:\n    P: {{name: p, in: query, schema: {{type: string}}}}\n",
        GOOD.replace("'#/components/schemas/Item'", "'#/components/parameters/P'")
    );
    rejects(
        "kind",
        "kind.yaml",
        spec.as_bytes(),
        &[
            "kind.yaml:14:24: error[ref-kind]",
            "`#/components/parameters/P` points at a parameter, but a schema is expected here",
        ],
    );
}

#[test]
fn discriminator_mappings_name_alternatives() {
    let union = "    Other:\n      type: object\n      properties:\n        kind: {type: string}\n    Union:\n      oneOf: [{$ref: '#/components/schemas/Item'}]\n      discriminator:\n        propertyName: kind\n        mapping:\n";
    let dangling = format!("{GOOD}{union}          gone: '#/components/schemas/Gone'\n");
    rejects(
        "mapping",
        "mapping.yaml",
        dangling.as_bytes(),
        &[
            "mapping.yaml:30:11: error[dangling-ref]",
            "discriminator value `gone` maps to `#/components/schemas/Gone`, which does not exist",
        ],
    );
    let stranger = format!("{GOOD}{union}          other: Other\n");
    warns(
        "mapping-member",
        &stranger,
        &[
            "spec.yaml:30:11: warning[discriminator-mapping]",
            "the entry is ignored",
        ],
    );
}

#[test]
fn openapi_3_1_keywords_in_a_3_0_document() {
    let spec = format!("{GOOD}webhooks: {{}}\njsonSchemaDialect: x\n");
    rejects(
        "keywords-30",
        "v30.yaml",
        spec.as_bytes(),
        &[
            "v30.yaml:21:1: error[not-in-version]: `webhooks` is an OpenAPI 3.1 keyword",
            "v30.yaml:22:1: error[not-in-version]: `jsonSchemaDialect`",
        ],
    );
}

#[test]
fn defaults_and_repeated_parameters_are_warnings() {
    let spec = GOOD.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: q, in: query, schema: {type: integer, default: ten}}\n        - {name: q, in: query, schema: {type: integer}}\n",
    );
    warns(
        "defaults",
        &spec,
        &[
            "spec.yaml:9:56: warning[default-mismatch]: `default: \"ten\"` is not of the schema's type `integer`",
            "spec.yaml:10:11: warning[duplicate-parameter]",
            "the last one is used",
        ],
    );
}

#[test]
fn consistency_defects_are_recovered() {
    let spec = GOOD
        .replace(
            "info: {title: Good, version: '1'}\n",
            "info: {title: Good, version: '1'}\ntags:\n  - {name: t, description: {$ref: '#/components/schemas/Item'}}\nsecurity: [{nope: []}]\n",
        )
        .replace("        id: {type: string}\n", "        id: {type: string, maxLength: 1e400}\n        n: {type: integer, minimum: -99999999999999999999999}\n");
    warns(
        "consistency",
        &spec,
        &[
            "spec.yaml:4:29: warning[ref-in-string]",
            "spec.yaml:5:12: warning[undefined-security-scheme]",
            "spec.yaml:23:28: warning[constraint-dropped]: `maxLength: \"1e400\"`",
            "spec.yaml:24:28: warning[constraint-dropped]: `minimum: -1e+23` does not fit a 64-bit integer",
        ],
    );
}

#[test]
fn a_huge_scalar_is_not_echoed() {
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: \"{}\"\n",
        "A".repeat(2 << 20)
    );
    let stderr = rejects(
        "huge",
        "huge.yaml",
        spec.as_bytes(),
        &["error[invalid-openapi]", "characters)"],
    );
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
}

#[test]
fn openapi_3_1_generates_and_counts_webhooks() {
    let dir = scratch("v31");
    let spec = dir.join("v31.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: V31, version: '1', summary: s}\nwebhooks:\n  ping: {post: {responses: {'200': {description: ok}}}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: [string, 'null']}\n",
    )
    .unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        stdout.contains("1/1 operations") && stdout.contains("1 webhooks skipped"),
        "{stdout}"
    );
}

/// The multi-file fixture, copied into a scratch directory.
fn multifile(name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = scratch(name);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/multifile");
    copy(&fixture, &dir.join("api"));
    dir
}

#[test]
fn multi_file_descriptions_generate_from_any_directory() {
    let dir = multifile("multi-cwd");
    let from_root = run(&[
        "--spec",
        dir.join("api/openapi.yaml").to_str().unwrap(),
        "--out",
        dir.join("a").to_str().unwrap(),
    ]);
    assert!(
        from_root.status.success(),
        "{}",
        String::from_utf8_lossy(&from_root.stderr)
    );
    let nested = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["--spec", "../openapi.yaml", "--out", "../../b"])
        .current_dir(dir.join("api/schemas"))
        .output()
        .unwrap();
    assert!(
        nested.status.success(),
        "{}",
        String::from_utf8_lossy(&nested.stderr)
    );
    let contents = |d: &str| -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&dir.join(d))
            .into_iter()
            .map(|(p, (bytes, _))| (p.strip_prefix(dir.join(d)).unwrap().to_path_buf(), bytes))
            .collect()
    };
    assert_eq!(contents("a"), contents("b"));
    // `./schemas/v2/Pet.yaml` is hoisted as `v2_Pet`, since `Pet` is taken.
    let models = std::fs::read_to_string(dir.join("a/src/models/v2.rs")).unwrap();
    assert!(models.contains("pub struct V2Pet"), "{models}");
    let pets = std::fs::read_to_string(dir.join("a/src/models/pets.rs")).unwrap();
    assert!(
        pets.contains("pub struct Pet") && pets.contains("pub struct Owner"),
        "{pets}"
    );
}

#[test]
fn multi_file_problems_name_their_file() {
    let dir = multifile("multi-bad");
    let out = dir.join("out");
    let spec = dir.join("api/openapi.yaml");
    let first = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(first.status.success());
    let before = snapshot(&out);
    let owner = dir.join("api/schemas/Owner.yaml");
    let text = std::fs::read_to_string(&owner).unwrap();
    let broken = text.replace("./Pet.yaml", "./Pet.yaml#/properties/nope");
    std::fs::write(&owner, broken).unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    let expected = format!("{}:7:13: error[dangling-ref]", owner.display());
    assert!(
        stderr.contains(&expected),
        "expected `{expected}` in:\n{stderr}"
    );
    assert!(
        stderr.contains("(at #/properties/pets/items/$ref)"),
        "{stderr}"
    );
    std::fs::write(
        &owner,
        text.replace("./Pet.yaml", "https://example.com/Pet.yaml"),
    )
    .unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("Owner.yaml:7:13: error[remote-ref]"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before, "the existing output changed");
}

/// Generates a good crate into `out`, then runs the generator with the
/// configuration `config` into the same directory and returns its stderr
/// after checking the contract: exit 2, no panic, every expected fragment
/// (each naming `generator.yaml:line:col`), output untouched.
fn rejects_config(name: &str, config: &str, expected: &[&str]) -> String {
    let dir = scratch(&format!("config-{name}"));
    let out = dir.join("out");
    let spec = dir.join("spec.yaml");
    let before = generate_good(&spec, &out);
    let file = dir.join("generator.yaml");
    std::fs::write(&file, config).unwrap();
    let result = run(&[
        "--spec",
        spec.to_str().unwrap(),
        "--config",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_refused(name, &result, expected, &out, &before)
}

#[test]
fn config_values_are_checked_for_what_they_become() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "package-dot",
            "crate: {name: \"my.client\"}\n",
            &["generator.yaml:1:9: error[invalid-config]: `my.client` is not a package name"],
        ),
        (
            "package-keyword",
            "crate:\n  name: fn\n",
            &[
                "generator.yaml:2:3: error[invalid-config]: `fn` is not a package name",
                "Rust keyword",
            ],
        ),
        (
            "package-digit",
            "crate:\n  name: 1st-api\n",
            &["generator.yaml:2:3: error[invalid-config]: `1st-api` is not a package name"],
        ),
        (
            "package-dependency",
            "crate:\n  name: serde\n",
            &["generator.yaml:2:3: error[invalid-config]: `serde` is not a package name"],
        ),
        (
            "version",
            "crate:\n  version: one\n",
            &["generator.yaml:2:3: error[invalid-config]: `one` is not a semantic version"],
        ),
        (
            "base-url",
            "client:\n  base_url: 'api.example.com'\n",
            &["generator.yaml:2:3: error[invalid-config]: `api.example.com` is not a base URL"],
        ),
        (
            "base-url-env",
            "client:\n  base_url_env: 'A\"B'\n",
            &[
                "generator.yaml:2:3: error[invalid-config]: `A\"B` is not an environment variable name",
            ],
        ),
        (
            "request-id-header",
            "client:\n  request_id_header: \"x request\\nid\"\n",
            &[
                "generator.yaml:2:3: error[invalid-config]:",
                "is not a header name",
            ],
        ),
        (
            "envelope-empty",
            "envelope:\n  result: ''\n",
            &["generator.yaml:2:3: error[invalid-config]: an envelope field name cannot be empty"],
        ),
        (
            "envelope-twice",
            "envelope:\n  result: data\n  errors: data\n",
            &[
                "generator.yaml:3:3: error[invalid-config]: `data` already names the envelope's `result` field",
            ],
        ),
        (
            "pagination-path",
            "pagination:\n  - style: cursor\n    cursor_param: c\n    next_cursor: info..next\n",
            &["generator.yaml:4:5: error[invalid-config]: `info..next` is not a dotted path"],
        ),
        (
            "scheme-env",
            "auth:\n  schemes:\n    key: {env: 'MY-TOKEN'}\n",
            &[
                "generator.yaml:3:5: error[invalid-config]: security scheme `key` is not defined",
                "generator.yaml:3:11: error[invalid-config]: `MY-TOKEN` is not an environment variable name",
            ],
        ),
        (
            "credential",
            "auth:\n  credentials:\n    - {name: 'two words', schemes: [nope]}\n",
            &[
                "generator.yaml:3:8: error[invalid-config]: `two words` cannot name a credential kind",
                "generator.yaml:3:37: error[invalid-config]: security scheme `nope` is not defined",
            ],
        ),
        (
            "operation-missing",
            "operations:\n  getItems: {method: list}\n",
            &[
                "generator.yaml:2:3: error[invalid-config]: the document has no operation with operationId `getItems`",
            ],
        ),
        (
            "operation-names",
            "operations:\n  getItem: {resource: 'items.by id', method: '2nd'}\n",
            &[
                "generator.yaml:2:13: error[invalid-config]: `items.by id` is not a dotted resource path",
                "generator.yaml:2:38: error[invalid-config]: `2nd` cannot name a method",
            ],
        ),
        (
            "unknown-key",
            "features:\n  mock: true\n",
            &[
                "generator.yaml:2:3: error[invalid-config]: at `features.mock`: features: unknown field `mock`",
            ],
        ),
        (
            "wrong-type",
            "client:\n  max_retries: many\n",
            &["generator.yaml:2:16: error[invalid-config]: at `client.max_retries`"],
        ),
    ];
    for (name, config, expected) in cases {
        rejects_config(name, config, expected);
    }
}

#[test]
fn a_huge_config_value_is_not_echoed() {
    let config = format!("crate:\n  name: \"{}\"\n", "A.".repeat(1 << 20));
    let stderr = rejects_config(
        "huge",
        &config,
        &["generator.yaml:2:3: error[invalid-config]", "characters)"],
    );
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
}

/// Titles whose slug is no package name as it stands.
#[test]
fn names_from_any_title_are_valid() {
    for (i, title) in [
        "1st API",
        "!!!",
        "ünïcödé",
        "日本語",
        "fn",
        "Self",
        "std",
        "serde",
        "_",
        "-",
    ]
    .iter()
    .enumerate()
    {
        let dir = scratch(&format!("title-{i}"));
        let spec = dir.join("spec.yaml");
        let text = GOOD.replace("title: Good", &format!("title: {title:?}"));
        std::fs::write(&spec, text).unwrap();
        let out = dir.join("out");
        let result = run(&[
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            result.status.success(),
            "{title}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{title}: no package name in\n{manifest}"));
        assert_eq!(
            generator::ir::names::package_problem(name),
            None,
            "{title}: `{name}`"
        );
    }
}
