//! A method spec as the importers build it and the writer writes it: the
//! keys of `specs/README.md`, owned and editable, so that a page's facts
//! can be merged into a spec read from disk.

use std::collections::BTreeMap;

use alipay_codegen::spec::{
    Call, ErrorSpec, ExampleKind, ExampleSpec, FieldFact, FieldSpec, LengthCounting, MethodFact,
    MethodFile, ObjectSpec, Required, RuleSpec,
};
use serde_yaml_ng::Value as Yaml;

/// A method file.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// `method`.
    pub method: String,
    /// `title`.
    pub title: String,
    /// `product`.
    pub product: String,
    /// `summary`.
    pub summary: String,
    /// `description`.
    pub description: Option<String>,
    /// `source`.
    pub source: Option<String>,
    /// `notes`.
    pub notes: Vec<String>,
    /// `public_params`.
    pub public_params: Vec<String>,
    /// `call`.
    pub call: Call,
    /// `request.fields`.
    pub request: Vec<FieldDraft>,
    /// `request.rules`.
    pub rules: Vec<RuleDraft>,
    /// `response.fields`.
    pub response: Vec<FieldDraft>,
    /// `types`.
    pub types: BTreeMap<String, TypeDraft>,
    /// `errors`.
    pub errors: Vec<ErrorDraft>,
    /// `examples`.
    pub examples: Vec<ExampleDraft>,
    /// `unconfirmed`.
    pub unconfirmed: Vec<MethodFact>,
}

/// A field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDraft {
    /// `name`.
    pub name: String,
    /// `type`.
    pub ty: String,
    /// `required`.
    pub required: Required,
    /// `max_length`.
    pub max_length: Option<u32>,
    /// `length_counting`.
    pub length_counting: Option<LengthCounting>,
    /// `minimum`.
    pub minimum: Option<Yaml>,
    /// `maximum`.
    pub maximum: Option<Yaml>,
    /// `description`.
    pub description: String,
    /// `example`.
    pub example: Option<Yaml>,
    /// `values`: value, meaning, rust_name.
    pub values: Vec<(String, String, Option<String>)>,
    /// `enum_name`.
    pub enum_name: Option<String>,
    /// `source`.
    pub source: Option<String>,
    /// `note`.
    pub note: Option<String>,
    /// `unconfirmed`.
    pub unconfirmed: Vec<FieldFact>,
}

impl FieldDraft {
    /// A field with only a name, a type and a description.
    pub fn new(name: &str, ty: &str, description: &str) -> FieldDraft {
        FieldDraft {
            name: name.to_owned(),
            ty: ty.to_owned(),
            required: Required::No,
            max_length: None,
            length_counting: None,
            minimum: None,
            maximum: None,
            description: description.to_owned(),
            example: None,
            values: Vec::new(),
            enum_name: None,
            source: None,
            note: None,
            unconfirmed: Vec::new(),
        }
    }

    /// Marks `fact` as not stated by the source (once).
    pub fn unconfirm(&mut self, fact: FieldFact) {
        if !self.unconfirmed.contains(&fact) {
            self.unconfirmed.push(fact);
            self.unconfirmed.sort();
        }
    }

    /// Appends a sentence to the note.
    pub fn add_note(&mut self, text: &str) {
        self.note = Some(match self.note.take() {
            Some(n) => format!("{n} {text}"),
            None => text.to_owned(),
        });
    }
}

/// A nested object type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDraft {
    /// `description`.
    pub description: String,
    /// `source`.
    pub source: Option<String>,
    /// `fields`.
    pub fields: Vec<FieldDraft>,
}

/// A cross-field rule (only ever read from an existing spec).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    /// `at_least_one`, `together` or `precedence`, with its fields.
    pub lists: Vec<(&'static str, Vec<String>)>,
    /// `description`.
    pub description: String,
    /// `source`.
    pub source: Option<String>,
}

/// A business error code.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDraft {
    /// `code`.
    pub code: String,
    /// `message`.
    pub message: Option<String>,
    /// `action`.
    pub action: Option<String>,
    /// `outcome_unknown`.
    pub outcome_unknown: bool,
    /// `rust_name`.
    pub rust_name: Option<String>,
    /// `source`.
    pub source: Option<String>,
}

/// A document example.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleDraft {
    /// `name`.
    pub name: String,
    /// `kind`.
    pub kind: ExampleKind,
    /// `description`.
    pub description: Option<String>,
    /// `source`.
    pub source: Option<String>,
    /// `note`.
    pub note: Option<String>,
    /// `json`.
    pub json: String,
}

impl From<FieldSpec> for FieldDraft {
    fn from(f: FieldSpec) -> Self {
        FieldDraft {
            name: f.name,
            ty: f.ty,
            required: f.required,
            max_length: f.max_length,
            length_counting: f.length_counting,
            minimum: f.minimum,
            maximum: f.maximum,
            description: f.description,
            example: f.example,
            values: f
                .values
                .into_iter()
                .map(|v| (v.value, v.meaning, v.rust_name))
                .collect(),
            enum_name: f.enum_name,
            source: f.source,
            note: f.note,
            unconfirmed: f.unconfirmed,
        }
    }
}

fn fields(list: Vec<FieldSpec>) -> Vec<FieldDraft> {
    list.into_iter().map(FieldDraft::from).collect()
}

impl From<ObjectSpec> for TypeDraft {
    fn from(t: ObjectSpec) -> Self {
        TypeDraft {
            description: t.description,
            source: t.source,
            fields: fields(t.fields),
        }
    }
}

impl From<RuleSpec> for RuleDraft {
    fn from(r: RuleSpec) -> Self {
        let lists = [
            ("at_least_one", r.at_least_one),
            ("together", r.together),
            ("precedence", r.precedence),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        RuleDraft {
            lists,
            description: r.description,
            source: r.source,
        }
    }
}

impl From<ErrorSpec> for ErrorDraft {
    fn from(e: ErrorSpec) -> Self {
        ErrorDraft {
            code: e.code,
            message: e.message,
            action: e.action,
            outcome_unknown: e.outcome_unknown,
            rust_name: e.rust_name,
            source: e.source,
        }
    }
}

impl From<ExampleSpec> for ExampleDraft {
    fn from(e: ExampleSpec) -> Self {
        ExampleDraft {
            name: e.name,
            kind: e.kind,
            description: e.description,
            source: e.source,
            note: e.note,
            json: e.json,
        }
    }
}

impl From<MethodFile> for Draft {
    fn from(m: MethodFile) -> Self {
        Draft {
            method: m.method,
            title: m.title,
            product: m.product,
            summary: m.summary,
            description: m.description,
            source: m.source,
            notes: m.notes,
            public_params: m.public_params,
            call: m.call,
            request: fields(m.request.fields),
            rules: m.request.rules.into_iter().map(RuleDraft::from).collect(),
            response: fields(m.response.fields),
            types: m
                .types
                .into_iter()
                .map(|(k, v)| (k, TypeDraft::from(v)))
                .collect(),
            errors: m.errors.into_iter().map(ErrorDraft::from).collect(),
            examples: m.examples.into_iter().map(ExampleDraft::from).collect(),
            unconfirmed: m.unconfirmed,
        }
    }
}

impl Draft {
    /// An empty draft for `method`.
    pub fn new(method: &str) -> Draft {
        Draft {
            method: method.to_owned(),
            title: String::new(),
            product: String::new(),
            summary: String::new(),
            description: None,
            source: None,
            notes: Vec::new(),
            public_params: Vec::new(),
            call: Call::Api,
            request: Vec::new(),
            rules: Vec::new(),
            response: Vec::new(),
            types: BTreeMap::new(),
            errors: Vec::new(),
            examples: Vec::new(),
            unconfirmed: Vec::new(),
        }
    }

    /// Marks a method-level fact as not stated by the source (once).
    pub fn unconfirm(&mut self, fact: MethodFact) {
        if !self.unconfirmed.contains(&fact) {
            self.unconfirmed.push(fact);
            self.unconfirmed.sort();
        }
    }
}
