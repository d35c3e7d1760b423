//! The previous description the API change report compares against: a
//! file, or the spec as it was at a git revision.
//!
//! For a revision, the files of the spec's directory (descriptions and
//! configuration: `.yaml`, `.yml`, `.json`, subdirectories included) are
//! read from git into a temporary directory, so a description split over
//! several files and the `generator.yaml` next to it are taken as they
//! were. Diagnostics about them name `REV:path/in/repo`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::Config;
use crate::diagnostics::Error;
use crate::ir::Api;

/// What `--against` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// A description file.
    File(PathBuf),
    /// A git revision (`HEAD`, `main`, `v0.1.0`, a commit id).
    Revision(String),
}

impl Against {
    /// An existing file is a file; anything else is taken as a git
    /// revision.
    pub fn parse(arg: &str) -> Self {
        if Path::new(arg).is_file() {
            Against::File(PathBuf::from(arg))
        } else {
            Against::Revision(arg.to_owned())
        }
    }

    /// How the report names it.
    pub fn label(&self) -> String {
        match self {
            Against::File(p) => p.display().to_string(),
            Against::Revision(r) => r.clone(),
        }
    }
}

/// The model of the previous description.
#[derive(Debug)]
pub struct Previous {
    /// The model.
    pub api: Api,
    /// Whether it was built with its own configuration, so that its crate
    /// version is the one it was released with.
    pub own_config: bool,
}

/// Builds the model of the previous description.
///
/// Its configuration is the one it was generated with: `generator.yaml`
/// next to the previous spec (in a revision: as it was then), or, when
/// there is none, `current` (the configuration of this run). An explicit
/// `--config` (`explicit`) applies to both sides.
pub fn model(
    against: &Against,
    spec: &Path,
    current: &Config,
    explicit: bool,
) -> Result<Previous, Error> {
    match against {
        Against::File(path) => build(path, current, explicit),
        Against::Revision(rev) => {
            let checkout = Checkout::of(rev, spec)?;
            let old_spec = checkout.dir.join(&checkout.spec_name);
            build(&old_spec, current, explicit).map_err(|e| checkout.relabel(e))
        }
    }
}

fn build(spec: &Path, current: &Config, explicit: bool) -> Result<Previous, Error> {
    let (config, own_config) = match explicit {
        true => (current.clone(), false),
        false => match Config::discover(spec)? {
            (config, Some(_)) => (config, true),
            (_, None) => (current.clone(), false),
        },
    };
    Ok(Previous {
        api: crate::model(spec, &config)?,
        own_config,
    })
}

/// The spec's directory at a revision, written to a temporary directory
/// that is removed on drop.
struct Checkout {
    /// The revision as given.
    rev: String,
    /// The temporary directory.
    dir: PathBuf,
    /// The spec's directory relative to the repository root (`spec`).
    repo_dir: String,
    /// The spec's file name.
    spec_name: String,
}

/// Distinguishes checkouts of one process.
static CHECKOUTS: AtomicUsize = AtomicUsize::new(0);

/// Extensions of the files taken from the spec's directory.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

impl Checkout {
    fn of(rev: &str, spec: &Path) -> Result<Self, Error> {
        let fail = |message: String| Error::Against {
            against: rev.to_owned(),
            message,
        };
        let spec_dir = spec
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let spec_name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| fail(format!("{} names no file", spec.display())))?;
        let top = git(spec_dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            fail(format!(
                "no such file, and {} is not in a git repository to read a revision from ({e})",
                spec_dir.display()
            ))
        })?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let commit = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| fail("no such file, and not a git revision of this repository".into()))?;
        let commit = String::from_utf8_lossy(&commit).trim().to_owned();
        let repo_dir = relative_dir(&top, spec_dir).map_err(fail)?;
        let prefix = if repo_dir.is_empty() {
            String::new()
        } else {
            format!("{repo_dir}/")
        };
        let pathspec = if prefix.is_empty() {
            "."
        } else {
            prefix.as_str()
        };
        let listing = git(
            &top,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                &commit,
                "--",
                pathspec,
            ],
        )
        .map_err(|e| fail(format!("cannot list {pathspec}: {e}")))?;
        let files: Vec<String> = listing
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .filter(|p| {
                Path::new(p)
                    .extension()
                    .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
            })
            .collect();
        let spec_in_repo = format!("{prefix}{spec_name}");
        if !files.contains(&spec_in_repo) {
            return Err(fail(format!(
                "{spec_in_repo} does not exist at this revision"
            )));
        }
        let dir = std::env::temp_dir().join(format!(
            "generator-against-{}-{}",
            std::process::id(),
            CHECKOUTS.fetch_add(1, Ordering::Relaxed)
        ));
        let checkout = Checkout {
            rev: rev.to_owned(),
            dir,
            repo_dir,
            spec_name,
        };
        let _ = std::fs::remove_dir_all(&checkout.dir);
        for file in &files {
            let bytes = git(&top, &["cat-file", "blob", &format!("{commit}:{file}")])
                .map_err(|e| fail(format!("cannot read {file}: {e}")))?;
            let target = checkout
                .dir
                .join(file.strip_prefix(&prefix).unwrap_or(file));
            let parent = target.parent().unwrap_or(&checkout.dir);
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
            std::fs::write(&target, bytes).map_err(|source| Error::Io {
                path: target.clone(),
                source,
            })?;
        }
        Ok(checkout)
    }

    /// Makes an error about a temporary file name the file at the revision.
    fn relabel(&self, error: Error) -> Error {
        let name = |path: PathBuf| match path.strip_prefix(&self.dir) {
            Ok(rest) => {
                let rest = rest.to_string_lossy().replace('\\', "/");
                let in_repo = if self.repo_dir.is_empty() {
                    rest
                } else {
                    format!("{}/{rest}", self.repo_dir)
                };
                PathBuf::from(format!("{}:{in_repo}", self.rev))
            }
            Err(_) => path,
        };
        match error {
            Error::Io { path, source } => Error::Io {
                path: name(path),
                source,
            },
            Error::Parse {
                file,
                kind,
                position,
                message,
            } => Error::Parse {
                file: name(file),
                kind,
                position,
                message,
            },
            Error::Invalid { file, diagnostics } => Error::Invalid {
                file: name(file),
                diagnostics: diagnostics
                    .into_iter()
                    .map(|mut d| {
                        d.file = d.file.map(name);
                        d
                    })
                    .collect(),
            },
            Error::Config { file, message } => Error::Config {
                file: name(file),
                message,
            },
            other => other,
        }
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `dir` relative to the repository root `top`, with `/` separators
/// (empty for the root itself).
fn relative_dir(top: &Path, dir: &Path) -> Result<String, String> {
    let canonical = |p: &Path| {
        p.canonicalize()
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let (top, dir) = (canonical(top)?, canonical(dir)?);
    let rel = dir.strip_prefix(&top).map_err(|_| {
        format!(
            "{} is outside the repository {}",
            dir.display(),
            top.display()
        )
    })?;
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}

/// Runs git in `dir`; its standard output, or its error message.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(if message.is_empty() {
            format!("git {} failed", args.join(" "))
        } else {
            message
        })
    }
}
