//! Turns spec prose into doc attributes that can never break the build.
//!
//! Descriptions are Markdown written for a web page. As rustdoc input they
//! have hazards: fenced or indented code blocks become doctests that fail to
//! compile, unbalanced HTML and `[brackets]` produce rustdoc warnings, bare
//! URLs trigger `rustdoc::bare_urls`, and CR line endings or control
//! characters corrupt comments. Each hazard is neutralised here.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Constraints, Docs, FloatKind, IntKind, TypeDef, TypeRef};

/// Doc attributes for an item: summary, description, deprecation note.
/// `fallback` is used when the spec says nothing.
pub fn doc_attrs(docs: &Docs, fallback: &str) -> TokenStream {
    let mut paragraphs = prose(docs);
    if paragraphs.is_empty() {
        paragraphs.push(sanitize(fallback));
    }
    lines_to_attrs(&paragraphs.join("\n\n"))
}

/// Doc attributes for a field or parameter. Without prose of its own, a
/// value of a named type takes the type's prose (the IR gives an inline
/// enum or object's description to the type it becomes); otherwise the doc
/// states what the constraints say about valid values, or is left out: a
/// sentence repeating the name would only hide that nothing is known.
pub fn value_doc_attrs(
    types: &[TypeDef],
    docs: &Docs,
    ty: &TypeRef,
    constraints: &Constraints,
) -> TokenStream {
    let mut paragraphs = prose(docs);
    if paragraphs.is_empty()
        && let TypeRef::Named(id) = ty
        && let Some(def) = types.get(id.0)
    {
        paragraphs = prose(&def.docs);
    }
    if !paragraphs.is_empty() {
        return lines_to_attrs(&paragraphs.join("\n\n"));
    }
    match constraint_summary(ty, constraints) {
        Some(summary) => text_attrs(&summary),
        None => TokenStream::new(),
    }
}

/// The sanitized summary and description paragraphs of `docs`.
fn prose(docs: &Docs) -> Vec<String> {
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
    paragraphs
}

/// What the constraints say about a value, as sentences; `None` when they
/// say nothing the Rust type does not already show.
fn constraint_summary(ty: &TypeRef, c: &Constraints) -> Option<String> {
    // A named type documents its own values; the use site's constraints
    // are only filled for the first reference to it, so using them here
    // would document identical fields differently.
    if matches!(ty, TypeRef::Named(_)) {
        return None;
    }
    let mut sentences: Vec<String> = value_phrases(ty, c).into_iter().map(capitalize).collect();
    let nested = match ty {
        TypeRef::Array(item) => c.items.as_deref().map(|ic| ("Each item", item, ic)),
        TypeRef::Map(value) => c.values.as_deref().map(|vc| ("Each value", value, vc)),
        _ => None,
    };
    if let Some((label, inner_ty, inner)) = nested
        && !matches!(**inner_ty, TypeRef::Named(_))
    {
        let phrases = value_phrases(inner_ty, inner);
        if !phrases.is_empty() {
            sentences.push(format!("{label}: {}", phrases.join(", ")));
        }
    }
    if sentences.is_empty() {
        return None;
    }
    Some(
        sentences
            .into_iter()
            .map(|s| s + ".")
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Lower-case phrases such as "at most 32 characters".
fn value_phrases(ty: &TypeRef, c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(format) = c.format.as_deref().filter(|f| !format_shown_by_type(ty, f)) {
        out.push(format!("format {}", code(format)));
    }
    if let Some(pattern) = &c.pattern {
        out.push(format!("matches {}", code(pattern)));
    }
    if let Some(range) = count_range(c.min_length, c.max_length, "character") {
        out.push(range);
    }
    if let Some(range) = count_range(c.min_items, c.max_items, "item") {
        out.push(range);
    }
    if let Some(range) = number_range(c) {
        out.push(range);
    }
    match c.allowed.as_slice() {
        [] => {}
        [only] => out.push(format!("always {}", code(&json_text(only)))),
        values => {
            let listed: Vec<String> = values.iter().map(|v| code(&json_text(v))).collect();
            out.push(format!("one of {}", listed.join(", ")));
        }
    }
    if let Some(default) = &c.default {
        out.push(format!("defaults to {}", code(&json_text(default))));
    }
    out
}

/// Formats the Rust type already states (`NaiveDate`, `DateTime<Utc>`,
/// `u32`, ...); narrower ones such as `int16` are still worth a word.
fn format_shown_by_type(ty: &TypeRef, format: &str) -> bool {
    matches!(
        (ty, format),
        (TypeRef::Date, "date")
            | (TypeRef::DateTime, "date-time")
            | (TypeRef::Bytes, "binary")
            | (TypeRef::Int(IntKind::I32), "int32")
            | (TypeRef::Int(IntKind::I64), "int64")
            | (TypeRef::Int(IntKind::U32), "uint32")
            | (TypeRef::Int(IntKind::U64), "uint64")
            | (TypeRef::Float(FloatKind::F32), "float")
            | (TypeRef::Float(FloatKind::F64), "double")
    )
}

fn count_range(min: Option<usize>, max: Option<usize>, unit: &str) -> Option<String> {
    let plural = |n: usize| {
        if n == 1 {
            unit.to_owned()
        } else {
            format!("{unit}s")
        }
    };
    match (min.filter(|&n| n > 0), max) {
        (Some(lo), Some(hi)) if lo == hi => Some(format!("exactly {lo} {}", plural(hi))),
        (Some(lo), Some(hi)) => Some(format!("{lo} to {hi} {}", plural(hi))),
        (Some(lo), None) => Some(format!("at least {lo} {}", plural(lo))),
        (None, Some(hi)) => Some(format!("at most {hi} {}", plural(hi))),
        (None, None) => None,
    }
}

fn number_range(c: &Constraints) -> Option<String> {
    let lower = c.minimum.map(|v| (number_text(v), c.exclusive_minimum));
    let upper = c.maximum.map(|v| (number_text(v), c.exclusive_maximum));
    let above = |(v, exclusive): &(String, bool)| match exclusive {
        true => format!("greater than {v}"),
        false => format!("at least {v}"),
    };
    let below = |(v, exclusive): &(String, bool)| match exclusive {
        true => format!("less than {v}"),
        false => format!("at most {v}"),
    };
    match (&lower, &upper) {
        (Some((lo, false)), Some((hi, false))) => Some(format!("from {lo} to {hi}")),
        (Some(lo), Some(hi)) => Some(format!("{} and {}", above(lo), below(hi))),
        (Some(lo), None) => Some(above(lo)),
        (None, Some(hi)) => Some(below(hi)),
        (None, None) => None,
    }
}

/// `1` rather than `1.0` for whole bounds; other values as Rust prints them.
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// A value as a reader types it: strings bare, the rest as JSON.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An inline code span. Text a code span cannot show as is (a backtick,
/// which the sanitizer would pair up; a line break or other control
/// character; empty or edge whitespace, which Markdown trims) is shown as
/// a JSON string, with the backtick escaped.
fn code(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && !text.chars().any(|c| c == '`' || c.is_control());
    if plain {
        return format!("`{text}`");
    }
    let json = serde_json::Value::String(text.to_owned()).to_string();
    format!("`{}`", json.replace('`', "\\u0060"))
}

fn capitalize(phrase: String) -> String {
    let mut chars = phrase.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => phrase,
    }
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

    fn summary(ty: TypeRef, c: Constraints) -> String {
        value_doc_attrs(&[], &Docs::default(), &ty, &c).to_string()
    }

    fn named(description: Option<&str>) -> TypeDef {
        TypeDef {
            name: "Kind".into(),
            pointer: "#/components/schemas/Kind".into(),
            docs: Docs {
                description: description.map(str::to_owned),
                ..Docs::default()
            },
            kind: crate::ir::TypeKind::Newtype(TypeRef::String),
            in_request: false,
            example: None,
            feature: None,
            gate: Vec::new(),
            aliases: Vec::new(),
        }
    }

    #[test]
    fn a_value_without_prose_or_constraints_gets_no_doc() {
        assert!(summary(TypeRef::String, Constraints::default()).is_empty());
        let kind = TypeRef::Named(crate::ir::TypeId(0));
        let out = value_doc_attrs(
            &[named(None)],
            &Docs::default(),
            &kind,
            &Constraints::default(),
        );
        assert!(out.is_empty(), "{out}");
    }

    #[test]
    fn a_named_value_without_prose_takes_the_type_prose() {
        let types = [named(Some("How the charge arises."))];
        let kind = TypeRef::Named(crate::ir::TypeId(0));
        let out = value_doc_attrs(&types, &Docs::default(), &kind, &Constraints::default());
        assert!(out.to_string().contains("How the charge arises."), "{out}");
        let own = Docs {
            description: Some("The category of this charge.".into()),
            ..Docs::default()
        };
        let out = value_doc_attrs(&types, &own, &kind, &Constraints::default()).to_string();
        assert!(out.contains("The category of this charge."), "{out}");
        assert!(!out.contains("How the charge arises."), "{out}");
    }

    #[test]
    fn prose_comes_before_constraints() {
        let docs = Docs {
            description: Some("How many to return.".into()),
            ..Docs::default()
        };
        let c = Constraints {
            maximum: Some(50.0),
            ..Constraints::default()
        };
        let out = value_doc_attrs(&[], &docs, &TypeRef::Int(IntKind::I64), &c).to_string();
        assert!(out.contains("How many to return."), "{out}");
        assert!(!out.contains("50"), "{out}");
    }

    #[test]
    fn constraints_become_sentences() {
        let c = Constraints {
            format: Some("uuid".into()),
            min_length: Some(32),
            max_length: Some(32),
            default: Some(serde_json::json!("x")),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_summary(&TypeRef::String, &c).as_deref(),
            Some("Format `uuid`. Exactly 32 characters. Defaults to `x`.")
        );
        let c = Constraints {
            minimum: Some(1.0),
            maximum: Some(1000.0),
            default: Some(serde_json::json!(100)),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_summary(&TypeRef::Int(IntKind::I64), &c).as_deref(),
            Some("From 1 to 1000. Defaults to `100`.")
        );
        let c = Constraints {
            minimum: Some(0.0),
            exclusive_minimum: true,
            maximum: Some(0.5),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_summary(&TypeRef::Float(FloatKind::F64), &c).as_deref(),
            Some("Greater than 0 and at most 0.5.")
        );
        let c = Constraints {
            allowed: vec![serde_json::json!("a"), serde_json::json!(2)],
            max_length: Some(1),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_summary(&TypeRef::String, &c).as_deref(),
            Some("At most 1 character. One of `a`, `2`.")
        );
    }

    #[test]
    fn item_constraints_are_summarised_after_the_list_ones() {
        let c = Constraints {
            max_items: Some(10),
            items: Some(Box::new(Constraints {
                format: Some("email".into()),
                max_length: Some(90),
                ..Constraints::default()
            })),
            ..Constraints::default()
        };
        let ty = TypeRef::Array(Box::new(TypeRef::String));
        assert_eq!(
            constraint_summary(&ty, &c).as_deref(),
            Some("At most 10 items. Each item: format `email`, at most 90 characters.")
        );
    }

    #[test]
    fn formats_the_type_states_are_not_repeated() {
        let with_format = |f: &str| Constraints {
            format: Some(f.into()),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_summary(&TypeRef::DateTime, &with_format("date-time")),
            None
        );
        assert_eq!(
            constraint_summary(&TypeRef::Int(IntKind::U32), &with_format("uint32")),
            None
        );
        assert_eq!(
            constraint_summary(&TypeRef::Int(IntKind::I32), &with_format("int16")).as_deref(),
            Some("Format `int16`.")
        );
    }

    #[test]
    fn a_backtick_in_a_value_cannot_break_the_code_span() {
        let c = Constraints {
            default: Some(serde_json::json!("a`b")),
            ..Constraints::default()
        };
        let text = constraint_summary(&TypeRef::String, &c).unwrap_or_default();
        assert_eq!(text, "Defaults to `\"a\\u0060b\"`.");
        assert_eq!(sanitize(&text), text);
        let c = Constraints {
            allowed: vec![serde_json::json!(""), serde_json::json!("a\n\nb")],
            ..Constraints::default()
        };
        let text = constraint_summary(&TypeRef::String, &c).unwrap_or_default();
        assert_eq!(text, "One of `\"\"`, `\"a\\n\\nb\"`.");
        assert_eq!(sanitize(&text), text);
    }

    #[test]
    fn line_endings_and_controls() {
        assert_eq!(sanitize("a\r\nb\rc\u{7}"), "a\nb\nc");
        assert_eq!(sanitize("*/ end"), "*/ end");
        assert_eq!(sanitize("odd `tick"), "odd `tick`");
    }
}
