//! The checked model the emitters work from.
//!
//! Everything here has passed [`crate::check`]: types resolve, names are valid
//! Rust and do not collide, rules name real fields, examples fit their fields.
//! Lists are in output order: fields as written, types and methods sorted.

use crate::spec::{ExampleKind, LengthCounting, Required};

/// All specs of one spec root.
#[derive(Debug)]
pub struct Api {
    /// `common.yaml`.
    pub common: Common,
    /// Shared object types (from `common.yaml`), sorted by name.
    pub types: Vec<ObjectType>,
    /// Enums declared by fields of shared types, sorted by name.
    pub enums: Vec<EnumDef>,
    /// Methods, sorted by name.
    pub methods: Vec<Method>,
}

/// The shared definitions.
#[derive(Debug)]
pub struct Common {
    /// The spec file, relative to the spec root.
    pub file: String,
    /// Gateway name → URL, sorted by name.
    pub gateways: Vec<(String, String)>,
    /// Public request parameters.
    pub request_params: Vec<Field>,
    /// `code`, `msg`, `sub_code`, `sub_msg`.
    pub response_fields: Vec<Field>,
    /// Gateway codes, in spec order.
    pub gateway_codes: Vec<GatewayCode>,
}

/// A gateway `code`.
#[derive(Debug)]
pub struct GatewayCode {
    /// The code, e.g. `40004`.
    pub code: String,
    /// The Rust variant.
    pub variant: String,
    /// The English message.
    pub msg: String,
    /// What it means.
    pub meaning: String,
    /// What to do.
    pub action: Option<String>,
    /// Neither success nor failure.
    pub outcome_unknown: bool,
    /// The sub-codes under it.
    pub sub_codes: Vec<ErrorCodeDef>,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// One API method.
#[derive(Debug)]
pub struct Method {
    /// `alipay.fund.coupon.order.refund`.
    pub name: String,
    /// The spec file, relative to the spec root.
    pub file: String,
    /// The document's name for it.
    pub title: String,
    /// Its product.
    pub product: String,
    /// How it is invoked.
    pub call: crate::spec::Call,
    /// One line.
    pub summary: String,
    /// More text.
    pub description: Option<String>,
    /// The document.
    pub source: Option<String>,
    /// Notes.
    pub notes: Vec<String>,
    /// Optional public parameters it accepts.
    pub public_params: Vec<String>,
    /// Rust names.
    pub rust: MethodNames,
    /// biz_content.
    pub request: ObjectType,
    /// Cross-field rules on the request.
    pub rules: Vec<Rule>,
    /// The response node (without the common fields).
    pub response: ObjectType,
    /// Method-local object types, sorted.
    pub types: Vec<ObjectType>,
    /// Enums declared by this method's fields, sorted.
    pub enums: Vec<EnumDef>,
    /// Business error codes.
    pub errors: Vec<ErrorCodeDef>,
    /// Examples.
    pub examples: Vec<Example>,
}

impl Method {
    /// The identifiers the response echoes: each top-level `string` request
    /// field paired with the response field of the same name and type. The
    /// client checks that a verified answer carries the values this request
    /// sent (see `specs/README.md`, "Echoed identifiers").
    pub fn echoes(&self) -> impl Iterator<Item = (&Field, &Field)> {
        self.request
            .fields
            .iter()
            .filter(|f| f.ty == Type::String)
            .filter_map(|sent| {
                self.response
                    .fields
                    .iter()
                    .find(|got| got.name == sent.name && got.ty == Type::String)
                    .map(|got| (sent, got))
            })
    }
}

/// The Rust names of one method's items.
#[derive(Debug)]
pub struct MethodNames {
    /// `alipay_fund_coupon_order_refund`.
    pub module: String,
    /// `AlipayFundCouponOrderRefundErrorCode`.
    pub error_code: String,
}

/// Whether an object is sent or received; decides how tolerant it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Built by the caller: required fields are plain values.
    Request,
    /// Parsed from Alipay: every field optional, unknown keys ignored.
    Response,
}

/// A struct to generate.
#[derive(Debug)]
pub struct ObjectType {
    /// The spec name (`TradeFundBill`), or for a method's request and response
    /// the generated name.
    pub name: String,
    /// Its Rust name.
    pub rust_name: String,
    /// What it is.
    pub description: String,
    /// Where the fact comes from.
    pub source: Option<String>,
    /// Fields, in spec order.
    pub fields: Vec<Field>,
    /// Sent or received.
    pub direction: Direction,
    /// Whether a request can contain it, so it needs a validator.
    pub validated: bool,
}

/// A field.
#[derive(Debug)]
pub struct Field {
    /// Where it is declared in its spec file, e.g. `request.fields[2]`.
    pub path: String,
    /// The wire name.
    pub name: String,
    /// Its Rust identifier (possibly `r#type`).
    pub rust_name: String,
    /// Its type.
    pub ty: Type,
    /// Required flag.
    pub required: Required,
    /// Maximum length.
    pub max_length: Option<u32>,
    /// How `max_length` counts.
    pub length_counting: LengthCounting,
    /// The smallest allowed value.
    pub minimum: Option<Bound>,
    /// The largest allowed value.
    pub maximum: Option<Bound>,
    /// Description, verbatim.
    pub description: String,
    /// Example, as JSON.
    pub example: Option<serde_json::Value>,
    /// Where the fact comes from.
    pub source: Option<String>,
    /// Anything else.
    pub note: Option<String>,
    /// Held in a `Box`: the field's object type contains, directly or through
    /// other objects, the object that holds the field (see
    /// [`crate::recursion`]). Never set through an array, which already has
    /// a size.
    pub boxed: bool,
}

/// A documented minimum or maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    /// An amount, in fen.
    Price(u64),
    /// An integer.
    Integer(i64),
}

/// A field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `string`.
    String,
    /// `price`.
    Price,
    /// `integer`.
    Integer,
    /// `boolean`.
    Boolean,
    /// `datetime`.
    DateTime,
    /// An open enum over strings: its Rust name.
    Enum(String),
    /// An object type: spec name and Rust path relative to the crate root
    /// (`types::TradeFundBill` or `<module>::Local`).
    Object {
        /// The spec name.
        name: String,
        /// Whether it is declared in common.yaml.
        shared: bool,
    },
    /// `T[]`.
    Array(Box<Type>),
}

/// An open enum generated for a field's `values`.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Its Rust name.
    pub rust_name: String,
    /// Where it was declared: the field's path, `response.fields[3]`.
    pub declared_at: String,
    /// The declaring field's wire name, for the docs.
    pub field: String,
    /// The field's description.
    pub description: String,
    /// The values.
    pub values: Vec<EnumValue>,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// As sent.
    pub value: String,
    /// Rust variant.
    pub variant: String,
    /// What it means.
    pub meaning: String,
}

/// A cross-field rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Which kind.
    pub kind: RuleKind,
    /// The fields, by wire name.
    pub fields: Vec<String>,
    /// The document's words.
    pub description: String,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// What a rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// At least one of the fields must be given.
    AtLeastOne,
    /// If one is given, all must be.
    Together,
    /// When several are given, the first wins.
    Precedence,
}

/// A business error code or gateway sub-code.
#[derive(Debug, Clone)]
pub struct ErrorCodeDef {
    /// As sent.
    pub code: String,
    /// Rust variant.
    pub variant: String,
    /// What it means; `None` where Alipay publishes no meaning.
    pub message: Option<String>,
    /// What to do; `None` where Alipay publishes no fix.
    pub action: Option<String>,
    /// Neither success nor failure.
    pub outcome_unknown: bool,
    /// Where the fact comes from.
    pub source: Option<String>,
}

/// A document example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// What it shows.
    pub kind: ExampleKind,
    /// Caption.
    pub description: Option<String>,
    /// Where it comes from.
    pub source: Option<String>,
    /// Anything else.
    pub note: Option<String>,
    /// The JSON text, verbatim.
    pub json: String,
}
