//! Writing a [`Draft`] as a spec file: keys in the order `specs/README.md`
//! lists them, free text always double-quoted, the same draft always the
//! same bytes.

use std::fmt::Write as _;

use alipay_codegen::spec::{Call, ExampleKind, LengthCounting, Required};
use serde_yaml_ng::Value as Yaml;

use super::model::{Draft, ErrorDraft, ExampleDraft, FieldDraft, RuleDraft};

/// The spec file's text.
pub fn to_yaml(d: &Draft) -> String {
    let mut o = String::new();
    line(&mut o, 0, "method", &word(&d.method));
    line(&mut o, 0, "title", &quote(&d.title));
    line(&mut o, 0, "product", &quote(&d.product));
    line(&mut o, 0, "summary", &quote(&d.summary));
    if let Some(text) = &d.description {
        block(&mut o, 0, "description", text);
    }
    if let Some(s) = &d.source {
        line(&mut o, 0, "source", &quote(s));
    }
    list(&mut o, 0, "notes", &d.notes);
    if !d.public_params.is_empty() {
        let names: Vec<String> = d.public_params.iter().map(|p| word(p)).collect();
        line(
            &mut o,
            0,
            "public_params",
            &format!("[{}]", names.join(", ")),
        );
    }
    match d.call {
        Call::Api => {}
        Call::Page => line(&mut o, 0, "call", "page"),
        Call::Sdk => line(&mut o, 0, "call", "sdk"),
    }
    o.push_str("\nrequest:\n");
    fields(&mut o, 1, &d.request);
    if !d.rules.is_empty() {
        o.push_str("  rules:\n");
        for r in &d.rules {
            rule(&mut o, r);
        }
    }
    o.push_str("\nresponse:\n");
    fields(&mut o, 1, &d.response);
    if !d.types.is_empty() {
        o.push_str("\ntypes:\n");
        for (name, t) in &d.types {
            let _ = writeln!(o, "  {}:", word(name));
            line(&mut o, 2, "description", &quote(&t.description));
            if let Some(s) = &t.source {
                line(&mut o, 2, "source", &quote(s));
            }
            fields(&mut o, 2, &t.fields);
        }
    }
    if !d.errors.is_empty() {
        o.push_str("\nerrors:\n");
        for e in &d.errors {
            error(&mut o, e);
        }
    }
    if !d.examples.is_empty() {
        o.push_str("\nexamples:\n");
        for e in &d.examples {
            example(&mut o, e);
        }
    }
    if !d.unconfirmed.is_empty() {
        let keys: Vec<&str> = d.unconfirmed.iter().map(|f| f.key()).collect();
        let _ = writeln!(o, "\nunconfirmed: [{}]", keys.join(", "));
    }
    o
}

fn pad(depth: usize) -> String {
    "  ".repeat(depth)
}

fn line(o: &mut String, depth: usize, key: &str, value: &str) {
    let _ = writeln!(o, "{}{key}: {value}", pad(depth));
}

/// The first key of a list item (`- key: value`) at `depth`.
fn item(o: &mut String, depth: usize, key: &str, value: &str) {
    let _ = writeln!(o, "{}- {key}: {value}", pad(depth));
}

fn list(o: &mut String, depth: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(o, "{}{key}:", pad(depth));
    for i in items {
        let _ = writeln!(o, "{}  - {}", pad(depth), quote(i));
    }
}

fn fields(o: &mut String, depth: usize, fields: &[FieldDraft]) {
    if fields.is_empty() {
        let _ = writeln!(o, "{}fields: []", pad(depth));
        return;
    }
    let _ = writeln!(o, "{}fields:", pad(depth));
    let d = depth + 2;
    for f in fields {
        item(o, depth + 1, "name", &word(&f.name));
        line(o, d, "type", &word(&f.ty));
        if !f
            .unconfirmed
            .contains(&alipay_codegen::spec::FieldFact::Required)
        {
            let required = match f.required {
                Required::Yes => "true",
                Required::No => "false",
                Required::Conditional => "conditional",
            };
            line(o, d, "required", required);
        }
        if let Some(m) = f.max_length {
            line(o, d, "max_length", &m.to_string());
        }
        if let Some(c) = f.length_counting {
            let c = match c {
                LengthCounting::Characters => "characters",
                LengthCounting::ChineseAsTwo => "chinese_as_two",
            };
            line(o, d, "length_counting", c);
        }
        if let Some(v) = &f.minimum {
            line(o, d, "minimum", &scalar(v));
        }
        if let Some(v) = &f.maximum {
            line(o, d, "maximum", &scalar(v));
        }
        line(o, d, "description", &quote(&f.description));
        if let Some(v) = &f.example {
            line(o, d, "example", &scalar(v));
        }
        if !f.values.is_empty() {
            let _ = writeln!(o, "{}values:", pad(d));
            for (value, meaning, rust_name) in &f.values {
                item(o, d + 1, "value", &word(value));
                line(o, d + 2, "meaning", &quote(meaning));
                if let Some(r) = rust_name {
                    line(o, d + 2, "rust_name", &word(r));
                }
            }
        }
        if let Some(e) = &f.enum_name {
            line(o, d, "enum_name", &word(e));
        }
        if let Some(s) = &f.source {
            line(o, d, "source", &quote(s));
        }
        if let Some(n) = &f.note {
            line(o, d, "note", &quote(n));
        }
        if !f.unconfirmed.is_empty() {
            let keys: Vec<&str> = f.unconfirmed.iter().map(|f| f.key()).collect();
            line(o, d, "unconfirmed", &format!("[{}]", keys.join(", ")));
        }
    }
}

fn rule(o: &mut String, r: &RuleDraft) {
    let mut first = true;
    for (kind, names) in &r.lists {
        let names: Vec<String> = names.iter().map(|n| word(n)).collect();
        let value = format!("[{}]", names.join(", "));
        if first {
            item(o, 2, kind, &value);
            first = false;
        } else {
            line(o, 3, kind, &value);
        }
    }
    if first {
        item(o, 2, "description", &quote(&r.description));
    } else {
        line(o, 3, "description", &quote(&r.description));
    }
    if let Some(s) = &r.source {
        line(o, 3, "source", &quote(s));
    }
}

fn error(o: &mut String, e: &ErrorDraft) {
    item(o, 1, "code", &word(&e.code));
    if let Some(m) = &e.message {
        line(o, 2, "message", &quote(m));
    }
    if let Some(a) = &e.action {
        line(o, 2, "action", &quote(a));
    }
    if e.outcome_unknown {
        line(o, 2, "outcome_unknown", "true");
    }
    if let Some(r) = &e.rust_name {
        line(o, 2, "rust_name", &word(r));
    }
    if let Some(s) = &e.source {
        line(o, 2, "source", &quote(s));
    }
}

fn example(o: &mut String, e: &ExampleDraft) {
    item(o, 1, "name", &word(&e.name));
    let kind = match e.kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    };
    line(o, 2, "kind", kind);
    if let Some(d) = &e.description {
        line(o, 2, "description", &quote(d));
    }
    if let Some(s) = &e.source {
        line(o, 2, "source", &quote(s));
    }
    if let Some(n) = &e.note {
        line(o, 2, "note", &quote(n));
    }
    block(o, 2, "json", &e.json);
}

/// A literal block (`key: |`) when the text can be one exactly, otherwise a
/// quoted string: what is read back is always the same text.
fn block(o: &mut String, depth: usize, key: &str, text: &str) {
    let literal_ok = text.contains('\n')
        && text.ends_with('\n')
        && !text.ends_with("\n\n")
        && !text.starts_with([' ', '\t', '\n'])
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        && !text.contains('\u{feff}');
    if !literal_ok {
        line(o, depth, key, &quote(text));
        return;
    }
    let _ = writeln!(o, "{}{key}: |", pad(depth));
    for l in text.lines() {
        if l.is_empty() {
            o.push('\n');
        } else {
            let _ = writeln!(o, "{}  {l}", pad(depth));
        }
    }
}

/// A double-quoted scalar: JSON's string escapes are a subset of YAML's.
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// Names, types, codes: plain when YAML reads them back as the same text,
/// quoted otherwise.
pub fn word(text: &str) -> String {
    let plain = !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']'))
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain { text.to_owned() } else { quote(text) }
}

fn scalar(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => quote(s),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "~".to_owned(),
        // JSON is YAML's flow style.
        other => serde_json::to_string(other).unwrap_or_else(|_| "~".to_owned()),
    }
}
