//! The report as terminal text, Markdown (for a pull request or a
//! changelog) and JSON (for scripts).

use serde::Serialize;

use super::{Change, Class, Document, Report, Summary, VersionProposal};

/// An output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for the terminal.
    Text,
    /// Markdown.
    Markdown,
    /// JSON.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown report format `{other}` (expected text, markdown or json)"
            )),
        }
    }
}

/// Renders the report. `against` names the previous description (a file
/// or a git revision); `version` is the proposal, when there is one.
pub fn render(
    report: &Report,
    version: Option<&VersionProposal>,
    against: &str,
    format: Format,
) -> String {
    match format {
        Format::Text => text(report, version, against),
        Format::Markdown => markdown(report, version, against),
        Format::Json => json(report, version, against),
    }
}

/// `2 breaking, 1 additive, 0 internal`.
fn counts(report: &Report) -> String {
    Class::ALL
        .iter()
        .map(|&c| format!("{} {}", report.count(c), c.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line of text from spec-derived text: no control characters.
fn line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn describe(s: &Summary) -> String {
    let files: Vec<String> = s
        .files
        .iter()
        .map(|f| format!("{} {}", f.path, &f.sha256[..f.sha256.len().min(12)]))
        .collect();
    line(&format!(
        "{} {} ({} operations, {} types; {})",
        s.title,
        s.api_version,
        s.operations,
        s.types,
        files.join(", ")
    ))
}

/// Where a change comes from, for people.
fn source(c: &Change) -> Option<String> {
    match (&c.pointer, c.document) {
        (Some(p), Document::Previous) => Some(format!("{p} (previous description)")),
        (Some(p), _) => Some(p.clone()),
        (None, Document::Config) => Some("generator configuration".into()),
        (None, _) => None,
    }
}

fn version_line(v: &VersionProposal) -> String {
    let mut text = if v.proposed == v.previous {
        format!("{} stays ({})", v.proposed, v.reason)
    } else {
        format!("{} -> {} ({})", v.previous, v.proposed, v.reason)
    };
    if v.needs_update() {
        text.push_str(&format!("; crate.version is {}", v.configured));
        if v.previous_known {
            text.push_str(": --bump-version sets it");
        }
    }
    text
}

fn text(report: &Report, version: Option<&VersionProposal>, against: &str) -> String {
    let mut out = String::new();
    let total = report.changes.len();
    if total == 0 {
        out.push_str(&format!("API changes against {against}: none\n"));
    } else {
        out.push_str(&format!(
            "API changes against {against}: {}\n",
            counts(report)
        ));
    }
    out.push_str(&format!("  previous: {}\n", describe(&report.previous)));
    out.push_str(&format!("  current:  {}\n", describe(&report.current)));
    for c in &report.changes {
        out.push_str(&format!(
            "{:<9} {}: {}\n",
            c.class.name(),
            line(&c.item),
            line(&c.message)
        ));
        if let Some(s) = source(c) {
            out.push_str(&format!("          at {}\n", line(&s)));
        }
    }
    if let Some(v) = version {
        out.push_str(&format!("version: {}\n", version_line(v)));
    }
    out
}

/// The Markdown list item of a change.
pub(super) fn markdown_item(c: &Change) -> String {
    let mut item = format!("- `{}`: {}", line(&c.item), line(&c.message));
    if let Some(s) = source(c) {
        item.push_str(&format!(" ({})", markdown_source(c, &s)));
    }
    item
}

fn markdown_source(c: &Change, s: &str) -> String {
    match &c.pointer {
        Some(p) => s.replacen(p.as_str(), &format!("`{}`", line(p)), 1),
        None => s.to_owned(),
    }
}

/// Section titles of the Markdown output, per class.
pub(super) fn heading(class: Class) -> &'static str {
    match class {
        Class::Breaking => "Breaking changes",
        Class::Additive => "Additions",
        Class::Internal => "Internal changes",
    }
}

/// The changes of each class under a heading of `level` (`###`).
pub(super) fn markdown_sections(report: &Report, level: &str) -> String {
    let mut out = String::new();
    for class in Class::ALL {
        let items: Vec<String> = report
            .changes
            .iter()
            .filter(|c| c.class == class)
            .map(markdown_item)
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{level} {}\n\n", heading(class)));
        for item in items {
            out.push_str(&item);
            out.push('\n');
        }
    }
    out
}

fn markdown(report: &Report, version: Option<&VersionProposal>, against: &str) -> String {
    let mut out = String::from("## API changes\n\n");
    if report.changes.is_empty() {
        out.push_str(&format!(
            "Against `{}`: no changes to the public API.",
            line(against)
        ));
    } else {
        let breaking = report.count(Class::Breaking);
        let counts = counts(report);
        let counts = if breaking > 0 {
            counts.replacen(
                &format!("{breaking} breaking"),
                &format!("**{breaking} breaking**"),
                1,
            )
        } else {
            counts
        };
        out.push_str(&format!("Against `{}`: {counts}.", line(against)));
    }
    if let Some(v) = version {
        out.push_str(&format!(" Next version: **{}** ", v.proposed));
        if v.proposed == v.previous {
            out.push_str(&format!("({}).", v.reason));
        } else {
            out.push_str(&format!("(from {}: {}).", v.previous, v.reason));
        }
    }
    out.push('\n');
    out.push_str(&format!(
        "\n- Previous: {}\n- Current: {}\n",
        describe(&report.previous),
        describe(&report.current)
    ));
    out.push_str(&markdown_sections(report, "###"));
    out
}

#[derive(Serialize)]
struct Json<'a> {
    /// Bumped when the shape of this document changes incompatibly.
    format: u32,
    against: &'a str,
    previous: &'a Summary,
    current: &'a Summary,
    counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a VersionProposal>,
    changes: &'a [Change],
}

#[derive(Serialize)]
struct Counts {
    breaking: usize,
    additive: usize,
    internal: usize,
}

fn json(report: &Report, version: Option<&VersionProposal>, against: &str) -> String {
    let doc = Json {
        format: 1,
        against,
        previous: &report.previous,
        current: &report.current,
        counts: Counts {
            breaking: report.count(Class::Breaking),
            additive: report.count(Class::Additive),
            internal: report.count(Class::Internal),
        },
        version,
        changes: &report.changes,
    };
    // Plain data with string keys: serialization cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
