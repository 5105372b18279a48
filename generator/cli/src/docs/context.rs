//! What the templates see: the checked IR, flattened into plain values.
//!
//! Every template gets a [`Site`]; `method.md.j2` gets a [`Method`] as
//! `method` beside it. Text is as in the spec (verbatim); the templates
//! escape it with the `cell`, `text` and `code` filters. Optional facts are
//! `none` when the spec leaves them out, so templates test them with `if`.

use std::fmt::Write as _;

use serde::Serialize;

use alipay_codegen::ir::{self, Bound, Direction, RuleKind, Type};
use alipay_codegen::naming;
use alipay_codegen::spec::{ExampleKind, LengthCounting, Required};

use super::markdown;

/// The page of a method: `alipay.fund.trans.refund.md`.
pub fn page_of(method: &str) -> String {
    format!("{method}.md")
}

/// A heading's anchor as GitHub makes it: lower case, spaces as `-`, other
/// punctuation dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// What every template sees.
#[derive(Debug, Serialize)]
pub struct Site {
    /// `alipay-codegen 0.1.0`.
    pub tool: String,
    /// `index.md`.
    pub index_page: String,
    /// `common.md`.
    pub common_page: String,
    /// Products, sorted, each with its methods, sorted.
    pub products: Vec<Product>,
    /// Every method, sorted.
    pub methods: Vec<MethodSummary>,
    /// `common.yaml`.
    pub common: Common,
    /// The object types of `common.yaml`, sorted.
    pub shared_types: Vec<ObjectType>,
}

/// A product and its methods.
#[derive(Debug, Serialize)]
pub struct Product {
    /// The product's name.
    pub name: String,
    /// Its methods, sorted by name.
    pub methods: Vec<MethodSummary>,
}

/// One line of the index.
#[derive(Debug, Clone, Serialize)]
pub struct MethodSummary {
    /// `alipay.fund.trans.refund`.
    pub name: String,
    /// The document's name for it.
    pub title: String,
    /// Its product.
    pub product: String,
    /// One line.
    pub summary: String,
    /// Its page, relative to the output directory.
    pub page: String,
}

/// `common.yaml`.
#[derive(Debug, Serialize)]
pub struct Common {
    /// The spec file, relative to the spec root.
    pub file: String,
    /// Gateway name → URL, sorted by name.
    pub gateways: Vec<Gateway>,
    /// The public request parameters.
    pub request_params: Vec<Field>,
    /// `code`, `msg`, `sub_code`, `sub_msg`.
    pub response_fields: Vec<Field>,
    /// The gateway codes, in spec order.
    pub gateway_codes: Vec<GatewayCode>,
}

/// A gateway.
#[derive(Debug, Serialize)]
pub struct Gateway {
    /// `production`, `sandbox`.
    pub name: String,
    /// Its URL.
    pub url: String,
}

/// A gateway `code` and its sub-codes.
#[derive(Debug, Serialize)]
pub struct GatewayCode {
    /// `40004`.
    pub code: String,
    /// The English `msg` the gateway sends.
    pub msg: String,
    /// What it means.
    pub meaning: String,
    /// What to do.
    pub action: Option<String>,
    /// Neither success nor failure.
    pub outcome_unknown: bool,
    /// The heading of its sub-code table, and that heading's anchor.
    pub heading: String,
    /// The anchor of `heading`.
    pub anchor: String,
    /// The sub-codes under it.
    pub sub_codes: Vec<ErrorCode>,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// A business error code or a gateway sub-code.
#[derive(Debug, Serialize)]
pub struct ErrorCode {
    /// As sent in `sub_code`.
    pub code: String,
    /// What it means; `None` (shown as *not published*) where Alipay publishes none.
    pub message: Option<String>,
    /// What to do; `None` (shown as *not published*) where Alipay publishes none.
    pub action: Option<String>,
    /// Neither success nor failure: resend with the same request number, or query.
    pub outcome_unknown: bool,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// An object type: a table of fields.
#[derive(Debug, Serialize)]
pub struct ObjectType {
    /// `TradeFundBill`.
    pub name: String,
    /// The anchor of its heading (`tradefundbill`).
    pub anchor: String,
    /// What it is.
    pub description: String,
    /// Where the fact comes from.
    pub source: Option<String>,
    /// `request` (sent) or `response` (received).
    pub direction: &'static str,
    /// Its fields, in spec order.
    pub fields: Vec<Field>,
}

/// A field: one row of a parameter table.
#[derive(Debug, Serialize)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// The Rust field and setter name (`r#type` for `type`).
    pub rust_name: String,
    /// The spec type: `string`, `price`, `TradeFundBill[]`…
    pub ty: String,
    /// Where the object type in `ty` is described, if it is one.
    pub ty_href: Option<String>,
    /// `yes`, `no` or `conditional`.
    pub required: &'static str,
    /// The maximum length.
    pub max_length: Option<u32>,
    /// Whether `max_length` counts a non-ASCII character as two.
    pub chinese_as_two: bool,
    /// The smallest allowed value, as written (`0.01`).
    pub minimum: Option<String>,
    /// The largest allowed value, as written.
    pub maximum: Option<String>,
    /// The document's description, verbatim.
    pub description: String,
    /// The example value as text: a string as is, anything else as JSON.
    pub example: Option<String>,
    /// The allowed values, when listed.
    pub values: Vec<EnumValue>,
    /// Where the fact comes from.
    pub source: Option<String>,
    /// Anything else.
    pub note: Option<String>,
}

/// An allowed value of a field.
#[derive(Debug, Serialize)]
pub struct EnumValue {
    /// As sent.
    pub value: String,
    /// What it means.
    pub meaning: String,
}

/// A method's page.
#[derive(Debug, Serialize)]
pub struct Method {
    /// `alipay.fund.trans.refund`.
    pub name: String,
    /// The spec file, relative to the spec root.
    pub file: String,
    /// Its page.
    pub page: String,
    /// The document's name for it.
    pub title: String,
    /// Its product.
    pub product: String,
    /// One line.
    pub summary: String,
    /// More of the document's text.
    pub description: Option<String>,
    /// Whether `description` starts with `summary` (so a page need not
    /// show both).
    pub description_starts_with_summary: bool,
    /// The document transcribed.
    pub source: Option<String>,
    /// Everything else the document says.
    pub notes: Vec<String>,
    /// Optional public parameters it accepts beyond the usual ones.
    pub public_params: Vec<String>,
    /// The key of the response node: `alipay_fund_trans_refund_response`.
    pub response_key: String,
    /// The `biz_content` fields.
    pub request: Vec<Field>,
    /// Cross-field rules on the request.
    pub rules: Vec<Rule>,
    /// The response fields, besides the common ones.
    pub response: Vec<Field>,
    /// Method-local object types, sorted.
    pub types: Vec<ObjectType>,
    /// Business error codes (`sub_code` under `40004`).
    pub errors: Vec<ErrorCode>,
    /// The document's examples.
    pub examples: Vec<Example>,
    /// The generated Rust names and a request built from the examples.
    pub rust: Rust,
}

/// A cross-field rule.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// `at_least_one`, `together` or `precedence`.
    pub kind: &'static str,
    /// What the kind says, in words: `at least one of`…
    pub meaning: &'static str,
    /// The fields, by wire name.
    pub fields: Vec<String>,
    /// The document's words.
    pub description: String,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// A document example.
#[derive(Debug, Serialize)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// `request` (`biz_content`) or `response` (the whole body).
    pub kind: &'static str,
    /// The document's caption.
    pub description: Option<String>,
    /// Where it comes from.
    pub source: Option<String>,
    /// Anything else.
    pub note: Option<String>,
    /// The JSON, verbatim, without trailing blank lines.
    pub json: String,
    /// A code fence longer than any run of backticks in `json`.
    pub fence: String,
}

/// The generated Rust of a method, and a request built from its examples.
#[derive(Debug, Serialize)]
pub struct Rust {
    /// `alipay_fund_trans_refund`.
    pub module: String,
    /// `AlipayFundTransRefundRequest`.
    pub request_type: String,
    /// `AlipayFundTransRefundResponse`.
    pub response_type: String,
    /// `AlipayFundTransRefundErrorCode`.
    pub error_type: String,
    /// The arguments of `new`: the required fields, from their examples.
    pub new_args: Vec<RustArg>,
    /// Setters for the optional fields that have examples.
    pub setters: Vec<RustArg>,
    /// The whole example, ready for a `rust` code block.
    pub example: String,
}

/// A value passed to `new` or a setter.
#[derive(Debug, Serialize)]
pub struct RustArg {
    /// The wire name (and, for a stand-in value, why it is one): the
    /// comment after the value.
    pub field: String,
    /// The setter (the Rust field name).
    pub setter: String,
    /// The Rust expression: `"8.88".parse()?`, `"红包退款"`, `10`.
    pub expr: String,
}

/// Which page a table is on, which decides how object types are linked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Common,
    Method,
}

/// The enums a page's fields can name: the method's own, then the shared.
struct Enums<'a>(Vec<&'a ir::EnumDef>);

impl<'a> Enums<'a> {
    fn of(api: &'a ir::Api, method: Option<&'a ir::Method>) -> Self {
        Enums(
            method
                .into_iter()
                .flat_map(|m| &m.enums)
                .chain(&api.enums)
                .collect(),
        )
    }

    fn values(&self, ty: &Type) -> Vec<EnumValue> {
        let name = match ty {
            Type::Enum(name) => name,
            Type::Array(inner) => return self.values(inner),
            _ => return Vec::new(),
        };
        self.0
            .iter()
            .find(|e| e.rust_name == *name)
            .map(|e| {
                e.values
                    .iter()
                    .map(|v| EnumValue {
                        value: v.value.clone(),
                        meaning: v.meaning.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Site {
    /// The context of every page.
    pub fn new(api: &ir::Api, tool: &str) -> Site {
        let methods: Vec<MethodSummary> = api
            .methods
            .iter()
            .map(|m| MethodSummary {
                name: m.name.clone(),
                title: m.title.clone(),
                product: m.product.clone(),
                summary: m.summary.clone(),
                page: page_of(&m.name),
            })
            .collect();
        let mut products: Vec<Product> = Vec::new();
        let mut sorted = methods.clone();
        sorted.sort_by(|a, b| (&a.product, &a.name).cmp(&(&b.product, &b.name)));
        for m in sorted {
            match products.last_mut() {
                Some(p) if p.name == m.product => p.methods.push(m),
                _ => products.push(Product {
                    name: m.product.clone(),
                    methods: vec![m],
                }),
            }
        }
        let enums = Enums::of(api, None);
        let fields = |fs: &[ir::Field]| -> Vec<Field> {
            fs.iter()
                .map(|f| Field::new(f, &enums, Page::Common))
                .collect()
        };
        let c = &api.common;
        Site {
            tool: tool.to_owned(),
            index_page: "index.md".to_owned(),
            common_page: "common.md".to_owned(),
            products,
            methods,
            common: Common {
                file: c.file.clone(),
                gateways: c
                    .gateways
                    .iter()
                    .map(|(name, url)| Gateway {
                        name: name.clone(),
                        url: url.clone(),
                    })
                    .collect(),
                request_params: fields(&c.request_params),
                response_fields: fields(&c.response_fields),
                gateway_codes: c.gateway_codes.iter().map(GatewayCode::new).collect(),
            },
            shared_types: api
                .types
                .iter()
                .map(|t| ObjectType::new(t, &enums, Page::Common))
                .collect(),
        }
    }
}

impl GatewayCode {
    fn new(g: &ir::GatewayCode) -> Self {
        let heading = format!("{} {}", g.code, g.msg);
        GatewayCode {
            code: g.code.clone(),
            msg: g.msg.clone(),
            meaning: g.meaning.clone(),
            action: g.action.clone(),
            outcome_unknown: g.outcome_unknown,
            anchor: anchor(&heading),
            heading,
            sub_codes: g.sub_codes.iter().map(ErrorCode::new).collect(),
            source: g.source.clone(),
        }
    }
}

impl ErrorCode {
    fn new(e: &ir::ErrorCodeDef) -> Self {
        ErrorCode {
            code: e.code.clone(),
            message: e.message.clone(),
            action: e.action.clone(),
            outcome_unknown: e.outcome_unknown,
            source: e.source.clone(),
        }
    }
}

impl ObjectType {
    fn new(o: &ir::ObjectType, enums: &Enums<'_>, page: Page) -> Self {
        ObjectType {
            name: o.name.clone(),
            anchor: anchor(&o.name),
            description: o.description.clone(),
            source: o.source.clone(),
            direction: match o.direction {
                Direction::Request => "request",
                Direction::Response => "response",
            },
            fields: o
                .fields
                .iter()
                .map(|f| Field::new(f, enums, page))
                .collect(),
        }
    }
}

/// The spec's name for a type: `string`, `TradeFundBill[]`.
fn spec_type(ty: &Type) -> String {
    match ty {
        Type::String | Type::Enum(_) => "string".to_owned(),
        Type::Price => "price".to_owned(),
        Type::Integer => "integer".to_owned(),
        Type::Boolean => "boolean".to_owned(),
        Type::DateTime => "datetime".to_owned(),
        Type::Object { name, .. } => name.clone(),
        Type::Array(inner) => format!("{}[]", spec_type(inner)),
    }
}

/// Where an object type (or array of one) is described.
fn type_href(ty: &Type, page: Page) -> Option<String> {
    match ty {
        Type::Object { name, shared } => Some(if *shared && page == Page::Method {
            format!("common.md#{}", anchor(name))
        } else {
            format!("#{}", anchor(name))
        }),
        Type::Array(inner) => type_href(inner, page),
        _ => None,
    }
}

/// An amount in fen as yuan (`1` → `0.01`), or an integer.
fn bound(b: Bound) -> String {
    match b {
        Bound::Price(fen) => format!("{}.{:02}", fen / 100, fen % 100),
        Bound::Integer(n) => n.to_string(),
    }
}

impl Field {
    fn new(f: &ir::Field, enums: &Enums<'_>, page: Page) -> Self {
        Field {
            name: f.name.clone(),
            rust_name: f.rust_name.clone(),
            ty: spec_type(&f.ty),
            ty_href: type_href(&f.ty, page),
            required: match f.required {
                Required::Yes => "yes",
                Required::No => "no",
                Required::Conditional => "conditional",
            },
            max_length: f.max_length,
            chinese_as_two: f.max_length.is_some()
                && f.length_counting == LengthCounting::ChineseAsTwo,
            minimum: f.minimum.map(bound),
            maximum: f.maximum.map(bound),
            description: f.description.clone(),
            example: f.example.as_ref().map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            }),
            values: enums.values(&f.ty),
            source: f.source.clone(),
            note: f.note.clone(),
        }
    }
}

impl Method {
    /// The context of one method's page.
    pub fn new(api: &ir::Api, m: &ir::Method) -> Method {
        let enums = Enums::of(api, Some(m));
        let fields = |fs: &[ir::Field]| -> Vec<Field> {
            fs.iter()
                .map(|f| Field::new(f, &enums, Page::Method))
                .collect()
        };
        Method {
            name: m.name.clone(),
            file: m.file.clone(),
            page: page_of(&m.name),
            title: m.title.clone(),
            product: m.product.clone(),
            summary: m.summary.clone(),
            description: m.description.clone(),
            description_starts_with_summary: m
                .description
                .as_deref()
                .is_some_and(|d| d.trim_start().starts_with(m.summary.trim())),
            source: m.source.clone(),
            notes: m.notes.clone(),
            public_params: m.public_params.clone(),
            response_key: naming::response_key(&m.name),
            request: fields(&m.request.fields),
            rules: m.rules.iter().map(Rule::new).collect(),
            response: fields(&m.response.fields),
            types: m
                .types
                .iter()
                .map(|t| ObjectType::new(t, &enums, Page::Method))
                .collect(),
            errors: m.errors.iter().map(ErrorCode::new).collect(),
            examples: m.examples.iter().map(Example::new).collect(),
            rust: Rust::new(m),
        }
    }
}

impl Rule {
    fn new(r: &ir::Rule) -> Self {
        let (kind, meaning) = match r.kind {
            RuleKind::AtLeastOne => ("at_least_one", "at least one of"),
            RuleKind::Together => ("together", "all or none of"),
            RuleKind::Precedence => ("precedence", "if several, the first wins"),
        };
        Rule {
            kind,
            meaning,
            fields: r.fields.clone(),
            description: r.description.clone(),
            source: r.source.clone(),
        }
    }
}

impl Example {
    fn new(e: &ir::Example) -> Self {
        let json = e.json.trim_end().to_owned();
        Example {
            name: e.name.clone(),
            kind: match e.kind {
                ExampleKind::Request => "request",
                ExampleKind::Response => "response",
            },
            description: e.description.clone(),
            source: e.source.clone(),
            note: e.note.clone(),
            fence: markdown::fence(&json),
            json,
        }
    }
}

/// A Rust string literal: raw when that reads better.
fn literal(s: &str) -> String {
    let plain = !s.chars().any(char::is_control);
    if plain && s.contains(['"', '\\']) && !s.contains("\"#") {
        format!("r#\"{s}\"#")
    } else {
        format!("{s:?}")
    }
}

/// The expression for a value of `ty` from its example, if it has a
/// simple one. `element` is set inside `vec![…]`, where strings need `into`.
fn expr(ty: &Type, example: &serde_json::Value, element: bool) -> Option<String> {
    use serde_json::Value as J;
    match (ty, example) {
        (Type::String | Type::Enum(_), J::String(s)) if element => {
            Some(format!("{}.into()", literal(s)))
        }
        (Type::String | Type::Enum(_), J::String(s)) => Some(literal(s)),
        (Type::Price | Type::DateTime, J::String(s)) => Some(format!("{}.parse()?", literal(s))),
        (Type::Integer, J::Number(n)) => Some(n.to_string()),
        (Type::Boolean, J::Bool(b)) => Some(b.to_string()),
        (Type::Array(inner), J::Array(items)) => {
            let items = items
                .iter()
                .map(|item| expr(inner, item, true))
                .collect::<Option<Vec<_>>>()?;
            Some(format!("vec![{}]", items.join(", ")))
        }
        _ => None,
    }
}

/// A stand-in for a required value the spec gives no example of: `new`
/// takes strings by `Into`, which `todo!()` cannot satisfy.
fn placeholder(ty: &Type) -> String {
    match ty {
        Type::String | Type::Enum(_) => "\"...\"".to_owned(),
        _ => "todo!()".to_owned(),
    }
}

impl Rust {
    fn new(m: &ir::Method) -> Self {
        let stem = naming::method_type_stem(&m.name);
        let module = naming::method_module(&m.name);
        let request_type = format!("{stem}Request");
        let arg = |f: &ir::Field, expr: String| RustArg {
            field: f.name.clone(),
            setter: f.rust_name.clone(),
            expr,
        };
        let mut new_args = Vec::new();
        let mut setters = Vec::new();
        for f in &m.request.fields {
            let value = f.example.as_ref().and_then(|e| expr(&f.ty, e, false));
            match (f.required, value) {
                (Required::Yes, Some(v)) => new_args.push(arg(f, v)),
                (Required::Yes, None) => new_args.push(RustArg {
                    field: format!("{}: the spec gives no example", f.name),
                    ..arg(f, placeholder(&f.ty))
                }),
                (_, Some(v)) => setters.push(arg(f, v)),
                (_, None) => {}
            }
        }
        let example = rust_example(&module, &request_type, &new_args, &setters);
        Rust {
            module,
            response_type: format!("{stem}Response"),
            error_type: m.rust.error_code.clone(),
            request_type,
            new_args,
            setters,
            example,
        }
    }
}

/// `use …; fn request() -> Result<…> { let request = …::new(…)…; Ok(request) }`,
/// laid out as rustfmt would.
fn rust_example(module: &str, ty: &str, new_args: &[RustArg], setters: &[RustArg]) -> String {
    let mut out = format!(
        "use alipay_api::{module}::{ty};\n\n\
         fn request() -> Result<{ty}, Box<dyn std::error::Error>> {{\n    \
         let request = {ty}::new("
    );
    if !new_args.is_empty() {
        out.push('\n');
        for a in new_args {
            let _ = writeln!(out, "        {}, // {}", a.expr, a.field);
        }
        out.push_str("    ");
    }
    out.push(')');
    for s in setters {
        let _ = write!(out, "\n    .{}({})", s.setter, s.expr);
    }
    out.push_str(";\n    Ok(request)\n}");
    out
}
