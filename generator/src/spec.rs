//! The shape of the YAML spec files, exactly as written by hand.
//!
//! Every struct denies unknown keys so that a misspelt key is a load error
//! with a line and column, not a silently ignored fact. Meaning is checked
//! later, in [`crate::check`]; this module only mirrors `specs/README.md`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `specs/common.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonFile {
    /// Gateway name → URL.
    pub gateways: BTreeMap<String, String>,
    /// The public request parameters.
    pub request_params: Vec<FieldSpec>,
    /// `code`, `msg`, `sub_code`, `sub_msg`.
    pub response_fields: Vec<FieldSpec>,
    /// The gateway's `code` values.
    pub gateway_codes: Vec<GatewayCodeSpec>,
    /// Nested object types any method may use.
    #[serde(default)]
    pub types: BTreeMap<String, ObjectSpec>,
}

/// One gateway `code` and its sub-codes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayCodeSpec {
    /// The code, e.g. `"40004"`.
    pub code: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The English `msg` the gateway sends.
    pub msg: String,
    /// What it means.
    pub meaning: String,
    /// What to do.
    #[serde(default)]
    pub action: Option<String>,
    /// Neither success nor failure.
    #[serde(default)]
    pub outcome_unknown: bool,
    /// The sub-codes under this code.
    #[serde(default)]
    pub sub_codes: Vec<ErrorSpec>,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// `specs/methods/<method>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodFile {
    /// The method name, e.g. `alipay.fund.coupon.order.refund`.
    pub method: String,
    /// The document's name for the method.
    pub title: String,
    /// The product the method belongs to.
    pub product: String,
    /// One line, verbatim.
    pub summary: String,
    /// More of the document's text.
    #[serde(default)]
    pub description: Option<String>,
    /// The document transcribed.
    #[serde(default)]
    pub source: Option<String>,
    /// Everything else the document says.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Optional public parameters this method accepts.
    #[serde(default)]
    pub public_params: Vec<String>,
    /// How the method is invoked: a server call (the default), a page the
    /// buyer's browser submits, or an order string the Alipay app SDK takes.
    #[serde(default)]
    pub call: Call,
    /// The biz_content fields and rules.
    pub request: RequestSpec,
    /// The response fields.
    pub response: ResponseSpec,
    /// Method-local nested object types.
    #[serde(default)]
    pub types: BTreeMap<String, ObjectSpec>,
    /// Business error codes.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// The document's examples.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    /// Keys of this file whose values its source did not state (written by
    /// an importer); each is an error until a person decides and removes it.
    #[serde(default)]
    pub unconfirmed: Vec<MethodFact>,
}

/// The request (`biz_content`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// Its fields.
    pub fields: Vec<FieldSpec>,
    /// Cross-field rules.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// The response node.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// Its fields, besides the common ones.
    pub fields: Vec<FieldSpec>,
}

/// A nested object type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    /// What it is.
    pub description: String,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Its fields.
    pub fields: Vec<FieldSpec>,
}

/// One field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The wire name.
    pub name: String,
    /// The spec type, e.g. `string`, `price`, `TradeFundBill[]`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether it must be given.
    #[serde(default)]
    pub required: Required,
    /// Maximum length.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// How `max_length` counts (default: characters).
    #[serde(default)]
    pub length_counting: Option<LengthCounting>,
    /// The smallest allowed value (price: a quoted amount; integer: a number).
    #[serde(default)]
    pub minimum: Option<serde_yaml_ng::Value>,
    /// The largest allowed value (price: a quoted amount; integer: a number).
    #[serde(default)]
    pub maximum: Option<serde_yaml_ng::Value>,
    /// The document's description, verbatim.
    pub description: String,
    /// The document's example value.
    #[serde(default)]
    pub example: Option<serde_yaml_ng::Value>,
    /// Allowed values.
    #[serde(default)]
    pub values: Vec<ValueSpec>,
    /// The Rust enum name for `values`.
    #[serde(default)]
    pub enum_name: Option<String>,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Anything else.
    #[serde(default)]
    pub note: Option<String>,
    /// Keys of this field whose values its source did not state (written by
    /// an importer); each is an error until a person decides and removes it.
    #[serde(default)]
    pub unconfirmed: Vec<FieldFact>,
}

/// A key of a method file that an importer could not take from its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodFact {
    /// `title`: the source gave no name for the method.
    Title,
    /// `product`: the source names no product group.
    Product,
    /// `summary`: the source has no introduction.
    Summary,
}

impl MethodFact {
    /// The key as written in a spec.
    pub fn key(self) -> &'static str {
        match self {
            MethodFact::Title => "title",
            MethodFact::Product => "product",
            MethodFact::Summary => "summary",
        }
    }
}

/// A key of a field that an importer could not take from its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldFact {
    /// `type`: the source's type does not say which of ours it is (an
    /// amount or a date-time sent as a plain string, a `Number` with
    /// decimals, an unknown type name).
    Type,
    /// `required`: the source does not say whether it must be given.
    Required,
    /// `max_length`: the source gives no maximum length.
    MaxLength,
    /// `description`: the source describes it with nothing.
    Description,
}

impl FieldFact {
    /// The key as written in a spec.
    pub fn key(self) -> &'static str {
        match self {
            FieldFact::Type => "type",
            FieldFact::Required => "required",
            FieldFact::MaxLength => "max_length",
            FieldFact::Description => "description",
        }
    }
}

/// `call: api | page | sdk`: how a method is invoked, as the official SDKs
/// name it (`execute`, `pageExecute`, `sdkExecute`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// A server-to-server call: the merchant posts to the gateway and reads
    /// the signed `<method>_response`.
    #[default]
    Api,
    /// A page: the merchant signs the request and hands it to the buyer's
    /// browser (an auto-submitting form or a URL); Alipay answers the browser,
    /// then `return_url` and `notify_url`. `alipay.trade.page.pay`,
    /// `alipay.trade.wap.pay`.
    Page,
    /// An order string for the Alipay app SDK: the merchant signs it and the
    /// app passes it on. `alipay.trade.app.pay`.
    Sdk,
}

/// How a `max_length` is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthCounting {
    /// Characters (Unicode scalar values): the default.
    Characters,
    /// Every non-ASCII character counts as two, for limits a document gives
    /// as "≤100字母/50汉字".
    ChineseAsTwo,
}

/// `required: true | false | conditional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Required {
    /// Must be given.
    Yes,
    /// May be left out.
    #[default]
    No,
    /// Required depending on other fields: see the rules.
    Conditional,
}

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(true) => Ok(Required::Yes),
            Raw::Bool(false) => Ok(Required::No),
            Raw::Text(t) if t == "conditional" => Ok(Required::Conditional),
            Raw::Text(t) => Err(serde::de::Error::custom(format!(
                "`required: {t}` is not allowed; expected true, false or conditional"
            ))),
        }
    }
}

/// One allowed value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    /// The value as sent.
    pub value: String,
    /// What it means.
    pub meaning: String,
    /// The Rust variant name.
    #[serde(default)]
    pub rust_name: Option<String>,
}

/// A cross-field rule: exactly one of the three lists is set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// At least one of these fields must be given.
    #[serde(default)]
    pub at_least_one: Option<Vec<String>>,
    /// If one of these is given, all must be.
    #[serde(default)]
    pub together: Option<Vec<String>>,
    /// When several are given, the first wins (documentation only).
    #[serde(default)]
    pub precedence: Option<Vec<String>>,
    /// The document's words.
    pub description: String,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// A business error code (or a gateway sub-code).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The code as sent in `sub_code`.
    pub code: String,
    /// What it means, verbatim; omitted where Alipay publishes no meaning
    /// (the code is only listed, e.g. in an SDK's error enum).
    #[serde(default)]
    pub message: Option<String>,
    /// What to do; omitted where Alipay publishes no fix.
    #[serde(default)]
    pub action: Option<String>,
    /// Neither success nor failure.
    #[serde(default)]
    pub outcome_unknown: bool,
    /// The Rust variant name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// A document example.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// Unique within the method.
    pub name: String,
    /// Request (biz_content) or response (whole body).
    pub kind: ExampleKind,
    /// The document's caption.
    #[serde(default)]
    pub description: Option<String>,
    /// Where it comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Anything else.
    #[serde(default)]
    pub note: Option<String>,
    /// The JSON text.
    pub json: String,
}

/// What an example shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    /// A `biz_content` object.
    Request,
    /// A whole response body.
    Response,
}
