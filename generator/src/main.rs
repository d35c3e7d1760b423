//! Command line: arguments, exit codes and the summary line.
//!
//! ```text
//! generator [--spec FILE] [--out DIR] [--config FILE] [--check] [--deny-warnings] [--verbose]
//! ```
//! Exit codes: 0 success, 1 `--check` found differences, 2 invalid input or
//! I/O error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::{Config, Diagnostic, Error, Severity, write};

const USAGE: &str = "usage: generator [--spec FILE] [--out DIR] [--config FILE] [--check] [--deny-warnings] [--verbose]

Generates an async Rust client crate from an OpenAPI 3.0 or 3.1 description
(one file, or several joined by relative `$ref`s).

  --spec FILE       the description (default: spec/openapi.yaml)
  --out DIR         the crate directory to write (default: generated)
  --config FILE     generator configuration (default: generator.yaml next to the spec, if any)
  --check           write nothing; exit 1 and list files if DIR is not up to date
  --deny-warnings   treat warnings as errors
  --verbose         print every warning instead of a summary per kind

exit codes: 0 success, 1 --check found differences, 2 invalid input or I/O error";

/// How many warnings of one kind are printed before summarising.
const SHOWN_PER_KIND: usize = 3;

struct Args {
    spec: PathBuf,
    out: PathBuf,
    config: Option<PathBuf>,
    check: bool,
    deny_warnings: bool,
    verbose: bool,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let root = default_root();
    let mut args = Args {
        spec: root.join("spec/openapi.yaml"),
        out: root.join("generated"),
        config: None,
        check: false,
        deny_warnings: false,
        verbose: false,
    };
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--spec" => args.spec = PathBuf::from(value("--spec")?),
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--config" => args.config = Some(PathBuf::from(value("--config")?)),
            "--check" => args.check = true,
            "--deny-warnings" => args.deny_warnings = true,
            "--verbose" => args.verbose = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(args))
}

/// The directory default paths are relative to: the current directory if
/// it holds `spec/openapi.yaml`, else the workspace this binary was built in.
fn default_root() -> PathBuf {
    if Path::new("spec/openapi.yaml").is_file() {
        return PathBuf::from(".");
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if workspace.join("spec/openapi.yaml").is_file() {
        workspace
    } else {
        PathBuf::from(".")
    }
}

fn run(args: &Args) -> Result<ExitCode, Error> {
    let started = Instant::now();
    let config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::discover(&args.spec)?.0,
    };
    let generated = generator::generate(&args.spec, &config)?;
    if args.deny_warnings && !generated.warnings.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = generated
            .warnings
            .iter()
            .cloned()
            .map(|d| Diagnostic {
                severity: Severity::Error,
                ..d
            })
            .collect();
        generated.locate(&mut diagnostics);
        return Err(Error::Invalid {
            file: args.spec.clone(),
            diagnostics,
        });
    }
    print_warnings(&args.spec, &generated, args.verbose);
    let s = generated.stats;
    let mut counts = format!(
        "{}/{} operations, {} types, {} params builders",
        s.operations, s.operations_in_spec, s.types, s.params
    );
    if s.webhooks > 0 {
        // Webhooks are requests the API sends to its users: not a client's
        // concern, but worth saying so nobody looks for them.
        counts.push_str(&format!(
            ", {} webhooks skipped (requests the API sends, not client calls)",
            s.webhooks
        ));
    }
    if args.check {
        let differences = write::check(&args.out, &generated.files)?;
        let secs = started.elapsed().as_secs_f64();
        if differences.is_empty() {
            println!(
                "{} is up to date: {counts}, {} files ({secs:.2} s)",
                args.out.display(),
                generated.files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for d in &differences {
            println!("{d}");
        }
        println!(
            "{} is stale: {} of {} files differ; run `cargo run -p generator` to regenerate ({secs:.2} s)",
            args.out.display(),
            differences.len(),
            generated.files.len()
        );
        return Ok(ExitCode::from(1));
    }
    let report = write::write(&args.out, &generated.files)?;
    println!(
        "generated {counts} into {}: {} written, {} unchanged, {} removed, {} warnings ({:.2} s)",
        args.out.display(),
        report.written.len(),
        report.unchanged,
        report.removed.len(),
        generated.warnings.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints warnings: all of them with `--verbose`, otherwise a few of each
/// kind and a count per kind. Only printed warnings are located.
fn print_warnings(file: &Path, generated: &generator::Generated, verbose: bool) {
    if generated.warnings.is_empty() {
        return;
    }
    let mut by_kind: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for w in &generated.warnings {
        by_kind.entry(w.kind).or_default().push(w);
    }
    let mut shown: Vec<Diagnostic> = by_kind
        .values()
        .flat_map(|list| {
            let n = if verbose {
                list.len()
            } else {
                SHOWN_PER_KIND.min(list.len())
            };
            list[..n].iter().map(|d| (*d).clone())
        })
        .collect();
    generated.locate(&mut shown);
    for w in &shown {
        eprintln!("{}", w.display_in(file));
    }
    eprintln!("warnings by kind:");
    for (kind, list) in &by_kind {
        eprintln!("  {kind:<24} {}", list.len());
    }
    if !verbose && by_kind.values().any(|l| l.len() > SHOWN_PER_KIND) {
        eprintln!("  (showing at most {SHOWN_PER_KIND} of each kind; --verbose shows all)");
    }
}
