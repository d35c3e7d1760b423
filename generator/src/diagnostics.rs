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
    /// The file `pointer` points into, when it is not the document's entry
    /// file (a file reached through an external `$ref`).
    pub file: Option<PathBuf>,
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
            message: clip(&message.into()),
            position: None,
            file: None,
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

    /// The same diagnostic, in `file` (a file other than the entry file).
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Renders the diagnostic as `file:line:col: severity[kind]: message (at pointer)`;
    /// `file` is the entry file, used unless the diagnostic names its own.
    pub fn display_in<'a>(&'a self, file: &'a Path) -> impl fmt::Display + 'a {
        DisplayIn {
            diag: self,
            file: self.file.as_deref().unwrap_or(file),
        }
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
    #[error("{}{}: error[{kind}]: {}", file.display(), position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default(), clip(message))]
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
    /// The previous description (`--against`) could not be read.
    #[error("--against {against}: {message}")]
    Against {
        /// The argument: a file or a git revision.
        against: String,
        /// What went wrong.
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

/// Longest quoted excerpt of the input a message keeps, in characters.
const EXCERPT: usize = 60;
/// Longest message kept, in characters.
const MESSAGE: usize = 600;

/// Shortens a message so it never quotes more than a short excerpt of the
/// input: a quoted run (between `"` or backticks) longer than
/// 60 characters keeps its start and says how long it was, and the
/// whole message is cut at 600 characters. A 2 MiB scalar where a
/// mapping should be is reported in one short line.
pub fn clip(message: &str) -> String {
    if message.len() <= EXCERPT {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len().min(MESSAGE + 64));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        let close = inner.find(quote).unwrap_or(inner.len());
        let quoted = &inner[..close];
        let count = quoted.chars().count();
        if count > EXCERPT {
            let keep: String = quoted.chars().take(EXCERPT / 2).collect();
            out.push_str(&keep);
            out.push_str(&format!("… ({count} characters)"));
        } else {
            out.push_str(quoted);
        }
        rest = &inner[close..];
        if let Some(q) = rest.strip_prefix(quote) {
            out.push(quote);
            rest = q;
        }
    }
    out.push_str(rest);
    if out.chars().count() > MESSAGE {
        out = out.chars().take(MESSAGE).collect();
        out.push('…');
    }
    out
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

/// Appends one escaped token to a pointer kept in a reused buffer; returns
/// the length to truncate back to. Walks over a whole document use it so
/// they allocate a pointer only where they report something.
pub fn push_token(pointer: &mut String, token: &str) -> usize {
    let len = pointer.len();
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "#/paths/~1a~1{b}/get");
        assert_eq!(child("#/x", "a~b"), "#/x/a~0b");
        assert_eq!(unescape_token("~1a~0"), "/a~");
        let mut p = String::from("#/x");
        let len = push_token(&mut p, "a~b/c");
        assert_eq!(p, "#/x/a~0b~1c");
        p.truncate(len);
        assert_eq!(p, "#/x");
    }

    #[test]
    fn long_quotes_are_clipped() {
        let huge = format!(
            "invalid type: string \"{}\", expected a map",
            "A".repeat(2 << 20)
        );
        let clipped = clip(&huge);
        assert!(clipped.len() < 200, "{clipped}");
        assert!(
            clipped.starts_with("invalid type: string \"AAAA"),
            "{clipped}"
        );
        assert!(
            clipped.contains("(2097152 characters)\", expected a map"),
            "{clipped}"
        );
        assert_eq!(clip("`a` is short"), "`a` is short");
        let apostrophe = format!("OpenAPI's dialect, not {}", "h".repeat(70));
        assert_eq!(clip(&apostrophe), apostrophe);
        let long = "x".repeat(5000);
        assert_eq!(clip(&long).chars().count(), MESSAGE + 1);
        let d = Diagnostic::error("k", "#", format!("path `{}`", "/a".repeat(10_000)));
        assert!(d.message.len() < 200);
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
