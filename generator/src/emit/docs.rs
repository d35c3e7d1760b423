//! Turns spec prose into doc attributes that can never break the build.
//!
//! Descriptions are Markdown written for a web page. As rustdoc input they
//! have hazards: fenced or indented code blocks become doctests that fail to
//! compile, unbalanced HTML and `[brackets]` produce rustdoc warnings, bare
//! URLs trigger `rustdoc::bare_urls`, and CR line endings or control
//! characters corrupt comments. Each hazard is neutralised here.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// Doc attributes for an item: summary, description, deprecation note.
/// `fallback` is used when the spec says nothing.
pub fn doc_attrs(docs: &Docs, fallback: &str) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    let summary = docs
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let description = docs
        .description
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = summary {
        paragraphs.push(sanitize(s));
    }
    if let Some(d) = description
        && Some(d) != summary
    {
        paragraphs.push(sanitize(d));
    }
    if paragraphs.is_empty() {
        paragraphs.push(sanitize(fallback));
    }
    lines_to_attrs(&paragraphs.join("\n\n"))
}

/// Doc attributes from already written text (sanitized too).
pub fn text_attrs(text: &str) -> TokenStream {
    lines_to_attrs(&sanitize(text))
}

/// Inner (`//!`) doc attributes.
pub fn inner_text_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text);
    let attrs = lines.lines().map(|l| {
        let l = format!(" {l}");
        let l = l.trim_end().to_owned();
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
}

fn lines_to_attrs(text: &str) -> TokenStream {
    let attrs = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Makes Markdown safe for rustdoc. See the module docs for the hazards.
pub fn sanitize(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let line: String = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let trimmed = line.trim_start();
        if let Some(info) = trimmed
            .strip_prefix("```")
            .or_else(|| trimmed.strip_prefix("~~~"))
        {
            if in_fence {
                out.push("```".into());
            } else {
                // Anything in a fence is shown as text, never compiled.
                let lang = info.trim();
                let lang = if lang.is_empty() || lang.starts_with("rust") {
                    "text"
                } else {
                    lang
                };
                let lang: String = lang
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                out.push(format!(
                    "```{}",
                    if lang.is_empty() { "text".into() } else { lang }
                ));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.trim_end().to_owned());
            continue;
        }
        // Indentation would start an indented code block (a doctest).
        let text = escape_inline(trimmed.trim_end());
        // A line right after a list item continues it; indent it so
        // Markdown (and clippy's `doc_lazy_continuation`) agree.
        let continuation = match out.last().and_then(|prev| list_indent(prev)) {
            Some(width) if !text.is_empty() && list_indent(&text).is_none() => Some(width),
            _ => None,
        };
        match continuation {
            Some(width) => out.push(format!("{}{text}", " ".repeat(width))),
            None => out.push(text),
        }
    }
    if in_fence {
        out.push("```".into());
    }
    // Collapse runs of blank lines and trim blank edges.
    let mut collapsed: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && collapsed.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        collapsed.push(l);
    }
    while collapsed.last().is_some_and(|l| l.is_empty()) {
        collapsed.pop();
    }
    collapsed.join("\n")
}

/// The content indent of a list item line (`- a`, `* a`, `1. a`), or of a
/// line already continuing one.
fn list_indent(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let lead = line.len() - body.len();
    let marker = if body.starts_with("- ") || body.starts_with("* ") || body.starts_with("+ ") {
        2
    } else {
        let digits = body.chars().take_while(char::is_ascii_digit).count();
        let rest = &body[digits..];
        if digits > 0 && (rest.starts_with(". ") || rest.starts_with(") ")) {
            digits + 2
        } else if lead > 0 {
            0
        } else {
            return None;
        }
    };
    Some(lead + marker)
}

/// Escapes HTML and stray brackets and wraps bare URLs, outside inline code.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part); // inside `code`
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    // An odd number of backticks leaves a span open; close it.
    if line.matches('`').count() % 2 == 1 {
        out.push('`');
    }
    out
}

fn escape_prose(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => match link_end(&chars, i) {
                // A Markdown link `[text](url)`: keep it, wrap nothing inside.
                Some(end) => {
                    let link: String = chars[i..end].iter().collect();
                    out.push_str(&link.replace('<', "&lt;").replace('>', "&gt;"));
                    i = end;
                    continue;
                }
                None => out.push_str("\\["),
            },
            ']' => out.push_str("\\]"),
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let end = (i..chars.len())
                    .find(|&j| {
                        chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '"' | '`')
                    })
                    .unwrap_or(chars.len());
                let mut url: String = chars[i..end].iter().collect();
                let mut trailing = String::new();
                while url.ends_with(['.', ',', ';', ':', ')', '!', '?', '\'']) {
                    trailing.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// If `[` at `start` opens `[text](url)`, the index just past `)`.
fn link_end(chars: &[char], start: usize) -> Option<usize> {
    let close = (start + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars[start + 1..close].contains(&'[') || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_and_are_closed() {
        assert_eq!(sanitize("a\n```\nfn x() {}"), "a\n```text\nfn x() {}\n```");
        assert_eq!(sanitize("```json\n{}\n```"), "```json\n{}\n```");
    }

    #[test]
    fn indentation_cannot_start_a_code_block() {
        assert_eq!(sanitize("a\n\n    let x = 1;"), "a\n\nlet x = 1;");
    }

    #[test]
    fn html_brackets_and_urls_are_neutralised() {
        assert_eq!(sanitize("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
        assert_eq!(
            sanitize("see [docs](https://x.y/z) and [x]"),
            "see [docs](https://x.y/z) and \\[x\\]"
        );
        assert_eq!(sanitize("go to https://x.y/z."), "go to <https://x.y/z>.");
        assert_eq!(sanitize("`<T>` and <T>"), "`<T>` and &lt;T&gt;");
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(
            sanitize("- item\ncontinued\n- next"),
            "- item\n  continued\n- next"
        );
        assert_eq!(
            sanitize("1. first\nmore\nand more\n\nafter"),
            "1. first\n   more\n   and more\n\nafter"
        );
    }

    #[test]
    fn line_endings_and_controls() {
        assert_eq!(sanitize("a\r\nb\rc\u{7}"), "a\nb\nc");
        assert_eq!(sanitize("*/ end"), "*/ end");
        assert_eq!(sanitize("odd `tick"), "odd `tick`");
    }
}
