//! `CHANGELOG.md` of the generated crate: one entry per release, newest
//! first, written from the change report. Entries carry no date, so the
//! same inputs give the same file.

use super::Report;
use super::render::markdown_sections;

/// The start of a new changelog.
const PREAMBLE: &str = "# Changelog

Releases of this crate, newest first. Entries are written by the generator
(`--changelog`) from the API change report between two descriptions.
";

/// The changelog with an entry for `version` describing `report`: a new
/// entry goes above the newest one, and an existing entry for the same
/// version is replaced, so writing it twice changes nothing. Text outside
/// that entry is kept as it is.
pub fn update_changelog(existing: Option<&str>, version: &str, report: &Report) -> String {
    let entry = entry(version, report);
    let existing = existing.unwrap_or("");
    if existing.trim().is_empty() {
        return format!("{PREAMBLE}\n{entry}");
    }
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let is_heading = |l: &str| l.starts_with("## ");
    let same_version = |l: &str| heading_version(l) == Some(version);
    let (start, end) = match lines.iter().position(|l| same_version(l)) {
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(|l| is_heading(l))
                .map_or(lines.len(), |i| start + 1 + i);
            (start, end)
        }
        None => {
            let at = lines
                .iter()
                .position(|l| is_heading(l))
                .unwrap_or(lines.len());
            (at, at)
        }
    };
    let mut out: String = lines[..start].concat();
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(&entry);
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].concat());
    }
    out
}

/// The version of a `## 1.2.3` or `## [1.2.3] ...` heading.
fn heading_version(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("## ")?.trim();
    let word = rest.split_whitespace().next()?;
    Some(word.trim_start_matches('[').trim_end_matches(']'))
}

fn entry(version: &str, report: &Report) -> String {
    let current = &report.current;
    let files: Vec<String> = current
        .files
        .iter()
        .map(|f| format!("`{}` sha256 `{}`", f.path, f.sha256))
        .collect();
    let mut out = format!(
        "## {version}\n\nGenerated from {} {} ({} operations; {}).\n",
        one_line(&current.title),
        one_line(&current.api_version),
        current.operations,
        files.join(", ")
    );
    if report.changes.is_empty() {
        out.push_str("\nNo changes to the public API.\n");
    } else {
        out.push_str(&markdown_sections(report, "###"));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
