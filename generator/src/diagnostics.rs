//! Errors and warnings, each tied to a place in the input document.
//!
//! Every diagnostic names the file and a JSON pointer into the document
//! (`#/paths/~1accounts/get/parameters/0`); where the source position is known
//! it also carries a line and column, so editors can jump straight to it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation cannot continue.
    Error,
    /// Generation continues with a documented degradation.
    Warning,
}

/// A 1-based line and column in the input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number.
    pub column: usize,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case identifier of the problem class (`dangling-ref`,
    /// `untyped-schema`, ...), used to group warnings in summaries.
    pub kind: &'static str,
    /// JSON pointer (with leading `#`) to the offending node.
    pub pointer: String,
    /// Human readable explanation.
    pub message: String,
    /// Source position of `pointer`, filled in when the document is reported.
    pub position: Option<Position>,
}

impl Diagnostic {
    /// A new error at `pointer`.
    pub fn error(
        kind: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            kind,
            pointer: pointer.into(),
            message: message.into(),
            position: None,
        }
    }

    /// A new warning at `pointer`.
    pub fn warning(
        kind: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(kind, pointer, message)
        }
    }

    /// Renders the diagnostic as `file:line:col: severity[kind]: message (at pointer)`.
    pub fn display_in<'a>(&'a self, file: &'a Path) -> impl fmt::Display + 'a {
        DisplayIn { diag: self, file }
    }
}

struct DisplayIn<'a> {
    diag: &'a Diagnostic,
    file: &'a Path,
}

impl fmt::Display for DisplayIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diag;
        write!(f, "{}", self.file.display())?;
        if let Some(pos) = d.position {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            ": {severity}[{}]: {} (at {})",
            d.kind, d.message, d.pointer
        )
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input or output could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The input is not a readable YAML/JSON OpenAPI document.
    #[error("{}{}: error[{kind}]: {message}", file.display(), position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default())]
    Parse {
        /// The input file.
        file: PathBuf,
        /// Problem class (`invalid-yaml`, `unsupported-version`, ...).
        kind: &'static str,
        /// Where the parser stopped, when known.
        position: Option<Position>,
        /// What went wrong.
        message: String,
    },
    /// The document parsed but violates rules the generator relies on.
    #[error("{}", render_all(file, diagnostics))]
    Invalid {
        /// The input file.
        file: PathBuf,
        /// All errors found (and, with `--deny-warnings`, the warnings).
        diagnostics: Vec<Diagnostic>,
    },
    /// The generator configuration file is invalid.
    #[error("{}: error[invalid-config]: {message}", file.display())]
    Config {
        /// The configuration file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A template failed to render; this is a bug in the generator.
    #[error("template {name}: {message}")]
    Template {
        /// Template name.
        name: String,
        /// Renderer message.
        message: String,
    },
    /// Emitted code did not parse as Rust; this is a bug in the generator.
    #[error("internal error: generated {file} is not valid Rust: {message}")]
    InvalidOutput {
        /// Output file being formatted.
        file: String,
        /// Parser message.
        message: String,
    },
}

fn render_all(file: &Path, diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| d.display_in(file).to_string())
        .collect();
    lines.join("\n")
}

/// Escapes one reference token for use in a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token of a JSON pointer (RFC 6901).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Builds `#/a/b/c` from tokens, escaping each.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape_token(t.as_ref()));
    }
    out
}

/// Appends one token to an existing pointer.
pub fn child(base: &str, token: impl AsRef<str>) -> String {
    format!("{base}/{}", escape_token(token.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "#/paths/~1a~1{b}/get");
        assert_eq!(child("#/x", "a~b"), "#/x/a~0b");
        assert_eq!(unescape_token("~1a~0"), "/a~");
    }

    #[test]
    fn display_includes_file_position_kind_and_pointer() {
        let mut d = Diagnostic::error("dangling-ref", "#/a", "no such schema");
        d.position = Some(Position { line: 3, column: 7 });
        assert_eq!(
            d.display_in(Path::new("spec.yaml")).to_string(),
            "spec.yaml:3:7: error[dangling-ref]: no such schema (at #/a)"
        );
    }
}
