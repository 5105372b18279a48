//! Rustdoc text built from spec prose.
//!
//! Spec descriptions are the documents' Chinese, verbatim, and contain things
//! Markdown would misread: `[0.01,100000000.00]` (a link to rustdoc), bare
//! URLs, `<`, `*`. They are escaped here so `cargo doc` is warning-free.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

use alipay_runtime::Money;

use crate::ir::{Bound, Field, Type};
use crate::spec::{LengthCounting, Required};

// Doc text is about half of the output, and pushing it through tokens, syn
// and prettyplease cost more than everything else together (escaping and
// unescaping CJK literals, a token tree per line). It needs no formatting,
// so each item gets one short placeholder attribute instead, and the real
// lines are spliced in after prettyplease has run (see `splice`).
const MARKER: &str = "@alipay-codegen-doc:";

thread_local! {
    static TABLE: RefCell<Vec<Vec<String>>> = const { RefCell::new(Vec::new()) };
}

fn stash(lines: &[String]) -> String {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.push(lines.to_vec());
        format!("{MARKER}{}", t.len() - 1)
    })
}

/// Doc lines as one placeholder `#[doc]` attribute (outer).
pub fn outer(lines: &[String]) -> TokenStream {
    let key = stash(lines);
    quote! { #[doc = #key] }
}

/// Doc lines as one placeholder `#![doc]` attribute (inner, for a module).
pub fn inner(lines: &[String]) -> TokenStream {
    let key = stash(lines);
    quote! { #![doc = #key] }
}

/// Runs `build` with a fresh placeholder table, formats its tokens, and
/// replaces each placeholder line with the doc lines it stands for.
pub fn format_with_docs(build: impl FnOnce() -> TokenStream) -> String {
    TABLE.with(|t| t.borrow_mut().clear());
    let syntax: syn::File = syn::parse2(build()).expect("the emitters produce valid Rust");
    let formatted = prettyplease::unparse(&syntax);
    let table = TABLE.with(|t| std::mem::take(&mut *t.borrow_mut()));
    splice(&formatted, &table)
}

fn splice(formatted: &str, table: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(formatted.len() * 2);
    for line in formatted.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let placeholder = ["///", "//!"]
            .into_iter()
            .find_map(|p| Some((p, trimmed.strip_prefix(p)?.strip_prefix(MARKER)?)));
        let Some((prefix, index)) = placeholder else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let index: usize = index.parse().expect("placeholders hold an index");
        for doc in &table[index] {
            out.push_str(indent);
            out.push_str(prefix);
            if !doc.is_empty() {
                out.push(' ');
                out.push_str(doc);
            }
            out.push('\n');
        }
    }
    out
}

/// Spec prose made safe for Markdown, one entry per line. A line after a
/// list item (`1. d：天`) that is not one itself starts a new paragraph, so
/// that Markdown does not fold it into the item.
pub fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_item = false;
    for line in text.trim_end().lines() {
        let item = is_list_item(line);
        if after_item && !item && !line.trim().is_empty() {
            out.push(String::new());
        }
        after_item = item;
        out.push(escape_line(line));
    }
    out
}

/// Whether Markdown reads `line` as a list item: `- `, `* `, `+ `, `1. `, `1) `.
fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.starts_with([' ', '\t']);
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0
        && line[digits..].starts_with(['.', ')'])
        && line[digits + 1..].starts_with([' ', '\t'])
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    // A tab in a doc comment renders unpredictably (and clippy refuses it).
    let line = line.replace('\t', "    ");
    let mut rest = line.trim_end();
    if rest.starts_with('#') {
        out.push('\\');
    }
    while !rest.is_empty() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest.find(|c: char| !is_url_char(c)).unwrap_or(rest.len());
            out.push('<');
            out.push_str(&rest[..end]);
            out.push('>');
            rest = &rest[end..];
            continue;
        }
        let c = rest.chars().next().expect("not empty");
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c)
}

/// Inline code for a value, fenced so that backticks inside survive.
pub fn code(value: &str) -> String {
    if value.contains('`') {
        format!("`` {value} ``")
    } else {
        format!("`{value}`")
    }
}

/// A fenced JSON block.
pub fn json_block(json: &str) -> Vec<String> {
    let mut out = vec!["```json".to_owned()];
    out.extend(json.trim_end().lines().map(str::to_owned));
    out.push("```".to_owned());
    out
}

/// The spec type as written, for docs.
pub fn spec_type(ty: &Type) -> String {
    match ty {
        Type::String | Type::Enum(_) => "string".into(),
        Type::Price => "price".into(),
        Type::Integer => "integer".into(),
        Type::Boolean => "boolean".into(),
        Type::DateTime => "datetime".into(),
        Type::Object { name, .. } => name.clone(),
        Type::Array(inner) => format!("{}[]", spec_type(inner)),
    }
}

/// The documentation of a field: description, then its facts.
pub fn field(f: &Field) -> Vec<String> {
    let mut lines = prose(&f.description);
    let mut facts = vec![format!(
        "Wire name {}, type {}",
        code(&f.name),
        code(&spec_type(&f.ty))
    )];
    facts.push(
        match f.required {
            Required::Yes => "required",
            Required::No => "optional",
            Required::Conditional => "conditionally required (see the rules)",
        }
        .to_owned(),
    );
    if let Some(max) = f.max_length {
        facts.push(match f.length_counting {
            LengthCounting::Characters => format!("max length {max}"),
            LengthCounting::ChineseAsTwo => {
                format!("max length {max} (a Chinese character counts as two)")
            }
        });
    }
    let bound = |b: Bound| match b {
        Bound::Price(fen) => Money::from_fen(fen).to_string(),
        Bound::Integer(n) => n.to_string(),
    };
    if let Some(min) = f.minimum {
        facts.push(format!("at least {}", bound(min)));
    }
    if let Some(max) = f.maximum {
        facts.push(format!("at most {}", bound(max)));
    }
    lines.push(String::new());
    lines.push(format!("{}.", facts.join(", ")));
    if let Some(example) = &f.example {
        let text = match example {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        lines.push(String::new());
        lines.push(format!("Example: {}", code(&text)));
    }
    if let Some(note) = &f.note {
        lines.push(String::new());
        let mut note = prose(note);
        note[0] = format!("Note: {}", note[0]);
        lines.extend(note);
    }
    if let Some(source) = &f.source {
        lines.push(String::new());
        lines.push(format!("Source: {}", escape_line(source)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_after_a_list_item_starts_a_paragraph_and_tabs_become_spaces() {
        assert_eq!(
            prose("目前支持的时间单位：\n1. d：天\n2. m：月\n如果未传入，默认为长期有效。"),
            [
                "目前支持的时间单位：",
                "1. d：天",
                "2. m：月",
                "",
                "如果未传入，默认为长期有效。"
            ]
        );
        assert_eq!(prose("- a\n  b"), ["- a", "", "  b"]);
        assert_eq!(
            prose("2088 is\nnot 1.5 a list"),
            ["2088 is", "not 1.5 a list"]
        );
        assert_eq!(prose("a\tb"), ["a    b"]);
    }

    #[test]
    fn escapes_markdown_and_wraps_urls() {
        assert_eq!(
            escape_line("[0.01,100000000.00]"),
            "\\[0.01,100000000.00\\]"
        );
        assert_eq!(
            escape_line("见https://docs.open.alipay.com/api_1/x。"),
            "见<https://docs.open.alipay.com/api_1/x>。"
        );
        assert_eq!(escape_line("# 标题 *a* <b>"), "\\# 标题 \\*a\\* \\<b\\>");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
