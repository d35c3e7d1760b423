//! Command line: arguments, exit codes, the summary line and the API
//! change report.
//!
//! ```text
//! generator [--spec FILE] [--out DIR] [--config FILE] [--check] [--deny-warnings] [--verbose]
//!           [--against FILE|REV] [--report FORMAT] [--report-file FILE]
//!           [--fail-on-breaking] [--bump-version] [--changelog]
//! ```
//! Exit codes: 0 success, 1 `--check` found differences, 2 invalid input or
//! I/O error, 3 `--fail-on-breaking` found breaking changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::diff::{self, Format, Report, VersionProposal};
use generator::previous::{self, Against};
use generator::{Config, Diagnostic, Error, OutputFile, Severity, config, write};

/// Generation builds and drops millions of small token trees and syntax
/// nodes; the system allocator spent about a third of the time of a large
/// description in malloc and free (BENCHMARKS.md, "Scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: generator [--spec FILE] [--out DIR] [--config FILE] [--check] [--deny-warnings] [--verbose]
                 [--against FILE|REV] [--report FORMAT] [--report-file FILE]
                 [--fail-on-breaking] [--bump-version] [--changelog]

Generates an async Rust client crate from an OpenAPI 3.0 or 3.1 description
(one file, or several joined by relative `$ref`s).

  --spec FILE          the description (default: spec/openapi.yaml)
  --out DIR            the crate directory to write (default: generated)
  --config FILE        generator configuration (default: generator.yaml next to the spec, if any)
  --check              write nothing; exit 1 and list files if DIR is not up to date
  --deny-warnings      treat warnings as errors
  --verbose            print every warning instead of a summary per kind

API change report (after the summary line):
  --against FILE|REV   compare with a previous description: a file, or the spec at a git
                       revision (HEAD, main, v0.1.0, ...) with the files next to it; each change
                       to the crate's public Rust API is classed breaking, additive or internal
  --report FORMAT      text (default), markdown or json; markdown and json on standard
                       output move the summary line to standard error
  --report-file FILE   write the report to FILE instead of standard output
  --fail-on-breaking   exit 3 and write nothing if a change is breaking
  --bump-version       set crate.version in the configuration to the proposed version
                       (breaking: minor before 1.0, major after; additive or internal: patch
                       before 1.0, minor or patch after) and generate with it
  --changelog          add (or replace) the entry of this version in DIR/CHANGELOG.md

exit codes: 0 success, 1 --check found differences, 2 invalid input or I/O error,
            3 --fail-on-breaking found breaking changes (--check differences take precedence)";

/// The exit code of `--fail-on-breaking` when a change is breaking.
const EXIT_BREAKING: u8 = 3;

/// The changelog's file name in the output directory.
const CHANGELOG: &str = "CHANGELOG.md";

/// How many warnings of one kind are printed before summarising.
const SHOWN_PER_KIND: usize = 3;

struct Args {
    spec: PathBuf,
    out: PathBuf,
    config: Option<PathBuf>,
    check: bool,
    deny_warnings: bool,
    verbose: bool,
    changes: Option<ChangeArgs>,
}

/// What to do with the API change report.
struct ChangeArgs {
    against: String,
    format: Format,
    file: Option<PathBuf>,
    fail_on_breaking: bool,
    bump_version: bool,
    changelog: bool,
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
        changes: None,
    };
    let mut against = None;
    let mut format = None;
    let mut file = None;
    // Flags that only mean something with --against, in the order given.
    let mut needs_against = Vec::new();
    let (mut fail_on_breaking, mut bump_version, mut changelog) = (false, false, false);
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--spec" => args.spec = PathBuf::from(value("--spec")?),
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--config" => args.config = Some(PathBuf::from(value("--config")?)),
            "--check" => args.check = true,
            "--deny-warnings" => args.deny_warnings = true,
            "--verbose" => args.verbose = true,
            "--against" => against = Some(value("--against")?),
            "--report" => format = Some(value("--report")?.parse::<Format>()?),
            "--report-file" => file = Some(PathBuf::from(value("--report-file")?)),
            "--fail-on-breaking" => fail_on_breaking = true,
            "--bump-version" => bump_version = true,
            "--changelog" => changelog = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
        if matches!(
            arg.as_str(),
            "--report" | "--report-file" | "--fail-on-breaking" | "--bump-version" | "--changelog"
        ) {
            needs_against.push(arg);
        }
    }
    match against {
        Some(against) => {
            if bump_version && args.check {
                return Err(
                    "--bump-version writes the configuration; it cannot be combined with --check"
                        .into(),
                );
            }
            args.changes = Some(ChangeArgs {
                against,
                format: format.unwrap_or(Format::Text),
                file,
                fail_on_breaking,
                bump_version,
                changelog,
            });
        }
        None => {
            if let Some(flag) = needs_against.first() {
                return Err(format!("{flag} needs --against FILE|REV"));
            }
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
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::discover(&args.spec)?.0,
    };
    let mut generated = generator::generate(&args.spec, &config)?;
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
    let mut changes = None;
    let mut bumped_config = None;
    if let Some(c) = &args.changes {
        let found = compare(args, c, &mut config, &mut generated)?;
        bumped_config = found.bumped_config.clone();
        if c.changelog
            && let Some(file) = changelog(args, &found)?
        {
            generated.files.retain(|f| f.path != file.path);
            generated.files.push(file);
            generated.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        if c.fail_on_breaking && found.report.is_breaking() && !args.check {
            emit_report(c, &found)?;
            eprintln!(
                "{} breaking changes against {}: nothing written (--fail-on-breaking)",
                found.report.count(diff::Class::Breaking),
                found.label
            );
            return Ok(ExitCode::from(EXIT_BREAKING));
        }
        changes = Some((c, found));
    }
    // Markdown or JSON on standard output is the document itself.
    let summary_to_stderr = changes
        .as_ref()
        .is_some_and(|(c, _)| c.file.is_none() && c.format != Format::Text);
    let summary = |line: String| {
        if summary_to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
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
    let code = if args.check {
        let differences = write::check(&args.out, &generated.files)?;
        let secs = started.elapsed().as_secs_f64();
        if differences.is_empty() {
            summary(format!(
                "{} is up to date: {counts}, {} files ({secs:.2} s)",
                args.out.display(),
                generated.files.len()
            ));
            ExitCode::SUCCESS
        } else {
            for d in &differences {
                summary(d.to_string());
            }
            summary(format!(
                "{} is stale: {} of {} files differ; run `cargo run -p generator` to regenerate ({secs:.2} s)",
                args.out.display(),
                differences.len(),
                generated.files.len()
            ));
            ExitCode::from(1)
        }
    } else {
        let report = write::write(&args.out, &generated.files)?;
        if let Some((path, text)) = &bumped_config {
            write::replace_file(path, text)?;
        }
        summary(format!(
            "generated {counts} into {}: {} written, {} unchanged, {} removed, {} warnings ({:.2} s)",
            args.out.display(),
            report.written.len(),
            report.unchanged,
            report.removed.len(),
            generated.warnings.len(),
            started.elapsed().as_secs_f64()
        ));
        ExitCode::SUCCESS
    };
    if let Some((c, found)) = &changes {
        emit_report(c, found)?;
        if let Some((path, _)) = &found.bumped_config {
            summary(format!(
                "crate.version set to {} in {}",
                found.version.proposed,
                path.display()
            ));
        }
        if code == ExitCode::SUCCESS && c.fail_on_breaking && found.report.is_breaking() {
            return Ok(ExitCode::from(EXIT_BREAKING));
        }
    }
    Ok(code)
}

/// The outcome of comparing with the previous description.
struct Found {
    /// How the previous description is named.
    label: String,
    report: Report,
    version: VersionProposal,
    /// The configuration file and its text with the proposed version, when
    /// `--bump-version` changed it (written after the output).
    bumped_config: Option<(PathBuf, String)>,
}

/// Builds the previous model, compares, and with `--bump-version`
/// regenerates with the proposed version.
fn compare(
    args: &Args,
    c: &ChangeArgs,
    config: &mut Config,
    generated: &mut generator::Generated,
) -> Result<Found, Error> {
    let against = Against::parse(&c.against);
    let label = against.label();
    let old = previous::model(&against, &args.spec, config, args.config.is_some())?;
    let known = old.own_config;
    let mut report = diff::compare(&old.api, &generated.model);
    let mut version = propose(&report, known, &label, args)?;
    let mut bumped_config = None;
    if c.bump_version && !known {
        return Err(Error::Against {
            against: label,
            message: format!(
                "--bump-version needs the previous crate version, and it is unknown: {}; compare against a git revision, or put the previous {} next to the file",
                if args.config.is_some() {
                    "--config applies to both descriptions"
                } else {
                    "there is no generator.yaml next to it"
                },
                config::DEFAULT_FILE_NAME
            ),
        });
    }
    if c.bump_version && version.needs_update() {
        let path = config_path(args);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && args.config.is_none() => {
                String::new()
            }
            Err(source) => return Err(Error::Io { path, source }),
        };
        let updated = config::with_crate_version(&text, &version.proposed).map_err(|message| {
            Error::Config {
                file: path.clone(),
                message,
            }
        })?;
        *config = Config::from_yaml(&updated, &path)?;
        *generated = generator::generate(&args.spec, config)?;
        report = diff::compare(&old.api, &generated.model);
        version = propose(&report, known, &label, args)?;
        bumped_config = Some((path, updated));
    }
    Ok(Found {
        label,
        report,
        version,
        bumped_config,
    })
}

/// The configuration file of this run: `--config`, or `generator.yaml`
/// next to the spec (which `--bump-version` creates if missing).
fn config_path(args: &Args) -> PathBuf {
    args.config.clone().unwrap_or_else(|| {
        args.spec
            .parent()
            .unwrap_or(Path::new("."))
            .join(config::DEFAULT_FILE_NAME)
    })
}

fn propose(
    report: &Report,
    known: bool,
    label: &str,
    args: &Args,
) -> Result<VersionProposal, Error> {
    diff::propose_version(report, known).map_err(|e| {
        if e.which == "previous" {
            Error::Against {
                against: label.to_owned(),
                message: e.to_string(),
            }
        } else {
            Error::Config {
                file: config_path(args),
                message: format!("at `crate.version`: {e}"),
            }
        }
    })
}

/// `CHANGELOG.md` with the entry of this version, or `None` when there is
/// nothing to record.
fn changelog(args: &Args, found: &Found) -> Result<Option<OutputFile>, Error> {
    let path = args.out.join(CHANGELOG);
    if found.report.changes.is_empty() {
        eprintln!(
            "no API changes against {}: {} left as it is",
            found.label,
            path.display()
        );
        return Ok(None);
    }
    let v = &found.version;
    // With the previous version unknown, the configured one is the
    // maintainer's decision.
    if v.previous_known && v.needs_update() {
        return Err(Error::Config {
            file: config_path(args),
            message: format!(
                "at `crate.version`: {} is below {}, the version these changes call for ({}); pass --bump-version or set it before writing the changelog",
                v.configured, v.proposed, v.reason
            ),
        });
    }
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(Error::Io { path, source }),
    };
    Ok(Some(OutputFile {
        path: CHANGELOG.into(),
        contents: diff::update_changelog(existing.as_deref(), &v.configured, &found.report),
    }))
}

/// Prints the report, or writes it to `--report-file`.
fn emit_report(c: &ChangeArgs, found: &Found) -> Result<(), Error> {
    let text = diff::render(&found.report, Some(&found.version), &found.label, c.format);
    match &c.file {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        }),
        None => {
            use std::io::Write as _;
            match std::io::stdout().lock().write_all(text.as_bytes()) {
                // The reader went away (`| head`): nothing left to tell it.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
                    path: PathBuf::from("standard output"),
                    source: e,
                }),
                _ => Ok(()),
            }
        }
    }
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
