//! The spec format as a JSON Schema, generated from the shape description so
//! that editors with a YAML language server complete and check spec files
//! as they are typed (`specs/spec.schema.json`).
//!
//! Draft-07, the newest draft yaml-language-server (the VS Code YAML
//! extension, and editors built on it) validates. One schema covers both
//! file kinds: a document with `gateways` is `common.yaml`, any other a
//! method file, so a new, empty file completes as a method file.

use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::{Error, Mode};

use super::{COMMON_FILE, ERROR, EXAMPLE, FIELD, GATEWAY_CODE, Key, Kind, METHOD_FILE, Struct};
use super::{OBJECT, REQUEST, RESPONSE, RULE, VALUE};

/// Where the generated schema lives, relative to the spec root.
pub const FILE_NAME: &str = "spec.schema.json";

/// Every struct of the format, with its name under `definitions` and what
/// it is. A test checks that every struct reachable from the two roots is
/// listed.
const DEFINITIONS: &[(&Struct, &str, &str)] = &[
    (
        &METHOD_FILE,
        "method_file",
        "specs/methods/<method>.yaml: one API method.",
    ),
    (
        &COMMON_FILE,
        "common_file",
        "specs/common.yaml: gateways, public request parameters, common response fields, gateway codes and shared types.",
    ),
    (
        &GATEWAY_CODE,
        "gateway_code",
        "A gateway `code` value and its sub-codes.",
    ),
    (
        &REQUEST,
        "request",
        "The fields of biz_content and the rules between them.",
    ),
    (
        &RESPONSE,
        "response",
        "The fields inside <method>_response, besides code/msg/sub_code/sub_msg.",
    ),
    (&OBJECT, "object_type", "A nested object type."),
    (
        &FIELD,
        "field",
        "A field of a request, response or object type.",
    ),
    (
        &VALUE,
        "value",
        "An allowed value of a field; makes an open enum.",
    ),
    (
        &RULE,
        "rule",
        "A cross-field rule: exactly one of at_least_one, together, precedence.",
    ),
    (
        &ERROR,
        "error",
        "A business error code (the sub_code of a 40004), or a gateway sub-code.",
    ),
    (&EXAMPLE, "example", "One of the document's examples."),
];

/// What each key means, in the words of `specs/README.md`: (definition, key,
/// description). A test checks every key of every struct has one.
const KEYS: &[(&str, &str, &str)] = &[
    (
        "method_file",
        "method",
        "The method name, lower-case segments joined by dots; must equal the file name without .yaml.",
    ),
    (
        "method_file",
        "title",
        "The document's name for the method.",
    ),
    (
        "method_file",
        "product",
        "The product the method belongs to; groups methods in the docs index.",
    ),
    ("method_file", "summary", "One line, verbatim."),
    (
        "method_file",
        "description",
        "More of the document's text, verbatim.",
    ),
    (
        "method_file",
        "source",
        "The document transcribed: a URL a reader can open.",
    ),
    ("method_file", "notes", "Everything else the document says."),
    (
        "method_file",
        "public_params",
        "Optional public parameters this method accepts beyond the always-present ones (names from common.yaml request_params).",
    ),
    (
        "method_file",
        "unconfirmed",
        "Method facts the source did not state (title, product, summary), written by the importer: the generator refuses the spec until a person decides each and removes the mark.",
    ),
    (
        "method_file",
        "call",
        "How the method is invoked: api (default, a server call), page (a signed form or URL for the buyer's browser) or sdk (the order string the Alipay app SDK takes).",
    ),
    (
        "method_file",
        "request",
        "The fields of biz_content, and cross-field rules.",
    ),
    (
        "method_file",
        "response",
        "The fields inside <method>_response.",
    ),
    (
        "method_file",
        "types",
        "Nested object types used only by this method, by UpperCamelCase name.",
    ),
    (
        "method_file",
        "errors",
        "The business error codes (sub_code of a 40004).",
    ),
    (
        "method_file",
        "examples",
        "The document's examples, checked as fixtures.",
    ),
    ("common_file", "gateways", "Gateway name → URL."),
    (
        "common_file",
        "request_params",
        "The public request parameters.",
    ),
    (
        "common_file",
        "response_fields",
        "code, msg, sub_code, sub_msg.",
    ),
    (
        "common_file",
        "gateway_codes",
        "The gateway's `code` values.",
    ),
    (
        "common_file",
        "types",
        "Nested object types any method may use, by UpperCamelCase name.",
    ),
    ("gateway_code", "code", "The code, e.g. \"40004\"."),
    (
        "gateway_code",
        "rust_name",
        "The Rust variant name (codes are numbers).",
    ),
    ("gateway_code", "msg", "The English msg the gateway sends."),
    ("gateway_code", "meaning", "What it means, verbatim."),
    ("gateway_code", "action", "What to do."),
    (
        "gateway_code",
        "outcome_unknown",
        "true where the result is neither success nor failure.",
    ),
    (
        "gateway_code",
        "sub_codes",
        "The sub_code values under this code.",
    ),
    (
        "gateway_code",
        "source",
        "Where the fact comes from, when not the document.",
    ),
    (
        "request",
        "fields",
        "The biz_content fields, in the document's order.",
    ),
    (
        "request",
        "rules",
        "Cross-field rules: at_least_one, together, precedence.",
    ),
    (
        "response",
        "fields",
        "The response fields, in the document's order.",
    ),
    ("object_type", "description", "What it is, verbatim."),
    (
        "object_type",
        "source",
        "Where the fact comes from, when not the method's document.",
    ),
    (
        "object_type",
        "fields",
        "Its fields, in the document's order.",
    ),
    ("field", "name", "The wire name, exactly as documented."),
    (
        "field",
        "type",
        "string, price, integer, boolean, datetime, an object type name, or any of these followed by [] for an array.",
    ),
    (
        "field",
        "required",
        "true, false (default) or conditional (named by an at_least_one or together rule).",
    ),
    (
        "field",
        "max_length",
        "The document's 最大长度; string and price only.",
    ),
    (
        "field",
        "length_counting",
        "How max_length counts: characters (default) or chinese_as_two (\"≤100字母/50汉字\").",
    ),
    (
        "field",
        "minimum",
        "The documented minimum: a quoted amount for price (\"0.01\"), a number for integer.",
    ),
    (
        "field",
        "maximum",
        "The documented maximum: a quoted amount for price, a number for integer.",
    ),
    ("field", "description", "The document's text, verbatim."),
    (
        "field",
        "example",
        "The document's 示例值, quoted for string, price and datetime; checked against the field's constraints.",
    ),
    (
        "field",
        "values",
        "Allowed values; make an open enum. string and string[] only.",
    ),
    (
        "field",
        "enum_name",
        "The Rust enum's name for values (default: the field name in UpperCamelCase).",
    ),
    (
        "field",
        "source",
        "Where the fact comes from, when not the method's document.",
    ),
    ("field", "note", "Anything else, any language."),
    (
        "field",
        "unconfirmed",
        "Facts the source did not state (type, required, max_length, description), written by the importer: the generator refuses the spec until a person decides each and removes the mark.",
    ),
    ("value", "value", "The value as sent."),
    ("value", "meaning", "What it means, verbatim."),
    ("value", "rust_name", "The Rust variant name."),
    (
        "rule",
        "at_least_one",
        "At least one of these request fields must be given.",
    ),
    (
        "rule",
        "together",
        "If one of these request fields is given, all must be.",
    ),
    (
        "rule",
        "precedence",
        "When several are given, the first wins (documentation only).",
    ),
    ("rule", "description", "The document's words."),
    (
        "rule",
        "source",
        "Where the fact comes from, when not the method's document.",
    ),
    ("error", "code", "The code as sent in sub_code."),
    (
        "error",
        "message",
        "What it means, verbatim; leave out where Alipay publishes no meaning.",
    ),
    (
        "error",
        "action",
        "What to do; leave out where Alipay publishes no fix.",
    ),
    (
        "error",
        "outcome_unknown",
        "true where the document says the result is neither success nor failure.",
    ),
    ("error", "rust_name", "The Rust variant name."),
    (
        "error",
        "source",
        "Where the fact comes from, e.g. an SDK with its version and class.",
    ),
    ("example", "name", "Unique within the method."),
    (
        "example",
        "kind",
        "request (the biz_content JSON object) or response (the whole body, envelope and sign).",
    ),
    ("example", "description", "The document's caption."),
    (
        "example",
        "source",
        "Where it comes from, when not the method's document.",
    ),
    ("example", "note", "Anything else."),
    ("example", "json", "The JSON text, verbatim."),
];

fn definition_name(s: &Struct) -> &'static str {
    DEFINITIONS
        .iter()
        .find(|(d, _, _)| std::ptr::eq(*d, s))
        .map(|(_, name, _)| *name)
        .unwrap_or_else(|| panic!("{} has no entry in shape::schema::DEFINITIONS", s.what))
}

fn key_description(definition: &str, key: &str) -> &'static str {
    KEYS.iter()
        .find(|(d, k, _)| *d == definition && *k == key)
        .map(|(_, _, text)| *text)
        .unwrap_or_else(|| panic!("`{definition}.{key}` has no entry in shape::schema::KEYS"))
}

/// The JSON Schema of a value of `kind`.
fn kind_schema(kind: &Kind) -> Value {
    match kind {
        // The loader reads any scalar as text: an unquoted 12 is "12".
        Kind::Text => json!({"type": ["string", "number", "boolean"]}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Count => json!({"type": "integer", "minimum": 0, "maximum": u32::MAX}),
        Kind::Required => json!({"enum": [true, false, "conditional"]}),
        Kind::Word(words) => json!({"enum": words}),
        Kind::Any => json!({}),
        Kind::List(item) => json!({"type": "array", "items": kind_schema(item)}),
        Kind::Map(item) => json!({"type": "object", "additionalProperties": kind_schema(item)}),
        Kind::Struct(s) => json!({"$ref": format!("#/definitions/{}", definition_name(s))}),
    }
}

/// A key's schema: its kind, null too where the key may be written empty.
fn key_schema(definition: &str, key: &Key) -> Value {
    let mut schema = kind_schema(&key.kind);
    if key.empty_ok {
        schema = match schema {
            Value::Object(mut m) if m.contains_key("type") => {
                let types = match m.remove("type") {
                    Some(Value::Array(mut t)) => {
                        t.push(json!("null"));
                        t
                    }
                    Some(t) => vec![t, json!("null")],
                    None => unreachable!(),
                };
                m.insert("type".into(), Value::Array(types));
                Value::Object(m)
            }
            Value::Object(mut m) if m.contains_key("enum") => {
                if let Some(Value::Array(values)) = m.get_mut("enum") {
                    values.push(Value::Null);
                }
                Value::Object(m)
            }
            Value::Object(m) if m.is_empty() => Value::Object(m),
            other => json!({"anyOf": [other, {"type": "null"}]}),
        };
    }
    if let Value::Object(m) = &mut schema {
        m.insert(
            "description".into(),
            json!(key_description(definition, key.name)),
        );
    }
    schema
}

fn struct_schema(s: &Struct, name: &str, description: &str) -> Value {
    let properties: Map<String, Value> = s
        .keys
        .iter()
        .map(|k| (k.name.to_owned(), key_schema(name, k)))
        .collect();
    let required: Vec<&str> = s
        .keys
        .iter()
        .filter(|k| k.required)
        .map(|k| k.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// The JSON Schema of a spec file (method file or `common.yaml`), draft-07.
pub fn json_schema() -> Value {
    let definitions: Map<String, Value> = DEFINITIONS
        .iter()
        .map(|(s, name, description)| (name.to_string(), struct_schema(s, name, description)))
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "alipay-rs spec file",
        "description": "A spec file of alipay-rs: specs/methods/<method>.yaml, or specs/common.yaml (a document with `gateways`). Generated from the generator's shape description by `cargo regen`; the format is documented in specs/README.md.",
        "if": {"type": "object", "required": ["gateways"]},
        "then": {"$ref": "#/definitions/common_file"},
        "else": {"$ref": "#/definitions/method_file"},
        "definitions": definitions,
    })
}

/// The schema as written to `specs/spec.schema.json`: pretty JSON and a
/// final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).expect("a JSON value serializes");
    text.push('\n');
    text
}

/// Writes the schema to `path` (usually `specs/spec.schema.json`) if it
/// differs; returns whether it wrote. In [`Mode::Check`] nothing is written
/// and a stale or missing file is [`Error::Stale`].
pub fn write(path: &Path, mode: Mode) -> Result<bool, Error> {
    let text = json_schema_text();
    match mode {
        Mode::Write => crate::write::write_one(path, &text),
        Mode::Check => match fs::read_to_string(path) {
            Ok(existing) if existing == text => Ok(false),
            Ok(_) => Err(Error::Stale {
                changed: vec![path.to_path_buf()],
                removed: Vec::new(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Stale {
                changed: vec![path.to_path_buf()],
                removed: Vec::new(),
            }),
            Err(e) => Err(crate::io_error(path, "read the schema", e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static METHOD_ROOT: Kind = Kind::Struct(&METHOD_FILE);
    static COMMON_ROOT: Kind = Kind::Struct(&COMMON_FILE);

    fn reachable(kind: &'static Kind, out: &mut Vec<&'static Struct>) {
        match kind {
            Kind::List(k) | Kind::Map(k) => reachable(k, out),
            Kind::Struct(s) if !out.iter().any(|o| std::ptr::eq(*o, *s)) => {
                out.push(s);
                for key in s.keys {
                    reachable(&key.kind, out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_struct_and_key_is_described() {
        let mut all = Vec::new();
        reachable(&METHOD_ROOT, &mut all);
        reachable(&COMMON_ROOT, &mut all);
        for s in &all {
            let name = definition_name(s);
            for key in s.keys {
                assert!(!key_description(name, key.name).is_empty());
            }
        }
        assert_eq!(all.len(), DEFINITIONS.len(), "a listed struct is unused");
        for (definition, key, _) in KEYS {
            let (s, _, _) = DEFINITIONS
                .iter()
                .find(|(_, n, _)| n == definition)
                .unwrap();
            assert!(
                s.key(key).is_some(),
                "KEYS describes `{definition}.{key}`, which is not a key"
            );
        }
    }

    #[test]
    fn keys_are_closed_required_and_typed() {
        let schema = json_schema();
        let field = &schema["definitions"]["field"];
        assert_eq!(field["additionalProperties"], json!(false));
        assert_eq!(field["required"], json!(["name", "type", "description"]));
        assert_eq!(
            field["properties"]["length_counting"]["enum"],
            json!(["characters", "chinese_as_two", null])
        );
        assert_eq!(
            field["properties"]["max_length"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            schema["definitions"]["method_file"]["properties"]["call"]["enum"],
            json!(["api", "page", "sdk"])
        );
        assert_eq!(
            schema["definitions"]["method_file"]["properties"]["request"]["anyOf"],
            Value::Null,
            "a required struct key is a plain $ref"
        );
    }
}
